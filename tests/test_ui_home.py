"""Choosing or creating a learner profile, the welcome screen and the certificate."""

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from ui_helpers import make_context

from skillsapp.storage.progress import DONE
from skillsapp.ui.learner.home import HomePage
from skillsapp.ui.learner.progress import ProgressPage


@pytest.fixture
def context(tmp_path, qtbot):
    context = make_context(tmp_path)
    yield context
    context.store.close()


@pytest.fixture
def home(context, qtbot):
    page = HomePage(context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    return page


def test_new_learner_creates_a_profile_with_a_few_clicks(home, context, qtbot):
    assert home.stack.currentWidget() is home.chooser
    assert home.chooser.empty.isVisible()
    qtbot.mouseClick(home.chooser.new_button, Qt.MouseButton.LeftButton)
    form = home.new_profile
    assert home.stack.currentWidget() is form
    form.name.setText(
        "  Nguyễn   Thị Lan "
    )  # QTest cannot type Vietnamese letters; a keyboard layout would
    form.year.setCurrentIndex(form.year.findData(1962))
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    assert context.profile is not None and context.profile.display_name == "Nguyễn Thị Lan"
    assert context.store.profiles.get(context.profile.id).birth_year == 1962
    assert home.stack.currentWidget() is home.welcome
    assert home.welcome.greeting.text() == "Chào Nguyễn Thị Lan!"
    assert "0/10" in home.welcome.status.text() or "0 trên 10" in home.welcome.status.text()


def test_empty_name_is_refused_in_place(home, context, qtbot):
    qtbot.mouseClick(home.chooser.new_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(home.new_profile.save, Qt.MouseButton.LeftButton)
    assert home.new_profile.error.text() == "Vui lòng nhập tên."
    assert context.profile is None and context.store.profiles.list() == []


def test_choosing_an_existing_learner_and_switching(home, context, qtbot):
    context.store.profiles.create("Trần Văn Ba")
    context.store.profiles.create("Lê Thị Tư")
    home.show_chooser()
    names = [b.text() for b in home.chooser.buttons]
    assert names == ["Lê Thị Tư", "Trần Văn Ba"]
    qtbot.mouseClick(home.chooser.buttons[1], Qt.MouseButton.LeftButton)
    assert context.profile.display_name == "Trần Văn Ba"
    qtbot.mouseClick(
        home.welcome.findChildren(type(home.chooser.new_button))[-1], Qt.MouseButton.LeftButton
    )
    assert context.profile is None and home.stack.currentWidget() is home.chooser


def test_profile_with_pin_asks_for_it(home, context, qtbot):
    context.store.profiles.create("Bác Hai", pin="2468")
    home.show_chooser()
    qtbot.mouseClick(home.chooser.buttons[0], Qt.MouseButton.LeftButton)
    assert home.stack.currentWidget() is home.pin
    qtbot.keyClicks(home.pin.pin, "1111")
    qtbot.keyClick(home.pin.pin, Qt.Key.Key_Return)
    assert context.profile is None and "không đúng" in home.pin.error.text()
    qtbot.keyClicks(home.pin.pin, "2468")
    qtbot.keyClick(home.pin.pin, Qt.Key.Key_Return)
    assert context.profile.display_name == "Bác Hai"


def test_search_appears_with_many_learners_and_ignores_accents(home, context, qtbot):
    for name in ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lân"]:
        context.store.profiles.create(name)
    home.show_chooser()
    assert home.chooser.search.isVisible()
    qtbot.keyClicks(home.chooser.search, "lan")
    assert [b.text() for b in home.chooser.buttons] == ["Lân"]


def test_certificate_after_all_lessons(context, qtbot):
    profile = context.store.profiles.create("Nguyễn Thị Lan")
    context.set_profile(profile)
    page = ProgressPage(context)
    qtbot.addWidget(page)
    page.open()
    assert not page.certificate_button.isEnabled()
    for lesson in context.store.content.lessons():
        context.store.progress.quiz_result(profile.id, lesson.id, 100.0, passed=True)
    assert all(p.status == DONE for p in context.store.progress.all_lessons(profile.id).values())
    page.open()
    assert page.certificate_button.isEnabled()
    qtbot.mouseClick(page.certificate_button, Qt.MouseButton.LeftButton)
    pdf = context.paths.exports / "chung-nhan-nguyen-thi-lan.pdf"
    assert pdf.is_file() and str(pdf) in page.result.text()
    text = " ".join(page_.extract_text() for page_ in PdfReader(pdf).pages)
    assert "Nguyễn Thị Lan" in text
    assert "VNeID và định danh điện tử" in text
    assert "GIẤY CHỨNG NHẬN" in text


def test_new_learner_can_say_where_they_live(home, context, qtbot):
    qtbot.mouseClick(home.chooser.new_button, Qt.MouseButton.LeftButton)
    form = home.new_profile
    form.name.setText("Đỗ Văn Minh")
    assert not form.commune.isEnabled()  # a commune only after its province
    form.province.setCurrentIndex(form.province.findData("01"))
    assert form.commune.isEnabled()
    form.commune.setCurrentIndex(form.commune.findData("00070"))
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    saved = context.store.profiles.get(context.profile.id)
    assert (saved.province_code, saved.commune_code) == ("01", "00070")
