"""Charges on an invoice: interest for days not yet charged, compensation once, fees."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from models import db
from models.charges import (
    charges_open_on,
    interest_charge_periods,
    invoice_charges,
    open_charges_by_kind,
    read_charges_ahead,
    record_charges,
    void_charge,
)
from models.check import check_store
from models.db import writing
from models.errors import LedgerError
from models.interest import invoice_interest
from models.ledger import dispute_invoice, record_payment, void_invoice
from models.reference_rates import MissingRate, seed_reference_rates
from models.schema import AuditEntry, Charge, Invoice
from models.steady import steady
from tests.unit.interest_helpers import customer_on, invoice_due, policy

D = dt.date
NOW = dt.datetime(2026, 1, 5, 9, 30)


@pytest.fixture
def uk_invoice(empty_store: db.Store) -> int:
    """A GBP 1,200 invoice due 31 Jan 2025 under UK statutory interest with compensation
    (12.75% a year: 4.75% on 31 Dec 2024 plus 8)."""
    seed_reference_rates()
    who = customer_on(policy("uk_statutory", compensation=True))
    return invoice_due(who, D(2025, 1, 31), 1_200_00, "INV-2025-001")


def test_a_stage_records_interest_and_compensation_as_their_own_documents(
        uk_invoice: int) -> None:
    before = Invoice.get_by_id(uk_invoice)
    ids = record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=True,
                         fee_minor=0, now=NOW)
    interest, compensation = invoice_charges(uk_invoice)
    assert ids == [interest.id, compensation.id]
    # 1,200 x 12.75% x 30 / 365 = 12.5753...
    assert (interest.kind, interest.amount_minor, interest.open_minor) == ("interest", 12_58,
                                                                           12_58)
    assert (interest.principal_minor, interest.rate_percent) == (1_200_00, Decimal("12.75"))
    assert (interest.period_from, interest.period_to, interest.days) == (
        D(2025, 2, 1), D(2025, 3, 2), 30)
    assert "30 days on 1,200.00 GBP at 12.75% a year = 12.5753 GBP" in interest.description
    assert "Fixed compensation" not in interest.description
    assert (compensation.kind, compensation.amount_minor) == ("compensation", 70_00)
    assert "GBP 1,000 to under GBP 10,000" in compensation.description
    after = Invoice.get_by_id(uk_invoice)
    assert (after.amount_minor, after.open_minor, after.status) == (
        before.amount_minor, before.open_minor, before.status)
    assert check_store() == []


def test_the_next_interest_charge_starts_the_day_after_the_last_one(uk_invoice: int) -> None:
    record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=False, fee_minor=0)
    assert record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=False,
                          fee_minor=0) == []
    record_charges(uk_invoice, D(2025, 4, 1), interest=True, compensation=False, fee_minor=0)
    first, second = invoice_charges(uk_invoice)
    assert (second.period_from, second.period_to, second.days) == (
        D(2025, 3, 3), D(2025, 4, 1), 30)
    assert second.amount_minor == 12_58
    whole = invoice_interest(uk_invoice, D(2025, 4, 1))
    assert whole.already_charged_minor == first.amount_minor + second.amount_minor
    assert abs(whole.interest_minor - whole.already_charged_minor) <= 1


def test_a_part_payment_shows_in_the_charge_as_two_periods(uk_invoice: int) -> None:
    who = Invoice.get_by_id(uk_invoice).customer_id
    record_payment(who, received_on=D(2025, 2, 15), amount_minor=200_00,
                   allocate_to=[(uk_invoice, 200_00)], today=D(2025, 3, 2))
    record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=False, fee_minor=0)
    (charge,) = invoice_charges(uk_invoice)
    # Different principals: the row keeps the span, the words keep each period.
    assert (charge.principal_minor, charge.rate_percent, charge.days) == (
        None, Decimal("12.75"), 30)
    assert "15 days on 1,200.00 GBP" in charge.description
    assert "15 days on 1,000.00 GBP" in charge.description
    # 1,200 x 12.75% x 15/365 + 1,000 x 12.75% x 15/365 = 6.2876... + 5.2397... = 11.5273...
    assert charge.amount_minor == 11_53


def test_a_charges_periods_are_worked_out_again_from_the_store(uk_invoice: int) -> None:
    who = Invoice.get_by_id(uk_invoice).customer_id
    record_payment(who, received_on=D(2025, 2, 15), amount_minor=200_00,
                   allocate_to=[(uk_invoice, 200_00)], today=D(2025, 3, 2))
    record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=False, fee_minor=0)
    (charge,) = invoice_charges(uk_invoice)
    periods = interest_charge_periods(charge)
    assert [(p.start, p.end, p.days, p.principal_minor, p.rate_percent) for p in periods] == [
        (D(2025, 2, 1), D(2025, 2, 15), 15, 1_200_00, Decimal("12.75")),
        (D(2025, 2, 16), D(2025, 3, 2), 15, 1_000_00, Decimal("12.75"))]
    # A payment recorded since, back-dated into the span: the store no longer gives
    # the amount charged, so the charge keeps its span alone.
    record_payment(who, received_on=D(2025, 2, 20), amount_minor=100_00,
                   allocate_to=[(uk_invoice, 100_00)], today=D(2025, 3, 2))
    assert interest_charge_periods(charge) == ()


def test_compensation_is_charged_once_per_invoice(uk_invoice: int) -> None:
    record_charges(uk_invoice, D(2025, 3, 2), interest=False, compensation=True, fee_minor=0)
    assert record_charges(uk_invoice, D(2025, 5, 2), interest=False, compensation=True,
                          fee_minor=0) == []
    assert [c.kind for c in invoice_charges(uk_invoice)] == ["compensation"]


def test_no_compensation_before_the_invoice_is_late(uk_invoice: int) -> None:
    assert record_charges(uk_invoice, D(2025, 1, 31), interest=True, compensation=True,
                          fee_minor=0) == []
    assert invoice_charges(uk_invoice) == []


def test_a_stage_fee_is_a_charge_of_its_own(uk_invoice: int) -> None:
    (fee_id,) = record_charges(uk_invoice, D(2025, 3, 2), interest=False, compensation=False,
                               fee_minor=15_00, fee_reason="Final notice fee")
    (fee,) = invoice_charges(uk_invoice)
    assert (fee.id, fee.kind, fee.amount_minor, fee.currency) == (fee_id, "fee", 15_00, "GBP")
    assert fee.description == "Final notice fee: 15.00 GBP."
    with pytest.raises(LedgerError) as refused:
        record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=False,
                       fee_minor=-1)
    assert refused.value.field == "fee" and len(invoice_charges(uk_invoice)) == 1


def test_every_charge_is_audited(uk_invoice: int) -> None:
    ids = record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=True,
                         fee_minor=5_00)
    entries = {e.row_id: e for e in AuditEntry.select().where(AuditEntry.table == "charge")}
    assert set(entries) == set(ids)
    interest = json.loads(entries[ids[0]].after)
    assert (interest["kind"], interest["amount_minor"], interest["days"]) == ("interest", 12_58,
                                                                              30)


def test_charges_belong_to_the_callers_transaction(uk_invoice: int) -> None:
    with pytest.raises(RuntimeError), writing():
        record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=True,
                       fee_minor=5_00)
        raise RuntimeError("the stage failed after charging")
    assert invoice_charges(uk_invoice) == []
    assert not AuditEntry.select().where(AuditEntry.table == "charge").exists()


def test_nothing_is_charged_when_a_rate_is_missing(empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("uk_statutory", compensation=True))
    invoice = invoice_due(who, D(2026, 8, 31), 500_00, "INV-2026-009")
    with pytest.raises(MissingRate, match="30 Jun 2026"):
        record_charges(invoice, D(2026, 11, 24), interest=True, compensation=True,
                       fee_minor=10_00)
    assert invoice_charges(invoice) == []


def test_a_missing_rate_told_to_the_caller_still_charges_what_needs_no_rate(
        empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("uk_statutory", compensation=True))
    invoice = invoice_due(who, D(2026, 8, 31), 500_00, "INV-2026-010")
    missing: list[MissingRate] = []
    record_charges(invoice, D(2026, 11, 24), interest=True, compensation=True,
                   fee_minor=10_00, rate_missing=missing.append)
    [told] = missing
    assert "30 Jun 2026" in told.message and "Add the rate" in told.message
    assert [(c.kind, c.amount_minor) for c in invoice_charges(invoice)] == [
        ("compensation", 40_00), ("fee", 10_00)]


def test_compensation_in_another_currency_is_refused_not_dropped(empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("eu_statutory", compensation=True), currency="USD")
    invoice = invoice_due(who, D(2025, 1, 31), 500_00, "INV-USD-1")
    with pytest.raises(LedgerError) as refused:
        record_charges(invoice, D(2025, 3, 1), interest=False, compensation=True, fee_minor=0)
    assert refused.value.field == "compensation" and "USD" in refused.value.message
    assert invoice_charges(invoice) == []


def test_contractual_regimes_charge_interest_but_no_compensation(empty_store: db.Store) -> None:
    who = customer_on(policy("contractual_monthly", "2", grace=5))
    invoice = invoice_due(who, D(2025, 1, 31), 1_000_00, "INV-C-1")
    ids = record_charges(invoice, D(2025, 3, 7), interest=True, compensation=True, fee_minor=0)
    (charge,) = invoice_charges(invoice)
    assert ids == [charge.id] and charge.kind == "interest"
    # From 6 Feb (5 days' grace): 30 days at 24% a year on 1,000 = 19.7260...
    assert (charge.period_from, charge.days, charge.amount_minor) == (D(2025, 2, 6), 30, 19_73)


@pytest.mark.parametrize("close", [
    lambda invoice_id: void_invoice(invoice_id, "Issued by mistake"),
    lambda invoice_id: Invoice.update(status="written_off").where(
        Invoice.id == invoice_id).execute(),
])
def test_void_or_written_off_invoices_take_no_charges(uk_invoice: int, close) -> None:
    close(uk_invoice)
    with pytest.raises(LedgerError) as refused:
        record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=True,
                       fee_minor=0)
    assert refused.value.field == "invoice"
    assert not Charge.select().exists()


def test_a_disputed_invoice_can_still_be_charged_when_the_user_decides(uk_invoice: int) -> None:
    dispute_invoice(uk_invoice, "Says goods arrived late")
    assert len(record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=False,
                              fee_minor=0)) == 1


def test_a_voided_interest_charge_frees_its_days(uk_invoice: int) -> None:
    (first,) = record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=False,
                              fee_minor=0)
    with pytest.raises(LedgerError, match="Say why"):
        void_charge(first, " ")
    void_charge(first, "Charged on the wrong day")
    with pytest.raises(LedgerError, match="already void"):
        void_charge(first, "again")
    (again,) = record_charges(uk_invoice, D(2025, 3, 2), interest=True, compensation=False,
                              fee_minor=0)
    old, new = invoice_charges(uk_invoice)
    assert old.voided
    assert (new.id, new.period_from, new.amount_minor) == (again, D(2025, 2, 1), 12_58)
    assert invoice_interest(uk_invoice, D(2025, 3, 2)).already_charged_minor == 12_58
    assert check_store() == []


def test_charges_read_ahead_for_a_batch_are_read_again_once_one_is_recorded_or_voided(
        uk_invoice: int) -> None:
    day = D(2025, 3, 2)
    with steady():
        read_charges_ahead([uk_invoice], day)
        assert charges_open_on([uk_invoice], day) == []
        (fee_id,) = record_charges(uk_invoice, day, interest=False, compensation=False,
                                   fee_minor=15_00)
        assert [row.charge.id for row in charges_open_on([uk_invoice], day)] == [fee_id]
        assert open_charges_by_kind([uk_invoice], day) == {"fee": 15_00}
        void_charge(fee_id, "Charged in error")
        assert charges_open_on([uk_invoice], day) == []
        assert open_charges_by_kind([uk_invoice], day) == {}
