"""The hall web server against a real LiveHost (uvicorn on loopback) and simulated
phones: httpx async clients, each from its own address 127.0.0.N so the per-address
limits act as in a hall. Answers are stored by the app's own storage (a real store, a
group session, ``store.live_games``' recorder) and read back from the file."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import socket
from pathlib import Path

import httpx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from live_support import HallStore, questions

from skillsapp.i18n import _, set_language
from skillsapp.live.game import LiveGame
from skillsapp.live.host import LiveHost, LiveHostError
from skillsapp.live.web import COOKIE, CSP

ROOM = "314159"
PHONES = 100
TIMEOUT = httpx.Timeout(30.0)


@pytest.fixture(autouse=True)
def vietnamese():
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture
def hall(tmp_path):
    made = HallStore(tmp_path, [q.id for q in questions(10)])
    yield made
    made.close()


@pytest.fixture
def hosted(hall):
    game = LiveGame(hall.game_id, questions(10), ROOM, hall.recorder, roster=hall.roster())
    host = LiveHost(game, "127.0.0.1", 0)
    host.start()
    yield game, host
    host.stop()


def phone(host: LiveHost, n: int) -> httpx.AsyncClient:
    """A phone on the hall's network: its own address, its own cookie jar."""
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.0.{n}")
    return httpx.AsyncClient(base_url=host.url, transport=transport, timeout=TIMEOUT)


async def join(client: httpx.AsyncClient, name: str, room: str = ROOM) -> httpx.Response:
    return await client.post("/join", json={"room_code": room, "name": name})


async def wait_view(client: httpx.AsyncClient, since: int, phase: str) -> dict:
    """Long-poll until the view reaches ``phase``."""
    while True:
        response = await client.get("/state", params={"since": since})
        assert response.status_code == 200, response.text
        view = response.json()
        if view["phase"] == phase:
            return view
        since = view["version"]


def test_a_hundred_phones_answer_ten_questions_and_every_acknowledged_answer_is_stored_once(
    hosted, hall
):
    game, host = hosted
    rng = random.Random(14)

    async def play() -> tuple[dict[tuple[str, str], list[int]], dict[str, str]]:
        phones = [phone(host, n + 2) for n in range(PHONES)]
        acknowledged: dict[tuple[str, str], list[int]] = {}
        ids: dict[str, str] = {}
        try:
            joined = await asyncio.gather(
                *(join(c, f"Người chơi {i}") for i, c in enumerate(phones))
            )
            assert {r.status_code for r in joined} == {200}
            for i, c in enumerate(phones):
                ids[f"Người chơi {i}"] = c.cookies[COOKIE]

            async def one_phone(i: int, c: httpx.AsyncClient, since: int) -> None:
                view = await wait_view(c, since, "open")
                question = view["question"]
                choices = [rng.randrange(len(question["options"]))]
                if question["multi"]:
                    choices = sorted({choices[0], (choices[0] + 2) % 4})
                await asyncio.sleep(rng.random() * 0.3)
                sends = 2 if i % 10 == 0 else 1  # every tenth phone sends twice (no reply seen)
                for _n in range(sends):
                    r = await c.post(
                        "/answer", json={"question_id": question["id"], "choices": choices}
                    )
                    assert r.status_code == 200, r.text
                    if r.json()["outcome"] == "accepted":
                        key = (c.cookies[COOKIE], question["id"])
                        assert key not in acknowledged
                        acknowledged[key] = choices
                    else:
                        assert r.json()["outcome"] == "already"

            for _q in range(10):
                since = game.snapshot().version
                tasks = [asyncio.create_task(one_phone(i, c, since)) for i, c in enumerate(phones)]
                await asyncio.sleep(0.05)
                await asyncio.to_thread(game.open_next)
                await asyncio.gather(*tasks)
                await asyncio.to_thread(game.reveal)
        finally:
            await asyncio.gather(*(c.aclose() for c in phones))
        return acknowledged, ids

    acknowledged, ids = asyncio.run(play())
    assert len(acknowledged) == PHONES * 10
    stored = hall.rows("SELECT player_id, question_id FROM live_answers")
    assert len(stored) == PHONES * 10  # each once: the primary key would refuse a second
    assert hall.answers() == acknowledged
    assert len(hall.players()) == PHONES
    quiz = hall.quiz_counts()  # each reveal became the session's counts for its question
    assert len(quiz) == 10
    for question_id, counts in quiz.items():
        picks = [0, 0, 0, 0]
        for (_player, q), choices in acknowledged.items():
            if q == question_id:
                for c in choices:
                    picks[c] += 1
        assert counts == picks


def test_a_phone_that_reconnects_mid_question_sees_it_with_its_answer(hosted, hall):
    game, host = hosted

    async def run() -> None:
        async with phone(host, 2) as first:
            assert (await join(first, "Lan")).status_code == 200
            game.open_next()
            r = await first.post("/answer", json={"question_id": "q1", "choices": [2]})
            assert r.json()["outcome"] == "accepted" and r.json()["message"] == _("Recorded")
            cookie = first.cookies[COOKIE]
        # The screen locked, the phone dropped off the Wi-Fi and came back on a new address.
        async with phone(host, 3) as again:
            again.cookies.set(COOKIE, cookie)
            view = (await again.get("/state", params={"since": -1})).json()
            assert view["phase"] == "open" and view["question"]["id"] == "q1"
            assert view["answer"] == {"choices": [2]} and view["name"] == "Lan"
            async with again.stream("GET", "/events") as stream:
                assert stream.headers["content-type"].startswith("text/event-stream")
                lines = stream.aiter_lines()
                data = await anext(line async for line in lines if line.startswith("data: "))
                assert json.loads(data[6:])["answer"] == {"choices": [2]}
                game.reveal()  # the stream pushes the reveal
                data = await anext(line async for line in lines if line.startswith("data: "))
                shown = json.loads(data[6:])
                assert shown["phase"] == "revealed" and shown["right"] is False
                assert shown["explanation"] == "Giải thích cho câu 1."
            resent = await again.post("/answer", json={"question_id": "q1", "choices": [0]})
            assert resent.status_code == 200 and resent.json()["outcome"] == "already"

    asyncio.run(run())
    assert list(hall.answers().values()) == [[2]]


def test_late_answers_are_refused_clearly_and_not_stored(hosted, hall):
    game, host = hosted

    async def run() -> None:
        async with phone(host, 2) as c:
            await join(c, "Minh")
            early = await c.post("/answer", json={"question_id": "q1", "choices": [0]})
            assert early.status_code == 409 and early.json()["outcome"] == "not_open"
            game.open_next()
            game.reveal()
            late = await c.post("/answer", json={"question_id": "q1", "choices": [0]})
            assert late.status_code == 409 and late.json()["outcome"] == "late"
            assert late.json()["message"] == _(
                "The question is closed: your answer came after the reveal."
            )
            assert late.json()["view"]["phase"] == "revealed"

    asyncio.run(run())
    assert hall.answers() == {}


def test_a_phone_answers_only_for_itself(hosted, hall):
    game, host = hosted

    async def run() -> None:
        async with phone(host, 2) as a, phone(host, 3) as b, phone(host, 4) as stranger:
            await join(a, "An")
            await join(b, "Bình")
            game.open_next()
            other = b.cookies[COOKIE]
            r = await a.post(
                "/answer", json={"question_id": "q1", "choices": [1], "player_id": other}
            )
            assert r.json()["outcome"] == "accepted"
            nobody = await stranger.post("/answer", json={"question_id": "q1", "choices": [1]})
            assert nobody.status_code == 401 and nobody.json()["outcome"] == "unknown_player"
            assert (await stranger.get("/state")).json() == {"joined": False, "phase": "open"}
            assert (await stranger.get("/events")).status_code == 401

    asyncio.run(run())
    assert len(hall.answers()) == 1
    ((player, _question),) = hall.answers()
    assert game.player(player).name == "An"


def test_a_wrong_room_code_is_refused_and_guessing_soon_stops(hosted, hall):
    game, host = hosted

    async def run() -> None:
        async with phone(host, 2) as guesser, phone(host, 3) as neighbour:
            wrong = await join(guesser, "Lan", room="000000")
            assert wrong.status_code == 403
            assert wrong.json()["message"] == _("Wrong room code. Please look at the screen again.")
            assert COOKIE not in guesser.cookies
            statuses = [(await join(guesser, "Lan", room=f"{n:06d}")).status_code for n in range(8)]
            assert statuses[:2] == [403, 403] and statuses[-1] == 429
            right_too_late = await join(guesser, "Lan")  # even the right code must wait now
            assert right_too_late.status_code == 429
            roster = await neighbour.post("/roster", json={"room_code": "999999"})
            assert roster.status_code == 403
            roster = await neighbour.post("/roster", json={"room_code": ROOM})
            assert roster.json() == {"names": [{"id": hall.profile_id, "name": "Trần Văn Ba"}]}
            picked = await neighbour.post(
                "/join", json={"room_code": ROOM, "name": "", "profile_id": hall.profile_id}
            )
            assert picked.json()["view"]["name"] == "Trần Văn Ba"

    asyncio.run(run())
    assert hall.players() == [("Trần Văn Ba", hall.profile_id)]


def test_a_checked_in_name_cannot_be_taken_by_a_second_phone(hosted, hall):
    """Anyone with the room code sees the check-in list; picking a name already picked would
    give that resident's player to a neighbour: refused, and the name leaves the list."""
    game, host = hosted

    async def run() -> None:
        async with phone(host, 2) as resident, phone(host, 3) as neighbour:
            picked = {"room_code": ROOM, "name": "", "profile_id": hall.profile_id}
            assert (await resident.post("/join", json=picked)).status_code == 200
            roster = await neighbour.post("/roster", json={"room_code": ROOM})
            assert roster.json() == {"names": []}
            taken = await neighbour.post("/join", json=picked)
            assert taken.status_code == 400 and COOKIE not in neighbour.cookies
            assert "có người vào chơi bằng tên này" in taken.json()["message"]
            await asyncio.to_thread(game.open_next)
            question = game.snapshot().question
            answer = {"question_id": question.id, "choices": [0]}
            refused = await neighbour.post("/answer", json=answer)
            assert refused.status_code == 401  # no player: it cannot answer for Ba
            assert (await resident.post("/answer", json=answer)).json()["outcome"] == "accepted"

    asyncio.run(run())
    assert hall.players() == [("Trần Văn Ba", hall.profile_id)]
    assert len(hall.answers()) == 1


def test_a_flood_from_one_address_gets_429_while_another_address_still_answers(hosted):
    game, host = hosted

    async def run() -> None:
        async with phone(host, 2) as flooder, phone(host, 3) as resident:
            await join(resident, "Lan")
            game.open_next()
            replies = await asyncio.gather(*(flooder.get("/") for _n in range(300)))
            codes = [r.status_code for r in replies]
            assert codes.count(429) > 150 and codes.count(200) >= 40
            assert replies[codes.index(429)].json()["message"] == _(
                "Too many tries. Please wait a moment."
            )
            r = await resident.post("/answer", json={"question_id": "q1", "choices": [0]})
            assert r.status_code == 200 and r.json()["outcome"] == "accepted"

    asyncio.run(run())


def test_every_response_is_locked_down_and_nothing_but_the_game_is_served(hosted):
    game, host = hosted

    async def run() -> None:
        async with phone(host, 2) as c:
            for path in ("/", "/phone.js", "/nothing", "/../etc/passwd", "/static/x.js"):
                r = await c.get(path)
                assert r.headers["content-security-policy"] == CSP, path
                assert r.headers["x-content-type-options"] == "nosniff"
                assert "server" not in r.headers
                if path not in ("/", "/phone.js"):
                    assert r.status_code == 404, path
            assert (await c.get("/join")).status_code == 404  # only POST
            assert "default-src 'self'" in CSP and "http" not in CSP
            joined = await join(c, "Lan")
            cookie = joined.headers["set-cookie"]
            assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
            state = await c.get("/state", params={"since": -1})
            assert state.headers["cache-control"] == "no-store"
            # A form on another site cannot post here: JSON only, and only from this page.
            form = await c.post(
                "/answer", content=b"question_id=q1", headers={"content-type": "text/plain"}
            )
            assert form.status_code == 400
            cross = await c.post(
                "/answer",
                json={"question_id": "q1", "choices": [0]},
                headers={"origin": "http://evil.example"},
            )
            assert cross.status_code == 400
            huge = await c.post("/answer", json={"question_id": "q1", "choices": [0] * 5000})
            assert huge.status_code == 400
            deep = await c.post(
                "/answer", content=b"[" * 4000, headers={"content-type": "application/json"}
            )
            assert deep.status_code == 400
            spoofed = await c.get("/", headers={"host": "attacker.example"})
            assert spoofed.status_code == 400  # DNS rebinding: only our own address

    asyncio.run(run())


def test_the_page_is_small_has_no_outside_resources_and_escapes_the_strings(tmp_path, hosted):
    game, host = hosted
    catalog = Catalog(locale="vi")
    catalog.add("Your name", "</script><script>alert(1)</script>")
    folder = tmp_path / "locales" / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "skillsapp.mo", "wb") as out:
        write_mo(out, catalog)

    async def run() -> None:
        async with phone(host, 2) as c:
            total = 0
            for path in ("/", "/phone.js", "/phone.css"):
                r = await c.get(path)
                total += len(r.content)
                assert not re.search(r"(https?:)?//[a-z]", r.text.replace("http://", "")), path
            assert total < 30_000
            set_language("vi", directory=tmp_path / "locales")
            page = (await c.get("/")).text
            assert "<script>alert(1)" not in page
            block = re.search(r'id="strings">(.*?)</script>', page, re.S).group(1)
            assert json.loads(block)["your_name"] == "</script><script>alert(1)</script>"
            assert page.count("<script") == 2  # the JSON block and /phone.js, nothing inline

    asyncio.run(run())


def test_names_are_sent_as_data_never_as_markup(hosted):
    game, host = hosted

    async def run() -> None:
        async with phone(host, 2) as c:
            r = await join(c, "<script>alert(1)</script>")
            assert r.json()["view"]["name"] == "<script>alert(1)</script>"
            assert r.headers["content-type"] == "application/json"
            r = await join(c, "=1+1")
            assert r.json()["view"]["name"] == "=1+1"
            page = (await c.get("/")).text
            assert "alert(1)" not in page and "=1+1" not in page  # names never in the HTML

    asyncio.run(run())


def test_the_host_says_why_it_cannot_start_and_stops_cleanly(hall):
    game = LiveGame(hall.game_id, questions(1), ROOM, hall.recorder)
    host = LiveHost(game, "127.0.0.1", 0)
    url = host.start()
    assert host.running and url == f"http://127.0.0.1:{host.port}/"
    with pytest.raises(LiveHostError, match=str(host.port)):
        LiveHost(game, "127.0.0.1", host.port).start()
    with pytest.raises(LiveHostError):
        LiveHost(game, "0.0.0.0", 8080).start()  # never every network at once
    with pytest.raises(LiveHostError):
        LiveHost(game, "192.0.2.77", 8080).start()  # not an address of this PC

    async def open_stream() -> None:
        async with phone(host, 2) as c:
            await join(c, "Lan")
            async with c.stream("GET", "/events") as stream:
                async for line in stream.aiter_lines():
                    if line.startswith("data: "):
                        await asyncio.to_thread(host.stop)  # ends the stream, not hangs
                # leaving the loop means the server closed the stream

    asyncio.run(open_stream())
    host.stop()  # again: nothing happens
    assert not host.running
    with socket.create_server(("127.0.0.1", host.port)):
        pass  # the port is free again


def test_the_phone_script_is_plain_es5_for_old_android_browsers():
    """No arrow functions, let/const, template strings or fetch: Android 4.4's WebView and
    old in-app browsers stop at the first one and the page stays blank."""
    script = (Path(__file__).resolve().parent.parent / "skillsapp/live/phone/phone.js").read_text()
    code = re.sub(r'"(?:[^"\\]|\\.)*"|/\*.*?\*/|//[^\n]*', '""', script, flags=re.S)
    for pattern in (r"=>", r"\blet\b", r"\bconst\b", r"`", r"\bfetch\(", r"\bclass\b", r"\.\.\."):
        assert not re.search(pattern, code), pattern
    assert "XMLHttpRequest" in code and "EventSource" in code and "innerHTML" not in code


def test_one_address_holds_a_few_event_streams_at_most(hosted):
    game, host = hosted

    async def run() -> None:
        async with (
            phone(host, 2) as c,
            phone(host, 3) as other,
            contextlib.AsyncExitStack() as open_,
        ):
            await join(c, "Lan")
            await join(other, "Minh")
            readers = []  # kept: dropping a reader would close its stream
            for _n in range(4):  # a phone and its reloads: a few streams are fine
                stream = await open_.enter_async_context(c.stream("GET", "/events"))
                assert stream.status_code == 200
                readers.append(stream.aiter_lines())
                await anext(readers[-1])  # the stream is open on the server
            assert (await c.get("/events")).status_code == 429
            async with other.stream("GET", "/events") as stream:  # others are not affected
                assert stream.status_code == 200

    asyncio.run(run())
