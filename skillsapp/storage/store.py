"""The one object that owns the open data, with a manager for each kind of record.

>>> store = open_store(DataPaths(Path(tmp)))          # doctest: +SKIP
>>> profile = store.profiles.create("Bà Lan", birth_year=1958)   # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path

from skillsapp.paths import DataPaths
from skillsapp.storage.attempts import Attempts
from skillsapp.storage.connection import Database
from skillsapp.storage.content_index import ContentIndex
from skillsapp.storage.database import OpenNotice, open_database
from skillsapp.storage.group_sessions import GroupSessions
from skillsapp.storage.ids import new_id, utc_now_iso
from skillsapp.storage.live_games import LiveGames
from skillsapp.storage.organisers import Organisers
from skillsapp.storage.outbox import Outbox
from skillsapp.storage.profiles import Profiles
from skillsapp.storage.progress import Progress
from skillsapp.storage.registrations import Registrations
from skillsapp.storage.targets import Targets


class Store:
    """Owns the database connection. Screens call its managers; they never run SQL."""

    def __init__(self, db: Database, paths: DataPaths, notices: list[OpenNotice] | None = None):
        self.db = db
        self.paths = paths
        self.notices = notices or []
        self.device_id = self._device_id()
        self.outbox = Outbox(db)
        self.profiles = Profiles(db, self.outbox)
        self.content = ContentIndex(db)
        self.attempts = Attempts(db, self.outbox, self.device_id)
        self.progress = Progress(db, self.outbox)
        self.registrations = Registrations(db, self.outbox)
        self.organisers = Organisers(db)
        self.sessions = GroupSessions(db, self.outbox)
        self.live_games = LiveGames(db, paths.database)
        self.targets = Targets(db)

    def _device_id(self) -> str:
        row = self.db.execute("SELECT value FROM device WHERE key = 'device_id'").fetchone()
        if row:
            return str(row[0])
        device_id = new_id()
        with self.db.atomic():
            self.db.table("device").insert({"key": "device_id", "value": device_id})
            self.db.table("device").insert({"key": "created_at", "value": utc_now_iso()})
        return device_id

    def get_state(self, key: str, default: object = None) -> object:
        row = self.db.execute("SELECT value FROM sync_state WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_state(self, key: str, value: object) -> None:
        with self.db.atomic():
            self.db.table("sync_state").upsert({"key": key, "value": json.dumps(value)}, pk="key")

    def integrity_ok(self) -> bool:
        row = self.db.execute("PRAGMA integrity_check").fetchone()
        return bool(row and row[0] == "ok")

    def for_thread(self) -> Store:
        """A second store on its own connection, for a background thread.

        SQLite connections must not be shared across threads; this one skips the
        checks, migrations and backups the first open already did.
        """
        from skillsapp.storage.database import connect

        return Store(connect(self.paths.database), self.paths)

    def close(self) -> None:
        self.live_games.close_recorders()
        self.db.close()


def open_store(paths: DataPaths | Path) -> Store:
    """Open the store under a data folder, creating, migrating or recovering as needed."""
    if isinstance(paths, Path):
        paths = DataPaths(paths)
    opened = open_database(paths)
    return Store(opened.db, paths, opened.notices)
