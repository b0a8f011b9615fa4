"""The question asked before leaving a task that must not be left by accident (a contest
attempt): one sentence, an optional reassurance, and two big buttons. Staying is the
default, so Enter and Esc both keep the resident where they are."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from skillsapp.i18n import _
from skillsapp.ui.common.widgets import big_button, heading, paragraph


class LeaveDialog(QDialog):
    """``LeaveDialog("Bạn đang làm bài thi. Rời khỏi bài?").exec()`` is Accepted on leave."""

    def __init__(
        self,
        question: str,
        note: str = "",
        leave_text: str = "",
        stay_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Kỹ Năng Số"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(16)
        self.question = heading(question, level=2)
        layout.addWidget(self.question)
        self.note = paragraph(note)
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.leave_button = big_button(leave_text or _("Leave"))
        self.leave_button.setAutoDefault(False)
        self.leave_button.clicked.connect(self.accept)
        self.stay_button = big_button(stay_text or _("Stay and keep working"), primary=True)
        self.stay_button.setDefault(True)
        self.stay_button.clicked.connect(self.reject)
        row.addWidget(self.leave_button)
        row.addStretch(1)
        row.addWidget(self.stay_button)
        layout.addLayout(row)
        self.stay_button.setFocus()
        self._fit_screen()

    def _fit_screen(self) -> None:
        """As wide as a sentence reads well, never wider than the screen."""
        screen = self.screen().availableGeometry()
        width = min(max(self.sizeHint().width(), 36 * self.fontMetrics().averageCharWidth()), 900)
        width = min(width, screen.width() - 40)
        self.setMinimumWidth(min(self.minimumSizeHint().width(), width))
        self.resize(width, self.heightForWidth(width) if self.hasHeightForWidth() else 0)
