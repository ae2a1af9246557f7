"""Add a central bank's reference rate from a day, or correct one, with its source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from models.errors import LedgerError
from models.ledger import parse_date
from models.policies import (
    ReferenceRateDraft,
    check_reference_rate,
    parse_percent,
    percent_text,
)
from models.reference_rates import SERIES_NAMES, series_name
from ui.common.ledger_dialog import LedgerDialog
from ui.common.settings_form import hint, inline, settings_form
from ui.common.style import mute


class ReferenceRateDialog(LedgerDialog):
    """One row of the reference-rate table; a correction keeps its series and day."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[ReferenceRateDraft | None], None], *,
            today: dt.date, series: Sequence[str] = (), current: str = "",
            draft: ReferenceRateDraft | None = None, editing: bool = False,
            error: LedgerError | None = None) -> ReferenceRateDialog:
        """Open the dialog; ``done`` later receives the rate, or None if cancelled.

        ``series`` are the series offered besides the shipped ones, ``current``
        the one chosen first; ``editing`` corrects the rate and source of ``draft``.
        """
        dialog = cls(parent, today=today, series=series, current=current, draft=draft,
                     editing=editing)
        dialog.open_for(done, lambda: dialog.accepted_draft, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, today: dt.date,
                 series: Sequence[str] = (), current: str = "",
                 draft: ReferenceRateDraft | None = None, editing: bool = False) -> None:
        super().__init__(parent)
        title = "Correct reference rate" if editing else "Add reference rate"
        self.setWindowTitle(title)
        self.setMinimumWidth(600)
        self.accepted_draft: ReferenceRateDraft | None = None

        self.series_combo = QComboBox()
        self.series_combo.setEditable(True)
        self.series_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code in dict.fromkeys([*SERIES_NAMES, *series]):
            self.series_combo.addItem(code)
        self.series_combo.setValidator(QRegularExpressionValidator(
            QRegularExpression("[A-Za-z0-9_]{0,16}"), self))
        self.series_combo.setMinimumContentsLength(12)
        if current:
            self.series_combo.setCurrentText(current)
        self.series_combo.currentTextChanged.connect(self._on_series_combo_text_changed)
        self.series_label = QLabel()
        mute(self.series_label)
        self.date_edit = self._date_edit(today, lambda _text: self._errors.clear(
            "effective_from"))
        self.rate_edit = QLineEdit()
        self.rate_edit.setPlaceholderText("e.g. 4.25")
        self.rate_edit.setAccessibleName("Rate in percent")
        self.rate_edit.setMaximumWidth(90)
        self.rate_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.rate_edit.textEdited.connect(lambda _text: self._errors.clear("rate_percent"))
        self.source_edit = QPlainTextEdit()
        self.source_edit.setPlaceholderText("e.g. Bank of England, Bank Rate history; MPC "
                                            "decision announced 5 Feb 2026")
        self.source_edit.setTabChangesFocus(True)
        self.source_edit.setFixedHeight(self.source_edit.fontMetrics().lineSpacing() * 3 + 14)
        self.source_edit.textChanged.connect(lambda: self._errors.clear("source"))

        form = settings_form()
        form.addRow("&Series:", self._errors.wrap(
            "series", inline(self.series_combo, self.series_label), focus=self.series_combo))
        form.addRow("In force &from:", self._errors.wrap("effective_from", self.date_edit))
        form.addRow("&Rate:", self._errors.wrap(
            "rate_percent", inline(self.rate_edit, "% a year"), focus=self.rate_edit))
        form.addRow("S&ource:", self._errors.wrap("source", self.source_edit))
        form.addRow("", hint("Statutory interest reads the rate in force on its reference "
                             "day, so add each new rate from the day it takes effect."))

        self.save_button = self._buttons("Save Correction" if editing else "Add Rate")
        self._lay_out(title, "A central bank's rate, in force from a day until the next row "
                             "of the same series.", form)
        if draft is not None:
            self.series_combo.setCurrentText(draft.series)
            self.date_edit.setText(draft.effective_from.isoformat())
            self.rate_edit.setText(percent_text(draft.rate_percent))
            self.source_edit.setPlainText(draft.source)
        self.series_combo.setEnabled(not editing)
        self.date_edit.setEnabled(not editing)
        self._on_series_combo_text_changed(self.series_combo.currentText())
        (self.rate_edit if editing else self.series_combo).setFocus(
            Qt.FocusReason.OtherFocusReason)

    def _take_input(self) -> None:
        effective_from = parse_date(self.date_edit.text(), "effective_from")
        rate = parse_percent(self.rate_edit.text(), "rate_percent")
        if rate is None:
            raise LedgerError("rate_percent", "Enter the rate in percent, e.g. 4.25.")
        self.accepted_draft = check_reference_rate(ReferenceRateDraft(
            self.series_combo.currentText(), effective_from, rate,
            self.source_edit.toPlainText()))

    def _on_series_combo_text_changed(self, text: str) -> None:
        self._errors.clear("series")
        code = text.strip().upper()
        self.series_label.setText(series_name(code) if code in SERIES_NAMES else "")
