"""The layout audit's checks: does a screen fit a small commune PC at a big text size?

:func:`audit` walks every visible widget of a top-level window and returns the problems a
resident would meet: a button below the screen's edge, a click target too small for old
hands, a label whose end is cut off, an English string left untranslated. Each problem names
the widget (class, objectName or text, geometry) so the report is a to-do list.
:func:`save_screenshot` draws the window with the faulty widgets outlined in red.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen, QTextDocument
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui's Qt namespace
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QScrollBar,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QTableView,
    QWidget,
)

from skillsapp.ui.common.fields import CALM_FIELDS
from skillsapp.ui.common.widgets import MIN_TARGET

LOCALES = Path(__file__).resolve().parents[1] / "locales"
# A scroll bar thinner than this is hard to grab for an unsteady hand (issue 12, item 2).
MIN_SCROLLBAR = 16
# Pixels of slack for rounding in layouts.
SLACK = 1
# Words that mark a text as English when it has no Vietnamese letters. Vietnamese written
# without accents ("to", "no", "an", "me") never uses these.
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "your",
        "you",
        "is",
        "are",
        "this",
        "that",
        "with",
        "please",
        "from",
        "will",
        "has",
        "have",
        "here",
        "click",
        "not",
        "yet",
        "there",
        "what",
        "which",
        "when",
        "would",
        "should",
        "could",
    ]
)
VIETNAMESE_LETTERS = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)


@dataclass(frozen=True)
class Problem:
    kind: str  # "window", "outside", "small", "cut", "english", "scrollbar", "focus", "keys"
    widget: str  # class, objectName and text
    geometry: QRect  # in the top-level window's coordinates
    detail: str

    def __str__(self) -> str:
        g = self.geometry
        return f"[{self.kind}] {self.widget} at ({g.x()},{g.y()} {g.width()}x{g.height()}): {self.detail}"


# --- the English strings ---------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    exact: frozenset[str]  # English msgids whose Vietnamese translation differs
    pattern: re.Pattern[str]  # the msgids with {placeholders}, as one regular expression


@cache
def english_catalog() -> Catalog:
    """Every English msgid that Vietnamese translates differently: if one of these is on a
    Vietnamese screen, somebody forgot ``_()`` (or the translation)."""
    with open(LOCALES / "vi" / "LC_MESSAGES" / "skillsapp.po", "rb") as handle:
        catalog = read_po(handle)
    exact: set[str] = set()
    patterns: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid in strings:  # a name, a number format: the same in both languages
                continue
            for line in msgid.split("\n"):
                line = line.strip()
                if len(line) < 3 or not re.search("[A-Za-z]{2}", line):
                    continue
                if "{" in line:
                    parts = re.split(r"\{[^{}]*\}", line)
                    if sum(len(p.strip()) for p in parts) < 6:
                        continue  # "{name} ({year})": nothing English to recognise
                    regex = ".+?".join(re.escape(p) for p in parts)
                    patterns.append(f"(?:{regex})")
                else:
                    exact.add(line)
    return Catalog(frozenset(exact), re.compile(f"^(?:{'|'.join(patterns)})$", re.DOTALL))


def english_reason(text: str) -> str | None:
    """Why ``text`` looks untranslated, or None when it looks Vietnamese (or is data)."""
    catalog = english_catalog()
    for line in text.replace("&&", "&").split("\n"):
        line = line.strip()
        if not line:
            continue
        if line in catalog.exact or line.replace("&", "") in catalog.exact:
            return "an English msgid shown untranslated"
        if catalog.pattern.match(line):
            return "an English msgid (with placeholders) shown untranslated"
        if not VIETNAMESE_LETTERS.search(line):
            words = set(re.findall(r"[a-z]+", line.lower()))
            if len(words) >= 2 and words & ENGLISH_WORDS:
                return "plain English, not in the catalogue"
    return None


# --- what a widget shows -----------------------------------------------------------------


def plain(text: str) -> str:
    if GuiQt.mightBeRichText(text):
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def describe(widget: QWidget) -> str:
    name = type(widget).__name__
    if widget.objectName():
        name += f"#{widget.objectName()}"
    text = shown_text(widget)
    if text:
        short = text.replace("\n", " ")
        name += f" {short[:60]!r}" + ("…" if len(short) > 60 else "")
    return name


def shown_text(widget: QWidget) -> str:
    if isinstance(widget, QLabel):
        return plain(widget.text())
    if isinstance(widget, QAbstractButton):
        return widget.text()  # WrapButton returns its label's text
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QGroupBox):
        return widget.title()
    return ""


def texts_to_translate(widget: QWidget) -> list[str]:
    """The strings a resident reads on ``widget`` (not what they typed)."""
    if isinstance(widget, QLabel):
        return [plain(widget.text())]
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QLineEdit):
        return [widget.placeholderText()]
    if isinstance(widget, QPlainTextEdit):
        return [widget.placeholderText()]
    if isinstance(widget, QComboBox):
        return [widget.itemText(i) for i in range(min(widget.count(), 50))]
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    if isinstance(widget, QListWidget):
        return [widget.item(i).text() for i in range(min(widget.count(), 50))]
    if isinstance(widget, QAbstractSpinBox):
        return [widget.specialValueText()] if hasattr(widget, "specialValueText") else []
    return []


# --- geometry ----------------------------------------------------------------------------


def is_viewport(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    if isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget:
        return parent
    return None


def in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def clipping(widget: QWidget, window: QWidget, visible: QRect | None) -> str | None:
    """Why ``widget`` cannot be seen or reached, or None. Inside a scroll area the widget
    only needs to be reachable by scrolling; the scroll area itself is checked on its own."""
    rect = QRect(QPoint(0, 0), widget.size())
    child = widget
    parent = widget.parentWidget()
    while parent is not None and child is not window:
        rect.translate(child.pos())
        area = is_viewport(parent)
        if area is not None:
            # ``rect`` is now in the viewport's coordinates (the content may be scrolled).
            viewport = parent.rect()
            sideways = area.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            down = area.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            if not sideways and (rect.left() < -SLACK or rect.right() > viewport.right() + SLACK):
                return f"beyond the side of {describe(area)}, which cannot scroll sideways"
            if not down and (rect.top() < -SLACK or rect.bottom() > viewport.bottom() + SLACK):
                return f"beyond the end of {describe(area)}, which cannot scroll down"
            return None
        bounds = parent.rect()
        if not bounds.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect):
            if parent is window:
                break
            return f"cut off by its parent {describe(parent)} ({bounds.width()}x{bounds.height()})"
        child = parent
        parent = parent.parentWidget()
    if visible is None:  # only what cuts it inside the window
        return None
    placed = in_window(widget, window)
    if not visible.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(placed):
        return f"outside the visible {visible.width()}x{visible.height()} screen"
    return None


def button_text_cut(button: QAbstractButton) -> str | None:
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text or type(button).text is not QAbstractButton.text:
        return None  # WrapButton and friends: their QLabel is checked instead
    if button.width() >= button.sizeHint().width():
        return None  # as wide as Qt asks for its text, icon and padding
    metrics = QFontMetrics(button.font())
    needed = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    if isinstance(button, QPushButton):
        option = QStyleOptionButton()
        option.initFrom(button)
        option.text = button.text()
        option.icon = button.icon()
        option.iconSize = button.iconSize()
        contents = button.style().subElementRect(
            QStyle.SubElement.SE_PushButtonContents, option, button
        )
        room = contents.width()
        if not button.icon().isNull():
            room -= button.iconSize().width() + 4
    elif isinstance(button, (QCheckBox, QRadioButton)):
        room = button.width() - (button.sizeHint().width() - needed)
    else:
        room = button.contentsRect().width()
    if needed > room + SLACK:
        return f"text needs {needed} px, the button has {room} px"
    return None


def label_text_cut(label: QLabel) -> str | None:
    if label.pixmap() is not None and not label.pixmap().isNull():
        return None
    text = label.text()
    if (
        not text.strip()
        or label.textFormat() == Qt.TextFormat.RichText
        or GuiQt.mightBeRichText(text)
    ):
        return None  # rich text is laid out by QTextDocument, which wraps
    metrics = QFontMetrics(label.font())
    room = label.contentsRect().width() - 2 * max(label.margin(), 0) - max(label.indent(), 0)
    if label.wordWrap():
        widest = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
        if widest > room + SLACK:
            return f"the word needs {widest} px, the label has {room} px"
        needed_height = label.heightForWidth(label.width())
        if needed_height > label.height() + SLACK + 2:
            return f"wrapped text needs {needed_height} px high, the label is {label.height()} px"
        return None
    needed = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    if needed > room + SLACK:
        return f"text needs {needed} px, the label has {room} px (no word wrap)"
    lines = text.count("\n") + 1
    if metrics.height() * lines > label.contentsRect().height() + 2 * SLACK + 2:
        return f"{lines} line(s) need {metrics.height() * lines} px high, the label is {label.contentsRect().height()} px"
    return None


def list_row_too_small(view: QAbstractItemView) -> str | None:
    """Rows a resident clicks (a list that can select) must be as tall as a button."""
    if view.selectionMode() == QAbstractItemView.SelectionMode.NoSelection:
        return None
    if isinstance(view, (QTableView, QHeaderView)) or view.model().rowCount() == 0:
        return None  # tables are for organisers reading results, not for clicking
    height = view.visualRect(view.model().index(0, 0)).height()
    if 0 < height < MIN_TARGET:
        return f"its rows are {height} px high, under {MIN_TARGET} px"
    return None


def combo_text_cut(combo: QComboBox) -> str | None:
    text = combo.currentText()
    if not text or combo.isEditable():
        return None
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.currentText = text
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    needed = QFontMetrics(combo.font()).horizontalAdvance(text)
    if needed > field.width() + SLACK:
        return f"the chosen text needs {needed} px, the field shows {field.width()} px"
    return None


# --- the audit -----------------------------------------------------------------------------

TARGETS = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit)


def shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0 and widget.height() > 0


def inside_hidden_part(widget: QWidget, window: QWidget) -> bool:
    """Parts of composite widgets (a spin box's line edit, a combo's view) are not checked."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, (QAbstractSpinBox, QComboBox)):
            return True
        parent = parent.parentWidget()
    return False


def audit(window: QWidget, visible: QRect, check_minimum: bool = True) -> list[Problem]:
    """Every problem on ``window`` as laid out now; ``visible`` is the part of it on screen."""
    problems: list[Problem] = []
    if check_minimum:
        minimum = window.minimumSize().expandedTo(window.minimumSizeHint())
        if minimum.width() > visible.width() or minimum.height() > visible.height():
            problems.append(
                Problem(
                    "window",
                    describe(window),
                    QRect(QPoint(0, 0), minimum),
                    f"minimum size {minimum.width()}x{minimum.height()} exceeds the "
                    f"{visible.width()}x{visible.height()} screen",
                )
            )
    for widget in window.findChildren(QWidget):
        if not shown(widget, window) or inside_hidden_part(widget, window):
            continue
        place = in_window(widget, window)

        def report(kind: str, detail: str, w: QWidget = widget, g: QRect = place) -> None:
            problems.append(Problem(kind, describe(w), g, detail))

        if isinstance(widget, QAbstractScrollArea) and widget.objectName() == "areascroll":
            # The window's safety net: when the page as a whole must scroll, its action bar
            # (Trang sau, Nộp bài, Lưu…) can leave the screen. A screen must fit without it.
            inner = widget.widget() if hasattr(widget, "widget") else None
            viewport = widget.viewport().size()
            if inner is not None and (
                inner.minimumSizeHint().height() > viewport.height()
                or inner.minimumSizeHint().width() > viewport.width()
            ):
                hint = inner.minimumSizeHint()
                report(
                    "outside",
                    f"the page needs {hint.width()}x{hint.height()} but the area shows "
                    f"{viewport.width()}x{viewport.height()}: the whole page would scroll, "
                    "taking its action bar with it",
                )
        if type(widget) is QScrollArea and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            # Tab (or Shift+Tab) would stop on the scroll area itself: the theme draws no
            # ring around it, so a resident sees the focus vanish.
            report("focus", "a scroll area Tab stops on, with no focus ring to show it")
        if isinstance(widget, (QAbstractSpinBox, QComboBox)) and not isinstance(
            widget, CALM_FIELDS
        ):
            # Qt's own field: Page Down steps it by ten (or to another choice) and the wheel
            # changes it as the page scrolls past (skillsapp.ui.common.fields).
            report("keys", "a Qt field that Page Down or the wheel would change silently")
        clickable = isinstance(widget, (TARGETS, QAbstractScrollArea))
        if clickable and not isinstance(widget, QScrollBar):
            reason = clipping(widget, window, visible)
            if reason:
                report("outside", reason)
        if isinstance(widget, TARGETS) and widget.height() < MIN_TARGET:
            report("small", f"{widget.height()} px high, under {MIN_TARGET} px")
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            small_row = list_row_too_small(widget)
            if small_row:
                report("small", small_row)
        vertical = (
            isinstance(widget, QScrollBar) and widget.orientation() == Qt.Orientation.Vertical
        )
        if vertical and widget.width() < MIN_SCROLLBAR:
            report("scrollbar", f"{widget.width()} px wide, under {MIN_SCROLLBAR} px")
        if isinstance(widget, QAbstractButton):
            cut = button_text_cut(widget)
            if cut:
                report("cut", cut)
        elif isinstance(widget, QLabel):
            cut = label_text_cut(widget)
            if cut is None and widget.text().strip():
                # A label wider than its scroll area; past the screen's edge it is the
                # window's fault, reported once above.
                cut = clipping(widget, window, None)
            if cut:
                report("cut", cut)
        elif isinstance(widget, QComboBox):
            cut = combo_text_cut(widget)
            if cut:
                report("cut", cut)
        for text in texts_to_translate(widget):
            reason = english_reason(text) if text else None
            if reason:
                report("english", f"{reason}: {text[:80]!r}")
                break
    title = window.windowTitle()
    if title and english_reason(title):
        problems.append(
            Problem("english", describe(window), window.rect(), f"window title {title!r}")
        )
    return problems


def settle(widget: QWidget, rounds: int = 4) -> None:
    """Let layouts (and heights that depend on widths) settle after a resize."""
    for _round in range(rounds):
        QApplication.processEvents()
        layout = widget.layout()
        if layout is not None:
            layout.activate()
    QApplication.processEvents()


def save_screenshot(window: QWidget, problems: list[Problem], visible: QRect, path: Path) -> Path:
    """The window as drawn, with each faulty widget outlined in red and the screen's edge
    as a dashed magenta line when the window is larger than the screen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = window.grab()
    painter = QPainter(image)
    painter.setPen(QPen(QColor("#FF0000"), 3))
    for problem in problems:
        if problem.kind != "window":
            painter.drawRect(problem.geometry.adjusted(1, 1, -1, -1))
    if not visible.contains(window.rect()):
        painter.setPen(QPen(QColor("#FF00FF"), 3, Qt.PenStyle.DashLine))
        painter.drawRect(visible.adjusted(1, 1, -2, -2))
    painter.end()
    image.save(str(path), "PNG", 90)  # light compression: written fast
    return path
