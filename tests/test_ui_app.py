"""The window as a user meets it: opens, speaks Vietnamese, remembers settings."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from skillsapp.settings import load_settings
from skillsapp.storage import open_store
from skillsapp.ui.shell.app import Launcher, prepare_context
from skillsapp.ui.shell.tasks import ImmediateRunner
from skillsapp.ui.shell.translations import install_qt_translations


@pytest.fixture
def launcher(qtbot, tmp_path):
    errors: list[str] = []
    context = prepare_context(str(tmp_path / "data"), None, errors.append)
    assert context is not None and errors == []
    context.tasks = ImmediateRunner()
    launcher = Launcher(QApplication.instance(), context, show_error=errors.append)
    qtbot.addWidget(launcher.window)
    launcher.window.show()
    qtbot.waitExposed(launcher.window)
    launcher.errors = errors
    yield launcher
    if context.store is not None:
        context.store.close()


def visible_texts(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)]


def test_window_opens_in_vietnamese_and_then_opens_the_store(launcher):
    window = launcher.window
    assert window.windowTitle() == "Kỹ Năng Số"
    assert "Chào mừng bạn đến với Kỹ Năng Số" in visible_texts(window)
    assert "Đang mở dữ liệu của bạn…" in visible_texts(window)  # shown before slow work
    assert launcher.open_store()
    assert "Ai đang học hôm nay?" in visible_texts(window)
    assert launcher.context.store.content.question_count() > 300  # bundled pack installed
    nav = [b.text() for b in window._nav_buttons.values()]
    assert nav == [
        "Trang chủ",
        "Học bài",
        "Luyện tập",
        "Cuộc thi",
        "Buổi sinh hoạt",
        "Quản lý",
        "Đồng bộ",
    ]


def test_navigation_by_click_and_keyboard(launcher, qtbot):
    window = launcher.window
    qtbot.mouseClick(window._nav_buttons["contests"], Qt.MouseButton.LeftButton)
    assert window.current_area() == "contests"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert window.current_area() == "lessons"


def test_text_size_and_contrast_apply_and_are_remembered(launcher):
    app = QApplication.instance()
    before = app.font().pointSizeF()
    launcher.context.update_settings(text_size="largest", high_contrast=True)
    assert app.font().pointSizeF() > before
    assert "#000000" in app.styleSheet()
    saved = load_settings(launcher.context.paths.settings).settings
    assert saved.text_size == "largest" and saved.high_contrast


def test_language_switch_rebuilds_window_in_english(launcher, qtbot):
    assert launcher.open_store()
    launcher.context.update_settings(language="en")
    qtbot.addWidget(launcher.window)
    assert launcher.window.windowTitle() == "Kỹ Năng Số"
    assert [b.text() for b in launcher.window._nav_buttons.values()][1] == "Lessons"
    assert "Who is learning today?" in visible_texts(launcher.window)
    launcher.context.update_settings(language="vi")
    qtbot.addWidget(launcher.window)


def test_qt_dialog_buttons_are_translated(qtbot):
    assert install_qt_translations("vi")
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Hủy"
    install_qt_translations("en")
    box2 = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box2)
    assert box2.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"
    install_qt_translations("vi")


def test_database_from_newer_version_shows_message_not_traceback(launcher):
    store = open_store(launcher.context.paths)
    store.db["_sqlite_migrations"].insert(
        {"migration_set": "skillsapp", "name": "m999_future", "applied_at": "2030"}
    )
    store.close()
    assert launcher.open_store() is False
    assert len(launcher.errors) == 1 and "phiên bản Kỹ Năng Số mới hơn" in launcher.errors[0]


def test_unwritable_data_folder_shows_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    errors: list[str] = []
    assert prepare_context(str(blocker / "data"), None, errors.append) is None
    assert errors and "Không thể lưu dữ liệu" in errors[0]


def test_garbage_settings_are_reported_on_screen(qtbot, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text("{broken")
    errors: list[str] = []
    context = prepare_context(str(data), None, errors.append)
    launcher = Launcher(QApplication.instance(), context, show_error=errors.append)
    qtbot.addWidget(launcher.window)
    assert launcher.banner.isVisibleTo(launcher.window)
    assert "cài đặt mặc định" in launcher.banner.text()


def test_missing_font_is_reported(qtbot, tmp_path):
    from skillsapp.ui.shell.fonts import load_bundled_font

    family, problem = load_bundled_font(tmp_path / "nowhere")
    assert family is None and "phông chữ" in problem


def test_about_dialog_shows_version_and_paths(launcher, qtbot):
    from skillsapp import __version__
    from skillsapp.ui.shell.about import AboutDialog

    dialog = AboutDialog(launcher.context, launcher.window)
    qtbot.addWidget(dialog)
    text = dialog.text()
    assert __version__ in text
    assert str(launcher.context.paths.backups) in text and str(launcher.context.paths.logs) in text
