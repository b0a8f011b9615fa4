"""A QR code painted as large as its place allows, black on white whatever the theme
(phones' cameras need the contrast, and the white quiet zone around it), each module a
whole number of pixels so the edges stay sharp on a projector."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


class QrCode(QWidget):
    def __init__(self, minimum: int = 160, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._modules: list[list[bool]] = []
        self._minimum = minimum
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_modules(self, modules: list[list[bool]], description: str) -> None:
        """The code to paint and what a screen reader says (the address or the network)."""
        self._modules = modules
        self.setAccessibleName(description)
        self.update()

    def set_minimum(self, side: int) -> None:
        """The smallest side it may have: the projector sets it from its own size."""
        if side != self._minimum:
            self._minimum = side
            self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(self._minimum, self._minimum)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(self._minimum, self._minimum)

    def code_rect(self) -> QRect:
        """Where the code and its quiet zone are painted: a centred square."""
        count = len(self._modules) + 2 * QUIET_ZONE
        if count == 2 * QUIET_ZONE:
            return QRect()
        module = max(1, min(self.width(), self.height()) // count)
        side = module * count
        return QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def module_pixels(self) -> int:
        """The side of one module on screen (0 before there is a code)."""
        count = len(self._modules) + 2 * QUIET_ZONE
        return self.code_rect().width() // count if self._modules else 0

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not self._modules:
            return
        area = self.code_rect()
        module = self.module_pixels()
        painter = QPainter(self)
        painter.fillRect(area, QColor("white"))
        dark = QColor("black")
        left = area.left() + QUIET_ZONE * module
        top = area.top() + QUIET_ZONE * module
        for y, row in enumerate(self._modules):
            x = 0
            while x < len(row):  # one rectangle per run of dark modules
                if not row[x]:
                    x += 1
                    continue
                start = x
                while x < len(row) and row[x]:
                    x += 1
                painter.fillRect(
                    left + start * module, top + y * module, (x - start) * module, module, dark
                )
        painter.end()
