"""Choosing from a long list with elderly hands: a big field that opens a searchable list.

A drop-down's arrow is small, its rows are thin and its list scrolls out of reach; a
resident who types "ba dinh" without diacritics finds nothing. :class:`PickerField`
is one wide button (click anywhere on it, or press Enter, Space or any letter when it
has the focus) that opens :class:`PickerDialog`: a search box over a list of rows at
least ``MIN_TARGET`` px high. Typing filters (case- and diacritic-blind, any word
order), Up/Down move, Enter or a click picks, Esc cancels::

    field = PickerField(_("Province or city"), _("Choose a province or city"))
    field.set_items([PickerItem(p.name, p.code) for p in geography.provinces_by_name()])
    field.changed.connect(lambda code: ...)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from skillsapp import text as text_tools
from skillsapp.i18n import _
from skillsapp.ui.common.widgets import MIN_TARGET, WrapButton, big_button, heading, paragraph

# Keys that move in the list while the typing stays in the search box.
_LIST_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}
_ENTER = {Qt.Key.Key_Return, Qt.Key.Key_Enter}
VALUE_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class PickerItem:
    """One row: what a person reads, the value it stands for, and extra words that find it."""

    label: str
    value: object
    also: str = ""  # e.g. the code, or "Tháng Năm" for month 5


def default_match(typed: str, item: PickerItem) -> bool:
    return text_tools.matches(typed, f"{item.label} {item.also}")


class _SearchBox(QLineEdit):
    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().focusInEvent(event)
        # Qt selects everything when the window activates: the letter a person typed on
        # the field to open the list would be replaced by the next one.
        self.deselect()
        self.end(False)


class PickerDialog(QDialog):
    """A search box over a list. ``chosen`` is the picked item once it was accepted."""

    def __init__(
        self,
        title: str,
        items: Sequence[PickerItem],
        current: object = None,
        typed: str = "",
        parent: QWidget | None = None,
        search_hint: str = "",
        match: Callable[[str, PickerItem], bool] = default_match,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("picker")
        self.setWindowTitle(title)
        self.items = list(items)
        self.match = match
        self.chosen: PickerItem | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 16, 20, 16)
        box.setSpacing(12)
        self.title = heading(title, level=2)
        box.addWidget(self.title)
        self.search = _SearchBox()
        self.search.setObjectName("pickersearch")
        self.search.setMinimumHeight(MIN_TARGET + 8)
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(search_hint or _("Type a few letters to search"))
        self.search.setAccessibleName(_("Search in the list"))
        box.addWidget(self.search)
        self.list = QListWidget()
        self.list.setObjectName("pickerlist")
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setWordWrap(True)
        # Rows at least MIN_TARGET high and a scroll bar wide enough to grab.
        self.list.setStyleSheet(
            f"QListWidget#pickerlist::item {{ padding: 6px 12px; min-height: {MIN_TARGET}px; }}"
            "QListWidget#pickerlist QScrollBar:vertical { width: 24px; }"
            "QListWidget#pickerlist QScrollBar::handle:vertical { min-height: 48px; }"
        )
        self.list.setAccessibleName(title)
        box.addWidget(self.list, 1)
        self.how = paragraph(_("Click a name to choose it, or press Enter."), muted=True)
        box.addWidget(self.how)
        self.nothing = QLabel(_("Nothing found. Try fewer letters, or check the spelling."))
        self.nothing.setWordWrap(True)
        self.nothing.setVisible(False)
        box.addWidget(self.nothing)
        row = QHBoxLayout()
        self.cancel_button = big_button(_("Cancel"))
        # Enter in the search box picks; it must never press Cancel as a dialog default.
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.setDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        box.addLayout(row)

        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list.installEventFilter(self)
        self.list.itemClicked.connect(self._pick)
        self.list.itemActivated.connect(self._pick)
        self._fill(current)
        if typed:
            self.search.setText(typed)
        self.search.setFocus()
        self._fit(parent)

    # --- size ------------------------------------------------------------------------

    def _row_height(self) -> int:
        return max(MIN_TARGET, self.fontMetrics().height() + 24)

    def _fit(self, parent: QWidget | None) -> None:
        """As big as is comfortable, never bigger than the screen (1024×768 with big text)."""
        # QWidget.screen(parent): some pages keep their own attribute called "screen".
        screen = (QWidget.screen(parent) if parent is not None else None) or (
            QGuiApplication.primaryScreen()
        )
        area = screen.availableGeometry() if screen is not None else None
        width, height = 720, 680
        if area is not None:
            width = min(width, area.width() - 40)
            height = min(height, area.height() - 60)
        self.resize(max(width, 320), max(height, 320))

    # --- list --------------------------------------------------------------------------

    def _fill(self, current: object) -> None:
        size = QSize(0, self._row_height())
        for item in self.items:
            row = QListWidgetItem(item.label)
            row.setData(VALUE_ROLE, item.value)
            row.setSizeHint(size)
            self.list.addItem(row)
            if current is not None and item.value == current:
                self.list.setCurrentItem(row)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        if self.list.currentItem() is not None:
            self.list.scrollToItem(self.list.currentItem(), QListWidget.ScrollHint.PositionAtCenter)

    def _filter(self, typed: str) -> None:
        first = None
        for index, item in enumerate(self.items):
            row = self.list.item(index)
            hidden = not self.match(typed, item)
            row.setHidden(hidden)
            if not hidden and first is None:
                first = row
        self.nothing.setVisible(first is None)
        current = self.list.currentItem()
        if current is None or current.isHidden():
            self.list.setCurrentItem(first)
        if typed.strip() and first is not None:
            self.list.setCurrentItem(first)
        if self.list.currentItem() is not None:
            self.list.scrollToItem(self.list.currentItem())

    def visible_labels(self) -> list[str]:
        return [
            self.list.item(i).text()
            for i in range(self.list.count())
            if not self.list.item(i).isHidden()
        ]

    def _pick(self, row: QListWidgetItem | None) -> None:
        if row is None or row.isHidden():
            return
        self.chosen = self.items[self.list.row(row)]
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in _ENTER:
                self._pick(self.list.currentItem())
                return True
            if watched is self.search and key in _LIST_KEYS:
                moved = QKeyEvent(event.type(), key, event.modifiers())
                QGuiApplication.sendEvent(self.list, moved)
                return True
            if watched is self.list and event.text().isprintable() and event.text():
                # Typing while the list has the focus goes on in the search box.
                self.search.setFocus()
                self.search.insert(event.text())
                return True
        return super().eventFilter(watched, event)


class PickerField(WrapButton):
    """A wide button showing the chosen value; clicking anywhere on it opens the list.

    Enter, Space, F4 and Alt+Down open the list too, and a letter typed on it opens the
    list with that letter already in the search box. The key press never reaches the
    form, so Enter on a picker never submits it.
    """

    changed = Signal(object)  # the new value (None when cleared)

    def __init__(
        self,
        title: str,
        placeholder: str,
        search_hint: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("", parent=parent)
        self.setObjectName("picker")
        self.title = title
        self.placeholder = placeholder
        self.search_hint = search_hint
        self.items: list[PickerItem] = []
        self._value: object = None
        self.dialog: PickerDialog | None = None
        self.arrow = QLabel("▾", self)
        self.arrow.setObjectName("pickerarrow")
        self.arrow.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.arrow.setStyleSheet("background: transparent; border: none;")
        self.layout().addWidget(self.arrow)
        self.setMinimumHeight(MIN_TARGET + 12)
        self.clicked.connect(lambda: self.open_list())
        self._show()

    # --- value ---------------------------------------------------------------------------

    def set_items(self, items: Sequence[PickerItem], keep: bool = True) -> None:
        """Replace the choices; the value stays if it is still among them."""
        self.items = list(items)
        if not (keep and self._item(self._value)):
            self._set(None, emit=self._value is not None)
        self._show()

    def value(self) -> object:
        return self._value

    def set_placeholder(self, text: str) -> None:
        """What the field says while nothing is chosen."""
        self.placeholder = text
        self._show()

    def current_label(self) -> str:
        item = self._item(self._value)
        return item.label if item else ""

    def set_value(self, value: object) -> bool:
        """Choose ``value`` if it is one of the items (or None to clear). True if chosen."""
        if value is not None and self._item(value) is None:
            return False
        self._set(value, emit=True)
        return True

    def _item(self, value: object) -> PickerItem | None:
        if value is None:
            return None
        return next((item for item in self.items if item.value == value), None)

    def _set(self, value: object, emit: bool) -> None:
        changed = value != self._value
        self._value = value
        self._show()
        if changed and emit:
            self.changed.emit(value)

    def _show(self) -> None:
        label = self.current_label()
        self.setText(label or self.placeholder)
        self.label.setObjectName("" if label else "muted")
        self.label.style().unpolish(self.label)
        self.label.style().polish(self.label)
        shown = label or _("nothing chosen")
        self.setAccessibleName(_("{field}: {value}").format(field=self.title, value=shown))

    # --- opening ----------------------------------------------------------------------------

    def open_list(self, typed: str = "") -> PickerDialog | None:
        """Open the searchable list (non-blocking; ``self.dialog`` while it is open)."""
        if not self.isEnabled() or self.dialog is not None:
            return self.dialog
        dialog = PickerDialog(
            self.title,
            self.items,
            current=self._value,
            typed=typed,
            parent=self.window(),
            search_hint=self.search_hint,
        )
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.finished.connect(lambda _result, d=dialog: self._closed(d))
        self.dialog = dialog
        dialog.open()
        dialog.search.setFocus()
        return dialog

    def _closed(self, dialog: PickerDialog) -> None:
        self.dialog = None
        if dialog.result() == QDialog.DialogCode.Accepted and dialog.chosen is not None:
            self._set(dialog.chosen.value, emit=True)
        dialog.deleteLater()
        # Give the keyboard back to the form's window: without a window manager (or with a
        # lazy one) nothing else does, and the next key would go nowhere.
        self.window().activateWindow()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        alt_down = key == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        if key in _ENTER or key in (Qt.Key.Key_Space, Qt.Key.Key_F4) or alt_down:
            event.accept()
            self.open_list()
            return
        typed = event.text()
        if typed and typed.isprintable() and not typed.isspace():
            event.accept()
            self.open_list(typed)
            return
        super().keyPressEvent(event)
