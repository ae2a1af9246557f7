"""Write off an invoice, or what is left of it: the reason, the day and the amount
(all that is open unless typed), with the VAT share and the first day UK bad-debt
relief can be claimed, worked out by :mod:`models.write_offs`, shown before OK.

Shared: the Collections area opens it after a customer is chosen; the customer's account
opens it on the invoice chosen; Today's review of a follow-up stage opens it on all the
stage's invoices at once, written off in full today (``models.write_offs.write_off_action``).
What the store would refuse is said under its field.
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
    invoice chosen (None: the first), the business's VAT rate for write-offs, today.

    With ``stage_name``, a follow-up stage carried out as a write-off: every invoice
    listed is written off, all that is open, today; only the reason and notes are asked.
    """

    customer_name: str
    invoices: tuple[DisputableInvoice, ...]
    today: dt.date
    vat_percent: Decimal | None
    chosen: int | None = None
    stage_name: str = ""

    @property
    def total_minor(self) -> int:
        """What is open on the invoices listed, together."""
        return sum(row.open_minor for row in self.invoices)


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
    # A stage's write-off: every invoice, in full (the fields above name the first).
    invoice_ids: tuple[int, ...] = ()


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
        self._whole = bool(setup.stage_name)  # a stage's invoices, all at once
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
        if self._whole:
            self._stage_rows(form)
        else:
            form.addRow("&Invoice:", errors.wrap("invoice", self.invoice_combo, stretch=True))
            form.addRow("&Reason:", errors.wrap("reason", self.reason_combo, stretch=True))
            form.addRow("Written off &on:", errors.wrap("on", self.date_edit, stretch=True))
            form.addRow("&Amount:", errors.wrap("amount", self.amount_edit))
        form.addRow("", self.relief_label)
        form.addRow("&Notes:", errors.wrap("notes", self.notes_edit))
        self.ok_button = self._buttons("&Write Off")
        if self._whole:
            self._lay_out("Write Off", self._stage_intro(), form)
            self._show_stage_relief()
            self.reason_combo.setFocus(Qt.FocusReason.OtherFocusReason)
            return
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

    def invoices_text(self) -> str:
        """The invoices a stage's write-off takes off, as listed ("" for one invoice)."""
        return self.invoices_label.text() if self._whole else ""

    # --- a stage's invoices at once -----------------------------------------------------

    def _stage_rows(self, form: QFormLayout) -> None:
        """The stage's invoices, and the day and amount as the store writes them off
        (all that is open, today): shown, not asked."""
        setup = self.setup
        for unasked in (self.invoice_combo, self.date_edit, self.amount_edit):
            unasked.setParent(self)
            unasked.hide()
        self.invoices_label = _plain("\n".join(
            f"{row.number}, due {short_date(row.due_date)}: "
            f"{format_money(row.open_minor, row.currency)} open" for row in setup.invoices))
        self.invoices_label.setObjectName("writeOffInvoices")
        currency = setup.invoices[0].currency if setup.invoices else ""
        self.total_label = _plain(f"{format_money(setup.total_minor, currency)}, all that "
                                  f"is open" if setup.invoices else "Nothing open")
        self.total_label.setObjectName("writeOffTotal")
        errors = self._errors
        form.addRow("Invoices:", errors.wrap("invoice", self.invoices_label, stretch=True))
        form.addRow("&Reason:", errors.wrap("reason", self.reason_combo, stretch=True))
        form.addRow("Written off on:", _plain(f"{short_date(setup.today)} (today)"))
        form.addRow("Amount:", self.total_label)
        self.setMinimumWidth(540)

    def _stage_intro(self) -> str:
        setup = self.setup
        count = len(setup.invoices)
        what = "The invoice below is" if count == 1 else f"The {count} invoices below are"
        return (f"{setup.customer_name}: “{setup.stage_name}” carried out as a write-off. "
                f"{what} taken off the account in full today by write-off notes, and the "
                f"stage is passed over. The invoices are kept as they are; a customer who "
                f"pays later can still pay them.")

    def _show_stage_relief(self) -> None:
        rows = self.setup.invoices
        self.ok_button.setEnabled(bool(rows))
        if not rows:
            self.relief_label.setText("Nothing is open on this stage's invoices: there is "
                                      "nothing to write off.")
            return
        rate, currency = self.setup.vat_percent, rows[0].currency
        vat = sum(vat_share(row.open_minor, rate) for row in rows)  # each note's own
        share = (f"VAT share {format_money(vat, currency)} at {rate}%. "
                 if rate is not None else "No VAT rate set: no VAT share. ")
        days = sorted({relief_from(row.issue_date, row.due_date) for row in rows})
        relief = f"VAT bad-debt relief claimable from {short_date(days[0])}"
        if len(days) > 1:
            relief += f" (on all of them from {short_date(days[-1])})"
        self.relief_label.setText(f"{share}{relief}.")

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
        if self._whole:
            self._take_stage()
            return
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

    def _take_stage(self) -> None:
        rows = self.setup.invoices
        if not rows:
            raise LedgerError("invoice", "Nothing is open on this stage's invoices.")
        first = rows[0]
        self.entry = WriteOffEntry(first.id, ", ".join(row.number for row in rows),
                                   first.currency, self.reason_combo.currentData(),
                                   self.setup.today, None, self.notes_edit.text().strip(),
                                   tuple(row.id for row in rows))

    def _declined(self) -> None:
        self.entry = None



def _plain(text: str) -> QLabel:
    """A label showing ``text`` as typed (invoice numbers and names come from the user)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
