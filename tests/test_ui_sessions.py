"""Running a group session as a leader does: create it, check people in, show the
lesson and play the group quiz on the projector, end it and save the PDF report."""

from __future__ import annotations

import json

import pytest
import ui_helpers
from content_helpers import BUNDLED
from live_records_helpers import T0, Player, answer, play
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSpinBox

from skillsapp.content.checker import check_pack
from skillsapp.flows.group_session import group_quiz_questions
from skillsapp.i18n import _, format_number, format_percent, ngettext
from skillsapp.ui.sessions import report as session_report
from skillsapp.ui.sessions.checkin import CheckInScreen
from skillsapp.ui.sessions.form import NewSessionForm
from skillsapp.ui.sessions.group_quiz import QuizProjection
from skillsapp.ui.sessions.hub import SessionHub
from skillsapp.ui.sessions.presentation import LessonPresentation
from skillsapp.ui.sessions.quiz_control import QuizControl
from skillsapp.ui.sessions.report import SessionReportScreen
from skillsapp.ui.sessions.sessions import SessionsPage

ui_context = ui_helpers.ui_context  # the shared fixture, used by name below

LEFT = Qt.MouseButton.LeftButton
PLACE = "Nhà văn hóa thôn Đông"


@pytest.fixture
def page(ui_context, qtbot):
    widget = SessionsPage(ui_context)
    qtbot.addWidget(widget)
    widget.resize(1080, 800)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    if widget.presentation is not None:
        widget.presentation.close()


def type_text(edit, text: str) -> None:
    """Vietnamese text as an input method delivers it (QTest can only type ASCII keys)."""
    edit.setFocus()
    edit.insert(text)


def create_session(qtbot, page, topic="lua-dao") -> SessionHub:
    qtbot.mouseClick(page.new_button, LEFT)
    form = page.current_screen()
    assert isinstance(form, NewSessionForm)
    type_text(form.place, PLACE)
    type_text(form.group, "Tổ công nghệ số cộng đồng thôn Đông")
    form.topic.setCurrentIndex(form.topic.findData(topic))
    type_text(form.leader, "Trần Văn Bình")
    qtbot.mouseClick(form.create_button, LEFT)
    hub = page.current_screen()
    assert isinstance(hub, SessionHub)
    return hub


def check_in_two(qtbot, page, hub) -> CheckInScreen:
    """Nguyễn Thị Lan (the fixture's learner) found without accents, and someone new."""
    qtbot.mouseClick(hub.check_in_button, LEFT)
    screen = page.current_screen()
    assert isinstance(screen, CheckInScreen)
    qtbot.keyClicks(screen.search, "nguyen thi lan")
    (found,) = screen.result_buttons
    assert found.text() == _("{name} (born {year})").format(name="Nguyễn Thị Lan", year=1962)
    qtbot.mouseClick(found, LEFT)
    type_text(screen.name, "Bùi Văn Tâm")
    screen.year.setCurrentIndex(screen.year.findData(1950))
    qtbot.mouseClick(screen.add_button, LEFT)
    return screen


def test_new_session_starts_today_and_needs_a_place(page, ui_context, qtbot):
    qtbot.mouseClick(page.new_button, LEFT)
    form = page.current_screen()
    assert form.held_on().isoformat() == "2026-12-08"  # today in Vietnam at FIXED_NOW
    assert form.topic.count() == len(ui_context.store.content.topics()) >= 10
    qtbot.mouseClick(form.create_button, LEFT)
    assert form.error.text() == _("Please write where the session takes place.")
    assert ui_context.store.sessions.all() == []

    type_text(form.place, PLACE)
    qtbot.keyClick(form.place, Qt.Key.Key_Return)
    hub = page.current_screen()
    (session,) = ui_context.store.sessions.all()
    assert session.place == PLACE and session.topic == form.topic.itemData(0)
    assert hub.attendance.text() == ngettext(
        "{n} person checked in", "{n} people checked in", 0
    ).format(n=0)

    # Back on the list: the session is there; the next new session remembers the place.
    qtbot.mouseClick(hub.back_button, LEFT)
    (button,) = page.session_buttons
    assert PLACE in button.text() and "08/12/2026" in button.text()
    qtbot.mouseClick(page.new_button, LEFT)
    again = page.current_screen()
    assert again.place.text() == PLACE
    assert again.topic.currentData() == again.topic.itemData(1)  # the next topic


def test_page_down_in_the_date_turns_the_form_and_keeps_the_date(page, ui_context, qtbot):
    """A resident Tabs into the date's month and presses Page Down to see the rest of the
    form: the form turns, the date stays (Qt alone moved it ten months back)."""
    page.resize(700, 360)
    qtbot.mouseClick(page.new_button, LEFT)
    form = page.current_screen()
    bar = form.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    form.date.setFocus()
    qtbot.keyClick(form.date, Qt.Key.Key_Tab)  # from the day into the month
    assert form.date.currentSection() == form.date.Section.MonthSection
    qtbot.keyClick(form.date, Qt.Key.Key_PageDown)
    assert form.held_on().isoformat() == "2026-12-08" and bar.value() > 0
    qtbot.keyClick(form.date, Qt.Key.Key_PageUp)
    assert form.held_on().isoformat() == "2026-12-08" and bar.value() == 0
    # The same in the closed topic list (Qt alone chose the next topic).
    topic = form.topic.currentIndex()
    form.topic.setFocus()
    qtbot.keyClick(form.topic, Qt.Key.Key_PageDown)
    assert form.topic.currentIndex() == topic and bar.value() > 0


def test_check_in_existing_and_new_people(page, ui_context, qtbot):
    hub = create_session(qtbot, page)
    screen = check_in_two(qtbot, page, hub)
    store = ui_context.store
    session_id = page.session_id
    names = [name for _id, name in store.sessions.attendees(session_id)]
    assert names == ["Nguyễn Thị Lan", "Bùi Văn Tâm"]
    (new,) = store.profiles.list("tam")
    assert new.birth_year == 1950
    assert screen.count_label.text() == ngettext("Here: {n} person", "Here: {n} people", 2).format(
        n=2
    )
    assert [screen.present_list.item(i).text() for i in range(2)] == [
        "1. Nguyễn Thị Lan",
        "2. Bùi Văn Tâm",
    ]

    # Someone already here cannot be checked in twice.
    qtbot.keyClicks(screen.search, "LAN")
    lan = next(b for b in screen.result_buttons if b.profile.display_name == "Nguyễn Thị Lan")
    assert not lan.isEnabled()

    # A new person needs a name.
    qtbot.mouseClick(screen.add_button, LEFT)
    assert screen.error.isVisible() and screen.error.text() == _("Please enter a name.")
    assert len(store.sessions.attendees(session_id)) == 2

    # Enter checks in the only match.
    store.profiles.create("Phạm Văn Đức", birth_year=1948)
    screen.search.clear()
    qtbot.keyClicks(screen.search, "duc")
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert len(store.sessions.attendees(session_id)) == 3
    assert screen.search.text() == ""  # ready for the next person, who is not listed twice
    assert all(b.isEnabled() for b in screen.result_buttons)

    qtbot.mouseClick(screen.back_button, LEFT)
    hub = page.current_screen()
    assert hub.attendance.text() == ngettext(
        "{n} person checked in", "{n} people checked in", 3
    ).format(n=3)


def start_quiz(qtbot, page) -> tuple[QuizControl, QuizProjection]:
    qtbot.mouseClick(page.current_screen().quiz_button, LEFT)
    control, projection = page.current_screen(), page.presentation
    assert isinstance(control, QuizControl) and isinstance(projection, QuizProjection)
    return control, projection


def test_group_quiz_counted_on_the_leaders_screen_shown_on_the_projector(page, ui_context, qtbot):
    create_session(qtbot, page)
    store, session_id = ui_context.store, page.session_id
    questions = group_quiz_questions(store, store.sessions.get(session_id))
    assert len(questions) == 5
    control, projection = start_quiz(qtbot, page)
    assert projection.isFullScreen()
    # The room sees the question and its options, and nothing to count with.
    assert projection.counter.text() == _("Question {current}/{total}").format(current=1, total=5)
    assert projection.question_label.text() == questions[0].text
    assert [row.letter.text() for row in projection.rows] == ["A", "B", "C", "D"]
    assert projection.findChildren(QSpinBox) == [] and projection.findChildren(QPushButton) == []
    assert not projection.chart.isVisible() and not projection.explanation.isVisible()
    # The leader counts on the main window: one entry per option, with − and +.
    assert len(control.findChildren(QSpinBox)) == 4
    assert control.question_label.text() == questions[0].text
    assert control.reveal_button.isVisible() and not control.next_button.isVisible()

    # Question 1: three clicks on A's +, then "B" and type 12 for B; one click on C's +.
    for _i in range(3):
        qtbot.mouseClick(control.entries[0].plus, LEFT)
    qtbot.keyClick(control, Qt.Key.Key_B)
    assert control.focusWidget() in (control.entries[1].spin, control.entries[1].spin.lineEdit())
    qtbot.keyClicks(control.entries[1].spin.lineEdit(), "12")
    qtbot.mouseClick(control.entries[2].plus, LEFT)
    qtbot.mouseClick(control.entries[2].plus, LEFT)
    qtbot.mouseClick(control.entries[2].minus, LEFT)
    assert control.total_label.text() == _("Answers counted: {n}").format(n=format_number(16))
    assert store.sessions.quiz(session_id) == []  # nothing saved before the answer is shown
    # The clicker's Page Down, with the focus still in C's count, shows the answer (it is
    # not the count field's step of ten, nor the page's turn).
    control.entries[2].spin.setFocus()
    qtbot.keyClick(control.entries[2].spin, Qt.Key.Key_PageDown)

    first = questions[0]
    (saved,) = store.sessions.quiz(session_id)
    assert saved.question_id == first.id and saved.counts == (3, 12, 1, 0)
    bars = projection.chart.bars()
    assert projection.chart.isVisible()
    assert [(b.letter, b.count) for b in bars] == [("A", 3), ("B", 12), ("C", 1), ("D", 0)]
    assert [b.share for b in bars] == [3 / 16, 12 / 16, 1 / 16, 0]
    assert [b.right for b in bars] == [i in first.correct for i in range(4)]
    assert [row.property("result") for row in projection.rows] == [
        "right" if i in first.correct else "dim" for i in range(4)
    ]
    right = sum((3, 12, 1, 0)[i] for i in first.correct) / 16
    assert format_percent(right) in projection.result_label.text()
    assert projection.result_label.text() == control.result_label.text()
    assert projection.explanation.text() == first.explanation
    assert control.next_button.isVisible() and not control.reveal_button.isVisible()

    # The clicker on the projector goes on to question 2.
    qtbot.keyClick(projection, Qt.Key.Key_Right)
    assert control.counter.text() == _("Question {current}/{total}").format(current=2, total=5)
    assert projection.question_label.text() == questions[1].text
    assert not control.revealed and [e.value() for e in control.entries] == [0, 0, 0, 0]
    assert not projection.chart.isVisible()
    # Enter in a count goes to the next count; after the last, to "Show the answer",
    # which it does not press.
    for entry, value in zip(control.entries, (2, 5, 7, 1), strict=True):
        assert control.focusWidget() in (entry.spin, entry.spin.lineEdit())
        entry.spin.lineEdit().selectAll()
        qtbot.keyClicks(entry.spin.lineEdit(), str(value))
        qtbot.keyClick(entry.spin.lineEdit(), Qt.Key.Key_Return)
    assert control.focusWidget() is control.reveal_button and not control.revealed
    assert len(store.sessions.quiz(session_id)) == 1
    qtbot.keyClick(control.reveal_button, Qt.Key.Key_Return)
    assert control.revealed
    second = questions[1]
    assert [(i.question_id, i.counts) for i in store.sessions.quiz(session_id)] == [
        (first.id, (3, 12, 1, 0)),
        (second.id, (2, 5, 7, 1)),
    ]
    assert [b.count for b in projection.chart.bars()] == [2, 5, 7, 1]

    # Back hides the answer to correct a count; showing it again replaces the saved counts.
    qtbot.mouseClick(control.back_button, LEFT)
    assert not control.revealed and not projection.chart.isVisible()
    qtbot.mouseClick(control.entries[3].plus, LEFT)
    qtbot.keyClick(projection, Qt.Key.Key_Space)
    saved = {i.question_id: i.counts for i in store.sessions.quiz(session_id)}
    assert saved[second.id] == (2, 5, 7, 2) and len(saved) == 2
    assert [b.count for b in projection.chart.bars()] == [2, 5, 7, 2]

    # Back to question 1 (a clicker's Page Up on the leader's screen): its saved result.
    qtbot.keyClick(control, Qt.Key.Key_PageUp)
    qtbot.keyClick(control, Qt.Key.Key_PageUp)
    assert projection.counter.text() == _("Question {current}/{total}").format(current=1, total=5)
    assert control.revealed and [b.count for b in projection.chart.bars()] == [3, 12, 1, 0]

    # Esc on the projector leaves full screen, then closes it: back to the session.
    qtbot.keyClick(projection, Qt.Key.Key_Escape)
    assert not projection.isFullScreen() and projection.isVisible()
    qtbot.keyClick(projection, Qt.Key.Key_Escape)
    assert not projection.isVisible() and page.presentation is None
    assert isinstance(page.current_screen(), SessionHub)


def test_quiz_end_screen_and_questions_nobody_counted(page, ui_context, qtbot):
    create_session(qtbot, page)
    store, session_id = ui_context.store, page.session_id
    control, projection = start_quiz(qtbot, page)
    qtbot.mouseClick(control.entries[0].plus, LEFT)
    for _step in range(10):  # show the answer and go on through all five questions
        qtbot.keyClick(projection, Qt.Key.Key_Right)
    assert projection.stack.currentWidget() is projection.end_screen
    assert len(store.sessions.quiz(session_id)) == 1  # nothing saved for uncounted questions
    texts = [label.text() for label in projection.end_lines]
    assert texts[1] == _("Question {n}: no answers counted").format(n=2)
    # "End the quiz" on the leader's screen closes the projector.
    qtbot.mouseClick(control.end_button, LEFT)
    assert page.presentation is None and not projection.isVisible()
    assert isinstance(page.current_screen(), SessionHub)


def test_lesson_on_the_projector_page_by_page(page, ui_context, qtbot):
    hub = create_session(qtbot, page)
    bundled = check_pack(BUNDLED).read.pack.lessons
    scam_lessons = sorted(
        (x for x in bundled if x.topic == "lua-dao"), key=lambda x: (x.order, x.id)
    )
    assert len(hub.lesson_buttons) == len(scam_lessons)
    qtbot.mouseClick(hub.lesson_buttons[0], LEFT)
    show = page.presentation
    assert isinstance(show, LessonPresentation)
    assert show.title.text() == scam_lessons[0].title
    parts = scam_lessons[0].body.count("\n## ") + 1  # the opening text, then one part a section
    assert parts >= 4

    def part(n: int) -> str:
        return _("Part {current}/{total}").format(current=n, total=parts)

    assert show.page_label.text() == part(1) and not show.previous_button.isEnabled()
    assert show.view.toPlainText().startswith("Kẻ lừa đảo bây giờ")
    qtbot.keyClick(show, Qt.Key.Key_Right)
    qtbot.keyClick(show, Qt.Key.Key_Space)
    assert show.page_label.text() == part(3)
    assert show.view.toPlainText().startswith("Dấu hiệu nhận biết")
    qtbot.keyClick(show, Qt.Key.Key_Left)
    assert show.page_label.text() == part(2)
    qtbot.mouseClick(show.next_button, LEFT)
    assert show.page_label.text() == part(3)
    for _step in range(parts - 1):
        qtbot.keyClick(show, Qt.Key.Key_PageDown)
    assert show.page_label.text() == part(parts) and not show.next_button.isEnabled()
    qtbot.mouseClick(show.close_button, LEFT)
    assert page.presentation is None


def test_end_the_session_queues_counts_without_names(page, ui_context, qtbot):
    hub = create_session(qtbot, page)
    check_in_two(qtbot, page, hub)
    store, session_id = ui_context.store, page.session_id
    question = group_quiz_questions(store, store.sessions.get(session_id))[0]
    counts = [0, 0, 0, 0]
    counts[question.correct[0]] = 1
    counts[(question.correct[0] + 1) % 4] = 1  # one right, one wrong: 50 %
    store.sessions.record_quiz(session_id, question.id, counts)
    qtbot.mouseClick(page.current_screen().back_button, LEFT)
    qtbot.mouseClick(page.current_screen().report_button, LEFT)
    report = page.current_screen()
    assert isinstance(report, SessionReportScreen)
    assert report.attendee_names.text() == "Nguyễn Thị Lan, Bùi Văn Tâm"
    assert report.attendance.text() == ngettext(
        "Who came: {n} person", "Who came: {n} people", 2
    ).format(n=2)
    assert "Nhận diện lừa đảo trực tuyến" in report.covered.text()
    (line,) = report.quiz_lines
    assert question.text in line.text()
    assert _("{percent} right").format(percent=format_percent(0.5)) in line.text()

    qtbot.mouseClick(report.end_button, LEFT)
    assert report.confirm_frame.isVisible()
    qtbot.mouseClick(report.not_yet_button, LEFT)
    assert not store.sessions.get(session_id).closed
    qtbot.mouseClick(report.end_button, LEFT)
    qtbot.mouseClick(report.confirm_button, LEFT)
    assert store.sessions.get(session_id).closed
    assert not report.end_button.isVisible()
    assert report.status.text() == _(
        "This session has ended: its report was queued for the province."
    )
    (item,) = [i for i in store.outbox.next_batch() if i.record_type == "session_report"]
    assert item.payload["attendance"] == 2 and item.payload["place"] == PLACE
    sent = json.dumps(item.payload, ensure_ascii=False)
    assert "Nguyễn Thị Lan" not in sent and "Bùi Văn Tâm" not in sent

    # An ended session takes no more check-ins or quiz counts.
    qtbot.mouseClick(report.back_button, LEFT)
    hub = page.current_screen()
    assert not hub.check_in_button.isEnabled() and not hub.quiz_button.isEnabled()
    assert hub.closed_note.isVisible()


def test_pdf_report_has_the_place_and_the_names(page, ui_context, qtbot, tmp_path, monkeypatch):
    hub = create_session(qtbot, page)
    check_in_two(qtbot, page, hub)
    qtbot.mouseClick(page.current_screen().back_button, LEFT)
    qtbot.mouseClick(page.current_screen().report_button, LEFT)
    report = page.current_screen()
    target = tmp_path / "out" / "bao-cao.pdf"
    asked = []
    monkeypatch.setattr(
        session_report, "ask_pdf_path", lambda parent, suggested: asked.append(suggested) or target
    )
    qtbot.mouseClick(report.pdf_button, LEFT)
    assert asked[0].parent == ui_context.paths.exports
    assert report.saved_pdf == target and target.exists()
    assert report.status.text() == _("The report was saved: {path}").format(path=target)
    assert report.pdf_button.isEnabled()
    text = " ".join(p.extract_text() for p in PdfReader(target).pages)
    for expected in (
        _("Group session report"),
        PLACE,
        "Nguyễn Thị Lan",
        "Bùi Văn Tâm",
        "Trần Văn Bình",
        "Nhận diện lừa đảo trực tuyến",
    ):
        assert expected in text


def test_pdf_that_cannot_be_written_says_why(page, ui_context, qtbot, tmp_path, monkeypatch):
    create_session(qtbot, page)
    qtbot.mouseClick(page.current_screen().report_button, LEFT)
    report = page.current_screen()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(
        session_report, "ask_pdf_path", lambda parent, suggested: blocker / "bao-cao.pdf"
    )
    qtbot.mouseClick(report.pdf_button, LEFT)
    assert report.saved_pdf is None
    assert report.status.objectName() == "bad" and "bao-cao.pdf" in report.status.text()
    assert report.pdf_button.isEnabled()


def test_report_shows_the_phone_game_and_ends_with_phone_counts(page, ui_context, qtbot):
    """A phone game recorded in the session: the report counts the phones without names
    as attendance, shows players, answers and each question's share, and the report sent
    to the province carries the phone counts only."""
    hub = create_session(qtbot, page)
    check_in_two(qtbot, page, hub)
    store, session_id = ui_context.store, page.session_id
    question, unrevealed = group_quiz_questions(store, store.sessions.get(session_id))[:2]
    right, wrong = question.correct[0], (question.correct[0] + 1) % len(question.options)
    players = [Player(f"p{i}", f"Khách số {i}", None, T0) for i in range(3)]
    game_id = play(store, session_id, players, [question], [[right], [right], [wrong]])
    # A second question answered by one phone, then the app closed before the reveal.
    recorder = store.live_games.recorder()
    recorder.answer_recorded(game_id, answer(game_id, "p0", unrevealed.id, 0, 0))
    recorder.close()
    qtbot.mouseClick(page.current_screen().back_button, LEFT)
    qtbot.mouseClick(page.current_screen().report_button, LEFT)
    report = page.current_screen()
    assert isinstance(report, SessionReportScreen)
    assert report.attendance.text() == ngettext(
        "Who came: {n} person", "Who came: {n} people", 5
    ).format(n=5)
    assert "Khách số" not in report.attendee_names.text()
    assert ngettext("{n} player", "{n} players", 3).format(n=3) in report.phone_totals.text()
    # The revealed question is in the group quiz results; the other is listed apart.
    (counted,) = report.quiz_lines
    assert question.text in counted.text()
    assert _("{percent} right").format(percent=format_percent(2 / 3)) in counted.text()
    (line,) = report.phone_lines
    assert unrevealed.text in line.text()
    assert _("{percent} right").format(percent=format_percent(1.0)) in line.text()
    qtbot.mouseClick(report.end_button, LEFT)
    qtbot.mouseClick(report.confirm_button, LEFT)
    (item,) = [i for i in store.outbox.next_batch() if i.record_type == "session_report"]
    assert item.payload["attendance"] == 5 and item.payload["phone_players"] == 3
    assert "Khách số" not in json.dumps(item.payload, ensure_ascii=False)
