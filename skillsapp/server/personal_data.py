"""Citizen ID numbers and phones at rest on the server: sealed with a server-held key,
matched by a keyed hash.

One 32-byte master key, from ``SKILLSAPP_PERSONAL_DATA_KEY`` (64 hex digits; for several
server processes sharing a PostgreSQL database) or else the file
``personal-data-key.txt`` in the server's data folder, created mode 0600 from the start.
Two keys are derived from it with HMAC-SHA256: one seals values (PyNaCl ``SecretBox``,
XSalsa20-Poly1305 with a random nonce, already a dependency for signatures), one makes the
keyed hash used to find the same ID number twice (the conflict check and entrant grouping
never see plaintext). A third derivation, the fingerprint, is stored in the database when
the key is first used: a server started with another key, or none, stops with a clear
error instead of showing garbage or sealing new rows with a second key.

>>> vault = Vault(bytes(32))
>>> vault.open(vault.seal("001080012345"))
'001080012345'
>>> vault.match_hash("001 080 012345") == vault.match_hash("001080012345")
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import weakref
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import Connection

ENV_KEY = "SKILLSAPP_PERSONAL_DATA_KEY"
KEY_FILE_NAME = "personal-data-key.txt"
SEALED_PREFIX = "v1."

_attached: weakref.WeakKeyDictionary[Engine, Vault] = weakref.WeakKeyDictionary()


class PersonalDataKeyError(RuntimeError):
    """The personal-data key is missing, malformed or not the one the database was sealed
    with. The message says which, and what to do."""


def _derive(master: bytes, purpose: str) -> bytes:
    return hmac.new(master, f"skillsapp personal data: {purpose}".encode(), hashlib.sha256).digest()


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


class Vault:
    """Seals, opens and hashes personal data with one master key."""

    def __init__(self, master: bytes) -> None:
        if len(master) != 32:
            raise PersonalDataKeyError("The personal-data key must be 32 bytes (64 hex digits).")
        self._box = SecretBox(_derive(master, "sealing v1"))
        self._match_key = _derive(master, "matching v1")
        self.fingerprint = _derive(master, "key check v1").hex()

    def seal(self, value: str | None) -> str | None:
        if value is None:
            return None
        return SEALED_PREFIX + base64.urlsafe_b64encode(self._box.encrypt(value.encode())).decode()

    def open(self, sealed: str | None) -> str | None:
        if sealed is None:
            return None
        if not sealed.startswith(SEALED_PREFIX):
            raise PersonalDataKeyError("A personal-data value in the database is not sealed.")
        try:
            raw = base64.urlsafe_b64decode(sealed.removeprefix(SEALED_PREFIX).encode())
            return self._box.decrypt(raw).decode()
        except (CryptoError, ValueError):
            raise PersonalDataKeyError(
                "A personal-data value cannot be opened with this server's key: the key is "
                "not the one the data was sealed with, or the value was damaged."
            ) from None

    def match_hash(self, id_number: str | None) -> str | None:
        """The keyed hash of an ID number (separators ignored), for finding it twice."""
        digits = _digits(id_number or "")
        if not digits:
            return None
        return hmac.new(self._match_key, digits.encode(), hashlib.sha256).hexdigest()


# --- where the key comes from -----------------------------------------------------------


def _parse(text: str, where: str) -> bytes:
    text = text.strip()
    try:
        master = bytes.fromhex(text)
    except ValueError:
        master = b""
    if len(master) != 32:
        raise PersonalDataKeyError(
            f"The personal-data key in {where} is not 64 hexadecimal digits. Restore the "
            "original key; without it the ID numbers and phones on this server cannot be read."
        )
    return master


def _stored_fingerprint(engine: Engine) -> str | None:
    from skillsapp.server import db

    if db.personal_data_key.name not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.execute(select(db.personal_data_key.c.fingerprint)).scalar()


def _create_key_file(path: Path) -> bytes:
    """A new random key, written to a file that is private from the moment it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    master = os.urandom(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another server process made it first
        return _parse(path.read_text(encoding="ascii"), str(path))
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(master.hex() + "\n")
        out.flush()
        os.fsync(out.fileno())
    return master


def load_vault(data_dir: Path, engine: Engine) -> Vault:
    """The vault for this server, checked against the database's fingerprint if it has one.

    Raises :class:`PersonalDataKeyError` if the key is malformed, or is missing while the
    database already holds sealed data, or is not the key that data was sealed with.
    """
    stored = _stored_fingerprint(engine)
    path = data_dir / KEY_FILE_NAME
    if os.environ.get(ENV_KEY):
        vault = Vault(_parse(os.environ[ENV_KEY], f"the environment variable {ENV_KEY}"))
        where = f"the environment variable {ENV_KEY}"
    elif path.exists():
        vault = Vault(_parse(path.read_text(encoding="ascii"), str(path)))
        where = str(path)
    elif stored is not None:
        raise PersonalDataKeyError(
            f"The personal-data key is missing: neither {path} nor the environment variable "
            f"{ENV_KEY} holds it, but this database already holds ID numbers and phones "
            "sealed with it. Restore the key file from the server's backup."
        )
    else:
        vault = Vault(_create_key_file(path))
        where = str(path)
    if stored is not None and not hmac.compare_digest(stored, vault.fingerprint):
        raise PersonalDataKeyError(
            f"The personal-data key in {where} is not the key this database's ID numbers "
            "and phones were sealed with. Restore the original key; the server will not "
            "start with another one."
        )
    return vault


def remember_key(engine: Engine, vault: Vault) -> None:
    """Store the key's fingerprint once (the first server to start wins), then check it."""
    from skillsapp.server import db
    from skillsapp.server.ingest import insert_ignore
    from skillsapp.storage.ids import utc_now_iso

    with engine.begin() as conn:
        insert_ignore(
            conn,
            db.personal_data_key,
            [{"id": 1, "fingerprint": vault.fingerprint, "created_at": utc_now_iso()}],
        )
        stored = conn.execute(select(db.personal_data_key.c.fingerprint)).scalar()
    if not hmac.compare_digest(stored or "", vault.fingerprint):
        raise PersonalDataKeyError(
            "Another server process started with a different personal-data key. Give every "
            f"process the same key ({ENV_KEY})."
        )


# --- which vault an engine uses -----------------------------------------------------------


def attach(engine: Engine, vault: Vault) -> None:
    """Make ``vault`` the one used for ``engine`` (reports and schema steps find it here)."""
    _attached[engine] = vault


def vault_for(engine: Engine | Connection) -> Vault:
    if isinstance(engine, Connection):
        engine = engine.engine
    vault = _attached.get(engine)
    if vault is None:
        raise PersonalDataKeyError(
            "No personal-data key is loaded for this database (start the server with "
            "build_services, which loads it)."
        )
    return vault
