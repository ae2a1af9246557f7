"""The fields a contact's note is written in, alike wherever it is logged or corrected."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QSizePolicy

MAX_OUTCOME = 200


def summary_edit(on_changed: Callable[[], None]) -> QPlainTextEdit:
    """A six-line box for what was said; Tab moves on rather than typing a tab."""
    edit = QPlainTextEdit()
    edit.setPlaceholderText("What was said, asked or agreed")
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 6 + 14)
    edit.textChanged.connect(on_changed)
    return edit


def outcome_combo(outcomes: Sequence[str], on_changed: Callable[[str], None]) -> QComboBox:
    """The business's outcomes to choose from, or a new one typed in."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(list(outcomes))
    combo.setCurrentIndex(-1)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    edit = combo.lineEdit()
    assert edit is not None  # the combo is editable
    edit.setPlaceholderText("Choose or type what came of it")
    edit.setMaxLength(MAX_OUTCOME)
    combo.currentTextChanged.connect(on_changed)
    return combo
