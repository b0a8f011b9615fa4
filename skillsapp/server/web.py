"""The organiser pages: plain server-rendered HTML in Vietnamese, no JavaScript.

Signing in sets the ``kns_session`` cookie (HttpOnly, SameSite=Lax) to the token
from ``Accounts.login``. Every form that changes something carries a CSRF token:
an HMAC of the session token under a secret derived from the server's key, so it
needs no storage and dies with the session.

A commune organiser sees only their own commune's PCs, codes and entrants; asking
for another commune gets 403 with a plain message. Rankings keep province-wide
ranks and the province-wide true figure whoever looks at them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from starlette.background import BackgroundTask

from skillsapp import geography
from skillsapp.engine.registration import mask_id_number, mask_phone
from skillsapp.i18n import format_duration, format_number
from skillsapp.server import db, round_exports
from skillsapp.server import participation as participation_data
from skillsapp.server import reports as server_reports
from skillsapp.server.accounts import Organiser
from skillsapp.server.errors import ApiError
from skillsapp.server.publish import load_contests
from skillsapp.server.transfer import import_transfer
from skillsapp.storage.ids import parse_iso, utc_now
from skillsapp.sync.signing import private_key_text

COOKIE = "kns_session"
COMMUNE_PATTERN = re.compile(r"^\d{5}$")
MAX_CODE_DAYS = 30

router = APIRouter(include_in_schema=False)

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

# Pages hold personal data and forms: never framed, never cached, no scripts at all.
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


# --- formatting for the templates ------------------------------------------------------


def _vn_time(value: str | None) -> str:
    if not value:
        return ""
    local = server_reports.local_time(value)
    return local.strftime("%H:%M %d/%m/%Y") if local else ""


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return format_number(int(value))
    return format_number(round(float(value), 2))


def _code(code: str) -> str:
    """ABCDEFGHJK -> ABCDE-FGHJK: easier to read aloud; the server ignores the dash."""
    return f"{code[:5]}-{code[5:]}" if len(code) == 10 else code


def _commune(code: str | None) -> str:
    return server_reports.commune_name(code)


_templates.filters.update(
    vn_time=_vn_time,
    number=_number,
    duration=lambda ms: format_duration((ms or 0) / 1000),
    enrolment_code=_code,
    commune=_commune,
    mask_id=lambda v: mask_id_number(v) if v else "",
    mask_phone=lambda v: mask_phone(v) if v else "",
)


# --- sessions and CSRF -----------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    organiser: Organiser
    token: str
    csrf: str

    @property
    def is_province(self) -> bool:
        return self.organiser.role == "province"


def _services(request: Request):
    return request.app.state.services


def _csrf(request: Request, token: str) -> str:
    secret = hashlib.sha256(
        b"kns-web-csrf\0" + private_key_text(_services(request).key).encode()
    ).digest()
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def _visit(request: Request) -> Visit | None:
    token = request.cookies.get(COOKIE)
    organiser = _services(request).accounts.organiser_for_session(token)
    if organiser is None or token is None:
        return None
    return Visit(organiser, token, _csrf(request, token))


def signed_in(request: Request) -> Visit:
    """The signed-in organiser, or a redirect to the sign-in page that comes back here."""
    visit = _visit(request)
    if visit is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(
            303, "Cần đăng nhập.", headers={"Location": f"/login?next={quote(target)}"}
        )
    return visit


Signed = Annotated[Visit, Depends(signed_in)]


def _csrf_ok(visit: Visit, value: str) -> bool:
    return hmac.compare_digest(visit.csrf, value or "")


def _safe_next(target: str | None) -> str:
    """Only a path on this server: never "//host", "/\\host" or a path that a browser
    would turn into one by dropping tabs and newlines."""
    if (
        target
        and target.startswith("/")
        and target.isprintable()
        and not any(c in target for c in " \\")
        and not target.startswith("//")
    ):
        return target
    return "/"


# --- rendering -------------------------------------------------------------------------


def render(name: str, visit: Visit | None, status: int = 200, **context) -> HTMLResponse:
    html = _templates.get_template(name).render(visit=visit, **context)
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


def refuse(
    visit: Visit | None, status: int, message: str, title: str = "Không được phép"
) -> HTMLResponse:
    return render("message.html", visit, status=status, title=title, message=message)


STALE_FORM = (
    "Trang này đã mở quá lâu hoặc phiên đăng nhập đã thay đổi. Hãy tải lại trang rồi làm lại."
)


def _scope(visit: Visit, asked: str | None) -> tuple[str | None, HTMLResponse | None]:
    """The commune whose data the visitor may see: a province organiser any (or all),
    a commune organiser only their own."""
    asked = (asked or "").strip() or None
    organiser = visit.organiser
    if organiser.role == "province":
        return asked, None
    if asked and asked != organiser.commune_code:
        name = geography.commune(asked)
        shown = name.name if name else asked
        return None, refuse(
            visit,
            403,
            f"Tài khoản của bạn chỉ xem được số liệu của {_commune(organiser.commune_code)}, "
            f"không xem được {shown}.",
        )
    return organiser.commune_code, None


# --- signing in and out ----------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None):
    if _visit(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render("login.html", None, next=_safe_next(next), username="", error=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
):
    services = _services(request)
    token = (
        services.accounts.login(username, password, services.config.session_hours)
        if username
        else None
    )
    if token is None:
        return render(
            "login.html",
            None,
            status=401,
            next=_safe_next(next),
            username=username,
            error="Tên đăng nhập hoặc mật khẩu không đúng. Hãy gõ lại (chú ý chữ hoa, chữ thường và bộ gõ tiếng Việt).",
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=services.config.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = ""):
    visit = _visit(request)
    if visit is not None:
        if not _csrf_ok(visit, csrf):
            return refuse(visit, 403, STALE_FORM)
        _services(request).accounts.logout(visit.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# --- dashboard -------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, visit: Signed):
    commune = None if visit.is_province else visit.organiser.commune_code
    counts = participation_data.counts(_services(request).engine, commune)
    return render("dashboard.html", visit, title="Tổng quan", page="home", counts=counts)


# --- enrolment codes -------------------------------------------------------------------


def _recent_codes(engine, commune: str | None, limit: int = 50) -> list[dict]:
    codes, devices = db.enrolment_codes, db.devices
    query = (
        select(codes, devices.c.name.label("device_name"))
        .select_from(codes.outerjoin(devices, devices.c.id == codes.c.device_id))
        .order_by(codes.c.created_at.desc())
        .limit(limit)
    )
    if commune:
        query = query.where(codes.c.commune_code == commune)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    now = utc_now()
    for row in rows:
        row["expired"] = not row["used_at"] and parse_iso(row["expires_at"]) < now
    return rows


def _codes_page(
    request: Request, visit: Visit, province: str | None, status: int = 200, **extra
) -> HTMLResponse:
    engine = _services(request).engine
    commune = None if visit.is_province else visit.organiser.commune_code
    rows = _recent_codes(engine, commune)
    if visit.is_province and not province:
        last = next((r["commune_code"] for r in rows if r["commune_code"]), None)
        found = geography.province_of_commune(last) if last else None
        province = found.code if found else None
    chosen = geography.province(province) if province else None
    return render(
        "enrolment_codes.html",
        visit,
        status=status,
        title="Mã đăng ký máy",
        page="codes",
        codes=rows,
        provinces=geography.provinces() if visit.is_province else [],
        province=chosen,
        communes=geography.communes(chosen.code) if chosen else [],
        max_days=MAX_CODE_DAYS,
        **extra,
    )


@router.get("/enrolment-codes", response_class=HTMLResponse)
def enrolment_codes(request: Request, visit: Signed, province: str | None = None):
    return _codes_page(request, visit, province)


@router.post("/enrolment-codes", response_class=HTMLResponse)
def create_enrolment_code(
    request: Request,
    visit: Signed,
    csrf: Annotated[str, Form(max_length=200)] = "",
    commune: Annotated[str, Form(max_length=10)] = "",
    province: Annotated[str, Form(max_length=4)] = "",
    days: Annotated[str, Form(max_length=4)] = "7",
):
    if not _csrf_ok(visit, csrf):
        return refuse(visit, 403, STALE_FORM)
    commune = commune.strip()
    problem = None
    if not days.strip().isdigit() or not 1 <= int(days) <= MAX_CODE_DAYS:
        problem = f"Số ngày dùng được phải từ 1 đến {MAX_CODE_DAYS}."
    elif visit.is_province and not commune:
        problem = "Hãy chọn xã, phường của máy (hoặc chọn “Không gắn với xã nào” cho máy của tỉnh)."
    elif visit.is_province and commune != "none" and geography.commune(commune) is None:
        problem = "Không tìm thấy xã, phường đã chọn. Hãy chọn lại trong danh sách."
    if problem:
        return _codes_page(request, visit, province or None, status=400, error=problem)
    organiser = visit.organiser
    commune = "" if commune == "none" else commune
    code = _services(request).accounts.create_enrolment_code(organiser, commune or None, int(days))
    bound = commune if visit.is_province else organiser.commune_code
    return _codes_page(
        request,
        visit,
        province or None,
        new_code=code,
        new_commune=bound or None,
        new_days=int(days),
    )


# --- devices ---------------------------------------------------------------------------


@router.get("/devices", response_class=HTMLResponse)
def devices(request: Request, visit: Signed, revoked: str | None = None):
    commune = None if visit.is_province else visit.organiser.commune_code
    rows = [
        d
        for d in _services(request).accounts.devices()
        if commune is None or d["commune_code"] == commune
    ]
    rows.sort(key=lambda d: (bool(d["revoked_at"]), d["name"].lower()))
    just_revoked = next((d for d in rows if d["id"] == revoked), None) if revoked else None
    return render(
        "devices.html",
        visit,
        title="Máy tính đã kết nối",
        page="devices",
        devices=rows,
        just_revoked=just_revoked,
    )


@router.post("/devices/{device_id}/revoke")
def revoke_device(
    request: Request, device_id: str, visit: Signed, csrf: Annotated[str, Form(max_length=200)] = ""
):
    if not _csrf_ok(visit, csrf):
        return refuse(visit, 403, STALE_FORM)
    accounts = _services(request).accounts
    device = accounts.device(device_id)
    if device is None:
        return refuse(
            visit,
            404,
            "Không có máy nào như vậy. Có thể danh sách đã thay đổi; hãy tải lại trang.",
            title="Không tìm thấy",
        )
    if not visit.organiser.may_see(device.commune_code):
        return refuse(
            visit, 403, "Máy này không thuộc xã, phường của bạn nên bạn không thu hồi được."
        )
    accounts.revoke(device_id)
    return RedirectResponse(f"/devices?revoked={quote(device_id)}", status_code=303)


# --- contests and rounds ---------------------------------------------------------------


@router.get("/contests", response_class=HTMLResponse)
def contests(request: Request, visit: Signed):
    engine = _services(request).engine
    commune = None if visit.is_province else visit.organiser.commune_code
    found = sorted(load_contests(engine).values(), key=lambda c: c.title)
    counts = participation_data.attempts_per_round(engine, commune)
    return render(
        "contests.html",
        visit,
        title="Cuộc thi",
        page="contests",
        contests=found,
        counts=counts,
        now=utc_now(),
    )


def _round_or_refusal(
    request: Request,
    visit: Visit,
    contest_id: str,
    round_id: str,
    commune: str | None,
    unmasked: bool = False,
):
    scope, refusal = _scope(visit, commune)
    if refusal is not None:
        return None, refusal
    if commune and not COMMUNE_PATTERN.match(commune.strip()):
        return None, refuse(
            visit, 400, "Mã xã, phường phải có đúng 5 chữ số.", title="Yêu cầu không hợp lệ"
        )
    try:
        report = server_reports.load_round(
            _services(request).engine, contest_id, round_id, scope, unmasked
        )
    except server_reports.RoundNotFound as exc:
        return None, refuse(visit, 404, str(exc), title="Không tìm thấy")
    return report, None


@router.get("/rounds/{contest_id}/{round_id}", response_class=HTMLResponse)
def round_ranking(
    request: Request, contest_id: str, round_id: str, visit: Signed, commune: str | None = None
):
    report, refusal = _round_or_refusal(request, visit, contest_id, round_id, commune)
    if refusal is not None:
        return refusal
    query = f"?commune={quote(report.commune)}" if report.commune and visit.is_province else ""
    return render(
        "round.html",
        visit,
        title=f"{report.round.title} — {report.contest.title}",
        page="contests",
        report=report,
        query=query,
        sheets=CSV_SHEET_TITLES,
        flag_text=server_reports.flag_text,
        now=utc_now(),
    )


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
    report, refusal = _round_or_refusal(
        request, visit, contest_id, round_id, commune, wants_unmasked
    )
    if refusal is not None:
        return refusal
    services = _services(request)
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
                "rows": len(report.rows),
            },
        )
    folder = Path(tempfile.mkdtemp(prefix="kns-export-"))
    try:
        stem = _file_stem(report)
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
    rows = participation_data.participation(_services(request).engine, commune)
    totals = participation_data.CommuneParticipation(None, "Cộng")
    for row in rows:
        for name in (
            "entrants",
            "attempts",
            "full_scores",
            "lessons_completed",
            "sessions",
            "session_attendance",
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
    "too_large": "Tệp quá lớn (tối đa 200 MB). Hãy xuất kết quả thành nhiều tệp nhỏ hơn.",
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
    if not _csrf_ok(visit, csrf):
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
    data = file.file.read()
    try:
        result = import_transfer(_services(request), data)
    except ApiError as exc:
        context["error"] = _TRANSFER_ERRORS.get(exc.code, exc.message)
        context["file_name"] = file.filename
        return render("transfers.html", visit, status=exc.status, **context)
    context["result"] = result
    context["file_name"] = file.filename
    context["reasons"] = [server_reports.reason_text(r["reason"]) for r in result.rejected]
    return render("transfers.html", visit, **context)
