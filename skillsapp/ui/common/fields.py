"""Number, date and choice fields that never change their value behind a resident's back.

Qt's own fields take keys and the mouse wheel meant for the page around them:
- Page Up and Page Down step a number, or the part of a date the cursor is in, by ten, and
  move a closed drop-down to another choice, where a resident who presses them wants the
  page to turn;
- the wheel changes whichever field the pointer passes over while the page scrolls, and
  gives it the focus on the way.

The fields here pass Page Up and Page Down on to the screen (a task screen turns its page,
see :class:`~skillsapp.ui.common.widgets.TaskPage`), and pass the wheel on so the page
scrolls, even in the field that has the focus: as the page scrolls, that field passes under
the pointer too (seen under Xvfb: the session's month went from 12 to 10). Arrows, typing,
the field's own buttons and its open list work as in Qt.
Screens use these classes for every such field; the layout audit fails a screen that does not.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QComboBox, QDateEdit, QDateTimeEdit, QSpinBox, QWidget

PAGE_KEYS = frozenset({Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})


class _Calm:
    """What the fields below share; it comes first in their bases so it sees events first."""

    def _calm(self: QWidget) -> None:
        # Qt's default (wheel focus) would give the field the focus as the wheel passes over.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if event.key() in PAGE_KEYS:
            event.ignore()  # the screen around the field gets the key
            return
        super().keyPressEvent(event)  # type: ignore[misc]

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt naming
        event.ignore()  # the page around the field scrolls


class SpinBox(_Calm, QSpinBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._calm()


class DateEdit(_Calm, QDateEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._calm()


class DateTimeEdit(_Calm, QDateTimeEdit):
    def __init__(self, *args) -> None:
        super().__init__(*args)
        self._calm()


class ComboBox(_Calm, QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._calm()


CALM_FIELDS = (SpinBox, DateEdit, DateTimeEdit, ComboBox)
