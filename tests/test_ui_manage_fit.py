"""Every Quản lý and Đồng bộ screen fits the commune PCs' screens (1024×768 and
1366×768) at every text size: the action bar in view, nothing wider than the window,
every click target at least 44 px high, no button or label text cut.

The area is what the window leaves beside today's navigation bar at the largest text
(335 px) under a title bar and a task bar. On failure the screenshots are written to
``$SKILLSAPP_LAYOUT_SHOTS`` (or the test's tmp folder) so the problem can be seen.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from test_ui_manage import CONTEST, NAME, play_round
from ui_helpers import make_context

from skillsapp.i18n import language
from skillsapp.settings import TEXT_SIZES, Settings
from skillsapp.sync.runner import SyncStatus
from skillsapp.ui.common.widgets import MIN_TARGET, TaskPage, WrapButton
from skillsapp.ui.shell.app import apply_look

ROOT = Path(__file__).resolve().parent.parent
NAV_WIDTH = 335  # the navigation bar at the largest text
CHROME_HEIGHT = 68  # title bar and task bar
SCREENS = [(1024, 768), (1366, 768)]


@pytest.fixture
def look():
    """Apply a text size to the whole app, and put the default look back afterwards."""
    app = QApplication.instance()
    font, sheet = app.font(), app.styleSheet()

    def apply(context, text_size: str) -> None:
        context.settings.text_size = text_size
        apply_look(app, context, None)

    yield apply
    app.setFont(font)
    app.setStyleSheet(sheet)


def _inside_scroll(widget: QWidget, host: QWidget, sideways: bool = False) -> bool:
    """Whether ``widget`` is in a scroll area (one that scrolls sideways, if asked)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not host:
        if isinstance(parent, QAbstractScrollArea) and (
            not sideways
            or parent.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        ):
            return True
        parent = parent.parentWidget()
    return False


def _name(widget: QWidget) -> str:
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    return f"{type(widget).__name__}({text or widget.accessibleName()!r})"


def _untranslated() -> set[str]:
    """English message ids the Vietnamese catalog translates to something else."""
    catalog = read_po((ROOT / "locales/vi/LC_MESSAGES/skillsapp.po").open("rb"))
    return {
        m.id for m in catalog if isinstance(m.id, str) and m.id and m.string and m.string != m.id
    }


def layout_problems(host: QWidget) -> list[str]:
    """What a resident would find wrong with the screen in ``host``, one line each."""
    problems = []
    area = host.rect()
    english = _untranslated() if language() == "vi" else set()
    for widget in host.findChildren(QWidget):
        if not widget.isVisibleTo(host) or widget.window() is not host:
            continue
        clickable = isinstance(widget, QAbstractButton | QLineEdit | QComboBox | QAbstractSpinBox)
        if isinstance(widget.parentWidget(), QAbstractSpinBox | QComboBox):
            continue  # the box's own line edit and arrows: the box is checked
        if not clickable and not isinstance(widget, QLabel):
            continue
        rect = QRect(widget.mapTo(host, QPoint(0, 0)), widget.size())
        if clickable and widget.height() < MIN_TARGET:
            problems.append(f"{_name(widget)} is {widget.height()} px high")
        # Only a table may scroll sideways; a page that does hides its right edge.
        outside = rect.left() < area.left() or rect.right() > area.right()
        if outside and not _inside_scroll(widget, host, sideways=True):
            problems.append(f"{_name(widget)} is wider than the window: {rect}")
        if not _inside_scroll(widget, host) and (
            rect.top() < area.top() or rect.bottom() > area.bottom()
        ):
            problems.append(f"{_name(widget)} is below the window's edge: {rect}")
        plain = isinstance(widget, QPushButton) and not isinstance(widget, WrapButton)
        if plain and widget.text() and widget.width() < widget.sizeHint().width():
            problems.append(
                f"{_name(widget)} cuts its text: {widget.width()} < {widget.sizeHint().width()}"
            )
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.text():
            needed = widget.fontMetrics().horizontalAdvance(widget.text())
            if widget.contentsRect().width() < needed:
                problems.append(f"{_name(widget)} cuts its text: {widget.width()} < {needed}")
        if isinstance(widget, QLabel) and widget.wordWrap() and "<" not in widget.text():
            # A word cannot wrap: one longer than the label (a file path) is cut.
            words = re.split(r"[\s\u200b]+", widget.text())  # a zero-width space may break
            longest = max(words, key=widget.fontMetrics().horizontalAdvance)
            if widget.fontMetrics().horizontalAdvance(longest) > widget.contentsRect().width():
                problems.append(f"{_name(widget)} cuts the word {longest!r}")
        shown = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
        if shown in english:
            problems.append(f"{_name(widget)} is not translated")
        if isinstance(widget, QComboBox) and widget.count():
            # Every choice, not only the current one: each can be chosen and shown.
            longest = max((widget.itemText(i) for i in range(widget.count())), key=len)
            needed = widget.fontMetrics().horizontalAdvance(longest) + 32 + 16
            if widget.width() < needed:
                problems.append(f"{_name(widget)} cuts {longest!r}")
            if widget.view().sizeHintForRow(0) < MIN_TARGET:
                problems.append(f"{_name(widget)}'s list rows are under {MIN_TARGET} px")
            problems += [
                f"{_name(widget)} offers {widget.itemText(i)!r} untranslated"
                for i in range(widget.count())
                if widget.itemText(i) in english
            ]
    for table in host.findChildren(QTableWidget):
        bar = table.horizontalScrollBar()
        if table.isVisibleTo(host) and bar.isVisibleTo(host) and bar.height() < 16:
            problems.append(f"{table.accessibleName()}'s sideways scroll bar is {bar.height()} px")
    for page in host.findChildren(TaskPage):
        if page.isVisibleTo(host):
            bar = QRect(page.action_bar.mapTo(host, QPoint(0, 0)), page.action_bar.size())
            if not area.contains(bar):
                problems.append(f"{type(page).__name__}'s action bar is out of view: {bar}")
    return problems


class Host(QWidget):
    """The part of a ``width``×``height`` screen the window gives an area."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.setFixedSize(width - NAV_WIDTH, height - CHROME_HEIGHT)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)

    def put(self, widget: QWidget) -> QWidget:
        while self.box.count():
            old = self.box.takeAt(0).widget()
            old.hide()
            old.deleteLater()
        self.box.addWidget(widget)
        widget.show()
        return widget


def _states(context, host: Host, monkeypatch):
    """Each screen and state, built as the organiser reaches it; yields a name for each."""
    from skillsapp.ui.manage.contests import ContestsArea
    from skillsapp.ui.manage.people import CertificatesScreen, OrganisersScreen
    from skillsapp.ui.manage.targets import TargetsScreen
    from skillsapp.ui.sync.page import SyncPage

    contests = host.put(ContestsArea(context))
    yield "contests"
    contests.show_editor(None)
    editor = contests.current_screen()
    editor._add_quota(None)
    editor._add_round()
    editor.save()  # no title: every red message shows
    yield "new contest with problems"
    contest = context.store.content.contest(CONTEST)
    contests.show_editor(contest)
    yield "pack contest, read only"
    contests.show_round(contest, contest.round("tuan-1"))
    yield "round with results"
    deep = Path("/media/usb-cua-to-truong/ket-qua-cuoc-thi-tim-hieu-chuyen-doi-so-2026")
    contests.current_screen()._done([deep / "tim-hieu-chuyen-doi-so-2026-tuan-1.xlsx"], True)
    yield "round after an export to a long path"
    contests.show_round(contest, contest.round("tuan-2"))
    yield "round without results"

    from skillsapp.ui.manage.content import ContentScreen

    host.put(ContentScreen(context))
    yield "content packs"
    targets = host.put(TargetsScreen(context))
    targets.province.set_value("01")
    targets.commune.set_value("00070")
    targets.save()
    yield "targets with a chart"
    host.put(CertificatesScreen(context))
    yield "certificates"
    host.put(OrganisersScreen(context))
    yield "organisers"

    sync = host.put(SyncPage(context))
    yield "sync, not connected"
    sync.show_screen(sync.enrol_screen)
    sync.enrol_screen.submit()  # nothing typed: red messages under the fields
    yield "enrol with problems"
    sync.show_screen(sync.usb_screen)
    yield "copy to USB"

    # Connected, with every message the overview can show at once.
    import skillsapp.ui.sync.page as sync_page

    later = context.now() + datetime.timedelta(minutes=5)
    problem = "Không kết nối được tới máy chủ của tỉnh. Kết quả vẫn được giữ trên máy này."
    connected = SyncStatus(True, "https://kns.tinh.gov.vn", 12, 2, context.now(), problem, later)
    monkeypatch.setattr(sync_page, "status", lambda _store: connected)
    sync.show_overview()
    yield "sync, connected, with a problem"


@pytest.mark.parametrize("text_size", TEXT_SIZES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_manage_and_sync_screen_fits(tmp_path, qtbot, look, monkeypatch, screen, text_size):
    context = make_context(tmp_path)
    look(context, text_size)
    context.set_organiser(NAME)
    play_round(context.store)
    host = Host(*screen)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    shots = Path(os.environ.get("SKILLSAPP_LAYOUT_SHOTS", tmp_path / "layout"))
    found = {}
    for state in _states(context, host, monkeypatch):
        QApplication.processEvents()
        QApplication.processEvents()
        problems = layout_problems(host)
        if problems:
            found[state] = problems
            shots.mkdir(parents=True, exist_ok=True)
            name = f"{screen[0]}x{screen[1]}-{text_size}-{state.replace(' ', '-')}.png"
            host.grab().save(str(shots / name))
    context.store.close()
    assert not found, f"screenshots in {shots}:\n" + "\n".join(
        f"{state}: {p}" for state, problems in found.items() for p in problems
    )


def test_the_audit_sees_cut_text_small_targets_and_english(qtbot, look, tmp_path):
    """The check itself: a long button in a narrow place, a short input, English text
    and a drop-down with cramped rows are all caught."""
    context = make_context(tmp_path)
    look(context, Settings().text_size)
    host = Host(1024, 768)
    qtbot.addWidget(host)
    inner = QWidget()
    box = QVBoxLayout(inner)
    button = QPushButton("Một nút có chữ rất dài " * 6)
    button.setMaximumWidth(200)
    edit = QLineEdit()
    edit.setStyleSheet("QLineEdit { min-height: 0px; padding: 0px; }")
    edit.setFixedHeight(24)
    english = QLabel("Back")
    plain = QComboBox()
    plain.addItems(["Một", "Hai"])
    # Rows as small as a bare Qt list's, whatever the app's theme makes of them.
    plain.view().setStyleSheet("QAbstractItemView::item { min-height: 0px; height: 20px; }")
    for widget in (button, edit, english, plain):
        box.addWidget(widget)
    host.put(inner)
    host.show()
    qtbot.waitExposed(host)
    problems = layout_problems(host)
    context.store.close()
    assert any("cuts its text" in p and "QPushButton" in p for p in problems)
    assert any("24 px high" in p for p in problems)
    assert language() != "vi" or "QLabel('Back') is not translated" in problems
    assert any("list rows are under" in p for p in problems)
