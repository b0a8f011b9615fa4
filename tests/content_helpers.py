"""Helpers for content tests: a fresh copy of the example pack to break."""

from __future__ import annotations

import shutil
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "content" / "examples" / "goi-mau"
BUNDLED = Path(__file__).resolve().parent.parent / "content" / "packs" / "ky-nang-so-co-ban"


def copy_example(tmp_path: Path, name: str = "goi-mau") -> Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLE, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
