"""`duly offer`: a customer's offers listed, one made (or previewed), withdrawn, and
lapsed offers recorded, headless; a refusal says why and changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models import db
from models.company import create_business
from tests.e2e.test_cli import duly
from tests.unit.interest_helpers import customer_on, invoice_due

D = dt.date


@pytest.fixture
def books(tmp_path: Path) -> Path:
    """A closed store with a customer owing two invoices."""
    path = tmp_path / "books.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer_on(None, name="Brick & Co")
        invoice_due(who, D(2026, 9, 30), 700_00, "HF-1")
        invoice_due(who, D(2026, 10, 31), 300_00, "HF-2")
    finally:
        store.close()
    return path


def test_a_settlement_is_previewed_made_listed_and_withdrawn(books: Path) -> None:
    base = ("--db", str(books), "offer")
    make = (*base, "Brick & Co", "--settlement", "--invoice", "HF-1", "--invoice", "HF-2",
            "--pay-by", "2026-12-15", "--percent", "80", "--as-of", "2026-12-01")
    preview = duly(*make, "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout == ("Dry run, nothing made. Settlement offer on HF-1, HF-2: Pay "
                              "800.00 GBP by 15 Dec 2026 and the remaining 200.00 GBP of the "
                              "1,000.00 GBP owed is waived.\n")
    assert "has no offers" in duly(*base, "Brick & Co").stdout
    made = duly(*make)
    assert made.returncode == 0 and made.stdout.startswith("Offer 1 made."), made.stderr
    again = duly(*make)
    assert again.returncode == 2
    assert "HF-1 is already in an open offer" in again.stderr
    listed = duly(*base, "Brick & Co", "--as-of", "2026-12-01").stdout.splitlines()
    assert listed[-1].split()[:8] == ["1", "settlement", "2026-12-01", "2026-12-15", "800.00",
                                      "GBP", "200.00", "GBP"]
    assert duly(*base, "--withdraw", "1", "--reason", "Paid in full instead",
                "--as-of", "2026-12-02").stdout == "Offer 1 withdrawn.\n"
    assert "withdrawn" in duly(*base, "Brick & Co", "--as-of", "2026-12-02").stdout
    assert duly(*base, "--lapse", "--as-of", "2026-12-31").stdout == "0 offer(s) lapsed.\n"
