"""Engine benchmark: draw, durable answer commits, ranking.

    python tests/bench/engine.py                  # all three
    python tests/bench/engine.py --part ranking   # one of them (--help for the rest)

Prints:
* the time to draw a 30-question attempt (3 per topic over 10 topics) from a
  10,000-question bank (target <= 5 ms), and the one-off cost of indexing the bank;
* one answer committed durably through the store, p50 and p99, beside a bare
  sqlite3 single-row commit on the same disk with the same WAL and
  synchronous=FULL settings (target p99 <= 3x);
* ranking 100,000 attempts (target <= 0.5 s), beside one bare sort of them, run
  interleaved in the same process; then the same attempts with their times written in
  two zones (the path that parses times); --profile adds a cProfile of one ranking.
Not a test: it prints figures, with the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import os
import pstats
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from skillsapp.engine.draw import QuestionBank, draw
from skillsapp.engine.ranking import AttemptResult, rank_round
from skillsapp.models import ContestRules, Question, Quota
from skillsapp.storage import open_store

TOPICS = [f"chu-de-{i}" for i in range(10)]
LEVELS = ("easy", "medium", "hard")


def make_bank(size: int = 10_000) -> list[Question]:
    return [
        Question(
            f"q-{i:05d}",
            TOPICS[i % 10],
            LEVELS[i % 3],
            f"Câu hỏi số {i}?",
            tuple(f"Phương án {k}" for k in range(4)),
            (i % 4,),
            "Giải thích.",
        )
        for i in range(size)
    ]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def bench_draw() -> None:
    questions = make_bank()
    started = time.perf_counter()
    bank = QuestionBank(questions)
    build = time.perf_counter() - started
    rules = ContestRules(
        questions_per_attempt=30, quotas=tuple(Quota(3, t) for t in TOPICS), time_limit_minutes=20
    )
    timings = []
    for seed in range(500):
        started = time.perf_counter()
        draw(bank, rules, seed)
        timings.append(time.perf_counter() - started)
    print(
        f"draw 30 of 10,000: median {statistics.median(timings) * 1000:.2f} ms, "
        f"p99 {percentile(timings, 0.99) * 1000:.2f} ms (target <= 5 ms); "
        f"indexing the bank once: {build * 1000:.0f} ms"
    )


def bench_commits(runs: int = 1000) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kns-bench-engine-"))
    store = open_store(folder / "data")
    profile = store.profiles.create("Người đo")
    now = datetime.datetime.now(datetime.UTC)
    layout = draw(
        QuestionBank(make_bank(200)), ContestRules(questions_per_attempt=30, quotas=()), 1
    )
    attempt = store.attempts.start(
        profile_id=profile.id, kind="contest", seed=1, layout=layout, now=now, time_limit_s=3600
    )
    app_times = []
    for i in range(runs):
        slot = layout[i % len(layout)]
        started = time.perf_counter()
        store.attempts.record_answer(
            attempt.id, slot.question_id, [i % 4], now + datetime.timedelta(seconds=i)
        )
        app_times.append(time.perf_counter() - started)
    store.close()

    bare = sqlite3.connect(folder / "bare.db", isolation_level=None)
    bare.execute("PRAGMA journal_mode=WAL")
    bare.execute("PRAGMA synchronous=FULL")
    bare.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    bare_times = []
    for i in range(runs):
        started = time.perf_counter()
        bare.execute("BEGIN")
        bare.execute("INSERT INTO t (v) VALUES (?)", [str(i)])
        bare.execute("COMMIT")
        bare_times.append(time.perf_counter() - started)
    bare.close()
    a50, a99 = percentile(app_times, 0.5), percentile(app_times, 0.99)
    b50, b99 = percentile(bare_times, 0.5), percentile(bare_times, 0.99)
    print(f"answer commit (store): p50 {a50 * 1000:.3f} ms, p99 {a99 * 1000:.3f} ms")
    print(f"bare sqlite3 commit:   p50 {b50 * 1000:.3f} ms, p99 {b99 * 1000:.3f} ms")
    print(f"ratio p50 {a50 / b50:.2f}, p99 {a99 / b99:.2f} (target p99 <= 3x)")


def ranking_attempts(count: int, zones: bool = False) -> list[AttemptResult]:
    """``count`` attempts by about ``count`` * 0.49 entrants (60,000 people drawn at random
    for 100,000 attempts); with ``zones``, every other time is written at UTC+7."""
    rng = random.Random(7)
    base = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)
    vietnam = datetime.timezone(datetime.timedelta(hours=7))
    pool = max(1, count * 3 // 5)
    results = []
    for i in range(count):
        entrant = f"e{rng.randrange(pool)}"
        score, duration = rng.randint(0, 20), rng.randint(60_000, 900_000)
        moment = base + datetime.timedelta(seconds=rng.randrange(600_000))
        if zones and i % 2:
            moment = moment.astimezone(vietnam)
        prediction = rng.randint(0, 5000)
        results.append(
            AttemptResult(f"a{i}", entrant, score, 20, duration, moment.isoformat(), prediction)
        )
    return results


def bench_ranking(count: int = 100_000, runs: int = 5, zones: bool = False) -> None:
    results = ranking_attempts(count, zones)
    timings, bare = [], []
    full_collections = gc.get_stats()[2]["collections"]
    for _ in range(runs):
        # The bare baseline: one sort of the same attempts by score, time and submission,
        # in the same process, interleaved with the real ranking so load hits both alike.
        started = time.perf_counter()
        sorted(results, key=lambda r: (-r.score, r.duration_ms, r.submitted_at))
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        ranked, _figure = rank_round(results, "best", "full_score_count")
        timings.append(time.perf_counter() - started)
    full_collections = gc.get_stats()[2]["collections"] - full_collections
    median, bare_median = statistics.median(timings), statistics.median(bare)
    label = "times in two zones (parsed)" if zones else "times written alike"
    print(
        f"rank {count:,} attempts ({len(ranked):,} entrants), {label}: median {median:.3f} s "
        f"(target <= 0.5 s); bare sort of the same attempts {bare_median:.3f} s "
        f"= {median / bare_median:.2f}x; {full_collections} full garbage collections in "
        f"{runs} runs of both"
    )


def profile_ranking(count: int) -> None:
    results = ranking_attempts(count)
    profiler = cProfile.Profile()
    profiler.runcall(rank_round, results, "best", "full_score_count")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--part", choices=["draw", "commits", "ranking"], action="append", help="default: all"
    )
    parser.add_argument("--attempts", type=int, default=100_000, help="attempts to rank")
    parser.add_argument("--runs", type=int, default=5, help="ranking runs (the median is shown)")
    parser.add_argument("--profile", action="store_true", help="cProfile one ranking")
    args = parser.parse_args()
    parts = args.part or ["draw", "commits", "ranking"]
    if "draw" in parts:
        bench_draw()
    if "commits" in parts:
        bench_commits()
    if "ranking" in parts:
        bench_ranking(args.attempts, args.runs)
        bench_ranking(args.attempts, args.runs, zones=True)
        if args.profile:
            profile_ranking(args.attempts)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
