"""A round's ranking on this PC, computed by SQLite and read in order, one row at a time.

The rules are the engine's (:mod:`skillsapp.engine.ranking`, which stays the reference
and is checked against this in the tests): one counting attempt per entrant (best,
first or last), the true figure from the counting attempts, then higher score, the
prediction closest to the true figure, the shorter time, the earlier submission;
entrants equal on all four share a rank. Here SQLite chooses, counts and orders with
window functions, so an export of a round with 100,000 attempts never holds them all
in memory. Times are compared as instants (``julianday`` reads the zone offset).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from skillsapp.engine.ranking import AttemptResult

# The order that picks an entrant's counting attempt, per counting rule (first = kept).
_PICK_ORDER = {
    "best": "a.score DESC, a.duration_ms, julianday(a.submitted_at), a.id",
    "first": "julianday(a.submitted_at), a.id",
    "last": "julianday(a.submitted_at) DESC, a.id",
}
_NO_GAP = 1e308  # no prediction, or nothing to predict: after every real gap


def _counted_sql(counting: str) -> str:
    if counting not in _PICK_ORDER:
        raise ValueError(f"unknown counting rule {counting!r}")
    return (
        "WITH chosen AS (SELECT a.*, COALESCE(a.registration_id, a.id) AS entrant, "
        f"ROW_NUMBER() OVER (PARTITION BY COALESCE(a.registration_id, a.id) "
        f"ORDER BY {_PICK_ORDER[counting]}) AS pick "
        "FROM attempts a WHERE a.contest_id = ? AND a.round_id = ? AND a.kind = 'contest' "
        "AND a.status = 'submitted'), "
        "counted AS (SELECT * FROM chosen WHERE pick = 1) "
    )


@dataclass(frozen=True)
class Standing:
    """How many entrants count in the round, how many have full marks, and the true figure."""

    entrants: int
    full_scores: int
    true_figure: int | None


class RankedEntry(NamedTuple):
    """One entrant's place, with what an export shows of them."""

    rank: int
    result: AttemptResult
    prediction_gap: float | None
    full_name: str
    commune_code: str | None
    complete: bool
    id_number: str | None
    phone: str | None


def standing(db, contest_id: str, round_id: str, counting: str, prediction: str) -> Standing:
    row = db.execute(
        _counted_sql(counting) + "SELECT COUNT(*), "
        "COALESCE(SUM(CASE WHEN max_score > 0 AND score >= max_score THEN 1 ELSE 0 END), 0) "
        "FROM counted",
        [contest_id, round_id],
    ).fetchone()
    entrants, full = int(row[0]), int(row[1])
    figure = {"full_score_count": full, "entrant_count": entrants}.get(prediction)
    return Standing(entrants, full, figure)


def ranking(
    db,
    contest_id: str,
    round_id: str,
    counting: str,
    figure: int | None,
    limit: int | None = None,
) -> Iterator[RankedEntry]:
    """The counted attempts in rank order, streamed from one query (``limit``: the first N)."""
    gap = (
        f"CASE WHEN ? IS NULL OR c.prediction IS NULL THEN {_NO_GAP} ELSE ABS(c.prediction - ?) END"
    )
    sql = (
        _counted_sql(counting) + f", ranked AS (SELECT c.*, {gap} AS gap FROM counted c) "
        "SELECT RANK() OVER (ORDER BY k.score DESC, k.gap, k.duration_ms, "
        "julianday(k.submitted_at)) AS place, "
        "k.id, k.entrant, k.score, k.max_score, k.duration_ms, k.submitted_at, k.prediction, "
        "k.gap, r.full_name, r.commune_code, r.complete, r.id_number, r.phone "
        "FROM ranked k LEFT JOIN registrations r ON r.id = k.registration_id "
        "ORDER BY k.score DESC, k.gap, k.duration_ms, julianday(k.submitted_at), k.entrant"
    )
    params: list = [contest_id, round_id, figure, figure]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    for row in db.execute(sql, params):
        result = AttemptResult(
            row[1],
            row[2],
            float(row[3] or 0),
            float(row[4] or 0),
            int(row[5] or 0),
            row[6],
            row[7],
        )
        gap_value = None if row[8] >= _NO_GAP else float(row[8])
        yield RankedEntry(
            int(row[0]), result, gap_value, row[9] or "", row[10], bool(row[11]), row[12], row[13]
        )


def commune_totals(
    db, contest_id: str, round_id: str, counting: str
) -> list[tuple[str | None, int, int, float]]:
    """Per commune of the entrants who count: (code, entrants, full marks, total score)."""
    rows = db.execute(
        _counted_sql(counting) + "SELECT r.commune_code, COUNT(*), "
        "SUM(CASE WHEN c.max_score > 0 AND c.score >= c.max_score THEN 1 ELSE 0 END), "
        "SUM(c.score) FROM counted c LEFT JOIN registrations r ON r.id = c.registration_id "
        "GROUP BY r.commune_code",
        [contest_id, round_id],
    )
    return [(r[0], int(r[1]), int(r[2]), float(r[3] or 0)) for r in rows]
