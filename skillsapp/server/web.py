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

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from skillsapp import geography
from skillsapp.server import db
from skillsapp.server import participation as participation_data
from skillsapp.server.accounts import MAX_CODE_DAYS
from skillsapp.server.sign_in_guard import client_address
from skillsapp.server.web_common import (
    COOKIE,
    STALE_FORM,
    Signed,
    Visit,
    csrf_ok,
    csrf_token,
    current_visit,
    refuse,
    render,
    safe_next,
    server_services,
)
from skillsapp.storage.ids import parse_iso, utc_now

router = APIRouter(include_in_schema=False)
# --- signing in and out ----------------------------------------------------------------


# Signing in has its own CSRF token: before there is a session, the login page sets a random
# pre-session cookie and its form carries an HMAC of it. A form posted from another site has
# neither (SameSite keeps the cookie at home), so it cannot sign anyone in as its attacker.
PRE_SESSION = "kns_presession"
WRONG_PASSWORD = (
    "Tên đăng nhập hoặc mật khẩu không đúng. "
    "Hãy gõ lại (chú ý chữ hoa, chữ thường và bộ gõ tiếng Việt)."
)
STALE_LOGIN = "Trang đăng nhập đã mở quá lâu hoặc đến từ nơi khác. Hãy gõ lại tên và mật khẩu."


def _login_form(request: Request, status: int = 200, **context) -> HTMLResponse:
    pre = request.cookies.get(PRE_SESSION) or ""
    if len(pre) != 43:  # token_urlsafe(32); anything else was not made here
        pre = secrets.token_urlsafe(32)
    context.setdefault("username", "")
    context.setdefault("error", None)
    response = render(
        "login.html", None, status=status, csrf=csrf_token(request, f"login\0{pre}"), **context
    )
    response.set_cookie(
        PRE_SESSION,
        pre,
        max_age=24 * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/login",
    )
    return response


def _login_csrf_ok(request: Request, value: str) -> bool:
    pre = request.cookies.get(PRE_SESSION) or ""
    expected = csrf_token(request, f"login\0{pre}")
    return len(pre) == 43 and hmac.compare_digest(expected, value or "")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None):
    if current_visit(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(request, next=safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
    csrf: Annotated[str, Form(max_length=200)] = "",
):
    services = server_services(request)
    form = {"next": safe_next(next), "username": username}
    if not _login_csrf_ok(request, csrf):
        return _login_form(request, status=403, error=STALE_LOGIN, **form)
    address = client_address(request, services.config.trusted_proxies)
    outcome = services.accounts.login(username, password, services.config.session_hours, address)
    if outcome.token is None:
        error = outcome.refusal.message if outcome.refusal else WRONG_PASSWORD
        status = 429 if outcome.refusal else 401
        return _login_form(request, status=status, error=error, **form)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        outcome.token,
        max_age=services.config.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(PRE_SESSION, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = ""):
    visit = current_visit(request)
    if visit is not None:
        if not csrf_ok(visit, csrf):
            return refuse(visit, 403, STALE_FORM)
        server_services(request).accounts.logout(visit.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# --- dashboard -------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, visit: Signed):
    commune = None if visit.is_province else visit.organiser.commune_code
    counts = participation_data.counts(server_services(request).engine, commune)
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
    engine = server_services(request).engine
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
    if not csrf_ok(visit, csrf):
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
    code = server_services(request).accounts.create_enrolment_code(
        organiser, commune or None, int(days)
    )
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
        for d in server_services(request).accounts.devices()
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
    if not csrf_ok(visit, csrf):
        return refuse(visit, 403, STALE_FORM)
    accounts = server_services(request).accounts
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


# --- accounts locked after wrong passwords ----------------------------------------------

ONLY_PROVINCE_UNLOCKS = "Chỉ cán bộ cấp tỉnh mở khoá được tài khoản. Hãy nhờ cán bộ cấp tỉnh."


@router.get("/sign-in-locks", response_class=HTMLResponse)
def sign_in_locks(request: Request, visit: Signed, unlocked: str | None = None):
    if not visit.is_province:
        return refuse(visit, 403, ONLY_PROVINCE_UNLOCKS)
    guard = server_services(request).accounts.guard
    return render(
        "sign_in_locks.html",
        visit,
        title="Tài khoản bị khoá",
        page="locks",
        locks=guard.locked(),
        unlocked=unlocked,
    )


@router.post("/sign-in-locks/unlock")
def unlock_account(
    request: Request,
    visit: Signed,
    csrf: Annotated[str, Form(max_length=200)] = "",
    username: Annotated[str, Form(max_length=100)] = "",
):
    if not csrf_ok(visit, csrf):
        return refuse(visit, 403, STALE_FORM)
    if not visit.is_province:
        return refuse(visit, 403, ONLY_PROVINCE_UNLOCKS)
    accounts = server_services(request).accounts
    organiser = accounts.organiser(username)
    if organiser is None:
        return refuse(
            visit,
            404,
            "Không có tài khoản nào tên như vậy. Hãy tải lại trang rồi chọn lại.",
            title="Không tìm thấy",
        )
    was_locked = accounts.guard.unlock(organiser.username)
    accounts.audit(
        visit.organiser.username,
        "unlock_sign_in",
        {"username": organiser.username, "was_locked": was_locked},
    )
    return RedirectResponse(f"/sign-in-locks?unlocked={quote(organiser.username)}", status_code=303)


# The results pages live in their own module; one router serves both.
from skillsapp.server.web_rounds import router as _rounds_router  # noqa: E402

router.include_router(_rounds_router)

# Before the review router: its POST /review/{attempt_id} would take /review/entrants.
from skillsapp.server.web_entrants import router as _entrants_router  # noqa: E402

router.include_router(_entrants_router)

from skillsapp.server.web_review import router as _review_router  # noqa: E402

router.include_router(_review_router)
