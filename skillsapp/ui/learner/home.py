"""Home: "Who is learning?" — choose your profile or create one (``profiles``) — then a
welcome screen with what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from skillsapp.i18n import _, ngettext
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
        from skillsapp.ui.learner.profiles import NewProfileForm, PinPrompt, ProfileChooser

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
