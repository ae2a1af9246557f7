"""A claim ready for court: the letter chosen by the customer's legal form and country,
the claim's interest, daily rate, compensation and court fee, the letter recorded as
sent, and the migration that brought claims."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import db
from models.claims import (
    BEFORE_ACTION_DAYS,
    PROTOCOL_DAYS,
    claim_pack,
    claim_rows,
    last_claim_letter,
    letter_for,
    record_claim_letter,
)
from models.company import create_business
from models.court_fees import (
    SHIPPED_COURT_FEES,
    CourtFeeBand,
    check_court_fees,
    court_fee_for,
    court_fees,
    save_court_fees,
)
from models.errors import LedgerError
from models.interest import invoice_interest, uk_compensation_minor
from models.kinds import ClaimLetterKind, LegalForm
from models.migrations import _V20_COURT_FEE_SOURCE, _V20_COURT_FEES, MIGRATIONS
from models.migrations import _v20_claims_and_court_fees as v20
from models.schema import Customer
from models.timeline import customer_timeline
from reports.claim_pack import claim_pack_text
from tests.helpers import schema_of, undo_claims_and_court_fees
from tests.unit.interest_helpers import customer_on, invoice_due, policy
from tests.unit.ledger_helpers import TODAY, customer, invoice


def _form(who: int, form: LegalForm, country: str = "GB") -> None:
    Customer.update(legal_form=form, country=country).where(Customer.id == who).execute()


# --- which letter ----------------------------------------------------------------------

@pytest.mark.parametrize(("form", "kind", "days"), [
    (LegalForm.INDIVIDUAL, ClaimLetterKind.PROTOCOL, 30),
    (LegalForm.SOLE_TRADER, ClaimLetterKind.PROTOCOL, 30),
    (LegalForm.UNKNOWN, ClaimLetterKind.PROTOCOL, 30),  # when unsure, the Protocol
    (LegalForm.OTHER, ClaimLetterKind.PROTOCOL, 30),
    (LegalForm.COMPANY, ClaimLetterKind.BEFORE_ACTION, 14),
])
def test_a_british_business_writes_by_the_customers_legal_form(
        form: LegalForm, kind: ClaimLetterKind, days: int) -> None:
    choice = letter_for("GB", "GB", form)
    assert (choice.kind, choice.days) == (kind, days)
    assert letter_for("gb", "", form).kind == kind  # no country: the business's


@pytest.mark.parametrize(("business", "customer_country"), [("DE", "DE"), ("FR", "GB"),
                                                            ("GB", "FR"), ("IE", "")])
def test_other_countries_get_the_generic_letter_before_action(
        business: str, customer_country: str) -> None:
    for form in LegalForm:
        choice = letter_for(business, customer_country, form)
        assert (choice.kind, choice.days) == (ClaimLetterKind.GENERIC, 14)


# --- court fees ----------------------------------------------------------------------------

@pytest.mark.parametrize(("claim", "fee"), [
    (1, 35_00), (300_00, 35_00), (300_01, 50_00), (500_00, 50_00), (500_01, 70_00),
    (1_000_00, 70_00), (1_000_01, 80_00), (1_500_00, 80_00), (1_500_01, 115_00),
    (3_000_00, 115_00), (3_000_01, 205_00), (5_000_00, 205_00), (5_000_01, 455_00),
    (10_000_00, 455_00),
    (10_000_01, 500_00),  # 5% of 10,000.01 = 500.0005, rounded down to the penny
    (12_345_67, 617_28),  # 5% of 12,345.67 = 617.2835 -> 617.28
    (200_000_00, 10_000_00),  # 5% of 200,000.00
    (200_000_01, 10_000_00), (5_000_000_00, 10_000_00),
])
def test_the_court_fee_at_each_band_boundary(empty_store: db.Store, claim: int,
                                              fee: int) -> None:
    found = court_fee_for(claim, "GBP")
    assert found is not None and found[1] == fee


def test_no_band_for_another_currency(empty_store: db.Store) -> None:
    assert court_fee_for(100_00, "EUR") is None


def test_the_migration_seeds_the_same_fees_the_model_ships() -> None:
    assert [(b.amount_from_minor, b.amount_to_minor, b.fee_minor,
             None if b.percent is None else str(b.percent), b.source)
            for b in SHIPPED_COURT_FEES] == [(*row, _V20_COURT_FEE_SOURCE)
                                             for row in _V20_COURT_FEES]


def test_a_percent_band_with_a_cap_stops_at_the_cap() -> None:
    band = CourtFeeBand("GB-EAW", "GBP", 1, None, percent=Decimal("4.5"), cap_minor=100_00)
    assert band.fee_for(1_000_00) == 45_00  # 4.5% of 1,000.00
    assert band.fee_for(10_000_00) == 100_00  # 450.00 capped at 100.00


def test_overlapping_or_malformed_bands_are_refused_in_words(empty_store: db.Store) -> None:
    good = CourtFeeBand("GB-EAW", "GBP", 1, 100_00, 10_00)
    with pytest.raises(LedgerError, match="overlap"):
        check_court_fees([good, CourtFeeBand("GB-EAW", "GBP", 100_00, None, 20_00)])
    with pytest.raises(LedgerError, match="overlap"):
        check_court_fees([CourtFeeBand("GB-EAW", "GBP", 1, None, 5_00), good])
    with pytest.raises(LedgerError, match="either a fixed fee or a percentage"):
        check_court_fees([CourtFeeBand("GB-EAW", "GBP", 1, 100_00, 10_00, Decimal(5))])
    with pytest.raises(LedgerError, match="ends below where it starts"):
        check_court_fees([CourtFeeBand("GB-EAW", "GBP", 500_00, 100_00, 10_00)])
    with pytest.raises(LedgerError, match="three letters"):
        check_court_fees([CourtFeeBand("GB-EAW", "POUND", 1, 100_00, 10_00)])
    with pytest.raises(LedgerError, match="percentage above 0"):
        check_court_fees([CourtFeeBand("GB-EAW", "GBP", 1, 100_00, None, Decimal(150))])
    # Bands of another currency may cover the same amounts.
    assert len(check_court_fees([good, CourtFeeBand("GB-EAW", "EUR", 1, 100_00, 12_00)])) == 2


def test_edited_fees_are_kept_and_used(empty_store: db.Store) -> None:
    save_court_fees([CourtFeeBand("GB-EAW", "GBP", 1, 1_000_00, 40_00),
                     CourtFeeBand("GB-EAW", "GBP", 1_000_01, None, None, Decimal(5))])
    assert len(court_fees()) == 2
    assert court_fee_for(1_000_00, "GBP") is not None
    assert court_fee_for(2_000_00, "GBP")[1] == 100_00  # type: ignore[index]


@given(st.integers(min_value=1, max_value=10**11))
def test_every_claim_in_pounds_falls_in_exactly_one_shipped_band(claim: int) -> None:
    bands = [b for b in SHIPPED_COURT_FEES if b.amount_from_minor <= claim
             and (b.amount_to_minor is None or claim <= b.amount_to_minor)]
    assert len(bands) == 1
    assert 0 < bands[0].fee_for(claim) <= 10_000_00


# --- compensation bands (Late Payment Act s.5A) ---------------------------------------------

@pytest.mark.parametrize(("debt", "compensation"), [
    (1, 40_00), (999_99, 40_00), (1_000_00, 70_00), (9_999_99, 70_00), (10_000_00, 100_00),
    (1_000_000_00, 100_00)])
def test_fixed_compensation_bands(debt: int, compensation: int) -> None:
    assert uk_compensation_minor(debt) == compensation


# --- the claim's figures --------------------------------------------------------------------

def test_contractual_interest_and_its_daily_rate_on_a_worked_example(
        empty_store: db.Store) -> None:
    who = customer_on(policy("contractual_annual", "12"))
    bill = invoice_due(who, dt.date(2026, 9, 30), 1_000_00, "C-1")
    pack = claim_pack(who, TODAY)  # 24 November 2026
    # From 1 October to 24 November inclusive: 31 + 24 = 55 days.
    # 1,000.00 x 12% x 55 / 365 = 18.0821... -> 18.08; a day: 1,000.00 x 12% / 365.
    assert pack.principal_minor == 1_000_00
    assert pack.interest_minor == 18_08
    assert pack.interest_from == dt.date(2026, 10, 1)
    assert pack.daily == Decimal(1000) * Decimal(12) / 100 / 365
    assert pack.compensation_minor == 0
    assert pack.interest_minor == invoice_interest(bill, TODAY).interest_minor  # `interest`'s
    assert pack.claim_minor == 1_018_08
    assert pack.court_fee_minor == 80_00  # 1,000.01 to 1,500.00
    assert pack.total_minor == 1_098_08
    assert "contract" in pack.interest_basis


def test_without_a_credit_policy_the_county_court_rate_is_claimed(
        empty_store: db.Store) -> None:
    who = customer_on(None)
    invoice_due(who, dt.date(2026, 10, 25), 2_000_00, "S-1")
    pack = claim_pack(who, TODAY)
    # 8% simple (County Courts Act 1984 s.69) from 26 October to 24 November: 6 + 24 = 30
    # days. 2,000.00 x 8% x 30 / 365 = 13.1506... -> 13.15; a day 2,000 x 8% / 365.
    assert pack.interest_minor == 13_15
    assert pack.daily == Decimal(2000) * Decimal(8) / 100 / 365
    assert pack.interest_from == dt.date(2026, 10, 26)
    assert "s.69" in pack.interest_basis
    assert pack.court_fee_minor == 115_00  # 2,013.15: 1,500.01 to 3,000.00


def test_statutory_interest_and_compensation_equal_the_interest_commands(
        empty_store: db.Store) -> None:
    from models.schema import ReferenceRate

    # The base rate in force on 30 June 2026, as the user would add it in Settings.
    ReferenceRate.create(series="BOE_BASE", effective_from=dt.date(2026, 6, 30),
                         rate_percent=Decimal("3.75"), source="test")
    who = customer_on(policy("uk_statutory", compensation=True))
    first = invoice_due(who, dt.date(2026, 8, 31), 999_99, "U-1")
    second = invoice_due(who, dt.date(2026, 10, 15), 1_000_00, "U-2")
    pack = claim_pack(who, TODAY)
    one, two = invoice_interest(first, TODAY), invoice_interest(second, TODAY)
    assert pack.interest_minor == one.interest_minor + two.interest_minor > 0
    assert pack.compensation_minor == 40_00 + 70_00  # one below 1,000.00, one at it
    # Both fell due in July-December: the rate in force on 30 June, 3.75% + 8 = 11.75%.
    # U-1 from 1 September to 24 November: 30 + 31 + 24 = 85 days,
    # 999.99 x 11.75% x 85 / 365 = 27.3632... -> 27.36; U-2 from 16 October: 16 + 24 = 40
    # days, 1,000.00 x 11.75% x 40 / 365 = 12.8767... -> 12.88.
    assert (one.interest_minor, two.interest_minor) == (27_36, 12_88)
    assert pack.interest_from == dt.date(2026, 9, 1)
    assert pack.daily == (Decimal("999.99") + Decimal(1000)) * Decimal("11.75") / 100 / 365
    assert pack.claim_minor == 1_999_99 + pack.interest_minor + 110_00
    assert "Late Payment" in pack.interest_basis


def test_only_overdue_open_invoices_are_claimed_and_the_evidence_lists_them(
        empty_store: db.Store) -> None:
    from models.contacts import ContactEntry, log_contact
    from models.kinds import ContactKind

    who = customer()
    overdue = invoice(who, 500_00, due_days_ago=40, number="E-1")
    invoice(who, 300_00, due_days_ago=-5, number="E-2")  # not due yet
    log_contact(who, ContactEntry(kind=ContactKind.CALL, summary="Promised Friday",
                                  occurred_at=dt.datetime(2026, 11, 1, 10), invoice_ids=(overdue,)))
    log_contact(who, ContactEntry(kind=ContactKind.EMAIL, summary="Sent the statement",
                                  occurred_at=dt.datetime(2026, 11, 2, 10), invoice_ids=(overdue,)))
    pack = claim_pack(who, TODAY)
    assert [i.number for i in pack.invoices] == ["E-1"]
    kinds = [e.kind for e in pack.evidence]
    assert kinds[0] == "invoice" and "call" in kinds
    assert any("E-1" in e.what for e in pack.evidence)
    # Each kind in the business's words, as everywhere else ("E-mail", not "Email").
    text = claim_pack_text(pack)
    assert "  Invoice  " in text and "  Call     " in text and "  E-mail   " in text
    assert "Email" not in text


def test_nothing_overdue_is_refused_in_words(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=-3)
    with pytest.raises(LedgerError, match="no overdue invoice"):
        claim_pack(who, TODAY)


# --- the letter sent --------------------------------------------------------------------------

def test_a_letter_sent_is_on_the_timeline_with_its_deadline(empty_store: db.Store) -> None:
    person, firm = customer("Ann Baker"), customer("Baker Ltd")
    _form(person, LegalForm.INDIVIDUAL)
    _form(firm, LegalForm.COMPANY)
    invoice(person, 400_00, due_days_ago=45)
    invoice(firm, 900_00, due_days_ago=45)
    sent = record_claim_letter(person, TODAY, now=dt.datetime(2026, 11, 24, 9))
    assert (sent.kind, sent.respond_by) == (ClaimLetterKind.PROTOCOL,
                                            TODAY + dt.timedelta(days=PROTOCOL_DAYS))
    to_firm = record_claim_letter(firm, TODAY, now=dt.datetime(2026, 11, 24, 9))
    assert to_firm.respond_by == TODAY + dt.timedelta(days=BEFORE_ACTION_DAYS)
    assert last_claim_letter(person) == sent
    [entry] = [e for e in customer_timeline(person) if e.kind == "letter"]
    assert "reply by 24 Dec 2026" in entry.detail + entry.title
    later = TODAY + dt.timedelta(days=10)
    rows = {r.customer_id: r for r in claim_rows(later)}
    assert rows[person].days_left == 20 and rows[firm].days_left == 4
    assert rows[firm].sent_on == TODAY
    assert list(rows) == [firm, person]  # the nearest deadline first


def test_a_customer_long_overdue_is_ready_for_a_letter(empty_store: db.Store) -> None:
    late, recent = customer("Late Ltd"), customer("Recent Ltd")
    invoice(late, 250_00, due_days_ago=31)
    invoice(recent, 250_00, due_days_ago=10)
    [row] = claim_rows(TODAY)
    assert (row.customer_id, row.sent_on, row.days_left) == (late, None, None)
    assert row.claim_minor >= row.principal_minor == 250_00


# --- the legal form in the customer's details ---------------------------------------------

def test_the_legal_form_is_kept_with_the_customers_details(empty_store: db.Store) -> None:
    from dataclasses import replace

    from models.customer_account import customer_draft
    from models.ledger import update_customer

    who = customer()
    assert customer_draft(who).legal_form == LegalForm.UNKNOWN
    update_customer(who, replace(customer_draft(who), legal_form="sole_trader"))
    assert customer_draft(who).legal_form == LegalForm.SOLE_TRADER
    with pytest.raises(LedgerError, match="company, a sole trader"):
        update_customer(who, replace(customer_draft(who), legal_form="llama"))


# --- the migration ------------------------------------------------------------------------------

def _my_version() -> int:
    return next(v for v, step in MIGRATIONS.items() if step is v20)


def test_a_store_before_claims_gets_the_fees_and_customers_of_unknown_form(
        tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer()
    finally:
        store.close()
    with sqlite3.connect(path) as connection:
        undo_claims_and_court_fees(connection)
        connection.execute(f"PRAGMA user_version = {_my_version() - 1}")
    connection.close()
    new = tmp_path / "new.sqlite"
    db.open_store(new, create=True).close()

    store = db.open_store(path)
    try:
        assert store.migrated_from == _my_version() - 1
        assert court_fees() == list(SHIPPED_COURT_FEES)
        assert Customer.get_by_id(who).legal_form == LegalForm.UNKNOWN
        assert last_claim_letter(who) is None
    finally:
        store.close()
    assert schema_of(path) == schema_of(new)
