"""The item-quality rules of ``content check``: each one fires on a small pack made to trip
it, names the file and line, and a clean pack trips none; ``--strict`` makes them errors."""

from __future__ import annotations

import pytest
from quality_helpers import CONTEST, LESSON, PACK, PAYMENTS, QUESTIONS, write_pack

from skillsapp.cli import main
from skillsapp.content.checker import check_pack
from skillsapp.content.reading import WORDS_PER_MINUTE, reading_minutes, word_count
from skillsapp.content.wording import ADDRESS_FORMS, is_all_or_none


def warnings_of(root):
    report = check_pack(root)
    assert report.read.problems.errors == [], [str(p) for p in report.problems]
    return [(p.file, p.line, p.message) for p in report.read.problems.warnings]


def test_clean_pack_trips_no_rule_even_when_strict(tmp_path):
    root = write_pack(tmp_path)
    assert warnings_of(root) == []
    report = check_pack(root, strict=True)
    assert report.ok and report.problems == []
    assert main(["content", "check", "--strict", str(root)]) == 0


def _longest_keys(text: str) -> str:
    """The questions file with the right option made the longest in 3 of 3 single-answer
    questions."""
    return (
        text.replace(
            '"Không đưa mã, tự gọi số tổng đài in trên thẻ"',
            '"Không đưa mã, tự gọi số tổng đài in trên thẻ ngân hàng của bạn để hỏi lại"',
        )
        .replace(
            '"Tôi thích hát Quê hương 2024!"',
            '"Tôi thích hát Quê hương 2024! Mùa xuân ơi, ngày tết đến rồi"',
        )
        .replace(
            '"Từ chối quyền đó"',
            '"Từ chối quyền đó và chỉ cho phép những quyền đèn pin thật sự cần"',
        )
    )


def test_key_longest_share_above_40_percent_is_reported_per_file_and_contest_pool(tmp_path):
    root = write_pack(tmp_path, questions__an_toan_yaml=_longest_keys(QUESTIONS))
    found = warnings_of(root)
    per_file = [w for w in found if w[0] == "questions/an-toan.yaml" and w[1] == 1]
    assert len(per_file) == 1 and "100%" in per_file[0][2] and "3 trên 3" in per_file[0][2]
    pool = [w for w in found if w[0] == "contests/thi-thu.yaml"]
    # the pool holds 5 single-answer questions, 3 of them with the longest key: 60%
    assert len(pool) == 1 and "60%" in pool[0][2] and "thi-thu" in pool[0][2]
    # the other file (0 of 2) is fine
    assert not [w for w in found if w[0] == "questions/thanh-toan.yaml"]


def test_key_longest_share_of_40_percent_is_allowed(tmp_path):
    # 2 of 5 in the pool (40%) is not above the limit; the file has 2 of 3 (67%)
    text = QUESTIONS.replace(
        '"Tôi thích hát Quê hương 2024!"',
        '"Tôi thích hát Quê hương 2024! Mùa xuân ơi, ngày tết đến rồi"',
    ).replace('"Từ chối quyền đó"', '"Từ chối quyền đó và chỉ cho những quyền đèn pin thật sự cần"')
    found = warnings_of(write_pack(tmp_path, questions__an_toan_yaml=text))
    assert [w[0] for w in found] == ["questions/an-toan.yaml"]


NEAR_DUPLICATE = """
  - id: thanh-toan-003
    text: "Bà Lan có người gọi điện xưng là nhân viên ngân hàng và xin mã OTP. Bà nên làm gì?"
    options: ["Đọc mã cho người đó nghe thật chậm", "Không đưa mã", "Gửi mã qua Zalo"]
    answer: B
    explanation: "Ngân hàng không bao giờ hỏi mã OTP."
"""


def test_near_duplicate_stems_are_reported_with_both_ids_files_and_lines(tmp_path):
    root = write_pack(tmp_path, questions__thanh_toan_yaml=PAYMENTS + NEAR_DUPLICATE)
    found = [w for w in warnings_of(root) if "an-toan-001" in w[2]]
    assert len(found) == 1
    file, line, message = found[0]
    assert (file, line) == ("questions/an-toan.yaml", 3)
    assert "thanh-toan-003" in message and "questions/thanh-toan.yaml:21" in message


def test_near_duplicates_sharing_an_exclusive_group_are_not_reported(tmp_path):
    grouped = NEAR_DUPLICATE.replace("    answer: B\n", "    answer: B\n    exclusive: ma-otp\n")
    questions = QUESTIONS.replace("    answer: B\n", "    answer: B\n    exclusive: ma-otp\n", 1)
    root = write_pack(
        tmp_path,
        questions__an_toan_yaml=questions,
        questions__thanh_toan_yaml=PAYMENTS + grouped,
    )
    assert warnings_of(root) == []
    by_id = {q.id: q for q in check_pack(root).read.pack.questions}
    assert by_id["an-toan-001"].exclusive == by_id["thanh-toan-003"].exclusive == "ma-otp"


def test_questions_that_ask_different_things_in_the_same_words_are_not_duplicates(tmp_path):
    different = """
  - id: thanh-toan-003
    text: "Dấu hiệu nào cho thấy một tin nhắn về ngân hàng là lừa đảo?"
    options: ["Giục chuyển tiền gấp trong 5 phút", "Có tên ngân hàng", "Gửi vào buổi sáng"]
    answer: A
    explanation: "Kẻ gian hay giục gấp."
  - id: thanh-toan-004
    text: "Dấu hiệu nào cho thấy một trang bán hàng có thể lừa đảo?"
    options: ["Giá rẻ bất thường, chỉ nhận chuyển khoản trước", "Có ảnh sản phẩm", "Có giỏ hàng"]
    answer: A
    explanation: "Giá rẻ bất thường và đòi chuyển khoản trước là dấu hiệu lừa đảo."
"""
    root = write_pack(tmp_path, questions__thanh_toan_yaml=PAYMENTS + different)
    assert [w for w in warnings_of(root) if "gần như hỏi cùng một ý" in w[2]] == []


def test_picture_that_prints_the_right_option_is_reported(tmp_path):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 640">'
        "<text x='10' y='40'>Bước 2: xem <tspan>tên người nhận</tspan></text></svg>"
    )
    root = write_pack(tmp_path)
    (root / "images/man-hinh.svg").write_text(svg, encoding="utf-8")
    found = warnings_of(root)
    assert len(found) == 1
    file, line, message = found[0]
    assert (file, line) == ("questions/thanh-toan.yaml", 3)
    assert "thanh-toan-001" in message and "images/man-hinh.svg" in message and " B " in message


def test_picture_that_prints_a_long_wrong_option_is_reported(tmp_path):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 640">'
        "<text x='10' y='40'>Số dư còn lại trong tài khoản</text>"
        "<text x='10' y='80'>của chính bạn sau khi chuyển</text></svg>"
    )
    root = write_pack(tmp_path)
    (root / "images/man-hinh.svg").write_text(svg, encoding="utf-8")
    found = warnings_of(root)
    assert len(found) == 1 and "phương án A" in found[0][2]


@pytest.mark.parametrize(
    "option",
    [
        "Tất cả các đáp án trên",
        "Cả A và B",
        "Cả hai đều đúng",
        "Cả ba cách trên đều được",
        "Không có đáp án nào đúng",
        "Các ý trên đều sai",
        "Đều sai",
        "All of the above",
    ],
)
def test_all_or_none_options_are_reported(tmp_path, option):
    text = QUESTIONS.replace('"Chụp ảnh mã gửi cho họ"', f'"{option}"')
    found = warnings_of(write_pack(tmp_path, questions__an_toan_yaml=text))
    assert len(found) == 1
    assert found[0][:2] == ("questions/an-toan.yaml", 3) and "phương án D" in found[0][2]


@pytest.mark.parametrize(
    "option",
    [
        "Chờ, vì không có cách nào xem được",
        "Tất cả mọi người đều có thể bị lừa",
        "Cả hai vợ chồng cùng đi làm thủ tục",
    ],
)
def test_options_that_merely_use_the_words_are_not_all_or_none(option):
    assert not is_all_or_none(option)


# Words of the all/none patterns and of the forms of address, and plain words, for random
# options and texts.
_PIECES = [
    "tất cả",
    "các",
    "những",
    "đáp án",
    "phương án",
    "ý",
    "câu",
    "cách",
    "trên",
    "nêu trên",
    "đều",
    "cả a và b",
    "cả hai",
    "cả 3",
    "không có",
    "nào",
    "đúng",
    "sai",
    "all of the above",
    "none of the",
    "bà con",
    "quý vị",
    "các bác",
    "cô chú",
    "bạn",
    "mã otp",
    "gọi điện",
    "Tất cả",
    "Cả",
    "Bà",
    "Con",
    "ĐỀU",
    ",",
    ".",
    "!",
    "(Chọn tất cả các đáp án đúng)",
]


def _random_text(rng, words: int) -> str:
    return " ".join(rng.choice(_PIECES) for _ in range(words))


def test_all_or_none_as_one_pattern_answers_as_each_pattern_did():
    import random

    from skillsapp.content.wording import ALL_OR_NONE, normalise

    rng = random.Random(7)
    answers = []
    for _ in range(20_000):
        option = _random_text(rng, rng.randint(1, 7))
        expected = any(pattern.search(normalise(option)) for pattern in ALL_OR_NONE)
        assert is_all_or_none(option) == expected, option
        answers.append(expected)
    assert 1_000 < sum(answers) < 19_000  # both answers are common


def test_forms_of_address_found_in_joined_texts_are_those_of_each_text():
    import random

    from skillsapp.content.wording import address_forms

    rng = random.Random(8)
    found_any = 0
    for _ in range(5_000):
        texts = [_random_text(rng, rng.randint(1, 4)) for _ in range(rng.randint(1, 5))]
        each = sorted({form for text in texts for form in address_forms(text)})
        assert sorted(set(address_forms("\n".join(texts)))) == each, texts
        found_any += bool(each)
    assert 500 < found_any < 4_500
    # and each is what the pattern alone finds, in any case
    import re
    import unicodedata

    from skillsapp.content.wording import _ADDRESS

    for _ in range(5_000):
        text = _random_text(rng, rng.randint(1, 8))
        text = "".join(c.upper() if rng.random() < 0.3 else c for c in text)
        plain = [m.group(1).lower() for m in _ADDRESS.finditer(unicodedata.normalize("NFC", text))]
        assert address_forms(text) == plain, text
    assert address_forms("BÀ CON nên làm gì?") == ["bà con"]
    assert re.IGNORECASE & _ADDRESS.flags
    # a form split across two texts (the end of one, the start of the next) is none
    assert address_forms("\n".join(["Hỏi bà", "con đường nào?"])) == []


def test_key_letter_out_of_range_names_file_line_letter_and_option_count(tmp_path):
    text = QUESTIONS.replace("    answer: C\n", "    answer: E\n", 1)
    report = check_pack(write_pack(tmp_path, questions__an_toan_yaml=text))
    errors = [(p.file, p.line, p.message) for p in report.read.problems.errors]
    assert errors == [
        (
            "questions/an-toan.yaml",
            19,
            "câu hỏi an-toan-002: đáp án 'E' không khớp phương án nào: câu hỏi có 4 phương "
            "án (A–D)",
        )
    ]


def test_straight_quotes_are_reported_in_questions_and_lesson_lines(tmp_path):
    text = QUESTIONS.replace(
        '"Ngân hàng không bao giờ hỏi mã OTP."', "'Ngân hàng không hỏi \"mã OTP\".'"
    )
    lesson = LESSON.replace("“công an”", '"công an"')
    found = warnings_of(
        write_pack(tmp_path, questions__an_toan_yaml=text, lessons__01_an_toan_md=lesson)
    )
    assert sorted((f, n) for f, n, _m in found) == [
        ("lessons/01-an-toan.md", 15),
        ("questions/an-toan.yaml", 3),
    ]
    assert all('"' in m and "“…”" in m for _f, _n, m in found)


@pytest.mark.parametrize("form", ADDRESS_FORMS)
def test_other_forms_of_address_than_ban_are_reported(tmp_path, form):
    lesson = LESSON.replace("Bạn không đọc mã", f"{form.capitalize()} không đọc mã")
    text = QUESTIONS.replace("Bạn nên làm gì?", f"{form.capitalize()} nên làm gì?", 1)
    found = warnings_of(
        write_pack(tmp_path, questions__an_toan_yaml=text, lessons__01_an_toan_md=lesson)
    )
    assert sorted((f, n) for f, n, _m in found) == [
        ("lessons/01-an-toan.md", 15),
        ("questions/an-toan.yaml", 3),
    ]
    assert all(form in m and "“bạn”" in m for _f, _n, m in found)


def test_scenario_people_in_the_third_person_are_not_forms_of_address(tmp_path):
    text = QUESTIONS.replace(
        "Có người gọi điện", "Bà Hoa nhận cuộc gọi của anh Hùng. Có người gọi điện", 1
    )
    assert warnings_of(write_pack(tmp_path, questions__an_toan_yaml=text)) == []


def test_long_lesson_minutes_field_and_undated_sources_are_reported(tmp_path):
    body = "\n\n" + " ".join(["chữ"] * 901) + "\n"
    lesson = (
        LESSON.replace("order: 1\n", "order: 1\nminutes: 5\n").replace(
            '    date: "2025-04-29"\n', ""
        )
        + body
    )
    pack = PACK.replace('    date: "2025"\n', "")
    found = warnings_of(write_pack(tmp_path, lessons__01_an_toan_md=lesson, pack_yaml=pack))
    where = sorted((f, n) for f, n, _m in found)
    assert where == [
        ("lessons/01-an-toan.md", 2),  # more than 900 words
        ("lessons/01-an-toan.md", 7),  # minutes
        ("lessons/01-an-toan.md", 10),  # the source without date
        ("pack.yaml", 7),  # the pack's source without date
    ]
    messages = " ".join(m for _f, _n, m in found)
    assert "chữ, quá 900 chữ" in messages and "'minutes'" in messages
    assert "Cổng Thông tin điện tử Bộ Công an" in messages and "Cổng Dịch vụ công" in messages
    lesson_read = check_pack(tmp_path / "goi-thu").read.pack.lessons[0]
    # 932 words at 120 a minute, rounded up; the "minutes: 5" written in the file is ignored
    assert word_count(lesson_read.body) == 932
    assert lesson_read.minutes == reading_minutes(lesson_read.body) == 8


def test_unquoted_source_dates_are_read_as_text(tmp_path):
    lesson = LESSON.replace('date: "2025-04-29"', "date: 2025-04-29")
    pack = PACK.replace('date: "2025"', "date: 2025")
    root = write_pack(tmp_path, lessons__01_an_toan_md=lesson, pack_yaml=pack)
    assert warnings_of(root) == []
    read = check_pack(root).read.pack
    assert read.sources[0].date == "2025" and read.lessons[0].sources[0].date == "2025-04-29"


def test_reading_time_counts_words_not_markdown():
    assert word_count("# Tiêu đề\n\n- **Một** hai\n\n![Hình ba](../images/a.svg)\n") == 6
    assert reading_minutes("") == 1
    assert reading_minutes(" ".join(["từ"] * WORDS_PER_MINUTE)) == 1
    assert reading_minutes(" ".join(["từ"] * (WORDS_PER_MINUTE + 1))) == 2


def test_quota_that_groups_make_impossible_to_fill_is_an_error(tmp_path):
    # a quota of all 4 an-toan questions can be filled...
    contest = CONTEST.replace("questions_per_attempt: 2", "questions_per_attempt: 5").replace(
        "{topic: an-toan, count: 1}", "{topic: an-toan, count: 4}"
    )
    assert check_pack(write_pack(tmp_path / "a", contests__thi_thu_yaml=contest)).ok
    # ...cannot be filled once two of its four questions are one group
    grouped = QUESTIONS.replace("    answer: B\n", "    answer: B\n    exclusive: g\n", 1).replace(
        "    answer: C\n", "    answer: C\n    exclusive: g\n", 1
    )
    root = write_pack(
        tmp_path / "b", contests__thi_thu_yaml=contest, questions__an_toan_yaml=grouped
    )
    report = check_pack(root)
    errors = [(p.file, p.line, p.message) for p in report.read.problems.errors]
    assert len(errors) == 1 and errors[0][:2] == ("contests/thi-thu.yaml", 1)
    assert "cần 4 câu" in errors[0][2] and "chỉ 3 câu" in errors[0][2]


def test_a_group_an_earlier_quota_may_draw_from_counts_against_a_later_quota(tmp_path):
    # thanh-toan has 2 questions; one shares a group with an an-toan question, which the
    # first quota may draw: the second quota (2 questions) cannot always be filled.
    contest = CONTEST.replace("questions_per_attempt: 2", "questions_per_attempt: 3").replace(
        "{topic: thanh-toan, count: 1}", "{topic: thanh-toan, count: 2}"
    )
    questions = QUESTIONS.replace("    answer: B\n", "    answer: B\n    exclusive: g\n", 1)
    payments = PAYMENTS.replace("    answer: B\n", "    answer: B\n    exclusive: g\n", 1)
    root = write_pack(
        tmp_path,
        contests__thi_thu_yaml=contest,
        questions__an_toan_yaml=questions,
        questions__thanh_toan_yaml=payments,
    )
    errors = [p.message for p in check_pack(root).read.problems.errors]
    assert len(errors) == 1 and "thanh-toan" in errors[0]


def test_bad_exclusive_group_name_is_an_error(tmp_path):
    text = QUESTIONS.replace("    answer: B\n", "    answer: B\n    exclusive: Mã OTP\n", 1)
    report = check_pack(write_pack(tmp_path, questions__an_toan_yaml=text))
    assert [(p.file, p.line) for p in report.read.problems.errors] == [
        ("questions/an-toan.yaml", 11)
    ]


def test_strict_turns_warnings_into_errors_and_the_exit_code_says_so(tmp_path, capsys):
    root = write_pack(tmp_path, questions__an_toan_yaml=_longest_keys(QUESTIONS))
    assert check_pack(root).ok
    assert main(["content", "check", str(root)]) == 0
    strict = check_pack(root, strict=True)
    assert not strict.ok and strict.read.problems.warnings == []
    assert len(strict.read.problems.errors) == 2
    capsys.readouterr()
    assert main(["content", "check", "--strict", str(root)]) == 1
    out = capsys.readouterr().out
    assert "questions/an-toan.yaml:1:" in out and "2 lỗi, 0 cảnh báo" in out
