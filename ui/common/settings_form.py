"""Small pieces the Settings area's dialogs share: their form, day counts, inline rows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QSizePolicy, QSpinBox, QWidget

from ui.common.style import mute


def settings_form() -> QFormLayout:
    """A form with right-aligned labels and room between its rows."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    form.setVerticalSpacing(10)
    return form


def day_spin(lowest: int, highest: int, value: int = 0) -> QSpinBox:
    """A count of days from ``lowest`` to ``highest``."""
    spin = QSpinBox()
    spin.setRange(lowest, highest)
    spin.setValue(value)
    spin.setSuffix(" days")
    spin.setAccelerated(True)
    spin.setMinimumWidth(110)
    return spin


def inline(*widgets: QWidget | str) -> QWidget:
    """Widgets side by side, left-aligned; a string becomes a quiet label."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(8)
    for widget in widgets:
        if isinstance(widget, str):
            label = QLabel(widget)
            mute(label)
            layout.addWidget(label)
        else:
            layout.addWidget(widget)
    layout.addStretch(1)
    return row


def hint(text: str = "") -> QLabel:
    """A quiet, wrapping line under a field that explains it."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    # Expanding: a wrapping label in a form otherwise keeps a narrow guess of a width.
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    mute(label)
    return label
