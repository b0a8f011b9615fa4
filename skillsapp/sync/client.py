"""The HTTP client for the provincial server, with errors sorted into kinds.

Each kind has one plain message and one behaviour (see :mod:`skillsapp.sync.runner`):
offline and server problems are retried later with back-off; an unknown or
revoked token needs a new enrolment; a wrong PC clock needs the clock fixed.

TLS certificates are verified (``ca_bundle`` adds a provincial CA); system
proxies are used as the OS sets them.
"""

from __future__ import annotations

import datetime
import email.utils
import uuid
from pathlib import Path
from typing import Any

import requests

from skillsapp import json_codec
from skillsapp.errors import AppError
from skillsapp.i18n import N_, _

OFFLINE, AUTH, REVOKED, SERVER, BAD_RESPONSE, CLOCK, REFUSED, NOT_ENROLLED, BUSY = (
    "offline",
    "auth",
    "revoked",
    "server",
    "bad_response",
    "clock",
    "refused",
    "not_enrolled",
    "busy",
)
MAX_RETRY_AFTER_S = 3600  # a server asking for more is not obeyed beyond an hour

_MESSAGES = {
    OFFLINE: N_(
        "The server cannot be reached. Results stay saved on this PC and will be sent when the "
        "connection returns."
    ),
    AUTH: N_(
        "The server does not know this PC any more. Ask the organiser for a new enrolment code."
    ),
    REVOKED: N_("An organiser has revoked this PC's access. Ask for a new enrolment code."),
    SERVER: N_(
        "The server had a problem. Results stay saved on this PC; the app will try again later."
    ),
    BAD_RESPONSE: N_(
        "The server answered with something the app does not understand. Results stay saved; "
        "the app will try again later."
    ),
    CLOCK: N_(
        "This PC's date or time is wrong, so the server refused the results. Set the date and time, "
        "then press “Sync now”."
    ),
    BUSY: N_(
        "The provincial server is busy or under maintenance. Results stay saved on this PC; the "
        "app will send them by itself when the server is back."
    ),
    REFUSED: N_("The server refused the request: {detail}"),
    NOT_ENROLLED: N_(
        "This PC is not enrolled with a provincial server yet. Enter the server address and the "
        "enrolment code from the organiser."
    ),
}


# The server's refusal codes a person may meet, in their words (the server speaks English).
_REFUSALS = {
    "bad_code": N_("the enrolment code is wrong, already used or expired"),
    "device_revoked": N_(
        "an organiser revoked this PC; it can enrol again only after the app is installed anew"
    ),
    "too_large": N_("too much was sent at once"),
    "bad_request": N_("the app sent something the server does not accept"),
}


class SyncError(AppError):
    def __init__(self, kind: str, detail: str = "", retry_after_s: int | None = None) -> None:
        self.kind = kind
        self.retry_after_s = retry_after_s  # how long the server asked us to wait (capped)
        super().__init__(kind, detail)

    def user_message(self) -> str:
        return _(_MESSAGES[self.kind]).format(detail=self.detail)

    @property
    def retry_later(self) -> bool:
        return self.kind in (OFFLINE, SERVER, BAD_RESPONSE, BUSY)


class ServerClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.verify = ca_bundle or True

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "skillsapp"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = self._headers() | kwargs.pop("headers", {})
        try:
            response = self.session.request(
                method,
                f"{self.base_url}/api/v1{path}",
                headers=headers,
                timeout=self.timeout,
                **kwargs,
            )
        except requests.exceptions.SSLError as exc:
            raise SyncError(REFUSED, _("the server's certificate could not be verified")) from exc
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise SyncError(OFFLINE, type(exc).__name__) from exc
        except requests.exceptions.RequestException as exc:
            raise SyncError(OFFLINE, type(exc).__name__) from exc
        if response.status_code < 400:
            return response
        body = _json_or_none(response)
        code = body.get("error") if isinstance(body, dict) else None
        message = body.get("message", "") if isinstance(body, dict) else ""
        if response.status_code == 401:
            raise SyncError(AUTH, message)
        if response.status_code == 403 and code == "revoked":
            raise SyncError(REVOKED, message)
        if response.status_code == 409 and code == "clock_skew":
            raise SyncError(CLOCK, message)
        if response.status_code == 503:
            raise SyncError(BUSY, "503", retry_after(response.headers.get("Retry-After")))
        if response.status_code >= 500:
            raise SyncError(SERVER, str(response.status_code))
        if code is None:
            raise SyncError(BAD_RESPONSE, str(response.status_code))
        known = _REFUSALS.get(code)
        raise SyncError(REFUSED, _(known) if known else message or code)

    def _json(self, response: requests.Response) -> dict:
        body = _json_or_none(response)
        if not isinstance(body, dict):
            raise SyncError(BAD_RESPONSE, "not a JSON object")
        return body

    def enrol(
        self, code: str, device_id: str, device_name: str, public_key: str, proof: str = ""
    ) -> dict:
        request = {
            "code": code,
            "device_id": device_id,
            "device_name": device_name,
            "public_key": public_key,
        }
        if proof:
            request["proof"] = proof
        body = self._json(self._request("POST", "/enrol", json=request))
        if not isinstance(body.get("device_token"), str) or not isinstance(
            body.get("server_public_key"), str
        ):
            raise SyncError(BAD_RESPONSE, "enrolment answer without token")
        return body

    def send_batch(self, records: list[dict], now: datetime.datetime) -> dict:
        """Send records (a payload may be :class:`~skillsapp.json_codec.Raw` JSON text)."""
        body = json_codec.dumps_bytes(
            {"batch_id": str(uuid.uuid4()), "sent_at": now.isoformat(), "records": records}
        )
        response = self._request(
            "POST", "/batches", data=body, headers={"Content-Type": "application/json"}
        )
        body = self._json(response)
        for key in ("accepted", "duplicates", "rejected"):
            if not isinstance(body.get(key), list):
                raise SyncError(BAD_RESPONSE, f"answer without '{key}'")
        return body

    def contests(self) -> list[dict]:
        body = self._json(self._request("GET", "/contests"))
        items = body.get("contests")
        if not isinstance(items, list):
            raise SyncError(BAD_RESPONSE, "answer without contests")
        return items

    def packs(self) -> list[dict]:
        body = self._json(self._request("GET", "/packs"))
        items = body.get("packs")
        if not isinstance(items, list):
            raise SyncError(BAD_RESPONSE, "answer without packs")
        return items

    def download_pack(self, pack_id: str, target: Path, max_bytes: int = 200 * 1024 * 1024) -> Path:
        response = self._request("GET", f"/packs/{pack_id}/download", stream=True)
        size = 0
        with open(target, "wb") as handle:
            for chunk in response.iter_content(1024 * 256):
                size += len(chunk)
                if size > max_bytes:
                    raise SyncError(BAD_RESPONSE, "pack larger than allowed")
                handle.write(chunk)
        return target


def retry_after(value: str | None, now: datetime.datetime | None = None) -> int | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), at most an hour.

    >>> retry_after("120"), retry_after("999999"), retry_after("soon")
    (120, 3600, None)
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        now = now or datetime.datetime.now(datetime.UTC)
        seconds = int((when - now).total_seconds())
    return max(0, min(seconds, MAX_RETRY_AFTER_S))


def _json_or_none(response: requests.Response) -> Any:
    try:
        return json_codec.loads(response.content)
    except ValueError:  # not JSON, or not UTF-8
        return None
