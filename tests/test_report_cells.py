"""Spreadsheet cells (``reports.cells``): no formula from what a PC typed, through the
app's real exports; and sheets readable as they come (widths, dates, filter, frozen
header)."""

import csv
import datetime
import tempfile

import pytest
from export_helpers import (
    AFTER,
    CONTEST,
    HOSTILE_GROUP,
    HOSTILE_NAMES,
    HOSTILE_VILLAGE,
    LONG_NAME,
    assert_no_formula_cells,
    assert_no_formula_fields,
    play_round,
)
from openpyxl import load_workbook

from skillsapp.reports import cells
from skillsapp.reports.round_export import export_round


@pytest.mark.parametrize(
    "text, safe",
    [
        ('=HYPERLINK("http://x","bấm")', '\'=HYPERLINK("http://x","bấm")'),
        ("+84912345678", "'+84912345678"),
        ("-1+1", "'-1+1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_a_text_that_would_start_a_formula_gets_an_apostrophe(text, safe):
    assert cells.neutralise(text) == safe
    assert cells.csv_value(text) == safe


def test_numbers_and_dates_stay_values_in_csv():
    moment = datetime.datetime(2026, 12, 8, 9, 5)
    assert cells.csv_row([-1, -0.0, 2.5, None, moment]) == [-1, -0.0, 2.5, "", moment]


def test_stored_dates_become_dates_and_impossible_ones_stay_text():
    assert cells.date_or_text("1980-01-02") == datetime.date(1980, 1, 2)
    assert cells.date_or_text("2030-13-45") == "2030-13-45"
    assert cells.date_or_text(None) == ""


def test_app_excel_export_of_hostile_names_has_no_formula(store, tmp_path):
    play_round(store, HOSTILE_NAMES)
    (path,) = export_round(store, CONTEST, "tuan-1", "xlsx", tmp_path / "ket-qua.xlsx", AFTER)
    found = assert_no_formula_cells(path)
    ranking = [c for c in found if c.parent.title == "Xếp hạng"]
    assert {c.value for c in ranking if c.column == 2 and c.row > 1} == {
        "'" + name for name in HOSTILE_NAMES
    }
    entrants = [c for c in found if c.parent.title == "Người dự thi" and c.row > 1]
    assert {c.value for c in entrants if c.column == 7} == {"'" + HOSTILE_VILLAGE}
    attempts = [c for c in found if c.parent.title == "Bài làm" and c.row > 1]
    assert {c.value for c in attempts if c.column == 2} == {"'" + n for n in HOSTILE_NAMES}


def test_app_csv_export_of_hostile_names_has_no_formula(store, tmp_path):
    play_round(store, HOSTILE_NAMES)
    paths = export_round(store, CONTEST, "tuan-1", "csv", tmp_path / "vong-1", AFTER)
    assert len(paths) == 5
    for path in paths:
        assert_no_formula_fields(path.read_text(encoding="utf-8-sig"))
    with open(tmp_path / "vong-1-nguoi-du-thi.csv", encoding="utf-8-sig", newline="") as handle:
        entrants = list(csv.reader(handle))[1:]
    assert {row[0] for row in entrants} == {"'" + name for name in HOSTILE_NAMES}
    assert {row[6] for row in entrants} == {"'" + HOSTILE_VILLAGE}
    assert {row[7] for row in entrants} == {"'" + HOSTILE_GROUP}


def test_app_excel_export_is_readable_as_it_comes(store, tmp_path):
    play_round(store, [LONG_NAME, "Lê Văn Cường"], village="Thôn Đông", group="Hội viên")
    (path,) = export_round(store, CONTEST, "tuan-1", "xlsx", tmp_path / "ket-qua.xlsx", AFTER)
    book = load_workbook(path)
    for sheet in book:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{sheet.dimensions.split(':')[1]}", sheet.title
        assert all(cell.font.b for cell in sheet[1]), sheet.title
    ranking = book["Xếp hạng"]
    assert ranking.column_dimensions["B"].width >= len(LONG_NAME)  # the name column
    assert ranking.column_dimensions["I"].width >= 16  # "08/12/2026 09:05"
    assert ranking["I2"].is_date and ranking["I2"].number_format == "dd/mm/yyyy hh:mm"
    entrants = book["Người dự thi"]
    assert entrants["B2"].value == datetime.datetime(1980, 1, 2)
    assert entrants["B2"].number_format == "dd/mm/yyyy"
    attempts = book["Bài làm"]
    assert attempts["D2"].is_date and attempts["D2"].number_format == "dd/mm/yyyy hh:mm"
    # No column is absurdly wide, even the question texts.
    widths = [d.width for s in book for d in s.column_dimensions.values() if d.width]
    # Stored as Excel stores a width: the characters and the cell's padding (under one).
    assert widths and max(widths) <= cells.MAX_WIDTH + 1


def test_widths_come_from_the_first_rows_and_later_rows_stream(tmp_path):
    with cells.new_workbook(tmp_path / "thu.xlsx") as book:
        taken = []

        def rows():
            for n in range(cells.SAMPLE_ROWS + 500):
                taken.append(n)
                yield [n, "x" * 40 if n == 0 else "y", datetime.date(2026, 12, 8)]

        stream = rows()
        written = cells.write_sheet(book, "Thử", ["Số", "Tên", "Ngày"], stream)
        assert written == cells.SAMPLE_ROWS + 500 and len(taken) == written
    sheet = load_workbook(tmp_path / "thu.xlsx")["Thử"]
    assert sheet.column_dimensions["B"].width >= 40
    assert cells.MIN_WIDTH <= sheet.column_dimensions["A"].width < 12
    assert sheet.auto_filter.ref == f"A1:C{written + 1}"
    assert sheet.cell(written + 1, 3).number_format == "dd/mm/yyyy"


def test_a_control_character_a_pc_sent_does_not_break_the_excel_file(tmp_path):
    with cells.new_workbook(tmp_path / "thu.xlsx") as book:
        cells.write_sheet(book, "Thử", ["Tên"], [["An\x01=1"], ["\x02=1+1"], ["#N/A"]])
    sheet = load_workbook(tmp_path / "thu.xlsx")["Thử"]
    assert [c.value for c in sheet["A"][1:]] == ["An=1", "'=1+1", "#N/A"]
    assert all(c.data_type == "s" for c in sheet["A"])


def test_texts_are_made_safe_and_dates_formatted_in_any_column(tmp_path):
    with cells.new_workbook(tmp_path / "thu.xlsx") as book:
        moment = cells.ExcelDateTime(2026, 12, 8, 9, 5)
        rows = [
            ["=1+1", 1.5, moment, "A, C", cells.ExcelDate(1980, 1, 2)],
            ("An\x01=1", -2, moment, "B", "2030-13-45"),  # a tuple, as a caller may give
            ["#N/A", None, moment, "", datetime.date(1981, 3, 4)],
            ["+84912345678"],  # shorter than the others
            ["=1+1", 0, datetime.datetime(2026, 12, 8, 10, 0), "D", ""],  # a text seen before
        ]
        written = cells.write_sheet(
            book, "Thử", ["Tên", "Điểm", "Nộp lúc", "Đáp án", "Ngày sinh"], rows
        )
        assert written == len(rows)
    assert_no_formula_cells(tmp_path / "thu.xlsx")
    sheet = load_workbook(tmp_path / "thu.xlsx")["Thử"]
    assert [c.value for c in sheet["A"][1:]] == ["'=1+1", "An=1", "#N/A", "'+84912345678", "'=1+1"]
    assert all(c.data_type == "s" for c in sheet["A"])
    assert [sheet.cell(r, 2).value for r in range(2, 7)] == [1.5, -2, None, None, 0]
    submitted = [sheet.cell(r, 3) for r in (2, 3, 4)]
    assert {c.number_format for c in submitted} == {"dd/mm/yyyy hh:mm"}
    assert submitted[0].value == datetime.datetime(2026, 12, 8, 9, 5)
    born = [sheet.cell(r, 5) for r in (2, 4)]
    assert [c.value for c in born] == [datetime.datetime(1980, 1, 2), datetime.datetime(1981, 3, 4)]
    assert {c.number_format for c in born} == {"dd/mm/yyyy"}
    assert sheet["E3"].value == "2030-13-45"


def test_excel_dates_are_plain_dates_and_times_everywhere_else():
    moment = cells.ExcelDateTime.fromisoformat("2026-12-08T02:05:00+00:00")
    local = (moment - moment.utcoffset()).replace(tzinfo=None) + datetime.timedelta(hours=7)
    assert type(local) is cells.ExcelDateTime  # arithmetic keeps the type
    assert local == datetime.datetime(2026, 12, 8, 9, 5) and str(local) == "2026-12-08 09:05:00"
    assert cells.csv_row([local]) == [datetime.datetime(2026, 12, 8, 9, 5)]
    assert type(cells.date_or_text("1980-01-02")) is cells.ExcelDate
    assert type(cells.date_or_text(datetime.date(1980, 1, 2))) is cells.ExcelDate


def test_a_text_where_a_number_belongs_is_made_safe_too(tmp_path):
    """A damaged or forged database can hold text in a column the export names as numbers
    (a prediction "=HYPERLINK(…)"), or a row longer than the headers: no formula, no crash."""
    with cells.new_workbook(tmp_path / "thu.xlsx") as book:
        rows = [
            ["An", '=HYPERLINK("http://x")', 3],
            ["Bình", 2, "\x02@SUM(A1)", "=1+1"],  # a control character; a cell past the headers
        ]
        written = cells.write_sheet(book, "Thử", ["Tên", "Dự đoán", "Điểm"], rows)
        assert written == 2
    assert_no_formula_cells(tmp_path / "thu.xlsx")
    sheet = load_workbook(tmp_path / "thu.xlsx")["Thử"]
    assert sheet["B2"].value == '\'=HYPERLINK("http://x")'
    assert (sheet["C3"].value, sheet["D3"].value) == ("'@SUM(A1)", "'=1+1")
    assert (sheet["B3"].value, sheet["C2"].value) == (2, 3)


def test_an_export_that_fails_half_way_leaves_no_rows_on_disk(tmp_path, monkeypatch):
    """The rows wait on disk while a sheet is written; they hold names, so neither a
    finished nor a failed export leaves them in the temporary folder."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def rows():
        for n in range(cells.SAMPLE_ROWS + 50):
            yield [f"Nguyễn Văn {n}", n]
        raise OSError("the disk is full")

    with (
        pytest.raises(OSError, match="disk is full"),
        cells.new_workbook(tmp_path / "hong.xlsx") as book,
    ):
        cells.write_sheet(book, "Thử", ["Tên", "Số"], rows())
    assert list(scratch.iterdir()) == []
    with cells.new_workbook(tmp_path / "thu.xlsx") as book:
        cells.write_sheet(book, "Thử", ["Tên", "Số"], [["Nguyễn Văn An", 1]])
        assert list(scratch.iterdir())  # its scratch folder, while it is written
    assert list(scratch.iterdir()) == []
