"""Export benchmark: a round's attempts with every answer, to Excel and CSV.

    python tests/bench/export.py [--attempts 100000]

Builds a store with the given number of submitted attempts of 30 answers each
(and a quarter as many, to show how memory grows), then in separate processes
times and measures peak memory of:
* our export of the attempts sheet (query, row building, XlsxWriter) beside a bare
  openpyxl write-only loop writing the very same rows, prepared beforehand (target:
  <= 1.3x its time, memory that does not grow with rows);
* the whole workbook (ranking, entrants, communes, questions, attempts) beside a bare
  openpyxl write-only loop writing the same sheets' rows, prepared beforehand (the
  issue's baseline), and beside a bare loop of the writer ours uses (XlsxWriter in
  constant-memory mode), which shows our own work apart from the writer's;
* our CSV of every answer beside a bare csv.writer loop of the same rows (and, with
  ``--answers-xlsx``, beside a bare openpyxl loop of them);
* the peak memory of the whole CSV export (five files) and of the PDF report, which
  must not grow with the round either.
``--data DIR`` keeps the built stores in DIR and reuses them on the next run (building
100,000 attempts takes minutes); ``--sizes 25000,100000`` measures exactly those sizes; ``--parts book`` only the workbook;
``--repeat N`` measures the workbook N times, ours then bare each time, and prints every
pair and the median of their ratios (this machine's speed drifts by a third between runs);
with ``--together`` each pair runs at the same time, one process per core, so that both
see the same machine (they then share the memory bus).
Run it from the repository root with the checkout on the path (``PYTHONPATH=.``) when
measuring a working copy other than the installed one.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

CONTEST = "tim-hieu-chuyen-doi-so-2026"


def build(folder: Path, attempts: int) -> None:
    from skillsapp.content.install import ensure_bundled_content
    from skillsapp.engine.draw import draw, layout_to_json
    from skillsapp.engine.scoring import mark
    from skillsapp.models import ContestRules
    from skillsapp.storage import open_store

    store = open_store(folder)
    ensure_bundled_content(store)
    bank = store.content.question_bank()
    rules = ContestRules(questions_per_attempt=30, quotas=())
    rng = random.Random(1)
    base = datetime.datetime(2026, 12, 8, tzinfo=datetime.UTC)
    store.db.conn.execute("PRAGMA synchronous=OFF")  # building test data, not user data
    communes = ["00070", "00004", "00008", "00010"]
    layouts = [draw(bank, rules, seed) for seed in range(200)]
    with store.db.atomic():
        profile = store.profiles.create("Người dự thi")
        reg_rows, attempt_rows, answer_rows = [], [], []
        for n in range(attempts):
            reg_id, attempt_id = str(uuid.uuid4()), str(uuid.uuid4())
            reg_rows.append(
                (
                    reg_id,
                    profile.id,
                    CONTEST,
                    f"Người số {n}",
                    f"0010800{n:05d}"[:12],
                    "0912345678",
                    "01",
                    communes[n % 4],
                    1,
                    base.isoformat(),
                )
            )
            layout = layouts[n % len(layouts)]
            total = 0.0
            when = (base + datetime.timedelta(seconds=n)).isoformat()
            for position, slot in enumerate(layout):
                chosen = [rng.randrange(4)]
                value = mark(bank.by_id[slot.question_id], chosen)
                total += value
                answer_rows.append(
                    (
                        str(uuid.uuid4()),
                        attempt_id,
                        slot.question_id,
                        position,
                        json.dumps(chosen),
                        value,
                        when,
                        15_000,
                        when,
                    )
                )
            attempt_rows.append(
                (
                    attempt_id,
                    profile.id,
                    "contest",
                    CONTEST,
                    "tuan-1",
                    reg_id,
                    n,
                    json.dumps(layout_to_json(layout)),
                    1200,
                    when,
                    when,
                    when,
                    "submitted",
                    total,
                    30.0,
                    600_000,
                    n % 50,
                    "[]",
                    store.device_id,
                    when,
                )
            )
            if len(answer_rows) >= 150_000 or n == attempts - 1:
                store.db.conn.executemany(
                    "INSERT INTO registrations (id, profile_id, contest_id, full_name, id_number, phone, "
                    "province_code, commune_code, complete, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    reg_rows,
                )
                store.db.conn.executemany(
                    "INSERT INTO attempts (id, profile_id, kind, contest_id, round_id, registration_id, seed, layout, "
                    "time_limit_s, started_at, deadline_at, submitted_at, status, score, max_score, duration_ms, "
                    "prediction, clock_events, device_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    attempt_rows,
                )
                store.db.conn.executemany(
                    "INSERT INTO answers (id, attempt_id, question_id, position, chosen, mark, answered_at, "
                    "elapsed_ms, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    answer_rows,
                )
                reg_rows, attempt_rows, answer_rows = [], [], []
    store.close()


def child(kind: str, folder: Path, target: Path) -> None:
    """Runs in its own process so its peak memory is its own."""
    import resource

    from openpyxl import Workbook

    from skillsapp.reports import round_data

    try:
        from skillsapp.reports import round_attempts
    except ImportError:  # a checkout from before it, for a before/after comparison
        round_attempts = round_data
    from skillsapp.reports.cells import new_workbook, write_sheet
    from skillsapp.reports.round_csv import write_csv
    from skillsapp.storage import open_store

    store = open_store(folder)
    now = datetime.datetime(2027, 1, 10, tzinfo=datetime.UTC)
    report = round_data.load_round(store, CONTEST, "tuan-1", now)
    if kind == "bare-book":
        sheets = [(headers, list(rows)) for headers, rows in book_sheets(store, report)]
        started = time.perf_counter()  # the rows of every sheet prepared beforehand, not timed
        cpu = time.process_time()
        book = Workbook(write_only=True)
        for index, (headers, rows) in enumerate(sheets):
            sheet = book.create_sheet(f"Sheet {index}")
            sheet.append(headers)
            for row in rows:
                sheet.append(row)
        book.save(target)
    elif kind == "bare-book-xlsxwriter":  # the writer our export uses, as bare
        import xlsxwriter

        sheets = [(headers, list(rows)) for headers, rows in book_sheets(store, report)]
        started = time.perf_counter()
        cpu = time.process_time()
        book = xlsxwriter.Workbook(str(target), {"constant_memory": True})
        for index, (headers, rows) in enumerate(sheets):
            sheet = book.add_worksheet(f"Sheet {index}")
            sheet.write_row(0, 0, headers)
            for number, row in enumerate(rows, start=1):
                sheet.write_row(number, 0, row)
        book.close()
    elif kind == "ours-csv-all":
        from skillsapp.reports.round_csv import write_round_csv

        started, cpu = time.perf_counter(), time.process_time()
        write_round_csv(store, report, target.parent, target.stem)
    elif kind == "ours-pdf":
        from skillsapp.reports.round_pdf import write_round_pdf

        started, cpu = time.perf_counter(), time.process_time()
        write_round_pdf(store, report, target, now.date())
    elif kind == "ours-book":
        from skillsapp.reports.round_xlsx import write_round_xlsx

        started, cpu = time.perf_counter(), time.process_time()
        write_round_xlsx(store, report, target)
    elif kind.startswith("bare"):
        rows = list(
            round_attempts.attempt_rows(store, report)
            if kind == "bare-xlsx"
            else round_attempts.answer_rows(store, report)
        )  # prepared beforehand, not timed
        started, cpu = time.perf_counter(), time.process_time()
        if kind in ("bare-xlsx", "bare-xlsx-answers"):
            book = Workbook(write_only=True)
            sheet = book.create_sheet("Bài làm")
            sheet.append(
                round_data.attempt_headers(report)
                if kind == "bare-xlsx"
                else list(round_data.ANSWER_HEADERS)
            )
            for row in rows:
                sheet.append(row)
            book.save(target)
        else:
            with open(target, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(round_data.ANSWER_HEADERS)
                writer.writerows(rows)
    else:
        started, cpu = time.perf_counter(), time.process_time()
        if kind == "ours-xlsx":
            with new_workbook(target) as book:
                write_sheet(
                    book,
                    "Bài làm",
                    round_data.attempt_headers(report),
                    round_attempts.attempt_rows(store, report),
                    lambda _m: None,
                )
        else:
            write_csv(
                target, list(round_data.ANSWER_HEADERS), round_attempts.answer_rows(store, report)
            )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mib": peak, "ranked": report.entrants}))


def book_sheets(store, report):
    """The workbook's sheets as (headers, rows), in the order the export writes them."""
    from skillsapp.reports import round_data as data
    from skillsapp.reports import round_statistics

    try:
        from skillsapp.reports import round_attempts
    except ImportError:  # a checkout from before it
        round_attempts = data

    return [
        (list(data.RANKING_HEADERS), data.ranking_rows(report)),
        (list(data.ENTRANT_HEADERS), data.entrant_rows(report)),
        (list(data.COMMUNE_HEADERS), data.commune_rows(report)),
        (list(data.QUESTION_HEADERS), round_statistics.question_rows(store, report)),
        (data.attempt_headers(report), round_attempts.attempt_rows(store, report)),
    ]


def _child_command(kind: str, folder: Path, work: Path) -> list[str]:
    return [sys.executable, __file__, "--child", kind, str(folder), str(work / f"{kind}.out")]


def measure(kind: str, folder: Path, work: Path) -> dict:
    out = subprocess.run(
        _child_command(kind, folder, work), check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_together(kinds: tuple[str, str], folder: Path, work: Path) -> list[dict]:
    """Both at the same time, each process on its own core (this machine has two): the
    machine's speed, which drifts by a third from one minute to the next, is then the same
    for both. They share the memory bus, so each is a little slower than alone."""
    running = [
        subprocess.Popen(_child_command(kind, folder, work), stdout=subprocess.PIPE, text=True)
        for kind in kinds
    ]
    found = []
    for process in running:
        out, _err = process.communicate()
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, process.args)
        found.append(json.loads(out.strip().splitlines()[-1]))
    return found


def cpu_ratio(ours: dict, bare: dict) -> str:
    """CPU seconds beside the wall-clock ones: on a shared machine they vary far less."""
    return (
        f"; CPU {ours['cpu']:.1f} s vs {bare['cpu']:.1f} s, ratio {ours['cpu'] / bare['cpu']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--sizes", help="comma-separated sizes (default: a quarter, and all)")
    parser.add_argument("--data", type=Path, help="keep the built stores here and reuse them")
    parser.add_argument(
        "--parts", default="attempts,book,csv", help="what to measure: attempts,book,csv"
    )
    parser.add_argument(
        "--answers-xlsx",
        action="store_true",
        help="also time a bare openpyxl loop of the CSV's rows (one per answer; very slow)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="book: this many pairs (ours, then bare), each printed, then the median ratio",
    )
    parser.add_argument(
        "--together",
        action="store_true",
        help="book: run ours and bare at the same time, one per core, instead of in turn",
    )
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    work = Path(tempfile.mkdtemp(prefix="kns-bench-export-"))
    parts = set(args.parts.split(","))
    sizes = (
        [int(n) for n in args.sizes.split(",")]
        if args.sizes
        else sorted({args.attempts // 4, args.attempts})
    )
    for size in sizes:
        folder = (args.data or work) / f"data-{size}"
        built = folder / "built"
        started = time.perf_counter()
        if not built.exists():
            if folder.exists():
                shutil.rmtree(folder)  # an interrupted build
            build(folder, size)
            built.write_text("ok")
        print(
            f"--- {size:,} attempts x 30 answers (built in {time.perf_counter() - started:.0f} s)"
            f"; load average {os.getloadavg()[0]:.1f}"
        )
        if "attempts" in parts:
            ours, bare = measure("ours-xlsx", folder, work), measure("bare-xlsx", folder, work)
            print(
                f"Excel, one row per attempt: ours {ours['seconds']:.1f} s, peak {ours['peak_mib']:.0f} MiB | "
                f"bare openpyxl loop {bare['seconds']:.1f} s, peak {bare['peak_mib']:.0f} MiB | "
                f"ratio {ours['seconds'] / bare['seconds']:.2f} (target <= 1.3){cpu_ratio(ours, bare)}"
            )
        if "book" in parts:
            walls, cpus = [], []
            kinds = ("ours-book", "bare-book")
            for run in range(1, args.repeat + 1):  # ours then bare, back to back, each time
                if args.together:
                    ours, bare = measure_together(kinds, folder, work)
                else:
                    ours, bare = measure(kinds[0], folder, work), measure(kinds[1], folder, work)
                walls.append(ours["seconds"] / bare["seconds"])
                cpus.append(ours["cpu"] / bare["cpu"])
                print(
                    f"Excel, the whole workbook (ranking, entrants, communes, questions, attempts)"
                    f"{f' run {run}' if args.repeat > 1 else ''}"
                    f"{' (ours and bare at the same time)' if args.together else ''}: "
                    f"ours {ours['seconds']:.1f} s, peak {ours['peak_mib']:.0f} MiB | bare openpyxl "
                    f"loop {bare['seconds']:.1f} s, peak {bare['peak_mib']:.0f} MiB | ratio "
                    f"{walls[-1]:.2f} (target <= 1.3, ours <= 150 MiB){cpu_ratio(ours, bare)}; "
                    f"load average {os.getloadavg()[0]:.1f}"
                )
                writer = measure("bare-book-xlsxwriter", folder, work)
                print(
                    f"  beside a bare XlsxWriter loop (the writer ours uses) of the same rows: "
                    f"{writer['seconds']:.1f} s, peak {writer['peak_mib']:.0f} MiB | ours / it "
                    f"{ours['seconds'] / writer['seconds']:.2f}{cpu_ratio(ours, writer)}"
                )
            if args.repeat > 1:
                print(
                    f"Excel, the whole workbook, {args.repeat} pairs: ratio median "
                    f"{statistics.median(walls):.2f} (min {min(walls):.2f}, max {max(walls):.2f}); "
                    f"CPU ratio median {statistics.median(cpus):.2f} "
                    f"(min {min(cpus):.2f}, max {max(cpus):.2f})"
                )
        if "csv" in parts:
            ours, bare_csv = measure("ours-csv", folder, work), measure("bare-csv", folder, work)
            line = (
                f"CSV, one row per answer: ours {ours['seconds']:.1f} s, peak {ours['peak_mib']:.0f} MiB | "
                f"bare csv.writer {bare_csv['seconds']:.1f} s, peak {bare_csv['peak_mib']:.0f} MiB "
                f"(ratio {ours['seconds'] / bare_csv['seconds']:.2f})"
            )
            if args.answers_xlsx:  # 30 rows per attempt through openpyxl: very slow
                bare_xlsx = measure("bare-xlsx-answers", folder, work)
                line += (
                    f" | bare openpyxl loop of the same rows {bare_xlsx['seconds']:.1f} s "
                    f"(ratio {ours['seconds'] / bare_xlsx['seconds']:.2f})"
                )
            print(line)
            every_csv = measure("ours-csv-all", folder, work)
            pdf = measure("ours-pdf", folder, work)
            print(
                f"CSV, the five files: ours {every_csv['seconds']:.1f} s, peak {every_csv['peak_mib']:.0f} MiB | "
                f"PDF report: {pdf['seconds']:.1f} s, peak {pdf['peak_mib']:.0f} MiB"
            )
        print(f"(load average now {os.getloadavg()[0]:.1f})")
    print(
        "memory: compare 'ours' peaks between the two sizes; the bare loops hold every row in memory"
    )


if __name__ == "__main__":
    main()
