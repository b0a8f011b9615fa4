"""Property-based requests against the server's own OpenAPI schema (schemathesis,
pinned in pyproject's dev extra; written for 4.32): whatever a client sends, valid
or not, the server answers with a 2xx or 4xx, never a 5xx. Also checks that
docs/openapi.json is what the server generates today.

Runs against a real server over loopback with an enrolled device's token, so the
authenticated endpoints are exercised past the token check. Bounded: 25 examples
per operation and mode, no deadline (a loopback round trip varies).

Uses schemathesis's strategies with plain Hypothesis rather than its pytest
plugin (``schemathesis.pytest.from_fixture``), which fails under pytest 9. The
operations are read from the committed docs/openapi.json, so each is its own
test, and the staleness test below keeps that list honest."""

import datetime
import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")
from content_helpers import BUNDLED, STRICT_BUNDLED  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from server_helpers import BACKENDS, live_server  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
DEVICE_ID = "0b7c1f0e-5a43-4c1b-9d55-3b6c1a2f9e01"
OPERATIONS = [
    (path, method.upper())
    for path, methods in sorted(json.loads(DOCS.read_text(encoding="utf-8"))["paths"].items())
    for method in sorted(methods)
]


@pytest.fixture(scope="module", params=BACKENDS)
def live(request, tmp_path_factory):
    from skillsapp.server.publish import publish_pack
    from skillsapp.sync.signing import new_private_key, public_key_text

    with live_server(tmp_path_factory.mktemp("schema"), request.param) as server:
        services = server.services
        publish_pack(
            services.engine, services.key, services.config.packs_dir, BUNDLED, strict=STRICT_BUNDLED
        )
        organiser = services.accounts.create_organiser("tinh", "mat-khau-tinh", "province")
        code = services.accounts.create_enrolment_code(organiser, "00070")
        server.token = services.accounts.enrol(
            code, DEVICE_ID, "PC thử", public_key_text(new_private_key())
        )
        server.schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
        yield server


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda m: m.value)
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_no_request_makes_the_server_fail(live, path, method, mode):
    operation = live.schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        body = case.body
        is_batch = path == "/api/v1/batches" and isinstance(body, dict) and "sent_at" in body
        # A random date is refused as clock skew; send half the batches past that check.
        if is_batch and len(json.dumps(body, default=str)) % 2:
            body["sent_at"] = datetime.datetime.now(datetime.UTC).isoformat()
        auth = {"Authorization": f"Bearer {live.token}"}
        response = case.call(base_url=live.url, headers=auth, timeout=30)
        case.validate_response(response, checks=[not_a_server_error])

    try:
        check()
    except Unsatisfiable:
        if mode is not schemathesis.GenerationMode.NEGATIVE:
            raise
        pytest.skip("no part of this operation's request can be made invalid")


def test_committed_openapi_matches_the_server(live):
    from skillsapp.server.app import create_app

    generated = create_app(live.services.config, live.services).openapi()
    committed = json.loads(DOCS.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(generated)), (
        "docs/openapi.json is stale: run `skillsapp server openapi -o docs/openapi.json`"
    )
    assert "/api/v1/open-data/participation.json" in committed["paths"]
    assert not any(p.startswith(("/login", "/rounds", "/devices")) for p in committed["paths"])


def test_records_a_column_cannot_hold_are_refused_one_by_one(live):
    """Values PostgreSQL would refuse (NUL, too long, not text, 64-bit numbers) must not
    fail the batch with a 5xx, or the PC would retry that batch for ever."""
    import uuid

    import requests

    contest = "tim-hieu-chuyen-doi-so-2026"

    def record(kind, **payload):
        rid = str(uuid.uuid4())
        return {"type": kind, "id": rid, "payload": {"id": rid, **payload}}

    good = record("lesson_progress", profile_id="p1", lesson_id="vneid", status="done")
    bad = [
        record("registration", contest_id=contest, full_name="Nguyễn\x00 Văn An"),
        record("registration", contest_id=contest, full_name="An", village="x" * 300),
        record("registration", contest_id=contest, full_name="An", phone={"so": 1}),
        record("lesson_progress", profile_id="p" * 200, lesson_id="vneid", status="done"),
    ]
    answer = requests.post(
        f"{live.url}/api/v1/batches",
        json={
            "batch_id": "hostile",
            "sent_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "records": [good, *bad],
        },
        headers={"Authorization": f"Bearer {live.token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == [good["id"]]
    assert sorted(r["id"] for r in body["rejected"]) == sorted(r["id"] for r in bad)
