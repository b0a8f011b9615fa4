"""Installing or updating a content pack from a folder or a .zip file (a USB stick),
in the background. A refused pack shows every problem, file and line first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QListWidget, QVBoxLayout, QWidget

from skillsapp.content.install import PackRejected, install_pack
from skillsapp.errors import AppError
from skillsapp.i18n import _, format_datetime
from skillsapp.storage.ids import parse_iso
from skillsapp.ui.common.widgets import TaskPage, big_button, card, heading, paragraph
from skillsapp.ui.manage.common import BusyBar, Reflow, message_label, say
from skillsapp.ui.shell.context import AppContext

FOLDER, ZIP = "folder", "zip"


class ContentScreen(TaskPage):
    back = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        # Asks for a pack folder (kind "folder") or .zip file (kind "zip"); None when
        # cancelled. Tests replace it.
        self.choose_source: Callable[[str], Path | None] = self._ask_source
        page = self
        page.body.addWidget(heading(_("Content packs")))
        page.body.addWidget(
            paragraph(
                _(
                    "Install a new pack of lessons and questions, or a newer version of one, "
                    "for example from a USB stick. Learners' progress and contest results are kept."
                )
            )
        )
        self.folder_button = big_button(_("Install from a folder"), primary=True)
        self.folder_button.clicked.connect(lambda: self.install(FOLDER))
        self.zip_button = big_button(_("Install from a .zip file"))
        self.zip_button.clicked.connect(lambda: self.install(ZIP))
        # Two install buttons and "Back" do not fit one bar at the largest text on a
        # 1024-pixel screen: the buttons head the page, "Back" is in the bar.
        page.body.addWidget(Reflow([self.folder_button, self.zip_button], spacing=12))
        self.busy = BusyBar()
        page.body.addWidget(self.busy)
        self.result = message_label()
        page.body.addWidget(self.result)
        self.problems = QListWidget()
        self.problems.setAccessibleName(_("Problems in the pack"))
        self.problems.setWordWrap(True)
        self.problems.setMinimumHeight(self.fontMetrics().height() * 10)
        self.problems.setVisible(False)
        page.body.addWidget(self.problems)
        page.body.addWidget(heading(_("Installed packs"), level=2))
        self.pack_box = QVBoxLayout()
        page.body.addLayout(self.pack_box)
        self.pack_labels: list[QWidget] = []
        page.body.addStretch(1)
        self.back_button = self.add_action(big_button(_("Back")), left=True)
        self.back_button.clicked.connect(self.back.emit)
        self.setFocusProxy(self.folder_button)
        self.show_packs()

    def show_packs(self) -> None:
        for widget in self.pack_labels:
            self.pack_box.removeWidget(widget)
            widget.deleteLater()
        self.pack_labels = []
        packs = self.context.store.content.packs()
        if not packs:
            label = paragraph(_("No content pack is installed."))
            self.pack_box.addWidget(label)
            self.pack_labels.append(label)
        for pack in packs:
            frame, box = card()
            box.addWidget(heading(pack["title"], level=2))
            box.addWidget(
                paragraph(
                    _("Version {version}, installed {when}").format(
                        version=pack["version"],
                        when=format_datetime(parse_iso(pack["installed_at"])),
                    ),
                    muted=True,
                )
            )
            frame.setAccessibleName(pack["title"])
            self.pack_box.addWidget(frame)
            self.pack_labels.append(frame)

    def _ask_source(self, kind: str) -> Path | None:
        if kind == FOLDER:
            chosen = QFileDialog.getExistingDirectory(
                self, _("Choose the pack's folder"), str(Path.home())
            )
        else:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, _("Choose the pack's .zip file"), str(Path.home()), "*.zip"
            )
        return Path(chosen) if chosen else None

    def install(self, kind: str) -> None:
        source = self.choose_source(kind)
        if source is None:
            return
        store = self.context.store

        def work(progress):
            worker = store.for_thread()
            try:
                return install_pack(worker, source, progress)
            finally:
                worker.close()

        for button in (self.folder_button, self.zip_button):
            button.setEnabled(False)
        say(self.result, "")
        self.problems.clear()
        self.problems.setVisible(False)
        self.busy.start(_("Checking the pack…"))
        self.context.tasks.start(work, self._done, self._failed, self.busy.progress)

    def _finish(self) -> None:
        self.busy.stop()
        for button in (self.folder_button, self.zip_button):
            button.setEnabled(True)

    def _done(self, result) -> None:
        self._finish()
        # Another connection changed the index: drop what this one cached.
        self.context.store.content.forget_cache()
        self.context.content_changed.emit()
        pack = result.pack
        if result.replaced_version and result.replaced_version != pack.version:
            text = _("Updated {title} from version {old} to {new}.").format(
                title=pack.title, old=result.replaced_version, new=pack.version
            )
        else:
            text = _("Installed {title}, version {version}.").format(
                title=pack.title, version=pack.version
            )
        say(self.result, text, good=True)
        self.show_packs()

    def _failed(self, error: Exception) -> None:
        self._finish()
        if isinstance(error, PackRejected):
            say(
                self.result,
                _("The pack {source} was not installed because it has errors:").format(
                    source=error.where
                )
                + "\n"
                + error.summary,
                good=False,
            )
            for problem in sorted(error.problems, key=lambda p: (p.severity != "error", p)):
                self.problems.addItem(str(problem))
            self.problems.setVisible(True)
            self.problems.setFocus()
            return
        message = str(error) if isinstance(error, AppError) else _("Something went wrong.")
        say(self.result, message, good=False)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            self.back.emit()
            return
        super().keyPressEvent(event)
