"""The base of the dialogs that post to the ledger: objections shown at their field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.ledger import LedgerError
from models.money import from_minor
from ui.common.date_field import DateField
from ui.common.field_errors import FieldErrors
from ui.common.style import mute, scale_font


def amount_text(minor: int, currency: str) -> str:
    """An amount as the user would type it: ``1234.50``."""
    return str(from_minor(minor, currency))


class LedgerDialog(QDialog):
    """A form the ledger checks: OK keeps the input only when every field will do.

    Subclasses build their form with ``self._errors.wrap`` and implement
    :meth:`_take_input`, which reads the form, keeps the result, and raises
    :class:`LedgerError` naming the field that needs correcting.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._errors = FieldErrors(self)
        self.confirm_box: QMessageBox | None = None  # open while a question is asked

    def event(self, event: QEvent) -> bool:
        """As QDialog; on showing and on each new layout, grow to show every line."""
        handled = super().event(event)
        if event.type() in (QEvent.Type.Show, QEvent.Type.LayoutRequest):
            self._fit_height()
        return handled

    def _fit_height(self) -> None:
        # A word-wrapped label's height depends on its width, which a layout's minimum
        # size does not ask: a check's lines or an error set after the dialog was sized
        # were drawn over the rows below them. Grow (within the screen), never shrink.
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        needed = layout.totalHeightForWidth(self.width())
        screen = self.screen()
        if screen is not None:
            needed = min(needed, screen.availableGeometry().height())
        if needed > self.height():
            self.resize(self.width(), needed)

    def open_for(self, done: Callable[[Any], None], result: Callable[[], Any],
                 error: LedgerError | None = None) -> None:
        """Open window-modal; when closed, ``done(result())``: the input, or None.

        ``error`` re-opens the dialog with the ledger's objection at its field.
        """
        if error is not None:
            self.show_error(error)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.finished.connect(lambda _code: done(result()))
        self.open()

    def offer_reload(self, reload: Callable[[], None]) -> None:
        """Offer a Reload button (after a save refused because someone else saved the
        record meanwhile): it closes the dialog, keeping nothing, and calls ``reload``
        to open it again on the record as it is now. Until then what was typed stays."""
        button = self.buttons.addButton("&Reload", QDialogButtonBox.ButtonRole.ResetRole)
        button.setObjectName("reloadButton")
        button.setToolTip("Read the record again as it is now (what you typed is replaced)")

        def reloaded() -> None:
            self.reject()
            reload()

        button.clicked.connect(reloaded)

    def show_error(self, error: LedgerError) -> None:
        """Show ``error`` under the field it is about and put the cursor there."""
        self._errors.show_refusal(error)

    def error_text(self, field: str) -> str:
        """The error shown at ``field`` ("" if none is shown)."""
        return self._errors.text(field)

    def accept(self) -> None:
        """Close with what was entered, unless a field needs correcting first."""
        self._errors.clear_all()
        # A day typed the user's way ("2 Dec 2026") is read as YYYY-MM-DD from here on.
        for field in self.findChildren(DateField):
            field.normalise()
        try:
            self._take_input()
        except LedgerError as error:
            self.show_error(error)
            return
        question = self._question()
        if question is None:
            super().accept()
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(), question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)  # Enter must not say yes
        box.finished.connect(self._on_confirm_box_finished)
        self.confirm_box = box
        box.open()

    def _question(self) -> str | None:
        """A question to answer Yes to before the input is kept (None: keep it)."""
        return None

    def _on_confirm_box_finished(self, answer: int) -> None:
        self.confirm_box = None
        if answer == QMessageBox.StandardButton.Yes:
            QDialog.accept(self)
        else:
            self._declined()

    def _declined(self) -> None:
        """The question was answered No: forget the input kept, so Cancel keeps nothing."""

    def _take_input(self) -> None:
        """Read and check the form and keep the result.

        Raises LedgerError: FieldProblems naming every field that will not do (see
        ``models.errors.Problems``), or one.
        """
        raise NotImplementedError

    def _date_edit(self, day: dt.date, on_edited: Callable[[str], None]) -> DateField:
        """A date field showing ``day``: typed as the user writes dates, or picked."""
        edit = DateField(day)
        edit.setMaximumWidth(180)
        edit.textEdited.connect(on_edited)
        return edit

    def _buttons(self, ok_text: str) -> QPushButton:
        """OK and Cancel for the foot of the dialog; OK says ``ok_text``."""
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setToolTip(f"{ok_text.replace('&', '')} (Ctrl+Return)")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # Ctrl+Return is OK even from a field where Return starts a new line.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)
        return ok

    def _lay_out(self, title: str, intro: str, form: QLayout) -> None:
        """A heading, a line saying what the dialog is for, the form, its errors, OK/Cancel.

        Call after :meth:`_buttons`.
        """
        heading = QLabel(title)
        scale_font(heading, 1.4, bold=True)
        words = QLabel(intro)
        words.setTextFormat(Qt.TextFormat.PlainText)  # names come from the user
        words.setWordWrap(True)
        mute(words)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(heading)
        layout.addSpacing(2)
        layout.addWidget(words)
        layout.addSpacing(14)
        layout.addLayout(form)
        layout.addWidget(self._errors.general)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)
