"""The times of an attempt a PC sends, checked against its round, the time limit and the
moment the server received it (part of :mod:`skillsapp.server.verify`): impossible times
are refused, doubtful ones flagged."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from skillsapp.models import Contest, Round
from skillsapp.storage.ids import parse_iso

# A round's edges: a start up to this long before opening, or a submission up to this long
# after closing, is flagged (a PC clock a little off); further out it is refused. The same as
# the largest PC clock error a batch may show (ServerConfig.max_clock_skew_s).
WINDOW_TOLERANCE = datetime.timedelta(hours=2)
# An attempt cannot be submitted after the server received it: allowed beyond the receive
# time only the PC clock's offset measured on this batch plus this much.
RECEIPT_TOLERANCE = datetime.timedelta(minutes=5)
# Time an honest app may add past the limit (submitting at the deadline's last tick).
DURATION_GRACE_MS = 5_000
DURATION_GRACE = datetime.timedelta(milliseconds=DURATION_GRACE_MS)
# The app computes the duration from the same two clock readings it stores; it differs from
# them only by rounding, unless the clock was changed mid-attempt (then it is flagged).
DURATION_SLACK_MS = 2_000


class RecordProblem(Exception):
    """A record that cannot be stored: ``code`` for machines, ``reason`` (Vietnamese) for people."""

    def __init__(self, reason: str, code: str = "invalid_record") -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _time(payload: Mapping[str, Any], name: str, label: str) -> datetime.datetime:
    value = payload.get(name)
    try:
        if not isinstance(value, str):
            raise ValueError
        return parse_iso(value)
    except ValueError:
        raise RecordProblem(
            f"Lượt thi thiếu {label} hoặc {label} không phải ngày giờ hợp lệ.", "invalid_time"
        ) from None


def check_times(
    payload: Mapping[str, Any],
    contest: Contest,
    round_: Round,
    received_at: datetime.datetime,
    device_offset: datetime.timedelta,
) -> tuple[datetime.datetime, datetime.datetime, list[str]]:
    flags: list[str] = []
    started = _time(payload, "started_at", "giờ bắt đầu")
    submitted = _time(payload, "submitted_at", "giờ nộp bài")
    if submitted < started:
        raise RecordProblem(
            "Giờ nộp bài của lượt thi sớm hơn giờ bắt đầu. Hãy kiểm tra ngày giờ trên máy tính.",
            "times_inconsistent",
        )
    if received_at < round_.opens_at:
        raise RecordProblem(
            f"Vòng thi «{round_.title}» chưa mở theo giờ của máy chủ; chưa thể có lượt thi nào.",
            "round_not_open",
        )
    if started < round_.opens_at - WINDOW_TOLERANCE:
        raise RecordProblem(
            f"Lượt thi bắt đầu trước khi vòng «{round_.title}» mở. Hãy kiểm tra ngày giờ trên máy "
            "tính.",
            "round_not_open",
        )
    if submitted > round_.closes_at + WINDOW_TOLERANCE:
        raise RecordProblem(
            f"Lượt thi được nộp sau khi vòng «{round_.title}» đã đóng.", "round_closed"
        )
    if submitted > received_at + max(device_offset, datetime.timedelta(0)) + RECEIPT_TOLERANCE:
        raise RecordProblem(
            "Giờ nộp bài của lượt thi muộn hơn lúc máy chủ nhận được nó. Hãy kiểm tra ngày giờ "
            "trên máy tính.",
            "submitted_in_future",
        )
    if started < round_.opens_at:
        flags.append("bắt đầu trước giờ mở vòng (đồng hồ máy lệch?)")
    if submitted > round_.closes_at:
        flags.append("nộp sau giờ đóng vòng (đồng hồ máy lệch?)")
    if payload.get("clock_events"):
        flags.append("đồng hồ máy bị chỉnh lùi trong lúc thi")

    duration = payload.get("duration_ms")
    limit_ms = contest.rules.time_limit_minutes * 60_000
    if not isinstance(duration, int) or isinstance(duration, bool) or duration <= 0:
        raise RecordProblem("Thời gian làm bài của lượt thi phải lớn hơn 0.", "duration_impossible")
    if duration > limit_ms + DURATION_GRACE_MS:
        raise RecordProblem(
            f"Thời gian làm bài ({duration // 1000} giây) dài hơn thời gian thể lệ cho phép "
            f"({contest.rules.time_limit_minutes} phút).",
            "duration_over_limit",
        )
    elapsed_ms = min(int((submitted - started).total_seconds() * 1000), limit_ms)
    if abs(duration - elapsed_ms) > DURATION_SLACK_MS:
        flags.append("thời gian làm bài không khớp giờ bắt đầu và giờ nộp")
    if _answered_outside(payload.get("answers"), started, submitted):
        flags.append("có câu trả lời ghi giờ ngoài thời gian làm bài")
    return started, submitted, flags


def _answered_outside(
    answers: Any, started: datetime.datetime, submitted: datetime.datetime
) -> bool:
    """Whether an answer says it was given before the attempt started or after it was
    submitted (beyond rounding): the attempt's times were moved, or its answers were.
    Moving the whole attempt, answers and all, cannot be seen: only times that disagree."""
    slack = datetime.timedelta(milliseconds=DURATION_SLACK_MS)
    for item in answers if isinstance(answers, list) else ():
        value = item.get("answered_at") if isinstance(item, dict) else None
        if not isinstance(value, str):
            continue  # an app from before answer times; nothing to compare
        try:
            moment = parse_iso(value)
        except ValueError:
            return True
        if moment < started - slack or moment > submitted + slack:
            return True
    return False
