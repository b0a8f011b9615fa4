"""Offline transfer: what waits in the outbox, written to a signed file for a USB
stick, for the organiser to import on the server.

The file is signed with this PC's key. If the PC has never been online, the
file can carry an enrolment code, so the server enrols the PC on import. The
records stay in the outbox until an online sync confirms them; importing the
same file twice, or syncing the same records later, changes nothing.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from skillsapp.engine.rules import VIETNAM
from skillsapp.reports.files import export_target
from skillsapp.storage.ids import parse_iso
from skillsapp.sync.runner import device_key
from skillsapp.sync.signing import public_key_text, sign

FORMAT = "skillsapp-transfer/1"
SUFFIX = ".kns"
LAST_TRANSFER_STATE = "last_transfer"


def export_transfer(
    store,
    target: Path,
    now: datetime.datetime,
    device_name: str = "",
    enrolment_code: str | None = None,
) -> int:
    """Write every waiting record to ``target``; returns how many."""
    records = []
    batch = store.outbox.next_batch(limit=1_000_000)
    for item in batch:
        records.append({"type": item.record_type, "id": item.record_id, "payload": item.payload})
    body = {
        "format": FORMAT,
        "device_id": store.device_id,
        "created_at": now.isoformat(),
        "records": records,
    }
    key = device_key(store)
    if enrolment_code:
        body["enrolment"] = {
            "code": enrolment_code,
            "device_name": device_name or store.device_id[:8],
            "public_key": public_key_text(key),
        }
    document = {**body, "signature": sign(key, body)}
    with export_target(target) as partial:
        partial.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    store.set_state(
        LAST_TRANSFER_STATE, {"at": now.isoformat(), "records": len(records), "file": str(target)}
    )
    return len(records)


@dataclass(frozen=True)
class LastTransfer:
    at: datetime.datetime
    records: int
    file: str


def last_transfer(store) -> LastTransfer | None:
    """When this PC last wrote a transfer file, how many records it held and where it went."""
    state = store.get_state(LAST_TRANSFER_STATE)
    if not isinstance(state, dict) or not state.get("at"):
        return None
    return LastTransfer(
        parse_iso(state["at"]), int(state.get("records") or 0), str(state.get("file", ""))
    )


def default_file_name(now: datetime.datetime) -> str:
    """A file name that sorts by time (Vietnam time), e.g. ``ket-qua-20261208-0900.kns``."""
    return f"ket-qua-{now.astimezone(VIETNAM):%Y%m%d-%H%M}{SUFFIX}"
