"""The plan commands: ``plan --dry-run`` shows the schedule and records nothing, ``plan``
records it, ``plans`` lists how each stands, a refusal is told and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from main import main
from models import db
from models.company import create_business
from models.ledger import dispute_invoice
from models.schema import Customer, Invoice, PaymentPlan
from tests.unit.ledger_helpers import customer, invoice


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, str, list[str]]:
    """A closed store with a customer owing two overdue invoices and a third not yet due:
    its path, the customer's code and the invoices' numbers."""
    path = tmp_path / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer("Quayside Bakery")
        ids = [invoice(who, 600_00, due_days_ago=40), invoice(who, 300_00, due_days_ago=10),
               invoice(who, 100_00, due_days_ago=-20)]
        dispute_invoice(ids[2], "Wrong quantity")
        numbers = [Invoice.get_by_id(i).number for i in ids]
        return path, Customer.get_by_id(who).code, numbers
    finally:
        store.close()


def _plans_in(path: Path) -> int:
    return db.run_in_store(path, lambda: PaymentPlan.select().count())


def _plan_args(path: Path, code: str, *more: str) -> list[str]:
    return ["--db", str(path), "plan", code, "--instalments", "3", "--every", "month",
            "--first", "2026-12-31", "--agreed", "2026-11-24", *more]


def test_a_dry_run_prints_the_schedule_and_records_nothing(
        shop: tuple[Path, str, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    path, code, numbers = shop
    assert main(_plan_args(path, code, "--dry-run", "--deposit", "150")) == 0
    out = capsys.readouterr().out
    assert f"Covers: {numbers[0]} (600.00 GBP), {numbers[1]} (300.00 GBP); 900.00 GBP" in out
    assert ("Schedule: a deposit of 150.00 GBP on 24 Nov 2026, then 3 monthly instalments "
            "of 250.00 GBP from 31 Dec 2026.") in out
    assert "2027-02-28" in out  # the 31st, in February
    assert "Dry run: nothing was recorded." in out
    assert _plans_in(path) == 0


def test_plan_records_it_and_plans_lists_it(shop: tuple[Path, str, list[str]],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path, code, numbers = shop
    assert main(_plan_args(path, code, "--invoices", numbers[0], "--freeze")) == 0
    out = capsys.readouterr().out
    assert "Recorded as payment plan #1." in out
    assert "Interest and fees: stopped while the plan is kept." in out
    assert _plans_in(path) == 1
    assert main(["--db", str(path), "plans", "--as-of", "2027-01-02"]) == 0
    listing = capsys.readouterr().out
    assert f"Quayside Bakery ({code})" in listing
    assert "On plan" in listing and "0 of 3" in listing
    assert "2026-12-31" in listing and "200.00 GBP" in listing and "Due" in listing
    assert "1 plan(s), 1 active, 0 with an instalment missed." in listing


def test_a_refused_plan_is_told_and_nothing_is_written(
        shop: tuple[Path, str, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    path, code, numbers = shop
    assert main(_plan_args(path, code, "--invoices", f"{numbers[0]},{numbers[2]}")) == 2
    assert f"Invoice {numbers[2]} is in dispute" in capsys.readouterr().err
    assert main(_plan_args(path, code, "--invoices", "NOPE-1")) == 2
    assert "Quayside Bakery has no invoice numbered “NOPE-1”." in capsys.readouterr().err
    assert _plans_in(path) == 0


def test_no_plans_says_so(shop: tuple[Path, str, list[str]],
                          capsys: pytest.CaptureFixture[str]) -> None:
    path, _code, _numbers = shop
    assert main(["--db", str(path), "plans", "--as-of", "2026-11-24"]) == 0
    assert "No payment plans." in capsys.readouterr().out
