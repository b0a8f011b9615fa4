"""Syncing with the provincial server: enrol once, then push the outbox in batches
and pull what the province publishes, verifying every signature.

Records leave the outbox only when the server has answered for them, so a batch
cut off in flight is simply sent again; the server's UUID de-duplication makes
that safe. Failures back off exponentially (1 minute doubling to 1 hour); a busy
server's 503 with Retry-After sets the next try to the time it asks (at most 1 hour).

>>> enrol(store, "https://kns.tinh.gov.vn", "ABCD2345EF", "Nhà văn hóa thôn Đông")   # doctest: +SKIP
>>> sync_now(store, now)                                                              # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nacl.signing import SigningKey

from skillsapp.content.serialize import contest_from_dict
from skillsapp.errors import AppError, ValidationError
from skillsapp.i18n import _
from skillsapp.json_codec import Raw
from skillsapp.storage.ids import parse_iso
from skillsapp.sync.client import AUTH, NOT_ENROLLED, ServerClient, SyncError
from skillsapp.sync.enrolment import SERVER_STATE, server_settings  # noqa: F401 - also used from here
from skillsapp.sync.signing import (
    enrol_proof_data,
    new_private_key,
    private_key_from_text,
    private_key_text,
    public_key_text,
    sign,
    verify,
)

STATUS_STATE = "sync_status"
BATCH_SIZE = 500
HEALTHY_INTERVAL_S = 300  # after a good sync, look again in 5 minutes
NEEDS_A_PERSON_S = 900  # auth, revoked, clock: nothing changes until someone acts


def device_key(store) -> SigningKey:
    """This PC's signing key, made on first use and kept in the database."""
    row = store.db.execute("SELECT value FROM device WHERE key = 'private_key'").fetchone()
    if row:
        return private_key_from_text(row[0])
    key = new_private_key()
    with store.db.atomic():
        store.db.table("device").upsert(
            {"key": "private_key", "value": private_key_text(key)}, pk="key"
        )
    return key


def clean_server_url(text: str) -> str:
    """The server address as typed, made usable: ``https://`` added when no scheme was typed.

    >>> clean_server_url("  kns.tinh.gov.vn/ ")
    'https://kns.tinh.gov.vn'

    Raises :class:`ValidationError` (field ``server_url``) for an empty address or one with spaces.
    """
    url = text.strip().rstrip("/")
    if not url or any(ch.isspace() for ch in url):
        raise ValidationError(
            "server_url", _("Type the server address the organiser gave you, without spaces.")
        )
    if "://" not in url:
        url = f"https://{url}"
    return url


def enrol(
    store,
    url: str,
    code: str,
    device_name: str,
    ca_bundle: str | None = None,
    client: ServerClient | None = None,
) -> dict:
    """Enrol this PC with an organiser's code; pins the server's public key.

    Safe to repeat: the request is signed with this PC's key, so if the server's answer was
    lost the same code (or a fresh one) enrols the same PC again with a new token.
    """
    client = client or ServerClient(url, ca_bundle=ca_bundle)
    key = device_key(store)
    public_key = public_key_text(key)
    proof = sign(key, enrol_proof_data(code, store.device_id, public_key))
    answer = client.enrol(code, store.device_id, device_name, public_key, proof)
    settings = {
        "url": url.rstrip("/"),
        "token": answer["device_token"],
        "public_key": answer["server_public_key"],
        "commune_code": answer.get("commune_code"),
        "ca_bundle": ca_bundle or "",
    }
    store.set_state(SERVER_STATE, settings)
    state = store.get_state(STATUS_STATE, {}) or {}
    if state.get("last_problem_kind") in (AUTH, NOT_ENROLLED):  # solved by enrolling
        state.update(last_problem=None, last_problem_kind=None, failures=0, next_try_at=None)
        store.set_state(STATUS_STATE, state)
    return settings


def make_client(store) -> ServerClient:
    settings = server_settings(store)
    if settings is None:
        raise SyncError(NOT_ENROLLED)
    return ServerClient(settings["url"], settings["token"], settings.get("ca_bundle") or None)


@dataclass
class SyncReport:
    sent: int = 0
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)
    contests: int = 0
    packs: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # published items whose signature failed


def push(store, client: ServerClient, now: datetime.datetime, report: SyncReport) -> None:
    while True:
        batch = store.outbox.next_batch_text(BATCH_SIZE)
        if not batch:
            return
        records = [
            {"type": item.record_type, "id": item.record_id, "payload": Raw(item.payload_json)}
            for item in batch
        ]
        answer = client.send_batch(records, now)
        by_id = {item.record_id: item.seq for item in batch}
        done = [by_id[i] for i in answer["accepted"] + answer["duplicates"] if i in by_id]
        rejected = {
            by_id[r["id"]]: str(r.get("reason", ""))
            for r in answer["rejected"]
            if isinstance(r, dict) and r.get("id") in by_id
        }
        if not done and not rejected:
            raise SyncError("bad_response", "the server confirmed none of the records")
        store.outbox.mark_sent(done)
        store.outbox.mark_rejected(rejected)
        report.sent += len(answer["accepted"])
        report.duplicates += len(answer["duplicates"])
        report.rejected += list(rejected.values())


class SignatureRefused(AppError):
    def user_message(self) -> str:
        return _(
            "{item} from the server was refused: its signature does not match the province's key, so it "
            "may have been changed on the way."
        ).format(item=self.where)


def pull(store, client: ServerClient, report: SyncReport) -> None:
    """Save contests and install packs the province published, after checking signatures."""
    from skillsapp.content.install import install_pack

    settings = server_settings(store)
    if settings is None:
        raise SyncError(NOT_ENROLLED)
    server_key = settings["public_key"]
    for item in client.contests():
        data, signature = item.get("data"), item.get("signature", "")
        if not isinstance(data, dict) or not verify(server_key, data, signature):
            report.refused.append(
                str(SignatureRefused(_("Contest {id}").format(id=item.get("id", "?"))))
            )
            continue
        store.content.save_contest(contest_from_dict(data), source="province")
        report.contests += 1
    for item in client.packs():
        manifest, signature = item.get("manifest"), item.get("signature", "")
        if not isinstance(manifest, dict) or not verify(server_key, manifest, signature):
            report.refused.append(
                str(SignatureRefused(_("Pack {id}").format(id=(manifest or {}).get("id", "?"))))
            )
            continue
        installed = store.content.pack_row(manifest["id"])
        if installed and installed["version"] == manifest["version"]:
            continue
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / f"{manifest['id']}.zip"
            client.download_pack(manifest["id"], target)
            digest = hashlib.sha256(target.read_bytes()).hexdigest()
            if digest != manifest.get("sha256"):
                report.refused.append(
                    str(SignatureRefused(_("Pack {id}").format(id=manifest["id"])))
                )
                continue
            install_pack(store, target)
        report.packs.append(manifest["id"])


def backoff_seconds(failures: int) -> int:
    return 0 if failures <= 0 else min(60 * 2 ** (failures - 1), 3600)


def _record_status(store, now: datetime.datetime, error: SyncError | None) -> None:
    status = store.get_state(STATUS_STATE, {}) or {}
    if error is None:
        status.update(
            last_success=now.isoformat(),
            failures=0,
            last_problem=None,
            last_problem_kind=None,
            next_try_at=(now + datetime.timedelta(seconds=HEALTHY_INTERVAL_S)).isoformat(),
        )
    else:
        failures = int(status.get("failures") or 0) + 1
        wait = backoff_seconds(failures) if error.retry_later else NEEDS_A_PERSON_S
        if error.retry_after_s is not None:
            # The server said when it will be back: no sooner (it is busy), no later than asked.
            wait = max(error.retry_after_s, 60)
        status.update(
            failures=failures,
            last_problem=str(error),
            last_problem_kind=error.kind,
            last_problem_at=now.isoformat(),
            next_try_at=(now + datetime.timedelta(seconds=wait)).isoformat(),
        )
    store.set_state(STATUS_STATE, status)


def sync_now(store, now: datetime.datetime, client: ServerClient | None = None) -> SyncReport:
    """Push then pull. Records the outcome for the Sync screen; raises :class:`SyncError`."""
    report = SyncReport()
    try:
        client = client or make_client(store)
        push(store, client, now, report)
        pull(store, client, report)
    except SyncError as error:
        _record_status(store, now, error)
        raise
    _record_status(store, now, None)
    if report.refused:
        status = store.get_state(STATUS_STATE, {}) or {}
        status.update(last_problem=report.refused[-1], last_problem_kind="signature")
        store.set_state(STATUS_STATE, status)
    return report


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str
    pending: int
    rejected: int
    last_success: datetime.datetime | None
    last_problem: str | None
    next_try_at: datetime.datetime | None
    last_problem_kind: str | None = None

    @property
    def needs_enrolment(self) -> bool:
        """Not enrolled, or the server no longer knows this PC: a (new) code is the way on."""
        return not self.enrolled or self.last_problem_kind == AUTH

    def due(self, now: datetime.datetime) -> bool:
        return self.enrolled and (self.next_try_at is None or self.next_try_at <= now)


def status(store) -> SyncStatus:
    settings = server_settings(store)
    state = store.get_state(STATUS_STATE, {}) or {}
    return SyncStatus(
        enrolled=settings is not None,
        server_url=(settings or {}).get("url", ""),
        pending=store.outbox.pending_count(),
        rejected=len(store.outbox.rejected()),
        last_success=parse_iso(state["last_success"]) if state.get("last_success") else None,
        last_problem=state.get("last_problem"),
        next_try_at=parse_iso(state["next_try_at"]) if state.get("next_try_at") else None,
        last_problem_kind=state.get("last_problem_kind"),
    )
