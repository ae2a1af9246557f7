"""The overdue list as a spreadsheet and as the aging report's PDF, and the business
figures on the command line: each file read back as a user's program would."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from main import main
from models import db
from models.company import create_business
from models.ledger import InvoiceDraft, add_invoice, record_payment
from reports.spreadsheet_xlsx import Sheet, write_xlsx
from tests.helpers import pdf_pages
from tests.unit.ledger_helpers import TODAY, customer, invoice

AS_OF = TODAY.isoformat()


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A closed store: two customers owing pounds (one whose name a spreadsheet would run
    as a formula), one owing euros, and a January–February history for the figures."""
    path = tmp_path / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        risky = customer("=HYPERLINK(\"http://evil.example\",\"Click\")")
        invoice(risky, 1_234_50, due_days_ago=45)
        quay = customer("Quayside Bakery")
        invoice(quay, 500_00, due_days_ago=10)
        invoice(quay, 250_00, due_days_ago=95)
        invoice(quay, 99_00, due_days_ago=-5)
        euro = customer("Bäckerei Müller GmbH", "EUR")
        invoice(euro, 700_00, due_days_ago=70)
        history = customer("History Ltd")
        paid = add_invoice(history, InvoiceDraft(
            number="H-1", issue_date=dt.date(2026, 1, 15), due_date=dt.date(2026, 2, 14),
            amount_minor=200_00), today=dt.date(2026, 1, 15))
        record_payment(history, received_on=dt.date(2026, 2, 20), amount_minor=200_00,
                       allocate_to=[(paid, 200_00)], today=dt.date(2026, 2, 20))
        return path
    finally:
        store.close()


def test_the_overdue_list_as_a_spreadsheet(shop: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "overdue.xlsx"
    assert main(["--db", str(shop), "overdue", "--as-of", AS_OF, "--format", "xlsx",
                 "--out", str(out)]) == 0
    assert f"to {out}" in capsys.readouterr().out
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:9] == ["Code", "Customer", "Currency", "Balance", "Overdue", "Current",
                          "1–30", "31–60", "61–90"]
    assert sheet.freeze_panes == "A2"
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    quay = rows["Quayside Bakery"]
    # Amounts are numbers with two decimals shown, not text.
    assert quay[3].value == 849
    assert quay[3].data_type == "n" and quay[3].number_format == "#,##0.00"
    assert quay[4].value == 750  # overdue: 500 + 250
    assert quay[10].value == 95  # days overdue, a whole number
    # The formula-looking name is text, kept as typed, and never a formula.
    risky = next(row for name, row in rows.items() if name.startswith("=HYPERLINK"))
    assert risky[1].data_type == "s" and risky[1].quotePrefix
    assert rows["Bäckerei Müller GmbH"][2].value == "EUR"
    assert sheet.column_dimensions["B"].width > len("Quayside Bakery")


def test_a_spreadsheet_keeps_dates_as_dates_and_text_safe(tmp_path: Path) -> None:
    out = tmp_path / "cells.xlsx"
    write_xlsx(out, [Sheet("Cells", ["Text", "Day", "Amount", "Yen"],
                           [["+1 555 0100", dt.date(2026, 11, 24), Decimal("-12.50"),
                             Decimal("1200")], ["@SUM(A1)", None, Decimal("0.00"), None],
                            ["plain", None, None, None]])])
    sheet = load_workbook(out)["Cells"]
    phone, day, amount, yen = sheet[2]
    assert phone.value == "+1 555 0100" and phone.data_type == "s" and phone.quotePrefix
    assert day.is_date and day.value.date() == dt.date(2026, 11, 24)
    assert day.number_format == "yyyy-mm-dd"
    assert amount.value == -12.5 and amount.number_format == "#,##0.00"
    assert yen.number_format == "#,##0"
    assert sheet["A3"].quotePrefix and not sheet["A4"].quotePrefix


def test_the_aging_report_as_a_pdf(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "aging.pdf"
    assert main(["--db", str(shop), "overdue", "--as-of", AS_OF, "--format", "pdf",
                 "--out", str(out)]) == 0
    pages = pdf_pages(out.read_bytes())
    text = "\n".join(page for page, _ in pages)
    assert "Aging report as of 24 November 2026" in text
    assert "Page 1 of 1" in text
    assert "Amounts in EUR" in text and "Amounts in GBP" in text
    assert "Quayside Bakery" in text and "Bäckerei Müller GmbH" in text
    # GBP: two accounts; balance 1,234.50 + 849.00 = 2,083.50; over 90: 250.00.
    assert "Total (2 accounts)" in text and "2,083.50" in text
    assert "Total (1 account)" in text and "700.00" in text


def test_a_long_aging_report_numbers_its_pages(tmp_path: Path) -> None:
    path = tmp_path / "many.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        for n in range(90):
            invoice(customer(f"Customer {n:03d}"), 100_00 + n, due_days_ago=5 + n)
    finally:
        store.close()
    out = tmp_path / "aging.pdf"
    assert main(["--db", str(path), "overdue", "--as-of", AS_OF, "--format", "pdf",
                 "--out", str(out)]) == 0
    pages = pdf_pages(out.read_bytes())
    assert len(pages) >= 2
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1][0]
    assert "Total (90 accounts)" in pages[-1][0]
    assert "Customer" in pages[1][0]  # the heading again on the next page


def test_a_file_format_needs_somewhere_to_go(shop: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(shop), "overdue", "--format", "pdf"]) == 2
    assert "add --out FILE" in capsys.readouterr().err


def test_insights_prints_the_figures(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(shop), "insights", "--as-of", "2026-02-28",
                 "--months", "2"]) == 0
    out = capsys.readouterr().out
    assert "The business at a glance, as of 2026-02-28" in out
    assert "== GBP: month by month" in out
    # 31 Jan: A/R 200.00, sales 200.00, all current: DSO 31 days by both methods.
    january = next(line for line in out.splitlines() if line.startswith("2026-01-31"))
    assert january.split()[1:6] == ["200.00", "200.00", "200.00", "31.0", "31.0"]
    assert "CEI: (A/R at the start" in out


def test_insights_as_csv_and_json(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(shop), "insights", "--as-of", "2026-02-28", "--months", "2",
                 "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:3] == ["Currency", "Month end", "A/R"]
    by_month = {(r[0], r[1]): r for r in rows[1:]}
    # 28 Feb: paid on 20 Feb, so nothing owed; CEI (200 + 0 − 0) / (200 + 0 − 0) = 100 %.
    assert by_month[("GBP", "2026-02-28")][2] == "0.00"
    assert by_month[("GBP", "2026-02-28")][11] == "100.0"
    assert main(["--db", str(shop), "insights", "--as-of", AS_OF, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["as_of"] == AS_OF
    months = [m for m in document["months"] if m["currency"] == "GBP"]
    assert len(months) == 18 and months[-1]["month_end"] == "2026-10-31"
    assert {d["customer_name"] for d in document["top_debtors"]} >= {"Quayside Bakery"}
    assert len(document["cash_expected"]["weeks"]) == 8  # 4 weeks in each of 2 currencies
