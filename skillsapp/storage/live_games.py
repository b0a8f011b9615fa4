"""The phone games of group sessions (issue 14): stored the moment they happen.

The leader's screen starts a game through ``store.live_games`` on the UI thread; the hall
web server answers the phones on its own thread and records through a
:class:`LiveGameRecorder`, which has its own SQLite connection to the same file (WAL, a
commit per call) and a lock, so a phone is told "recorded" only once the row is on disk.

Joins are attendance: a player who picked their name from the check-in list is checked
in; on reveal the tally is saved as the session's quiz counts, exactly as counts the
leader enters by hand (:meth:`GroupSessions.check_in`, :meth:`GroupSessions.record_quiz`
run on the recorder's connection), so the report, chart, PDF and sync include them.

>>> game_id = store.live_games.start(session.id, ["q1", "q2"], speed_bonus=False)  # doctest: +SKIP
>>> recorder = store.live_games.recorder()         # hand it to the game   # doctest: +SKIP
>>> recorder.answer_recorded(game_id, answer)       # True; False when already stored   # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import json
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from skillsapp.storage.connection import Database
from skillsapp.storage.database import connect
from skillsapp.storage.group_sessions import GroupSessions
from skillsapp.storage.ids import new_id, utc_now_iso
from skillsapp.storage.live_figures import LiveSessionSummary, live_summary
from skillsapp.storage.outbox import Outbox


class _Player(Protocol):  # skillsapp.live.game.LivePlayer
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def profile_id(self) -> str | None: ...
    @property
    def joined_at(self) -> datetime.datetime: ...


class _Answer(Protocol):  # skillsapp.live.game.LiveAnswer
    @property
    def player_id(self) -> str: ...
    @property
    def question_id(self) -> str: ...
    @property
    def choices(self) -> Sequence[int]: ...
    @property
    def correct(self) -> bool: ...
    @property
    def points(self) -> int: ...
    @property
    def answered_at(self) -> datetime.datetime: ...
    @property
    def ms_after_open(self) -> int: ...


def _iso(moment: datetime.datetime) -> str:
    """UTC, milliseconds, as every other timestamp in the file (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds")


class LiveGameRecorder:
    """Writes one hall's games from any thread; implements ``skillsapp.live.game.LiveRecorder``.

    Every call commits before it returns. Call :meth:`close` when the game is over (the
    store closes any still open when it closes)."""

    def __init__(self, database: Path) -> None:
        self._lock = threading.Lock()
        self._db: Database | None = connect(database)
        self._sessions = GroupSessions(self._db, Outbox(self._db))
        self._session_of: dict[str, str] = {}

    def _open(self) -> Database:
        if self._db is None:
            raise RuntimeError("the phone game's recorder was closed")
        return self._db

    def _session_id(self, db: Database, game_id: str) -> str:
        known = self._session_of.get(game_id)
        if known is None:
            row = db.execute("SELECT session_id FROM live_games WHERE id = ?", [game_id]).fetchone()
            if row is None:
                raise KeyError(game_id)
            known = self._session_of[game_id] = str(row[0])
        return known

    def player_joined(self, game_id: str, player: _Player) -> None:
        """Store the player (again: no change); a checked-in name is checked in."""
        with self._lock:
            db = self._open()
            session_id = self._session_id(db, game_id)
            with db.atomic():
                db.execute(
                    "INSERT OR IGNORE INTO live_players "
                    "(game_id, player_id, display_name, profile_id, joined_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [game_id, player.id, player.name, player.profile_id, _iso(player.joined_at)],
                )
                if player.profile_id is not None:
                    self._sessions.check_in(session_id, player.profile_id)

    def answer_recorded(self, game_id: str, answer: _Answer) -> bool:
        """Store the answer; False when this player had answered this question already
        (the stored answer stays: answers are idempotent)."""
        with self._lock:
            cursor = self._open().execute(
                "INSERT OR IGNORE INTO live_answers (game_id, player_id, question_id, choices, "
                "correct, points, answered_at, ms_after_open) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    game_id,
                    answer.player_id,
                    answer.question_id,
                    json.dumps([int(c) for c in answer.choices]),
                    int(bool(answer.correct)),
                    int(answer.points),
                    _iso(answer.answered_at),
                    int(answer.ms_after_open),
                ],
            )
            return cursor.rowcount == 1

    def question_revealed(self, game_id: str, question_id: str, counts: Sequence[int]) -> None:
        """Save the tally as the session's quiz counts for the question."""
        with self._lock:
            db = self._open()
            self._sessions.record_quiz(
                self._session_id(db, game_id), question_id, [int(c) for c in counts]
            )

    def game_finished(self, game_id: str) -> None:
        with self._lock:
            self._open().execute(
                "UPDATE live_games SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                [utc_now_iso(), game_id],
            )

    def close(self) -> None:
        """Close the connection (idempotent); later calls raise RuntimeError."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class LiveGames:
    """``store.live_games``: start a phone game in a session, record it, add it up."""

    def __init__(self, db: Database, database: Path) -> None:
        self.db = db
        self.database = database
        self._recorders: weakref.WeakSet[LiveGameRecorder] = weakref.WeakSet()

    def start(self, session_id: str, question_ids: Sequence[str], speed_bonus: bool) -> str:
        """Record a new game of ``question_ids`` (in the order shown) and return its id.

        Raises ValueError for a session that does not exist or has ended: its report has
        been queued for the province already."""
        row = self.db.execute(
            "SELECT closed_at FROM group_sessions WHERE id = ?", [session_id]
        ).fetchone()
        if row is None:
            raise ValueError(f"no group session {session_id}")
        if row[0]:
            raise ValueError(f"group session {session_id} has ended")
        game_id = new_id()
        self.db.execute(
            "INSERT INTO live_games (id, session_id, question_ids, speed_bonus, started_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [game_id, session_id, json.dumps(list(question_ids)), int(speed_bonus), utc_now_iso()],
        )
        return game_id

    def recorder(self) -> LiveGameRecorder:
        """A recorder for the hall server's thread, on its own connection."""
        recorder = LiveGameRecorder(self.database)
        self._recorders.add(recorder)
        return recorder

    def summary(self, session_id: str) -> LiveSessionSummary:
        """Players, answers and per-question figures of the session's phone games."""
        return live_summary(self.db, session_id)

    def players(self, game_id: str) -> int:
        """How many joined the game (a reconnecting phone is the same player)."""
        row = self.db.execute(
            "SELECT COUNT(*) FROM live_players WHERE game_id = ?", [game_id]
        ).fetchone()
        return int(row[0])

    def close_recorders(self) -> None:
        for recorder in list(self._recorders):
            recorder.close()
