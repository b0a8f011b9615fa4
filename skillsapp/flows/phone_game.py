"""The phone game of a group session as the leader's screens need it: which network to
offer, what to prepare on the UI thread (database reads), what to start off it (the web
server: importing uvicorn takes a while), and how to stop.

    plan = prepare_phone_game(store, session, PhoneGameOptions("192.168.1.5"))  # UI thread
    running = launch_phone_game(plan)        # a worker thread: imports, listens
    running.game.open_next(); running.game.reveal(); ...
    running.stop()                           # the game ends, the port is free again

No Qt here: the screens list the network interfaces with QtNetwork and hand them to
:func:`rank_addresses`.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from skillsapp.flows.group_session import group_quiz_questions
from skillsapp.live.qr import join_address, wifi_payload
from skillsapp.models import Question
from skillsapp.storage.group_sessions import GroupSession

if TYPE_CHECKING:  # loaded only when a phone game starts
    from skillsapp.live.game import LiveGame
    from skillsapp.live.host import LiveHost

log = logging.getLogger(__name__)

DEFAULT_PORT = 8080
# Interface names that say "a real network card" (Windows, Linux, macOS) and "a virtual one".
_WIRELESS = ("wi-fi", "wifi", "wlan", "wireless", "wlp", "wl")
_WIRED = ("ethernet", "eth", "enp", "eno", "en", "lan")
_VIRTUAL = (
    "vethernet", "virtualbox", "vmware", "vmnet", "docker", "br-", "veth", "virbr", "hyper-v",
    "tailscale", "zerotier", "wireguard", "vpn", "tun", "tap", "utun",
)  # fmt: skip


@dataclass(frozen=True)
class HallAddress:
    """One IPv4 address of an interface that is up: what the leader picks from."""

    interface: str  # the name the system shows ("Wi-Fi", "wlan0")
    address: str
    loopback: bool = False

    def score(self) -> int:
        """Higher is likelier the hall's network (used to pre-select; the leader decides)."""
        name = self.interface.lower()
        ip = ipaddress.IPv4Address(self.address)
        if self.loopback or ip.is_loopback:
            return -100
        score = 0
        if ip.is_link_local:  # 169.254.x.x: no router gave an address
            score -= 50
        elif ip.is_private:
            score += 20
        if self.address.startswith("192.168.137."):  # Windows' own mobile hotspot
            score += 15
        if any(word in name for word in _VIRTUAL):
            score -= 30
        elif name.startswith(_WIRELESS) or any(w in name for w in ("wi-fi", "wireless", "wlan")):
            score += 10
        elif name.startswith(_WIRED) or "ethernet" in name:
            score += 5
        return score


def rank_addresses(candidates: Sequence[HallAddress]) -> list[HallAddress]:
    """The addresses to offer, likeliest first; loopback only when there is nothing else
    (then only this PC's own browser can join: useful for trying it out)."""
    outside = [c for c in candidates if not (c.loopback or c.address.startswith("127."))]
    offered = outside or list(candidates)
    return sorted(offered, key=lambda c: -c.score())


@dataclass(frozen=True)
class PhoneGameOptions:
    address: str
    port: int = DEFAULT_PORT
    wifi_name: str = ""
    wifi_password: str = ""
    speed_bonus: bool = False  # off by default: older players lose a race against the clock
    leaderboard: bool = False


@dataclass
class PhoneGamePlan:
    """What the UI thread read from the database; safe to hand to a worker thread."""

    session_id: str
    questions: list[Question]
    roster: list[tuple[str, str]]  # (profile id, name) of those checked in
    game_id: str
    recorder: Any  # a LiveRecorder (thread-safe, own connection)
    options: PhoneGameOptions


@dataclass
class RunningPhoneGame:
    """A game and its web server, listening. :meth:`stop` is idempotent and thread-safe."""

    game: LiveGame
    host: LiveHost
    options: PhoneGameOptions
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stopped: bool = False

    @property
    def join_url(self) -> str:
        """The address in the QR code: the room code is already in it."""
        return join_address(self.options.address, self.options.port, room=self.game.room_code)

    @property
    def typed_address(self) -> str:
        """The address as a resident types it: phones' browsers add the http:// themselves."""
        return f"{self.options.address}:{self.options.port}"

    @property
    def wifi_text(self) -> str | None:
        """The WIFI: payload of the second QR, when the leader gave the network's name."""
        if not self.options.wifi_name.strip():
            return None
        return wifi_payload(self.options.wifi_name, self.options.wifi_password)

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        """End the game (recorded) and stop listening; safe to call twice or at app exit."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        try:
            self.game.finish()
        except Exception:  # the server must stop even if the game could not record its end
            log.exception("the phone game could not finish cleanly")
        finally:
            self.host.stop()


def prepare_phone_game(store, session: GroupSession, options: PhoneGameOptions) -> PhoneGamePlan:
    """Read the questions and the check-in list, and start the game's record (UI thread)."""
    questions = group_quiz_questions(store, session)
    roster = store.sessions.attendees(session.id)
    games = store.live_games
    game_id = games.start(session.id, [q.id for q in questions], options.speed_bonus)
    return PhoneGamePlan(session.id, questions, roster, game_id, games.recorder(), options)


def launch_phone_game(plan: PhoneGamePlan) -> RunningPhoneGame:
    """Import the web server, make the game and listen (a worker thread: this is slow the
    first time). Raises LiveHostError with a message for the leader, e.g. port in use."""
    from skillsapp.live.game import LiveGame, new_room_code
    from skillsapp.live.host import LiveHost

    game = LiveGame(
        plan.game_id,
        plan.questions,
        new_room_code(),
        plan.recorder,
        roster=plan.roster,
        speed_bonus=plan.options.speed_bonus,
    )
    host = LiveHost(game, plan.options.address, plan.options.port)
    host.start()
    return RunningPhoneGame(game, host, plan.options)
