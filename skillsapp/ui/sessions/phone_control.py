"""The leader's side of a phone game, on the PC's own screen: how many joined, the
question on the projector, how many answered, "Show the answer", "Next question", the
leaderboard when it was chosen, and "End the game", which stops the web server.

The screen reads the game's snapshot four times a second (a lock and a few numbers: it
never waits on the phones) and redraws only when the game's version changed. The
server stops when the game ends, when the leader leaves this screen (another step, another
area) and when the app closes (``AppContext.closing``).

Keys: Tab moves; Enter or Space presses the focused button; Page Down (a clicker) goes
on; Esc ends the game.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from skillsapp.flows.group_session import QuizOutcome
from skillsapp.flows.phone_game import RunningPhoneGame
from skillsapp.i18n import _, format_number, ngettext
from skillsapp.live.game import LiveSnapshot, Phase
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    heading,
    paragraph,
    press_focused_button,
    status_line,
)
from skillsapp.ui.sessions.group_quiz import right_answer_text
from skillsapp.ui.sessions.phone_projection import PhoneProjection, spaced_code
from skillsapp.ui.shell.context import AppContext

log = logging.getLogger(__name__)
POLL_MS = 250


class PhoneGameControl(TaskPage):
    """Runs ``running`` on ``projection``; ``finished`` when the leader goes back."""

    finished = Signal()

    def __init__(
        self,
        context: AppContext,
        running: RunningPhoneGame,
        projection: PhoneProjection,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.running = running
        self.game = running.game
        self.projection = projection
        self.version = -1
        self.showing_board = False
        self.outcomes: dict[str, QuizOutcome] = {}  # each revealed question, for the end
        self.ended = False

        top = QHBoxLayout()
        top.addWidget(heading(_("Play on phones")), 1)
        self.end_button = big_button(_("End the game"))
        top.addWidget(self.end_button, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(top)
        self.address_label = paragraph(
            _("Address: {address} · Room code: {code}").format(
                address=running.typed_address, code=spaced_code(self.game.room_code)
            )
        )
        self.body.addWidget(self.address_label)
        self.players_label = heading("", level=2)
        self.body.addWidget(self.players_label)
        self.counter = heading("", level=2)
        self.body.addWidget(self.counter)
        self.question_label = paragraph("")
        self.body.addWidget(self.question_label)
        self.answered_label = status_line("subtitle")
        self.body.addWidget(self.answered_label)
        self.result_label = status_line("good")
        self.body.addWidget(self.result_label)
        self.note = paragraph(
            _(
                "Only you see this screen. The projector shows the codes to join; phones "
                "can join until the game ends."
            ),
            muted=True,
        )
        self.body.addWidget(self.note)
        self.board_button = big_button(_("Show the leaderboard"))
        self.board_button.clicked.connect(self.toggle_board)
        self.board_button.setVisible(running.options.leaderboard)
        self.body.addWidget(self.board_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.projector_button = big_button(_("Show the projector window again"))
        self.projector_button.clicked.connect(projection.present)
        self.body.addWidget(self.projector_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addStretch(1)

        self.back_button = self.add_action(big_button(_("← Back to the session")), left=True)
        self.back_button.setVisible(False)
        self.next_button = self.add_action(big_button("", primary=True))
        self.end_button.clicked.connect(self.end)
        self.back_button.clicked.connect(self.finished)
        self.next_button.clicked.connect(self.forward)
        # A presenter's clicker on the projector goes on too (a live game never goes back).
        projection.forward_requested.connect(self.forward)
        for button in (self.end_button, self.back_button, self.next_button, self.board_button,
                       self.projector_button):  # fmt: skip
            button.setAutoDefault(True)

        self.context.lock_navigation(
            _("A phone game is running. End it and leave?"),
            note=_("The answers so far are saved. Phones can no longer join or answer."),
            stay=_("Keep the game going"),
        )
        self.context.closing.connect(self.stop_now)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.show_snapshot(self.game.snapshot())
        self.next_button.setFocus()

    # -- showing --------------------------------------------------------------------------
    def poll(self) -> None:
        """The timer: redraw when the phones changed something (joined, answered)."""
        snapshot = self.game.snapshot()
        if snapshot.version != self.version:
            self.show_snapshot(snapshot)

    def show_snapshot(self, snap: LiveSnapshot, moved: bool = False) -> None:
        """Redraw the counts; ``moved`` (the leader went on) also redraws the projector."""
        self.version = snap.version
        players = ngettext("{n} person has joined", "{n} people have joined", snap.players)
        self.players_label.setText(players.format(n=format_number(snap.players)))
        self.players_label.setAccessibleName(self.players_label.text())
        projection = self.projection
        question = snap.question
        if snap.phase == Phase.LOBBY:
            self.counter.setText(_("Waiting for players"))
            self.question_label.setText(
                _("When everyone who wants to play has joined, start the first question.")
            )
            self.answered_label.setVisible(False)
            self.result_label.setVisible(False)
            projection.set_players(snap.players)
            self._set_next(_("Start question 1 →"))
        elif snap.phase in (Phase.OPEN, Phase.REVEALED) and question is not None:
            total = snap.question_count
            self.counter.setText(
                _("Question {current}/{total}").format(current=snap.question_index + 1, total=total)
            )
            self.question_label.setText(question.text)
            answered = _("{answered} of {players} have answered").format(
                answered=format_number(snap.answered), players=format_number(snap.players)
            )
            self.answered_label.setText(answered)
            self.answered_label.setAccessibleName(answered)
            self.answered_label.setVisible(True)
            if moved and snap.phase == Phase.OPEN:
                self.showing_board = False
                projection.show_question(question, snap.question_index, total)
            projection.set_answered(snap.answered, snap.players)
            if snap.phase == Phase.OPEN:
                self.result_label.setVisible(False)
                self._set_next(_("Show the answer"))
            else:
                counts = list(snap.counts or (0,) * len(question.options))
                self.outcomes[question.id] = QuizOutcome(question, tuple(counts))
                self.result_label.setText(right_answer_text(question, counts))
                self.result_label.setVisible(True)
                if moved:
                    projection.show_answer(question, counts)
                last = snap.question_index >= total - 1
                self._set_next(
                    _("End the game and show the results →") if last else _("Next question →")
                )
        self.board_button.setEnabled(snap.phase == Phase.REVEALED)
        self.board_button.setText(
            _("Back to the question") if self.showing_board else _("Show the leaderboard")
        )

    def _set_next(self, text: str) -> None:
        self.next_button.setText(text)
        self.next_button.setAccessibleName(text)
        self.next_button.setVisible(True)

    # -- the leader's moves ------------------------------------------------------------------
    def forward(self) -> None:
        if self.ended:
            return
        snap = self.game.snapshot()
        if snap.phase == Phase.OPEN:
            self.show_snapshot(self.game.reveal(), moved=True)
        elif snap.phase == Phase.REVEALED and snap.question_index >= snap.question_count - 1:
            self.end()
        elif snap.phase in (Phase.LOBBY, Phase.REVEALED):
            if snap.question_count == 0:
                self.end()
                return
            self.show_snapshot(self.game.open_next(), moved=True)
        self.next_button.setFocus()

    def toggle_board(self) -> None:
        snap = self.game.snapshot()
        self.showing_board = not self.showing_board
        if self.showing_board:
            self.projection.show_leaderboard(snap.leaderboard)
        elif snap.question is not None:
            self.projection.show_question(snap.question, snap.question_index, snap.question_count)
            if snap.counts is not None:
                self.projection.show_answer(snap.question, list(snap.counts))
        self.show_snapshot(snap)

    def end(self) -> None:
        """End the game: the server stops (off this thread), the projector shows the results."""
        if self.ended:
            self.finished.emit()
            return
        snap = self.game.snapshot()
        self.ended = True
        self.timer.stop()
        self.context.unlock_navigation()
        running = self.running
        self.context.tasks.start(lambda _p: running.stop(), lambda _r: None, self._stop_failed)
        board = snap.leaderboard if self.running.options.leaderboard else None
        self.projection.show_end(list(self.outcomes.values()), board)
        self.counter.setText(_("The game has ended"))
        self.question_label.setText(
            _("The answers are saved in this session. Phones can no longer answer.")
        )
        self.answered_label.setVisible(False)
        self.result_label.setVisible(False)
        self.board_button.setVisible(False)
        self.next_button.setVisible(False)
        self.end_button.setVisible(False)
        self.back_button.setVisible(True)
        self.back_button.setFocus()

    def _stop_failed(self, error: Exception) -> None:
        log.warning("the phone game did not stop cleanly: %s", type(error).__name__)

    def stop_now(self, wait: bool = True) -> None:
        """The app closes (``wait``: stop before the process ends) or the leader left the
        screen (stop off the UI thread). Idempotent."""
        self.timer.stop()
        if not self.ended:
            self.ended = True
            self.context.unlock_navigation()
        running = self.running
        if wait:
            running.stop()
        elif not running.stopped:
            self.context.tasks.start(lambda _p: running.stop(), lambda _r: None, self._stop_failed)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not event.spontaneous():  # another step or area, not a minimised window
            self.stop_now(wait=False)
            self.projection.close()
            self.projection.deleteLater()
        super().hideEvent(event)

    # -- keys -----------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.end()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            press_focused_button(self)
        elif key == Qt.Key.Key_PageDown and self.next_button.isVisible():
            self.forward()
        else:
            super().keyPressEvent(event)
