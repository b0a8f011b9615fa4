"""Each entrant's counting attempt per round, kept up to date as results arrive, so a
round's ranking reads one row per entrant instead of every attempt (issue 15, item 6).

The table ``round_bests`` (schema step 013) holds, per (contest, round, entrant), the
attempt that counts under the contest's rule (``best``, ``first`` or ``last``, exactly as
``engine.ranking.counting_attempts`` picks it) and the fields a ranking sorts and shows.
An entrant is who ``reports.entrant_key`` says: the registration's stored entrant key,
else the registration id, else the attempt id. Only what ``review.rankable()`` allows is
in it. It is written only in the transaction of the change that moves it:

* ingest (``after_ingest``): each new rankable attempt is *offered* to its entrant's row
  by one conditional upsert (``INSERT ... ON CONFLICT DO UPDATE ... WHERE`` the offered
  attempt is better), and the entrants of registrations the batch added, edited or put
  into or out of an ID-number conflict are worked out again from their attempts;
* an organiser's review decision (``after_attempt_decision``) and an entrant-conflict
  decision (``after_registrations_changed``): those entrants are worked out again;
* publishing a contest (its rule may have changed) and the schema step that creates
  the table: the whole contest is rebuilt from the attempts (``rebuild``).

"Worked out again" (``refresh``) reads only the attempts of the entrants concerned. To
know which entrants a registration *left*, it looks in this table itself: an entrant whose
counted attempt came from that registration is refreshed too, and one whose counted
attempt came from another registration keeps it (removing a non-counting attempt never
changes the best of the rest).

Concurrency: every writer here first bumps the contest's ranking generation
(``rankings.bump``, an ``UPDATE`` of one row), which on PostgreSQL holds that row's lock
until commit, so writers of one contest's rows take their turn and read each other's
committed attempts (READ COMMITTED): no deadlock between them and no lost update. The
upsert's ``WHERE`` keeps it right even without that (SQLite serialises all writers).

>>> with engine.begin() as conn:  # doctest: +SKIP
...     rebuild(conn, ["tim-hieu-chuyen-doi-so-2026"])
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, delete, func, select, text
from sqlalchemy.engine import Connection

from skillsapp.engine.ranking import AttemptResult, counting_attempts
from skillsapp.server import db, rankings, review

_A = db.attempts
_R = db.registrations
_B = db.round_bests
CHUNK = 500
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

# What an attempt offers its entrant's row; "smaller is better" per rule, as
# ``counting_attempts`` compares (the attempt id settles exact ties the same way the engine
# does when it meets the attempts in id order).
_ORDER = {
    "best": ("-score", "duration_ms", "submitted_us", "attempt_id"),
    "first": ("submitted_us", "attempt_id"),
    "last": ("-submitted_us", "attempt_id"),
}


def instant_us(value: str) -> int:
    """An ISO time as whole microseconds since 1970 UTC (no zone: UTC, as the engine reads
    it), so times written in different zones compare as the instants they are."""
    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return (parsed - EPOCH) // datetime.timedelta(microseconds=1)


# --- the contest's counting rule ---------------------------------------------------------

_rules: dict[tuple[str, str], str] = {}  # (contest, published_at) -> counting rule


def counting_rule(conn: Connection, contest_id: str) -> str | None:
    """The counting rule of the contest as published now (None: not published), read in
    the caller's transaction; parsed once per published version."""
    published = conn.execute(
        select(db.contests.c.published_at).where(db.contests.c.id == contest_id)
    ).scalar()
    if published is None:
        return None
    rule = _rules.get((contest_id, published))
    if rule is None:
        data = conn.execute(select(db.contests.c.data).where(db.contests.c.id == contest_id))
        rules = json.loads(data.scalar_one()).get("rules") or {}
        rule = rules.get("counting") or "best"
        _rules[(contest_id, published)] = rule
    return rule


# --- reading attempts --------------------------------------------------------------------

_COLUMNS = (
    _A.c.id,
    _A.c.contest_id,
    _A.c.round_id,
    _A.c.registration_id,
    _A.c.device_id,
    review.ranking_score().label("ranked_score"),
    _A.c.max_score,
    _A.c.duration_ms,
    _A.c.submitted_at,
    _A.c.prediction,
    _A.c.flagged,
    _A.c.flag_reason,
)
# Who an attempt counts for (``reports.entrant_key``); a registration of another contest
# does not count, as ``reports`` reads only the contest's own.
_ENTRANT = func.coalesce(_R.c.entrant_key, _A.c.registration_id, _A.c.id)


def _rankable_attempts():
    """Rankable attempts, each with its entrant."""
    joined = _A.outerjoin(
        _R, and_(_R.c.id == _A.c.registration_id, _R.c.contest_id == _A.c.contest_id)
    )
    return select(*_COLUMNS, _ENTRANT.label("entrant")).select_from(joined).where(review.rankable())


def _candidates(conn: Connection, query, rule: str) -> list:
    """The rows of ``query`` (``_rankable_attempts``) that may count. For ``best`` the
    database keeps, per round and entrant, the top score at the shortest time (a window
    over the attempts); the exact ties left, and ``first``/``last`` (instants whose zones
    may differ), are the engine's to settle (``_picked``)."""
    if rule != "best":
        return conn.execute(query).all()
    entrant = _ENTRANT.collate("C") if conn.dialect.name == "postgresql" else _ENTRANT
    place = func.rank().over(
        partition_by=(_A.c.round_id, entrant),
        order_by=(review.ranking_score().desc(), _A.c.duration_ms.asc()),
    )
    inner = query.add_columns(place.label("place")).subquery("candidates")
    if conn.dialect.name == "postgresql":  # the window's sort stays in memory (this transaction)
        conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    names = [c.name for c in _COLUMNS] + ["entrant"]
    return conn.execute(select(*(inner.c[n] for n in names)).where(inner.c.place == 1)).all()


def _row(row, entrant: str) -> dict[str, Any]:
    return {
        "contest_id": row.contest_id,
        "round_id": row.round_id,
        "entrant_key": entrant,
        "attempt_id": row.id,
        "registration_id": row.registration_id,
        "device_id": row.device_id,
        "score": float(row.ranked_score),
        "max_score": float(row.max_score),
        "duration_ms": int(row.duration_ms),
        "submitted_at": row.submitted_at,
        "submitted_us": instant_us(row.submitted_at),
        "prediction": row.prediction,
        "flagged": bool(row.flagged),
        "flag_reason": row.flag_reason,
    }


def _picked(rows: Iterable, rule: str, keys: set[str] | None = None) -> list[dict[str, Any]]:
    """Per (round, entrant) the attempt the engine counts (``counting_attempts`` over the
    attempts in id order, so exact ties of ``first``/``last`` go to the smallest id)."""
    by_round: dict[str, list] = {}
    for row in sorted(rows, key=lambda r: r.id):
        entrant = row.entrant
        if keys is None or entrant in keys:
            by_round.setdefault(row.round_id, []).append((row, entrant))
    picked: list[dict[str, Any]] = []
    for items in by_round.values():
        results = [
            AttemptResult(
                row.id,
                entrant,
                float(row.ranked_score),
                float(row.max_score),
                int(row.duration_ms),
                row.submitted_at,
                row.prediction,
            )
            for row, entrant in items
        ]
        chosen = {r.attempt_id for r in counting_attempts(results, rule)}
        picked += [_row(row, entrant) for row, entrant in items if row.id in chosen]
    return picked


def _insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert new rows (their keys were just deleted) the way ingest inserts a batch."""
    from skillsapp.server.ingest import insert_ignore

    for start in range(0, len(rows), 5000):
        insert_ignore(conn, _B, rows[start : start + 5000])


# --- rebuilding and refreshing -----------------------------------------------------------


def rebuild(conn: Connection, contest_ids: Iterable[str] | None = None) -> int:
    """Work every round of these contests (None: every published contest) out again from
    the attempts, in the caller's transaction; returns how many rows it wrote. For the
    schema step, a republished contest, and data written around the server's writers."""
    if contest_ids is None:
        contest_ids = conn.execute(select(db.contests.c.id)).scalars().all()
    written = 0
    for contest_id in sorted(set(contest_ids)):
        conn.execute(delete(_B).where(_B.c.contest_id == contest_id))
        rule = counting_rule(conn, contest_id)
        if rule is None:
            continue
        query = _rankable_attempts().where(_A.c.contest_id == contest_id)
        picked = _picked(_candidates(conn, query, rule), rule)
        _insert(conn, picked)
        written += len(picked)
    return written


def refresh(conn: Connection, entrants: Iterable[tuple[str, str]]) -> None:
    """Work these (contest, entrant key) rows out again, in every round, from those
    entrants' attempts only."""
    by_contest: dict[str, set[str]] = {}
    for contest_id, key in entrants:
        by_contest.setdefault(contest_id, set()).add(key)
    for contest_id, keys in sorted(by_contest.items()):
        ordered = sorted(keys)
        for start in range(0, len(ordered), CHUNK):
            _refresh_chunk(conn, contest_id, set(ordered[start : start + CHUNK]))


def _refresh_chunk(conn: Connection, contest_id: str, keys: set[str]) -> None:
    wanted = sorted(keys)
    conn.execute(delete(_B).where(_B.c.contest_id == contest_id, _B.c.entrant_key.in_(wanted)))
    rule = counting_rule(conn, contest_id)
    if rule is None:
        return
    # Whose attempts these entrants are: registrations holding one of the keys, a key that
    # is itself a registration id (no stored key), or an attempt id (no registration).
    registrations = set(
        conn.execute(
            select(_R.c.id).where(_R.c.contest_id == contest_id, _R.c.entrant_key.in_(wanted))
        ).scalars()
    )
    query = _rankable_attempts().where(_A.c.contest_id == contest_id)
    found = {}
    for where in (
        _A.c.registration_id.in_(sorted(registrations | keys)),
        _A.c.id.in_(wanted),
    ):
        for row in conn.execute(query.where(where)):
            found[row.id] = row
    _insert(conn, _picked(found.values(), rule, keys))


def offer(conn: Connection, rows: list[dict[str, Any]], rule: str) -> None:
    """Offer attempts (``_row`` dicts) to their entrants' rows: each takes the row if the
    entrant has none yet or if it is better by ``rule``; one statement per attempt, in key
    order (two offers to one entrant in one batch: the better one stays)."""
    if not rows:
        return
    order = _ORDER[rule]
    table = _B.name
    names = list(rows[0])
    offered, current = [], []
    for name in order:
        column = name.lstrip("-")
        sign = "-" if name.startswith("-") else ""
        text_order = (
            ' COLLATE "C"' if column == "attempt_id" and conn.dialect.name == "postgresql" else ""
        )
        offered.append(f"{sign}excluded.{column}{text_order}")
        current.append(f"{sign}{table}.{column}{text_order}")
    better = f"({', '.join(offered)}) < ({', '.join(current)})"
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in _KEY)
    placeholders = ", ".join(f":{n}" for n in names)
    statement = (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders}) "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates} WHERE {better}"
    )
    ordered = sorted(rows, key=lambda r: (r["round_id"], r["entrant_key"], r["attempt_id"]))
    conn.execute(text(statement), ordered)


_KEY = ("contest_id", "round_id", "entrant_key")


# --- the writers' hooks ------------------------------------------------------------------


def after_ingest(conn: Connection, attempt_ids: list[str], scope) -> None:
    """Ingest's hook, in the batch's transaction after ``rankings.on_ingest``: offer the
    batch's new rankable attempts, and refresh the entrants of the registrations the batch
    touched (``scope``: the batch's ``entrants.BatchScope``, after ``store()``)."""
    rows: list = []
    for start in range(0, len(attempt_ids), CHUNK):
        chunk = attempt_ids[start : start + CHUNK]
        rows += conn.execute(_rankable_attempts().where(_A.c.id.in_(chunk))).all()
    named = {r["contest_id"] for r in (*scope.new_rows.values(), *scope.edited_rows.values())}
    named |= {r.contest_id for r in rows}  # all bumped (locked) by ``rankings.on_ingest``
    touched = _touched_registrations(conn, scope)
    dirty = _entrants_of(conn, touched) if touched else set()
    extra = sorted({c for c, _k in dirty} - named)  # an edit moved a registration's contest
    if extra:
        rankings.bump(conn, extra)  # then read again, with no other writer of those between
        dirty = _entrants_of(conn, touched)
    refresh(conn, dirty)
    offers: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        entrant = row.entrant
        if (row.contest_id, entrant) not in dirty:  # a refreshed entrant has its attempts
            offers.setdefault(row.contest_id, []).append(_row(row, entrant))
    for contest_id, offered in sorted(offers.items()):
        rule = counting_rule(conn, contest_id)
        if rule is not None:
            offer(conn, offered, rule)


def _touched_registrations(conn: Connection, scope) -> set[str]:
    """The registrations whose entrant or flags the batch may have changed: those it
    edited, and every earlier one sharing an ID number with one it sent (``entrants.settle``
    may have moved them into or out of a conflict). A registration new in this batch has
    no earlier attempts: its attempts, all in the batch, are offered like the others."""
    touched = set(scope.edited_rows)
    groups = set(scope.old_hashes)
    for row in (*scope.new_rows.values(), *scope.edited_rows.values()):
        if row["id_hash"]:
            groups.add((row["contest_id"], row["id_hash"]))
    hashes = sorted({id_hash for _contest, id_hash in groups})
    for start in range(0, len(hashes), CHUNK):
        for row in conn.execute(
            select(_R.c.id, _R.c.contest_id, _R.c.id_hash).where(
                _R.c.id_hash.in_(hashes[start : start + CHUNK])
            )
        ):
            if (row.contest_id, row.id_hash) in groups:
                touched.add(row.id)
    return touched - set(scope.new_rows)


def _entrants_of(conn: Connection, registration_ids: set[str]) -> set[tuple[str, str]]:
    """(contest, entrant) pairs these registrations belong to now, and those whose counted
    attempt came from one of them (they may have left that entrant)."""
    found: set[tuple[str, str]] = set()
    ids = sorted(registration_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for row in conn.execute(
            select(_R.c.id, _R.c.contest_id, _R.c.entrant_key).where(_R.c.id.in_(chunk))
        ):
            found.add((row.contest_id, row.entrant_key or row.id))
        for row in conn.execute(
            select(_B.c.contest_id, _B.c.entrant_key).where(_B.c.registration_id.in_(chunk))
        ):
            found.add((row.contest_id, row.entrant_key))
    return found


def after_registrations_changed(conn: Connection, registration_ids: Iterable[str]) -> None:
    """An entrant-conflict decision (merged or kept apart): refresh whom it moved. The
    caller has bumped the contest's generation in this transaction."""
    refresh(conn, _entrants_of(conn, set(registration_ids)))


def after_attempt_decision(conn: Connection, attempt_id: str) -> None:
    """An organiser accepted or rejected a flagged attempt: refresh its entrant. The
    caller has bumped the contest's generation in this transaction."""
    joined = _A.outerjoin(
        _R, and_(_R.c.id == _A.c.registration_id, _R.c.contest_id == _A.c.contest_id)
    )
    row = conn.execute(
        select(_A.c.contest_id, _ENTRANT.label("entrant"))
        .select_from(joined)
        .where(_A.c.id == attempt_id)
    ).first()
    if row is not None:
        refresh(conn, {(row.contest_id, row.entrant)})


# --- reading a round ---------------------------------------------------------------------


def true_figure(conn: Connection, contest_id: str, round_id: str, prediction: str) -> int | None:
    """The figure the round's entrants predicted (``engine.ranking.true_figure``), counted
    over the round's rows."""
    if prediction not in ("full_score_count", "entrant_count"):
        return None
    full = case((and_(_B.c.max_score > 0, _B.c.score >= _B.c.max_score), 1), else_=0)
    counted = func.sum(full) if prediction == "full_score_count" else func.count()
    found = conn.execute(
        select(counted).where(_B.c.contest_id == contest_id, _B.c.round_id == round_id)
    ).scalar()
    return int(found or 0)


def prediction_gap(prediction: int | None, figure: int | None) -> int | None:
    return None if prediction is None or figure is None else abs(prediction - figure)


def round_rows(
    conn: Connection, contest_id: str, round_id: str, figure: int | None, *columns
) -> list:
    """The round's rows (one per entrant, on the primary key's prefix) in ranking order,
    with ``columns`` of the counted attempt's registration (of this contest) and PC joined.
    The order is the engine's (``engine.ranking.rank``): higher score, then the prediction
    closest to ``figure`` (none last), then the shorter time, the earlier instant, and the
    entrant key as text (code points: byte order on PostgreSQL) among exact ties."""
    joined = _B.outerjoin(
        _R, and_(_R.c.id == _B.c.registration_id, _R.c.contest_id == _B.c.contest_id)
    ).outerjoin(db.devices, db.devices.c.id == _B.c.device_id)
    order = [_B.c.score.desc()]
    if figure is not None:
        gap = case((_B.c.prediction.is_(None), None), else_=func.abs(_B.c.prediction - figure))
        order.append(gap.asc().nulls_last())
    entrant = (
        _B.c.entrant_key.collate("C") if conn.dialect.name == "postgresql" else _B.c.entrant_key
    )
    order += [_B.c.duration_ms, _B.c.submitted_us, entrant]
    query = (
        select(_B, *columns)
        .select_from(joined)
        .where(_B.c.contest_id == contest_id, _B.c.round_id == round_id)
        .order_by(*order)
    )
    if (
        conn.dialect.name == "postgresql"
    ):  # the sort of wide rows stays in memory (this transaction)
        conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    return conn.execute(query).all()  # at once: a row at a time costs more than the query
