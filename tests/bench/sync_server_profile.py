"""Where the server's time goes in one 10,000-attempt sync, measured in this process.

    python tests/bench/sync_server_profile.py                 # SQLite, stage times
    python tests/bench/sync_server_profile.py --profile       # also cProfile's top functions
    python tests/bench/sync_server_profile.py --postgres URL  # a PostgreSQL database URL
    python tests/bench/sync_server_profile.py --statements    # also time per SQL statement

The same PC payloads as ``tests/bench/sync.py`` (its pack and ``fill_outbox``), cut into
the client's batches and handled as the ``/batches`` route handles them (orjson parse,
the pydantic batch model, ``Ingestor.ingest`` with verification), without HTTP, so that
cProfile sees the server's work (``py-spy`` is not installed here). cProfile counts CPU
time (``time.process_time``) so other work on the machine does not move the shares.
Prints the CPU seconds of the whole handling, then per stage (wall seconds), then the
profile. ``--statements`` adds, per SQL statement (its first words), how many times it ran
and its wall seconds as the driver saw them (sending, the database's work, the answer),
the commits' seconds, and on PostgreSQL the CPU seconds of the server's backend processes
that served this process (from /proc); a ``COPY`` sent through the driver's own
connection (the answers, on PostgreSQL) is not among the statements, its time is in
``ingest`` and its server work in the backends' CPU. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sync  # noqa: E402

from skillsapp import json_codec  # noqa: E402
from skillsapp.engine.draw import QuestionBank, contest_version  # noqa: E402
from skillsapp.server import gc_settings, ingest  # noqa: E402
from skillsapp.server.api import Batch  # noqa: E402
from skillsapp.server.app import build_services  # noqa: E402
from skillsapp.server.config import ServerConfig  # noqa: E402
from skillsapp.server.publish import publish_pack  # noqa: E402
from skillsapp.storage import open_store  # noqa: E402
from skillsapp.sync.runner import BATCH_SIZE  # noqa: E402
from skillsapp.sync.signing import new_private_key, public_key_text  # noqa: E402


def _started(pid: int) -> str:
    """When a process started (clock ticks since boot; "" if it is gone), to tell it from a
    later process given the same pid."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except OSError:
        return ""


def watch_statements(engine) -> dict:
    """Count and time every statement and commit on ``engine``; note the PostgreSQL
    backends' process ids and their CPU seconds now."""
    timings: dict = {"statements": {}, "commit": [0, 0.0], "backends": {}}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, _cursor, _statement, _parameters, _context, _many):  # noqa: ANN001
        conn.info["kns_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, _cursor, statement, _parameters, _context, many):  # noqa: ANN001
        seconds = time.perf_counter() - conn.info.pop("kns_started")
        name = " ".join(statement.split()[:4])[:60] + (" (many)" if many else "")
        entry = timings["statements"].setdefault(name, [0, 0.0])
        entry[0] += 1
        entry[1] += seconds
        if engine.dialect.name == "postgresql":
            pid = conn.connection.dbapi_connection.info.backend_pid
            if pid not in timings["backends"]:
                timings["backends"][pid] = (_started(pid), sync.cpu_seconds(pid))

    original = engine.dialect.do_commit

    def timed_commit(dbapi_connection):  # noqa: ANN001
        started = time.perf_counter()
        original(dbapi_connection)
        timings["commit"][0] += 1
        timings["commit"][1] += time.perf_counter() - started

    engine.dialect.do_commit = timed_commit
    return timings


def print_statements(engine, timings: dict) -> None:
    print("SQL statements (count, wall seconds as the driver saw them), by seconds:")
    rows = sorted(timings["statements"].items(), key=lambda item: -item[1][1])
    for name, (count, seconds) in rows:
        print(f"  {count:6d} {seconds:7.2f}  {name}")
    print(f"  {timings['commit'][0]:6d} {timings['commit'][1]:7.2f}  COMMIT")
    if timings["backends"]:
        # a backend that ended (its pid may now be another process's) is not counted
        used = sum(
            sync.cpu_seconds(pid) - before
            for pid, (started, before) in timings["backends"].items()
            if _started(pid) == started
        )
        print(
            f"PostgreSQL backend CPU seconds (user + system, {len(timings['backends'])} "
            f"backend(s) of this process, from their first statement): {used:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="", help="a database URL (default: SQLite)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--statements", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kns-bench-sync-profile-"))
    bank = QuestionBank(sync.write_pack(work / "pack"))
    services = build_services(ServerConfig(work / "server", args.postgres))
    publish_pack(services.engine, services.key, services.config.packs_dir, work / "pack")
    organiser = services.accounts.create_organiser("tinh", "mat-khau-do-toc-do", "province")
    code = services.accounts.create_enrolment_code(organiser, None)
    store = open_store(work / "pc")
    services.accounts.enrol_device(code, store.device_id, "pc", public_key_text(new_private_key()))
    sync.fill_outbox(
        store, bank, args.attempts, 1, contest_version(sync.bench_contest(work / "pack"))
    )
    items = store.outbox.next_batch_text(args.attempts * 2)
    now = datetime.datetime.now(datetime.UTC)
    bodies = [
        json_codec.dumps_bytes(
            {
                "batch_id": str(uuid.uuid4()),
                "sent_at": now.isoformat(),
                "records": [
                    {
                        "type": i.record_type,
                        "id": i.record_id,
                        "payload": json_codec.Raw(i.payload_json),
                    }
                    for i in items[start : start + BATCH_SIZE]
                ],
            }
        )
        for start in range(0, len(items), BATCH_SIZE)
    ]
    stages: dict[str, float] = dict.fromkeys(("parse (orjson)", "batch model", "ingest"), 0.0)
    verify_attempt = ingest.verify_attempt

    def timed_verify(*a, **k):
        started = time.perf_counter()
        try:
            return verify_attempt(*a, **k)
        finally:
            stages["  of which verify_attempt"] = (
                stages.get("  of which verify_attempt", 0.0) + time.perf_counter() - started
            )

    ingest.verify_attempt = timed_verify
    gc_settings.tune()  # as `skillsapp serve` does
    timings = watch_statements(services.engine) if args.statements else None
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for body in bodies:
        t0 = time.perf_counter()
        data = json_codec.loads(body)
        t1 = time.perf_counter()
        batch = Batch.model_validate(data)
        records = [{"type": r.type, "id": r.id, "payload": r.payload} for r in batch.records]
        t2 = time.perf_counter()
        result = services.ingestor.ingest(store.device_id, records)
        stages["ingest"] += time.perf_counter() - t2
        stages["batch model"] += t2 - t1
        stages["parse (orjson)"] += t1 - t0
        assert not result.rejected, result.rejected[:2]
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"{len(bodies)} batches, {sum(map(len, bodies)) / 1e6:.1f} MB: server handling "
        f"{cpu:.2f} CPU s, {wall:.2f} s wall (load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores); stage wall seconds:"
    )
    for name, seconds in stages.items():
        print(f"  {name:28s} {seconds:6.2f}")
    if timings:
        print_statements(services.engine, timings)
    if profiler:
        for order in ("tottime", "cumulative"):
            print(f"top functions by {order} (CPU seconds, under cProfile):")
            pstats.Stats(profiler).sort_stats(order).print_stats(20)
    store.close()
    services.engine.dispose()


if __name__ == "__main__":
    main()
