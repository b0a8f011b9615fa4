"""Moodle GIFT question files: read them into :class:`Question` objects (``gift_writer``
writes them back).

Read: multiple choice (``=right ~wrong``, or several right answers weighted
``~%50%``), true/false (``{T}``, ``{FALSE}``), ``#feedback`` per answer,
``####`` general feedback (our explanation), ``::title::``, ``$CATEGORY:``
(its last part, slugified, is the topic), ``[html]``-style format prefixes
(dropped, text kept as is), backslash escapes and missing-word questions
(``Hà Nội là {=thủ đô ~tỉnh} của Việt Nam`` → ``Hà Nội là _____ của Việt Nam``).
Matching, numerical, short-answer, essay and description questions are listed
in the report's ``skipped`` with their first line, as are broken questions.

GIFT has no place for our id, difficulty, image and exclusive group, so
``write_gift`` puts them in comment lines right before the question, and
:func:`parse_gift` reads them back (Moodle ignores them)::

    // id: lua-dao-01
    // difficulty: easy
    // image: images/tin-nhan.png
    // exclusive: ma-otp

Weights ``write_gift`` writes, so that ``parse_gift(write_gift([q]))`` gives back ``[q]``:

* no weights, one right answer: ``=right ~wrong``;
* no weights, several right answers: the even split on the right ones, a
  bare ``~`` on the rest (``~%50%A ~%50%B ~C``; three right → ``%33.33333%``);
* weights: every answer carries its own ``~%w%``, zeros included (``~%0%``);
  or, when a wrong answer earns partial credit (``=A ~%50%B``), ``=`` on the
  right ones (each weighing 100) and ``~%w%`` on the rest.

Reading, a block without ``=`` whose right answers share the even split and
whose other answers are bare ``~`` gives ``weights=()``; any other weights
are kept as written. The one shape this cannot tell apart: when every option
is right and each weighs 100/n (give or take 0.01), it reads back as ``weights=()``.

True/false questions read as options ``("Đúng", "Sai")``; their Moodle
feedback (``{T#shown if wrong#shown if right}``) maps onto the two options.

The helpers at the end (:func:`clean`, :func:`stable_id`, :func:`check_choices`…)
are shared with the Aiken and Excel readers.

>>> report = parse_gift("Thủ đô của Việt Nam? {=Hà Nội ~Huế}", "dia-ly", "q")
>>> q = report.imported[0]
>>> q.options, q.correct, q.topic
(('Hà Nội', 'Huế'), (0,), 'dia-ly')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from skillsapp.content.formats.common import (
    SkipQuestion,
    add_imported,
    check_choices,
    checked_group,
    checked_id,
    clean,
    parse_difficulty,
    slugify,
    stable_id,
)
from skillsapp.i18n import _
from skillsapp.models import DIFFICULTIES, ImportReport, Question

TRUE_FALSE_OPTIONS = ("Đúng", "Sai")
MISSING_WORD = "_____"

_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
_META = re.compile(r"^//\s*(id|difficulty|image|exclusive)\s*:(.*)$", re.IGNORECASE)
FORMAT_PREFIX = re.compile(r"\[(?:moodle|html|plain|markdown)\]")
WEIGHT_PREFIX = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


# --- Reading ---------------------------------------------------------------------------------


class _Src(NamedTuple):
    """GIFT text with escapes resolved.

    ``text`` is what the author meant. ``plain`` is as long, with each escaped
    character replaced by NUL, so a search of ``plain`` for ``~`` or ``{`` finds
    only the characters that carry meaning, at the same index as in ``text``.
    """

    text: str
    plain: str

    def cut(self, start: int, end: int | None = None) -> _Src:
        return _Src(self.text[start:end], self.plain[start:end])


def _unescape(raw: str) -> _Src:
    text: list[str] = []
    plain: list[str] = []
    last = 0
    for match in _ESCAPE.finditer(raw):
        text.append(raw[last : match.start()])
        plain.append(raw[last : match.start()])
        char = match.group(1)
        text.append("\n" if char == "n" else char)
        plain.append("\0")
        last = match.end()
    text.append(raw[last:])
    plain.append(raw[last:])
    return _Src("".join(text), "".join(plain))


def _join(*parts: _Src) -> _Src:
    return _Src("".join(p.text for p in parts), "".join(p.plain for p in parts))


def _value(src: _Src) -> str:
    """The clean text of a piece, without a leading ``[html]``-style format prefix."""
    start = len(src.plain) - len(src.plain.lstrip())
    match = FORMAT_PREFIX.match(src.plain, start)
    return clean(src.text[match.end() :] if match else src.text)


@dataclass
class _Block:
    line: int  # 1-based line of the first text line
    lines: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class _Category:
    line: int
    path: str


def _braces(line: str) -> int:
    plain = _ESCAPE.sub("", line)
    return plain.count("{") - plain.count("}")


def _answers_follow(lines: list[str], start: int) -> bool:
    """Whether the next line with content continues an open ``{`` answer block."""
    for line in lines[start:]:
        stripped = line.strip()
        if stripped and not stripped.startswith("//"):
            return stripped[0] in "~=#}"
    return False


def _blocks(text: str) -> Iterator[_Block | _Category]:
    """Split a GIFT file into questions (blank-line separated) and category switches."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    block = _Block(0)
    meta: dict[str, str] = {}
    depth = 0
    closed = False  # the block already has a complete { } answer block

    def flush() -> Iterator[_Block]:
        nonlocal block, meta, depth, closed
        if block.lines:
            block.meta = meta
            yield block
            meta = {}
        block, depth, closed = _Block(0), 0, False

    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            # A stray blank line inside { } does not end the question when answers follow it.
            if not (block.lines and depth > 0 and _answers_follow(lines, index + 1)):
                yield from flush()
        elif stripped.startswith("//"):
            found = _META.match(stripped)
            if found and block.lines and depth == 0 and closed:
                yield from flush()  # our id comment starts the next question
            if found and not block.lines:
                meta[found.group(1).lower()] = found.group(2).strip()
        elif stripped.startswith("$CATEGORY:") and depth <= 0:
            yield from flush()
            yield _Category(index + 1, stripped.removeprefix("$CATEGORY:").strip())
        else:
            if not block.lines:
                block.line = index + 1
            block.lines.append(line)
            depth += _braces(line)
            closed = closed or (depth <= 0 and "}" in _ESCAPE.sub("", line))
    yield from flush()


def _category_topic(path: str) -> str:
    parts = [p for p in path.split("/") if p.strip()]
    return slugify(parts[-1]) if parts else ""


def parse_gift(
    text: str, default_topic: str, id_prefix: str, default_difficulty: str = "medium"
) -> ImportReport:
    """Read a GIFT file's text; each question is imported or listed as skipped with its line.

    >>> report = parse_gift("Ghép đôi {=a -> 1 =b -> 2}", "chung", "q")
    >>> report.imported, [line for line, reason in report.skipped]  # reason: matching
    ([], [1])
    """
    if default_difficulty not in DIFFICULTIES:
        raise ValueError(f"default_difficulty must be one of {DIFFICULTIES}")
    report = ImportReport()
    seen: dict[str, int] = {}
    topic = default_topic
    for item in _blocks(text):
        if isinstance(item, _Category):
            topic = _category_topic(item.path) or default_topic
            continue
        try:
            question = _read_question(item, topic, id_prefix, default_difficulty)
        except SkipQuestion as skip:
            report.skipped.append((item.line, skip.reason))
            continue
        add_imported(report, seen, question, item.line)
    return report


def _question_type(answer: _Src) -> str:
    plain = answer.plain.strip()
    if not plain:
        raise SkipQuestion(_("essay questions are not supported"))
    if plain.startswith("#"):
        raise SkipQuestion(_("numerical questions are not supported"))
    if "~" in plain:
        return "choice"
    if "=" in plain and "->" in plain:
        raise SkipQuestion(_("matching questions are not supported"))
    cut = answer.plain.find("#")
    head = clean(answer.text if cut < 0 else answer.text[:cut])
    if head.upper() in _TRUE_FALSE:
        return "truefalse"
    raise SkipQuestion(_("short-answer questions are not supported"))


def _read_question(block: _Block, topic: str, id_prefix: str, default_difficulty: str) -> Question:
    src = _unescape("\n".join(block.lines).strip())
    title = ""
    if src.plain.startswith("::"):
        end = src.plain.find("::", 2)
        if end < 0:
            raise SkipQuestion(_("the title is not closed: write it as ::title::"))
        title = clean(src.text[2:end])
        src = src.cut(end + 2)
    start, end = src.plain.find("{"), src.plain.find("}")
    if start < 0 and end < 0:
        raise SkipQuestion(_("text without answers in { } (a description) is not supported"))
    if start < 0 or end < start or "{" in src.plain[start + 1 : end]:
        raise SkipQuestion(_("the braces { } around the answers do not match"))
    if "{" in src.plain[end + 1 :] or "}" in src.plain[end + 1 :]:
        raise SkipQuestion(_("a question can have only one answer block in { }"))
    answer = src.cut(start + 1, end)
    after = src.cut(end + 1)
    if after.text.strip():  # answers in the middle: a missing-word question
        text = _value(_join(src.cut(0, start), _Src(MISSING_WORD, MISSING_WORD), after))
    else:
        text = _value(src.cut(0, start))

    explanation = ""
    general = answer.plain.rfind("####")
    if general >= 0:
        explanation = _value(answer.cut(general + 4))
        answer = answer.cut(0, general)

    kind = _question_type(answer)
    if kind == "truefalse":
        options, correct, weights, feedback = _true_false(answer)
    else:
        options, correct, weights, feedback = _choices(answer)
    check_choices(text, options, correct)

    meta = block.meta
    image = clean(meta.get("image", "")) or None
    return Question(
        id=checked_id(meta.get("id", "")) or stable_id(id_prefix, text, options),
        topic=topic,
        difficulty=parse_difficulty(meta.get("difficulty", ""), default_difficulty),
        text=text,
        options=options,
        correct=correct,
        explanation=explanation,
        image=image,
        title=title,
        kind=kind,
        weights=weights,
        option_feedback=feedback if any(feedback) else (),
        exclusive=checked_group(meta.get("exclusive", "")),
    )


_Parsed = tuple[tuple[str, ...], tuple[int, ...], tuple[float, ...], tuple[str, ...]]


def _true_false(answer: _Src) -> _Parsed:
    parts: list[_Src] = []
    rest = answer
    while len(parts) < 2 and (cut := rest.plain.find("#")) >= 0:
        parts.append(rest.cut(0, cut))
        rest = rest.cut(cut + 1)
    parts.append(rest)
    is_true = _TRUE_FALSE[clean(parts[0].text).upper()]
    shown_if_wrong = _value(parts[1]) if len(parts) > 1 else ""
    shown_if_right = _value(parts[2]) if len(parts) > 2 else ""
    if is_true:
        return TRUE_FALSE_OPTIONS, (0,), (), (shown_if_right, shown_if_wrong)
    return TRUE_FALSE_OPTIONS, (1,), (), (shown_if_wrong, shown_if_right)


def _choices(answer: _Src) -> _Parsed:
    marks = [i for i, char in enumerate(answer.plain) if char in "~="]
    if answer.text[: marks[0]].strip():
        raise SkipQuestion(_("every answer must start with = (right) or ~ (wrong)"))
    options: list[str] = []
    feedback: list[str] = []
    given: list[float | None] = []  # the weight written, None for a bare = or ~
    right: list[bool] = []  # written with =
    for mark, stop in zip(marks, [*marks[1:], len(answer.plain)], strict=True):
        body = answer.cut(mark + 1, stop)
        lead = len(body.plain) - len(body.plain.lstrip())
        weight = WEIGHT_PREFIX.match(body.plain, lead)
        if weight and answer.plain[mark] == "=":
            raise SkipQuestion(_("a weight such as %50% goes after ~, not after ="))
        if weight:
            value = float(weight.group(1))
            if not -100 <= value <= 100:
                raise SkipQuestion(
                    _("the weight {weight}% must be between -100% and 100%").format(
                        weight=weight.group(1)
                    )
                )
            given.append(value)
            body = body.cut(weight.end())
        else:
            given.append(None)
        right.append(answer.plain[mark] == "=")
        cut = body.plain.find("#")
        options.append(_value(body if cut < 0 else body.cut(0, cut)))
        feedback.append("" if cut < 0 else _value(body.cut(cut + 1)))

    weights: tuple[float, ...]
    if any(right):
        correct = tuple(i for i, is_right in enumerate(right) if is_right)
        explicit = any(w is not None for w in given)
        weights = tuple(100.0 if r else w or 0.0 for r, w in zip(right, given, strict=True))
        weights = weights if explicit else ()
    else:
        weights = tuple(w or 0.0 for w in given)
        correct = tuple(i for i, w in enumerate(weights) if w > 0)
        if correct and _is_even_split(weights, correct, given):
            weights = ()
    return tuple(options), correct, weights, tuple(feedback)


def _is_even_split(
    weights: tuple[float, ...], correct: tuple[int, ...], given: list[float | None]
) -> bool:
    """What write_gift writes for several right answers without weights (see module doc)."""
    share = 100 / len(correct)
    # 0.01 accepts Moodle's own roundings (33.33333, 33.333, 33.33).
    even = all(abs(weights[i] - share) <= 0.01 for i in correct)
    return even and all(given[i] is None for i in range(len(weights)) if i not in correct)
