"""Benchmark only: a server process started with this folder on PYTHONPATH skips attempt
verification (draw, answers, times, limits), so tests/bench/sync.py can time the same sync
with and without it. Never on a real server's path."""

from __future__ import annotations

from skillsapp.engine.draw import layout_from_json
from skillsapp.server import ingest
from skillsapp.server.verify import Verified
from skillsapp.storage.ids import parse_iso


def _unverified(payload, versions, bank_for, received_at, device_offset=None) -> Verified:
    version, contest = list(versions.items())[-1]
    round_ = next(r for r in contest.rounds if r.id == payload["round_id"])
    layout = layout_from_json(payload["layout"])
    by_id = bank_for(contest).by_id
    return Verified(
        contest,
        version,
        1,
        round_,
        layout,
        {a["question_id"]: a["chosen"] for a in payload["answers"]},
        {s.question_id: by_id[s.question_id] for s in layout},
        parse_iso(payload["started_at"]),
        parse_iso(payload["submitted_at"]),
    )


def _no_limits(*_args: object) -> None:
    return None


ingest.verify_attempt = _unverified
ingest.check_limits = _no_limits
ingest.Ingestor._earlier_starts = lambda self, conn, records: {}
