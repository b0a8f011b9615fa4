"""Test support for the live game: a small thread-safe recorder that stores into a real
SQLite file (its own connection and lock), and a few questions.

It is not a copy of the app's recorder (``skillsapp/storage/live_games.py``): it keeps
just what the tests read back, with the same promise: committed at once, an answer
stored once per player and question."""

from __future__ import annotations

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
