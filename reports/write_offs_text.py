"""The write-offs of a period as text for a terminal, or as CSV for the accountant:
each with its VAT share and the days UK bad-debt relief can be claimed between
(:mod:`models.write_offs` works them out).

The CSV is written by ``reports.spreadsheet_csv``: text quoted and never run as a
formula, amounts and dates as bare numbers and dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TextIO

from models.kinds import WriteOffReason
from models.money import format_amount, format_money, from_minor
from models.write_offs import WriteOffRow
from reports.spreadsheet_csv import Cell, write_csv
from reports.text_table import text_table

HEADER = ("Write-off", "Written off on", "Code", "Customer", "Invoice", "Invoice date",
          "Due date", "Currency", "Amount", "VAT rate %", "VAT share",
          "Relief claimable from", "Claim by", "Reason", "Notes", "Reversed on",
          "Reversal reason")
# Said under every listing: what the VAT columns rest on.
VAT_NOTE = ("VAT share: worked out from the gross amount at the rate given with each "
            "write-off (Duly keeps no tax amount on invoices). Relief dates: HMRC VAT Notice "
            "700/18, six months after the later of the due date and the date of supply "
            "(the invoice date), claimed within four years and six months of it. Relief "
            "claimed on a write-off later reversed is repaid for what was recovered.")


def write_off_cells(row: WriteOffRow) -> list[Cell]:
    """One write-off's row under ``HEADER``."""
    return [row.number, row.written_off_on, row.customer_code, row.customer_name,
            row.invoice_number, row.issue_date, row.due_date, row.currency,
            from_minor(row.amount_minor, row.currency), row.vat_percent,
            from_minor(row.vat_minor, row.currency) if row.vat_percent is not None else None,
            row.relief_from, row.relief_claim_by, WriteOffReason.word_for(row.reason),
            row.notes, row.reversed_on, row.reversal_reason]


def write_write_offs_csv(rows: Sequence[WriteOffRow], out: TextIO) -> None:
    """Write the write-offs as CSV (comma separated, one header row)."""
    write_csv(out, HEADER, (write_off_cells(row) for row in rows))


def write_offs_table(rows: Sequence[WriteOffRow], date_from: dt.date | None,
                     date_to: dt.date | None) -> str:
    """A plain-text table of the write-offs, totals per currency of those standing, and
    what the VAT figures rest on."""
    period = (f"from {date_from.isoformat() if date_from else 'the start'} to "
              f"{date_to.isoformat() if date_to else 'today'}")
    header = ["Write-off", "On", "Customer", "Invoice", "Amount", "VAT", "Relief from",
              "Reason", "Reversed"]
    lines = [[r.number, r.written_off_on.isoformat(), r.customer_name, r.invoice_number,
              format_money(r.amount_minor, r.currency),
              format_amount(r.vat_minor, r.currency) if r.vat_percent is not None else "",
              r.relief_from.isoformat(), WriteOffReason.word_for(r.reason),
              r.reversed_on.isoformat() if r.reversed_on else ""] for r in rows]
    out = [f"Write-offs {period}", ""]
    if not rows:
        return "\n".join([*out, "No write-offs in this period."]) + "\n"
    out += [*text_table(header, lines, {4, 5}), ""]
    totals: dict[str, list[int]] = {}
    for row in rows:
        if row.reversed_on is None:
            total = totals.setdefault(row.currency, [0, 0])
            total[0] += row.amount_minor
            total[1] += row.vat_minor
    for currency, (amount, vat) in sorted(totals.items()):
        out.append(f"Written off {format_money(amount, currency)}, of which VAT "
                   f"{format_money(vat, currency)}")
    out += ["", VAT_NOTE]
    return "\n".join(out) + "\n"
