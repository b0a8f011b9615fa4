"""Colours, sizes and the style sheet. Large targets and clear contrast by default."""

from __future__ import annotations

from dataclasses import dataclass

BASE_POINT_SIZE = 12.0


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
)


def palette_for(high_contrast: bool) -> Palette:
    return HIGH_CONTRAST if high_contrast else NORMAL


def point_size(scale: float) -> float:
    return round(BASE_POINT_SIZE * scale, 1)


def style_sheet(scale: float, high_contrast: bool) -> str:
    p = palette_for(high_contrast)
    size = point_size(scale)
    big = round(size * 1.5, 1)
    huge = round(size * 2.0, 1)
    return f"""
    QWidget {{ background: {p.window}; color: {p.text}; font-size: {size}pt; }}
    QLabel#title {{ font-size: {huge}pt; font-weight: 600; }}
    QLabel#subtitle {{ font-size: {big}pt; font-weight: 600; }}
    QLabel#muted {{ color: {p.muted}; }}
    QFrame#panel {{ background: {p.panel}; border: 2px solid {p.border}; border-radius: 10px; }}
    QPushButton {{
        background: {p.panel}; color: {p.text}; border: 2px solid {p.border};
        border-radius: 8px; padding: 10px 18px; min-height: 44px;
    }}
    QPushButton:hover {{ border-color: {p.accent}; }}
    QPushButton:focus {{ border: 3px solid {p.focus}; }}
    QPushButton#primary {{ background: {p.accent}; color: {p.accent_text}; border-color: {p.accent}; font-weight: 600; }}
    QPushButton#nav {{ text-align: left; padding: 12px 16px; border: none; border-radius: 8px; }}
    QPushButton#nav:checked {{ background: {p.accent}; color: {p.accent_text}; font-weight: 600; }}
    QPushButton#nav:focus {{ border: 3px solid {p.focus}; }}
    QWidget#navbar {{ background: {p.panel}; border-right: 2px solid {p.border}; }}
    QWidget#navbar QLabel {{ background: transparent; }}
    QLineEdit, QComboBox, QSpinBox, QDateEdit {{
        background: {p.panel}; color: {p.text}; border: 2px solid {p.border};
        border-radius: 6px; padding: 6px; min-height: 36px;
    }}
    QLineEdit:focus, QComboBox:focus {{ border-color: {p.focus}; }}
    QCheckBox, QRadioButton {{ spacing: 10px; }}
    QLabel#good {{ color: {p.good}; font-weight: 600; }}
    QLabel#badge {{ font-weight: 700; min-width: 32px; }}
    QPushButton#option {{ text-align: left; padding: 0px; min-height: 56px; }}
    QPushButton#option:checked {{ border: 4px solid {p.accent}; background: {p.panel}; }}
    QPushButton#option[result="right"] {{ border: 4px solid {p.good}; }}
    QPushButton#option[result="wrong"] {{ border: 4px solid {p.bad}; }}
    QLabel#countdown {{ font-size: {big}pt; font-weight: 700; }}
    QLabel#countdown[urgent="true"] {{ color: {p.bad}; }}
    QLabel#bad {{ color: {p.bad}; font-weight: 600; }}
    QLabel#good[big="true"], QLabel#bad[big="true"] {{ font-size: {big}pt; }}
    QFrame#panel QLabel {{ background: transparent; }}
    QFrame#panel QLabel {{ background: transparent; }}
    QPushButton#primary QLabel {{ color: {p.accent_text}; background: transparent; }}
    QPushButton#mapcell {{ padding: 0px 4px; min-height: 44px; min-width: 44px; font-weight: 600; }}
    QPushButton#mapcell[answered="true"] {{ background: {p.accent}; color: {p.accent_text}; border-color: {p.accent}; }}
    QPushButton#mapcell[current="true"] {{ border: 4px solid {p.text}; }}
    QPushButton#mapcell:focus {{ border: 4px solid {p.focus}; }}
    QSpinBox#bignumber {{ font-size: {huge}pt; font-weight: 700; padding: 4px 12px; min-height: 56px; }}
    QSpinBox#bignumber::up-button, QSpinBox#bignumber::down-button {{ width: 0px; border: none; }}
    """
