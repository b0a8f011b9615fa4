"""A damaged write-ahead log found at open (issue 16 item 10, second half): SQLite would
silently drop the commits after a bad frame, so the app checks the WAL itself, keeps a
copy aside and tells the user; a healthy WAL left by a power cut raises no alarm."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

from skillsapp.paths import DataPaths
from skillsapp.storage import open_store
from skillsapp.storage.wal import check_wal

NAMES = ["Chị Hoa", "Anh Bình", "Cô Lan", "Bác Tư"]


def _power_cut_copy(data_paths: DataPaths, tmp_path: Path) -> DataPaths:
    """Save one profile per commit, then copy the database and its WAL as a power cut
    would leave them (the app still open, nothing checkpointed)."""
    store = open_store(data_paths)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.db.execute("PRAGMA wal_autocheckpoint=0")
    for name in NAMES:
        store.profiles.create(name)
    crashed = DataPaths(tmp_path / "crashed")
    crashed.ensure()
    shutil.copy2(data_paths.database, crashed.database)
    shutil.copy2(f"{data_paths.database}-wal", f"{crashed.database}-wal")
    store.close()
    return crashed


def _wal(paths: DataPaths) -> Path:
    return Path(f"{paths.database}-wal")


def _frames(paths: DataPaths) -> tuple[int, list[tuple[int, int]]]:
    """The page size and (offset, commit size) of every frame of the WAL."""
    data = _wal(paths).read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    frames = []
    for offset in range(32, len(data) - 24 - page_size + 1, 24 + page_size):
        frames.append((offset, struct.unpack(">I", data[offset + 4 : offset + 8])[0]))
    return page_size, frames


def _names(paths: DataPaths) -> tuple[list[str], list]:
    store = open_store(paths)
    try:
        return sorted(p.display_name for p in store.profiles.list()), list(store.notices)
    finally:
        store.close()


def test_a_wal_left_by_a_power_cut_after_complete_commits_is_healthy(data_paths, tmp_path):
    crashed = _power_cut_copy(data_paths, tmp_path)
    assert check_wal(_wal(crashed)).damaged is False
    names, notices = _names(crashed)
    assert names == sorted(NAMES)  # every commit replayed from the WAL
    assert notices == []
    assert not list(crashed.backups.glob("wal-damaged-*"))


def test_a_torn_last_transaction_that_never_committed_is_not_an_alarm(data_paths, tmp_path):
    # A power cut while the next transaction was being written: a frame of this WAL's
    # generation, not a commit, with a checksum that fails. SQLite drops it, rightly.
    crashed = _power_cut_copy(data_paths, tmp_path)
    page_size, frames = _frames(crashed)
    data = _wal(crashed).read_bytes()
    offset = frames[0][0]
    torn = data[offset : offset + 4] + b"\0\0\0\0" + data[offset + 8 : offset + 24]
    _wal(crashed).write_bytes(data + torn + b"\x5a" * page_size)
    assert check_wal(_wal(crashed)).damaged is False
    names, notices = _names(crashed)
    assert names == sorted(NAMES) and notices == []


def test_a_wal_cut_mid_frame_is_kept_aside_and_the_user_told(data_paths, tmp_path):
    crashed = _power_cut_copy(data_paths, tmp_path)
    page_size, _frames_before = _frames(crashed)
    data = _wal(crashed).read_bytes()
    cut = data[: len(data) - page_size // 2]  # the last frame (a commit) loses half its page
    _wal(crashed).write_bytes(cut)

    check = check_wal(_wal(crashed))
    assert check.damaged and check.reason == "frame cut short"
    names, notices = _names(crashed)

    assert [n.kind for n in notices] == ["wal_damaged"]
    kept = list(crashed.backups.glob("wal-damaged-*"))
    assert len(kept) == 1
    assert (kept[0] / "skillsapp.db-wal").read_bytes() == cut  # the damaged log as found
    assert (kept[0] / "skillsapp.db").exists()
    assert str(kept[0]) in notices[0].message
    # What the message warns about did happen: the last save is gone, the earlier ones are not.
    assert "Bác Tư" not in names and {"Chị Hoa", "Anh Bình", "Cô Lan"} <= set(names)


def test_a_flipped_byte_in_the_wal_is_kept_aside_and_the_user_told(data_paths, tmp_path):
    crashed = _power_cut_copy(data_paths, tmp_path)
    page_size, frames = _frames(crashed)
    commits = [offset for offset, commit in frames if commit]
    assert len(commits) == len(NAMES)
    # One byte of a page in the second profile's transaction: SQLite stops there and would
    # drop that commit and every later one without a word.
    first_of_second = next(offset for offset, _c in frames if offset > commits[0])
    data = bytearray(_wal(crashed).read_bytes())
    data[first_of_second + 24 + 100] ^= 0xFF
    _wal(crashed).write_bytes(bytes(data))

    check = check_wal(_wal(crashed))
    assert check.damaged and check.lost_commits == len(NAMES) - 1
    names, notices = _names(crashed)
    assert [n.kind for n in notices] == ["wal_damaged"]
    assert (next(crashed.backups.glob("wal-damaged-*")) / "skillsapp.db-wal").read_bytes() == data
    assert names == ["Chị Hoa"]  # SQLite indeed kept only the commits before the damage


def test_a_wal_with_a_garbage_header_is_damaged(tmp_path):
    wal = tmp_path / "x.db-wal"
    wal.write_bytes(b"not a wal header at all, 32 bytes+" * 3)
    assert check_wal(wal).damaged
    wal.write_bytes(b"")
    assert not check_wal(wal).damaged  # an empty WAL is what a checkpoint leaves
