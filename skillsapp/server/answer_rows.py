"""A verified attempt's answers as the rows the server stores, and its score, in one pass.

A sync of 10,000 attempts stores 300,000 answers, so the per-answer work is kept to what
is needed: each answer's mark is computed once (the score is the sum of those marks, in
the layout's order, exactly as :func:`skillsapp.engine.scoring.score` adds them), the
stored text of the chosen options and the mark are remembered per (question, choice),
and a row is a plain tuple in :data:`COLUMNS` order, checked only for what a device can
get wrong in it (the attempt id is the attempt row's, checked with it; the chosen text
and the mark are the server's own).

>>> marks = AnswerMarks()                                              # doctest: +SKIP
>>> rows, total, maximum = marks.rows(payload["id"], payload["answers"], checked, False)  # doctest: +SKIP
>>> check_rows(rows)                                                   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from skillsapp.engine.scoring import mark
from skillsapp.models import Question
from skillsapp.server import db
from skillsapp.server.verify import Verified
from skillsapp.server.verify_times import RecordProblem

COLUMNS = ("attempt_id", "question_id", "device_answer_id", "chosen", "mark")
AnswerRow = tuple[str, str, str | None, str, float]

_QUESTION_ID_LENGTH = db.answers.c.question_id.type.length
_DEVICE_ID_LENGTH = db.answers.c.device_answer_id.type.length
_CHOSEN_LENGTH = db.answers.c.chosen.type.length
MEMO_LIMIT = 200_000  # remembered (question, choice) marks; then all dropped


def chosen_text(chosen: Sequence[int]) -> str:
    """The chosen option indexes as stored: what ``json.dumps(sorted(chosen))`` writes.

    >>> chosen_text([2, 0])
    '[0, 2]'
    """
    return "[" + ", ".join(str(i) for i in sorted(chosen)) + "]"


class AnswerMarks:
    """Builds answer rows; remembers, per (question id, choice, partial credit), the stored
    text and the mark, with the question they were computed from: a bank reloaded with a
    changed question has new objects, so its marks are computed again."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, tuple[int, ...], bool], tuple[Question, str, float]] = {}

    def rows(
        self, attempt_id: str, items: list[dict[str, Any]], checked: Verified, partial: bool
    ) -> tuple[list[AnswerRow], float, float]:
        """The rows of ``items`` (the payload's answers, already checked by ``verify``), the
        server's score and the maximum."""
        memo = self._memo
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        answers, questions = checked.answers, checked.questions
        marks: dict[str, float] = {}
        rows: list[AnswerRow] = []
        for item in items:
            qid = item["question_id"]
            chosen = answers[qid]
            question = questions[qid]
            key = (qid, tuple(chosen), partial)
            entry = memo.get(key)
            if entry is None or entry[0] is not question:
                entry = (question, chosen_text(chosen), mark(question, chosen, partial))
                memo[key] = entry
            device_answer_id = item.get("id")
            if not isinstance(device_answer_id, str) or len(device_answer_id) > _DEVICE_ID_LENGTH:
                device_answer_id = None
            rows.append((attempt_id, qid, device_answer_id, entry[1], entry[2]))
            if chosen:  # as score() does: an empty choice adds nothing
                marks[qid] = entry[2]
        total = 0.0
        for slot in checked.layout:
            if slot.question_id in marks:
                total += marks[slot.question_id]
        return rows, round(total, 6), float(len(checked.layout))


def check_rows(rows: list[AnswerRow]) -> None:
    """Refuse a value its column cannot hold on any backend (PostgreSQL would fail the whole
    batch), with the same reasons as the other rows' checks (``ingest._check_row``)."""
    for _attempt_id, qid, device_answer_id, chosen, _mark in rows:
        if "\x00" in qid:
            raise RecordProblem("Trường 'question_id' chứa ký tự NUL.", "invalid_field")
        if len(qid) > _QUESTION_ID_LENGTH:
            raise RecordProblem(
                f"Trường 'question_id' dài quá {_QUESTION_ID_LENGTH} ký tự.", "invalid_field"
            )
        if device_answer_id is not None and "\x00" in device_answer_id:
            raise RecordProblem("Trường 'device_answer_id' chứa ký tự NUL.", "invalid_field")
        if len(chosen) > _CHOSEN_LENGTH:
            raise RecordProblem(f"Trường 'chosen' dài quá {_CHOSEN_LENGTH} ký tự.", "invalid_field")
