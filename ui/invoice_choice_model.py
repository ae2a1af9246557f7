"""Open invoices a contact is about, each with a tick: number, due date, open amount."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from models.contact_form import OpenInvoice
from models.money import format_money
from ui.rows_model import (
    ALIGN,
    CHECK,
    DISPLAY,
    FOREGROUND,
    ID_ROLE,
    LEFT,
    RIGHT,
    ROOT,
    TOOLTIP,
    format_day,
)
from ui.style import ERROR, WARNING

_CHECKED = Qt.CheckState.Checked.value


class InvoiceChoiceModel(QAbstractTableModel):
    """The invoices offered, in the order given; the user ticks those the contact is about."""

    INVOICE, DUE, OPEN = range(3)
    _TITLES = ("Invoice", "Due", "Open")

    checked_changed = Signal()
    """An invoice was ticked or unticked."""

    def __init__(self, invoices: Sequence[OpenInvoice], today: dt.date,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._invoices = list(invoices)
        self._today = today
        self._checked: set[int] = set()
        self._late = QBrush(QColor(ERROR))
        self._disputed = QBrush(QColor(WARNING))

    # --- what the model holds --------------------------------------------

    def invoice_at(self, row: int) -> OpenInvoice | None:
        """The invoice at position ``row``, or None."""
        return self._invoices[row] if 0 <= row < len(self._invoices) else None

    def position_of(self, invoice_id: int) -> int:
        """Where the invoice with ``invoice_id`` is listed, or -1."""
        return next((i for i, r in enumerate(self._invoices) if r.id == invoice_id), -1)

    def checked(self) -> list[OpenInvoice]:
        """The ticked invoices, in the order listed."""
        return [r for r in self._invoices if r.id in self._checked]

    def checked_ids(self) -> tuple[int, ...]:
        """The ticked invoices' ids, in the order listed."""
        return tuple(r.id for r in self.checked())

    def set_checked(self, invoice_id: int, checked: bool) -> None:
        """Tick or untick ``invoice_id`` (not listed: nothing happens)."""
        position = self.position_of(invoice_id)
        if position < 0 or (invoice_id in self._checked) == checked:
            return
        if checked:
            self._checked.add(invoice_id)
        else:
            self._checked.discard(invoice_id)
        self.dataChanged.emit(self.index(position, self.INVOICE),
                              self.index(position, self.INVOICE))
        self.checked_changed.emit()

    # --- QAbstractTableModel ---------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """The number of invoices offered (none under a row)."""
        return 0 if parent.isValid() else len(self._invoices)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """Invoice, due date, open amount."""
        return 0 if parent.isValid() else len(self._TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        """Column titles; the amount right-aligned."""
        role = int(role)
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._TITLES):
            return None
        if role == DISPLAY:
            return self._TITLES[section]
        if role == ALIGN:
            return RIGHT if section == self.OPEN else LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """A cell's text, tick, alignment, colour, tooltip or id."""
        if not index.isValid():
            return None
        role = int(role)
        row = self._invoices[index.row()]
        column = index.column()
        if role == DISPLAY:
            return self._text(row, column)
        if role == CHECK and column == self.INVOICE:
            return Qt.CheckState.Checked if row.id in self._checked else Qt.CheckState.Unchecked
        if role == ALIGN:
            return RIGHT if column == self.OPEN else LEFT
        if role == FOREGROUND:
            if column == self.DUE and row.due_date < self._today:
                return self._late
            if column == self.INVOICE and row.status == "disputed":
                return self._disputed
            return None
        if role == TOOLTIP and column == self.DUE and row.due_date < self._today:
            return f"{(self._today - row.due_date).days} days overdue"
        if role == ID_ROLE:
            return row.id
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Every invoice can be ticked."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == self.INVOICE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = CHECK) -> bool:
        """Tick or untick an invoice."""
        if not index.isValid() or int(role) != CHECK or index.column() != self.INVOICE:
            return False
        state = value.value if isinstance(value, Qt.CheckState) else int(value)
        self.set_checked(self._invoices[index.row()].id, state == _CHECKED)
        return True

    def _text(self, row: OpenInvoice, column: int) -> str:
        if column == self.INVOICE:
            return f"{row.number} (disputed)" if row.status == "disputed" else row.number
        if column == self.DUE:
            return format_day(row.due_date)
        return format_money(row.open_minor, row.currency)
