"""A round's province-wide ranking, fast at contest-week scale, and never stale.

What makes a ranking view cheap with 100,000 attempts:

* Each entrant's counting attempt is kept up to date by every writer, in its own
  transaction (``round_bests.py``, schema step 013), so a view reads one row per entrant,
  never every attempt; the engine's ``rank_round`` ranks those rows.
* ID numbers and phones are opened only for the rows a report shows, and a masked report
  keeps a process-wide memo from the sealed value to its *masked* form (``001******345``):
  a sealed value always opens to the same text, so the memo is never wrong, and it never
  holds a full ID number or phone.
* The computed ranking is cached per round in each server process and checked against a
  generation counter per contest in the database (table ``ranking_generations``, schema
  step 012). Every write that can change a ranking bumps it in its own transaction:
  ingest (``on_ingest``, in the batch's transaction), an organiser's review decision, an
  entrant-conflict decision, a (re)published contest, and a PC re-enrolled in another
  commune (``bump_all``). A view reads the generation *before* it reads the attempts, so
  a result computed from newer data is at worst recomputed once more, never shown after a
  change it missed; several worker processes agree because the counter is in the database.
* The views organisers refresh (a round's first page, its masked ranking CSV) go through
  ``recent``: after a change a view waits up to ``WAIT_S`` for the ranking to be computed
  again; if it takes longer (a busy server in the last hours of a contest week), the view
  shows the ranking computed before, *labelled* with the time it was computed and never
  as final, while the computation finishes for the next view. A ranking older than
  ``EARLIER_LIMIT_S`` is never shown: the view waits for the current one.
* The worker processes of one ``skillsapp serve --workers N`` hand each other what they
  computed (``share_in``: a file per round and view in a folder made for that run), so a
  worker's first view of a busy hour shows the ranking another worker computed (current,
  or labelled as above) instead of waiting for a computation of its own.

>>> with engine.begin() as conn:  # doctest: +SKIP
...     rankings.bump(conn, ["tim-hieu-chuyen-doi-so-2026"])  # in the writer's transaction
>>> cached(engine, "tim-hieu-chuyen-doi-so-2026", "tuan-1", compute)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as WaitedTooLong
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import Engine, select, update
from sqlalchemy.engine import Connection

from skillsapp.engine.personal_numbers import mask_id_number, mask_phone
from skillsapp.server import db
from skillsapp.server.personal_data import Vault

ALL = "*"  # the generation row that every contest's cache also depends on
MEMO_LIMIT = 300_000  # masked values and people kept per process; then all dropped
# A view waits this long for the current ranking, then shows the earlier one (recent);
# SKILLSAPP_RANKING_WAIT_S sets it (a server that should always wait: a large number).
WAIT_S = float(os.environ.get("SKILLSAPP_RANKING_WAIT_S") or 0.3)
# An earlier ranking is shown, labelled with its time, at most this long after it was read:
# an organiser who comes back after a while in a busy hour sees one from a few minutes ago
# at once rather than wait seconds; one older than that, never.
EARLIER_LIMIT_S = 300.0

_log = logging.getLogger(__name__)

_G = db.ranking_generations

# --- generations -----------------------------------------------------------------------


def bump(conn: Connection, contest_ids: Iterable[str]) -> None:
    """Mark every cached ranking of these contests out of date, inside the caller's
    transaction (sorted, so two transactions lock the rows in one order)."""
    for contest_id in sorted(set(contest_ids)):
        done = conn.execute(
            update(_G).where(_G.c.contest_id == contest_id).values(generation=_G.c.generation + 1)
        )
        if done.rowcount == 0:
            _insert_first(conn, contest_id)


def _insert_first(conn: Connection, contest_id: str) -> None:
    from skillsapp.server.ingest import insert_ignore

    insert_ignore(conn, _G, [{"contest_id": contest_id, "generation": 1}])
    # Another transaction may have inserted the row first: count this change too.
    conn.execute(
        update(_G).where(_G.c.contest_id == contest_id).values(generation=_G.c.generation + 1)
    )


def bump_all(conn: Connection) -> None:
    """Out of date everywhere (a PC moved to another commune, a contest republished)."""
    bump(conn, [ALL])


def on_ingest(conn: Connection, records: Iterable[dict]) -> None:
    """Ingest's hook, called in the batch's transaction: every contest that one of the
    batch's attempts or registrations names has its rankings marked out of date."""
    contests = set()
    for record in records:
        payload = record.get("payload")
        if record.get("type") in ("attempt", "registration") and isinstance(payload, dict):
            contest_id = payload.get("contest_id")
            if isinstance(contest_id, str):
                contests.add(contest_id[:100])
    if contests:
        bump(conn, contests)


def generations(conn: Connection, contest_id: str) -> tuple[int, int]:
    """(the contest's generation, the all-contests generation); 0 before any change."""
    found = dict(
        conn.execute(
            select(_G.c.contest_id, _G.c.generation).where(_G.c.contest_id.in_([contest_id, ALL]))
        ).all()
    )
    return int(found.get(contest_id, 0)), int(found.get(ALL, 0))


# --- the per-process cache ---------------------------------------------------------------

T = TypeVar("T")


@dataclass
class _Entry:
    stamp: tuple[int, int]
    value: object
    read_at: float = 0.0  # time.time() when its generation was read: the data is from then


_cache: dict[tuple[str, ...], _Entry] = {}  # (database URL, contest, round, *part)
_cache_lock = threading.Lock()


def _fresh(entry: _Entry | None, stamp: tuple[int, int]) -> bool:
    """Computed at this generation or a later one (both counters only grow)."""
    return entry is not None and all(
        have >= want for have, want in zip(entry.stamp, stamp, strict=True)
    )


def cached(
    engine: Engine,
    contest_id: str,
    round_id: str,
    compute: Callable[[Connection], T],
    part: tuple[str, ...] = (),
) -> T:
    """``compute(conn)`` for this round (and ``part`` of it: another view of the same
    round, e.g. its ranking CSV for one commune), reused while the contest's generation is
    the one it was computed at: ``recent`` that always waits for the current ranking."""
    return recent(engine, contest_id, round_id, compute, part, show_earlier=False).value


def _store(key: tuple[str, ...], entry: _Entry) -> None:
    with _cache_lock:
        if not _fresh(_cache.get(key), entry.stamp):
            _cache[key] = entry


@dataclass(frozen=True)
class Shown(Generic[T]):
    """What ``recent`` gives a view: the ranking, and ``as_of``: None when it is current
    (computed at the generation the view read, or later), else the instant (UTC) its
    data was read, before a change it does not show."""

    value: T
    as_of: datetime.datetime | None


_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ranking")
_running: dict[tuple[str, ...], Future] = {}  # one computation per round and part at a time


def recent(
    engine: Engine,
    contest_id: str,
    round_id: str,
    compute: Callable[[Connection], T],
    part: tuple[str, ...] = (),
    show_earlier: bool = True,
) -> Shown[T]:
    """``compute(conn)`` for this round (and ``part`` of it), reused while the contest's
    generation is the one it was computed at. When it must be computed again, the view
    waits ``WAIT_S`` for it; if it is not ready by then and a ranking of this round read
    less than ``EARLIER_LIMIT_S`` ago is kept (and ``show_earlier``), that one is shown
    (``as_of`` set) while the computation goes on, kept for the next view. Otherwise the
    view waits as long as it takes. ``compute`` runs in a ranking thread, with a
    connection of its own in which the generation was read first; views arriving while
    it runs wait for it instead of starting their own (one computation per round and
    part at a time)."""
    key = (str(engine.url), contest_id, round_id, *part)
    asked_at = time.monotonic()
    with engine.connect() as conn:
        stamp = generations(conn, contest_id)
    while True:
        with _cache_lock:
            entry = _cache.get(key)
        if not _fresh(entry, stamp) and _take_shared(key):
            with _cache_lock:
                entry = _cache.get(key)
        if _fresh(entry, stamp):
            return Shown(entry.value, None)  # type: ignore[union-attr]
        running = _start(key, engine, contest_id, compute)
        earlier = (
            show_earlier and entry is not None and time.time() - entry.read_at <= EARLIER_LIMIT_S
        )
        try:
            left = WAIT_S - (time.monotonic() - asked_at)
            running.result(timeout=max(left, 0.0) if earlier else None)
        except WaitedTooLong:
            with _cache_lock:
                entry = _cache.get(key) or entry  # another computation may have just ended
            if _fresh(entry, stamp):
                return Shown(entry.value, None)  # type: ignore[union-attr]
            read_at = datetime.datetime.fromtimestamp(entry.read_at, datetime.UTC)  # type: ignore[union-attr]
            return Shown(entry.value, read_at)  # type: ignore[union-attr]
        # Done: current unless it had read the generation before this view did (a change
        # arrived in between); then once more, with what is left of the wait.


def _start(key: tuple[str, ...], engine: Engine, contest_id: str, compute) -> Future:
    """The computation of ``key`` under way, or a new one."""
    with _cache_lock:
        running = _running.get(key)
        if running is None or running.done():
            running = _running[key] = _pool.submit(_computed, key, engine, contest_id, compute)
    return running


def _computed(key: tuple[str, ...], engine: Engine, contest_id: str, compute) -> None:
    try:
        with engine.connect() as conn:
            read_at = time.time()
            stamp = generations(conn, contest_id)
            value = compute(conn)
        entry = _Entry(stamp, value, read_at)
        _store(key, entry)
    except Exception:
        # Seen by the views waiting for it; one that already showed the earlier ranking
        # is gone, so it is logged too (the round and part only: no personal data).
        _log.exception("ranking of %s / %s %s not computed", contest_id, key[2], key[3:])
        raise
    _share(key, entry)


# --- shared by the worker processes of one server -------------------------------------

SHARE_DIR_ENV = "SKILLSAPP_RANKING_SHARE_DIR"  # set by ``skillsapp serve --workers N``
_shared_in: dict[str, Path] = {}  # database URL -> the folder its rankings are shared in
_taken: dict[tuple[str, ...], tuple[int, int]] = {}  # key -> (mtime, size) of the file read


def share_in(engine: Engine, folder: Path) -> None:
    """Hand this database's computed rankings to the other worker processes that share
    ``folder``, and take theirs. ``skillsapp serve`` makes the folder afresh for each run
    and removes it after: what is in it was computed from the database those workers
    serve, at the generation it carries (the same guarantee as this process's own cache).
    Its files are pickles: only the server's own processes write to that folder."""
    folder.mkdir(parents=True, exist_ok=True)
    _shared_in[str(engine.url)] = folder


def stop_sharing(engine: Engine) -> None:
    """This process keeps its rankings to itself again (tests)."""
    _shared_in.pop(str(engine.url), None)


def _shared_file(key: tuple[str, ...]) -> Path | None:
    folder = _shared_in.get(key[0])
    if folder is None:
        return None
    name = hashlib.sha256("\x1f".join(key).encode()).hexdigest()[:32]
    return folder / f"{name}.ranking"


def _share(key: tuple[str, ...], entry: _Entry) -> None:
    """Write what this process computed for the others (a new file, then renamed over
    the old one: a reader sees one whole file or the other)."""
    path = _shared_file(key)
    if path is None:
        return
    try:
        data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        part = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
        part.write_bytes(data)
        written = part.stat()  # a rename keeps it: this process need not read it back
        os.replace(part, path)
        _taken[key] = (written.st_mtime_ns, written.st_size)
    except Exception:  # the view is served either way; only the other workers miss it
        _log.exception("ranking of %s / %s %s not shared", key[1], key[2], key[3:])


def _take_shared(key: tuple[str, ...]) -> bool:
    """Keep what another worker computed for ``key`` if it is newer than this process's
    own; True if it was. The file is read only when it changed since it was last read."""
    path = _shared_file(key)
    if path is None:
        return False
    try:
        info = path.stat()
        version = (info.st_mtime_ns, info.st_size)
        if _taken.get(key) == version:
            return False
        entry = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return False
    except Exception:  # a view then computes it itself
        _log.exception("shared ranking of %s / %s %s not read", key[1], key[2], key[3:])
        return False
    _taken[key] = version
    with _cache_lock:
        kept = _cache.get(key)
        if kept is not None and (kept.stamp, kept.read_at) >= (entry.stamp, entry.read_at):
            return False
        _cache[key] = entry
    return True


def wait_for_computations(timeout: float = 60.0) -> None:
    """Let every ranking computation under way finish (tests, shutdown)."""
    with _cache_lock:
        running = list(_running.values())
    wait(running, timeout=timeout)  # a failed one was logged, and raised to its views


def forget_all() -> None:
    """Drop this process's cached rankings (tests; the database stays the authority)."""
    wait_for_computations()
    with _cache_lock:
        _cache.clear()
        _running.clear()
        _taken.clear()


# --- masked personal data --------------------------------------------------------------

_memo: dict[tuple, object] = {}
_memo_lock = threading.Lock()


def remembered(key: tuple, make: Callable[[], T]) -> T:
    """``make()``, kept per process under ``key`` (at most ``MEMO_LIMIT`` entries, then
    all are dropped). Only for values that ``key`` fully determines."""
    found = _memo.get(key)
    if found is None:
        found = make()
        with _memo_lock:
            if len(_memo) >= MEMO_LIMIT:
                _memo.clear()
            _memo[key] = found
    return found  # type: ignore[return-value]


def masked(vault: Vault, sealed: str | None, kind: str) -> str | None:
    """The sealed ID number (``kind`` "id") or phone ("phone"), opened and masked; kept
    per process by the sealed text (a sealed value always opens to the same text), so the
    memo holds masked forms only, never a full ID number or phone."""
    if sealed is None:
        return None
    return remembered((vault.fingerprint, kind, sealed), lambda: _open_masked(vault, sealed, kind))


def _open_masked(vault: Vault, sealed: str, kind: str) -> str:
    return masked_form(vault.open(sealed), kind) or ""


def masked_form(value: str | None, kind: str) -> str | None:
    """What a masked report shows of an ID number (``kind`` "id") or a phone ("phone"):
    None for none, "" for an empty one. Stored beside the sealed value when it is written
    (``registrations.id_number_masked``, ``phone_masked``; schema step 014)."""
    if value is None:
        return None
    if not value:
        return ""
    return mask_id_number(value) if kind == "id" else mask_phone(value)
