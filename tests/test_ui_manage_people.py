"""Organisers add one another; certificates for everyone who finished the programme."""

from pypdf import PdfReader
from PySide6.QtCore import Qt
from ui_helpers import make_context

from skillsapp.cli import main as cli_main
from skillsapp.ui.manage.common import ZERO_WIDTH_SPACE
from skillsapp.ui.manage.people import CertificatesScreen, OrganisersScreen


def shown(label) -> str:
    """What a label says, without the invisible break points put into long file paths."""
    return label.text().replace(ZERO_WIDTH_SPACE, "")


def finish_everything(context, name):
    profile = context.store.profiles.create(name)
    for lesson in context.store.content.lessons():
        context.store.progress.quiz_result(profile.id, lesson.id, 100.0, passed=True)
    return profile


def test_a_second_organiser_can_be_added_and_signs_in(qtbot, tmp_path):
    context = make_context(tmp_path)
    code, _expires = context.store.organisers.issue_setup_code()
    context.store.organisers.create("to-truong", "mat-khau-dai", setup_code=code)
    screen = OrganisersScreen(context)
    qtbot.addWidget(screen)
    screen.username.setText("pho-to")
    screen.password.setText("mat-khau-khac")
    screen.again.setText("mat-khau-sai")
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    assert "không giống" in screen.message.text() and context.store.organisers.usernames() == [
        "to-truong"
    ]
    screen.again.setText("mat-khau-khac")
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    assert context.store.organisers.usernames() == ["pho-to", "to-truong"]
    assert context.store.organisers.verify("pho-to", "mat-khau-khac")
    assert "pho-to" in screen.names.text()
    context.store.close()


def test_certificates_for_everyone_who_finished(qtbot, tmp_path):
    context = make_context(tmp_path)
    finish_everything(context, "Nguyễn Thị Lan")
    finish_everything(context, "Trần Văn Ba")
    context.store.profiles.create("Chưa Xong")
    screen = CertificatesScreen(context)
    qtbot.addWidget(screen)
    assert "2" in screen.count.text() and screen.make_button.isEnabled()
    target = tmp_path / "out" / "chung-nhan.pdf"
    screen.choose_path = lambda _suggested: target
    qtbot.mouseClick(screen.make_button, Qt.MouseButton.LeftButton)
    pages = PdfReader(target).pages
    assert len(pages) == 2
    text = " ".join(page.extract_text() for page in pages)
    assert "Nguyễn Thị Lan" in text and "Trần Văn Ba" in text and "Chưa Xong" not in text
    assert str(target) in shown(screen.message)
    context.store.close()


def test_programme_certificates_from_the_command_line(tmp_path, capsys):
    context = make_context(tmp_path)
    finish_everything(context, "Lê Thị Hoa")
    context.store.close()
    target = tmp_path / "cn.pdf"
    assert (
        cli_main(
            [
                "--data-dir",
                str(context.paths.root),
                "export",
                "programme-certificates",
                "-o",
                str(target),
            ]
        )
        == 0
    )
    assert "Lê Thị Hoa" in PdfReader(target).pages[0].extract_text()
