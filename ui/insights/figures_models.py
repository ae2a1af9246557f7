"""The tables beside the Insights charts: one currency's figures month by month (days
sales outstanding, collection effectiveness, aging), its top debtors, and the cash it
expects week by week. Each gives its rows as a spreadsheet :class:`Sheet` too (numbers
as numbers, dates as dates) for the CSV and XLSX exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt

from models.accounts import bucket_labels
from models.business_figures import FORMULAS, Debtor, ExpectedWeek, MonthFigures
from models.money import format_amount, from_minor
from reports.spreadsheet_xlsx import Sheet, XlsxCell
from ui.common.rows_model import DISPLAY, TOOLTIP, Column, RowsModel, format_day

_NONE = Decimal(-1)  # a figure with no value sorts before every real one


def month_label(month_end: dt.date) -> str:
    """A month as the charts' axis names it: "Oct 2026"."""
    return month_end.strftime("%b %Y")


def month_name(month_end: dt.date) -> str:
    """A month in full: "October 2026"."""
    return month_end.strftime("%B %Y")


def days_text(days: Decimal | None) -> str:
    """A count of days as the tables show it ("–" for no figure)."""
    return "–" if days is None else f"{days}"


def percent_text(value: Decimal | None) -> str:
    """A percentage as the tables show it ("–" for no figure)."""
    return "–" if value is None else f"{value}%"


def _raw(value: Decimal | None) -> Decimal:
    return _NONE if value is None else value


class FiguresModel(RowsModel):
    """A table of one currency's figures; each column may name its formula (a tooltip
    on its header) and says how its cell goes into a spreadsheet."""

    sheet_title = ""
    formulas: dict[int, str] = {}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.currency = ""

    def set_figures(self, currency: str, rows: Sequence[Any]) -> None:
        """Show ``rows``, all in ``currency``."""
        self.currency = currency
        self.set_rows(rows)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY) -> Any:
        """Column titles; a figure's header names its formula in a tooltip."""
        if (int(role) == TOOLTIP and orientation == Qt.Orientation.Horizontal
                and section in self.formulas):
            return self.formulas[section]
        return super().headerData(section, orientation, role)

    def cells(self, row: Any) -> list[XlsxCell]:
        """One row as spreadsheet cells."""
        raise NotImplementedError

    def sheet(self) -> Sheet:
        """The rows shown, in the order shown, as a spreadsheet table."""
        title = f"{self.sheet_title} {self.currency}".strip()
        return Sheet(title, self.header(), [self.cells(row) for row in self.rows()])

    def header(self) -> list[str]:
        """The spreadsheet's column titles."""
        return [column.title for column in self.columns]

    def _money(self, minor: int) -> str:
        return format_amount(minor, self.currency)

    def _decimal(self, minor: int) -> Decimal:
        return from_minor(minor, self.currency)


class DsoModel(FiguresModel):
    """Days sales outstanding month by month: count-back, standard, best possible, and
    the average days delinquent."""

    row_key = staticmethod(lambda row: row.month_end)  # type: ignore[assignment]
    sheet_title = "DSO"
    formulas = {1: "DSO by count-back. " + FORMULAS["dso"],
                2: "DSO by the standard formula: " + FORMULAS["dso_standard"],
                3: "Best possible DSO by count-back: " + FORMULAS["best_possible_dso"],
                4: "Best possible DSO by the standard formula: "
                   + FORMULAS["best_possible_dso_standard"],
                5: "Average days delinquent: " + FORMULAS["average_days_delinquent"]}
    columns = (
        Column("Month", lambda r: month_label(r.month_end), lambda r: r.month_end),
        Column("DSO", lambda r: days_text(r.dso), lambda r: _raw(r.dso), money=True),
        Column("DSO (std)", lambda r: days_text(r.dso_standard),
               lambda r: _raw(r.dso_standard), money=True),
        Column("Best DSO", lambda r: days_text(r.best_possible_dso),
               lambda r: _raw(r.best_possible_dso), money=True),
        Column("Best (std)", lambda r: days_text(r.best_possible_dso_standard),
               lambda r: _raw(r.best_possible_dso_standard), money=True),
        Column("ADD", lambda r: days_text(r.average_days_delinquent),
               lambda r: _raw(r.average_days_delinquent), money=True),
    )

    def header(self) -> list[str]:
        """The spreadsheet's titles, in full."""
        return ["Month end", "DSO (count-back)", "DSO (standard)",
                "Best possible DSO (count-back)", "Best possible DSO (standard)",
                "Average days delinquent"]

    def cells(self, row: MonthFigures) -> list[XlsxCell]:
        """A month's days as numbers."""
        return [row.month_end, row.dso, row.dso_standard, row.best_possible_dso,
                row.best_possible_dso_standard, row.average_days_delinquent]


class CeiModel(FiguresModel):
    """The collection effectiveness index month by month, with what it is worked from."""

    row_key = staticmethod(lambda row: row.month_end)  # type: ignore[assignment]
    sheet_title = "CEI"
    formulas = {2: "A/R at the month end: what was open on the invoices issued by then",
                3: "Current A/R: the part of the A/R not yet due at the month end",
                4: "Collection effectiveness index: " + FORMULAS["cei"]}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column("Month", lambda r: month_label(r.month_end), lambda r: r.month_end),
            Column("Credit sales", lambda r: self._money(r.credit_sales_minor),
                   lambda r: r.credit_sales_minor, money=True),
            Column("A/R", lambda r: self._money(r.receivables_minor),
                   lambda r: r.receivables_minor, money=True),
            Column("Current", lambda r: self._money(r.current_minor),
                   lambda r: r.current_minor, money=True),
            Column("CEI", lambda r: percent_text(r.cei), lambda r: _raw(r.cei), money=True),
        )

    def header(self) -> list[str]:
        """The spreadsheet's titles, in full."""
        return ["Month end", "Credit sales", "A/R at the month end", "Current A/R", "CEI %"]

    def cells(self, row: MonthFigures) -> list[XlsxCell]:
        """A month's amounts and index as numbers."""
        return [row.month_end, self._decimal(row.credit_sales_minor),
                self._decimal(row.receivables_minor), self._decimal(row.current_minor),
                row.cei]


class AgingModel(FiguresModel):
    """What was owed at each month end, by age."""

    row_key = staticmethod(lambda row: row.month_end)  # type: ignore[assignment]
    sheet_title = "Aging"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        buckets = tuple(
            Column(label, lambda r, n=n: self._money(r.aging[n]), lambda r, n=n: r.aging[n],
                   money=True)
            for n, label in enumerate(bucket_labels()))
        self.columns = (
            Column("Month", lambda r: month_label(r.month_end), lambda r: r.month_end),
            *buckets,
            Column("A/R", lambda r: self._money(r.receivables_minor),
                   lambda r: r.receivables_minor, money=True),
        )

    def header(self) -> list[str]:
        """The spreadsheet's titles."""
        return ["Month end", *super().header()[1:]]

    def cells(self, row: MonthFigures) -> list[XlsxCell]:
        """A month's buckets as amounts."""
        return [row.month_end, *(self._decimal(b) for b in row.aging),
                self._decimal(row.receivables_minor)]


class DebtorsModel(FiguresModel):
    """The customers who owe most, with their balance at each of the last month ends and
    how much it moved since the first of them."""

    row_key = staticmethod(lambda row: row.customer_id)  # type: ignore[assignment]
    sheet_title = "Top debtors"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ends: tuple[dt.date, ...] = ()
        self._shape()

    def set_figures(self, currency: str, rows: Sequence[Any]) -> None:
        """Show ``rows`` (debtors in ``currency``), a column for each month of their
        history."""
        ends = tuple(day for day, _ in rows[0].history) if rows else ()
        if ends != self._ends:
            self.beginResetModel()
            self._ends = ends
            self._shape()
            self.endResetModel()
        super().set_figures(currency, rows)

    def month_ends(self) -> tuple[dt.date, ...]:
        """The month ends of the history columns, oldest first."""
        return self._ends

    def _shape(self) -> None:
        history = tuple(
            Column(month_label(day), lambda r, n=n: self._money(r.history[n][1]),
                   lambda r, n=n: r.history[n][1], money=True)
            for n, day in enumerate(self._ends))
        self.columns = (
            Column("Customer", lambda r: r.name, lambda r: r.name.casefold(),
                   tooltip=lambda r: f"{r.name} ({r.code})"),
            Column("Balance", lambda r: self._money(r.balance_minor),
                   lambda r: r.balance_minor, money=True),
            Column("Overdue", lambda r: self._money(r.overdue_minor),
                   lambda r: r.overdue_minor, money=True),
            *history,
            Column("Moved", lambda r: self._moved_text(r), moved, money=True,
                   tooltip=lambda r: self._moved_tip(r)),
        )

    def _moved_text(self, row: Debtor) -> str:
        change = moved(row)
        return ("+" if change > 0 else "") + self._money(change)

    def _moved_tip(self, row: Debtor) -> str:
        if not row.history:
            return ""
        first = row.history[0][0]
        return (f"{row.name}'s balance now less their balance at the end of "
                f"{month_name(first)}")

    def cells(self, row: Debtor) -> list[XlsxCell]:
        """A debtor's balances as amounts."""
        return [row.name, self._decimal(row.balance_minor), self._decimal(row.overdue_minor),
                *(self._decimal(balance) for _, balance in row.history),
                self._decimal(moved(row))]


def moved(debtor: Debtor) -> int:
    """How much a debtor's balance moved: now, less at the first month end shown."""
    return debtor.balance_minor - (debtor.history[0][1] if debtor.history else 0)


class CashModel(FiguresModel):
    """The cash expected week by week, by where it comes from."""

    row_key = staticmethod(lambda row: row.first_day)  # type: ignore[assignment]
    sheet_title = "Cash expected"
    formulas = {3: FORMULAS["usual_delay"]}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column("Week", lambda r: f"{format_day(r.first_day)} – {format_day(r.last_day)}",
                   lambda r: r.first_day),
            Column("Promised", lambda r: self._money(r.promised_minor),
                   lambda r: r.promised_minor, money=True),
            Column("Instalments", lambda r: self._money(r.instalments_minor),
                   lambda r: r.instalments_minor, money=True),
            Column("Usual delay", lambda r: self._money(r.usual_delay_minor),
                   lambda r: r.usual_delay_minor, money=True),
            Column("Total", lambda r: self._money(r.total_minor),
                   lambda r: r.total_minor, money=True),
        )

    def header(self) -> list[str]:
        """The spreadsheet's titles: a week is given by its first day."""
        return ["Week from", *super().header()[1:]]

    def cells(self, row: ExpectedWeek) -> list[XlsxCell]:
        """A week's amounts as numbers."""
        return [row.first_day, *(self._decimal(m) for m in (
            row.promised_minor, row.instalments_minor, row.usual_delay_minor,
            row.total_minor))]
