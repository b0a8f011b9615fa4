"""Settings: language, text size and high contrast. Changes apply at once and are saved."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)

from skillsapp.i18n import _
from skillsapp.settings import TEXT_SIZE_LABELS, TEXT_SIZES
from skillsapp.ui.shell.context import AppContext

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


class SettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(_("Settings"))
        layout = QVBoxLayout(self)

        layout.addWidget(QLabel(_("Language")))
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language"))
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANGUAGE_NAMES).index(context.settings.language))
        layout.addWidget(self.language)

        layout.addWidget(QLabel(_("Text size")))
        self.sizes = QButtonGroup(self)
        self.size_buttons: dict[str, QRadioButton] = {}
        for size in TEXT_SIZES:
            button = QRadioButton(_(TEXT_SIZE_LABELS[size]))
            button.setChecked(size == context.settings.text_size)
            self.sizes.addButton(button)
            self.size_buttons[size] = button
            layout.addWidget(button)

        self.high_contrast = QCheckBox(_("High contrast (light text on black)"))
        self.high_contrast.setChecked(context.settings.high_contrast)
        layout.addWidget(self.high_contrast)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen_size(self) -> str:
        return next(size for size, button in self.size_buttons.items() if button.isChecked())

    def accept(self) -> None:
        self.context.update_settings(
            language=self.language.currentData(),
            text_size=self.chosen_size(),
            high_contrast=self.high_contrast.isChecked(),
        )
        super().accept()
