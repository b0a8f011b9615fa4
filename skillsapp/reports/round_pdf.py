"""A round's report as a PDF: summary, ranking (masked) and participation per commune."""

from __future__ import annotations

import datetime
from pathlib import Path

from skillsapp.i18n import _, format_datetime, format_number
from skillsapp.reports import round_data as data
from skillsapp.reports.pdf import FAMILY, long_date, new_document, save_pdf

TOP = 50


def write_round_pdf(store, report: data.RoundReport, target: Path, issued: datetime.date) -> Path:
    doc = new_document()
    doc.add_page()
    doc.set_font(FAMILY, "B", 18)
    doc.multi_cell(0, 9, report.contest.title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FAMILY, "", 12)
    doc.multi_cell(
        0,
        7,
        _("{round}: from {opens} to {closes}").format(
            round=report.round.title,
            opens=format_datetime(report.round.opens_at),
            closes=format_datetime(report.round.closes_at),
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if report.still_open:
        doc.set_font(FAMILY, "B", 12)
        doc.multi_cell(
            0,
            7,
            _("The round is still open: these results may still change."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        doc.set_font(FAMILY, "", 12)
    doc.multi_cell(
        0,
        7,
        _("Entrants: {n}. Full scores: {full}. True figure for the prediction: {figure}.").format(
            n=report.entrants,
            full=report.full_scores,
            figure=report.true_figure if report.true_figure is not None else "-",
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(3)
    doc.set_font(FAMILY, "B", 14)
    doc.cell(
        0,
        8,
        _("Ranking (first {n})").format(n=min(TOP, report.entrants)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_font(FAMILY, "", 10)
    with doc.table(
        col_widths=(12, 55, 55, 18, 22, 28),
        text_align=("CENTER", "LEFT", "LEFT", "CENTER", "CENTER", "CENTER"),
    ) as table:
        table.row(
            [
                _("Rank"),
                _("Full name"),
                _("Commune"),
                _("Score"),
                _("Prediction"),
                _("Time (seconds)"),
            ]
        )
        for row in data.ranking_rows(report, limit=TOP):
            table.row(
                [
                    str(row[0]),
                    row[1],
                    row[2],
                    format_number(row[3]),
                    str(row[5] if row[5] is not None else ""),
                    format_number(row[7]),
                ]
            )
    doc.ln(4)
    doc.set_font(FAMILY, "B", 14)
    doc.cell(0, 8, _("Participation by commune"), new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FAMILY, "", 10)
    with doc.table(col_widths=(90, 30, 30, 40)) as table:
        table.row([_("Commune"), _("Entrants"), _("People with full marks"), _("Average score")])
        for row in data.commune_rows(report):
            table.row([row[0], str(row[1]), str(row[2]), format_number(row[3])])
    doc.ln(4)
    doc.set_font(FAMILY, "I", 10)
    doc.multi_cell(
        0,
        6,
        _("Made with Kỹ Năng Số, {date}. Personal data is masked.").format(date=long_date(issued)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return save_pdf(doc, target)
