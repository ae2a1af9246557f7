"""Record a payment: amount, date, method, reference, and which invoices it pays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.customer_account import InvoiceRow
from models.incentives import DiscountWindow, discounts_within
from models.ledger import (
    PAYMENT_METHODS,
    LedgerError,
    method_word,
    oldest_first,
    parse_amount,
    parse_date,
    payable,
    payment_question,
)
from models.money import format_money
from ui.common.ledger_dialog import LedgerDialog, amount_text
from ui.common.style import ERROR, mute
from ui.customers.invoices_model import AllocationModel


@dataclass(frozen=True)
class PaymentEntry:
    """A payment as the user entered it, ready for ``models.ledger.record_payment``."""

    received_on: dt.date
    amount_minor: int
    method: str
    reference: str
    allocate_to: tuple[tuple[int, int], ...] | None  # None: oldest due first


class PaymentDialog(LedgerDialog):
    """Money received from one customer, allocated oldest first or to chosen invoices."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[PaymentEntry | None], None], *,
            customer_name: str, currency: str, invoices: Sequence[InvoiceRow],
            today: dt.date, entry: PaymentEntry | None = None,
            error: LedgerError | None = None,
            discounts: Mapping[int, DiscountWindow] | None = None) -> PaymentDialog:
        """Open the dialog; ``done`` later receives the payment, or None if cancelled.

        ``entry`` and ``error`` re-open it as the user left it, with the
        ledger's objection shown at its field.
        """
        dialog = cls(parent, customer_name=customer_name, currency=currency,
                     invoices=invoices, today=today, entry=entry, discounts=discounts)
        dialog.open_for(done, lambda: dialog.accepted_entry, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, customer_name: str, currency: str,
                 invoices: Sequence[InvoiceRow], today: dt.date,
                 entry: PaymentEntry | None = None,
                 discounts: Mapping[int, DiscountWindow] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record Payment")
        self.setMinimumWidth(600)
        self.accepted_entry: PaymentEntry | None = None
        self._currency = currency
        self._today = today
        self._invoices = payable(invoices, currency)
        self._windows = dict(discounts or {})

        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("0.00")
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_edit.setMaximumWidth(160)
        self.amount_edit.textEdited.connect(self._on_amount_edit_text_edited)
        amount_row = QWidget()
        amount_layout = QHBoxLayout(amount_row)
        amount_layout.setContentsMargins(0, 0, 0, 0)
        amount_layout.addWidget(self.amount_edit)
        amount_layout.addWidget(QLabel(currency))
        amount_layout.addStretch(1)

        self.date_edit = self._date_edit(today, self._on_date_edited)

        self.method_combo = QComboBox()
        for method in PAYMENT_METHODS:
            self.method_combo.addItem(method_word(method), method)

        self.reference_edit = QLineEdit()
        self.reference_edit.setPlaceholderText("e.g. the bank statement's reference")
        self.reference_edit.setMaxLength(200)

        self.oldest_radio = QRadioButton("&Oldest due first")
        self.choose_radio = QRadioButton("To invoices I &choose")
        self.oldest_radio.setChecked(True)
        self._mode = QButtonGroup(self)
        self._mode.addButton(self.oldest_radio)
        self._mode.addButton(self.choose_radio)
        self.choose_radio.toggled.connect(self._on_choose_radio_toggled)
        mode_row = QWidget()
        mode_layout = QHBoxLayout(mode_row)
        mode_layout.setContentsMargins(0, 0, 0, 0)
        mode_layout.addWidget(self.oldest_radio)
        mode_layout.addSpacing(12)
        mode_layout.addWidget(self.choose_radio)
        mode_layout.addStretch(1)

        self.allocations = AllocationModel(self._invoices, currency, self._fill_for, self)
        self.allocations.chosen_changed.connect(self._on_allocations_chosen_changed)
        self.table = QTableView()
        self.table.setModel(self.allocations)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AllocationModel.PAY, QHeaderView.ResizeMode.Stretch)
        # Tall enough for the open invoices (3 to 7 rows), scrolling beyond.
        rows = min(max(len(self._invoices), 3), 7)
        self.table.setFixedHeight(
            self.table.horizontalHeader().sizeHint().height()
            + rows * self.table.verticalHeader().defaultSectionSize()
            + 2 * self.table.frameWidth() + 2)
        self.no_invoices = QLabel("Nothing is open on this account: the whole payment "
                                  "will be kept as credit.")
        self.no_invoices.setWordWrap(True)
        mute(self.no_invoices)
        self.no_invoices.setVisible(not self._invoices)
        self.table.setVisible(bool(self._invoices))
        allocation_box = QWidget()
        allocation_layout = QVBoxLayout(allocation_box)
        allocation_layout.setContentsMargins(0, 0, 0, 0)
        allocation_layout.setSpacing(6)
        allocation_layout.addWidget(mode_row)
        allocation_layout.addWidget(self.table)
        allocation_layout.addWidget(self.no_invoices)

        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setObjectName("allocationSummary")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(10)
        form.addRow("&Amount:", self._errors.wrap("amount", amount_row, focus=self.amount_edit,
                                                  aliases=("amount_minor",)))
        form.addRow("&Received on:", self._errors.wrap("date", self.date_edit,
                                                       aliases=("received_on",)))
        form.addRow("&Method:", self._errors.wrap("method", self.method_combo, stretch=True))
        form.addRow("R&eference:", self._errors.wrap("reference", self.reference_edit))
        form.addRow("Allocate:", self._errors.wrap(
            "allocations", allocation_box, focus=self.table,
            aliases=("allocate_to", "allocation", "invoice")))
        form.addRow("", self.summary)

        self.record_button = self._buttons("Record Payment")

        self._lay_out("Record Payment", f"Money received from {customer_name}.", form)

        self._fill(entry)
        self._update_summary()
        self.amount_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- what the dialog shows -------------------------------------------

    def set_choosing(self, choosing: bool) -> None:
        """Allocate to the invoices the user ticks (True) or oldest due first (False)."""
        (self.choose_radio if choosing else self.oldest_radio).setChecked(True)

    def choose(self, invoice_number: str, amount: str | None) -> None:
        """Tick the invoice ``invoice_number`` with ``amount`` typed (None: untick it)."""
        self.set_choosing(True)
        for row in self._invoices:
            if row.number == invoice_number:
                self.allocations.set_chosen(row.id, amount)
                return
        raise KeyError(invoice_number)

    def summary_text(self) -> str:
        """The line saying what is allocated and what is left as credit."""
        return self.summary.text()

    def _take_input(self) -> None:
        self.accepted_entry = self._entry()

    def _declined(self) -> None:
        self.accepted_entry = None
        self.amount_edit.setFocus()
        self.amount_edit.selectAll()

    def _question(self) -> str | None:
        if self.accepted_entry is None:
            return None
        return payment_question(self.accepted_entry.amount_minor,
                                sum(row.open_minor for row in self._invoices), self._currency)

    # --- slots -------------------------------------------------------------

    def _on_amount_edit_text_edited(self, _text: str) -> None:
        self._errors.clear("amount")
        self._update_summary()

    def _on_choose_radio_toggled(self, checked: bool) -> None:
        self._errors.clear("allocations")
        self.allocations.set_choosing(checked)
        if checked and self._invoices:
            self.table.setCurrentIndex(self.allocations.index(0, AllocationModel.INVOICE))
        self._update_summary()

    def _on_allocations_chosen_changed(self) -> None:
        self._errors.clear("allocations")
        self._update_summary()

    # --- helpers -----------------------------------------------------------

    def _entry(self) -> PaymentEntry:
        """The payment in the fields; LedgerError naming the field that is wrong."""
        amount = parse_amount(self.amount_edit.text(), self._currency, "amount")
        if amount <= 0:
            raise LedgerError("amount", "Enter an amount above zero.")
        received_on = parse_date(self.date_edit.text(), "date")
        if received_on > self._today:
            raise LedgerError("date", "The payment date is in the future.")
        allocate_to: tuple[tuple[int, int], ...] | None = None
        if self.allocations.choosing:
            allocate_to = self._chosen_parts(amount)
        return PaymentEntry(received_on=received_on, amount_minor=amount,
                            method=str(self.method_combo.currentData()),
                            reference=self.reference_edit.text().strip(),
                            allocate_to=allocate_to)

    def _chosen_parts(self, amount: int) -> tuple[tuple[int, int], ...]:
        parts, total = [], 0
        for row, text in self.allocations.chosen():
            try:
                part = parse_amount(text, self._currency, "allocations")
            except LedgerError as error:
                self._select(row)
                raise LedgerError("allocations",
                                  f"Invoice {row.number}: {error.message}") from error
            if part <= 0:
                self._select(row)
                raise LedgerError("allocations", f"Allocate an amount above zero to invoice "
                                                 f"{row.number}, or untick it.")
            if part > row.open_minor:
                self._select(row)
                raise LedgerError("allocations", f"Invoice {row.number} has only "
                                                 f"{format_money(row.open_minor, row.currency)}"
                                                 f" open.")
            parts.append((row.id, part))
            total += part
        if total > amount:
            raise LedgerError("allocations", f"The allocations add up to "
                                             f"{format_money(total, self._currency)}, more "
                                             f"than the payment of "
                                             f"{format_money(amount, self._currency)}.")
        return tuple(parts)

    def _select(self, row: InvoiceRow) -> None:
        position = self.allocations.position_of(row.id)
        if position >= 0:
            self.table.setCurrentIndex(self.allocations.index(position, AllocationModel.PAY))

    def _typed_amount(self) -> int | None:
        try:
            amount = parse_amount(self.amount_edit.text(), self._currency)
        except LedgerError:
            return None
        return amount if amount > 0 else None

    def _fill_for(self, row: InvoiceRow) -> str:
        """What ticking ``row`` puts in: what it has open, up to what is left of the payment."""
        amount = self._typed_amount()
        if amount is None:
            return amount_text(row.open_minor, self._currency)
        left = amount - self._chosen_total(excluding=row.id)
        return amount_text(min(row.open_minor, left) if left > 0 else row.open_minor,
                           self._currency)

    def _chosen_total(self, excluding: int | None = None) -> int:
        total = 0
        for row, text in self.allocations.chosen():
            if row.id == excluding:
                continue
            try:
                total += max(parse_amount(text, self._currency), 0)
            except LedgerError:
                continue
        return total

    def _on_date_edited(self, _text: str) -> None:
        self._errors.clear("date")
        self._update_summary()  # the day received decides the early-payment discounts

    def _discounts(self) -> dict[int, int]:
        """The early-payment discount each invoice gives the payment, on the day typed."""
        try:
            received_on = parse_date(self.date_edit.text(), "date")
        except LedgerError:
            return {}
        return discounts_within(self._windows, received_on)

    def _update_summary(self) -> None:
        amount = self._typed_amount()
        discounts = self._discounts()
        paid = oldest_first(self._invoices, amount or 0, discounts,
                            {row.id: row.disputed_minor for row in self._invoices})
        preview = {row.id: part for row, part in paid}
        # What the ledger then credits: the discount of each invoice paid all but it.
        credited = sum(discounts[row.id] for row, part in paid
                       if row.id in discounts and part == row.open_minor - discounts[row.id])
        self.allocations.set_preview(preview)
        allocated = self._chosen_total() if self.allocations.choosing else sum(preview.values())
        def money(minor: int) -> str:
            return format_money(minor, self._currency)

        if amount is None:
            self.summary.setText(f"Allocated: {money(allocated)}")
            self.summary.setStyleSheet("")
            mute(self.summary)
            return
        self.summary.setPalette(self.palette())
        left = amount - allocated
        if left < 0:
            self.summary.setText(f"Allocated: {money(allocated)}, {money(-left)} more than "
                                 f"the payment")
            self.summary.setStyleSheet(f"color: {ERROR};")
        else:
            discount = ("" if self.allocations.choosing or not credited else
                        f"    ·    Early-payment discount: {money(credited)}")
            self.summary.setText(f"Allocated: {money(allocated)}    ·    "
                                 f"Left as credit: {money(left)}{discount}")
            self.summary.setStyleSheet("")

    def _fill(self, entry: PaymentEntry | None) -> None:
        if entry is None:
            return
        self.amount_edit.setText(amount_text(entry.amount_minor, self._currency))
        self.date_edit.setText(entry.received_on.isoformat())
        index = self.method_combo.findData(entry.method)
        self.method_combo.setCurrentIndex(max(index, 0))
        self.reference_edit.setText(entry.reference)
        if entry.allocate_to is not None:
            self.set_choosing(True)
            for invoice_id, part in entry.allocate_to:
                self.allocations.set_chosen(invoice_id, amount_text(part, self._currency))
