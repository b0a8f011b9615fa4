"""Backups through SQLite's online backup API (safe while the app runs, WAL included).

Daily backups are named ``daily-YYYY-MM-DD.db`` and the newest 7 are kept;
a backup taken before a schema upgrade is named ``pre-migration-<time>.db``
and the newest 3 of those are kept.
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

DAILY_KEEP = 7
PRE_MIGRATION_KEEP = 3


def backup_to(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the open database into ``target`` (written beside, then renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    dest = sqlite3.connect(partial)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    partial.replace(target)
    return target


def daily_backup(
    conn: sqlite3.Connection, folder: Path, today: datetime.date | None = None
) -> Path | None:
    """Take today's backup if there is none yet, then drop the oldest past 7."""
    day = today or datetime.date.today()
    target = folder / f"daily-{day.isoformat()}.db"
    made = None
    if not target.exists():
        made = backup_to(conn, target)
    rotate(folder, "daily-", DAILY_KEEP)
    return made


def pre_migration_backup(conn: sqlite3.Connection, folder: Path) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    made = backup_to(conn, folder / f"pre-migration-{stamp}.db")
    rotate(folder, "pre-migration-", PRE_MIGRATION_KEEP)
    return made


def rotate(folder: Path, prefix: str, keep: int) -> list[Path]:
    """Delete the oldest backups with ``prefix`` beyond ``keep``; returns what was deleted."""
    found = sorted(folder.glob(f"{prefix}*.db"))
    doomed = found[:-keep] if len(found) > keep else []
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def backups_newest_first(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True)


def is_healthy(path: Path) -> bool:
    """True when ``path`` opens as SQLite and passes ``quick_check``."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("PRAGMA quick_check").fetchone()
            return row is not None and row[0] == "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
