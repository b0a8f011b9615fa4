"""Opening, migrating, backing up and recovering the local database."""

import datetime
import hashlib
import pathlib
import sqlite3

import pytest
from sqlite_utils import Database

from skillsapp.errors import DatabaseTooNewError, DataDirError
from skillsapp.paths import DataPaths
from skillsapp.storage import backups, migrations, open_store
from skillsapp.storage.database import connect


def tables(db) -> set[str]:
    return set(db.table_names())


def test_new_database_gets_every_table_and_wal(data_paths):
    store = open_store(data_paths)
    try:
        assert {
            "profiles",
            "attempts",
            "answers",
            "registrations",
            "lesson_progress",
            "group_sessions",
            "attendance",
            "outbox",
        } <= tables(store.db)
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert migrations.schema_version(store.db) == len(migrations.known_names())
        assert len(store.device_id) == 36
        assert store.notices == []
    finally:
        store.close()


def test_upgrade_from_an_earlier_schema_keeps_data_and_backs_up_first(data_paths):
    db = connect(data_paths.database)
    migrations.MIGRATIONS.apply(db, stop_before="m002_indexes")
    db["profiles"].insert({"id": "p1", "display_name": "Bà Lan", "created_at": "2026-01-01"})
    db.conn.commit()
    assert migrations.schema_version(db) == 1
    db.close()

    store = open_store(data_paths)
    try:
        assert migrations.schema_version(store.db) == len(migrations.known_names())
        assert store.profiles.get("p1").display_name == "Bà Lan"
        index_columns = [i.columns for i in store.db["registrations"].indexes]
        assert ["contest_id", "id_number"] in index_columns
        pre = list(data_paths.backups.glob("pre-migration-*.db"))
        assert len(pre) == 1
        old = Database(pre[0])
        assert migrations.schema_version(old) == 1  # the backup is of the old schema
        old.close()
    finally:
        store.close()


def test_reopening_is_stable_and_keeps_device_id(data_paths):
    first = open_store(data_paths)
    device = first.device_id
    first.profiles.create("Ông Tư")
    first.close()
    second = open_store(data_paths)
    try:
        assert second.device_id == device
        assert [p.display_name for p in second.profiles.list()] == ["Ông Tư"]
        assert not list(data_paths.backups.glob("pre-migration-*.db"))
    finally:
        second.close()


def test_corrupted_database_is_kept_aside_and_backup_restored(data_paths):
    store = open_store(data_paths)  # makes today's daily backup of an empty-profile db
    store.profiles.create("Chị Hoa")
    backups.backup_to(store.db.conn, data_paths.backups / "daily-2099-01-01.db")
    store.profiles.create("Anh Nam")  # after the backup: will be lost, and the user is told
    store.close()
    garbage = b"this is not a database" * 500
    data_paths.database.write_bytes(garbage)

    restored = open_store(data_paths)
    try:
        names = [p.display_name for p in restored.profiles.list()]
        assert names == ["Chị Hoa"]
        assert [n.kind for n in restored.notices] == ["restored"]
        assert "bản sao lưu" in restored.notices[0].message
        kept = list(data_paths.damaged.glob("skillsapp-*.db"))
        assert len(kept) == 1 and kept[0].read_bytes() == garbage
        assert restored.integrity_ok()
    finally:
        restored.close()


def test_an_emptied_database_file_with_backups_is_damaged_not_a_fresh_start(data_paths):
    # A power cut while the file was being rewritten (or a sync tool) left 0 bytes. With a
    # good backup at hand, starting empty would silently lose every learner.
    store = open_store(data_paths)
    store.profiles.create("Chị Hoa")
    backups.backup_to(store.db.conn, data_paths.backups / "daily-2099-01-01.db")
    store.close()
    for suffix in ("-wal", "-shm"):
        pathlib.Path(str(data_paths.database) + suffix).unlink(missing_ok=True)
    data_paths.database.write_bytes(b"")

    restored = open_store(data_paths)
    try:
        assert [p.display_name for p in restored.profiles.list()] == ["Chị Hoa"]
        assert [n.kind for n in restored.notices] == ["restored"]
        kept = list(data_paths.damaged.glob("skillsapp-*.db"))
        assert len(kept) == 1 and kept[0].stat().st_size == 0
    finally:
        restored.close()


def test_an_empty_database_file_without_backups_is_a_first_start(data_paths):
    data_paths.ensure()
    data_paths.database.write_bytes(b"")  # created, then the first start was cut short
    store = open_store(data_paths)
    try:
        assert store.notices == [] and store.profiles.list() == []
        assert not data_paths.damaged.exists() or not any(data_paths.damaged.iterdir())
    finally:
        store.close()


def test_corrupted_database_without_backup_starts_fresh_and_keeps_the_file(data_paths):
    data_paths.database.write_bytes(b"\x13garbage" * 1000)
    store = open_store(data_paths)
    try:
        assert [n.kind for n in store.notices] == ["unrecoverable"]
        assert "bị hỏng" in store.notices[0].message
        assert store.profiles.list() == []
        assert len(list(data_paths.damaged.glob("skillsapp-*.db"))) == 1
    finally:
        store.close()


def test_truncated_database_page_is_detected(data_paths):
    store = open_store(data_paths)
    for i in range(300):
        store.profiles.create(f"Người {i}")
    store.close()
    raw = bytearray(data_paths.database.read_bytes())
    # Overwrite the middle of the file with noise: a torn page on a dying disk.
    mid = len(raw) // 2
    raw[mid : mid + 8192] = bytes(range(256)) * 32
    data_paths.database.write_bytes(bytes(raw))
    for suffix in ("-wal", "-shm"):
        (data_paths.root / f"skillsapp.db{suffix}").unlink(missing_ok=True)
    again = open_store(data_paths)
    try:
        assert again.notices, "a damaged file must be reported"
        assert again.integrity_ok()
    finally:
        again.close()


def test_database_from_a_newer_version_is_refused_untouched(data_paths):
    store = open_store(data_paths)
    store.db["_sqlite_migrations"].insert(
        {"migration_set": "skillsapp", "name": "m999_future", "applied_at": "2030-01-01"}
    )
    store.close()
    before = hashlib.sha256(data_paths.database.read_bytes()).hexdigest()
    with pytest.raises(DatabaseTooNewError) as caught:
        open_store(data_paths)
    assert "phiên bản" in str(caught.value)
    assert hashlib.sha256(data_paths.database.read_bytes()).hexdigest() == before


def test_daily_backups_rotate_keeping_seven(data_paths):
    store = open_store(data_paths)
    try:
        start = datetime.date(2026, 1, 1)
        for day in range(12):
            backups.daily_backup(
                store.db.conn, data_paths.backups, start + datetime.timedelta(days=day)
            )
        daily = sorted(p.name for p in data_paths.backups.glob("daily-*.db"))
        assert len(daily) == 7
        assert "daily-2026-01-12.db" in daily and "daily-2026-01-05.db" not in daily
        assert backups.is_healthy(data_paths.backups / "daily-2026-01-12.db")
    finally:
        store.close()


def test_backup_contains_committed_rows_still_in_the_wal(data_paths):
    store = open_store(data_paths)
    try:
        store.profiles.create("Cô Mai")
        target = backups.backup_to(store.db.conn, data_paths.backups / "manual.db")
        copy = sqlite3.connect(target)
        assert copy.execute("SELECT display_name FROM profiles").fetchall() == [("Cô Mai",)]
        copy.close()
    finally:
        store.close()


def test_unwritable_data_folder_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(DataDirError) as caught:
        DataPaths(blocker / "data").ensure()
    assert "Không thể lưu dữ liệu" in str(caught.value)
    assert str(blocker / "data") in str(caught.value)
