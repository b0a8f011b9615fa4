"""Numbered schema migrations, applied with sqlite-utils ``Migrations``.

Each step runs in its own transaction together with the record that it ran.
Never edit a released step: add a new one.

>>> known_names()[:2]
['m001_initial', 'm002_indexes']

A start with nothing to migrate (the usual one) only reads which steps ran, in plain SQL:
sqlite-utils is imported when a step must actually run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

# sqlite-utils' record of applied steps (its ``Migrations.migrations_table``).
APPLIED_TABLE = "_sqlite_migrations"


class Applied(NamedTuple):
    name: str
    applied_at: str


class Step(NamedTuple):
    name: str
    fn: Callable[[Any], None]
    transactional: bool


class Steps:
    """The steps of one migration set, registered like sqlite-utils' ``Migrations``
    (``@MIGRATIONS(name="m005_...")``). Reading what ran is plain SQL; :meth:`apply` hands
    the steps to sqlite-utils' ``Migrations``, which records them the same way."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.steps: list[Step] = []

    def __call__(self, *, name: str | None = None, transactional: bool = True):
        def inner(fn):
            step_name = name or fn.__name__
            if any(s.name == step_name for s in self.steps):
                raise ValueError(
                    f"Migration '{step_name}' is already registered in set '{self.name}'"
                )
            self.steps.append(Step(step_name, fn, transactional))
            return fn

        return inner

    def applied(self, db) -> list[Applied]:
        """The steps this database has run, in the order they ran (read-only)."""
        exists = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [APPLIED_TABLE]
        ).fetchone()
        if not exists:
            return []
        rows = db.execute(
            f"SELECT name, applied_at FROM [{APPLIED_TABLE}] WHERE migration_set = ? "
            "ORDER BY rowid",
            [self.name],
        ).fetchall()
        return [Applied(name, applied_at) for name, applied_at in rows]

    def pending(self, db) -> list[Step]:
        done = {m.name for m in self.applied(db)}
        return [s for s in self.steps if s.name not in done]

    def migrations(self) -> Migrations:
        """sqlite-utils' ``Migrations`` holding these steps (imports sqlite-utils)."""
        from sqlite_utils.migrations import Migrations

        real = Migrations(self.name)
        for step in self.steps:
            real(name=step.name, transactional=step.transactional)(step.fn)
        return real

    def apply(self, db, *, stop_before: str | Iterable[str] | None = None) -> None:
        """Run the pending steps. ``db``: the app's connection or a sqlite-utils Database."""
        utils = getattr(db, "utils", db)  # skillsapp.storage.connection.Database -> sqlite-utils
        self.migrations().apply(utils, stop_before=stop_before)


MIGRATIONS = Steps("skillsapp")


def known_names() -> list[str]:
    return [s.name for s in MIGRATIONS.steps]


def schema_version(db) -> int:
    """How many of our migrations the database has applied."""
    return len(MIGRATIONS.applied(db))


def unknown_applied(db) -> list[str]:
    """Migrations recorded in the file that this version does not know (a newer app)."""
    known = set(known_names())
    return [m.name for m in MIGRATIONS.applied(db) if m.name not in known]


@MIGRATIONS(name="m001_initial")
def m001_initial(db: Database) -> None:
    db.table("device").create({"key": str, "value": str}, pk="key")

    # One shared PC serves many residents; a profile holds only what learning needs.
    db.table("profiles").create(
        {
            "id": str,
            "display_name": str,
            "birth_year": int,
            "province_code": str,
            "commune_code": str,
            "village": str,
            "avatar": str,
            "pin_hash": str,
            "created_at": str,
            "updated_at": str,
            "archived_at": str,
        },
        pk="id",
        not_null={"display_name", "created_at"},
    )

    # Index of installed content: startup reads these rows, not the pack files.
    db.table("packs").create(
        {
            "id": str,
            "version": str,
            "title": str,
            "title_en": str,
            "language": str,
            "path": str,
            "checksum": str,
            "installed_at": str,
            "data": str,
        },
        pk="id",
    )
    db.table("lessons").create(
        {
            "id": str,
            "pack_id": str,
            "topic": str,
            "ord": int,
            "title": str,
            "title_en": str,
            "minutes": int,
            "path": str,
            "data": str,
        },
        pk="id",
        foreign_keys=[("pack_id", "packs", "id")],
    )
    db.table("questions").create(
        {"id": str, "pack_id": str, "topic": str, "difficulty": str, "data": str},
        pk="id",
        foreign_keys=[("pack_id", "packs", "id")],
    )
    # Contests from packs (source='pack') or made by an organiser (source='local').
    # No foreign key to packs: removing a pack must never remove a contest or its results.
    db.table("contests").create(
        {
            "id": str,
            "pack_id": str,
            "source": str,
            "title": str,
            "data": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
    )

    # Progress and results refer to content by its stable id, not by foreign key,
    # so updating or removing a pack never deletes them.
    db.table("lesson_progress").create(
        {
            "id": str,
            "profile_id": str,
            "lesson_id": str,
            "status": str,
            "position": int,
            "best_percent": float,
            "completed_at": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"profile_id", "lesson_id", "status", "created_at"},
        foreign_keys=[("profile_id", "profiles", "id")],
    )
    db.table("lesson_progress").create_index(["profile_id", "lesson_id"], unique=True)

    db.table("registrations").create(
        {
            "id": str,
            "profile_id": str,
            "contest_id": str,
            "full_name": str,
            "date_of_birth": str,
            "id_number": str,
            "phone": str,
            "province_code": str,
            "commune_code": str,
            "village": str,
            "participant_group": str,
            "complete": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"profile_id", "contest_id", "full_name", "created_at"},
        foreign_keys=[("profile_id", "profiles", "id")],
    )

    db.table("attempts").create(
        {
            "id": str,
            "profile_id": str,
            "kind": str,  # practice | review | contest
            "lesson_id": str,
            "contest_id": str,
            "round_id": str,
            "registration_id": str,
            "seed": int,
            "layout": str,  # JSON: ordered question ids, each with its option order
            "time_limit_s": int,
            "started_at": str,
            "deadline_at": str,
            "submitted_at": str,
            "status": str,  # open | submitted
            "score": float,
            "max_score": float,
            "duration_ms": int,
            "prediction": int,
            "clock_events": str,
            "device_id": str,
            "created_at": str,
        },
        pk="id",
        not_null={"profile_id", "kind", "status", "started_at", "created_at"},
        foreign_keys=[("profile_id", "profiles", "id")],
    )
    db.table("answers").create(
        {
            "id": str,
            "attempt_id": str,
            "question_id": str,
            "position": int,
            "chosen": str,  # JSON list of option indexes in the question's own order
            "mark": float,
            "answered_at": str,
            "elapsed_ms": int,
            "created_at": str,
        },
        pk="id",
        not_null={"attempt_id", "question_id", "chosen", "answered_at", "created_at"},
        foreign_keys=[("attempt_id", "attempts", "id")],
    )
    db.table("answers").create_index(["attempt_id", "question_id"], unique=True)

    db.table("review_items").create(
        {
            "id": str,
            "profile_id": str,
            "question_id": str,
            "box": int,
            "due_at": str,
            "last_result": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("profile_id", "profiles", "id")],
    )
    db.table("review_items").create_index(["profile_id", "question_id"], unique=True)

    db.table("group_sessions").create(
        {
            "id": str,
            "held_on": str,
            "place": str,
            "group_name": str,
            "topic": str,
            "leader": str,
            "notes": str,
            "created_at": str,
            "closed_at": str,
        },
        pk="id",
        not_null={"held_on", "created_at"},
    )
    db.table("attendance").create(
        {"id": str, "session_id": str, "profile_id": str, "checked_in_at": str},
        pk="id",
        foreign_keys=[("session_id", "group_sessions", "id"), ("profile_id", "profiles", "id")],
    )
    db.table("attendance").create_index(["session_id", "profile_id"], unique=True)
    db.table("session_quiz").create(
        {
            "id": str,
            "session_id": str,
            "question_id": str,
            "counts": str,
            "revealed_at": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("session_id", "group_sessions", "id")],
    )

    db.table("organisers").create(
        {"id": str, "username": str, "password_hash": str, "role": str, "created_at": str},
        pk="id",
    )
    db.table("organisers").create_index(["username"], unique=True)
    db.table("audit_log").create(
        {"id": int, "at": str, "actor": str, "action": str, "detail": str}, pk="id"
    )
    db.table("targets").create(
        {
            "id": str,
            "year": int,
            "province_code": str,
            "commune_code": str,
            "metric": str,
            "target": int,
            "created_at": str,
        },
        pk="id",
    )

    # Everything that must reach the province waits here until the server confirms it.
    db.table("outbox").create(
        {
            "seq": int,
            "record_type": str,
            "record_id": str,
            "payload": str,
            "created_at": str,
            "sent_at": str,
            "tries": int,
            "last_error": str,
        },
        pk="seq",
        not_null={"record_type", "record_id", "payload", "created_at"},
    )
    db.table("sync_state").create({"key": str, "value": str}, pk="key")


@MIGRATIONS(name="m002_indexes")
def m002_indexes(db: Database) -> None:
    db.table("attempts").create_index(["contest_id", "round_id"])
    db.table("attempts").create_index(["profile_id", "kind"])
    db.table("questions").create_index(["topic", "difficulty"])
    db.table("lessons").create_index(["topic"])
    db.table("outbox").create_index(["sent_at"])
    db.table("registrations").create_index(["contest_id", "id_number"], unique=True)


@MIGRATIONS(name="m003_attempt_order")
def m003_attempt_order(db: Database) -> None:
    # Exports stream a round's attempts in submission order straight from this index.
    db.table("attempts").create_index(["contest_id", "round_id", "submitted_at", "id"])


@MIGRATIONS(name="m004_attempt_draw_version")
def m004_attempt_draw_version(db: Database) -> None:
    # The server re-derives each contest attempt's draw: it needs the draw contract's
    # version and the contest version the attempt was drawn under (docs/draw-contract.md).
    db.table("attempts").add_column("draw_version", int)
    db.table("attempts").add_column("contest_version", str)


@MIGRATIONS(name="m005_live_games")
def m005_live_games(db: Database) -> None:
    # A quiz played on residents' phones in a group session (issue 14). Every row is
    # written the moment the phone is told "recorded", from the hall server's thread.
    db.table("live_games").create(
        {
            "id": str,
            "session_id": str,
            "question_ids": str,  # JSON list, in the order the leader shows them
            "speed_bonus": int,
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"session_id", "question_ids", "speed_bonus", "started_at"},
        foreign_keys=[("session_id", "group_sessions", "id")],
    )
    db.table("live_games").create_index(["session_id"])
    # A display name typed on a phone stays on this PC; only counts leave it.
    db.table("live_players").create(
        {
            "game_id": str,
            "player_id": str,
            "display_name": str,
            "profile_id": str,  # set when the resident picked their checked-in name
            "joined_at": str,
        },
        pk=("game_id", "player_id"),
        not_null={"game_id", "player_id", "display_name", "joined_at"},
        foreign_keys=[("game_id", "live_games", "id"), ("profile_id", "profiles", "id")],
    )
    db.table("live_answers").create(
        {
            "game_id": str,
            "player_id": str,
            "question_id": str,
            "choices": str,  # JSON list of option indexes in the question's own order
            "correct": int,
            "points": int,
            "answered_at": str,
            "ms_after_open": int,
        },
        pk=("game_id", "player_id", "question_id"),  # one answer per player and question
        not_null={
            "game_id",
            "player_id",
            "question_id",
            "choices",
            "correct",
            "points",
            "answered_at",
            "ms_after_open",
        },
        foreign_keys=[("game_id", "live_games", "id")],
    )
