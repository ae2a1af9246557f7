"""The Customers list: name, balance, overdue and class, searchable by name or code and
filtered by class."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont

from models.customer_account import CustomerListRow
from models.customer_class import Classification
from models.kinds import CustomerClass
from models.money import format_money
from ui.common.rows_model import QUIET, Column, RowsModel
from ui.common.style import ERROR, WARNING

READING_CLASS = "…"  # the class column while the classes are being read
_CLASS_RANK = {kind: rank for rank, kind in enumerate(CustomerClass)}  # as kinds.py lists them


def _overdue(row: CustomerListRow) -> str:
    return format_money(row.overdue_minor, row.currency) if row.overdue_minor else ""


def _name_tooltip(row: CustomerListRow) -> str:
    held = "\nOn hold: Duly does not chase this customer." if row.on_hold else ""
    return f"{row.name} ({row.code}){held}"


class CustomerListModel(RowsModel):
    """Every customer with balance and overdue in their currency, and how they pay;
    filtered by a search and a class."""

    NAME, BALANCE, OVERDUE, CLASS = range(4)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column("Customer", lambda r: r.name, lambda r: r.name.casefold(),
                   tooltip=_name_tooltip),
            Column("Balance", lambda r: format_money(r.balance_minor, r.currency),
                   lambda r: (r.currency, r.balance_minor), money=True),
            Column("Overdue", _overdue, lambda r: (r.currency, r.overdue_minor), money=True),
            Column("Class", self._class_text, self._class_rank, tooltip=self._class_tip),
        )
        self._classes: dict[int, Classification] | None = None  # None: being read
        self._kind: CustomerClass | None = None
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

    def set_classes(self, classes: Mapping[int, Classification] | None) -> None:
        """Show each customer's class (by customer id); None: they are being read."""
        self._classes = None if classes is None else dict(classes)
        if self._kind is not None:
            self.refilter()  # rows come and go
        elif self._sort_column == self.CLASS:
            self.sort(self._sort_column, self._sort_order)
        elif self._rows:
            self.dataChanged.emit(self.index(0, self.CLASS),
                                  self.index(len(self._rows) - 1, self.CLASS))

    @property
    def classes_shown(self) -> bool:
        """Whether the classes have been read."""
        return self._classes is not None

    @property
    def class_filter(self) -> CustomerClass | None:
        """The class the list is narrowed to (None: every class)."""
        return self._kind

    def set_class_filter(self, kind: CustomerClass | None) -> None:
        """Show only customers of class ``kind`` (None: every customer); none pass while
        the classes are being read."""
        if kind != self._kind:
            self._kind = kind
            self.refilter()

    def classification(self, customer_id: int) -> Classification | None:
        """The customer's class with its reasons, once read."""
        return self._classes.get(customer_id) if self._classes is not None else None

    def total_count(self) -> int:
        """How many customers there are, searched for or not."""
        return len(self._all)

    def _accepts(self, row: CustomerListRow) -> bool:
        if self._kind is not None:
            found = self.classification(row.id)
            if found is None or found.kind is not self._kind:
                return False
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

    def _class_text(self, row: CustomerListRow) -> str:
        if self._classes is None:
            return READING_CLASS
        found = self._classes.get(row.id)
        return found.kind.word if found is not None else ""

    def _class_rank(self, row: CustomerListRow) -> int:
        found = self.classification(row.id)
        return _CLASS_RANK[found.kind] if found is not None else -1

    def _class_tip(self, row: CustomerListRow) -> str:
        found = self.classification(row.id)
        if found is None:
            return "Reading how this customer pays…" if self._classes is None else ""
        return f"{found.kind.word}:\n" + "\n".join(f"• {reason}" for reason in found.reasons)
