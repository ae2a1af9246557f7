"""The lists of the payment-plan dialog: what a plan may cover (ticked), the schedule it
would make (read only), and the business's own dates and amounts (edited in place)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from models.money import format_amount, format_money
from models.plan_schedule import ScheduledInstalment
from models.plans import PlanCandidate
from ui.common.rows_model import (
    ALIGN,
    DISPLAY,
    EDIT,
    FOREGROUND,
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
from ui.common.tick_model import TickModel


class CandidatesModel(TickModel):
    """The customer's open invoices and charges, ticked when the plan is to cover them;
    one a plan cannot cover is greyed, with why in its tooltip."""

    TITLES = ("Invoice or charge", "Due", "Open", "")
    RIGHT_COLUMNS = frozenset({2})

    def __init__(self, rows: Sequence[PlanCandidate], currency: str, *,
                 allowed: frozenset[tuple[int | None, int | None]] = frozenset(),
                 parent: Any = None) -> None:
        super().__init__(rows, parent)
        self._currency = currency
        # Items of the plan being renegotiated: their refusal (in that plan) does not count.
        self._allowed = allowed

    def candidate_at(self, position: int) -> PlanCandidate | None:
        """The candidate at ``position``, or None."""
        row = self.row_at(position)
        return row if isinstance(row, PlanCandidate) else None

    def refusal(self, candidate: PlanCandidate) -> str:
        """Why ``candidate`` cannot go in the plan ("" when it can)."""
        item = candidate.item
        return "" if (item.invoice_id, item.charge_id) in self._allowed else candidate.refused

    def _text(self, row: Any, column: int) -> str:
        item = row.item
        if column == 0:
            return item.label
        if column == 1:
            return format_day(item.due_date)
        if column == 2:
            return format_amount(item.open_minor, self._currency)
        if self.refusal(row):
            return "cannot be in a plan"
        return "overdue" if row.overdue else "not yet due"

    def _other(self, row: Any, column: int, role: int) -> Any:
        refused = self.refusal(row)
        if role == TOOLTIP:
            if refused:
                return refused
            return (f"{row.item.label}: {format_money(row.item.open_minor, self._currency)} "
                    f"open")
        if role == FOREGROUND and (refused or column == 3):
            return QColor(QUIET)
        return None

    def _tickable(self, row: Any) -> bool:
        return not self.refusal(row)


@dataclass(frozen=True)
class ScheduleLine:
    """A line of the schedule shown: an instalment, or the total under them."""

    id: int
    label: str  # "Deposit", "1", "2"... or "Total"
    due_date: dt.date | None
    amount_minor: int
    total: bool = False


def schedule_lines(instalments: Sequence[ScheduledInstalment]) -> list[ScheduleLine]:
    """The instalments numbered as the agreement numbers them (the deposit apart), and
    their total."""
    lines, number = [], 0
    for instalment in instalments:
        if instalment.is_deposit:
            label = "Deposit"
        else:
            number += 1
            label = str(number)
        lines.append(ScheduleLine(instalment.position, label, instalment.due_date,
                                  instalment.amount_minor))
    if lines:
        lines.append(ScheduleLine(0, "Total", None, sum(i.amount_minor for i in instalments),
                                  total=True))
    return lines


class ScheduleModel(RowsModel):
    """The schedule a plan would make, the total in bold under it (not sorted)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.currency = ""
        self.columns = (
            Column("Instalment", lambda r: r.label, lambda r: r.id),
            Column("Due", lambda r: format_day(r.due_date), lambda r: r.id),
            Column("Amount", lambda r: format_money(r.amount_minor, self.currency),
                   lambda r: r.id, money=True),
        )

    def set_schedule(self, instalments: Sequence[ScheduledInstalment], currency: str) -> None:
        """Show ``instalments`` in ``currency`` (none: an empty table)."""
        self.currency = currency
        self.set_rows(schedule_lines(instalments))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The schedule stays in its order: the total last."""

    def _font(self, row: Any, column: int) -> Paint:
        if row.total:
            font = QFont()
            font.setBold(True)
            return font
        return None


class OwnDatesModel(QAbstractTableModel):
    """The business's own schedule: a date and an amount on each row, as typed."""

    TITLES = ("Date", "Amount")

    edited = Signal()
    """A row was added, removed or changed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[str]] = []

    def texts(self) -> list[tuple[str, str]]:
        """Each row's date and amount as typed."""
        return [(date, amount) for date, amount in self._rows]

    def set_texts(self, rows: Sequence[tuple[str, str]]) -> None:
        """Start again from ``rows`` (date and amount as typed)."""
        self.beginResetModel()
        self._rows = [[date, amount] for date, amount in rows]
        self.endResetModel()
        self.edited.emit()

    def add_row(self, date: str = "", amount: str = "") -> int:
        """Add a row at the end; returns its position."""
        position = len(self._rows)
        self.beginInsertRows(ROOT, position, position)
        self._rows.append([date, amount])
        self.endInsertRows()
        self.edited.emit()
        return position

    def remove_row(self, position: int) -> None:
        """Remove the row at ``position`` (nothing outside the table)."""
        if not 0 <= position < len(self._rows):
            return
        self.beginRemoveRows(ROOT, position, position)
        del self._rows[position]
        self.endRemoveRows()
        self.edited.emit()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """The number of rows (none under a row)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """Date and amount."""
        return 0 if parent.isValid() else len(self.TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        """Column titles; the amount right-aligned like its cells."""
        role = int(role)
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.TITLES):
            return None
        if role == DISPLAY:
            return self.TITLES[section]
        if role == ALIGN:
            return RIGHT if section == 1 else LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """A cell's text as typed."""
        if not index.isValid():
            return None
        role = int(role)
        if role in (DISPLAY, EDIT):
            return self._rows[index.row()][index.column()]
        if role == ALIGN:
            return RIGHT if index.column() == 1 else LEFT
        if role == TOOLTIP:
            return ("A day as YYYY-MM-DD or 2 Jan 2027" if index.column() == 0
                    else "The amount due that day")
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = EDIT) -> bool:
        """Keep what was typed in a cell."""
        if not index.isValid() or int(role) != EDIT:
            return False
        text = str(value).strip()
        if self._rows[index.row()][index.column()] == text:
            return True
        self._rows[index.row()][index.column()] = text
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Every cell can be edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemNeverHasChildren)
