"""The Customers list: name, balance and overdue, searchable by name or code."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont

from models.customer_account import CustomerListRow
from models.money import format_money
from ui.common.rows_model import QUIET, Column, RowsModel
from ui.common.style import ERROR, WARNING


def _overdue(row: CustomerListRow) -> str:
    return format_money(row.overdue_minor, row.currency) if row.overdue_minor else ""


def _name_tooltip(row: CustomerListRow) -> str:
    held = "\nOn hold: Duly does not chase this customer." if row.on_hold else ""
    return f"{row.name} ({row.code}){held}"


class CustomerListModel(RowsModel):
    """Every customer with balance and overdue in their currency; filtered by a search."""

    NAME, BALANCE, OVERDUE = range(3)
    columns = (
        Column("Customer", lambda r: r.name, lambda r: r.name.casefold(),
               tooltip=_name_tooltip),
        Column("Balance", lambda r: format_money(r.balance_minor, r.currency),
               lambda r: (r.currency, r.balance_minor), money=True),
        Column("Overdue", _overdue, lambda r: (r.currency, r.overdue_minor), money=True),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._haystacks: dict[int, str] = {}
        self._error = QBrush(QColor(ERROR))
        self._warning = QBrush(QColor(WARNING))
        self._quiet = QBrush(QColor(QUIET))
        self._italic = QFont()
        self._italic.setItalic(True)

    @property
    def search_text(self) -> str:
        """What the list is searched for ("" shows every customer)."""
        return self._needle

    def set_rows(self, rows: Any) -> None:
        """Show ``rows``, searchable by name and code."""
        self._haystacks = {r.id: f"{r.name}\n{r.code}".casefold() for r in rows}
        super().set_rows(rows)

    def set_search_text(self, text: str) -> None:
        """Show only customers whose name or code contains every word of ``text``."""
        needle = " ".join(text.casefold().split())
        if needle != self._needle:
            self._needle = needle
            self.refilter()

    def total_count(self) -> int:
        """How many customers there are, searched for or not."""
        return len(self._all)

    def _accepts(self, row: CustomerListRow) -> bool:
        if not self._needle:
            return True
        haystack = self._haystacks.get(row.id, "")
        return all(word in haystack for word in self._needle.split(" "))

    def _foreground(self, row: CustomerListRow, column: int) -> QBrush | None:
        if column == self.OVERDUE and row.overdue_minor:
            return self._error
        if column == self.NAME and row.on_hold:
            return self._warning
        if column == self.BALANCE and not row.balance_minor:
            return self._quiet
        return None

    def _font(self, row: CustomerListRow, column: int) -> QFont | None:
        return self._italic if column == self.NAME and row.on_hold else None
