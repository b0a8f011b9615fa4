"""One INSERT of many rows that skips rows whose primary key exists, at the driver level.

SQLAlchemy's per-row processing costs more than the database itself for a batch of
15,000 answers, so rows go to the driver as plain tuples: one ``executemany`` on SQLite,
one ``unnest`` of one array per column on PostgreSQL (a pipelined executemany of 15,000
answers spent a fifth of the server's time talking to PostgreSQL). The arrays go in
psycopg's binary format (``%b``): in text format every attempt's JSON payload was escaped
into an array literal by the driver and parsed back by the server, 2 s of a 500-attempt
batch's 2.2 s; in binary it is a length and the bytes (0.15 s). The values are the same:
each array is cast to its column's type as before.

>>> insert_ignore_rows(conn, db.answers, ("attempt_id", "question_id", ...), rows)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

_SQL: dict[tuple[str, str, tuple[str, ...]], str] = {}  # (dialect, table, columns) -> statement


def _statement(conn: Connection, table: Table, columns: tuple[str, ...]) -> str:
    cache_key = (conn.dialect.name, table.name, columns)
    sql = _SQL.get(cache_key)
    if sql is None:
        key = ", ".join(c.name for c in table.primary_key.columns)
        names = ", ".join(columns)
        if conn.dialect.name == "postgresql":
            arrays = ", ".join(
                f"%b::{table.c[c].type.compile(dialect=conn.dialect)}[]" for c in columns
            )
            sql = (
                f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}) "
                f"ON CONFLICT ({key}) DO NOTHING"
            )
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT OR IGNORE INTO {table.name} ({names}) VALUES ({marks})"
        _SQL[cache_key] = sql
    return sql


def insert_ignore_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT ``rows`` (tuples in ``columns`` order), skipping those whose primary key
    exists (a concurrent retry got there first)."""
    if not rows:
        return
    sql = _statement(conn, table, tuple(columns))
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(sql, tuple(list(values) for values in zip(*rows, strict=True)))
    else:
        conn.exec_driver_sql(sql, rows)
