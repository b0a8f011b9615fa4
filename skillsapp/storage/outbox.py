"""The sync outbox: records waiting to reach the provincial server.

A record is queued in the same transaction as the change that produced it, so
nothing can be saved without also being queued. Records leave the outbox only
when the server has confirmed them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from skillsapp.storage.connection import Database
from skillsapp.storage.ids import utc_now_iso


@dataclass(frozen=True)
class OutboxItem:
    seq: int
    record_type: str
    record_id: str
    payload: dict


@dataclass(frozen=True)
class OutboxText:
    """A queued record with its payload as the stored JSON text."""

    seq: int
    record_type: str
    record_id: str
    payload_json: str


class Outbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    def queue(self, record_type: str, record_id: str, payload: dict) -> None:
        """Queue a record (call inside the caller's ``db.atomic()`` block)."""
        self.db.table("outbox").insert(
            {
                "record_type": record_type,
                "record_id": record_id,
                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                "created_at": utc_now_iso(),
                "tries": 0,
            }
        )
        if record_type == "registration":
            self._requeue_attempts_of(record_id)

    def _requeue_attempts_of(self, registration_id: str) -> None:
        """A registration sent again (edited after the server refused it, say) takes the
        attempts the server refused with it back into the queue, after itself: the server
        accepts an attempt only once it holds the attempt's registration."""
        self.db.execute(  # the refused earlier version is superseded by this one
            "DELETE FROM outbox WHERE record_type = 'registration' AND record_id = ? "
            "AND last_error LIKE 'rejected:%'",
            [registration_id],
        )
        rows = self.db.execute(
            "SELECT seq, record_id, payload, created_at FROM outbox WHERE record_type = 'attempt' "
            "AND last_error LIKE 'rejected:%' AND json_extract(payload, '$.registration_id') = ? "
            "ORDER BY seq",
            [registration_id],
        ).fetchall()
        for seq, record_id, payload, created_at in rows:
            self.db.execute("DELETE FROM outbox WHERE seq = ?", [seq])
            self.db.table("outbox").insert(
                {
                    "record_type": "attempt",
                    "record_id": record_id,
                    "payload": payload,
                    "created_at": created_at,
                    "tries": 0,
                }
            )

    def pending_count(self) -> int:
        row = self.db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()
        return int(row[0])

    def next_batch(self, limit: int = 500) -> list[OutboxItem]:
        rows = self.db.execute(
            "SELECT seq, record_type, record_id, payload FROM outbox "
            "WHERE sent_at IS NULL ORDER BY seq LIMIT ?",
            [limit],
        ).fetchall()
        return [OutboxItem(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    def next_batch_text(self, limit: int = 500) -> list[OutboxText]:
        """Like :meth:`next_batch`, with each payload as the JSON text stored (for sending
        as it is: parsing 500 payloads only to encode them again cost more than the rest)."""
        rows = self.db.execute(
            "SELECT seq, record_type, record_id, payload FROM outbox "
            "WHERE sent_at IS NULL ORDER BY seq LIMIT ?",
            [limit],
        ).fetchall()
        return [OutboxText(*r) for r in rows]

    def mark_sent(self, seqs: Iterable[int]) -> None:
        now = utc_now_iso()
        with self.db.atomic():
            self.db.conn.executemany(
                "UPDATE outbox SET sent_at = ? WHERE seq = ?", [(now, seq) for seq in seqs]
            )

    def mark_rejected(self, rejected: dict[int, str]) -> None:
        """The server refused these for good (reason per seq): take them out of the queue, keep the reason."""
        now = utc_now_iso()
        with self.db.atomic():
            self.db.conn.executemany(
                "UPDATE outbox SET sent_at = ?, last_error = ? WHERE seq = ?",
                [(now, f"rejected: {reason}", seq) for seq, reason in rejected.items()],
            )

    def rejected(self) -> list[tuple[str, str, str]]:
        rows = self.db.execute(
            "SELECT record_type, record_id, last_error FROM outbox WHERE last_error LIKE 'rejected:%' ORDER BY seq"
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def mark_failed(self, seqs: Iterable[int], error: str) -> None:
        with self.db.atomic():
            for seq in seqs:
                self.db.execute(
                    "UPDATE outbox SET tries = tries + 1, last_error = ? WHERE seq = ?",
                    [error, seq],
                )
