"""A server process started for many workers tunes its garbage collector
(``server/gc_settings.py``); a process that only imports the server does not."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("fastapi")

CHILD = """
import gc, json
from skillsapp.server.app import app_from_env
before = gc.get_threshold()
app_from_env()
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def test_a_worker_process_collects_the_young_generation_less_often(tmp_path):
    import json

    from skillsapp.server.gc_settings import THRESHOLDS

    env = dict(os.environ, SKILLSAPP_SERVER_DIR=str(tmp_path / "server"))
    env.pop("SKILLSAPP_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert tuple(seen["before"]) == (700, 10, 10)  # Python's defaults until the app is built
    assert tuple(seen["after"]) == THRESHOLDS
    assert seen["frozen"] > 10_000  # start-up's objects are out of the collector's way
