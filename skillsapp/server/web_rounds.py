"""Organiser pages about results: contests and rounds, the province-wide ranking,
Excel/CSV exports across every PC, participation per commune, USB transfer uploads."""

from __future__ import annotations

import dataclasses
import datetime
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from skillsapp.server import participation as participation_data
from skillsapp.server import rankings, review, round_exports, round_ranks
from skillsapp.server import reports as server_reports
from skillsapp.server.errors import ApiError
from skillsapp.server.publish import load_contests
from skillsapp.server.transfer import import_transfer, read_limited
from skillsapp.server.web_common import (
    COMMUNE_PATTERN,
    STALE_FORM,
    Signed,
    Visit,
    commune_scope,
    csrf_ok,
    refuse,
    render,
    server_services,
)
from skillsapp.storage.ids import utc_now

router = APIRouter(include_in_schema=False)


# --- contests and rounds ---------------------------------------------------------------


@router.get("/contests", response_class=HTMLResponse)
def contests(request: Request, visit: Signed):
    engine = server_services(request).engine
    commune = None if visit.is_province else visit.organiser.commune_code
    # A trial contest is practice on the PCs: nothing of it reaches the server to rank.
    found = sorted(
        (c for c in load_contests(engine).values() if not c.trial), key=lambda c: c.title
    )
    counts = participation_data.attempts_per_round(engine, commune)
    awaiting = review.awaiting_per_round(engine)  # province-wide: any of them may change ranks
    return render(
        "contests.html",
        visit,
        title="Cuộc thi",
        page="contests",
        contests=found,
        counts=counts,
        awaiting=awaiting,
        now=utc_now(),
    )


def _round_or_refusal(
    request: Request,
    visit: Visit,
    contest_id: str,
    round_id: str,
    commune: str | None,
    unmasked: bool = False,
    load=server_reports.load_round,
):
    """The report ``load`` makes for the visitor's commune scope, or the refusal page."""
    scope, refusal = commune_scope(visit, commune)
    if refusal is not None:
        return None, refusal
    if commune and not COMMUNE_PATTERN.match(commune.strip()):
        return None, refuse(
            visit, 400, "Mã xã, phường phải có đúng 5 chữ số.", title="Yêu cầu không hợp lệ"
        )
    try:
        report = load(server_services(request).engine, contest_id, round_id, scope, unmasked)
    except server_reports.RoundNotFound as exc:
        return None, refuse(visit, 404, str(exc), title="Không tìm thấy")
    return report, None


@router.get("/rounds/{contest_id}/{round_id}", response_class=HTMLResponse)
def round_ranking(
    request: Request,
    contest_id: str,
    round_id: str,
    visit: Signed,
    commune: str | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
):
    def load(engine, contest_id, round_id, scope, unmasked):
        return round_ranks.load_page(engine, contest_id, round_id, scope, page, unmasked)

    report, refusal = _round_or_refusal(request, visit, contest_id, round_id, commune, load=load)
    if refusal is not None:
        return refusal
    query = f"?commune={quote(report.commune)}" if report.commune and visit.is_province else ""
    answer = render(
        "round.html",
        visit,
        title=f"{report.round.title} — {report.contest.title}",
        page="contests",
        report=report,
        query=query,
        sheets=CSV_SHEET_TITLES,
        flag_text=server_reports.flag_text,
        now=utc_now(),
        page_number=page,
        page_size=round_ranks.PAGE_SIZE,
        page_query=f"&commune={quote(report.commune)}"
        if report.commune and visit.is_province
        else "",
    )
    _label_earlier(answer, report.as_of)
    return answer


def _label_earlier(answer: Response, as_of: datetime.datetime | None) -> None:
    """A ranking shown from before a change (``rankings.recent``) says so in a header
    too, with when it was computed (UTC), for scripts that download it."""
    if as_of is not None:
        answer.headers["X-Ranking-As-Of"] = as_of.isoformat(timespec="milliseconds")


CSV_SHEET_TITLES = {
    "xep-hang": "Xếp hạng",
    "nguoi-du-thi": "Người dự thi",
    "theo-xa-phuong": "Theo xã, phường",
    "cau-hoi": "Câu hỏi",
    "bai-lam": "Bài làm",
}


def _file_stem(report: server_reports.ServerRound) -> str:
    stem = f"ket-qua-{report.contest.id}-{report.round.id}"
    if report.commune:
        stem += f"-{report.commune}"
    if report.unmasked:
        stem += "-day-du"
    if not report.final:
        stem += "-chua-chot"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem)


def _export(
    request: Request,
    visit: Visit,
    contest_id: str,
    round_id: str,
    commune: str | None,
    unmasked: str | None,
    fmt: str,
    sheet: str = "",
) -> Response:
    wants_unmasked = unmasked == "1"
    if wants_unmasked and not visit.is_province:
        return refuse(
            visit,
            403,
            "Chỉ người tổ chức cấp tỉnh mới được tải danh sách có đầy đủ số định danh "
            "và số điện thoại.",
        )
    if fmt == "csv" and sheet not in CSV_SHEET_TITLES:
        return refuse(
            visit,
            400,
            "Không có bảng “"
            + sheet
            + "”. Hãy chọn một trong: "
            + ", ".join(CSV_SHEET_TITLES)
            + ".",
            title="Yêu cầu không hợp lệ",
        )
    # The ranking CSV is read ranked from the database as it is written (round_ranks.py).
    from_sql = fmt == "csv" and sheet == "xep-hang"
    report, refusal = _round_or_refusal(
        request,
        visit,
        contest_id,
        round_id,
        commune,
        wants_unmasked,
        load=round_ranks.load_head if from_sql else server_reports.load_round,
    )
    if refusal is not None:
        return refusal
    services = server_services(request)
    if wants_unmasked:
        services.accounts.audit(
            visit.organiser.username,
            "export_unmasked",
            {
                "contest": contest_id,
                "round": round_id,
                "format": fmt,
                "sheet": sheet or None,
                "commune": report.commune,
                "rows": report.shown_total if from_sql else len(report.rows),
            },
        )
    stem = _file_stem(report)
    if fmt == "csv" and sheet in round_exports.STREAMED_SHEETS:
        chunks: Iterable[bytes]
        if from_sql and not wants_unmasked:
            # The masked ranking CSV is kept while the ranking is unchanged (a second
            # download, or another organiser's, costs nothing); any batch that changes
            # the contest makes the next download compute it again. Never the unmasked one.
            # After a change, the CSV from before it may be sent, labelled (as the round
            # page is, rankings.recent) while the current one is computed. The computation
            # reads the round's head again, after the generation: its "chưa chốt" footer
            # then comes from the same snapshot as its rows.
            engine, scope = services.engine, report.commune
            shown = rankings.recent(
                engine,
                contest_id,
                round_id,
                lambda _conn: list(
                    round_exports.csv_chunks(
                        round_ranks.load_head(engine, contest_id, round_id, scope), sheet, engine
                    )
                ),
                part=("ranking-csv", scope or ""),
            )
            chunks = shown.value
            if shown.as_of is not None:
                chunks = [*chunks, round_exports.earlier_lines(shown.as_of)]
                stem = _file_stem(dataclasses.replace(report, as_of=shown.as_of))
        else:
            shown = None
            chunks = round_exports.csv_chunks(report, sheet, services.engine if from_sql else None)
        answer = StreamingResponse(
            iter(chunks),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{stem}-{sheet}.csv"',
                "Cache-Control": "no-store",
            },
        )
        _label_earlier(answer, shown.as_of if shown else None)
        return answer
    folder = Path(tempfile.mkdtemp(prefix="kns-export-"))
    try:
        if fmt == "xlsx":
            path = round_exports.write_xlsx(services.engine, report, folder / f"{stem}.xlsx")
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            path = round_exports.write_csv_sheet(
                services.engine, report, sheet, folder / f"{stem}-{sheet}.csv"
            )
            media = "text/csv; charset=utf-8"
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type=media,
        filename=path.name,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/rounds/{contest_id}/{round_id}/export.xlsx")
def export_xlsx(
    request: Request,
    contest_id: str,
    round_id: str,
    visit: Signed,
    commune: str | None = None,
    unmasked: str | None = None,
):
    return _export(request, visit, contest_id, round_id, commune, unmasked, "xlsx")


@router.get("/rounds/{contest_id}/{round_id}/export.csv")
def export_csv(
    request: Request,
    contest_id: str,
    round_id: str,
    visit: Signed,
    commune: str | None = None,
    unmasked: str | None = None,
    sheet: str = "xep-hang",
):
    return _export(request, visit, contest_id, round_id, commune, unmasked, "csv", sheet)


# --- participation ---------------------------------------------------------------------


@router.get("/participation", response_class=HTMLResponse)
def participation(request: Request, visit: Signed):
    commune = None if visit.is_province else visit.organiser.commune_code
    rows = participation_data.participation(server_services(request).engine, commune)
    totals = participation_data.CommuneParticipation(None, "Cộng")
    for row in rows:
        for name in (
            "entrants",
            "attempts",
            "full_scores",
            "lessons_completed",
            "sessions",
            "session_attendance",
            "session_phone_players",
        ):
            setattr(totals, name, getattr(totals, name) + getattr(row, name))
    return render(
        "participation.html",
        visit,
        title="Tham gia theo xã, phường",
        page="participation",
        rows=rows,
        totals=totals,
    )


# --- USB transfer files ----------------------------------------------------------------

_TRANSFER_ERRORS = {
    "too_large": "Tệp quá lớn (tối đa 64 MB). Hãy xuất kết quả thành nhiều tệp nhỏ hơn: sau mỗi "
    "buổi thi, chép kết quả ra USB một lần.",
    "zipped_file": "Tệp đang ở dạng nén (.zip). Hãy giải nén trên máy tính rồi gửi tệp .kns ở bên "
    "trong.",
    "too_deep": "Tệp không đúng cấu trúc của tệp kết quả Kỹ Năng Số (dữ liệu lồng nhau quá nhiều "
    "tầng), có thể đã bị sửa hoặc hỏng. Hãy xuất lại tệp từ máy tính của tổ.",
    "other_commune": "Tệp này do máy tính của một xã khác làm ra. Tài khoản cấp xã chỉ nhận được tệp "
    "của máy tính thuộc xã mình; hãy gửi tệp cho xã đó hoặc cho cán bộ cấp tỉnh.",
    "bad_file": "Đây không phải tệp kết quả của Kỹ Năng Số, hoặc tệp bị hỏng. Hãy chọn đúng tệp .kns "
    "được xuất từ máy tính của tổ.",
    "bad_signature": "Chữ ký của tệp không hợp lệ: tệp có thể đã bị sửa sau khi xuất. Hãy xuất lại tệp "
    "từ máy tính của tổ.",
    "bad_code": "Mã đăng ký máy ghi trong tệp sai, đã dùng hoặc đã hết hạn. Hãy tạo mã mới, nhập vào máy "
    "tính của tổ rồi xuất lại tệp.",
    "unknown_device": "Máy tính làm ra tệp này chưa đăng ký với máy chủ. Khi xuất tệp, hãy nhập mã đăng ký "
    "máy mới.",
    "revoked": "Máy tính làm ra tệp này đã bị thu hồi quyền, nên máy chủ không nhận tệp.",
}


@router.get("/transfers", response_class=HTMLResponse)
def transfers_page(request: Request, visit: Signed):
    return render(
        "transfers.html", visit, title="Nhận tệp kết quả qua USB", page="transfers", result=None
    )


@router.post("/transfers", response_class=HTMLResponse)
def receive_transfer(
    request: Request,
    visit: Signed,
    file: Annotated[UploadFile | None, File()] = None,
    csrf: Annotated[str, Form(max_length=200)] = "",
):
    if not csrf_ok(visit, csrf):
        return refuse(visit, 403, STALE_FORM)
    context: dict[str, Any] = {
        "title": "Nhận tệp kết quả qua USB",
        "page": "transfers",
        "result": None,
        "error": None,
    }
    if file is None or not file.filename:
        context["error"] = (
            "Chưa chọn tệp. Hãy bấm nút chọn tệp, chọn tệp .kns trên USB rồi bấm “Gửi lên máy chủ”."
        )
        return render("transfers.html", visit, status=400, **context)
    try:
        data = read_limited(file.file)
        result = import_transfer(server_services(request), data, visit.organiser)
    except ApiError as exc:
        context["error"] = _TRANSFER_ERRORS.get(exc.code, exc.message)
        context["file_name"] = file.filename
        return render("transfers.html", visit, status=exc.status, **context)
    context["result"] = result
    context["file_name"] = file.filename
    context["reasons"] = [server_reports.reason_text(r["reason"]) for r in result.rejected]
    return render("transfers.html", visit, **context)
