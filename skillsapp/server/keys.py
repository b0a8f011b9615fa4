"""The server's Ed25519 key: made once, kept in the data folder, used to sign
what the province publishes."""

from __future__ import annotations

import os
from pathlib import Path

from nacl.signing import SigningKey

from skillsapp.sync.signing import new_private_key, private_key_from_text, private_key_text


def load_or_create_key(path: Path) -> SigningKey:
    if path.exists():
        return private_key_from_text(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_private_key()
    partial = path.with_suffix(".partial")
    partial.write_text(private_key_text(key), encoding="ascii")
    os.chmod(partial, 0o600)
    try:
        os.link(partial, path)  # fails if another process made the key first
    except FileExistsError:
        partial.unlink()
        return private_key_from_text(path.read_text(encoding="ascii").strip())
    partial.unlink()
    return key
