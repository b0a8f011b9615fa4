"""Exclusive question groups on the provincial server (draw version 2): a forged layout
that shows two questions of one group is refused, honest v2 attempts verify, and attempts
drawn under version 1 still verify — on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hostile import HostileDevice
from sqlalchemy import select, update

from skillsapp.engine.draw import DRAWS, QuestionBank, layout_to_json, repeated_group
from skillsapp.flows import contest as contest_flow
from skillsapp.server import db


def _attempt(records: list[dict]) -> dict:
    return next(r for r in records if r["type"] == "attempt")["payload"]


def _group_on_server(server, ids: list[str], group: str) -> None:
    """The province's copy of these questions says they are one exclusive group."""
    engine = server.services.engine
    with engine.begin() as conn:
        for qid in ids:
            data = json.loads(
                conn.execute(select(db.questions.c.data).where(db.questions.c.id == qid)).scalar()
            )
            data["exclusive"] = group
            conn.execute(
                update(db.questions)
                .where(db.questions.c.id == qid)
                .values(data=json.dumps(data, ensure_ascii=False))
            )
    server.services.ingestor.forget()


@pytest.fixture
def device(province_server, tmp_path):
    return HostileDevice(province_server, tmp_path)


def test_forged_v2_layout_with_two_of_a_group_is_refused(province_server, device):
    records = device.honest_attempt()
    payload = _attempt(records)
    assert payload["draw_version"] == 2
    first, second = payload["layout"][0][0], payload["layout"][1][0]
    _group_on_server(province_server, [first, second], "cung-mot-y")
    answer = device.send(records)
    refusals = [r for r in answer["rejected"] if r["id"] == payload["id"]]
    assert refusals and refusals[0]["code"] == "layout_exclusive_group", answer
    assert "cung-mot-y" in refusals[0]["reason"]
    with province_server.services.engine.connect() as conn:
        stored = conn.execute(select(db.attempts).where(db.attempts.c.id == payload["id"])).first()
    assert stored is None


def test_v1_attempt_with_two_of_a_now_grouped_pair_still_verifies(
    province_server, device, monkeypatch
):
    """Groups only bind draw version 2: an attempt an older app drew under version 1, before
    the province grouped two of its questions, is still accepted."""
    monkeypatch.setattr(contest_flow, "draw", DRAWS[1])  # an app from before draw version 2
    monkeypatch.setattr(contest_flow, "DRAW_VERSION", 1)
    records = device.honest_attempt(right=18)
    payload = _attempt(records)
    assert payload["draw_version"] == 1
    first, second = payload["layout"][0][0], payload["layout"][1][0]
    _group_on_server(province_server, [first, second], "cung-mot-y")
    answer = device.send(records)
    assert payload["id"] in answer["accepted"] and answer["flagged"] == [], answer
    with province_server.services.engine.connect() as conn:
        row = conn.execute(select(db.attempts).where(db.attempts.c.id == payload["id"])).first()
    assert row.draw_version == 1 and row.server_score == 18


def test_honest_v2_attempt_from_a_grouped_bank_verifies(province_server, tmp_path, monkeypatch):
    """The province and the PC both hold the groups: the app's v2 draw avoids them and the
    server re-derives exactly that layout."""
    device = HostileDevice(province_server, tmp_path)
    server_bank = province_server.services.ingestor.bank()
    topic = next(iter(server_bank.by_id.values())).topic
    ids = [qid for qid, q in sorted(server_bank.by_id.items()) if q.topic == topic]
    groups = {qid: f"nhom-{i // 2}" for i, qid in enumerate(ids)}  # the topic in pairs
    for qid, group in groups.items():
        _group_on_server(province_server, [qid], group)
    original = contest_flow.bank_for

    def grouped_bank_for(store, contest):
        bank = original(store, contest)
        return QuestionBank(
            dataclasses.replace(q, exclusive=groups.get(q.id, q.exclusive))
            for q in bank.by_id.values()
        )

    monkeypatch.setattr(contest_flow, "bank_for", grouped_bank_for)
    accepted = 0
    for seed in range(1, 6):
        records = device.honest_attempt(seed=seed, name=f"Người thi {seed}")
        payload = _attempt(records)
        server_bank = province_server.services.ingestor.bank()
        rules = province_server.services.ingestor.contests()[payload["contest_id"]].rules
        drawn = DRAWS[2](server_bank, rules, seed)
        assert payload["layout"] == layout_to_json(drawn)
        assert repeated_group(drawn, server_bank) is None
        answer = device.send(records)
        accepted += payload["id"] in answer["accepted"]
    assert accepted == 5
