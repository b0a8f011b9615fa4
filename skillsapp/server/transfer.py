"""Importing a USB transfer file from a PC: the signature must be the PC's own,
and records go through the same idempotent ingest as online batches."""

from __future__ import annotations

import json

from skillsapp.server.errors import ApiError
from skillsapp.server.ingest import IngestResult
from skillsapp.sync.signing import verify
from skillsapp.sync.transfer import FORMAT

MAX_TRANSFER_BYTES = 200 * 1024 * 1024


def import_transfer(services, data: bytes) -> IngestResult:
    if len(data) > MAX_TRANSFER_BYTES:
        raise ApiError(413, "too_large", "The transfer file is too large.")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(
            400, "bad_file", "This is not a Kỹ Năng Số transfer file (it is not JSON text)."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ApiError(400, "bad_file", "This is not a Kỹ Năng Số transfer file.")
    signature = document.pop("signature", "")
    device_id = document.get("device_id")
    records = document.get("records")
    if not isinstance(device_id, str) or not isinstance(records, list):
        raise ApiError(400, "bad_file", "The transfer file is incomplete.")
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
        if (
            accounts.enrol(
                str(enrolment.get("code", "")),
                device_id,
                str(enrolment.get("device_name", "")),
                public_key,
            )
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
    for record in records:
        if not isinstance(record, dict) or not {"type", "id", "payload"} <= set(record):
            raise ApiError(400, "bad_file", "A record in the transfer file is incomplete.")
    return services.ingestor.ingest(device_id, records)
