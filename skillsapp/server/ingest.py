"""Receiving a batch of records from a device.

Every record carries its device-made UUID, so a batch sent twice, or cut off
and retried, never creates a duplicate. A batch is stored in one transaction:
each record is fully stored (an attempt with all its answers) or not at all.
Records another device owns, or that name a contest the server does not know,
are rejected one by one with a reason; the rest of the batch is kept.

Who may write what (a registration's fields and commune, which registration an
attempt may name, one ID number claimed by several PCs) is ``entrants.py``; a
registration re-sent with a newer ``updated_at`` is an edit and replaces the row.

Every contest attempt is verified (``verify.py``: its draw re-derived from the
seed and the published contest version, its answers, times and the attempt
limits checked) and re-scored from its answers with the server's own copy of the
questions: an impossible attempt is refused with a code and a Vietnamese reason,
a suspicious one (a score that differs, a clock changed…) is stored flagged. An
answer is stored under (attempt, question), whatever id the device gave it.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Integer, String, Table, select
from sqlalchemy.engine import Connection

from skillsapp import json_codec
from skillsapp.engine.draw import QuestionBank
from skillsapp.models import Contest, Question
from skillsapp.server import answer_rows, db, entrants, rankings, round_bests
from skillsapp.server.claims import DeviceClaims, check_session_report
from skillsapp.server.insert_rows import copy_rows, insert_ignore_rows
from skillsapp.server.publish import load_all_questions, load_contest_versions, load_contests
from skillsapp.server.verify import RecordProblem, Verified, check_limits, verify_attempt
from skillsapp.storage.ids import parse_iso, utc_now, utc_now_iso

RECORD_TYPES = ("attempt", "registration", "lesson_progress", "session_report")
_TABLES: dict[str, Table] = {
    "attempt": db.attempts,
    "registration": db.registrations,
    "lesson_progress": db.lesson_progress,
    "session_report": db.session_reports,
}


@dataclass
class IngestResult:
    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)


def insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT, skipping rows whose primary key exists (a concurrent retry got there first).

    Dicts of the same keys; see :mod:`skillsapp.server.insert_rows` for tuples.
    """
    if rows:
        columns = tuple(rows[0])
        insert_ignore_rows(conn, table, columns, [tuple(row[c] for c in columns) for row in rows])


def _store_attempts(
    conn: Connection, rows: list[dict[str, Any]], answers: list[answer_rows.AnswerRow]
) -> None:
    """Store the batch's new attempts, then the answers of those this transaction stored.
    On PostgreSQL the answers go by COPY (``insert_rows.copy_rows``): an attempt this
    INSERT stored (RETURNING) was not held, so none of its answers can be (they reference
    it) and none comes twice (``verify`` refuses a question answered twice); an attempt a
    concurrent retry stored first keeps the answers that retry stored with it."""
    if conn.dialect.name != "postgresql" or not rows:
        insert_ignore(conn, db.attempts, rows)
        insert_ignore_rows(conn, db.answers, answer_rows.COLUMNS, answers)
        return
    columns = tuple(rows[0])
    values = [tuple(row[c] for c in columns) for row in rows]
    stored = set(insert_ignore_rows(conn, db.attempts, columns, values, returning="id") or ())
    copy_rows(conn, db.answers, answer_rows.COLUMNS, [a for a in answers if a[0] in stored])


def _require(payload: dict, name: str, kind: type | tuple[type, ...]) -> Any:
    value = payload.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise RecordProblem(f"Trường '{name}' bị thiếu hoặc sai kiểu dữ liệu.", "invalid_field")
    return value


_INT32 = 2**31
# Per table, what each column holds: ("text", max length or None) or ("int", None); other
# columns are not checked. Looked up once: a batch checks some 15,000 answer rows.
_COLUMN_KINDS: dict[str, dict[str, tuple[str, int | None]]] = {}


def _column_kinds(table: Table) -> dict[str, tuple[str, int | None]]:
    kinds = _COLUMN_KINDS.get(table.name)
    if kinds is None:
        kinds = {}
        for column in table.c:
            if isinstance(column.type, String):  # Text is a String
                kinds[column.name] = ("text", column.type.length)
            elif isinstance(column.type, Integer):
                kinds[column.name] = ("int", None)
        _COLUMN_KINDS[table.name] = kinds
    return kinds


def _check_row(table: Table, row: dict[str, Any]) -> None:
    """Refuse a value its column cannot hold on any backend (PostgreSQL is strict: a NUL
    character, an over-long string or a 64-bit number would fail the whole batch)."""
    kinds = _column_kinds(table)
    for name, value in row.items():
        if value is None:
            continue
        kind, length = kinds.get(name, ("", None))
        if kind == "text":
            if not isinstance(value, str):
                raise RecordProblem(f"Trường '{name}' phải là chữ.", "invalid_field")
            if "\x00" in value:
                raise RecordProblem(f"Trường '{name}' chứa ký tự NUL.", "invalid_field")
            if length is not None and len(value) > length:
                raise RecordProblem(f"Trường '{name}' dài quá {length} ký tự.", "invalid_field")
        elif kind == "int" and not (
            isinstance(value, int) and not isinstance(value, bool) and -_INT32 <= value < _INT32
        ):
            raise RecordProblem(
                f"Trường '{name}' phải là số nguyên không quá 32 bit.", "invalid_field"
            )


def _instant(payload: dict, name: str) -> str:
    value = _require(payload, name, str)
    try:
        return parse_iso(value).isoformat()
    except ValueError:
        raise RecordProblem(f"Trường '{name}' không phải ngày giờ.", "invalid_field") from None


class Ingestor:
    QUESTION_CACHE_SECONDS = 60.0

    def __init__(self, engine: Engine, clock: Callable[[], datetime.datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock  # the server's time; tests set it
        self._contests: dict[str, Contest] | None = None
        self.claims = DeviceClaims(engine)
        self._versions: dict[str, dict[str, Contest]] | None = None
        self._bank: QuestionBank | None = None
        self._bank_at = 0.0
        self.marks = answer_rows.AnswerMarks()

    def bank(self) -> QuestionBank:
        """The server's questions, cached for a minute: verifying an attempt is then one draw."""
        now = time.monotonic()
        if self._bank is None or now - self._bank_at > self.QUESTION_CACHE_SECONDS:
            self._bank, self._bank_at = QuestionBank(load_all_questions(self.engine)), now
        return self._bank

    def questions(self, ids: set[str]) -> dict[str, Question]:
        """The server's copy of these questions (from the cached bank)."""
        by_id = self.bank().by_id
        return {qid: by_id[qid] for qid in ids if qid in by_id}

    def contest_versions(self) -> dict[str, dict[str, Contest]]:
        if self._versions is None:
            self._versions = load_contest_versions(self.engine)
        return self._versions

    def contests(self) -> dict[str, Contest]:
        if self._contests is None:
            self._contests = load_contests(self.engine)
        return self._contests

    def forget(self) -> None:
        self._contests = None
        self._versions = None
        self._bank = None

    def _attempt(
        self, payload: dict, device_id: str, now: datetime.datetime, offset: datetime.timedelta
    ) -> tuple[dict, list[answer_rows.AnswerRow], Verified]:
        contest_id = _require(payload, "contest_id", str)
        versions = self.contest_versions().get(contest_id)
        if versions is None:
            self.forget()  # it may have been published by another server process
            versions = self.contest_versions().get(contest_id)
        if not versions:
            raise RecordProblem(f"Máy chủ không có cuộc thi «{contest_id:.60}».", "unknown_contest")
        _require(payload, "round_id", str)
        checked = verify_attempt(payload, versions, lambda _contest: self.bank(), now, offset)
        rules = checked.contest.rules
        device_score = float(_require(payload, "score", (int, float)))
        max_score = float(_require(payload, "max_score", (int, float)))
        answers, server_score, server_max = self.marks.rows(
            payload["id"], payload["answers"], checked, rules.partial_credit
        )
        flags = list(checked.flags)
        if abs(server_score - device_score) > 1e-6 or abs(server_max - max_score) > 1e-6:
            # Shown to organisers as stored: Vietnamese, with a decimal comma.
            shown = [f"{v:g}".replace(".", ",") for v in (device_score, max_score)]
            shown += [f"{v:g}".replace(".", ",") for v in (server_score, server_max)]
            flags.insert(
                0, "Máy tính báo {}/{} điểm nhưng máy chủ chấm lại được {}/{} điểm.".format(*shown)
            )
        prediction = payload.get("prediction")
        if prediction is not None and (
            not isinstance(prediction, int) or isinstance(prediction, bool)
        ):
            raise RecordProblem("Trường 'prediction' (dự đoán) phải là số nguyên.", "invalid_field")
        flag = "; ".join(flags)[:200] if flags else None
        row = {
            "id": payload["id"],
            "device_id": device_id,
            "contest_id": contest_id,
            "round_id": checked.round.id,
            "registration_id": payload.get("registration_id"),
            "seed": payload["seed"],
            "started_at": checked.started_at.isoformat(),
            "submitted_at": checked.submitted_at.isoformat(),
            "score": device_score,
            "max_score": max_score,
            "server_score": server_score,
            "flagged": flag is not None,
            "flag_reason": flag,
            "duration_ms": payload["duration_ms"],
            "prediction": prediction,
            "data": json_codec.dumps_text(payload),
            "received_at": now.isoformat(),
            "draw_version": checked.draw_version,
            "contest_version": checked.contest_version,
        }
        return row, answers, checked

    def _earlier_starts(self, conn: Connection, records: list[dict]) -> dict[tuple, list]:
        """Start times of the attempts the server holds, per (registration, contest, round),
        for the registrations this batch's attempts name."""
        wanted = sorted(
            {
                r["payload"].get("registration_id")
                for r in records
                if r["type"] == "attempt"
                and isinstance(r["payload"], dict)
                and isinstance(r["payload"].get("registration_id"), str)
            }
        )
        found: dict[tuple, list] = {}
        table = db.attempts
        for start in range(0, len(wanted), 500):
            query = select(
                table.c.registration_id, table.c.contest_id, table.c.round_id, table.c.started_at
            ).where(table.c.registration_id.in_(wanted[start : start + 500]))
            for row in conn.execute(query):
                key = (row.registration_id, row.contest_id, row.round_id)
                found.setdefault(key, []).append(parse_iso(row.started_at))
        return found

    def _registration(self, payload: dict, scope: entrants.BatchScope) -> dict:
        contest_id = _require(payload, "contest_id", str)
        if contest_id not in self.contests():
            self.forget()
            if contest_id not in self.contests():
                raise RecordProblem(
                    f"Máy chủ không có cuộc thi «{contest_id:.60}».", "unknown_contest"
                )
        return scope.registration(payload, contest_id, _require(payload, "full_name", str)[:100])

    def _progress(self, payload: dict, device_id: str) -> dict:
        return {
            "id": payload["id"],
            "device_id": device_id,
            "profile_id": _require(payload, "profile_id", str),
            "lesson_id": _require(payload, "lesson_id", str),
            "status": _require(payload, "status", str),
            "commune_code": self.claims.commune(device_id, payload.get("commune_code")),
            "completed_at": payload.get("completed_at"),
            "received_at": utc_now_iso(),
        }

    def _session(self, payload: dict, device_id: str) -> dict:
        _require(payload, "held_on", str)
        self.claims.commune(device_id, payload.get("commune_code"))
        check_session_report(payload, utc_now())
        return {
            "id": payload["id"],
            "device_id": device_id,
            "data": json.dumps(payload, ensure_ascii=False),
            "received_at": utc_now_iso(),
        }

    def ingest(
        self,
        device_id: str,
        records: Iterable[dict],
        device_offset: datetime.timedelta = datetime.timedelta(0),
        now: datetime.datetime | None = None,
    ) -> IngestResult:
        """Store a batch from ``device_id`` in one transaction; see the module docstring.
        ``device_offset`` is how far the PC's clock ran ahead of the server's when it sent
        the batch (unknown for a USB file: 0); ``now`` is the server's time when the batch
        came in (default: this ingestor's clock)."""
        result = IngestResult()
        records = list(records)
        now = now or self.clock()
        with self.engine.begin() as conn:
            starts = self._earlier_starts(conn, records)
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
            new_answers: list[answer_rows.AnswerRow] = []
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
                            {
                                "id": rid,
                                "code": "other_device_record",
                                "reason": "Bản ghi này thuộc về một máy khác.",
                            }
                        )
                    continue
                row: dict[str, Any]
                try:
                    if not isinstance(payload, dict) or payload.get("id") != rid:
                        raise RecordProblem(
                            "Mã của bản ghi không khớp với nội dung.", "record_id_mismatch"
                        )
                    if payload.get("device_id") not in (None, device_id):
                        raise RecordProblem("Bản ghi ghi tên một máy khác.", "other_device_record")
                    if kind == "attempt":
                        row, answers, checked = self._attempt(
                            payload, device_id, now, device_offset
                        )
                        scope.check_attempt(row)
                        key = (row["registration_id"], row["contest_id"], row["round_id"])
                        earlier = starts.get(key, [])
                        check_limits(checked.contest, checked.round, checked.started_at, earlier)
                        _check_row(db.attempts, row)
                        answer_rows.check_rows(answers)
                        if row["registration_id"] is not None:
                            starts.setdefault(key, []).append(checked.started_at)
                        new_answers.extend(answers)
                        if row["flagged"]:
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
                        {"id": rid, "code": problem.code, "reason": problem.reason}
                    )
                    continue
                if kind != "registration":  # the scope stores registrations (new or edited)
                    new_rows[kind].append(row)
                seen.add(rid)
                result.accepted.append(rid)
            for kind, rows in new_rows.items():
                if kind != "attempt":
                    insert_ignore(conn, _TABLES[kind], rows)
            _store_attempts(conn, new_rows["attempt"], new_answers)
            result.flagged += [a for a in scope.store() if a not in result.flagged]
            if result.accepted:  # rankings of the batch's contests are out of date
                rankings.on_ingest(conn, records)
                round_bests.after_ingest(conn, [r["id"] for r in new_rows["attempt"]], scope)
        return result
