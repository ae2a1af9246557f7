"""Grant a credit note: number, date, amount, reason, and optionally the invoice it credits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.customer_account import InvoiceRow
from models.ledger import LedgerError, parse_amount, parse_date, payable
from models.money import format_money
from ui.common.ledger_dialog import LedgerDialog, amount_text
from ui.common.style import mute


@dataclass(frozen=True)
class CreditNoteEntry:
    """A credit note as the user entered it, for ``models.ledger.add_credit_note``."""

    number: str
    issue_date: dt.date
    amount_minor: int
    reason: str
    invoice_id: int | None  # None: kept as credit on the account


class CreditNoteDialog(LedgerDialog):
    """A credit note for one customer, kept as credit or set against one invoice."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[CreditNoteEntry | None], None], *,
            customer_name: str, currency: str, invoices: Sequence[InvoiceRow],
            today: dt.date, invoice_id: int | None = None,
            entry: CreditNoteEntry | None = None,
            error: LedgerError | None = None) -> CreditNoteDialog:
        """Open the dialog; ``done`` later receives the credit note, or None if cancelled.

        ``invoice_id`` preselects the invoice credited; ``entry`` and ``error``
        re-open the dialog as the user left it, with the objection at its field.
        """
        dialog = cls(parent, customer_name=customer_name, currency=currency,
                     invoices=invoices, today=today, invoice_id=invoice_id, entry=entry)
        dialog.open_for(done, lambda: dialog.accepted_entry, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, customer_name: str, currency: str,
                 invoices: Sequence[InvoiceRow], today: dt.date,
                 invoice_id: int | None = None, entry: CreditNoteEntry | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add Credit Note")
        self.setMinimumWidth(520)
        self.accepted_entry: CreditNoteEntry | None = None
        self._currency = currency
        self._today = today

        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText("e.g. CN-0042")
        self.number_edit.setMaxLength(64)
        self.number_edit.setMaximumWidth(220)
        self.number_edit.textEdited.connect(lambda _text: self._errors.clear("number"))

        self.date_edit = self._date_edit(today, lambda _text: self._errors.clear("date"))

        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("0.00")
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_edit.setMaximumWidth(160)
        self.amount_edit.textEdited.connect(lambda _text: self._errors.clear("amount"))
        amount_row = QWidget()
        amount_layout = QHBoxLayout(amount_row)
        amount_layout.setContentsMargins(0, 0, 0, 0)
        amount_layout.addWidget(self.amount_edit)
        amount_layout.addWidget(QLabel(currency))
        amount_layout.addStretch(1)

        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("e.g. two items arrived damaged")
        self.reason_edit.setMaxLength(500)

        self.invoice_combo = QComboBox()
        self.invoice_combo.addItem("None: keep it as credit on the account", None)
        for row in sorted(payable(invoices, currency), key=lambda r: r.due_date):
            self.invoice_combo.addItem(
                f"{row.number}, {format_money(row.open_minor, row.currency)} open", row.id)
        self.invoice_combo.currentIndexChanged.connect(
            lambda _index: self._errors.clear("invoice"))
        if invoice_id is not None:
            self.invoice_combo.setCurrentIndex(max(self.invoice_combo.findData(invoice_id), 0))
        invoice_hint = QLabel("Whatever is above its open amount stays as credit.")
        mute(invoice_hint)
        invoice_box = QWidget()
        invoice_layout = QVBoxLayout(invoice_box)
        invoice_layout.setContentsMargins(0, 0, 0, 0)
        invoice_layout.setSpacing(3)
        invoice_layout.addWidget(self.invoice_combo)
        invoice_layout.addWidget(invoice_hint)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(10)
        form.addRow("&Number:", self._errors.wrap("number", self.number_edit))
        form.addRow("&Date:", self._errors.wrap("date", self.date_edit,
                                                aliases=("issue_date",)))
        form.addRow("&Amount:", self._errors.wrap("amount", amount_row, focus=self.amount_edit,
                                                  aliases=("amount_minor",)))
        form.addRow("&Reason:", self._errors.wrap("reason", self.reason_edit))
        form.addRow("&Credits invoice:", self._errors.wrap("invoice", invoice_box,
                                                           focus=self.invoice_combo))

        self.add_button = self._buttons("Add Credit Note")

        self._lay_out("Add Credit Note",
                      f"Credit granted to {customer_name}: it lowers what they owe.", form)

        self._fill(entry)
        self.number_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take_input(self) -> None:
        self.accepted_entry = self._entry()

    def _entry(self) -> CreditNoteEntry:
        number = self.number_edit.text().strip()
        if not number:
            raise LedgerError("number", "Enter the credit note's number.")
        issue_date = parse_date(self.date_edit.text(), "date")
        if issue_date > self._today:
            raise LedgerError("date", "The credit note's date is in the future.")
        amount = parse_amount(self.amount_edit.text(), self._currency, "amount")
        if amount <= 0:
            raise LedgerError("amount", "Enter an amount above zero.")
        invoice_id = self.invoice_combo.currentData()
        return CreditNoteEntry(number=number, issue_date=issue_date, amount_minor=amount,
                               reason=self.reason_edit.text().strip(),
                               invoice_id=int(invoice_id) if invoice_id is not None else None)

    def _fill(self, entry: CreditNoteEntry | None) -> None:
        if entry is None:
            return
        self.number_edit.setText(entry.number)
        self.date_edit.setText(entry.issue_date.isoformat())
        self.amount_edit.setText(amount_text(entry.amount_minor, self._currency))
        self.reason_edit.setText(entry.reason)
        if entry.invoice_id is not None:
            self.invoice_combo.setCurrentIndex(
                max(self.invoice_combo.findData(entry.invoice_id), 0))
