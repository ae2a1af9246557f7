"""`duly interest INVOICE`: the calculation printed for a person, or a plain refusal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models import db
from models.company import create_business
from models.ledger import record_payment
from models.reference_rates import seed_reference_rates
from tests.e2e.test_cli import duly
from tests.helpers import digest
from tests.unit.interest_helpers import customer_on, invoice_due, policy

D = dt.date


@pytest.fixture
def books(tmp_path: Path) -> Path:
    """A closed store: a UK customer with a part-paid invoice, one due too late for the
    shipped rates, and a customer without a credit policy."""
    path = tmp_path / "books.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        seed_reference_rates()
        who = customer_on(policy("uk_statutory", compensation=True))
        paid_in_part = invoice_due(who, D(2025, 9, 30), 2_400_00, "HF-1001")
        record_payment(who, received_on=D(2025, 10, 31), amount_minor=400_00,
                       allocate_to=[(paid_in_part, 400_00)], today=D(2025, 12, 1))
        invoice_due(who, D(2026, 8, 31), 800_00, "HF-1002")
        invoice_due(customer_on(None, name="Plain Ltd"), D(2025, 9, 30), 100_00, "HF-1003")
    finally:
        store.close()
    return path


def test_interest_prints_each_period_and_the_totals(books: Path) -> None:
    result = duly("--db", str(books), "interest", "HF-1001", "--as-of", "2025-11-30")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Late-payment charges on invoice HF-1001 as of 2025-11-30" in out
    assert "Late Payment of Commercial Debts (Interest) Act 1998" in out
    assert "base rate in force on 30 Jun 2025 (4.25%)" in out
    lines = out.splitlines()
    # 2,400 x 12.25% x 31/365 = 24.9699; 2,000 x 12.25% x 30/365 = 20.1370 (= 45.11 in all).
    assert any(line.split() == ["2025-10-01", "2025-10-31", "31", "2,400.00", "GBP", "12.25%",
                                "24.9699", "GBP"] for line in lines), out
    assert any(line.split() == ["2025-11-01", "2025-11-30", "30", "2,000.00", "GBP", "12.25%",
                                "20.1370", "GBP"] for line in lines), out
    totals = {" ".join(line.split()[:-2]): line.split()[-2] for line in lines[-6:]
              if line.endswith(" GBP")}
    assert totals == {"Interest (rounded once)": "45.11", "Fixed compensation": "70.00",
                      "Total": "115.11", "Already charged": "0.00"}
    assert "GBP 1,000 to under GBP 10,000" in out


def test_interest_changes_nothing_in_the_store(books: Path) -> None:
    before = digest(books)
    assert duly("--db", str(books), "interest", "HF-1001", "--as-of", "2025-11-30").returncode == 0
    assert digest(books) == before


def test_an_invoice_without_a_credit_policy_owes_no_interest(books: Path) -> None:
    result = duly("--db", str(books), "interest", "HF-1003", "--as-of", "2025-11-30")
    assert result.returncode == 0, result.stderr
    assert "the customer has no credit policy" in result.stdout
    assert result.stdout.splitlines()[-2].split() == ["Total", "0.00", "GBP"]


def test_an_unknown_invoice_or_a_missing_rate_is_explained_on_stderr(books: Path) -> None:
    unknown = duly("--db", str(books), "interest", "HF-9999", "--as-of", "2025-11-30")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "No invoice has the number “HF-9999”" in unknown.stderr
    missing = duly("--db", str(books), "interest", "HF-1002", "--as-of", "2026-11-24")
    assert missing.returncode == 2
    assert "No Bank of England base rate on 30 Jun 2026 is recorded" in missing.stderr
    assert "Settings → Reference rates" in missing.stderr
    # The interest says which rate to add; the fixed compensation needs none.
    lines = missing.stdout.splitlines()
    assert "Interest not worked out: No Bank of England base rate on 30 Jun 2026" in \
        missing.stdout
    assert any(line.split() == ["Interest", "not", "worked", "out"] for line in lines)
    assert any(line.split() == ["Fixed", "compensation", "40.00", "GBP"] for line in lines)
    assert not any(line.startswith("Total") for line in lines)
    bad_day = duly("--db", str(books), "interest", "HF-1001", "--as-of", "30/11/2025")
    assert bad_day.returncode == 2 and "YYYY-MM-DD" in bad_day.stderr
