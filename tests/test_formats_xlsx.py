"""The Excel template: what a group leader sees, fills in, and gets back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillsapp.content.formats.common import clean, stable_id
from skillsapp.content.formats.xlsx import HEADERS, read_xlsx, write_template, write_xlsx
from skillsapp.errors import ContentError
from skillsapp.i18n import set_language
from skillsapp.models import Question

EXPECTED_HEADERS = [
    "Mã câu hỏi", "Chủ đề", "Mức độ", "Câu hỏi", "Phương án A", "Phương án B", "Phương án C",
    "Phương án D", "Phương án E", "Phương án F", "Đáp án đúng", "Giải thích", "Hình ảnh", "Tiêu đề",
    "Nhóm loại trừ",
]  # fmt: skip


@pytest.fixture(autouse=True)
def english(vietnamese):
    # Reasons are compared with their English message ids.
    set_language("en")


def sheet_file(tmp_path: Path, rows: list[list], headers=EXPECTED_HEADERS, title="Câu hỏi") -> Path:
    """A workbook as a group leader might save it from Excel."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "ngan-hang.xlsx"
    workbook.save(path)
    return path


def row(text="Câu hỏi?", a="Có", b="Không", answer="B", **extra) -> list:
    values = dict.fromkeys(EXPECTED_HEADERS)
    values.update({"Câu hỏi": text, "Phương án A": a, "Phương án B": b, "Đáp án đúng": answer})
    assert set(extra) <= set(values), "unknown column"
    values.update(extra)
    return list(values.values())


def read(path: Path, **kwargs):
    return read_xlsx(path, kwargs.pop("topic", "chung"), kwargs.pop("prefix", "q"), **kwargs)


# --- The template -----------------------------------------------------------------------------


def test_template_sheet_headers_and_layout(tmp_path):
    path = tmp_path / "mau.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Câu hỏi", "Hướng dẫn"]
    sheet = workbook["Câu hỏi"]
    assert list(HEADERS) == EXPECTED_HEADERS
    assert [cell.value for cell in sheet[1]] == EXPECTED_HEADERS
    assert sheet.max_row == 1  # no sample rows that would be imported by mistake
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width >= 40  # the question column is wide
    assert all(sheet.column_dimensions[c].width for c in "ABCDEFGHIJKLMNO")


def test_template_offers_a_difficulty_list(tmp_path):
    path = tmp_path / "mau.xlsx"
    write_template(path)
    [validation] = openpyxl.load_workbook(path)["Câu hỏi"].data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"Dễ,Trung bình,Khó"'
    assert str(validation.sqref) == "C2:C1048576"
    assert validation.showErrorMessage


def test_guide_sheet_explains_every_column_in_vietnamese(tmp_path):
    path = tmp_path / "mau.xlsx"
    write_template(path)
    guide = openpyxl.load_workbook(path)["Hướng dẫn"]
    text = "\n".join(str(c.value) for r in guide.iter_rows() for c in r if c.value)
    for column in [
        "Mã câu hỏi",
        "Chủ đề",
        "Mức độ",
        "Câu hỏi",
        "Đáp án đúng",
        "Giải thích",
        "Hình ảnh",
        "Tiêu đề",
    ]:
        assert column in text
    assert "Phương án A đến F" in text
    assert "A, C" in text and "Trung bình" in text and "Alt+Enter" in text


def test_written_cells_wrap_and_keep_formula_like_text(tmp_path):
    path = tmp_path / "bank.xlsx"
    q = Question("q-1", "chung", "hard", "=1+1 bằng mấy?", ("=2", "3"), (0,), "Vì 1+1=2.")
    write_xlsx([q], path)
    sheet = openpyxl.load_workbook(path)["Câu hỏi"]
    assert sheet["D2"].value == "=1+1 bằng mấy?" and sheet["D2"].data_type == "s"
    assert sheet["D2"].alignment.wrap_text
    assert [sheet["C2"].value, sheet["K2"].value] == ["Khó", "A"]
    assert read(path).imported == [q]


# --- Reading what people type -----------------------------------------------------------------


def test_reads_a_filled_in_row(tmp_path):
    path = sheet_file(
        tmp_path,
        [
            row(
                **{"Mã câu hỏi": "otp-01", "Chủ đề": "Lừa đảo", "Mức độ": "Dễ", "Phương án C": "Hỏi người thân",
                   "Giải thích": "Không ai được hỏi OTP.", "Hình ảnh": "images/otp.png", "Tiêu đề": "OTP"},
                text="Ai được hỏi mã OTP?", a="Ngân hàng", b="Không ai", answer="B, C",
            )
        ],
    )  # fmt: skip
    report = read(path)
    assert report.skipped == []
    assert report.imported == [
        Question(
            id="otp-01", topic="lua-dao", difficulty="easy", text="Ai được hỏi mã OTP?",
            options=("Ngân hàng", "Không ai", "Hỏi người thân"), correct=(1, 2),
            explanation="Không ai được hỏi OTP.", image="images/otp.png", title="OTP",
        )
    ]  # fmt: skip


def test_empty_id_topic_and_difficulty_get_defaults(tmp_path):
    report = read(
        sheet_file(tmp_path, [row()]), topic="mat-khau", prefix="xa-a", default_difficulty="hard"
    )
    [q] = report.imported
    assert q.id == stable_id("xa-a", "Câu hỏi?", ("Có", "Không"))
    assert (q.topic, q.difficulty, q.image, q.title, q.explanation) == (
        "mat-khau",
        "hard",
        None,
        "",
        "",
    )


@pytest.mark.parametrize(
    ("typed", "difficulty"),
    [
        ("Dễ", "easy"),
        ("trung bình", "medium"),
        ("KHÓ", "hard"),
        ("easy", "easy"),
        ("Hard", "hard"),
        (None, "medium"),
    ],
)
def test_difficulty_in_vietnamese_or_english(tmp_path, typed, difficulty):
    report = read(sheet_file(tmp_path, [row(**{"Mức độ": typed})]))
    assert report.imported[0].difficulty == difficulty


@pytest.mark.parametrize("answer", ["A, C", "A,C", "a;c", "A C", " C , A "])
def test_answer_letters(tmp_path, answer):
    report = read(sheet_file(tmp_path, [row(answer=answer, **{"Phương án C": "Có thể"})]))
    assert report.imported[0].correct == (0, 2)


def test_numbers_typed_in_cells_read_as_text(tmp_path):
    report = read(
        sheet_file(
            tmp_path, [row(text="Năm nào?", a=2024, b=2025.0, answer="A", **{"Mã câu hỏi": 123})]
        )
    )
    [q] = report.imported
    assert (q.id, q.options) == ("123", ("2024", "2025"))


def test_empty_rows_are_ignored_and_bad_rows_reported_with_their_row(tmp_path):
    rows = [
        row(text="Tốt 1"),
        [None] * 14,
        ["  ", None, "", None],
        row(text=None),
        row(b=None),
        row(**{"Phương án D": "Lẻ loi"}),
        row(answer="E"),
        row(answer="X"),
        row(answer=None),
        row(**{"Mức độ": "Rất khó"}),
        row(**{"Mã câu hỏi": "Câu 1"}),
        row(text="Tốt 2", **{"Mã câu hỏi": "a"}),
        row(text="Trùng mã", **{"Mã câu hỏi": "a"}),
        row(a="Có", b=" có "),
    ]
    report = read(sheet_file(tmp_path, rows))
    assert [q.text for q in report.imported] == ["Tốt 1", "Tốt 2"]
    assert report.skipped == [
        (5, "the question has no text"),
        (6, "a question needs 2 to 6 options; this one has 1"),
        (7, "option C is empty"),
        (8, "the answer letter E has no option"),
        (9, "the answer “X” must be option letters, such as B or A, C"),
        (10, "no option is marked as right"),
        (11, "unknown difficulty “Rất khó”: write Dễ, Trung bình or Khó (or easy, medium, hard)"),
        (
            12,
            "the id “Câu 1” cannot be used: use lower-case letters, digits and hyphens, or leave it empty",
        ),
        (14, "the id “a” is already used on row 13"),
        (15, "options A and B have the same text"),
    ]


def test_columns_may_be_in_another_order_and_optional_ones_missing(tmp_path):
    headers = ["Đáp án đúng", "Phương án B", "Phương án A", "câu hỏi"]
    path = sheet_file(
        tmp_path, [["A", "Sai", "Đúng", "Trời xanh?"]], headers=headers, title="Sheet1"
    )
    [q] = read(path).imported
    assert (q.text, q.options, q.correct) == ("Trời xanh?", ("Đúng", "Sai"), (0,))


def test_a_missing_required_column_is_reported_on_row_one(tmp_path):
    headers = [h for h in EXPECTED_HEADERS if h != "Đáp án đúng"]
    report = read(sheet_file(tmp_path, [["x"] * 13], headers=headers))
    assert report.imported == []
    assert report.skipped == [
        (1, "the sheet has no column “Đáp án đúng”; keep the header row of the template")
    ]


def test_a_file_that_is_not_excel_raises_content_error(tmp_path):
    path = tmp_path / "ngan-hang.xlsx"
    path.write_text("không phải Excel", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        read(path)
    assert error.value.detail == "this is not an Excel (.xlsx) file, or it is damaged"


# --- Exclusive groups ---------------------------------------------------------------------------


def test_an_exclusive_group_is_read_and_a_bad_one_skips_the_row_with_its_number(tmp_path):
    path = sheet_file(
        tmp_path,
        [
            row("Mã OTP là gì?", **{"Nhóm loại trừ": "ma-otp"}),
            row("Hai?", **{"Nhóm loại trừ": "Mã OTP"}),
        ],
    )
    report = read(path)
    assert [q.exclusive for q in report.imported] == ["ma-otp"]
    assert report.skipped == [
        (
            3,
            "the exclusive group “Mã OTP” cannot be used: use lower-case letters, digits "
            "and hyphens, such as ma-otp, or leave it empty",
        )
    ]


def test_a_workbook_from_before_the_group_column_still_reads(tmp_path):
    old_headers = EXPECTED_HEADERS[:-1]
    path = sheet_file(tmp_path, [row()[:-1]], headers=old_headers)
    (question,) = read(path).imported
    assert (question.text, question.exclusive) == ("Câu hỏi?", "")


# --- Round trips ------------------------------------------------------------------------------


def test_true_false_weights_and_feedback_are_not_kept(tmp_path):
    # Documented: the sheet has no place for them.
    path = tmp_path / "bank.xlsx"
    tf = Question("q-1", "chung", "easy", "Trời xanh?", ("Đúng", "Sai"), (0,), "", kind="truefalse")
    weighted = Question(
        "q-2", "chung", "easy", "Hai?", ("A", "B", "C"), (0, 1), "", weights=(50.0, 50.0, -100.0),
        option_feedback=("x", "", "y"),
    )  # fmt: skip
    write_xlsx([tf, weighted], path)
    got_tf, got_weighted = read(path).imported
    assert (got_tf.kind, got_tf.options, got_tf.correct) == ("choice", ("Đúng", "Sai"), (0,))
    assert (got_weighted.correct, got_weighted.weights, got_weighted.option_feedback) == (
        (0, 1),
        (),
        (),
    )


# Characters Excel can hold: no control characters except tab and newline.
cell_chars = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="".join(chr(c) for c in range(32) if chr(c) not in "\t\n")
    + "\ufffe\uffff",
)
texts = (
    st.text(
        st.one_of(st.sampled_from(list("=+-@'\"%:#~\n ăâđêôơưĐƯếệ_x0D")), cell_chars),
        min_size=1,
        max_size=15,
    )
    .map(clean)
    .filter(lambda t: t != "" and clean(t) == t)
)
maybe_texts = st.one_of(st.just(""), texts)


def _key(option: str) -> str:
    return " ".join(option.casefold().split())


@st.composite
def questions(draw) -> Question:
    options = tuple(draw(st.lists(texts, min_size=2, max_size=6, unique_by=_key)))
    return Question(
        id=draw(st.from_regex(r"[a-z0-9][a-z0-9.-]{0,20}", fullmatch=True)),
        topic=draw(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)),
        difficulty=draw(st.sampled_from(["easy", "medium", "hard"])),
        text=draw(texts),
        options=options,
        correct=tuple(sorted(draw(st.sets(st.integers(0, len(options) - 1), min_size=1)))),
        explanation=draw(maybe_texts),
        image=draw(
            st.one_of(st.none(), st.from_regex(r"images/[a-z0-9-]{1,12}\.png", fullmatch=True))
        ),
        title=draw(maybe_texts),
        exclusive=draw(
            st.one_of(
                st.just(""), st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
            )
        ),
    )


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(questions(), min_size=0, max_size=4, unique_by=lambda q: q.id))
def test_write_then_read_gives_the_same_questions(tmp_path, bank):
    path = tmp_path / "bank.xlsx"
    write_xlsx(bank, path)
    report = read(path, topic="khac")
    assert report.skipped == []
    assert report.imported == bank


def test_a_non_character_in_a_question_still_gives_a_workbook_that_opens(tmp_path):
    # U+FFFF came from a broken copy-paste: the workbook must still open, without it.
    question = Question("q-1", "chung", "easy", "Câu\uffff hỏi?", ("Có", "Không"), (0,), "")
    path = tmp_path / "bank.xlsx"
    write_xlsx([question], path)
    (got,) = read(path).imported
    assert got.text == "Câu hỏi?"


@pytest.mark.slow
def test_ten_thousand_questions_write_and_read_back_whole(tmp_path):
    bank = [
        Question(
            f"q-{i}", "lua-dao", "medium", f"Câu hỏi số {i}: bạn nên làm gì khi nhận tin nhắn lạ?",
            ("Bấm vào đường link", "Gọi lại số lạ", "Hỏi người thân", "Báo cho tổng đài 156"), (2, 3),
            "Không bấm link lạ; hãy kiểm tra với người thân hoặc tổng đài.", title=f"Câu {i}",
        )
        for i in range(10_000)
    ]  # fmt: skip
    path = tmp_path / "lon.xlsx"
    # Speed is measured in tests/bench/content.py, not here: a busy CI machine must not fail this.
    write_xlsx(bank, path)
    report = read(path)
    assert report.imported == bank
