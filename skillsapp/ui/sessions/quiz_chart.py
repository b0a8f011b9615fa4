"""The bar chart of a group quiz question on the projector: how many chose each
option, with the count and the percent over each bar; the right option's bar and
letter are in the "good" colour."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from skillsapp.flows.group_session import answer_shares
from skillsapp.i18n import _, format_number, format_percent
from skillsapp.ui.shell.theme import Palette

LETTERS = "ABCDEF"


@dataclass(frozen=True)
class Bar:
    letter: str
    count: int
    share: float
    right: bool


class ResultsChart(QWidget):
    """Bars of how many chose each option, labelled with the count and the percent;
    the right option's bar is in the "good" colour."""

    def __init__(self, palette: Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.palette_ = palette
        self._bars: list[Bar] = []
        self.setMinimumSize(320, 260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, counts: list[int], correct: tuple[int, ...]) -> None:
        shares = answer_shares(counts)
        self._bars = [
            Bar(LETTERS[i], count, shares[i], i in correct) for i, count in enumerate(counts)
        ]
        self.setAccessibleName(
            "; ".join(
                _("{letter}: {count} ({percent})").format(
                    letter=b.letter, count=format_number(b.count), percent=format_percent(b.share)
                )
                for b in self._bars
            )
        )
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not self._bars:
            return
        p = self.palette_
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        bold = QFont(font)
        bold.setBold(True)
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.75)
        line = QFontMetricsF(bold).height()
        small_line = QFontMetricsF(small).height()
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        letter_box = line * 1.4
        top_labels = line + small_line + 6
        plot_top = area.top() + top_labels
        baseline = area.bottom() - letter_box - 6
        plot_height = max(10.0, baseline - plot_top)
        slot = area.width() / len(self._bars)
        bar_width = min(slot * 0.62, line * 3.5)
        highest = max(b.count for b in self._bars) or 1

        painter.setPen(QPen(QColor(p.text), 3))
        painter.drawLine(int(area.left()), int(baseline), int(area.right()), int(baseline))
        for i, bar in enumerate(self._bars):
            centre = area.left() + slot * (i + 0.5)
            height = plot_height * bar.count / highest
            colour = QColor(p.good if bar.right else p.muted)
            body = QRectF(centre - bar_width / 2, baseline - height, bar_width, height)
            painter.fillRect(body, colour)
            # The count and the percent above the bar.
            painter.setPen(QColor(p.text))
            painter.setFont(bold)
            count_box = QRectF(centre - slot / 2, body.top() - top_labels, slot, line)
            painter.drawText(count_box, Qt.AlignmentFlag.AlignCenter, format_number(bar.count))
            painter.setFont(small)
            share_box = QRectF(centre - slot / 2, count_box.bottom(), slot, small_line)
            painter.drawText(share_box, Qt.AlignmentFlag.AlignCenter, format_percent(bar.share))
            # The letter under the bar, in a filled circle for the right answer.
            circle = QRectF(centre - letter_box / 2, baseline + 6, letter_box, letter_box)
            painter.setFont(bold)
            if bar.right:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(p.good))
                painter.drawEllipse(circle)
                painter.setPen(QColor(p.window))
            else:
                painter.setPen(QPen(QColor(p.text), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(circle)
            painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, bar.letter)
        painter.end()
