"""What every organiser page shares: templates and their filters, the signed-in
visit (session cookie and CSRF token), rendering and the commune scope."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from skillsapp import geography
from skillsapp.engine.personal_numbers import mask_id_number, mask_phone
from skillsapp.i18n import format_duration, format_number
from skillsapp.server import reports as server_reports
from skillsapp.server.accounts import Organiser
from skillsapp.sync.signing import private_key_text

COOKIE = "kns_session"
COMMUNE_PATTERN = re.compile(r"^\d{5}$")


templates = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

# Pages hold personal data and forms: never framed, never cached, no scripts at all.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


# --- formatting for the templates ------------------------------------------------------


def _vn_time(value: str | None, seconds: bool = False) -> str:
    """A stored instant as Vietnam's time of day (with ``seconds`` if asked), then the date."""
    local = server_reports.local_time(value) if value else None
    if local is None:
        return ""
    return local.strftime("%H:%M:%S %d/%m/%Y" if seconds else "%H:%M %d/%m/%Y")


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


templates.filters.update(
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


def server_services(request: Request):
    return request.app.state.services


def csrf_token(request: Request, token: str) -> str:
    secret = hashlib.sha256(
        b"kns-web-csrf\0" + private_key_text(server_services(request).key).encode()
    ).digest()
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def current_visit(request: Request) -> Visit | None:
    token = request.cookies.get(COOKIE)
    organiser = server_services(request).accounts.organiser_for_session(token)
    if organiser is None or token is None:
        return None
    return Visit(organiser, token, csrf_token(request, token))


def signed_in(request: Request) -> Visit:
    """The signed-in organiser, or a redirect to the sign-in page that comes back here."""
    visit = current_visit(request)
    if visit is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(
            303, "Cần đăng nhập.", headers={"Location": f"/login?next={quote(target)}"}
        )
    return visit


Signed = Annotated[Visit, Depends(signed_in)]


def csrf_ok(visit: Visit, value: str) -> bool:
    return hmac.compare_digest(visit.csrf, value or "")


def safe_next(target: str | None) -> str:
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
    html = templates.get_template(name).render(visit=visit, **context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def refuse(
    visit: Visit | None, status: int, message: str, title: str = "Không được phép"
) -> HTMLResponse:
    return render("message.html", visit, status=status, title=title, message=message)


STALE_FORM = (
    "Trang này đã mở quá lâu hoặc phiên đăng nhập đã thay đổi. Hãy tải lại trang rồi làm lại."
)


def commune_scope(visit: Visit, asked: str | None) -> tuple[str | None, HTMLResponse | None]:
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
