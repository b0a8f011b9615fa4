"""What the organiser pages and exports show, read from the server's database:
a round's province-wide ranking, its entrants and answers, and participation per
commune.

A round is ranked with the same rules as on a PC (``engine.ranking.rank_round``)
but over every device's attempts, so the prediction tie-break uses the
province-wide true figure. One person is one entrant however many PCs they used:
the entrant key is the one ``entrants.py`` stored with the registration (the ID
number's keyed hash, or the registration id while several PCs' claims to one ID
number await a decision), else the attempt id. ID numbers and phones are stored
sealed and opened here (``personal_data.py``); pages and exports mask them.
Scores are the server's own re-scoring where it has one.
Only what ``review.rankable()`` allows is ranked: a flagged attempt stays out
until an organiser accepts it, and the report says how many await review.

The export sheets reuse the PC exports' headers and writers
(``reports.round_data``, ``round_xlsx``, ``round_csv``); personal data is masked
unless the caller asks for it unmasked (and records that in the audit log).

>>> report = load_round(engine, "tim-hieu-chuyen-doi-so-2026", "tuan-1")  # doctest: +SKIP
>>> [(r.rank, r.person.full_name) for r in report.rows][:1]  # doctest: +SKIP
[(1, 'Nguyễn Văn An')]
"""

from __future__ import annotations

import datetime
import functools
import re
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from skillsapp.models import Contest, Round
from skillsapp.reports import round_data as data
from skillsapp.server import db, rankings, review, round_bests
from skillsapp.server.personal_data import Vault, vault_for
from skillsapp.server.publish import load_contests
from skillsapp.storage.ids import parse_iso

# Vietnam has one time zone and no daylight saving: UTC+7 all year.
VIETNAM = datetime.timezone(datetime.timedelta(hours=7), "ICT")
FLAG_HEADER = "Cần kiểm tra"  # the server's own column: why the re-scoring disagreed
NO_COMMUNE = "(chưa rõ xã, phường)"
QUERY_CHUNK = 200


class RoundNotFound(LookupError):
    """An unknown contest or round; the message is plain Vietnamese for the page."""


@dataclass(frozen=True)
class Person:
    registration_id: str
    full_name: str
    date_of_birth: str | None
    id_number: str | None
    phone: str | None
    province_code: str | None
    commune_code: str | None
    village: str | None
    participant_group: str | None
    complete: bool


@dataclass
class RankedRow:
    """One ranked entrant. ``person`` is made from the stored registration when first
    asked for: a page shows 500 of a province's rows, and a view computes them all (not
    frozen: a frozen dataclass is slower to make, and a view makes 100,000 of them)."""

    rank: int
    entrant: str
    attempt_id: str
    source: object = field(repr=False, compare=False)  # what ``opener`` makes ``person`` from
    commune_code: str | None
    score: float
    max_score: float
    prediction: int | None
    prediction_gap: float | None
    duration_ms: int
    submitted_at: str
    flagged: bool
    flag_reason: str | None
    opener: Callable[[object], Person | None] | None = field(
        default=None, repr=False, compare=False
    )

    @functools.cached_property
    def person(self) -> Person | None:
        return None if self.opener is None else self.opener(self.source)

    @property
    def full_score(self) -> bool:
        return self.max_score > 0 and self.score >= self.max_score


@dataclass
class ServerRound:
    """A round's ranking as one report shows it. In a masked report (``unmasked`` False)
    each ``Person``'s ``id_number`` and ``phone`` already hold the masked forms."""

    contest: Contest
    round: Round
    rows: list[RankedRow]  # province-wide ranks, already narrowed to ``commune`` if one is given
    true_figure: int | None
    ranked_total: int  # entrants ranked province-wide
    communes: list[str] = field(default_factory=list)  # communes with attempts in the round
    commune: str | None = None
    unmasked: bool = False
    awaiting_review: int = 0  # flagged attempts of the round not yet decided (province-wide)
    awaiting_here: int = 0  # of those, the ones in ``commune`` (all of them when no commune)
    load_entrants: Callable[[ServerRound], dict[str, Person]] | None = None
    # A page of the ranking read ranked from the database (``round_ranks.py``): ``rows``
    # then holds only that page, from position ``first``; ``shown_total`` counts the rows
    # of the whole ranking (narrowed to ``commune``). None: ``rows`` holds them all.
    shown_total: int | None = None
    first: int = 0
    # Shown while the current ranking is being computed (``rankings.recent``): when this
    # one's data was read (UTC), before a change it does not show. None: current.
    as_of: datetime.datetime | None = None

    @functools.cached_property
    def entrants(self) -> dict[str, Person]:
        """Entrant key -> the person, narrowed like ``rows``; read when first asked for
        (only the entrants sheet needs every registration of the contest)."""
        return self.load_entrants(self) if self.load_entrants else {}

    @property
    def final(self) -> bool:
        """False while any attempt of the round awaits review, or for a ranking shown from
        before a change (``as_of``): ranks may still change."""
        return self.awaiting_review == 0 and self.as_of is None

    @property
    def awaiting_text(self) -> str:
        return review.awaiting_text(self.awaiting_review)


def local_time(iso: str | None) -> datetime.datetime | None:
    """A stored instant as Vietnam's wall-clock time, without a zone (what Excel shows)."""
    if not iso:
        return None
    return parse_iso(iso).astimezone(VIETNAM).replace(tzinfo=None)


def commune_name(code: str | None) -> str:
    return data.commune_name(code) if code else NO_COMMUNE


_DEVICE_VS_SERVER = re.compile(r"^device score (\S+), server score (\S+)$")
_UNKNOWN_QUESTIONS = re.compile(r"^(\d+) questions unknown to the server$")
_UNKNOWN_CONTEST = re.compile(r"^unknown contest '(.*)'$")
_NO_ROUND = re.compile(r"^contest '(.*)' has no round '(.*)'$")


def flag_text(reason: str | None) -> str:
    """Why the server flagged an attempt, in Vietnamese (ingest records it in English)."""
    if not reason:
        return "Cần kiểm tra lại bài thi này."
    if found := _DEVICE_VS_SERVER.match(reason):
        return (
            f"Máy tính báo {found[1].replace('.', ',')} điểm nhưng máy chủ chấm lại được "
            f"{found[2].replace('.', ',')} điểm."
        )
    if found := _UNKNOWN_QUESTIONS.match(reason):
        return f"Có {found[1]} câu hỏi máy chủ không có, nên chưa chấm lại được."
    return reason


def reason_text(reason: str) -> str:
    """Why the server refused a record, in Vietnamese, for the transfer page."""
    if reason == "this record belongs to another device":
        return "Bản ghi này đã được một máy tính khác gửi lên."
    if found := _UNKNOWN_CONTEST.match(reason):
        return f"Cuộc thi “{found[1]}” chưa được công bố trên máy chủ."
    if found := _NO_ROUND.match(reason):
        return f"Cuộc thi “{found[1]}” không có vòng “{found[2]}”."
    return f"Dữ liệu không hợp lệ ({reason})."


def entrant_key(stored: str | None, registration_id: str | None, attempt_id: str = "") -> str:
    return stored or registration_id or attempt_id


def _person(row, vault: Vault, unmasked: bool = True) -> Person | None:
    if row.reg_id is None:
        return None
    if not unmasked:  # the same stored registration always shows as the same masked person
        return rankings.remembered(("person", vault.fingerprint, *row), lambda: _make(row, vault))
    return _make(row, vault, True)


def _make(row, vault: Vault, unmasked: bool = False) -> Person:
    if unmasked:
        id_number, phone = vault.open(row.id_number_sealed), vault.open(row.phone_sealed)
    else:
        id_number = rankings.masked(vault, row.id_number_sealed, "id")
        phone = rankings.masked(vault, row.phone_sealed, "phone")
    return Person(
        row.reg_id,
        row.full_name,
        row.date_of_birth,
        id_number,
        phone,
        row.province_code,
        row.commune_code,
        row.village,
        row.participant_group,
        bool(row.complete),
    )


_R = db.registrations
_A = db.attempts
_D = db.devices
_REGISTRATION_COLUMNS = (
    _R.c.id.label("reg_id"),
    _R.c.full_name,
    _R.c.date_of_birth,
    _R.c.id_number_sealed,
    _R.c.phone_sealed,
    _R.c.entrant_key,
    _R.c.province_code,
    _R.c.commune_code,
    _R.c.village,
    _R.c.participant_group,
    _R.c.complete,
)


_REGISTRATION_NAMES = tuple(c.name for c in _REGISTRATION_COLUMNS)
_REGISTRATION_ROW = namedtuple("_REGISTRATION_ROW", _REGISTRATION_NAMES)  # noqa: PYI024
# Joined after a round's rows (whose own names overlap: entrant_key), then the PC's commune.
_PREFIXED_COLUMNS = tuple(c.label(f"registration_{c.name}") for c in _REGISTRATION_COLUMNS)


def find_round(engine: Engine, contest_id: str, round_id: str) -> tuple[Contest, Round]:
    contest = load_contests(engine).get(contest_id)
    if contest is None:
        raise RoundNotFound(f"Máy chủ chưa có cuộc thi có mã “{contest_id}”.")
    found = next((r for r in contest.rounds if r.id == round_id), None)
    if found is None:
        raise RoundNotFound(f"Cuộc thi “{contest.title}” không có vòng thi có mã “{round_id}”.")
    return contest, found


@dataclass(frozen=True)
class _Ranked:
    """A round's province-wide ranking, as cached between views (``rankings.cached``)."""

    rows: list[RankedRow]
    true_figure: int | None
    communes: list[str]
    awaiting_review: int


def load_round(
    engine: Engine,
    contest_id: str,
    round_id: str,
    commune: str | None = None,
    unmasked: bool = False,
) -> ServerRound:
    """The round ranked over every device's attempts; ``commune`` narrows what is shown,
    never the ranking itself (ranks and the true figure stay province-wide). A masked
    report comes from this process's cache while nothing that changes rankings was
    written since (``rankings.py``); an unmasked one is always computed afresh."""
    contest, round_ = find_round(engine, contest_id, round_id)

    def compute(conn) -> _Ranked:
        return _rank(engine, conn, contest, round_, unmasked)

    if unmasked:
        with engine.connect() as conn:
            ranked = compute(conn)
    else:
        ranked = rankings.cached(engine, contest_id, round_id, compute)
    rows = ranked.rows
    if commune:
        rows = [r for r in rows if r.commune_code == commune]
    awaiting = ranked.awaiting_review
    here = review.awaiting_count(engine, contest_id, round_id, commune) if commune else awaiting
    return ServerRound(
        contest,
        round_,
        rows,
        ranked.true_figure,
        len(ranked.rows),
        ranked.communes,
        commune,
        unmasked,
        awaiting,
        here,
        load_entrants=lambda report: _entrants(engine, contest_id, report),
    )


def _rank(engine: Engine, conn, contest: Contest, round_: Round, unmasked: bool) -> _Ranked:
    """Rank the round from each entrant's counting attempt, kept up to date by every
    writer (``round_bests.py``): one row per entrant, with the counted attempt's
    registration and PC joined, read in the engine's ranking order (``round_rows``; the
    true figure counted first); equal keys share a rank as in ``engine.ranking.rank``.
    Personal data is opened only for the rows shown (``RankedRow.person``)."""
    rules = contest.rules
    figure = round_bests.true_figure(conn, contest.id, round_.id, rules.prediction)
    found = round_bests.round_rows(
        conn,
        contest.id,
        round_.id,
        figure,
        *_PREFIXED_COLUMNS,
        _D.c.commune_code.label("pc_commune"),
    )
    awaiting = review.awaiting_count(engine, contest.id, round_.id)
    vault = vault_for(engine)

    def opener(row) -> Person | None:
        registration = _registration(row)
        return _person(registration, vault, unmasked) if registration else None

    rows: list[RankedRow] = []
    previous = None
    place = 0
    for position, row in enumerate(found, start=1):
        gap = round_bests.prediction_gap(row.prediction, figure)
        key = (row.score, gap, row.duration_ms, row.submitted_us)
        if key != previous:  # equal on all four: the same rank ("1, 2, 2, 4")
            place, previous = position, key
        commune = row.registration_commune_code if row.registration_reg_id is not None else None
        rows.append(
            RankedRow(
                place,
                row.entrant_key,
                row.attempt_id,
                row,
                commune or row.pc_commune,
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
        )
    communes = sorted({r.commune_code for r in rows if r.commune_code}, key=commune_name)
    return _Ranked(rows, figure, communes, awaiting)


def _registration(row) -> tuple | None:
    """The counted attempt's registration in a joined row (``_PREFIXED_COLUMNS``), as
    ``_person`` reads (and memoises) it; None when the server has none."""
    values = row[-len(_REGISTRATION_NAMES) - 1 : -1]
    return _REGISTRATION_ROW(*values) if values[0] is not None else None


def _entrants(engine: Engine, contest_id: str, report: ServerRound) -> dict[str, Person]:
    """Everyone registered for the contest (on any PC), one entry per person: the
    registration behind their counting attempt, else the latest one received."""
    people: dict[str, Person] = {}
    vault = vault_for(engine)
    commune = report.commune
    query = (
        select(*_REGISTRATION_COLUMNS, _D.c.commune_code.label("device_commune"))
        .select_from(_R.outerjoin(_D, _D.c.id == _R.c.device_id))
        .where(_R.c.contest_id == contest_id)
        .order_by(_R.c.received_at, _R.c.id)
    )
    with engine.connect() as conn:
        for row in conn.execute(query):
            if commune and (row.commune_code or row.device_commune) != commune:
                continue
            person = _person(row, vault, report.unmasked)
            assert person is not None
            people[entrant_key(row.entrant_key, row.reg_id)] = person
    for ranked in report.rows:
        if ranked.person is not None:
            people[ranked.entrant] = ranked.person
    return people
