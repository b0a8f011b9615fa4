"""The leader's side of the phone game (issue 14), driven like a leader with only the
keyboard: from the session, "Play on phones", pick the network, start; a phone (a plain
HTTP client over loopback) joins and answers; the projector's counts follow; reveal shows
the chart; ending stops the web server and frees the port.

Everything is real: the game (skillsapp.live.game), the web server (skillsapp.live.host,
uvicorn on 127.0.0.1) and the storage (store.live_games, SQLite in a temp folder). The
one thing chosen for the test is the list of networks: this PC "is on no network" but its
own, so the phone can reach it on 127.0.0.1 wherever the test runs.
"""

from __future__ import annotations

import socket

import httpx
import pytest
import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
)

from skillsapp.flows.group_session import saved_counts
from skillsapp.flows.phone_game import HallAddress
from skillsapp.i18n import _, format_number, ngettext
from skillsapp.ui.sessions import phone_start
from skillsapp.ui.sessions.hub import SessionHub
from skillsapp.ui.sessions.phone_control import PhoneGameControl
from skillsapp.ui.sessions.phone_start import PhoneGameStart
from skillsapp.ui.sessions.sessions import SessionsPage
from skillsapp.ui.shell.tasks import TaskRunner

ui_context = ui_helpers.ui_context  # the shared fixture, used by name below

ENTER, TAB, SPACE, ESC = Qt.Key.Key_Return, Qt.Key.Key_Tab, Qt.Key.Key_Space, Qt.Key.Key_Escape
LOOPBACK = [HallAddress("lo", "127.0.0.1", loopback=True)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture
def session_page(ui_context, qtbot, monkeypatch):
    """The sessions area on a session of the "lua-dao" topic, one person checked in."""
    monkeypatch.setattr(phone_start, "hall_addresses", lambda: list(LOOPBACK))
    store = ui_context.store
    lesson = store.content.lesson("lua-dao")
    session = store.sessions.create(
        ui_context.now().date(), "Nhà văn hóa thôn Đông", "Tổ thôn Đông", lesson.topic, "Bình"
    )
    store.sessions.check_in(session.id, ui_context.profile.id)
    page = SessionsPage(ui_context)
    qtbot.addWidget(page)
    page.resize(1080, 760)
    page.show()
    qtbot.waitExposed(page)
    page.show_session(session.id)
    page.session = session
    yield page
    screen = page.current_screen()
    if isinstance(screen, PhoneGameControl):
        screen.stop_now()
    if page.presentation is not None:
        page.presentation.close()


def key(qtbot, widget, which, times: int = 1) -> None:
    for _n in range(times):
        qtbot.keyClick(widget, which)


def focused():
    return QApplication.focusWidget()


def tab_to(qtbot, target, limit: int = 15) -> list:
    """Tab until ``target`` has the focus; the widgets passed on the way."""
    passed = []
    for _n in range(limit):
        if focused() is target:
            return passed
        passed.append(focused())
        qtbot.keyClick(focused(), TAB)
    raise AssertionError(f"Tab never reached {target!r}; passed {passed!r}")


def open_start_screen(qtbot, page) -> PhoneGameStart:
    hub = page.current_screen()
    assert isinstance(hub, SessionHub)
    assert hub.phone_button.isEnabled()
    hub.phone_button.setFocus()
    key(qtbot, hub.phone_button, ENTER)
    start = page.current_screen()
    assert isinstance(start, PhoneGameStart)
    return start


def fill_in_by_keys(qtbot, start: PhoneGameStart, port: int) -> None:
    """Network (Enter opens the list, Enter picks), port, Wi-Fi, leaderboard: keys only."""
    assert focused() is start.network
    assert start.network.currentData() == "127.0.0.1"
    key(qtbot, start.network, ENTER)
    assert start.network.view().isVisible(), "Enter opens the list"
    key(qtbot, start.network.view(), ENTER)
    qtbot.waitUntil(lambda: not start.network.view().isVisible())
    assert start.network.currentData() == "127.0.0.1"
    tab_to(qtbot, start.port)
    qtbot.keyClick(start.port, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(start.port, str(port))
    tab_to(qtbot, start.wifi_name)
    start.wifi_name.insert("Nhà văn hóa")  # Vietnamese as an input method types it
    tab_to(qtbot, start.wifi_password)
    qtbot.keyClicks(start.wifi_password, "matkhau;1")
    tab_to(qtbot, start.speed_bonus)
    assert not start.speed_bonus.isChecked(), "no speed bonus unless the leader asks"
    tab_to(qtbot, start.leaderboard)
    key(qtbot, start.leaderboard, SPACE)
    assert start.leaderboard.isChecked()
    tab_to(qtbot, start.start_button)


def test_a_phone_game_from_the_session_with_the_keyboard_only(qtbot, session_page):
    page, context = session_page, session_page.context
    context.tasks = TaskRunner()  # the real thread pool: the server starts off the UI thread
    port = free_port()
    start = open_start_screen(qtbot, page)
    fill_in_by_keys(qtbot, start, port)
    assert start.port.value() == port

    key(qtbot, start.start_button, ENTER)
    # The first start imports uvicorn: the screen says so and stays responsive.
    qtbot.waitUntil(lambda: isinstance(page.current_screen(), PhoneGameControl), timeout=15000)
    control = page.current_screen()
    running = control.running
    projection = page.presentation
    assert running.host.running
    assert not running.game.speed_bonus
    room = running.game.room_code
    assert running.join_url == f"http://127.0.0.1:{port}/?room={room}"
    assert projection.join_code.accessibleName().endswith(running.join_url)
    assert projection.wifi_code is not None
    assert projection.wifi_label.text() == "Nhà văn hóa"
    assert running.wifi_text == "WIFI:T:WPA;S:Nhà văn hóa;P:matkhau\\;1;;"
    assert projection.room_label.text().replace(" ", "") == room
    assert context.navigation_lock  # leaving the area asks first

    phone = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5)
    try:
        joined = phone.post("/join", json={"room_code": room, "name": "Bà Tư"})
        assert joined.status_code == 200, joined.text
        one_joined = ngettext("{n} person has joined", "{n} people have joined", 1).format(n=1)
        qtbot.waitUntil(lambda: projection.joined_label.text() == one_joined, timeout=3000)
        assert control.players_label.text() == one_joined

        # The leader starts question 1 with Enter (the focus is on that button).
        assert focused() is control.next_button
        key(qtbot, control.next_button, ENTER)
        view = phone.get("/state").json()
        assert view["phase"] == "open"
        question = running.game.snapshot().question
        assert view["question"]["id"] == question.id
        assert projection.question_label.text() == question.text
        none_yet = _("{answered} of {players} have answered").format(answered=0, players=1)
        assert projection.answered_label.text() == none_yet

        right = question.correct[0]
        answered = phone.post("/answer", json={"question_id": question.id, "choices": [right]})
        assert answered.status_code == 200, answered.text
        assert answered.json()["outcome"] == "accepted"
        one_of_one = _("{answered} of {players} have answered").format(answered=1, players=1)
        qtbot.waitUntil(lambda: projection.answered_label.text() == one_of_one, timeout=3000)
        assert control.answered_label.text() == one_of_one

        # Reveal: the group quiz's chart, the explanation, and the counts in the session.
        key(qtbot, control.next_button, ENTER)
        counts = [0] * len(question.options)
        counts[right] = 1
        assert projection.chart.isVisible()
        assert [bar.count for bar in projection.chart.bars()] == counts
        assert projection.explanation.text() == question.explanation
        assert saved_counts(context.store, page.session.id)[question.id] == tuple(counts)
        late = phone.post("/answer", json={"question_id": question.id, "choices": [right]})
        assert late.json()["outcome"] in ("already", "late")

        # The leaderboard (chosen at the start): Tab to it, Space shows it on the projector.
        tab_to(qtbot, control.board_button)
        key(qtbot, control.board_button, SPACE)
        assert projection.stack.currentWidget() is projection.board_screen
        # At the largest type: the question's page (bigger) no longer sets the page's size.
        assert projection.body_point_size == projection.wanted_point_size
        assert [label.text() for label in projection.board_lines] == [
            _("{rank}. {name} — {points} points").format(
                rank=1, name="Bà Tư", points=format_number(1000)
            )
        ]

        # Esc ends the game: the server stops (off the UI thread) and the port is free.
        key(qtbot, control, ESC)
        qtbot.waitUntil(lambda: not running.host.running, timeout=8000)
        assert running.stopped
        assert port_is_free(port)
        with pytest.raises(httpx.TransportError):
            phone.get("/state")
    finally:
        phone.close()
    assert not context.navigation_lock
    assert control.counter.text() == _("The game has ended")
    assert focused() is control.back_button
    key(qtbot, control.back_button, ENTER)
    assert isinstance(page.current_screen(), SessionHub)
    summary = context.store.live_games.summary(page.session.id)
    assert (summary.games, summary.answers) == (1, 1)


def test_tab_and_shift_tab_only_stop_where_the_focus_shows(qtbot, session_page):
    """Round the start screen both ways from the first field: each stop is a field, a box
    or a button, which the theme rings (a scroll area, ringless, used to be one)."""
    start = open_start_screen(qtbot, session_page)
    assert focused() is start.network
    shown = (QComboBox, QLineEdit, QSpinBox, QCheckBox, QPushButton)
    for modifier, which in ((Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_Backtab), (None, TAB)):
        stops = []
        for _n in range(12):
            if modifier is None:
                qtbot.keyClick(focused(), which)
            else:
                qtbot.keyClick(focused(), which, modifier)
            stops.append(focused())
        assert all(isinstance(w, shown) and w.isVisible() for w in stops), stops
        assert start.start_button in stops and start.network in stops  # all the way round


def test_a_port_in_use_is_said_and_nothing_listens(qtbot, session_page):
    page = session_page
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        start = open_start_screen(qtbot, page)
        start.port.setValue(port)
        start.start_button.setFocus()
        key(qtbot, start.start_button, ENTER)
        assert page.current_screen() is start
        assert start.error.isVisible()
        assert str(port) in start.error.text()
        assert start.start_button.isEnabled()
        assert focused() is start.start_button
    assert page.presentation is None
    # Esc goes back to the session; nothing was left running.
    key(qtbot, start, ESC)
    assert isinstance(page.current_screen(), SessionHub)


def start_game(qtbot, page, port: int) -> PhoneGameControl:
    start = open_start_screen(qtbot, page)
    start.port.setValue(port)
    start.start()
    control = page.current_screen()
    assert isinstance(control, PhoneGameControl), start.error.text()
    assert control.running.host.running
    return control


def test_leaving_the_screen_mid_game_stops_the_server(qtbot, session_page):
    page = session_page
    port = free_port()
    control = start_game(qtbot, page, port)
    # A presenter's clicker on the projector window goes on, as on the leader's screen.
    key(qtbot, page.presentation, Qt.Key.Key_PageDown)
    assert control.game.snapshot().phase == "open"
    assert page.presentation.question_label.text() == control.game.snapshot().question.text
    page.context.unlock_navigation()  # as the window does once the leader said "leave"
    page.show_list()  # another screen of the area (the window's areas hide it the same way)
    qtbot.waitUntil(lambda: not control.running.host.running, timeout=8000)
    assert port_is_free(port)
    assert page.presentation is None or not page.presentation.isVisible()


def test_closing_the_app_mid_game_stops_the_server(qtbot, ui_context, monkeypatch):
    from skillsapp.ui.shell.main_window import MainWindow

    monkeypatch.setattr(phone_start, "hall_addresses", lambda: list(LOOPBACK))
    store = ui_context.store
    lesson = store.content.lesson("lua-dao")
    session = store.sessions.create(
        ui_context.now().date(), "Nhà văn hóa", "Tổ", lesson.topic, "Bình"
    )
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    window.show()
    window.show_area("sessions", session.id)
    page = window.page("sessions")
    port = free_port()
    control = start_game(qtbot, page, port)
    assert ui_context.navigation_lock == _("A phone game is running. End it and leave?")
    assert ui_context.navigation_lock_note  # not the contest attempt's reassurance
    window.ask_on_close = False  # the leader answered "Close the app" (the dialog is modal)
    window.close()
    # Stopped before the window is gone: nothing may outlive the app.
    assert not control.running.host.running
    assert port_is_free(port)


def test_leaving_while_the_server_starts_leaves_nothing_listening(qtbot, session_page):
    """The session is left (its start screen deleted) before the worker has the server
    up: once it is up it is stopped, not left listening for nobody."""
    import threading

    from PySide6.QtCore import QThreadPool

    page = session_page
    page.context.tasks = TaskRunner()
    port = free_port()
    start = open_start_screen(qtbot, page)
    start.port.setValue(port)
    start.start()
    assert start.status.isVisible() and not start.back_button.isEnabled()
    page.show_session(page.session.id)  # e.g. the session opened again from elsewhere
    assert QThreadPool.globalInstance().waitForDone(15000)

    def nothing_left() -> bool:
        names = {thread.name for thread in threading.enumerate()}
        return not names & {"live-host", "live-stop"}

    qtbot.waitUntil(nothing_left, timeout=10000)
    assert port_is_free(port)
    assert isinstance(page.current_screen(), SessionHub)


def test_the_networks_offered_are_this_pcs_ipv4_addresses():
    import ipaddress

    from PySide6.QtNetwork import QNetworkInterface

    offered = phone_start.hall_addresses()
    assert offered, "at least loopback is up"
    for item in offered:
        ipaddress.IPv4Address(item.address)  # raises for anything else
    every = {
        entry.ip().toString()
        for interface in QNetworkInterface.allInterfaces()
        for entry in interface.addressEntries()
    }
    assert {item.address for item in offered} <= every
    if any(not item.loopback for item in offered):
        assert all(not item.address.startswith("127.") for item in offered)


def test_next_time_the_start_screen_offers_the_last_port_and_wifi_name_not_the_password(
    qtbot, session_page
):
    page, context = session_page, session_page.context
    port = free_port()
    start = open_start_screen(qtbot, page)
    assert start.wifi_name.text() == "" and start.port.value() == 8080  # first time
    fill_in_by_keys(qtbot, start, port)
    key(qtbot, start.start_button, ENTER)
    qtbot.waitUntil(lambda: isinstance(page.current_screen(), PhoneGameControl), timeout=15000)
    page.current_screen().stop_now()
    context.unlock_navigation()
    page.show_session(page.session.id)

    again = open_start_screen(qtbot, page)
    assert again.port.value() == port
    assert again.wifi_name.text() == "Nhà văn hóa"
    assert again.wifi_password.text() == ""
    saved = context.paths.settings.read_text(encoding="utf-8")
    assert "Nhà văn hóa" in saved and "matkhau" not in saved  # the password is never written
