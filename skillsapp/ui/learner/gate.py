"""What a learning area shows before a learner is chosen: a plain sentence and
one button to where names are chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from skillsapp.i18n import _
from skillsapp.ui.common.widgets import Page, big_button, heading, paragraph
from skillsapp.ui.shell.context import AppContext


class NoLearnerScreen(Page):
    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.addWidget(heading(title))
        self.message = paragraph(
            _("First choose who is learning: go to the home page and pick your name, or add it.")
        )
        self.body.addWidget(self.message)
        self.home_button = big_button(_("Go to the home page"), primary=True)
        self.home_button.setAutoDefault(True)
        self.home_button.clicked.connect(lambda: context.navigate.emit("home", None))
        self.body.addWidget(self.home_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addStretch(1)


class WaitingScreen(Page):
    """Shown until the data is open (the store opens after the first paint)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.addWidget(heading(title))
        self.body.addWidget(paragraph(_("Opening your data…"), muted=True))
        self.body.addStretch(1)


class LearnerArea(QWidget):
    """An area for learners: a stack that starts with "opening your data" and "choose
    who is learning" screens; subclasses add their own screens to ``self.stack``."""

    def __init__(self, context: AppContext, title: str) -> None:
        super().__init__()
        self.context = context
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.waiting = WaitingScreen(title)
        self.no_learner = NoLearnerScreen(context, title)
        self.stack.addWidget(self.waiting)
        self.stack.addWidget(self.no_learner)
