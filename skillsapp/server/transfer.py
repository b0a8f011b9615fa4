"""Importing a USB transfer file from a PC: the signature must be the PC's own,
and records go through the same idempotent ingest as online batches.

A file is read with bounded memory and refused cleanly (an :class:`ApiError`
with a stable code) when it is too large (over ``MAX_TRANSFER_BYTES``, counted
while it is read, before parsing), zipped (never unpacked: no zip bomb can
expand), not UTF-8 JSON, nested deeper than ``MAX_DEPTH`` (a real file is 6
levels deep), made of many tiny values (see ``MIN_BYTES_PER_VALUE``), or not
shaped like a transfer file. A commune organiser imports
only files made by a PC of their own commune; a province organiser any.
"""

from __future__ import annotations

import json
from typing import IO, Any

from sqlalchemy import select

from skillsapp.server import db
from skillsapp.server.errors import ApiError
from skillsapp.server.ingest import IngestResult
from skillsapp.sync.signing import verify
from skillsapp.sync.transfer import FORMAT

MAX_TRANSFER_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32
# A real file spends 15 bytes or more per JSON value (ids are 36 characters); a file of
# tiny values ("[{},{},{},…]") would cost Python ~60 bytes per byte-sized value. Counting
# brackets and commas (strings included: it only errs towards refusing) bounds the
# parsed size to a few times the file.
MIN_BYTES_PER_VALUE = 8
_ZIP_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")


def read_limited(stream: IO[bytes], limit: int = MAX_TRANSFER_BYTES) -> bytes:
    """Read at most ``limit`` bytes from ``stream``; a longer stream is refused as too large."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    return data


def _too_large() -> ApiError:
    return ApiError(
        413,
        "too_large",
        f"The transfer file is larger than {MAX_TRANSFER_BYTES // (1024 * 1024)} MB.",
    )


def _deeper_than(document: Any, limit: int) -> bool:
    """True when containers nest more than ``limit`` levels (walked without recursion)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def parse_transfer(data: bytes) -> dict:
    """The file's JSON object, or an :class:`ApiError` saying why it is not a transfer file."""
    if len(data) > MAX_TRANSFER_BYTES:
        raise _too_large()
    if data.startswith(_ZIP_MAGIC):
        raise ApiError(
            400,
            "zipped_file",
            "The file is compressed (zip). Unpack it and send the .kns file inside.",
        )
    values = data.count(b"{") + data.count(b"[") + data.count(b",")
    if values * MIN_BYTES_PER_VALUE > len(data) + 4096:
        raise ApiError(
            400, "bad_file", "The transfer file holds far more, far smaller values than a real one."
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise _too_deep() from None
    except (UnicodeDecodeError, ValueError):
        raise ApiError(
            400, "bad_file", "This is not a Kỹ Năng Số transfer file (it is not JSON text)."
        ) from None
    if _deeper_than(document, MAX_DEPTH):
        raise _too_deep()
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ApiError(400, "bad_file", "This is not a Kỹ Năng Số transfer file.")
    if not isinstance(document.get("device_id"), str) or not isinstance(
        document.get("records"), list
    ):
        raise ApiError(400, "bad_file", "The transfer file is incomplete.")
    for record in document["records"]:
        if (
            not isinstance(record, dict)
            or not {"type", "id", "payload"} <= set(record)
            or not isinstance(record["id"], str)
            or not isinstance(record["type"], str)
        ):
            raise ApiError(400, "bad_file", "A record in the transfer file is incomplete.")
    return document


def _too_deep() -> ApiError:
    return ApiError(
        400, "too_deep", f"The transfer file nests data more than {MAX_DEPTH} levels deep."
    )


def _other_commune(commune: str | None) -> ApiError:
    return ApiError(
        403,
        "other_commune",
        "The PC that made this file belongs to another commune.",
        device_commune=commune,
    )


def _code_commune(services, code: str) -> str | None:
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    with services.engine.connect() as conn:
        return conn.execute(
            select(db.enrolment_codes.c.commune_code).where(db.enrolment_codes.c.code == normalised)
        ).scalar()


def import_transfer(services, data: bytes, organiser=None) -> IngestResult:
    """Check and store a transfer file. ``organiser`` (None on the command line, which
    only the server's administrator can run) limits it to their commune's PCs."""
    document = parse_transfer(data)
    signature = document.pop("signature", "")
    device_id = document["device_id"]
    records = document["records"]
    accounts = services.accounts
    device = accounts.device(device_id)
    enrolment = document.get("enrolment")
    if device is None and isinstance(enrolment, dict):
        public_key = str(enrolment.get("public_key", ""))
        if not verify(public_key, document, signature):
            raise ApiError(
                400,
                "bad_signature",
                "The transfer file's signature is not valid; it may have been changed.",
            )
        code = str(enrolment.get("code", ""))
        if organiser is not None and not organiser.may_see(_code_commune(services, code)):
            raise _other_commune(_code_commune(services, code))
        if (
            accounts.enrol(code, device_id, str(enrolment.get("device_name", "")), public_key)
            is None
        ):
            raise ApiError(
                403, "bad_code", "The enrolment code in the file is wrong, already used or expired."
            )
        device = accounts.device(device_id)
    if device is None:
        raise ApiError(
            403, "unknown_device", "The PC that made this file is not enrolled with this server."
        )
    if device.revoked:
        raise ApiError(403, "revoked", "The PC that made this file has been revoked.")
    if not verify(device.public_key, document, signature):
        raise ApiError(
            400,
            "bad_signature",
            "The transfer file's signature is not valid; it may have been changed.",
        )
    if organiser is not None and not organiser.may_see(device.commune_code):
        raise _other_commune(device.commune_code)
    return services.ingestor.ingest(device_id, records)
