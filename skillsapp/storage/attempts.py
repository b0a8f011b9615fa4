"""Attempts and their answers: every answer is committed the moment it is given.

An attempt row keeps its seed and layout, its start time and deadline; each
answer row keeps the options chosen and when. After a crash the attempt is
found again by :meth:`Attempts.open_attempts`. A submitted attempt is frozen:
:meth:`record_answer` and :meth:`finish` refuse to touch it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from skillsapp.engine.draw import Layout, layout_from_json, layout_to_json
from skillsapp.engine.ranking import AttemptResult
from skillsapp.errors import AppError
from skillsapp.i18n import _
from skillsapp.storage.connection import Database
from skillsapp.storage.ids import new_id, parse_iso
from skillsapp.storage.outbox import Outbox


class AttemptClosed(AppError):
    def user_message(self) -> str:
        return _("This attempt has already been submitted and cannot be changed.")


@dataclass(frozen=True)
class AttemptRecord:
    id: str
    profile_id: str
    kind: str
    seed: int
    layout: Layout
    started_at: datetime.datetime
    status: str
    lesson_id: str | None = None
    contest_id: str | None = None
    round_id: str | None = None
    registration_id: str | None = None
    time_limit_s: int | None = None
    deadline_at: datetime.datetime | None = None
    submitted_at: datetime.datetime | None = None
    score: float | None = None
    max_score: float | None = None
    duration_ms: int | None = None
    prediction: int | None = None

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds")


_COLUMNS = (
    "id",
    "profile_id",
    "kind",
    "seed",
    "layout",
    "started_at",
    "status",
    "lesson_id",
    "contest_id",
    "round_id",
    "registration_id",
    "time_limit_s",
    "deadline_at",
    "submitted_at",
    "score",
    "max_score",
    "duration_ms",
    "prediction",
)


def _record(row: Sequence) -> AttemptRecord:
    data = dict(zip(_COLUMNS, row, strict=True))
    return AttemptRecord(
        id=data["id"],
        profile_id=data["profile_id"],
        kind=data["kind"],
        seed=int(data["seed"] or 0),
        layout=layout_from_json(json.loads(data["layout"] or "[]")),
        started_at=parse_iso(data["started_at"]),
        status=data["status"],
        lesson_id=data["lesson_id"],
        contest_id=data["contest_id"],
        round_id=data["round_id"],
        registration_id=data["registration_id"],
        time_limit_s=data["time_limit_s"],
        deadline_at=parse_iso(data["deadline_at"]) if data["deadline_at"] else None,
        submitted_at=parse_iso(data["submitted_at"]) if data["submitted_at"] else None,
        score=data["score"],
        max_score=data["max_score"],
        duration_ms=data["duration_ms"],
        prediction=data["prediction"],
    )


class Attempts:
    def __init__(self, db: Database, outbox: Outbox, device_id: str) -> None:
        self.db = db
        self.outbox = outbox
        self.device_id = device_id

    def start(
        self,
        *,
        profile_id: str,
        kind: str,
        seed: int,
        layout: Layout,
        now: datetime.datetime,
        time_limit_s: int | None = None,
        lesson_id: str | None = None,
        contest_id: str | None = None,
        round_id: str | None = None,
        registration_id: str | None = None,
        draw_version: int | None = None,
        contest_version: str | None = None,
    ) -> AttemptRecord:
        deadline = now + datetime.timedelta(seconds=time_limit_s) if time_limit_s else None
        row = {
            "id": new_id(),
            "profile_id": profile_id,
            "kind": kind,
            "lesson_id": lesson_id,
            "contest_id": contest_id,
            "round_id": round_id,
            "registration_id": registration_id,
            "seed": seed,
            "layout": json.dumps(layout_to_json(layout)),
            "time_limit_s": time_limit_s,
            "started_at": _iso(now),
            "deadline_at": _iso(deadline) if deadline else None,
            "status": "open",
            "clock_events": "[]",
            "draw_version": draw_version,
            "contest_version": contest_version,
            "device_id": self.device_id,
            "created_at": _iso(now),
        }
        with self.db.atomic():
            self.db.table("attempts").insert(row)
        return self.get(str(row["id"]))

    def get(self, attempt_id: str) -> AttemptRecord:
        row = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM attempts WHERE id = ?", [attempt_id]
        ).fetchone()
        if row is None:
            raise KeyError(attempt_id)
        return _record(row)

    def latest_seen(self, attempt_id: str) -> datetime.datetime:
        """The latest moment recorded for the attempt: its start or its last answer."""
        row = self.db.execute(
            "SELECT max(t) FROM (SELECT started_at AS t FROM attempts WHERE id = ? "
            "UNION ALL SELECT answered_at FROM answers WHERE attempt_id = ?)",
            [attempt_id, attempt_id],
        ).fetchone()
        return parse_iso(row[0])

    def _note_clock(
        self, attempt_id: str, now: datetime.datetime, latest: datetime.datetime
    ) -> None:
        events = json.loads(
            self.db.execute(
                "SELECT clock_events FROM attempts WHERE id = ?", [attempt_id]
            ).fetchone()[0]
            or "[]"
        )
        events.append({"clock_read": _iso(now), "latest_seen": _iso(latest)})
        self.db.execute(
            "UPDATE attempts SET clock_events = ? WHERE id = ?", [json.dumps(events), attempt_id]
        )

    def effective_now(self, attempt_id: str, now: datetime.datetime) -> datetime.datetime:
        """``now``, or the attempt's latest recorded time if the clock went backwards."""
        latest = self.latest_seen(attempt_id)
        return now if now >= latest else latest

    def record_answer(
        self,
        attempt_id: str,
        question_id: str,
        chosen: Sequence[int],
        now: datetime.datetime,
        elapsed_ms: int | None = None,
        position: int | None = None,
    ) -> datetime.datetime:
        """Save (or change) the answer to one question and commit it at once.

        ``chosen`` holds option indexes in the question's own order. Returns the
        time recorded for the answer (never earlier than anything before it).
        """
        with self.db.atomic():
            status = self.db.execute(
                "SELECT status FROM attempts WHERE id = ?", [attempt_id]
            ).fetchone()
            if status is None:
                raise KeyError(attempt_id)
            if status[0] != "open":
                raise AttemptClosed(attempt_id)
            latest = self.latest_seen(attempt_id)
            if now < latest:
                self._note_clock(attempt_id, now, latest)
                now = latest
            stamp = _iso(now)
            existing = self.db.execute(
                "SELECT id, created_at FROM answers WHERE attempt_id = ? AND question_id = ?",
                [attempt_id, question_id],
            ).fetchone()
            self.db.table("answers").upsert(
                {
                    "id": existing[0] if existing else new_id(),
                    "attempt_id": attempt_id,
                    "question_id": question_id,
                    "position": position,
                    "chosen": json.dumps(sorted(chosen)),
                    "answered_at": stamp,
                    "elapsed_ms": elapsed_ms,
                    "created_at": existing[1] if existing else stamp,
                },
                pk="id",
            )
        return now

    def set_prediction(self, attempt_id: str, value: int | None) -> None:
        with self.db.atomic():
            status = self.db.execute(
                "SELECT status FROM attempts WHERE id = ?", [attempt_id]
            ).fetchone()
            if status is None or status[0] != "open":
                raise AttemptClosed(attempt_id)
            self.db.execute("UPDATE attempts SET prediction = ? WHERE id = ?", [value, attempt_id])

    def answers(self, attempt_id: str) -> dict[str, list[int]]:
        rows = self.db.execute(
            "SELECT question_id, chosen FROM answers WHERE attempt_id = ?", [attempt_id]
        )
        return {qid: json.loads(chosen) for qid, chosen in rows}

    def answer_details(self, attempt_id: str) -> list[dict]:
        rows = self.db.execute(
            "SELECT id, question_id, position, chosen, mark, answered_at, elapsed_ms FROM answers "
            "WHERE attempt_id = ? ORDER BY answered_at, question_id",
            [attempt_id],
        )
        keys = ("id", "question_id", "position", "chosen", "mark", "answered_at", "elapsed_ms")
        details = [dict(zip(keys, r, strict=True)) for r in rows]
        for item in details:
            item["chosen"] = json.loads(item["chosen"])
        return details

    def finish(
        self,
        attempt_id: str,
        *,
        score: float,
        max_score: float,
        marks: Mapping[str, float],
        submitted_at: datetime.datetime,
        duration_ms: int,
        sync: bool,
    ) -> AttemptRecord:
        """Freeze the attempt with its score; queue it for the province when ``sync``.
        A trial attempt is never queued, whatever ``sync`` says."""
        with self.db.atomic():
            status = self.db.execute(
                "SELECT status, kind FROM attempts WHERE id = ?", [attempt_id]
            ).fetchone()
            if status is None:
                raise KeyError(attempt_id)
            if status[0] != "open":
                raise AttemptClosed(attempt_id)
            for question_id, value in marks.items():
                self.db.execute(
                    "UPDATE answers SET mark = ? WHERE attempt_id = ? AND question_id = ?",
                    [value, attempt_id, question_id],
                )
            self.db.execute(
                "UPDATE attempts SET status = 'submitted', score = ?, max_score = ?, submitted_at = ?, "
                "duration_ms = ? WHERE id = ?",
                [score, max_score, _iso(submitted_at), duration_ms, attempt_id],
            )
            if sync and status[1] != "trial":
                self.outbox.queue("attempt", attempt_id, self.export(attempt_id))
        return self.get(attempt_id)

    def export(self, attempt_id: str) -> dict:
        """The attempt as it leaves the device: every answer, the seed and the order."""
        record = self.get(attempt_id)
        row = self.db.execute(
            "SELECT device_id, clock_events, draw_version, contest_version FROM attempts WHERE id = ?",
            [attempt_id],
        ).fetchone()
        return {
            "id": record.id,
            "device_id": row[0],
            "profile_id": record.profile_id,
            "kind": record.kind,
            "contest_id": record.contest_id,
            "round_id": record.round_id,
            "registration_id": record.registration_id,
            "lesson_id": record.lesson_id,
            "seed": record.seed,
            "draw_version": row[2],
            "contest_version": row[3],
            "layout": layout_to_json(record.layout),
            "started_at": _iso(record.started_at),
            "deadline_at": _iso(record.deadline_at) if record.deadline_at else None,
            "submitted_at": _iso(record.submitted_at) if record.submitted_at else None,
            "score": record.score,
            "max_score": record.max_score,
            "duration_ms": record.duration_ms,
            "prediction": record.prediction,
            "clock_events": json.loads(row[1] or "[]"),
            "answers": [
                {
                    "id": a["id"],
                    "question_id": a["question_id"],
                    "chosen": a["chosen"],
                    "mark": a["mark"],
                    "answered_at": a["answered_at"],
                    "elapsed_ms": a["elapsed_ms"],
                }
                for a in self.answer_details(attempt_id)
            ],
        }

    def open_attempts(
        self, profile_id: str | None = None, kind: str | None = None
    ) -> list[AttemptRecord]:
        sql = f"SELECT {', '.join(_COLUMNS)} FROM attempts WHERE status = 'open'"
        params: list = []
        if profile_id:
            sql += " AND profile_id = ?"
            params.append(profile_id)
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return [_record(r) for r in self.db.execute(sql + " ORDER BY started_at", params)]

    def for_profile(self, profile_id: str, kind: str | None = None) -> list[AttemptRecord]:
        sql = f"SELECT {', '.join(_COLUMNS)} FROM attempts WHERE profile_id = ?"
        params: list = [profile_id]
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return [_record(r) for r in self.db.execute(sql + " ORDER BY started_at DESC", params)]

    def starts_in_round(
        self, registration_id: str, contest_id: str, round_id: str
    ) -> list[datetime.datetime]:
        rows = self.db.execute(
            "SELECT started_at FROM attempts WHERE registration_id = ? AND contest_id = ? AND round_id = ? "
            "AND kind = 'contest'",
            [registration_id, contest_id, round_id],
        )
        return [parse_iso(r[0]) for r in rows]

    def round_results(self, contest_id: str, round_id: str) -> list[AttemptResult]:
        rows = self.db.execute(
            "SELECT id, registration_id, score, max_score, duration_ms, submitted_at, prediction FROM attempts "
            "WHERE contest_id = ? AND round_id = ? AND kind = 'contest' AND status = 'submitted'",
            [contest_id, round_id],
        )
        return [
            AttemptResult(
                r[0], r[1] or r[0], float(r[2] or 0), float(r[3] or 0), int(r[4] or 0), r[5], r[6]
            )
            for r in rows
        ]
