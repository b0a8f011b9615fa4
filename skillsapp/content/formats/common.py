"""What the GIFT, Aiken and Excel readers share: cleaning text, stable ids,
difficulty names, answer letters, the checks every imported question passes,
and adding a question to an import report (duplicates skipped with their place)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable

from skillsapp.content.question_file import ID_PATTERN, LETTERS
from skillsapp.i18n import _
from skillsapp.models import MAX_OPTIONS, MIN_OPTIONS, ImportReport, Question


class SkipQuestion(Exception):
    """A question that cannot be imported; ``reason`` goes into the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean(value: str) -> str:
    """NFC-normalised and stripped, as every imported text is.

    >>> clean("  Vie\u0323\u0302t  ") == "Việt"
    True
    """
    return unicodedata.normalize("NFC", value).strip()


def slugify(value: str) -> str:
    """A topic id from a name: lower case, no diacritics, hyphens.

    >>> slugify("Lừa đảo trực tuyến")
    'lua-dao-truc-tuyen'
    """
    value = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", value).strip("-")


def stable_id(id_prefix: str, text: str, options: Iterable[str]) -> str:
    """The id of a question whose file gave none: the same question always gets the same id.

    >>> stable_id("q", "Câu hỏi?", ["Có", "Không"])
    'q-735ac49e77'
    """
    digest = hashlib.sha1((clean(text) + "\x1f".join(clean(o) for o in options)).encode("utf-8"))
    return f"{id_prefix}-{digest.hexdigest()[:10]}"


def _checked_name(value: str, refusal: Callable[[str], str]) -> str:
    """A name given in a file (an id, a group), or "" when none was given; one that is not
    lower-case letters, digits and hyphens skips the question with ``refusal(name)``."""
    value = clean(value)
    if value and not ID_PATTERN.match(value):
        raise SkipQuestion(refusal(value))
    return value


def checked_group(value: str) -> str:
    """An exclusive group (questions that ask the same thing) given in a file."""
    return _checked_name(
        value,
        lambda group: _(
            "the exclusive group “{group}” cannot be used: use lower-case letters, digits "
            "and hyphens, such as ma-otp, or leave it empty"
        ).format(group=group),
    )


def checked_id(value: str) -> str:
    """A question's id given in a file."""
    return _checked_name(
        value,
        lambda given: _(
            "the id “{id}” cannot be used: use lower-case letters, digits and hyphens, "
            "or leave it empty"
        ).format(id=given),
    )


_DIFFICULTY_NAMES = {
    "easy": "easy",
    "medium": "medium",
    "hard": "hard",
    "dễ": "easy",
    "trung bình": "medium",
    "khó": "hard",
}
DIFFICULTY_LABELS = {"easy": "Dễ", "medium": "Trung bình", "hard": "Khó"}


def parse_difficulty(value: str, default: str) -> str:
    """``easy``/``medium``/``hard`` from English or Vietnamese; empty gives ``default``.

    >>> parse_difficulty("Trung bình", "easy"), parse_difficulty("", "easy")
    ('medium', 'easy')
    """
    key = " ".join(clean(value).casefold().split())
    if not key:
        return default
    if key not in _DIFFICULTY_NAMES:
        raise SkipQuestion(
            _(
                "unknown difficulty “{value}”: write Dễ, Trung bình or Khó (or easy, medium, hard)"
            ).format(value=clean(value))
        )
    return _DIFFICULTY_NAMES[key]


def parse_letters(value: str, option_count: int) -> tuple[int, ...]:
    """Option indexes from answer letters such as ``B`` or ``A, C``.

    >>> parse_letters("a; C", 4)
    (0, 2)
    """
    indexes = set()
    for token in re.split(r"[\s,;]+", clean(value)):
        if not token:
            continue
        letter = token.upper()
        if len(letter) != 1 or letter not in LETTERS:
            raise SkipQuestion(
                _("the answer “{value}” must be option letters, such as B or A, C").format(
                    value=clean(value)
                )
            )
        if LETTERS.index(letter) >= option_count:
            raise SkipQuestion(_("the answer letter {letter} has no option").format(letter=letter))
        indexes.add(LETTERS.index(letter))
    if not indexes:
        raise SkipQuestion(_("no option is marked as right"))
    return tuple(sorted(indexes))


def check_choices(text: str, options: tuple[str, ...], correct: tuple[int, ...] | None) -> None:
    """Raise :class:`SkipQuestion` unless the question can be asked as it is.

    ``correct`` is None when the caller reads it afterwards with :func:`parse_letters`.
    """
    if not text:
        raise SkipQuestion(_("the question has no text"))
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise SkipQuestion(
            _("a question needs 2 to 6 options; this one has {count}").format(count=len(options))
        )
    seen: dict[str, int] = {}
    for index, option in enumerate(options):
        if not option:
            raise SkipQuestion(_("option {letter} is empty").format(letter=LETTERS[index]))
        # Same rule as the pack checker: options differing only in case or spacing are the same.
        key = " ".join(option.casefold().split())
        if key in seen:
            raise SkipQuestion(
                _("options {first} and {second} have the same text").format(
                    first=LETTERS[seen[key]], second=LETTERS[index]
                )
            )
        seen[key] = index
    if correct is not None and not correct:
        raise SkipQuestion(_("no option is marked as right"))


def add_imported(
    report: ImportReport, seen: dict[str, int], question: Question, where: int, *, row: bool = False
) -> None:
    """Add ``question`` to the report, or skip it when an earlier one has its id."""
    if question.id in seen:
        message = (
            _("the id “{id}” is already used on row {where}")
            if row
            else _("the id “{id}” is already used on line {where}")
        )
        report.skipped.append((where, message.format(id=question.id, where=seen[question.id])))
        return
    seen[question.id] = where
    report.imported.append(question)
