"""The worker processes of one server hand each other their computed rankings (issue 15,
item 6): a worker's first view of a busy hour shows what another worker computed, current
or labelled as from before a change, instead of waiting for a computation of its own
(``rankings.share_in``; ``skillsapp serve --workers N`` makes the folder for its run).
"""

from __future__ import annotations

import copy
import logging
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import CONTEST, ROUND, HostileDevice
from ranking_helpers import Held, bump, release_all
from server_helpers import serve_process
from web_helpers import signed_in

pytest.importorskip("fastapi")
from sqlalchemy import create_engine  # noqa: E402

from skillsapp.server import db, rankings, round_ranks  # noqa: E402

ROUND_PAGE = f"/rounds/{CONTEST}/{ROUND}"

# Another worker process: it computes the ranking of CONTEST / ROUND as ``value`` and
# shares it, as a worker of ``skillsapp serve --workers N`` does.
OTHER_WORKER = """
import sys
from pathlib import Path
from sqlalchemy import create_engine
from skillsapp.server import rankings
url, folder, contest, round_id, value = sys.argv[1:]
engine = create_engine(url)
rankings.share_in(engine, Path(folder))
print(rankings.recent(engine, contest, round_id, lambda _conn: value).value)
"""


def other_worker_computes(url: str, folder: Path, value: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER, url, str(folder), CONTEST, ROUND, value],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.strip() == value, done.stderr[-2000:]


@pytest.fixture
def shared(tmp_path, monkeypatch):
    """A database and the folder its workers share rankings in; this test's process is
    one of the workers."""
    monkeypatch.setattr(rankings, "WAIT_S", 60.0)
    url = f"sqlite:///{tmp_path / 'g.db'}"
    engine = create_engine(url)
    db.ranking_generations.create(engine)
    folder = tmp_path / "shared"
    rankings.share_in(engine, folder)
    yield engine, url, folder
    release_all()  # a failed test leaves none waiting
    rankings.stop_sharing(engine)
    rankings.forget_all()
    engine.dispose()


def test_a_worker_shows_the_ranking_another_worker_computed(shared, monkeypatch):
    engine, url, folder = shared
    other_worker_computes(url, folder, "v1 from the other worker")
    # Current (same generation): shown as it is, and this worker computes nothing.
    shown = rankings.recent(engine, CONTEST, ROUND, lambda _c: pytest.fail("computed here"))
    assert shown == rankings.Shown("v1 from the other worker", None)

    # After a change, on a busy server: the other worker's ranking, labelled, never final.
    monkeypatch.setattr(rankings, "WAIT_S", 0.0)
    bump(engine)
    held = Held("v2 computed here")
    shown = rankings.recent(engine, CONTEST, ROUND, held)
    assert shown.value == "v1 from the other worker" and shown.as_of is not None
    assert held.started.wait(30)
    # The other worker computes the current one first: the next view here shows it,
    # current, while this worker's own computation is still under way.
    other_worker_computes(url, folder, "v2 from the other worker")
    shown = rankings.recent(engine, CONTEST, ROUND, held)
    assert shown == rankings.Shown("v2 from the other worker", None)
    held.release.set()
    rankings.wait_for_computations()


def test_a_worker_never_takes_an_older_ranking_over_its_own(shared, monkeypatch):
    engine, url, folder = shared
    other_worker_computes(url, folder, "v1 from the other worker")
    bump(engine)
    assert rankings.recent(engine, CONTEST, ROUND, lambda _c: "v2 here").value == "v2 here"
    (path,) = folder.glob("*.ranking")
    path.write_bytes(
        pickle.dumps(rankings._Entry((1, 0), "v1 from the other worker", 0.0))  # older
    )
    monkeypatch.setattr(rankings, "WAIT_S", 0.0)
    bump(engine)
    held = Held("v3")
    shown = rankings.recent(engine, CONTEST, ROUND, held)
    assert shown.value == "v2 here" and shown.as_of is not None
    held.release.set()
    rankings.wait_for_computations()


def test_a_broken_shared_file_is_logged_and_the_ranking_computed(shared, caplog):
    engine, url, folder = shared
    other_worker_computes(url, folder, "v1 from the other worker")
    (path,) = folder.glob("*.ranking")
    path.write_bytes(b"not a ranking at all")
    with caplog.at_level(logging.ERROR, logger="skillsapp.server.rankings"):
        shown = rankings.recent(engine, CONTEST, ROUND, lambda _c: "computed here")
    assert shown == rankings.Shown("computed here", None)
    assert f"shared ranking of {CONTEST} / {ROUND} () not read" in caplog.text
    # Computed here, then shared again in place of the broken file.
    assert pickle.loads(path.read_bytes()).value == "computed here"


def test_a_process_that_shares_nothing_writes_nothing(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'g.db'}")
    db.ranking_generations.create(engine)
    try:
        assert rankings.recent(engine, CONTEST, ROUND, lambda _c: "v1").value == "v1"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["g.db"]
    finally:
        rankings.forget_all()
        engine.dispose()


def test_the_round_page_from_another_worker_keeps_personal_data_masked(
    province_server, tmp_path, monkeypatch
):
    """The province's first page, computed by one worker, is shown by another as it was;
    the file the workers share holds the masked ID number, never the full one."""
    full_id = "001080012345"
    device = HostileDevice(province_server, tmp_path)
    records = copy.deepcopy(device.honest_attempt(name="Trần Thị Một", right=12, seed=1))
    records[0]["payload"]["id_number"] = full_id
    assert device.send(records)["rejected"] == []
    engine = province_server.services.engine
    folder = tmp_path / "shared"
    rankings.share_in(engine, folder)
    try:
        session = signed_in(province_server.url, "tinh", "mat-khau-tinh")
        first = session.get(f"{province_server.url}{ROUND_PAGE}", timeout=30)
        assert first.status_code == 200 and "Trần Thị Một" in first.text
        rankings.wait_for_computations()
        files = {p.name: p.read_bytes() for p in folder.glob("*.ranking")}
        assert files and not any(full_id.encode() in data for data in files.values())
        page = next(
            e.value
            for e in map(pickle.loads, files.values())
            if isinstance(e.value, round_ranks.ServerRound)
        )
        (row,) = page.rows
        assert row.person.full_name == "Trần Thị Một"
        assert row.person.id_number not in (None, full_id) and row.person.id_number[-3:] == "345"

        # Another worker (this process with nothing of its own), on a busy server: the
        # page the first worker computed, current and unlabelled, with no computation.
        rankings.forget_all()
        monkeypatch.setattr(
            round_ranks, "ranked_rows", lambda *a, **k: pytest.fail("computed again")
        )
        again = session.get(f"{province_server.url}{ROUND_PAGE}", timeout=30)
        assert again.status_code == 200 and "X-Ranking-As-Of" not in again.headers
        assert "Trần Thị Một" in again.text and row.person.id_number in again.text
        assert 'id="earlier-ranking"' not in again.text
    finally:
        rankings.stop_sharing(engine)
        rankings.forget_all()


def test_serve_with_workers_shares_rankings_in_a_folder_of_its_own_run(province_server, tmp_path):
    """``skillsapp serve --workers 2``: its workers share what they compute in a folder
    made for the run in the server's folder (only the server's user may read it), removed
    when it stops."""
    config = province_server.services.config
    with serve_process(config, workers=2) as url:
        (run,) = config.data_dir.glob("rankings-*")
        assert run.stat().st_mode & 0o077 == 0
        session = signed_in(url, "tinh", "mat-khau-tinh")
        assert session.get(f"{url}{ROUND_PAGE}", timeout=60).status_code == 200
        assert list(run.glob("*.ranking"))  # the page's ranking, for the other worker
    assert not run.exists()
