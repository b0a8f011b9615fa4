"""Provincial server benchmarks against a real uvicorn server on loopback
(``skillsapp serve`` in its own process). Not a test: it prints figures.

    python tests/bench/server.py open-data                # SQLite, and PostgreSQL when
                                                          # SKILLSAPP_TEST_POSTGRES_URL is set
    python tests/bench/server.py open-data --attempts 20000 --seconds 3
    python tests/bench/server.py contest-week             # 100,000 attempts, 30 PCs, 60 s
    python tests/bench/server.py contest-week --attempts 20000 --seconds 10 --per-device 100

``open-data`` (:func:`bench_open_data`): loads a province's worth of records straight into
the server's database (100,000 attempts, as many lesson-progress records, 30,000
registrations and 3,000 group-session reports across 300 communes), then measures the
open-data feed (JSON and CSV) with concurrent keep-alive clients, side by side with the
bare ``/api/v1/health`` endpoint on the same server in the same run. Also prints the time of
the first (uncached) request, which computes the feed. Target: >= 500 requests/s for the
feed. The clients run in this process, on the same machine as the server.

``contest-week`` (``contest_week.py``): the same province load, then 30 enrolled PCs post
verified batches through ``/api/v1/batches`` for 60 s while a signed-in organiser opens the
round page and its ranking CSV every second; prints ingest attempts/s, p50/p99 of batch
posts and of ranking views, next to the bare ``/api/v1/health`` in the same run, and errors
(target: 0 errors, ranking p99 <= 1 s). Before the load it times the round page and the
ranking CSV on a quiet server: cold, after a change, and unchanged (target <= 0.5 s).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from skillsapp import geography
from skillsapp.server import db
from skillsapp.server.app import build_services
from skillsapp.server.config import ServerConfig
from skillsapp.server.ingest import insert_ignore
from skillsapp.server.personal_data import vault_for
from skillsapp.server.rankings import masked_form

CONTEST = "tim-hieu-chuyen-doi-so-2026"
FEED = "/api/v1/open-data/participation"


# --- data -------------------------------------------------------------------------------


def _chunks(rows: list[dict], size: int = 5000) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def load_province(
    engine,
    attempts: int = 100_000,
    communes: int = 300,
    seed: int = 7,
    contest: str = CONTEST,
    round_id: str = "tuan-1",
    payload_bytes: int = 0,
) -> dict[str, int]:
    """Registrations, attempts, lesson progress and session reports across ``communes``
    real communes, one PC each, inserted directly (the feed's cost, not ingest's, is
    measured here); ``payload_bytes``: each attempt's stored payload is about that long, as
    a real one with its answers is. Returns how many rows of each kind."""
    rng = random.Random(seed)
    codes = [c.code for p in geography.provinces() for c in geography.communes(p.code)]
    chosen = rng.sample(codes, communes)
    now = "2026-12-08T03:00:00+00:00"
    devices = [
        {
            "id": str(uuid.uuid4()),
            "name": f"PC {code}",
            "commune_code": code,
            "token_hash": uuid.uuid4().hex,
            "public_key": "x" * 44,
            "enrolled_at": now,
            "revoked_at": None,
            "last_seen_at": now,
        }
        for code in chosen
    ]
    # Communes differ in size, so some counts fall below the minimum cell size.
    weights = [rng.paretovariate(1.2) for _ in devices]
    people = max(1, attempts * 3 // 10)
    registrations = []
    vault = vault_for(engine)  # ID numbers and phones are stored sealed, as ingest does
    for index, device in enumerate(rng.choices(devices, weights, k=people)):
        id_hash = vault.match_hash(f"{index:012d}")
        registrations.append(
            {
                "id": str(uuid.uuid4()),
                "device_id": device["id"],
                "contest_id": contest,
                "full_name": f"Người dự thi {index}",
                "date_of_birth": "1980-01-01",
                "id_number_sealed": vault.seal(f"{index:012d}"),
                "phone_sealed": vault.seal(f"09{index:08d}"),
                # and their masked forms beside them, as ingest writes them (schema step 014)
                "id_number_masked": masked_form(f"{index:012d}", "id"),
                "phone_masked": masked_form(f"09{index:08d}", "phone"),
                "id_hash": id_hash,
                "entrant_key": f"id:{id_hash}",
                "updated_at": now,
                "flagged": False,
                "flag_reason": None,
                "review": None,
                "province_code": device["commune_code"][:2],
                "commune_code": device["commune_code"],
                "village": None,
                "participant_group": None,
                "complete": True,
                "received_at": now,
            }
        )
    attempt_rows = []
    for _ in range(attempts):
        registration = rng.choice(registrations)
        right = rng.randint(5, 20)
        attempt_rows.append(
            {
                "id": str(uuid.uuid4()),
                "device_id": registration["device_id"],
                "contest_id": contest,
                "round_id": round_id,
                "registration_id": registration["id"],
                "seed": rng.randint(1, 2**30),
                "started_at": "2026-12-08T02:00:00+00:00",
                "submitted_at": "2026-12-08T02:05:00+00:00",
                "score": float(right),
                "max_score": 20.0,
                "server_score": float(right),
                "flagged": False,
                "flag_reason": None,
                "duration_ms": 300_000,
                "prediction": rng.randint(0, 500),
                "data": json.dumps({"answers": "x" * payload_bytes}) if payload_bytes else "{}",
                "received_at": now,
            }
        )
    progress = [
        {
            "id": str(uuid.uuid4()),
            "device_id": device["id"],
            "profile_id": str(uuid.uuid4()),
            "lesson_id": f"bai-{rng.randint(1, 16):02d}",
            "status": "done" if rng.random() < 0.7 else "in_progress",
            "commune_code": device["commune_code"],
            "completed_at": now,
            "received_at": now,
        }
        for device in rng.choices(devices, weights, k=attempts)
    ]
    sessions = [
        {
            "id": str(uuid.uuid4()),
            "device_id": device["id"],
            "data": json.dumps({"held_on": "2026-12-01", "attendance": rng.randint(3, 60)}),
            "received_at": now,
        }
        for device in rng.choices(devices, weights, k=max(1, attempts // 33))
    ]
    with engine.begin() as conn:
        for table, rows in (
            (db.devices, devices),
            (db.registrations, registrations),
            (db.attempts, attempt_rows),
            (db.lesson_progress, progress),
            (db.session_reports, sessions),
        ):
            for chunk in _chunks(rows):
                insert_ignore(conn, table, chunk)
    return {
        "communes": communes,
        "registrations": len(registrations),
        "attempts": len(attempt_rows),
        "lesson_progress": len(progress),
        "session_reports": len(sessions),
    }


# --- server and clients -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(
    server_dir: Path, database_url: str, workers: int = 1, ingest_processes: int = 0
) -> Iterator[tuple[str, int]]:
    """``skillsapp serve`` in its own process (``workers`` uvicorn workers); yields its URL
    and the process id."""
    port = _free_port()
    command = [sys.executable, "-m", "skillsapp", "serve", "--server-dir", str(server_dir)]
    if database_url:
        command += ["--database-url", database_url]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(workers)]
        + ["--ingest-processes", str(ingest_processes)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)  # waiting for the server process to listen
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


async def _one_client(port: int, path: str, deadline: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    try:
        while time.perf_counter() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            counts[0 if status == 200 else 1] += 1
    finally:
        writer.close()


def requests_per_second(url: str, path: str, clients: int, seconds: float) -> tuple[float, int]:
    """Requests/s of ``path`` with ``clients`` keep-alive connections for ``seconds``;
    returns (rate of 200 answers, number of other answers)."""
    port = int(url.rsplit(":", 1)[1])
    counts = [0, 0]

    async def run() -> float:
        start = time.perf_counter()
        deadline = start + seconds
        await asyncio.gather(*(_one_client(port, path, deadline, counts) for _ in range(clients)))
        return time.perf_counter() - start

    elapsed = asyncio.run(run())
    return counts[0] / elapsed, counts[1]


# --- the open-data benchmark ------------------------------------------------------------


@contextlib.contextmanager
def _postgres(admin_url: str) -> Iterator[str]:
    name = f"kns_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                )
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _bench_one(label: str, database_url: str, attempts: int, clients: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = ServerConfig(Path(folder) / "server", database_url)
        services = build_services(config)
        started = time.perf_counter()
        loaded = load_province(services.engine, attempts=attempts)
        print(
            f"[{label}] loaded {', '.join(f'{v:,} {k}' for k, v in loaded.items())} "
            f"in {time.perf_counter() - started:.1f} s"
        )
        services.engine.dispose()
        with serve(config.data_dir, database_url) as (url, _pid):
            started = time.perf_counter()
            first = requests.get(f"{url}{FEED}.json", timeout=300)
            cold = time.perf_counter() - started
            feed = first.json()
            withheld = sum(
                row[name] is None
                for row in feed["communes"]
                for name in ("entrants", "attempts", "full_scores")
            )
            print(
                f"[{label}] first (uncached) feed request: {cold * 1000:.0f} ms; "
                f"{len(feed['communes'])} communes, JSON {len(first.content):,} bytes, "
                f"{withheld} entrant/attempt/full-score counts withheld"
            )
            for name, path in (
                ("health (baseline)", "/api/v1/health"),
                ("open data JSON", f"{FEED}.json"),
                ("open data CSV", f"{FEED}.csv"),
            ):
                rate, other = requests_per_second(url, path, clients, seconds)
                extra = f" ({other} non-200 answers)" if other else ""
                print(
                    f"[{label}] {name:<18} {rate:8.0f} requests/s "
                    f"({clients} clients, {seconds:g} s){extra}"
                )


def bench_open_data(
    attempts: int = 100_000, clients: int = 32, seconds: float = 5.0, postgres_url: str = ""
) -> None:
    """Print the open-data feed's requests/s next to /api/v1/health's (target >= 500/s)."""
    print(
        f"open data: {os.cpu_count()} CPUs, server {datetime.datetime.now():%Y-%m-%d %H:%M}, "
        "one uvicorn worker, clients in the same machine"
    )
    _bench_one("sqlite", "", attempts, clients, seconds)
    if postgres_url:
        with _postgres(postgres_url) as url:
            _bench_one("postgresql", url, attempts, clients, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench", choices=["open-data", "contest-week"])
    parser.add_argument("--devices", type=int, default=30)
    parser.add_argument(
        "--per-device",
        type=int,
        default=1500,
        help="attempts queued per PC (enough that the PCs do not run out within 60 s)",
    )
    parser.add_argument(
        "--backend", choices=["sqlite", "postgresql", "both"], default="both", help="contest-week"
    )
    parser.add_argument(
        "--ingest-processes",
        default="0",
        help="comma-separated: a run for each (0: web workers ingest; N: N processes each)",
    )
    parser.add_argument("--batch", type=int, default=50, help="records per batch a PC posts")
    parser.add_argument("--workers", type=int, default=0, help="0: 1 on SQLite, 2 on PostgreSQL")
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--seconds", type=float, default=0, help="open-data: 5 per feed; contest-week: 60"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SKILLSAPP_TEST_POSTGRES_URL", ""),
        help="PostgreSQL admin URL (default: SKILLSAPP_TEST_POSTGRES_URL); a database is made",
    )
    args = parser.parse_args()
    if args.bench == "open-data":
        bench_open_data(args.attempts, args.clients, args.seconds or 5.0, args.postgres)
    else:
        from contest_week import bench_contest_week

        bench_contest_week(
            args.attempts,
            args.devices,
            args.seconds or 60.0,
            args.postgres,
            per_device=args.per_device,
            batch=args.batch,
            workers=args.workers,
            ingest_processes=tuple(int(n) for n in args.ingest_processes.split(",")),
            backends=("sqlite", "postgresql") if args.backend == "both" else (args.backend,),
        )


if __name__ == "__main__":
    main()
