"""Contest rules at the moment a person wants to start an attempt.

Days are Vietnamese calendar days (UTC+7), whatever the PC's time zone.

>>> allowance(rules, round_, [], now).allowed            # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from skillsapp.i18n import _, format_datetime
from skillsapp.models import ContestRules, Round

VIETNAM = datetime.timezone(datetime.timedelta(hours=7))


@dataclass(frozen=True)
class Allowance:
    allowed: bool
    reason: str = ""


def vietnam_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(VIETNAM).date()


def allowance(
    rules: ContestRules,
    round_: Round,
    previous_starts: Sequence[datetime.datetime],
    now: datetime.datetime,
) -> Allowance:
    """May a person start another attempt in ``round_`` now? ``previous_starts`` are
    the start times of that person's earlier attempts in the round."""
    if now < round_.opens_at:
        return Allowance(
            False, _("This round opens at {when}.").format(when=format_datetime(round_.opens_at))
        )
    if now >= round_.closes_at:
        return Allowance(
            False, _("This round closed at {when}.").format(when=format_datetime(round_.closes_at))
        )
    if rules.attempts_per_round is not None and len(previous_starts) >= rules.attempts_per_round:
        return Allowance(
            False,
            _("You have used all {n} attempts of this round.").format(n=rules.attempts_per_round),
        )
    if rules.attempts_per_day is not None:
        today = vietnam_day(now)
        used_today = sum(1 for start in previous_starts if vietnam_day(start) == today)
        if used_today >= rules.attempts_per_day:
            return Allowance(False, _("You have used today's attempts. Come back tomorrow."))
    return Allowance(True)


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


@dataclass(frozen=True)
class Clock:
    """The time an attempt has left, robust to a clock that jumps backwards.

    ``latest_seen`` is the latest time recorded for the attempt (its start or an
    answer). If the PC clock now reads earlier than that, the attempt treats
    the time as ``latest_seen``: a clock set back never gives extra time.
    """

    deadline: datetime.datetime
    latest_seen: datetime.datetime

    def effective_now(self, now: datetime.datetime) -> datetime.datetime:
        return max(now, self.latest_seen)

    def remaining(self, now: datetime.datetime) -> datetime.timedelta:
        left = self.deadline - self.effective_now(now)
        return max(left, datetime.timedelta(0))

    def expired(self, now: datetime.datetime) -> bool:
        return self.effective_now(now) >= self.deadline
