"""The parts of the registration form: field labels, the grouped identification
number, a field with its label, hint and its own error message underneath, and the
lines a saved registration shows."""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from skillsapp import geography
from skillsapp.engine.personal_numbers import mask_id_number, mask_phone
from skillsapp.i18n import N_, _, format_date
from skillsapp.storage.registrations import StoredRegistration
from skillsapp.ui.common.widgets import paragraph

FIELD_LABELS = {
    "full_name": N_("Full name"),
    "date_of_birth": N_("Date of birth"),
    "id_number": N_("Personal identification number"),
    "phone": N_("Mobile phone number"),
    "province_code": N_("Province or city"),
    "commune_code": N_("Commune or ward"),
    "village": N_("Village or residential group"),
    "participant_group": N_("Participant group"),
}
ID_GROUPS = (3, 3, 6)  # 001 204 012345: province, century and year, then the random part
ID_DIGITS = sum(ID_GROUPS)
FORM_WIDTH = 760


def field_label(name: str) -> str:
    return _(FIELD_LABELS[name])


def field_list(names) -> str:
    """Field names as the labels a person sees, e.g. "Full name, Mobile phone number"."""
    return ", ".join(field_label(name) for name in names)


def group_digits(digits: str) -> str:
    parts, start = [], 0
    for size in ID_GROUPS:
        if start >= len(digits):
            break
        parts.append(digits[start : start + size])
        start += size
    return " ".join(parts)


class GroupedDigitsValidator(QValidator):
    """Digits only (spaces, dots and dashes from a paste are dropped), shown in groups."""

    def validate(self, text: str, pos: int):  # noqa: D401 - Qt API
        if any(ch not in "0123456789 .-" for ch in text):
            return QValidator.State.Invalid, text, pos
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) > ID_DIGITS:
            return QValidator.State.Invalid, text, pos
        before = sum(1 for ch in text[:pos] if ch.isdigit())
        grouped = group_digits(digits)
        new_pos, seen = 0, 0
        while seen < before and new_pos < len(grouped):
            if grouped[new_pos].isdigit():
                seen += 1
            new_pos += 1
        state = (
            QValidator.State.Acceptable
            if len(digits) in (0, ID_DIGITS)
            else QValidator.State.Intermediate
        )
        return state, grouped, new_pos


class RegistrationField(QWidget):
    """A label, the control(s), a hint and the error message that belongs to it."""

    def __init__(self, name: str, for_prize: bool, hint: str = "") -> None:
        super().__init__()
        self.name = name
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        title = field_label(name)
        if for_prize:
            title = _("{field} (needed for a prize)").format(field=title)
        self.label = QLabel(title)
        self.label.setWordWrap(True)
        box.addWidget(self.label)
        self.row = QHBoxLayout()
        self.row.setSpacing(12)
        self.row.addStretch(0)  # takes only what the controls leave (they stop at FORM_WIDTH)
        box.addLayout(self.row)
        if hint:
            box.addWidget(paragraph(hint, muted=True))
        self.error = QLabel()
        self.error.setObjectName("bad")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        box.addWidget(self.error)
        self.focus_target: QWidget | None = None

    def add(self, widget: QWidget, stretch: int = 1, accessible: str | None = None) -> None:
        if self.focus_target is None:
            self.focus_target = widget
            self.label.setBuddy(widget)
        widget.setAccessibleName(accessible or self.label.text())
        if stretch:
            # Only the control is kept narrow: a wrapped label in a narrowed widget
            # is given too little height by its parent layout.
            widget.setMaximumWidth(FORM_WIDTH)
        self.row.insertWidget(self.row.count() - 1, widget, stretch)

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        if self.focus_target is not None:
            self.focus_target.setAccessibleDescription(message or "")


def saved_lines(saved: StoredRegistration) -> list[str]:
    """What a saved registration shows, one line a field; the ID number and phone masked
    (the PC is shared)."""
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
    return lines
