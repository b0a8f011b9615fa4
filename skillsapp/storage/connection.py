"""The app's SQLite connection: plain ``sqlite3`` on the everyday path, sqlite-utils on demand.

sqlite-utils does the schema work (creating tables and indexes, the numbered migrations) and
its table helpers (``db.table("device").upsert(...)``) stay available, but importing it
loads click, pluggy, dateutil and importlib.metadata (about 10 MiB and 100 modules). A
normal start only reads and runs SQL, so :class:`Database` answers ``execute``, ``atomic``,
``conn`` and ``close`` itself, with the same transaction rules as sqlite-utils, and loads a
sqlite-utils ``Database`` on the same connection the first time anything else is asked for.

>>> db = Database(sqlite3.connect(":memory:"))
>>> with db.atomic():
...     _ = db.execute("CREATE TABLE t (x)")
...     _ = db.execute("INSERT INTO t VALUES (1)")
>>> db.execute("SELECT x FROM t").fetchall()
[(1,)]
>>> db.table("t").count  # sqlite-utils, loaded now
1
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

# Statements that control transactions themselves (never committed behind their back).
_TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def first_keyword(sql: str) -> str:
    """The first keyword of ``sql``, upper-cased, after whitespace, ``;``, a byte order mark
    and ``--`` or ``/* */`` comments (what sqlite3 skips); "" when there is none."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace() or sql[i] in (";", "\ufeff"):
            i += 1
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            i = n if newline == -1 else newline + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end == -1 else end + 2
        else:
            break
    start = i
    while i < n and (sql[i].isalnum() or sql[i] == "_"):
        i += 1
    return sql[start:i].upper()


class Database:
    """One SQLite connection. ``execute`` and ``atomic`` behave as sqlite-utils' do: a write
    outside a transaction is committed at once, ``atomic`` blocks nest as savepoints. Any
    other attribute (``table``, ``db["name"]``, ``table_names``...) is sqlite-utils'."""

    _utils: sqlite_utils.Database | None = None

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None):
        """Run one statement and return the cursor (``db.execute(sql, [a, b])``)."""
        conn = self.conn
        was_in_transaction = conn.in_transaction
        try:
            cursor = conn.execute(sql) if parameters is None else conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and conn.in_transaction:
                conn.execute("ROLLBACK")  # the failed write's implicit transaction
            raise
        if (
            not was_in_transaction
            and conn.in_transaction
            and cursor.description is None
            and first_keyword(sql) not in _TRANSACTION_CONTROL
        ):
            conn.execute("COMMIT")
        return cursor

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        """All or nothing: ``with db.atomic(): ...``; nested blocks are savepoints."""
        conn = self.conn
        if conn.in_transaction:
            # os.urandom, not secrets: the name needs to be unique, and secrets loads OpenSSL.
            savepoint = f"sqlite_utils_{os.urandom(16).hex()}"
            conn.execute(f"SAVEPOINT {savepoint};")
            try:
                yield self
            except BaseException:
                # A RAISE(ROLLBACK) can end the whole transaction, savepoint included.
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint};")
                    conn.execute(f"RELEASE SAVEPOINT {savepoint};")
                raise
            else:
                conn.execute(f"RELEASE SAVEPOINT {savepoint};")
        else:
            # IMMEDIATE: the write lock is taken (waiting up to the busy timeout) before the
            # block reads anything. A deferred BEGIN that reads first and writes after fails at
            # once with "database is locked" if another connection (the bundled content's
            # install, a sync) wrote in between: SQLite cannot wait for that case.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                try:
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise

    def close(self) -> None:
        self.conn.close()

    @property
    def utils(self) -> sqlite_utils.Database:
        """sqlite-utils' ``Database`` on this same connection (imported on first use)."""
        if self._utils is None:
            from sqlite_utils import Database as UtilsDatabase

            self._utils = UtilsDatabase(self.conn)
        return self._utils

    def table(self, table_name: str, **kwargs: Any) -> sqlite_utils.db.Table:
        return self.utils.table(table_name, **kwargs)

    def __getitem__(self, table_name: str) -> sqlite_utils.db.Table:
        return self.utils[table_name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("conn", "utils"):
            raise AttributeError(name)
        return getattr(self.utils, name)
