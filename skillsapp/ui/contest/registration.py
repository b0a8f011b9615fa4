"""Contest registration: a resident enters their details once per contest.

Choices instead of typing where possible (date of birth, province, commune, group);
each wrong field shows the core's own message right under it. After saving, the
identification number and phone are shown only masked (the PC is shared).
"""

from __future__ import annotations

import calendar
import datetime

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp import geography
from skillsapp.engine.registration import (
    FieldError,
    Registration,
    clean_registration,
    mask_id_number,
    mask_phone,
    validate_registration,
)
from skillsapp.engine.rules import vietnam_day
from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _, format_date
from skillsapp.models import Contest
from skillsapp.storage.registrations import StoredRegistration
from skillsapp.ui.common.widgets import (
    Page,
    big_button,
    heading,
    paragraph,
    press_focused_button,
    scroll_page,
)
from skillsapp.ui.contest.registration_fields import (
    GroupedDigitsValidator,
    RegistrationField,
    field_label,
    field_list,
)

MAX_AGE_YEARS = 120


class RegistrationScreen(QWidget):
    """The form, then a short confirmation with masked numbers."""

    registered = Signal(object)  # StoredRegistration, once the person chose to go on
    cancelled = Signal()

    def __init__(
        self, context, contest: Contest, existing: StoredRegistration | None = None
    ) -> None:
        super().__init__()
        self.context = context
        self.contest = contest
        self.existing = existing
        self.saved: StoredRegistration | None = None
        self.today = vietnam_day(context.now())
        prize = set(contest.rules.prize_fields)
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        form = Page()
        self.form_page = form
        form.body.addWidget(heading(_("Register for the contest")))
        form.body.addWidget(paragraph(contest.title))
        form.body.addWidget(paragraph(self._prize_text(), muted=False))
        self.fields: dict[str, RegistrationField] = {}

        def add_field(name: str, hint: str = "") -> RegistrationField:
            field = RegistrationField(
                name, name in prize or (name == "province_code" and "commune_code" in prize), hint
            )
            self.fields[name] = field
            form.body.addWidget(field)
            return field

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(100)
        add_field("full_name", _("As written on your ID card, for example Nguyễn Văn An.")).add(
            self.name_edit
        )

        self.day = QComboBox()
        self.month = QComboBox()
        self.year = QComboBox()
        self.month.addItem(_("Month"), None)
        for month in range(1, 13):
            self.month.addItem(str(month), month)
        self.year.addItem(_("Year"), None)
        for year in range(self.today.year, self.today.year - MAX_AGE_YEARS - 1, -1):
            self.year.addItem(str(year), year)
        self._fill_days()
        birth = add_field("date_of_birth")
        for combo, part in ((self.day, _("Day")), (self.month, _("Month")), (self.year, _("Year"))):
            label = _("{field}: {part}").format(field=field_label(birth.name), part=part)
            birth.add(combo, 0, accessible=label)
            combo.setMinimumWidth(140)
        self.month.currentIndexChanged.connect(self._fill_days)
        self.year.currentIndexChanged.connect(self._fill_days)

        self.id_edit = QLineEdit()
        self.id_edit.setValidator(GroupedDigitsValidator(self.id_edit))
        self.id_edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.id_edit.setPlaceholderText("001 204 012345")
        if existing and existing.id_number:
            self.id_edit.setPlaceholderText(
                _("Saved: {number}. Leave empty to keep it.").format(
                    number=mask_id_number(existing.id_number)
                )
            )
        add_field("id_number", _("The 12 digits on your ID card (thẻ căn cước or CCCD).")).add(
            self.id_edit
        )

        self.phone_edit = QLineEdit()
        self.phone_edit.setValidator(
            QRegularExpressionValidator(r"[0-9 +.\-()]{0,20}", self.phone_edit)
        )
        self.phone_edit.setPlaceholderText("0912 345 678")
        if existing and existing.phone:
            self.phone_edit.setPlaceholderText(
                _("Saved: {number}. Leave empty to keep it.").format(
                    number=mask_phone(existing.phone)
                )
            )
        add_field("phone").add(self.phone_edit)

        self.province = QComboBox()
        self.province.addItem(_("Choose a province or city"), None)
        for division in geography.provinces():
            self.province.addItem(division.name, division.code)
        add_field("province_code").add(self.province)

        self.commune = QComboBox()
        self.commune.setEditable(True)
        self.commune.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.commune.lineEdit().setPlaceholderText(_("Type to search, for example Hoàn Kiếm"))
        self._commune_matches = QStringListModel(self)
        self.commune_completer = QCompleter(self._commune_matches, self)
        self.commune_completer.setCompletionMode(
            QCompleter.CompletionMode.UnfilteredPopupCompletion
        )
        self.commune_completer.setMaxVisibleItems(8)
        self.commune.setCompleter(self.commune_completer)
        self.commune.lineEdit().textEdited.connect(self._search_communes)
        add_field(
            "commune_code", _("Choose the province first, then type a few letters of the name.")
        ).add(self.commune)
        self.province.currentIndexChanged.connect(self._fill_communes)
        self._fill_communes()

        self.village_edit = QLineEdit()
        self.village_edit.setMaxLength(120)
        add_field("village", _("For example Thôn Đông or Tổ dân phố 5.")).add(self.village_edit)

        self.group = QComboBox()
        if contest.participant_groups:
            self.group.addItem(_("Choose your group"), None)
            for name in contest.participant_groups:
                self.group.addItem(name, name)
            add_field("participant_group").add(self.group)

        self.summary = QLabel()
        self.summary.setObjectName("bad")
        self.summary.setWordWrap(True)
        self.summary.setVisible(False)
        form.body.addWidget(self.summary)
        buttons = QHBoxLayout()
        self.back_button = big_button(_("Back"))
        self.back_button.clicked.connect(self.cancelled.emit)
        self.save_button = big_button(_("Save my registration"), primary=True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.body.addLayout(buttons)
        form.body.addStretch(1)
        self.form_scroll = scroll_page(form)
        self.form_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stack.addWidget(self.form_scroll)

        self.done_page = Page()
        self.stack.addWidget(self.done_page)
        self.setFocusProxy(self.name_edit)
        self._prefill()

    # --- filling --------------------------------------------------------------------

    def _prize_text(self) -> str:
        needed = field_list(self.contest.rules.prize_fields)
        text = (
            _("To be able to win a prize, fill in: {fields}.").format(fields=needed)
            if needed
            else ""
        )
        return (
            text
            + " "
            + _("If something is missing you may still take part, but you cannot win a prize.")
        ).strip()

    def _prefill(self) -> None:
        profile = self.context.profile
        source = self.existing
        name = source.full_name if source else (profile.display_name if profile else "")
        self.name_edit.setText(name)
        if source and source.date_of_birth:
            self._select(self.year, source.date_of_birth.year)
            self._select(self.month, source.date_of_birth.month)
            self._select(self.day, source.date_of_birth.day)
        elif profile and profile.birth_year:
            self._select(self.year, profile.birth_year)
        province = source.province_code if source else (profile.province_code if profile else None)
        commune = source.commune_code if source else (profile.commune_code if profile else None)
        if commune and not province:
            found = geography.province_of_commune(commune)
            province = found.code if found else None
        if province:
            self._select(self.province, province)
        if commune:
            self._select(self.commune, commune)
        village = source.village if source else (profile.village if profile else None)
        self.village_edit.setText(village or "")
        if source and source.participant_group:
            self._select(self.group, source.participant_group)

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _fill_days(self) -> None:
        """Only days that exist in the chosen month (29 February only in leap years)."""
        month, year = self.month.currentData(), self.year.currentData()
        days = calendar.monthrange(year or 2000, month)[1] if month else 31
        chosen = self.day.currentData()
        self.day.blockSignals(True)
        self.day.clear()
        self.day.addItem(_("Day"), None)
        for day in range(1, days + 1):
            self.day.addItem(str(day), day)
        if chosen:
            self.day.setCurrentIndex(min(chosen, days))
        self.day.blockSignals(False)

    def _fill_communes(self) -> None:
        code = self.province.currentData()
        self.commune.clear()
        self.commune.setEnabled(code is not None)
        if code is None:
            return
        self.commune.addItem("", None)
        for division in geography.communes(code):
            self.commune.addItem(division.name, division.code)
        self.commune.setCurrentIndex(0)

    def _search_communes(self, text: str) -> None:
        found = geography.search_communes(text, self.province.currentData())
        self._commune_matches.setStringList([d.name for d in found[:50]])
        if found:
            self.commune_completer.complete()

    # --- reading and saving -----------------------------------------------------------

    def _birth_date(self) -> tuple[datetime.date | None, bool]:
        """(date, complete); complete is False when only some of day/month/year are chosen."""
        parts = (self.year.currentData(), self.month.currentData(), self.day.currentData())
        if all(parts):
            return datetime.date(*parts), True
        return None, not any(parts)

    def _commune_code(self) -> str | None:
        text = self.commune.currentText().strip()
        if not text:
            return None
        index = self.commune.currentIndex()
        if index > 0 and self.commune.itemText(index) == text:
            return self.commune.itemData(index)
        found = geography.search_communes(text, self.province.currentData())
        if len(found) == 1:
            self._select(self.commune, found[0].code)
            return found[0].code
        return text  # not a commune: the core says so in its own words

    def entry(self) -> tuple[Registration, list[FieldError]]:
        birth, birth_complete = self._birth_date()
        id_number = self.id_edit.text() or (self.existing.id_number if self.existing else None)
        phone = self.phone_edit.text() or (self.existing.phone if self.existing else None)
        entry = Registration(
            full_name=self.name_edit.text(),
            date_of_birth=birth,
            id_number=id_number,
            phone=phone,
            province_code=self.province.currentData(),
            commune_code=self._commune_code(),
            village=self.village_edit.text(),
            participant_group=self.group.currentData() if self.contest.participant_groups else None,
        )
        errors = []
        if not birth_complete:
            errors.append(
                FieldError("date_of_birth", _("Please choose the day, the month and the year."))
            )
        return entry, errors

    def save(self) -> None:
        entry, errors = self.entry()
        profile = self.context.profile
        if errors:
            # Show every problem at once, without saving anything yet.
            cleaned = clean_registration(entry)
            errors += validate_registration(
                cleaned, today=self.today, min_age=self.contest.rules.min_age
            )
            self.show_errors(errors)
            return
        outcome = contest_flow.register(
            self.context.store, profile.id, self.contest, entry, self.today
        )
        if outcome.errors:
            self.show_errors(outcome.errors)
            return
        self.show_errors([])
        self.saved = outcome.registration
        self._show_saved(outcome.registration, outcome.missing_for_prize)

    def show_errors(self, errors: list[FieldError]) -> None:
        by_field: dict[str, str] = {}
        for error in errors:
            by_field.setdefault(error.field, error.message)
        for name, field in self.fields.items():
            field.show_error(by_field.get(name))
        self.summary.setText(_("Please correct the fields with a red message.") if by_field else "")
        self.summary.setVisible(bool(by_field))
        first = next((f for n, f in self.fields.items() if n in by_field), None)
        if first is not None and first.focus_target is not None:
            first.focus_target.setFocus(Qt.FocusReason.OtherFocusReason)
            self.form_scroll.ensureWidgetVisible(first, 20, 60)

    # --- after saving -------------------------------------------------------------------

    def _show_saved(self, saved: StoredRegistration, missing: list[str]) -> None:
        old = self.done_page
        self.stack.removeWidget(old)
        old.hide()
        old.deleteLater()
        page = self.done_page = Page()
        self.stack.addWidget(page)
        page.body.addWidget(heading(_("Your registration is saved")))
        lines = [_("Full name: {name}").format(name=saved.full_name)]
        if saved.date_of_birth:
            lines.append(_("Date of birth: {date}").format(date=format_date(saved.date_of_birth)))
        if saved.id_number:
            lines.append(
                _("Identification number: {number}").format(number=mask_id_number(saved.id_number))
            )
        if saved.phone:
            lines.append(_("Phone: {number}").format(number=mask_phone(saved.phone)))
        if saved.commune_code:
            commune = geography.commune(saved.commune_code)
            province = geography.province_of_commune(saved.commune_code)
            if commune and province:
                lines.append(
                    _("Commune: {commune}, {province}").format(
                        commune=commune.name, province=province.name
                    )
                )
        if saved.participant_group:
            lines.append(_("Group: {group}").format(group=saved.participant_group))
        self.saved_details = QLabel("\n".join(lines))
        self.saved_details.setWordWrap(True)
        page.body.addWidget(self.saved_details)
        if missing:
            self.prize_note = QLabel(
                _(
                    "Still missing for a prize: {fields}. You can take part now and add them later."
                ).format(fields=field_list(missing))
            )
            self.prize_note.setObjectName("bad")
        else:
            self.prize_note = QLabel(_("Your registration is complete: you can win a prize."))
            self.prize_note.setObjectName("good")
        self.prize_note.setWordWrap(True)
        page.body.addWidget(self.prize_note)
        row = QHBoxLayout()
        self.edit_button = big_button(_("Change my registration"))
        self.edit_button.clicked.connect(self._edit_again)
        self.continue_button = big_button(_("Continue"), primary=True)
        self.continue_button.clicked.connect(lambda: self.registered.emit(self.saved))
        row.addWidget(self.edit_button)
        row.addStretch(1)
        row.addWidget(self.continue_button)
        page.body.addLayout(row)
        page.body.addStretch(1)
        # The full numbers leave the screen once they are saved.
        self.existing = saved
        self.id_edit.clear()
        self.phone_edit.clear()
        if saved.id_number:
            self.id_edit.setPlaceholderText(
                _("Saved: {number}. Leave empty to keep it.").format(
                    number=mask_id_number(saved.id_number)
                )
            )
        if saved.phone:
            self.phone_edit.setPlaceholderText(
                _("Saved: {number}. Leave empty to keep it.").format(number=mask_phone(saved.phone))
            )
        self.stack.setCurrentWidget(page)
        self.continue_button.setFocus()

    def _edit_again(self) -> None:
        self.stack.setCurrentWidget(self.form_scroll)
        self.name_edit.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.stack.currentWidget() is self.done_page:
                self.registered.emit(self.saved)
            else:
                self.save()
            return
        super().keyPressEvent(event)
