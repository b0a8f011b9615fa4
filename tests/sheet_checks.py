"""Checks that a spreadsheet export is safe to open: no cell is, or starts, a formula.

Shared by the app's and the server's export tests."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import load_workbook

from skillsapp.reports.cells import FORMULA_STARTS

# Values a hostile or careless PC can put in a registration, as typed.
HOSTILE_NAMES = ['=HYPERLINK("http://x","bấm")', "+84912345678", "@SUM(1)", "-1+1"]
HOSTILE_VILLAGE = "\t=1"
HOSTILE_GROUP = "\r=2+3"


def workbook_cells(source: Path | bytes) -> list:
    """Every cell of every sheet (the full reader: it tells formulas from text)."""
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    book = load_workbook(data)
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def assert_no_formula_cells(source: Path | bytes) -> list:
    """No cell is a formula and no text cell starts like one; returns the cells."""
    cells = workbook_cells(source)
    assert cells
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert formulas == []
    risky = [
        (c.parent.title, c.coordinate, c.value)
        for c in cells
        if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)
    ]
    assert risky == []
    return cells


def assert_no_formula_fields(text: str) -> list[list[str]]:
    """No CSV field starts like a formula (numbers are written as numbers: "-1" is no
    text but a negative number, allowed). Returns the rows."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows
    risky = []
    for row in rows:
        for field in row:
            if field.startswith(FORMULA_STARTS) and not _is_number(field):
                risky.append(field)
    assert risky == []
    return rows


def _is_number(field: str) -> bool:
    """A negative number as Python writes one ("-1", "-0.5"); "+84…" is never a number
    an export writes, so it counts as text."""
    return re.fullmatch(r"-\d+(\.\d+)?(e-?\d+)?", field) is not None
