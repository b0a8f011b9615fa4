"""Who may try to sign in to the organiser pages, and for how long someone may not.

Every wrong sign-in is stored in the database (``sign_in_failures``), so several
server processes behind one address share the count:

- **per account**: 5 wrong passwords for one user name within 15 minutes lock that
  name for 15 minutes; each further lock before a successful sign-in doubles the
  time (30, 60 minutes … at most 24 hours). While locked even the right password
  is refused. A name that is no account is counted and locked the same way, so
  the answer never tells whether an account exists.
- **per address**: 20 wrong sign-ins from one address within 15 minutes, whatever
  the names, refuse every sign-in from that address until the count falls below 20.

A successful sign-in clears the account's count (not the address's). A province
organiser unlocks an account on the *Tài khoản bị khoá* page or with
``skillsapp server organiser unlock USER``.

The address is the TCP peer. Behind a reverse proxy every request would come from
the proxy, so list the proxy's address in ``SKILLSAPP_TRUSTED_PROXIES``: only then
is ``X-Forwarded-For`` read, from the right, skipping trusted proxies. A client can
put anything in that header, so it is never read from anyone else.

>>> guard = SignInGuard(engine)                       # doctest: +SKIP
>>> guard.check("tinh", "192.0.2.7") is None          # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime
import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection

from skillsapp.server import db
from skillsapp.storage.ids import utc_now

ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
WINDOW = datetime.timedelta(minutes=15)
FIRST_LOCK = datetime.timedelta(minutes=15)
LONGEST_LOCK = datetime.timedelta(hours=24)
KEEP_FAILURES = datetime.timedelta(days=1)  # older rows count for nothing and are purged


def _iso(moment: datetime.datetime) -> str:
    # One fixed format, so that comparing the stored text compares the moments.
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _wait_text(delta: datetime.timedelta) -> str:
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    if minutes < 120:
        return f"{minutes} phút"
    return f"{math.ceil(minutes / 60)} giờ"


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused before its password is even looked at."""

    kind: str  # "locked" (the account) or "throttled" (the address)
    until: datetime.datetime
    now: datetime.datetime

    @property
    def message(self) -> str:
        wait = _wait_text(self.until - self.now)
        if self.kind == "locked":
            return (
                "Tài khoản tạm khoá do nhập sai mật khẩu nhiều lần. "
                f"Thử lại sau {wait}, hoặc nhờ cán bộ cấp tỉnh mở khoá."
            )
        return (
            "Máy này (hoặc mạng này) đã đăng nhập sai quá nhiều lần. "
            f"Thử lại sau {wait}. Nếu bạn không nhập sai nhiều như vậy, hãy báo quản trị máy chủ."
        )


def client_address(request, trusted_proxies: tuple[str, ...] = ()) -> str:
    """The address a sign-in comes from (see the module text for proxies)."""
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted_proxies:
        return peer[:64]
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if hop in trusted_proxies:
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return peer[:64]  # a proxy that passes on garbage: count the proxy itself
    return peer[:64]


def _upsert(conn: Connection, username: str, **values) -> None:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    row = {"counted_from": values.get("counted_from", ""), "lockouts": 0, **values}
    statement = insert(db.sign_in_accounts).values(username=username, **row)
    conn.execute(statement.on_conflict_do_update(index_elements=["username"], set_=values))


class SignInGuard:
    def __init__(self, engine: Engine, clock: Callable[[], datetime.datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock  # tests move time forward to see a lock end

    def check(self, username: str, address: str) -> Refusal | None:
        """A refusal if the account is locked or the address throttled, else None."""
        now = self.clock()
        with self.engine.connect() as conn:
            locked = conn.execute(
                select(db.sign_in_accounts.c.locked_until).where(
                    db.sign_in_accounts.c.username == username
                )
            ).scalar()
            if locked and locked > _iso(now):
                return Refusal("locked", datetime.datetime.fromisoformat(locked), now)
            return self._address_refusal(conn, address, now)

    def failed(self, username: str, address: str) -> Refusal | None:
        """Record a wrong sign-in; returns the refusal it has just caused, if any."""
        now = self.clock()
        accounts, failures = db.sign_in_accounts, db.sign_in_failures
        with self.engine.begin() as conn:
            conn.execute(failures.insert().values(username=username, address=address, at=_iso(now)))
            conn.execute(failures.delete().where(failures.c.at < _iso(now - KEEP_FAILURES)))
            state = conn.execute(select(accounts).where(accounts.c.username == username)).first()
            since = _iso(now - WINDOW)
            if state is not None and state.counted_from > since:
                since = state.counted_from
            count = conn.execute(
                select(func.count())
                .select_from(failures)
                .where(failures.c.username == username, failures.c.at > since)
            ).scalar_one()
            if count >= ACCOUNT_FAILURES:
                earlier = 0
                if state is not None and state.locked_until:
                    ended = datetime.datetime.fromisoformat(state.locked_until)
                    earlier = state.lockouts if now - ended < LONGEST_LOCK else 0
                lockouts = earlier + 1
                until = now + min(FIRST_LOCK * 2 ** (lockouts - 1), LONGEST_LOCK)
                _upsert(
                    conn,
                    username,
                    counted_from=_iso(now),
                    locked_until=_iso(until),
                    lockouts=lockouts,
                )
                return Refusal("locked", until, now)
            return self._address_refusal(conn, address, now)

    def succeeded(self, username: str) -> None:
        """A right password: the account's wrong tries no longer count."""
        with self.engine.begin() as conn:
            _upsert(conn, username, counted_from=_iso(self.clock()), locked_until=None, lockouts=0)

    def unlock(self, username: str) -> bool:
        """Lift a lock (and forget the count); True if the account was locked."""
        now = self.clock()
        accounts = db.sign_in_accounts
        with self.engine.begin() as conn:
            locked = conn.execute(
                select(accounts.c.locked_until).where(accounts.c.username == username)
            ).scalar()
            _upsert(conn, username, counted_from=_iso(now), locked_until=None, lockouts=0)
        return bool(locked and locked > _iso(now))

    def locked(self) -> list[dict]:
        """Accounts (real organisers only) locked now, soonest free first."""
        now = _iso(self.clock())
        accounts, organisers = db.sign_in_accounts, db.organisers
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(organisers.c.username, organisers.c.role, organisers.c.commune_code)
                .add_columns(accounts.c.locked_until)
                .join(accounts, accounts.c.username == organisers.c.username)
                .where(accounts.c.locked_until > now)
                .order_by(accounts.c.locked_until)
            ).mappings()
            return [dict(r) for r in rows]

    def _address_refusal(
        self, conn: Connection, address: str, now: datetime.datetime
    ) -> Refusal | None:
        failures = db.sign_in_failures
        # The failure whose leaving the window brings the count below the limit.
        oldest_counted = conn.execute(
            select(failures.c.at)
            .where(failures.c.address == address, failures.c.at > _iso(now - WINDOW))
            .order_by(failures.c.at.desc())
            .offset(ADDRESS_FAILURES - 1)
            .limit(1)
        ).scalar()
        if oldest_counted is None:
            return None
        return Refusal("throttled", datetime.datetime.fromisoformat(oldest_counted) + WINDOW, now)
