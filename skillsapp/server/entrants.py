"""Who may write what: a device's registrations and the entrants they make.

The server believes nothing a PC merely claims about people:

- A registration's fields are checked as the app checks them (``engine.registration``):
  a real date of birth between 1900 and today, a well-formed 12-digit ID number, a
  Vietnamese mobile number, a province and commune from the official list that agree.
  A device enrolled for a commune registers only people of that commune (or gives no
  commune, and its own counts); a province-level device may register any real commune.
- An attempt may only name a registration its own device sent, earlier or earlier in the
  same batch (the app queues a registration before the attempts made with it). An attempt
  whose registration the server does not have is refused, not kept aside: the app shows
  the reason, and when the registration arrives later the attempt can be sent again.
- The same device re-sending a registration with a newer ``updated_at`` is an edit: the row
  is replaced. An older or equal ``updated_at`` (a retry) changes nothing.
- One ID number is one entrant, matched by its keyed hash (``personal_data.py``). When
  registrations from two or more devices claim the same ID number in one contest, nothing
  is merged: every registration of that number is flagged, counts as its own entrant, and
  its attempts are flagged too, until an organiser decides on ``/review/entrants``
  (``web_entrants.py``) that they are the same person (merged) or different people (kept
  apart). A later claim from yet another device opens the question again.

Refusals are ``RecordProblem`` with a stable code and a Vietnamese reason the app shows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from skillsapp import geography
from skillsapp.engine.personal_numbers import check_id_number, normalise_phone
from skillsapp.server import db
from skillsapp.server.personal_data import Vault, vault_for
from skillsapp.server.rankings import masked_form
from skillsapp.storage.ids import utc_now_iso

ENTRANT_FLAG = (
    "Số định danh của người dự thi này cũng được đăng ký trên máy tính khác; "
    "chờ người tổ chức kiểm tra là một người hay hai người."
)
OLDEST_BIRTH = datetime.date(1900, 1, 1)
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
QUERY_CHUNK = 500

_R = db.registrations
_A = db.attempts
_D = db.devices


def _problem(code: str, message: str) -> Exception:
    from skillsapp.server.ingest import RecordProblem

    return RecordProblem(message, code=code)


def _text(payload: dict, name: str) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _problem("bad_field", f"Trường “{name}” của phiếu đăng ký phải là chữ.")
    return value.strip() or None


def _commune_name(code: str | None) -> str:
    found = geography.commune(code) if code else None
    return found.name if found else f"mã {code}"


# --- one registration's fields ---------------------------------------------------------


@dataclass(frozen=True)
class CheckedFields:
    date_of_birth: str | None
    id_number: str | None  # 12 digits
    phone: str | None  # 0xxxxxxxxx
    province_code: str | None
    commune_code: str | None


def check_fields(
    payload: dict, device_commune: str | None, today: datetime.date | None = None
) -> CheckedFields:
    """The registration's personal fields, cleaned, or a RecordProblem saying what is wrong."""
    today = today or datetime.datetime.now(VIETNAM).date()
    birth_text = _text(payload, "date_of_birth")
    birth = None
    if birth_text is not None:
        try:
            birth = datetime.date.fromisoformat(birth_text) if _DATE.match(birth_text) else None
        except ValueError:
            birth = None
        if birth is None:
            raise _problem(
                "bad_date_of_birth",
                f"Ngày sinh “{birth_text[:20]}” không phải là một ngày có thật. "
                "Hãy sửa ngày sinh trong phiếu đăng ký rồi gửi lại.",
            )
        if not OLDEST_BIRTH <= birth <= today:
            raise _problem(
                "bad_date_of_birth",
                f"Ngày sinh {birth:%d/%m/%Y} không thể đúng (phải từ năm 1900 đến hôm nay). "
                "Hãy sửa ngày sinh trong phiếu đăng ký rồi gửi lại.",
            )
    id_number = _text(payload, "id_number")
    if id_number is not None:
        digits = re.sub(r"[\s.\-]", "", id_number)
        if check_id_number(digits, None, today=today) is not None:
            raise _problem(
                "bad_id_number",
                "Số định danh cá nhân không hợp lệ: phải có đúng 12 chữ số, 3 số đầu là mã "
                "tỉnh và số thứ 4 đến 6 cho một năm sinh có thể có. Hãy chép lại số từ thẻ "
                "căn cước rồi gửi lại.",
            )
        id_number = digits
    phone = _text(payload, "phone")
    if phone is not None:
        normal = normalise_phone(phone)
        if normal is None:
            raise _problem(
                "bad_phone",
                "Số điện thoại không phải số di động Việt Nam (10 chữ số, bắt đầu bằng 03, "
                "05, 07, 08 hoặc 09). Hãy sửa số điện thoại rồi gửi lại.",
            )
        phone = normal
    province_code = _text(payload, "province_code")
    if province_code is not None and geography.province(province_code) is None:
        raise _problem(
            "unknown_province",
            f"Mã tỉnh, thành phố “{province_code[:10]}” không có trong danh mục. "
            "Hãy chọn lại tỉnh trong phiếu đăng ký.",
        )
    commune_code = _text(payload, "commune_code")
    commune = None
    if commune_code is not None:
        commune = geography.commune(commune_code)
        if commune is None:
            raise _problem(
                "unknown_commune",
                f"Mã xã, phường “{commune_code[:10]}” không có trong danh mục. "
                "Hãy chọn lại xã, phường trong phiếu đăng ký.",
            )
        if province_code is not None and commune.province_code != province_code:
            province = geography.province(province_code)
            raise _problem(
                "commune_not_in_province",
                f"{commune.name} không thuộc {province.name if province else province_code}. "
                "Hãy chọn lại tỉnh rồi chọn xã, phường.",
            )
    if device_commune:
        if commune_code is not None and commune_code != device_commune:
            raise _problem(
                "commune_out_of_scope",
                f"Máy tính này được đăng ký cho {_commune_name(device_commune)}, nên chỉ "
                f"đăng ký được người dự thi của xã, phường đó, không phải "
                f"{_commune_name(commune_code)}.",
            )
        own = geography.commune(device_commune)
        if province_code is not None and own is not None and own.province_code != province_code:
            raise _problem(
                "commune_out_of_scope",
                f"Máy tính này được đăng ký cho {own.name}, nên người dự thi phải thuộc "
                "tỉnh của xã, phường đó.",
            )
    return CheckedFields(
        birth.isoformat() if birth else None, id_number, phone, province_code, commune_code
    )


# --- a batch from one device -----------------------------------------------------------


@dataclass
class _Known:
    device_id: str
    contest_id: str
    updated_at: str | None
    id_hash: str | None
    review: str | None


class BatchScope:
    """The registration rules for one batch from one device, inside its transaction.

    ``ingest`` asks it whether a registration record is an edit, hands it each
    registration (checked and staged here) and each attempt row (checked against its
    registration), then calls :meth:`store` after the other rows are inserted.
    """

    def __init__(self, conn: Connection, device_id: str, records: Iterable[dict]) -> None:
        self.conn = conn
        self.device_id = device_id
        self.vault: Vault = vault_for(conn)
        self.device_commune = conn.execute(
            select(_D.c.commune_code).where(_D.c.id == device_id)
        ).scalar()
        wanted: set[str] = set()
        self.attempt_ids: set[str] = set()
        for record in records:
            payload = record.get("payload")
            if record.get("type") == "registration":
                wanted.add(record["id"])
            elif record.get("type") == "attempt":
                self.attempt_ids.add(record["id"])
                if isinstance(payload, dict) and isinstance(payload.get("registration_id"), str):
                    wanted.add(payload["registration_id"])
        self.known: dict[str, _Known] = {}
        ids = sorted(wanted)
        for start in range(0, len(ids), QUERY_CHUNK):
            for row in conn.execute(
                select(_R.c.id, _R.c.device_id, _R.c.contest_id, _R.c.updated_at)
                .add_columns(_R.c.id_hash, _R.c.review)
                .where(_R.c.id.in_(ids[start : start + QUERY_CHUNK]))
            ):
                self.known[row.id] = _Known(
                    row.device_id, row.contest_id, row.updated_at, row.id_hash, row.review
                )
        self.new_rows: dict[str, dict[str, Any]] = {}
        self.edited_rows: dict[str, dict[str, Any]] = {}
        self.old_hashes: set[tuple[str, str]] = set()

    def is_edit(self, registration_id: str, payload: Any) -> bool:
        """A registration this device already sent, now with a newer ``updated_at``."""
        known = self.known.get(registration_id)
        if known is None or known.device_id != self.device_id or not isinstance(payload, dict):
            return False
        newer = payload.get("updated_at")
        return isinstance(newer, str) and (known.updated_at is None or newer > known.updated_at)

    def registration(self, payload: dict, contest_id: str, full_name: str) -> dict[str, Any]:
        """The checked row for a registration record (new or edited), staged for :meth:`store`."""
        fields = check_fields(payload, self.device_commune)
        rid = payload["id"]
        updated_at = (
            payload.get("updated_at") if isinstance(payload.get("updated_at"), str) else None
        )
        row = {
            "id": rid,
            "device_id": self.device_id,
            "contest_id": contest_id,
            "full_name": full_name,
            "date_of_birth": fields.date_of_birth,
            "id_number_sealed": self.vault.seal(fields.id_number),
            "phone_sealed": self.vault.seal(fields.phone),
            # What masked reports show, so they need not open the sealed values.
            "id_number_masked": masked_form(fields.id_number, "id"),
            "phone_masked": masked_form(fields.phone, "phone"),
            "id_hash": self.vault.match_hash(fields.id_number),
            "province_code": fields.province_code,
            "commune_code": fields.commune_code,
            "village": _text(payload, "village"),
            "participant_group": _text(payload, "participant_group"),
            "complete": bool(payload.get("complete")),
            "received_at": utc_now_iso(),
            "updated_at": updated_at[:40] if updated_at else None,
        }
        from skillsapp.server.ingest import _check_row

        _check_row(_R, row)  # before staging: a refused record must leave nothing behind
        known = self.known.get(rid)
        if known is not None and known.device_id == self.device_id:
            if known.id_hash and known.contest_id:
                self.old_hashes.add((known.contest_id, known.id_hash))
            self.edited_rows[rid] = row
        else:
            self.new_rows[rid] = row
        self.known[rid] = _Known(
            self.device_id, contest_id, row["updated_at"], row["id_hash"], None
        )
        return row

    def check_attempt(self, row: dict[str, Any]) -> None:
        """Refuse an attempt naming no registration, a registration this device did not
        send, or one that the server does not have (yet)."""
        registration_id = row.get("registration_id")
        if registration_id is None:
            # Every contest attempt in the app belongs to a registration; one without could
            # escape the attempt limits, which count per registration.
            raise _problem(
                "registration_missing",
                "Bài thi không ghi người dự thi nào. Mỗi bài thi phải gắn với một phiếu đăng ký "
                "trên chính máy này.",
            )
        if not isinstance(registration_id, str):
            raise _problem("bad_field", "Trường “registration_id” của bài thi phải là chữ.")
        known = self.known.get(registration_id)
        if known is None:
            raise _problem(
                "registration_unknown",
                "Máy chủ chưa có phiếu đăng ký của người làm bài thi này (phiếu chưa được gửi "
                "hoặc đã bị từ chối). Hãy sửa và gửi phiếu đăng ký trước, rồi gửi lại bài thi.",
            )
        if known.device_id != self.device_id:
            raise _problem(
                "registration_other_device",
                "Bài thi này ghi tên một người dự thi được đăng ký trên máy tính khác. Mỗi "
                "máy tính chỉ gửi được bài thi của người đăng ký trên chính máy đó.",
            )
        if known.contest_id != row.get("contest_id"):
            raise _problem(
                "registration_other_contest",
                "Phiếu đăng ký của người làm bài thi này thuộc một cuộc thi khác.",
            )

    def store(self) -> list[str]:
        """Write the staged registrations, settle ID-number conflicts, and flag the
        attempts of flagged registrations; returns this batch's attempts newly flagged."""
        from skillsapp.server.ingest import insert_ignore

        conn = self.conn
        for row in self.new_rows.values():
            row.update(
                entrant_key=f"id:{row['id_hash']}" if row["id_hash"] else row["id"],
                flagged=False,
                flag_reason=None,
                review=None,
            )
        insert_ignore(conn, _R, list(self.new_rows.values()))
        for rid, row in self.edited_rows.items():
            values = {k: v for k, v in row.items() if k not in ("id", "device_id")}
            if (row["contest_id"], row["id_hash"]) not in self.old_hashes:
                # Another ID number now: this registration's old conflict is not its own any more.
                values.update(
                    entrant_key=f"id:{row['id_hash']}" if row["id_hash"] else rid,
                    flagged=False,
                    flag_reason=None,
                    review=None,
                )
            conn.execute(
                update(_R).where(_R.c.id == rid, _R.c.device_id == self.device_id).values(**values)
            )
        groups = set(self.old_hashes)
        for row in (*self.new_rows.values(), *self.edited_rows.values()):
            if row["id_hash"]:
                groups.add((row["contest_id"], row["id_hash"]))
        pending = settle(conn, groups)
        pending |= {rid for rid, known in self.known.items() if known.review == "pending"}
        return flag_attempts(conn, pending, self.attempt_ids)


# --- conflicts -------------------------------------------------------------------------


def _group_rows(conn: Connection, groups: set[tuple[str, str]]) -> dict[tuple[str, str], list]:
    found: dict[tuple[str, str], list] = {key: [] for key in groups}
    hashes = sorted({h for _c, h in groups})
    for start in range(0, len(hashes), QUERY_CHUNK):
        query = select(
            _R.c.id, _R.c.device_id, _R.c.contest_id, _R.c.id_hash, _R.c.review, _R.c.entrant_key
        ).where(_R.c.id_hash.in_(hashes[start : start + QUERY_CHUNK]))
        for row in conn.execute(query):
            key = (row.contest_id, row.id_hash)
            if key in found:
                found[key].append(row)
    return found


def settle(conn: Connection, groups: set[tuple[str, str]]) -> set[str]:
    """Bring each (contest, ID hash) group's flags in line with the rule; returns the
    ids of registrations that now await a decision."""
    pending: set[str] = set()
    cleared: set[str] = set()
    for (_contest, id_hash), rows in _group_rows(conn, groups).items():
        devices = {r.device_id for r in rows}
        if len(devices) <= 1:
            cleared |= {r.id for r in rows if r.review == "pending"}
            stale = [r.id for r in rows if r.review is not None or r.entrant_key != f"id:{id_hash}"]
            if stale:
                conn.execute(
                    update(_R)
                    .where(_R.c.id.in_(stale))
                    .values(
                        review=None, flagged=False, flag_reason=None, entrant_key=f"id:{id_hash}"
                    )
                )
        elif any(r.review not in ("same", "apart") for r in rows):
            ids = [r.id for r in rows]
            conn.execute(
                update(_R)
                .where(_R.c.id.in_(ids))
                .values(
                    review="pending", flagged=True, flag_reason=ENTRANT_FLAG, entrant_key=_R.c.id
                )
            )
            pending |= set(ids)
    if cleared:
        clear_attempt_flags(conn, cleared)
    return pending


def flag_attempts(conn: Connection, registration_ids: set[str], batch: set[str]) -> list[str]:
    """Flag the unflagged attempts of these registrations; returns those in ``batch``."""
    newly: list[str] = []
    ids = sorted(registration_ids)
    for start in range(0, len(ids), QUERY_CHUNK):
        chunk = ids[start : start + QUERY_CHUNK]
        where = (_A.c.registration_id.in_(chunk), ~_A.c.flagged)
        found = conn.execute(select(_A.c.id).where(*where)).scalars().all()
        if found:
            conn.execute(update(_A).where(*where).values(flagged=True, flag_reason=ENTRANT_FLAG))
            newly += [a for a in found if a in batch]
    return newly


def clear_attempt_flags(conn: Connection, registration_ids: set[str]) -> None:
    ids = sorted(registration_ids)
    for start in range(0, len(ids), QUERY_CHUNK):
        conn.execute(
            update(_A)
            .where(
                _A.c.registration_id.in_(ids[start : start + QUERY_CHUNK]),
                _A.c.flag_reason == ENTRANT_FLAG,
            )
            .values(flagged=False, flag_reason=None)
        )
