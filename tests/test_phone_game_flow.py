"""The phone game's plain-Python side for the leader's screens (skillsapp/flows/phone_game.py):
which network to pre-select, and a start and stop against the real game, server and storage."""

from __future__ import annotations

import datetime
import socket

import httpx
import pytest

from skillsapp.content.install import ensure_bundled_content
from skillsapp.flows.phone_game import (
    HallAddress,
    PhoneGameOptions,
    launch_phone_game,
    prepare_phone_game,
    rank_addresses,
)
from skillsapp.paths import DataPaths
from skillsapp.storage import open_store


def test_the_hall_wifi_comes_first_and_loopback_is_left_out():
    ranked = rank_addresses(
        [
            HallAddress("lo", "127.0.0.1", loopback=True),
            HallAddress("vEthernet (WSL)", "172.29.64.1"),
            HallAddress("Ethernet", "169.254.10.2"),  # a cable with no router behind it
            HallAddress("Wi-Fi", "192.168.1.23"),
        ]
    )
    assert [a.interface for a in ranked] == ["Wi-Fi", "vEthernet (WSL)", "Ethernet"]


def test_the_laptops_own_hotspot_is_preferred_to_a_cable():
    ranked = rank_addresses(
        [
            HallAddress("Ethernet", "10.0.0.5"),
            HallAddress("Local Area Connection* 10", "192.168.137.1"),
        ]
    )
    assert ranked[0].address == "192.168.137.1"


def test_loopback_is_offered_only_when_there_is_nothing_else():
    only = [HallAddress("lo", "127.0.0.1", loopback=True)]
    assert rank_addresses(only) == only
    assert rank_addresses([]) == []


@pytest.fixture
def store(tmp_path):
    paths = DataPaths(tmp_path / "data")
    paths.ensure()
    opened = open_store(paths)
    ensure_bundled_content(opened)
    yield opened
    opened.close()


def test_a_game_starts_listens_and_stops_once(store):
    lesson = store.content.lesson("lua-dao")
    session = store.sessions.create(
        datetime.date(2026, 12, 8), "Nhà văn hóa", "Tổ", lesson.topic, "Bình"
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = PhoneGameOptions("127.0.0.1", port, wifi_name="Thôn Đông", wifi_password="")
    plan = prepare_phone_game(store, session, options)
    assert len(plan.questions) == 5
    running = launch_phone_game(plan)
    try:
        assert running.join_url == f"http://127.0.0.1:{port}/?room={running.game.room_code}"
        assert running.typed_address == f"127.0.0.1:{port}"
        assert running.wifi_text == "WIFI:T:nopass;S:Thôn Đông;;"
        page = httpx.get(running.join_url, timeout=5)
        assert page.status_code == 200
    finally:
        running.stop()
    assert running.stopped and not running.host.running
    running.stop()  # the app's close after the game's end: nothing more happens
    with pytest.raises(httpx.TransportError):
        httpx.get(running.join_url, timeout=2)
    assert running.game.snapshot().phase == "finished"
