"""The server's data folder is private to the server's user.

The folder is 0700 and the SQLite database 0600 (SQLite gives its ``-wal`` and
``-shm`` files the database file's mode), created that way before any data is
written; an existing folder or file with looser modes is tightened at start.
The signing key is created 0600 by :mod:`skillsapp.server.keys`. Published pack
zips in ``packs/`` are public content (every PC downloads them) and keep the
ordinary 0644; the 0700 folder above them still keeps other local users out.

POSIX only: on Windows the folder inherits the ACLs of where it is made.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600
_DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _tighten(path: Path, mode: int) -> bool:
    """Set ``mode`` if the current one gives more; True when it changed."""
    current = stat.S_IMODE(path.stat().st_mode)
    if current & ~mode:
        os.chmod(path, current & mode)
        return True
    return False


def private_folder(path: Path) -> None:
    """Create ``path`` 0700 (parents too), or tighten it if it exists with looser modes."""
    if os.name != "posix":
        path.mkdir(parents=True, exist_ok=True)
        return
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            path.mkdir(mode=FOLDER_MODE)  # the umask can only narrow this, never widen it
    if _tighten(path, FOLDER_MODE):
        log.warning("server data folder was readable by other users; now 0700")


def private_file(path: Path) -> None:
    """Create ``path`` empty and 0600 if missing (before anyone writes data to it),
    or tighten an existing file."""
    if os.name != "posix":
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        if _tighten(path, FILE_MODE):
            log.warning("server file %s was readable by other users; now 0600", path.name)


def sqlite_file(url: str) -> Path | None:
    """The database file of a ``sqlite:///path`` URL (None for memory or another database)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url[len(prefix) :] in ("", ":memory:"):
        return None
    return Path(url[len(prefix) :].split("?", 1)[0])


def prepare_data_dir(config) -> None:
    """Make the data folder and SQLite files private before the server opens them."""
    private_folder(config.data_dir)
    database = sqlite_file(config.db_url)
    if database is None:
        return
    private_folder(database.parent)
    private_file(database)
    for suffix in _DATABASE_SUFFIXES[1:]:
        companion = Path(str(database) + suffix)
        if companion.exists():
            private_file(companion)
    key = config.key_file
    if key.exists():
        private_file(key)
