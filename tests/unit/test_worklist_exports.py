"""Today's work list on the command line as CSV, XLSX and a PDF to print, and the
tables both the command line and the window export: each file read back as a user's
program would."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from main import main
from models import db
from models.accounts import overdue_accounts
from models.company import create_business
from models.today import STAGE_ACTION, worklist
from reports.accounts_export import accounts_sheet, write_overdue_csv
from reports.aging_report import aging_report_data, render_aging_report
from reports.worklist_export import WORKLIST_HEADER, worklist_sheet
from reports.worklist_report import render_worklist_report, worklist_report_data
from tests.conftest import DEMO_TODAY
from tests.helpers import pdf_pages
from tests.unit.ledger_helpers import TODAY, customer, invoice

AS_OF = TODAY.isoformat()
RISKY = "=HYPERLINK(\"http://evil.example\",\"Click\")"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A closed store with two reminders due: one to a customer in pounds whose name a
    spreadsheet would run as a formula, one in euros."""
    path = tmp_path / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        invoice(customer(RISKY), 1_234_50, due_days_ago=3)
        invoice(customer("Bäckerei Müller GmbH", "EUR"), 700_00, due_days_ago=2)
        return path
    finally:
        store.close()


def test_the_days_work_as_csv_on_the_screen(shop: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(shop), "today", "--as-of", AS_OF, "--format", "csv"]) == 0
    text = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(WORKLIST_HEADER)
    by_customer = {row[1]: row for row in rows[1:]}
    euro = by_customer["Bäckerei Müller GmbH"]
    assert euro[0] == "Payment overdue (e-mail)"
    assert euro[3] == "2026-11-23" and euro[4] == "1"
    assert euro[5] == "EUR" and Decimal(euro[6]) == Decimal("700.00")
    assert '"EUR",700.00,' in text  # the amount bare: a spreadsheet reads a number
    risky = next(row for name, row in by_customer.items() if "HYPERLINK" in name)
    assert not risky[1].startswith("=")  # never run as a formula


def test_the_days_work_as_a_spreadsheet(shop: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "today.xlsx"
    assert main(["--db", str(shop), "today", "--as-of", AS_OF, "--format", "xlsx",
                 "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"Wrote 2 item(s) to do on {AS_OF} to {out}.\n"
    sheet = load_workbook(out).active
    assert sheet.title == f"To do {AS_OF}"
    assert [c.value for c in sheet[1]] == list(WORKLIST_HEADER)
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    risky = rows[RISKY]
    assert risky[1].data_type == "s" and risky[1].quotePrefix
    assert risky[3].is_date and risky[3].value.date() == dt.date(2026, 11, 22)
    assert risky[4].value == 2 and risky[4].data_type == "n"
    assert risky[6].value == 1234.5 and risky[6].number_format == "#,##0.00"


def test_the_days_work_as_a_pdf_to_print(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "today.pdf"
    assert main(["--db", str(shop), "today", "--as-of", AS_OF, "--format", "pdf",
                 "--out", str(out)]) == 0
    text = "\n".join(page for page, _ in pdf_pages(out.read_bytes()))
    assert "Work list for 24 November 2026" in text
    assert "Harbour & Finch Ltd" in text and "2 to do: 2 reminders due" in text
    assert "Bäckerei Müller" in text and "700.00 EUR" in text
    assert "1,234.50" in text and "2 days" in text and "22 Nov 2026" in text
    assert "Page 1 of 1" in text


@pytest.mark.parametrize("arguments, words", [
    (["--format", "pdf"], "add --out FILE"),
    (["--format", "xlsx"], "add --out FILE"),
    (["--format", "csv", "--out", "x.csv"], "--out is for --format xlsx or pdf"),
])
def test_a_file_format_needs_a_file_and_the_screen_none(
        shop: Path, capsys: pytest.CaptureFixture[str], arguments: list[str],
        words: str) -> None:
    assert main(["--db", str(shop), "today", "--as-of", AS_OF, *arguments]) == 2
    assert words in capsys.readouterr().err


def test_a_long_work_list_runs_on_with_its_head_and_page_numbers(demo_store: db.Store,
                                                                 tmp_path: Path) -> None:
    items = worklist(DEMO_TODAY) * 4
    out = tmp_path / "long.pdf"
    pages = render_worklist_report(worklist_report_data(DEMO_TODAY, items, today=DEMO_TODAY),
                                   out)
    read = pdf_pages(out.read_bytes())
    assert pages == len(read) > 1
    assert f"Page 2 of {pages}" in read[1][0]
    assert "Work list for 24 November 2026" in read[1][0]  # the running head
    assert "What" in read[1][0] and "Amount" in read[1][0]  # the heading repeated


def test_an_empty_work_list_says_so(empty_store: db.Store, tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    render_worklist_report(worklist_report_data(TODAY, [], today=TODAY), out)
    text = pdf_pages(out.read_bytes())[0][0]
    assert "Nothing to do" in text and "Page 1 of 1" in text


def test_the_work_list_sheet_keeps_the_order_given(demo_store: db.Store) -> None:
    items = list(reversed(worklist(DEMO_TODAY)))
    sheet = worklist_sheet(items, DEMO_TODAY)
    assert [(row[2], row[3]) for row in sheet.rows] == [(i.customer_code, i.due_on)
                                                        for i in items]
    owed = next(row for row, item in zip(sheet.rows, items, strict=True)
                if item.kind == STAGE_ACTION)
    assert isinstance(owed[6], Decimal) and isinstance(owed[4], int)


def test_the_accounts_sheet_is_the_command_lines_csv(demo_store: db.Store) -> None:
    rows = overdue_accounts(DEMO_TODAY, today=DEMO_TODAY)[::3]
    sheet = accounts_sheet(rows, DEMO_TODAY)
    cli = io.StringIO()
    write_overdue_csv(rows, cli)
    assert sheet.title == f"Overdue {DEMO_TODAY.isoformat()}"
    read = list(csv.reader(io.StringIO(cli.getvalue())))
    assert read[0] == list(sheet.header)
    assert [row[0] for row in read[1:]] == [row[0] for row in sheet.rows]
    assert all(isinstance(row[3], Decimal) for row in sheet.rows)


def test_an_aging_report_of_a_filtered_list_says_which_accounts(demo_store: db.Store,
                                                                tmp_path: Path) -> None:
    rows = [r for r in overdue_accounts(DEMO_TODAY, today=DEMO_TODAY) if r.currency == "EUR"]
    out = tmp_path / "aging.pdf"
    render_aging_report(aging_report_data(DEMO_TODAY, today=DEMO_TODAY, rows=rows,
                                          selection="Filtered: EUR (5 of 17 accounts)"), out)
    text = pdf_pages(out.read_bytes())[0][0]
    assert "Filtered: EUR (5 of 17 accounts)" in text
    assert "Amounts in EUR" in text and "Amounts in GBP" not in text
