"""For the export tests, the app's and the server's: a round played on a PC with names
as typed, and checks that a spreadsheet is safe to open (no cell is, or starts, a
formula)."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

from engine_helpers import answer_all
from openpyxl import load_workbook

from skillsapp.content.install import ensure_bundled_content
from skillsapp.flows import contest as contest_flow
from skillsapp.reports.cells import FORMULA_STARTS

CONTEST = "tim-hieu-chuyen-doi-so-2026"
NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
AFTER = datetime.datetime(2026, 12, 20, tzinfo=datetime.UTC)  # round tuan-1 has closed
LONG_NAME = "Nguyễn Thị Phương Thảo Nguyên"

# Values a hostile or careless PC can put in a registration, as typed.
HOSTILE_NAMES = ['=HYPERLINK("http://x","bấm")', "+84912345678", "@SUM(1)", "-1+1"]
HOSTILE_VILLAGE = "\t=1"
HOSTILE_GROUP = "\r=2+3"


def play_round(store, names, village=HOSTILE_VILLAGE, group=HOSTILE_GROUP):
    """Each name registers on this PC (as typed in the registration form) and submits."""
    ensure_bundled_content(store)
    contest = store.content.contest(CONTEST)
    round_ = contest.round("tuan-1")
    for index, name in enumerate(names):
        profile = store.profiles.create(name)
        registration = store.registrations.save(
            profile.id,
            CONTEST,
            {
                "full_name": name,
                "id_number": f"00108001234{index}",
                "phone": "0912345678",
                "province_code": "01",
                "commune_code": "00070",
                "village": village,
                "participant_group": group,
                "date_of_birth": datetime.date(1980, 1, 2),
            },
            complete=True,
        )
        start = NOW + datetime.timedelta(minutes=index)
        attempt = contest_flow.start_attempt(
            store, registration, contest, round_, start, seed=index
        )
        answer_all(attempt, attempt.total, start, datetime.timedelta(seconds=10), elapsed_ms=10_000)
        attempt.set_prediction(2)
        attempt.submit(start + datetime.timedelta(minutes=5, seconds=index))
    return store


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
