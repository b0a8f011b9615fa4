"""A round's results as one Excel workbook (openpyxl, write-only: memory stays flat).

Sheets: ranking, entrants, participation per commune, per-question statistics,
and every attempt with its answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from skillsapp.i18n import _
from skillsapp.reports import round_data as data
from skillsapp.reports.files import export_target

Progress = Callable[[str], None]
EXCEL_MAX_ROWS = 1_048_576


def write_sheet(
    book: Workbook, title: str, headers: Iterable[str], rows: Iterable[list], progress: Progress
) -> int:
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
        if count % 10_000 == 0:
            progress(_("{sheet}: {n} rows").format(sheet=title, n=count))
        if count >= EXCEL_MAX_ROWS - 1:
            break
    return count


def write_round_xlsx(
    store, report: data.RoundReport, target: Path, progress: Progress | None = None
) -> Path:
    say = progress or (lambda _m: None)
    book = Workbook(write_only=True)
    with export_target(target) as partial:
        write_sheet(
            book, _("Ranking"), [_(h) for h in data.RANKING_HEADERS], data.ranking_rows(report), say
        )
        write_sheet(
            book,
            _("Entrants"),
            [_(h) for h in data.ENTRANT_HEADERS],
            data.entrant_rows(report),
            say,
        )
        write_sheet(
            book,
            _("By commune"),
            [_(h) for h in data.COMMUNE_HEADERS],
            data.commune_rows(report),
            say,
        )
        write_sheet(
            book,
            _("Questions"),
            [_(h) for h in data.QUESTION_HEADERS],
            data.question_rows(store, report),
            say,
        )
        write_sheet(
            book, _("Attempts"), data.attempt_headers(report), data.attempt_rows(store, report), say
        )
        say(_("Saving the workbook…"))
        book.save(partial)
    return Path(target)
