"""Sync benchmark against a real server on loopback (``skillsapp serve`` in its own process).

    python tests/bench/sync.py                       # SQLite
    python tests/bench/sync.py --postgres URL        # also PostgreSQL (admin URL; a database is created)

Prints, for each database:
* the time to sync 10,000 finished attempts with 30 answers each from one PC
  (target <= 10 s), against a server that verifies every attempt and, in the same run,
  against one started with tests/bench/no_verify on its path (verification skipped),
  side by side with the verification's own cost per attempt, timed in this process on
  the same 10,000 payloads (target: verification adds at most 10 %);
* the server's ingest rate (records and answers per second) with 20 PCs syncing
  at once, 500 attempts each.
Not a test: it prints figures.

    python tests/bench/sync.py --profile             # also where the one-PC sync spends its time

``--profile`` adds, for the one-PC sync with verification: the client's top functions
(cProfile around ``push``) and, when ``py-spy`` is on the PATH, the server process's top
functions (py-spy sampling, self and inclusive time). Profiling slows both sides, so the
timed figures of a profiled run are not the ones to quote.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime
import io
import os
import pstats
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
import yaml

from skillsapp.content.checker import check_pack
from skillsapp.engine.draw import DRAW_VERSION, QuestionBank, contest_version, draw, layout_to_json
from skillsapp.engine.scoring import mark, score
from skillsapp.models import Contest, ContestRules, Question, Quota
from skillsapp.server.verify import verify_attempt
from skillsapp.storage import open_store
from skillsapp.sync.client import ServerClient
from skillsapp.sync.runner import SyncReport, enrol, push

TOPICS = [f"chu-de-{i:02d}" for i in range(10)]
CONTEST = "thi-do-toc-do"


# Words for the bench questions' stems: each stem is a different random run of them, so the
# publish-time quality check sees no near-duplicates (it refuses a pack of templated stems).
WORDS = [
    "điện",
    "thoại",
    "máy",
    "tính",
    "mật",
    "khẩu",
    "tin",
    "nhắn",
    "ứng",
    "dụng",
    "tài",
    "khoản",
    "ngân",
    "hàng",
    "cửa",
    "hàng",
    "mạng",
    "xã",
    "hội",
    "đường",
    "link",
    "căn",
    "cước",
    "dịch",
    "vụ",
    "công",
    "thanh",
    "toán",
    "mã",
    "QR",
    "hóa",
    "đơn",
    "tiền",
    "điện",
    "bảo",
    "hiểm",
    "y",
    "tế",
    "lừa",
    "đảo",
    "cuộc",
    "gọi",
    "video",
    "hình",
    "ảnh",
    "giấy",
    "tờ",
    "chữ",
    "ký",
    "số",
    "thư",
    "điện",
    "tử",
    "trình",
    "duyệt",
    "cài",
    "đặt",
    "cập",
    "nhật",
    "bảo",
    "mật",
    "sao",
    "lưu",
    "quyền",
    "riêng",
    "tư",
    "vị",
    "trí",
    "camera",
    "bàn",
    "phím",
    "màn",
    "hình",
    "pin",
    "sạc",
    "wifi",
    "dữ",
    "liệu",
    "di",
    "động",
]


def write_pack(root: Path) -> list[Question]:
    (root / "questions").mkdir(parents=True)
    (root / "contests").mkdir()
    questions = []
    rng = random.Random(2026)
    for topic in TOPICS:
        items = []
        for i in range(50):
            qid = f"{topic}-{i:03d}"
            text = " ".join(rng.sample(WORDS, 9)).capitalize() + "?"
            key = i % 4
            # The key is never the longest option (the publish check caps that share at 40 %).
            options = [f"Phương án {k} của {qid}" + " nữa" * ((k - key) % 4) for k in range(4)]
            items.append(
                {
                    "id": qid,
                    "difficulty": "medium",
                    "text": text,
                    "options": options,
                    "answer": "ABCD"[key],
                    "explanation": "Giải thích.",
                }
            )
            questions.append(
                Question(qid, topic, "medium", text, tuple(options), (key,), "Giải thích.")
            )
        (root / "questions" / f"{topic}.yaml").write_text(
            yaml.safe_dump({"topic": topic, "questions": items}, allow_unicode=True),
            encoding="utf-8",
        )
    (root / "pack.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "goi-do-toc-do",
                "title": "Gói đo tốc độ",
                "version": "1.0.0",
                "language": "vi",
                "licence": "CC0",
                "topics": [{"id": t, "title": t} for t in TOPICS],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    (root / "contests" / "thi.yaml").write_text(
        yaml.safe_dump(
            {
                "id": CONTEST,
                "title": "Thi đo tốc độ",
                "rules": {
                    "questions_per_attempt": 30,
                    "time_limit_minutes": 20,
                    "attempts_per_day": None,
                    "quotas": [{"topic": t, "count": 3} for t in TOPICS],
                },
                "rounds": [
                    {
                        "id": "r1",
                        "title": "Vòng 1",
                        "opens": "2026-01-01T00:00:00+07:00",
                        "closes": "2027-12-31T00:00:00+07:00",
                    }
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return questions


NO_VERIFY = Path(__file__).resolve().parent / "no_verify"
PROFILE = {"on": False, "top": 15}


def bench_contest(pack: Path) -> Contest:
    return next(c for c in check_pack(pack).read.pack.contests if c.id == CONTEST)


ATTEMPTS_PER_ENTRANT = 10  # each entrant's registration is queued before their attempts


def fill_outbox(store, bank: QuestionBank, count: int, seed: int, version: str) -> None:
    """Honest attempts: each is what its seed draws, played 10 minutes, submitted a minute ago."""
    rules = ContestRules(questions_per_attempt=30, quotas=tuple(Quota(3, t) for t in TOPICS))
    rng = random.Random(seed)
    now = datetime.datetime.now(datetime.UTC)
    started = now - datetime.timedelta(minutes=11)
    submitted = now - datetime.timedelta(minutes=1)
    registration_id = ""
    with store.db.atomic():
        for n in range(count):
            if n % ATTEMPTS_PER_ENTRANT == 0:  # the server takes attempts only of its own entrants
                registration_id = str(uuid.uuid4())
                store.outbox.queue(
                    "registration",
                    registration_id,
                    {
                        "id": registration_id,
                        "contest_id": CONTEST,
                        "full_name": f"Người Thi Số {n}",
                        "date_of_birth": "1980-01-01",
                        "id_number": f"001080{seed * 1000 + n // ATTEMPTS_PER_ENTRANT:06d}",
                        "phone": f"09{seed * 1000 + n:08d}",
                        "province_code": "01",
                        "commune_code": "00070",
                        "complete": 1,
                        "updated_at": now.isoformat(),
                    },
                )
            layout = draw(bank, rules, seed * 100_000 + n)
            answers = {slot.question_id: [rng.randrange(4)] for slot in layout}
            total, maximum = score(layout, answers, bank.by_id)
            attempt_id = str(uuid.uuid4())
            payload = {
                "id": attempt_id,
                "device_id": store.device_id,
                "profile_id": str(uuid.uuid4()),
                "kind": "contest",
                "contest_id": CONTEST,
                "round_id": "r1",
                "registration_id": registration_id,
                "seed": seed * 100_000 + n,
                "draw_version": DRAW_VERSION,
                "contest_version": version,
                "layout": layout_to_json(layout),
                "started_at": started.isoformat(),
                "submitted_at": submitted.isoformat(),
                "score": total,
                "max_score": maximum,
                "duration_ms": 600_000,
                "prediction": rng.randrange(100),
                "clock_events": [],
                "answers": [
                    {
                        "id": str(uuid.uuid4()),
                        "question_id": qid,
                        "chosen": chosen,
                        "mark": mark(bank.by_id[qid], chosen),
                        # inside the attempt: an answer timed outside it flags the attempt,
                        # and a flagged attempt is never offered to the round's ranking
                        "answered_at": (
                            started + datetime.timedelta(seconds=20 * (i + 1))
                        ).isoformat(),
                        "elapsed_ms": 20_000,
                    }
                    for i, (qid, chosen) in enumerate(answers.items())
                ],
            }
            store.outbox.queue("attempt", attempt_id, payload)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_server(work: Path, pack: Path, database_url: str, workers: int, verify: bool = True):
    env = dict(os.environ, SKILLSAPP_NEW_PASSWORD="mat-khau-do-toc-do")
    if not verify:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(NO_VERIFY), env.get("PYTHONPATH")]))
    base = [sys.executable, "-m", "skillsapp"]
    common = ["--server-dir", str(work / "server")] + (
        ["--database-url", database_url] if database_url else []
    )
    subprocess.run(
        base + ["server", *common, "publish", str(pack)], check=True, capture_output=True, env=env
    )
    subprocess.run(
        base + ["server", *common, "create-organiser", "tinh", "--role", "province"],
        check=True,
        capture_output=True,
        env=env,
    )
    port = free_port()
    process = subprocess.Popen(
        base + ["serve", *common, "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.1)  # waiting for the server process to listen
    codes = [
        subprocess.run(
            base + ["server", *common, "enrolment-code", "--organiser", "tinh"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout.strip()
        for _ in range(21)
    ]
    return process, url, codes


def make_pc(work: Path, name: str, url: str, code: str, bank: QuestionBank, count: int, seed: int):
    store = open_store(work / name)
    enrol(store, url, code, name)
    fill_outbox(store, bank, count, seed, contest_version(bench_contest(work / "pack")))
    return store


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children, living and reaped, from /proc
    (Linux); 0 elsewhere. With 2 cores shared by other work, wall time says little alone."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += sum(int(v) for v in fields[11:15]) / tick  # utime stime cutime cstime
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            total += cpu_seconds(int(child))
    except (OSError, ValueError):
        pass
    return total


def postgres_cpu_seconds() -> float:
    """CPU time of all PostgreSQL server processes on this machine (0 if none are visible):
    on a shared machine this counts other people's databases too; see ``BackendCpu``."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    total += cpu_seconds(int(entry.name))
            except OSError:
                continue
    return total


def _process_start(pid: int) -> str:
    """When a process started (clock ticks since boot; "" if gone): tells a pid reused."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except OSError:
        return ""


class BackendCpu:
    """CPU seconds of the PostgreSQL backends serving one database (the bench server's),
    from /proc: the backends present at ``start`` from their CPU then, those that appear
    later from zero. A backend that ends before ``stop`` is not counted (the server's pool
    keeps its connections, so none should)."""

    def __init__(self, database_url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        self.engine = create_engine(database_url, poolclass=NullPool)
        self.before: dict[int, tuple[str, float]] = {}

    def _pids(self) -> list[int]:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid()"
                    )
                ).scalars()
            )

    def start(self) -> None:
        self.before = {pid: (_process_start(pid), cpu_seconds(pid)) for pid in self._pids()}

    def stop(self) -> float:
        total = 0.0
        for pid in self._pids():
            started, before = self.before.get(pid, ("", 0.0))
            if started and started != _process_start(pid):
                before = 0.0  # the pid was reused by a new backend
            total += cpu_seconds(pid) - before
        return total


CPU: dict[str, float] = {}  # the last one_pc's CPU seconds per side


def one_pc(
    work: Path,
    name: str,
    url: str,
    code: str,
    bank: QuestionBank,
    server_pid: int | None = None,
    database_url: str = "",
) -> tuple[float, list]:
    """Sync 10,000 attempts from one PC; returns the seconds and the payloads sent.
    ``database_url``: the server's PostgreSQL database, whose backends' CPU is measured."""
    one = make_pc(work, name, url, code, bank, 10_000, 1)
    payloads = [
        item.payload
        for item in one.outbox.next_batch(limit=20_000)
        if item.record_type == "attempt"
    ]
    client = ServerClient(url, one.get_state("server")["token"], timeout=(5, 120))
    profiler = cProfile.Profile() if PROFILE["on"] and name == "pc-mot" else None
    spy = start_py_spy(work, server_pid) if profiler else None
    backends = BackendCpu(database_url) if database_url.startswith("postgresql") else None
    if backends:
        backends.start()
    cpu = (time.process_time(), cpu_seconds(server_pid or 0), postgres_cpu_seconds())
    started = time.perf_counter()
    report = SyncReport()
    if profiler:
        profiler.enable()
    push(one, client, datetime.datetime.now(datetime.UTC), report)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    CPU.update(
        client=time.process_time() - cpu[0],
        server=cpu_seconds(server_pid or 0) - cpu[1],
        postgres=postgres_cpu_seconds() - cpu[2],
        backends=backends.stop() if backends else 0.0,
    )
    if backends:
        backends.engine.dispose()
    if profiler:
        print_client_profile(profiler, elapsed)
        print_server_profile(spy)
    entrants = 10_000 // ATTEMPTS_PER_ENTRANT
    assert report.sent == 10_000 + entrants and not report.rejected, report.rejected[:3]
    assert one.outbox.pending_count() == 0
    one.close()
    return elapsed, payloads


def print_client_profile(profiler: cProfile.Profile, elapsed: float) -> None:
    """The client's top functions by own time and by cumulative time (time spent waiting
    for the server shows as the socket's recv_into)."""
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(PROFILE["top"])
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"  client profile, by {order} (push took {elapsed:.1f} s under cProfile):")
        print("\n".join("    " + line for line in lines[start:] if line.strip()))


def start_py_spy(work: Path, pid: int | None) -> tuple[subprocess.Popen, Path] | None:
    exe = shutil.which("py-spy")
    if exe is None or pid is None:
        print("  server profile: skipped (py-spy is not on the PATH)")
        return None
    target = work / f"py-spy-{pid}.txt"
    process = subprocess.Popen(
        [exe, "record", "--pid", str(pid), "--subprocesses", "--rate", "250", "--format", "raw"]
        + ["--nonblocking", "--output", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaches before the sync starts
    return process, target


def print_server_profile(spy: tuple[subprocess.Popen, Path] | None) -> None:
    """Top server functions from py-spy's folded stacks: own (leaf) and inclusive samples."""
    if spy is None:
        return
    process, target = spy
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    own: collections.Counter = collections.Counter()
    inclusive: collections.Counter = collections.Counter()
    total = 0
    for line in target.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if not f.startswith("process ")]
        if not frames:
            continue
        samples = int(count)
        if frames[-1].startswith("select ") or "epoll" in frames[-1] or "wait " in frames[-1]:
            continue  # idle: waiting for the next request
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    print(f"  server profile (py-spy, {total} busy samples):")
    for title, counter in (("own time", own), ("inclusive time", inclusive)):
        print(f"    top by {title}:")
        for frame, samples in counter.most_common(PROFILE["top"]):
            print(f"      {samples * 100 / max(total, 1):5.1f} %  {frame}")


def verify_cost(work: Path, bank: QuestionBank, payloads: list) -> float:
    """Seconds to verify these payloads in this process, as the server does."""
    contest = bench_contest(work / "pack")
    versions = {contest_version(contest): contest}
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    for payload in payloads:
        verify_attempt(payload, versions, lambda _c: bank, now)
    return time.perf_counter() - started


def bench(backend: str, database_url: str, workers: int, plain_url: str = "") -> None:
    work = Path(tempfile.mkdtemp(prefix=f"kns-bench-sync-{backend}-"))
    bank = QuestionBank(write_pack(work / "pack"))
    plain_work = work / "plain"
    plain_work.mkdir()
    process, url, codes = run_server(plain_work, work / "pack", plain_url, workers, verify=False)
    try:
        without, _payloads = one_pc(
            work, "pc-khong-kiem", url, codes[0], bank, process.pid, plain_url
        )
        cpu_without = dict(CPU)
    finally:
        process.terminate()
        process.wait(timeout=30)
    process, url, codes = run_server(work, work / "pack", database_url, workers)
    try:
        elapsed, payloads = one_pc(work, "pc-mot", url, codes[0], bank, process.pid, database_url)
        cost = verify_cost(work, bank, payloads)
        print(
            f"[{backend}] one PC, 10,000 attempts x 30 answers (+1,000 registrations): "
            f"{elapsed:.1f} s verified, "
            f"{without:.1f} s with verification skipped ({(elapsed / without - 1) * 100:+.0f} %; "
            f"target <= +10 %); verification alone {cost * 1e6 / len(payloads):.0f} µs per "
            f"attempt = {cost:.2f} s for 10,000 ({10_000 / elapsed:.0f} attempts/s; "
            "target <= 10 s)"
        )
        print(
            f"[{backend}] CPU seconds of that sync, verified / skipped: client "
            f"{CPU['client']:.1f} / {cpu_without['client']:.1f}, server "
            f"{CPU['server']:.1f} / {cpu_without['server']:.1f}"
            + (
                f", PostgreSQL backends of the server's database "
                f"{CPU['backends']:.1f} / {cpu_without['backends']:.1f} (all of the machine's "
                f"PostgreSQL processes, other people's work included: "
                f"{CPU['postgres']:.1f} / {cpu_without['postgres']:.1f})"
                if backend == "postgresql"
                else ""
            )
            + f"; load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )

        pcs = [
            make_pc(work, f"pc-{i:02d}", url, codes[i + 1], bank, 500, 100 + i) for i in range(20)
        ]
        errors: list[BaseException] = []

        def run(store) -> None:
            try:
                local = store.for_thread()
                push(
                    local,
                    ServerClient(url, local.get_state("server")["token"], timeout=(5, 120)),
                    datetime.datetime.now(datetime.UTC),
                    SyncReport(),
                )
                local.close()
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(store,)) for store in pcs]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        if errors:
            raise errors[0]
        print(
            f"[{backend}] 20 PCs at once, 10,000 attempts in all: {elapsed:.1f} s, "
            f"ingest {10_000 / elapsed:.0f} attempts/s = {300_000 / elapsed:.0f} answers/s "
            f"(server workers: {workers})"
        )
        for store in pcs:
            store.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("SKILLSAPP_TEST_POSTGRES_URL", ""))
    parser.add_argument(
        "--profile", action="store_true", help="print where the one-PC sync spends its time"
    )
    args = parser.parse_args()
    PROFILE["on"] = args.profile
    bench("sqlite", "", 1)
    if args.postgres:
        from sqlalchemy import create_engine, text

        names = [f"kns_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
        base = args.postgres.rsplit("/", 1)[0]
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            bench("postgresql", f"{base}/{names[0]}", 2, plain_url=f"{base}/{names[1]}")
        finally:
            with admin.connect() as conn:
                for name in names:
                    conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            f"WHERE datname='{name}'"
                        )
                    )
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    else:
        print("PostgreSQL: skipped (pass --postgres URL or set SKILLSAPP_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
