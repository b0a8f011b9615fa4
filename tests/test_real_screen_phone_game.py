"""The phone game on a real X screen, as in a commune hall: the app under Xvfb (openbox,
1024×768, largest text), the leader using keys alone, and a phone that reads the projector's
QR code from a screenshot (zbarimg, as a phone's camera would) and plays over HTTP.

From a session with one resident checked in: Alt+5, open the session, "6" (Chơi trên điện
thoại), type the hall's Wi-Fi name and press Enter (starts); the projector shows two QR
codes, read back as the Wi-Fi's ``WIFI:`` text and the game's address with its room code;
the phone opens that address, joins, answers when the leader's clicker (Page Down) opens
the question; Page Down again reveals; a phone joining after the reveal cannot answer; then
the leader closes the app mid-game: Enter in the question keeps the game going, Space on
"Đóng ứng dụng" closes it, the server stops, and the answer and the question's counts are saved in
the session."""

from __future__ import annotations

import datetime
import json
import shutil
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest
import requests
from real_screen import (
    app_window,
    geometry,
    missing_tools,
    screenshot,
    start_app,
    wait_for,
    x_screen,
)
from real_screen import xdotool as _xdotool

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(missing_tools()) or shutil.which("zbarimg") is None,
        reason="needs Xvfb, xdotool and zbarimg (zbar-tools)",
    ),
]

WIFI = "Nha van hoa Dong"  # typed by xdotool: ASCII only (see test_real_screen.py)


def prepare(data_dir: Path) -> str:
    """A data folder with the bundled content, a group session and one checked-in resident;
    returns the session id."""
    from skillsapp.content.install import ensure_bundled_content
    from skillsapp.storage import open_store

    store = open_store(data_dir)
    try:
        ensure_bundled_content(store)
        topic = store.content.lesson("lua-dao").topic
        session = store.sessions.create(
            datetime.date(2026, 12, 3), "Nhà văn hóa thôn Đông", "Tổ thôn Đông", topic, "Bình"
        )
        resident = store.profiles.create("Nguyễn Thị Lan", birth_year=1962)
        store.sessions.check_in(session.id, resident.id)
        return session.id
    finally:
        store.close()


def this_pc_address() -> str:
    """The address the start screen offers first: this PC's own on its network (a UDP
    socket 'connected' nowhere reveals it without sending anything), loopback if none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.123", 9))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def qr_codes(env: dict[str, str], folder: Path, name: str) -> list[str]:
    path = folder / f"{name}.png"
    screenshot(env, path)
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True
    ).stdout
    return [line for line in found.splitlines() if line.strip()]


def listening(address: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((address, port)) == 0


def rows(data_dir: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(f"file:{data_dir / 'skillsapp.db'}?mode=ro", uri=True) as db:
        return db.execute(sql, args).fetchall()


@pytest.mark.parametrize(
    ("width", "window_manager"),
    [
        pytest.param(1024, True, id="1024x768-openbox"),
        pytest.param(1366, False, id="1366x768-bare"),
    ],
)
def test_a_leader_runs_a_phone_game_with_keys_and_a_phone_reads_the_projector(
    tmp_path, width, window_manager
):
    data_dir = tmp_path / "data"
    session_id = prepare(data_dir)
    with x_screen(width, 768, window_manager) as env:

        def xdotool(*args: str) -> str:
            return _xdotool(env, *args)

        app = start_app(env, data_dir, "largest")
        try:
            window = app_window(env)
            wait_for(lambda: app.ready.wait(0.1), "the app to be ready")
            wait_for(lambda: xdotool("getwindowfocus") == window, "the keyboard")
            xdotool("key", "alt+5")  # Buổi sinh hoạt
            xdotool("key", "Tab", "Return")  # the session in the list
            xdotool("key", "6")  # its sixth step: Chơi trên điện thoại
            # The network list has the focus; Tab to the port, Tab to the Wi-Fi name.
            xdotool("key", "Tab", "Tab")
            xdotool("type", "--delay", "30", WIFI)
            xdotool("key", "Return")  # Enter in the Wi-Fi name starts the game
            address = this_pc_address()
            wait_for(lambda: listening(address, 8080), "the phone game to listen", 60)

            codes = wait_for(
                lambda: (lambda c: c if len(c) == 2 else None)(qr_codes(env, tmp_path, "lobby")),
                "two QR codes on the projector",
            )
            wifi = next(c for c in codes if c.startswith("WIFI:"))
            assert f"S:{WIFI};" in wifi and wifi.endswith(";;")
            join_url = next(c for c in codes if c.startswith("http://"))
            assert join_url.startswith(f"http://{address}:8080/?room=")
            room = join_url.rsplit("=", 1)[1]
            assert len(room) == 6 and room.isdigit()

            phone = requests.Session()
            page = phone.get(join_url, timeout=10)
            assert page.status_code == 200 and "Kỹ Năng Số" in page.text
            base = join_url.split("?", 1)[0].rstrip("/")
            joined = phone.post(
                f"{base}/join", json={"room_code": room, "name": "Bà Tư"}, timeout=10
            )
            assert joined.status_code == 200, joined.text
            assert joined.json()["view"]["phase"] == "lobby"

            xdotool("key", "Next")  # the leader's clicker on the projector: question 1
            view = wait_for(
                lambda: (lambda v: v if v["phase"] == "open" else None)(
                    phone.get(f"{base}/state", params={"since": -1}, timeout=30).json()
                ),
                "the question on the phone",
            )
            question = view["question"]
            answered = phone.post(
                f"{base}/answer", json={"question_id": question["id"], "choices": [0]}, timeout=10
            )
            assert answered.json()["outcome"] == "accepted"
            assert answered.json()["message"] == "Đã ghi nhận"

            xdotool("key", "Next")  # the clicker again: the answer and its chart
            revealed = wait_for(
                lambda: (lambda v: v if v["phase"] == "revealed" else None)(
                    phone.get(f"{base}/state", params={"since": -1}, timeout=30).json()
                ),
                "the reveal on the phone",
            )
            assert revealed["explanation"] and revealed["answer"] == {"choices": [0]}
            screenshot(env, tmp_path / "revealed.png")
            latecomer = requests.Session()  # a second phone, joining after the reveal
            assert latecomer.post(
                f"{base}/join", json={"room_code": room, "name": "Chú Năm"}, timeout=10
            ).ok
            late = latecomer.post(
                f"{base}/answer", json={"question_id": question["id"], "choices": [1]}, timeout=10
            )
            assert late.status_code == 409 and late.json()["outcome"] == "late"

            # The projector covers the whole screen, with or without a window manager (on a
            # bare X screen "full screen" is never granted: it used to sit in a corner).
            projector = xdotool("search", "--onlyvisible", "--name", "Chơi trên điện thoại")
            box = geometry(env, projector.split()[-1])
            assert (box["X"], box["Y"], box["WIDTH"], box["HEIGHT"]) == (0, 0, width, 768), box
            if not window_manager:  # no Alt+F4 without one: the leader ends the game
                xdotool("key", "Escape", "Escape")  # the projector: out of full screen, closed
                wait_for(lambda: xdotool("getwindowfocus") == window, "the leader's window")
                xdotool("key", "Escape")  # the leader's screen: "Kết thúc trò chơi"
                wait_for(lambda: not listening(address, 8080), "the server to stop")
                wait_for(
                    lambda: rows(data_dir, "SELECT finished_at FROM live_games")[0][0],
                    "the game's end to be recorded",
                )
            else:
                # The leader closes the app mid-game: it asks first; Enter ends the game.
                # Esc leaves the projector's full screen, Esc again closes it; the game goes on.
                xdotool("key", "Escape")
                wait_for(lambda: xdotool("getwindowfocus") not in ("", window), "the projector")
                xdotool("key", "Escape")
                wait_for(lambda: xdotool("getwindowfocus") == window, "the leader's window")
                assert listening(address, 8080)
                xdotool("key", "alt+F4")  # openbox asks the window to close, as its × button does
                wait_for(lambda: xdotool("getwindowfocus") not in ("", window), "the question")
                screenshot(env, tmp_path / "leaving.png")
                xdotool("key", "Return")  # Enter keeps the game going (the safe default)
                wait_for(lambda: xdotool("getwindowfocus") == window, "the leader's window again")
                assert app.poll() is None and listening(address, 8080)
                xdotool("key", "alt+F4")
                wait_for(
                    lambda: xdotool("getwindowfocus") not in ("", window), "the question again"
                )
                # Enter always stays (the dialog's default); Space presses the focused button.
                xdotool("key", "shift+Tab", "space")  # "Đóng ứng dụng"
                app.wait(30)
            assert not listening(address, 8080)
        finally:
            if app.poll() is None:
                app.kill()
                app.wait(10)

    stored = rows(
        data_dir,
        "SELECT a.question_id, a.choices FROM live_answers a JOIN live_games g ON g.id = a.game_id "
        "WHERE g.session_id = ?",
        session_id,
    )
    assert stored == [(question["id"], "[0]")]
    counts = rows(
        data_dir,
        "SELECT counts FROM session_quiz WHERE session_id = ? AND question_id = ?",
        session_id,
        question["id"],
    )
    assert [json.loads(c) for (c,) in counts][0][0] == 1
    finished = rows(data_dir, "SELECT finished_at FROM live_games WHERE session_id = ?", session_id)
    assert finished and finished[0][0]
