"""The group-session flow: questions for the group quiz, shares of right answers,
the summary the report shows, quick check-in, and the PDF report."""

from __future__ import annotations

import datetime

import pytest
from content_helpers import BUNDLED
from live_records_helpers import T0, Player, answer, play
from pypdf import PdfReader

from skillsapp.content.checker import check_pack
from skillsapp.content.install import ensure_bundled_content
from skillsapp.errors import ValidationError
from skillsapp.flows import group_session as flow
from skillsapp.i18n import _, format_percent, ngettext
from skillsapp.reports.session_pdf import default_file_name, write_session_pdf

DAY = datetime.date(2026, 12, 8)


@pytest.fixture
def content_store(store):
    ensure_bundled_content(store)
    return store


def new_session(store, topic="lua-dao", place="Nhà văn hóa thôn Đông"):
    return store.sessions.create(DAY, place, "Tổ CNSCĐ thôn Đông", topic, "Trần Văn Bình")


def test_group_quiz_questions_are_the_same_each_time_and_from_the_topic(content_store):
    session = new_session(content_store)
    questions = flow.group_quiz_questions(content_store, session)
    assert len(questions) == flow.GROUP_QUIZ_SIZE
    assert len({q.id for q in questions}) == len(questions)
    assert all(q.topic == "lua-dao" and not q.is_multi for q in questions)
    assert [q.id for q in flow.group_quiz_questions(content_store, session)] == [
        q.id for q in questions
    ]
    other = new_session(content_store, topic="vneid")
    assert all(q.topic == "vneid" for q in flow.group_quiz_questions(content_store, other))


def test_group_quiz_takes_every_question_of_a_small_topic(content_store):
    session = new_session(content_store, topic="no-such-topic")
    assert flow.group_quiz_questions(content_store, session) == []
    session = new_session(content_store)
    assert len(flow.group_quiz_questions(content_store, session, count=500)) == 30


def test_shares_of_answers_and_of_right_answers(content_store):
    session = new_session(content_store)
    question = flow.group_quiz_questions(content_store, session)[0]
    right = question.correct[0]
    counts = [1, 1, 1, 1]
    counts[right] = 5
    assert flow.share_right(question, counts) == 5 / 8
    assert flow.answer_shares(counts)[right] == 5 / 8
    assert flow.share_right(question, [0, 0, 0, 0]) is None
    assert flow.answer_shares([0, 0, 0, 0]) == [0.0, 0.0, 0.0, 0.0]


def test_summary_lists_who_came_the_lessons_and_the_quiz_in_asked_order(content_store):
    store = content_store
    session = new_session(store)
    first, second = flow.group_quiz_questions(store, session)[:2]
    lan = store.profiles.create("Nguyễn Thị Lan", birth_year=1962)
    store.sessions.check_in(session.id, lan.id)
    store.sessions.record_quiz(session.id, first.id, [2, 2, 2, 2])
    store.sessions.record_quiz(session.id, second.id, [0, 0, 0, 0])
    store.sessions.record_quiz(session.id, first.id, [4, 0, 0, 0])  # corrected later

    summary = flow.session_summary(store, session.id)
    assert summary.topic_title == "Nhận diện lừa đảo trực tuyến"
    assert summary.attendees == ["Nguyễn Thị Lan"]
    bundled = check_pack(BUNDLED).read.pack.lessons
    scam_lessons = sorted(
        (x for x in bundled if x.topic == "lua-dao"), key=lambda x: (x.order, x.id)
    )
    assert summary.lessons == [x.title for x in scam_lessons]
    assert summary.lessons[0].startswith("Nhận diện lừa đảo trực tuyến")
    assert [o.question.id for o in summary.quiz] == [first.id, second.id]
    assert summary.quiz[0].total == 4
    assert summary.quiz[0].right == (4 if 0 in first.correct else 0)
    assert summary.quiz[1].share_right is None
    assert summary.average_right == summary.quiz[0].share_right  # unanswered ones don't count
    assert flow.saved_counts(store, session.id)[first.id] == (4, 0, 0, 0)


def test_session_list_and_defaults_for_the_next_session(content_store):
    store = content_store
    assert flow.new_session_defaults(store) == flow.SessionDefaults(topic="thiet-bi-an-toan")
    session = new_session(store, topic="lua-dao")
    store.sessions.check_in(session.id, store.profiles.create("Lê Văn Cường").id)
    (item,) = flow.session_list(store)
    assert item.attendance == 1 and item.topic_title == "Nhận diện lừa đảo trực tuyến"
    defaults = flow.new_session_defaults(store)
    assert defaults.place == "Nhà văn hóa thôn Đông" and defaults.leader == "Trần Văn Bình"
    assert defaults.topic == "du-lieu-ca-nhan"  # the topic after "lua-dao"
    new_session(store, topic=store.content.topics()[-1].id)  # the last topic of the pack
    assert flow.new_session_defaults(store).topic == "thiet-bi-an-toan"  # back to the first


def test_add_and_check_in_someone_new(content_store):
    store = content_store
    session = new_session(store)
    profile = flow.add_and_check_in(store, session.id, "  Bùi  Văn Tâm ", 1950, DAY)
    assert profile.display_name == "Bùi Văn Tâm" and profile.birth_year == 1950
    assert store.sessions.attendees(session.id) == [(profile.id, "Bùi Văn Tâm")]
    with pytest.raises(ValidationError):
        flow.add_and_check_in(store, session.id, "   ", None, DAY)
    with pytest.raises(ValidationError):
        flow.add_and_check_in(store, session.id, "Em bé", 2025, DAY)
    assert len(store.sessions.attendees(session.id)) == 1


def test_pdf_report_has_vietnamese_text_and_names(content_store, tmp_path):
    store = content_store
    session = new_session(store)
    question = flow.group_quiz_questions(store, session)[0]
    for name in ("Nguyễn Thị Lan", "Phạm Văn Đức"):
        store.sessions.check_in(session.id, store.profiles.create(name).id)
    store.sessions.record_quiz(session.id, question.id, [3, 3, 3, 3])
    summary = flow.session_summary(store, session.id)
    target = tmp_path / default_file_name(summary)
    assert target.name.endswith("2026-12-08.pdf")
    write_session_pdf(summary, target, DAY)
    text = " ".join(page.extract_text() for page in PdfReader(target).pages)
    for expected in (
        _("Group session report"),
        "Nhà văn hóa thôn Đông",
        "Nguyễn Thị Lan",
        "Phạm Văn Đức",
        "Nhận diện lừa đảo trực tuyến",
        "08/12/2026",
        _("The session is not ended yet: this report may still change."),
    ):
        assert expected in text


# --- a quiz played on phones (issue 14) -------------------------------------------------


def _phone_game(store, session):
    """Lan picks her checked-in name, two residents type theirs; three questions, the
    third left unanswered by one phone and the second wrong for everybody."""
    first, second, third = flow.group_quiz_questions(store, session)[:3]
    lan = store.profiles.create("Nguyễn Thị Lan", birth_year=1962)
    players = [
        Player("lan", "Nguyễn Thị Lan", lan.id, T0),
        Player("p1", "Bác Tư Xe Ôm", None, T0),
        Player("p2", "Cô Ba Bán Cá", None, T0),
    ]
    right = [q.correct[0] for q in (first, second, third)]
    wrong = [(r + 1) % len(q.options) for r, q in zip(right, (first, second, third), strict=True)]
    choices = [
        [right[0], wrong[1], right[2]],
        [right[0], wrong[1], wrong[2]],
        [wrong[0], wrong[1], None],
    ]
    play(store, session.id, players, [first, second, third], choices)
    return first, second, third


def test_summary_has_the_phone_game_and_counts_phone_players_as_attendance(content_store):
    store = content_store
    session = new_session(store)
    store.sessions.check_in(session.id, store.profiles.create("Phạm Văn Đức").id)
    first, second, third = _phone_game(store, session)
    summary = flow.session_summary(store, session.id)
    assert sorted(summary.attendees) == ["Nguyễn Thị Lan", "Phạm Văn Đức"]  # checked-in only
    assert summary.attendance == 4  # and the two phones without a name
    assert (summary.phone.players, summary.phone.checked_in_players) == (3, 1)
    assert summary.phone.answers == 8
    assert [(o.question.id, o.answers, o.right) for o in summary.phone_quiz] == [
        (first.id, 3, 2),
        (second.id, 3, 0),
        (third.id, 2, 1),
    ]
    # The reveals are the session's quiz counts: the group quiz table shows them too.
    assert [(o.question.id, o.total, o.right) for o in summary.quiz] == [
        (first.id, 3, 2),
        (second.id, 3, 0),
        (third.id, 2, 1),
    ]
    (listed,) = [i for i in flow.session_list(store) if i.session.id == session.id]
    assert listed.attendance == 4


def test_pdf_report_shows_the_phone_game_without_typed_names(content_store, tmp_path):
    store = content_store
    session = new_session(store)
    first, _second, _third = _phone_game(store, session)
    summary = flow.session_summary(store, session.id)
    target = write_session_pdf(summary, tmp_path / "report.pdf", DAY)
    text = " ".join(page.extract_text() for page in PdfReader(target).pages)
    assert ngettext("Who came: {n} person", "Who came: {n} people", 3).format(n=3) in text
    assert "Nguyễn Thị Lan" in text  # picked her checked-in name
    assert "Bác Tư Xe Ôm" not in text and "Cô Ba Bán Cá" not in text
    assert _("Played on phones") in text
    assert ngettext("{n} player", "{n} players", 3).format(n=3) in text
    assert first.text[:30] in " ".join(text.split())
    assert format_percent(2 / 3) in text
    # Every question was revealed: the group quiz table has them all, nothing apart.
    assert summary.phone_quiz_apart == []
    flat = " ".join(text.split())
    assert (
        " ".join(_("The group quiz results above include the answers given on phones.").split())
        in flat
    )


def test_phone_answers_not_revealed_are_shown_apart(content_store, tmp_path):
    """The app closed before the last reveal: the answers are kept and shown on their own."""
    store = content_store
    session = new_session(store)
    first, second = flow.group_quiz_questions(store, session)[:2]
    guests = [Player(f"p{i}", f"Khách {i}", None, T0) for i in range(4)]
    game_id = play(store, session.id, guests, [first], [[first.correct[0]]] * 4)
    recorder = store.live_games.recorder()
    for index, guest in enumerate(guests[:3]):
        choice = second.correct[0] if index else (second.correct[0] + 1) % len(second.options)
        recorder.answer_recorded(
            game_id, answer(game_id, guest.id, second.id, choice, second.correct[0])
        )
    recorder.close()
    summary = flow.session_summary(store, session.id)
    assert [o.question.id for o in summary.quiz] == [first.id]
    (apart,) = summary.phone_quiz_apart
    assert (apart.question.id, apart.answers, apart.right) == (second.id, 3, 2)
    target = write_session_pdf(summary, tmp_path / "report.pdf", DAY)
    flat = " ".join(" ".join(page.extract_text() for page in PdfReader(target).pages).split())
    assert second.text[:30] in flat and format_percent(2 / 3) in flat
