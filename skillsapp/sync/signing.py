"""Ed25519 signatures shared by the app and the server.

The province's server signs each pack it publishes (a small manifest that
holds the zip's SHA-256) and each contest; the app checks the signature with
the server key it pinned when it enrolled. A device signs its USB transfer
files with its own key, registered at enrolment.

>>> key = new_private_key()
>>> sig = sign(key, {"a": 1})
>>> verify(public_key_text(key), {"a": 1}, sig)
True
"""

from __future__ import annotations

import base64
import json
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey


def canonical(data: Any) -> bytes:
    """The exact bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def new_private_key() -> SigningKey:
    return SigningKey.generate()


def private_key_text(key: SigningKey) -> str:
    return base64.b64encode(bytes(key)).decode()


def private_key_from_text(text: str) -> SigningKey:
    return SigningKey(base64.b64decode(text))


def public_key_text(key: SigningKey) -> str:
    return base64.b64encode(bytes(key.verify_key)).decode()


def sign(key: SigningKey, data: Any) -> str:
    return base64.b64encode(key.sign(canonical(data)).signature).decode()


def verify(public_key: str, data: Any, signature: str) -> bool:
    """True only for a valid signature of exactly ``data`` by ``public_key``."""
    try:
        VerifyKey(base64.b64decode(public_key)).verify(canonical(data), base64.b64decode(signature))
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        return False
    return True


ENROL_PROOF = "kns-enrol-v1"


def enrol_proof_data(code: str, device_id: str, public_key: str) -> dict:
    """What a PC signs with its own key when it enrols, as typed: the server then knows the
    request comes from the holder of that key, so only that PC may enrol its id again."""
    return {"purpose": ENROL_PROOF, "code": code, "device_id": device_id, "public_key": public_key}
