"""A busy server shows the ranking from before a change, labelled, never as final (issue
15, item 6): after a change a round page or ranking CSV view waits ``rankings.WAIT_S``
for the current ranking; when that is not enough, it shows the one computed before, with
the time it was computed, while the computation goes on for the next view. Without an
earlier ranking, or with one older than ``rankings.EARLIER_LIMIT_S``, the view waits for
the current one. The real server on loopback, SQLite and PostgreSQL (``province_server``).
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import threading

import pytest
from hostile import CONTEST, ROUND, HostileDevice
from ranking_helpers import Held, bump, release_all
from web_helpers import signed_in

pytest.importorskip("fastapi")
from sqlalchemy import create_engine  # noqa: E402

from skillsapp.server import db, rankings, round_ranks  # noqa: E402
from skillsapp.server.reports import local_time  # noqa: E402

ROUND_PAGE = f"/rounds/{CONTEST}/{ROUND}"
FIRST, BETTER = "Trần Thị Một", "Lê Văn Hai"


@pytest.fixture
def engine(tmp_path, monkeypatch):
    # Long enough for any machine; the tests of the earlier ranking set it to 0.
    monkeypatch.setattr(rankings, "WAIT_S", 60.0)
    engine = create_engine(f"sqlite:///{tmp_path / 'g.db'}")
    db.ranking_generations.create(engine)
    yield engine
    release_all()  # a failed test leaves none waiting
    rankings.wait_for_computations()
    rankings.forget_all()
    engine.dispose()


def test_a_view_after_a_change_waits_for_the_computation_within_the_wait(engine):
    assert rankings.recent(engine, CONTEST, ROUND, lambda _c: "v1") == rankings.Shown("v1", None)
    bump(engine)
    assert rankings.recent(engine, CONTEST, ROUND, lambda _c: "v2") == rankings.Shown("v2", None)
    # Unchanged: the kept one, computed no more.
    shown = rankings.recent(engine, CONTEST, ROUND, lambda _c: pytest.fail("computed again"))
    assert shown == rankings.Shown("v2", None)


def test_a_slow_computation_shows_the_earlier_ranking_labelled_then_the_current_one(
    engine, monkeypatch
):
    before = datetime.datetime.now(datetime.UTC)
    rankings.recent(engine, CONTEST, ROUND, lambda _c: "v1")
    after = datetime.datetime.now(datetime.UTC)
    monkeypatch.setattr(rankings, "WAIT_S", 0.0)
    bump(engine)
    held = Held("v2")
    shown = rankings.recent(engine, CONTEST, ROUND, held)
    assert shown.value == "v1" and before <= shown.as_of <= after  # when v1's data was read
    again = rankings.recent(engine, CONTEST, ROUND, held)
    assert held.started.wait(30)
    assert again == shown and held.calls == 1  # one computation under way, not two
    held.release.set()
    rankings.wait_for_computations()
    shown = rankings.recent(engine, CONTEST, ROUND, lambda _c: pytest.fail("computed again"))
    assert shown == rankings.Shown("v2", None) and held.calls == 1


def _view_in_thread(engine, compute) -> tuple[threading.Thread, list]:
    seen: list = []
    view = threading.Thread(
        target=lambda: seen.append(rankings.recent(engine, CONTEST, ROUND, compute))
    )
    view.start()
    return view, seen


def test_without_an_earlier_ranking_a_view_waits_as_long_as_it_takes(engine, monkeypatch):
    monkeypatch.setattr(rankings, "WAIT_S", 0.0)
    held = Held("v1")
    view, seen = _view_in_thread(engine, held)
    assert held.started.wait(30)
    view.join(0.5)
    assert view.is_alive() and seen == []  # nothing to show meanwhile: still waiting
    held.release.set()
    view.join(30)
    assert seen == [rankings.Shown("v1", None)]


def test_an_earlier_ranking_read_too_long_ago_is_never_shown(engine, monkeypatch):
    rankings.recent(engine, CONTEST, ROUND, lambda _c: "v1")
    monkeypatch.setattr(rankings, "WAIT_S", 0.0)
    monkeypatch.setattr(rankings, "EARLIER_LIMIT_S", 0.0)
    bump(engine)
    held = Held("v2")
    view, seen = _view_in_thread(engine, held)
    assert held.started.wait(30)
    view.join(0.5)
    assert view.is_alive() and seen == []
    held.release.set()
    view.join(30)
    assert seen == [rankings.Shown("v2", None)]


def test_a_change_during_the_computation_is_computed_again_for_a_view_after_it(engine):
    """A computation that read the generation before a view did is not current for it."""
    rankings.recent(engine, CONTEST, ROUND, lambda _c: "v1")
    bump(engine)
    held = Held("v2")
    first, first_seen = _view_in_thread(engine, held)
    assert held.started.wait(30)
    bump(engine)  # after the computation read the generation
    second, second_seen = _view_in_thread(engine, lambda _c: "v3")
    held.release.set()
    first.join(30)
    second.join(30)
    # The first view: current, v2 or (computed meanwhile for the second view) v3.
    assert first_seen in ([rankings.Shown("v2", None)], [rankings.Shown("v3", None)])
    assert second_seen == [rankings.Shown("v3", None)]


def test_a_failed_computation_reaches_its_view_and_the_log(engine, monkeypatch, caplog):
    def broken(_conn):
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        rankings.recent(engine, CONTEST, ROUND, broken)
    # A view that showed the earlier ranking is gone when its computation fails: logged.
    rankings.recent(engine, CONTEST, ROUND, lambda _c: "v1")
    monkeypatch.setattr(rankings, "WAIT_S", 0.0)
    bump(engine)
    release = threading.Event()

    def broken_later(_conn):
        assert release.wait(30)
        raise RuntimeError("database went away")

    with caplog.at_level(logging.ERROR, logger="skillsapp.server.rankings"):
        assert rankings.recent(engine, CONTEST, ROUND, broken_later).value == "v1"
        release.set()
        rankings.wait_for_computations()
    assert any("not computed" in r.getMessage() for r in caplog.records)
    monkeypatch.setattr(rankings, "WAIT_S", 60.0)
    assert rankings.recent(engine, CONTEST, ROUND, lambda _c: "v2") == rankings.Shown("v2", None)


# --- the round page and the ranking CSV on a busy server ---------------------------------


def _csv(session, url: str):
    answer = session.get(f"{url}{ROUND_PAGE}/export.csv?sheet=xep-hang", timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    return answer, rows


def _busy_server(monkeypatch) -> threading.Event:
    """The server is busy: every ranking computation is held until the event is set, and
    views do not wait for it."""
    release = threading.Event()
    original = round_ranks.ranked_rows

    def held(*args, **options):
        assert release.wait(30)
        return original(*args, **options)

    monkeypatch.setattr(round_ranks, "ranked_rows", held)
    monkeypatch.setattr(rankings, "WAIT_S", 0.0)
    return release


def test_a_busy_server_shows_the_earlier_ranking_labelled_never_as_final(
    province_server, tmp_path, monkeypatch
):
    device = HostileDevice(province_server, tmp_path)
    assert device.send(device.honest_attempt(name=FIRST, right=12, seed=1))["rejected"] == []
    session = signed_in(province_server.url, "tinh", "mat-khau-tinh")
    url = province_server.url
    before = datetime.datetime.now(datetime.UTC)
    page = session.get(f"{url}{ROUND_PAGE}", timeout=30)
    answer, rows = _csv(session, url)
    after = datetime.datetime.now(datetime.UTC)
    assert "X-Ranking-As-Of" not in page.headers and "X-Ranking-As-Of" not in answer.headers
    assert 'id="earlier-ranking"' not in page.text and "chưa chốt" not in page.text
    assert "chua-chot" not in answer.headers["Content-Disposition"]
    assert [r[1] for r in rows[1:] if r] == [FIRST]

    release = _busy_server(monkeypatch)
    assert device.send(device.honest_attempt(name=BETTER, right=18, seed=2))["rejected"] == []

    page = session.get(f"{url}{ROUND_PAGE}", timeout=30)
    assert page.status_code == 200
    as_of = datetime.datetime.fromisoformat(page.headers["X-Ranking-As-Of"])
    assert before <= as_of <= after  # when the ranking shown was read, before the change
    assert FIRST in page.text and BETTER not in page.text
    assert 'id="earlier-ranking"' in page.text and "chưa chốt" in page.text
    shown_time = local_time(as_of.isoformat()).strftime("%H:%M:%S %d/%m/%Y")
    assert f"tính lúc {shown_time}" in page.text

    answer, rows = _csv(session, url)
    csv_as_of = datetime.datetime.fromisoformat(answer.headers["X-Ranking-As-Of"])
    assert before <= csv_as_of <= after
    assert "chua-chot" in answer.headers["Content-Disposition"]
    assert [r[1] for r in rows[1:] if r and r[0].isdigit()] == [FIRST]
    shown_time = local_time(csv_as_of.isoformat()).strftime("%H:%M:%S %d/%m/%Y")
    assert rows[-1][0].startswith(f"Chưa chốt: bảng xếp hạng này tính lúc {shown_time}.")

    release.set()
    rankings.wait_for_computations()
    page = session.get(f"{url}{ROUND_PAGE}", timeout=30)
    answer, rows = _csv(session, url)
    assert "X-Ranking-As-Of" not in page.headers and "X-Ranking-As-Of" not in answer.headers
    assert 'id="earlier-ranking"' not in page.text and "chưa chốt" not in page.text
    assert page.text.index(BETTER) < page.text.index(FIRST)
    assert [r[1] for r in rows[1:] if r] == [BETTER, FIRST]
    assert "chua-chot" not in answer.headers["Content-Disposition"]


def test_the_earlier_ranking_csv_keeps_a_hostile_name_inert(province_server, tmp_path, monkeypatch):
    """A name an enrolled PC typed to start a formula stays text in the CSV shown from
    before a change, as in the current one."""
    hostile = '=HYPERLINK("http://x","bấm")'
    device = HostileDevice(province_server, tmp_path)
    assert device.send(device.honest_attempt(name=hostile, right=12, seed=1))["rejected"] == []
    session = signed_in(province_server.url, "tinh", "mat-khau-tinh")
    _csv(session, province_server.url)
    release = _busy_server(monkeypatch)
    assert device.send(device.honest_attempt(name=BETTER, right=18, seed=2))["rejected"] == []
    try:
        answer, rows = _csv(session, province_server.url)
    finally:
        release.set()
        rankings.wait_for_computations()
    assert "X-Ranking-As-Of" in answer.headers
    assert [r[1] for r in rows[1:] if r and r[0].isdigit()] == ["'" + hostile]
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
