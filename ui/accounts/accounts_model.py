"""The Accounts table: plain account rows that sort and filter themselves in Python.

The model keeps every :class:`~models.accounts.AccountRow` it was given and a
list of the row positions on show. Sorting orders positions by one
precomputed key per row (money as integers, dates as day numbers, names
case-folded), filtering keeps the positions that pass. At 10k rows this is a
few milliseconds, where a ``QSortFilterProxyModel`` calling back into Python
for every comparison takes over a second (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPainter, QPixmap

from models.accounts import DEFAULT_BUCKET_EDGES, AccountRow, CurrencyTotals, bucket_labels
from models.accounts import currency_totals as _currency_totals
from models.customer_class import Classification
from models.dates import short_date
from models.disputes import days_open
from models.kinds import ContactKind, CustomerClass
from models.money import format_money, from_minor
from ui.common.style import ERROR

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMN_CUSTOMER = 0
COLUMN_CURRENCY = 1
COLUMN_BALANCE = 2
COLUMN_OVERDUE = 3
BUCKET_COLUMNS = (4, 5, 6, 7, 8)  # current, 1–30, 31–60, 61–90, over 90
COLUMN_DAYS = 9
COLUMN_LAST_CONTACT = 10
COLUMN_NEXT_ACTION = 11
COLUMN_FLAGS = 12
COLUMN_CLASS = 13
COLUMN_COUNT = 14
MONEY_COLUMNS = (COLUMN_BALANCE, COLUMN_OVERDUE, *BUCKET_COLUMNS)

SORT_ROLE = int(Qt.ItemDataRole.UserRole)
"""The value a cell sorts by: an int for money, days, dates and flags, a str otherwise."""
CUSTOMER_ID_ROLE = SORT_ROLE + 1
"""The row's customer id (an int), on every column."""
ACCOUNT_ROLE = SORT_ROLE + 2
"""The row's :class:`AccountRow`, on every column (for Python callers of ``data()``)."""
FLAGS_ROLE = SORT_ROLE + 3
"""The row's flags as a tuple of :class:`AccountFlag` (for Python callers of ``data()``)."""

# Roles compared as plain ints: comparing PySide6 enums costs ~100x more, and
# data() is called for every painted cell and role.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_HORIZONTAL = Qt.Orientation.Horizontal

_NEVER = -1  # day number of "never contacted": the longest ago
READING_CLASS = "…"  # the class column while the classes are being read
_CLASS_RANK = {kind: rank for rank, kind in enumerate(CustomerClass)}  # as kinds.py lists them
_NOTHING_PLANNED = dt.date.max.toordinal() + 1  # no follow-up planned: after any date



class AccountFlag(enum.Enum):
    """Something about an account that changes how it is chased."""

    ON_HOLD = "on_hold"
    DISPUTED = "disputed"
    AGENCY = "agency"
    PLAN = "plan"
    PROMISE = "promise"

    @property
    def word(self) -> str:
        """The short word shown in the table."""
        return _FLAG_WORDS[self]

    @property
    def title(self) -> str:
        """The longer name used in menus."""
        return _FLAG_TITLES[self]


_FLAG_WORDS = {AccountFlag.ON_HOLD: "On hold", AccountFlag.DISPUTED: "Disputed",
               AccountFlag.AGENCY: "Agency", AccountFlag.PLAN: "Plan",
               AccountFlag.PROMISE: "Promise"}
_FLAG_TITLES = {AccountFlag.ON_HOLD: "On hold", AccountFlag.DISPUTED: "Disputed",
                AccountFlag.AGENCY: "With an agency", AccountFlag.PLAN: "Payment plan",
                AccountFlag.PROMISE: "Promise to pay"}
FLAGS: tuple[AccountFlag, ...] = tuple(AccountFlag)
BADGE_COLOURS = {  # (fill, text): light tints that read on light and dark tables
    AccountFlag.ON_HOLD: ("#E6E8EB", "#3C4043"),
    AccountFlag.DISPUTED: ("#FBE3E1", "#A1231B"),
    AccountFlag.AGENCY: ("#F1E6FA", "#6A1B9A"),
    AccountFlag.PLAN: ("#DDF0EC", "#0B6654"),
    AccountFlag.PROMISE: ("#E3ECFB", "#1A4F9C"),
}
# Earlier flags weigh more, so sorting by flags puts the weightiest first (descending).
_FLAG_BITS = {flag: 1 << (len(FLAGS) - 1 - position) for position, flag in enumerate(FLAGS)}


def account_flags(row: AccountRow) -> tuple[AccountFlag, ...]:
    """The flags that apply to ``row``, weightiest first."""
    present = {AccountFlag.ON_HOLD: row.on_hold, AccountFlag.DISPUTED: row.disputed_minor > 0,
               AccountFlag.AGENCY: row.with_agency, AccountFlag.PLAN: row.has_plan,
               AccountFlag.PROMISE: row.has_open_promise}
    return tuple(flag for flag in FLAGS if present[flag])


def flag_badges(flags: Sequence[AccountFlag], font: QFont, pixel_ratio: float) -> QPixmap:
    """A picture of ``flags`` as small rounded badges, side by side.

    The table shows it as the cell's decoration, drawn by Qt: painting
    badges in a Python delegate would run Python for every cell repaint.
    """
    small = QFont(font)
    small.setPointSizeF(small.pointSizeF() * 0.9)
    metrics = QFontMetrics(small)
    height = metrics.height() + 2
    widths = [metrics.horizontalAdvance(flag.word) + 12 for flag in flags]
    width = sum(widths) + 4 * (len(flags) - 1)
    pixmap = QPixmap(round(width * pixel_ratio), round(height * pixel_ratio))
    pixmap.setDevicePixelRatio(pixel_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(small)
    x = 0
    for flag, badge_width in zip(flags, widths, strict=True):
        fill, text = BADGE_COLOURS[flag]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(x, 0, badge_width, height, height / 2, height / 2)
        painter.setPen(QColor(text))
        painter.drawText(x, 0, badge_width, height, int(Qt.AlignmentFlag.AlignCenter), flag.word)
        x += badge_width + 4
    painter.end()
    return pixmap


def flag_tip(flag: AccountFlag, row: AccountRow, plan: str = "",
             as_of: dt.date | None = None) -> str:
    """One sentence on what ``flag`` means for ``row`` (``plan``: how its payment plan
    stands, "on plan: 3 of 6 paid, next 250.00 GBP on 15 Jan 2027"; ``as_of``: the day
    the oldest open dispute's age is counted to)."""
    if flag is AccountFlag.ON_HOLD:
        return "On hold: reminders to this customer are paused."
    if flag is AccountFlag.DISPUTED:
        since = ""
        if row.dispute_raised_on is not None and as_of is not None:
            since = (f", raised {_days(days_open(row.dispute_raised_on, as_of))} ago "
                     f"({short_date(row.dispute_raised_on)})")
        return (f"Disputed: {format_money(row.disputed_minor, row.currency)} is in dispute "
                f"and is not chased{since}.")
    if flag is AccountFlag.AGENCY:
        return "With an agency: invoices have been referred to a collection agency."
    if flag is AccountFlag.PLAN:
        if plan:
            return f"Payment plan: {plan}."
        return "Payment plan: the customer is paying by agreed instalments."
    return "Promise to pay: the customer has promised a payment that is not yet due or kept."


def amount_text(minor: int, currency: str) -> str:
    """An amount without its currency code (the row shows the currency once)."""
    return f"{from_minor(minor, currency):,}"


def short_date_text(day: dt.date, as_of: dt.date | None) -> str:
    """A date without its year when that is the as-of date's year: 24 Nov."""
    if as_of is not None and day.year == as_of.year:
        return f"{day.day} {day:%b}"
    return short_date(day)


@dataclass(frozen=True)
class AccountFilter:
    """Which accounts to show; empty fields do not filter.

    ``text`` matches part of a customer's name or code, ignoring case; the
    customers in ``invoice_customers`` (those with an invoice number
    containing the text, looked up in the store) match it too. ``bucket`` is
    an aging bucket's position (0 = current … 4 = the oldest): accounts with
    money in it.
    """

    text: str = ""
    bucket: int | None = None
    flag: AccountFlag | None = None
    currency: str | None = None
    invoice_customers: frozenset[int] = frozenset()
    customer_class: CustomerClass | None = None  # none pass until the classes are read

    def is_empty(self) -> bool:
        """Whether every account passes."""
        return (not self.text.strip() and self.bucket is None and self.flag is None
                and not self.currency and self.customer_class is None)


class AccountsModel(QAbstractTableModel):
    """Accounts in a table: one row per customer and currency, sorted and filtered here."""

    def __init__(self, parent: QObject | None = None, *,
                 edges: Sequence[int] = DEFAULT_BUCKET_EDGES) -> None:
        super().__init__(parent)
        self._headers = ("Customer", "Currency", "Balance", "Overdue", *bucket_labels(edges),
                         "Days late", "Last contact", "Next action", "Flags", "Class")
        self._header_tips = (
            "Customer name (the code is in the tooltip)",
            "Each currency is its own account; amounts are never added across currencies",
            "Open invoices less unallocated payments and credit",
            "Open invoices past their due date",
            "Open invoices not yet due",
            *(f"Open invoices {label} days past their due date"
              for label in bucket_labels(edges)[1:-1]),
            f"Open invoices more than {edges[-1]} days past their due date",
            "Days since the oldest overdue invoice fell due",
            "The latest call, e-mail, letter or note, and its kind",
            "The earliest follow-up still to do (red when it is late)",
            "On hold, disputed, with an agency, on a payment plan, or promised to pay",
            "How the customer pays, from their history (why, in each cell's tooltip)",
        )
        self._rows: list[AccountRow] = []
        self._as_of: dt.date | None = None
        self._base: list[int] = []  # positions ordered by name: ties keep this order
        self._order: list[int] = []  # all positions in the current sort order
        self._visible: list[int] = []  # the positions on show, in order
        self._keys: dict[int, list[Any]] = {}
        self._cells: list[tuple[str, ...] | None] = []
        self._flags: list[tuple[AccountFlag, ...]] = []
        self._flag_bits: list[int] = []
        self._haystacks: list[str] | None = None
        self._filter = AccountFilter()
        self._sort_column = COLUMN_OVERDUE
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._late_colour = QColor(ERROR)
        self._badges: dict[int, QPixmap] = {}
        self._plans: dict[tuple[int, str], str] = {}
        self._classes: dict[int, Classification] = {}
        self._classes_as_of: dt.date | None = None

    # --- contents -------------------------------------------------------------

    def set_rows(self, rows: Sequence[AccountRow], as_of: dt.date | None = None,
                 plans: Mapping[tuple[int, str], str] | None = None) -> None:
        """Show ``rows`` (figures as of ``as_of``), keeping the sort and the filter;
        ``plans`` says how each account's payment plan stands, by customer and currency."""
        self.beginResetModel()
        self._plans = dict(plans or {})
        self._rows = list(rows)
        self._as_of = as_of
        self._keys = {}
        self._cells = [None] * len(self._rows)
        self._flags = [account_flags(row) for row in self._rows]
        self._flag_bits = [sum(_FLAG_BITS[flag] for flag in flags) for flags in self._flags]
        self._haystacks = None
        self._base = sorted(range(len(self._rows)), key=self._name_order)
        self._order = self._sorted_order()
        self._visible = self._filtered(self._order)
        self.endResetModel()

    def rows(self) -> list[AccountRow]:
        """Every account held, shown or not."""
        return list(self._rows)

    def visible_rows(self) -> list[AccountRow]:
        """The accounts on show, in table order."""
        rows = self._rows
        return [rows[position] for position in self._visible]

    def row_at(self, row: int) -> AccountRow:
        """The account on table row ``row``."""
        return self._rows[self._visible[row]]

    def cell_text(self, row: int, column: int) -> str:
        """The words of a cell on table row ``row`` (the flags as words)."""
        return self._text(self._visible[row], column)

    def row_of(self, customer_id: int, currency: str) -> int | None:
        """The table row of a customer's account in ``currency``, if it is on show."""
        rows = self._rows
        for row, position in enumerate(self._visible):
            account = rows[position]
            if account.customer_id == customer_id and account.currency == currency:
                return row
        return None

    @property
    def as_of(self) -> dt.date | None:
        """The date the figures are for."""
        return self._as_of

    def widest_amount(self, column: int) -> str:
        """The longest amount text ``column`` can show, for sizing it."""
        keys = self._sort_keys(column)
        if not keys:
            return ""
        biggest = max(range(len(keys)), key=lambda position: abs(keys[position]))
        sign = "-" if keys[biggest] < 0 else ""
        return sign + amount_text(abs(keys[biggest]), self._rows[biggest].currency)

    def currencies(self) -> list[str]:
        """The currencies of the accounts held, alphabetically."""
        return sorted({row.currency for row in self._rows})

    def totals(self) -> list[CurrencyTotals]:
        """Totals per currency of the accounts on show."""
        return _currency_totals(self.visible_rows())

    # --- filtering --------------------------------------------------------------

    @property
    def filter(self) -> AccountFilter:
        """The filter in force."""
        return self._filter

    def set_filter(self, account_filter: AccountFilter) -> None:
        """Show only the accounts that pass ``account_filter``."""
        if account_filter == self._filter:
            return
        self.beginResetModel()
        self._filter = account_filter
        self._visible = self._filtered(self._order)
        self.endResetModel()

    def _filtered(self, order: list[int]) -> list[int]:
        criteria = self._filter
        keep = order
        if criteria.currency:
            currency = criteria.currency
            rows = self._rows
            keep = [p for p in keep if rows[p].currency == currency]
        if criteria.bucket is not None:
            amounts = self._sort_keys(BUCKET_COLUMNS[criteria.bucket])
            keep = [p for p in keep if amounts[p] > 0]
        if criteria.flag is not None:
            bit, bits = _FLAG_BITS[criteria.flag], self._flag_bits
            keep = [p for p in keep if bits[p] & bit]
        if criteria.customer_class is not None:
            kinds = self._class_keys()
            rank = _CLASS_RANK[criteria.customer_class]
            keep = [p for p in keep if kinds[p] == rank]
        text = criteria.text.strip().casefold()
        if text:
            haystacks, rows = self._search_texts(), self._rows
            by_invoice = criteria.invoice_customers
            keep = [p for p in keep if text in haystacks[p]
                    or rows[p].customer_id in by_invoice]
        return keep

    def _search_texts(self) -> list[str]:
        if self._haystacks is None:
            # A separator no one types keeps a match from spanning two fields.
            self._haystacks = [f"{row.name}\x00{row.code}".casefold() for row in self._rows]
        return self._haystacks

    # --- sorting ----------------------------------------------------------------

    @property
    def sort_column(self) -> int:
        """The column the rows are sorted by (-1: by customer, unsorted by the user)."""
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        """The direction of the sort."""
        return self._sort_order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by ``column``'s raw values; rows that tie stay in name order."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        before = self._visible
        self._sort_column = column if 0 <= column < COLUMN_COUNT else -1
        self._sort_order = order
        self._order = self._sorted_order()
        self._visible = self._filtered(self._order)
        if persistent:
            row_now = {position: row for row, position in enumerate(self._visible)}
            moved = []
            for index in persistent:
                row = row_now.get(before[index.row()])
                moved.append(QModelIndex() if row is None
                             else self.index(row, index.column()))
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _sorted_order(self) -> list[int]:
        if self._sort_column < 0:
            return list(self._base)
        keys = self._sort_keys(self._sort_column)
        # Python's sort is stable in both directions: ties keep the name order.
        return sorted(self._base, key=keys.__getitem__,
                      reverse=self._sort_order == Qt.SortOrder.DescendingOrder)

    def _name_order(self, position: int) -> tuple[str, str, str]:
        row = self._rows[position]
        return (row.name.casefold(), row.code, row.currency)

    def _sort_keys(self, column: int) -> list[Any]:
        if column == COLUMN_CLASS:
            return self._class_keys()
        keys = self._keys.get(column)
        if keys is None:
            keys = self._keys[column] = _KEYS[column](self._rows, self._flag_bits)
        return keys

    # --- the customers' classes ---------------------------------------------------

    def set_classes(self, classes: Mapping[int, Classification], as_of: dt.date) -> None:
        """Show each customer's class (by customer id) as of ``as_of``; they show while
        that is the day of the figures, "…" otherwise (being read)."""
        self._classes = dict(classes)
        self._classes_as_of = as_of
        self._keys.pop(COLUMN_CLASS, None)
        if self._filter.customer_class is not None:
            self.beginResetModel()  # rows come and go
            self._order = self._sorted_order()
            self._visible = self._filtered(self._order)
            self.endResetModel()
        elif self._sort_column == COLUMN_CLASS:
            self.sort(self._sort_column, self._sort_order)
        elif self._visible:
            self.dataChanged.emit(self.index(0, COLUMN_CLASS),
                                  self.index(len(self._visible) - 1, COLUMN_CLASS))

    @property
    def classes_shown(self) -> bool:
        """Whether the classes on show are those of the figures' day."""
        return self._as_of is not None and self._classes_as_of == self._as_of

    def classification(self, customer_id: int) -> Classification | None:
        """The customer's class with its reasons, once read for the figures' day."""
        return self._classes.get(customer_id) if self.classes_shown else None

    def _class_keys(self) -> list[int]:
        keys = self._keys.get(COLUMN_CLASS)
        if keys is None:
            unknown = -1  # being read, or not a customer's: before every class
            shown = self._classes if self.classes_shown else {}
            keys = self._keys[COLUMN_CLASS] = [
                _CLASS_RANK[c.kind] if (c := shown.get(row.customer_id)) else unknown
                for row in self._rows]
        return keys

    def _class_text(self, customer_id: int) -> str:
        if not self.classes_shown:
            return READING_CLASS if self._rows else ""
        found = self._classes.get(customer_id)
        return found.kind.word if found is not None else ""

    def _class_tip(self, customer_id: int) -> str | None:
        found = self.classification(customer_id)
        if found is None:
            return "Reading how this customer pays…" if not self.classes_shown else None
        return f"{found.kind.word}:\n" + "\n".join(f"• {reason}" for reason in found.reasons)

    # --- Qt's model interface -----------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The number of accounts on show (a table: no children)."""
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The fourteen columns (a table: no children)."""
        return 0 if parent.isValid() else COLUMN_COUNT

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        """A cell's text, alignment, tooltip, colour, sort value, customer id or account."""
        role = int(role)
        row = index.row()
        if not 0 <= row < len(self._visible):
            return None
        position = self._visible[row]
        column = index.column()
        if role == _DISPLAY:
            # The flags column shows badges (its decoration); its words are for screen readers.
            return "" if column == COLUMN_FLAGS else self._text(position, column)
        if role == _ACCESSIBLE:
            return self._text(position, column)
        if role == _ALIGNMENT:
            return _RIGHT if column in _RIGHT_COLUMNS else _LEFT
        if role == SORT_ROLE:
            return self._sort_keys(column)[position]
        if role == CUSTOMER_ID_ROLE:
            return self._rows[position].customer_id
        if role == _TOOLTIP:
            return self._tooltip(position, column)
        if role == _FOREGROUND:
            if column == COLUMN_NEXT_ACTION and self._follow_up_late(position):
                return self._late_colour
            return None
        if role == _DECORATION:
            if column == COLUMN_FLAGS and self._flag_bits[position]:
                return self._badge_picture(position)
            return None
        if role == FLAGS_ROLE:
            return self._flags[position]
        if role == ACCOUNT_ROLE:
            return self._rows[position]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = _DISPLAY) -> Any:
        """Column titles, their alignment and what each column means."""
        role = int(role)
        if orientation != _HORIZONTAL:
            if role == _DISPLAY and 0 <= section < len(self._visible):
                return str(section + 1)
            return None
        if not 0 <= section < COLUMN_COUNT:
            return None
        if role == _DISPLAY:
            return self._headers[section]
        if role == _TOOLTIP:
            return self._header_tips[section]
        if role == _ALIGNMENT:
            return _RIGHT if section in _RIGHT_COLUMNS else _LEFT
        return None

    # --- cells ------------------------------------------------------------------

    def _cell_texts(self, position: int) -> tuple[str, ...]:
        texts = self._cells[position]
        if texts is None:
            texts = self._cells[position] = _format_row(self._rows[position],
                                                        self._flags[position], self._as_of)
        return texts

    def _text(self, position: int, column: int) -> str:
        if column == COLUMN_CLASS:
            return self._class_text(self._rows[position].customer_id)
        return self._cell_texts(position)[column]

    def _badge_picture(self, position: int) -> QPixmap:
        bits = self._flag_bits[position]
        picture = self._badges.get(bits)
        if picture is None:
            app = QGuiApplication.instance()
            ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
            picture = self._badges[bits] = flag_badges(
                self._flags[position], QGuiApplication.font(), ratio)
        return picture

    def _follow_up_late(self, position: int) -> bool:
        day = self._rows[position].next_action_on
        return day is not None and self._as_of is not None and day < self._as_of

    def _tooltip(self, position: int, column: int) -> str | None:
        row = self._rows[position]
        if column == COLUMN_CUSTOMER:
            return f"{row.name} ({row.code}): Enter or double-click opens the customer"
        if column == COLUMN_BALANCE and row.unallocated_minor:
            return (f"{format_money(row.balance_minor, row.currency)}, after "
                    f"{format_money(row.unallocated_minor, row.currency)} of payments or "
                    f"credit not yet allocated to invoices")
        if column in _MONEY_SET:
            return None
        if column == COLUMN_DAYS and row.oldest_days_overdue:
            return f"The oldest overdue invoice is {row.oldest_days_overdue} days late"
        if column == COLUMN_LAST_CONTACT:
            if row.last_contact_on is None:
                return "No contact recorded"
            ago = (self._as_of - row.last_contact_on).days if self._as_of else None
            kind = ContactKind.word_for(row.last_contact_kind).lower()
            when = f", {_days(ago)} before {short_date(self._as_of)}" if self._as_of and ago else ""
            return f"Last contact: {kind} on {short_date(row.last_contact_on)}{when}"
        if column == COLUMN_NEXT_ACTION:
            if row.next_action_on is None:
                return "No follow-up planned"
            if self._follow_up_late(position):
                return f"Follow-up was due on {short_date(row.next_action_on)}: it is late"
            return f"Follow-up planned for {short_date(row.next_action_on)}"
        if column == COLUMN_FLAGS and self._flags[position]:
            plan = self._plans.get((row.customer_id, row.currency), "")
            return "\n".join(flag_tip(flag, row, plan, self._as_of)
                             for flag in self._flags[position])
        if column == COLUMN_CLASS:
            return self._class_tip(row.customer_id)
        return None


_RIGHT_COLUMNS = frozenset((*MONEY_COLUMNS, COLUMN_DAYS))
_MONEY_SET = frozenset(MONEY_COLUMNS)


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _format_row(row: AccountRow, flags: tuple[AccountFlag, ...],
                as_of: dt.date | None) -> tuple[str, ...]:
    """The texts of a row's cells; empty aging buckets and zero days stay blank."""
    currency = row.currency
    contact = ""
    if row.last_contact_on is not None:
        kind = ContactKind.word_for(row.last_contact_kind)
        day = short_date_text(row.last_contact_on, as_of)
        contact = f"{day} · {kind}" if kind else day
    return (
        row.name,
        currency,
        amount_text(row.balance_minor, currency),
        amount_text(row.overdue_minor, currency),
        *(amount_text(amount, currency) if amount else "" for amount in row.buckets),
        str(row.oldest_days_overdue) if row.oldest_days_overdue else "",
        contact,
        short_date_text(row.next_action_on, as_of) if row.next_action_on is not None else "",
        ", ".join(flag.word for flag in flags),
    )


KeyMaker = Callable[[list[AccountRow], list[int]], list[Any]]


def _attribute_keys(name: str) -> KeyMaker:
    get = attrgetter(name)
    return lambda rows, _bits: list(map(get, rows))


def _bucket_keys(bucket: int) -> KeyMaker:
    return lambda rows, _bits: [row.buckets[bucket] for row in rows]


def _name_keys(rows: list[AccountRow], _bits: list[int]) -> list[Any]:
    return [row.name.casefold() for row in rows]


def _contact_keys(rows: list[AccountRow], _bits: list[int]) -> list[Any]:
    return [_NEVER if row.last_contact_on is None else row.last_contact_on.toordinal()
            for row in rows]


def _action_keys(rows: list[AccountRow], _bits: list[int]) -> list[Any]:
    return [_NOTHING_PLANNED if row.next_action_on is None else row.next_action_on.toordinal()
            for row in rows]


def _flag_keys(_rows: list[AccountRow], bits: list[int]) -> list[Any]:
    return list(bits)


_KEYS: dict[int, KeyMaker] = {
    COLUMN_CUSTOMER: _name_keys,
    COLUMN_CURRENCY: _attribute_keys("currency"),
    COLUMN_BALANCE: _attribute_keys("balance_minor"),
    COLUMN_OVERDUE: _attribute_keys("overdue_minor"),
    **{column: _bucket_keys(bucket) for bucket, column in enumerate(BUCKET_COLUMNS)},
    COLUMN_DAYS: _attribute_keys("oldest_days_overdue"),
    COLUMN_LAST_CONTACT: _contact_keys,
    COLUMN_NEXT_ACTION: _action_keys,
    COLUMN_FLAGS: _flag_keys,
}
