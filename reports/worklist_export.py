"""The Today worklist as text for a terminal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from models.daily import DaySettled
from models.money import format_money
from models.today import WorkItem, worklist_summary
from reports.text_table import text_table


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
