"""The round page and the ranking CSV read ranked from the database (``round_ranks.py``)
show exactly what the whole ranking computed in Python (``reports.load_round``, itself
checked against the engine in ``test_server_rankings.py``) shows: the same ranks, ties,
gaps, communes, people and masked data, page by page and narrowed to each commune, for
each prediction rule, on random data with exact ties, two time zones, reviews (accepted,
rejected, still pending) and several communes. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import dataclasses
import io
import random
import re
import uuid

import pytest
from server_helpers import BACKENDS, live_server
from sqlalchemy import update
from web_helpers import signed_in

pytest.importorskip("fastapi")

from skillsapp.engine.ranking import rank_round  # noqa: E402
from skillsapp.server import (  # noqa: E402
    db,
    migrations,
    ranking_csv_rows,
    rankings,
    round_bests,
    round_exports,
    round_ranks,
)
from skillsapp.server import reports as server_reports  # noqa: E402
from skillsapp.server.ingest import insert_ignore  # noqa: E402
from skillsapp.server.personal_data import vault_for  # noqa: E402
from skillsapp.server.rankings import masked_form  # noqa: E402

CONTEST = "tim-hieu-chuyen-doi-so-2026"
ROUND = "tuan-1"
COMMUNES = ["00070", "00004", "00001"]  # real communes of one province, and PCs' communes
NOW = "2026-12-08T03:00:00+00:00"


def _device(commune: str | None) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "name": "PC",
        "commune_code": commune,
        "token_hash": uuid.uuid4().hex,
        "public_key": "x" * 44,
        "enrolled_at": NOW,
        "revoked_at": None,
        "last_seen_at": NOW,
    }


def _random_round(engine, seed: int) -> None:
    """Registrations in several communes (some with none: their PC's counts), some sharing
    an entrant key, attempts with many exact ties, in two zones, some flagged and decided
    either way or not yet, some of no registration at all."""
    rng = random.Random(seed)
    vault = vault_for(engine)
    devices = [_device(c) for c in COMMUNES + [None]]
    registrations = []
    for n in range(60):
        key = f"id:{n // 2}" if n < 20 else None  # the first 20 pair up as 10 people
        registrations.append(
            {
                "id": str(uuid.uuid4()),
                "device_id": rng.choice(devices)["id"],
                "contest_id": CONTEST,
                "full_name": f"Người {n}" if n % 7 else f'=HYPERLINK("x","{n}")',
                "id_number_sealed": vault.seal(f"0010800{n:05d}") if n % 5 else None,
                "phone_sealed": vault.seal(f"09{n:08d}") if n % 3 else None,
                "commune_code": rng.choice([*COMMUNES, None, ""]),
                "entrant_key": key,
                "complete": rng.random() < 0.5,
                "flagged": False,
                "received_at": NOW,
            }
        )
    attempts = []
    for _ in range(400):
        registration = rng.choice(registrations + [None])
        zone = rng.choice(["+00:00", "+07:00"])
        hour = 2 + (7 if zone == "+07:00" else 0)
        flagged = rng.random() < 0.15
        attempts.append(
            {
                "id": str(uuid.uuid4()),
                "device_id": registration["device_id"] if registration else devices[0]["id"],
                "contest_id": CONTEST,
                "round_id": ROUND,
                "registration_id": registration["id"] if registration else None,
                "seed": 1,
                "started_at": NOW,
                "submitted_at": f"2026-12-08T{hour:02d}:{rng.choice([0, 1]):02d}:00{zone}",
                "score": 0.0,
                "max_score": 3.0,
                "server_score": None if rng.random() < 0.05 else float(rng.choice([1, 2, 3])),
                "flagged": flagged,
                "flag_reason": "device score 3, server score 2" if flagged else None,
                "duration_ms": rng.choice([60_000, 90_000]),
                "prediction": rng.choice([None, 1, 5, 9, 40]),
                "data": "{}",
                "received_at": NOW,
                "review_status": rng.choice([None, "accepted", "rejected"]) if flagged else None,
            }
        )
    for n, registration in enumerate(registrations):
        if n % 2:  # as ingest writes them; the others as written around it, without
            registration["id_number_masked"] = masked_form(
                vault.open(registration["id_number_sealed"]), "id"
            )
            registration["phone_masked"] = masked_form(
                vault.open(registration["phone_sealed"]), "phone"
            )
    with engine.begin() as conn:
        insert_ignore(conn, db.devices, devices)
        insert_ignore(conn, db.registrations, registrations)
        insert_ignore(conn, db.attempts, attempts)
        rankings.bump(conn, [CONTEST])
        round_bests.rebuild(conn, [CONTEST])


def _shown(row: server_reports.RankedRow) -> tuple:
    return (
        row.rank,
        row.entrant,
        row.attempt_id,
        row.commune_code,
        row.score,
        row.prediction,
        row.prediction_gap,
        row.duration_ms,
        row.flagged,
        row.person,
    )


def _all_pages(engine, commune: str | None, unmasked: bool = False) -> tuple[list, list]:
    rows, reports = [], []
    page = 1
    while True:
        report = round_ranks.load_page(engine, CONTEST, ROUND, commune, page, unmasked)
        reports.append(report)
        if not report.rows:
            return rows, reports
        assert report.first == len(rows)
        rows += report.rows
        page += 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_pages_and_csv_read_ranked_from_sql_equal_the_whole_ranking(backend, tmp_path, monkeypatch):
    monkeypatch.setattr(round_ranks, "PAGE_SIZE", 7)  # many pages, ties across their edges
    with live_server(tmp_path, backend) as live:
        from content_helpers import BUNDLED
        from test_server_rankings import _every_rankable

        from skillsapp.server.publish import load_contests, publish_contest, publish_pack

        engine = live.services.engine
        publish_pack(engine, live.services.key, live.services.config.packs_dir, BUNDLED)
        _random_round(engine, seed=16)
        contest = load_contests(engine)[CONTEST]
        for prediction in ("full_score_count", "entrant_count", "none"):
            rules = dataclasses.replace(contest.rules, prediction=prediction)
            publish_contest(engine, live.services.key, dataclasses.replace(contest, rules=rules))
            whole = server_reports.load_round(engine, CONTEST, ROUND)
            assert len(whole.rows) > 30 and whole.awaiting_review > 0  # real ties, not final
            assert len({r.rank for r in whole.rows}) < len(whole.rows)  # shared ranks
            # The engine's own ranking, independently of both.
            ranked, figure = rank_round(_every_rankable(engine), rules.counting, prediction)
            expected = [(i.rank, i.result.attempt_id) for i in ranked]
            for commune in (None, *COMMUNES, "99999"):
                narrowed = server_reports.load_round(engine, CONTEST, ROUND, commune)
                for unmasked in (False, True):
                    paged, reports = _all_pages(engine, commune, unmasked)
                    old = server_reports.load_round(engine, CONTEST, ROUND, commune, unmasked)
                    assert [_shown(r) for r in paged] == [_shown(r) for r in old.rows]
                    for report in reports:
                        assert report.shown_total == len(narrowed.rows)
                        assert report.ranked_total == len(whole.rows)
                        assert report.true_figure == figure == whole.true_figure
                        assert report.communes == whole.communes
                        assert report.final is False
                        assert report.awaiting_here == narrowed.awaiting_here
                    head = round_ranks.load_head(engine, CONTEST, ROUND, commune, unmasked)
                    assert (head.shown_total, head.true_figure, head.final) == (
                        len(narrowed.rows),
                        figure,
                        False,
                    )
                    # The streamed file, byte for byte (its lines skip the cell-by-cell
                    # check, and a masked one reuses the lines of earlier downloads).
                    assert b"".join(round_exports.csv_chunks(head, "xep-hang", engine)) == b"".join(
                        round_exports.csv_chunks(old, "xep-hang")
                    )
                if commune is None:
                    assert [(r.rank, r.attempt_id) for r in paged] == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_round_page_pages_through_the_ranking(backend, tmp_path, monkeypatch):
    monkeypatch.setattr(round_ranks, "PAGE_SIZE", 10)
    with live_server(tmp_path, backend) as live:
        from content_helpers import BUNDLED

        from skillsapp.server.publish import publish_pack

        engine = live.services.engine
        publish_pack(engine, live.services.key, live.services.config.packs_dir, BUNDLED)
        live.services.accounts.create_organiser("tinh", "mat-khau-tinh", "province")
        _random_round(engine, seed=17)
        whole = server_reports.load_round(engine, CONTEST, ROUND)
        session = signed_in(live.url, "tinh", "mat-khau-tinh")
        page_url = f"{live.url}/rounds/{CONTEST}/{ROUND}"
        ranks, page = [], 1
        while True:
            html = session.get(f"{page_url}?page={page}", timeout=30).text
            assert "chưa chốt" in html  # attempts await review on every page
            body = html.split('<table class="ranking">', 1)[1].split("</table>", 1)[0]
            ranks += [int(n) for n in re.findall(r'<tr[^>]*>\s*<td class="num">(\d+)</td>', body)]
            if 'id="page-next"' not in html:
                break
            assert f'href="?page={page + 1}"' in html
            page += 1
        assert ranks == [r.rank for r in whole.rows] and page > 2
        assert 'id="page-previous"' in html
        commune = COMMUNES[1]
        narrowed = server_reports.load_round(engine, CONTEST, ROUND, commune)
        html = session.get(f"{page_url}?commune={commune}&page=2", timeout=30).text
        body = html.split('<table class="ranking">', 1)[1].split("</table>", 1)[0]
        shown = [int(n) for n in re.findall(r'<tr[^>]*>\s*<td class="num">(\d+)</td>', body)]
        assert shown == [r.rank for r in narrowed.rows[10:20]]
        assert f'href="?page=3&amp;commune={commune}"' in html or len(narrowed.rows) <= 20
        answer = session.get(f"{page_url}/export.csv?sheet=xep-hang&commune={commune}", timeout=30)
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert [int(r[0]) for r in rows[1:] if r and r[0].isdigit()] == [
            r.rank for r in narrowed.rows
        ]
        assert rows[-1][0].startswith("Chưa chốt")


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_schema_step_stores_the_masked_forms_a_view_showed(backend, tmp_path):
    from sqlalchemy import select, text, update

    with live_server(tmp_path, backend) as live:
        from content_helpers import BUNDLED

        from skillsapp.server.publish import publish_pack

        engine = live.services.engine
        publish_pack(engine, live.services.key, live.services.config.packs_dir, BUNDLED)
        _random_round(engine, seed=18)
        vault = vault_for(engine)
        r = db.registrations
        with engine.begin() as conn:  # as a server before step 014 held its registrations
            conn.execute(update(r).values(id_number_masked=None, phone_masked=None))
            conn.execute(text("DELETE FROM schema_steps WHERE name = '014_round_views'"))
        assert migrations.migrate(engine) == ["014_round_views"]
        with engine.connect() as conn:
            rows = conn.execute(select(r)).all()
        assert any(row.id_number_sealed for row in rows) and any(
            not row.phone_sealed for row in rows
        )
        for row in rows:  # what rankings.masked showed by opening the sealed value
            assert row.id_number_masked == rankings.masked(vault, row.id_number_sealed, "id")
            assert row.phone_masked == rankings.masked(vault, row.phone_sealed, "phone")
            if row.id_number_masked:
                assert "*" in row.id_number_masked and row.id_number_masked[:3] == "001"
        assert migrations.migrate(engine) == []


def test_a_synced_registration_is_stored_with_its_masked_forms(province_server, tmp_path):
    from hostile import HostileDevice
    from sqlalchemy import select

    device = HostileDevice(province_server, tmp_path)
    records = device.honest_attempt(name="Phạm Thị Ba", right=10, seed=2)
    records[0]["payload"].update(id_number="001080012345", phone="0912345678")
    assert device.send(records)["accepted"]
    engine = province_server.services.engine
    vault = vault_for(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(db.registrations)).all()
    assert rows and all(row.id_number_sealed and row.phone_sealed for row in rows)
    for row in rows:
        assert row.id_number_masked == masked_form(vault.open(row.id_number_sealed), "id")
        assert row.phone_masked == masked_form(vault.open(row.phone_sealed), "phone")
    assert (rows[0].id_number_masked, rows[0].phone_masked) == ("001******345", "091****678")


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_first_page_is_reused_until_the_ranking_changes(backend, tmp_path, monkeypatch):
    with live_server(tmp_path, backend) as live:
        from content_helpers import BUNDLED

        from skillsapp.server.publish import publish_pack

        engine = live.services.engine
        publish_pack(engine, live.services.key, live.services.config.packs_dir, BUNDLED)
        _random_round(engine, seed=19)
        calls = []
        original = round_ranks.ranked_rows

        def counted(*args, **kwargs):
            calls.append(kwargs.get("offset", 0))
            return original(*args, **kwargs)

        monkeypatch.setattr(round_ranks, "ranked_rows", counted)
        rankings.forget_all()
        first = round_ranks.load_page(engine, CONTEST, ROUND)
        assert round_ranks.load_page(engine, CONTEST, ROUND) is first and len(calls) == 1
        round_ranks.load_page(engine, CONTEST, ROUND, page=2)
        round_ranks.load_page(engine, CONTEST, ROUND, commune=COMMUNES[0])
        round_ranks.load_page(engine, CONTEST, ROUND, unmasked=True)
        assert len(calls) == 4  # other pages, a commune and unmasked are read afresh
        with engine.begin() as conn:  # an organiser accepts an attempt awaiting review
            waiting = conn.execute(
                update(db.attempts)
                .where(db.attempts.c.flagged, db.attempts.c.review_status.is_(None))
                .values(review_status="accepted")
            ).rowcount
            assert waiting > 0
            rankings.bump(conn, [CONTEST])
            round_bests.rebuild(conn, [CONTEST])
        again = round_ranks.load_page(engine, CONTEST, ROUND)
        assert again is not first and len(calls) == 5
        assert first.final is False and again.final is True
        whole = server_reports.load_round(engine, CONTEST, ROUND)
        assert [_shown(r) for r in again.rows] == [_shown(r) for r in whole.rows[:500]]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_masked_csv_after_a_few_rows_change_equals_one_written_afresh(
    backend, tmp_path, monkeypatch
):
    """Downloaded once (every line's pieces kept), then a registration renamed and another
    entrant's counting attempt changed, around the server's writers: the next download
    equals the CSV written from a report loaded afresh, and on PostgreSQL only those two
    entrants' cells are read again (``ranking_csv_rows.csv_rows_of``), found by their rows'
    new versions. Then a PC moved to another commune: the same again."""
    with live_server(tmp_path, backend) as live:
        from content_helpers import BUNDLED

        from skillsapp.server.publish import publish_pack

        engine = live.services.engine
        publish_pack(engine, live.services.key, live.services.config.packs_dir, BUNDLED)
        _random_round(engine, seed=18)

        def downloaded() -> bytes:
            head = round_ranks.load_head(engine, CONTEST, ROUND)
            written = b"".join(round_exports.csv_chunks(head, "xep-hang", engine))
            fresh = server_reports.load_round(engine, CONTEST, ROUND)
            assert written == b"".join(round_exports.csv_chunks(fresh, "xep-hang"))
            return written

        first = downloaded()
        read_again: list[list[str]] = []
        original = ranking_csv_rows.csv_rows_of

        def spied(conn, report, entrants):
            read_again.append(sorted(entrants))
            return original(conn, report, entrants)

        monkeypatch.setattr(ranking_csv_rows, "csv_rows_of", spied)
        with engine.begin() as conn:
            best = conn.execute(
                db.round_bests.select().where(db.round_bests.c.registration_id.is_not(None))
            ).first()
            other = conn.execute(
                db.round_bests.select().where(db.round_bests.c.entrant_key != best.entrant_key)
            ).first()
            conn.execute(
                update(db.registrations)
                .where(db.registrations.c.id == best.registration_id)
                .values(full_name="Tên Đã Sửa")
            )
            conn.execute(
                update(db.round_bests)
                .where(db.round_bests.c.entrant_key == other.entrant_key)
                .values(duration_ms=other.duration_ms + 1000)
            )
            rankings.bump_all(conn)
        second = downloaded()
        assert second != first and "Tên Đã Sửa" in second.decode("utf-8-sig")
        if backend == "postgresql":  # only the two entrants whose rows changed
            assert read_again == [sorted([best.entrant_key, other.entrant_key])]
        with engine.begin() as conn:  # a PC moved: its entrants' commune with it
            conn.execute(
                update(db.devices)
                .where(db.devices.c.commune_code == COMMUNES[2])
                .values(commune_code=COMMUNES[0])
            )
            rankings.bump_all(conn)
        assert downloaded() != second
