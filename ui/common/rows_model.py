"""The plain-rows table model every list in the window is built on.

``RowsModel`` holds frozen rows from ``models/`` and sorts (and, if asked,
filters) them itself on raw values: on 10k rows that takes ~30 ms, against
~1.3 s through a ``QSortFilterProxyModel`` over a Python model (ARCHITECTURE.md). ``data()``
compares roles as plain ints, because comparing PySide6 enums costs ~100 times
more and ``data()`` is called for every cell on every paint. It imports nothing
from ``models/``, so a page can use it without loading the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from models.dates import short_date

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
FONT = int(Qt.ItemDataRole.FontRole)
EDIT = int(Qt.ItemDataRole.EditRole)
CHECK = int(Qt.ItemDataRole.CheckStateRole)
ROOT = QModelIndex()
ID_ROLE = int(Qt.ItemDataRole.UserRole)
"""The row's identity (its id) in every column."""
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""The raw value a column sorts on."""

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

AGENCY = "#6F42C1"
QUIET = "#7A7A7A"

Paint = QBrush | QColor | QFont | None


def format_day(day: dt.date | None) -> str:
    """A date as the window shows it in lists: ``24 Nov 2026`` (empty for None)."""
    return "" if day is None else short_date(day)


@dataclass(frozen=True)
class Column:
    """One column of a ``RowsModel``: its title, its text, and what it sorts on."""

    title: str
    text: Callable[[Any], str]
    key: Callable[[Any], Any]
    money: bool = False
    tooltip: Callable[[Any], str] | None = None


class RowsModel(QAbstractTableModel):
    """A read-only table over plain rows that sorts and filters itself on raw values.

    Subclasses give the columns and may colour, tint or strike a row through
    ``_foreground``, ``_background`` and ``_font``.
    """

    columns: tuple[Column, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[Any] = []
        self._rows: list[Any] = []
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # --- what the model holds --------------------------------------------

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows`` (kept in the current sort order and filter)."""
        self.beginResetModel()
        self._all = list(rows)
        self._rows = self._arranged(self._all)
        self.endResetModel()

    def rows(self) -> list[Any]:
        """The rows shown, in the order shown."""
        return list(self._rows)

    def row_at(self, row: int) -> Any | None:
        """The row at position ``row``, or None outside the table."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def position_of(self, key: object) -> int:
        """Where the row with identity ``key`` is shown, or -1."""
        for position, row in enumerate(self._rows):
            if self.row_key(row) == key:
                return position
        return -1

    def row_key(self, row: Any) -> object:
        """What identifies ``row`` across reloads (its id)."""
        return row.id

    def refilter(self) -> None:
        """Apply a changed filter (``_accepts``) to the rows."""
        self.beginResetModel()
        self._rows = self._arranged(self._all)
        self.endResetModel()

    # --- QAbstractTableModel ---------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """The number of rows shown (none under a row: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """The number of columns."""
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        """Column titles; money columns are right-aligned like their cells."""
        role = int(role)
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == DISPLAY:
            return self.columns[section].title
        if role == ALIGN:
            return RIGHT if self.columns[section].money else LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """A cell's text, alignment, colour, font, tooltip, id or raw sort value."""
        if not index.isValid():
            return None
        role = int(role)
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == DISPLAY:
            return column.text(row)
        if role == ALIGN:
            return RIGHT if column.money else LEFT
        if role == FOREGROUND:
            return self._foreground(row, index.column())
        if role == BACKGROUND:
            return self._background(row)
        if role == FONT:
            return self._font(row, index.column())
        if role == TOOLTIP:
            return column.tooltip(row) if column.tooltip is not None else self._tooltip(row)
        if role == ID_ROLE:
            return self.row_key(row)
        if role == SORT_ROLE:
            return column.key(row)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Rows can be selected, not edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort on the column's raw values; selections follow their rows."""
        if not 0 <= column < len(self.columns):
            column = -1
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        before = {id(row): position for position, row in enumerate(self._rows)}
        self._rows = self._sorted(self._rows)
        after = {before[id(row)]: position for position, row in enumerate(self._rows)}
        old = self.persistentIndexList()
        new = [self.index(after[i.row()], i.column()) if i.isValid() and i.row() in after
               else QModelIndex() for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # --- for subclasses ----------------------------------------------------

    def _accepts(self, row: Any) -> bool:
        return True

    def _foreground(self, row: Any, column: int) -> Paint:
        return None

    def _background(self, row: Any) -> Paint:
        return None

    def _font(self, row: Any, column: int) -> Paint:
        return None

    def _tooltip(self, row: Any) -> str | None:
        return None

    # --- helpers ------------------------------------------------------------

    def _arranged(self, rows: list[Any]) -> list[Any]:
        if type(self)._accepts is RowsModel._accepts:  # no filter: no call for each row
            return self._sorted(rows)
        return self._sorted([row for row in rows if self._accepts(row)])

    def _sorted(self, rows: list[Any]) -> list[Any]:
        if self._sort_column < 0:
            return list(rows)
        key = self.columns[self._sort_column].key
        return sorted(rows, key=key,
                      reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
