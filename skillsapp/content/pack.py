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

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillsapp.content.problems import Problems
from skillsapp.content.textfile import first_non_nfc_line, read_text
from skillsapp.content.yamlfile import LineDict, LineList, load_yaml
from skillsapp.errors import ContentError
from skillsapp.i18n import _
from skillsapp.models import (
    DIFFICULTIES,
    QUESTION_KINDS,
    Contest,
    Lesson,
    Pack,
    Question,
    Source,
    Topic,
)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
LETTERS = "ABCDEF"

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
QUESTION_FIELDS = {
    "id",
    "topic",
    "difficulty",
    "text",
    "options",
    "answer",
    "explanation",
    "image",
    "title",
    "kind",
    "weights",
    "feedback",
}
LESSON_FIELDS = {
    "id",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "topic",
    "order",
    "minutes",
    "pass_mark",
    "objectives",
    "practice",
    "sources",
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


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _unknown_fields(data: LineDict, known: set[str], file: str, problems: Problems) -> None:
    for key in data:
        if key not in known:
            problems.warning(
                file, data.line_of(key), _("unknown field '{field}' (a typo?)").format(field=key)
            )


def _sources(value: Any) -> tuple[Source, ...]:
    found = []
    for item in value or []:
        if isinstance(item, dict):
            found.append(Source(_text(item.get("title")), _text(item.get("url"))))
        elif isinstance(item, str):
            found.append(Source(item.strip()))
    return tuple(found)


def _read_yaml_file(root: Path, path: Path, problems: Problems) -> tuple[Any, str]:
    rel = path.relative_to(root).as_posix()
    try:
        text = read_text(path, rel)
    except ContentError as exc:
        problems.error(rel, 0, exc.detail)
        return None, rel
    bad_line = first_non_nfc_line(text)
    if bad_line:
        problems.error(
            rel,
            bad_line,
            _("text is not in Unicode NFC form (use a Unicode editor or UniKey to fix)"),
        )
    try:
        return load_yaml(text, rel), rel
    except ContentError as exc:
        file, _sep, line = exc.where.partition(":")
        problems.error(file, int(line or 0), exc.detail)
        return None, rel


def _parse_answer(value: Any, option_count: int) -> tuple[tuple[int, ...], str | None]:
    letters = value if isinstance(value, list) else [value]
    indexes = []
    for letter in letters:
        if not isinstance(letter, str) or len(letter.strip()) != 1:
            return (), _("the answer must be a letter such as B, or a list such as [A, C]")
        index = LETTERS.find(letter.strip().upper())
        if index < 0 or index >= option_count:
            return (), _("the answer '{letter}' does not match any option").format(letter=letter)
        indexes.append(index)
    if len(set(indexes)) != len(indexes):
        return (), _("the same answer letter is given twice")
    return tuple(sorted(indexes)), None


def read_question(
    data: Any,
    file: str,
    line: int,
    default_topic: str,
    pack_id: str,
    problems: Problems,
    folder: str,
) -> Question | None:
    """One question from its YAML mapping; problems are recorded, not raised."""
    if not isinstance(data, LineDict):
        problems.error(
            file, line, _("a question must be a set of fields (id, text, options, answer…)")
        )
        return None
    _unknown_fields(data, QUESTION_FIELDS, file, problems)
    qid = data.get("id")
    if not isinstance(qid, str) or not ID_PATTERN.match(qid):
        problems.error(
            file,
            data.line_of("id"),
            _(
                "the question id '{id}' is missing or not valid "
                "(use lower-case letters, digits and hyphens)"
            ).format(id=qid or ""),
        )
        return None
    text = _text(data.get("text"))
    if not text:
        problems.error(file, data.line_of("text"), _("question {id} has no text").format(id=qid))
    topic = _text(data.get("topic")) or default_topic
    difficulty = _text(data.get("difficulty")) or "medium"
    if difficulty not in DIFFICULTIES:
        problems.error(
            file,
            data.line_of("difficulty"),
            _("question {id}: difficulty must be easy, medium or hard").format(id=qid),
        )
    kind = _text(data.get("kind")) or "choice"
    if kind not in QUESTION_KINDS:
        problems.error(
            file,
            data.line_of("kind"),
            _("question {id}: unknown kind '{kind}'").format(id=qid, kind=kind),
        )
    raw_options = data.get("options")
    options: list[str] = []
    if not isinstance(raw_options, list):
        problems.error(
            file, data.line_of("options"), _("question {id} has no list of options").format(id=qid)
        )
    else:
        for index, option in enumerate(raw_options):
            if not isinstance(option, str | int | float) or isinstance(option, bool):
                where = (
                    raw_options.line_of(index) if isinstance(raw_options, LineList) else data.line
                )
                problems.error(
                    file,
                    where,
                    _("question {id}: option {n} is not text (put it in quotes)").format(
                        id=qid, n=index + 1
                    ),
                )
                option = str(option)
            options.append(str(option).strip())
    if not 2 <= len(options) <= 6 and isinstance(raw_options, list):
        problems.error(
            file,
            data.line_of("options"),
            _("question {id} has {n} options; a question needs 2 to 6").format(
                id=qid, n=len(options)
            ),
        )
    seen: dict[str, int] = {}
    for index, option in enumerate(options):
        if not option:
            problems.error(
                file,
                data.line_of("options"),
                _("question {id}: option {n} is empty").format(id=qid, n=index + 1),
            )
        key = " ".join(option.casefold().split())
        if key in seen:
            problems.error(
                file,
                data.line_of("options"),
                _("question {id}: options {a} and {b} are the same text").format(
                    id=qid,
                    a=LETTERS[seen[key]] if seen[key] < 6 else seen[key] + 1,
                    b=LETTERS[index] if index < 6 else index + 1,
                ),
            )
        seen.setdefault(key, index)
    correct: tuple[int, ...] = ()
    if "answer" not in data:
        problems.error(
            file,
            data.line,
            _("question {id} has no correct option (add 'answer: B')").format(id=qid),
        )
    else:
        correct, error = _parse_answer(data["answer"], len(options))
        if error:
            problems.error(
                file,
                data.line_of("answer"),
                _("question {id}: {problem}").format(id=qid, problem=error),
            )
        elif not correct:
            problems.error(
                file,
                data.line_of("answer"),
                _("question {id} has no correct option").format(id=qid),
            )
    explanation = _text(data.get("explanation"))
    if not explanation:
        problems.error(
            file,
            data.line_of("explanation") if "explanation" in data else data.line,
            _("question {id} has no explanation; learners need to know why").format(id=qid),
        )
    weights: tuple[float, ...] = ()
    if data.get("weights") is not None:
        raw = data["weights"]
        if (
            not isinstance(raw, list)
            or len(raw) != len(options)
            or not all(isinstance(w, int | float) and not isinstance(w, bool) for w in raw)
        ):
            problems.error(
                file,
                data.line_of("weights"),
                _("question {id}: weights must be one number per option").format(id=qid),
            )
        else:
            weights = tuple(float(w) for w in raw)
    feedback: tuple[str, ...] = ()
    if data.get("feedback") is not None:
        raw = data["feedback"]
        if not isinstance(raw, list) or len(raw) != len(options):
            problems.error(
                file,
                data.line_of("feedback"),
                _("question {id}: feedback must be one text per option").format(id=qid),
            )
        else:
            feedback = tuple(_text(f) if isinstance(f, str) else "" for f in raw)
    image = None
    if data.get("image"):
        image = _text(data["image"])
        # Stored relative to the pack root ("images/x.svg"), whatever folder the file is in.
        image = posixpath.normpath(posixpath.join(folder, image)) if folder else image
    return Question(
        id=qid,
        topic=topic,
        difficulty=difficulty,
        text=text,
        options=tuple(options),
        correct=correct,
        explanation=explanation,
        image=image,
        title=_text(data.get("title")),
        kind=kind,
        weights=weights,
        option_feedback=feedback,
        pack_id=pack_id,
    )


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line where the body starts) or None."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    if end < 0:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            return None
    front = text[4:end]
    body = text[end + 5 :]
    return front, body, front.count("\n") + 3


def read_lesson(
    root: Path, path: Path, pack_id: str, problems: Problems
) -> tuple[Lesson | None, int]:
    rel = path.relative_to(root).as_posix()
    try:
        text = read_text(path, rel)
    except ContentError as exc:
        problems.error(rel, 0, exc.detail)
        return None, 0
    bad_line = first_non_nfc_line(text)
    if bad_line:
        problems.error(
            rel,
            bad_line,
            _("text is not in Unicode NFC form (use a Unicode editor or UniKey to fix)"),
        )
    parts = _split_front_matter(text)
    if parts is None:
        problems.error(
            rel, 1, _("the lesson must start with a '---' block of fields (id, title, topic…)")
        )
        return None, 0
    front, body, body_line = parts
    try:
        meta = load_yaml(front, rel, first_line=2)
    except ContentError as exc:
        file, _sep, line = exc.where.partition(":")
        problems.error(file, int(line or 0), exc.detail)
        return None, 0
    if not isinstance(meta, LineDict):
        problems.error(rel, 2, _("the lesson fields are not valid"))
        return None, 0
    # Lines in the front matter are counted from its first line (file line 2).
    meta.line += 1
    meta.lines = {k: v + 1 for k, v in meta.lines.items()}
    _unknown_fields(meta, LESSON_FIELDS, rel, problems)
    lesson_id = meta.get("id")
    if not isinstance(lesson_id, str) or not ID_PATTERN.match(lesson_id):
        problems.error(rel, meta.line_of("id"), _("the lesson id is missing or not valid"))
        return None, 0
    for required in ("title", "topic"):
        if not _text(meta.get(required)):
            problems.error(
                rel,
                meta.line_of(required),
                _("lesson {id} has no '{field}'").format(id=lesson_id, field=required),
            )
    minutes = meta.get("minutes", 5)
    if not isinstance(minutes, int) or not 1 <= minutes <= 60:
        problems.error(
            rel,
            meta.line_of("minutes"),
            _("lesson {id}: minutes must be a whole number from 1 to 60").format(id=lesson_id),
        )
        minutes = 5
    pass_mark = meta.get("pass_mark", 80)
    if not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100:
        problems.error(
            rel,
            meta.line_of("pass_mark"),
            _("lesson {id}: pass_mark must be a percentage from 1 to 100").format(id=lesson_id),
        )
        pass_mark = 80
    order = meta.get("order", 0)
    if not isinstance(order, int):
        problems.error(
            rel,
            meta.line_of("order"),
            _("lesson {id}: order must be a whole number").format(id=lesson_id),
        )
        order = 0
    practice = meta.get("practice") or []
    if not isinstance(practice, list) or not all(isinstance(p, str) for p in practice):
        problems.error(
            rel,
            meta.line_of("practice"),
            _("lesson {id}: practice must be a list of question ids").format(id=lesson_id),
        )
        practice = []
    objectives = meta.get("objectives") or []
    if not isinstance(objectives, list):
        objectives = [objectives]
    if not body.strip():
        problems.error(rel, body_line, _("lesson {id} has no text").format(id=lesson_id))
    lesson = Lesson(
        id=lesson_id,
        title=_text(meta.get("title")),
        topic=_text(meta.get("topic")),
        order=order,
        minutes=minutes,
        body=body,
        title_en=_text(meta.get("title_en")),
        summary=_text(meta.get("summary")),
        summary_en=_text(meta.get("summary_en")),
        objectives=tuple(str(o).strip() for o in objectives),
        practice=tuple(practice),
        pass_mark=pass_mark,
        sources=_sources(meta.get("sources")),
        path=rel,
        pack_id=pack_id,
    )
    if not lesson.sources:
        problems.warning(rel, meta.line, _("lesson {id} lists no sources").format(id=lesson_id))
    return lesson, meta.line


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
                _text(item.get("title")) or item["id"],
                _text(item.get("title_en")),
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
        meta, meta_file = _read_yaml_file(root, root / "pack.yaml", problems)
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
    _unknown_fields(meta, PACK_FIELDS, meta_file, problems)
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

    files_read = 1
    questions: list[Question] = []
    question_at: dict[str, tuple[str, int]] = {}
    for path in sorted((root / "questions").glob("*.yaml")) + sorted(
        (root / "questions").glob("*.yml")
    ):
        files_read += 1
        data, rel = _read_yaml_file(root, path, problems)
        if data is None:
            continue
        default_topic = _text(data.get("topic")) if isinstance(data, dict) else ""
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
        data, rel = _read_yaml_file(root, path, problems)
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
        title=_text(meta.get("title")),
        version=str(meta.get("version") or ""),
        language=_text(meta.get("language")) or "vi",
        title_en=_text(meta.get("title_en")),
        summary=_text(meta.get("summary")),
        summary_en=_text(meta.get("summary_en")),
        audience=_text(meta.get("audience")),
        licence=_text(meta.get("licence")),
        sources=_sources(meta.get("sources")),
        topics=topics,
        lessons=tuple(sorted(lessons, key=lambda lesson: (lesson.order, lesson.id))),
        questions=tuple(questions),
        contests=tuple(contests),
        root=str(root),
    )
    return PackReadResult(pack, problems, question_at, lesson_at, contest_at, files_read)
