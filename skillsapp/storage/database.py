"""Opening the SQLite file safely: WAL, durable commits, checks and recovery.

:func:`open_database` never raises on a damaged file. It moves the file aside
into ``damaged/``, restores the newest healthy backup, and reports what it did
in the returned notices. It does raise :class:`DatabaseTooNewError` for a file
written by a newer app, without touching that file.
"""

from __future__ import annotations

import datetime
import logging
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from skillsapp.errors import DatabaseTooNewError, DatabaseUnrecoverableError
from skillsapp.i18n import _, format_datetime
from skillsapp.paths import DataPaths
from skillsapp.storage import backups, migrations
from skillsapp.storage.connection import Database
from skillsapp.storage.wal import check_wal

log = logging.getLogger(__name__)


@dataclass
class OpenNotice:
    """Something the user should be told after opening (restored backup, etc.)."""

    kind: str  # "restored" | "unrecoverable" | "wal_damaged"
    message: str


@dataclass
class OpenedDatabase:
    db: Database
    notices: list[OpenNotice] = field(default_factory=list)
    migrated_from: int = 0


def connect(path: Path) -> Database:
    """A connection with the pragmas every skillsapp connection uses.

    ``synchronous=FULL`` with WAL makes each commit survive a power cut; a
    commit costs a fraction of a millisecond on an SSD, well within budget.
    """
    conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    db = Database(conn)
    conn.execute("PRAGMA recursive_triggers=on")  # as sqlite-utils sets it on a connection
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    return db


def _quick_check(db: Database) -> bool:
    try:
        row = db.execute("PRAGMA quick_check").fetchone()
        return row is not None and row[0] == "ok"
    except sqlite3.DatabaseError:
        return False


def _move_aside(paths: DataPaths) -> Path:
    """Move the database and its WAL/SHM files into ``damaged/`` and return the new path."""
    paths.damaged.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    kept = paths.damaged / f"skillsapp-{stamp}.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(paths.database) + suffix)
        if source.exists():
            shutil.move(str(source), str(kept) + suffix)
    return kept


def _open_checked(path: Path) -> Database | None:
    try:
        db = connect(path)
    except sqlite3.DatabaseError:
        return None
    if _quick_check(db):
        return db
    db.close()
    return None


def _recover(paths: DataPaths) -> tuple[Database, OpenNotice]:
    kept = _move_aside(paths)
    log.error("database failed its check; kept aside as %s", kept.name)
    for candidate in backups.backups_newest_first(paths.backups):
        if backups.is_healthy(candidate):
            shutil.copy2(candidate, paths.database)
            db = connect(paths.database)
            when = datetime.datetime.fromtimestamp(candidate.stat().st_mtime).astimezone()
            message = _(
                "The data file was damaged. It was kept in {damaged} and the backup of "
                "{when} was restored. Work done after that backup may be missing."
            ).format(damaged=kept, when=format_datetime(when))
            log.warning("restored backup %s", candidate.name)
            return db, OpenNotice("restored", message)
    db = connect(paths.database)
    return db, OpenNotice("unrecoverable", DatabaseUnrecoverableError(kept).user_message())


def _keep_damaged_wal(paths: DataPaths) -> OpenNotice | None:
    """Before SQLite replays (and then discards) a damaged write-ahead log: keep a copy of
    it and of the database in the backups folder, and say what may be missing."""
    wal = Path(f"{paths.database}-wal")
    check = check_wal(wal)
    if not check.damaged:
        return None
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    # A subfolder: the copied .db must never be taken for a backup to restore.
    kept = paths.backups / f"wal-damaged-{stamp}"
    kept.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{paths.database}{suffix}")
        if source.exists():
            shutil.copy2(source, kept / f"skillsapp.db{suffix}")
    log.error("write-ahead log damaged (%s); copies kept in %s", check.reason, kept.name)
    changed = datetime.datetime.fromtimestamp(wal.stat().st_mtime).astimezone()
    message = _(
        "The data file's change log was damaged (a power cut or a copy cut short can do "
        "this). The app opened your data, but the work saved last, shortly before "
        "{when}, may be missing: check the newest results and registrations. A copy of the "
        "damaged files was kept in {folder}."
    ).format(when=format_datetime(changed), folder=kept)
    return OpenNotice("wal_damaged", message)


def open_database(paths: DataPaths) -> OpenedDatabase:
    """Open (or create) the database, recover it if damaged, and bring its schema up to date."""
    paths.ensure()
    notices: list[OpenNotice] = []
    existed = paths.database.exists() and paths.database.stat().st_size > 0
    # A 0-byte file is a first start only when there is nothing to lose; with backups at
    # hand it is a file emptied by a power cut or a copy tool, and is treated as damaged.
    emptied = (
        paths.database.exists()
        and not existed
        and any(backups.is_healthy(c) for c in backups.backups_newest_first(paths.backups))
    )
    if existed:
        wal_notice = _keep_damaged_wal(paths)
        if wal_notice is not None:
            notices.append(wal_notice)
    db = None if emptied else _open_checked(paths.database) if existed else connect(paths.database)
    if db is None:
        db, notice = _recover(paths)
        notices.append(notice)

    newer = migrations.unknown_applied(db)
    if newer:
        db.close()
        raise DatabaseTooNewError(paths.database, ", ".join(newer))

    before = migrations.schema_version(db)
    pending = migrations.MIGRATIONS.pending(db)
    if pending and before > 0:
        backups.pre_migration_backup(db.conn, paths.backups)
    if pending:
        migrations.MIGRATIONS.apply(db)
        log.info("schema upgraded from %d to %d steps", before, migrations.schema_version(db))
    try:
        backups.daily_backup(db.conn, paths.backups)
    except (OSError, sqlite3.Error) as exc:  # a failed backup must not stop the app
        log.warning("daily backup failed: %s", type(exc).__name__)
    return OpenedDatabase(db, notices, migrated_from=before)
