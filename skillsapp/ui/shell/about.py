"""About: the version, and where this installation keeps data, backups and logs."""

from __future__ import annotations

from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QTextBrowser, QVBoxLayout

from skillsapp import __version__
from skillsapp.i18n import _
from skillsapp.ui.common.widgets import heading
from skillsapp.ui.shell.context import AppContext


class AboutDialog(QDialog):
    """Fits a 1024×768 screen at the largest text: long folder paths wrap anywhere (a label
    would only wrap at spaces and grow wider than the screen), and the text scrolls if it
    must, above a Close button that stays in view."""

    def __init__(self, context: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About Kỹ Năng Số"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(heading(_("Kỹ Năng Số")))
        paths = context.paths
        lines = [
            _("Version {version}").format(version=__version__),
            _(
                "Lessons, practice and contests on basic digital skills, for community digital-technology groups."
            ),
            _("Data: {path}").format(path=paths.root),
            _("Backups: {path}").format(path=paths.backups),
            _("Logs: {path}").format(path=paths.logs),
        ]
        self.details = QTextBrowser()
        self.details.setFrameShape(QFrame.Shape.NoFrame)
        self.details.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.details.setPlainText("\n\n".join(lines))
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self._fit_screen()

    def text(self) -> str:
        return self.details.toPlainText()

    def _fit_screen(self) -> None:
        """About 40 characters wide and as tall as the text, within the screen."""
        screen = self.screen().availableGeometry()
        width = min(40 * self.fontMetrics().averageCharWidth() + 48, screen.width() - 40, 900)
        self.details.document().setTextWidth(width - 48 - 8)
        text_height = int(self.details.document().size().height()) + 8
        others = self.sizeHint().height() - self.details.sizeHint().height()
        height = min(text_height + others, screen.height() - 60)
        self.resize(width, height)
