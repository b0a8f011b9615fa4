"""Every submitted attempt of a round with its answers, streamed for the exports: one
row per attempt (Excel), one row per answer (CSV), and the per-question statistics
gathered on the way.

Two queries walk the round in the same order (submission time, then id, from the
index on ``(contest_id, round_id, submitted_at, id)``): one for the attempts, one for
their answers, and the two are merged as they go. One joined query would repeat each
attempt's columns, its layout among them, on each of its 30 answers; this way nothing
is read twice and nothing grows with the number of attempts.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from operator import itemgetter

from skillsapp.engine.statistics import StatisticsBuilder
from skillsapp.reports.round_data import (
    LETTERS,
    AttemptWithAnswers,
    RoundReport,
    _local,
    commune_name,
)

_ROUND = (
    "WHERE a.contest_id = ? AND a.round_id = ? AND a.kind = 'contest' "
    "AND a.status = 'submitted' ORDER BY a.submitted_at, a.id"
)
_ATTEMPTS = (
    "SELECT a.rowid, a.id, a.registration_id, a.started_at, a.submitted_at, a.score, "
    "a.max_score, a.duration_ms, a.prediction, a.layout, r.full_name, r.commune_code "
    "FROM attempts a LEFT JOIN registrations r ON r.id = a.registration_id " + _ROUND
)
_ANSWERS = (
    "SELECT a.rowid, ans.question_id, ans.chosen, ans.mark, {answered_at}, ans.elapsed_ms "
    "FROM attempts a JOIN answers ans ON ans.attempt_id = a.id " + _ROUND
)
_BATCH = 500
_NO_ANSWER = (None, None, "[]", None, "", None)  # an answer row for a question left out

# A stored choice ("[0, 2]") as (letters, options): there are only a few dozen distinct
# ones, and an export of 100,000 attempts meets 3 million.
_CHOICES: dict[str, tuple[str, tuple[int, ...]]] = {}


def _choice(raw: str) -> tuple[str, tuple[int, ...]]:
    found = _CHOICES.get(raw)
    if found is None:
        options = tuple(json.loads(raw))
        found = (
            ", ".join(LETTERS[i] if i < len(LETTERS) else str(i + 1) for i in options),
            options,
        )
        if len(_CHOICES) < 10_000:
            _CHOICES[raw] = found
    return found


def _stream(
    store, report: RoundReport, times: bool = True
) -> Iterator[tuple[tuple, dict[str, tuple]]]:
    """(attempt row, its answers by question id), in submission order; without
    ``times``, the answers' times of day are not read (the Excel sheet has none)."""
    params = [report.contest.id, report.round.id]
    db = store.db
    attempts = db.execute(_ATTEMPTS, params)
    answers_sql = _ANSWERS.format(answered_at="ans.answered_at" if times else "''")
    answers = itertools.groupby(db.execute(answers_sql, params), itemgetter(0))
    key, group = next(answers, (None, ()))
    while batch := attempts.fetchmany(_BATCH):
        for attempt in batch:
            found: dict[str, tuple] = {}
            if key == attempt[0]:
                found = {answer[1]: answer for answer in group}
                key, group = next(answers, (None, ()))
            yield attempt, found


def _question_ids(layout: str | None) -> list[str]:
    return [entry[0] for entry in json.loads(layout or "[]")]


def iter_attempts(store, report: RoundReport) -> Iterator[AttemptWithAnswers]:
    """Attempts one at a time, each with its answers."""
    for row, found in _stream(store, report):
        yield AttemptWithAnswers(
            row[1],
            row[2] or "",
            row[3],
            row[4],
            float(row[5] or 0),
            float(row[6] or 0),
            int(row[7] or 0),
            row[8],
            _question_ids(row[9]),
            {qid: (list(_choice(a[2])[1]), a[3], a[4], a[5]) for qid, a in found.items()},
            row[10] or "",
            row[11],
        )


def attempt_rows(
    store, report: RoundReport, statistics: StatisticsBuilder | None = None
) -> Iterator[list]:
    """One row per attempt; for each question in the order shown: its id, the options
    chosen (letters in the question's own order) and the mark. With ``statistics``, each
    attempt is also added to them as it passes (one read of the answers for both)."""
    for attempt, found in _stream(store, report, times=False):
        score = float(attempt[5] or 0)
        row: list = [
            attempt[1],
            attempt[10] or "",
            commune_name(attempt[11]),
            _local(attempt[3]),
            _local(attempt[4]),
            score,
            float(attempt[6] or 0),
            round(int(attempt[7] or 0) / 1000, 1),
            attempt[8],
        ]
        answered = []
        for qid in _question_ids(attempt[9]):
            answer = found.get(qid, _NO_ANSWER)
            shown, options = _choice(answer[2])
            mark = answer[3]
            row += (qid, shown, mark if mark is not None else 0.0)
            answered.append((qid, float(mark or 0.0), options, answer[5]))
        if statistics is not None:
            statistics.add_answers(score, answered)
        yield row


def answer_rows(store, report: RoundReport) -> Iterator[list]:
    """One row per answer (long format, for CSV where there is no row limit)."""
    for attempt, found in _stream(store, report):
        attempt_id, name = attempt[1], attempt[10] or ""
        for position, qid in enumerate(_question_ids(attempt[9]), start=1):
            answer = found.get(qid, _NO_ANSWER)
            mark, when, elapsed = answer[3], answer[4], answer[5]
            yield [
                attempt_id,
                name,
                position,
                qid,
                _choice(answer[2])[0],
                mark if mark is not None else 0.0,
                _local(when) if when else "",
                round(elapsed / 1000, 1) if elapsed is not None else "",
            ]
