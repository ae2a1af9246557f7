"""The lists of the dispute dialogs: a customer's open invoices, each ticked when it is
disputed with the amount disputed typed beside it (blank: all that is open)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from models.dispute_choices import DisputableInvoice
from models.money import format_amount, format_money
from ui.common.rows_model import CHECK, DISPLAY, EDIT, FOREGROUND, QUIET, TOOLTIP, format_day
from ui.common.tick_model import TickModel

AMOUNT_COLUMN = 4


class DisputedLinesModel(TickModel):
    """A customer's invoices with something open: tick those disputed and, for a part
    of one, type the amount in the last column. One already in a case is greyed, with
    why in its tooltip."""

    TITLES = ("Invoice", "Due", "Amount", "Open", "Disputed")
    RIGHT_COLUMNS = frozenset({2, 3, 4})

    def __init__(self, rows: Sequence[DisputableInvoice], parent: Any = None) -> None:
        super().__init__(rows, parent)
        self._typed: dict[int, str] = {}  # position -> the amount as typed

    def invoice_at(self, position: int) -> DisputableInvoice | None:
        """The invoice at ``position``, or None."""
        row = self.row_at(position)
        return row if isinstance(row, DisputableInvoice) else None

    def position_of(self, invoice_id: int) -> int:
        """Where invoice ``invoice_id`` is listed, or -1."""
        return next((p for p in range(self.rowCount())
                     if self._rows[p].id == invoice_id), -1)

    def typed(self, position: int) -> str:
        """The amount typed for the row at ``position`` ("" for all that is open)."""
        return self._typed.get(position, "")

    def set_typed(self, position: int, text: str) -> None:
        """Type ``text`` as the amount disputed of the row at ``position``."""
        self.setData(self.index(position, AMOUNT_COLUMN), text, EDIT)

    def ticked_with_amounts(self) -> list[tuple[DisputableInvoice, str]]:
        """The ticked invoices, each with the amount typed ("" for all that is open)."""
        return [(row, self.typed(position)) for position, row in enumerate(self._rows)
                if position in self._ticked]

    def _text(self, row: Any, column: int) -> str:
        if column == 0:
            return row.number
        if column == 1:
            return format_day(row.due_date)
        if column == 2:
            return format_amount(row.amount_minor, row.currency)
        if column == 3:
            return format_amount(row.open_minor, row.currency)
        position = self._rows.index(row)
        if row.refused:
            return "in dispute"
        if position not in self._ticked:
            return ""
        return self.typed(position) or "all open"

    def _other(self, row: Any, column: int, role: int) -> Any:
        if role == TOOLTIP:
            if row.refused:
                return row.refused
            if column == AMOUNT_COLUMN:
                return ("The amount the customer disputes: leave it blank for all that is "
                        "open, or type a part (the rest is still chased)")
            return f"{row.number}: {format_money(row.open_minor, row.currency)} open"
        if role == FOREGROUND:
            position = self._rows.index(row)
            if row.refused or (column == AMOUNT_COLUMN and not self.typed(position)):
                return QColor(QUIET)
        if role == EDIT and column == AMOUNT_COLUMN:
            return self.typed(self._rows.index(row))
        return None

    def _tickable(self, row: Any) -> bool:
        return not row.refused

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """The amount of a ticked invoice can be typed."""
        flags = super().flags(index)
        if index.isValid() and index.column() == AMOUNT_COLUMN \
                and index.row() in self._ticked:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = CHECK) -> bool:
        """Tick a row, or keep the amount typed for a ticked one (ticking it)."""
        if index.isValid() and int(role) == EDIT and index.column() == AMOUNT_COLUMN:
            row = self._rows[index.row()]
            if not self._tickable(row):
                return False
            text = str(value).strip()
            self._typed[index.row()] = text
            if text:
                self.set_ticked(index.row(), True)
            self.dataChanged.emit(index, index)
            self.checked_changed.emit()
            return True
        return super().setData(index, value, role)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """As :class:`TickModel`, and the amount typed for editing."""
        if index.isValid() and int(role) == EDIT and index.column() == AMOUNT_COLUMN:
            return self.typed(index.row())
        return super().data(index, role)

    def set_ticked(self, position: int, ticked: bool) -> None:
        """Tick or untick a row; the amount cell follows."""
        super().set_ticked(position, ticked)
        if 0 <= position < len(self._rows):
            cell = self.index(position, AMOUNT_COLUMN)
            self.dataChanged.emit(cell, cell)
