"""The baseline for every adversarial test: an honest PC's records are accepted as sent.
Each attack in tests/test_adversarial_*.py changes one thing in such records."""

from hostile import HostileDevice
from sqlalchemy import select

from skillsapp.server import db


def test_an_honest_attempt_is_accepted_and_ranked_as_sent(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    records = device.honest_attempt(right=17)
    assert [r["type"] for r in records] == ["registration", "attempt"]
    answer = device.send(records)
    assert sorted(answer["accepted"]) == sorted(r["id"] for r in records)
    assert answer["rejected"] == [] and answer["flagged"] == []
    with province_server.services.engine.connect() as conn:
        row = conn.execute(select(db.attempts)).one()
    assert row.server_score == 17 and not row.flagged
