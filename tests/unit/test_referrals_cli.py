"""The referral commands: ``refer --dry-run`` prints the check and refers nothing,
``refer`` refuses with each reason (exit code 1) or refers, ``referrals`` lists them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from main import main
from models import db
from models.agencies import AgencyDraft, add_agency
from models.company import create_business
from models.followup import execute_action, follow_up_plan
from models.kinds import InvoiceStatus
from models.schema import AgencyReferral, Customer, Invoice
from tests.unit.ledger_helpers import TODAY, customer, invoice

LATER = (TODAY + dt.timedelta(days=10)).isoformat()


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, str, list[str]]:
    """A closed store with a customer sent the final notice on TODAY for one of two
    overdue invoices, and an agency: its path, the customer's code, the invoices."""
    path = tmp_path / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer("Quayside Bakery")
        old = invoice(who, 800_00, due_days_ago=50)
        action = next(a for a in follow_up_plan(TODAY).due if a.customer_id == who)
        execute_action(who, "GBP", TODAY, stage_id=action.stage.id, subject="Final notice",
                       text="…or we pass the account to a collection agency.",
                       now=dt.datetime.combine(TODAY, dt.time(9)))
        young = invoice(who, 100_00, due_days_ago=3)
        add_agency(AgencyDraft(name="Northgate Collections Ltd", commission_percent=Decimal(12),
                               commission_min_minor=40_00, currency="GBP"))
        numbers = [Invoice.get_by_id(i).number for i in (old, young)]
        return path, Customer.get_by_id(who).code, numbers
    finally:
        store.close()


def _referred(path: Path) -> int:
    return db.run_in_store(path, lambda: AgencyReferral.select().count())


def test_a_dry_run_prints_each_step_and_refers_nothing(
        shop: tuple[Path, str, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    path, code, numbers = shop
    assert main(["--db", str(path), "refer", code, "--agency", "northgate", "--invoices",
                 numbers[0], "--on", LATER, "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "✓ Final notice sent: “Final notice” sent on 24 November 2026." in out
    assert "✓ Final notice's deadline passed" in out
    assert "✗ Warned of the referral: No contact records" in out
    assert f"To refer to Northgate Collections Ltd: {numbers[0]} (" in out
    assert "nothing was recorded" in out
    assert _referred(path) == 0


def test_refer_refuses_an_invoice_never_sent_the_final_notice(
        shop: tuple[Path, str, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    path, code, numbers = shop
    assert main(["--db", str(path), "refer", code, "--agency", "Northgate Collections Ltd",
                 "--on", LATER, "--final-notice-warned"]) == 1
    captured = capsys.readouterr()
    assert f"✗ Final notice sent: The final notice (the “Final notice” stage of the Standard " \
           f"policy) was not sent for {numbers[1]}: send it first." in captured.out
    assert "Not referred" in captured.err
    assert _referred(path) == 0


def test_refer_records_the_warning_and_refers_then_referrals_lists_it(
        shop: tuple[Path, str, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    path, code, numbers = shop
    assert main(["--db", str(path), "refer", code, "--agency", "Northgate", "--invoices",
                 numbers[0], "--on", LATER, "--final-notice-warned"]) == 0
    assert "Referred (referral 1)." in capsys.readouterr().out
    status = db.run_in_store(path, lambda: Invoice.get(Invoice.number == numbers[0]).status)
    assert status == InvoiceStatus.WITH_AGENCY
    assert main(["--db", str(path), "referrals"]) == 0
    out = capsys.readouterr().out
    assert "Northgate Collections Ltd" in out and numbers[0] in out and "Referred" in out


def test_an_unknown_agency_is_named_as_such(
        shop: tuple[Path, str, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    path, code, _ = shop
    assert main(["--db", str(path), "refer", code, "--agency", "Southgate", "--dry-run"]) == 2
    assert "No agency is called “Southgate”" in capsys.readouterr().err
