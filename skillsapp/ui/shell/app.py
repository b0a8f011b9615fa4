"""Starting the app: the window first, slow work after, errors as plain messages."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel

from skillsapp.errors import AppError, DataDirError
from skillsapp.i18n import _, missing_catalog, set_language
from skillsapp.logs import setup_logging
from skillsapp.paths import DataPaths, resolve_data_dir
from skillsapp.settings import load_settings
from skillsapp.ui.shell import theme
from skillsapp.ui.shell.bank_warmup import BankWarmup, warm_question_bank
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.fonts import load_bundled_font
from skillsapp.ui.shell.main_window import MainWindow
from skillsapp.ui.shell.translations import install_qt_translations

log = logging.getLogger(__name__)

__all__ = ["Launcher", "run_app", "warm_question_bank"]

# Benchmarks set this to learn when the first frame is on screen (tests/bench/startup.py).
FIRST_PAINT_ENV = "SKILLSAPP_REPORT_FIRST_PAINT"
# ... and this to keep a self-test running N seconds after it is ready, to measure memory then.
LINGER_ENV = "SKILLSAPP_BENCH_LINGER_S"


def peak_rss_kib() -> int:
    """The process's peak resident memory so far, in KiB (0 where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows: no resource module; the benchmark runs on Linux
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def report_memory(label: str) -> None:
    """Print the peak memory and the CPU time used so far (user and system, all threads: a
    figure other processes on the machine barely change), and with ``PYTHONTRACEMALLOC`` set,
    where Python's memory went."""
    print(f"{label}_PEAK_RSS_KIB {peak_rss_kib()}", flush=True)
    print(f"{label}_CPU_MS {time.process_time() * 1000:.1f}", flush=True)
    import tracemalloc

    if tracemalloc.is_tracing():
        top = tracemalloc.take_snapshot().statistics("filename")[:12]
        for stat in top:
            print(f"{label}_TRACEMALLOC {stat.size / 1024:.0f} KiB {stat.traceback[0].filename}")


class FirstPaintWatcher(QObject):
    """Calls ``then`` once the window has painted its next frame, so slow work
    (the navigation and areas, icons, the database) never delays what the user sees first.
    ``label``: what a benchmark is told (FIRST_PAINT also reports the memory)."""

    def __init__(self, then: Callable[[], None], report: bool, label: str = "FIRST_PAINT") -> None:
        super().__init__()
        self.then = then
        self.report = report
        self.label = label
        self.started = time.perf_counter()
        self.done = False

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            watched.removeEventFilter(self)
            if self.report:
                print(f"{self.label} {time.perf_counter() - self.started:.6f}", flush=True)
                if self.label == "FIRST_PAINT":
                    report_memory("FIRST_PAINT")
            QTimer.singleShot(0, self.then)
        return False


ErrorSink = Callable[[str], None]


def _critical(message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, _("Kỹ Năng Số"), message)


def apply_look(app: QApplication, context: AppContext, family: str | None) -> None:
    """Apply the text size, font and colours from settings to the whole app."""
    settings = context.settings
    font = QFont(family) if family else app.font()
    font.setPointSizeF(theme.point_size(settings.text_scale))
    app.setFont(font)
    app.setStyleSheet(theme.style_sheet(settings.text_scale, settings.high_contrast))


class Launcher:
    """Owns the window's life: builds it, opens the store after it is shown,
    and rebuilds it when the language changes. ``shell=False``: the window starts with its
    opening frame only, and :meth:`build_shell` adds the navigation and areas (``run_app``
    does so right after that first frame is on screen)."""

    def __init__(
        self,
        app: QApplication,
        context: AppContext,
        show_error: ErrorSink = _critical,
        shell: bool = True,
    ):
        self.app = app
        self.context = context
        self.show_error = show_error
        self.family, font_problem = load_bundled_font()
        if font_problem:
            context.notices.append(font_problem)
        catalog = missing_catalog()
        if catalog:
            context.notices.append(
                f"The Vietnamese translation file is missing ({catalog}); text is shown in English."
            )
        self._language = context.settings.language
        install_qt_translations(self._language)
        apply_look(app, context, self.family)
        self._look = self._look_settings()
        self.bank_warmup = BankWarmup(context)  # the whole bank only once a draw may come
        self.window = self._build_window(shell)
        context.settings_changed.connect(self._on_settings_changed)

    def build_shell(self) -> None:
        self.window.build_shell()

    def _build_window(self, shell: bool = True) -> MainWindow:
        window = MainWindow(self.context, shell=shell)
        window.area_shown.connect(self.bank_warmup.area_shown)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setObjectName("bad")
        self.banner.setVisible(False)
        self.status = window.statusBar()
        self.status.addWidget(self.banner, 1)
        self.status.setSizeGripEnabled(False)
        self.status.setVisible(False)  # no empty strip at the bottom of a short screen
        self._show_notices()
        return window

    def _show_notices(self) -> None:
        if self.context.notices:
            self.banner.setText("\n".join(self.context.notices))
            self.banner.setVisible(True)
            self.status.setVisible(True)

    def open_store(self) -> bool:
        """Open the database after the window is on screen. Returns False if the app must stop."""
        from skillsapp.storage import open_store  # loaded after the first paint

        try:
            store = open_store(self.context.paths)
        except AppError as exc:
            log.error("cannot open store: %s", type(exc).__name__)
            self.show_error(str(exc))
            return False
        self.context.notices.extend(n.message for n in store.notices)
        self._show_notices()
        self.context.set_store(store)
        self.install_bundled_content()
        return True

    def install_bundled_content(self) -> None:
        """Install or update the packs shipped with the app, off the UI thread."""
        store = self.context.store
        assert store is not None

        def work(progress):
            from skillsapp.content.bundled_state import bundled_content_current

            worker = store.for_thread()
            try:
                if bundled_content_current(worker):  # the usual start: nothing to install
                    return []
                from skillsapp.content.install import ensure_bundled_content

                return ensure_bundled_content(worker, progress)
            finally:
                worker.close()

        def done(installed) -> None:
            if installed and self.context.store is not None:
                self.context.store.content.forget_cache()
                self.context.content_changed.emit()
                self.bank_warmup.content_installed()

        def failed(exc: Exception) -> None:
            self.context.notices.append(str(exc))
            self._show_notices()

        self.context.tasks.start(work, done, failed)

    def _look_settings(self) -> tuple[object, ...]:
        settings = self.context.settings
        return (settings.text_size, settings.high_contrast)

    def _on_settings_changed(self) -> None:
        settings = self.context.settings
        look = self._look_settings()
        if look != self._look:  # not for every saved setting (e.g. the window's place)
            self._look = look
            apply_look(self.app, self.context, self.family)
            self.window.load_icons()  # icon colours follow the contrast setting
            self.window.fit_navigation()
        if settings.language != self._language:
            self._language = settings.language
            set_language(settings.language)
            install_qt_translations(settings.language)
            old = self.window
            self.window = self._build_window()
            self.window.restoreGeometry(old.saveGeometry())
            self.window.load_icons()
            self.window.show()
            # The old window's screens go with it; a contest attempt's answers are saved
            # and the contests area offers to continue it.
            if self.context.navigation_lock:
                self.context.unlock_navigation()
            old.ask_on_close = False
            old.close()
            old.deleteLater()
            if self.context.store is not None:
                self.context.store_opened.emit()


def prepare_context(
    data_dir: str | None, language: str | None, show_error: ErrorSink
) -> AppContext | None:
    """Find the data folder, start logging, read settings. None when the app cannot start."""
    paths = DataPaths(resolve_data_dir(data_dir))
    try:
        paths.ensure()
    except DataDirError as exc:
        show_error(str(exc))
        return None
    setup_logging(paths.logs)
    result = load_settings(paths.settings)
    settings = result.settings
    if language:
        settings.language = language
    set_language(settings.language)
    context = AppContext(paths, settings)
    if result.problem:
        context.notices.append(result.problem)
    return context


def set_window_icon(app: QApplication) -> None:
    """The app's icon (title bar, task bar). Set once the window is painted: rendering the SVG
    loads Qt's SVG module and image plugin (~40 ms and ~2 MiB before the first frame on X11)."""
    from pathlib import Path

    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(Path(__file__).resolve().parent / "assets" / "skillsapp.svg")))


def run_app(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("skillsapp")
    app.setApplicationDisplayName(_("Kỹ Năng Số"))
    context = prepare_context(args.data_dir, args.lang, _critical)
    if context is None:
        return 2
    launcher = Launcher(app, context, shell=False)
    report = bool(os.environ.get(FIRST_PAINT_ENV))
    exit_code = {"value": 0}

    if args.self_test:
        # The packaged build's smoke test: install the bundled content before checking it.
        from skillsapp.ui.shell.tasks import ImmediateRunner

        context.tasks = ImmediateRunner()

    def after_first_paint() -> None:
        # The opening frame is on screen: add the navigation and areas, and go on once they
        # are painted too.
        launcher.build_shell()
        watchers.append(FirstPaintWatcher(after_shell_paint, report, label="SHELL_PAINT"))
        launcher.window.installEventFilter(watchers[-1])

    def after_shell_paint() -> None:
        set_window_icon(app)
        launcher.window.load_icons()
        if not launcher.open_store():
            exit_code["value"] = 2
            app.exit(2)
            return
        if report:
            print("READY", flush=True)
        if args.self_test:
            launcher.window.grab()  # render the whole window once
            store = context.store
            lessons, questions = len(store.content.lessons()), store.content.question_count()
            healthy = store.integrity_ok() and lessons > 0 and questions > 0
            print(
                f"SELF-TEST {'OK' if healthy else 'FAILED'}: {lessons} lessons, {questions} questions",
                flush=True,
            )
            exit_code["value"] = 0 if healthy else 1
            linger = float(os.environ.get(LINGER_ENV) or 0)
            if report and linger:

                def later() -> None:
                    report_memory("LATER")
                    app.exit(exit_code["value"])

                QTimer.singleShot(int(linger * 1000), later)
            else:
                app.exit(exit_code["value"])
            return
        from skillsapp.ui.sync.auto_sync import AutoSync

        auto_sync["value"] = AutoSync(context)
        auto_sync["value"].start()

    auto_sync: dict[str, object] = {}
    watchers = [FirstPaintWatcher(after_first_paint, report)]  # kept alive while they watch
    launcher.window.installEventFilter(watchers[0])
    launcher.window.show_fitted()
    result = app.exec()
    syncing = auto_sync.get("value")
    if syncing is not None:
        syncing.stop(wait_seconds=10)  # type: ignore[attr-defined]
    if context.store is not None:
        context.store.close()
    return exit_code["value"] or result
