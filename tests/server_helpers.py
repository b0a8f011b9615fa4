"""A real provincial server on loopback for tests, on SQLite or PostgreSQL, and a
small TCP proxy that injects network faults between the app and the server."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES_ADMIN_URL = os.environ.get("SKILLSAPP_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_ADMIN_URL else [])


class LiveServer:
    def __init__(self, services, app) -> None:
        import uvicorn

        self.services = services
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=0,
                log_level="warning",
                lifespan="off",
                proxy_headers=False,  # as `skillsapp serve` runs it: the app reads the header
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.01)  # waiting for a thread to bind, not to make a test pass
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    from sqlalchemy import create_engine, text

    name = f"kns_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                )
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@contextlib.contextmanager
def live_server(tmp_path: Path, backend: str = "sqlite") -> Iterator[LiveServer]:
    pytest.importorskip("fastapi")
    from skillsapp.server import rankings
    from skillsapp.server.app import build_services, create_app
    from skillsapp.server.config import ServerConfig

    # A ranking view waits this long for the current ranking before showing the earlier
    # one (rankings.recent): a slow test machine must not change what a test sees. The
    # tests of the earlier ranking set it themselves.
    waited = rankings.WAIT_S
    rankings.WAIT_S = 60.0
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if backend == "postgresql" else ""
        config = ServerConfig(tmp_path / f"server-{backend}", url)
        services = build_services(config)
        server = LiveServer(services, create_app(config, services))
        try:
            yield server
        finally:
            server.stop()
            rankings.wait_for_computations()  # none left running on a dropped database
            services.engine.dispose()
            rankings.WAIT_S = waited


class FaultProxy:
    """Forwards one HTTP request per connection to ``upstream``; ``mode`` decides the answer:
    "pass", "drop_after_commit" (forward, wait for the server's answer, then hang up),
    "http500", "garbage", "hang" (never answer)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.mode = "pass"
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.closed = False
        self.forwarded = 0
        self._release = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    @staticmethod
    def _read_request(client: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = client.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _sep, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(body) < length:
            chunk = client.recv(65536)
            if not chunk:
                break
            body += chunk
        lines = [
            line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")
        ]
        return b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n" + body

    def _handle(self, client: socket.socket) -> None:
        with client:
            request = self._read_request(client)
            mode = self.mode
            if mode == "hang":
                self._release.wait(30)  # the fault under test: a server that never answers
                return
            if mode == "http500":
                client.sendall(
                    b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\nConnection: close"
                    b"\r\n\r\noops!"
                )
                return
            if mode == "garbage":
                client.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n"
                    b"Connection: close\r\n\r\n{not json"
                )
                return
            with socket.create_connection(("127.0.0.1", self.upstream_port)) as upstream:
                upstream.sendall(request)
                response = b""
                while chunk := upstream.recv(65536):
                    response += chunk
            self.forwarded += 1
            if mode == "drop_after_commit":
                client.shutdown(socket.SHUT_RDWR)  # the server committed; the app never hears back
                return
            client.sendall(response)

    def close(self) -> None:
        self.closed = True
        self._release.set()
        self.listener.close()


@contextlib.contextmanager
def serve_process(config, workers: int = 1, env: dict[str, str] | None = None) -> Iterator[str]:
    """``skillsapp serve`` in its own process (``workers`` uvicorn workers) on the database
    of ``config``; yields its URL. It waits for the current ranking however long this
    machine takes (see live_server) unless ``env`` says otherwise."""
    import subprocess
    import sys

    import requests

    port = _free_port()
    command = [sys.executable, "-m", "skillsapp", "serve", "--server-dir", str(config.data_dir)]
    if config.database_url:
        command += ["--database-url", config.database_url]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "SKILLSAPP_RANKING_WAIT_S": "60", **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:  # not listening yet, or slow to answer
                assert time.monotonic() < deadline and process.poll() is None, "no server"
                time.sleep(0.1)  # waiting for the process to listen, not for a result
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
