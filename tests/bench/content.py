"""Content benchmark: a 10,000-question bank.

    python tests/bench/content.py [--runs 3] [--before /work/main] [--profile]

Generates a pack with 10,000 questions (10 topics, one file each). The stems are real
Vietnamese: each is a stem of the bundled pack with half its words replaced by words of
the pack, and 3% are near-duplicates of another (a word or two changed, another person),
half of those in an ``exclusive`` group as writers mark them, the rest reported. Prints:
* ``skillsapp content check`` then ``skillsapp content install`` of that bank, each a
  fresh process with the same data folder, as a writer runs them (target: <= 2 s
  together), beside a bare baseline in the same run: a process that only loads the same
  YAML files with libyaml (``yaml.load`` with ``CSafeLoader``); with ``--before DIR`` the
  same two commands run from another copy of the code (for example the main branch);
* the near-duplicate search: the pairs found and the pairs compared;
* with ``--profile``, the top functions of ``check_pack`` and ``install_pack`` in process;
* the app's start time (first paint, and store ready) with that bank installed
  beside the start time of an empty install (target: <= 1.1x).
Not a test: it prints figures. Run it from the worktree root (the code measured is the
copy this file is in, or ``--before``'s).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT)]
from startup import bytecode_env, measure  # noqa: E402

from skillsapp.content.checker import check_pack  # noqa: E402
from skillsapp.content.install import install_pack  # noqa: E402
from skillsapp.storage import open_store  # noqa: E402

BUNDLED = ROOT / "content" / "packs" / "ky-nang-so-co-ban"
PEOPLE = ("Bà Lan", "Ông Tâm", "Chị Mai", "Anh Hùng", "Cô Hoa", "Chú Ba")
TOPICS = [f"chu-de-{i:02d}" for i in range(10)]
LEVELS = ("easy", "medium", "hard")


def bank_stems(size: int, seed: int = 1) -> tuple[list[str], list[str]]:
    """``size`` question texts and their exclusive groups ("" for none), as described
    at the top."""
    from skillsapp.content.pack import read_pack

    texts = [q.text for q in read_pack(BUNDLED).pack.questions]
    words = [w for t in texts for w in t.split()]
    rng = random.Random(seed)
    stems: list[str] = []
    groups: list[str] = []
    for _ in range(size):
        if stems and rng.random() < 0.03:
            k = rng.randrange(len(stems))
            changed = stems[k].split()
            for _ in range(rng.randint(1, 2)):
                changed[rng.randrange(len(changed))] = rng.choice(words)
            text = f"{rng.choice(PEOPLE)} hỏi: " + " ".join(changed)
            group = ""
            if rng.random() < 0.5:
                group = groups[k] or f"nhom-{k}"
                groups[k] = group
            stems.append(text)
            groups.append(group)
            continue
        base = rng.choice(texts).split()
        stems.append(" ".join(w if rng.random() < 0.5 else rng.choice(words) for w in base))
        groups.append("")
    return stems, groups


def write_pack(root: Path, size: int = 10_000, templated: bool = False) -> Path:
    """The bank; ``templated`` gives every question the same stem but its number (the
    best case for the near-duplicate search: its listing stops at its cap)."""
    (root / "questions").mkdir(parents=True)
    (root / "pack.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "ngan-hang-lon",
                "title": "Ngân hàng 10.000 câu",
                "version": "1.0.0",
                "language": "vi",
                "licence": "CC BY 4.0",
                "topics": [
                    {"id": t, "title": f"Chủ đề {i + 1}", "order": i + 1}
                    for i, t in enumerate(TOPICS)
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    per_topic = size // len(TOPICS)
    stems, groups = bank_stems(size)
    for t_index, topic in enumerate(TOPICS):
        questions = []
        for i in range(per_topic):
            n = t_index * per_topic + i
            questions.append(
                {
                    "id": f"{topic}-{i:04d}",
                    "difficulty": LEVELS[n % 3],
                    "text": (
                        f"Câu hỏi số {n}: khi nhận được tin nhắn lạ yêu cầu cung cấp mã OTP, bạn nên làm gì?"
                        if templated
                        else stems[n]
                    ),
                    "options": [
                        f"Phương án thứ nhất của câu {n}",
                        f"Phương án thứ hai của câu {n}",
                        f"Phương án thứ ba của câu {n}",
                        f"Phương án thứ tư của câu {n}",
                    ],
                    "answer": "ABCD"[n % 4] if n % 7 else ["A", "C"],
                    "explanation": "Không bao giờ cung cấp mã OTP cho bất kỳ ai, kể cả người xưng là nhân viên ngân hàng.",
                }
            )
            if groups[n] and not templated:
                questions[-1]["exclusive"] = groups[n]
        text = yaml.safe_dump(
            {"topic": topic, "questions": questions}, allow_unicode=True, sort_keys=False
        )
        (root / "questions" / f"{topic}.yaml").write_text(text, encoding="utf-8")
    return root


BARE = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
"""


# The CPU time (user + system) of every child process timed, in order: on a shared
# machine wall time varies with the load, the CPU a command used much less.
CPU: list[float] = []


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - started
    CPU.append(_children_cpu() - cpu)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return took


def check_then_install(
    code: Path, pack: Path, work: Path, env: dict[str, str]
) -> tuple[float, float, float]:
    """``content check`` then ``content install`` of ``pack`` with ``code``'s skillsapp,
    each a fresh process, into a new data folder: their wall times, and the CPU time of
    both."""
    data = Path(tempfile.mkdtemp(prefix="data-", dir=work))
    run_env = dict(env, PYTHONPATH=str(code))
    base = [sys.executable, "-m", "skillsapp", "--data-dir", str(data), "content"]
    check = _timed([*base, "check", str(pack)], run_env, code)
    install = _timed([*base, "install", str(pack)], run_env, code)
    shutil.rmtree(data, ignore_errors=True)
    return check, install, CPU[-2] + CPU[-1]


def _profile(label: str, call) -> None:
    profile = cProfile.Profile()
    profile.enable()
    call()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    print(f"-- profile of {label} (top 12 by own time)")
    print("\n".join(lines[2:]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--before", type=Path, help="another copy of the code to run beside")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-start", action="store_true", help="skip the start-up figures")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kns-bench-content-"))
    pack = write_pack(work / "pack", args.size)
    size_mb = sum(p.stat().st_size for p in pack.rglob("*") if p.is_file()) / 1e6
    env = bytecode_env(dict(os.environ), str(work / "pycache"))
    print(f"bank: {args.size:,} questions, {size_mb:.1f} MB of YAML; load: {os.getloadavg()}")

    codes = [("this code", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
    for _label, code in codes:  # untimed: compiles the bytecode
        check_then_install(code, pack, work, env)
    bare_command = [sys.executable, "-c", BARE, str(pack)]
    _timed(bare_command, env, work)
    figures: dict[str, list[tuple[float, float, float]]] = {label: [] for label, _code in codes}
    bare, bare_cpu = [], []
    for _ in range(args.runs):
        bare.append(_timed(bare_command, env, work))
        bare_cpu.append(CPU[-1])
        for label, code in codes:
            figures[label].append(check_then_install(code, pack, work, env))
    bare_s = statistics.median(bare)
    print(
        f"bare baseline (a process loading the YAML with libyaml): {bare_s:.2f} s"
        f" (CPU {statistics.median(bare_cpu):.2f} s)"
    )
    for label, runs in figures.items():
        check = statistics.median(r[0] for r in runs)
        install = statistics.median(r[1] for r in runs)
        both = statistics.median(r[0] + r[1] for r in runs)
        cpu = statistics.median(r[2] for r in runs)
        print(
            f"{label:>9}: check {check:.2f} s, install {install:.2f} s, together {both:.2f} s"
            f" = {both / bare_s:.1f}x the bare baseline (target <= 2 s); CPU {cpu:.2f} s"
        )

    from skillsapp.content.duplicates import similar_pairs, stem
    from skillsapp.content.stem_blocking import candidate_pairs

    stems = [stem(q.text) for q in check_pack(pack, quality=False).read.pack.questions]
    started = time.perf_counter()
    pairs = similar_pairs(stems)
    took = time.perf_counter() - started
    compared = len(candidate_pairs(stems))
    every = len(stems) * (len(stems) - 1) // 2
    print(
        f"near-duplicate search: {len(pairs)} pairs found in {took:.2f} s, "
        f"{compared:,} of {every:,} pairs compared ({compared / every:.2%})"
    )
    if args.profile:
        _profile("check_pack (with the quality rules)", lambda: check_pack(pack))
        store = open_store(work / "data-profile")
        _profile(
            "install_pack (no cache: as if not checked before)", lambda: install_pack(store, pack)
        )
        store.close()
    if not args.no_start:
        start_up(work, pack, args.runs)
    print(f"load after: {os.getloadavg()}")
    shutil.rmtree(work, ignore_errors=True)


def start_up(work: Path, pack: Path, runs: int) -> None:
    big = work / "data-big"
    store = open_store(big)
    install_pack(store, pack)
    store.close()
    empty = work / "data-empty"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        SKILLSAPP_REPORT_FIRST_PAINT="1",
        PYTHONPATH=str(ROOT),
    )
    env = bytecode_env(env, str(work / "pycache"))

    def command(folder: Path) -> list[str]:
        return [sys.executable, "-m", "skillsapp", "--data-dir", str(folder), "--self-test"]

    # First runs install the bundled pack in both folders; they are not timed.
    measure(command(empty), env)
    measure(command(big), env)
    big_runs, empty_runs = [], []
    for _ in range(runs):
        empty_runs.append(measure(command(empty), env))
        big_runs.append(measure(command(big), env))
    e_paint = statistics.median(r.first_paint_s for r in empty_runs)
    b_paint = statistics.median(r.first_paint_s for r in big_runs)
    e_ready = statistics.median(r.ready_s for r in empty_runs if r.ready_s is not None)
    b_ready = statistics.median(r.ready_s for r in big_runs if r.ready_s is not None)
    print(
        f"start, empty install:         first paint {e_paint * 1000:.0f} ms, ready {e_ready * 1000:.0f} ms"
    )
    print(
        f"start, 10,000 questions too: first paint {b_paint * 1000:.0f} ms, ready {b_ready * 1000:.0f} ms"
    )
    print(
        f"ratio first paint {b_paint / e_paint:.2f}, ready {b_ready / e_ready:.2f} (target <= 1.1)"
    )


if __name__ == "__main__":
    main()
