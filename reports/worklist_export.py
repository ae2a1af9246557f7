"""The Today worklist as text for a terminal, or as a table for a spreadsheet (CSV or
XLSX): one home for its columns, used by the command line and the window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from models.daily import DaySettled
from models.money import format_money, from_minor
from models.today import WorkItem, details_text, kind_text, worklist_summary
from reports.spreadsheet_xlsx import Sheet, XlsxCell
from reports.text_table import text_table

WORKLIST_HEADER = ("What", "Customer", "Code", "Due since", "Days waiting", "Currency",
                   "Amount", "Details")


def worklist_sheet(items: Iterable[WorkItem], as_of: dt.date) -> Sheet:
    """The work items as one table, in the order given: what to do, the customer and
    their code, the day it came due and the days it has waited, the currency and the
    amount (a number in the currency's decimals; empty when the item has none), and its
    details. Titled "To do 2026-11-24"."""
    return Sheet(f"To do {as_of.isoformat()}", WORKLIST_HEADER,
                 [_cells(item) for item in items])


def _cells(item: WorkItem) -> list[XlsxCell]:
    amount = from_minor(item.amount_minor, item.currency) \
        if item.amount_minor is not None else None
    return [kind_text(item), item.customer_name, item.customer_code, item.due_on,
            item.days_waiting, item.currency if amount is not None else None, amount,
            details_text(item)]


def worklist_table(items: Sequence[WorkItem], as_of: dt.date,
                   settled: DaySettled | None = None) -> str:
    """A plain-text table of the day's work, most pressing first, with a summary; first
    what the day's settling did, if it did anything."""
    header = ["What", "Customer", "Due since", "Days", "Amount", "Details"]
    rows = [[item.title, f"{item.customer_name} ({item.customer_code})",
             item.due_on.isoformat(), str(item.days_waiting),
             format_money(item.amount_minor, item.currency)
             if item.amount_minor is not None else "", item.detail] for item in items]
    out = [f"To do on {as_of.isoformat()}", ""]
    if settled is not None and settled.changed:
        out += [*settled.lines(), ""]
    if rows:
        out += text_table(header, rows, right_aligned={3, 4})
        out.append("")
    out.append(worklist_summary(items) + ".")
    return "\n".join(out) + "\n"
