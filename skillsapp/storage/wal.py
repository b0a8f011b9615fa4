"""Checking a SQLite write-ahead log before SQLite opens it.

SQLite replays the ``-wal`` file frame by frame and silently stops at the first
frame whose checksum fails, so commits after a damaged frame would be lost
without a word. This reads the documented format
(https://www.sqlite.org/fileformat.html#the_write_ahead_log) itself:

- a 32-byte header: magic (its last bit gives the checksum byte order), format
  version, page size, checkpoint sequence, two salts, and a checksum of the first
  24 bytes;
- frames of a 24-byte header (page number, database size after a commit or 0,
  the two salts, a running checksum) followed by one page.

Normal leftovers are not damage: an empty WAL; frames of an earlier WAL
generation (other salts) after the current ones; and a last transaction that
never committed (a power cut mid-write: SQLite drops it, and the app never said
it was saved). Damage is a bad header, a frame cut short, or a checksum that
fails where a committed transaction is lost because of it.

>>> check_wal(Path("missing.db-wal")).damaged
False
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_MAGIC = (0x377F0682, 0x377F0683)
_VERSION = 3007000
_HEADER = 32
_FRAME_HEADER = 24
_MAX_READ = 1 << 31  # a WAL this large is not checked (and has never been seen)


@dataclass(frozen=True)
class WalCheck:
    damaged: bool
    reason: str = ""  # for the log: what was wrong, never any content
    lost_commits: int = 0  # committed transactions SQLite would drop (at least)


def _checksum(data: bytes, big_endian: bool, s0: int = 0, s1: int = 0) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    mask = 0xFFFFFFFF
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & mask
        s1 = (s1 + words[i + 1] + s0) & mask
    return s0, s1


def check_wal(path: Path) -> WalCheck:
    """Whether the WAL at ``path`` has lost committed data (see the module docstring)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return WalCheck(False)
    if size == 0 or size > _MAX_READ:
        return WalCheck(False)
    data = path.read_bytes()
    if len(data) < _HEADER:
        return WalCheck(True, "header cut short")
    magic, version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:_HEADER])
    if magic not in _MAGIC or version != _VERSION:
        return WalCheck(True, "header not a WAL header")
    big_endian = bool(magic & 1)
    s0, s1 = _checksum(data[:24], big_endian)
    if (s0, s1) != (c1, c2) or page_size < 512 or page_size & (page_size - 1):
        return WalCheck(True, "header checksum wrong")
    frame_size = _FRAME_HEADER + page_size
    offset = _HEADER
    while offset < len(data):
        rest = len(data) - offset
        if rest < _FRAME_HEADER:
            return WalCheck(True, "frame header cut short", 1)
        _page, commit, f_salt1, f_salt2, f1, f2 = struct.unpack(
            ">6I", data[offset : offset + _FRAME_HEADER]
        )
        if (f_salt1, f_salt2) != (salt1, salt2):
            return WalCheck(False)  # an earlier generation's frames: SQLite stops here, rightly
        if rest < frame_size:
            return WalCheck(True, "frame cut short", 1)
        s0, s1 = _checksum(data[offset : offset + 8], big_endian, s0, s1)
        s0, s1 = _checksum(data[offset + _FRAME_HEADER : offset + frame_size], big_endian, s0, s1)
        if (s0, s1) != (f1, f2):
            lost = _later_commits(data, offset, frame_size, salt1, salt2)
            if lost:
                return WalCheck(True, "frame checksum wrong", lost)
            return WalCheck(False)  # a last transaction torn before it committed
        offset += frame_size
    return WalCheck(False)


def _later_commits(data: bytes, offset: int, frame_size: int, salt1: int, salt2: int) -> int:
    """Commit frames of this generation from ``offset`` on: what a bad frame makes SQLite drop."""
    count = 0
    while offset + _FRAME_HEADER <= len(data):
        _page, commit, f_salt1, f_salt2 = struct.unpack(">4I", data[offset : offset + 16])
        if (f_salt1, f_salt2) != (salt1, salt2):
            break
        count += commit != 0
        offset += frame_size
    return count
