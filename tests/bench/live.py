"""Phones in the hall: 50, 100 and 200 phones answer one question. Not a test: it prints
figures.

    python tests/bench/live.py                    # 50, 100, 200 phones, 5 s to answer
    python tests/bench/live.py --phones 100 --seconds 5

The game runs in this process exactly as in the app: a real LiveHost (uvicorn, h11, on
loopback) and a LiveGame recording into the app's own store (a group session and
``store.live_games``' recorder: its own WAL connection, a commit per answer; see
``HallStore`` in tests/live_support.py). The phones run in
a child process so this process's CPU is the server's: each phone (an httpx async
client from its own address 127.0.0.N) joins, holds a Server-Sent Events stream, gets the
question pushed when the leader opens it, and answers at a random moment within the
window. Printed: answer-to-acknowledgement p50/p99/max, CPU seconds of the server
process while they answer, the machine's load, and how long the leader's own calls took
(open_next, reveal, and the longest snapshot() while phones answer, polled every 50 ms
from a thread as a projector's timer would).

Side by side in the same run, the bare baseline: a minimal Starlette app on the same
uvicorn setup whose POST answers at once (no game, no storage, no events).

With ``--with-leader-ui`` the leader's real screens run in this process's main thread
(offscreen unless QT_QPA_PLATFORM says otherwise): the leader's control screen with its
250 ms snapshot poll and the projector window, the question opened and revealed by their
own "next" action. A 2 ms Qt timer measures the UI thread's longest busy stretch while the
phones answer (the longest gap between its ticks, less 2 ms): what the leader would feel
as a frozen screen. The server's threads share the interpreter with it, as in the app.

Targets: p99 <= 200 ms for 100 phones; the leader UI thread's longest busy stretch
<= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from live_support import HallStore, questions  # noqa: E402

from skillsapp.live.game import LiveGame, new_room_code  # noqa: E402
from skillsapp.live.host import LiveHost  # noqa: E402

TIMEOUT = 60.0


# --- the phones (child process) ----------------------------------------------------------


def _client(url: str, n: int):
    import httpx

    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.{n // 250}.{n % 250 + 2}")
    return httpx.AsyncClient(base_url=url, transport=transport, timeout=TIMEOUT)


async def _game_phones(url: str, room: str, count: int, seconds: float, conn) -> None:
    import json

    rng = random.Random(count)
    phones = [_client(url, n) for n in range(count)]
    latencies: list[float] = []
    failures: list[str] = []
    connected = asyncio.Event()
    streaming = 0

    async def one(n: int, client) -> None:
        nonlocal streaming
        r = await client.post("/join", json={"room_code": room, "name": f"Người chơi {n}"})
        if r.status_code != 200:
            failures.append(f"join {r.status_code}")
            return
        async with client.stream("GET", "/events") as stream:
            async for line in stream.aiter_lines():
                if not line.startswith("data: "):
                    continue
                view = json.loads(line[6:])
                if view["phase"] == "lobby":
                    streaming += 1
                    if streaming == count:
                        connected.set()
                    continue
                if view["phase"] == "open":
                    break
        await asyncio.sleep(rng.random() * seconds)
        start = time.perf_counter()
        r = await client.post("/answer", json={"question_id": "q1", "choices": [rng.randrange(4)]})
        latencies.append(time.perf_counter() - start)
        if r.status_code != 200 or r.json()["outcome"] != "accepted":
            failures.append(f"answer {r.status_code}")

    tasks = [asyncio.create_task(one(n, c)) for n, c in enumerate(phones)]
    await asyncio.wait_for(connected.wait(), TIMEOUT)
    cpu = time.process_time()
    conn.send("ready")
    await asyncio.gather(*tasks)
    conn.send((latencies, failures, time.process_time() - cpu))
    await asyncio.gather(*(c.aclose() for c in phones))


async def _bare_phones(url: str, count: int, seconds: float, conn) -> None:
    rng = random.Random(count)
    phones = [_client(url, n) for n in range(count)]
    latencies: list[float] = []
    failures: list[str] = []

    async def one(client) -> None:
        await asyncio.sleep(rng.random() * seconds)
        start = time.perf_counter()
        r = await client.post("/answer", json={"question_id": "q1", "choices": [0]})
        latencies.append(time.perf_counter() - start)
        if r.status_code != 200:
            failures.append(f"answer {r.status_code}")

    conn.send("ready")
    cpu = time.process_time()
    await asyncio.gather(*(one(c) for c in phones))
    conn.send((latencies, failures, time.process_time() - cpu))
    await asyncio.gather(*(c.aclose() for c in phones))


def _phones_main(kind: str, url: str, room: str, count: int, seconds: float, conn) -> None:
    if kind == "game":
        asyncio.run(_game_phones(url, room, count, seconds, conn))
    else:
        asyncio.run(_bare_phones(url, count, seconds, conn))


# --- the server side (this process) -------------------------------------------------------


class BareHost(LiveHost):
    """The same uvicorn setup serving a bare Starlette app: POST /answer answers at once."""

    def __init__(self) -> None:
        super().__init__(None, "127.0.0.1", 0)  # type: ignore[arg-type]

    def _make_app(self):
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        async def answer(request):
            await request.body()
            return JSONResponse({"outcome": "accepted", "message": "Recorded"})

        return Starlette(routes=[Route("/answer", answer, methods=["POST"])])


def leader_probe(game: LiveGame, stop: threading.Event) -> Callable[[], float]:
    """Poll game.snapshot() every 50 ms from another thread, as the projector would;
    returns a function giving the longest call in ms. The hook for a real leader UI."""
    longest = [0.0]

    def run() -> None:
        while not stop.wait(0.05):
            start = time.perf_counter()
            game.snapshot()
            longest[0] = max(longest[0], time.perf_counter() - start)

    threading.Thread(target=run, daemon=True).start()
    return lambda: longest[0] * 1000


class LeaderUi:
    """The leader's real screens for ``game`` in this process (the control screen and the
    projector window), and a 2 ms timer that keeps the UI thread's longest busy stretch."""

    TICK_MS = 2

    def __init__(self, game: LiveGame, host: LiveHost, hall: HallStore, folder: Path) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from skillsapp.flows.phone_game import PhoneGameOptions, RunningPhoneGame
        from skillsapp.paths import DataPaths
        from skillsapp.settings import Settings
        from skillsapp.ui.sessions.phone_control import PhoneGameControl
        from skillsapp.ui.sessions.phone_projection import PhoneProjection
        from skillsapp.ui.shell.context import AppContext

        self.app = QApplication.instance() or QApplication([])
        self.context = AppContext(DataPaths(folder / "ui"), Settings())
        self.context.set_store(hall.store)
        port = int(host.url.rstrip("/").rsplit(":", 1)[1])
        running = RunningPhoneGame(game, host, PhoneGameOptions("127.0.0.1", port))
        self.projection = PhoneProjection(
            self.context, running.join_url, running.typed_address, game.room_code, None
        )
        self.control = PhoneGameControl(self.context, running, self.projection)
        self.control.resize(1366, 768)
        self.control.show()
        self.projection.present()
        self.longest = 0.0
        self._last = time.perf_counter()
        self._ticker = QTimer()
        self._ticker.setInterval(self.TICK_MS)
        self._ticker.timeout.connect(self._tick)
        self.pump(lambda: False, 0.5)  # painted once before the phones start

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last - self.TICK_MS / 1000)
        self._last = now

    def measure(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._ticker.start()

    def pump(self, done: Callable[[], bool], timeout: float) -> None:
        """Run the Qt event loop until ``done()`` (checked every 10 ms) or ``timeout`` s."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        deadline = time.perf_counter() + timeout
        check = QTimer()
        check.setInterval(10)
        check.timeout.connect(lambda: (done() or time.perf_counter() > deadline) and loop.quit())
        check.start()
        loop.exec()
        check.stop()

    def close(self) -> float:
        """Stop measuring; the longest busy stretch in ms."""
        self._ticker.stop()
        self.control.timer.stop()
        self.projection.close()
        self.control.close()
        return self.longest * 1000


def run_once(kind: str, count: int, seconds: float, folder: Path, with_ui: bool = False) -> dict:
    hall = ui = None
    if kind == "game":
        hall = HallStore(folder / f"hall-{count}", ["q1"])
        room = new_room_code()
        game = LiveGame(hall.game_id, questions(1), room, hall.recorder)
        host: LiveHost = LiveHost(game, "127.0.0.1", 0)
    else:
        room, game, host = "", None, BareHost()
    url = host.start()
    if game is not None and with_ui:
        assert hall is not None
        ui = LeaderUi(game, host, hall, folder)
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=_phones_main, args=(kind, url, room, count, seconds, child)
    )
    process.start()
    result: dict = {"kind": kind + ("+ui" if ui else ""), "phones": count}
    try:
        if ui is not None:  # the leader's screen stays live while the phones connect
            ui.pump(lambda: parent.poll(), TIMEOUT)
        assert parent.poll(TIMEOUT) and parent.recv() == "ready"
        load_before = os.getloadavg()[0]
        cpu = time.process_time()
        stop = threading.Event()
        if game is not None:
            longest = leader_probe(game, stop)
            start = time.perf_counter()
            if ui is not None:
                ui.measure()
                ui.control.forward()  # the leader's "Start question 1"
            else:
                game.open_next()
            result["open_ms"] = (time.perf_counter() - start) * 1000
        if ui is not None:
            ui.pump(lambda: parent.poll(), TIMEOUT + seconds)
        assert parent.poll(TIMEOUT + seconds), "the phones did not finish"
        latencies, failures, client_cpu = parent.recv()
        result["server_cpu_s"] = time.process_time() - cpu
        result["client_cpu_s"] = client_cpu
        stop.set()
        if game is not None:
            assert hall is not None
            start = time.perf_counter()
            if ui is not None:
                ui.control.forward()  # "Show the answer": the chart on the projector
            else:
                game.reveal()
            result["reveal_ms"] = (time.perf_counter() - start) * 1000
            if ui is not None:
                ui.pump(lambda: False, 0.3)  # the reveal painted
                result["ui_busy_ms"] = ui.close()
            result["snapshot_max_ms"] = longest()
            result["stored"] = len(hall.answers())
        result["load"] = (load_before, os.getloadavg()[0])
        ordered = sorted(latencies)
        result["p50_ms"] = statistics.median(ordered) * 1000
        result["p99_ms"] = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        result["max_ms"] = ordered[-1] * 1000
        result["answers"] = len(latencies)
        result["failures"] = failures
    finally:
        process.join(TIMEOUT)
        host.stop()
        if hall is not None:
            hall.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, nargs="*", default=[50, 100, 200])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--with-leader-ui",
        action="store_true",
        help="also run each size with the leader's real screens in this process",
    )
    args = parser.parse_args()
    if args.with_leader_ui:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"cores {os.cpu_count()}, load {os.getloadavg()[0]:.2f} at start")
    print(
        f"{'setup':<7} {'phones':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'srv CPU s':>9} {'cli CPU s':>9} {'stored':>6} {'open ms':>7} {'reveal ms':>9} "
        f"{'snap max':>8} {'UI busy':>7} {'load':>11}  failures"
    )
    setups = [("bare", False), ("game", False)]
    if args.with_leader_ui:
        setups.append(("game", True))
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.phones:
            for kind, with_ui in setups:
                r = run_once(kind, count, args.seconds, Path(tmp) / f"{kind}{with_ui}", with_ui)
                busy = f"{r['ui_busy_ms']:>7.1f}" if "ui_busy_ms" in r else f"{'-':>7}"
                print(
                    f"{r['kind']:<7} {count:>6} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
                    f"{r['max_ms']:>8.1f} {r['server_cpu_s']:>9.2f} {r['client_cpu_s']:>9.2f} "
                    f"{r.get('stored', '-'):>6} {r.get('open_ms', 0):>7.1f} "
                    f"{r.get('reveal_ms', 0):>9.1f} {r.get('snapshot_max_ms', 0):>8.1f} {busy} "
                    f"{r['load'][0]:>5.2f}/{r['load'][1]:<5.2f}  {len(r['failures'])}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
