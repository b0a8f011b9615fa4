"""The shipped Vietnamese pack keeps its coverage: content cannot shrink unnoticed."""

import re
import unicodedata
from collections import Counter

import pytest
from content_helpers import BUNDLED

from skillsapp.content.checker import check_pack
from skillsapp.content.reading import reading_minutes

TOPICS = {
    "thiet-bi-an-toan",
    "vneid",
    "dich-vu-cong",
    "thanh-toan-so",
    "lua-dao",
    "du-lieu-ca-nhan",
    "chu-ky-so",
    "thuong-mai-dien-tu",
    "thong-tin",
    "tri-tue-nhan-tao",
}


@pytest.fixture(scope="module")
def report():
    return check_pack(BUNDLED)


def test_pack_passes_the_checker_with_no_errors(report):
    assert [str(p) for p in report.read.problems.errors] == []


def test_pack_passes_the_strict_checker_with_no_warnings():
    strict = check_pack(BUNDLED, strict=True)
    assert [str(p) for p in strict.problems] == []
    assert strict.ok


def test_every_topic_has_a_lesson_and_twenty_questions(report):
    pack = report.read.pack
    assert pack.topic_ids() >= TOPICS  # new topics may be added, none may go
    assert {lesson.topic for lesson in pack.lessons} == pack.topic_ids()
    per_topic = Counter(q.topic for q in pack.questions)
    assert set(per_topic) == pack.topic_ids()
    assert min(per_topic.values()) >= 20
    assert len(pack.questions) >= 300


def test_questions_have_explanations_levels_and_some_multi_answer(report):
    questions = report.read.pack.questions
    assert all(q.explanation for q in questions)
    assert {q.difficulty for q in questions} == {"easy", "medium", "hard"}
    assert sum(q.is_multi for q in questions) >= 30
    for q in questions:
        if q.is_multi:
            assert "Chọn tất cả" in q.text, q.id


def test_each_lesson_has_practice_steps_picture_memo_and_sources(report):
    pack = report.read.pack
    by_id = {q.id: q for q in pack.questions}
    for lesson in pack.lessons:
        assert len(lesson.practice) >= 5, lesson.id
        assert all(by_id[q].topic == lesson.topic for q in lesson.practice), lesson.id
        assert lesson.minutes == reading_minutes(lesson.body) >= 1, lesson.id
        assert lesson.objectives and lesson.sources, lesson.id
        assert lesson.title_en and lesson.summary and lesson.summary_en, lesson.id
        assert re.search(r"^1\. ", lesson.body, re.M), lesson.id
        assert re.search(r"!\[[^\]]+\]\(", lesson.body), lesson.id
        assert "> **Ghi nhớ**" in lesson.body, lesson.id


def test_text_is_nfc_and_names_services_correctly(report):
    pack = report.read.pack
    texts = [lesson.body for lesson in pack.lessons] + [q.text for q in pack.questions]
    texts += [o for q in pack.questions for o in q.options] + [
        q.explanation for q in pack.questions
    ]
    joined = "\n".join(texts)
    assert unicodedata.is_normalized("NFC", joined)
    # Since 1 July 2025 there is no district level; the old ministry name is gone since 2025.
    assert not re.search(r"\bhuyện\b", joined.lower())
    assert "Bộ Thông tin và Truyền thông" not in joined
    assert "91/2025/QH15" in joined
    assert "Cổng Dịch vụ công quốc gia" in joined


def test_sample_contest_follows_the_issue(report):
    (contest,) = [c for c in report.read.pack.contests if not c.trial]
    rules = contest.rules
    assert contest.title == "Tìm hiểu về chuyển đổi số"
    assert len(contest.rounds) == 4
    assert rules.questions_per_attempt == 20 and rules.time_limit_minutes == 15
    assert rules.attempts_per_day == 1 and rules.counting == "best"
    assert rules.prediction == "full_score_count"
    assert {q.topic for q in rules.quotas} == TOPICS and sum(q.count for q in rules.quotas) == 20
