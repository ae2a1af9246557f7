"""The Disputes tab's lists: the cases (filtered by state, category and customer), the
chosen case's invoices, and its notes and files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from models.disputes import DEFAULT_DISPUTE_AGE_DAYS, CaseNote, DisputedLine, DisputeRow
from models.kinds import DisputeCategory, DisputeStatus
from models.money import format_money, from_minor
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
from ui.common.style import ERROR

ALL, OPEN, CLOSED = range(3)
STATES = ("All", "Open", "Closed")
AGE_COLUMN = 5
_NEVER = -1  # a closed case has no age to sort on: after every open one (descending)


def invoices_words(row: DisputeRow) -> str:
    """The case's invoice numbers: "INV-0001, INV-0002"."""
    return ", ".join(line.number for line in row.lines)


def status_words(row: DisputeRow) -> str:
    """Where the case stands: "Open", "Credited", "Rejected", "Withdrawn"."""
    return DisputeStatus.word_for(row.status)


class DisputesModel(RowsModel):
    """Every dispute case; shown by state (all, open, closed), category and customer.

    An open case older than the business's setting has its age in the error colour."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.as_of = dt.date.today()
        self.age_limit = DEFAULT_DISPUTE_AGE_DAYS
        self._state = ALL
        self._category: DisputeCategory | None = None
        self._search = ""
        self._bold = QFont()
        self._bold.setBold(True)
        self.columns = (
            Column("Customer", lambda r: r.customer_name,
                   lambda r: (r.customer_name.casefold(), r.case_id),
                   tooltip=lambda r: f"{r.customer_name} ({r.customer_code}): dispute "
                                     f"#{r.case_id}"),
            Column("Invoices", invoices_words, invoices_words),
            Column("Disputed", lambda r: format_money(r.claimed_minor, r.currency),
                   lambda r: r.claimed_minor, money=True, tooltip=self._amount_tip),
            Column("Category", lambda r: DisputeCategory.word_for(r.category),
                   lambda r: DisputeCategory.word_for(r.category)),
            Column("Raised on", lambda r: format_day(r.raised_on),
                   lambda r: (r.raised_on, r.case_id)),
            Column("Age", self._age_text, self._age_key, tooltip=self._age_tip),
            Column("Status", status_words, status_words),
            Column("Resolution", lambda r: r.resolution.splitlines()[0] if r.resolution
                   else "", lambda r: r.resolution.casefold(),
                   tooltip=lambda r: r.resolution or r.customer_said),
        )

    # --- what is shown -------------------------------------------------------------

    def row_key(self, row: Any) -> object:
        """A case is known by its id."""
        return row.case_id

    def set_cases(self, rows: list[DisputeRow], as_of: dt.date, age_limit: int) -> None:
        """Show ``rows`` as of ``as_of``; open cases older than ``age_limit`` days stand out."""
        self.as_of, self.age_limit = as_of, age_limit
        self.set_rows(rows)

    def set_filter(self, *, state: int | None = None,
                   category: DisputeCategory | None | str = "",
                   search: str | None = None) -> None:
        """Show the cases in ``state`` (ALL, OPEN, CLOSED), of ``category`` (None: any),
        whose customer's name or code holds ``search``; a filter not given is kept."""
        if state is not None:
            self._state = state
        if category != "":
            # A combo box hands its data back as plain text.
            self._category = DisputeCategory(category) if category else None
        if search is not None:
            self._search = search.strip().casefold()
        self.refilter()

    def total_count(self) -> int:
        """How many cases there are, whatever is shown."""
        return len(self._all)

    def is_overdue(self, row: DisputeRow) -> bool:
        """Whether ``row`` is open longer than the business's setting."""
        return row.status == DisputeStatus.OPEN and row.age_days(self.as_of) > self.age_limit

    # --- RowsModel ------------------------------------------------------------------------

    def _accepts(self, row: Any) -> bool:
        is_open = row.status == DisputeStatus.OPEN
        if self._state == OPEN and not is_open or self._state == CLOSED and is_open:
            return False
        if self._category is not None and row.category != self._category:
            return False
        return not self._search or self._search in row.customer_name.casefold() \
            or self._search in row.customer_code.casefold()

    def _foreground(self, row: Any, column: int) -> Paint:
        if row.status != DisputeStatus.OPEN:
            return QColor(QUIET)
        if column == AGE_COLUMN and self.is_overdue(row):
            return QColor(ERROR)
        return None

    def _font(self, row: Any, column: int) -> Paint:
        return self._bold if column == AGE_COLUMN and self.is_overdue(row) else None

    # --- columns ----------------------------------------------------------------------------

    def _age_text(self, row: DisputeRow) -> str:
        if row.status != DisputeStatus.OPEN:
            return ""
        days = row.age_days(self.as_of)
        return "1 day" if days == 1 else f"{days} days"

    def _age_key(self, row: DisputeRow) -> int:
        return row.age_days(self.as_of) if row.status == DisputeStatus.OPEN else _NEVER

    def _age_tip(self, row: DisputeRow) -> str:
        if row.status != DisputeStatus.OPEN:
            return f"Ended on {format_day(row.resolved_on)}, after {row.age_days(self.as_of)} " \
                   f"days."
        if self.is_overdue(row):
            return (f"Open longer than {self.age_limit} days (Settings): settle it, reject it "
                    f"or ask the customer where things stand.")
        return f"Open {row.age_days(self.as_of)} of the {self.age_limit} days before Today " \
               f"lists it."

    def _amount_tip(self, row: DisputeRow) -> str:
        disputed = format_money(row.claimed_minor, row.currency)
        if row.status != DisputeStatus.OPEN:
            return f"{disputed} was disputed."
        now = format_money(row.disputed_minor, row.currency)
        return (f"{disputed} disputed; {now} of it is still open and not chased."
                if row.disputed_minor != row.claimed_minor else
                f"{disputed} disputed and not chased.")


class CaseLinesModel(RowsModel):
    """The chosen case's invoices: what is disputed of each, what is open on it now, and
    how much of that is in dispute now."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.currency = ""
        self.columns = (
            Column("Invoice", lambda r: r.number, lambda r: r.number),
            Column("Disputed", lambda r: format_money(r.claimed_minor, self.currency),
                   lambda r: r.claimed_minor, money=True),
            Column("Open now", lambda r: format_money(r.open_minor, self.currency),
                   lambda r: r.open_minor, money=True),
            Column("Not chased", lambda r: format_money(r.disputed_minor, self.currency)
                   if r.disputed_minor else "", lambda r: r.disputed_minor, money=True,
                   tooltip=lambda r: "In dispute now: not chased while the case is open"),
        )

    def row_key(self, row: Any) -> object:
        """An invoice of the case is known by its id."""
        return row.invoice_id

    def set_case(self, case: DisputeRow | None) -> None:
        """Show ``case``'s invoices (None: none)."""
        self.currency = case.currency if case is not None else ""
        lines: tuple[DisputedLine, ...] = case.lines if case is not None else ()
        self.set_rows(lines)


def note_words(note: CaseNote) -> str:
    """What a note says, or what file it keeps: "photo.jpg (120 KB)"."""
    if not note.file_name:
        return note.text
    size = f"{note.file_size / 1024:.0f} KB" if note.file_size < 1024 * 1024 else \
        f"{note.file_size / (1024 * 1024):.1f} MB"
    kept = f"File {note.file_name} ({size})"
    return f"{kept}: {note.text}" if note.text else kept


class CaseNotesModel(RowsModel):
    """The chosen case's notes and files, oldest first."""

    columns = (
        Column("Written", lambda r: f"{format_day(r.written_at.date())} "
                                    f"{r.written_at:%H:%M}", lambda r: (r.written_at, r.note_id)),
        Column("Note or file", lambda r: note_words(r).splitlines()[0] if note_words(r)
               else "", lambda r: note_words(r).casefold(), tooltip=note_words),
    )

    def row_key(self, row: Any) -> object:
        """A note is known by its id."""
        return row.note_id


class CreditLinesModel(QAbstractTableModel):
    """The invoices of the case being settled by credit note: what is in dispute of each,
    and the credit typed against it (first: all of it)."""

    TITLES = ("Invoice", "In dispute", "Credit")

    def __init__(self, lines: tuple[DisputedLine, ...], currency: str,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.currency = currency
        self._lines = [line for line in lines if line.disputed_minor > 0]
        self._typed = [str(from_minor(line.disputed_minor, currency)) for line in self._lines]

    def credits_typed(self) -> list[tuple[DisputedLine, str]]:
        """Each invoice with the credit typed against it ("" or 0: none)."""
        return list(zip(self._lines, self._typed, strict=True))

    def set_typed(self, position: int, text: str) -> None:
        """Type ``text`` as the credit on the invoice at ``position``."""
        self.setData(self.index(position, 2), text, EDIT)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """The invoices with something in dispute."""
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """Invoice, in dispute, credit."""
        return 0 if parent.isValid() else len(self.TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        """Column titles; the amounts right-aligned like their cells."""
        role = int(role)
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.TITLES):
            return None
        if role == DISPLAY:
            return self.TITLES[section]
        if role == ALIGN:
            return LEFT if section == 0 else RIGHT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """A cell's text; the credit as typed."""
        if not index.isValid():
            return None
        role, line = int(role), self._lines[index.row()]
        column = index.column()
        if role in (DISPLAY, EDIT):
            if column == 0:
                return line.number
            if column == 1:
                return format_money(line.disputed_minor, self.currency)
            return self._typed[index.row()]
        if role == ALIGN:
            return LEFT if column == 0 else RIGHT
        if role == TOOLTIP and column == 2:
            return "The credit on this invoice: up to what is in dispute; 0 for none"
        if role == FOREGROUND and column == 1:
            return QColor(QUIET)
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = EDIT) -> bool:
        """Keep the credit typed."""
        if not index.isValid() or int(role) != EDIT or index.column() != 2:
            return False
        self._typed[index.row()] = str(value).strip()
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """The credit can be typed."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == 2 else flags
