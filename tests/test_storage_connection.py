"""The app's connection: plain sqlite3 with sqlite-utils' transaction rules, sqlite-utils on demand."""

import random
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils
from sqlite_utils.db import _first_keyword

from skillsapp.storage import migrations
from skillsapp.storage.connection import Database, first_keyword
from skillsapp.storage.database import connect


def _state(path) -> list[tuple]:
    """What another connection sees: only committed rows."""
    other = sqlite3.connect(path)
    try:
        return other.execute("SELECT x FROM t ORDER BY rowid").fetchall()
    finally:
        other.close()


def _run(db, script: list[str], path) -> list[object]:
    """Run a script of writes, atomic blocks (nested) and failures; return what was observed
    after each step: committed rows, the connection's transaction state, errors."""
    seen: list[object] = []

    def step(action: str, depth: int) -> None:
        if action == "insert":
            db.execute("INSERT INTO t VALUES (?)", [len(seen)])
        elif action == "bad":  # a failing write: NOT NULL
            try:
                db.execute("INSERT INTO t VALUES (NULL)")
            except sqlite3.IntegrityError as exc:
                seen.append(type(exc).__name__)
        elif action == "select":
            seen.append(db.execute("SELECT count(*) FROM t").fetchone()[0])
        elif action in ("atomic", "atomic_fail") and depth < 3:
            try:
                with db.atomic():
                    db.execute("INSERT INTO t VALUES (?)", [1000 + len(seen)])
                    step(random.choice(["insert", "select", "atomic", "atomic_fail"]), depth + 1)
                    if action == "atomic_fail":
                        raise KeyError("undo")
            except KeyError:
                seen.append("undone")
        seen.append((db.conn.in_transaction, tuple(_state(path))))

    for action in script:
        step(action, 0)
    return seen


@pytest.mark.parametrize("seed", range(30))
def test_transactions_behave_as_sqlite_utils(tmp_path, seed):
    """Random scripts of writes, nested atomic blocks and failures leave the same committed
    rows, at every step, on our connection and on sqlite-utils' own Database."""
    actions = ["insert", "bad", "select", "atomic", "atomic_fail"]
    script = random.Random(seed).choices(actions, k=12)
    results = []
    for kind in ("ours", "reference"):
        path = tmp_path / f"{kind}.db"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x INTEGER NOT NULL)")
        conn.commit()
        db = Database(conn) if kind == "ours" else sqlite_utils.Database(conn)
        random.seed(seed)  # the same nested choices on both sides
        results.append(_run(db, script, path))
        conn.close()
    assert results[0] == results[1]


def test_a_failed_commit_rolls_back_and_raises(tmp_path):
    db = connect(tmp_path / "a.db")
    db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    db.execute("CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)")
    with pytest.raises(sqlite3.IntegrityError), db.atomic():
        db.execute("INSERT INTO child VALUES (7)")  # checked only at COMMIT
    assert not db.conn.in_transaction
    assert db.execute("SELECT count(*) FROM child").fetchone()[0] == 0
    db.close()


@pytest.mark.parametrize(
    "sql",
    [
        "insert into t values (1)",
        "  -- note\n  UPDATE t SET x = 1",
        "/* a */ /* b */ delete from t",
        ";;\ufeff begin",
        "WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a",
        "/* never closed",
        "-- only a comment",
        "",
        "savepoint_x",
        "RELEASE s",
    ],
)
def test_first_keyword_reads_sql_as_sqlite_utils_does(sql):
    assert first_keyword(sql) == _first_keyword(sql)


def test_table_helpers_come_from_sqlite_utils_on_the_same_connection(tmp_path):
    db = connect(tmp_path / "a.db")
    with db.atomic():
        db.execute("CREATE TABLE device (key TEXT PRIMARY KEY, value TEXT)")
        db.table("device").insert({"key": "k", "value": "v"})
        db["device"].upsert({"key": "k", "value": "w"}, pk="key")
    assert db.execute("SELECT value FROM device").fetchall() == [("w",)]
    assert db.table_names() == ["device"]
    assert db.utils.conn is db.conn
    db.close()


def test_reading_applied_migrations_matches_sqlite_utils(tmp_path):
    db = connect(tmp_path / "a.db")
    assert migrations.MIGRATIONS.applied(db) == [] and migrations.schema_version(db) == 0
    migrations.MIGRATIONS.apply(db, stop_before="m003_attempt_order")
    db.execute(  # another set's record in the same table is not ours
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        ["other", "x001", "2026-01-01"],
    )
    real = migrations.MIGRATIONS.migrations()
    ours = migrations.MIGRATIONS.applied(db)
    assert [(m.name, m.applied_at) for m in ours] == [
        (m.name, m.applied_at) for m in real.applied(db.utils)
    ]
    assert [m.name for m in ours] == ["m001_initial", "m002_indexes"]
    assert [s.name for s in migrations.MIGRATIONS.pending(db)] == [
        m.name for m in real.pending(db.utils)
    ]
    migrations.MIGRATIONS.apply(db)
    assert migrations.schema_version(db) == len(migrations.known_names())
    assert migrations.MIGRATIONS.pending(db) == []
    db.close()


def test_a_step_name_cannot_be_registered_twice():
    steps = migrations.Steps("test")
    steps(name="a")(lambda db: None)
    with pytest.raises(ValueError, match="already registered"):
        steps(name="a")(lambda db: None)


def test_opening_an_up_to_date_store_does_not_import_sqlite_utils(tmp_path):
    """Creating the database runs the migrations (sqlite-utils); opening it again, reading
    and closing it do not load sqlite-utils or what it pulls in."""
    opening = (
        "import sys, pathlib\n"
        "from skillsapp.storage import open_store\n"
        f"store = open_store(pathlib.Path({str(tmp_path)!r}))\n"
        "assert store.integrity_ok() and store.get_state('nothing', 1) == 1\n"
        "store.content.lessons()\n"
        "store.for_thread().close()\n"
        "store.close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlite_utils', 'click', 'pluggy', 'dateutil')))\n"
    )
    first = subprocess.run([sys.executable, "-c", opening], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "sqlite_utils" in first.stdout  # the new database's tables: migrations ran
    again = subprocess.run([sys.executable, "-c", opening], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "[]"
