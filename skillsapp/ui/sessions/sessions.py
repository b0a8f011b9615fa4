"""The "Group sessions" area: the list of sessions, a new session, then the session's
steps (check-in, a lesson or the group quiz on the projector, the report).

One screen at a time in a stack; the projector gets its own full-screen window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from skillsapp.flows.group_session import group_quiz_questions, session_list
from skillsapp.i18n import _, format_date, ngettext
from skillsapp.models import Lesson
from skillsapp.ui.common.widgets import (
    Page,
    WrapButton,
    big_button,
    heading,
    paragraph,
    scroll_page,
)
from skillsapp.ui.sessions.checkin import CheckInScreen
from skillsapp.ui.sessions.form import NewSessionForm
from skillsapp.ui.sessions.group_quiz import QuizProjection
from skillsapp.ui.sessions.hub import SessionHub
from skillsapp.ui.sessions.presentation import LessonPresentation, PresentationWindow
from skillsapp.ui.sessions.quiz_control import QuizControl
from skillsapp.ui.sessions.report import SessionReportScreen
from skillsapp.ui.shell.context import AppContext


class SessionsPage(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.screen: QWidget | None = None
        self.session_id: str | None = None  # the session whose steps are shown
        self.presentation: PresentationWindow | None = None
        self.session_buttons: list[WrapButton] = []
        self.new_button = None
        context.store_opened.connect(self.show_list)
        context.content_changed.connect(self._content_changed)
        self.show_list()

    def open(self, argument: object = None) -> None:
        """Called by the window when the area is shown; a session id opens that session."""
        if isinstance(argument, str):
            self.show_session(argument)
        elif self.screen is None:  # a step in progress stays where it was
            self.show_list()

    # -- the list -----------------------------------------------------------------------
    def show_list(self) -> None:
        self.session_id = None
        page = Page()
        page.body.addWidget(heading(_("Group sessions")))
        self.session_buttons = []
        if self.context.store is None:
            page.body.addWidget(paragraph(_("Opening your data…"), muted=True))
            self.new_button = None
        else:
            page.body.addWidget(
                paragraph(
                    _(
                        "A session of your community digital technology group: check in who "
                        "came, show a lesson on the projector and play a quiz together."
                    ),
                    muted=True,
                )
            )
            self.new_button = big_button(_("New group session"), primary=True)
            self.new_button.setAutoDefault(True)
            self.new_button.clicked.connect(self.show_new)
            page.body.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignLeft)
            self._add_sessions(page)
        page.body.addStretch(1)
        self._set_screen(scroll_page(page))
        self.screen = None  # the list counts as "no step shown"
        if self.new_button is not None:
            self.new_button.setFocus()

    def _add_sessions(self, page: Page) -> None:
        items = session_list(self.context.store)
        if not items:
            page.body.addWidget(paragraph(_("No group session yet. Create the first one above.")))
            return
        page.body.addWidget(heading(_("Earlier sessions"), level=2))
        for item in items:
            session = item.session
            state = _("ended") if session.closed else _("open")
            text = _("{date} — {place}\n{topic} · {people} · {state}").format(
                date=format_date(session.held_on),
                place=session.place,
                topic=item.topic_title,
                people=ngettext("{n} person", "{n} people", item.attendance).format(
                    n=item.attendance
                ),
                state=state,
            )
            button = WrapButton(text)
            button.session_id = session.id
            button.setAutoDefault(True)
            button.setAccessibleName(text.replace("\n", ", "))
            button.clicked.connect(lambda _checked=False, sid=session.id: self.show_session(sid))
            page.body.addWidget(button)
            self.session_buttons.append(button)

    # -- the steps ----------------------------------------------------------------------
    def show_new(self) -> None:
        form = NewSessionForm(self.context)
        form.created.connect(lambda session: self.show_session(session.id))
        form.cancelled.connect(self.show_list)
        self._set_screen(form)

    def show_session(self, session_id: str) -> None:
        self.session_id = session_id
        hub = SessionHub(self.context, session_id)
        hub.back.connect(self.show_list)
        hub.check_in_requested.connect(self.show_check_in)
        hub.lesson_requested.connect(self.present_lesson)
        hub.quiz_requested.connect(self.present_quiz)
        hub.phone_requested.connect(self.show_phone_start)
        hub.report_requested.connect(self.show_report)
        hub.edit_requested.connect(self.show_edit)
        self._set_screen(hub)

    def show_edit(self) -> None:
        form = NewSessionForm(self.context, self.context.store.sessions.get(self.session_id))
        form.created.connect(lambda session: self.show_session(session.id))
        form.cancelled.connect(lambda: self.show_session(self.session_id))
        self._set_screen(form)

    def show_check_in(self) -> None:
        screen = CheckInScreen(self.context, self.context.store.sessions.get(self.session_id))
        screen.back.connect(lambda: self.show_session(self.session_id))
        self._set_screen(screen)

    def show_report(self) -> None:
        screen = SessionReportScreen(self.context, self.session_id)
        screen.back.connect(lambda: self.show_session(self.session_id))
        self._set_screen(screen)

    def present_lesson(self, lesson: Lesson) -> None:
        self._present(LessonPresentation(self.context, lesson))

    def present_quiz(self) -> None:
        """The quiz on the projector; the counting on this screen, where only the leader sees it."""
        session = self.context.store.sessions.get(self.session_id)
        questions = group_quiz_questions(self.context.store, session)
        projection = QuizProjection(self.context)
        control = QuizControl(self.context, session, questions, projection)
        control.finished.connect(lambda: self._quiz_finished(control))
        self._present(projection)
        self._set_screen(control)
        # The leader types the counts here: this window keeps the keyboard.
        self.window().activateWindow()
        control.setFocus()
        if control.entries:
            control.entries[0].spin.setFocus()

    def show_phone_start(self) -> None:
        """The phone game's start screen (network, port, Wi-Fi, options)."""
        from skillsapp.ui.sessions.phone_start import PhoneGameStart

        screen = PhoneGameStart(self.context, self.context.store.sessions.get(self.session_id))
        screen.back.connect(lambda: self.show_session(self.session_id))
        screen.started.connect(self.present_phone_game)
        self._set_screen(screen)

    def present_phone_game(self, running) -> None:
        """The codes to join on the projector; the leader runs the game from this screen.
        The projector window lives as long as the game's screen: closing it (Esc) does not
        end the game, "Show the projector window again" brings it back."""
        from skillsapp.ui.sessions.phone_control import PhoneGameControl
        from skillsapp.ui.sessions.phone_projection import PhoneProjection

        wifi = None
        if running.wifi_text is not None:
            wifi = (running.options.wifi_name, running.wifi_text)
        projection = PhoneProjection(
            self.context, running.join_url, running.typed_address, running.game.room_code, wifi
        )
        control = PhoneGameControl(self.context, running, projection)
        control.finished.connect(lambda: self._quiz_finished(control))
        # The control deletes its projector window when the leader leaves it.
        projection.destroyed.connect(lambda *_args: self._forget_presentation(projection))
        if self.presentation is not None:
            self.presentation.close()
        self.presentation = projection
        projection.present()
        self._set_screen(control)
        self.window().activateWindow()
        control.next_button.setFocus()

    def _forget_presentation(self, window: QWidget) -> None:
        if self.presentation is window:
            self.presentation = None

    def _quiz_finished(self, control: QWidget) -> None:
        if self.screen is control:
            self.show_session(self.session_id)

    def _present(self, window: PresentationWindow) -> None:
        if self.presentation is not None:
            self.presentation.close()
        self.presentation = window
        window.closed.connect(lambda w=window: self._presentation_closed(w))
        window.present()

    def _presentation_closed(self, window: PresentationWindow) -> None:
        if self.presentation is window:
            self.presentation = None
        window.deleteLater()
        if isinstance(self.screen, QuizControl) and self.screen.projection is window:
            self.show_session(self.session_id)  # the counts are saved at each answer
        elif isinstance(self.screen, SessionHub):
            self.screen.refresh()

    def _content_changed(self) -> None:
        # Topics and lessons may have come or gone: redraw the screens that list them.
        if self.screen is None:
            self.show_list()
        elif isinstance(self.screen, SessionHub):
            self.show_session(self.session_id)

    # -- the stack ----------------------------------------------------------------------
    def _set_screen(self, screen: QWidget) -> None:
        old = self.stack.currentWidget()
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        self.screen = screen
        if old is not None:
            self.stack.removeWidget(old)
            old.hide()
            old.deleteLater()
        screen.setFocus()

    def current_screen(self) -> QWidget | None:
        """The step on screen, or None when the list is shown."""
        return self.screen
