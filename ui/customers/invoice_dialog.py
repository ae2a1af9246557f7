"""Add or correct an invoice: number, issue and due dates, amount, external reference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.errors import Problems
from models.ledger import InvoiceDraft, LedgerError, invoice_problems, parse_amount, parse_date
from ui.common.ledger_dialog import LedgerDialog, amount_text
from ui.common.style import mute

DEFAULT_NET_DAYS = 30


class InvoiceDialog(LedgerDialog):
    """One invoice of one customer; the due date follows the issue date until edited."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[InvoiceDraft | None], None], *,
            customer_name: str, currency: str, today: dt.date,
            net_days: int = DEFAULT_NET_DAYS, draft: InvoiceDraft | None = None,
            editing: bool = False, amount_locked: bool = False,
            error: LedgerError | None = None) -> InvoiceDialog:
        """Open the dialog; ``done`` later receives the invoice, or None if cancelled.

        ``editing`` corrects an existing invoice shown in ``draft``;
        ``amount_locked`` keeps its amount, once money is allocated to it.
        ``error`` is the ledger's objection, shown at its field.
        """
        dialog = cls(parent, customer_name=customer_name, currency=currency, today=today,
                     net_days=net_days, draft=draft, editing=editing,
                     amount_locked=amount_locked)
        dialog.open_for(done, lambda: dialog.accepted_draft, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, customer_name: str, currency: str,
                 today: dt.date, net_days: int = DEFAULT_NET_DAYS,
                 draft: InvoiceDraft | None = None, editing: bool = False,
                 amount_locked: bool = False) -> None:
        super().__init__(parent)
        title = "Edit Invoice" if editing else "Add Invoice"
        self.setWindowTitle(title)
        self.setMinimumWidth(500)
        self.accepted_draft: InvoiceDraft | None = None
        self._currency = currency
        self._net_days = net_days
        self._due_edited = editing

        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText("e.g. INV-0001234")
        self.number_edit.setMaxLength(64)
        self.number_edit.setMaximumWidth(220)
        self.number_edit.textEdited.connect(lambda _text: self._errors.clear("number"))

        self.issue_edit = self._date_edit(today, self._on_issue_edit_text_edited)

        self.due_edit = self._date_edit(today + dt.timedelta(days=net_days),
                                        self._on_due_edit_text_edited)
        self.due_hint = QLabel(f"{net_days} days after issue, the customer's terms")
        mute(self.due_hint)
        self.due_hint.setVisible(not editing)
        due_row = QWidget()
        due_layout = QHBoxLayout(due_row)
        due_layout.setContentsMargins(0, 0, 0, 0)
        due_layout.addWidget(self.due_edit)
        due_layout.addWidget(self.due_hint)
        due_layout.addStretch(1)

        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("0.00")
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_edit.setMaximumWidth(160)
        self.amount_edit.textEdited.connect(lambda _text: self._errors.clear("amount"))
        self.amount_edit.setEnabled(not amount_locked)
        amount_row = QWidget()
        amount_layout = QHBoxLayout(amount_row)
        amount_layout.setContentsMargins(0, 0, 0, 0)
        amount_layout.addWidget(self.amount_edit)
        amount_layout.addWidget(QLabel(currency))
        amount_layout.addStretch(1)
        amount_box = QWidget()
        amount_column = QVBoxLayout(amount_box)
        amount_column.setContentsMargins(0, 0, 0, 0)
        amount_column.setSpacing(3)
        amount_column.addWidget(amount_row)
        if amount_locked:
            locked = QLabel("Money is allocated to this invoice, so its amount stays. To "
                            "change it, add a credit note, or void the invoice and issue "
                            "a new one.")
            locked.setWordWrap(True)
            mute(locked)
            amount_column.addWidget(locked)

        self.reference_edit = QLineEdit()
        self.reference_edit.setPlaceholderText("Optional: its id in your accounting program")
        self.reference_edit.setMaxLength(200)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(10)
        form.addRow("&Number:", self._errors.wrap("number", self.number_edit))
        form.addRow("&Issued on:", self._errors.wrap("issue_date", self.issue_edit))
        form.addRow("&Due on:", self._errors.wrap("due_date", due_row, focus=self.due_edit))
        form.addRow("&Amount:", self._errors.wrap("amount", amount_box,
                                                  focus=self.amount_edit,
                                                  aliases=("amount_minor",)))
        form.addRow("E&xternal reference:", self._errors.wrap(
            "external_ref", self.reference_edit))

        self.save_button = self._buttons("Save Changes" if editing else "Add Invoice")

        purpose = "Correct an invoice of" if editing else "An invoice issued to"
        self._lay_out(title, f"{purpose} {customer_name}.", form)

        self._fill(draft)
        self.number_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take_input(self) -> None:
        self.accepted_draft = self._draft()

    def _on_issue_edit_text_edited(self, text: str) -> None:
        self._errors.clear("issue_date")
        if self._due_edited:
            return
        try:
            issued = parse_date(text)
        except LedgerError:
            return
        self.due_edit.setText((issued + dt.timedelta(days=self._net_days)).isoformat())
        self._errors.clear("due_date")

    def _on_due_edit_text_edited(self, _text: str) -> None:
        self._due_edited = True
        self.due_hint.hide()
        self._errors.clear("due_date")

    def _draft(self) -> InvoiceDraft:
        problems = Problems()
        number = self.number_edit.text().strip()
        issued = problems.read(lambda: parse_date(self.issue_edit.text(), "issue_date"))
        due = problems.read(lambda: parse_date(self.due_edit.text(), "due_date"))
        amount = problems.read(
            lambda: parse_amount(self.amount_edit.text(), self._currency, "amount"))
        for field, message in invoice_problems(number, issued, due, amount):
            problems.refuse(field, message)
        problems.check()
        assert issued is not None and due is not None and amount is not None
        return InvoiceDraft(number=number, issue_date=issued, due_date=due,
                            amount_minor=amount, external_ref=self.reference_edit.text().strip())

    def _fill(self, draft: InvoiceDraft | None) -> None:
        if draft is None:
            return
        self._due_edited = True
        self.due_hint.hide()
        self.number_edit.setText(draft.number)
        self.issue_edit.setText(draft.issue_date.isoformat())
        self.due_edit.setText(draft.due_date.isoformat())
        self.amount_edit.setText(amount_text(draft.amount_minor, self._currency))
        self.reference_edit.setText(draft.external_ref)
