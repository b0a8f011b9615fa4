"""Open data: participation per commune, for anyone, with no sign-in.

Only counts leave here: no names, ID numbers, phones, dates of birth or villages.
Entrants are counted once per person however many PCs they used.

Small numbers can still point at a person in a small commune, so:

* every count below :data:`MIN_CELL_SIZE` (0 to 4) is withheld: ``null`` in the JSON,
  :data:`SUPPRESSED_MARK` in the CSV, never the true number;
* the per-province totals add up only the numbers shown, so no withheld count can be
  recovered by subtracting the shown ones from a total (a total is therefore a lower
  bound whenever ``withheld_cells`` is not 0);
* a commune code that is not on the official list never appears: such records count
  under ``commune_code: null`` (see :func:`participation.participation`).

The feed is computed at most once every :data:`CACHE_SECONDS` per server process and
served from memory in between, with its ``as_of`` time; a batch received meanwhile shows
at the next recompute. Responses carry an ``ETag`` and ``Cache-Control``.

    curl http://127.0.0.1:8765/api/v1/open-data/participation.json
    curl -o tham-gia.csv http://127.0.0.1:8765/api/v1/open-data/participation.csv

No CSV field can start a formula (``reports.cells.csv_row``).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from skillsapp import geography
from skillsapp.reports.cells import csv_row
from skillsapp.server.participation import participation
from skillsapp.storage.ids import utc_now

router = APIRouter(prefix="/api/v1/open-data", tags=["open data"])

MIN_CELL_SIZE = 5  # a count below this is withheld
SUPPRESSED_MARK = "<5"  # what the CSV shows for a withheld count
CACHE_SECONDS = 300.0  # the feed is recomputed at most this often (per server process)

MEASURES = (
    "entrants",
    "attempts",
    "full_scores",
    "lessons_completed",
    "sessions",
    "session_attendance",
)
CSV_HEADERS = ("commune_code", "commune_name", *MEASURES, "as_of")

_WITHHELD = f"null when fewer than {MIN_CELL_SIZE} (withheld)"


class CommuneParticipation(BaseModel):
    commune_code: str | None = Field(
        description="5-digit commune code; null for records with no commune or a code "
        "not on the official list"
    )
    commune_name: str
    entrants: int | None = Field(
        description=f"people registered for any contest (one per ID number); {_WITHHELD}"
    )
    attempts: int | None = Field(description=f"contest attempts received; {_WITHHELD}")
    full_scores: int | None = Field(description=f"attempts with every answer right; {_WITHHELD}")
    lessons_completed: int | None = Field(description=_WITHHELD)
    sessions: int | None = Field(description=f"group sessions reported; {_WITHHELD}")
    session_attendance: int | None = Field(
        description=f"people counted at those sessions; {_WITHHELD}"
    )


class ProvinceTotals(BaseModel):
    province_code: str
    province_name: str
    communes: int = Field(description="communes of the province in the feed")
    entrants: int = Field(description="sum of the communes' shown counts (withheld ones left out)")
    attempts: int
    full_scores: int
    lessons_completed: int
    sessions: int
    session_attendance: int
    withheld_cells: int = Field(
        description="commune counts of this province withheld (then each total is a lower bound)"
    )


class Participation(BaseModel):
    as_of: str = Field(description="when these counts were computed (UTC)")
    generated_at: str = Field(description="same as as_of (kept for older readers)")
    min_cell_size: int = Field(description="counts below this are null")
    refreshed_every_s: int = Field(description="the feed is recomputed at most this often")
    communes: list[CommuneParticipation]
    provinces: list[ProvinceTotals]


def shown(count: int) -> int | None:
    """The count as published: None when it is below MIN_CELL_SIZE."""
    return count if count >= MIN_CELL_SIZE else None


def build_feed(engine: Engine, as_of: datetime.datetime) -> Participation:
    """The whole feed, small counts withheld."""
    communes: list[CommuneParticipation] = []
    totals: dict[str, ProvinceTotals] = {}
    for item in participation(engine):
        cells = {name: shown(getattr(item, name)) for name in MEASURES}
        communes.append(
            CommuneParticipation(
                commune_code=item.commune_code, commune_name=item.commune_name, **cells
            )
        )
        province = geography.province_of_commune(item.commune_code) if item.commune_code else None
        if province is None:
            continue
        total = totals.setdefault(
            province.code,
            ProvinceTotals(
                province_code=province.code,
                province_name=province.name,
                communes=0,
                withheld_cells=0,
                **dict.fromkeys(MEASURES, 0),
            ),
        )
        total.communes += 1
        for name, value in cells.items():
            if value is None:
                total.withheld_cells += 1
            else:
                setattr(total, name, getattr(total, name) + value)
    stamp = as_of.astimezone(datetime.UTC).isoformat(timespec="seconds")
    return Participation(
        as_of=stamp,
        generated_at=stamp,
        min_cell_size=MIN_CELL_SIZE,
        refreshed_every_s=int(CACHE_SECONDS),
        communes=communes,
        provinces=sorted(totals.values(), key=lambda t: t.province_code),
    )


def feed_csv(feed: Participation) -> bytes:
    """One row per commune, withheld counts as SUPPRESSED_MARK; UTF-8 with a BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADERS)
    for row in feed.communes:
        writer.writerow(
            csv_row(
                [
                    row.commune_code or "",
                    row.commune_name,
                    *(
                        SUPPRESSED_MARK if getattr(row, name) is None else getattr(row, name)
                        for name in MEASURES
                    ),
                    feed.as_of,
                ]
            )
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Snapshot:
    json_body: bytes
    csv_body: bytes
    json_etag: str
    csv_etag: str
    as_of: str
    made_at: float  # on the cache's clock


class FeedCache:
    """The feed, recomputed at most every ``ttl`` seconds; ``clock`` (monotonic seconds)
    and ``now`` (wall time for ``as_of``) are injectable for tests.

    One request recomputes at a time (a lock); others meanwhile get the previous
    snapshot, or wait for the first one."""

    def __init__(
        self,
        engine: Engine,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.ttl = ttl
        self.clock = clock
        self.now = now
        self.recomputed = 0
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def fresh(self) -> Snapshot | None:
        """The snapshot if it is still within ``ttl``, without blocking."""
        snapshot = self._snapshot
        if snapshot is not None and self.clock() - snapshot.made_at < self.ttl:
            return snapshot
        return None

    def get(self) -> Snapshot:
        """A snapshot at most ``ttl`` old, recomputing it if needed (may block)."""
        snapshot = self.fresh()
        if snapshot is not None:
            return snapshot
        stale = self._snapshot
        if not self._lock.acquire(blocking=stale is None):
            assert stale is not None  # only a non-blocking acquire can fail
            return stale  # another request is recomputing: serve the previous one meanwhile
        try:
            snapshot = self.fresh()  # recomputed while this request waited for the lock
            if snapshot is None:
                snapshot = self._recompute()
            return snapshot
        finally:
            self._lock.release()

    def max_age(self, snapshot: Snapshot) -> int:
        return max(0, math.ceil(self.ttl - (self.clock() - snapshot.made_at)))

    def _recompute(self) -> Snapshot:
        feed = build_feed(self.engine, self.now())
        json_body = feed.model_dump_json().encode("utf-8")
        csv_body = feed_csv(feed)
        snapshot = Snapshot(
            json_body, csv_body, _etag(json_body), _etag(csv_body), feed.as_of, self.clock()
        )
        self._snapshot = snapshot
        self.recomputed += 1
        return snapshot


_MAKE_CACHE = threading.Lock()


def feed_cache(app: FastAPI) -> FeedCache:
    """The app's feed cache (``app.state.open_data_cache``), made on first use; a test may
    set its own beforehand."""
    cache = getattr(app.state, "open_data_cache", None)
    if cache is None:
        with _MAKE_CACHE:
            cache = getattr(app.state, "open_data_cache", None)
            if cache is None:
                cache = FeedCache(app.state.services.engine)
                app.state.open_data_cache = cache
    return cache


async def _serve(request: Request, csv_wanted: bool) -> Response:
    cache = feed_cache(request.app)
    snapshot = cache.fresh()
    if snapshot is None:  # computing may take seconds: not on the event loop
        snapshot = await run_in_threadpool(cache.get)
    etag = snapshot.csv_etag if csv_wanted else snapshot.json_etag
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={cache.max_age(snapshot)}"}
    if etag in (request.headers.get("if-none-match") or "").replace(" ", "").split(","):
        return Response(status_code=304, headers=headers)
    if csv_wanted:
        headers["Content-Disposition"] = 'attachment; filename="tham-gia-theo-xa.csv"'
        return Response(snapshot.csv_body, media_type="text/csv; charset=utf-8", headers=headers)
    return Response(snapshot.json_body, media_type="application/json", headers=headers)


_CACHED: dict[int | str, dict[str, Any]] = {
    304: {"description": "unchanged since the ETag given in If-None-Match"},
}


@router.get(
    "/participation.json",
    response_model=Participation,
    summary="Participation per commune (JSON)",
    responses=_CACHED,
)
async def participation_json(request: Request) -> Response:
    return await _serve(request, csv_wanted=False)


@router.get(
    "/participation.csv",
    response_class=Response,
    summary="Participation per commune (CSV, UTF-8 with BOM)",
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": f"one row per commune; columns as in the JSON, withheld counts "
            f"shown as {SUPPRESSED_MARK}, and as_of",
        },
        **_CACHED,
    },
)
async def participation_csv(request: Request) -> Response:
    return await _serve(request, csv_wanted=True)
