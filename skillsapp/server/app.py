"""Building the server application: database, key, services, routes and limits."""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import Engine

from skillsapp import __version__
from skillsapp.server import db, migrations, personal_data, private_files, rankings
from skillsapp.server.accounts import Accounts
from skillsapp.server.config import ServerConfig
from skillsapp.server.errors import ApiError
from skillsapp.server.failures import FailureGuard
from skillsapp.server.ingest import Ingestor, IngestResult
from skillsapp.server.ingest_gate import IngestGate
from skillsapp.server.ingest_processes import IngestProcesses
from skillsapp.server.keys import load_or_create_key
from skillsapp.sync.signing import public_key_text

log = logging.getLogger(__name__)


@dataclass
class Services:
    config: ServerConfig
    engine: Engine
    accounts: Accounts
    ingestor: Ingestor
    key: object
    public_key: str
    ingest_gate: IngestGate | None = None  # made from ``config`` when not given
    ingest_processes: IngestProcesses | None = None  # made from ``config`` when it asks

    def __post_init__(self) -> None:
        if self.ingest_gate is None:
            self.ingest_gate = IngestGate(self.config.ingest_at_once, self.config.ingest_wait_s)
        if self.ingest_processes is None and self.config.ingest_processes > 0:
            self.ingest_processes = IngestProcesses(self.config, self.config.ingest_processes)

    def ingest(
        self, device_id: str, records: list[dict], device_offset: datetime.timedelta
    ) -> IngestResult:
        """Verify and store a batch from a PC: in the ingest processes when the server has
        them (ingest_processes.py), else in this thread."""
        if self.ingest_processes is not None:
            return self.ingest_processes.ingest(device_id, records, device_offset, self.clock())
        return self.ingestor.ingest(device_id, records, device_offset=device_offset)

    @property
    def clock(self) -> Callable[[], datetime.datetime]:
        """The server's time (UTC): receive times, round windows and the batch clock check.
        Tests set it (``services.clock = lambda: moment``) to play inside a round."""
        return self.ingestor.clock

    @clock.setter
    def clock(self, value: Callable[[], datetime.datetime]) -> None:
        self.ingestor.clock = value


def build_services(config: ServerConfig) -> Services:
    private_files.prepare_data_dir(config)
    engine = db.make_engine(config.db_url)
    vault = personal_data.load_vault(config.data_dir, engine)  # before migrate: step 006 seals
    personal_data.attach(engine, vault)
    migrations.migrate(engine)
    personal_data.remember_key(engine, vault)
    key = load_or_create_key(config.key_file)
    return Services(config, engine, Accounts(engine), Ingestor(engine), key, public_key_text(key))


class BodyLimit:
    """Refuse request bodies over the limit with 413, counting bytes as they arrive
    (a client may send no Content-Length, or a false one). ``larger`` gives some
    paths their own limit (a USB transfer file is bigger than an online batch)."""

    def __init__(self, app, limit: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.larger = larger or {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.limit)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, send, limit)

    async def _refuse(self, scope, send, limit: int) -> None:
        if not scope.get("path", "").startswith("/api/"):
            await too_large_page(limit)({"type": "http"}, _no_body, send)
            return
        response = JSONResponse(
            {
                "error": "too_large",
                "message": f"The request is larger than {limit} bytes. "
                "Send fewer records at a time.",
            },
            status_code=413,
        )
        await response({"type": "http"}, _no_body, send)


def too_large_page(limit: int) -> HTMLResponse:
    """The organiser's answer to an upload over the limit, before any of it is parsed."""
    from skillsapp.server.web_common import HEADERS, templates

    html = templates.get_template("message.html").render(
        visit=None,
        title="Tệp quá lớn",
        message=f"Tệp gửi lên lớn hơn mức tối đa {limit // (1024 * 1024)} MB nên máy chủ không nhận. "
        "Hãy xuất kết quả thành nhiều tệp nhỏ hơn rồi gửi lần lượt từng tệp.",
    )
    return HTMLResponse(html, status_code=413, headers=HEADERS)


async def _no_body() -> dict:
    return {"type": "http.request", "body": b"", "more_body": False}


class _TooLarge(Exception):
    pass


def create_app(config: ServerConfig, services: Services | None = None) -> FastAPI:
    from skillsapp.server.api import router
    from skillsapp.server.open_data import router as open_data_router
    from skillsapp.server.transfer import MAX_TRANSFER_BYTES

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        processes = app.state.services.ingest_processes
        if processes is not None:  # the ingest processes end with the web process
            processes.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Kỹ Năng Số provincial server",
        version=__version__,
        description="Receives results from skillsapp PCs and publishes signed contests and packs.",
    )
    app.state.services = services or build_services(config)
    app.include_router(router)
    app.include_router(open_data_router)
    try:
        from skillsapp.server.web import router as web_router

        app.include_router(web_router)
    except ImportError:  # the organiser pages are optional for the API tests
        log.debug("organiser web pages not available")

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        retry = exc.extra.get("retry_after_s")
        headers = {"Retry-After": str(retry)} if retry is not None else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def bad_shape(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
            for e in exc.errors()[:10]
        ]
        return JSONResponse(
            {
                "error": "bad_request",
                "message": "The request does not have the expected shape.",
                "problems": problems,
            },
            status_code=422,
        )

    app.add_middleware(
        BodyLimit,
        limit=config.max_body_bytes,
        larger={"/transfers": MAX_TRANSFER_BYTES + 64 * 1024},
    )
    app.add_middleware(FailureGuard)  # outermost of ours: no error reaches the log with its data
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory`` with several worker processes sharing one database."""
    from skillsapp.server import gc_settings

    config = ServerConfig.from_env()
    app = create_app(config)
    shared = os.environ.get(rankings.SHARE_DIR_ENV)
    if shared:  # set by ``skillsapp serve`` for its workers
        rankings.share_in(app.state.services.engine, Path(shared))
    gc_settings.tune()
    return app
