"""What the server says and logs when something breaks under a request.

A database error carries the SQL and often the row it failed on (PostgreSQL puts
``Failing row contains (…)`` in its message, with names, citizen ID numbers and
phones). So an unexpected error is never logged with its message or traceback:
the log gets the request's method and path, the error's type and, for a database
error, its SQLSTATE code. The client gets a short answer without any detail.

A database that cannot be reached (down, restarting, file locked or missing) is
"unavailable": devices get ``503 {"error": "unavailable", …}`` with Retry-After
and back off; organiser pages get a plain Vietnamese 503 page.
"""

from __future__ import annotations

import logging

from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import exc as sa_exc

log = logging.getLogger(__name__)

RETRY_AFTER_S = 120

UNAVAILABLE_MESSAGE = (
    "The server's database cannot be reached right now. Nothing was stored from this request; "
    "send it again later."
)
UNAVAILABLE_PAGE = (
    "Máy chủ tạm thời không kết nối được với cơ sở dữ liệu, nên chưa làm được việc bạn vừa yêu cầu "
    "và chưa có gì bị thay đổi. Hãy đợi vài phút rồi tải lại trang. Nếu vẫn lỗi, hãy báo cho người "
    "quản trị máy chủ của tỉnh."
)
ERROR_MESSAGE = "The server had an unexpected problem. Nothing was stored from this request."
ERROR_PAGE = (
    "Máy chủ gặp lỗi ngoài dự kiến, nên chưa làm được việc bạn vừa yêu cầu. Hãy tải lại trang; nếu "
    "vẫn lỗi, hãy báo cho người quản trị máy chủ của tỉnh."
)


def database_unavailable(error: BaseException) -> bool:
    """True when ``error`` means the database cannot be reached, rather than a bug or bad data."""
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return True
    cause = error.__cause__ or error.__context__
    return cause is not None and cause is not error and database_unavailable(cause)


def _safe_description(error: BaseException) -> str:
    """The error's type and SQLSTATE, never its message (which may hold personal data)."""
    name = type(error).__name__
    original = getattr(error, "orig", None)
    if original is not None:
        name += f" ({type(original).__name__}"
        state = getattr(original, "sqlstate", None)
        name += f", SQLSTATE {state})" if isinstance(state, str) else ")"
    return name


def _is_device_path(path: str) -> bool:
    return path.startswith("/api/")


def failure_response(path: str, error: BaseException):
    unavailable = database_unavailable(error)
    if _is_device_path(path):
        if unavailable:
            return JSONResponse(
                {"error": "unavailable", "message": UNAVAILABLE_MESSAGE},
                status_code=503,
                headers={"Retry-After": str(RETRY_AFTER_S)},
            )
        return JSONResponse({"error": "server_error", "message": ERROR_MESSAGE}, status_code=500)
    from skillsapp.server.web_common import HEADERS, templates

    title = "Máy chủ tạm thời không làm việc được" if unavailable else "Máy chủ gặp lỗi"
    message = UNAVAILABLE_PAGE if unavailable else ERROR_PAGE
    html = templates.get_template("message.html").render(visit=None, title=title, message=message)
    headers = dict(HEADERS)
    if unavailable:
        headers["Retry-After"] = str(RETRY_AFTER_S)
    return HTMLResponse(html, status_code=503 if unavailable else 500, headers=headers)


class FailureGuard:
    """ASGI middleware: turns an unexpected error into a short answer and a log line
    without personal data. Starlette's own error middleware would re-raise the error
    so that uvicorn logs it with its full message; this one does not."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as error:  # noqa: BLE001 - every error is answered the same safe way
            path = scope.get("path", "")
            kind = "database unavailable" if database_unavailable(error) else "unexpected error"
            log.error(
                "%s during %s %s: %s",
                kind,
                scope.get("method", ""),
                path,
                _safe_description(error),
            )
            if started:
                return  # the answer had begun; the client sees a cut-off response
            await failure_response(path, error)(scope, receive, send)
