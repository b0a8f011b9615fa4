"""The local SQLite store: opening, recovery, backups, migrations and records."""

from skillsapp.storage.store import OpenNotice, Store, open_store

__all__ = ["OpenNotice", "Store", "open_store"]
