"""Checking a whole pack: everything :mod:`skillsapp.content.pack` reads, plus the
rules that span files (topics, practice questions, images, contest quotas).

>>> report = check_pack(Path("content/packs/ky-nang-so-co-ban"))   # doctest: +SKIP
>>> report.ok, report.summary()                                      # doctest: +SKIP
(True, '10 lessons, 342 questions, 1 contest: no errors, no warnings')
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from skillsapp.content.duplicate_helper import SearchHelper, start_helper
from skillsapp.content.duplicates import MAX_PAIRS
from skillsapp.content.gc_pause import collection_paused
from skillsapp.content.pack import PackReadResult
from skillsapp.content.problems import Problem
from skillsapp.i18n import _, ngettext

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def image_problem(path: Path) -> str | None:
    """Why ``path`` is not a usable image, or None when it is fine."""
    if not path.is_file():
        return _("the image file is missing")
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return _("images must be PNG, JPEG or SVG files")
    if path.stat().st_size > MAX_IMAGE_BYTES:
        return _("the image is larger than 5 MB")
    head = path.read_bytes()[:16]
    suffix = path.suffix.lower()
    if suffix == ".png" and not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _("the file is not really a PNG image")
    if suffix in (".jpg", ".jpeg") and not head.startswith(b"\xff\xd8\xff"):
        return _("the file is not really a JPEG image")
    if suffix == ".svg":
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError):
            return _("the file is not a valid SVG image")
        if not root.tag.endswith("svg"):
            return _("the file is not a valid SVG image")
        text = path.read_text(encoding="utf-8", errors="replace")
        if "<script" in text or 'xlink:href="http' in text or 'href="http' in text:
            return _("the SVG image must not contain scripts or links to the internet")
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] == "tspan" and (
                {"x", "y", "dy"} & set(element.attrib)
            ):
                return _(
                    "the SVG image uses <tspan> with its own position, which the app cannot"
                    " draw; put each line in its own <text> element"
                )
    return None


def _inside(root: Path, relative: str) -> Path | None:
    candidate = (root / relative).resolve()
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return None
    return candidate


@dataclass
class CheckReport:
    read: PackReadResult
    strict: bool = False  # every warning was made an error

    @property
    def problems(self) -> list[Problem]:
        return self.read.problems.sorted()

    @property
    def ok(self) -> bool:
        return not self.read.problems.errors

    def summary(self) -> str:
        pack = self.read.pack
        errors, warnings = len(self.read.problems.errors), len(self.read.problems.warnings)
        counts = ", ".join(
            [
                ngettext("{n} lesson", "{n} lessons", len(pack.lessons)).format(
                    n=len(pack.lessons)
                ),
                ngettext("{n} question", "{n} questions", len(pack.questions)).format(
                    n=len(pack.questions)
                ),
                ngettext("{n} contest", "{n} contests", len(pack.contests)).format(
                    n=len(pack.contests)
                ),
            ]
        )
        verdict = ", ".join(
            [
                ngettext("{n} error", "{n} errors", errors).format(n=errors),
                ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings),
            ]
        )
        return _("Read {counts}: {verdict}").format(counts=counts, verdict=verdict)


def check_read_pack(
    read: PackReadResult,
    strict: bool = False,
    quality: bool = True,
    helper: SearchHelper | None = None,
) -> CheckReport:
    """Check what ``read_pack`` read, with the item-quality rules unless ``quality`` is
    False (their near-duplicate search in ``helper`` when there is one); with ``strict``
    every warning becomes an error."""
    pack, problems = read.pack, read.problems
    root = Path(pack.root)
    topics = pack.topic_ids()
    if not topics:
        problems.error("pack.yaml", 0, _("pack.yaml lists no topics"))
    questions = {q.id: q for q in pack.questions}

    for question in pack.questions:
        file, line = read.question_at[question.id]
        if topics and question.topic not in topics:
            problems.error(
                file,
                line,
                _("question {id}: unknown topic '{topic}' (not in pack.yaml)").format(
                    id=question.id, topic=question.topic
                ),
            )
        if question.image:
            where = _inside(root, question.image)
            message = image_problem(where) if where else _("the image path leaves the pack folder")
            if message:
                problems.error(
                    file,
                    line,
                    _("question {id}: {problem} ({image})").format(
                        id=question.id, problem=message, image=question.image
                    ),
                )

    for lesson in pack.lessons:
        file, line = read.lesson_at[lesson.id]
        if topics and lesson.topic not in topics:
            problems.error(
                file,
                line,
                _("lesson {id}: unknown topic '{topic}' (not in pack.yaml)").format(
                    id=lesson.id, topic=lesson.topic
                ),
            )
        for qid in lesson.practice:
            if qid not in questions:
                problems.error(
                    file,
                    line,
                    _("lesson {id} names question {question}, which does not exist").format(
                        id=lesson.id, question=qid
                    ),
                )
        folder = Path(lesson.path).parent
        text_lines = (root / lesson.path).read_text(encoding="utf-8-sig").split("\n")
        for number, text in enumerate(text_lines, start=1):
            for target in _MARKDOWN_IMAGE.findall(text):
                if target.startswith(("http://", "https://")):
                    problems.error(
                        file, number, _("images must be files in the pack, not internet links")
                    )
                    continue
                where = _inside(root, (folder / target).as_posix())
                message = (
                    image_problem(where) if where else _("the image path leaves the pack folder")
                )
                if message:
                    problems.error(
                        file, number, _("{problem} ({image})").format(problem=message, image=target)
                    )

    for contest in pack.contests:
        file, line = read.contest_at[contest.id]
        rules = contest.rules
        pool = [q for q in pack.questions if not rules.topics or q.topic in rules.topics]
        for topic in rules.topics:
            if topics and topic not in topics:
                problems.error(
                    file,
                    line,
                    _("contest {id}: unknown topic '{topic}'").format(id=contest.id, topic=topic),
                )
        if rules.packs and pack.id not in rules.packs:
            continue  # draws from other packs: checked when the contest is installed
        if len(pool) < rules.questions_per_attempt:
            problems.error(
                file,
                line,
                _("contest {id} needs {need} questions per attempt but the bank has {have}").format(
                    id=contest.id, need=rules.questions_per_attempt, have=len(pool)
                ),
            )
        available = Counter((q.topic, q.difficulty) for q in pool)
        for quota in rules.quotas:
            if quota.topic and topics and quota.topic not in topics:
                problems.error(
                    file,
                    line,
                    _("contest {id}: a quota names unknown topic '{topic}'").format(
                        id=contest.id, topic=quota.topic
                    ),
                )
                continue
            have = sum(
                n
                for (t, d), n in available.items()
                if (quota.topic is None or t == quota.topic)
                and (quota.difficulty is None or d == quota.difficulty)
            )
            if have < quota.count:
                problems.error(
                    file,
                    line,
                    _(
                        "contest {id}: a quota asks for {need} questions "
                        "(topic {topic}, difficulty {difficulty}) but the bank has {have}"
                    ).format(
                        id=contest.id,
                        need=quota.count,
                        topic=quota.topic or "*",
                        difficulty=quota.difficulty or "*",
                        have=have,
                    ),
                )
    if quality:
        # Imported here: installing (no quality rules) does not need the rules' modules.
        from skillsapp.content.quality import check_quality

        check_quality(read, problems, helper)
    if strict:
        problems.items = [
            replace(p, severity="error") if p.severity == "warning" else p for p in problems.items
        ]
    return CheckReport(read, strict)


def check_pack(
    root: Path,
    strict: bool = False,
    quality: bool = True,
    cache: Path | None = None,
    parallel: bool = False,
) -> CheckReport:
    """Read and check the pack at ``root``; report every problem at once. ``strict`` (the
    province publishing, ``content check --strict``) makes every warning an error;
    ``quality=False`` (installing) leaves out the item-quality rules. With a ``cache``
    folder, a pack read before with the same files is not read again
    (:mod:`skillsapp.content.read_cache`). With ``parallel`` (the command line), a large
    bank's near-duplicate search runs in a second process
    (:mod:`skillsapp.content.duplicate_helper`)."""
    from skillsapp.content.read_cache import read_pack_once

    helper = start_helper(root) if quality and parallel else None

    def hand_over(read: PackReadResult) -> None:
        if helper is not None:  # it searches while this process goes on
            helper.send(read.pack.questions, MAX_PAIRS)

    try:
        with collection_paused():
            read = read_pack_once(root, cache, hand_over)
            return check_read_pack(read, strict, quality, helper)
    finally:
        if helper is not None:
            helper.close()
