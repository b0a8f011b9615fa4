"""Phones in the hall: 50, 100 and 200 phones answer one question. Not a test: it prints
figures.

    python tests/bench/live.py                    # 50, 100, 200 phones, 5 s to answer
    python tests/bench/live.py --phones 100 --seconds 5

The game runs in this process exactly as in the app: a real LiveHost (uvicorn, h11, on
loopback) and a LiveGame whose recorder commits every answer to a SQLite file (the test
recorder in tests/live_support.py, WAL, its own connection and lock). The phones run in
a child process so this process's CPU is the server's: each phone (an httpx async
client from its own address 127.0.0.N) joins, holds a Server-Sent Events stream, gets the
question pushed when the leader opens it, and answers at a random moment within the
window. Printed: answer-to-acknowledgement p50/p99/max, CPU seconds of the server
process while they answer, the machine's load, and how long the leader's own calls took
(open_next, reveal, and the longest snapshot() while phones answer, polled every 50 ms
from a thread as a projector's timer would).

Side by side in the same run, the bare baseline: a minimal Starlette app on the same
uvicorn setup whose POST answers at once (no game, no storage, no events).

Target: p99 <= 200 ms for 100 phones. The leader UI thread's longest busy stretch (Qt
event loop with the projector painting) needs the leader's screens: ``leader_probe`` is
the hook for it (an option ``--with-leader-ui`` can come with them); today the
snapshot() poll above stands in for it.
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

from live_support import SqliteRecorder, questions  # noqa: E402

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


def run_once(kind: str, count: int, seconds: float, folder: Path) -> dict:
    recorder = None
    if kind == "game":
        recorder = SqliteRecorder(folder / f"live-{count}.db")
        room = new_room_code()
        game = LiveGame(f"bench-{count}", questions(1), room, recorder)
        host: LiveHost = LiveHost(game, "127.0.0.1", 0)
    else:
        room, game, host = "", None, BareHost()
    url = host.start()
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=_phones_main, args=(kind, url, room, count, seconds, child)
    )
    process.start()
    result: dict = {"kind": kind, "phones": count}
    try:
        assert parent.poll(TIMEOUT) and parent.recv() == "ready"
        load_before = os.getloadavg()[0]
        cpu = time.process_time()
        stop = threading.Event()
        if game is not None:
            longest = leader_probe(game, stop)
            start = time.perf_counter()
            game.open_next()
            result["open_ms"] = (time.perf_counter() - start) * 1000
        assert parent.poll(TIMEOUT + seconds), "the phones did not finish"
        latencies, failures, client_cpu = parent.recv()
        result["server_cpu_s"] = time.process_time() - cpu
        result["client_cpu_s"] = client_cpu
        stop.set()
        if game is not None:
            start = time.perf_counter()
            game.reveal()
            result["reveal_ms"] = (time.perf_counter() - start) * 1000
            result["snapshot_max_ms"] = longest()
            assert recorder is not None
            stored = recorder.rows("SELECT count(*) FROM answers")[0][0]
            result["stored"] = stored
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
        if recorder is not None:
            recorder.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, nargs="*", default=[50, 100, 200])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load {os.getloadavg()[0]:.2f} at start")
    print(
        f"{'setup':<6} {'phones':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'srv CPU s':>9} {'cli CPU s':>9} {'stored':>6} {'open ms':>7} {'reveal ms':>9} "
        f"{'snap max':>8} {'load':>11}  failures"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.phones:
            for kind in ("bare", "game"):
                r = run_once(kind, count, args.seconds, Path(tmp))
                print(
                    f"{kind:<6} {count:>6} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
                    f"{r['max_ms']:>8.1f} {r['server_cpu_s']:>9.2f} {r['client_cpu_s']:>9.2f} "
                    f"{r.get('stored', '-'):>6} {r.get('open_ms', 0):>7.1f} "
                    f"{r.get('reveal_ms', 0):>9.1f} {r.get('snapshot_max_ms', 0):>8.1f} "
                    f"{r['load'][0]:>5.2f}/{r['load'][1]:<5.2f}  {len(r['failures'])}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
