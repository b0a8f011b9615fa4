"""Whether the packs shipped with the app are installed exactly as shipped.

Checked at every start. When nothing changed (the usual case) this answers from the files'
fingerprints and the packs table alone, without loading the YAML parser and the content
checker that installing needs (skillsapp.content.install imports them).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from skillsapp.paths import bundled_content_dir


def bundled_packs() -> list[Path]:
    folder = bundled_content_dir()
    return (
        sorted(p for p in folder.iterdir() if (p / "pack.yaml").is_file())
        if folder.is_dir()
        else []
    )


def fingerprint(root: Path) -> str:
    """A cheap identity of a pack folder's files (names, sizes, contents of small files)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") or part == "__pycache__" for part in Path(rel).parts):
            continue
        digest.update(rel.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def bundled_content_current(store) -> bool:
    """True when every bundled pack's files are those of an installed pack (same
    fingerprint: same files, so the same id and version). False means
    ``ensure_bundled_content`` has work to do."""
    installed = {row["checksum"] for row in store.content.packs()}
    return all(fingerprint(folder) in installed for folder in bundled_packs())
