"""A round's results as one Excel workbook (openpyxl, write-only: memory stays flat).

Sheets: ranking, entrants, participation per commune, per-question statistics,
and every attempt with its answers. Each sheet is written by ``cells.write_sheet``:
safe text cells, Vietnamese date formats, widths, a frozen and filtered header.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from skillsapp.i18n import _
from skillsapp.reports import round_data as data
from skillsapp.reports.cells import write_sheet
from skillsapp.reports.files import export_target

Progress = Callable[[str], None]


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
