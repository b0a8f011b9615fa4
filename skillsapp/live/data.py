"""The plain data of a phone game, shared by the game, the web server, the recorder
(storage) and the leader's screens: phases, players, answers, outcomes, snapshots, and
the rules for names and room codes. ``skillsapp.live.game`` re-exports all of it.

>>> AnswerOutcome("late") is AnswerOutcome.LATE, Phase.OPEN == "open"
(True, True)
"""

from __future__ import annotations

import datetime
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from skillsapp.i18n import _
from skillsapp.models import Question

MAX_NAME = 40


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def new_room_code() -> str:
    """Six random digits for the projector: a phone must type them to join."""
    return f"{secrets.randbelow(1_000_000):06d}"


def clean_name(name: str) -> str:
    """A display name as shown and stored: NFC, control and format characters dropped,
    spaces collapsed. Raises ValueError (a message for the phone) when empty or too long.

    >>> clean_name("  Nguyễn\\u200b   Thị\\tLan ")
    'Nguyễn Thị Lan'
    """
    text = unicodedata.normalize("NFC", name or "")
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    cleaned = " ".join(kept.split())
    if not cleaned:
        raise ValueError(_("Please enter your name."))
    if len(cleaned) > MAX_NAME:
        raise ValueError(
            _("The name is too long (at most {count} letters).").format(count=MAX_NAME)
        )
    return cleaned


class Phase(StrEnum):
    LOBBY = "lobby"
    OPEN = "open"
    REVEALED = "revealed"
    FINISHED = "finished"


class AnswerOutcome(StrEnum):
    ACCEPTED = "accepted"
    ALREADY = "already"  # same player & question answered before: idempotent, not an error
    LATE = "late"
    NOT_OPEN = "not_open"
    BAD_CHOICE = "bad_choice"
    UNKNOWN_PLAYER = "unknown_player"


@dataclass(frozen=True)
class LivePlayer:
    id: str
    name: str
    profile_id: str | None
    joined_at: datetime.datetime


@dataclass(frozen=True)
class LiveAnswer:
    game_id: str
    player_id: str
    question_id: str
    choices: tuple[int, ...]
    correct: bool
    points: int
    answered_at: datetime.datetime
    ms_after_open: int


class LiveRecorder(Protocol):
    """Stores the game as it happens; must be thread-safe and commit at once."""

    def player_joined(self, game_id: str, player: LivePlayer) -> None: ...

    def answer_recorded(self, game_id: str, answer: LiveAnswer) -> bool: ...

    def question_revealed(
        self, game_id: str, question_id: str, counts: tuple[int, ...]
    ) -> None: ...

    def game_finished(self, game_id: str) -> None: ...


@dataclass(frozen=True)
class LiveSnapshot:
    phase: Phase
    question_index: int
    question_count: int
    question: Question | None
    players: int
    answered: int
    counts: tuple[int, ...] | None
    leaderboard: tuple[tuple[str, int], ...]
    version: int


@dataclass(frozen=True)
class Change:
    """What a version bump changed: everyone's view (a question opened or was revealed,
    the game ended) or only one player's (they joined or their answer was stored)."""

    version: int
    everyone: bool
    player_id: str | None = None


def valid_choices(question: Question, choices: Sequence[int]) -> tuple[int, ...] | None:
    """The chosen option indexes, ascending, or None when they make no answer: none,
    out of range, repeated, or several for a one-answer question."""
    if isinstance(choices, str | bytes) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in choices
    ):
        return None
    picked = tuple(sorted(choices))
    if not picked or len(set(picked)) != len(picked):
        return None
    if any(c < 0 or c >= len(question.options) for c in picked):
        return None
    if not question.is_multi and len(picked) != 1:
        return None
    return picked
