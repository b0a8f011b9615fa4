"""Certificates: completing the basic digital-skills programme, or a contest prize."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

from skillsapp.i18n import _
from skillsapp.reports.pdf import FAMILY, long_date, new_document, save_pdf


def _frame(doc: FPDF) -> None:
    doc.set_draw_color(11, 92, 173)
    doc.set_line_width(1.5)
    doc.rect(10, 10, doc.w - 20, doc.h - 20)
    doc.set_line_width(0.5)
    doc.rect(14, 14, doc.w - 28, doc.h - 28)


def _page(
    doc: FPDF, title: str, name: str, lines: Sequence[str], issued: datetime.date, issuer: str
) -> None:
    doc.add_page()
    _frame(doc)
    doc.set_y(30)
    doc.set_font(FAMILY, "B", 30)
    doc.set_text_color(11, 92, 173)
    doc.cell(0, 16, title, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(27, 31, 36)
    doc.set_font(FAMILY, "", 14)
    doc.cell(0, 10, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FAMILY, "B", 26)
    doc.cell(0, 16, name, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FAMILY, "", 13)
    doc.set_x(30)
    for line in lines:
        doc.multi_cell(doc.w - 60, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")
        doc.set_x(30)
    doc.set_xy(24, doc.h - 50)
    doc.set_font(FAMILY, "I", 12)
    doc.cell(
        doc.w - 48, 8, issuer + ", " + long_date(issued), align="R", new_x="LMARGIN", new_y="NEXT"
    )


def programme_certificate(
    target: Path,
    name: str,
    lessons: Sequence[str],
    issued: datetime.date,
    issuer: str | None = None,
) -> Path:
    """A certificate for completing every lesson of the basic programme."""
    doc = new_document("landscape")
    lines = [
        _("has completed the basic digital skills programme, {n} lessons:").format(n=len(lessons)),
        " • ".join(lessons),
    ]
    _page(
        doc,
        _("CERTIFICATE"),
        name,
        lines,
        issued,
        issuer or _("Community digital technology group"),
    )
    return save_pdf(doc, target)


def programme_certificates(
    target: Path,
    people: Sequence[tuple[str, Sequence[str]]],
    issued: datetime.date,
    issuer: str | None = None,
) -> Path:
    """One page per person who completed the basic programme: (name, lesson titles) pairs."""
    doc = new_document("landscape")
    for name, lessons in people:
        lines = [
            _("has completed the basic digital skills programme, {n} lessons:").format(
                n=len(lessons)
            ),
            " • ".join(lessons),
        ]
        _page(
            doc,
            _("CERTIFICATE"),
            name,
            lines,
            issued,
            issuer or _("Community digital technology group"),
        )
    return save_pdf(doc, target)


def prize_certificates(
    target: Path,
    winners: Sequence[tuple[str, str]],
    contest: str,
    round_title: str,
    issued: datetime.date,
    issuer: str,
) -> Path:
    """One page per winner: (name, prize) pairs, e.g. ("Nguyễn Văn An", "Giải Nhất")."""
    doc = new_document("landscape")
    for name, prize in winners:
        lines = [
            _("won {prize} in {round} of the contest “{contest}”.").format(
                prize=prize, round=round_title, contest=contest
            )
        ]
        _page(doc, _("CERTIFICATE OF MERIT"), name, lines, issued, issuer)
    return save_pdf(doc, target)
