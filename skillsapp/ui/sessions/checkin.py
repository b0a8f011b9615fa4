"""Checking in who came to a group session: find a name in a few letters (with or
without accents) and click it, or add someone new with a name and a year of birth.

The list on the right shows who is here, with the count.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp.engine.rules import vietnam_day
from skillsapp.errors import ValidationError
from skillsapp.flows.group_session import add_and_check_in
from skillsapp.i18n import _, ngettext
from skillsapp.storage.group_sessions import GroupSession
from skillsapp.storage.profiles import Profile
from skillsapp.ui.common.fields import ComboBox
from skillsapp.ui.common.widgets import (
    MIN_TARGET,
    TaskPage,
    WrapButton,
    big_button,
    card,
    heading,
    paragraph,
    press_focused_button,
    scroll_page,
)
from skillsapp.ui.shell.context import AppContext

SHOWN = 6  # search results shown at once: the leader types more letters to narrow


def _person(profile: Profile) -> str:
    if profile.birth_year:
        return _("{name} (born {year})").format(name=profile.display_name, year=profile.birth_year)
    return profile.display_name


class CheckInScreen(TaskPage):
    """Marks people present in ``session``; ``back`` returns to the session."""

    back = Signal()
    checked_in = Signal(str)  # profile id

    def __init__(self, context: AppContext, session: GroupSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.session = session
        self.result_buttons: list[WrapButton] = []

        self.body.addWidget(heading(_("Who came?")))
        self.back_button = self.add_action(big_button(_("← Back")), left=True)
        self.back_button.setAutoDefault(True)
        self.back_button.clicked.connect(self.back)

        columns = QHBoxLayout()
        columns.setSpacing(24)
        left = QVBoxLayout()
        left.setSpacing(10)
        find_label = QLabel(_("Find a name (a few letters are enough)"))
        find_label.setWordWrap(True)
        left.addWidget(find_label)
        self.search = QLineEdit()
        self.search.setAccessibleName(_("Find a name"))
        self.search.setPlaceholderText(_("For example: lan"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh_results)
        self.search.returnPressed.connect(self._check_in_only_match)
        left.addWidget(self.search)
        results = QWidget()
        self.results_box = QVBoxLayout(results)
        self.results_box.setContentsMargins(0, 0, 8, 0)
        self.results_box.setSpacing(8)
        self.more_label = paragraph("", muted=True)
        self.results_box.addWidget(self.more_label)
        self.results_box.addStretch(1)
        left.addWidget(scroll_page(results), 1)  # a small screen scrolls the names

        new_frame, new_box = card()
        new_box.addWidget(heading(_("Someone new?"), level=2))
        # One field a line, each with its label: at the largest text, side by side they
        # were too narrow and cut "Năm sinh: không ghi".
        name_label = QLabel(_("Name:"))
        new_box.addWidget(name_label)
        self.name = QLineEdit()
        self.name.setMaxLength(80)
        self.name.setAccessibleName(_("Name of the new person"))
        self.name.setPlaceholderText(_("Full name"))
        self.name.setMinimumHeight(MIN_TARGET)
        self.name.returnPressed.connect(self.add_new)
        name_label.setBuddy(self.name)
        new_box.addWidget(self.name)
        year_row = QHBoxLayout()
        self.year_label = QLabel(_("Year of birth:"))
        self.year_label.setWordWrap(True)
        year_row.addWidget(self.year_label)
        self.year = ComboBox()
        self.year.setAccessibleName(_("Year of birth"))
        self.year.setMinimumHeight(MIN_TARGET)
        self.year_label.setBuddy(self.year)
        year_row.addWidget(self.year, 1)  # the rest of the line: "không ghi" is never cut
        new_box.addLayout(year_row)
        self.error = QLabel()
        self.error.setObjectName("bad")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        new_box.addWidget(self.error)
        self.add_button = WrapButton(_("Add and check in"))  # wraps at the largest text
        self.add_button.setObjectName("primary")
        self.add_button.setAutoDefault(True)
        self.add_button.clicked.connect(self.add_new)
        new_box.addWidget(self.add_button)
        left.addWidget(new_frame)
        columns.addLayout(left, 3)

        present_frame, present_box = card()
        self.count_label = heading("", level=2)
        present_box.addWidget(self.count_label)
        self.present_list = QListWidget()
        self.present_list.setAccessibleName(_("People checked in"))
        self.present_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # A list to read, not to click: nothing happens when a row is chosen.
        self.present_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        present_box.addWidget(self.present_list, 1)
        columns.addWidget(present_frame, 2)
        self.body.addLayout(columns, 1)

        self._fill_years()
        self.refresh()
        self.search.setFocus()

    def _fill_years(self) -> None:
        this_year = vietnam_day(self.context.now()).year
        self.year.addItem(_("not given"), None)
        for year in range(this_year - 10, this_year - 101, -1):
            self.year.addItem(str(year), year)

    # -- state --------------------------------------------------------------------------
    def present_ids(self) -> set[str]:
        return {pid for pid, _name in self.context.store.sessions.attendees(self.session.id)}

    def refresh(self) -> None:
        self.refresh_results()
        self.refresh_present()

    def refresh_present(self) -> None:
        people = self.context.store.sessions.attendees(self.session.id)
        self.count_label.setText(
            ngettext("Here: {n} person", "Here: {n} people", len(people)).format(n=len(people))
        )
        self.count_label.setAccessibleName(self.count_label.text())
        self.present_list.clear()
        for number, (_pid, name) in enumerate(people, start=1):
            self.present_list.addItem(f"{number}. {name}")
        if people:
            self.present_list.scrollToBottom()

    def refresh_results(self) -> None:
        for button in self.result_buttons:
            button.setParent(None)
            button.deleteLater()
        self.result_buttons = []
        text = self.search.text().strip()
        present = self.present_ids()
        found = self.context.store.profiles.list(text)
        if not text:  # the first names shown are the people still to check in
            found = [p for p in found if p.id not in present]
        for profile in found[:SHOWN]:
            here = profile.id in present
            label = (
                _("{person} — already here").format(person=_person(profile))
                if here
                else _person(profile)
            )
            button = WrapButton(label)
            button.profile = profile
            button.setAutoDefault(True)
            button.setEnabled(not here)
            button.setAccessibleName(
                label if here else _("Check in {person}").format(person=_person(profile))
            )
            button.clicked.connect(lambda _checked=False, p=profile: self.check_in(p))
            self.results_box.insertWidget(len(self.result_buttons), button)
            self.result_buttons.append(button)
        extra = len(found) - SHOWN
        if not found:
            if text:
                message = _("Nobody by that name yet: add them below.")
            elif present:
                message = _("Everyone with a profile here is checked in: add new people below.")
            else:
                message = _("Nobody has a profile on this computer yet: add people below.")
            self.more_label.setText(message)
        elif extra > 0:
            self.more_label.setText(
                ngettext(
                    "{n} more name: type more letters to find it.",
                    "{n} more names: type more letters to find them.",
                    extra,
                ).format(n=extra)
            )
        else:
            self.more_label.setText("")
        self.more_label.setVisible(bool(self.more_label.text()))

    # -- actions ------------------------------------------------------------------------
    def check_in(self, profile: Profile) -> None:
        self.context.store.sessions.check_in(self.session.id, profile.id)
        self.checked_in.emit(profile.id)
        self.search.clear()  # refreshes the results
        self.refresh_present()
        self.search.setFocus()

    def _check_in_only_match(self) -> None:
        enabled = [b for b in self.result_buttons if b.isEnabled()]
        if self.search.text().strip() and len(enabled) == 1:
            self.check_in(enabled[0].profile)

    def add_new(self) -> None:
        try:
            profile = add_and_check_in(
                self.context.store,
                self.session.id,
                self.name.text(),
                self.year.currentData(),
                vietnam_day(self.context.now()),
            )
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            self.name.setFocus()
            return
        self.error.setVisible(False)
        self.name.clear()
        self.year.setCurrentIndex(0)
        self.checked_in.emit(profile.id)
        self.refresh()
        self.search.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            self.back.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            press_focused_button(self)  # Enter in the year list only chooses the year
        else:
            super().keyPressEvent(event)
