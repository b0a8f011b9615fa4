"""Test support for the live game: the app's own storage for a hall (:class:`HallStore`:
a real store, a group session, a game started in it and ``store.live_games``' recorder),
a small thread-safe recorder for the game's unit tests (:class:`SqliteRecorder`, a real
SQLite file with the same promise: committed at once, an answer stored once per player
and question), and a few questions."""

from __future__ import annotations

import datetime
import json
import sqlite3
import threading
from pathlib import Path

from skillsapp.live.game import LiveAnswer, LivePlayer
from skillsapp.models import Question


class SqliteRecorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS players (game TEXT, id TEXT PRIMARY KEY, name TEXT,"
            " profile TEXT);"
            "CREATE TABLE IF NOT EXISTS answers (game TEXT, player TEXT, question TEXT,"
            " choices TEXT, correct INTEGER, points INTEGER, PRIMARY KEY (player, question));"
            "CREATE TABLE IF NOT EXISTS reveals (game TEXT, question TEXT, counts TEXT);"
            "CREATE TABLE IF NOT EXISTS finished (game TEXT);"
        )

    def player_joined(self, game_id: str, player: LivePlayer) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO players VALUES (?, ?, ?, ?)",
                (game_id, player.id, player.name, player.profile_id),
            )

    def answer_recorded(self, game_id: str, answer: LiveAnswer) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (
                    game_id,
                    answer.player_id,
                    answer.question_id,
                    ",".join(map(str, answer.choices)),
                    int(answer.correct),
                    answer.points,
                ),
            )
            return cursor.rowcount == 1

    def question_revealed(self, game_id: str, question_id: str, counts: tuple[int, ...]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO reveals VALUES (?, ?, ?)",
                (game_id, question_id, ",".join(map(str, counts))),
            )

    def game_finished(self, game_id: str) -> None:
        with self._lock:
            self._db.execute("INSERT INTO finished VALUES (?)", (game_id,))

    def rows(self, sql: str, *args: object) -> list[tuple]:
        """Read back through a fresh connection: what is on disk, not in this one's cache."""
        with sqlite3.connect(self.path) as reader:
            return reader.execute(sql, args).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def questions(count: int = 10) -> list[Question]:
    """``count`` questions; every third one has two right options."""
    made = []
    for n in range(count):
        multi = n % 3 == 2
        made.append(
            Question(
                id=f"q{n + 1}",
                topic="lua-dao",
                difficulty="easy",
                text=f"Câu hỏi số {n + 1}: tin nhắn nào là lừa đảo?",
                options=("Tin A", "Tin B", "Tin C", "Tin D"),
                correct=(0, 2) if multi else (n % 4,),
                explanation=f"Giải thích cho câu {n + 1}.",
            )
        )
    return made


class HallStore:
    """What the app stores for a phone game, in a temp folder: a real store (migrations and
    all), a group session with one checked-in resident (``profile_id``, ``RESIDENT``), a
    game started in it (``game_id``) and the recorder the app hands the game
    (``store.live_games.recorder()``). :meth:`answers` and friends read the file back
    through a fresh connection: what is on disk."""

    RESIDENT = "Trần Văn Ba"

    def __init__(self, folder: Path, question_ids: list[str]) -> None:
        from skillsapp.storage import open_store

        self.store = open_store(folder / "data")
        session = self.store.sessions.create(
            datetime.date(2026, 12, 3), "Nhà văn hóa thôn Đông", "Tổ thôn Đông", "lua-dao", "Bình"
        )
        self.session_id = session.id
        self.profile_id = self.store.profiles.create(self.RESIDENT).id
        self.store.sessions.check_in(session.id, self.profile_id)
        self.game_id = self.store.live_games.start(session.id, question_ids, speed_bonus=False)
        self.recorder = self.store.live_games.recorder()

    def roster(self) -> list[tuple[str, str]]:
        return [(self.profile_id, self.RESIDENT)]

    def rows(self, sql: str, *args: object) -> list[tuple]:
        with sqlite3.connect(self.store.live_games.database) as reader:
            return reader.execute(sql, args).fetchall()

    def answers(self) -> dict[tuple[str, str], list[int]]:
        """(player, question) -> the stored choices."""
        rows = self.rows("SELECT player_id, question_id, choices FROM live_answers")
        return {(p, q): json.loads(choices) for p, q, choices in rows}

    def players(self) -> list[tuple[str, str | None]]:
        return self.rows("SELECT display_name, profile_id FROM live_players ORDER BY joined_at")

    def quiz_counts(self) -> dict[str, list[int]]:
        """The session's quiz counts, as the reveals saved them."""
        rows = self.rows(
            "SELECT question_id, counts FROM session_quiz WHERE session_id = ?", self.session_id
        )
        return {q: json.loads(counts) for q, counts in rows}

    def close(self) -> None:
        self.recorder.close()
        self.store.close()
