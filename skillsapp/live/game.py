"""One live quiz played on residents' phones: who joined, which question is open, who
answered what, and the points.

The leader's screen calls :meth:`LiveGame.open_next`, :meth:`LiveGame.reveal` and
:meth:`LiveGame.finish`; the hall web server calls :meth:`LiveGame.join`,
:meth:`LiveGame.answer` and :meth:`LiveGame.player_view` from its own thread. Every
method is thread-safe. The recorder (SQLite) is called outside the state lock so a slow
write never holds up the leader's screen, yet an answer counts, and is acknowledged to
the phone, only once the recorder has stored it.

>>> from skillsapp.models import Question
>>> class Nothing:
...     def player_joined(self, game_id, player): pass
...     def answer_recorded(self, game_id, answer): return True
...     def question_revealed(self, game_id, question_id, counts): pass
...     def game_finished(self, game_id): pass
>>> q = Question("q1", "t", "easy", "2 + 2?", ("3", "4"), (1,), "Hai cộng hai là bốn.")
>>> game = LiveGame("g1", [q], "123456", Nothing())
>>> lan = game.join("  Lan  ")
>>> game.open_next().phase
<Phase.OPEN: 'open'>
>>> outcome, answer = game.answer(lan.id, "q1", [1])
>>> outcome, answer.points
(<AnswerOutcome.ACCEPTED: 'accepted'>, 1000)
>>> game.reveal().counts
(0, 1)
"""

from __future__ import annotations

import datetime
import secrets
import threading
from collections.abc import Callable, Sequence
from typing import Any

from skillsapp.engine.scoring import mark
from skillsapp.i18n import _
from skillsapp.live.data import (
    MAX_NAME,
    AnswerOutcome,
    Change,
    LiveAnswer,
    LivePlayer,
    LiveRecorder,
    LiveSnapshot,
    Phase,
    clean_name,
    new_room_code,
    utc_now,
    valid_choices,
)
from skillsapp.models import Question

__all__ = [
    "MAX_NAME",
    "AnswerOutcome",
    "Change",
    "LiveAnswer",
    "LiveGame",
    "LivePlayer",
    "LiveRecorder",
    "LiveSnapshot",
    "Phase",
    "clean_name",
    "new_room_code",
    "utc_now",
]

MAX_PLAYERS = 500  # a commune hall; more would be someone flooding the game
RIGHT_POINTS = 1000
SPEED_POINTS = 500  # the most a speed bonus adds: an answer at once
SPEED_WINDOW_MS = 20_000  # the bonus falls to 0 over this time after the question opens
LEADERBOARD_SIZE = 10
PENDING_WAIT_S = 10.0  # how long a reveal waits for answers already being stored


class LiveGame:
    def __init__(
        self,
        game_id: str,
        questions: Sequence[Question],
        room_code: str,
        recorder: LiveRecorder,
        roster: Sequence[tuple[str, str]] = (),
        speed_bonus: bool = False,
        clock: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.game_id = game_id
        self.room_code = room_code
        self.speed_bonus = speed_bonus
        self._questions = tuple(questions)
        self._recorder = recorder
        self._roster = {profile_id: name for profile_id, name in roster}
        self._clock = clock
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._leader = threading.Lock()  # open/reveal/finish one at a time, in order
        self._joining = threading.Lock()  # one join at a time: a profile joins once
        self._phase = Phase.LOBBY
        self._index = -1
        self._opened_at: datetime.datetime | None = None
        self._accepting = False
        self._players: dict[str, LivePlayer] = {}
        self._by_profile: dict[str, str] = {}
        self._answers: dict[tuple[str, str], LiveAnswer] = {}  # (player, question) stored
        self._pending: dict[tuple[str, str], LiveAnswer] = {}  # being stored right now
        self._totals: dict[str, int] = {}
        self._counts: dict[str, tuple[int, ...]] = {}  # question id -> tally at reveal
        self._asked: set[str] = set()
        self._version = 0
        self._stage_version = 0
        self._player_versions: dict[str, int] = {}
        self._listeners: list[Callable[[Change], None]] = []

    # --- the phones' side -----------------------------------------------------------

    def roster(self) -> list[tuple[str, str]]:
        """The session's checked-in residents (profile id, name) a phone may still pick:
        a name already picked is not offered again."""
        with self._lock:
            return [
                (pid, name) for pid, name in self._roster.items() if pid not in self._by_profile
            ]

    def set_roster(self, roster: Sequence[tuple[str, str]]) -> None:
        """Replace the check-in list (the leader checked someone in during the game)."""
        with self._lock:
            self._roster = {profile_id: name for profile_id, name in roster}

    def check_room_code(self, typed: str) -> bool:
        typed = "".join((typed or "").split())
        return secrets.compare_digest(typed.encode(), self.room_code.encode())

    def join(self, name: str, profile_id: str | None = None) -> LivePlayer:
        """A new player. A checked-in name can be picked once: a second phone picking it
        would otherwise answer for that resident (a phone that lost its cookie types a
        name instead). Raises ValueError with a message for the phone."""
        if profile_id is not None:
            with self._lock:
                listed = self._roster.get(profile_id)
            if listed is None:
                raise ValueError(_("This name is not on the check-in list."))
            name = listed
        cleaned = clean_name(name)
        with self._joining:
            with self._lock:
                if profile_id is not None and profile_id in self._by_profile:
                    raise ValueError(
                        _(
                            "Someone has already joined with this name. If it was you on "
                            "another phone, type your name instead."
                        )
                    )
                if len(self._players) >= MAX_PLAYERS:
                    raise ValueError(_("The game is full."))
            player = LivePlayer(secrets.token_urlsafe(16), cleaned, profile_id, self._clock())
            self._recorder.player_joined(self.game_id, player)
            with self._lock:
                self._players[player.id] = player
                self._totals[player.id] = 0
                if profile_id is not None:
                    self._by_profile[profile_id] = player.id
                self._bump(Change(0, False, player.id))
        return player

    def player(self, player_id: str) -> LivePlayer | None:
        with self._lock:
            return self._players.get(player_id)

    def answer(
        self, player_id: str, question_id: str, choices: Sequence[int]
    ) -> tuple[AnswerOutcome, LiveAnswer | None]:
        """Take a player's answer. ACCEPTED only once the recorder stored it; a resend
        gets ALREADY with the stored answer."""
        key = (player_id, question_id)
        with self._lock:
            if player_id not in self._players:
                return AnswerOutcome.UNKNOWN_PLAYER, None
            while key in self._pending:  # the same answer sent twice at once
                self._changed.wait(PENDING_WAIT_S)
            if key in self._answers:
                return AnswerOutcome.ALREADY, self._answers[key]
            question = self._current()
            if question is None or question.id != question_id or not self._accepting:
                if question_id in self._asked:
                    return AnswerOutcome.LATE, None
                return AnswerOutcome.NOT_OPEN, None
            picked = valid_choices(question, choices)
            if picked is None:
                return AnswerOutcome.BAD_CHOICE, None
            now = self._clock()
            assert self._opened_at is not None
            ms = max(0, int((now - self._opened_at).total_seconds() * 1000))
            right = mark(question, picked) == 1.0
            answer = LiveAnswer(
                self.game_id,
                player_id,
                question_id,
                picked,
                right,
                self._points(right, ms),
                now,
                ms,
            )
            self._pending[key] = answer
        try:
            fresh = self._recorder.answer_recorded(self.game_id, answer)
        except BaseException:
            with self._lock:
                del self._pending[key]
                self._changed.notify_all()
            raise
        with self._lock:
            del self._pending[key]
            self._answers[key] = answer
            if question_id in self._counts:  # stored after a reveal gave up waiting for it
                self._totals[player_id] = self._totals.get(player_id, 0) + answer.points
            self._bump(Change(0, False, player_id))
        return (AnswerOutcome.ACCEPTED if fresh else AnswerOutcome.ALREADY), answer

    def player_view(self, player_id: str) -> dict[str, Any]:
        """What one phone shows, as JSON-able data. ``version`` is the last change this
        player can see (the phone waits for a higher one)."""
        with self._lock:
            player = self._players.get(player_id)
            if player is None:
                return {"joined": False, "phase": self._phase.value}
            view: dict[str, Any] = {
                "joined": True,
                "version": max(self._stage_version, self._player_versions.get(player_id, 0)),
                "phase": self._phase.value,
                "name": player.name,
                "question_index": self._index,
                "question_count": len(self._questions),
                "total": self._totals.get(player_id, 0),
                "rank": self._rank(player_id),
                "players": len(self._players),
            }
            question = self._current()
            if question is not None and self._phase in (Phase.OPEN, Phase.REVEALED):
                view["question"] = {
                    "id": question.id,
                    "text": question.text,
                    "options": list(question.options),
                    "multi": question.is_multi,
                }
                answer = self._answers.get((player_id, question.id))
                view["answer"] = None if answer is None else {"choices": list(answer.choices)}
                if self._phase is Phase.REVEALED:
                    view["correct"] = list(question.correct)
                    view["explanation"] = question.explanation
                    view["right"] = None if answer is None else answer.correct
                    view["points"] = 0 if answer is None else answer.points
            return view

    # --- the leader's side ----------------------------------------------------------

    def open_next(self) -> LiveSnapshot:
        """Show the next question on the phones (from the lobby or after a reveal)."""
        with self._leader, self._lock:
            if self._phase not in (Phase.LOBBY, Phase.REVEALED):
                raise RuntimeError(f"cannot open a question while {self._phase}")
            if self._index + 1 >= len(self._questions):
                raise RuntimeError("no more questions")
            self._index += 1
            self._phase = Phase.OPEN
            self._opened_at = self._clock()
            self._accepting = True
            self._asked.add(self._questions[self._index].id)
            self._bump(Change(0, True))
            return self._snapshot()

    def reveal(self) -> LiveSnapshot:
        """Close answers (waiting for those being stored), tally and record the counts."""
        with self._leader:
            with self._lock:
                if self._phase is Phase.REVEALED:
                    return self._snapshot()
                if self._phase is not Phase.OPEN:
                    raise RuntimeError(f"cannot reveal while {self._phase}")
                question_id, counts = self._close_question()
                snapshot = self._snapshot()
            self._recorder.question_revealed(self.game_id, question_id, counts)
            return snapshot

    def finish(self) -> LiveSnapshot:
        """End the game; an open question is tallied first. Calling it again does nothing."""
        with self._leader:
            with self._lock:
                if self._phase is Phase.FINISHED:
                    return self._snapshot()
                closed = self._close_question() if self._phase is Phase.OPEN else None
                self._phase = Phase.FINISHED
                self._bump(Change(0, True))
                snapshot = self._snapshot()
            if closed is not None:
                self._recorder.question_revealed(self.game_id, *closed)
            self._recorder.game_finished(self.game_id)
            return snapshot

    def snapshot(self) -> LiveSnapshot:
        with self._lock:
            return self._snapshot()

    def wait_for_change(self, version: int, timeout: float) -> int:
        """Block until the version differs from ``version`` (or ``timeout`` seconds pass);
        returns the current version."""
        with self._lock:
            self._changed.wait_for(lambda: self._version != version, timeout)
            return self._version

    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        """Call ``listener`` after every change (from the changing thread, under the
        game's lock: it must only hand the news on). Returns a function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    # --- inside the lock ------------------------------------------------------------

    def _current(self) -> Question | None:
        return self._questions[self._index] if 0 <= self._index < len(self._questions) else None

    def _close_question(self) -> tuple[str, tuple[int, ...]]:
        self._accepting = False
        self._changed.wait_for(lambda: not self._pending, PENDING_WAIT_S)
        question = self._current()
        assert question is not None
        tally = [0] * len(question.options)
        for (player_id, question_id), answer in self._answers.items():
            if question_id == question.id:
                for choice in answer.choices:
                    tally[choice] += 1
                # Points count from the reveal on: a total that grew before it would
                # tell the phone whether its answer was right.
                self._totals[player_id] = self._totals.get(player_id, 0) + answer.points
        counts = tuple(tally)
        self._counts[question.id] = counts
        self._phase = Phase.REVEALED
        self._bump(Change(0, True))
        return question.id, counts

    def _points(self, right: bool, ms: int) -> int:
        if not right:
            return 0
        if not self.speed_bonus:
            return RIGHT_POINTS
        left = max(0.0, 1.0 - ms / SPEED_WINDOW_MS)
        return RIGHT_POINTS + round(SPEED_POINTS * left)

    def _rank(self, player_id: str) -> int:
        mine = self._totals.get(player_id, 0)
        return 1 + sum(1 for points in self._totals.values() if points > mine)

    def _bump(self, change: Change) -> None:
        self._version += 1
        change = Change(self._version, change.everyone, change.player_id)
        if change.everyone:
            self._stage_version = self._version
        elif change.player_id is not None:
            self._player_versions[change.player_id] = self._version
        self._changed.notify_all()
        for listener in self._listeners:
            listener(change)

    def _snapshot(self) -> LiveSnapshot:
        question = self._current()
        answered = (
            sum(1 for (_p, q) in self._answers if q == question.id) if question is not None else 0
        )
        return LiveSnapshot(
            phase=self._phase,
            question_index=self._index,
            question_count=len(self._questions),
            question=question,
            players=len(self._players),
            answered=answered,
            counts=self._counts.get(question.id) if question is not None else None,
            leaderboard=self._leaderboard(),
            version=self._version,
        )

    def _leaderboard(self) -> tuple[tuple[str, int], ...]:
        best = sorted(
            self._players.values(),
            key=lambda p: (-self._totals.get(p.id, 0), p.joined_at),
        )[:LEADERBOARD_SIZE]
        return tuple((p.name, self._totals.get(p.id, 0)) for p in best)
