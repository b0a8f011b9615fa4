"""Home: "Who is learning?" — choose your profile or create one — then a
welcome screen with what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp.errors import ValidationError
from skillsapp.i18n import _, ngettext
from skillsapp.ui.common.pickers import PickerField, PickerItem
from skillsapp.ui.common.widgets import (
    Page,
    TaskPage,
    WrapButton,
    big_button,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.shell.context import AppContext

if TYPE_CHECKING:  # the store (sqlite-utils) loads after the first paint
    from skillsapp.storage.profiles import Profile

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


class Welcome(TaskPage):
    """What to do next, in big buttons; an unfinished contest attempt comes first."""

    def __init__(self, home: HomePage) -> None:
        super().__init__()
        self.home = home
        self.action_bar.hide()  # every choice here is a big button in the page
        self.greeting = heading("")
        # Cards for contest attempts left open (or submitted) while the app was closed.
        self.attempt_box = QVBoxLayout()
        self.attempt_box.setSpacing(12)
        self.body.addLayout(self.attempt_box)
        self.resume_offers: list = []
        self.submitted_notices: list = []
        self.submitted: list = []  # attempts whose time ran out while the app was closed
        self.body.addWidget(self.greeting)
        self.status = paragraph("")
        self.body.addWidget(self.status)
        # Lesson titles are long: the button wraps them instead of cutting them off.
        self.continue_button = WrapButton("")
        self.continue_button.setObjectName("primary")
        self.continue_button.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.continue_button.clicked.connect(
            lambda: home.context.navigate.emit("lessons", self._next)
        )
        self.body.addWidget(self.continue_button)
        self.review_button = big_button("")
        self.review_button.clicked.connect(lambda: home.context.navigate.emit("practice", None))
        self.body.addWidget(self.review_button)
        self.contest_button = big_button(_("Contests"))
        self.contest_button.clicked.connect(lambda: home.context.navigate.emit("contests", None))
        self.body.addWidget(self.contest_button)
        self.progress_button = big_button(_("My results and certificate"))
        self.progress_button.clicked.connect(lambda: home.context.navigate.emit("progress", None))
        self.body.addWidget(self.progress_button)
        self.switch_button = big_button(_("Change learner"))
        self.switch_button.clicked.connect(lambda: home.context.set_profile(None))
        self.body.addWidget(self.switch_button)
        self.body.addStretch(1)
        self._next: str | None = None
        self._profile_id: str | None = None

    def refresh(self) -> None:
        context = self.home.context
        profile = context.profile
        if profile is None or context.store is None:
            return
        from skillsapp.flows.summary import learner_summary

        self._show_attempts()
        summary = learner_summary(context.store, profile.id, context.now())
        self.greeting.setText(_("Hello, {name}!").format(name=profile.display_name))
        self.status.setText(
            _("You have finished {done} of {total} lessons.").format(
                done=len(summary.lessons_done), total=summary.lessons_total
            )
        )
        self._next = summary.next_lesson.id if summary.next_lesson else None
        if summary.next_lesson and summary.has_progress:
            text = _("Continue: {lesson}").format(lesson=summary.next_lesson.title)
        elif summary.next_lesson:
            text = _("Start: {lesson}").format(lesson=summary.next_lesson.title)
        else:
            text = _("Read the lessons again")
        self.continue_button.setText(text)
        self.continue_button.setAccessibleName(text)
        self.review_button.setText(
            ngettext(
                "Review: {n} question for today",
                "Review: {n} questions for today",
                summary.due_reviews,
            ).format(n=summary.due_reviews)
            if summary.due_reviews
            else _("Practice")
        )
        first = self.resume_offers[0].resume_button if self.resume_offers else None
        (first or self.continue_button).setFocus()
        self.scroll.verticalScrollBar().setValue(0)

    # --- unfinished contest attempts ------------------------------------------------

    def _show_attempts(self) -> None:
        """Recover the learner's open attempts (the core submits those whose time ran
        out while the app was closed) and show them above everything else."""
        from skillsapp.errors import AppError
        from skillsapp.ui.contest.resume import ResumeOffer, SubmittedNotice, recover_for

        context = self.home.context
        if self._profile_id != context.profile.id:
            self._profile_id = context.profile.id
            self.submitted = []
        self.stop_timers()
        for widget in self.resume_offers + self.submitted_notices:
            self.attempt_box.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.resume_offers, self.submitted_notices = [], []
        try:
            recovery = recover_for(context)
        except AppError:  # e.g. the contest of an open attempt was removed: Contests says so
            recovery = None
        if recovery is not None:
            known = {record.id for record in self.submitted}
            self.submitted += [r for r in recovery.submitted if r.id not in known]
            for attempt in recovery.resumable:
                offer = ResumeOffer(context, attempt)
                offer.resume.connect(lambda a: context.navigate.emit("contests", a))
                offer.expired.connect(self.refresh)
                self.attempt_box.addWidget(offer)
                offer.show()  # at once (not after the next event), so the focus can land on it
                self.resume_offers.append(offer)
        for record in self.submitted:
            notice = SubmittedNotice(context.store, record)
            notice.show_result.connect(self._show_result)
            notice.dismissed.connect(self._dismiss)
            self.attempt_box.addWidget(notice)
            notice.show()
            self.submitted_notices.append(notice)

    def _show_result(self, record) -> None:
        self._dismiss(record)
        self.home.context.navigate.emit("contests", record)

    def _dismiss(self, record) -> None:
        self.submitted = [r for r in self.submitted if r.id != record.id]
        self.refresh()

    def stop_timers(self) -> None:
        for offer in self.resume_offers:
            offer.timer.stop()


class HomePage(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.loading = Page()
        self.loading.body.addWidget(heading(_("Welcome to Kỹ Năng Số")))
        self.loading.body.addWidget(
            paragraph(
                _(
                    "Learn to use digital services safely: VNeID, online public services, cashless payment, "
                    "spotting scams and more. Choose a part on the left to begin."
                )
            )
        )
        self.status = paragraph(_("Opening your data…"), muted=True)
        self.loading.body.addWidget(self.status)
        self.loading.body.addStretch(1)
        self.stack.addWidget(self.loading)
        self._built = False
        context.store_opened.connect(self._on_store)
        context.profile_changed.connect(self._on_profile)
        if context.store is not None:
            self._on_store()

    def _build_screens(self) -> None:
        """The profile screens are built once the data is open, after the first paint."""
        if self._built:
            return
        self._built = True
        self.chooser = ProfileChooser(self)
        self.new_profile = NewProfileForm(self)
        self.pin = PinPrompt(self)
        self.welcome = Welcome(self)
        for page in (self.chooser, self.new_profile, self.pin, self.welcome):
            self.stack.addWidget(page)

    def _on_store(self) -> None:
        self._build_screens()
        self.status.setText(_("Your data is ready."))
        self._on_profile()

    def _on_profile(self) -> None:
        if self.context.store is None:
            return
        if self.context.profile is None:
            self.welcome.stop_timers()
            self.show_chooser()
        else:
            self.stack.setCurrentWidget(self.welcome)  # shown first, so the focus can land
            self.welcome.refresh()

    def open(self, _argument: object = None) -> None:
        """Coming back home: an attempt may have been left open or run out of time meanwhile."""
        if self._built and self.stack.currentWidget() is self.welcome:
            self.welcome.refresh()

    def show_chooser(self) -> None:
        self.chooser.search.clear()
        self.chooser.refresh()
        self.stack.setCurrentWidget(self.chooser)

    def show_new_profile(self) -> None:
        self.new_profile.reset()
        self.stack.setCurrentWidget(self.new_profile)

    def choose(self, profile: Profile) -> None:
        if profile.has_pin:
            self.pin.ask(profile)
            self.stack.setCurrentWidget(self.pin)
        else:
            self.context.set_profile(profile)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # Enter presses the button with the focus ring (e.g. "Làm tiếp bài thi"), as in dialogs.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        if event.key() == Qt.Key.Key_Escape and self.stack.currentWidget() in (
            self.new_profile,
            self.pin,
        ):
            self.show_chooser()
            return
        super().keyPressEvent(event)
