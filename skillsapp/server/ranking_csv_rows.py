"""The ranking CSV's rows read from the database (``ranking_csv`` writes them): every
entrant of a round in ranking order with their own cells (``csv_rows``) and, on
PostgreSQL, the versions of the rows each line comes from (``csv_places``), so a download
after a change reads again only the cells of the entrants whose rows changed
(``csv_rows_of``). Rows are the driver's own tuples, sorted here by place then entrant key.
"""

from __future__ import annotations

from operator import itemgetter

from sqlalchemy import case, literal_column, select
from sqlalchemy.engine import Connection

from skillsapp.server import db, rankings, round_ranks
from skillsapp.server.reports import ServerRound

_B = db.round_bests
_R = db.registrations
_D = db.devices


def _csv_columns(unmasked: bool) -> tuple:
    """A CSV row's registration columns: the name, whether it is complete, the masked ID
    number and phone, then the sealed ones, read only where they are needed: for an
    unmasked CSV, or for a row written around the server's writers without masked forms."""
    if unmasked:
        id_sealed, phone_sealed = _R.c.id_number_sealed, _R.c.phone_sealed
    else:
        id_sealed = case((_R.c.id_number_masked.is_(None), _R.c.id_number_sealed))
        phone_sealed = case((_R.c.phone_masked.is_(None), _R.c.phone_sealed))
    return (
        _R.c.full_name,
        _R.c.complete,
        _R.c.id_number_masked,
        _R.c.phone_masked,
        id_sealed.label("id_sealed"),
        phone_sealed.label("phone_sealed"),
    )


def masked(vault, masked: str | None, sealed: str | None, kind: str) -> str:
    """The stored masked form; opened and masked (``rankings.masked``) only for a row
    written around the server's writers without one."""
    if masked is not None or sealed is None:
        return masked or ""
    return rankings.masked(vault, sealed, kind) or ""


_PLACE = itemgetter(0)
_ENTRANT = itemgetter(2)


def _by_place_then_entrant(rows: list) -> None:
    """Sort ``rows`` (place, figure, entrant key, …) in place by place, then entrant key.
    Sorting by the place alone compares ints (a (place, key) tuple per row cost 0.12 s
    for 29,000 rows); only the few runs of tied places are then sorted by their keys."""
    rows.sort(key=_PLACE)
    start = 0
    for end in range(1, len(rows) + 1):
        if end == len(rows) or rows[end][0] != rows[start][0]:
            if end - start > 1:
                rows[start:end] = sorted(rows[start:end], key=_ENTRANT)
            start = end


# The entrant's own columns of round_bests in a CSV row, after its commune.
_OWN = ("score", "max_score", "prediction", "duration_ms", "submitted_at", "flagged", "flag_reason")
_CSV_CARRIED = (  # what the CSV needs of round_bests, and what its joins need
    _B.c.contest_id,
    _B.c.entrant_key,
    _B.c.registration_id,
    _B.c.device_id,
    *(_B.c[name] for name in _OWN),
)


def _csv_fields(ranked, commune) -> tuple:
    return (
        ranked.c.place,
        ranked.c.figure,
        ranked.c.entrant_key,
        commune,
        *(ranked.c[name] for name in _OWN),
    )


# PostgreSQL: the transaction that wrote a row's current version (its ``xmin``). A row that
# changes gets a new one; a version, once written, never changes.
_VERSION = "xmin::text"
_REGISTRATION_VERSION = literal_column(f"{_R.name}.{_VERSION}")
_PC_VERSION = literal_column(f"{_D.name}.{_VERSION}")
_ROW_VERSION = literal_column(f"{_B.name}.{_VERSION}").label("row_version")


def _fetched(result) -> list:
    # The driver's own tuples: none of these columns needs SQLAlchemy's conversions
    # (booleans are only tested for truth), and 29,000 rows built as ``Row`` objects
    # cost a third of the query.
    found = result.cursor.fetchall()
    result.close()
    return found


def csv_rows(conn: Connection, report: ServerRound, versions: bool = False) -> list:
    """Every row of the report's (narrowed) ranking, read ranked from the database in one
    statement, in ranking order, as tuples: (place, true figure, entrant key, commune
    code, score, max score, prediction, duration ms, submitted at, flagged, flag reason,
    full name, complete, masked ID number, masked phone, sealed ID number, sealed phone);
    the registration's columns are None for a row without one, the sealed ones None
    where a masked report has the masked form (``_csv_columns``). Everything after the
    true figure is the entrant's own: their counting attempt, registration and commune.
    ``versions`` (PostgreSQL): then the versions of the three rows they come from
    (``csv_places``)."""
    carried = (*_CSV_CARRIED, _ROW_VERSION) if versions else _CSV_CARRIED

    def fields(ranked, commune) -> tuple:
        found = (*_csv_fields(ranked, commune), *_csv_columns(report.unmasked))
        if versions:
            found += (ranked.c.row_version, _REGISTRATION_VERSION, _PC_VERSION)
        return found

    return _sorted_read(conn, report, fields, carried)


def _sorted_read(conn: Connection, report: ServerRound, fields, carried) -> list:
    """``ranked_rows`` of the report's ranking as the driver's tuples, in ranking order."""
    found = _fetched(
        round_ranks.ranked_rows(
            conn,
            report.contest,
            report.round.id,
            report.commune,
            fields=fields,
            ordered=False,
            carried=carried,
        )
    )
    # Sorted here: the database's second sort of 29,000 joined rows cost more than this
    # one of (place, entrant key) pairs (Python compares text by code point, as "C" does).
    _by_place_then_entrant(found)
    return found


def csv_places(conn: Connection, report: ServerRound) -> list:
    """PostgreSQL only: every row of the report's (narrowed) ranking in ranking order as
    (place, true figure, entrant key, prediction, round_bests row version, registration
    version, PC version), each version the transaction that wrote that row as it is now
    (None without a registration): what a CSV line needs besides the cells ``csv_rows``
    gives, which those three versions fully determine."""

    def fields(ranked, _commune) -> tuple:
        return (
            ranked.c.place,
            ranked.c.figure,
            ranked.c.entrant_key,
            ranked.c.prediction,
            ranked.c.row_version,
            _REGISTRATION_VERSION,
            _PC_VERSION,
        )

    carried = (
        _B.c.contest_id,
        _B.c.entrant_key,
        _B.c.registration_id,
        _B.c.device_id,
        _B.c.prediction,
        _ROW_VERSION,
    )
    return _sorted_read(conn, report, fields, carried)


def csv_rows_of(conn: Connection, report: ServerRound, entrants: list[str]) -> list:
    """PostgreSQL only: ``csv_rows(versions=True)`` of these entrants alone, not ranked
    (place and true figure None), in no order."""
    found = []
    for start in range(0, len(entrants), 1000):
        query = (
            select(
                literal_column("NULL"),
                literal_column("NULL"),
                _B.c.entrant_key,
                round_ranks.row_commune(),
                *(_B.c[name] for name in _OWN),
                *_csv_columns(report.unmasked),
                _ROW_VERSION,
                _REGISTRATION_VERSION,
                _PC_VERSION,
            )
            .select_from(round_ranks.joined_people(_B))
            .where(
                _B.c.contest_id == report.contest.id,
                _B.c.round_id == report.round.id,
                _B.c.entrant_key.in_(entrants[start : start + 1000]),
            )
        )
        found += _fetched(conn.execute(query))
    return found
