"""Batches verified and stored in lower-priority ingest processes (``ingest_processes.py``):
the same answers and the same stored rows as the web process ingesting itself, with the web
process's clock; the processes run ``nice``; one that dies costs no batch."""

from __future__ import annotations

import os
import signal

import pytest
from hostile import HostileDevice
from sqlalchemy import func, select

pytest.importorskip("fastapi")

from skillsapp.server import db  # noqa: E402
from skillsapp.server.ingest_processes import NICE, IngestProcesses  # noqa: E402


@pytest.fixture
def processes(province_server):
    pool = IngestProcesses(province_server.services.config, processes=1)
    province_server.services.ingest_processes = pool
    yield pool
    pool.close()


def _attempt(records: list[dict]) -> dict:
    return next(r for r in records if r["type"] == "attempt")["payload"]


def _stored_attempts(server) -> dict[str, tuple]:
    with server.services.engine.connect() as conn:
        rows = conn.execute(
            select(db.attempts.c.id, db.attempts.c.server_score, db.attempts.c.flagged)
        ).all()
        answers = conn.execute(select(func.count()).select_from(db.answers)).scalar()
    return {"answers": answers, **{r.id: (r.server_score, bool(r.flagged)) for r in rows}}


def test_honest_and_forged_batches_get_the_answers_the_web_process_gives(
    province_server, processes, tmp_path
):
    device = HostileDevice(province_server, tmp_path)
    honest = device.honest_attempt(right=12, seed=1)
    forged_seed = device.honest_attempt(seed=2, name="Trần Thị Bình")
    _attempt(forged_seed)["seed"] = 99  # the draw no longer matches its layout
    forged_score = device.honest_attempt(right=5, seed=3, name="Lê Văn Cường")
    _attempt(forged_score)["score"] = 20  # claims every answer right

    by_processes = device.send(honest + forged_seed + forged_score)
    assert processes._pool is not None  # the batch did go through the ingest process
    stored = _stored_attempts(province_server)

    # The same batches from a second PC, ingested by the web process itself.
    province_server.services.ingest_processes = None
    other = HostileDevice(province_server, tmp_path, "pc2")
    same = [other.honest_attempt(right=12, seed=1)]
    same.append(other.honest_attempt(seed=2, name="Trần Thị Bình"))
    _attempt(same[-1])["seed"] = 99
    same.append(other.honest_attempt(right=5, seed=3, name="Lê Văn Cường"))
    _attempt(same[-1])["score"] = 20
    by_thread = other.send([r for batch in same for r in batch])

    def outline(answer: dict) -> tuple:
        return (
            len(answer["accepted"]),
            sorted(r["code"] for r in answer["rejected"]),
            len(answer["flagged"]),
        )

    assert outline(by_processes) == outline(by_thread)
    assert [r["code"] for r in by_processes["rejected"]] == ["layout_mismatch"]
    assert by_processes["flagged"] == [_attempt(forged_score)["id"]]
    # Scored again by the server: its own score is kept beside the PC's claim, and flagged.
    assert stored[_attempt(honest)["id"]] == (12, False)
    assert stored[_attempt(forged_score)["id"]] == (5, True)
    assert _attempt(forged_seed)["id"] not in stored
    resent = device.send(honest)  # idempotent through the processes too
    assert resent["accepted"] == [] and len(resent["duplicates"]) == len(honest)


def test_the_ingest_process_runs_at_a_lower_priority(province_server, processes, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    device.send(device.honest_attempt(seed=4))
    children = list(processes._pool._processes)  # noqa: SLF001 (the pool's own processes)
    assert children
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert all(os.getpriority(os.PRIO_PROCESS, pid) == min(mine + NICE, 19) for pid in children)


def test_a_killed_ingest_process_costs_no_batch(province_server, processes, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    device.send(device.honest_attempt(seed=5))
    for pid in list(processes._pool._processes):  # noqa: SLF001
        os.kill(pid, signal.SIGKILL)
    records = device.honest_attempt(seed=6, name="Phạm Thị Dung")
    answer = device.send(records)
    assert sorted(answer["accepted"]) == sorted(r["id"] for r in records)
    assert _attempt(records)["id"] in _stored_attempts(province_server)
