"""Runs the phones' web server (``web``) with uvicorn in a daemon thread, on one IPv4
address of the PC (the hall network the leader chose), only while a phone game runs.

uvicorn runs with the pure-Python h11 protocol on asyncio, no signal handlers (it is not
the main thread), warnings only and no access log: players' names never reach a log.

    host = LiveHost(game, "192.168.1.10", 8080)
    url = host.start()   # "http://192.168.1.10:8080/"; LiveHostError when it cannot
    ...
    host.stop()
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import sys
import threading
import time

import uvicorn
from starlette.applications import Starlette

from skillsapp.i18n import _
from skillsapp.live.game import LiveGame
from skillsapp.live.web import create_app

START_SECONDS = 10.0
STOP_SECONDS = 5.0


class LiveHostError(Exception):
    """Why the server could not start, in words for the leader."""


class _Server(uvicorn.Server):
    """uvicorn's server that says when it listens (or failed to)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.ready.set()


class LiveHost:
    def __init__(self, game: LiveGame, address: str, port: int = 8080) -> None:
        self.game = game
        self.address = address
        self.port = port
        self.url = f"http://{address}:{port}/"
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._app: Starlette | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> str:
        """Listen on ``address:port``; returns the address for the phones."""
        if self.running:
            return self.url
        sock = self._bind()
        self.port = sock.getsockname()[1]  # port 0: the system picked one (tests)
        self.url = f"http://{self.address}:{self.port}/"
        self._app = self._make_app()
        config = uvicorn.Config(
            self._app,
            loop="asyncio",
            http="h11",
            ws="none",
            lifespan="off",
            interface="asgi3",
            log_config=None,
            log_level="warning",
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=2,
            timeout_keep_alive=30,
        )
        server = _Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="live-host", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + START_SECONDS
        while not server.ready.wait(0.05):
            if not thread.is_alive() or time.monotonic() > deadline:
                break
        if not server.started:
            self.stop()
            sock.close()
            raise LiveHostError(_("The phone game could not start. Please try again."))
        return self.url

    def _make_app(self) -> Starlette:
        hosts = [f"{self.address}:{self.port}"] + ([self.address] if self.port == 80 else [])
        return create_app(self.game, hosts)

    def stop(self) -> None:
        """Stop listening and end every phone's connection. Calling it again does nothing."""
        server, thread, app = self._server, self._thread, self._app
        if server is None or thread is None:
            return
        hub = getattr(app.state, "hub", None) if app is not None else None
        if hub is not None:
            hub.close()
        server.should_exit = True
        thread.join(STOP_SECONDS)
        if thread.is_alive():
            server.force_exit = True
            thread.join(STOP_SECONDS)
        self._server = self._thread = self._app = None

    def _bind(self) -> socket.socket:
        """A listening socket on exactly this address, or a LiveHostError that says why."""
        try:
            parsed = ipaddress.IPv4Address(self.address)
        except ValueError:
            raise LiveHostError(
                _("{address} is not a network address of this PC.").format(address=self.address)
            ) from None
        if parsed.is_unspecified:
            raise LiveHostError(_("Choose one network for the phone game."))
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if sys.platform == "win32":  # never share the port with another program
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)  # type: ignore[attr-defined]
        else:  # a restart within a minute may reuse it (TIME_WAIT)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.address, self.port))
            sock.listen(128)
        except OSError as error:
            sock.close()
            if error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1), 10013):
                raise LiveHostError(
                    _(
                        "Port {port} is already used by another program. Choose another port."
                    ).format(port=self.port)
                ) from None
            if error.errno in (errno.EADDRNOTAVAIL, getattr(errno, "WSAEADDRNOTAVAIL", -1)):
                raise LiveHostError(
                    _("{address} is not a network address of this PC.").format(address=self.address)
                ) from None
            if error.errno in (errno.EACCES, errno.EPERM):
                raise LiveHostError(
                    _("This PC does not allow port {port}. Choose a port above 1024.").format(
                        port=self.port
                    )
                ) from None
            raise LiveHostError(
                _("The phone game could not start: {reason}").format(reason=error.strerror)
            ) from None
        sock.setblocking(False)
        return sock
