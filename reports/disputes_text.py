"""The dispute cases as text for a terminal: each case, how old it is, what is in dispute
and what the customer said."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from models.disputes import DisputeRow
from models.kinds import DisputeCategory, DisputeStatus
from models.money import format_money
from models.terminal_text import safe_for_terminal
from reports.text_table import text_table

_SAID_WIDTH = 60  # what the customer said, cut to a line


def disputes_table(rows: Sequence[DisputeRow], as_of: dt.date, heading: str) -> str:
    """A plain-text table of the cases (age in days as of ``as_of``, to the day a closed
    case ended), with the amounts in dispute per currency underneath."""
    out = [heading, ""]
    if not rows:
        return "\n".join([*out, "No disputes."]) + "\n"
    header = ["Case", "Raised", "Days", "Customer", "Category", "Status", "Invoices",
              "Disputed", "The customer said"]
    lines = []
    for row in rows:
        said = safe_for_terminal(" ".join(row.customer_said.split()))
        if len(said) > _SAID_WIDTH:
            said = said[:_SAID_WIDTH - 1] + "…"
        amount = row.disputed_minor if row.status == DisputeStatus.OPEN else row.claimed_minor
        lines.append([f"#{row.case_id}", row.raised_on.isoformat(), str(row.age_days(as_of)),
                      safe_for_terminal(row.customer_name),
                      DisputeCategory.word_for(row.category),
                      DisputeStatus.word_for(row.status),
                      ", ".join(line.number for line in row.lines),
                      format_money(amount, row.currency), said])
    out += text_table(header, lines, {2, 7})
    totals: dict[str, int] = {}
    for row in rows:
        if row.status == DisputeStatus.OPEN:
            totals[row.currency] = totals.get(row.currency, 0) + row.disputed_minor
    out += [""] + [f"In dispute now: {format_money(total, currency)}"
                   for currency, total in sorted(totals.items())]
    return "\n".join(out) + "\n"
