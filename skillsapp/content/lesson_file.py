"""Reading a lesson: Markdown with a YAML front matter block of fields."""

from __future__ import annotations

from pathlib import Path

from skillsapp.content.fields import field_sources, field_text, undated_sources, unknown_fields
from skillsapp.content.problems import Problems
from skillsapp.content.question_file import ID_PATTERN
from skillsapp.content.reading import reading_minutes
from skillsapp.content.textfile import first_non_nfc_line, read_text
from skillsapp.content.yamlfile import LineDict, load_yaml
from skillsapp.errors import ContentError
from skillsapp.i18n import _
from skillsapp.models import Lesson

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
    unknown_fields(meta, LESSON_FIELDS, rel, problems)
    lesson_id = meta.get("id")
    if not isinstance(lesson_id, str) or not ID_PATTERN.match(lesson_id):
        problems.error(rel, meta.line_of("id"), _("the lesson id is missing or not valid"))
        return None, 0
    for required in ("title", "topic"):
        if not field_text(meta.get(required)):
            problems.error(
                rel,
                meta.line_of(required),
                _("lesson {id} has no '{field}'").format(id=lesson_id, field=required),
            )
    if "minutes" in meta:
        problems.warning(
            rel,
            meta.line_of("minutes"),
            _(
                "lesson {id}: the 'minutes' field is ignored; reading time is now computed "
                "from the text, so remove it"
            ).format(id=lesson_id),
        )
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
        title=field_text(meta.get("title")),
        topic=field_text(meta.get("topic")),
        order=order,
        minutes=reading_minutes(body),
        body=body,
        title_en=field_text(meta.get("title_en")),
        summary=field_text(meta.get("summary")),
        summary_en=field_text(meta.get("summary_en")),
        objectives=tuple(str(o).strip() for o in objectives),
        practice=tuple(practice),
        pass_mark=pass_mark,
        sources=field_sources(meta.get("sources")),
        path=rel,
        pack_id=pack_id,
    )
    if not lesson.sources:
        problems.warning(rel, meta.line, _("lesson {id} lists no sources").format(id=lesson_id))
    undated_sources(meta.get("sources"), rel, meta.line_of("sources"), problems, shift=1)
    return lesson, meta.line
