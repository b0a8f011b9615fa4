"""A server process ingests only a few batches at once (``ingest_gate.py``), so that an
organiser's page is not starved by thirty PCs posting: a batch waits for its turn, and one
that waited too long is answered 503 with Retry-After, which the PC's client reads as
"busy, come back later" and nothing of the batch is stored until it is sent again."""

from __future__ import annotations

import threading

import pytest
from hostile import HostileDevice

pytest.importorskip("fastapi")

from skillsapp.server.ingest_gate import RETRY_AFTER_S, IngestGate  # noqa: E402
from skillsapp.sync.client import BUSY, SyncError, retry_after  # noqa: E402

pytestmark = pytest.mark.parametrize("province_server", ["sqlite"], indirect=True)


def test_a_batch_that_waits_too_long_is_told_to_come_back_and_then_stored(
    province_server, tmp_path
):
    gate = IngestGate(at_once=1, wait_s=0.2)
    province_server.services.ingest_gate = gate
    device = HostileDevice(province_server, tmp_path)
    records = device.honest_attempt(right=10, seed=3)
    with gate.turn():  # another batch holds the only turn
        answer = device.send(records, raw=True)
    assert answer.status_code == 503 and answer.json()["error"] == "busy"
    assert retry_after(answer.headers["Retry-After"]) == RETRY_AFTER_S and gate.refused == 1
    stored = device.send(records)  # sent again: all of it is new to the server
    assert sorted(stored["accepted"]) == sorted(r["id"] for r in records)
    assert stored["duplicates"] == []


def test_a_batch_waits_for_its_turn_instead_of_failing(province_server, tmp_path):
    gate = IngestGate(at_once=1, wait_s=30)
    province_server.services.ingest_gate = gate
    device = HostileDevice(province_server, tmp_path)
    records = device.honest_attempt(right=10, seed=4)
    answers = []
    with gate.turn():
        sender = threading.Thread(target=lambda: answers.append(device.send(records, raw=True)))
        sender.start()
        sender.join(0.5)
        assert sender.is_alive() and not answers  # waiting in line, not refused
    sender.join(30)
    assert answers[0].status_code == 200 and gate.refused == 0
    assert sorted(answers[0].json()["accepted"]) == sorted(r["id"] for r in records)


def test_the_pc_client_reads_a_503_as_busy_with_the_wait_asked(province_server, tmp_path):
    from skillsapp.sync.client import ServerClient

    gate = IngestGate(at_once=1, wait_s=0.1)
    province_server.services.ingest_gate = gate
    device = HostileDevice(province_server, tmp_path)
    client = ServerClient(province_server.url, device.token)
    with gate.turn(), pytest.raises(SyncError) as raised:
        client.send_batch(device.honest_attempt(right=5, seed=5), province_server.services.clock())
    assert raised.value.kind == BUSY and raised.value.retry_after_s == RETRY_AFTER_S
