"""Reading a content pack folder into plain objects, collecting every problem.

A pack folder::

    pack.yaml            id, title, version, language, licence, sources, topics
    lessons/*.md         Markdown with YAML front matter
    questions/*.yaml     question banks
    contests/*.yaml      contest definitions
    images/              PNG, JPEG or SVG files the lessons and questions use

>>> result = read_pack(Path("content/packs/ky-nang-so-co-ban"))   # doctest: +SKIP
>>> result.pack.id, len(result.problems.errors)                    # doctest: +SKIP
('ky-nang-so-co-ban', 0)

The format is documented with a complete example in ``content/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skillsapp.content.fields import (
    field_sources,
    field_text,
    read_yaml_file,
    undated_sources,
    unknown_fields,
)
from skillsapp.content.lesson_file import read_lesson
from skillsapp.content.problems import Problems
from skillsapp.content.question_file import ID_PATTERN, read_question
from skillsapp.content.yamlfile import LineDict, LineList
from skillsapp.i18n import _
from skillsapp.models import (
    Contest,
    Lesson,
    Pack,
    Question,
    Topic,
)

PACK_FIELDS = {
    "id",
    "title",
    "title_en",
    "version",
    "language",
    "summary",
    "summary_en",
    "audience",
    "licence",
    "sources",
    "topics",
}


@dataclass
class PackReadResult:
    pack: Pack
    problems: Problems
    # Where each item was defined: id -> (file, line); the checker uses these.
    question_at: dict[str, tuple[str, int]]
    lesson_at: dict[str, tuple[str, int]]
    contest_at: dict[str, tuple[str, int]]
    files_read: int = 0


def read_topics(meta: LineDict, file: str, problems: Problems) -> tuple[Topic, ...]:
    raw = meta.get("topics") or []
    topics = []
    if not isinstance(raw, list):
        problems.error(file, meta.line_of("topics"), _("topics must be a list"))
        return ()
    for index, item in enumerate(raw):
        line = raw.line_of(index) if isinstance(raw, LineList) else meta.line
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("id"), str)
            or not ID_PATTERN.match(item["id"])
        ):
            problems.error(file, line, _("each topic needs a valid id and a title"))
            continue
        order = item.get("order")
        topics.append(
            Topic(
                item["id"],
                field_text(item.get("title")) or item["id"],
                field_text(item.get("title_en")),
                order if isinstance(order, int) else index + 1,
            )
        )
    return tuple(topics)


def read_pack(root: Path) -> PackReadResult:
    """Read everything in a pack folder. Never raises for content problems."""
    from skillsapp.content.contest_file import read_contest  # contests have their own module

    problems = Problems()
    meta, meta_file = (None, "pack.yaml")
    if (root / "pack.yaml").is_file():
        meta, meta_file = read_yaml_file(root, root / "pack.yaml", problems)
    else:
        problems.error(
            "pack.yaml", 0, _("this folder has no pack.yaml, so it is not a content pack")
        )
    if not isinstance(meta, LineDict):
        if meta is not None:
            problems.error(
                meta_file, 1, _("pack.yaml must be a set of fields (id, title, version…)")
            )
        meta = LineDict()
    unknown_fields(meta, PACK_FIELDS, meta_file, problems)
    pack_id: str = meta["id"] if isinstance(meta.get("id"), str) else ""
    if (root / "pack.yaml").is_file() and not ID_PATTERN.match(pack_id or ""):
        problems.error(meta_file, meta.line_of("id"), _("the pack id is missing or not valid"))
    for required in ("title", "version", "language", "licence"):
        if (root / "pack.yaml").is_file() and not meta.get(required):
            problems.error(
                meta_file,
                meta.line_of(required) or 1,
                _("pack.yaml has no '{field}'").format(field=required),
            )
    topics = read_topics(meta, meta_file, problems)
    undated_sources(meta.get("sources"), meta_file, meta.line_of("sources"), problems)

    files_read = 1
    questions: list[Question] = []
    question_at: dict[str, tuple[str, int]] = {}
    for path in sorted((root / "questions").glob("*.yaml")) + sorted(
        (root / "questions").glob("*.yml")
    ):
        files_read += 1
        data, rel = read_yaml_file(root, path, problems)
        if data is None:
            continue
        default_topic = field_text(data.get("topic")) if isinstance(data, dict) else ""
        items = data.get("questions") if isinstance(data, dict) else data
        if not isinstance(items, list):
            problems.error(rel, 1, _("a question file needs a list named 'questions'"))
            continue
        folder = Path(rel).parent.as_posix()
        for index, item in enumerate(items):
            line = items.line_of(index) if isinstance(items, LineList) else 1
            question = read_question(item, rel, line, default_topic, pack_id, problems, folder)
            if question is None:
                continue
            if question.id in question_at:
                first_file, first_line = question_at[question.id]
                problems.error(
                    rel,
                    line,
                    _("question id {id} is used twice (first at {where})").format(
                        id=question.id, where=f"{first_file}:{first_line}"
                    ),
                )
                continue
            question_at[question.id] = (rel, line)
            questions.append(question)

    lessons: list[Lesson] = []
    lesson_at: dict[str, tuple[str, int]] = {}
    for path in sorted((root / "lessons").glob("*.md")):
        files_read += 1
        lesson, line = read_lesson(root, path, pack_id, problems)
        if lesson is None:
            continue
        if lesson.id in lesson_at:
            problems.error(
                lesson.path, line, _("lesson id {id} is used twice").format(id=lesson.id)
            )
            continue
        lesson_at[lesson.id] = (lesson.path, line)
        lessons.append(lesson)

    contests: list[Contest] = []
    contest_at: dict[str, tuple[str, int]] = {}
    for path in sorted((root / "contests").glob("*.yaml")):
        files_read += 1
        data, rel = read_yaml_file(root, path, problems)
        if data is None:
            continue
        contest = read_contest(data, rel, pack_id, problems)
        if contest is None:
            continue
        if contest.id in contest_at:
            problems.error(rel, 1, _("contest id {id} is used twice").format(id=contest.id))
            continue
        contest_at[contest.id] = (rel, getattr(data, "line", 1))
        contests.append(contest)

    pack = Pack(
        id=pack_id,
        title=field_text(meta.get("title")),
        version=str(meta.get("version") or ""),
        language=field_text(meta.get("language")) or "vi",
        title_en=field_text(meta.get("title_en")),
        summary=field_text(meta.get("summary")),
        summary_en=field_text(meta.get("summary_en")),
        audience=field_text(meta.get("audience")),
        licence=field_text(meta.get("licence")),
        sources=field_sources(meta.get("sources")),
        topics=topics,
        lessons=tuple(sorted(lessons, key=lambda lesson: (lesson.order, lesson.id))),
        questions=tuple(questions),
        contests=tuple(contests),
        root=str(root),
    )
    return PackReadResult(pack, problems, question_at, lesson_at, contest_at, files_read)
