"""Write off an invoice, or what is left of it: the reason, the day and the amount
(all that is open unless typed), with the VAT share and the first day UK bad-debt
relief can be claimed, worked out by :mod:`models.write_offs`, shown before OK.

Shared: the Collections area opens it after a customer is chosen; the customer's account
opens it on the invoice chosen. What the store would refuse is said under its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from models.dates import short_date
from models.dispute_choices import DisputableInvoice
from models.errors import LedgerError
from models.kinds import WriteOffReason
from models.ledger import parse_amount
from models.money import format_money
from models.write_offs import relief_from, vat_share
from ui.common.ledger_dialog import LedgerDialog, amount_text


@dataclass(frozen=True)
class WriteOffSetup:
    """What the dialog opens on: the customer, their invoices with something open, the
    invoice chosen (None: the first), the business's VAT rate for write-offs, today."""

    customer_name: str
    invoices: tuple[DisputableInvoice, ...]
    today: dt.date
    vat_percent: Decimal | None
    chosen: int | None = None


@dataclass(frozen=True)
class WriteOffEntry:
    """A write-off as typed, for ``models.write_offs.write_off`` (amount None: all that
    is open)."""

    invoice_id: int
    invoice_number: str
    currency: str
    reason: WriteOffReason
    on: dt.date
    amount_minor: int | None
    notes: str


class WriteOffDialog(LedgerDialog):
    """The invoice, why, when and how much; the VAT share and relief date as typed."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[WriteOffEntry | None], None], *,
            setup: WriteOffSetup, error: LedgerError | None = None) -> WriteOffDialog:
        """Open the dialog; ``done`` later receives the write-off entered, or None."""
        dialog = cls(parent, setup=setup)
        dialog.open_for(done, lambda: dialog.entry, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, setup: WriteOffSetup) -> None:
        super().__init__(parent)
        self.setObjectName("writeOffDialog")
        self.setWindowTitle("Write Off")
        self.setMinimumWidth(480)
        self.setup = setup
        self.entry: WriteOffEntry | None = None
        self.invoice_combo = QComboBox()
        self.invoice_combo.setObjectName("writeOffInvoice")
        self.invoice_combo.setAccessibleName("Invoice")
        for row in setup.invoices:
            self.invoice_combo.addItem(
                f"{row.number}, due {short_date(row.due_date)}: "
                f"{format_money(row.open_minor, row.currency)} open", row.id)
        if setup.chosen is not None:
            self.invoice_combo.setCurrentIndex(max(self.invoice_combo.findData(setup.chosen),
                                                   0))
        self.invoice_combo.currentIndexChanged.connect(self._on_invoice_combo_changed)
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("writeOffReason")
        for reason in WriteOffReason:
            self.reason_combo.addItem(reason.word, reason)
        self.date_edit = self._date_edit(setup.today, lambda _t: self._errors.clear("on"))
        self.date_edit.setObjectName("writeOffDate")
        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("writeOffAmount")
        self.amount_edit.textEdited.connect(self._on_amount_edit_edited)
        self.relief_label = QLabel()
        self.relief_label.setObjectName("writeOffRelief")
        self.relief_label.setTextFormat(Qt.TextFormat.PlainText)
        self.relief_label.setWordWrap(True)
        self.notes_edit = QLineEdit()
        self.notes_edit.setObjectName("writeOffNotes")
        self.notes_edit.setMaxLength(1000)
        errors = self._errors
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("&Invoice:", errors.wrap("invoice", self.invoice_combo, stretch=True))
        form.addRow("&Reason:", errors.wrap("reason", self.reason_combo, stretch=True))
        form.addRow("Written off &on:", errors.wrap("on", self.date_edit, stretch=True))
        form.addRow("&Amount:", errors.wrap("amount", self.amount_edit))
        form.addRow("", self.relief_label)
        form.addRow("&Notes:", errors.wrap("notes", self.notes_edit))
        self.ok_button = self._buttons("&Write Off")
        self._lay_out("Write Off", f"{setup.customer_name}. The amount is taken off the "
                                   f"account by a write-off note; the invoice is kept as it "
                                   f"is. A customer who pays later can still pay it.", form)
        self._on_invoice_combo_changed(self.invoice_combo.currentIndex())

    # --- public -------------------------------------------------------------------------

    def invoice(self) -> DisputableInvoice | None:
        """The invoice chosen."""
        invoice_id = self.invoice_combo.currentData()
        return next((row for row in self.setup.invoices if row.id == invoice_id), None)

    def relief_text(self) -> str:
        """The VAT share and relief line as shown."""
        return self.relief_label.text()

    def choose_reason(self, reason: WriteOffReason) -> None:
        """Choose the reason."""
        self.reason_combo.setCurrentIndex(self.reason_combo.findData(reason))

    # --- slots ----------------------------------------------------------------------------

    def _on_invoice_combo_changed(self, _index: int) -> None:
        self._errors.clear("invoice")
        row = self.invoice()
        self.amount_edit.setText(amount_text(row.open_minor, row.currency) if row else "")
        self.ok_button.setEnabled(row is not None)
        self._on_amount_edit_edited(self.amount_edit.text())

    def _on_amount_edit_edited(self, text: str) -> None:
        self._errors.clear("amount")
        row = self.invoice()
        if row is None:
            self.relief_label.setText("Nothing of this customer's is open: there is nothing "
                                      "to write off.")
            return
        relief = ("VAT bad-debt relief claimable from "
                  f"{short_date(relief_from(row.issue_date, row.due_date))}.")
        try:
            amount = parse_amount(text, row.currency)
        except LedgerError:
            self.relief_label.setText(relief)
            return
        rate = self.setup.vat_percent
        share = (f"VAT share {format_money(vat_share(amount, rate), row.currency)} at "
                 f"{rate}%. " if rate is not None else "No VAT rate set: no VAT share. ")
        self.relief_label.setText(share + relief)

    def _take_input(self) -> None:
        row = self.invoice()
        if row is None:
            raise LedgerError("invoice", "Choose the invoice to write off.")
        if row.refused:
            raise LedgerError("invoice", row.refused)
        day = self.date_edit.date()
        if day is None:
            raise LedgerError("on", f"“{self.date_edit.text().strip()}” is not a day: write "
                                    f"it as YYYY-MM-DD or 2 Jan 2027.")
        amount = parse_amount(self.amount_edit.text(), row.currency)
        self.entry = WriteOffEntry(row.id, row.number, row.currency,
                                   self.reason_combo.currentData(), day,
                                   None if amount == row.open_minor else amount,
                                   self.notes_edit.text().strip())

    def _declined(self) -> None:
        self.entry = None

