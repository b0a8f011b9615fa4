"""Write :class:`Question` objects as a Moodle GIFT file (the format and the weights it
writes are described in :mod:`skillsapp.content.formats.gift`, which reads them back)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from skillsapp.content.formats.gift import FORMAT_PREFIX, WEIGHT_PREFIX
from skillsapp.models import Question


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _protect(escaped: str, at_line_start: bool = False) -> str:
    """Keep text that looks like GIFT syntax literal, with an explicit ``[moodle]`` format.

    Needed when the text itself starts with a format prefix, or starts a line with
    ``//`` (which would make it a comment).
    """
    if FORMAT_PREFIX.match(escaped) or (at_line_start and escaped.startswith("//")):
        return "[moodle]" + escaped
    return escaped


def _option_text(option: str) -> str:
    escaped = _escape(option)
    # An answer that starts like a weight ("%50% off") would lose its start.
    return "[moodle]" + escaped if WEIGHT_PREFIX.match(escaped) else _protect(escaped)


def _number(weight: float) -> str:
    """A weight written so that float() gives back exactly the same number."""
    if weight.is_integer():
        return str(int(weight))
    return format(Decimal(repr(weight)), "f")


def _marks(question: Question) -> list[str]:
    """The ``=``, ``~`` or ``~%w%`` before each option."""
    count, correct, weights = len(question.options), set(question.correct), question.weights
    if not weights:
        if len(correct) == 1:
            return ["=" if i in correct else "~" for i in range(count)]
        share = _number(round(100 / len(correct), 5))
        return [f"~%{share}%" if i in correct else "~" for i in range(count)]
    if len(weights) != count:
        raise ValueError(f"question {question.id}: one weight per option is needed")
    if correct == {i for i, w in enumerate(weights) if w > 0}:
        return [f"~%{_number(w)}%" for w in weights]
    if any(weights[i] != 100 for i in correct):
        raise ValueError(f"question {question.id}: weights do not match its right options")
    return ["=" if i in correct else f"~%{_number(w)}%" for i, w in enumerate(weights)]


def _feedback(question: Question, index: int) -> str:
    if index < len(question.option_feedback) and question.option_feedback[index]:
        return _protect(_escape(question.option_feedback[index]))
    return ""


def _write_question(question: Question) -> str:
    lines = [f"// id: {question.id}", f"// difficulty: {question.difficulty}"]
    if question.image:
        lines.append(f"// image: {question.image}")
    if question.exclusive:
        lines.append(f"// exclusive: {question.exclusive}")
    head = f"::{_escape(question.title)}::" if question.title else ""
    head += _protect(_escape(question.text), at_line_start=not question.title)
    explanation = _protect(_escape(question.explanation)) if question.explanation else ""
    if question.kind == "truefalse":
        right = 0 if question.correct == (0,) else 1
        shown_if_right, shown_if_wrong = _feedback(question, right), _feedback(question, 1 - right)
        answer = "T" if right == 0 else "F"
        if shown_if_wrong or shown_if_right:
            answer += "#" + shown_if_wrong
        if shown_if_right:
            answer += "#" + shown_if_right
        if explanation:
            answer += "####" + explanation
        lines.append(head + " {" + answer + "}")
    else:
        lines.append(head + " {")
        for index, (mark, option) in enumerate(
            zip(_marks(question), question.options, strict=True)
        ):
            feedback = _feedback(question, index)
            lines.append("\t" + mark + _option_text(option) + ("#" + feedback if feedback else ""))
        if explanation:
            lines.append("\t####" + explanation)
        lines.append("}")
    return "\n".join(lines) + "\n"


def write_gift(questions: Iterable[Question]) -> str:
    """GIFT text for ``questions``, with a ``$CATEGORY:`` line wherever the topic changes.

    >>> q = Question("q-1", "lua-dao", "easy", "Có nên chia sẻ mã OTP?", ("Có", "Không"), (1,), "")
    >>> print(write_gift([q]).expandtabs(2))
    $CATEGORY: lua-dao
    <BLANKLINE>
    // id: q-1
    // difficulty: easy
    Có nên chia sẻ mã OTP? {
      ~Có
      =Không
    }
    <BLANKLINE>
    """
    chunks: list[str] = []
    topic: str | None = None
    for question in questions:
        if question.topic != topic:
            # A category must be a block of its own, or Moodle reads the question into it.
            chunks.append(f"$CATEGORY: {question.topic}\n")
            topic = question.topic
        chunks.append(_write_question(question))
    return "\n".join(chunks)
