"""The Excel question template: write it, fill it in, read it back.

One sheet, "Câu hỏi", one question per row under a header row::

    Mã câu hỏi | Chủ đề | Mức độ | Câu hỏi | Phương án A … F | Đáp án đúng | Giải thích | Hình ảnh
    | Tiêu đề | Nhóm loại trừ

Mức độ is Dễ / Trung bình / Khó (easy/medium/hard also read). Đáp án đúng is
letters: ``B`` or ``A, C``. An empty Mã câu hỏi gets a stable generated id; an
empty Chủ đề gets the default topic (a name such as "Lừa đảo" becomes
``lua-dao``). A second sheet, "Hướng dẫn", tells group leaders how to fill
each column. A workbook from before the Nhóm loại trừ column still reads (no group).

Round trip: :func:`read_xlsx` gives back exactly what :func:`write_xlsx` wrote
for choice questions without weights and per-option feedback. The sheet has no
column for those, so they are not written; a true/false question is written
as a choice between "Đúng" and "Sai" and reads back as ``kind="choice"``.
Control characters that Excel cannot store are dropped.

Rows that are entirely empty are ignored; a row that cannot be read is listed
in the report's ``skipped`` with its row number.

>>> write_xlsx([Question("q-1", "chung", "easy", "?", ("Có", "Không"), (1,), "")], path)  # doctest: +SKIP
>>> read_xlsx(path, "chung", "q").imported[0].correct                                    # doctest: +SKIP
(1,)
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from skillsapp.content.formats.common import (
    DIFFICULTY_LABELS,
    SkipQuestion,
    add_imported,
    check_choices,
    checked_group,
    checked_id,
    clean,
    parse_difficulty,
    parse_letters,
    slugify,
    stable_id,
)
from skillsapp.content.question_file import LETTERS
from skillsapp.errors import ContentError
from skillsapp.i18n import _
from skillsapp.models import DIFFICULTIES, MAX_OPTIONS, ImportReport, Question

SHEET = "Câu hỏi"
GUIDE_SHEET = "Hướng dẫn"
ID, TOPIC, DIFFICULTY, TEXT = "Mã câu hỏi", "Chủ đề", "Mức độ", "Câu hỏi"
OPTIONS = tuple(f"Phương án {letter}" for letter in LETTERS[:MAX_OPTIONS])
ANSWER, EXPLANATION, IMAGE, TITLE = "Đáp án đúng", "Giải thích", "Hình ảnh", "Tiêu đề"
EXCLUSIVE = "Nhóm loại trừ"
HEADERS = (ID, TOPIC, DIFFICULTY, TEXT, *OPTIONS, ANSWER, EXPLANATION, IMAGE, TITLE, EXCLUSIVE)
REQUIRED = (TEXT, OPTIONS[0], OPTIONS[1], ANSWER)
_WIDTHS = (16, 16, 13, 50, 24, 24, 24, 24, 24, 24, 13, 45, 28, 24, 18)

_GUIDE = (
    (
        "Mỗi dòng trong trang «Câu hỏi» là một câu hỏi. Giữ nguyên dòng tiêu đề (dòng 1), "
        "không đổi tên hay thứ tự các cột.",
    ),
    (),
    ("Cột", "Cách điền"),
    (
        ID,
        "Không bắt buộc. Để trống thì phần mềm tự tạo mã. Nếu tự đặt mã, chỉ dùng chữ thường "
        "không dấu, chữ số và dấu gạch ngang (ví dụ: lua-dao-01), và không để hai câu trùng mã.",
    ),
    (
        TOPIC,
        "Không bắt buộc. Ghi mã chủ đề, ví dụ: lua-dao. Nếu gõ tên có dấu như «Lừa đảo», phần mềm "
        "tự đổi thành lua-dao. Để trống thì câu hỏi thuộc chủ đề bạn chọn khi nhập.",
    ),
    (DIFFICULTY, "Chọn Dễ, Trung bình hoặc Khó trong danh sách. Để trống thì tính là Trung bình."),
    (TEXT, "Bắt buộc. Nội dung câu hỏi. Muốn xuống dòng trong ô, nhấn Alt+Enter."),
    (
        "Phương án A đến F",
        "Điền ít nhất 2, nhiều nhất 6 phương án, lần lượt từ A, không bỏ trống ô ở giữa. "
        "Hai phương án không được giống nhau.",
    ),
    (
        ANSWER,
        "Bắt buộc. Ghi chữ cái của phương án đúng, ví dụ: B. Nếu có nhiều phương án đúng, ghi các "
        "chữ cái cách nhau bằng dấu phẩy, ví dụ: A, C.",
    ),
    (
        EXPLANATION,
        "Nên điền. Vì sao đáp án đó đúng; người học thấy lời giải thích sau khi trả lời.",
    ),
    (
        IMAGE,
        "Không bắt buộc. Đường dẫn tới ảnh trong gói nội dung, ví dụ: images/tin-nhan-gia.png.",
    ),
    (TITLE, "Không bắt buộc. Tên ngắn của câu hỏi để dễ tìm trong danh sách."),
    (
        EXCLUSIVE,
        "Không bắt buộc. Những câu hỏi cùng hỏi một điều thì ghi cùng một tên nhóm (chữ thường "
        "không dấu, chữ số và dấu gạch ngang, ví dụ: ma-otp); một bài thi không bao giờ có hai "
        "câu cùng nhóm.",
    ),
    (),
    ("Câu hỏi Đúng/Sai: ghi Phương án A là «Đúng», Phương án B là «Sai».",),
    (
        "Dòng để trống hoàn toàn được bỏ qua. Dòng điền chưa đúng sẽ không được nhập; phần mềm báo "
        "lại số dòng và lý do để bạn sửa.",
    ),
)

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


# --- Writing ---------------------------------------------------------------------------------


# XML 1.0 cannot hold the non-characters U+FFFE and U+FFFF either (openpyxl only strips control
# characters): a cell with one makes a workbook no reader can open.
_NOT_XML = str.maketrans("", "", "\ufffe\uffff")


def _cell(sheet: Any, value: str, *, header: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value).translate(_NOT_XML))
    cell.data_type = "s"  # text such as "=B" must stay text, not become a formula
    cell.alignment = _WRAP
    if header:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    return cell


def _row(sheet: Any, question: Question) -> list[WriteOnlyCell | None]:
    if len(question.options) > MAX_OPTIONS:
        raise ValueError(f"question {question.id} has more than {MAX_OPTIONS} options")
    options = list(question.options) + [""] * (MAX_OPTIONS - len(question.options))
    values = [
        question.id,
        question.topic,
        DIFFICULTY_LABELS.get(question.difficulty, question.difficulty),
        question.text,
        *options,
        ", ".join(LETTERS[i] for i in question.correct),
        question.explanation,
        question.image or "",
        question.title,
        question.exclusive,
    ]
    # Empty cells stay truly empty (None), so Excel shows them as blank.
    return [_cell(sheet, value) if value else None for value in values]


def _add_guide(workbook: Workbook) -> None:
    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 90
    guide.append([_cell(guide, "Cách điền ngân hàng câu hỏi", header=True)])
    for number, line in enumerate(_GUIDE):
        is_table_head = number == 2
        guide.append([_cell(guide, text, header=is_table_head) for text in line])


def write_xlsx(questions: Iterable[Question], path: Path | str) -> None:
    """Write ``questions`` to an Excel file laid out as the template (see the module doc)."""
    # Write-only mode streams rows to disk: a 10,000-question bank takes a few seconds.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    levels = DataValidation(
        type="list",
        formula1='"' + ",".join(DIFFICULTY_LABELS[d] for d in DIFFICULTIES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Mức độ",
        error="Chọn Dễ, Trung bình hoặc Khó.",
    )
    column = get_column_letter(HEADERS.index(DIFFICULTY) + 1)
    levels.add(f"{column}2:{column}1048576")
    sheet.data_validations.append(levels)
    sheet.append([_cell(sheet, header, header=True) for header in HEADERS])
    for question in questions:
        sheet.append(_row(sheet, question))
    _add_guide(workbook)
    workbook.save(path)


def write_template(path: Path | str) -> None:
    """An empty template for group leaders to fill in: headers, a Mức độ list and the guide."""
    write_xlsx([], path)


# --- Reading ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed in a cell, such as 2024, reads back as 2024.0
    return clean(str(value).replace("\r\n", "\n"))


def _read_row(
    values: dict[str, str], default_topic: str, id_prefix: str, default_difficulty: str
) -> Question:
    filled = [values[header] for header in OPTIONS]
    while filled and not filled[-1]:
        filled.pop()
    options = tuple(filled)
    text = values[TEXT]
    check_choices(text, options, None)
    correct = parse_letters(values[ANSWER], len(options))
    return Question(
        id=checked_id(values[ID]) or stable_id(id_prefix, text, options),
        topic=slugify(values[TOPIC]) or default_topic,
        difficulty=parse_difficulty(values[DIFFICULTY], default_difficulty),
        text=text,
        options=options,
        correct=correct,
        explanation=values[EXPLANATION],
        image=values[IMAGE] or None,
        title=values[TITLE],
        exclusive=checked_group(values[EXCLUSIVE]),
    )


def read_xlsx(
    path: Path | str, default_topic: str, id_prefix: str, default_difficulty: str = "medium"
) -> ImportReport:
    """Read the questions of a filled-in template; bad rows are skipped with their row number.

    Raises :class:`ContentError` when the file is not an Excel workbook.
    """
    if default_difficulty not in DIFFICULTIES:
        raise ValueError(f"default_difficulty must be one of {DIFFICULTIES}")
    name = Path(path).name
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ContentError(name, _("this is not an Excel (.xlsx) file, or it is damaged")) from exc
    except OSError as exc:
        raise ContentError(
            name, _("the file cannot be read ({reason}).").format(reason=exc.strerror)
        ) from exc
    report = ImportReport()
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, ())
        where = {
            _text(value).casefold(): index for index, value in enumerate(header) if _text(value)
        }
        missing = [column for column in REQUIRED if clean(column).casefold() not in where]
        if missing:
            report.skipped.append(
                (
                    1,
                    _(
                        "the sheet has no column “{name}”; keep the header row of the template"
                    ).format(name=missing[0]),
                )
            )
            return report
        columns = {header: where.get(clean(header).casefold()) for header in HEADERS}
        seen: dict[str, int] = {}
        for number, row in enumerate(rows, start=2):
            values = {
                header: _text(row[index]) if index is not None and index < len(row) else ""
                for header, index in columns.items()
            }
            if not any(values.values()):
                continue
            try:
                question = _read_row(values, default_topic, id_prefix, default_difficulty)
            except SkipQuestion as skip:
                report.skipped.append((number, skip.reason))
                continue
            add_imported(report, seen, question, number, row=True)
    finally:
        workbook.close()
    return report
