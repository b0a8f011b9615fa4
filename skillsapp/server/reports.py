"""What the organiser pages and exports show, read from the server's database:
a round's province-wide ranking, its entrants and answers, and participation per
commune.

A round is ranked with the same rules as on a PC (``engine.ranking.rank_round``)
but over every device's attempts, so the prediction tie-break uses the
province-wide true figure. One person is one entrant however many PCs they used:
the entrant key is the registration's ID number when there is one, else the
registration id. Scores are the server's own re-scoring where it has one.

The export sheets reuse the PC exports' headers and writers
(``reports.round_data``, ``round_xlsx``, ``round_csv``); personal data is masked
unless the caller asks for it unmasked (and records that in the audit log).

>>> report = load_round(engine, "tim-hieu-chuyen-doi-so-2026", "tuan-1")  # doctest: +SKIP
>>> [(r.rank, r.person.full_name) for r in report.rows][:1]  # doctest: +SKIP
[(1, 'Nguyễn Văn An')]
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, and_, case, func, select

from skillsapp import geography
from skillsapp.engine.draw import layout_from_json
from skillsapp.engine.ranking import AttemptResult, rank_round
from skillsapp.engine.registration import mask_id_number, mask_phone
from skillsapp.i18n import _
from skillsapp.models import Contest, Round
from skillsapp.reports import round_data as data
from skillsapp.reports.round_csv import write_csv
from skillsapp.reports.round_data import statistics_rows
from skillsapp.reports.round_xlsx import write_sheet
from skillsapp.server import db
from skillsapp.server.publish import load_contests, load_questions
from skillsapp.storage.ids import parse_iso

# Vietnam has one time zone and no daylight saving: UTC+7 all year.
VIETNAM = datetime.timezone(datetime.timedelta(hours=7), "ICT")
FLAG_HEADER = "Cần kiểm tra"  # the server's own column: why the re-scoring disagreed
NO_COMMUNE = "(chưa rõ xã, phường)"
_CHUNK = 200


class RoundNotFound(LookupError):
    """An unknown contest or round; the message is plain Vietnamese for the page."""


@dataclass(frozen=True)
class Person:
    registration_id: str
    full_name: str
    date_of_birth: str | None
    id_number: str | None
    phone: str | None
    province_code: str | None
    commune_code: str | None
    village: str | None
    participant_group: str | None
    complete: bool


@dataclass(frozen=True)
class RankedRow:
    rank: int
    entrant: str
    attempt_id: str
    person: Person | None
    commune_code: str | None
    score: float
    max_score: float
    prediction: int | None
    prediction_gap: float | None
    duration_ms: int
    submitted_at: str
    flagged: bool
    flag_reason: str | None

    @property
    def full_score(self) -> bool:
        return self.max_score > 0 and self.score >= self.max_score


@dataclass
class ServerRound:
    contest: Contest
    round: Round
    rows: list[RankedRow]  # province-wide ranks, already narrowed to ``commune`` if one is given
    true_figure: int | None
    entrants: dict[str, Person]  # entrant key -> the person, narrowed like ``rows``
    ranked_total: int  # entrants ranked province-wide
    communes: list[str] = field(default_factory=list)  # communes with attempts in the round
    commune: str | None = None
    unmasked: bool = False


def local_time(iso: str | None) -> datetime.datetime | None:
    """A stored instant as Vietnam's wall-clock time, without a zone (what Excel shows)."""
    if not iso:
        return None
    return parse_iso(iso).astimezone(VIETNAM).replace(tzinfo=None)


def commune_name(code: str | None) -> str:
    return data.commune_name(code) if code else NO_COMMUNE


_DEVICE_VS_SERVER = re.compile(r"^device score (\S+), server score (\S+)$")
_UNKNOWN_QUESTIONS = re.compile(r"^(\d+) questions unknown to the server$")
_UNKNOWN_CONTEST = re.compile(r"^unknown contest '(.*)'$")
_NO_ROUND = re.compile(r"^contest '(.*)' has no round '(.*)'$")


def flag_text(reason: str | None) -> str:
    """Why the server flagged an attempt, in Vietnamese (ingest records it in English)."""
    if not reason:
        return "Cần kiểm tra lại bài thi này."
    if found := _DEVICE_VS_SERVER.match(reason):
        return (
            f"Máy tính báo {found[1].replace('.', ',')} điểm nhưng máy chủ chấm lại được "
            f"{found[2].replace('.', ',')} điểm."
        )
    if found := _UNKNOWN_QUESTIONS.match(reason):
        return f"Có {found[1]} câu hỏi máy chủ không có, nên chưa chấm lại được."
    return reason


def reason_text(reason: str) -> str:
    """Why the server refused a record, in Vietnamese, for the transfer page."""
    if reason == "this record belongs to another device":
        return "Bản ghi này đã được một máy tính khác gửi lên."
    if found := _UNKNOWN_CONTEST.match(reason):
        return f"Cuộc thi “{found[1]}” chưa được công bố trên máy chủ."
    if found := _NO_ROUND.match(reason):
        return f"Cuộc thi “{found[1]}” không có vòng “{found[2]}”."
    return f"Dữ liệu không hợp lệ ({reason})."


def entrant_key(id_number: str | None, registration_id: str | None, attempt_id: str = "") -> str:
    number = "".join((id_number or "").split())
    return f"id:{number}" if number else (registration_id or attempt_id)


def _person(row) -> Person | None:
    if row.reg_id is None:
        return None
    return Person(
        row.reg_id,
        row.full_name,
        row.date_of_birth,
        row.id_number,
        row.phone,
        row.province_code,
        row.commune_code,
        row.village,
        row.participant_group,
        bool(row.complete),
    )


_R = db.registrations
_A = db.attempts
_D = db.devices
_REGISTRATION_COLUMNS = (
    _R.c.id.label("reg_id"),
    _R.c.full_name,
    _R.c.date_of_birth,
    _R.c.id_number,
    _R.c.phone,
    _R.c.province_code,
    _R.c.commune_code,
    _R.c.village,
    _R.c.participant_group,
    _R.c.complete,
)


def find_round(engine: Engine, contest_id: str, round_id: str) -> tuple[Contest, Round]:
    contest = load_contests(engine).get(contest_id)
    if contest is None:
        raise RoundNotFound(f"Máy chủ chưa có cuộc thi có mã “{contest_id}”.")
    found = next((r for r in contest.rounds if r.id == round_id), None)
    if found is None:
        raise RoundNotFound(f"Cuộc thi “{contest.title}” không có vòng thi có mã “{round_id}”.")
    return contest, found


def load_round(
    engine: Engine,
    contest_id: str,
    round_id: str,
    commune: str | None = None,
    unmasked: bool = False,
) -> ServerRound:
    """The round ranked over every device's attempts; ``commune`` narrows what is shown,
    never the ranking itself (ranks and the true figure stay province-wide)."""
    contest, round_ = find_round(engine, contest_id, round_id)
    query = (
        select(
            _A.c.id,
            _A.c.registration_id,
            _A.c.score,
            _A.c.server_score,
            _A.c.max_score,
            _A.c.duration_ms,
            _A.c.submitted_at,
            _A.c.prediction,
            _A.c.flagged,
            _A.c.flag_reason,
            _D.c.commune_code.label("device_commune"),
            *_REGISTRATION_COLUMNS,
        )
        .select_from(
            _A.outerjoin(_R, _R.c.id == _A.c.registration_id).outerjoin(
                _D, _D.c.id == _A.c.device_id
            )
        )
        .where(_A.c.contest_id == contest_id, _A.c.round_id == round_id)
    )
    results: list[AttemptResult] = []
    details: dict[str, tuple] = {}
    with engine.connect() as conn:
        for row in conn.execute(query):
            key = entrant_key(row.id_number, row.registration_id, row.id)
            score = row.server_score if row.server_score is not None else row.score
            results.append(
                AttemptResult(
                    row.id,
                    key,
                    float(score),
                    float(row.max_score),
                    int(row.duration_ms),
                    row.submitted_at,
                    row.prediction,
                )
            )
            details[row.id] = (
                _person(row),
                row.commune_code or row.device_commune,
                bool(row.flagged),
                row.flag_reason,
            )
    ranked, figure = rank_round(results, contest.rules.counting, contest.rules.prediction)
    rows: list[RankedRow] = []
    for item in ranked:
        result = item.result
        person, where, flagged, reason = details[result.attempt_id]
        rows.append(
            RankedRow(
                item.rank,
                result.entrant,
                result.attempt_id,
                person,
                where,
                result.score,
                result.max_score,
                result.prediction,
                item.prediction_gap,
                result.duration_ms,
                result.submitted_at,
                flagged,
                reason,
            )
        )
    communes = sorted({r.commune_code for r in rows if r.commune_code}, key=commune_name)
    if commune:
        rows = [r for r in rows if r.commune_code == commune]
    entrants = _entrants(engine, contest_id, rows, commune)
    return ServerRound(
        contest, round_, rows, figure, entrants, len(ranked), communes, commune, unmasked
    )


def _entrants(
    engine: Engine, contest_id: str, rows: list[RankedRow], commune: str | None
) -> dict[str, Person]:
    """Everyone registered for the contest (on any PC), one entry per person: the
    registration behind their counting attempt, else the latest one received."""
    people: dict[str, Person] = {}
    query = (
        select(*_REGISTRATION_COLUMNS, _D.c.commune_code.label("device_commune"))
        .select_from(_R.outerjoin(_D, _D.c.id == _R.c.device_id))
        .where(_R.c.contest_id == contest_id)
        .order_by(_R.c.received_at, _R.c.id)
    )
    with engine.connect() as conn:
        for row in conn.execute(query):
            if commune and (row.commune_code or row.device_commune) != commune:
                continue
            person = _person(row)
            assert person is not None
            people[entrant_key(row.id_number, row.reg_id)] = person
    for ranked in rows:
        if ranked.person is not None:
            people[ranked.entrant] = ranked.person
    return people


# --- rows for the sheets ---------------------------------------------------------------


def _id(report: ServerRound, value: str | None) -> str:
    if not value:
        return ""
    return value if report.unmasked else mask_id_number(value)


def _phone(report: ServerRound, value: str | None) -> str:
    if not value:
        return ""
    return value if report.unmasked else mask_phone(value)


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def ranking_headers() -> list[str]:
    return [_(h) for h in data.RANKING_HEADERS] + [FLAG_HEADER]


def ranking_rows(report: ServerRound) -> Iterator[list]:
    for row in report.rows:
        person = row.person
        yield [
            row.rank,
            person.full_name if person else "",
            data.commune_name(row.commune_code),
            row.score,
            row.max_score,
            row.prediction,
            row.prediction_gap if row.prediction_gap is not None else "",
            round(row.duration_ms / 1000, 1),
            local_time(row.submitted_at),
            _yes(bool(person and person.complete)),
            _id(report, person.id_number if person else None),
            _phone(report, person.phone if person else None),
            flag_text(row.flag_reason) if row.flagged else "",
        ]


def entrant_rows(report: ServerRound) -> Iterator[list]:
    for person in report.entrants.values():
        province = geography.province(person.province_code) if person.province_code else None
        yield [
            person.full_name,
            person.date_of_birth or "",
            _id(report, person.id_number),
            _phone(report, person.phone),
            province.name if province else "",
            data.commune_name(person.commune_code),
            person.village or "",
            person.participant_group or "",
            _yes(person.complete),
        ]


def commune_rows(report: ServerRound) -> Iterator[list]:
    totals: dict[str, list[float]] = {}
    for row in report.rows:
        entry = totals.setdefault(commune_name(row.commune_code), [0, 0, 0.0])
        entry[0] += 1
        entry[1] += 1 if row.full_score else 0
        entry[2] += row.score
    for name, (count, full, total) in sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[0])):
        yield [name, int(count), int(full), round(total / count, 2)]


def _attempt_ids(engine: Engine, report: ServerRound) -> list[tuple[str, str | None]]:
    query = (
        select(_A.c.id, func.coalesce(_R.c.commune_code, _D.c.commune_code).label("commune"))
        .select_from(
            _A.outerjoin(_R, _R.c.id == _A.c.registration_id).outerjoin(
                _D, _D.c.id == _A.c.device_id
            )
        )
        .where(_A.c.contest_id == report.contest.id, _A.c.round_id == report.round.id)
        .order_by(_A.c.submitted_at, _A.c.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [(r.id, r.commune) for r in rows if not report.commune or r.commune == report.commune]


def iter_attempts(engine: Engine, report: ServerRound) -> Iterator[data.AttemptWithAnswers]:
    """Every attempt of the round (narrowed to the report's commune) with its answers,
    a few hundred at a time so memory stays flat. Marks are the server's own."""
    ids = [attempt_id for attempt_id, _commune in _attempt_ids(engine, report)]
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        with engine.connect() as conn:
            attempts = {r.id: r for r in conn.execute(select(_A).where(_A.c.id.in_(chunk)))}
            marks = {
                (r.attempt_id, r.question_id): r.mark
                for r in conn.execute(
                    select(
                        db.answers.c.attempt_id, db.answers.c.question_id, db.answers.c.mark
                    ).where(db.answers.c.attempt_id.in_(chunk))
                )
            }
        for attempt_id in chunk:
            row = attempts[attempt_id]
            payload = json.loads(row.data)
            answers = {}
            for item in payload.get("answers") or []:
                if not isinstance(item, dict) or "question_id" not in item:
                    continue
                qid = item["question_id"]
                mark = marks.get((attempt_id, qid))
                answers[qid] = (
                    list(item.get("chosen") or []),
                    mark if mark is not None else item.get("mark"),
                    item.get("answered_at") or "",
                    item.get("elapsed_ms"),
                )
            try:
                question_ids = [
                    slot.question_id for slot in layout_from_json(payload.get("layout") or [])
                ]
            except (TypeError, ValueError):
                question_ids = list(answers)
            yield data.AttemptWithAnswers(
                row.id,
                row.registration_id or "",
                row.started_at,
                row.submitted_at,
                float(row.server_score if row.server_score is not None else row.score),
                float(row.max_score),
                int(row.duration_ms),
                row.prediction,
                question_ids,
                answers,
            )


def _names(engine: Engine, contest_id: str) -> dict[str, tuple[str, str]]:
    query = select(_R.c.id, _R.c.full_name, _R.c.commune_code).where(_R.c.contest_id == contest_id)
    with engine.connect() as conn:
        return {r.id: (r.full_name, data.commune_name(r.commune_code)) for r in conn.execute(query)}


def attempt_headers(report: ServerRound) -> list[str]:
    return data.attempt_headers(report)  # type: ignore[arg-type]  # reads only contest rules


def attempt_rows(engine: Engine, report: ServerRound) -> Iterator[list]:
    names = _names(engine, report.contest.id)
    for attempt in iter_attempts(engine, report):
        name, where = names.get(attempt.registration_id, ("", ""))
        row: list = [
            attempt.id,
            name,
            where,
            local_time(attempt.started_at),
            local_time(attempt.submitted_at),
            attempt.score,
            attempt.max_score,
            round(attempt.duration_ms / 1000, 1),
            attempt.prediction,
        ]
        for qid in attempt.question_ids:
            chosen, mark, _when, _elapsed = attempt.answers.get(qid, ([], 0.0, "", None))
            row += [qid, data.letters(chosen), mark if mark is not None else 0.0]
        yield row


def answer_rows(engine: Engine, report: ServerRound) -> Iterator[list]:
    names = _names(engine, report.contest.id)
    for attempt in iter_attempts(engine, report):
        for position, qid in enumerate(attempt.question_ids, start=1):
            chosen, mark, when, elapsed = attempt.answers.get(qid, ([], 0.0, "", None))
            yield [
                attempt.id,
                names.get(attempt.registration_id, ("", ""))[0],
                position,
                qid,
                data.letters(chosen),
                mark if mark is not None else 0.0,
                local_time(when) if when else "",
                round(elapsed / 1000, 1) if isinstance(elapsed, int | float) else "",
            ]


def question_rows(engine: Engine, report: ServerRound) -> Iterator[list]:
    return statistics_rows(iter_attempts(engine, report), lambda ids: load_questions(engine, ids))


# --- files -----------------------------------------------------------------------------

CSV_SHEETS = ("xep-hang", "nguoi-du-thi", "theo-xa-phuong", "cau-hoi", "bai-lam")


def write_xlsx(engine: Engine, report: ServerRound, target: Path) -> Path:
    """The same five sheets as the PC's Excel export, across every device."""
    from openpyxl import Workbook

    from skillsapp.reports.files import export_target

    def quiet(_message: str) -> None:
        pass

    book = Workbook(write_only=True)
    with export_target(target) as partial:
        write_sheet(book, _("Ranking"), ranking_headers(), ranking_rows(report), quiet)
        write_sheet(
            book, _("Entrants"), [_(h) for h in data.ENTRANT_HEADERS], entrant_rows(report), quiet
        )
        write_sheet(
            book, _("By commune"), [_(h) for h in data.COMMUNE_HEADERS], commune_rows(report), quiet
        )
        write_sheet(
            book,
            _("Questions"),
            [_(h) for h in data.QUESTION_HEADERS],
            question_rows(engine, report),
            quiet,
        )
        write_sheet(
            book, _("Attempts"), attempt_headers(report), attempt_rows(engine, report), quiet
        )
        book.save(partial)
    return target


def write_csv_sheet(engine: Engine, report: ServerRound, sheet: str, target: Path) -> Path:
    """One of the PC's CSV files (``CSV_SHEETS``), UTF-8 with a byte-order mark for Excel."""
    if sheet == "xep-hang":
        return write_csv(target, ranking_headers(), ranking_rows(report))
    if sheet == "nguoi-du-thi":
        return write_csv(target, [_(h) for h in data.ENTRANT_HEADERS], entrant_rows(report))
    if sheet == "theo-xa-phuong":
        return write_csv(target, [_(h) for h in data.COMMUNE_HEADERS], commune_rows(report))
    if sheet == "cau-hoi":
        return write_csv(
            target, [_(h) for h in data.QUESTION_HEADERS], question_rows(engine, report)
        )
    if sheet == "bai-lam":
        return write_csv(target, [_(h) for h in data.ANSWER_HEADERS], answer_rows(engine, report))
    raise ValueError(sheet)


# --- participation and counts ----------------------------------------------------------


@dataclass
class CommuneParticipation:
    commune_code: str | None
    commune_name: str
    entrants: int = 0
    attempts: int = 0
    full_scores: int = 0
    lessons_completed: int = 0
    sessions: int = 0
    session_attendance: int = 0


def _effective_score():
    return func.coalesce(_A.c.server_score, _A.c.score)


def participation(engine: Engine, commune: str | None = None) -> list[CommuneParticipation]:
    """Per commune, across every contest and device: entrants (one per person), contest
    attempts, attempts with a full score, lessons completed and group-session attendance.
    Records without a commune of their own count for their PC's commune. No names."""
    table: dict[str | None, CommuneParticipation] = {}

    def entry(code: str | None) -> CommuneParticipation:
        if code not in table:
            table[code] = CommuneParticipation(code, commune_name(code))
        return table[code]

    reg_commune = func.coalesce(_R.c.commune_code, _D.c.commune_code).label("commune")
    person = func.coalesce(_R.c.id_number, _R.c.id)
    entrants = (
        select(reg_commune, func.count(person.distinct()).label("n"))
        .select_from(_R.outerjoin(_D, _D.c.id == _R.c.device_id))
        .group_by(reg_commune)
    )
    att_commune = func.coalesce(_R.c.commune_code, _D.c.commune_code).label("commune")
    full = case((and_(_A.c.max_score > 0, _effective_score() >= _A.c.max_score), 1), else_=0)
    attempts = (
        select(att_commune, func.count().label("n"), func.coalesce(func.sum(full), 0).label("full"))
        .select_from(
            _A.outerjoin(_R, _R.c.id == _A.c.registration_id).outerjoin(
                _D, _D.c.id == _A.c.device_id
            )
        )
        .group_by(att_commune)
    )
    lp = db.lesson_progress
    lesson_commune = func.coalesce(lp.c.commune_code, _D.c.commune_code).label("commune")
    lessons = (
        select(lesson_commune, func.count().label("n"))
        .select_from(lp.outerjoin(_D, _D.c.id == lp.c.device_id))
        .where(lp.c.status == "done")
        .group_by(lesson_commune)
    )
    sr = db.session_reports
    sessions = select(sr.c.data, _D.c.commune_code).select_from(
        sr.outerjoin(_D, _D.c.id == sr.c.device_id)
    )
    with engine.connect() as conn:
        for row in conn.execute(entrants):
            entry(row.commune).entrants += int(row.n)
        for row in conn.execute(attempts):
            item = entry(row.commune)
            item.attempts += int(row.n)
            item.full_scores += int(row.full)
        for row in conn.execute(lessons):
            entry(row.commune).lessons_completed += int(row.n)
        for row in conn.execute(sessions):
            item = entry(row.commune_code)
            item.sessions += 1
            try:
                attendance = json.loads(row.data).get("attendance")
            except (ValueError, AttributeError):
                attendance = None
            if isinstance(attendance, int) and not isinstance(attendance, bool) and attendance > 0:
                item.session_attendance += attendance
    rows = [item for code, item in table.items() if commune is None or code == commune]
    return sorted(rows, key=lambda item: (item.commune_code is None, item.commune_name))


@dataclass(frozen=True)
class Counts:
    devices: int  # still allowed to send
    revoked: int
    attempts: int
    flagged: int


def counts(engine: Engine, commune: str | None = None) -> Counts:
    """How many PCs, contest attempts and flagged attempts; a commune's own when given."""
    where = func.coalesce(_R.c.commune_code, _D.c.commune_code)
    device_query = select(func.count(), func.count(_D.c.revoked_at)).select_from(_D)
    attempt_query = select(
        func.count(), func.coalesce(func.sum(case((_A.c.flagged, 1), else_=0)), 0)
    ).select_from(
        _A.outerjoin(_R, _R.c.id == _A.c.registration_id).outerjoin(_D, _D.c.id == _A.c.device_id)
    )
    if commune:
        device_query = device_query.where(_D.c.commune_code == commune)
        attempt_query = attempt_query.where(where == commune)
    with engine.connect() as conn:
        devices, revoked = conn.execute(device_query).one()
        attempts, flagged = conn.execute(attempt_query).one()
    return Counts(int(devices - revoked), int(revoked), int(attempts or 0), int(flagged or 0))


def attempts_per_round(engine: Engine, commune: str | None = None) -> dict[tuple[str, str], int]:
    where = func.coalesce(_R.c.commune_code, _D.c.commune_code)
    query = (
        select(_A.c.contest_id, _A.c.round_id, func.count().label("n"))
        .select_from(
            _A.outerjoin(_R, _R.c.id == _A.c.registration_id).outerjoin(
                _D, _D.c.id == _A.c.device_id
            )
        )
        .group_by(_A.c.contest_id, _A.c.round_id)
    )
    if commune:
        query = query.where(where == commune)
    with engine.connect() as conn:
        return {(r.contest_id, r.round_id): int(r.n) for r in conn.execute(query)}
