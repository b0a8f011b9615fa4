"""A round's results as one Excel workbook (XlsxWriter, each sheet streamed: memory stays flat).

Sheets: ranking, entrants, participation per commune, per-question statistics, and
every attempt with its answers. The statistics are gathered while the attempts are
written (the answers are read once) into their sheet, made before the attempts' and
written after. Each sheet is written by ``cells.write_sheet``: safe text cells,
Vietnamese date formats, widths, a frozen and filtered header.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from skillsapp.engine.statistics import StatisticsBuilder
from skillsapp.i18n import _
from skillsapp.reports import round_attempts, round_statistics
from skillsapp.reports import round_data as data
from skillsapp.reports.cells import new_workbook, write_sheet
from skillsapp.reports.files import export_target

Progress = Callable[[str], None]


def write_round_xlsx(
    store, report: data.RoundReport, target: Path, progress: Progress | None = None
) -> Path:
    say = progress or (lambda _m: None)
    with export_target(target) as partial, new_workbook(partial) as book:
        write_sheet(
            book,
            _("Ranking"),
            [_(h) for h in data.RANKING_HEADERS],
            data.ranking_rows(report),
            say,
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
        questions = book.add_worksheet(_("Questions")[:31])  # before the long Attempts sheet
        statistics = StatisticsBuilder()
        attempts = round_attempts.attempt_rows(store, report, statistics)
        write_sheet(book, _("Attempts"), data.attempt_headers(report), attempts, say)
        for _beyond_the_sheet in attempts:  # past Excel's row limit: still counted below
            pass
        write_sheet(
            book,
            _("Questions"),
            [_(h) for h in data.QUESTION_HEADERS],
            round_statistics.gathered_question_rows(store, statistics),
            say,
            sheet=questions,
        )
        say(_("Saving the workbook…"))
    return Path(target)
