"""The versioned HTTP API used by the app (``/api/v1``).

Errors are JSON ``{"error": code, "message": text}`` with a fitting status:
400 bad input, 401 no or unknown token, 403 revoked device or bad enrolment
code, 404 unknown item, 409 clock far from the server's, 413 too large, 422
wrong JSON shape.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from skillsapp import __version__
from skillsapp.server import db
from skillsapp.server.accounts import Device, EnrolRefused, storable
from skillsapp.server.errors import ApiError
from skillsapp.server.json_route import FastJsonRoute
from skillsapp.storage.ids import utc_now_iso

UUID_PATTERN = r"^[0-9a-fA-F-]{32,36}$"

router = APIRouter(prefix="/api/v1", route_class=FastJsonRoute)


class Health(BaseModel):
    status: str
    version: str
    server_time: str


class ServerKey(BaseModel):
    public_key: str


class EnrolRequest(BaseModel):
    code: str = Field(min_length=4, max_length=40)
    device_id: str = Field(pattern=UUID_PATTERN)
    device_name: str = Field(min_length=1, max_length=100)
    public_key: str = Field(min_length=40, max_length=60)
    proof: str | None = Field(default=None, max_length=200)


class EnrolResponse(BaseModel):
    device_token: str
    server_public_key: str
    commune_code: str | None


class Record(BaseModel):
    type: Literal["attempt", "registration", "lesson_progress", "session_report"]
    id: str = Field(pattern=UUID_PATTERN)
    payload: dict


class Batch(BaseModel):
    batch_id: str = Field(min_length=1, max_length=64)
    sent_at: datetime.datetime
    records: list[Record] = Field(max_length=2000)


class Rejected(BaseModel):
    """A refused record: ``code`` is stable for programs, ``reason`` a Vietnamese sentence
    the app shows as is (what is wrong and what to do)."""

    id: str
    code: str = Field(default="invalid_record", description="stable machine code")
    reason: str


class BatchResult(BaseModel):
    accepted: list[str]
    duplicates: list[str]
    rejected: list[Rejected]
    flagged: list[str]
    server_time: str


class SignedContest(BaseModel):
    id: str
    data: dict
    signature: str


class ContestList(BaseModel):
    contests: list[SignedContest]


class PackManifest(BaseModel):
    id: str
    version: str
    sha256: str
    size: int


class SignedPack(BaseModel):
    manifest: PackManifest
    signature: str


class PackList(BaseModel):
    packs: list[SignedPack]


def services(request: Request):
    return request.app.state.services


def current_device(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Device:
    if not authorization or not authorization.startswith("Bearer "):
        raise ApiError(
            401, "no_token", "This request needs the device token (Authorization: Bearer …)."
        )
    device = services(request).accounts.device_for_token(
        authorization.removeprefix("Bearer ").strip()
    )
    if device is None:
        raise ApiError(
            401,
            "unknown_token",
            "The device token is not known to this server. Enrol the PC again.",
        )
    if device.revoked:
        raise ApiError(
            403,
            "revoked",
            "This PC's access was revoked by an organiser. Ask for a new enrolment code.",
        )
    return device


@router.get("/health", response_model=Health)
def health() -> Health:
    return Health(status="ok", version=__version__, server_time=utc_now_iso())


@router.get("/server-key", response_model=ServerKey)
def server_key(request: Request) -> ServerKey:
    return ServerKey(public_key=services(request).public_key)


@router.post(
    "/enrol",
    response_model=EnrolResponse,
    responses={
        400: {"description": "not an Ed25519 public key, or a proof that does not match it"},
        403: {"description": "bad or used code, or the device id belongs to another key"},
    },
)
def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
    """Enrol a PC; a PC already enrolled may enrol again with its own key (see docs/API.md)."""
    svc = services(request)
    try:
        token = svc.accounts.enrol_device(
            body.code, body.device_id, body.device_name, body.public_key, body.proof
        )
    except EnrolRefused as refused:
        raise ApiError(
            400 if refused.code in ("bad_proof", "bad_public_key") else 403,
            refused.code,
            refused.message,
        ) from None
    device = svc.accounts.device(body.device_id)
    return EnrolResponse(
        device_token=token,
        server_public_key=svc.public_key,
        commune_code=device.commune_code if device else None,
    )


@router.post(
    "/batches",
    response_model=BatchResult,
    responses={
        401: {"description": "no token"},
        403: {"description": "revoked"},
        409: {"description": "clock skew"},
        413: {"description": "too large"},
        503: {"description": "busy: sent again after Retry-After"},
    },
)
def receive_batch(
    batch: Batch, request: Request, device: Annotated[Device, Depends(current_device)]
) -> BatchResult:
    svc = services(request)
    now = svc.clock()
    sent_at = batch.sent_at if batch.sent_at.tzinfo else batch.sent_at.replace(tzinfo=datetime.UTC)
    skew = abs((now - sent_at).total_seconds())
    if skew > svc.config.max_clock_skew_s:
        raise ApiError(
            409,
            "clock_skew",
            f"The PC's clock is {int(skew // 60)} minutes away from the server's. Set the date and time "
            "on the PC, then sync again.",
            server_time=now.isoformat(),
        )
    # Plain dicts without model_dump(): copying every nested payload cost more than storing it.
    records = [{"type": r.type, "id": r.id, "payload": r.payload} for r in batch.records]
    with svc.ingest_gate.turn():  # a few batches at a time: pages stay quick (ingest_gate.py)
        result = svc.ingest(device.id, records, sent_at - now)
    svc.accounts.touch(device.id)
    return BatchResult(
        accepted=result.accepted,
        duplicates=result.duplicates,
        rejected=[Rejected(**r) for r in result.rejected],
        flagged=result.flagged,
        server_time=svc.clock().isoformat(),
    )


@router.get("/contests", response_model=ContestList)
def contests(request: Request, device: Annotated[Device, Depends(current_device)]) -> ContestList:
    engine = services(request).engine
    with engine.connect() as conn:
        rows = conn.execute(select(db.contests).order_by(db.contests.c.id)).all()
    return ContestList(
        contests=[
            SignedContest(id=r.id, data=json.loads(r.data), signature=r.signature) for r in rows
        ]
    )


@router.get("/packs", response_model=PackList)
def packs(request: Request, device: Annotated[Device, Depends(current_device)]) -> PackList:
    engine = services(request).engine
    with engine.connect() as conn:
        rows = conn.execute(select(db.packs).order_by(db.packs.c.id)).all()
    return PackList(
        packs=[
            SignedPack(manifest=PackManifest(**json.loads(r.manifest)), signature=r.signature)
            for r in rows
        ]
    )


@router.get(
    "/packs/{pack_id}/download",
    response_class=FileResponse,
    responses={404: {"description": "unknown pack"}},
)
def download_pack(
    pack_id: str, request: Request, device: Annotated[Device, Depends(current_device)]
):
    engine = services(request).engine
    row = None
    if storable(pack_id):
        with engine.connect() as conn:
            row = conn.execute(select(db.packs.c.file).where(db.packs.c.id == pack_id)).first()
    if row is None or not Path(row.file).is_file():
        raise ApiError(404, "unknown_pack", f"No published pack has the id '{pack_id}'.")
    return FileResponse(row.file, media_type="application/zip", filename=Path(row.file).name)
