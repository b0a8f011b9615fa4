"""Aiken files: the simple format group leaders type in Word or Notepad."""

from __future__ import annotations

import unicodedata

import pytest

from skillsapp.content.formats.aiken import parse_aiken
from skillsapp.content.formats.gift import parse_gift, stable_id
from skillsapp.i18n import set_language


@pytest.fixture(autouse=True)
def english(vietnamese):
    # Reasons are compared with their English message ids.
    set_language("en")


def parse(text: str, **kwargs):
    return parse_aiken(text, kwargs.pop("topic", "chung"), kwargs.pop("prefix", "q"), **kwargs)


BASIC = """\
Ai được phép hỏi mã OTP của bạn?
A. Nhân viên ngân hàng
B) Công an
C. Không ai cả
ANSWER: C
"""


def test_basic_question():
    report = parse(BASIC, topic="lua-dao", default_difficulty="easy")
    assert report.skipped == []
    [q] = report.imported
    assert q.text == "Ai được phép hỏi mã OTP của bạn?"
    assert q.options == ("Nhân viên ngân hàng", "Công an", "Không ai cả")
    assert q.correct == (2,)
    assert (q.topic, q.difficulty, q.kind, q.explanation) == ("lua-dao", "easy", "choice", "")
    assert q.id == stable_id("q", q.text, q.options)


def test_same_question_gets_the_same_id_in_aiken_and_gift():
    aiken = parse(BASIC).imported[0]
    gift = parse_gift(
        "Ai được phép hỏi mã OTP của bạn? {~Nhân viên ngân hàng ~Công an =Không ai cả}",
        "chung",
        "q",
    )
    assert gift.imported[0].id == aiken.id


@pytest.mark.parametrize(
    "answer_line",
    [
        "ANSWER: B",
        "answer: b",
        "Answer:B",
        "Đáp án: B",
        "ĐÁP ÁN : B",
        unicodedata.normalize("NFD", "Đáp án: B"),
    ],
)
def test_answer_line_variants(answer_line):
    report = parse(f"Câu hỏi?\nA. Có\nB. Không\n{answer_line}\n")
    assert report.skipped == []
    assert report.imported[0].correct == (1,)


@pytest.mark.parametrize("letters", ["A, C", "A,C", "A;C", "A C", "c, a"])
def test_several_right_options(letters):
    report = parse(f"Chọn hai?\nA. Một\nB. Hai\nC. Ba\nANSWER: {letters}\n")
    assert report.imported[0].correct == (0, 2)


def test_continuation_lines_before_the_first_option():
    report = parse(
        "Đọc tin nhắn sau:\n“Tài khoản của bạn bị khoá.”\nBạn nên làm gì?\nA. Bấm link\nB. Gọi tổng đài\nANSWER: B"
    )
    assert (
        report.imported[0].text
        == "Đọc tin nhắn sau:\n“Tài khoản của bạn bị khoá.”\nBạn nên làm gì?"
    )


def test_bom_windows_line_endings_and_stray_blank_lines():
    text = (
        "\ufeff\r\n\r\nCâu một?\r\n\r\nA. Có\r\n\r\nB. Không\r\n\r\nANSWER: A\r\n"
        "\r\n\r\n\r\nCâu hai?\r\nA. X\r\nB. Y\r\nANSWER: B"
    )
    report = parse(text)
    assert report.skipped == []
    assert [(q.text, q.options, q.correct) for q in report.imported] == [
        ("Câu một?", ("Có", "Không"), (0,)),
        ("Câu hai?", ("X", "Y"), (1,)),
    ]


def test_questions_need_no_blank_line_between_them():
    report = parse(BASIC + BASIC.replace("Ai được", "Ai khác"))
    assert [q.text for q in report.imported] == [
        "Ai được phép hỏi mã OTP của bạn?",
        "Ai khác phép hỏi mã OTP của bạn?",
    ]


ERRORS = """\
Thiếu dòng đáp án?
A. Có
B. Không

Câu đúng một?
A. Có
B. Không
ANSWER: A
Ngay sau mà thiếu đáp án?
A. Có
B. Không
Câu đúng hai?
A. Có
B. Không
ANSWER: B

Chữ cái không có phương án?
A. Có
B. Không
ANSWER: D

Một phương án?
A. Chỉ một
ANSWER: A

Sai thứ tự?
A. Một
C. Hai
ANSWER: A

Đáp án lạ?
A. Có
B. Không
ANSWER: 2

Đáp án trống?
A. Có
B. Không
ANSWER:

ANSWER: A

Trùng?
A. Có
B. có
ANSWER: A

Không có phương án
ANSWER: A

Chỉ là một dòng chữ.
"""


def test_each_broken_question_is_reported_with_its_first_line():
    report = parse(ERRORS)
    assert [q.text for q in report.imported] == ["Câu đúng một?", "Câu đúng hai?"]
    assert report.skipped == [
        (1, "the ANSWER line is missing"),
        (9, "the ANSWER line is missing"),
        (17, "the answer letter D has no option"),
        (22, "a question needs 2 to 6 options; this one has 1"),
        (26, "options must be lettered A, B, C… in order"),
        (31, "the answer “2” must be option letters, such as B or A, C"),
        (36, "no option is marked as right"),
        (41, "this ANSWER line has no question before it"),
        (43, "options A and B have the same text"),
        (48, "a question needs 2 to 6 options; this one has 0"),
        (51, "the ANSWER line is missing"),
    ]


def test_an_option_without_a_question_is_reported():
    assert parse("A. Có\nB. Không\nANSWER: A").skipped == [(1, "the question has no text")]


def test_seven_options_are_too_many():
    options = "\n".join(f"{letter}. {letter.lower()}" for letter in "ABCDEFG")
    assert parse(f"Nhiều?\n{options}\nANSWER: A").skipped == [
        (1, "a question needs 2 to 6 options; this one has 7")
    ]


def test_a_repeated_question_is_reported():
    report = parse(BASIC + "\n" + BASIC)
    assert len(report.imported) == 1
    assert report.skipped == [(7, f"the id “{report.imported[0].id}” is already used on line 1")]


def test_unknown_default_difficulty_is_a_programming_error():
    with pytest.raises(ValueError):
        parse(BASIC, default_difficulty="rất dễ")
