"""The overdue list leaves Duly as a readable table or as spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io

from models import db
from models.accounts import overdue_accounts
from models.ledger import CustomerDraft, add_customer
from reports.accounts_export import overdue_table, safe_cell, write_overdue_csv
from tests.unit.ledger_helpers import TODAY, invoice


def test_formula_cells_are_neutralised_and_numbers_kept() -> None:
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_cell("+1+1") == "'+1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("\tcmd") == "'\tcmd"
    assert safe_cell("-12.50") == "-12.50"
    assert safe_cell("Müller GmbH") == "Müller GmbH"


def test_a_hostile_customer_name_reaches_the_spreadsheet_as_text(empty_store: db.Store) -> None:
    who = add_customer(CustomerDraft(code="=1+1", name="=cmd|' /C calc'!A0", currency="GBP"))
    invoice(who, 12_50, due_days_ago=40)
    out = io.StringIO()
    write_overdue_csv(overdue_accounts(TODAY, today=TODAY), out)
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    assert header[:5] == ["Code", "Customer", "Currency", "Balance", "Overdue"]
    assert row[:5] == ["'=1+1", "'=cmd|' /C calc'!A0", "GBP", "12.50", "12.50"]
    assert row[header.index("31–60")] == "12.50"


def test_the_table_lists_each_account_and_totals_per_currency(demo_store: db.Store) -> None:
    rows = overdue_accounts(TODAY, today=TODAY)
    text = overdue_table(rows, TODAY)
    for row in rows:
        assert row.name in text
    assert "Total overdue" in text and "EUR" in text and "GBP" in text
