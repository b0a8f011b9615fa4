"""Colours, sizes and the style sheet. Large targets and clear contrast by default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skillsapp.ui.common.sizes import MIN_TARGET

BASE_POINT_SIZE = 12.0
SCROLL_BAR = 20  # px: wide enough for an unsteady hand to grab (at least 16)


@dataclass(frozen=True)
class Palette:
    window: str
    text: str
    muted: str
    panel: str
    accent: str
    accent_text: str
    border: str
    good: str
    bad: str
    focus: str
    chosen: str = "#D4E5F8"  # the fill of a chosen answer: unmistakable, the text still reads


NORMAL = Palette(
    window="#F7F9FC",
    text="#1B1F24",
    muted="#4A5562",
    panel="#FFFFFF",
    accent="#0B5CAD",
    accent_text="#FFFFFF",
    border="#AFC0D3",
    good="#1D7A36",
    bad="#B3261E",
    focus="#F2A900",
)
HIGH_CONTRAST = Palette(
    window="#000000",
    text="#FFFFFF",
    muted="#FFFF66",
    panel="#000000",
    accent="#FFFF00",
    accent_text="#000000",
    border="#FFFFFF",
    good="#00FF66",
    bad="#FF6666",
    focus="#00FFFF",
    chosen="#4D4D00",
)


ASSETS = Path(__file__).resolve().parent / "assets"


def arrow(direction: str, high_contrast: bool) -> str:
    """The path of a drop-down or spin arrow drawn in the palette's text colour, for url()."""
    shade = "light" if high_contrast else "dark"
    return (ASSETS / f"arrow-{direction}-{shade}.svg").as_posix()


def palette_for(high_contrast: bool) -> Palette:
    return HIGH_CONTRAST if high_contrast else NORMAL


def point_size(scale: float) -> float:
    return round(BASE_POINT_SIZE * scale, 1)


def style_sheet(scale: float, high_contrast: bool) -> str:
    p = palette_for(high_contrast)
    size = point_size(scale)
    big = round(size * 1.5, 1)
    huge = round(size * 2.0, 1)
    # Qt counts min-height inside the padding and border: each rule subtracts them, so
    # the whole widget is at least MIN_TARGET px high at every text size.
    button = MIN_TARGET - 2 * 8 - 2 * 2
    field = MIN_TARGET - 2 * 4 - 2 * 2
    nav = MIN_TARGET - 2 * 9 - 2 * 3
    nav_compact = MIN_TARGET - 2 * 2 - 2 * 3
    bar = SCROLL_BAR
    up, down = arrow("up", high_contrast), arrow("down", high_contrast)
    return f"""
    QWidget {{ background: {p.window}; color: {p.text}; font-size: {size}pt; }}
    QLabel#title {{ font-size: {huge}pt; font-weight: 600; }}
    QLabel#subtitle {{ font-size: {big}pt; font-weight: 600; }}
    QLabel#muted {{ color: {p.muted}; }}
    QFrame#panel {{ background: {p.panel}; border: 2px solid {p.border}; border-radius: 10px; }}
    QPushButton {{
        background: {p.panel}; color: {p.text}; border: 2px solid {p.border};
        border-radius: 8px; padding: 8px 18px; min-height: {button}px;
    }}
    QPushButton:hover {{ border-color: {p.accent}; }}
    QPushButton:focus {{ border: 3px solid {p.focus}; }}
    QPushButton#primary {{ background: {p.accent}; color: {p.accent_text}; border-color: {p.accent}; font-weight: 600; }}
    QPushButton#nav {{
        text-align: left; padding: 9px 12px; border: 3px solid transparent; border-radius: 8px;
        background: transparent; min-height: {nav}px;
    }}
    QPushButton#nav[compact="true"] {{ padding: 2px 12px; min-height: {nav_compact}px; }}
    QPushButton#nav:hover {{ border-color: {p.border}; }}
    QPushButton#nav:checked {{ background: {p.accent}; color: {p.accent_text}; font-weight: 600; }}
    QPushButton#nav:focus {{ border-color: {p.focus}; }}
    QScrollArea#navscroll {{ background: {p.panel}; border: none; border-right: 2px solid {p.border}; }}
    QWidget#navbar {{ background: {p.panel}; }}
    QWidget#navbar QLabel {{ background: transparent; }}
    QFrame#actionbar {{ background: {p.panel}; border: none; border-top: 2px solid {p.border}; }}
    QFrame#actionbar QLabel {{ background: transparent; }}
    QLineEdit, QComboBox, QSpinBox, QDateEdit, QDateTimeEdit, QTimeEdit {{
        background: {p.panel}; color: {p.text}; border: 2px solid {p.border};
        border-radius: 6px; padding: 4px 8px; min-height: {field}px;
    }}
    QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDateTimeEdit:focus {{ border-color: {p.focus}; }}
    QComboBox {{ combobox-popup: 0; }}  /* a plain list, whose rows take the height below */
    QComboBox QAbstractItemView {{
        background: {p.panel}; color: {p.text}; border: 2px solid {p.border};
        selection-background-color: {p.accent}; selection-color: {p.accent_text}; outline: none;
    }}
    QComboBox QAbstractItemView::item {{ min-height: {MIN_TARGET}px; padding: 0px 10px; }}
    QComboBox QAbstractItemView::item:selected {{ background: {p.accent}; color: {p.accent_text}; }}
    QCheckBox, QRadioButton {{ spacing: 12px; padding: 2px 0px; min-height: {MIN_TARGET - 4}px; }}
    QCheckBox::indicator, QRadioButton::indicator {{ width: 26px; height: 26px; }}
    QLabel#good {{ color: {p.good}; font-weight: 600; }}
    QLabel#badge {{ font-weight: 700; min-width: 32px; }}
    QPushButton#option {{ text-align: left; padding: 0px; min-height: 56px; border: 3px solid {p.border}; }}
    QPushButton#option:focus {{ border: 3px dashed {p.focus}; }}
    QPushButton#option:checked {{ border: 5px solid {p.accent}; background: {p.chosen}; }}
    QPushButton#option:checked:focus {{ border: 5px solid {p.focus}; background: {p.chosen}; }}
    QPushButton#option[result="right"] {{ border: 5px solid {p.good}; }}
    QPushButton#option[result="wrong"] {{ border: 5px solid {p.bad}; }}
    QLabel#countdown {{ font-size: {big}pt; font-weight: 700; }}
    QLabel#countdown[urgent="true"] {{ color: {p.bad}; }}
    QLabel#bad {{ color: {p.bad}; font-weight: 600; }}
    QLabel#good[big="true"], QLabel#bad[big="true"] {{ font-size: {big}pt; }}
    QPushButton#primary:focus {{ border: 3px solid {p.focus}; }}
    QFrame#panel QLabel {{ background: transparent; }}
    QPushButton:disabled {{ color: {p.muted}; border-style: dashed; }}
    QPushButton#primary:disabled {{ background: {p.panel}; color: {p.muted}; border-color: {p.border}; }}
    QPushButton#primary QLabel {{ color: {p.accent_text}; background: transparent; }}
    QPushButton#mapcell {{ padding: 0px 4px; min-height: {MIN_TARGET - 4}px; min-width: 44px; font-weight: 600; }}
    QPushButton#mapcell[answered="true"] {{ background: {p.accent}; color: {p.accent_text}; border-color: {p.accent}; }}
    QPushButton#mapcell[current="true"] {{ border: 4px solid {p.text}; }}
    QPushButton#mapcell:focus {{ border: 4px solid {p.focus}; }}
    QPlainTextEdit {{
        background: {p.panel}; color: {p.text}; border: 2px solid {p.border};
        border-radius: 6px; padding: 6px; min-height: {MIN_TARGET}px;
    }}
    QPlainTextEdit:focus {{ border-color: {p.focus}; }}
    QSpinBox::up-button, QSpinBox::down-button,
    QDateTimeEdit::up-button, QDateTimeEdit::down-button {{
        width: 40px; border: none; border-left: 2px solid {p.border}; background: {p.panel};
    }}
    QSpinBox::up-arrow, QDateTimeEdit::up-arrow {{ image: url({up}); width: 16px; height: 16px; }}
    QSpinBox::down-arrow, QDateTimeEdit::down-arrow {{ image: url({down}); width: 16px; height: 16px; }}
    QComboBox::drop-down, QDateTimeEdit::drop-down {{
        subcontrol-origin: padding; subcontrol-position: center right; width: 40px;
        border: none; border-left: 2px solid {p.border};
    }}
    QComboBox::down-arrow, QDateTimeEdit::down-arrow {{ image: url({down}); width: 20px; height: 20px; }}
    QFrame#panel QCheckBox {{ background: {p.panel}; }}
    QSpinBox#bignumber {{ font-size: {huge}pt; font-weight: 700; padding: 4px 12px; min-height: 56px; }}
    QSpinBox#bignumber::up-button, QSpinBox#bignumber::down-button {{ width: 0px; border: none; }}
    QScrollBar:vertical {{ background: {p.window}; width: {bar}px; margin: 0px; border: none; }}
    QScrollBar:horizontal {{ background: {p.window}; height: {bar}px; margin: 0px; border: none; }}
    QScrollBar::handle {{ background: {p.muted}; border: 2px solid {p.window}; border-radius: 9px; }}
    QScrollBar::handle:vertical {{ min-height: {MIN_TARGET}px; }}
    QScrollBar::handle:horizontal {{ min-width: {MIN_TARGET}px; }}
    QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: {p.accent}; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ width: 0px; height: 0px; border: none; background: none; }}
    QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
    """


# --- presentation on a projector ------------------------------------------------------
# A washed-out projector in a lit hall needs pure black on white, thick borders and
# type far larger than on the PC's own screen.
PROJECTOR = Palette(
    window="#FFFFFF",
    text="#000000",
    muted="#333333",
    panel="#FFFFFF",
    accent="#0B4F9C",
    accent_text="#FFFFFF",
    border="#000000",
    good="#0A7A2F",
    bad="#B3261E",
    focus="#E69500",
)
PRESENTATION_SCALE = 1.6  # presentation text is this much larger than the app's text


def presentation_palette(high_contrast: bool) -> Palette:
    return HIGH_CONTRAST if high_contrast else PROJECTOR


def presentation_point_size(scale: float) -> float:
    return round(point_size(scale) * PRESENTATION_SCALE, 1)


def presentation_style_sheet(scale: float, high_contrast: bool) -> str:
    """The style of a presentation window (set on the window; it wins over the app's)."""
    p = presentation_palette(high_contrast)
    size = presentation_point_size(scale)
    big = round(size * 1.25, 1)
    huge = round(size * 1.6, 1)
    small = round(size * 0.7, 1)
    return f"""
    QWidget {{ background: {p.window}; color: {p.text}; font-size: {size}pt; }}
    QLabel#title {{ font-size: {huge}pt; font-weight: 700; }}
    QLabel#subtitle {{ font-size: {big}pt; font-weight: 700; }}
    QLabel#muted {{ color: {p.muted}; }}
    QLabel#hint {{ color: {p.muted}; font-size: {small}pt; }}
    QLabel#good {{ color: {p.good}; font-weight: 700; }}
    QLabel#counter {{ font-size: {small}pt; font-weight: 700; color: {p.muted}; }}
    QFrame#panel {{ background: {p.panel}; border: 3px solid {p.border}; border-radius: 12px; }}
    QPushButton#primary:focus {{ border: 3px solid {p.focus}; }}
    QFrame#panel QLabel {{ background: transparent; }}
    QFrame#answer {{ background: {p.panel}; border: 3px solid {p.border}; border-radius: 12px; }}
    QFrame#answer QLabel {{ background: transparent; }}
    QFrame#answer[result="right"] {{ border: 8px solid {p.good}; }}
    QFrame#answer[result="dim"] {{ border: 3px dashed {p.muted}; }}
    QFrame#answer[result="dim"] QLabel {{ color: {p.muted}; }}
    QLabel#letter {{ font-size: {big}pt; font-weight: 800; min-width: 1.6em; qproperty-alignment: AlignCenter; }}
    QLabel#answertext {{ font-size: {size}pt; }}
    QPushButton {{
        background: {p.panel}; color: {p.text}; border: 3px solid {p.border};
        border-radius: 10px; padding: 8px 22px; min-height: 64px; font-size: {small}pt; font-weight: 600;
    }}
    QPushButton:focus {{ border: 4px solid {p.focus}; }}
    QPushButton#primary {{ background: {p.accent}; color: {p.accent_text}; border-color: {p.accent}; }}
    QPushButton#step {{ font-size: {big}pt; font-weight: 800; min-width: 64px; padding: 0px; }}
    QSpinBox#count {{
        background: {p.panel}; color: {p.text}; border: 3px solid {p.border}; border-radius: 10px;
        font-size: {big}pt; font-weight: 800; min-height: 64px; padding: 0px 8px;
    }}
    QSpinBox#count:focus {{ border: 5px solid {p.focus}; }}
    QSpinBox#count::up-button, QSpinBox#count::down-button {{ width: 0px; border: none; }}
    QTextBrowser {{ border: none; }}
    """
