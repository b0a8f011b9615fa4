"""Rankings at contest-week scale are never stale (issue 15, item 6): a round's ranking is
cached per server process and checked against a generation counter in the database, which
every write that can change a ranking bumps. A ranking viewed, then changed (a better
attempt synced, an organiser's review decision, an entrant-conflict decision), then viewed
again shows the change: on the page and in the CSV, in the same process and in a second
server process on the same database. The database's choice of each entrant's counting
attempt matches the engine's own rule, ties and time zones included. On SQLite and
PostgreSQL (``province_server``)."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import random
import re
import uuid

import pytest
from hostile import CONTEST, ROUND, HostileDevice
from server_helpers import BACKENDS, live_server, serve_process
from test_adversarial_scope import _decide as decide_conflict
from test_adversarial_scope import _two_claims
from web_helpers import csrf_of, signed_in

pytest.importorskip("fastapi")
from sqlalchemy import select  # noqa: E402

from skillsapp.engine.ranking import AttemptResult, counting_attempts, rank_round  # noqa: E402
from skillsapp.server import (  # noqa: E402
    db,
    ranking_csv,
    ranking_csv_rows,
    rankings,
    review,
    round_bests,
    round_exports,
    round_ranks,
)
from skillsapp.server import reports as server_reports  # noqa: E402
from skillsapp.server.ingest import insert_ignore  # noqa: E402
from skillsapp.server.personal_data import vault_for  # noqa: E402

ROUND_PAGE = f"/rounds/{CONTEST}/{ROUND}"
FIRST, BETTER = "Trần Thị Một", "Lê Văn Hai"


def _page_names(session, url: str) -> list[str]:
    html = session.get(f"{url}{ROUND_PAGE}", timeout=30).text
    if '<table class="ranking">' not in html:
        return []
    body = html.split('<table class="ranking">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr[^>]*>\s*<td class="num">\d+</td>\s*<td>\s*([^<]+?)\s*<', body)


def _csv_names(session, url: str) -> list[tuple[str, str]]:
    answer = session.get(f"{url}{ROUND_PAGE}/export.csv?sheet=xep-hang", timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    return [(r[0], r[1]) for r in rows[1:] if r and r[0].isdigit()]


def _province_session(server):
    return signed_in(server.url, "tinh", "mat-khau-tinh")


def test_a_better_attempt_synced_after_a_view_is_ranked_at_the_next_view(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    assert device.send(device.honest_attempt(name=FIRST, right=12, seed=1))["rejected"] == []
    session, url = _province_session(province_server), province_server.url
    assert _page_names(session, url) == [FIRST]
    assert _csv_names(session, url) == [("1", FIRST)]
    assert _page_names(session, url) == [FIRST]  # viewed twice: the second from the cache

    assert device.send(device.honest_attempt(name=BETTER, right=18, seed=2))["rejected"] == []

    assert _page_names(session, url) == [BETTER, FIRST]
    assert _csv_names(session, url) == [("1", BETTER), ("2", FIRST)]


def test_a_batch_of_duplicates_keeps_the_cached_ranking(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    records = device.honest_attempt(name=FIRST, right=12, seed=1)
    device.send(records)
    engine = province_server.services.engine
    with engine.connect() as conn:
        before = rankings.generations(conn, CONTEST)
    assert device.send(records)["duplicates"] == [r["id"] for r in records]  # a resend
    with engine.connect() as conn:
        assert rankings.generations(conn, CONTEST) == before


def test_an_accepted_review_decision_is_ranked_at_the_next_view(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    honest = device.honest_attempt(name=FIRST, right=12, seed=1)
    claimed = device.honest_attempt(name=BETTER, right=18, seed=2)
    claimed[1]["payload"]["score"] = 20.0  # the PC claims more than the answers earn: flagged
    answer = device.send(honest + claimed)
    assert answer["flagged"] == [claimed[1]["id"]]
    session, url = _province_session(province_server), province_server.url
    assert _page_names(session, url) == [FIRST]
    assert _csv_names(session, url) == [("1", FIRST)]

    page = session.get(f"{url}/review", timeout=20)
    decided = session.post(
        f"{url}/review/{claimed[1]['id']}",
        data={"csrf": csrf_of(page.text), "decision": "accepted", "reason": "Đã kiểm tra"},
        timeout=20,
    )
    assert decided.status_code == 200

    assert _page_names(session, url) == [BETTER, FIRST]  # at the server's own 18 points
    assert _csv_names(session, url) == [("1", BETTER), ("2", FIRST)]


def test_an_entrant_conflict_decision_is_ranked_at_the_next_view(province_server, tmp_path):
    _two_claims(province_server, tmp_path)  # two PCs claim one ID number: both held back
    engine = province_server.services.engine
    held = server_reports.load_round(engine, CONTEST, ROUND)
    assert held.rows == [] and held.awaiting_review == 2

    _page, answer = decide_conflict(province_server, "tinh", "mat-khau-tinh", "apart")
    assert answer.status_code == 200

    report = server_reports.load_round(engine, CONTEST, ROUND)
    assert [(r.rank, r.person.full_name) for r in report.rows] == [
        (1, "Nguyễn Văn An"),
        (2, "Nguyễn Văn Ân"),
    ]
    assert report.awaiting_review == 0 and report.final


def test_a_masked_ranking_keeps_no_full_id_number_in_memory(province_server, tmp_path):
    first, _second, _answer, _pc = _two_claims(province_server, tmp_path)
    decide_conflict(province_server, "tinh", "mat-khau-tinh", "same")
    engine = province_server.services.engine
    masked = server_reports.load_round(engine, CONTEST, ROUND)
    assert [r.person.id_number for r in masked.rows] == ["001******345"]
    assert "001080012345" not in repr(rankings._memo)
    clear = server_reports.load_round(engine, CONTEST, ROUND, unmasked=True)
    assert [r.person.id_number for r in clear.rows] == ["001080012345"]
    assert "001080012345" not in repr(rankings._memo)  # unmasked reports are never kept
    for unmasked in (False, True):  # the ranking CSV's kept lines: masked ones only
        head = round_ranks.load_head(engine, CONTEST, ROUND, unmasked=unmasked)
        written = b"".join(round_exports.csv_chunks(head, "xep-hang", engine))
        assert ("001080012345" in written.decode("utf-8-sig")) is unmasked
        assert "001******345" in repr(ranking_csv._pieces)
        assert "001080012345" not in repr(ranking_csv._pieces)


def test_the_masked_ranking_csv_after_each_change_is_the_one_written_afresh(
    province_server, tmp_path
):
    """The masked ranking CSV keeps each entrant's own cells between downloads
    (``ranking_csv``). After each change (a first entrant, a better one above them, a
    renamed registration, a new first place that moves everyone else down) the download
    is, byte for byte, the CSV written from a report loaded afresh. (Gaps that move with
    the true figure: ``test_server_round_ranks``.)"""
    device = HostileDevice(province_server, tmp_path)
    engine = province_server.services.engine
    session, url = _province_session(province_server), province_server.url

    def downloaded() -> str:
        answer = session.get(f"{url}{ROUND_PAGE}/export.csv?sheet=xep-hang", timeout=30)
        assert answer.status_code == 200
        report = server_reports.load_round(engine, CONTEST, ROUND)
        assert answer.content == b"".join(round_exports.csv_chunks(report, "xep-hang"))
        return answer.content.decode("utf-8-sig")

    first = device.honest_attempt(name=FIRST, right=12, seed=1)
    assert device.send(first)["rejected"] == []
    assert FIRST in downloaded()
    assert device.send(device.honest_attempt(name=BETTER, right=18, seed=2))["rejected"] == []
    assert downloaded().splitlines()[1].startswith(f"1,{BETTER},")
    renamed = copy.deepcopy(first[0])
    renamed["payload"].update(full_name="Trần Thị Mười", updated_at="2099-01-01T00:00:00+00:00")
    assert device.send([renamed])["accepted"] == [renamed["id"]]
    text = downloaded()
    assert "Trần Thị Mười" in text and FIRST not in text
    assert (
        device.send(device.honest_attempt(name="Phạm Văn Ba", right=20, seed=3))["rejected"] == []
    )
    rows = [row[:2] for row in csv.reader(io.StringIO(downloaded())) if row and row[0].isdigit()]
    assert rows == [["1", "Phạm Văn Ba"], ["2", BETTER], ["3", "Trần Thị Mười"]]  # kept, moved


@pytest.fixture
def second_process(province_server):
    """``skillsapp serve`` in its own process on the province server's database."""
    with serve_process(province_server.services.config) as url:
        yield url


def test_a_second_server_process_shows_a_batch_the_first_one_stored(
    province_server, second_process, tmp_path
):
    device = HostileDevice(province_server, tmp_path)
    assert device.send(device.honest_attempt(name=FIRST, right=12, seed=1))["rejected"] == []
    other = signed_in(second_process, "tinh", "mat-khau-tinh")
    assert _page_names(other, second_process) == [FIRST]  # cached in the second process
    assert _csv_names(other, second_process) == [("1", FIRST)]

    # Stored by the first process (the one the PC syncs to), read by the second.
    assert device.send(device.honest_attempt(name=BETTER, right=18, seed=2))["rejected"] == []

    assert _page_names(other, second_process) == [BETTER, FIRST]
    assert _csv_names(other, second_process) == [("1", BETTER), ("2", FIRST)]


# --- the kept counting attempts against the engine's rule --------------------------------


def _random_round(engine, seed: int) -> None:
    """Attempts with many exact ties (score and time) submitted in two time zones, some
    entrants on two registrations with one entrant key, some attempts not rankable."""
    rng = random.Random(seed)
    now = "2026-12-08T03:00:00+00:00"
    device = str(uuid.uuid4())
    vault = vault_for(engine)
    registrations = []
    for n in range(40):
        key = f"id:{n // 2}" if n < 20 else None  # the first 20 pair up as 10 people
        registrations.append(
            {
                "id": str(uuid.uuid4()),
                "device_id": device,
                "contest_id": CONTEST,
                "full_name": f"Người {n}",
                "id_number_sealed": vault.seal(f"0010800{n:05d}"),
                "entrant_key": key,
                "complete": False,
                "flagged": False,
                "received_at": now,
            }
        )
    attempts = []
    for _ in range(300):
        registration = rng.choice(registrations + [None])  # None: an attempt of no entrant
        minute = rng.choice([0, 1, 2])
        zone = rng.choice(["+00:00", "+07:00"])
        hour = 2 + (7 if zone == "+07:00" else 0)
        attempts.append(
            {
                "id": str(uuid.uuid4()),
                "device_id": device,
                "contest_id": CONTEST,
                "round_id": ROUND,
                "registration_id": registration["id"] if registration else None,
                "seed": 1,
                "started_at": now,
                "submitted_at": f"2026-12-08T{hour:02d}:{minute:02d}:00{zone}",
                "score": 0.0,
                "max_score": 3.0,
                "server_score": None if rng.random() < 0.1 else float(rng.choice([1, 2, 3])),
                "flagged": rng.random() < 0.1,
                "flag_reason": None,
                "duration_ms": rng.choice([60_000, 90_000]),
                "prediction": rng.choice([None, 1, 5, 9]),
                "data": "{}",
                "received_at": now,
                "review_status": rng.choice([None, None, "accepted", "rejected"]),
            }
        )
    with engine.begin() as conn:
        insert_ignore(conn, db.devices, [_device(device, now)])
        insert_ignore(conn, db.registrations, registrations)
        insert_ignore(conn, db.attempts, attempts)
        # Written around the server's writers: bring the rankings' table in line, as the
        # schema step does for the attempts a server already holds.
        rankings.bump(conn, [CONTEST])
        round_bests.rebuild(conn, [CONTEST])


def _device(device_id: str, now: str) -> dict:
    return {
        "id": device_id,
        "name": "PC",
        "commune_code": "00070",
        "token_hash": uuid.uuid4().hex,
        "public_key": "x" * 44,
        "enrolled_at": now,
        "revoked_at": None,
        "last_seen_at": now,
    }


def _every_rankable(engine) -> list[AttemptResult]:
    """The rule as the engine states it, over every rankable attempt, in attempt-id order
    (so exact ties of ``first`` and ``last`` go to the same attempt every time)."""
    a, r = db.attempts, db.registrations
    query = (
        select(
            a.c.id,
            a.c.registration_id,
            r.c.entrant_key,
            review.ranking_score().label("s"),
            a.c.max_score,
            a.c.duration_ms,
            a.c.submitted_at,
            a.c.prediction,
        )
        .select_from(a.outerjoin(r, r.c.id == a.c.registration_id))
        .where(a.c.contest_id == CONTEST, a.c.round_id == ROUND, review.rankable())
    )
    with engine.connect() as conn:
        found = [
            AttemptResult(
                row.id,
                server_reports.entrant_key(row.entrant_key, row.registration_id, row.id),
                float(row.s),
                float(row.max_score),
                int(row.duration_ms),
                row.submitted_at,
                row.prediction,
            )
            for row in conn.execute(query)
        ]
    return sorted(found, key=lambda r: r.attempt_id)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_kept_counting_attempts_are_what_the_engine_would_pick(backend, tmp_path):
    with live_server(tmp_path, backend) as live:
        from content_helpers import BUNDLED

        from skillsapp.server.publish import load_contests, publish_contest, publish_pack

        engine = live.services.engine
        publish_pack(engine, live.services.key, live.services.config.packs_dir, BUNDLED)
        _random_round(engine, seed=15)
        everything = _every_rankable(engine)
        assert len({r.entrant for r in everything}) > 20  # the data has real choices
        contest = load_contests(engine)[CONTEST]
        for counting in ("first", "last", "best"):
            # Republishing with another rule works every round out again (round_bests.py).
            rules = dataclasses.replace(contest.rules, counting=counting)
            publish_contest(engine, live.services.key, dataclasses.replace(contest, rules=rules))
            with engine.connect() as conn:
                kept = conn.execute(
                    select(db.round_bests.c.attempt_id).where(db.round_bests.c.round_id == ROUND)
                ).scalars()
                expected = counting_attempts(everything, counting)
                assert sorted(kept) == sorted(e.attempt_id for e in expected), counting
            report = server_reports.load_round(engine, CONTEST, ROUND)
            ranked, figure = rank_round(everything, counting, rules.prediction)
            assert [(r.rank, r.attempt_id) for r in report.rows] == [
                (item.rank, item.result.attempt_id) for item in ranked
            ], counting
            assert report.true_figure == figure


def test_a_second_view_reuses_the_ranking_until_something_changes(
    province_server, tmp_path, monkeypatch
):
    device = HostileDevice(province_server, tmp_path)
    device.send(device.honest_attempt(name=FIRST, right=12, seed=1))
    engine = province_server.services.engine
    calls = []
    original = round_bests.round_rows

    def counted(conn, *args):
        calls.append(args)
        return original(conn, *args)

    monkeypatch.setattr(round_bests, "round_rows", counted)
    rankings.forget_all()
    server_reports.load_round(engine, CONTEST, ROUND)
    server_reports.load_round(engine, CONTEST, ROUND, commune="00070")
    assert len(calls) == 1  # the second view, narrowed to a commune, reused the first
    with engine.begin() as conn:
        rankings.bump(conn, ["another-contest"])
    server_reports.load_round(engine, CONTEST, ROUND)
    assert len(calls) == 1  # another contest's change leaves this one's ranking alone
    with engine.begin() as conn:
        rankings.bump_all(conn)
    server_reports.load_round(engine, CONTEST, ROUND)
    assert len(calls) == 2
    server_reports.load_round(engine, CONTEST, ROUND, unmasked=True)
    assert len(calls) == 3  # an unmasked report is computed afresh, never cached


def test_views_arriving_during_a_computation_wait_for_it(tmp_path):
    import threading

    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'g.db'}")
    db.ranking_generations.create(engine)
    started, release, calls, seen = threading.Event(), threading.Event(), [], []

    def compute(_conn):
        calls.append(1)
        started.set()
        assert release.wait(30)  # held until the second view is waiting too
        return "ranking"

    first = threading.Thread(
        target=lambda: seen.append(rankings.cached(engine, CONTEST, ROUND, compute))
    )
    first.start()
    assert started.wait(30)
    second = threading.Thread(
        target=lambda: seen.append(rankings.cached(engine, CONTEST, ROUND, compute))
    )
    second.start()
    release.set()
    first.join(30)
    second.join(30)
    assert seen == ["ranking", "ranking"] and len(calls) == 1
    with engine.begin() as conn:
        rankings.bump(conn, [CONTEST])
    assert rankings.cached(engine, CONTEST, ROUND, compute) == "ranking" and len(calls) == 2
    engine.dispose()


def test_the_masked_ranking_csv_is_kept_until_the_ranking_changes(
    province_server, tmp_path, monkeypatch
):
    """A second download of an unchanged ranking CSV (another organiser's, or a refresh)
    costs no query; a synced batch makes the next one computed again; the CSV with full ID
    numbers is never kept."""
    device = HostileDevice(province_server, tmp_path)
    device.send(device.honest_attempt(name=FIRST, right=12, seed=1))
    calls = []
    original = ranking_csv_rows.csv_rows

    def counted(conn, report, **options):
        calls.append(report.unmasked)
        return original(conn, report, **options)

    monkeypatch.setattr(ranking_csv_rows, "csv_rows", counted)
    session, url = _province_session(province_server), province_server.url
    first = session.get(f"{url}{ROUND_PAGE}/export.csv?sheet=xep-hang", timeout=30)
    again = session.get(f"{url}{ROUND_PAGE}/export.csv?sheet=xep-hang", timeout=30)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and len(calls) == 1

    assert device.send(device.honest_attempt(name=BETTER, right=18, seed=2))["rejected"] == []
    assert _csv_names(session, url) == [("1", BETTER), ("2", FIRST)]
    assert len(calls) == 2

    for _ in range(2):
        clear = session.get(f"{url}{ROUND_PAGE}/export.csv?sheet=xep-hang&unmasked=1", timeout=30)
        assert clear.status_code == 200
    assert calls[2:] == [True, True]  # computed for each download, never kept
