"""What the store accepts through the ``models/`` API, whoever calls it: amounts as whole
minor units within one limit, dates in the business's range, text cleaned of what
would deceive a reader, look-alike numbers and codes refused, and every text bounded."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import db
from models.accounts import overdue_accounts
from models.contacts import ContactEntry, log_contact
from models.customer_account import find_customer
from models.errors import LedgerError
from models.input_rules import MAX_MINOR, NOTE_LIMIT, check_amount, match_key
from models.kinds import ContactKind
from models.ledger import (
    CustomerDraft,
    InvoiceDraft,
    add_credit_note,
    add_customer,
    add_invoice,
    record_payment,
)
from models.schema import CreditNote, Customer, Interaction, Invoice, Payment
from tests.unit.ledger_helpers import TODAY, customer, invoice

NOW = dt.datetime(2026, 11, 24, 10, 0)


@pytest.mark.parametrize("amount", [10**18, MAX_MINOR + 1, 12.7, 12.0, float("nan"),
                                    float("inf"), Decimal("12.5"), Decimal("NaN"), True,
                                    "1200", 0, -5])
def test_a_payment_of_anything_but_whole_minor_units_within_the_limit_is_refused(
        empty_store: db.Store, amount: object) -> None:
    who = customer()
    with pytest.raises(LedgerError) as refused:
        record_payment(who, received_on=TODAY, amount_minor=amount,  # type: ignore[arg-type]
                       today=TODAY)
    assert refused.value.field == "amount"
    assert Payment.select().count() == 0


@pytest.mark.parametrize("amount", [10**18, 12.7, float("inf")])
def test_an_invoice_or_credit_note_beyond_the_limit_or_fractional_is_refused(
        empty_store: db.Store, amount: object) -> None:
    who = customer()
    with pytest.raises(LedgerError):
        add_invoice(who, InvoiceDraft(number="INV-1", issue_date=TODAY, due_date=TODAY,
                                      amount_minor=amount), today=TODAY)  # type: ignore[arg-type]
    with pytest.raises(LedgerError):
        add_credit_note(who, number="CN-1", issue_date=TODAY,
                        amount_minor=amount, today=TODAY)  # type: ignore[arg-type]
    assert Invoice.select().count() == 0 and CreditNote.select().count() == 0


def test_ten_invoices_at_the_limit_still_add_up(empty_store: db.Store) -> None:
    who = customer()
    for _ in range(10):
        invoice(who, MAX_MINOR, due_days_ago=40)
    [row] = overdue_accounts(TODAY)
    assert row.overdue_minor == 10 * MAX_MINOR


@given(st.integers(min_value=-10**20, max_value=10**20))
def test_an_amount_is_kept_exactly_when_it_lies_between_one_minor_unit_and_the_limit(
        amount: int) -> None:
    if 0 < amount <= MAX_MINOR:
        assert check_amount(amount) == amount
    else:
        with pytest.raises(LedgerError):
            check_amount(amount)


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1969, 12, 31),
                                 dt.date(2101, 1, 1), dt.date(9999, 12, 31)])
def test_dates_outside_the_business_range_are_refused(empty_store: db.Store,
                                                      day: dt.date) -> None:
    who = customer()
    with pytest.raises(LedgerError, match="between 1 Jan 1970 and 31 Dec 2100"):
        add_invoice(who, InvoiceDraft(number="INV-1", issue_date=dt.date(2026, 1, 1),
                                      due_date=day, amount_minor=100), today=TODAY)
    with pytest.raises(LedgerError, match="between 1 Jan 1970 and 31 Dec 2100"):
        record_payment(who, received_on=day, amount_minor=100, today=dt.date(9999, 12, 31))
    with pytest.raises(LedgerError, match="between 1 Jan 1970 and 31 Dec 2100"):
        log_contact(who, ContactEntry(kind=ContactKind.CALL, occurred_at=NOW,
                                      summary="Rang", follow_up_on=day), now=NOW)
    assert Invoice.select().count() == 0 and Payment.select().count() == 0
    assert Interaction.select().count() == 0


@pytest.mark.parametrize("look_alike", ["inv-0000001", "INV\u20100000001", "INV-0000001\u200b",
                                        " INV-0000001 ", "INV\u2212" + "0000001"])
def test_an_invoice_number_that_only_looks_different_is_the_same_number(
        empty_store: db.Store, look_alike: str) -> None:
    who = customer()
    invoice(who, 1_000, due_days_ago=5, number="INV-0000001")
    with pytest.raises(LedgerError, match="already exists"):
        invoice(who, 1_000, due_days_ago=5, number=look_alike)
    assert Invoice.select().count() == 1


def test_a_customer_code_that_only_looks_different_is_taken(empty_store: db.Store) -> None:
    add_customer(CustomerDraft(code="ACME-1", name="Acme", currency="GBP"))
    with pytest.raises(LedgerError, match="already has the account code"):
        add_customer(CustomerDraft(code="acme\u20111\u00ad", name="Acme too", currency="GBP"))


def test_names_are_kept_in_one_form_and_an_ambiguous_name_lists_the_candidates(
        empty_store: db.Store) -> None:
    composed, decomposed = "Zoë Café", unicodedata.normalize("NFD", "Zoë Café")
    assert composed != decomposed
    first = add_customer(CustomerDraft(code="Z1", name=composed, currency="EUR"))
    second = add_customer(CustomerDraft(code="Z2", name=decomposed, currency="EUR"))
    assert {c.name for c in Customer.select()} == {composed}

    with pytest.raises(LedgerError) as refused:
        find_customer(decomposed)
    assert "Z1 (Zoë Café)" in refused.value.message and "Z2 (Zoë Café)" in refused.value.message
    assert find_customer("z1") == first and find_customer("Z2") == second


def test_control_and_direction_characters_never_reach_the_store(empty_store: db.Store) -> None:
    who = add_customer(CustomerDraft(code="C\x00-9", name="Acme\x1b[2J \u202eLtd\u202c\r\n",
                                     currency="GBP", contact_name="Ann\u200b\x07"))
    kept = Customer.get_by_id(who)
    assert (kept.code, kept.name) == ("C-9", "Acme[2J Ltd")
    payment = record_payment(who, received_on=TODAY, amount_minor=100, reference="REF\x1b1",
                             today=TODAY)
    assert Payment.get_by_id(payment.payment_id).reference == "REF1"


def test_a_note_is_kept_up_to_its_limit_and_refused_beyond(empty_store: db.Store) -> None:
    who = customer()
    log_contact(who, ContactEntry(kind=ContactKind.NOTE, occurred_at=NOW,
                                  summary="x" * NOTE_LIMIT), now=NOW)
    with pytest.raises(LedgerError, match="at most 20,000 are kept"):
        log_contact(who, ContactEntry(kind=ContactKind.NOTE, occurred_at=NOW,
                                      summary="x" * (NOTE_LIMIT + 1)), now=NOW)
    assert Interaction.select().count() == 1


@pytest.mark.parametrize("field", ["name", "address", "notes", "billing_email"])
def test_every_customer_text_is_bounded(empty_store: db.Store, field: str) -> None:
    draft = {"code": "", "name": "Acme", "currency": "GBP", field: "a" * 100_000}
    with pytest.raises(LedgerError) as refused:
        add_customer(CustomerDraft(**draft))  # type: ignore[arg-type]
    assert "characters long" in refused.value.message
    assert Customer.select().count() == 0


def test_match_key_sees_through_case_dashes_and_invisible_characters() -> None:
    assert match_key("INV-0000001") == match_key("inv\u2010\u00ad0000001\u200b ")
    assert match_key("A-1") != match_key("A1")


def test_a_payment_far_above_the_balance_is_questioned_with_the_figures() -> None:
    from models.ledger import payment_question

    question = payment_question(100_000_000_000, 3_200_000, "GBP")
    assert question is not None
    assert "1,000,000,000.00 GBP" in question and "32,000.00 GBP the customer owes" in question
    assert "999,968,000.00 GBP would be kept as credit" in question
    assert payment_question(3_250_000, 3_200_000, "GBP") is None  # a little over: no question
    assert payment_question(50_000, 0, "GBP") is None  # a small payment on account
