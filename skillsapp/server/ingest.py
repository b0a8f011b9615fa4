"""Receiving a batch of records from a device.

Every record carries its device-made UUID, so a batch sent twice, or cut off
and retried, never creates a duplicate. A batch is stored in one transaction:
each record is fully stored (an attempt with all its answers) or not at all.
Records another device owns, or that name a contest the server does not know,
are rejected one by one with a reason; the rest of the batch is kept.

Who may write what (a registration's fields and commune, which registration an
attempt may name, one ID number claimed by several PCs) is ``entrants.py``; a
registration re-sent with a newer ``updated_at`` is an edit and replaces the row.

Every contest attempt is re-scored from its answers with the server's own copy
of the questions; an attempt whose score differs is flagged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Integer, String, Table, select
from sqlalchemy.engine import Connection

from skillsapp.engine.draw import layout_from_json
from skillsapp.engine.scoring import mark, score
from skillsapp.models import Contest, Question
from skillsapp.server import db, entrants
from skillsapp.server.publish import load_contests, load_questions
from skillsapp.storage.ids import parse_iso, utc_now_iso

RECORD_TYPES = ("attempt", "registration", "lesson_progress", "session_report")
_TABLES: dict[str, Table] = {
    "attempt": db.attempts,
    "registration": db.registrations,
    "lesson_progress": db.lesson_progress,
    "session_report": db.session_reports,
}


class RecordProblem(Exception):
    """A record that cannot be stored; the message is sent back to the device, with
    ``code``, a stable machine-readable name for the problem."""

    def __init__(self, message: str, code: str = "invalid_record") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class IngestResult:
    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)


def insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT, skipping rows whose primary key exists (a concurrent retry got there first).

    Written as one driver-level executemany: SQLAlchemy's per-row processing costs
    more than the database itself for a batch of 15,000 answers.
    """
    if not rows:
        return
    columns = list(rows[0])
    key = ", ".join(c.name for c in table.primary_key.columns)
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        marks = ", ".join(f"%({c})s" for c in columns)
        sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks}) ON CONFLICT ({key}) DO NOTHING"
        conn.exec_driver_sql(sql, rows)
    else:
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT OR IGNORE INTO {table.name} ({names}) VALUES ({marks})"
        conn.exec_driver_sql(sql, [tuple(row[c] for c in columns) for row in rows])


def _require(payload: dict, name: str, kind: type | tuple[type, ...]) -> Any:
    value = payload.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise RecordProblem(f"field '{name}' is missing or has the wrong type")
    return value


_INT32 = 2**31


def _check_row(table: Table, row: dict[str, Any]) -> None:
    """Refuse a value its column cannot hold on any backend (PostgreSQL is strict: a NUL
    character, an over-long string or a 64-bit number would fail the whole batch)."""
    for name, value in row.items():
        if value is None:
            continue
        kind = table.c[name].type
        if isinstance(kind, String):  # Text is a String
            if not isinstance(value, str):
                raise RecordProblem(f"field '{name}' must be text")
            if "\x00" in value:
                raise RecordProblem(f"field '{name}' contains a NUL character")
            if kind.length is not None and len(value) > kind.length:
                raise RecordProblem(f"field '{name}' is longer than {kind.length} characters")
        elif isinstance(kind, Integer) and not (
            isinstance(value, int) and not isinstance(value, bool) and -_INT32 <= value < _INT32
        ):
            raise RecordProblem(f"field '{name}' must be a whole number that fits 32 bits")


def _instant(payload: dict, name: str) -> str:
    value = _require(payload, name, str)
    try:
        return parse_iso(value).isoformat()
    except ValueError:
        raise RecordProblem(f"field '{name}' is not a date and time") from None


class Ingestor:
    QUESTION_CACHE_SECONDS = 60.0

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._contests: dict[str, Contest] | None = None
        self._questions: dict[str, Question] = {}
        self._questions_at = 0.0

    def questions(self, ids: set[str]) -> dict[str, Question]:
        """The server's copy of these questions, cached for a minute (re-scoring reads
        the same few hundred questions for every attempt)."""
        now = time.monotonic()
        if now - self._questions_at > self.QUESTION_CACHE_SECONDS:
            self._questions, self._questions_at = {}, now
        missing = ids - self._questions.keys()
        if missing:
            self._questions.update(load_questions(self.engine, missing))
        return {qid: self._questions[qid] for qid in ids if qid in self._questions}

    def contests(self) -> dict[str, Contest]:
        if self._contests is None:
            self._contests = load_contests(self.engine)
        return self._contests

    def forget(self) -> None:
        self._contests = None
        self._questions_at = 0.0

    def _attempt(self, payload: dict, device_id: str) -> tuple[dict, list[dict], str | None]:
        contest_id = _require(payload, "contest_id", str)
        contest = self.contests().get(contest_id)
        if contest is None:
            self.forget()  # it may have been published by another server process
            contest = self.contests().get(contest_id)
        if contest is None:
            raise RecordProblem(f"unknown contest '{contest_id}'")
        round_id = _require(payload, "round_id", str)
        if round_id not in {r.id for r in contest.rounds}:
            raise RecordProblem(f"contest '{contest_id}' has no round '{round_id}'")
        try:
            layout = layout_from_json(_require(payload, "layout", list))
        except (TypeError, ValueError):
            raise RecordProblem(
                "field 'layout' is not a list of [question, [option order]]"
            ) from None
        raw_answers = _require(payload, "answers", list)
        in_layout = {s.question_id for s in layout}
        answers: dict[str, list[int]] = {}
        answer_rows = []
        for item in raw_answers:
            if not isinstance(item, dict):
                raise RecordProblem("each answer must be an object")
            qid = _require(item, "question_id", str)
            chosen = _require(item, "chosen", list)
            if not all(
                isinstance(c, int) and not isinstance(c, bool) and 0 <= c < 6 for c in chosen
            ):
                raise RecordProblem(f"answer to '{qid}' has options that are not 0 to 5")
            if qid not in in_layout:
                raise RecordProblem(f"answer to '{qid}', a question that is not in the attempt")
            answers[qid] = chosen
            answer_rows.append(
                {
                    "id": _require(item, "id", str),
                    "attempt_id": payload["id"],
                    "question_id": qid,
                    "chosen": json.dumps(sorted(chosen)),
                    "mark": None,
                }
            )
        device_score = float(_require(payload, "score", (int, float)))
        max_score = float(_require(payload, "max_score", (int, float)))
        questions = self.questions(in_layout)
        flag = None
        missing = [s.question_id for s in layout if s.question_id not in questions]
        server_score = None
        if missing:
            flag = f"Có {len(missing)} câu hỏi máy chủ không có, nên chưa chấm lại được."
        else:
            server_score, server_max = score(
                layout, answers, questions, contest.rules.partial_credit
            )
            if abs(server_score - device_score) > 1e-6 or abs(server_max - max_score) > 1e-6:
                # Shown to organisers as stored: Vietnamese, with a decimal comma.
                shown = [f"{v:g}".replace(".", ",") for v in (device_score, max_score)]
                shown += [f"{v:g}".replace(".", ",") for v in (server_score, server_max)]
                flag = "Máy tính báo {}/{} điểm nhưng máy chủ chấm lại được {}/{} điểm.".format(
                    *shown
                )
            for row in answer_rows:
                row["mark"] = mark(
                    questions[row["question_id"]],
                    answers[row["question_id"]],
                    contest.rules.partial_credit,
                )
        prediction = payload.get("prediction")
        if prediction is not None and (
            not isinstance(prediction, int) or isinstance(prediction, bool)
        ):
            raise RecordProblem("field 'prediction' must be a whole number")
        row = {
            "id": payload["id"],
            "device_id": device_id,
            "contest_id": contest_id,
            "round_id": round_id,
            "registration_id": payload.get("registration_id"),
            "seed": _require(payload, "seed", int),
            "started_at": _instant(payload, "started_at"),
            "submitted_at": _instant(payload, "submitted_at"),
            "score": device_score,
            "max_score": max_score,
            "server_score": server_score,
            "flagged": flag is not None,
            "flag_reason": flag,
            "duration_ms": int(_require(payload, "duration_ms", int)),
            "prediction": prediction,
            "data": json.dumps(payload, ensure_ascii=False),
            "received_at": utc_now_iso(),
        }
        return row, answer_rows, flag

    def _registration(self, payload: dict, scope: entrants.BatchScope) -> dict:
        contest_id = _require(payload, "contest_id", str)
        if contest_id not in self.contests():
            self.forget()
            if contest_id not in self.contests():
                raise RecordProblem(f"unknown contest '{contest_id}'")
        return scope.registration(payload, contest_id, _require(payload, "full_name", str)[:100])

    def _progress(self, payload: dict, device_id: str) -> dict:
        return {
            "id": payload["id"],
            "device_id": device_id,
            "profile_id": _require(payload, "profile_id", str),
            "lesson_id": _require(payload, "lesson_id", str),
            "status": _require(payload, "status", str),
            "commune_code": payload.get("commune_code"),
            "completed_at": payload.get("completed_at"),
            "received_at": utc_now_iso(),
        }

    def _session(self, payload: dict, device_id: str) -> dict:
        _require(payload, "held_on", str)
        return {
            "id": payload["id"],
            "device_id": device_id,
            "data": json.dumps(payload, ensure_ascii=False),
            "received_at": utc_now_iso(),
        }

    def ingest(self, device_id: str, records: Iterable[dict]) -> IngestResult:
        """Store a batch from ``device_id`` in one transaction; see the module docstring."""
        result = IngestResult()
        records = list(records)
        with self.engine.begin() as conn:
            owners: dict[str, str] = {}
            for kind, table in _TABLES.items():
                ids = [r["id"] for r in records if r["type"] == kind]
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    for found in conn.execute(
                        select(table.c.id, table.c.device_id).where(table.c.id.in_(chunk))
                    ):
                        owners[found.id] = found.device_id
            scope = entrants.BatchScope(conn, device_id, records)
            new_rows: dict[str, list[dict]] = {kind: [] for kind in _TABLES}
            new_answers: list[dict] = []
            seen: set[str] = set()
            for record in records:
                rid, kind, payload = record["id"], record["type"], record["payload"]
                if (rid in owners or rid in seen) and not (
                    kind == "registration" and scope.is_edit(rid, payload)
                ):
                    if owners.get(rid, device_id) == device_id:
                        result.duplicates.append(rid)
                    else:
                        result.rejected.append(
                            {"id": rid, "reason": "this record belongs to another device"}
                        )
                    continue
                row: dict[str, Any]
                try:
                    if not isinstance(payload, dict) or payload.get("id") != rid:
                        raise RecordProblem("the payload's id does not match the record id")
                    if payload.get("device_id") not in (None, device_id):
                        raise RecordProblem("the payload names another device")
                    if kind == "attempt":
                        row, answer_rows, flag = self._attempt(payload, device_id)
                        scope.check_attempt(row)
                        _check_row(db.attempts, row)
                        for answer in answer_rows:
                            _check_row(db.answers, answer)
                        new_answers.extend(answer_rows)
                        if flag:
                            result.flagged.append(rid)
                    elif kind == "registration":
                        row = self._registration(payload, scope)
                    elif kind == "lesson_progress":
                        row = self._progress(payload, device_id)
                    else:
                        row = self._session(payload, device_id)
                    _check_row(_TABLES[kind], row)
                except RecordProblem as problem:
                    result.rejected.append(
                        {"id": rid, "code": problem.code, "reason": str(problem)}
                    )
                    continue
                if kind != "registration":  # the scope stores registrations (new or edited)
                    new_rows[kind].append(row)
                seen.add(rid)
                result.accepted.append(rid)
            for kind, rows in new_rows.items():
                insert_ignore(conn, _TABLES[kind], rows)
            insert_ignore(conn, db.answers, new_answers)
            result.flagged += [a for a in scope.store() if a not in result.flagged]
        return result
