"""A short, fixed list of rows the user ticks: invoices a contact is about, reminders to
approve. Subclasses give the columns' text and colours; ticks live here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ui.common.rows_model import ALIGN, CHECK, DISPLAY, LEFT, RIGHT, ROOT

_CHECKED = Qt.CheckState.Checked.value


class TickModel(QAbstractTableModel):
    """Rows, each with a tick in ``TICK_COLUMN``; rows that cannot be ticked are greyed."""

    TITLES: tuple[str, ...] = ()
    TICK_COLUMN = 0
    RIGHT_COLUMNS: frozenset[int] = frozenset()

    checked_changed = Signal()
    """A row was ticked or unticked."""

    def __init__(self, rows: Sequence[Any], parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = list(rows)
        self._ticked: set[int] = set()  # positions: the rows never change

    # --- what the model holds --------------------------------------------

    def row_at(self, position: int) -> Any | None:
        """The row at ``position``, or None."""
        return self._rows[position] if 0 <= position < len(self._rows) else None

    def ticked_rows(self) -> list[Any]:
        """The ticked rows, in the order listed."""
        return [row for position, row in enumerate(self._rows) if position in self._ticked]

    def is_ticked(self, position: int) -> bool:
        """Whether the row at ``position`` is ticked."""
        return position in self._ticked

    def set_ticked(self, position: int, ticked: bool) -> None:
        """Tick or untick the row at ``position`` (one that cannot be ticked stays off)."""
        row = self.row_at(position)
        if row is None or not self._tickable(row) or (position in self._ticked) == ticked:
            return
        if ticked:
            self._ticked.add(position)
        else:
            self._ticked.discard(position)
        cell = self.index(position, self.TICK_COLUMN)
        self.dataChanged.emit(cell, cell)
        self.checked_changed.emit()

    # --- QAbstractTableModel ---------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """The number of rows offered (none under a row)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """The number of columns."""
        return 0 if parent.isValid() else len(self.TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        """Column titles; amounts right-aligned like their cells."""
        role = int(role)
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.TITLES):
            return None
        if role == DISPLAY:
            return self.TITLES[section]
        if role == ALIGN:
            return RIGHT if section in self.RIGHT_COLUMNS else LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """A cell's text, tick and alignment; the subclass adds colours and tooltips."""
        if not index.isValid():
            return None
        role = int(role)
        row, column = self._rows[index.row()], index.column()
        if role == DISPLAY:
            return self._text(row, column)
        if role == CHECK and column == self.TICK_COLUMN:
            return Qt.CheckState.Checked if index.row() in self._ticked \
                else Qt.CheckState.Unchecked
        if role == ALIGN:
            return RIGHT if column in self.RIGHT_COLUMNS else LEFT
        return self._other(row, column, role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Rows that can be ticked are enabled, with a tick box in the tick column."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self._tickable(self._rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsEnabled
            if index.column() == self.TICK_COLUMN:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = CHECK) -> bool:
        """Tick or untick a row."""
        if not index.isValid() or int(role) != CHECK or index.column() != self.TICK_COLUMN:
            return False
        if not self._tickable(self._rows[index.row()]):
            return False
        state = value.value if isinstance(value, Qt.CheckState) else int(value)
        self.set_ticked(index.row(), state == _CHECKED)
        return True

    # --- for subclasses ----------------------------------------------------

    def _text(self, row: Any, column: int) -> str:
        raise NotImplementedError

    def _other(self, row: Any, column: int, role: int) -> Any:
        """Colours, tooltips, ids: whatever else a cell shows (None: nothing)."""
        return None

    def _tickable(self, row: Any) -> bool:
        return True
