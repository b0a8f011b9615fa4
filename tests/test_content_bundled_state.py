"""The start-up check of the bundled packs answers without the installer when nothing changed."""

from __future__ import annotations

import shutil

from content_helpers import BUNDLED

from skillsapp.content import bundled_state
from skillsapp.content.install import ensure_bundled_content
from skillsapp.paths import DataPaths
from skillsapp.storage import open_store


def test_current_only_when_the_shipped_files_are_the_installed_ones(tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shutil.copytree(BUNDLED, shipped / BUNDLED.name)
    monkeypatch.setattr(bundled_state, "bundled_content_dir", lambda: shipped)
    store = open_store(DataPaths(tmp_path / "data"))
    try:
        assert not bundled_state.bundled_content_current(store)  # nothing installed yet
        assert ensure_bundled_content(store)
        assert bundled_state.bundled_content_current(store)
        assert ensure_bundled_content(store) == []  # the installer agrees: nothing to do
        # A new app version ships a changed question file: the check sees it.
        question_file = next((shipped / BUNDLED.name / "questions").glob("*.yaml"))
        question_file.write_text(
            question_file.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8"
        )
        assert not bundled_state.bundled_content_current(store)
        assert ensure_bundled_content(store)
        assert bundled_state.bundled_content_current(store)
    finally:
        store.close()


def test_start_check_does_not_load_the_yaml_parser_or_the_checker(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from skillsapp.content.bundled_state import bundled_content_current\n"
        "from pathlib import Path\nfrom skillsapp.paths import DataPaths\n"
        "from skillsapp.storage import open_store\n"
        f"store = open_store(DataPaths(Path({str(tmp_path / 'd')!r})))\n"
        "print(bundled_content_current(store))\n"
        "print(sorted(m for m in sys.modules if m in ('yaml', 'skillsapp.content.checker')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["False", "[]"]
