"""The result of a contest attempt: score, time taken and the rank on this PC."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel

from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _, format_duration, format_number
from skillsapp.storage.attempts import AttemptRecord
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    card,
    heading,
    paragraph,
    press_focused_button,
)


def score_text(record: AttemptRecord) -> str:
    """ "17/20" (decimals only when partial credit gave some)."""
    return f"{format_number(record.score or 0)}/{format_number(record.max_score or 0)}"


def rank_texts(store, record: AttemptRecord) -> tuple[str, str]:
    """(what we know of the rank on this PC, what happens next)."""
    if record.kind == "trial":
        return _("A trial attempt is not ranked."), _(
            "It stays on this computer and is not sent to the province. Try again any time."
        )
    rank, count = contest_flow.rank_of(store, record)
    later = _("The final ranking is made after this computer syncs its results with the province.")
    if rank is None and count:
        return _(
            "Another of your attempts in this round is the one that counts for the ranking."
        ), later
    if rank is None or count <= 1:
        return _("Your rank: waiting for sync."), _(
            "Nobody else has taken this round on this computer yet. The ranking comes after "
            "syncing with the province."
        )
    return _("Your rank on this computer: {rank} of {count}.").format(rank=rank, count=count), later


class ResultScreen(TaskPage):
    back = Signal()

    def __init__(self, context, record: AttemptRecord, message: str = "") -> None:
        super().__init__()
        self.record = record
        store = context.store
        self.body.addWidget(heading(_("Your result")))
        self.message = QLabel(message, self)  # parented: shown before it is laid out
        self.message.setObjectName("subtitle")
        self.message.setWordWrap(True)
        self.message.setVisible(bool(message))
        self.body.addWidget(self.message)
        contest = store.content.contest(record.contest_id or "")
        if contest is not None:
            title = contest.title
            if record.round_id:
                title = _("{contest} — {round}").format(
                    contest=contest.title, round=contest.round(record.round_id).title
                )
            self.body.addWidget(paragraph(title, muted=True))
        frame, box = card()
        box.addWidget(QLabel(_("Score")))
        self.score = QLabel(score_text(record))
        self.score.setObjectName("title")
        self.score.setAccessibleName(
            _("Score: {score} out of {total}").format(
                score=format_number(record.score or 0), total=format_number(record.max_score or 0)
            )
        )
        box.addWidget(self.score)
        self.duration = paragraph(
            _("Time taken: {duration}").format(
                duration=format_duration((record.duration_ms or 0) / 1000)
            )
        )
        box.addWidget(self.duration)
        rank, note = rank_texts(store, record)
        self.rank = QLabel(rank)
        self.rank.setObjectName("subtitle")
        self.rank.setWordWrap(True)
        box.addWidget(self.rank)
        self.note = paragraph(note, muted=True)
        box.addWidget(self.note)
        self.body.addWidget(frame)
        self.body.addStretch(1)
        self.back_button = big_button(_("Back to the contests"), primary=True)
        self.back_button.clicked.connect(self.back.emit)
        self.add_action(self.back_button)
        self.setFocusProxy(self.back_button)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.back.emit()
            return
        super().keyPressEvent(event)
