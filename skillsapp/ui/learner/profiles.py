"""The "who is learning?" screens of Home: choose your profile, create one, or give
your PIN. Built once the data is open, after the first paint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from skillsapp.errors import ValidationError
from skillsapp.i18n import _
from skillsapp.ui.common.pickers import PickerField, PickerItem
from skillsapp.ui.common.widgets import TaskPage, WrapButton, big_button, heading, paragraph

if TYPE_CHECKING:  # the store (sqlite-utils) loads after the first paint
    from skillsapp.storage.profiles import Profile
    from skillsapp.ui.learner.home import HomePage

GRID_COLUMNS = 3


def field_label(text: str) -> QLabel:
    """A form label that wraps: long Vietnamese labels at the largest text never widen the form."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class ProfileChooser(TaskPage):
    def __init__(self, home: HomePage) -> None:
        super().__init__()
        self.home = home
        self.body.addWidget(heading(_("Who is learning today?")))
        self.body.addWidget(
            paragraph(_("Choose your name. If this is your first time, press “I am new”."))
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name"))
        self.search.setAccessibleName(_("Search by name"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh)
        self.body.addWidget(self.search)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        self.body.addWidget(self.grid_host)
        self.empty = paragraph(_("No one has a profile on this computer yet."), muted=True)
        self.body.addWidget(self.empty)
        self.body.addStretch(1)
        # The one way in for a newcomer, always in view however many names are above it.
        self.new_button = big_button(_("I am new"), primary=True)
        self.new_button.clicked.connect(home.show_new_profile)
        self.add_action(self.new_button)
        self.buttons: list[WrapButton] = []

    def refresh(self) -> None:
        store = self.home.context.store
        if store is None:
            return
        for button in self.buttons:
            button.deleteLater()
        self.buttons = []
        profiles = store.profiles.list(self.search.text())
        self.search.setVisible(bool(self.search.text()) or len(store.profiles.list()) > 6)
        self.empty.setVisible(not profiles and not self.search.text())
        for column in range(GRID_COLUMNS):
            self.grid.setColumnStretch(column, 1)
        for index, profile in enumerate(profiles):
            button = WrapButton(profile.display_name)
            button.setObjectName("profile")
            button.setAccessibleName(_("Learner {name}").format(name=profile.display_name))
            button.clicked.connect(lambda _c=False, p=profile: self.home.choose(p))
            self.grid.addWidget(button, index // GRID_COLUMNS, index % GRID_COLUMNS)
            self.buttons.append(button)
        if not profiles and not self.search.text():
            # A first-time resident's one way on has the focus: Enter starts.
            self.new_button.setFocus(Qt.FocusReason.OtherFocusReason)


class NewProfileForm(TaskPage):
    """Only what learning needs: a name, a year of birth, a commune. Nothing more."""

    def __init__(self, home: HomePage) -> None:
        super().__init__()
        self.home = home
        self.body.addWidget(heading(_("Welcome! Tell us your name")))
        self.body.addWidget(field_label(_("Your name (as people call you)")))
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Your name"))
        self.name.setMaxLength(80)
        self.body.addWidget(self.name)
        # Year, province and commune: big fields that open a searchable list (optional, all three).
        self.body.addWidget(field_label(_("Year of birth")))
        self.year = PickerField(
            _("Year of birth"),
            _("Choose your year of birth (you may skip this)"),
            search_hint=_("Type the year, for example 1962"),
        )
        self.body.addWidget(self.year)
        # Where the learner lives, chosen from lists: it counts them for their commune's targets.
        self.body.addWidget(field_label(_("Province or city")))
        self.province = PickerField(
            _("Province or city"),
            _("Choose a province or city (you may skip this)"),
            search_hint=_("Type a few letters, for example ha noi"),
        )
        self.body.addWidget(self.province)
        self.body.addWidget(field_label(_("Commune or ward")))
        self.commune = PickerField(
            _("Commune or ward"),
            _("Choose the province first"),
            search_hint=_("Type a few letters, for example ba dinh"),
        )
        self.body.addWidget(self.commune)
        self.province.changed.connect(self._fill_communes)
        self.body.addWidget(field_label(_("PIN to protect your profile (optional, 4 to 6 digits)")))
        self.pin = QLineEdit()
        self.pin.setAccessibleName(_("PIN (optional)"))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setValidator(QIntValidator(0, 999999, self))
        self.pin.setMaxLength(6)
        self.body.addWidget(self.pin)
        self.error = QLabel()
        self.error.setObjectName("bad")
        self.error.setWordWrap(True)
        self.body.addWidget(self.error)
        self.body.addStretch(1)
        self.back_button = big_button(_("Back"))
        self.back_button.clicked.connect(home.show_chooser)
        self.add_action(self.back_button, left=True)
        self.save = big_button(_("Start learning"), primary=True)
        self.save.clicked.connect(self.submit)
        self.name.returnPressed.connect(self.submit)
        self.add_action(self.save)

    def reset(self) -> None:
        self.name.clear()
        self.pin.clear()
        self.error.clear()
        self.scroll.verticalScrollBar().setValue(0)
        this_year = self.home.context.now().year
        self.year.set_items(
            [
                PickerItem(_("Year {n}").format(n=year), year, str(year))
                for year in range(this_year - 10, this_year - 101, -1)
            ],
            keep=False,
        )
        from skillsapp import geography

        self.province.set_items(
            [PickerItem(d.name, d.code) for d in geography.provinces_by_name()], keep=False
        )
        self._fill_communes()
        self.name.setFocus()

    def _fill_communes(self) -> None:
        from skillsapp import geography

        code = self.province.value()
        self.commune.set_items(
            [PickerItem(d.name, d.code) for d in geography.communes(code)] if code else []
        )
        self.commune.set_placeholder(
            _("Choose a commune or ward (you may skip this)")
            if code
            else _("Choose the province first")
        )
        self.commune.setEnabled(code is not None)

    def submit(self) -> None:
        try:
            profile = self.home.context.store.profiles.create(
                self.name.text(),
                birth_year=self.year.value(),
                province_code=self.province.value(),
                commune_code=self.commune.value() if self.province.value() else None,
                pin=self.pin.text() or None,
                current_year=self.home.context.now().year,
            )
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.scroll.ensureWidgetVisible(self.error)
            {"display_name": self.name, "pin": self.pin}.get(exc.field, self.name).setFocus()
            return
        self.home.context.set_profile(profile)


class PinPrompt(TaskPage):
    def __init__(self, home: HomePage) -> None:
        super().__init__()
        self.home = home
        self.profile: Profile | None = None
        self.title = heading("")
        self.body.addWidget(self.title)
        self.body.addWidget(field_label(_("Enter your PIN")))
        self.pin = QLineEdit()
        self.pin.setAccessibleName(_("PIN"))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(6)
        self.pin.returnPressed.connect(self.check)
        self.body.addWidget(self.pin)
        self.error = QLabel()
        self.error.setObjectName("bad")
        self.error.setWordWrap(True)
        self.body.addWidget(self.error)
        self.body.addStretch(1)
        back = big_button(_("Back"))
        back.clicked.connect(home.show_chooser)
        self.add_action(back, left=True)
        ok = big_button(_("Continue"), primary=True)
        ok.clicked.connect(self.check)
        self.add_action(ok)

    def ask(self, profile: Profile) -> None:
        self.profile = profile
        self.title.setText(_("Hello, {name}").format(name=profile.display_name))
        self.pin.clear()
        self.error.clear()
        self.pin.setFocus()

    def check(self) -> None:
        assert self.profile is not None
        if self.home.context.store.profiles.check_pin(self.profile.id, self.pin.text()):
            self.home.context.set_profile(self.profile)
        else:
            self.error.setText(_("That PIN is not right. Please try again."))
            self.pin.clear()
