"""A round's ranking read ranked from the database: the page's rows and the ranking CSV
without a Python pass over every entrant.

One SQL statement ranks the round's rows (``round_bests``, one per entrant) with a
window function over the engine's keys (``engine.ranking.rank``): higher score, the
prediction closest to the true figure (none last), the shorter time, the earlier instant;
rows equal on all four share a rank (``rank()``: "1, 2, 2, 4"), listed by entrant key as
text (code points: byte order on PostgreSQL). The true figure is counted in the same
statement (a materialised CTE), so ranks, gaps and the figure always come from one
snapshot of the table. Only the rows asked for are then joined to their registration and
PC: a page of ``PAGE_SIZE`` rows, or every row for the CSV (``ranking_csv_rows``, which
``ranking_csv`` writes line by line).

What awaits review is counted *before* the rows are read: a decision made between the two
reads can only make the page say "chưa chốt" about rows already final, never show rows
missing an accepted attempt as final.

>>> page = load_page(engine, "tim-hieu-chuyen-doi-so-2026", "tuan-1", page=2)  # doctest: +SKIP
>>> page.rows[0].rank, page.shown_total  # doctest: +SKIP
(501, 28926)
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Engine, and_, case, func, literal_column, select, true
from sqlalchemy.engine import Connection

from skillsapp.models import Contest
from skillsapp.server import db, rankings, review
from skillsapp.server.personal_data import vault_for
from skillsapp.server.reports import (
    _PREFIXED_COLUMNS,
    RankedRow,
    ServerRound,
    _person,
    _registration,
    commune_name,
    find_round,
)

PAGE_SIZE = 500  # rows a round page shows; "Trang sau" shows the next ones

_B = db.round_bests
_R = db.registrations
_D = db.devices


def _totals(contest_id: str, round_id: str, prediction: str):
    """One row: ``total``, the round's rows, and ``figure``, its true figure
    (``round_bests.true_figure``; NULL when the contest asks no prediction)."""
    figure: Any
    if prediction == "full_score_count":
        full = case((and_(_B.c.max_score > 0, _B.c.score >= _B.c.max_score), 1), else_=0)
        figure = func.coalesce(func.sum(full), 0)
    elif prediction == "entrant_count":
        figure = func.count()
    else:
        figure = literal_column("NULL")
    # Materialised: counted once, never inlined into the window's scan (PostgreSQL, with
    # no statistics yet, would otherwise count it again for every row).
    return (
        select(func.count().label("total"), figure.label("figure"))
        .where(_B.c.contest_id == contest_id, _B.c.round_id == round_id)
        .cte("round_totals")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def _entrant_order(dialect: str, column):
    return column.collate("C") if dialect == "postgresql" else column


def ranked(conn: Connection, contest: Contest, round_id: str, carried=None):
    """The round's rows (``round_bests``) with their province-wide ``place``, ``total``
    (entrants ranked) and ``figure`` (the true figure, None without a prediction), as a
    subquery. The rows go through the window whole: joining them back to the table
    afterwards depends on the planner's statistics, which a freshly filled table lacks.
    ``carried``: only those of the table's columns (the window's sort then moves less)."""
    totals = _totals(contest.id, round_id, contest.rules.prediction)
    order: list[Any] = [_B.c.score.desc()]
    if contest.rules.prediction in ("full_score_count", "entrant_count"):
        gap = case(
            (_B.c.prediction.is_(None), None), else_=func.abs(_B.c.prediction - totals.c.figure)
        )
        order.append(gap.asc().nulls_last())
    order += [_B.c.duration_ms, _B.c.submitted_us]
    return (
        select(
            *(carried if carried is not None else (_B,)),
            func.rank().over(order_by=order).label("place"),
            totals.c.total,
            totals.c.figure,
        )
        .select_from(_B.join(totals, true()))
        .where(_B.c.contest_id == contest.id, _B.c.round_id == round_id)
        .subquery("ranked")
    )


def row_commune():
    """A row's commune as ``reports._rank`` gives it: its registration's, else its PC's."""
    return func.coalesce(func.nullif(_R.c.commune_code, ""), _D.c.commune_code)


def joined_people(rows):
    """``rows`` (round_bests rows) joined to their registration (of this contest) and PC."""
    return rows.outerjoin(
        _R, and_(_R.c.id == rows.c.registration_id, _R.c.contest_id == rows.c.contest_id)
    ).outerjoin(_D, _D.c.id == rows.c.device_id)


def ranked_rows(
    conn: Connection,
    contest: Contest,
    round_id: str,
    commune: str | None,
    *columns,
    offset: int = 0,
    limit: int | None = None,
    fields=None,
    ordered: bool = True,
    carried=None,
):
    """The round's rows in ranking order with ``place``, ``total``, ``figure``, ``commune``
    and ``columns`` (of the registration and PC joined), narrowed to ``commune`` (ranks
    stay province-wide; ``shown_total`` then counts the commune's rows), from ``offset``.
    ``fields(ranked, commune)``, if given, picks the ranked row's columns instead (of
    those ``carried`` through the window); not ``ordered``: the caller sorts them (by
    ``place`` then entrant key)."""
    inner = ranked(conn, contest, round_id, carried)
    dialect = conn.dialect.name
    if not commune and limit is not None:  # only the page's rows are joined
        inner = (
            select(inner)
            .order_by(inner.c.place, _entrant_order(dialect, inner.c.entrant_key))
            .offset(offset)
            .limit(limit)
            .subquery("shown")
        )
        offset, limit = 0, None
    where = row_commune()
    shown_total = func.count().over() if commune else inner.c.total
    picked = (
        fields(inner, where)
        if fields
        else (inner, where.label("commune"), shown_total.label("shown_total"))
    )
    query = select(*picked, *columns).select_from(joined_people(inner)).offset(offset)
    if ordered:
        query = query.order_by(inner.c.place, _entrant_order(dialect, inner.c.entrant_key))
    if commune:
        query = query.where(where == commune)
    if limit is not None:
        query = query.limit(limit)
    if dialect == "postgresql":  # the window's sort stays in memory (this transaction)
        conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    return conn.execute(query)


def communes(conn: Connection, contest_id: str, round_id: str) -> list[str]:
    """The communes of the round's ranked entrants, in the order the page lists them."""
    query = (
        select(row_commune())
        .distinct()
        .select_from(joined_people(_B))
        .where(_B.c.contest_id == contest_id, _B.c.round_id == round_id)
    )
    found = conn.execute(query).scalars()
    return sorted((code for code in found if code), key=commune_name)


def _round_row(row, opener) -> RankedRow:
    figure = row.figure
    gap = None if row.prediction is None or figure is None else abs(row.prediction - figure)
    return RankedRow(
        row.place,
        row.entrant_key,
        row.attempt_id,
        row,
        row.commune,
        row.score,
        row.max_score,
        row.prediction,
        gap,
        row.duration_ms,
        row.submitted_at,
        bool(row.flagged),
        row.flag_reason,
        opener,
    )


def _head(engine: Engine, contest_id: str, round_id: str, commune: str | None):
    contest, round_ = find_round(engine, contest_id, round_id)
    awaiting = review.awaiting_count(engine, contest_id, round_id)  # before the rows (above)
    here = review.awaiting_count(engine, contest_id, round_id, commune) if commune else awaiting
    return contest, round_, awaiting, here


def load_page(
    engine: Engine,
    contest_id: str,
    round_id: str,
    commune: str | None = None,
    page: int = 1,
    unmasked: bool = False,
) -> ServerRound:
    """Page ``page`` (from 1) of the round's ranking, ``PAGE_SIZE`` rows, narrowed to
    ``commune``: ``rows`` holds that page only, ``shown_total`` how many rows the whole
    (narrowed) ranking has, ``first`` the position of the page's first row. The first
    page of the whole province (masked), which organisers refresh, is kept per process
    while the contest's ranking generation stays the same, and after a change may be the
    page from before it, labelled (``rankings.recent``: ``as_of`` set, never final)
    while the current one is computed; every other page is read afresh."""
    if commune or page != 1 or unmasked:
        return _load_page(engine, contest_id, round_id, commune, page, unmasked)
    shown = rankings.recent(
        engine,
        contest_id,
        f"{round_id}\x00first page",  # its own entry, beside the whole ranking's
        lambda _conn: settled(_load_page(engine, contest_id, round_id, None, 1, False)),
    )
    if shown.as_of is None:
        return shown.value
    return dataclasses.replace(shown.value, as_of=shown.as_of)  # the kept one unchanged


def settled(report: ServerRound) -> ServerRound:
    """``report`` with each row's person opened now, and what opens it dropped: it can
    then be kept, and handed to the other worker processes (``rankings.share_in``)."""
    for row in report.rows:
        _ = row.person  # kept on the row (functools.cached_property)
        row.source = row.opener = None
    return report


def _load_page(
    engine: Engine,
    contest_id: str,
    round_id: str,
    commune: str | None,
    page: int,
    unmasked: bool,
) -> ServerRound:
    contest, round_, awaiting, here = _head(engine, contest_id, round_id, commune)
    vault = vault_for(engine)

    def opener(row):
        registration = _registration(row)
        return _person(registration, vault, unmasked) if registration else None

    first = (max(page, 1) - 1) * PAGE_SIZE
    with engine.begin() as conn:
        found = ranked_rows(
            conn,
            contest,
            round_.id,
            commune,
            *_PREFIXED_COLUMNS,
            _D.c.commune_code.label("pc_commune"),
            offset=first,
            limit=PAGE_SIZE,
        ).all()
        rows = [_round_row(row, opener) for row in found]
        if found:
            figure, total, shown = found[0].figure, found[0].total, found[0].shown_total
        else:  # past the end, or no entrant here: counted on their own
            figure, total, shown = _counts(conn, contest, round_.id, commune)
        listed = communes(conn, contest.id, round_.id)
    report = ServerRound(
        contest, round_, rows, figure, total, listed, commune, unmasked, awaiting, here
    )
    report.shown_total = shown
    report.first = first
    return report


def _counts(conn: Connection, contest: Contest, round_id: str, commune: str | None):
    """(true figure, entrants ranked, entrants in ``commune``) without ranking anyone."""
    totals = _totals(contest.id, round_id, contest.rules.prediction)
    total, figure = conn.execute(select(totals.c.total, totals.c.figure)).one()
    shown = total
    if commune:
        shown = conn.execute(
            select(func.count())
            .select_from(joined_people(_B))
            .where(_B.c.contest_id == contest.id, _B.c.round_id == round_id)
            .where(row_commune() == commune)
        ).scalar()
    return figure, int(total or 0), int(shown or 0)


def load_head(
    engine: Engine,
    contest_id: str,
    round_id: str,
    commune: str | None = None,
    unmasked: bool = False,
) -> ServerRound:
    """The round's report without rows, for a sheet streamed from ``csv_rows``:
    whether it is final, and how many rows the (narrowed) ranking has."""
    contest, round_, awaiting, here = _head(engine, contest_id, round_id, commune)
    with engine.begin() as conn:
        figure, total, shown = _counts(conn, contest, round_.id, commune)
    report = ServerRound(contest, round_, [], figure, total, [], commune, unmasked, awaiting, here)
    report.shown_total = shown
    return report
