"""A customer's invoices as a table, and the allocation table of the payment dialog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from models.customer_account import InvoiceRow
from models.kinds import InvoiceStatus
from models.ledger import LedgerError, parse_amount
from models.money import format_amount, format_money, from_minor
from ui.common.rows_model import (
    AGENCY,
    ALIGN,
    CHECK,
    DISPLAY,
    EDIT,
    FOREGROUND,
    ID_ROLE,
    LEFT,
    QUIET,
    RIGHT,
    ROOT,
    TOOLTIP,
    Column,
    Paint,
    RowsModel,
    format_day,
)
from ui.common.style import ERROR, WARNING

_DISPUTED_TINT = QColor(0xE0, 0xA1, 0x00, 46)
_AGENCY_TINT = QColor(0x6F, 0x42, 0xC1, 36)


def invoice_status(row: InvoiceRow) -> str:
    """An invoice's status in words: "Overdue", "Disputed", "Paid", "Part paid"…"""
    if row.status == InvoiceStatus.OPEN:
        if row.days_overdue > 0:
            return "Overdue, part paid" if row.paid_minor else "Overdue"
        return "Part paid" if row.paid_minor else "Open"
    return InvoiceStatus.word_for(row.status)


def _status_tooltip(row: InvoiceRow) -> str:
    if row.status == InvoiceStatus.DISPUTED:
        reason = row.dispute_reason or "no reason given"
        return f"Disputed: {reason}. Duly does not chase this invoice until released."
    if row.status == InvoiceStatus.WITH_AGENCY:
        return "Passed to a collection agency: Duly does not chase it itself."
    if row.status == InvoiceStatus.VOID:
        return "Voided: it no longer counts towards the balance."
    return invoice_status(row)


def _days(row: InvoiceRow) -> str:
    return str(row.days_overdue) if row.days_overdue > 0 else ""


class InvoicesModel(RowsModel):
    """A customer's invoices: dates, amounts, what is paid and open, and status."""

    NUMBER, ISSUED, DUE, AMOUNT, PAID, OPEN, DAYS, STATUS = range(8)
    columns = (
        Column("Number", lambda r: r.number, lambda r: r.number.casefold()),
        Column("Issued", lambda r: format_day(r.issue_date), lambda r: r.issue_date),
        Column("Due", lambda r: format_day(r.due_date), lambda r: r.due_date),
        # The account's currency is named above the table, once.
        Column("Amount", lambda r: format_amount(r.amount_minor, r.currency),
               lambda r: (r.currency, r.amount_minor), money=True),
        Column("Paid", lambda r: format_amount(r.paid_minor, r.currency),
               lambda r: (r.currency, r.paid_minor), money=True),
        Column("Open", lambda r: format_amount(r.open_minor, r.currency),
               lambda r: (r.currency, r.open_minor), money=True),
        Column("Days late", _days, lambda r: r.days_overdue, money=True),
        Column("Status", invoice_status, invoice_status, tooltip=_status_tooltip),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._error = QBrush(QColor(ERROR))
        self._warning = QBrush(QColor(WARNING))
        self._agency = QBrush(QColor(AGENCY))
        self._quiet = QBrush(QColor(QUIET))
        self._disputed_tint = QBrush(_DISPUTED_TINT)
        self._agency_tint = QBrush(_AGENCY_TINT)
        self._bold = QFont()
        self._bold.setBold(True)
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    def _foreground(self, row: InvoiceRow, column: int) -> Paint:
        if row.status == InvoiceStatus.VOID:
            return self._quiet
        if column == self.STATUS:
            if row.status == InvoiceStatus.DISPUTED:
                return self._warning
            if row.status == InvoiceStatus.WITH_AGENCY:
                return self._agency
            if row.status == InvoiceStatus.OPEN and row.days_overdue > 0:
                return self._error
        if column == self.DAYS and row.days_overdue > 0:
            return self._error
        if row.status == InvoiceStatus.PAID:
            return self._quiet
        return None

    def _background(self, row: InvoiceRow) -> Paint:
        if row.status == InvoiceStatus.DISPUTED:
            return self._disputed_tint
        if row.status == InvoiceStatus.WITH_AGENCY:
            return self._agency_tint
        return None

    def _font(self, row: InvoiceRow, column: int) -> Paint:
        if row.status == InvoiceStatus.VOID:
            return self._struck
        if column == self.STATUS and row.status in (InvoiceStatus.DISPUTED,
                                                    InvoiceStatus.WITH_AGENCY):
            return self._bold
        return None

    def _tooltip(self, row: InvoiceRow) -> str | None:
        explained = (InvoiceStatus.DISPUTED, InvoiceStatus.WITH_AGENCY, InvoiceStatus.VOID)
        return _status_tooltip(row) if row.status in explained else None


class AllocationModel(QAbstractTableModel):
    """Open invoices a payment can pay, with a tick and an amount for each.

    While ``choosing`` is off, the amounts are a preview of oldest-first
    allocation and nothing is editable. While on, the user ticks invoices and
    types amounts; the typed text is kept as typed and parsed by the dialog.
    """

    INVOICE, DUE, OPEN, PAY = range(4)
    _TITLES = ("Invoice", "Due", "Open", "Pay")

    chosen_changed = Signal()
    """An invoice was ticked or unticked, or its amount changed."""

    def __init__(self, invoices: Sequence[InvoiceRow], currency: str,
                 fill: Callable[[InvoiceRow], str], parent: Any = None) -> None:
        """``fill(row)`` gives the amount put in when the user ticks ``row``."""
        super().__init__(parent)
        self._invoices = sorted(invoices, key=lambda r: (r.due_date, r.issue_date, r.number))
        self._currency = currency
        self._fill = fill
        self._checked: set[int] = set()
        self._texts: dict[int, str] = {}
        self._preview: dict[int, int] = {}
        self._choosing = False
        self._error = QBrush(QColor(ERROR))

    # --- what the model holds --------------------------------------------

    @property
    def choosing(self) -> bool:
        """Whether the user picks the invoices (else: oldest first)."""
        return self._choosing

    def set_choosing(self, choosing: bool) -> None:
        """Switch between the oldest-first preview and the user's own choice."""
        if choosing != self._choosing:
            self.beginResetModel()
            self._choosing = choosing
            self.endResetModel()

    def set_preview(self, parts: dict[int, int]) -> None:
        """Show what oldest-first allocation would pay (invoice id -> amount)."""
        self._preview = dict(parts)
        if self._invoices and not self._choosing:
            self.dataChanged.emit(self.index(0, self.PAY),
                                  self.index(len(self._invoices) - 1, self.PAY))

    def invoice_at(self, row: int) -> InvoiceRow | None:
        """The invoice at position ``row``, or None."""
        return self._invoices[row] if 0 <= row < len(self._invoices) else None

    def position_of(self, invoice_id: int) -> int:
        """Where the invoice with ``invoice_id`` is listed, or -1."""
        return next((i for i, r in enumerate(self._invoices) if r.id == invoice_id), -1)

    def chosen(self) -> list[tuple[InvoiceRow, str]]:
        """The ticked invoices, each with the amount text typed for it."""
        return [(r, self._texts.get(r.id, "")) for r in self._invoices if r.id in self._checked]

    def set_chosen(self, invoice_id: int, text: str | None) -> None:
        """Tick ``invoice_id`` with the amount ``text`` (None: untick it)."""
        position = self.position_of(invoice_id)
        if position < 0:
            return
        before = self._texts.get(invoice_id) if invoice_id in self._checked else None
        if text == before:
            return  # an editor closing on what was already there
        if text is None:
            self._checked.discard(invoice_id)
            self._texts.pop(invoice_id, None)
        else:
            self._checked.add(invoice_id)
            self._texts[invoice_id] = text
        self.dataChanged.emit(self.index(position, 0), self.index(position, self.PAY))
        self.chosen_changed.emit()

    def _tidy(self, text: str) -> str:
        """``text`` written as an amount ("200" -> "200.00"), or as typed if it is not one."""
        try:
            return str(from_minor(parse_amount(text, self._currency), self._currency))
        except LedgerError:
            return text

    # --- QAbstractTableModel ---------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """The number of open invoices (none under a row)."""
        return 0 if parent.isValid() else len(self._invoices)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """Invoice, due date, open amount, amount to pay."""
        return 0 if parent.isValid() else len(self._TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        """Column titles; money columns right-aligned."""
        role = int(role)
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._TITLES):
            return None
        if role == DISPLAY:
            return self._TITLES[section]
        if role == ALIGN:
            return RIGHT if section >= self.OPEN else LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """A cell's text, tick, alignment or id."""
        if not index.isValid():
            return None
        role = int(role)
        row = self._invoices[index.row()]
        column = index.column()
        if role in (DISPLAY, EDIT):
            if column == self.INVOICE:
                disputed = row.status == InvoiceStatus.DISPUTED
                return f"{row.number} (disputed)" if disputed else row.number
            if column == self.DUE:
                return format_day(row.due_date)
            if column == self.OPEN:
                return format_money(row.open_minor, row.currency)
            if self._choosing:
                return self._texts.get(row.id, "") if row.id in self._checked else ""
            part = self._preview.get(row.id, 0)
            return format_money(part, row.currency) if part else ""
        if role == CHECK and column == self.INVOICE and self._choosing:
            return Qt.CheckState.Checked if row.id in self._checked else Qt.CheckState.Unchecked
        if role == ALIGN:
            return RIGHT if column >= self.OPEN else LEFT
        if role == FOREGROUND and column == self.DUE and row.days_overdue > 0:
            return self._error
        if role == TOOLTIP and column == self.DUE and row.days_overdue > 0:
            return f"{row.days_overdue} days overdue"
        if role == ID_ROLE:
            return row.id
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """In choosing mode the tick and the amount can be changed."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren
        if self._choosing and index.column() == self.INVOICE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        if self._choosing and index.column() == self.PAY:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = EDIT) -> bool:
        """Tick or untick an invoice, or type the amount to pay it."""
        if not index.isValid() or not self._choosing:
            return False
        role = int(role)
        row = self._invoices[index.row()]
        if role == CHECK and index.column() == self.INVOICE:
            state = value.value if isinstance(value, Qt.CheckState) else int(value)
            ticked = state == Qt.CheckState.Checked.value
            self.set_chosen(row.id, self._fill(row) if ticked else None)
            return True
        if role == EDIT and index.column() == self.PAY:
            text = str(value).strip()
            self.set_chosen(row.id, self._tidy(text) if text else None)
            return True
        return False
