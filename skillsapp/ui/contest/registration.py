"""Contest registration: a resident enters their details once per contest.

Choices instead of typing where possible: date of birth, province, commune and group
are big picker fields that open a searchable list (skillsapp.ui.common.pickers); each
wrong field shows the core's own message right under it. After saving, the
identification number and phone are shown only masked (the PC is shared).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp import geography
from skillsapp.engine.personal_numbers import mask_id_number, mask_phone
from skillsapp.engine.registration import (
    FieldError,
    Registration,
    clean_registration,
    validate_registration,
)
from skillsapp.engine.rules import vietnam_day
from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _
from skillsapp.models import Contest
from skillsapp.storage.registrations import RegistrationNotSaved, StoredRegistration
from skillsapp.ui.common.pickers import PickerField, PickerItem
from skillsapp.ui.common.widgets import (
    MIN_TARGET,
    TaskPage,
    big_button,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.contest.birth_date import BirthDatePickers
from skillsapp.ui.contest.registration_fields import (
    GroupedDigitsValidator,
    RegistrationField,
    field_label,
    field_list,
    saved_lines,
)


class RegistrationScreen(QWidget):
    """The form, then a short confirmation with masked numbers.

    Both are task pages: the fields scroll, and Back / Save (then Change / Continue)
    stay in the action bar at the bottom on the smallest screens with the largest text.
    Enter never saves by surprise: in a picker it opens the list, in a text box it moves
    to the next field, and only on the focused Save button does it save.
    """

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

        form = TaskPage()
        self.form_page = form
        form.body.addWidget(heading(_("Register for the contest")))
        form.body.addWidget(paragraph(contest.title))
        form.body.addWidget(paragraph(self._prize_text(), muted=False))
        self.fields: dict[str, RegistrationField] = {}
        # Where Enter in a text box goes next, in reading order.
        self.order: list[QWidget] = []

        def add_field(name: str, hint: str = "") -> RegistrationField:
            field = RegistrationField(
                name, name in prize or (name == "province_code" and "commune_code" in prize), hint
            )
            self.fields[name] = field
            form.body.addWidget(field)
            return field

        def text_box(max_length: int) -> QLineEdit:
            edit = QLineEdit()
            edit.setMaxLength(max_length)
            edit.setMinimumHeight(MIN_TARGET + 8)
            return edit

        self.name_edit = text_box(100)
        add_field("full_name", _("As written on your ID card, for example Nguyễn Văn An.")).add(
            self.name_edit
        )

        birth_field = add_field("date_of_birth")
        self.birth = BirthDatePickers(field_label("date_of_birth"), self.today)
        self.day, self.month, self.year = self.birth.pickers
        for picker in self.birth.pickers:
            birth_field.add(picker, 1, accessible=picker.title)

        self.id_edit = text_box(20)
        self.id_edit.setValidator(GroupedDigitsValidator(self.id_edit))
        self.id_edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.id_edit.setPlaceholderText("001 204 012345")
        add_field("id_number", _("The 12 digits on your ID card (thẻ căn cước or CCCD).")).add(
            self.id_edit
        )

        self.phone_edit = text_box(20)
        self.phone_edit.setValidator(
            QRegularExpressionValidator(r"[0-9 +.\-()]{0,20}", self.phone_edit)
        )
        self.phone_edit.setPlaceholderText("0912 345 678")
        add_field("phone").add(self.phone_edit)
        self._saved_placeholders(existing)

        self.province = PickerField(
            field_label("province_code"),
            _("Choose a province or city"),
            search_hint=_("Type a few letters, for example ha noi"),
        )
        self.province.set_items([PickerItem(d.name, d.code) for d in geography.provinces_by_name()])
        add_field("province_code").add(self.province)

        self.commune = PickerField(
            field_label("commune_code"),
            _("Choose the province first"),
            search_hint=_("Type a few letters, for example ba dinh"),
        )
        add_field(
            "commune_code", _("Choose the province first, then find the commune by its name.")
        ).add(self.commune)
        self.province.changed.connect(self._fill_communes)
        self._fill_communes()

        self.village_edit = text_box(120)
        add_field("village", _("For example Thôn Đông or Tổ dân phố 5.")).add(self.village_edit)

        self.group = PickerField(field_label("participant_group"), _("Choose your group"))
        if contest.participant_groups:
            self.group.set_items([PickerItem(name, name) for name in contest.participant_groups])
            add_field("participant_group").add(self.group)

        self.order = [
            self.name_edit,
            self.day,
            self.month,
            self.year,
            self.id_edit,
            self.phone_edit,
            self.province,
            self.commune,
            self.village_edit,
        ]
        if contest.participant_groups:
            self.order.append(self.group)

        self.summary = QLabel()
        self.summary.setObjectName("bad")
        self.summary.setWordWrap(True)
        self.summary.setVisible(False)
        form.body.addWidget(self.summary)
        form.body.addStretch(1)
        self.back_button = form.add_action(big_button(_("Back")), left=True)
        self.back_button.clicked.connect(self.cancelled.emit)
        self.save_button = form.add_action(big_button(_("Save my registration"), primary=True))
        self.save_button.clicked.connect(self.save)
        self.order.append(self.save_button)
        self.form_scroll = form.scroll
        self.form_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stack.addWidget(form)

        self.done_page = TaskPage()
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
            self.birth.set_date(source.date_of_birth)
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
    def _select(picker: PickerField, value: object) -> None:
        picker.set_value(value)

    def _saved_placeholders(self, saved: StoredRegistration | None) -> None:
        """The saved numbers, masked, in the empty boxes: the PC is shared."""
        for edit, number, mask in (
            (self.id_edit, saved.id_number if saved else None, mask_id_number),
            (self.phone_edit, saved.phone if saved else None, mask_phone),
        ):
            if number:
                edit.setPlaceholderText(
                    _("Saved: {number}. Leave empty to keep it.").format(number=mask(number))
                )

    def _fill_communes(self) -> None:
        code = self.province.value()
        self.commune.set_items(
            [PickerItem(d.name, d.code) for d in geography.communes(code)] if code else []
        )
        self.commune.set_placeholder(
            _("Choose a commune or ward") if code else _("Choose the province first")
        )
        self.commune.setEnabled(code is not None)

    # --- reading and saving -----------------------------------------------------------

    def entry(self) -> tuple[Registration, list[FieldError]]:
        birth, birth_complete = self.birth.value()
        id_number = self.id_edit.text() or (self.existing.id_number if self.existing else None)
        phone = self.phone_edit.text() or (self.existing.phone if self.existing else None)
        entry = Registration(
            full_name=self.name_edit.text(),
            date_of_birth=birth,
            id_number=id_number,
            phone=phone,
            province_code=self.province.value(),
            commune_code=self.commune.value(),
            village=self.village_edit.text(),
            participant_group=self.group.value() if self.contest.participant_groups else None,
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
        try:
            outcome = contest_flow.register(
                self.context.store, profile.id, self.contest, entry, self.today
            )
        except RegistrationNotSaved as exc:
            # Not the person's fault: said plainly, the form keeps what they typed.
            self.show_errors([])
            self.summary.setText(str(exc))
            self.summary.setVisible(True)
            self.form_scroll.ensureWidgetVisible(self.summary)
            self.save_button.setFocus()
            return
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
        page = self.done_page = TaskPage()
        self.stack.addWidget(page)
        page.body.addWidget(heading(_("Your registration is saved")))
        self.saved_details = QLabel("\n".join(saved_lines(saved)))
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
        page.body.addStretch(1)
        self.edit_button = page.add_action(big_button(_("Change my registration")), left=True)
        self.edit_button.clicked.connect(self._edit_again)
        self.continue_button = page.add_action(big_button(_("Continue"), primary=True))
        self.continue_button.clicked.connect(lambda: self.registered.emit(self.saved))
        # The full numbers leave the screen once they are saved.
        self.existing = saved
        self.id_edit.clear()
        self.phone_edit.clear()
        self._saved_placeholders(saved)
        self.stack.setCurrentWidget(page)
        self.continue_button.setFocus()

    def _edit_again(self) -> None:
        self.stack.setCurrentWidget(self.form_page)
        self.name_edit.setFocus()

    def _next_field(self, current: QWidget) -> None:
        """Enter in a text box: on to the next field (the Save button after the last)."""
        index = self.order.index(current)
        for widget in self.order[index + 1 :]:
            if widget.isEnabled() and widget.isVisibleTo(self):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                self.form_scroll.ensureWidgetVisible(widget, 20, 60)
                return

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if press_focused_button(self):
                return
            focused = QApplication.focusWidget()
            on_form = self.stack.currentWidget() is self.form_page
            if on_form and focused in self.order:
                self._next_field(focused)
            elif not on_form and self.saved is not None:
                self.registered.emit(self.saved)
            return  # never a save the person did not point at
        super().keyPressEvent(event)
