"""The last hours of a contest week on the provincial server (``server.py contest-week``).

A real ``skillsapp serve`` process holds a province's results (``server.load_province``:
100,000 attempts by 30,000 registered people in one round, loaded straight into the tables;
each entrant's counting attempt is then worked out from them, ``round_bests.rebuild``, as
schema step 013 does on an upgrade, and its time printed). Then, for ``seconds``:

* ``devices`` PCs, each really enrolled with its own code and key, post honest attempts
  (30 answers each, drawn and scored by the app's own engine as ``sync.py`` makes them,
  verified by the server) through ``/api/v1/batches``, ``batch`` records a post, one post
  after another per PC, each PC in its own thread;
* a signed-in province organiser opens the round page and then downloads the ranking CSV,
  once a second, and the bare ``/api/v1/health`` next to them as a baseline.

Before the load the round page and the ranking CSV are timed on a quiet server: the first
view of the server process (nothing cached, no personal data opened yet), a view after a
change (the ranking computed again, as under load), and an unchanged view (cached).
Not a test: it prints figures. Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests
import sync
from server import _postgres, load_province, serve

from skillsapp.engine.draw import QuestionBank, contest_version
from skillsapp.server import rankings, round_bests
from skillsapp.server.app import build_services
from skillsapp.server.config import ServerConfig
from skillsapp.server.publish import publish_pack
from skillsapp.storage import open_store
from skillsapp.sync.client import BUSY, ServerClient, SyncError
from skillsapp.sync.runner import enrol

PASSWORD = "mat-khau-tuan-thi"
ROUND = "r1"
PAYLOAD_BYTES = 4000  # a stored attempt with 30 answers (sync.py's payloads) is about this long


def _percentiles(values: list[float]) -> str:
    if not values:
        return "no requests"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    # With 60 views the p99 is the slowest one: the p95 beside it shows whether one stall
    # of the machine made it.
    return (
        f"p50 {statistics.median(ordered) * 1000:6.0f} ms, p95 {p95 * 1000:6.0f} ms, "
        f"p99 {p99 * 1000:6.0f} ms, max {ordered[-1] * 1000:6.0f} ms (n={len(ordered)})"
    )


def _sign_in(url: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{url}/login", timeout=30)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)[1]
    answer = session.post(
        f"{url}/login",
        data={"username": "tinh", "password": PASSWORD, "csrf": csrf},
        timeout=30,
    )
    if "Đăng xuất" not in answer.text:
        raise RuntimeError("the organiser could not sign in")
    return session


def _timed(session: requests.Session, url: str) -> tuple[float, int, int, float | None]:
    """(seconds, HTTP status, bytes, age): ``age``, for a ranking shown from before a change
    (the server's ``X-Ranking-As-Of``, rankings.recent), how old its data was when asked
    for, in seconds; None for the current ranking."""
    asked = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    answer = session.get(url, timeout=60)
    seconds = time.perf_counter() - started
    as_of = answer.headers.get("X-Ranking-As-Of")
    age = (asked - datetime.datetime.fromisoformat(as_of)).total_seconds() if as_of else None
    return seconds, answer.status_code, len(answer.content), age


def _target(url: str, name: str) -> str:
    page = f"{url}/rounds/{sync.CONTEST}/{ROUND}"
    return page if name == "round page" else f"{page}/export.csv?sheet=xep-hang"


def _view(session: requests.Session, url: str, name: str) -> str:
    seconds, status, size, age = _timed(session, _target(url, name))
    if status != 200:
        raise RuntimeError(f"{name}: HTTP {status}")
    earlier = f", earlier ranking shown, {age:.1f} s old" if age is not None else ""
    return f"{seconds * 1000:5.0f} ms ({size:,} bytes{earlier})"


def _until_current(session: requests.Session, url: str, name: str) -> str:
    """A view after a change, then, if it showed the earlier ranking, the same view again
    every 0.1 s until one shows the current ranking: how long the change took to show."""
    started = time.perf_counter()
    seconds, status, _size, age = _timed(session, _target(url, name))
    first = f"{seconds * 1000:.0f} ms"
    if age is None:
        return first
    while age is not None:
        time.sleep(0.1)  # an organiser refreshing the page, much faster than a person would
        _seconds, status, _size, age = _timed(session, _target(url, name))
        if status != 200:
            raise RuntimeError(f"{name}: HTTP {status}")
    return (
        f"{first} (earlier ranking; current after {(time.perf_counter() - started) * 1000:.0f} ms)"
    )


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its descendants alive now (the uvicorn
    workers and their ingest processes), from /proc; 0 where /proc is not there."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        names = os.listdir("/proc")
    except OSError:
        return 0.0
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for name in names:
        if not name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(name)] = int(fields[1])  # fields[1]: the parent's pid
        times[int(name)] = (int(fields[11]) + int(fields[12])) / tick
    total = 0.0
    for process, cpu in times.items():
        ancestor = process
        while ancestor > 1 and ancestor != pid:
            ancestor = parents.get(ancestor, 0)
        if ancestor == pid:
            total += cpu
    return total


def _load() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def _quiet_views(label: str, engine, session: requests.Session, url: str) -> None:
    """Each view timed on a quiet server: the first, then three times each a view after a
    change and an unchanged one (the machine is shared: three samples show the noise)."""
    for name in ("round page", "ranking CSV"):
        first = _view(session, url, name)
        changed, unchanged = [], []
        for _ in range(3):
            with engine.begin() as conn:  # what every ingest does: the rankings are out of date
                rankings.bump(conn, [sync.CONTEST])
            changed.append(_until_current(session, url, name))
            unchanged.append(_view(session, url, name).split(" (")[0].strip())
        health, _status, _size, _age = _timed(session, f"{url}/api/v1/health")
        print(
            f"[{label}] quiet {name:<12} first view {first}; after a change "
            f"{', '.join(changed)}; unchanged {', '.join(unchanged)} (target <= 500 ms; "
            f"health {health * 1000:.0f} ms; {_load()})"
        )


class _Load:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.posts: list[float] = []
        self.attempts = 0
        self.errors: list[str] = []
        self.ran_out = 0
        self.page: list[float] = []
        self.csv: list[float] = []
        self.health: list[float] = []
        # For each view, how old the data of the ranking it showed from before a change
        # was (s); None for the current ranking.
        self.page_ages: list[float | None] = []
        self.csv_ages: list[float | None] = []
        self.devices_done = 0.0  # when the last PC's last post ended (perf_counter)
        self.busy = 0  # 503 answers (server busy): sent again after Retry-After, not errors

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def _device(url: str, token: str, records: list[dict], batch: int, deadline: float, load: _Load):
    client = ServerClient(url, token, timeout=(5, 120))
    for start in range(0, len(records), batch):
        if time.perf_counter() >= deadline:
            return
        chunk = records[start : start + batch]
        began = time.perf_counter()
        try:
            answer = client.send_batch(chunk, datetime.datetime.now(datetime.UTC))
        except SyncError as exc:
            if exc.kind != BUSY:
                load.error(f"batch: {type(exc).__name__} {exc}")
                continue
            # The server asked the PC to come back later: the app waits at least that long
            # (sync.runner), then sends the same batch again. Counted apart from errors.
            with load.lock:
                load.busy += 1
            wait = min(exc.retry_after_s or 60, deadline - time.perf_counter())
            if wait > 0:
                time.sleep(wait)  # the PC's own wait before it sends again
            if time.perf_counter() >= deadline:
                return
            try:
                answer = client.send_batch(chunk, datetime.datetime.now(datetime.UTC))
            except Exception as again:  # counted and shown below
                load.error(f"batch (sent again): {type(again).__name__} {again}")
                continue
        except Exception as exc:  # counted and shown below
            load.error(f"batch: {type(exc).__name__} {exc}")
            continue
        spent = time.perf_counter() - began
        accepted = set(answer["accepted"])
        with load.lock:
            load.posts.append(spent)
            load.attempts += sum(1 for r in chunk if r["type"] == "attempt" and r["id"] in accepted)
        if answer["rejected"]:
            load.error(f"batch: {len(answer['rejected'])} rejected, e.g. {answer['rejected'][0]}")
    with load.lock:
        load.ran_out += 1


def _device_run(url, token, records, batch, deadline, load: _Load) -> None:
    try:
        _device(url, token, records, batch, deadline, load)
    finally:
        with load.lock:
            load.devices_done = max(load.devices_done, time.perf_counter())


def _organiser(session: requests.Session, url: str, deadline: float, load: _Load) -> None:
    page = f"{url}/rounds/{sync.CONTEST}/{ROUND}"
    targets = (
        (load.page, load.page_ages, page),
        (load.csv, load.csv_ages, f"{page}/export.csv?sheet=xep-hang"),
        (load.health, [], f"{url}/api/v1/health"),
    )
    tick = time.perf_counter()
    while time.perf_counter() < deadline:
        for values, ages, target in targets:
            try:
                seconds, status, _size, age = _timed(session, target)
            except requests.RequestException as exc:
                load.error(f"view: {type(exc).__name__}")
                continue
            if status != 200:
                load.error(f"view: HTTP {status}")
                continue
            with load.lock:
                values.append(seconds)
                ages.append(age)
        tick += 1.0  # every second from the start of the last refresh, as a browser would
        pause = tick - time.perf_counter()
        if pause > 0:
            time.sleep(pause)  # the organiser's refresh interval, not a wait for a result


def _bench_one(
    label: str,
    database_url: str,
    attempts: int,
    devices: int,
    seconds: float,
    per_device: int,
    batch: int,
    workers: int,
    ingest_processes: int = 0,
) -> None:
    label = f"{label}, ingest processes {ingest_processes}" if ingest_processes else label
    work = Path(tempfile.mkdtemp(prefix=f"kns-bench-week-{label}-"))
    try:
        questions = sync.write_pack(work / "pack")
        bank = QuestionBank(questions)
        version = contest_version(sync.bench_contest(work / "pack"))
        config = ServerConfig(work / "server", database_url)
        services = build_services(config)
        # The generated bench pack is not contest content: its questions are alike on purpose
        # and fail the item-quality rules a province publishes with (``strict``).
        publish_pack(services.engine, services.key, config.packs_dir, work / "pack", strict=False)
        organiser = services.accounts.create_organiser("tinh", PASSWORD, "province")
        codes = [
            services.accounts.create_enrolment_code(organiser, "00070") for _ in range(devices)
        ]
        started = time.perf_counter()
        loaded = load_province(
            services.engine,
            attempts,
            contest=sync.CONTEST,
            round_id=ROUND,
            payload_bytes=PAYLOAD_BYTES,
        )
        print(
            f"[{label}] loaded {loaded['attempts']:,} attempts by {loaded['registrations']:,} "
            f"people in {time.perf_counter() - started:.0f} s"
        )
        # Loaded straight into the tables, around the server's writers: each entrant's
        # counting attempt is worked out from them, as schema step 013 does on an upgrade.
        started = time.perf_counter()
        with services.engine.begin() as conn:
            kept = round_bests.rebuild(conn, [sync.CONTEST])
        print(
            f"[{label}] round_bests rebuilt from the attempts: {kept:,} entrants in "
            f"{time.perf_counter() - started:.1f} s"
        )
        with serve(config.data_dir, database_url, workers, ingest_processes) as (url, server_pid):
            session = _sign_in(url)
            _quiet_views(label, services.engine, session, url)
            started = time.perf_counter()
            queued = []
            for index in range(devices):
                store = open_store(work / f"pc-{index:02d}")
                enrol(store, url, codes[index], f"PC {index:02d}")
                sync.fill_outbox(store, bank, per_device, 200 + index, version)
                records = [
                    {"type": i.record_type, "id": i.record_id, "payload": i.payload}
                    for i in store.outbox.next_batch(limit=per_device * 2)
                ]
                queued.append((store.get_state("server")["token"], records))
                store.close()
            print(
                f"[{label}] {devices} PCs enrolled, {devices * per_device:,} attempts queued "
                f"in {time.perf_counter() - started:.0f} s"
            )
            load = _Load()
            print(f"[{label}] load starts: {_load()}")
            cpu_before = _cpu_seconds(server_pid), time.process_time()
            deadline = time.perf_counter() + seconds
            threads = [
                threading.Thread(
                    target=_device_run, args=(url, token, records, batch, deadline, load)
                )
                for token, records in queued
            ]
            threads.append(threading.Thread(target=_organiser, args=(session, url, deadline, load)))
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = load.devices_done - began  # posts started before the deadline end later
            server_cpu = _cpu_seconds(server_pid) - cpu_before[0]
            client_cpu = time.process_time() - cpu_before[1]
            print(
                f"[{label}] {devices} PCs for {elapsed:.0f} s ({workers} server workers, "
                f"{batch} records a post): ingest {load.attempts / elapsed:.0f} attempts/s "
                f"({load.attempts:,} attempts)"
                + (f"; {load.ran_out} PCs ran out of attempts early" if load.ran_out else "")
            )
            print(f"[{label}]   batch posts   {_percentiles(load.posts)}")
            print(f"[{label}]   round page    {_percentiles(load.page)} (target p99 <= 1 s)")
            print(f"[{label}]   ranking CSV   {_percentiles(load.csv)} (target p99 <= 1 s)")
            for name, views, shown in (
                ("round page", load.page, load.page_ages),
                ("ranking CSV", load.csv, load.csv_ages),
            ):
                ages = [age for age in shown if age is not None]
                slowest = sorted(range(len(views)), key=views.__getitem__)[-3:][::-1]
                print(
                    f"[{label}]   {name}: {len(ages)} of {len(views)} views showed the ranking "
                    "from before a change, labelled"
                    + (
                        f"; its data {statistics.median(ages):.1f} s old at the median, "
                        f"{max(ages):.1f} s at most"
                        if ages
                        else ""
                    )
                    + "; slowest: "
                    + ", ".join(
                        f"view {i + 1} {views[i] * 1000:.0f} ms ("
                        + ("current" if shown[i] is None else f"earlier, {shown[i]:.1f} s old")
                        + ")"
                        for i in slowest
                    )
                )
            print(f"[{label}]   health (bare) {_percentiles(load.health)}")
            print(
                f"[{label}]   503 busy answers: {load.busy} (each batch sent again after "
                "Retry-After, as the app does; not counted as errors)"
            )
            print(f"[{label}]   errors: {len(load.errors)} (target 0)")
            print(
                f"[{label}]   CPU during the load: server {server_cpu:.0f} s, PCs and organiser "
                f"{client_cpu:.0f} s, over {elapsed:.0f} s on {os.cpu_count()} CPUs; {_load()}"
            )
            for text in load.errors[:5]:
                print(f"[{label}]     {text}")
        services.engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_contest_week(
    attempts: int = 100_000,
    devices: int = 30,
    seconds: float = 60.0,
    postgres_url: str = "",
    per_device: int = 1500,
    batch: int = 50,
    workers: int = 0,
    ingest_processes: tuple[int, ...] = (0,),
    backends: tuple[str, ...] = ("sqlite", "postgresql"),
) -> None:
    """Each ``ingest_processes`` value is a run of its own, one after the other (side by
    side: 0 is the web worker ingesting itself, see server/ingest_processes.py)."""
    print(
        f"contest week: {os.cpu_count()} CPUs, {datetime.datetime.now():%Y-%m-%d %H:%M}, "
        "server, PCs and organiser on the same machine"
    )
    for processes in ingest_processes if "sqlite" in backends else ():
        _bench_one(
            "sqlite", "", attempts, devices, seconds, per_device, batch, workers or 1, processes
        )
    if postgres_url and "postgresql" in backends:
        for processes in ingest_processes:
            with _postgres(postgres_url) as url:
                _bench_one(
                    "postgresql",
                    url,
                    attempts,
                    devices,
                    seconds,
                    per_device,
                    batch,
                    workers or 2,
                    processes,
                )
