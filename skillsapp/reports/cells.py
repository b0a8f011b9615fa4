"""Cells of every spreadsheet export, the app's and the server's: safe to open and
readable as they come.

Safe: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be run as a formula by Excel or LibreOffice (a name typed on a PC such as
``=HYPERLINK("http://x","bấm")`` becomes a live link in the organiser's workbook). Such
a text gets a leading apostrophe, as the OWASP advice on CSV injection says, in CSV
*and* in Excel, so that a workbook re-saved as CSV stays safe; Excel text cells are
also stored as text, never as formulas. Numbers, dates and times stay what they are
(a negative number written as a number is no formula).

Readable: every Excel sheet has its header row bold, frozen and filtered, column widths
from the header and the first rows, and dates and times as real values in Vietnamese
formats (``08/12/2026 09:05``), so they sort. Sheets stream (openpyxl write-only): only
the first ``SAMPLE_ROWS`` rows are held, to size the columns.

Fast: a sheet of 100,000 attempts has ten million cells, so a cell costs no more than
it does in a bare openpyxl loop. Dates and times made as :class:`ExcelDateTime` and
:class:`ExcelDate` get their Vietnamese format from their type, without a cell object
each; and a caller that knows which columns hold text a PC typed passes
``text_columns``, so that only those cells are checked (once per distinct text).

>>> neutralise('=HYPERLINK("http://x","bấm")')
'\\'=HYPERLINK("http://x","bấm")'
>>> csv_row(["-1+1", -1, "Nguyễn Văn An"])
["'-1+1", -1, 'Nguyễn Văn An']
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from skillsapp.i18n import _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_TIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
EXCEL_MAX_ROWS = 1_048_576
SAMPLE_ROWS = 200
# Widths are in Excel's "characters"; a Vietnamese name of 22 letters needs about 26.
DATE_TIME_WIDTH = 17
DATE_WIDTH = 12
TEXT_ROOMY = 28  # a text column with long values in its first rows (names, communes)
MIN_WIDTH = 7
MAX_WIDTH = 60
HEADER_ONE_LINE = 16  # longer headers wrap onto two lines rather than widen the column
HEADER_TWO_LINES = 30.0  # points: the header row's height when a header wraps
FIT_TO_PAGE_WIDTH = 120  # sheets this narrow print one page wide (at 80 % or more)


def neutralise(text: str) -> str:
    """A text that cannot start a formula: prefixed with ``'`` when it would."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_value(value: Any) -> Any:
    """A value as a CSV field: texts neutralised, ``None`` empty, the rest as is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return value


def csv_row(row: Iterable[Any]) -> list:
    return [csv_value(value) for value in row]


class ExcelDateTime(datetime.datetime):
    """A local date and time (no zone) that an Excel sheet shows as ``08/12/2026 09:05``.
    Everywhere else it is a plain ``datetime`` (CSV, comparisons, arithmetic)."""

    __slots__ = ()


class ExcelDate(datetime.date):
    """A date that an Excel sheet shows as ``08/12/2026``; otherwise a plain ``date``."""

    __slots__ = ()


def date_or_text(value: str | datetime.date | None) -> datetime.date | str:
    """A stored ``YYYY-MM-DD`` date as a real date (Excel sorts it); anything else, such
    as an impossible date a PC sent, stays the text it was."""
    if value is None or value == "":
        return ""
    if type(value) is datetime.date:
        return ExcelDate(value.year, value.month, value.day)
    if isinstance(value, datetime.date):
        return value
    try:
        return ExcelDate.fromisoformat(value)
    except ValueError:
        return value


# --- Excel ------------------------------------------------------------------------------

Progress = Callable[[str], None]


def _shown_length(value: Any) -> tuple[str, int]:
    """The kind of a value ("words" for text with spaces, such as names and places) and
    how many characters it shows as."""
    if isinstance(value, datetime.datetime):
        return "datetime", 16
    if isinstance(value, datetime.date):
        return "date", 10
    if isinstance(value, bool):
        return "text", 5
    if isinstance(value, int):
        return "number", len(str(value))
    if isinstance(value, float):
        return "number", len(f"{value:.10g}")
    if value is None:
        return "empty", 0
    text = str(value)
    return "words" if " " in text else "text", max(
        (len(line) for line in text.splitlines()), default=0
    )


def header_wraps(header: str) -> bool:
    return len(header) > HEADER_ONE_LINE and " " in header


def _header_length(header: str) -> int:
    """Characters the header needs: its length, or for a long one the longer of its two
    lines when wrapped at the best space. Bold letters are about a tenth wider."""
    if not header_wraps(header):
        return math.ceil(len(header) * 1.1)
    words = header.split()
    best = min(
        max(len(" ".join(words[:cut])), len(" ".join(words[cut:]))) for cut in range(1, len(words))
    )
    return math.ceil(best * 1.1)


def column_widths(headers: list[str], sample: list[list]) -> list[float]:
    """Widths that show the header (wrapped onto two lines if long) and every sampled
    value uncut, with room for longer names further down."""
    widths = []
    for index, header in enumerate(headers):
        kinds = set()
        longest = 0
        for row in sample:
            kind, length = _shown_length(row[index] if index < len(row) else None)
            kinds.add(kind)
            longest = max(longest, length)
        need = max(_header_length(header), longest) + 2
        if "datetime" in kinds:
            need = max(need, DATE_TIME_WIDTH)
        elif "date" in kinds:
            need = max(need, DATE_WIDTH)
        elif "words" in kinds and longest >= 12:
            need = max(need, TEXT_ROOMY)
        widths.append(float(min(max(need * 1.1, MIN_WIDTH), MAX_WIDTH)))
    return widths


def _formats_by_type(sheet) -> bool:
    """Have openpyxl format :class:`ExcelDateTime` and :class:`ExcelDate` values in the
    Vietnamese way by their type alone, as it formats a ``datetime`` by its type (its
    table of formats by type, which it also fills itself for subclasses). True when
    a probe cell shows it works with this openpyxl; otherwise each such value gets a
    cell object with its format, as any other date does."""
    from openpyxl.cell import WriteOnlyCell

    try:
        from openpyxl.cell.cell import TIME_FORMATS
    except ImportError:  # pragma: no cover - another openpyxl
        return False
    TIME_FORMATS[ExcelDateTime] = DATE_TIME_FORMAT
    TIME_FORMATS[ExcelDate] = DATE_FORMAT
    moment = WriteOnlyCell(sheet, value=ExcelDateTime(2026, 12, 8, 9, 5))
    day = WriteOnlyCell(sheet, value=ExcelDate(2026, 12, 8))
    return moment.number_format == DATE_TIME_FORMAT and day.number_format == DATE_FORMAT


def write_sheet(
    book,
    title: str,
    headers: Iterable[str],
    rows: Iterable[list],
    progress: Progress | None = None,
    text_columns: Iterable[int] | None = None,
) -> int:
    """Append a sheet to a write-only workbook: bold, frozen, filtered header; widths
    from the header and the first rows; safe text cells. Returns the rows written.

    ``text_columns``: the columns (from 0) that may hold text a PC or a person typed
    (names, IDs, places, question ids) or anything other than numbers, ``None``,
    :class:`ExcelDateTime`/:class:`ExcelDate` values and text this app wrote itself
    (answer letters, "yes"). Only those cells are then checked, and the row lists are
    changed in place. Without it, every cell is checked."""
    # openpyxl is imported here, not at the top: the app's screens import this module
    # (through round_data) and need no spreadsheet library until an export.
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    texts: dict[str, Any] = {}  # question ids and answer letters repeat on every row

    def cell_of(value: Any):
        """Text stored as text, never a formula; dates and times with Vietnamese formats;
        numbers as numbers. A plain text is passed as is (openpyxl stores a ``str`` as
        text unless it starts with "=", which a neutralised text never does): a cell
        object for each would make the export twice as slow."""
        if isinstance(value, str):
            known = texts.get(value)
            if known is not None:
                return known
            safe = safe_text(value)
            if isinstance(safe, str) and len(value) <= 40 and len(texts) < 50_000:
                texts[value] = safe  # a cell object is never shared between cells
            return safe
        kind = type(value)
        if (kind is ExcelDateTime or kind is ExcelDate) and by_type:
            return value  # formatted by its type, as in a bare loop
        if isinstance(value, datetime.datetime):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_TIME_FORMAT
            return cell
        if isinstance(value, datetime.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        return value

    def safe_text(value: str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            # Control characters a PC may send are not allowed in the file: dropped.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        value = neutralise(value)
        if value in ERROR_CODES:  # "#N/A" would become an error value: keep it text
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    say = progress or (lambda _m: None)
    headers = list(headers)
    sheet = book.create_sheet(title=title[:31])
    by_type = _formats_by_type(sheet)
    checked = sorted(set(text_columns)) if text_columns is not None and by_type else None
    # The other columns should hold numbers and the app's own short texts; a text found
    # there anyway (a damaged or forged database) is made safe too, found by a type test.
    skip = set(checked or ())
    unchecked = [i for i in range(len(headers)) if i not in skip]
    stream: Iterator[list] = iter(rows)
    sample = list(itertools.islice(stream, SAMPLE_ROWS))
    widths = column_widths(headers, sample)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if any(header_wraps(h) for h in headers):
        sheet.row_dimensions[1].height = HEADER_TWO_LINES
    sheet.freeze_panes = "A2"
    # Printed: landscape, the header on every page, and a sheet of a few columns scaled
    # to the paper's width (a wide one, like every attempt's answers, is left full size).
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "1:1"
    if sum(widths) <= FIT_TO_PAGE_WIDTH:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
    # The font named, as the body's: a style without one prints in a serif fallback.
    bold = Font(name="Calibri", size=11, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=neutralise(header))
        cell.data_type = "s"
        cell.font = bold
        cell.alignment = wrap
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    append = sheet.append
    known = texts.get
    for row in itertools.chain(sample, stream):
        if checked is None:
            append([cell_of(value) for value in row])
        else:
            if type(row) is not list:
                row = list(row)
            width = len(row)
            for index in checked:
                if index >= width:
                    break
                value = row[index]
                if value is not None:
                    safe = known(value) if type(value) is str else None
                    row[index] = cell_of(value) if safe is None else safe
            for index in [i for i in unchecked if i < width and type(row[i]) is str]:
                row[index] = cell_of(row[index])
            for index in range(len(headers), width):  # beyond the headers: all checked
                row[index] = cell_of(row[index])
            append(row)
        count += 1
        if count % 10_000 == 0:
            say(_("{sheet}: {n} rows").format(sheet=title, n=count))
        if count >= EXCEL_MAX_ROWS - 1:
            break
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    return count
