"""The date of birth on the registration form: three big pickers (day, month, year),
with only the days that exist in the chosen month."""

from __future__ import annotations

import calendar
import datetime

from skillsapp.i18n import _
from skillsapp.ui.common.pickers import PickerField, PickerItem

MAX_AGE_YEARS = 120


class BirthDatePickers:
    """Day, month and year pickers that keep each other right; the form lays them out."""

    def __init__(self, title: str, today: datetime.date) -> None:
        self.day = PickerField(_("{field}: {part}").format(field=title, part=_("Day")), _("Day"))
        self.month = PickerField(
            _("{field}: {part}").format(field=title, part=_("Month")), _("Month")
        )
        self.month.set_items(
            [PickerItem(_("Month {n}").format(n=m), m, str(m)) for m in range(1, 13)]
        )
        self.year = PickerField(
            _("{field}: {part}").format(field=title, part=_("Year")),
            _("Year"),
            search_hint=_("Type the year, for example 1962"),
        )
        self.year.set_items(
            [
                PickerItem(_("Year {n}").format(n=y), y, str(y))
                for y in range(today.year, today.year - MAX_AGE_YEARS - 1, -1)
            ]
        )
        self.fill_days()
        self.month.changed.connect(self.fill_days)
        self.year.changed.connect(self.fill_days)

    @property
    def pickers(self) -> tuple[PickerField, PickerField, PickerField]:
        return self.day, self.month, self.year

    def fill_days(self) -> None:
        """Only days that exist in the chosen month (29 February only in leap years).

        A day that no longer exists is dropped, not moved: the person chooses again."""
        month, year = self.month.value(), self.year.value()
        days = calendar.monthrange(year or 2000, month)[1] if month else 31
        self.day.set_items(
            [PickerItem(_("Day {n}").format(n=d), d, str(d)) for d in range(1, days + 1)]
        )

    def set_date(self, day: datetime.date) -> None:
        self.year.set_value(day.year)
        self.month.set_value(day.month)
        self.day.set_value(day.day)

    def value(self) -> tuple[datetime.date | None, bool]:
        """(date, complete); complete is False when only some of day/month/year are chosen."""
        parts = (self.year.value(), self.month.value(), self.day.value())
        if all(parts):
            return datetime.date(*parts), True
        return None, not any(parts)
