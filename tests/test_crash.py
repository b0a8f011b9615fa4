"""Power-cut safety: a real process is SIGKILLed at random points of a contest,
again and again; every acknowledged answer must survive and the attempt resume."""

import datetime
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from content_helpers import copy_example

from skillsapp.content.install import install_pack
from skillsapp.flows import contest as contest_flow
from skillsapp.models import Contest, ContestRules, Round
from skillsapp.storage import open_store

CHILD = Path(__file__).with_name("crash_child.py")
KILLS = int(os.environ.get("SKILLSAPP_CRASH_KILLS", "50"))


def prepare(data_dir: Path, tmp_path: Path) -> str:
    store = open_store(data_dir)
    install_pack(store, copy_example(tmp_path))
    now = datetime.datetime.now(datetime.UTC)
    contest = Contest(
        id="crash-test",
        title="Thi thử mất điện",
        rules=ContestRules(
            questions_per_attempt=4, quotas=(), time_limit_minutes=30, attempts_per_day=None
        ),
        rounds=(
            Round(
                "r1", "Vòng 1", now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
            ),
        ),
    )
    store.content.save_contest(contest)
    profile = store.profiles.create("Bà Tám")
    store.registrations.save(profile.id, contest.id, {"full_name": "Trần Thị Tám"}, complete=False)
    store.close()
    return contest.id


@pytest.mark.slow
def test_answers_survive_sigkill_at_random_points(tmp_path):
    data_dir = tmp_path / "data"
    contest_id = prepare(data_dir, tmp_path)
    rng = random.Random(20261122)
    acked: dict[tuple[str, str], str] = {}
    # Values written but not acknowledged since the last ACK of each answer, across kills:
    # the database may hold any of them (the kill came between commit and print).
    pending: dict[tuple[str, str], set[str]] = {}
    attempts_seen = set()
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(CHILD.parent.parent), os.environ.get("PYTHONPATH", "")]),
    )
    for kill in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(data_dir), contest_id, str(kill)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        target_acks = rng.randint(0, 40)
        acks = 0
        assert child.stdout is not None
        while line := child.stdout.readline():
            kind, *rest = line.split()
            if kind == "ATTEMPT":
                attempts_seen.add(rest[0])
            elif kind == "WILL":
                pending.setdefault((rest[0], rest[1]), set()).add(rest[2])
            elif kind == "ACK":
                acked[(rest[0], rest[1])] = rest[2]
                pending.pop((rest[0], rest[1]), None)
                acks += 1
            if acks >= target_acks and kind in ("ACK", "ATTEMPT", "WILL"):
                break
        child.send_signal(signal.SIGKILL)
        # Whatever the child printed after our last read may also have been saved;
        # read it through the same buffered file so no line is skipped.
        remainder = child.stdout.read()
        errors = child.stderr.read() if child.stderr else ""
        child.wait()
        for line in remainder.splitlines():
            kind, *rest = line.split()
            if kind == "WILL":
                pending.setdefault((rest[0], rest[1]), set()).add(rest[2])
            elif kind == "ACK":
                acked[(rest[0], rest[1])] = rest[2]
                pending.pop((rest[0], rest[1]), None)
        assert child.returncode == -signal.SIGKILL, errors

        store = open_store(data_dir)
        try:
            assert store.notices == [], [n.message for n in store.notices]
            assert store.integrity_ok()
            for (attempt_id, qid), chosen in acked.items():
                saved = store.attempts.answers(attempt_id).get(qid)
                assert saved is not None, f"acknowledged answer lost after kill {kill}"
                value = ",".join(map(str, saved))
                assert value == chosen or value in pending.get((attempt_id, qid), set()), (
                    kill,
                    qid,
                    value,
                    chosen,
                )
            now = datetime.datetime.now(datetime.UTC)
            recovery = contest_flow.recover(store, now)
            assert recovery.submitted == []
            if attempts_seen:
                assert len(recovery.resumable) == 1
                resumed = recovery.resumable[0]
                assert resumed.record.id in attempts_seen
                assert (
                    datetime.timedelta(minutes=25)
                    < resumed.remaining(now)
                    <= datetime.timedelta(minutes=30)
                )
                shown = resumed.chosen_positions()
                assert len(shown) == len(store.attempts.answers(resumed.record.id))
        finally:
            store.close()
    assert len(attempts_seen) == 1  # every run resumed the same attempt
    assert acked, "the children never acknowledged an answer"
