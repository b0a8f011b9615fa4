"""Settings: language, text size, high contrast, and the way in for staff.

Language, text size and contrast apply when "OK" is pressed and are saved. The
"For staff" section signs an organiser in (or makes the first organiser account,
with the setup code from the installer) and, once signed in, lets them show
Quản lý and Đồng bộ on this computer for everyone. Residents never need it.

The content scrolls and OK / Cancel stay in view, so the dialog fits a 1024×768
screen at the largest text size.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from skillsapp.i18n import _
from skillsapp.settings import TEXT_SIZE_LABELS, TEXT_SIZES
from skillsapp.ui.common.fields import ComboBox
from skillsapp.ui.common.widgets import MIN_TARGET, big_button, heading, paragraph, scroll_page
from skillsapp.ui.shell.context import AppContext

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _EnterOpensList(QObject):
    """Enter on a closed drop-down opens its list (Enter in the list then chooses),
    instead of reaching the dialog and pressing OK behind the person's back."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if (
            isinstance(watched, QComboBox)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _ENTER
        ):
            watched.showPopup()
            return True
        return False


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class SettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(_("Settings"))
        # Round choices as big as the check box the theme draws, easy to see and to hit.
        self.setStyleSheet("QRadioButton::indicator { width: 24px; height: 24px; }")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 12)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.setSpacing(10)
        self.scroll = scroll_page(content)
        outer.addWidget(self.scroll, 1)

        language_label = _label(_("Language"))
        layout.addWidget(language_label)
        self.language = ComboBox()
        self.language.setAccessibleName(_("Language"))
        self.language.setMinimumHeight(MIN_TARGET)
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANGUAGE_NAMES).index(context.settings.language))
        self._enter_filter = _EnterOpensList(self)
        self.language.installEventFilter(self._enter_filter)
        language_label.setBuddy(self.language)
        layout.addWidget(self.language)

        layout.addWidget(_label(_("Text size")))
        self.sizes = QButtonGroup(self)
        self.size_buttons: dict[str, QRadioButton] = {}
        grid = QGridLayout()  # two by two: the staff section stays closer to the top
        grid.setHorizontalSpacing(24)
        for position, size in enumerate(TEXT_SIZES):
            button = QRadioButton(_(TEXT_SIZE_LABELS[size]))
            button.setMinimumHeight(MIN_TARGET)
            button.setChecked(size == context.settings.text_size)
            self.sizes.addButton(button)
            self.size_buttons[size] = button
            grid.addWidget(button, position // 2, position % 2)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)

        self.high_contrast = QCheckBox(_("High contrast (light text on black)"))
        self.high_contrast.setMinimumHeight(MIN_TARGET)
        self.high_contrast.setChecked(context.settings.high_contrast)
        layout.addWidget(self.high_contrast)

        layout.addSpacing(12)
        self._build_staff_section(layout)
        layout.addStretch(1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setContentsMargins(24, 0, 24, 0)
        for button in self.buttons.buttons():
            button.setMinimumHeight(MIN_TARGET)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        context.organiser_changed.connect(self._show_organiser)
        context.store_opened.connect(self._show_organiser)  # opened while this dialog is up
        self._show_organiser()
        self._fit()

    # --- for staff ------------------------------------------------------------------

    def _build_staff_section(self, layout: QVBoxLayout) -> None:
        layout.addWidget(heading(_("For staff"), level=2))
        layout.addWidget(
            paragraph(
                _(
                    "Manage and Sync appear only when an organiser signs in here or turns them on "
                    "for this computer."
                ),
                muted=True,
            )
        )
        self.organiser_label = paragraph("")
        layout.addWidget(self.organiser_label)
        self.sign_in_button = big_button(_("Sign in as staff"))
        self.sign_in_button.setAutoDefault(False)
        self.sign_in_button.clicked.connect(self.sign_in)
        layout.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.sign_out_button = big_button(_("Sign out"))
        self.sign_out_button.setAutoDefault(False)
        self.sign_out_button.clicked.connect(lambda: self.context.set_organiser(None))
        layout.addWidget(self.sign_out_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.show_staff = QCheckBox(_("Always show Manage and Sync on this computer"))
        self.show_staff.setMinimumHeight(MIN_TARGET)
        self.show_staff.setChecked(self.context.settings.show_staff_areas)
        layout.addWidget(self.show_staff)
        self.show_staff_note = paragraph(
            _("Only a signed-in organiser can change this."), muted=True
        )
        layout.addWidget(self.show_staff_note)

    def _show_organiser(self) -> None:
        name = self.context.organiser
        if name:
            self.organiser_label.setText(_("Signed in as {name}").format(name=name))
        else:
            self.organiser_label.setText(_("No organiser is signed in."))
        self.sign_in_button.setVisible(name is None)
        self.sign_in_button.setEnabled(self.context.store is not None)  # still opening
        self.sign_out_button.setVisible(name is not None)
        self.show_staff.setEnabled(name is not None)
        self.show_staff_note.setVisible(name is None)

    def sign_in(self) -> None:
        """Open the organiser sign-in (or the first-account form) over this dialog."""
        from skillsapp.ui.manage.sign_in import OrganiserSignInDialog

        dialog = OrganiserSignInDialog(self.context, self)
        dialog.exec()
        dialog.deleteLater()

    # --- the dialog -----------------------------------------------------------------

    def _fit(self) -> None:
        screen = (self.parentWidget() or self).screen()
        room = screen.availableGeometry()
        hint = self.scroll.widget().sizeHint()
        width = min(max(hint.width() + 48, 560), room.width() - 40)
        height = min(hint.height() + self.buttons.sizeHint().height() + 40, room.height() - 60)
        self.resize(width, height)

    def chosen_size(self) -> str:
        return next(size for size, button in self.size_buttons.items() if button.isChecked())

    def accept(self) -> None:
        changes: dict[str, object] = {
            "language": self.language.currentData(),
            "text_size": self.chosen_size(),
            "high_contrast": self.high_contrast.isChecked(),
        }
        if self.context.organiser is not None:  # only an organiser shows or hides staff areas
            changes["show_staff_areas"] = self.show_staff.isChecked()
        self.context.update_settings(**changes)
        super().accept()
