"""Identifiers and timestamps for rows that may leave the device.

>>> len(new_id())
36
>>> utc_now_iso().endswith("+00:00")
True
"""

from __future__ import annotations

import datetime
import uuid


def new_id() -> str:
    """A random UUID made on this device; the server de-duplicates on it."""
    return str(uuid.uuid4())


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def utc_now_iso() -> str:
    return utc_now().isoformat(timespec="milliseconds")


def parse_iso(value: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed
