"""Moodle GIFT files: what a group leader's bank turns into, what is refused and why."""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillsapp.content.formats.gift import clean, parse_gift, slugify, stable_id
from skillsapp.content.formats.gift_writer import write_gift
from skillsapp.i18n import set_language
from skillsapp.models import Question


@pytest.fixture(autouse=True)
def english(vietnamese):
    # Reasons are compared with their English message ids.
    set_language("en")


def parse(text: str, **kwargs):
    return parse_gift(text, kwargs.pop("topic", "chung"), kwargs.pop("prefix", "q"), **kwargs)


def only(text: str, **kwargs) -> Question:
    report = parse(text, **kwargs)
    assert report.skipped == []
    assert len(report.imported) == 1
    return report.imported[0]


# --- Multiple choice, ids, text clean-up ------------------------------------------------------


def test_multiple_choice_with_vietnamese_text():
    q = only("Thủ đô của Việt Nam là gì? {=Hà Nội ~Huế ~Đà Nẵng}")
    assert q.text == "Thủ đô của Việt Nam là gì?"
    assert q.options == ("Hà Nội", "Huế", "Đà Nẵng")
    assert q.correct == (0,)
    assert (q.kind, q.topic, q.difficulty, q.title, q.weights, q.option_feedback) == (
        "choice", "chung", "medium", "", (), (),
    )  # fmt: skip


def test_generated_id_is_sha1_of_text_and_options_and_stable():
    q = only("Câu hỏi? {~Có =Không}", prefix="xa-a")
    digest = hashlib.sha1(("Câu hỏi?" + "\x1f".join(["Có", "Không"])).encode()).hexdigest()
    assert q.id == f"xa-a-{digest[:10]}"
    assert only("Câu hỏi?{~Có\n=Không}", prefix="xa-a").id == q.id  # same question, other layout
    assert only("Câu hỏi khác? {~Có =Không}", prefix="xa-a").id != q.id


def test_text_is_nfc_normalised():
    decomposed = unicodedata.normalize("NFD", "Việt Nam")
    q = only(f"{decomposed}? {{=Đúng ~Không đúng}}")
    assert q.text == "Việt Nam?"
    assert q.id == only("Việt Nam? {=Đúng ~Không đúng}").id


def test_bom_windows_line_endings_and_stray_blank_lines():
    text = (
        "\ufeff\r\n\r\nCâu một?\r\n{\r\n=A\r\n\r\n~B\r\n}\r\n\r\n\r\n\r\nCâu hai? {=C ~D}\r\n\r\n"
    )
    report = parse(text)
    assert report.skipped == []
    assert [(q.text, q.options) for q in report.imported] == [
        ("Câu một?", ("A", "B")),
        ("Câu hai?", ("C", "D")),
    ]


def test_comment_lines_are_ignored_anywhere():
    text = (
        "// question: 12  name: exported by Moodle\n"
        "Câu hỏi // not a comment here\n"
        "// a comment inside the question\n"
        "{=A\n// and between answers\n~B}\n"
    )
    q = only(text)
    assert q.text == "Câu hỏi // not a comment here"
    assert q.options == ("A", "B")


def test_question_and_answers_over_several_lines():
    text = "::Tiêu đề::\nDòng một\nDòng hai\n{\n  =A#đúng\n  ~B\n  ####Vì A đúng.\n}\n"
    q = only(text)
    assert (q.title, q.text, q.options, q.explanation) == (
        "Tiêu đề",
        "Dòng một\nDòng hai",
        ("A", "B"),
        "Vì A đúng.",
    )


def test_title():
    assert only("::Câu 1:: Mật khẩu mạnh? {=Có ~Không}").title == "Câu 1"
    report = parse("::Không đóng tiêu đề {=Có ~Không}")
    assert report.skipped == [(1, "the title is not closed: write it as ::title::")]


def test_category_sets_the_topic_of_the_following_questions():
    text = (
        "Không có chủ đề? {=A ~B}\n\n"
        "$CATEGORY: $course$/top/Lừa đảo trực tuyến\n\n"
        "Câu 2? {=A ~B}\n\n"
        "Câu 3? {=A ~B}\n\n"
        "$CATEGORY: $course$/top/An toàn/Đặt MẬT KHẨU\n"
        "Câu 4? {=A ~B}\n"
    )
    report = parse(text, topic="mac-dinh")
    assert [q.topic for q in report.imported] == [
        "mac-dinh",
        "lua-dao-truc-tuyen",
        "lua-dao-truc-tuyen",
        "dat-mat-khau",
    ]


def test_slugify():
    assert slugify("Lừa đảo") == "lua-dao"
    assert slugify("  Đường Dây Nóng 111!  ") == "duong-day-nong-111"


# --- Right answers, weights, feedback ---------------------------------------------------------


def test_several_equal_signs_mark_several_right_options():
    q = only("Chọn hai? {=A ~B =C}")
    assert q.correct == (0, 2)
    assert q.weights == ()


def test_weighted_answers_keep_their_weights():
    q = only("Chọn hai? {~%50%A ~%50%B ~%-100%C}")
    assert q.correct == (0, 1)
    assert q.weights == (50.0, 50.0, -100.0)


def test_even_split_with_bare_wrong_answers_means_no_weights():
    q = only("Chọn ba? {~%33.33333%A ~%33.33333%B ~%33.33333%C ~D}")
    assert (q.correct, q.weights) == ((0, 1, 2), ())
    # Written zeros make the weights explicit, so they are kept.
    q = only("Chọn một? {~%100%A ~%0%B}")
    assert (q.correct, q.weights) == ((0,), (100.0, 0.0))


def test_partial_credit_next_to_an_equal_sign():
    q = only("Gần đúng? {=A ~%50%B ~C}")
    assert (q.correct, q.weights) == ((0,), (100.0, 50.0, 0.0))


def test_bad_weights_are_reported():
    assert parse("Câu? {~%150%A ~B}").skipped == [
        (1, "the weight 150% must be between -100% and 100%")
    ]
    assert parse("Câu? {=%50%A ~B}").skipped == [
        (1, "a weight such as %50% goes after ~, not after =")
    ]


def test_answer_feedback_lines_up_with_options():
    q = only("Câu? {=A#Đúng vậy ~B ~C#Không phải}")
    assert q.option_feedback == ("Đúng vậy", "", "Không phải")


def test_general_feedback_is_the_explanation():
    q = only("Câu? {=A ~B####Vì A là đáp án.}")
    assert q.explanation == "Vì A là đáp án."
    assert q.option_feedback == ()


@pytest.mark.parametrize(
    ("answer", "correct"),
    [("T", (0,)), ("TRUE", (0,)), ("F", (1,)), ("FALSE", (1,)), ("true", (0,))],
)
def test_true_false(answer, correct):
    q = only(f"Mã OTP là bí mật. {{{answer}}}")
    assert (q.kind, q.options, q.correct, q.weights) == ("truefalse", ("Đúng", "Sai"), correct, ())


def test_true_false_feedback_goes_to_the_option_chosen():
    # Moodle: the first feedback is shown for a wrong answer, the second for a right one.
    q = only("Trời xanh. {T#Sai rồi#Chính xác####Giải thích}")
    assert (q.correct, q.option_feedback, q.explanation) == (
        (0,),
        ("Chính xác", "Sai rồi"),
        "Giải thích",
    )
    q = only("Trời đỏ. {FALSE#Sai rồi#Chính xác}")
    assert (q.correct, q.option_feedback) == ((1,), ("Sai rồi", "Chính xác"))
    assert only("Trời đỏ. {F#Chưa đúng}").option_feedback == ("Chưa đúng", "")


# --- Escapes, format prefixes, missing word ---------------------------------------------------


def test_escaped_special_characters():
    q = only(r"Ký tự \~ \= \# \{ \} \: và \\ nhé\ndòng hai {=a\=b#x\#y ~c\~d}")
    assert q.text == "Ký tự ~ = # { } : và \\ nhé\ndòng hai"
    assert q.options == ("a=b", "c~d")
    assert q.option_feedback == ("x#y", "")


def test_format_prefix_is_dropped_and_the_text_kept():
    q = only("[html]Chọn <b>một</b> {=[markdown]**A** ~[plain]B#[moodle]ý kiến}")
    assert q.text == "Chọn <b>một</b>"
    assert q.options == ("**A**", "B")
    assert q.option_feedback == ("", "ý kiến")
    assert only("[other]Giữ nguyên {=A ~B}").text == "[other]Giữ nguyên"


def test_missing_word_question():
    q = only("Không chia sẻ {=mã OTP ~tên} cho bất kỳ ai.")
    assert q.text == "Không chia sẻ _____ cho bất kỳ ai."
    assert only("Câu {=A ~B}\nvẫn tiếp tục.").text == "Câu _____\nvẫn tiếp tục."


# --- What is refused --------------------------------------------------------------------------


UNSUPPORTED = """\
Được {=A ~B}

Ghép đôi
{=Hà Nội -> Thủ đô =Huế -> Cố đô}

Năm? {#1945:0}

Tên? {=Hà Nội =Hanoi}

Tên một? {=Hà Nội}

Viết bài luận {}

Chỉ là mô tả, không có đáp án.

Ngoặc sai {=A ~B

Hai khối {=A ~B} và {=C ~D}

Thiếu dấu {A ~B =C}

Cuối {=C ~D}
"""


def test_each_unsupported_question_is_reported_with_its_line():
    report = parse(UNSUPPORTED)
    assert [q.text for q in report.imported] == ["Được", "Cuối"]
    assert report.skipped == [
        (3, "matching questions are not supported"),
        (6, "numerical questions are not supported"),
        (8, "short-answer questions are not supported"),
        (10, "short-answer questions are not supported"),
        (12, "essay questions are not supported"),
        (14, "text without answers in { } (a description) is not supported"),
        (16, "the braces { } around the answers do not match"),
        (18, "a question can have only one answer block in { }"),
        (20, "every answer must start with = (right) or ~ (wrong)"),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Một lựa chọn? {~%100%A}", "a question needs 2 to 6 options; this one has 1"),
        ("Bảy? {=A ~B ~C ~D ~E ~F ~G}", "a question needs 2 to 6 options; this one has 7"),
        ("Không đúng? {~A ~B}", "no option is marked as right"),
        ("Âm? {~%-50%A ~B}", "no option is marked as right"),
        ("Trùng? {=Có ~  có }", "options A and B have the same text"),
        ("Rỗng? {=A ~ ~B}", "option B is empty"),
        ("{=A ~B}", "the question has no text"),
    ],
)
def test_invalid_questions_are_skipped(text, reason):
    report = parse("Đúng {=A ~B}\n\n" + text)
    assert len(report.imported) == 1
    assert report.skipped == [(3, reason)]


# --- Our comment extension --------------------------------------------------------------------


def test_id_difficulty_and_image_comments():
    text = "// id: lua-dao-01\n// difficulty: hard\n// image: images/sms.png\nCâu? {=A ~B}\n\nCâu hai? {=A ~B}"
    first, second = parse(text).imported
    assert (first.id, first.difficulty, first.image) == ("lua-dao-01", "hard", "images/sms.png")
    assert (second.id.startswith("q-"), second.difficulty, second.image) == (True, "medium", None)


def test_default_difficulty_and_vietnamese_difficulty_names():
    assert only("Câu? {=A ~B}", default_difficulty="easy").difficulty == "easy"
    assert only("// difficulty: Khó\nCâu? {=A ~B}").difficulty == "hard"
    with pytest.raises(ValueError):
        parse("Câu? {=A ~B}", default_difficulty="rất khó")


def test_bad_id_or_difficulty_skips_the_question():
    report = parse("// id: Câu 1\nCâu? {=A ~B}\n\n// difficulty: siêu khó\nCâu? {=A ~B}")
    assert report.imported == []
    assert report.skipped == [
        (
            2,
            "the id “Câu 1” cannot be used: use lower-case letters, digits and hyphens, or leave it empty",
        ),
        (5, "unknown difficulty “siêu khó”: write Dễ, Trung bình or Khó (or easy, medium, hard)"),
    ]


def test_a_repeated_id_is_skipped_with_the_first_line():
    report = parse(
        "// id: a\nMột? {=A ~B}\n\n// id: a\nHai? {=A ~B}\n\nMột? {=A ~B}\n\nMột? {=A ~B}"
    )
    assert [q.text for q in report.imported] == ["Một?", "Một?"]
    repeated_generated = report.imported[1].id
    assert report.skipped == [
        (5, "the id “a” is already used on line 2"),
        (9, f"the id “{repeated_generated}” is already used on line 7"),
    ]


def test_an_id_comment_starts_a_new_question_even_without_a_blank_line():
    report = parse("// id: a\nMột? {=A ~B}\n// id: b\nHai? {=A ~B}")
    assert [(q.id, q.text) for q in report.imported] == [("a", "Một?"), ("b", "Hai?")]


# --- Writing ----------------------------------------------------------------------------------


def question(**changes) -> Question:
    values = dict(
        id="q-1", topic="lua-dao", difficulty="easy", text="Câu hỏi?", options=("Có", "Không"),
        correct=(1,), explanation="",
    )  # fmt: skip
    values.update(changes)
    return Question(**values)


def test_write_gift_layout():
    questions = [
        question(
            title="Tiêu đề",
            explanation="Vì vậy.",
            option_feedback=("Không", ""),
            image="images/a.png",
        ),
        question(id="q-2", options=("A", "B", "C"), correct=(0, 2)),
        question(
            id="q-3", topic="mat-khau", kind="truefalse", options=("Đúng", "Sai"), correct=(0,)
        ),
    ]
    assert write_gift(questions) == (
        "$CATEGORY: lua-dao\n\n"
        "// id: q-1\n// difficulty: easy\n// image: images/a.png\n"
        "::Tiêu đề::Câu hỏi? {\n\t~Có#Không\n\t=Không\n\t####Vì vậy.\n}\n\n"
        "// id: q-2\n// difficulty: easy\nCâu hỏi? {\n\t~%50%A\n\t~B\n\t~%50%C\n}\n\n"
        "$CATEGORY: mat-khau\n\n"
        "// id: q-3\n// difficulty: easy\nCâu hỏi? {T}\n"
    )
    assert parse(write_gift(questions)).imported == questions


def test_write_gift_escapes_and_protects_text_that_looks_like_syntax():
    q = question(
        text="// không phải chú thích {x} a=b~c#d:e \\ f\ng", options=("%50% giảm giá", "[html]B")
    )
    written = write_gift([q])
    assert "[moodle]// không phải chú thích \\{x\\} a\\=b\\~c\\#d\\:e \\\\ f\\ng {" in written
    assert "\t~[moodle]%50% giảm giá\n\t=[moodle][html]B\n" in written
    assert parse(written).imported == [q]


def test_three_right_options_use_moodle_thirds():
    q = question(options=("A", "B", "C", "D"), correct=(0, 1, 3))
    assert "~%33.33333%A" in write_gift([q])
    assert parse(write_gift([q])).imported == [q]


def test_every_option_right_without_weights_round_trips():
    q = question(options=("A", "B"), correct=(0, 1))
    assert parse(write_gift([q])).imported == [q]


def test_weights_round_trip_exactly():
    for weights, correct in [
        ((50.0, 0.0, 50.0), (0, 2)),  # looks like the even split, but the zero is explicit
        ((100.0, 50.0, 0.0), (0,)),  # partial credit beside a single right answer
        ((33.3, 66.7, -100.0), (0, 1)),
        ((1e-07, -0.5, 12.345678901), (0, 2)),
    ]:
        q = question(options=("A", "B", "C"), correct=correct, weights=weights)
        assert parse(write_gift([q])).imported == [q], write_gift([q])


# --- Round trip property ----------------------------------------------------------------------


SPECIAL = list("~=#{}:\\/\n%[]_-> \t") + ["//", "::", "####", "\\n", "[html]", "%50%", "$CATEGORY:"]
VIETNAMESE = list("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐƯ")


def _text(value: str) -> str:
    return clean(value)


texts = (
    st.lists(
        st.one_of(
            st.sampled_from(SPECIAL),
            st.sampled_from(VIETNAMESE),
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
        ),
        min_size=1,
        max_size=12,
    )
    .map("".join)
    .map(_text)
    .filter(lambda t: t != "" and clean(t) == t)
)
maybe_texts = st.one_of(st.just(""), texts)
ids = st.from_regex(r"[a-z0-9][a-z0-9.-]{0,20}", fullmatch=True)
topics = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
weights_in = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False)


def _key(option: str) -> str:
    return " ".join(option.casefold().split())


@st.composite
def questions(draw) -> Question:
    base = dict(
        id=draw(ids), topic=draw(topics), difficulty=draw(st.sampled_from(["easy", "medium", "hard"])),
        text=draw(texts), explanation=draw(maybe_texts), title=draw(maybe_texts),
        image=draw(st.one_of(st.none(), st.from_regex(r"images/[a-z0-9-]{1,12}\.(png|jpg)", fullmatch=True))),
        exclusive=draw(st.one_of(st.just(""), topics)),
    )  # fmt: skip
    if draw(st.integers(0, 5)) == 0:
        correct = (draw(st.integers(0, 1)),)
        feedback = draw(st.one_of(st.just(()), st.tuples(maybe_texts, maybe_texts).filter(any)))
        return Question(
            **base,
            options=("Đúng", "Sai"),
            correct=correct,
            kind="truefalse",
            option_feedback=feedback,
        )
    options = tuple(draw(st.lists(texts, min_size=2, max_size=6, unique_by=_key)))
    count = len(options)
    feedback = draw(
        st.one_of(st.just(()), st.lists(maybe_texts, min_size=count, max_size=count).filter(any))
    )
    style = draw(st.sampled_from(["plain", "weights", "partial"]))
    if style == "plain":
        correct = tuple(sorted(draw(st.sets(st.integers(0, count - 1), min_size=1))))
        weights: tuple[float, ...] = ()
    elif style == "weights":
        weights = tuple(draw(st.lists(weights_in, min_size=count, max_size=count)))
        correct = tuple(i for i, w in enumerate(weights) if w > 0)
        if not correct:
            weights = (50.0, *weights[1:])
            correct = tuple(i for i, w in enumerate(weights) if w > 0)
        # The one shape GIFT cannot tell from "no weights" (see the module doc).
        if len(correct) == count and all(abs(w - 100 / count) <= 0.01 for w in weights):
            weights = (weights[0] / 2, *weights[1:])
    else:
        correct = tuple(sorted(draw(st.sets(st.integers(0, count - 2), min_size=1))))
        extra = draw(st.floats(min_value=1, max_value=99))
        weights = tuple(
            100.0 if i in correct else (extra if i == count - 1 else 0.0) for i in range(count)
        )
    return Question(
        **base, options=options, correct=correct, weights=weights, option_feedback=tuple(feedback)
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions(), min_size=1, max_size=4, unique_by=lambda q: q.id))
def test_write_then_parse_gives_the_same_questions(bank):
    written = write_gift(bank)
    report = parse_gift(written, "khac", "x")
    assert report.skipped == []
    assert report.imported == bank


def test_stable_id_matches_the_documented_formula():
    digest = hashlib.sha1("Hỏi?A\x1fB".encode()).hexdigest()[:10]
    assert stable_id("p", "Hỏi?", ["A", "B"]) == f"p-{digest}"


def test_the_bundled_pack_exported_to_gift_reads_back_the_same(tmp_path):
    from content_helpers import BUNDLED

    from skillsapp.content.importer import export_pack
    from skillsapp.content.pack import read_pack

    target = tmp_path / "ngan-hang.gift"
    count = export_pack(BUNDLED, "gift", target)
    pack = read_pack(BUNDLED).pack
    assert count == len(pack.questions)
    back = parse_gift(target.read_text(encoding="utf-8"), "chung", "q")
    assert back.skipped == []
    by_id = {q.id: q for q in back.imported}
    for question in pack.questions:
        again = by_id[question.id]
        assert again == dataclasses.replace(question, pack_id=""), question.id
    # The pack's exclusive groups (questions that ask the same thing) come back with it.
    assert (
        {q.id: q.exclusive for q in back.imported if q.exclusive}
        == {q.id: q.exclusive for q in pack.questions if q.exclusive}
        != {}
    )


def test_a_gift_file_imported_into_a_pack_keeps_its_exclusive_groups(tmp_path):
    from content_helpers import copy_example

    from skillsapp.content.importer import import_into_pack
    from skillsapp.content.pack import read_pack

    pack_dir = copy_example(tmp_path)
    topic = read_pack(pack_dir).pack.topics[0].id
    source = tmp_path / "otp.gift"
    source.write_text(
        "// id: otp-hoi-1\n// exclusive: ma-otp\n// image: images/mat-khau.svg\nMã OTP có được đọc cho người khác không? {~Có =Không}\n\n"
        "// id: otp-hoi-2\n// exclusive: ma-otp\nCó nên gửi mã OTP qua Zalo cho người lạ không? {~Có =Không}\n\n"
        "// id: otp-hoi-3\n// exclusive: Mã OTP\nCâu ba? {=A ~B}\n",
        encoding="utf-8",
    )
    outcome = import_into_pack(source, pack_dir, topic=topic)
    assert [q.id for q in outcome.report.imported] == ["otp-hoi-1", "otp-hoi-2"]
    assert outcome.report.skipped == [
        (
            12,  # the question under the comment
            "the exclusive group “Mã OTP” cannot be used: use lower-case letters, digits "
            "and hyphens, such as ma-otp, or leave it empty",
        )
    ]
    by_id = {q.id: q for q in read_pack(pack_dir).pack.questions}
    assert (by_id["otp-hoi-1"].exclusive, by_id["otp-hoi-2"].exclusive) == ("ma-otp", "ma-otp")
    # The picture's path is from the pack's root in GIFT, from questions/ in the pack file.
    assert by_id["otp-hoi-1"].image == "images/mat-khau.svg"
    assert "image: ../images/mat-khau.svg" in outcome.written_to.read_text(encoding="utf-8")
