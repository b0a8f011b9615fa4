"""The hall web server the phones talk to: the game's routes and nothing else.

    GET  /            the phone page (Vietnamese strings injected as JSON)
    GET  /phone.js, /phone.css
    POST /roster      {room_code} -> the checked-in names a resident may pick from
    POST /join        {room_code, name, profile_id?} -> sets the player cookie
    GET  /events      Server-Sent Events: the player's view on every change, heartbeats
    GET  /state?since=V   long-poll fallback: returns when the view passes V, or in ~20 s
    POST /answer      {question_id, choices} -> {outcome, message, view}

The player is known only by the HttpOnly cookie, so a phone can answer only for itself.
Every response carries a strict Content-Security-Policy; state is never cached; every
address has its own request budget (``limits``). Blocking game calls (they write to
SQLite) run in worker threads; waiting phones wait on asyncio events, not threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skillsapp.i18n import _, format_number
from skillsapp.live.game import AnswerOutcome, Change, LiveGame
from skillsapp.live.limits import AddressLimits
from skillsapp.live.page import page_html

PHONE_DIR = Path(__file__).resolve().parent / "phone"
COOKIE = "kns_player"
COOKIE_SECONDS = 12 * 3600
MAX_BODY = 4096
STATE_WAIT_S = 20.0
HEARTBEAT_S = 15.0
STREAMS_PER_ADDRESS = 4
# A phone makes a few requests a minute; a page load three. 40 at once, 4 a second after.
REQUESTS = (40.0, 4.0)
# Joining (and asking for the check-in list): 10 tries, then one every 5 s. A wrong room
# code costs three, so guessing codes soon stops.
JOINS = (10.0, 0.2)
WRONG_CODE_COST = 3.0

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
NO_STORE = (b"cache-control", b"no-store")

OUTCOME_STATUS = {
    AnswerOutcome.ACCEPTED: 200,
    AnswerOutcome.ALREADY: 200,
    AnswerOutcome.LATE: 409,
    AnswerOutcome.NOT_OPEN: 409,
    AnswerOutcome.BAD_CHOICE: 400,
    AnswerOutcome.UNKNOWN_PLAYER: 401,
}


def outcome_message(outcome: AnswerOutcome) -> str:
    messages = {
        AnswerOutcome.ACCEPTED: _("Recorded"),
        AnswerOutcome.ALREADY: _("Your answer was already recorded."),
        AnswerOutcome.LATE: _("The question is closed: your answer came after the reveal."),
        AnswerOutcome.NOT_OPEN: _("This question is not open yet."),
        AnswerOutcome.BAD_CHOICE: _("Please choose an answer."),
        AnswerOutcome.UNKNOWN_PLAYER: _("Please join the game again."),
    }
    return messages[outcome]


class Hub:
    """Hands the game's changes (from any thread) to the phones waiting on this loop."""

    def __init__(self, game: LiveGame) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.closed = False
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self.streams: dict[str, int] = {}  # open event streams per address
        self._unsubscribe = game.subscribe(self._heard)

    def bind(self) -> None:
        if self.loop is None:
            self.loop = asyncio.get_running_loop()

    def _heard(self, change: Change) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake, change)

    def _wake(self, change: Change | None) -> None:
        if change is None or change.everyone:
            groups: Iterable[set[asyncio.Event]] = list(self._waiters.values())
        else:
            groups = [self._waiters.get(change.player_id or "", set())]
        for group in groups:
            for event in group:
                event.set()

    def register(self, player_id: str) -> asyncio.Event:
        event = asyncio.Event()
        self._waiters.setdefault(player_id, set()).add(event)
        return event

    def unregister(self, player_id: str, event: asyncio.Event) -> None:
        group = self._waiters.get(player_id)
        if group is not None:
            group.discard(event)
            if not group:
                del self._waiters[player_id]

    def close(self) -> None:
        """Thread-safe: end every event stream and long poll (the server is stopping)."""
        self._unsubscribe()
        self.closed = True
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake, None)


class Guard:
    """Host check, per-address budget and the security headers, around every request."""

    def __init__(self, app: ASGIApp, limits: AddressLimits, hosts: frozenset[str]) -> None:
        self.app = app
        self.limits = limits
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _value in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in names]
                if b"cache-control" not in names:
                    headers.append(NO_STORE)
                message = {**message, "headers": headers}
            await send(message)

        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if self.hosts and host not in self.hosts:
            response: Response = PlainTextResponse("Unknown host", status_code=400)
        elif not self.limits.take(client_address(scope)):
            response = _too_many()
        else:
            await self.app(scope, receive, guarded_send)
            return
        await response(scope, receive, guarded_send)


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "?"


def _too_many() -> JSONResponse:
    return JSONResponse(
        {"message": _("Too many tries. Please wait a moment.")},
        status_code=429,
        headers={"retry-after": "5"},
    )


def _message(text: str, status: int) -> JSONResponse:
    return JSONResponse({"message": text}, status_code=status)


async def _json_body(request: Request) -> dict[str, Any] | None:
    """The request's JSON object, or None (too big, not JSON, not an object)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return None
    origin = request.headers.get("origin")
    if origin is not None and origin != f"http://{request.headers.get('host', '')}":
        return None  # another site's page posting here
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested thousands deep
        return None
    return data if isinstance(data, dict) else None


def create_app(game: LiveGame, hosts: Iterable[str] = ()) -> Starlette:
    """The phones' app for ``game``. ``hosts``: the Host headers to answer (``ADDR:PORT``);
    empty answers any (tests)."""
    hub = Hub(game)
    requests = AddressLimits(*REQUESTS)
    joins = AddressLimits(*JOINS)
    assets = {name: (PHONE_DIR / name).read_bytes() for name in ("phone.js", "phone.css")}
    etags = {name: hashlib.sha256(data).hexdigest()[:16] for name, data in assets.items()}

    def player_id(request: Request) -> str:
        return request.cookies.get(COOKIE, "")

    def view_for(pid: str) -> dict[str, Any]:
        view = game.player_view(pid)
        if view.get("joined"):
            view["total_text"] = format_number(view["total"])
        return view

    async def index(request: Request) -> Response:
        return Response(page_html(), media_type="text/html; charset=utf-8")

    async def asset(request: Request) -> Response:
        name = request.url.path.lstrip("/")
        kind = "text/javascript" if name.endswith(".js") else "text/css"
        tag = f'"{etags[name]}"'
        headers = {"etag": tag, "cache-control": "no-cache"}
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers=headers)
        return Response(assets[name], media_type=f"{kind}; charset=utf-8", headers=headers)

    async def room_checked(request: Request) -> dict[str, Any] | Response:
        address = client_address(request.scope)
        if not joins.take(address):
            return _too_many()
        data = await _json_body(request)
        if data is None:
            return _message(_("Please reload the page."), 400)
        if not game.check_room_code(str(data.get("room_code", ""))):
            joins.take(address, WRONG_CODE_COST - 1)
            return _message(_("Wrong room code. Please look at the screen again."), 403)
        return data

    async def roster(request: Request) -> Response:
        checked = await room_checked(request)
        if isinstance(checked, Response):
            return checked
        names = [{"id": pid, "name": name} for pid, name in game.roster()]
        return JSONResponse({"names": names})

    async def join(request: Request) -> Response:
        checked = await room_checked(request)
        if isinstance(checked, Response):
            return checked
        profile = checked.get("profile_id")
        name = checked.get("name")
        if not isinstance(name, str) or not (profile is None or isinstance(profile, str)):
            return _message(_("Please enter your name."), 400)
        try:
            player = await run_in_threadpool(game.join, name, profile or None)
        except ValueError as error:
            return _message(str(error), 400)
        response = JSONResponse({"view": view_for(player.id)})
        response.set_cookie(
            COOKIE, player.id, max_age=COOKIE_SECONDS, httponly=True, samesite="strict"
        )
        return response

    async def state(request: Request) -> Response:
        hub.bind()
        pid = player_id(request)
        try:
            since = int(request.query_params.get("since", "-1"))
        except ValueError:
            since = -1
        event = hub.register(pid)
        try:
            view = view_for(pid)
            if view.get("joined") and view["version"] <= since and not hub.closed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), STATE_WAIT_S)
                view = view_for(pid)
        finally:
            hub.unregister(pid, event)
        return JSONResponse(view)  # {"joined": false} when the cookie names no player

    async def events(request: Request) -> Response:
        hub.bind()
        pid = player_id(request)
        if not game.player_view(pid).get("joined"):
            return JSONResponse({"joined": False}, status_code=401)
        address = client_address(request.scope)
        if hub.streams.get(address, 0) >= STREAMS_PER_ADDRESS:
            return _too_many()
        return StreamingResponse(
            _stream(pid, address),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    async def _stream(pid: str, address: str) -> AsyncIterator[str]:
        hub.streams[address] = hub.streams.get(address, 0) + 1
        try:
            yield "retry: 3000\n\n"
            sent = None
            while not hub.closed:
                event = hub.register(pid)
                try:
                    view = view_for(pid)
                    if not view.get("joined") or view["version"] != sent:
                        yield f"data: {json.dumps(view, ensure_ascii=False)}\n\n"
                        if not view.get("joined"):
                            return
                        sent = view["version"]
                    try:
                        await asyncio.wait_for(event.wait(), HEARTBEAT_S)
                    except TimeoutError:
                        yield ": ping\n\n"
                finally:
                    hub.unregister(pid, event)
        finally:
            hub.streams[address] = hub.streams.get(address, 1) - 1

    async def answer(request: Request) -> Response:
        pid = player_id(request)
        data = await _json_body(request)
        if data is None:
            return _message(_("Please reload the page."), 400)
        question_id, choices = data.get("question_id"), data.get("choices")
        if not isinstance(question_id, str) or not isinstance(choices, list):
            return _message(_("Please choose an answer."), 400)
        outcome, _answer = await run_in_threadpool(game.answer, pid, question_id, choices)
        body = {
            "outcome": outcome.value,
            "message": outcome_message(outcome),
            "view": view_for(pid),
        }
        return JSONResponse(body, status_code=OUTCOME_STATUS[outcome])

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("Not Found", status_code=404)

    app = Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/phone.js", asset, methods=["GET"]),
            Route("/phone.css", asset, methods=["GET"]),
            Route("/roster", roster, methods=["POST"]),
            Route("/join", join, methods=["POST"]),
            Route("/state", state, methods=["GET"]),
            Route("/events", events, methods=["GET"]),
            Route("/answer", answer, methods=["POST"]),
        ],
        exception_handlers={404: not_found, 405: not_found},
    )
    app.state.hub = hub
    app.add_middleware(Guard, limits=requests, hosts=frozenset(hosts))
    return app
