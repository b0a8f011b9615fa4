"""Organisers' list of contests: each with its rounds and their status, buttons to
open or close a round now, to see a round's results, and to make or change a contest.

Contests from a content pack keep their rules; opening or closing one of their
rounds saves a copy of the contest on this computer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from skillsapp.errors import AppError
from skillsapp.flows.contest_admin import (
    CLOSED,
    OPEN,
    UPCOMING,
    close_round_now,
    open_round_now,
    round_status,
)
from skillsapp.i18n import _, format_datetime, ngettext
from skillsapp.models import Contest, Round
from skillsapp.ui.common.widgets import TaskPage, big_button, card, heading, paragraph
from skillsapp.ui.manage.common import message_label, say
from skillsapp.ui.shell.context import AppContext


def round_text(round_: Round, status: str) -> str:
    if status == OPEN:
        return _("{round} — open until {when}").format(
            round=round_.title, when=format_datetime(round_.closes_at)
        )
    if status == UPCOMING:
        return _("{round}: opens {opens}, closes {closes}").format(
            round=round_.title,
            opens=format_datetime(round_.opens_at),
            closes=format_datetime(round_.closes_at),
        )
    return _("{round}: closed {when}").format(
        round=round_.title, when=format_datetime(round_.closes_at)
    )


class ContestCard(QWidget):
    """One contest: what it is, where it comes from, and its rounds."""

    edit = Signal(object)  # Contest
    results = Signal(object, object)  # Contest, Round
    changed = Signal(object, str)  # the saved Contest, what happened

    def __init__(self, context: AppContext, contest: Contest) -> None:
        super().__init__()
        self.context = context
        self.contest = contest
        store = context.store
        self.from_pack = bool(contest.pack_id)
        source = store.content.contest_source(contest.id)
        frame, box = card()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        box.addWidget(heading(contest.title, level=2))
        rules = contest.rules
        box.addWidget(
            paragraph(
                "  ·  ".join(
                    [
                        ngettext(
                            "{n} question", "{n} questions", rules.questions_per_attempt
                        ).format(n=rules.questions_per_attempt),
                        ngettext("{n} minute", "{n} minutes", rules.time_limit_minutes).format(
                            n=rules.time_limit_minutes
                        ),
                    ]
                )
            )
        )
        if self.from_pack:
            row = store.content.pack_row(contest.pack_id)
            pack = row["title"] if row else contest.pack_id
            note = _(
                "From the content pack “{pack}”: its rules cannot be changed here. Opening or "
                "closing a round saves a copy of this contest on this computer; installing a "
                "new version of the pack replaces that copy."
            ).format(pack=pack)
            if source == "local":
                note += " " + _("Rounds were changed on this computer.")
        else:
            note = _("Made on this computer.")
        self.source_label = paragraph(note, muted=True)
        box.addWidget(self.source_label)
        now = context.now()
        self.round_buttons: dict[str, dict[str, QWidget]] = {}
        for round_ in contest.rounds:
            box.addLayout(self._round_row(round_, round_status(round_, now)))
        self.message = message_label()
        box.addWidget(self.message)
        if self.from_pack:
            self.edit_button = big_button(_("See the rules"))
        else:
            self.edit_button = big_button(_("Change the contest"))
        self.edit_button.clicked.connect(lambda: self.edit.emit(self.contest))
        box.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignLeft)

    def _round_row(self, round_: Round, status: str) -> QVBoxLayout:
        # The round's dates above its buttons: side by side, a narrow window at the
        # largest text squeezes the dates into a column of single words.
        column = QVBoxLayout()
        column.setSpacing(6)
        label = QLabel(round_text(round_, status))
        label.setWordWrap(True)
        if status == CLOSED:
            label.setObjectName("muted")
        column.addWidget(label)
        row = QHBoxLayout()
        column.addLayout(row)
        buttons: dict[str, QWidget] = {}
        if status == UPCOMING:
            buttons["open"] = big_button(
                _("Open the round now"),
                accessible=_("Open {round} now").format(round=round_.title),
            )
            buttons["open"].clicked.connect(lambda: self.change_round(round_, "open"))
        elif status == OPEN:
            buttons["close"] = big_button(
                _("Close the round now"),
                accessible=_("Close {round} now").format(round=round_.title),
            )
            buttons["close"].clicked.connect(lambda: self.change_round(round_, "close"))
        buttons["results"] = big_button(
            _("Results"), accessible=_("Results of {round}").format(round=round_.title)
        )
        buttons["results"].clicked.connect(lambda: self.results.emit(self.contest, round_))
        for button in buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        self.round_buttons[round_.id] = buttons
        return column

    def change_round(self, round_: Round, action: str) -> None:
        now = self.context.now()
        change = open_round_now if action == "open" else close_round_now
        try:
            contest = change(self.contest, round_.id, now)
        except AppError as exc:
            say(self.message, str(exc), good=False)
            return
        self.context.store.content.save_contest(contest, source="local")
        self.context.content_changed.emit()
        text = (
            _("{round} is open now.") if action == "open" else _("{round} is closed now.")
        ).format(round=round_.title)
        self.changed.emit(contest, text)


class ContestListScreen(TaskPage):
    new_contest = Signal()
    edit = Signal(object)
    results = Signal(object, object)
    back = Signal()

    def __init__(self, context: AppContext, notice: str = "") -> None:
        super().__init__()
        self.context = context
        self.body.addWidget(heading(_("Contests and results")))
        self.notice = message_label()
        self.body.addWidget(self.notice)
        self.cards: dict[str, ContestCard] = {}
        self.list_box = QVBoxLayout()
        self.body.addLayout(self.list_box)
        self.body.addStretch(1)
        self.back_button = self.add_action(big_button(_("Back")), left=True)
        self.back_button.clicked.connect(self.back.emit)
        self.new_button = self.add_action(big_button(_("Make a new contest"), primary=True))
        self.new_button.clicked.connect(self.new_contest.emit)
        self.refresh(notice)
        self.setFocusProxy(self.new_button)

    def refresh(self, notice: str = "") -> None:
        for widget in self.cards.values():
            self.list_box.removeWidget(widget)
            widget.deleteLater()
        self.cards = {}
        say(self.notice, notice, good=True if notice else None)
        # A trial contest has no results to manage: it is practice that stays on each PC.
        contests = [c for c in self.context.store.content.contests() if not c.trial]
        if not contests:
            say(self.notice, _("No contest is installed on this computer yet."))
        for contest in contests:
            item = ContestCard(self.context, contest)
            item.edit.connect(self.edit.emit)
            item.results.connect(self.results.emit)
            item.changed.connect(lambda _c, text: self.refresh(text))
            self.cards[contest.id] = item
            self.list_box.addWidget(item)


class ContestsArea(QWidget):
    """The list, the editor and a round's results, one at a time."""

    back = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.list: ContestListScreen | None = None
        self.screen: QWidget | None = None
        self.show_list()

    def show_list(self, notice: str = "") -> None:
        self._drop_screen()
        if self.list is None:
            self.list = ContestListScreen(self.context, notice)
            self.list.new_contest.connect(lambda: self.show_editor(None))
            self.list.edit.connect(self.show_editor)
            self.list.results.connect(self.show_round)
            self.list.back.connect(self.back.emit)
            self.stack.addWidget(self.list)
        else:
            self.list.refresh(notice)
        self.stack.setCurrentWidget(self.list)
        self.list.setFocus()

    def show_editor(self, contest: Contest | None) -> None:
        from skillsapp.ui.manage.contest_editor import ContestEditor

        read_only = contest is not None and bool(contest.pack_id)
        editor = ContestEditor(self.context, contest, read_only=read_only)
        editor.back.connect(lambda: self.show_list())
        editor.saved.connect(
            lambda saved: self.show_list(_("Saved “{title}”.").format(title=saved.title))
        )
        self._set_screen(editor)

    def show_round(self, contest: Contest, round_: Round) -> None:
        from skillsapp.ui.manage.round import RoundScreen

        screen = RoundScreen(self.context, contest, round_)
        screen.back.connect(lambda: self.show_list())
        self._set_screen(screen)

    def current_screen(self) -> QWidget | None:
        return self.screen

    def _set_screen(self, screen: QWidget) -> None:
        self._drop_screen()
        self.screen = screen
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        screen.setFocus()

    def _drop_screen(self) -> None:
        if self.screen is None:
            return
        self.stack.removeWidget(self.screen)
        self.screen.hide()
        self.screen.deleteLater()
        self.screen = None

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape and self.screen is None:
            self.back.emit()
            return
        super().keyPressEvent(event)
