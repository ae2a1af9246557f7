"""The overdue list leaves Duly as a readable table or as spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from models import db
from models.accounts import AccountRow, overdue_accounts
from models.ledger import CustomerDraft, add_customer
from reports.accounts_export import overdue_table, write_overdue_csv
from tests.unit.ledger_helpers import TODAY, invoice

HOSTILE = ("Acme;=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")", "+1+1", "@SUM(A1)",
           "-2+3", "\tcmd", "\r=1", "Plain, =2+2", "Tab\t=3+3", "Two\nlines\n-4+4",
           'Quoted;"=5+5"', "Spaced; =6+6", "Müller GmbH")
# Where a spreadsheet starts a cell: at each separator some locale or paste splits on.
SEPARATORS = (",", ";", "\t")
RISKY = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def account(code: str, name: str, *, balance_minor: int = 12_50) -> AccountRow:
    """An account row as the overdue list gives it, with any text."""
    return AccountRow(
        customer_id=1, code=code, name=name, currency="GBP", balance_minor=balance_minor,
        overdue_minor=12_50, buckets=(0, 0, 12_50, 0, 0), oldest_days_overdue=40,
        unallocated_minor=0, disputed_minor=0, last_contact_on=dt.date(2026, 11, 2),
        last_contact_kind="call", next_action_on=None, on_hold=True, has_plan=False,
        has_open_promise=False, with_agency=False)


def exported(rows: list[AccountRow]) -> str:
    out = io.StringIO()
    write_overdue_csv(rows, out)
    return out.getvalue()


def risky_pieces(text: str) -> list[str]:
    """Every piece of the file a spreadsheet could take for a cell (read with csv, or
    split naively on each separator and line break) that it would run as a formula;
    a number Duly wrote is a number, not a formula."""
    found = []
    for separator in SEPARATORS:
        # Python's reader stops at a lone CR outside quotes; a spreadsheet ends the row.
        lines = io.StringIO(text if separator == "," else text.replace("\r", "\n"))
        cells = [c for row in csv.reader(lines, delimiter=separator) for c in row]
        naive = [p for line in re.split(r"\r|\n", text) for p in line.split(separator)]
        found += [piece for piece in cells + naive
                  if piece.lstrip(' "').startswith(RISKY) and not NUMBER.fullmatch(piece)]
    return found


def test_no_piece_of_a_hostile_name_starts_a_formula_in_any_spreadsheet() -> None:
    rows = [account(f"C{i}", name) for i, name in enumerate(HOSTILE)]
    rows += [account(name, "Code as text") for name in HOSTILE]
    rows.append(account("C99", "A credit", balance_minor=-7_25))
    text = exported(rows)
    assert risky_pieces(text) == []
    header, *read = list(csv.reader(io.StringIO(text)))
    # Each reads back as written, with an apostrophe before each piece that was risky.
    neutral = ["Acme;'=cmd|' /C calc'!A0", "'=HYPERLINK(\"http://x\")", "'+1+1", "'@SUM(A1)",
               "'-2+3", "'\tcmd", "'\r'=1", "Plain,' =2+2", "Tab\t'=3+3",
               "Two\nlines\n'-4+4", "Quoted;'\"=5+5\"", "Spaced;' =6+6", "Müller GmbH"]
    assert [row[header.index("Customer")] for row in read[:len(HOSTILE)]] == neutral
    assert [row[header.index("Code")] for row in read[len(HOSTILE):-1]] == neutral
    assert read[-1][header.index("Balance")] == "-7.25"


def test_amounts_days_and_dates_stay_numbers_and_text_is_quoted() -> None:
    text = exported([account("C1", "Fenwick Ltd", balance_minor=-7_25)])
    header_line, line = text.splitlines()
    assert header_line.startswith('"Code","Customer","Currency","Balance","Overdue"')
    # Text in quotes; amounts, days and dates bare, so a spreadsheet reads them as values.
    assert line == '"C1","Fenwick Ltd","GBP",-7.25,12.50,0.00,0.00,12.50,0.00,0.00,40,' \
                   '2026-11-02,"call",,"on hold"'


def test_a_hostile_customer_name_reaches_the_spreadsheet_as_text(empty_store: db.Store) -> None:
    who = add_customer(CustomerDraft(code="=1+1", name="Acme;=cmd|' /C calc'!A0",
                                     currency="GBP"))
    invoice(who, 12_50, due_days_ago=40)
    text = exported(overdue_accounts(TODAY, today=TODAY))
    assert risky_pieces(text) == []
    header, row = list(csv.reader(io.StringIO(text)))
    assert header[:5] == ["Code", "Customer", "Currency", "Balance", "Overdue"]
    assert row[:5] == ["'=1+1", "Acme;'=cmd|' /C calc'!A0", "GBP", "12.50", "12.50"]
    assert row[header.index("31–60")] == "12.50"


def test_the_table_lists_each_account_and_totals_per_currency(demo_store: db.Store) -> None:
    rows = overdue_accounts(TODAY, today=TODAY)
    text = overdue_table(rows, TODAY)
    for row in rows:
        assert row.name in text
    assert "Total overdue" in text and "EUR" in text and "GBP" in text
