"""Each entrant's counting attempt, kept up to date by every writer (``round_bests.py``,
issue 15 item 6): after random sequences of real syncs (honest and flagged attempts,
one ID number registered twice on one PC or claimed by two PCs), organisers' review
decisions (reversed too), entrant-conflict decisions and republished counting rules, the
kept table equals a full rebuild from the attempts, and the round's ranking equals the
engine's ranking of every rankable attempt. Concurrent offers to one entrant lose no
update, and the schema step fills the table for the attempts a server already holds. On
SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime
import random
import threading

import pytest
from hostile import CONTEST, PLAYED_AT, ROUND, HostileDevice
from server_helpers import BACKENDS, live_server
from test_adversarial_scope import BA_DINH, HOAN_KIEM, _with
from test_server_rankings import _every_rankable, _random_round

pytest.importorskip("fastapi")
from sqlalchemy import select, text  # noqa: E402

from skillsapp.engine.ranking import rank_round  # noqa: E402
from skillsapp.server import db, entrant_review, migrations, rankings, review, round_bests  # noqa: E402
from skillsapp.server import reports as server_reports  # noqa: E402
from skillsapp.server.publish import load_contests, publish_contest  # noqa: E402

ID_NUMBERS = [f"0010800123{n:02d}" for n in range(4)]


def _kept(conn) -> list[tuple]:
    return sorted(tuple(row) for row in conn.execute(select(db.round_bests)))


def _assert_kept_is_rebuilt_and_ranked_as_the_engine_would(engine, step: str) -> None:
    with engine.connect() as conn:
        kept = _kept(conn)
        round_bests.rebuild(conn, [CONTEST])  # in this connection's transaction, undone
        rebuilt = _kept(conn)
        conn.rollback()
    assert kept == rebuilt, step
    rules = load_contests(engine)[CONTEST].rules
    ranked, figure = rank_round(_every_rankable(engine), rules.counting, rules.prediction)
    report = server_reports.load_round(engine, CONTEST, ROUND)
    assert [(r.rank, r.attempt_id, r.score) for r in report.rows] == [
        (i.rank, i.result.attempt_id, i.result.score) for i in ranked
    ], step
    assert report.true_figure == figure, step


def _play(rng: random.Random, device: HostileDevice, commune: str) -> str:
    records = device.honest_attempt(
        name=f"Người {rng.randint(1, 999)}",
        right=rng.randint(14, 20),
        seed=rng.randint(1, 10**6),
        moment=PLAYED_AT + datetime.timedelta(minutes=rng.randint(0, 40)),
        commune=commune,
    )
    number = rng.choice([*ID_NUMBERS, None])
    if number:
        records = _with(records, id_number=number)
    claimed = rng.random() < 0.25
    if claimed:  # the PC claims another score than its answers earn: stored flagged
        payload = records[1]["payload"]
        payload["score"] = 20.0 if payload["score"] != 20.0 else 19.0
    answer = device.send(records)
    assert answer["rejected"] == [], answer
    return f"play {number} {'claimed' if claimed else 'honest'}"


def _review(rng: random.Random, engine) -> str | None:
    with engine.connect() as conn:
        flagged = conn.execute(
            select(db.attempts.c.id).where(db.attempts.c.flagged).order_by(db.attempts.c.id)
        ).scalars()
        flagged = list(flagged)
    if not flagged:
        return None
    attempt_id, decision = rng.choice(flagged), rng.choice(review.DECISIONS)
    review.decide(engine, attempt_id, decision, "Đã kiểm tra", "tinh")  # may reverse one
    return f"review {decision}"


def _conflict(rng: random.Random, engine) -> str | None:
    open_ = entrant_review.pending_conflicts(engine)
    if not open_:
        return None
    conflict, decision = rng.choice(open_), rng.choice(entrant_review.DECISIONS)
    ids = [c.registration_id for c in conflict.claims]
    entrant_review.decide(engine, CONTEST, conflict.id_hash, decision, "Đã gọi", "tinh", ids)
    return f"conflict {decision}"


def _republish(rng: random.Random, server) -> str:
    contest = load_contests(server.services.engine)[CONTEST]
    rules = dataclasses.replace(contest.rules, counting=rng.choice(["best", "first", "last"]))
    publish_contest(
        server.services.engine, server.services.key, dataclasses.replace(contest, rules=rules)
    )
    return f"republish {rules.counting}"


def test_the_kept_table_follows_random_syncs_reviews_merges_and_rules(province_server, tmp_path):
    engine = province_server.services.engine
    rng = random.Random(1506)
    pc_a = HostileDevice(province_server, tmp_path, "pc-a", commune=HOAN_KIEM)
    pc_b = HostileDevice(province_server, tmp_path, "pc-b", commune=BA_DINH)
    done: list[str] = []
    for _ in range(26):
        kind = rng.choices(["play", "review", "conflict", "republish"], [10, 4, 3, 1])[0]
        if kind == "play":
            device, commune = rng.choice([(pc_a, HOAN_KIEM), (pc_b, BA_DINH)])
            step = _play(rng, device, commune)
        elif kind == "review":
            step = _review(rng, engine)
        elif kind == "conflict":
            step = _conflict(rng, engine)
        else:
            step = _republish(rng, province_server)
        if step is None:
            continue
        done.append(step)
        _assert_kept_is_rebuilt_and_ranked_as_the_engine_would(engine, " / ".join(done))
    # The sequence really went through the cases that move entrants.
    assert any(s.startswith("conflict") for s in done), done
    assert any(s.startswith("review") for s in done), done
    with engine.connect() as conn:
        kept = conn.execute(select(db.round_bests.c.entrant_key)).scalars().all()
    assert any(key.startswith("id:") for key in kept)  # one person on several registrations


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_offers_to_one_entrant_keep_the_best(backend, tmp_path):
    """Offers from many transactions at once, without the generation lock writers also
    hold: the conditional upsert alone keeps each entrant's best, with no deadlock."""
    with live_server(tmp_path, backend) as live:
        engine = live.services.engine
        rng = random.Random(7)
        offers = [
            {
                "contest_id": CONTEST,
                "round_id": ROUND,
                "entrant_key": f"id:{rng.randint(1, 3)}",
                "attempt_id": f"a-{n:03d}",
                "registration_id": None,
                "device_id": "d",
                "score": float(rng.randint(1, 5)),
                "max_score": 5.0,
                "duration_ms": rng.choice([60_000, 90_000]),
                "submitted_at": "2026-12-08T02:00:00+00:00",
                "submitted_us": rng.randint(0, 3),
                "prediction": None,
                "flagged": False,
                "flag_reason": None,
            }
            for n in range(120)
        ]
        errors: list[BaseException] = []

        def offer(rows: list[dict]) -> None:
            try:
                for row in rows:
                    with engine.begin() as conn:
                        round_bests.offer(conn, [row], "best")
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=offer, args=(offers[n::6],)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert errors == []
        best: dict[str, dict] = {}
        for row in offers:
            key = (-row["score"], row["duration_ms"], row["submitted_us"], row["attempt_id"])
            held = best.get(row["entrant_key"])
            if held is None or key < held[0]:
                best[row["entrant_key"]] = (key, row)
        with engine.connect() as conn:
            kept = dict(
                conn.execute(
                    select(db.round_bests.c.entrant_key, db.round_bests.c.attempt_id)
                ).all()
            )
        assert kept == {k: v[1]["attempt_id"] for k, v in best.items()}


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_schema_step_fills_the_table_from_the_attempts_held(backend, tmp_path):
    with live_server(tmp_path, backend) as live:
        from content_helpers import BUNDLED

        from skillsapp.server.publish import publish_pack

        engine = live.services.engine
        publish_pack(engine, live.services.key, live.services.config.packs_dir, BUNDLED)
        _random_round(engine, seed=3)
        with engine.begin() as conn:  # as a server before step 013 held its attempts
            expected = _kept(conn)
            assert expected
            conn.execute(text("DROP TABLE round_bests"))
            conn.execute(text("DROP INDEX IF EXISTS ix_registrations_entrant"))
            conn.execute(text("DELETE FROM schema_steps WHERE name = '013_round_bests'"))
            rankings.bump(conn, [CONTEST])
        assert migrations.migrate(engine) == ["013_round_bests"]
        with engine.connect() as conn:
            assert _kept(conn) == expected
        assert migrations.migrate(engine) == []


def test_a_streamed_csv_sheet_is_the_file_the_export_writes(province_server, tmp_path, monkeypatch):
    from web_helpers import signed_in

    from skillsapp.server import ranking_csv, round_exports, round_ranks

    device = HostileDevice(province_server, tmp_path)
    for seed, right in ((1, 12), (2, 18), (3, 15)):
        assert device.send(device.honest_attempt(name=f"Người {seed}", right=right, seed=seed))[
            "accepted"
        ]
    engine = province_server.services.engine
    report = server_reports.load_round(engine, CONTEST, ROUND)
    session = signed_in(province_server.url, "tinh", "mat-khau-tinh")
    monkeypatch.setattr(ranking_csv, "STREAM_ROWS", 1)  # a chunk per row: the joins show
    ranking = round_exports.write_csv_sheet(engine, report, "xep-hang", tmp_path / "r.csv")
    assert ranking.read_text(encoding="utf-8-sig").splitlines()[1].startswith("1,Người 2,")
    for sheet in round_exports.STREAMED_SHEETS:
        written = round_exports.write_csv_sheet(engine, report, sheet, tmp_path / f"{sheet}.csv")
        chunks = list(round_exports.csv_chunks(report, sheet))
        assert len(chunks) > 1
        assert b"".join(chunks) == written.read_bytes()
        if sheet == "xep-hang":  # read ranked from the database, as the server sends it
            head = round_ranks.load_head(engine, CONTEST, ROUND)
            chunks = list(round_exports.csv_chunks(head, sheet, engine))
            assert len(chunks) > 2 and b"".join(chunks) == written.read_bytes()
        answer = session.get(
            f"{province_server.url}/rounds/{CONTEST}/{ROUND}/export.csv?sheet={sheet}", timeout=30
        )
        assert answer.status_code == 200 and answer.content == written.read_bytes()
        assert answer.headers["content-disposition"].startswith("attachment; filename=")
