"""Messages under a form's fields: the store's or the dialog's objection, where it applies."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from models.errors import FieldProblems, LedgerError
from ui.common.style import ERROR


class FieldErrors:
    """The error labels of one dialog's fields, and a general one for the rest.

    A field may go by several names (``aliases``), so an error named by
    ``models/`` (``amount_minor``) lands under the field the user sees
    (``amount``).
    """

    def __init__(self, dialog: QDialog) -> None:
        self._dialog = dialog
        self._labels: dict[str, QLabel] = {}
        self._focus: dict[str, QWidget] = {}
        self._names: dict[str, str] = {}
        self.general = error_label()

    def wrap(self, field: str, widget: QWidget, *, focus: QWidget | None = None,
             aliases: tuple[str, ...] = (), stretch: bool = False) -> QWidget:
        """``widget`` with room for ``field``'s error under it, for a form row."""
        container = QWidget()
        # The form's label is the container's buddy: its mnemonic reaches the field.
        container.setFocusProxy(focus or widget)
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        if stretch:
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(widget)
            row.addStretch(1)
            column.addLayout(row)
        else:
            column.addWidget(widget)
        label = error_label()
        label.setObjectName(f"error-{field}")
        column.addWidget(label)
        self._labels[field] = label
        self._focus[field] = focus or widget
        for name in (field, *aliases):
            self._names[name] = field
        return container

    def show_refusal(self, error: LedgerError, *, focus: bool = True) -> None:
        """Show the store's objection: under each field it names, the cursor at the first
        (unless ``focus`` is False: a live check while the user types elsewhere)."""
        if isinstance(error, FieldProblems):
            self.show_all(error.problems, focus=focus)
        else:
            self.show(error.field, error.message, focus=focus)

    def show(self, field: str, message: str, *, focus: bool = True) -> None:
        """Show ``message`` under ``field`` (or the general line) and, with ``focus``, put
        the cursor there."""
        name = self._names.get(field)
        label = self._labels[name] if name is not None else self.general
        label.setText(message)
        label.show()
        fit_height(self._dialog)
        if name is not None and focus:
            self._focus[name].setFocus(Qt.FocusReason.OtherFocusReason)

    def show_all(self, problems: Sequence[tuple[str, str]], *, focus: bool = True) -> None:
        """Show every problem under its field at once; the cursor goes to the first."""
        for field, message in reversed(problems):
            self.show(field, message, focus=focus)

    def text(self, field: str) -> str:
        """The error shown at ``field`` ("" if none); unknown fields read the general line."""
        name = self._names.get(field)
        label = self._labels[name] if name is not None else self.general
        return label.text() if not label.isHidden() else ""

    def shown(self) -> dict[str, str]:
        """Every error on show, by field ("" for the general line)."""
        found = {field: label.text() for field, label in self._labels.items()
                 if not label.isHidden()}
        if not self.general.isHidden():
            found[""] = self.general.text()
        return found

    def clear(self, field: str) -> None:
        """Hide ``field``'s error."""
        name = self._names.get(field)
        if name is not None:
            self._labels[name].clear()
            self._labels[name].hide()

    def clear_all(self) -> None:
        """Hide every error."""
        for field in self._labels:
            self.clear(field)
        self.general.clear()
        self.general.hide()


def error_label() -> QLabel:
    """A hidden, wrapping, plain-text label in the error colour."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {ERROR};")
    # The line keeps its room while empty, so the dialog does not jump as errors come and go.
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    label.setMinimumHeight(label.fontMetrics().lineSpacing())
    label.hide()
    return label


def fit_height(dialog: QWidget) -> None:
    """Grow ``dialog`` to the height its layout needs at its width.

    A dialog grows to its layout's size hint, which undercounts wrapped lines.
    """
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    needed = layout.totalHeightForWidth(dialog.width()) if layout.hasHeightForWidth() \
        else layout.totalSizeHint().height()
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)
