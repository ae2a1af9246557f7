"""The business at a glance as a PDF: the figures of each currency on pages of their own,
with their charts and tables, from the window's snapshot or the command line."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from main import main
from models.business_figures import business_figures
from models.ledger import InvoiceDraft, add_invoice
from reports.insights_report import insights_report_data, render_insights_report
from reports.insights_text import insights_snapshot
from tests.conftest import DEMO_TODAY
from tests.helpers import pdf_pages
from tests.unit.ledger_helpers import TODAY, customer, invoice


def report_text(data) -> list[str]:
    out = io.BytesIO()
    render_insights_report(data, out)
    return [page for page, _ in pdf_pages(out.getvalue())]


def test_the_report_holds_each_currencys_latest_figures_and_top_debtors(demo_store):
    data = insights_report_data(DEMO_TODAY, months=12, today=DEMO_TODAY)
    pages = report_text(data)
    text = "\n".join(pages)
    assert "The business at a glance, as of 24 November 2026" in text
    assert "the last 12 months (November 2025 to October 2026)" in text
    assert f"Page 1 of {len(pages)}" in text
    figures = business_figures(DEMO_TODAY, 12)
    assert figures.currencies == ("EUR", "GBP", "USD")
    for currency in figures.currencies:
        latest = figures.of_currency(currency)[-1]
        assert (f"October 2026: A/R {latest.receivables_minor / 100:,.2f} {currency}, DSO "
                f"{latest.dso} days, best possible {latest.best_possible_dso} days, ADD "
                f"{latest.average_days_delinquent} days, CEI {latest.cei}%.") in text
        assert f"Days sales outstanding ({currency})" in text
        assert f"Aging at each month end ({currency})" in text
        assert f"Cash expected in the next 4 weeks ({currency})" in text
    assert "Top 10 debtors (EUR)" in text and "Łukaszewski S.A." in text
    assert "Johnson LLC" in text  # the top USD debtor
    assert "How the figures are worked out" in text and "Count-back" in text


def test_the_window_prints_the_figures_it_shows(demo_store):
    shown = insights_snapshot(DEMO_TODAY, 24, today=DEMO_TODAY)
    six = type(shown)(shown.figures.latest(6), shown.debtors, shown.cash)
    text = "\n".join(report_text(insights_report_data(DEMO_TODAY, insights=six)))
    assert "the last 6 months (May 2026 to October 2026)" in text
    assert "May 2026" in text and "Apr 2026" not in text


def test_fewer_months_are_the_last_of_more(demo_store):
    # The window reads 24 months once and cuts the period chosen from them.
    assert business_figures(DEMO_TODAY, 24).latest(6) == business_figures(DEMO_TODAY, 6)


@pytest.fixture
def two_currencies(empty_store):
    """Pounds owed by one customer and euros by another, in September."""
    pounds = customer("Quayside Bakery", "GBP")
    add_invoice(pounds, InvoiceDraft(number="G-1", issue_date=dt.date(2026, 9, 10),
                                     due_date=dt.date(2026, 10, 10), amount_minor=1_111_11),
                today=TODAY)
    euros = customer("Bäckerei Müller GmbH", "EUR")
    add_invoice(euros, InvoiceDraft(number="E-1", issue_date=dt.date(2026, 9, 12),
                                    due_date=dt.date(2026, 10, 12), amount_minor=2_222_22),
                today=TODAY)
    invoice(euros, 300_00, due_days_ago=5)
    return empty_store


def test_each_currency_has_its_own_pages_and_nothing_is_added_across(two_currencies):
    pages = report_text(insights_report_data(TODAY, months=3, today=TODAY))
    text = "\n".join(pages)
    intro = "amounts in different currencies are never added together (EUR, GBP)."
    assert intro in text.replace("\n", " ")
    euro_at = next(n for n, p in enumerate(pages) if "Amounts in EUR" in p)
    pound_at = next(n for n, p in enumerate(pages) if "Amounts in GBP" in p)
    assert euro_at < pound_at  # each currency starts a page of its own
    euros = "\n".join(pages[euro_at:pound_at]).replace("\n", " ").replace(intro, "")
    pounds = "\n".join(pages[pound_at:])
    assert "GBP" not in euros and "EUR" not in pounds
    assert "2,222.22" in euros and "1,111.11" in pounds
    assert "1,111.11" not in euros and "2,222.22" not in pounds
    # The two added together would be 3,333.33 (or 3,633.33 with the euros due lately).
    assert "3,333.33" not in text and "3,633.33" not in text
    assert "Bäckerei Müller GmbH" in euros and "Quayside Bakery" in pounds


def test_a_book_without_invoices_says_so(empty_store):
    text = "\n".join(report_text(insights_report_data(TODAY, months=6, today=TODAY)))
    assert "No invoices yet: nothing to show." in text


def test_the_command_line_writes_the_report(demo_file: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "insights.pdf"
    assert main(["--db", str(demo_file), "insights", "--as-of", DEMO_TODAY.isoformat(),
                 "--months", "6", "--format", "pdf", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"to {out}" in said and "(EUR, GBP, USD)" in said
    text = "\n".join(page for page, _ in pdf_pages(out.read_bytes()))
    assert "the last 6 months (May 2026 to October 2026)" in text
    assert "Amounts in USD" in text


def test_the_command_line_asks_where_and_says_why_it_cannot(
        demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["--db", str(demo_file), "insights", "--format", "pdf"]) == 2
    assert "add --out FILE" in capsys.readouterr().err
    assert main(["--db", str(demo_file), "insights", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "--out is for --format pdf" in capsys.readouterr().err
    gone = tmp_path / "gone" / "insights.pdf"
    assert main(["--db", str(demo_file), "insights", "--format", "pdf", "--out",
                 str(gone)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not gone.parent.exists()
