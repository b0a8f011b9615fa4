"""PDF documents with fpdf2 and the bundled Be Vietnam Pro font, so Vietnamese
text is embedded, prints correctly and stays extractable.

>>> doc = new_document()                      # doctest: +SKIP
>>> doc.cell(text="Giấy chứng nhận")          # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

from fpdf import FPDF

from skillsapp.errors import AppError
from skillsapp.i18n import _, language
from skillsapp.paths import font_dir

FAMILY = "BeVietnamPro"


class ExportError(AppError):
    """A file could not be written; ``detail`` says why in plain words."""

    def user_message(self) -> str:
        return _("Could not write {path}: {problem}").format(path=self.where, problem=self.detail)


def new_document(orientation: str = "portrait") -> FPDF:
    doc = FPDF(orientation=orientation, unit="mm", format="A4")
    folder = font_dir()
    doc.add_font(FAMILY, "", str(folder / "BeVietnamPro-Regular.ttf"))
    doc.add_font(FAMILY, "B", str(folder / "BeVietnamPro-Bold.ttf"))
    doc.add_font(FAMILY, "I", str(folder / "BeVietnamPro-Italic.ttf"))
    doc.set_font(FAMILY, size=12)
    doc.set_auto_page_break(auto=True, margin=15)
    return doc


def long_date(day: datetime.date) -> str:
    """'ngày 22 tháng 11 năm 2026' in Vietnamese, 'November 22, 2026' in English."""
    if language() == "vi":
        return f"ngày {day.day} tháng {day.month} năm {day.year}"
    from babel.dates import format_date

    return format_date(day, "long", locale="en")


def save_pdf(doc: FPDF, target: Path) -> Path:
    """Write beside the target, then rename: never a half-written PDF that looks complete."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=".partial-", suffix=".pdf", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise ExportError(target, exc.strerror or str(exc)) from exc
    try:
        doc.output(partial)
        os.chmod(partial, 0o644)  # mkstemp makes 0600; a report is for sharing
        os.replace(partial, target)
    except OSError as exc:
        Path(partial).unlink(missing_ok=True)
        raise ExportError(target, exc.strerror or str(exc)) from exc
    return target
