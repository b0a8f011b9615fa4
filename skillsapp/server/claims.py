"""What a device may claim in the records that feed the open data: the commune of a lesson
or group-session record, and how many people came to a group session.

The open-data feed counts these claims per commune, so the server checks them at ingest
and refuses, with a Vietnamese reason the app shows as is:

* a commune code that is not on the official list (:mod:`skillsapp.geography`);
* a commune other than the device's own, for a PC enrolled for one commune (a PC enrolled
  at province level may name any real commune);
* a session report whose attendance or quiz counts no commune hall could hold, whose date
  is in the future or before the two-level communes existed, or (when the report gives its
  start and end) that lasted longer than a day's session;
* a session report whose phone-game counts (``phone_players``, ``phone_answers``,
  ``phone_questions``) do not fit its attendance: every phone player is part of it.

    claims = DeviceClaims(engine)
    claims.commune(device_id, "00070")        # "00070", or raises RecordProblem
    check_session_report(payload, now=utc_now())
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from typing import TypeGuard

from sqlalchemy import Engine, select

from skillsapp import geography
from skillsapp.server import db
from skillsapp.storage.ids import parse_iso

# Most people one group session in a commune hall or cultural house can count.
MAX_SESSION_ATTENDANCE = 300
# People who answer a projector quiz without having been checked in (neighbours who came
# late, a school class): a question's answer counts may exceed the attendance by this many.
SESSION_QUIZ_MARGIN = 30
# Questions residents may answer on phones in one session, over all its games.
MAX_PHONE_QUESTIONS = 200
# Longest a session may last, when the report says when it started and ended.
MAX_SESSION_HOURS = 12
# Communes have their current codes since the two-level reform of 1 July 2025.
EARLIEST_SESSION = datetime.date(2025, 7, 1)
# A PC's clock may be this far ahead of the server's (the batch endpoint refuses more).
CLOCK_TOLERANCE = datetime.timedelta(hours=2)
# Sessions are held on Vietnamese calendar days (UTC+7, no daylight saving).
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
# Answer options per quiz question the app can show.
MAX_OPTIONS = 6
# How long a device's enrolled commune is remembered (an enrolment retried may change it).
DEVICE_CACHE_SECONDS = 60.0


def _problem(reason: str, code: str) -> Exception:
    from skillsapp.server.ingest import RecordProblem  # ingest imports this module

    return RecordProblem(reason, code)


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def official_commune(code: object) -> str | None:
    """``code`` if it is a commune on the official list, else None."""
    if isinstance(code, str) and geography.commune(code) is not None:
        return code
    return None


def _named(code: str) -> str:
    found = geography.commune(code)
    return f"{found.name} ({code})" if found else code


class DeviceClaims:
    """Checks a device's commune claims against the commune it was enrolled for."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.clock = clock
        # device id -> (enrolled commune, when read): a batch of 500 records reads it once
        self._communes: dict[str, tuple[str | None, float]] = {}
        self._lock = threading.Lock()

    def enrolled_commune(self, device_id: str) -> str | None:
        """The commune the device was enrolled for; None for a province-level device."""
        with self._lock:
            known = self._communes.get(device_id)
        if known is not None and self.clock() - known[1] < DEVICE_CACHE_SECONDS:
            return known[0]
        with self.engine.connect() as conn:
            found = conn.execute(
                select(db.devices.c.commune_code).where(db.devices.c.id == device_id)
            ).first()
        commune = found.commune_code if found else None
        with self._lock:
            self._communes[device_id] = (commune, self.clock())
        return commune

    def commune(self, device_id: str, claimed: object) -> str | None:
        """The commune a record may be stored with: None when it names none (it then counts
        for its PC's commune), else ``claimed`` once checked; raises RecordProblem."""
        if claimed is None or claimed == "":
            return None
        code = official_commune(claimed)
        if code is None:
            shown = claimed if isinstance(claimed, str) else repr(claimed)
            raise _problem(
                f"Mã xã, phường '{shown[:20]}' không có trong danh mục hành chính chính thức. "
                "Hãy chọn lại xã, phường của người học trong ứng dụng rồi đồng bộ lại.",
                "commune_unknown",
            )
        own = self.enrolled_commune(device_id)
        if own is not None and code != own:
            raise _problem(
                f"Máy này được đăng ký cho {_named(own)} nên chỉ gửi được số liệu của xã, "
                f"phường đó, không gửi được cho {_named(code)}. Nếu người học ở xã, phường "
                "khác, hãy để trống xã, phường của người học hoặc nhờ ban tổ chức tỉnh gửi giúp.",
                "commune_not_allowed",
            )
        return code


def check_session_report(payload: dict, now: datetime.datetime) -> None:
    """Refuse a group-session report that cannot be true (raises RecordProblem).

    The app sends ``held_on`` (a date), ``attendance`` (people checked in) and ``quiz``
    (per question, how many chose each option); ``started_at``/``ended_at`` are checked
    when a report carries them."""
    held_on = payload.get("held_on")
    try:
        day = datetime.date.fromisoformat(held_on) if isinstance(held_on, str) else None
    except ValueError:
        day = None
    if day is None:
        raise _problem(
            "Ngày tổ chức buổi sinh hoạt không đúng dạng năm-tháng-ngày. "
            "Hãy sửa ngày của buổi sinh hoạt trong ứng dụng.",
            "session_date_invalid",
        )
    latest = (now + CLOCK_TOLERANCE).astimezone(VIETNAM).date()
    if day > latest:
        raise _problem(
            f"Buổi sinh hoạt ghi ngày {day:%d/%m/%Y}, là một ngày chưa tới. "
            "Hãy kiểm tra ngày giờ của máy tính và ngày của buổi sinh hoạt.",
            "session_in_future",
        )
    if day < EARLIEST_SESSION:
        raise _problem(
            f"Buổi sinh hoạt ghi ngày {day:%d/%m/%Y}, trước khi có các xã, phường mới "
            "(01/07/2025). Hãy sửa ngày của buổi sinh hoạt trong ứng dụng.",
            "session_date_invalid",
        )
    attendance = payload.get("attendance")
    if not _whole(attendance) or not 0 <= attendance <= MAX_SESSION_ATTENDANCE:
        shown = attendance if _whole(attendance) else "không phải một số"
        raise _problem(
            f"Số người dự buổi sinh hoạt ({shown}) không hợp lý: phải là số nguyên "
            f"từ 0 đến {MAX_SESSION_ATTENDANCE}. Hãy kiểm tra danh sách điểm danh.",
            "session_attendance_implausible",
        )
    quiz = payload.get("quiz", [])
    if not isinstance(quiz, list):
        raise _problem(
            "Phần câu hỏi của buổi sinh hoạt không đúng dạng.", "session_quiz_implausible"
        )
    # With nobody checked in the leader did not use check-in: the hall is the only bound.
    most = MAX_SESSION_ATTENDANCE
    if attendance > 0:
        most = min(attendance + SESSION_QUIZ_MARGIN, MAX_SESSION_ATTENDANCE)
    for item in quiz:
        counts = item.get("counts") if isinstance(item, dict) else None
        if (
            not isinstance(counts, list)
            or len(counts) > MAX_OPTIONS
            or not all(_whole(c) and c >= 0 for c in counts)
        ):
            raise _problem(
                "Số người chọn từng phương án của một câu hỏi trong buổi sinh hoạt phải là "
                "các số nguyên không âm. Hãy nhập lại số đếm của câu hỏi đó.",
                "session_quiz_implausible",
            )
        if sum(counts) > most:
            raise _problem(
                f"Một câu hỏi trong buổi sinh hoạt có {sum(counts)} người trả lời, nhiều hơn "
                f"số người có thể có mặt (tối đa {most} người: {attendance} người điểm danh, "
                f"cộng thêm tối đa {SESSION_QUIZ_MARGIN} người chưa điểm danh, và không quá "
                f"{MAX_SESSION_ATTENDANCE} người). Hãy nhập lại số đếm.",
                "session_quiz_implausible",
            )
    _check_phones(payload, attendance)
    _check_span(payload, now)


def _check_phones(payload: dict, attendance: int) -> None:
    """The phone game's aggregates, when the report has them (older apps send none).

    The app counts a phone player who picked a checked-in name among the checked-in
    people, and one who typed a name in addition to them, so every phone player is part
    of ``attendance``; each answered one question at most once per game."""
    players, answers, questions = (
        payload.get(name, 0) for name in ("phone_players", "phone_answers", "phone_questions")
    )
    if not all(_whole(value) and value >= 0 for value in (players, answers, questions)):
        raise _problem(
            "Số liệu trò chơi trên điện thoại của buổi sinh hoạt phải là các số nguyên "
            "không âm. Hãy cập nhật ứng dụng rồi đồng bộ lại.",
            "session_phone_implausible",
        )
    if players > attendance:
        raise _problem(
            f"Buổi sinh hoạt ghi {players} người chơi trên điện thoại nhưng chỉ có "
            f"{attendance} người dự: người chơi trên điện thoại cũng là người dự buổi "
            "sinh hoạt. Hãy cập nhật ứng dụng rồi đồng bộ lại.",
            "session_phone_implausible",
        )
    if questions > MAX_PHONE_QUESTIONS or answers > players * questions:
        raise _problem(
            f"Buổi sinh hoạt ghi {answers} câu trả lời trên điện thoại cho {questions} câu "
            f"hỏi và {players} người chơi: mỗi người chỉ trả lời mỗi câu một lần, và một "
            f"buổi có tối đa {MAX_PHONE_QUESTIONS} câu hỏi. Hãy cập nhật ứng dụng rồi "
            "đồng bộ lại.",
            "session_phone_implausible",
        )


def _check_span(payload: dict, now: datetime.datetime) -> None:
    if payload.get("started_at") is None and payload.get("ended_at") is None:
        return
    try:
        started = parse_iso(payload["started_at"])
        ended = parse_iso(payload["ended_at"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _problem(
            "Giờ bắt đầu hoặc giờ kết thúc của buổi sinh hoạt không đúng dạng.",
            "session_time_invalid",
        ) from None
    if ended < started or ended - started > datetime.timedelta(hours=MAX_SESSION_HOURS):
        raise _problem(
            f"Buổi sinh hoạt kéo dài từ {started:%d/%m/%Y %H:%M} đến {ended:%d/%m/%Y %H:%M} "
            f"(UTC), không hợp lý: một buổi dài tối đa {MAX_SESSION_HOURS} giờ.",
            "session_time_invalid",
        )
    if ended > now + CLOCK_TOLERANCE:
        raise _problem(
            "Buổi sinh hoạt ghi giờ kết thúc ở tương lai. "
            "Hãy kiểm tra ngày giờ của máy tính rồi đồng bộ lại.",
            "session_in_future",
        )
