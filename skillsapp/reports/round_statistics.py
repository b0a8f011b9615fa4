"""The per-question statistics sheet of a round's reports (app and server): facility,
discrimination, options chosen, time, from attempts with their answers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from skillsapp.engine.statistics import StatisticsBuilder, question_statistics
from skillsapp.reports.round_attempts import iter_attempts
from skillsapp.reports.round_data import RoundReport, answered_of


def statistics_rows(
    attempts: Iterable, questions_for: Callable[[set[str]], dict]
) -> Iterator[list]:
    """Per-question statistics rows from attempts with answers (app or server), and a
    function that finds the questions' texts by id."""
    return statistics_table(question_statistics(answered_of(a) for a in attempts), questions_for)


def statistics_table(stats: dict, questions_for: Callable[[set[str]], dict]) -> Iterator[list]:
    """The rows of the per-question statistics sheet, from statistics already gathered."""
    questions = questions_for(set(stats))
    for qid in sorted(stats):
        item = stats[qid]
        question = questions.get(qid)
        counts = [item.option_counts.get(i, 0) for i in range(6)]
        yield [
            qid,
            question.topic if question else "",
            question.text if question else "",
            item.attempts,
            round(item.facility or 0.0, 3),
            round(item.discrimination, 1) if item.discrimination is not None else "",
            *counts,
            item.unanswered,
            round(item.average_ms / 1000, 1) if item.average_ms is not None else "",
        ]


def question_rows(store, report: RoundReport) -> Iterator[list]:
    return statistics_rows(iter_attempts(store, report), _questions_of(store))


def gathered_question_rows(store, statistics: StatisticsBuilder) -> Iterator[list]:
    """The statistics sheet from what :func:`attempt_rows` gathered on its way."""
    return statistics_table(statistics.result(), _questions_of(store))


def _questions_of(store) -> Callable[[set[str]], dict]:
    return lambda ids: {q.id: q for q in store.content.questions(sorted(ids))}
