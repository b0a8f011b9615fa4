"""The province's ranking CSV (sheet ``xep-hang``) read ranked from the database, written
line by line, with the entrant's own cells kept between downloads.

A line is the entrant's place, their cells up to the prediction, the prediction's gap to
the true figure, then the rest. Only the place and the gap depend on other entrants; the
rest is a pure function of the entrant's own row (``ranking_csv_rows.csv_rows``: their
counting attempt, registration and commune). In a masked CSV those two pieces of text are
kept per process, keyed by that row itself (on SQLite) or by the versions of the three
rows it is made from (on PostgreSQL, whose ``xmin`` changes whenever a row does: then
only places and versions are read for every entrant, the cells only for rows that
changed), so they can never be out of date: a download after a batch arrives formats
only the rows the batch changed, and joins the rest. An unmasked CSV keeps nothing: its
pieces would hold full ID numbers and phones.

The bytes are those ``round_exports.csv_chunks`` writes from a report's rows (tested on
both database backends, with ties): UTF-8 with a byte-order mark, each cell a PC typed
made formula-safe (``cells.neutralise``).

>>> b"".join(chunks(engine, round_ranks.load_head(engine, contest_id, round_id)))  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator

from sqlalchemy import Engine

from skillsapp.i18n import _
from skillsapp.reports import round_data as data
from skillsapp.reports.cells import csv_row, neutralise
from skillsapp.server import ranking_csv_rows
from skillsapp.server.personal_data import Vault, vault_for
from skillsapp.server.reports import ServerRound, flag_text, local_time

STREAM_ROWS = 2000  # lines per chunk sent
PIECES_LIMIT = 100_000  # lines kept per process (~0.7 KiB each), then all are dropped

_pieces: dict[tuple, tuple[str, str]] = {}  # (vault fingerprint, *row after the figure)
_pieces_lock = threading.Lock()
_built: set[tuple[str, ...]] = set()  # PostgreSQL rankings whose pieces are kept here


def chunks(engine: Engine, report: ServerRound, headers: list[str], footer: list[list]):
    """The whole file in chunks of bytes: ``headers``, the ranking's lines, ``footer``."""
    yield ("\ufeff" + line(csv_row(headers))).encode("utf-8")
    lines: list[str] = []
    for ranked in ranking_lines(engine, report):
        lines.append(ranked)
        if len(lines) == STREAM_ROWS:
            yield "".join(lines).encode("utf-8")
            lines.clear()
    lines.extend(line(row) for row in footer)
    yield "".join(lines).encode("utf-8")


def ranking_lines(engine: Engine, report: ServerRound) -> Iterator[str]:
    """Each ranked row of the report as its CSV line (ending ``\\r\\n``)."""
    vault = vault_for(engine)
    writer = _Pieces(vault, report.unmasked)
    if report.unmasked:  # nothing kept
        with engine.begin() as conn:
            rows = ranking_csv_rows.csv_rows(conn, report)
        for row in rows:
            yield _joined_line(row[0], row[1], row[6], writer.pieces(row))
    elif engine.dialect.name == "postgresql":
        yield from _lines_by_version(engine, report, writer)
    else:
        yield from _lines_by_row(engine, report, writer)


def _joined_line(place, figure, prediction, pieces: tuple[str, str]) -> str:
    gap = "" if prediction is None or figure is None else abs(prediction - figure)
    return f"{place},{pieces[0]}{gap}{pieces[1]}"


def _lines_by_row(engine: Engine, report: ServerRound, writer: _Pieces) -> Iterator[str]:
    """The pieces kept by the entrant's whole row, as read (SQLite)."""
    fingerprint = writer.vault.fingerprint
    with engine.begin() as conn:
        rows = ranking_csv_rows.csv_rows(conn, report)
    for row in rows:
        key = (fingerprint, *row[2:])
        pieces = _pieces.get(key)
        if pieces is None:
            pieces = writer.pieces(row)
            _keep(key, pieces)
        yield _joined_line(row[0], row[1], row[6], pieces)


def _lines_by_version(engine: Engine, report: ServerRound, writer: _Pieces) -> Iterator[str]:
    """PostgreSQL: the pieces kept by the versions of the three rows a line is made from
    (``ranking_csv_rows.csv_places``), so only the places and versions are read for every
    entrant, and the cells only for those whose rows changed. Both reads are made in one
    snapshot (repeatable read), so the versions read with the places are those of the
    cells read after them. The first download of a ranking in this process reads all of
    it at once instead."""
    fingerprint = writer.vault.fingerprint
    ranking = (str(engine.url), report.contest.id, report.round.id, report.commune or "")
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if ranking in _built:
                places = ranking_csv_rows.csv_places(conn, report)
                keys = [(fingerprint, "v", p[2], p[4], p[5], p[6]) for p in places]
                found = [_pieces.get(key) for key in keys]
                missing = [p[2] for p, pieces in zip(places, found, strict=True) if not pieces]
            else:
                places = keys = found = missing = []
            if places and not missing:
                rows = []
            elif not places or len(missing) > len(places) // 4:  # one ranked read is quicker
                rows = ranking_csv_rows.csv_rows(conn, report, versions=True)
            else:
                rows = ranking_csv_rows.csv_rows_of(conn, report, missing)
    made = {}
    for row in rows:
        key = (fingerprint, "v", row[2], row[-3], row[-2], row[-1])
        made[key] = pieces = writer.pieces(row[:-3])
        _keep(key, pieces)
        if not places:  # read whole: the rows are the ranking
            yield _joined_line(row[0], row[1], row[6], pieces)
    for place, key, pieces in zip(places, keys, found, strict=True):
        yield _joined_line(place[0], place[1], place[3], pieces or made[key])
    with _pieces_lock:
        _built.add(ranking)


def _keep(key: tuple, pieces: tuple[str, str]) -> None:
    with _pieces_lock:
        if len(_pieces) >= PIECES_LIMIT:
            _pieces.clear()
            _built.clear()
        _pieces[key] = pieces


def forget_all() -> None:
    """Drop this process's kept pieces (tests)."""
    with _pieces_lock:
        _pieces.clear()
        _built.clear()


def line(cells: list) -> str:
    """One CSV line (ending ``\\r\\n``) of these cells, as written."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


class _Pieces:
    """An entrant's two pieces of a line: the cells before the gap, with the commas around
    it, and the cells after it to the line's end. Commune names and local times are
    worked out once per download (a province has a few hundred communes, and many
    entrants submit in the same second)."""

    def __init__(self, vault: Vault, unmasked: bool) -> None:
        self.vault = vault
        self.unmasked = unmasked
        self.communes: dict[str | None, str] = {}
        self.times: dict[str, object] = {}
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)

    def pieces(self, row) -> tuple[str, str]:
        (
            _place,
            _figure,
            _entrant,
            code,
            score,
            max_score,
            prediction,
            duration_ms,
            submitted_at,
            flagged,
            reason,
            name,
            complete,
            id_masked,
            phone_masked,
            id_sealed,
            phone_sealed,
        ) = row
        if name is None:  # no registration of this contest: a PC's attempt alone
            name, id_number, phone = "", "", ""
        elif self.unmasked:
            id_number = self.vault.open(id_sealed) or ""
            phone = self.vault.open(phone_sealed) or ""
        else:
            id_number = ranking_csv_rows.masked(self.vault, id_masked, id_sealed, "id")
            phone = ranking_csv_rows.masked(self.vault, phone_masked, phone_sealed, "phone")
        commune = self.communes.get(code)
        if commune is None:
            commune = self.communes[code] = neutralise(data.commune_name(code))
        when = self.times.get(submitted_at)
        if when is None:
            when = self.times[submitted_at] = local_time(submitted_at) or ""
        before = self._text(
            [neutralise(name), commune, score, max_score, "" if prediction is None else prediction]
        )
        after = self._text(
            [
                round(duration_ms / 1000, 1),
                when,
                _("yes") if complete else _("no"),
                neutralise(id_number),
                neutralise(phone),
                neutralise(f"Đã chấp nhận sau xem xét. {flag_text(reason)}") if flagged else "",
            ]
        )
        return before[:-2] + ",", "," + after

    def _text(self, cells: list) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(cells)
        return self.buffer.getvalue()
