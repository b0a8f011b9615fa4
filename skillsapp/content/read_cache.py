"""Reading a pack once: what :func:`~skillsapp.content.pack.read_pack` read, kept by the
pack's fingerprint, so that ``content install`` right after ``content check`` (or a
second check) does not parse and validate the same YAML again.

The key is the fingerprint of every file in the pack folder (names and contents), the
code that reads packs, and the language of the messages: a changed file, a new version
of the app or another language reads the pack afresh. The cache holds plain JSON (never
code), is written atomically, and only when it gives back exactly what was read; a
cache file that cannot be read is ignored. Only the newest :data:`KEEP` entries stay.

>>> result = read_pack_once(Path("content/packs/ky-nang-so-co-ban"), cache)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import skillsapp
from skillsapp import json_codec
from skillsapp.content.bundled_state import fingerprint
from skillsapp.content.pack import PackReadResult, read_pack
from skillsapp.content.problems import Problem, Problems
from skillsapp.content.serialize import (
    contest_from_dict,
    contest_to_dict,
    lesson_from_dict,
    lesson_to_dict,
    question_from_dict,
    question_to_dict,
)
from skillsapp.i18n import language
from skillsapp.models import Pack, Source, Topic

log = logging.getLogger(__name__)

FORMAT = 1
KEEP = 8  # cache entries kept (a province checks a few packs at a time)
_code_digest: str | None = None


def _code() -> str:
    """A digest of the modules that read packs: their results change with the code."""
    global _code_digest
    if _code_digest is None:
        digest = hashlib.sha256(f"{FORMAT} {skillsapp.__version__}".encode())
        package = Path(skillsapp.__file__).parent
        for path in sorted((package / "content").glob("*.py")) + [package / "models.py"]:
            # A frozen build without sources: the version says it.
            with contextlib.suppress(OSError):
                digest.update(path.read_bytes())
        _code_digest = digest.hexdigest()
    return _code_digest


def cache_key(root: Path) -> str:
    return hashlib.sha256(f"{_code()} {language()} {fingerprint(root)}".encode()).hexdigest()


def _to_json(read: PackReadResult) -> bytes:
    pack = read.pack
    return json_codec.dumps_bytes(
        {
            "pack": {
                "id": pack.id,
                "title": pack.title,
                "version": pack.version,
                "language": pack.language,
                "title_en": pack.title_en,
                "summary": pack.summary,
                "summary_en": pack.summary_en,
                "audience": pack.audience,
                "licence": pack.licence,
                "sources": [s.__dict__ for s in pack.sources],
                "topics": [t.__dict__ for t in pack.topics],
                "lessons": [lesson_to_dict(item) for item in pack.lessons],
                "questions": [question_to_dict(item) for item in pack.questions],
                "contests": [contest_to_dict(item) for item in pack.contests],
            },
            "problems": [p.__dict__ for p in read.problems.items],
            "question_at": read.question_at,
            "lesson_at": read.lesson_at,
            "contest_at": read.contest_at,
            "files_read": read.files_read,
        }
    )


def _places(data: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {key: (file, line) for key, (file, line) in data.items()}


def _from_json(data: bytes, root: Path) -> PackReadResult:
    value = json_codec.loads(data)
    raw = value["pack"]
    pack = Pack(
        **{
            **raw,
            "sources": tuple(Source(**s) for s in raw["sources"]),
            "topics": tuple(Topic(**t) for t in raw["topics"]),
            "lessons": tuple(lesson_from_dict(item) for item in raw["lessons"]),
            "questions": tuple(question_from_dict(item) for item in raw["questions"]),
            "contests": tuple(contest_from_dict(item) for item in raw["contests"]),
            "root": str(root),
        }
    )
    problems = Problems([Problem(**p) for p in value["problems"]])
    return PackReadResult(
        pack,
        problems,
        _places(value["question_at"]),
        _places(value["lesson_at"]),
        _places(value["contest_at"]),
        value["files_read"],
    )


def _same(a: PackReadResult, b: PackReadResult) -> bool:
    return (
        a.pack == b.pack
        and a.problems.items == b.problems.items
        and (a.question_at, a.lesson_at, a.contest_at, a.files_read)
        == (b.question_at, b.lesson_at, b.contest_at, b.files_read)
    )


def _write(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


def read_pack_once(
    root: Path, cache: Path | None, on_read: Callable[[PackReadResult], None] | None = None
) -> PackReadResult:
    """What ``read_pack(root)`` returns, from ``cache`` (a folder) when this pack was read
    before with the same files; without a cache folder, simply ``read_pack``. ``on_read``
    is given the result as soon as it is there, before the cache is written (``content
    check`` hands the questions to its near-duplicate helper)."""
    then = on_read or (lambda _read: None)
    if cache is None:
        read = read_pack(root)
        then(read)
        return read
    key = cache_key(root)
    name = f"{key}.json"
    try:
        cached = _from_json((cache / name).read_bytes(), root)
        then(cached)
        return cached
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError) as exc:  # damaged: read afresh
        log.warning("pack read cache %s ignored: %s", name, type(exc).__name__)
    read = read_pack(root)
    then(read)
    try:
        data = _to_json(read)
        if _same(_from_json(data, root), read):
            _write(cache, name, data)
    except (OSError, ValueError, TypeError) as exc:
        log.warning("pack read cache not written: %s", type(exc).__name__)
    return read
