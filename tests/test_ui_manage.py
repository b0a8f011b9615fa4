"""The "Manage" area as an organiser meets it: the first account, signing in and
out, making a contest, opening and closing rounds, a round's results and exports,
installing a pack, and targets per commune."""

import datetime

import pytest
from content_helpers import copy_example, edit
from engine_helpers import answer_all
from openpyxl import load_workbook
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from ui_helpers import FIXED_NOW, make_context

from skillsapp import geography
from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _
from skillsapp.models import Quota
from skillsapp.ui.manage.common import ZERO_WIDTH_SPACE
from skillsapp.ui.manage.gate import ManagePage
from skillsapp.ui.manage.targets import Bar


def shown(label) -> str:
    """What a label says, without the invisible break points put into long file paths."""
    return label.text().replace(ZERO_WIDTH_SPACE, "")


LEFT = Qt.MouseButton.LeftButton
CONTEST = "tim-hieu-chuyen-doi-so-2026"
NAME, PASSWORD = "to-truong", "mat-khau-dai"
PEOPLE = [  # name, ID number, phone, commune, right answers
    ("Nguyễn Văn An", "001080012345", "0912345678", "00070", 20),
    ("Trần Thị Bình", "001175012346", "0987654321", "00070", 18),
    ("Lê Văn Cường", "001092012347", "0901234567", "00004", 20),
]


def show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click(qtbot, button):
    qtbot.waitUntil(button.isVisible)  # widgets added to a shown page appear on the next loop
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, LEFT)


def type_into(qtbot, widget, text):
    """Select what the field holds and type ``text`` over it, key by key (Vietnamese too)."""
    widget.setFocus()
    widget.selectAll()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def set_spin(qtbot, spin, value):
    type_into(qtbot, spin, str(value))
    assert spin.value() == value


def choose(combo, value):
    if hasattr(combo, "set_value"):  # a searchable picker (province, commune)
        assert combo.set_value(value), value
        return
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


@pytest.fixture
def context(tmp_path, qtbot):
    """The bundled pack installed, no organiser yet, background work run at once."""
    made = make_context(tmp_path)
    yield made
    made.store.close()


@pytest.fixture
def page(context, qtbot):
    return show(qtbot, ManagePage(context))


@pytest.fixture
def signed_in(context, qtbot):
    add_first_organiser(context)
    page = show(qtbot, ManagePage(context))
    form = page.sign_in_screen
    type_into(qtbot, form.username, NAME)
    type_into(qtbot, form.password, PASSWORD)
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    assert context.organiser == NAME
    return page


def add_first_organiser(context):
    """The first account, made with the setup code the installer showed."""
    code, _expires = context.store.organisers.issue_setup_code(context.now())
    context.store.organisers.create(NAME, PASSWORD, setup_code=code, now=context.now())


def open_area(qtbot, page, key):
    click(qtbot, page.menu.buttons[key])
    return page.current_screen()


def test_first_use_makes_the_organiser_account(page, context, qtbot):
    setup = page.setup_screen
    assert page.stack.currentWidget() is setup and page.menu is None
    code, _expires = context.store.organisers.issue_setup_code(context.now())
    type_into(qtbot, setup.code, code[:4] + " " + code[4:])  # as printed, with its space
    type_into(qtbot, setup.username, "To-Truong")
    type_into(qtbot, setup.password, "ngan")
    type_into(qtbot, setup.again, "ngan")
    click(qtbot, setup.create_button)
    assert setup.password_field.error.text() == _(
        "The password needs at least {n} characters."
    ).format(n=8)
    type_into(qtbot, setup.password, PASSWORD)
    type_into(qtbot, setup.again, "mat-khau-khac")
    click(qtbot, setup.create_button)
    assert setup.again_field.error.isVisible()
    assert not context.store.organisers.exist()
    type_into(qtbot, setup.again, PASSWORD)
    qtbot.keyClick(setup.again, Qt.Key.Key_Return)
    assert context.store.organisers.verify(NAME, PASSWORD)
    assert context.organiser == NAME
    assert page.stack.currentWidget() is page.menu
    assert page.signed_in_label.text() == _("Signed in as {name}").format(name=NAME)


def test_a_wrong_password_is_refused_and_signing_out_hides_everything(context, qtbot):
    add_first_organiser(context)
    page = show(qtbot, ManagePage(context))
    form = page.sign_in_screen
    assert page.stack.currentWidget() is form and not page.sign_out_button.isVisible()
    type_into(qtbot, form.username, NAME)
    type_into(qtbot, form.password, "doan-sai-roi")
    click(qtbot, form.sign_in_button)
    assert form.error.text() == _("The user name or password is not right.")
    assert context.organiser is None and page.menu is None
    type_into(qtbot, form.password, PASSWORD)
    click(qtbot, form.sign_in_button)
    assert context.organiser == NAME
    open_area(qtbot, page, "contests")
    assert page.current_screen() is not None
    page.open(None)  # coming back to the area keeps the organiser signed in
    assert page.current_screen() is not None
    click(qtbot, page.sign_out_button)
    assert context.organiser is None
    assert page.current_screen() is None and page.menu is None
    assert page.stack.currentWidget() is form
    assert form.username.text() == "" and form.password.text() == ""


def new_contest_editor(qtbot, page):
    area = open_area(qtbot, page, "contests")
    click(qtbot, area.list.new_button)
    return area, area.current_screen()


def test_make_a_contest_with_quotas_and_a_round(signed_in, context, qtbot):
    area, editor = new_contest_editor(qtbot, signed_in)
    type_into(qtbot, editor.title, "Thi tìm hiểu xã An Khánh")
    set_spin(qtbot, editor.count, 4)
    set_spin(qtbot, editor.minutes, 10)
    click(qtbot, editor.add_quota_button)
    choose(editor.quota_rows[0].topic, "vneid")
    set_spin(qtbot, editor.quota_rows[0].count, 2)
    click(qtbot, editor.add_quota_button)
    choose(editor.quota_rows[1].topic, "lua-dao")
    choose(editor.quota_rows[1].difficulty, "hard")
    set_spin(qtbot, editor.quota_rows[1].count, 2)
    assert editor.quota_total.text() == _(
        "The lines give {total} of the {count} questions."
    ).format(total=4, count=4)
    assert len(editor.round_rows) == 1  # a new contest starts with one round
    type_into(qtbot, editor.round_rows[0].title, "Tháng 12")
    click(qtbot, editor.save_button)

    saved = next(
        c for c in context.store.content.contests() if c.title == "Thi tìm hiểu xã An Khánh"
    )
    assert saved.id == "thi-tim-hieu-xa-an-khanh" and saved.pack_id == ""
    assert saved.rules.questions_per_attempt == 4 and saved.rules.time_limit_minutes == 10
    assert saved.rules.quotas == (Quota(2, "vneid"), Quota(2, "lua-dao", "hard"))
    (round_,) = saved.rounds
    assert round_.title == "Tháng 12" and round_.opens_at > FIXED_NOW
    assert round_.closes_at - round_.opens_at == datetime.timedelta(days=7)
    assert context.store.content.contest_source(saved.id) == "local"
    assert area.current_screen() is None
    assert area.list.notice.text() == _("Saved “{title}”.").format(title=saved.title)
    assert saved.id in area.list.cards

    # Changing it again keeps its id and rounds.
    click(qtbot, area.list.cards[saved.id].edit_button)
    editor = area.current_screen()
    assert editor.title.text() == saved.title and len(editor.quota_rows) == 2
    set_spin(qtbot, editor.minutes, 12)
    click(qtbot, editor.save_button)
    again = context.store.content.contest(saved.id)
    assert again.rules.time_limit_minutes == 12 and again.rounds == saved.rounds


def test_a_quota_the_bank_cannot_meet_is_refused_in_place(signed_in, context, qtbot):
    before = len(context.store.content.contests())
    area, editor = new_contest_editor(qtbot, signed_in)
    type_into(qtbot, editor.title, "Thi khó")
    set_spin(qtbot, editor.count, 10)
    click(qtbot, editor.add_quota_button)
    choose(editor.quota_rows[0].topic, "vneid")
    choose(editor.quota_rows[0].difficulty, "hard")
    set_spin(qtbot, editor.quota_rows[0].count, 10)
    click(qtbot, editor.save_button)
    assert editor.quota_error.isVisible()
    assert "VNeID" in editor.quota_error.text() and "10" in editor.quota_error.text()
    assert editor.summary.text() == _("Please correct the fields with a red message.")
    assert not editor.title_field.error.isVisible() and not editor.rounds_error.isVisible()
    assert area.current_screen() is editor
    assert len(context.store.content.contests()) == before


def test_close_a_pack_round_now_then_open_the_next(signed_in, context, qtbot):
    area = open_area(qtbot, signed_in, "contests")
    item = area.list.cards[CONTEST]
    assert "close" in item.round_buttons["tuan-1"] and "open" in item.round_buttons["tuan-2"]
    assert item.edit_button.text() == _("See the rules")
    click(qtbot, item.round_buttons["tuan-1"]["close"])
    store = context.store
    contest = store.content.contest(CONTEST)
    assert contest.open_rounds(context.now()) == []
    assert store.content.contest_source(CONTEST) == "local"
    item = area.list.cards[CONTEST]
    assert area.list.notice.text() == _("{round} is closed now.").format(round="Tuần 1")
    assert _("Rounds were changed on this computer.") in item.source_label.text()
    # Opening week 3 while week 2 is still to come would make them overlap.
    click(qtbot, item.round_buttons["tuan-3"]["open"])
    assert "Tuần 2" in item.message.text() and item.message.isVisible()
    click(qtbot, item.round_buttons["tuan-2"]["open"])
    assert [r.id for r in store.content.contest(CONTEST).open_rounds(context.now())] == ["tuan-2"]
    assert "close" in area.list.cards[CONTEST].round_buttons["tuan-2"]
    # A pack contest's rules are shown but cannot be changed.
    click(qtbot, area.list.cards[CONTEST].edit_button)
    editor = area.current_screen()
    assert not editor.form.isEnabled() and not editor.save_button.isVisible()


def play_round(store):
    contest = store.content.contest(CONTEST)
    round_ = contest.round("tuan-1")
    for index, (name, id_number, phone, commune, right) in enumerate(PEOPLE):
        profile = store.profiles.create(name)
        registration = store.registrations.save(
            profile.id,
            CONTEST,
            {
                "full_name": name,
                "id_number": id_number,
                "phone": phone,
                "province_code": "01",
                "commune_code": commune,
                "date_of_birth": datetime.date(1980, 1, 1),
            },
            complete=True,
        )
        start = FIXED_NOW - datetime.timedelta(minutes=30 - index)
        attempt = contest_flow.start_attempt(
            store, registration, contest, round_, start, seed=index
        )
        answer_all(attempt, right, start, datetime.timedelta(seconds=10), elapsed_ms=10_000)
        attempt.set_prediction(2)
        attempt.submit(start + datetime.timedelta(minutes=5))


def test_round_results_and_excel_export_masked_then_unmasked(signed_in, context, qtbot, tmp_path):
    play_round(context.store)
    area = open_area(qtbot, signed_in, "contests")
    click(qtbot, area.list.cards[CONTEST].round_buttons["tuan-1"]["results"])
    screen = area.current_screen()
    table = screen.ranking_table
    assert table.rowCount() == 3
    assert [table.item(r, 1).text() for r in range(3)] == [
        "Nguyễn Văn An",
        "Lê Văn Cường",
        "Trần Thị Bình",
    ]
    assert table.item(0, 6).text() == "001******345"
    assert screen.question_table.rowCount() > 0
    assert not screen.unmasked_box.isChecked()

    folder = tmp_path / "usb"
    screen.choose_folder = lambda: folder
    click(qtbot, screen.export_buttons["xlsx"])
    (path,) = screen.written
    assert path.exists() and path.parent == folder and path.suffix == ".xlsx"
    assert str(path) in shown(screen.result)
    assert not screen.busy.isVisible() and screen.export_buttons["xlsx"].isEnabled()
    rows = list(load_workbook(path, read_only=True).worksheets[0].values)
    assert rows[1][10] == "001******345"
    assert context.store.organisers.audit_entries("export_unmasked") == []

    screen.unmasked_box.setFocus()
    qtbot.keyClick(screen.unmasked_box, Qt.Key.Key_Space)
    assert screen.unmasked_box.isChecked()
    click(qtbot, screen.export_buttons["xlsx"])
    rows = list(load_workbook(path, read_only=True).worksheets[0].values)
    assert rows[1][10] == "001080012345"
    (entry,) = context.store.organisers.audit_entries("export_unmasked")
    assert entry["actor"] == NAME and entry["detail"]["format"] == "xlsx"


def test_an_export_that_cannot_be_made_says_why(signed_in, context, qtbot, tmp_path):
    area = open_area(qtbot, signed_in, "contests")
    click(qtbot, area.list.cards[CONTEST].round_buttons["tuan-2"]["results"])
    screen = area.current_screen()
    assert screen.ranking_table is None
    assert not screen.export_buttons["pdf"].isEnabled()

    play_round(context.store)
    click(qtbot, area.current_screen().back_button)
    click(qtbot, area.list.cards[CONTEST].round_buttons["tuan-1"]["results"])
    screen = area.current_screen()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    screen.choose_folder = lambda: blocker
    click(qtbot, screen.export_buttons["pdf"])
    assert screen.written == [] and screen.result.isVisible()
    assert screen.result.objectName() == "bad"


def test_a_refused_pack_lists_every_problem(signed_in, context, qtbot, tmp_path):
    screen = open_area(qtbot, signed_in, "content")
    broken = copy_example(tmp_path, "goi-hong")
    edit(broken / "questions/mat-khau.yaml", "answer: C", "answer: G")
    edit(broken / "questions/ma-otp.yaml", "difficulty: easy", "difficulty: de")
    screen.choose_source = lambda kind: broken
    click(qtbot, screen.folder_button)
    problems = [screen.problems.item(i).text() for i in range(screen.problems.count())]
    assert screen.problems.isVisible()
    assert any(p.startswith("questions/mat-khau.yaml:11: ") for p in problems)
    assert any(p.startswith("questions/ma-otp.yaml:4: ") for p in problems)
    assert "goi-hong" in screen.result.text()
    assert [p["id"] for p in context.store.content.packs()] == ["ky-nang-so-co-ban"]

    good = copy_example(tmp_path, "goi-tot")
    screen.choose_source = lambda kind: good
    click(qtbot, screen.zip_button)  # a folder works from either button's chooser
    assert screen.result.text() == _("Installed {title}, version {version}.").format(
        title="Gói nội dung mẫu", version="1.0.0"
    )
    assert not screen.problems.isVisible()
    assert len(screen.pack_labels) == 2
    assert any(c.id == "thi-thu" for c in context.store.content.contests())


def test_targets_chart_has_a_bar_per_commune(signed_in, context, qtbot):
    store = context.store
    lessons = [lesson.id for lesson in store.content.lessons()]
    for name, commune in (("Bà Một", "00070"), ("Ông Hai", "00070"), ("Bà Ba", "00004")):
        profile = store.profiles.create(name, commune_code=commune)
        for lesson in lessons:
            store.progress.quiz_result(profile.id, lesson, 100.0, True)
    half = store.profiles.create("Anh Bốn", commune_code="00070")
    store.progress.quiz_result(half.id, lessons[0], 100.0, True)

    screen = open_area(qtbot, signed_in, "targets")
    # Lessons are marked done with the computer's own clock.
    set_spin(qtbot, screen.year, datetime.datetime.now(datetime.UTC).year)
    assert not screen.chart.isVisible() and screen.empty.isVisible()
    click(qtbot, screen.save_button)
    assert screen.commune_field.error.isVisible()
    choose(screen.province, "01")
    for commune, target in (("00070", 10), ("00004", 4)):
        choose(screen.commune, commune)
        set_spin(qtbot, screen.target, target)
        click(qtbot, screen.save_button)
    name = {code: geography.commune(code).name for code in ("00070", "00004")}
    assert screen.chart.bars == [Bar(name["00004"], 1, 4), Bar(name["00070"], 2, 10)]
    assert screen.chart.isVisible()
    drawn = screen.chart.layout_bars(800)
    assert [d.bar.text for d in drawn] == [
        Bar(name["00004"], 1, 4).text,
        Bar(name["00070"], 2, 10).text,
    ]
    longest = drawn[1].target_rect.width()  # the biggest target sets the scale
    assert drawn[0].target_rect.width() == pytest.approx(longest * 0.4, abs=2)
    assert drawn[1].achieved_rect.width() == pytest.approx(longest * 0.2, abs=2)
    assert drawn[0].achieved_rect.width() == pytest.approx(longest * 0.1, abs=2)
    assert name["00070"] in screen.chart.accessibleDescription()
    # Choosing a commune with a target shows it again.
    choose(screen.commune, "00004")
    assert screen.target.value() == 4
    assert not screen.chart.grab().isNull()
