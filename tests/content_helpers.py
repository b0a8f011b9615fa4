"""Helpers for content tests: a fresh copy of the example pack to break."""

from __future__ import annotations

import shutil
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "content" / "examples" / "goi-mau"
BUNDLED = Path(__file__).resolve().parent.parent / "content" / "packs" / "ky-nang-so-co-ban"
# Whether the bundled pack is checked and published strictly (every warning an error), as
# the province publishes. Flip to True once the rewritten pack lands (issue 13): the tests
# that publish BUNDLED then publish it strictly, and test_content_bundled.py's strict test
# stops being an expected failure (it fails, as XPASS, until this is flipped).
STRICT_BUNDLED = True


def copy_example(tmp_path: Path, name: str = "goi-mau") -> Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLE, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
