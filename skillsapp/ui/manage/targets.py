"""Targets per commune for a year (residents who finish every lesson) and a bar
chart of progress against them, drawn with QPainter."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from skillsapp import geography
from skillsapp.engine.rules import vietnam_day
from skillsapp.i18n import _, format_number, format_percent
from skillsapp.ui.common.fields import SpinBox
from skillsapp.ui.common.pickers import PickerField, PickerItem
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    card,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.manage.common import Field, Reflow, message_label, say
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import palette_for


@dataclass(frozen=True)
class Bar:
    label: str
    achieved: int
    target: int

    @property
    def text(self) -> str:
        fraction = self.achieved / self.target if self.target else 0.0
        return _("{achieved} of {target} ({percent})").format(
            achieved=format_number(self.achieved),
            target=format_number(self.target),
            percent=format_percent(fraction),
        )


@dataclass(frozen=True)
class DrawnBar:
    bar: Bar
    label_rect: QRect
    target_rect: QRect
    achieved_rect: QRect
    text_rect: QRect


class TargetChart(QWidget):
    """Horizontal bars, one per commune: the outline is the target, the filled part
    what has been achieved, with the numbers beside it."""

    def __init__(self, high_contrast: bool = False) -> None:
        super().__init__()
        self.bars: list[Bar] = []
        self.high_contrast = high_contrast
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Progress against the targets"))
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = list(bars)
        self.setAccessibleDescription("\n".join(f"{b.label}: {b.text}" for b in self.bars))
        self.setMinimumHeight(self._row_height() * len(self.bars) + 8)
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        line = self.fontMetrics().height()
        return line * 2 + 24

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(600, self._row_height() * len(self.bars) + 8)

    def layout_bars(self, width: int) -> list[DrawnBar]:
        """Where each bar, label and number goes in a chart ``width`` pixels wide."""
        metrics = self.fontMetrics()
        line = metrics.height()
        text_width = max([metrics.horizontalAdvance(b.text) for b in self.bars] + [0]) + 16
        track = max(40, width - text_width - 8)
        scale = max([max(b.target, b.achieved) for b in self.bars] + [1])
        drawn = []
        for index, bar in enumerate(self.bars):
            top = index * self._row_height() + 4
            label = QRect(0, top, width, line + 4)
            bar_top = top + line + 8
            target = QRect(0, bar_top, max(2, round(track * bar.target / scale)), line + 4)
            achieved = QRect(0, bar_top, round(track * bar.achieved / scale), line + 4)
            right = max(target.right(), achieved.right()) + 12
            text = QRect(right, bar_top, width - right, line + 4)
            drawn.append(DrawnBar(bar, label, target, achieved, text))
        return drawn

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt naming
        colours = palette_for(self.high_contrast)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for item in self.layout_bars(self.width()):
            done = item.bar.target and item.bar.achieved >= item.bar.target
            painter.setPen(QColor(colours.text))
            painter.drawText(
                item.label_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                item.bar.label,
            )
            if item.achieved_rect.width() > 0:
                painter.fillRect(
                    item.achieved_rect, QColor(colours.good if done else colours.accent)
                )
            painter.setPen(QPen(QColor(colours.text), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(item.target_rect.adjusted(1, 1, -1, -1))
            painter.drawText(
                item.text_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                item.bar.text,
            )
        painter.end()


class TargetsScreen(TaskPage):
    back = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        page = self
        page.body.addWidget(heading(_("Targets")))
        page.body.addWidget(
            paragraph(
                _(
                    "Set how many residents of each commune should finish every lesson in a "
                    "year. The chart counts the residents on this computer who have done so."
                )
            )
        )
        frame, box = card()
        self.year = SpinBox()
        self.year.setRange(2020, 2100)
        self.year.setValue(vietnam_day(context.now()).year)
        # Searchable lists, as on every form: typing "ba dinh" finds Phường Ba Đình.
        self.province = PickerField(
            _("Province or city"),
            _("Choose a province or city"),
            search_hint=_("Type a few letters, for example ha noi"),
        )
        self.province.set_items([PickerItem(d.name, d.code) for d in geography.provinces_by_name()])
        self.commune = PickerField(
            _("Commune or ward"),
            _("Choose the province first"),
            search_hint=_("Type a few letters, for example ba dinh"),
        )
        self.target = SpinBox()
        self.target.setRange(1, 1_000_000)
        self.target.setValue(100)
        self.target.setGroupSeparatorShown(True)
        self.commune_field = Field(_("Commune or ward"), self.commune)
        box.addWidget(
            Reflow(
                [
                    Field(_("Year"), self.year),
                    Field(_("Residents to finish every lesson"), self.target),
                ],
                spacing=24,
            )
        )
        # Province and commune names are long: each drop-down gets the whole width.
        box.addWidget(Field(_("Province or city"), self.province))
        box.addWidget(self.commune_field)
        self.message = message_label()
        box.addWidget(self.message)
        page.body.addWidget(frame)
        self.chart_title = heading("", level=2)
        page.body.addWidget(self.chart_title)
        self.empty = paragraph("", muted=True)
        page.body.addWidget(self.empty)
        self.chart = TargetChart(context.settings.high_contrast)
        page.body.addWidget(self.chart)
        page.body.addStretch(1)
        self.back_button = self.add_action(big_button(_("Back")), left=True)
        self.back_button.clicked.connect(self.back.emit)
        self.save_button = self.add_action(big_button(_("Save the target"), primary=True))
        self.save_button.clicked.connect(self.save)
        self.province.changed.connect(self._fill_communes)
        self.commune.changed.connect(self._show_current_target)
        self.year.valueChanged.connect(self.refresh)
        self.progress: dict[str, int] = {}
        self._fill_communes()
        self.setFocusProxy(self.year)
        self.refresh()

    def _fill_communes(self) -> None:
        code = self.province.value()
        self.commune.set_items(
            [PickerItem(d.name, d.code) for d in geography.communes(code)] if code else []
        )
        self.commune.set_placeholder(
            _("Choose a commune or ward") if code else _("Choose the province first")
        )
        self.commune.setEnabled(code is not None)

    def _show_current_target(self) -> None:
        code = self.commune.value()
        if code in self.progress:
            self.target.setValue(self.progress[code])

    def save(self) -> None:
        code = self.commune.value()
        if code is None:
            self.commune_field.show_error(_("Choose the province first, then the commune."))
            self.commune.setFocus()
            return
        self.commune_field.show_error("")
        year, target = self.year.value(), self.target.value()
        self.context.store.targets.set(code, year, target, province_code=self.province.value())
        say(
            self.message,
            _("Saved: {commune}, {n} residents in {year}.").format(
                commune=self.commune.current_label(), n=format_number(target), year=year
            ),
            good=True,
        )
        self.scroll.ensureWidgetVisible(self.message)
        self.refresh()

    def refresh(self) -> None:
        store, year = self.context.store, self.year.value()
        lesson_ids = [lesson.id for lesson in store.content.lessons()]
        rows = store.targets.progress(year, lesson_ids)
        self.progress = {row.commune_code: row.target for row in rows}
        bars = []
        for row in rows:
            found = geography.commune(row.commune_code)
            bars.append(Bar(found.name if found else row.commune_code, row.achieved, row.target))
        self.chart_title.setText(_("Progress in {year}").format(year=year))
        self.empty.setText(_("No target is set for {year} yet.").format(year=year))
        self.empty.setVisible(not bars)
        self.chart.set_bars(bars)
        self.chart.setVisible(bool(bars))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            self.back.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        super().keyPressEvent(event)
