"""Aiken question files: the question, lettered options, then the answer line.

::

    Ai được phép hỏi mã OTP của bạn?
    A. Nhân viên ngân hàng
    B) Công an
    C. Không ai cả
    ANSWER: C

The question may run over several lines before the first option. Options are
``A.`` or ``A)``, lettered in order. The answer line is ``ANSWER:`` (any case)
or ``Đáp án:``; ``ANSWER: A, C`` marks several right options. Blank lines may
sit anywhere between questions, and inside one when an option or the answer
line follows. A question that cannot be read is listed in the report's
``skipped`` with its first line.

>>> report = parse_aiken("Ai hỏi OTP?\\nA. Ngân hàng\\nB. Không ai\\nĐáp án: B", "chung", "q")
>>> report.imported[0].options, report.imported[0].correct
(('Ngân hàng', 'Không ai'), (1,))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from skillsapp.content.formats.common import (
    SkipQuestion,
    add_imported,
    check_choices,
    clean,
    parse_letters,
    stable_id,
)
from skillsapp.i18n import _
from skillsapp.models import DIFFICULTIES, ImportReport, Question

_OPTION = re.compile(r"^([A-Z])[.)](?:\s+(.*))?$")
_ANSWER = re.compile(r"^(?:ANSWER|ĐÁP ÁN)\s*:(.*)$", re.IGNORECASE)


@dataclass
class _Pending:
    line: int
    text: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    problem: str = ""  # the first problem found, reported when the question ends


def _kind(line: str) -> str:
    if not line:
        return "blank"
    if _ANSWER.match(line):
        return "answer"
    if _OPTION.match(line):
        return "option"
    return "text"


def _next_kind(kinds: list[str], start: int) -> str:
    return next((k for k in kinds[start:] if k != "blank"), "end")


def parse_aiken(
    text: str, default_topic: str, id_prefix: str, default_difficulty: str = "medium"
) -> ImportReport:
    """Read an Aiken file's text; each question is imported or listed as skipped with its line.

    >>> report = parse_aiken("Câu hỏi?\\nA. Có\\nB. Không\\n", "chung", "q")
    >>> report.imported, [line for line, reason in report.skipped]  # reason: no ANSWER line
    ([], [1])
    """
    if default_difficulty not in DIFFICULTIES:
        raise ValueError(f"default_difficulty must be one of {DIFFICULTIES}")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [clean(line) for line in text.split("\n")]
    kinds = [_kind(line) for line in lines]
    report = ImportReport()
    seen: dict[str, int] = {}
    pending: _Pending | None = None

    def finish(answer: str | None) -> None:
        nonlocal pending
        if pending is None:
            return
        try:
            if pending.problem:
                raise SkipQuestion(pending.problem)
            if answer is None:
                raise SkipQuestion(_("the ANSWER line is missing"))
            question_text = "\n".join(pending.text)
            options = tuple(pending.options)
            check_choices(question_text, options, None)
            correct = parse_letters(answer, len(options))
            question = Question(
                id=stable_id(id_prefix, question_text, options),
                topic=default_topic,
                difficulty=default_difficulty,
                text=question_text,
                options=options,
                correct=correct,
                explanation="",
            )
            add_imported(report, seen, question, pending.line)
        except SkipQuestion as skip:
            report.skipped.append((pending.line, skip.reason))
        pending = None

    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        number = index + 1
        if kind == "blank":
            # A blank line inside a question is harmless when its options or answer follow.
            if _next_kind(kinds, index + 1) not in ("option", "answer"):
                finish(None)
        elif kind == "answer":
            if pending is None:
                report.skipped.append((number, _("this ANSWER line has no question before it")))
            else:
                finish(_ANSWER.match(line).group(1))  # type: ignore[union-attr]
        elif kind == "option":
            if pending is None:
                pending = _Pending(number)
            letter, option = _OPTION.match(line).groups(default="")  # type: ignore[union-attr]
            if letter != chr(ord("A") + len(pending.options)) and not pending.problem:
                pending.problem = _("options must be lettered A, B, C… in order")
            pending.options.append(option.strip())
        else:
            if pending is not None and pending.options:
                finish(None)  # text after options: the question before had no answer line
            if pending is None:
                pending = _Pending(number)
            pending.text.append(line)
    finish(None)
    return report
