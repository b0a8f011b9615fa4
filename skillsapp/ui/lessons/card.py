"""A lesson as a big button: its title, where the learner is with it (an icon
and words, never colour alone), how long it takes and one line about it.

Shared by the lesson library and the practice area.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from skillsapp.i18n import N_, _, format_percent, ngettext
from skillsapp.models import Lesson
from skillsapp.storage.progress import DONE, IN_PROGRESS, NOT_STARTED, LessonProgress
from skillsapp.ui.shell.theme import Palette

_STATUS = {
    NOT_STARTED: (N_("Not started"), "fa5s.book"),
    IN_PROGRESS: (N_("In progress"), "fa5s.book-reader"),
    DONE: (N_("Done"), "fa5s.check-circle"),
}


def status_text(progress: LessonProgress) -> str:
    return _(_STATUS.get(progress.status, _STATUS[NOT_STARTED])[0])


def status_colour(status: str, palette: Palette) -> str:
    return {DONE: palette.good, IN_PROGRESS: palette.accent}.get(status, palette.muted)


def minutes_text(minutes: int) -> str:
    return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


def best_score_text(progress: LessonProgress) -> str:
    if progress.best_percent is None:
        return _("Practice not done yet")
    return _("Best score: {percent}").format(percent=format_percent(progress.best_percent / 100))


def _transparent(label: QLabel) -> QLabel:
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    label.setStyleSheet("background: transparent; border: none;")
    return label


class LessonButton(QPushButton):
    """Clicking (or Enter / Space when focused) opens the lesson."""

    def __init__(
        self,
        lesson: Lesson,
        progress: LessonProgress,
        palette: Palette,
        detail: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.lesson = lesson
        self.progress = progress
        self.setAutoDefault(True)  # Enter opens the focused lesson
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        column = QVBoxLayout(self)
        column.setContentsMargins(18, 12, 18, 12)
        column.setSpacing(6)
        self.title = _transparent(QLabel(lesson.title))
        self.title.setObjectName("subtitle")
        self.title.setWordWrap(True)
        column.addWidget(self.title)

        row = QHBoxLayout()
        row.setSpacing(10)
        self.icon = _transparent(QLabel())
        name = _STATUS.get(progress.status, _STATUS[NOT_STARTED])[1]
        self._icon_name, self._icon_colour = name, status_colour(progress.status, palette)
        row.addWidget(self.icon)
        self.status = _transparent(QLabel(status_text(progress)))
        self.status.setObjectName("good" if progress.status == DONE else "")
        row.addWidget(self.status)
        self.minutes = _transparent(QLabel("·  " + minutes_text(lesson.minutes)))
        row.addWidget(self.minutes)
        row.addStretch(1)
        column.addLayout(row)

        self.detail = _transparent(QLabel(detail))
        self.detail.setObjectName("muted")
        self.detail.setWordWrap(True)
        self.detail.setVisible(bool(detail))
        column.addWidget(self.detail)
        self.setAccessibleName(lesson.title)
        self.setAccessibleDescription(
            ", ".join(t for t in (status_text(progress), minutes_text(lesson.minutes), detail) if t)
        )

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # qtawesome loads on first use (~0.1 s): only once a lesson button is on screen.
        if self.icon.pixmap().isNull():
            from skillsapp.ui.shell.icons import icon

            side = self.fontMetrics().height() + 4
            self.icon.setPixmap(icon(self._icon_name, self._icon_colour).pixmap(QSize(side, side)))
        super().showEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        hint = self.layout().sizeHint()
        return QSize(hint.width(), max(hint.height(), 56))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(160, 56)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return max(self.layout().heightForWidth(width), 56)
