"""Open a dispute case: the customer's invoices disputed (all or part of each), what kind
of dispute, what the customer said, and the day it was raised.

Shared: the Collections area opens it with the customer to choose (the page reads the
chosen customer's invoices and hands them in through :meth:`DisputeDialog.set_invoices`);
the customer's account opens it with the customer known and the invoice chosen ticked.
What the store would refuse is said under the field it concerns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.dispute_choices import DisputableInvoice, DisputeCustomer
from models.disputes import check_opening, claimed_amount
from models.errors import LedgerError, Problems
from models.kinds import DisputeCategory
from models.ledger import parse_amount
from ui.common.dispute_models import AMOUNT_COLUMN, DisputedLinesModel
from ui.common.ledger_dialog import LedgerDialog, amount_text
from ui.common.style import mute

_HINT = ("Tick what the customer disputes. For part of an invoice, type the amount "
         "disputed: the rest is still chased.")


@dataclass(frozen=True)
class DisputeSetup:
    """What the dialog opens on: the customer (None: to be chosen from ``customers``), their
    invoices with something open, the invoices ticked, and today."""

    customer_id: int | None
    customer_name: str
    invoices: tuple[DisputableInvoice, ...]
    today: dt.date
    ticked: tuple[int, ...] = ()
    customers: tuple[DisputeCustomer, ...] = ()


@dataclass(frozen=True)
class DisputeEntry:
    """A dispute as the user entered it, for ``models.disputes.open_dispute``: each invoice
    with the amount disputed (None: all that is open)."""

    customer_id: int
    customer_name: str
    parts: tuple[tuple[int, int | None], ...]
    category: DisputeCategory
    customer_said: str
    raised_on: dt.date


class DisputeDialog(LedgerDialog):
    """The invoices disputed, ticked, with the part disputed of each; why, and when."""

    customer_chosen = Signal(int)
    """The user chose another customer (their id): hand in their invoices."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[DisputeEntry | None], None], *,
            setup: DisputeSetup, entry: DisputeEntry | None = None,
            error: LedgerError | None = None) -> DisputeDialog:
        """Open the dialog; ``done`` later receives the dispute entered, or None.

        ``entry`` and ``error`` re-open it as the user left it, with the objection at
        its field."""
        dialog = cls(parent, setup=setup, entry=entry)
        dialog.open_for(done, lambda: dialog.accepted_entry, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, setup: DisputeSetup,
                 entry: DisputeEntry | None = None) -> None:
        super().__init__(parent)
        self.setup = setup
        self.accepted_entry: DisputeEntry | None = None
        self.customer_id = entry.customer_id if entry is not None else setup.customer_id
        self.customer_name = entry.customer_name if entry is not None else \
            setup.customer_name
        self.setWindowTitle("New Dispute")
        self.setMinimumWidth(640)
        self._build()
        if setup.customer_id is None and self.customer_id is not None:
            self.customer_combo.blockSignals(True)
            self.customer_combo.setCurrentIndex(self.customer_combo.findData(self.customer_id))
            self.customer_combo.blockSignals(False)
        self.set_invoices(self.customer_id, setup.invoices,
                          ticked=[i for i, _ in entry.parts] if entry else setup.ticked)
        if entry is not None:
            self._restore(entry)

    # --- what the user entered --------------------------------------------------------

    def set_invoices(self, customer_id: int | None, invoices: Sequence[DisputableInvoice],
                     *, ticked: Sequence[int] = ()) -> None:
        """List ``customer_id``'s invoices (those ``ticked`` ticked); the invoices of a
        customer no longer chosen are ignored."""
        if customer_id != self.customer_id:
            return
        self.lines = DisputedLinesModel(invoices, self)
        self.lines.checked_changed.connect(lambda: self._errors.clear("invoices"))
        self.lines_table.setModel(self.lines)
        header = self.lines_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, AMOUNT_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AMOUNT_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(AMOUNT_COLUMN, 130)
        for invoice_id in ticked:
            position = self.lines.position_of(invoice_id)
            if position >= 0:
                self.lines.set_ticked(position, True)
        first = next((self.lines.position_of(i) for i in ticked
                      if self.lines.position_of(i) >= 0), 0 if invoices else -1)
        if first >= 0:
            # Straight to the amount of the invoice chosen: typing there disputes a part.
            self.lines_table.setCurrentIndex(self.lines.index(first, AMOUNT_COLUMN))
        self.empty_label.setVisible(customer_id is not None and not invoices)
        currencies = sorted({row.currency for row in invoices})
        self.hint_label.setText(_HINT + (f" Amounts in {', '.join(currencies)}."
                                         if currencies else ""))

    def tick(self, number: str, amount: str = "", ticked: bool = True) -> None:
        """Tick (or untick) invoice ``number``, with ``amount`` typed as the part disputed."""
        for position in range(self.lines.rowCount()):
            row = self.lines.invoice_at(position)
            if row is not None and row.number == number:
                self.lines.set_ticked(position, ticked)
                if ticked:
                    self.lines.set_typed(position, amount)
                return
        raise KeyError(number)

    def choose_customer(self, customer_id: int) -> None:
        """Choose the customer who disputes (when the dialog offers a choice)."""
        position = self.customer_combo.findData(customer_id)
        if position < 0:
            raise KeyError(customer_id)
        self.customer_combo.setCurrentIndex(position)

    # --- building ------------------------------------------------------------------------

    def _build(self) -> None:
        setup = self.setup
        self.customer_combo = QComboBox()
        self.customer_combo.setObjectName("disputeCustomer")
        self.customer_combo.setEditable(True)
        self.customer_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.customer_combo.lineEdit().setPlaceholderText("Type a name or account code")
        self.customer_combo.addItem("", None)
        for customer in setup.customers:
            self.customer_combo.addItem(f"{customer.name} ({customer.code})", customer.id)
        self.customer_combo.setCurrentIndex(0)
        self.customer_combo.currentIndexChanged.connect(self._on_customer_combo_changed)

        self.lines_table = QTableView()
        self.lines_table.setObjectName("disputeInvoices")
        self.lines_table.setAccessibleName("Invoices the customer disputes")
        self.lines_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.lines_table.setAlternatingRowColors(True)
        self.lines_table.setShowGrid(False)
        self.lines_table.setWordWrap(False)
        self.lines_table.verticalHeader().hide()
        self.lines_table.setMinimumHeight(150)
        self.empty_label = QLabel("Nothing of this customer's is open: there is nothing to "
                                  "dispute.")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        self.category_combo = QComboBox()
        self.category_combo.setObjectName("disputeCategory")
        for category in DisputeCategory:
            self.category_combo.addItem(category.word, category)
        self.category_combo.setCurrentIndex(
            self.category_combo.findData(DisputeCategory.QUALITY))
        self.said_edit = QPlainTextEdit()
        self.said_edit.setObjectName("disputeSaid")
        self.said_edit.setPlaceholderText("In the customer's words: what is wrong, and what "
                                          "they ask for")
        self.said_edit.setTabChangesFocus(True)
        self.said_edit.setFixedHeight(self.said_edit.fontMetrics().lineSpacing() * 4 + 14)
        self.said_edit.textChanged.connect(lambda: self._errors.clear("customer_said"))
        self.raised_edit = self._date_edit(setup.today,
                                           lambda _text: self._errors.clear("raised_on"))
        self.raised_edit.setObjectName("disputeRaisedOn")

        self.save_button = self._buttons("Open &Dispute")
        errors = self._errors
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(6)
        if setup.customer_id is None:
            who = QLabel("C&ustomer:")
            who.setBuddy(self.customer_combo)
            form.addRow(who, errors.wrap("customer", self.customer_combo))
        else:
            self.customer_combo.hide()
        invoices_label = QLabel("&Invoices:")
        invoices_label.setBuddy(self.lines_table)
        invoices_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        hint = self.hint_label = QLabel(_HINT)
        hint.setWordWrap(True)
        hint.setObjectName("disputeHint")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        mute(hint)
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(4)
        column_layout.addWidget(hint)
        column_layout.addWidget(errors.wrap("invoices", self.lines_table,
                                            aliases=("amount",)))
        column_layout.addWidget(self.empty_label)
        form.addRow(invoices_label, column)
        kind = QLabel("&Kind of dispute:")
        kind.setBuddy(self.category_combo)
        form.addRow(kind, errors.wrap("category", self.category_combo, stretch=True))
        said = QLabel("&What they said:")
        said.setBuddy(self.said_edit)
        form.addRow(said, errors.wrap("customer_said", self.said_edit))
        raised = QLabel("&Raised on:")
        raised.setBuddy(self.raised_edit)
        form.addRow(raised, errors.wrap("raised_on", self.raised_edit, stretch=True))
        intro = ("Only the amounts disputed stop being chased while the dispute is open; "
                 "the rest of the account is still reminded.")
        if setup.customer_id is not None:
            intro = f"{setup.customer_name}. {intro}"
        self._lay_out("New Dispute", intro, form)
        (self.customer_combo if setup.customer_id is None else self.lines_table).setFocus()

    def _restore(self, entry: DisputeEntry) -> None:
        for invoice_id, amount in entry.parts:
            position = self.lines.position_of(invoice_id)
            row = self.lines.invoice_at(position)
            if row is not None and amount is not None:
                self.lines.set_typed(position, amount_text(amount, row.currency))
        self.category_combo.setCurrentIndex(self.category_combo.findData(entry.category))
        self.said_edit.setPlainText(entry.customer_said)
        self.raised_edit.setText(entry.raised_on.isoformat())

    # --- reading ---------------------------------------------------------------------------

    def _take_input(self) -> None:
        problems = Problems()
        if self.customer_id is None:
            problems.refuse("customer", "Choose the customer who disputes.")
        parts = problems.read(self._parts)
        raised_on = self.raised_edit.date()
        if not self.raised_edit.text().strip():
            problems.refuse("raised_on", "Give the day the customer raised the dispute.")
        elif raised_on is None:
            problems.refuse("raised_on", f"“{self.raised_edit.text().strip()}” is not a day: "
                                         f"write it as YYYY-MM-DD or 2 Jan 2027.")
        category = self.category_combo.currentData()
        said = self.said_edit.toPlainText()
        checked = problems.read(lambda: check_opening(
            raised_on=raised_on, category=category, customer_said=said,
            today=self.setup.today))
        problems.check()
        assert parts is not None and checked is not None and self.customer_id is not None
        day, kind, words = checked
        self.accepted_entry = DisputeEntry(self.customer_id, self.customer_name, tuple(parts),
                                           kind, words, day)

    def _parts(self) -> list[tuple[int, int | None]]:
        ticked = self.lines.ticked_with_amounts()
        if not ticked:
            raise LedgerError("invoices", "Tick the invoices the customer disputes.")
        parts: list[tuple[int, int | None]] = []
        for row, typed in ticked:
            if not typed:
                parts.append((row.id, None))
                continue
            try:
                amount = parse_amount(typed, row.currency)
            except LedgerError as error:
                raise LedgerError("amount", f"Invoice {row.number}: {error.message}") from None
            parts.append((row.id, claimed_amount(row.number, row.open_minor, row.currency,
                                                 amount)))
        return parts

    # --- slots ---------------------------------------------------------------------------------

    def _on_customer_combo_changed(self, index: int) -> None:
        customer_id = self.customer_combo.itemData(index)
        self._errors.clear("customer")
        self.customer_id = customer_id
        self.customer_name = self.customer_combo.itemText(index).rsplit(" (", 1)[0]
        self.set_invoices(customer_id, ())
        if customer_id is not None:
            self.customer_chosen.emit(customer_id)
