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
formats (``08/12/2026 09:05``), so they sort. Sheets stream (XlsxWriter's constant
memory mode writes each row to disk as the next begins): only the first ``SAMPLE_ROWS``
rows are held, to size the columns.

Fast: a sheet of 100,000 attempts has ten million cells, so a cell costs little more
than it does in a bare XlsxWriter loop. A column whose first rows hold dates (or times)
made as :class:`ExcelDate` (:class:`ExcelDateTime`) is formatted as a whole, so its
cells need no format of their own; each distinct short text is checked once.

>>> neutralise('=HYPERLINK("http://x","bấm")')
'\\'=HYPERLINK("http://x","bấm")'
>>> csv_row(["-1+1", -1, "Nguyễn Văn An"])
["'-1+1", -1, 'Nguyễn Văn An']
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from skillsapp.i18n import _

# The control characters XML 1.0 does not allow in a file (a PC may send one): dropped.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

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


@contextlib.contextmanager
def new_workbook(path: Path) -> Iterator[Any]:
    """A workbook written to ``path`` when the block ends, which streams each sheet to
    disk as it is written (XlsxWriter's constant memory mode) and never turns a text
    into a formula, a link or a number by its look; :func:`write_sheet` adds its sheets.
    The rows wait on disk in a scratch folder of its own, removed when the block ends,
    also when the export fails half-way: they hold names and numbers of people."""
    import xlsxwriter

    with tempfile.TemporaryDirectory(prefix="kns-xlsx-", ignore_cleanup_errors=True) as scratch:
        book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": scratch,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "nan_inf_to_errors": True,
            },
        )
        try:
            yield book
        finally:
            book.close()  # after a failure too: its scratch files are closed and deleted


def _formats(book) -> dict[str, Any]:
    """The workbook's cell formats, made once per workbook."""
    made = getattr(book, "_skillsapp_formats", None)
    if made is None:
        # The font named, as the body's: a style without one prints in a serif fallback.
        made = {
            "header": book.add_format(
                {"bold": True, "font_name": "Calibri", "font_size": 11, "text_wrap": True}
            ),
            ExcelDateTime: book.add_format({"num_format": DATE_TIME_FORMAT}),
            ExcelDate: book.add_format({"num_format": DATE_FORMAT}),
        }
        made["header"].set_align("top")
        made[datetime.datetime] = made[ExcelDateTime]
        made[datetime.date] = made[ExcelDate]
        book._skillsapp_formats = made
    return made


def write_sheet(
    book,
    title: str,
    headers: Iterable[str],
    rows: Iterable[list],
    progress: Progress | None = None,
    sheet=None,
) -> int:
    """Add a sheet to a workbook from :func:`new_workbook`: bold, frozen, filtered
    header; widths from the header and the first rows; safe text cells (the row lists
    are changed in place); dates and times in Vietnamese formats. Returns the rows
    written. ``sheet``: one made earlier with ``book.add_worksheet`` (sheets keep the
    order they were made in), to be written now."""
    from xlsxwriter.utility import xl_col_to_name

    formats = _formats(book)
    texts: dict[str, str] = {}  # question ids and answer letters repeat on every row

    def safe_text(value: str) -> str:
        """Text stored as text, never a formula (the workbook writes every text as a
        text; the apostrophe keeps it safe once re-saved as CSV)."""
        known = texts.get(value)
        if known is not None:
            return known
        safe = neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
        if len(value) <= 40 and len(texts) < 50_000:
            texts[value] = safe
        return safe

    say = progress or (lambda _m: None)
    headers = list(headers)
    if sheet is None:
        sheet = book.add_worksheet(title[:31])
    stream: Iterator[list] = iter(rows)
    sample = list(itertools.islice(stream, SAMPLE_ROWS))
    widths = column_widths(headers, sample)
    # A date or time column is formatted as a whole; its cells need no format of their own.
    dated: dict[int, type] = {}
    for index in range(len(headers)):
        kinds = {type(row[index]) for row in sample if index < len(row)}
        kinds &= {ExcelDateTime, ExcelDate}
        if len(kinds) == 1:
            dated[index] = kinds.pop()
    for index, width in enumerate(widths):
        kind = dated.get(index)
        sheet.set_column(index, index, width, formats[kind] if kind else None)
    if any(header_wraps(h) for h in headers):
        sheet.set_row(0, HEADER_TWO_LINES)
    sheet.freeze_panes(1, 0)
    # Printed: landscape, the header on every page, and a sheet of a few columns scaled
    # to the paper's width (a wide one, like every attempt's answers, is left full size).
    sheet.set_landscape()
    sheet.repeat_rows(0)
    if sum(widths) <= FIT_TO_PAGE_WIDTH:
        sheet.fit_to_pages(1, 0)
    header_format = formats["header"]
    for index, header in enumerate(headers):
        sheet.write_string(0, index, neutralise(header), header_format)
    write_row, write = sheet.write_row, sheet.write
    count = 0
    for row in itertools.chain(sample, stream):
        if type(row) is not list:
            row = list(row)
        misplaced = []
        for index, value in enumerate(row):
            kind = type(value)
            if kind is str:
                row[index] = safe_text(value)
            elif kind in formats and dated.get(index) is not kind:
                misplaced.append(index)  # a date where the column holds none
        count += 1
        write_row(count, 0, row)
        for index in misplaced:
            write(count, index, row[index], formats[type(row[index])])
        if count % 10_000 == 0:
            say(_("{sheet}: {n} rows").format(sheet=title, n=count))
        if count >= EXCEL_MAX_ROWS - 1:
            break
    if headers:
        sheet.autofilter(f"A1:{xl_col_to_name(len(headers) - 1)}{count + 1}")
    return count
