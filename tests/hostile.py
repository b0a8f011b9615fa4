"""A hostile but enrolled PC, for the adversarial tests of the provincial server.

The device is a real app store enrolled with a real code over loopback, so its
token, key and honest records are exactly what the app makes. Its honest
records can then be changed at will and sent raw, the way a tampered PC would.

    device = HostileDevice(province_server, tmp_path, "pc1")
    records = device.honest_attempt()           # [registration, attempt] as the app queues them
    records[1]["payload"]["layout"] *= 50       # tamper
    answer = device.send(records)               # the server's JSON answer
"""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

import pytest
import requests
from content_helpers import BUNDLED, STRICT_BUNDLED
from engine_helpers import answer_all
from server_helpers import BACKENDS, live_server

from skillsapp.content.install import ensure_bundled_content
from skillsapp.flows import contest as contest_flow
from skillsapp.storage import open_store
from skillsapp.sync.runner import enrol

CONTEST = "tim-hieu-chuyen-doi-so-2026"
ROUND = "tuan-1"
# Inside the sample contest's first round, which opens on 7 December 2026.
PLAYED_AT = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
# The server's clock in these tests: an hour after the honest attempts were played.
SERVER_NOW = PLAYED_AT + datetime.timedelta(hours=1)


@pytest.fixture(params=BACKENDS)
def province_server(request, tmp_path):
    """The real server on loopback (SQLite, and PostgreSQL when configured), the bundled
    pack and its contests published, a province organiser (``server.province``), and the
    server's clock set to :data:`SERVER_NOW` (inside the sample contest's first round)."""
    pytest.importorskip("fastapi")
    from skillsapp.server.publish import publish_pack

    with live_server(tmp_path, request.param) as live:
        services = live.services
        publish_pack(
            services.engine, services.key, services.config.packs_dir, BUNDLED, strict=STRICT_BUNDLED
        )
        live.province = services.accounts.create_organiser("tinh", "mat-khau-tinh", "province")
        services.clock = lambda: SERVER_NOW
        yield live


def new_code(server, commune: str | None = "00070") -> str:
    return server.services.accounts.create_enrolment_code(server.province, commune)


class HostileDevice:
    def __init__(
        self, server, tmp_path: Path, name: str = "pc1", commune: str | None = "00070"
    ) -> None:
        self.server = server
        self.store = open_store(tmp_path / name)
        ensure_bundled_content(self.store)
        enrol(self.store, server.url, new_code(server, commune), name)
        settings = json.loads(
            self.store.db.execute("SELECT value FROM sync_state WHERE key='server'").fetchone()[0]
        )
        self.token = settings["token"]
        self.device_id = self.store.device_id

    def play(
        self,
        name: str = "Nguyễn Văn An",
        right: int = 20,
        seed: int = 1,
        moment: datetime.datetime = PLAYED_AT,
        commune: str = "00070",
    ):
        """An honest attempt made through the app's own contest flow."""
        contest = self.store.content.contest(CONTEST)
        profile = self.store.profiles.create(name)
        registration = self.store.registrations.save(
            profile.id, CONTEST, {"full_name": name, "commune_code": commune}, complete=False
        )
        attempt = contest_flow.start_attempt(
            self.store, registration, contest, contest.round(ROUND), moment, seed=seed
        )
        answer_all(attempt, right, moment)
        return attempt.submit(moment + datetime.timedelta(minutes=5))

    def pending(self) -> list[dict]:
        """Everything the app has queued, as records ready to send (deep copies)."""
        return [
            {"type": i.record_type, "id": i.record_id, "payload": copy.deepcopy(i.payload)}
            for i in self.store.outbox.next_batch(limit=100000)
        ]

    def honest_attempt(self, **play_args) -> list[dict]:
        """Play one attempt and return its [registration, attempt] records, not yet sent."""
        before = {i.record_id for i in self.store.outbox.next_batch(limit=100000)}
        self.play(**play_args)
        return [r for r in self.pending() if r["id"] not in before]

    def send(
        self, records: list[dict], sent_at: datetime.datetime | None = None, raw: bool = False
    ):
        """POST a batch as this device (sent, by default, at the server's time); returns the
        JSON answer (or the response if ``raw``)."""
        body = {
            "batch_id": f"b-{datetime.datetime.now().timestamp()}",
            "sent_at": (sent_at or self.server.services.clock()).isoformat(),
            "records": records,
        }
        response = requests.post(
            f"{self.server.url}/api/v1/batches",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=60,
        )
        return response if raw else response.json()
