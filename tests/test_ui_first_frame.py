"""The start: the window's opening frame first, the navigation and Home right after, and a
normal start that leaves the heavy modules (server, exports, content checking) unloaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from skillsapp.ui.shell.app import Launcher, prepare_context
from skillsapp.ui.shell.tasks import ImmediateRunner

ROOT = Path(__file__).resolve().parent.parent

# Loaded by a normal start, they would cost memory and time for nothing a resident does then.
HEAVY = (
    "sqlite_utils",
    "click",
    "pluggy",
    "dateutil",
    "yaml",
    "openpyxl",
    "fastapi",
    "sqlalchemy",
    "httpx",
    # The phone game's web server: only once the leader starts one.
    "starlette",
    "uvicorn",
    "skillsapp.live.web",
    "skillsapp.live.host",
    "skillsapp.server",
    "skillsapp.reports",
    "skillsapp.content.checker",
    "skillsapp.content.install",
)


def _launcher(tmp_path, shell: bool) -> Launcher:
    errors: list[str] = []
    context = prepare_context(str(tmp_path / "data"), None, errors.append)
    assert context is not None and errors == []
    context.tasks = ImmediateRunner()
    launcher = Launcher(QApplication.instance(), context, show_error=errors.append, shell=shell)
    launcher.errors = errors
    return launcher


def test_the_opening_frame_says_what_is_happening_then_the_shell_is_the_usual_one(qtbot, tmp_path):
    usual = _launcher(tmp_path / "usual", shell=True)
    qtbot.addWidget(usual.window)
    launcher = _launcher(tmp_path / "later", shell=False)
    window = launcher.window
    qtbot.addWidget(window)
    shown: list[str] = []
    window.area_shown.connect(shown.append)
    window.show()
    qtbot.waitExposed(window)

    assert not window.shell_built and not hasattr(window, "nav")
    texts = [label.text() for label in window.centralWidget().findChildren(QLabel)]
    assert texts == ["Kỹ Năng Số", "Đang mở dữ liệu của bạn…"]
    window.fit_navigation()  # a text-size change before the shell exists: nothing to fit
    window.load_icons()
    window.update_staff_areas()

    launcher.build_shell()
    launcher.build_shell()  # once only
    assert window.shell_built and shown == ["home"]
    assert window.current_area() == "home"
    assert [b.text() for b in window.nav.all_buttons()] == [
        b.text() for b in usual.window.nav.all_buttons()
    ]
    assert [k for k, b in window._nav_buttons.items() if b.isVisibleTo(window)] == [
        k for k, b in usual.window._nav_buttons.items() if b.isVisibleTo(usual.window)
    ]
    assert launcher.open_store() and launcher.errors == []
    assert window.request_area("lessons") and window.current_area() == "lessons"
    for started in (usual, launcher):
        if started.context.store is not None:
            started.context.store.close()


def _start(data: Path, probe: str = "") -> subprocess.CompletedProcess:
    """``python -m skillsapp --self-test`` as the benchmark runs it, with ``probe`` run at the
    first paint (it replaces the benchmark's memory report)."""
    code = (
        "import sys\n"
        "import skillsapp.ui.shell.app as app\n"
        "report = app.report_memory\n"
        "def probe(label):\n"
        "    report(label)\n"
        f"    {probe or 'pass'}\n"
        "app.report_memory = probe\n"
        "from skillsapp.cli import main\n"
        f"code = main(['--data-dir', {str(data)!r}, '--self-test'])\n"
        f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules), flush=True)\n"
        "from PySide6.QtWidgets import QApplication\n"
        "print('ICON', not QApplication.instance().windowIcon().isNull(), flush=True)\n"
        "sys.exit(code)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SKILLSAPP_REPORT_FIRST_PAINT="1")
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )


@pytest.mark.slow
def test_a_normal_start_paints_in_order_and_leaves_heavy_modules_unloaded(tmp_path):
    first = _start(tmp_path)  # creates the database and installs the bundled packs
    assert first.returncode == 0, first.stdout + first.stderr
    probe = (
        "print('AT_FIRST_PAINT', sorted(m for m in ('skillsapp.ui.shell.navigation', "
        "'skillsapp.ui.common.widgets', 'skillsapp.ui.learner.home', 'skillsapp.storage') "
        "if m in sys.modules), flush=True) if label == 'FIRST_PAINT' else None"
    )
    again = _start(tmp_path, probe)
    assert again.returncode == 0, again.stdout + again.stderr
    lines = again.stdout.splitlines()
    order = [line.split()[0] for line in lines if line.split()[0] in _MARKERS]
    assert order == list(_MARKERS), again.stdout
    assert "AT_FIRST_PAINT []" in lines, again.stdout
    assert "LOADED []" in lines, again.stdout
    assert "ICON True" in lines, again.stdout  # set once the window is painted


_MARKERS = ("FIRST_PAINT", "AT_FIRST_PAINT", "SHELL_PAINT", "READY", "SELF-TEST", "LOADED")


def test_background_sync_on_a_pc_never_enrolled_loads_no_sync_client(tmp_path):
    """Most commune PCs are never enrolled: the minute-by-minute check finds nothing due
    without importing the runner's HTTP client and signing library."""
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from skillsapp.storage import open_store\n"
        "from skillsapp.ui.shell.app import prepare_context\n"
        "from skillsapp.ui.sync.auto_sync import AutoSync\n"
        "app = QApplication([])\n"
        f"context = prepare_context({str(tmp_path)!r}, None, print)\n"
        "context.set_store(open_store(context.paths))\n"
        "auto = AutoSync(context)\n"
        "print('TRIGGERED', auto.trigger())\n"
        "print('LOADED', sorted(m for m in ('requests', 'urllib3', 'ssl', 'nacl', "
        "'skillsapp.sync.runner', 'skillsapp.sync.client') if m in sys.modules))\n"
        "context.store.close()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TRIGGERED False" in result.stdout.splitlines()
    assert "LOADED []" in result.stdout.splitlines(), result.stdout
