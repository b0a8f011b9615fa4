"""The "Contests" area: open rounds, then registration, rules, the attempt and the result.

One screen at a time in a stack; the list of contests is the first screen and also
offers to continue an attempt left open (after a crash or a closed app).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from skillsapp.errors import AppError
from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _, format_datetime
from skillsapp.models import Contest, Round
from skillsapp.storage.attempts import AttemptRecord
from skillsapp.storage.registrations import StoredRegistration
from skillsapp.ui.common.widgets import (
    Page,
    WrapButton,
    big_button,
    card,
    heading,
    paragraph,
    press_focused_button,
    scroll_page,
)
from skillsapp.ui.contest.attempt import AttemptScreen
from skillsapp.ui.contest.registration import RegistrationScreen
from skillsapp.ui.contest.result import ResultScreen
from skillsapp.ui.contest.resume import ResumeOffer, SubmittedNotice, recover_for
from skillsapp.ui.contest.rules import RulesScreen


def _card_order(contest: Contest, open_now: set[tuple[str, str]]) -> int:
    """Contests with a round open now come first, then the trial, then the others."""
    if contest.trial:
        return 1
    return 0 if any((contest.id, r.id) in open_now for r in contest.rounds) else 2


class ContestsPage(QWidget):
    def __init__(self, context) -> None:
        super().__init__()
        self.context = context
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.list_screen: QWidget | None = None
        self.screen: QWidget | None = None  # the step shown after the list, if any
        self.submitted: list[AttemptRecord] = []  # time ran out while the app was closed
        self.resume_offers: list[ResumeOffer] = []
        self.submitted_notices: list[SubmittedNotice] = []
        self.round_buttons: dict[tuple[str, str], WrapButton] = {}
        context.profile_changed.connect(self.show_list)
        context.store_opened.connect(self.show_list)
        self.show_list()

    # --- the list -------------------------------------------------------------------

    def show_list(self) -> None:
        self._drop_screen()
        if self.list_screen is not None:
            self.stack.removeWidget(self.list_screen)
            self.list_screen.hide()
            self.list_screen.deleteLater()
        self.resume_offers = []
        self.submitted_notices = []
        self.round_buttons = {}
        page = Page()
        page.body.addWidget(heading(_("Contests")))
        if self.context.store is None:
            page.body.addWidget(paragraph(_("Opening your data…"), muted=True))
        elif self.context.profile is None:
            self._no_learner(page)
        else:
            self._list_contests(page)
        page.body.addStretch(1)
        self.list_screen = scroll_page(page)
        self.stack.addWidget(self.list_screen)
        self.stack.setCurrentWidget(self.list_screen)

    def _no_learner(self, page: Page) -> None:
        page.body.addWidget(
            paragraph(_("Choose who is taking part first: pick your name on the Home page."))
        )
        self.home_button = big_button(_("Go to the Home page"), primary=True)
        self.home_button.clicked.connect(lambda: self.context.navigate.emit("home", None))
        page.body.addWidget(self.home_button, 0, Qt.AlignmentFlag.AlignLeft)

    def _list_contests(self, page: Page) -> None:
        store, now = self.context.store, self.context.now()
        try:
            recovery = recover_for(self.context)
        except AppError as exc:  # e.g. the contest of an open attempt was removed
            recovery = None
            problem = paragraph(str(exc))
            problem.setObjectName("bad")
            page.body.addWidget(problem)
        if recovery is not None:
            known = {r.id for r in self.submitted}
            self.submitted += [r for r in recovery.submitted if r.id not in known]
            for attempt in recovery.resumable:
                offer = ResumeOffer(self.context, attempt)
                offer.resume.connect(self.show_attempt)
                offer.expired.connect(self.show_list)
                page.body.addWidget(offer)
                self.resume_offers.append(offer)
        for record in self.submitted:
            notice = SubmittedNotice(store, record)
            notice.show_result.connect(lambda r: self.show_result(r, ""))
            notice.dismissed.connect(self._dismiss)
            page.body.addWidget(notice)
            self.submitted_notices.append(notice)
        contests = store.content.contests()
        if not contests:
            page.body.addWidget(paragraph(_("No contest is installed on this computer yet.")))
        open_now = {(o.contest.id, o.round.id) for o in contest_flow.open_rounds(store, now)}
        for contest in sorted(contests, key=lambda c: _card_order(c, open_now)):
            card_widget = (
                self._trial_card(contest)
                if contest.trial
                else self._contest_card(contest, open_now)
            )
            page.body.addWidget(card_widget)
        first = next(iter(self.round_buttons.values()), None)  # an open real round, or the trial
        target = self.resume_offers[0].resume_button if self.resume_offers else first
        if target is not None:
            target.setFocus()
            # Shown from the navigation (Alt+4), the page is built while still hidden and that
            # focus is lost: give it again once the page is on screen, so Enter presses it.
            QTimer.singleShot(0, lambda: target.setFocus() if target.isVisible() else None)

    def _contest_card(self, contest: Contest, open_now: set[tuple[str, str]]) -> QWidget:
        frame, box = card()
        box.addWidget(heading(contest.title, level=2))
        if contest.organiser:
            box.addWidget(paragraph(contest.organiser, muted=True))
        if contest.description:
            box.addWidget(paragraph(contest.description))
        registration = self._registration(contest)
        box.addWidget(
            paragraph(
                _("You are registered for this contest.")
                if registration
                else _("Choose an open round to register and take part.")
            )
        )
        now = self.context.now()
        open_rounds = [r for r in contest.rounds if (contest.id, r.id) in open_now]
        if open_rounds:
            box.addWidget(paragraph(_("Open now:")))
        else:
            box.addWidget(paragraph(_("No round of this contest is open now.")))
        for round_ in open_rounds:
            button = WrapButton(
                _("{round} — open until {when}").format(
                    round=round_.title, when=format_datetime(round_.closes_at)
                )
            )
            button.setObjectName("primary")
            button.clicked.connect(
                lambda _checked=False, c=contest, r=round_: self.choose_round(c, r)
            )
            box.addWidget(button)
            self.round_buttons[(contest.id, round_.id)] = button
        others = [r for r in contest.rounds if (contest.id, r.id) not in open_now]
        if others:
            box.addWidget(paragraph(_("Other rounds:"), muted=True))
        for round_ in others:
            if now < round_.opens_at:
                text = _("{round}: opens {opens}, closes {closes}").format(
                    round=round_.title,
                    opens=format_datetime(round_.opens_at),
                    closes=format_datetime(round_.closes_at),
                )
            else:
                text = _("{round}: closed {when}").format(
                    round=round_.title, when=format_datetime(round_.closes_at)
                )
            box.addWidget(paragraph(text, muted=True))
        return frame

    def _trial_card(self, contest: Contest) -> QWidget:
        """A trial contest: always open, nothing to register, nothing ranked or sent."""
        frame, box = card()
        box.addWidget(heading(contest.title, level=2))
        if contest.description:
            box.addWidget(paragraph(contest.description))
        box.addWidget(
            paragraph(
                _(
                    "Open every day. This is practice: your result stays on this computer, "
                    "is not ranked and is not sent to the province."
                )
            )
        )
        round_ = contest.rounds[0]
        button = WrapButton(_("Take a trial attempt"))
        button.setObjectName("primary")
        button.clicked.connect(lambda _checked=False: self.show_rules(contest, round_, None))
        box.addWidget(button)
        self.round_buttons[(contest.id, round_.id)] = button
        return frame

    def _registration(self, contest: Contest) -> StoredRegistration | None:
        return self.context.store.registrations.for_profile(self.context.profile.id, contest.id)

    def _dismiss(self, record: AttemptRecord) -> None:
        self.submitted = [r for r in self.submitted if r.id != record.id]
        self.show_list()

    # --- the steps ------------------------------------------------------------------

    def choose_round(self, contest: Contest, round_: Round) -> None:
        registration = self._registration(contest)
        if registration is None:
            self.show_registration(contest, round_)
        else:
            self.show_rules(contest, round_, registration)

    def show_registration(
        self, contest: Contest, round_: Round, existing: StoredRegistration | None = None
    ) -> None:
        screen = RegistrationScreen(self.context, contest, existing)
        screen.registered.connect(lambda reg: self.show_rules(contest, round_, reg))
        screen.cancelled.connect(self.show_list)
        self._set_screen(screen)

    def show_rules(
        self, contest: Contest, round_: Round, registration: StoredRegistration | None
    ) -> None:
        screen = RulesScreen(self.context, contest, round_, registration)
        screen.started.connect(self.show_attempt)
        screen.back.connect(self.show_list)
        screen.edit_registration.connect(
            lambda: self.show_registration(contest, round_, registration)
        )
        self._set_screen(screen)

    def open(self, argument: object = None) -> None:
        """Shown from elsewhere (the home page): an attempt to continue, or a result to see."""
        if isinstance(argument, contest_flow.ContestAttempt):
            self.show_attempt(argument)
        elif isinstance(argument, AttemptRecord):
            self.show_result(argument)

    def show_attempt(self, attempt: contest_flow.ContestAttempt) -> None:
        for offer in self.resume_offers:
            offer.timer.stop()
        screen = AttemptScreen(self.context, attempt)
        screen.finished.connect(self.show_result)
        screen.left.connect(self.show_list)
        self._set_screen(screen)
        screen.start()  # may submit at once if the time ran out meanwhile

    def show_result(self, record: AttemptRecord, message: str = "") -> None:
        self.submitted = [r for r in self.submitted if r.id != record.id]
        screen = ResultScreen(self.context, record, message)
        screen.back.connect(self.show_list)
        self._set_screen(screen)

    def _set_screen(self, screen: QWidget) -> None:
        self._drop_screen()
        self.screen = screen
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        screen.setFocus()

    def _drop_screen(self) -> None:
        if self.screen is None:
            return
        if isinstance(self.screen, AttemptScreen):
            self.screen.stop()
        self.stack.removeWidget(self.screen)
        self.screen.hide()
        self.screen.deleteLater()
        self.screen = None

    def current_screen(self) -> QWidget | None:
        """The step on screen, or None when the list is shown."""
        return self.screen

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # Enter on a round's button (the focus starts there) presses it, as Space does.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # Closing is the end of this page: no timer may read the store any more.
        self._drop_screen()
        for offer in self.resume_offers:
            offer.timer.stop()
        super().closeEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # The window showed another area (after asking, while an attempt ran): the attempt
        # stays open on disk, its clock runs on, and it is offered again on the home page.
        # The list is rebuilt when the area is shown again (showEvent).
        if isinstance(self.screen, AttemptScreen) and not event.spontaneous():
            self._drop_screen()
            self.stack.setCurrentWidget(self.list_screen)
        super().hideEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # Coming back to the area: rounds may have opened or closed, time may have run out.
        if self.screen is None and not event.spontaneous():
            self.show_list()
        super().showEvent(event)
