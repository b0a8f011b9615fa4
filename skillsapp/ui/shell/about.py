"""About: the version, and where this installation keeps data, backups and logs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from skillsapp import __version__
from skillsapp.i18n import _
from skillsapp.ui.shell.context import AppContext


class AboutDialog(QDialog):
    def __init__(self, context: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About Kỹ Năng Số"))
        layout = QVBoxLayout(self)
        title = QLabel(_("Kỹ Năng Số"))
        title.setObjectName("title")
        layout.addWidget(title)
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
        self.details = QLabel("\n".join(lines))
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
