"""A round's Excel and CSV exports across every PC: the same sheets as the app's
exports (``reports.round_data``), built from the server's tables.

Only attempts ``review.rankable()`` allows are in them (rankings, per-commune
totals, question statistics and answers alike). While attempts of the round await
review the ranking is marked as not final: its sheet is named so, its last row
says how many await review, and the file names end in ``-chua-chot``."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, func, select

from skillsapp import geography
from skillsapp.engine.draw import layout_from_json
from skillsapp.i18n import _
from skillsapp.reports import round_data as data
from skillsapp.reports.cells import csv_row, date_or_text, new_workbook, write_sheet
from skillsapp.reports.round_csv import write_csv
from skillsapp.reports.round_statistics import statistics_rows
from skillsapp.server import db, ranking_csv, review
from skillsapp.server.publish import load_questions
from skillsapp.server.reports import (
    FLAG_HEADER,
    QUERY_CHUNK,
    ServerRound,
    commune_name,
    flag_text,
    local_time,
)

# Short names for the tables these queries join.
_R = db.registrations
_A = db.attempts
_D = db.devices

# --- rows for the sheets ---------------------------------------------------------------


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def ranking_headers() -> list[str]:
    return [_(h) for h in data.RANKING_HEADERS] + [FLAG_HEADER]


NOT_FINAL_SHEET = "Xếp hạng (chưa chốt)"


def not_final_note(report: ServerRound) -> str:
    return (
        f"Chưa chốt: {report.awaiting_text}. Người tổ chức xem và quyết định ở trang "
        "“Xem xét bài thi” (/review) của máy chủ; thứ hạng có thể thay đổi."
    )


def earlier_lines(as_of: datetime.datetime) -> bytes:
    """The lines that end a ranking CSV computed before a change it does not show
    (``rankings.recent``): when it was computed, and that a newer one is on its way."""
    when = local_time(as_of.isoformat())
    note = (
        f"Chưa chốt: bảng xếp hạng này tính lúc {when:%H:%M:%S %d/%m/%Y}. Máy chủ vừa nhận "
        "thêm kết quả và đang tính lại; tải lại sau ít giây để có bảng mới nhất."
    )
    return (ranking_csv.line([]) + ranking_csv.line(csv_row([note]))).encode("utf-8")


def ranking_rows(report: ServerRound) -> Iterator[list]:
    yield from _ranked_rows(report)
    if not report.final:
        yield []
        yield [not_final_note(report)]


def _ranked_rows(report: ServerRound) -> Iterator[list]:
    # A province has a few hundred communes and many entrants submitting at one time
    # (stored to the second): each is worked out once per export.
    communes: dict[str | None, str] = {}
    times: dict[str, object] = {}
    for row in report.rows:
        person = row.person
        commune = communes.get(row.commune_code)
        if commune is None:
            commune = communes[row.commune_code] = data.commune_name(row.commune_code)
        when = times.get(row.submitted_at)
        if when is None:
            when = times[row.submitted_at] = local_time(row.submitted_at)
        yield [
            row.rank,
            person.full_name if person else "",
            commune,
            row.score,
            row.max_score,
            row.prediction,
            row.prediction_gap if row.prediction_gap is not None else "",
            round(row.duration_ms / 1000, 1),
            when,
            _yes(bool(person and person.complete)),
            # Already as the report shows them: masked unless it is unmasked (reports.py).
            (person.id_number or "") if person else "",
            (person.phone or "") if person else "",
            f"Đã chấp nhận sau xem xét. {flag_text(row.flag_reason)}" if row.flagged else "",
        ]


def entrant_rows(report: ServerRound) -> Iterator[list]:
    for person in report.entrants.values():
        province = geography.province(person.province_code) if person.province_code else None
        yield [
            person.full_name,
            date_or_text(person.date_of_birth),
            person.id_number or "",
            person.phone or "",
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
        .where(
            _A.c.contest_id == report.contest.id,
            _A.c.round_id == report.round.id,
            review.rankable(),
        )
        .order_by(_A.c.submitted_at, _A.c.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [(r.id, r.commune) for r in rows if not report.commune or r.commune == report.commune]


def iter_attempts(engine: Engine, report: ServerRound) -> Iterator[data.AttemptWithAnswers]:
    """Every attempt of the round (narrowed to the report's commune) with its answers,
    a few hundred at a time so memory stays flat. Marks are the server's own."""
    ids = [attempt_id for attempt_id, _commune in _attempt_ids(engine, report)]
    for start in range(0, len(ids), QUERY_CHUNK):
        chunk = ids[start : start + QUERY_CHUNK]
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
    from skillsapp.reports.files import export_target

    def quiet(_message: str) -> None:
        pass

    with export_target(target) as partial, new_workbook(partial) as book:
        ranking_title = _("Ranking") if report.final else NOT_FINAL_SHEET
        write_sheet(book, ranking_title, ranking_headers(), ranking_rows(report), quiet)
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
    return target


# Sheets made from the report in memory alone: streamed as they are written, since
# nothing can fail half-way through and leave the download cut short.
STREAMED_SHEETS = ("xep-hang", "theo-xa-phuong")


def csv_chunks(report: ServerRound, sheet: str, engine: Engine | None = None) -> Iterator[bytes]:
    """One of ``STREAMED_SHEETS`` as ``write_csv_sheet`` writes it (UTF-8 with a
    byte-order mark, the same rows), in chunks of bytes for a streamed response. Given
    ``engine``, the ranking is read ranked from the database (``ranking_csv``) instead of
    from ``report.rows`` (a report from ``round_ranks.load_head``)."""
    if sheet == "xep-hang" and engine is not None:
        footer = [] if report.final else [[], [not_final_note(report)]]
        yield from ranking_csv.chunks(engine, report, ranking_headers(), footer)
        return
    if sheet == "xep-hang":
        headers, rows = ranking_headers(), ranking_rows(report)
    elif sheet == "theo-xa-phuong":
        headers, rows = [_(h) for h in data.COMMUNE_HEADERS], commune_rows(report)
    else:
        raise ValueError(sheet)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(csv_row(headers))
    for count, row in enumerate(rows, start=1):
        writer.writerow(csv_row(row))
        if count % ranking_csv.STREAM_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


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
