"""The server's Ed25519 key: made once, kept in the data folder, used to sign
what the province publishes. The key file is created 0600 from its first byte."""

from __future__ import annotations

import os
from pathlib import Path

from nacl.signing import SigningKey

from skillsapp.sync.signing import new_private_key, private_key_from_text, private_key_text


def _write_private(path: Path, text: str) -> None:
    """Create ``path`` readable by this user only (never a moment with wider modes)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def load_or_create_key(path: Path) -> SigningKey:
    if path.exists():
        return private_key_from_text(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_private_key()
    partial = path.with_suffix(f".{os.getpid()}.partial")
    _write_private(partial, private_key_text(key))
    try:
        os.link(partial, path)  # fails if another process made the key first
    except FileExistsError:
        partial.unlink()
        return private_key_from_text(path.read_text(encoding="ascii").strip())
    partial.unlink()
    return key
