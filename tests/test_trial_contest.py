"""The trial contest: always open, unranked, never sent to the province.

A fresh install on 2 December 2026 (before the sample contest's first round opens)
must still let a resident try the contest format; the trial's attempts must stay on
the PC, and the server must refuse one that a device sends anyway."""

import datetime
import textwrap

import pytest
import ui_helpers
from engine_helpers import answer_all
from hostile import PLAYED_AT, HostileDevice
from PySide6.QtCore import Qt

from skillsapp.content.checker import check_pack
from skillsapp.content.install import ensure_bundled_content
from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _
from skillsapp.storage import open_store
from skillsapp.ui.contest.attempt import AttemptScreen
from skillsapp.ui.contest.contests import ContestsPage
from skillsapp.ui.contest.result import ResultScreen
from skillsapp.ui.contest.rules import RulesScreen

TRIAL = "thi-thu-co-ban"
REAL = "tim-hieu-chuyen-doi-so-2026"
UTC = datetime.UTC
# The day this was written: the sample contest's first round opens on 7 December.
BEFORE_ANY_ROUND = datetime.datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
LEFT = Qt.MouseButton.LeftButton
ui_context = ui_helpers.ui_context  # the fixture: the bundled pack and a learner chosen


@pytest.fixture
def installed(tmp_path):
    store = open_store(tmp_path / "pc")
    ensure_bundled_content(store)
    yield store
    store.close()


def play_trial(store, profile_id, moment, right=5):
    contest = store.content.contest(TRIAL)
    attempt = contest_flow.start_trial(store, profile_id, contest, moment)
    answer_all(attempt, right, moment, step=datetime.timedelta(seconds=10))
    return attempt.submit(moment + datetime.timedelta(minutes=4))


@pytest.mark.parametrize(
    "moment",
    [BEFORE_ANY_ROUND, datetime.datetime(2031, 7, 1, tzinfo=UTC), PLAYED_AT],
    ids=["before-the-first-round", "years-later", "during-a-real-round"],
)
def test_the_bundled_trial_is_open_any_day(installed, moment):
    open_now = {(o.contest.id, o.round.id) for o in contest_flow.open_rounds(installed, moment)}
    assert (TRIAL, "thi-thu") in open_now
    real_open = any(c == REAL for c, _r in open_now)
    assert real_open == (moment == PLAYED_AT)


def test_a_trial_attempt_stays_on_the_pc_and_is_not_ranked(installed):
    profile = installed.profiles.create("Lê Thị Hoa")
    queued_before = len(installed.outbox.next_batch(limit=1000))
    first = play_trial(installed, profile.id, BEFORE_ANY_ROUND, right=7)
    assert (first.kind, first.submitted, first.score, first.max_score) == ("trial", True, 7, 10)
    assert first.registration_id is None
    # Nothing queued for the province: no attempt, no registration.
    assert len(installed.outbox.next_batch(limit=1000)) == queued_before
    contest = installed.content.contest(TRIAL)
    assert contest_flow.round_ranking(installed, contest, "thi-thu")[0] == []
    assert contest_flow.rank_of(installed, first) == (None, 0)
    # Any number of tries the same day, each a new draw.
    second = play_trial(installed, profile.id, BEFORE_ANY_ROUND + datetime.timedelta(minutes=6))
    assert second.id != first.id and second.kind == "trial"
    assert len(installed.outbox.next_batch(limit=1000)) == queued_before


def test_a_trial_left_open_is_offered_again_and_blocks_a_second_start(installed):
    profile = installed.profiles.create("Lê Thị Hoa")
    contest = installed.content.contest(TRIAL)
    attempt = contest_flow.start_trial(installed, profile.id, contest, BEFORE_ANY_ROUND)
    attempt.answer(0, [0], BEFORE_ANY_ROUND)
    with pytest.raises(contest_flow.NotAllowed):
        contest_flow.start_trial(installed, profile.id, contest, BEFORE_ANY_ROUND)
    recovery = contest_flow.recover(
        installed, BEFORE_ANY_ROUND + datetime.timedelta(minutes=2), profile.id
    )
    assert [a.record.id for a in recovery.resumable] == [attempt.record.id]
    # After the time limit it is submitted with what was answered, and still not queued.
    late = contest_flow.recover(installed, BEFORE_ANY_ROUND + datetime.timedelta(hours=1))
    assert [r.id for r in late.submitted] == [attempt.record.id]
    assert all(i.record_id != attempt.record.id for i in installed.outbox.next_batch(limit=1000))


def test_a_real_contest_cannot_be_started_as_a_trial(installed):
    profile = installed.profiles.create("Lê Thị Hoa")
    with pytest.raises(contest_flow.NotAllowed):
        contest_flow.start_trial(
            installed, profile.id, installed.content.contest(REAL), BEFORE_ANY_ROUND
        )


def write_trial_pack(root, contest_yaml: str):
    (root / "questions").mkdir(parents=True)
    (root / "contests").mkdir()
    (root / "pack.yaml").write_text(
        'id: thu\ntitle: "Thử"\nversion: "1"\nlanguage: vi\nlicence: "CC BY 4.0"\n'
        'topics:\n  - {id: a, title: "A"}\n',
        encoding="utf-8",
    )
    questions = "topic: a\nquestions:\n" + "".join(
        f'  - {{id: a-{i}, text: "Câu {i}?", options: ["Một", "Hai"], answer: A, '
        f'explanation: "Vì thế."}}\n'
        for i in range(3)
    )
    (root / "questions" / "a.yaml").write_text(questions, encoding="utf-8")
    (root / "contests" / "thu.yaml").write_text(textwrap.dedent(contest_yaml), encoding="utf-8")


def test_a_trial_contest_file_with_rounds_is_refused_with_its_line(tmp_path):
    write_trial_pack(
        tmp_path,
        """\
        id: thu
        title: "Thử"
        trial: true
        rules: {questions_per_attempt: 2, attempts_per_day: 1, prediction: full_score_count}
        rounds:
          - {id: r1, title: "V1", opens: "2026-12-07T00:00:00+07:00", closes: "2026-12-14T00:00:00+07:00"}
        """,
    )
    report = check_pack(tmp_path)
    errors = [p for p in report.problems if p.severity == "error"]
    assert [(e.file, e.line) for e in errors] == [("contests/thu.yaml", 5)]
    assert "trial" in errors[0].message or "thi thử" in errors[0].message


def test_a_trial_contest_has_no_limits_prediction_or_prize_fields(tmp_path):
    write_trial_pack(
        tmp_path,
        """\
        id: thu
        title: "Thử"
        trial: true
        rules: {questions_per_attempt: 2, attempts_per_day: 1, prediction: full_score_count}
        """,
    )
    report = check_pack(tmp_path)
    contest = report.read.pack.contests[0]
    assert contest.trial
    rules = contest.rules
    assert (rules.attempts_per_day, rules.attempts_per_round) == (None, None)
    assert (rules.prediction, rules.prize_fields, rules.min_age) == ("none", (), None)
    assert [r.id for r in contest.rounds] == ["thi-thu"]


def test_the_server_refuses_a_trial_attempt_a_device_sends(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    registration, _attempt = device.honest_attempt(seed=3)
    profile = device.store.profiles.create("Nguyễn Văn An")
    trial = play_trial(device.store, profile.id, PLAYED_AT)
    payload = device.store.attempts.export(trial.id)
    payload["registration_id"] = registration["id"]  # forged: as if it were a real entry
    payload["kind"] = "contest"
    answer = device.send([registration, {"type": "attempt", "id": trial.id, "payload": payload}])
    refused = {r["id"]: r for r in answer["rejected"]}
    assert refused[trial.id]["code"] == "trial_contest"
    assert "thi thử" in refused[trial.id]["reason"]
    assert trial.id not in answer.get("accepted", [])


def open_page(qtbot, context) -> ContestsPage:
    page = ContestsPage(context)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    return page


def test_a_resident_takes_the_trial_before_any_round_opens(qtbot, ui_context):
    context = ui_context
    context.clock.now = BEFORE_ANY_ROUND
    queued_before = len(context.store.outbox.next_batch(limit=1000))
    page = open_page(qtbot, context)
    button = page.round_buttons[(TRIAL, "thi-thu")]
    assert list(page.round_buttons) == [(TRIAL, "thi-thu")]  # the only thing to press today
    assert button.hasFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)
    rules = page.current_screen()
    assert isinstance(rules, RulesScreen)
    text = " ".join(label.text() for label in rules.rule_labels)
    assert _("This is a trial: take it as often as you like, any day.") in text
    assert not rules.registration_button.isVisible()
    qtbot.keyClick(rules, Qt.Key.Key_Return)
    screen = page.current_screen()
    assert isinstance(screen, AttemptScreen)
    assert screen.countdown.text() == "10:00"
    for index in range(screen.total):
        slot = screen.attempt.slots[index]
        question = screen.attempt.questions[slot.question_id]
        for position in [slot.option_order.index(i) for i in question.correct]:
            qtbot.keyClick(
                screen, [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4][position]
            )
        qtbot.keyClick(screen, Qt.Key.Key_Return)
    # No prediction in a trial: straight to the review, then submit.
    assert screen.views.currentWidget() is screen.review_view
    qtbot.mouseClick(screen.review_view.submit_button, LEFT)
    qtbot.mouseClick(screen.confirm_view.yes_button, LEFT)
    result = page.current_screen()
    assert isinstance(result, ResultScreen)
    assert result.score.text() == "10/10"
    assert result.rank.text() == _("A trial attempt is not ranked.")
    assert len(context.store.outbox.next_batch(limit=1000)) == queued_before
    qtbot.keyClick(result, Qt.Key.Key_Return)
    assert page.current_screen() is None
    assert page.round_buttons[(TRIAL, "thi-thu")].isEnabled()


def test_alt_4_then_enter_opens_the_trial_through_the_main_window(qtbot, ui_context):
    """As a resident does it on a real screen: the Contests area by its shortcut, then
    Enter on the first button, which has the focus once the area is shown."""
    from skillsapp.ui.shell.main_window import MainWindow

    context = ui_context
    context.clock.now = BEFORE_ANY_ROUND
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.show_area("home")
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    page = window.page("contests")
    button = page.round_buttons[(TRIAL, "thi-thu")]
    qtbot.waitUntil(button.hasFocus)
    qtbot.keyClick(button, Qt.Key.Key_Return)
    assert isinstance(page.current_screen(), RulesScreen)
