"""The overdue list as text for a terminal, or as CSV or XLSX for a spreadsheet.

The CSV is written by ``reports.spreadsheet_csv``: text quoted and never run as a
formula, amounts, days and dates as bare numbers and dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from models.accounts import AccountRow, bucket_labels, currency_totals
from models.money import format_amount, format_money, from_minor
from reports.spreadsheet_csv import Cell, write_csv
from reports.text_table import text_table

if TYPE_CHECKING:
    from reports.spreadsheet_xlsx import Sheet


def flags(row: AccountRow) -> str:
    """The account's flags in words: "on hold, disputed, plan, promise, agency"."""
    words = [("on hold", row.on_hold), ("disputed", row.disputed_minor > 0),
             ("plan", row.has_plan), ("promise", row.has_open_promise),
             ("agency", row.with_agency)]
    return ", ".join(word for word, present in words if present)


def _cells(row: AccountRow) -> list[Cell]:
    money = [from_minor(m, row.currency) for m in (row.balance_minor, row.overdue_minor,
                                                   *row.buckets)]
    return [row.code, row.name, row.currency, *money, row.oldest_days_overdue,
            row.last_contact_on, row.last_contact_kind, row.next_action_on,
            flags(row)]


def _header(edges: Sequence[int]) -> list[str]:
    return ["Code", "Customer", "Currency", "Balance", "Overdue", *bucket_labels(edges),
            "Days overdue", "Last contact", "Contact kind", "Next action", "Flags"]


def accounts_sheet(rows: Iterable[AccountRow], as_of: dt.date | None = None,
                   edges: Sequence[int] = (30, 60, 90)) -> Sheet:
    """The accounts as one table, in the order given: code, customer, currency, balance,
    overdue, each aging bucket, days overdue, last contact, next action and flags;
    amounts as numbers in the currency's decimals, dates as dates. Titled with
    ``as_of`` ("Overdue 2026-11-24") when given. The command line's CSV and XLSX and
    the window's exports all use it."""
    # Imported here: the table on the screen (`duly overdue`) builds no sheet.
    from reports.spreadsheet_xlsx import Sheet

    title = f"Overdue {as_of.isoformat()}" if as_of is not None else "Overdue"
    return Sheet(title, _header(edges), [_cells(row) for row in rows])


def write_overdue_csv(rows: Iterable[AccountRow], out: TextIO,
                      edges: Sequence[int] = (30, 60, 90)) -> None:
    """Write the accounts as CSV (comma separated, one header row), safe to open in
    any spreadsheet."""
    sheet = accounts_sheet(rows, edges=edges)
    write_csv(out, sheet.header, sheet.rows)


def write_overdue_xlsx(rows: Iterable[AccountRow], out: BinaryIO | str | Path, as_of: dt.date,
                       edges: Sequence[int] = (30, 60, 90)) -> None:
    """Write the accounts as a spreadsheet (the same columns as the CSV): amounts as
    numbers, dates as dates, text never run as a formula."""
    from reports.spreadsheet_xlsx import write_xlsx  # openpyxl only when writing

    write_xlsx(out, [accounts_sheet(rows, as_of, edges)])


def overdue_table(rows: Sequence[AccountRow], as_of: dt.date,
                  edges: Sequence[int] = (30, 60, 90)) -> str:
    """A plain-text table of the accounts with per-currency totals underneath."""
    header = ["Customer", "Cur", "Overdue", *bucket_labels(edges)[1:], "Days", "Last contact",
              "Flags"]
    lines = [[r.name, r.currency, format_amount(r.overdue_minor, r.currency),
              *(format_amount(b, r.currency) for b in r.buckets[1:]),
              str(r.oldest_days_overdue),
              f"{r.last_contact_on} {r.last_contact_kind}" if r.last_contact_on else "",
              flags(r)] for r in rows]
    numeric = set(range(2, 3 + len(edges) + 2))
    out = [f"Overdue accounts as of {as_of.isoformat()}", "",
           *text_table(header, lines, numeric), ""]
    for total in currency_totals(rows):
        out.append(f"Total overdue {format_money(total.overdue_minor, total.currency)} "
                   f"in {total.accounts} account(s)")
    if not rows:
        out.append("Nothing is overdue.")
    return "\n".join(out) + "\n"
