"""Small touches of look shared by the window's widgets."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

ACCENT = "#0E7C66"
ERROR = "#B3261E"
WARNING = "#9A6700"


def quiet_color(widget: QWidget) -> QColor:
    """A colour between the theme's text and background, for secondary text."""
    palette = widget.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    background = palette.color(QPalette.ColorRole.Window)
    # Opaque, not alpha: translucent text renders unevenly across styles.
    return QColor(round(text.red() * 0.58 + background.red() * 0.42),
                  round(text.green() * 0.58 + background.green() * 0.42),
                  round(text.blue() * 0.58 + background.blue() * 0.42))


def tinted_selection(palette: QPalette) -> QPalette:
    """Selected rows in a light tint of the accent, their text unchanged (as the navigation)."""
    accent = QColor(ACCENT)
    for group, strength in ((QPalette.ColorGroup.Active, 0.26),
                            (QPalette.ColorGroup.Inactive, 0.16)):
        base = palette.color(group, QPalette.ColorRole.Base)
        tint = QColor(round(accent.red() * strength + base.red() * (1 - strength)),
                      round(accent.green() * strength + base.green() * (1 - strength)),
                      round(accent.blue() * strength + base.blue() * (1 - strength)))
        palette.setColor(group, QPalette.ColorRole.Highlight, tint)
        palette.setColor(group, QPalette.ColorRole.HighlightedText,
                         palette.color(group, QPalette.ColorRole.Text))
    return palette


def mute(widget: QWidget) -> None:
    """Draw ``widget``'s text in the quieter secondary colour."""
    palette = widget.palette()
    quiet = quiet_color(widget)
    palette.setColor(QPalette.ColorRole.WindowText, quiet)
    palette.setColor(QPalette.ColorRole.Text, quiet)
    widget.setPalette(palette)


def scale_font(widget: QWidget, factor: float, *, bold: bool = False) -> None:
    """Make ``widget``'s font ``factor`` times the default size, optionally bold."""
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * factor)
    if bold:
        font.setBold(True)
    widget.setFont(font)


def centred_column(outer: QBoxLayout, width: int) -> QVBoxLayout:
    """A column up to ``width`` pixels wide, centred in ``outer``; it narrows with the window.

    (A widget added to a layout with an alignment flag is sized by its size
    hint, which cuts word-wrapped labels short; a stretching column is not.)
    """
    column = QWidget()
    column.setMaximumWidth(width)
    column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    row = QHBoxLayout()
    # The column takes the space first, up to its width; the margins share the rest.
    row.addStretch(1)
    row.addWidget(column, 100)
    row.addStretch(1)
    outer.addLayout(row)
    return layout
