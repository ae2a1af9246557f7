"""The early-payment discount: offered on documents while it still applies, and taken
at once when a payment for the discounted amount arrives in time, so the invoice closes
instead of leaving 2% to chase."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import db
from models.check import check_store
from models.incentives import early_payment_discount
from models.kinds import CreditKind, InvoiceStatus
from models.ledger import record_payment, void_payment
from models.letter_context import letter_context
from models.money import from_minor
from models.schema import Allocation, CreditNote, Customer, Invoice, PaymentTerms
from reports.activity_statement import activity_statement_data
from reports.statement import statement_data
from tests.unit.ledger_helpers import TODAY, customer, invoice

# An invoice issued on 19 November 2026 on "2% 10, net 30": its discount's last day is
# 29 November; 2% of 1,200.00 is 24.00, so 1,176.00 pays it.
ISSUED = dt.date(2026, 11, 19)
LAST_DAY = dt.date(2026, 11, 29)


def discount_customer(currency: str = "GBP") -> int:
    who = customer(currency=currency)
    Customer.update(payment_terms=PaymentTerms.get(PaymentTerms.name == "2% 10, net 30")).where(
        Customer.id == who).execute()
    return who


def fresh_invoice(who: int, amount_minor: int = 1_200_00, number: str | None = None,
                  issued: dt.date = ISSUED) -> int:
    """An invoice issued on ``issued``, due 30 days later."""
    due_days_ago = (TODAY - (issued + dt.timedelta(days=30))).days
    return invoice(who, amount_minor, due_days_ago=due_days_ago, number=number,
                   issued_days_before_due=30)


def pay(who: int, amount_minor: int, on: dt.date, **more: object) -> int:
    return record_payment(who, received_on=on, amount_minor=amount_minor, today=on,
                          **more).payment_id  # type: ignore[arg-type]


def discounts(who: int) -> list[tuple[int | None, int, bool]]:
    """The customer's early-payment credit notes: (invoice, amount, voided)."""
    return [(n.invoice_id, n.amount_minor, n.voided) for n in CreditNote.select().where(
        (CreditNote.customer == who) & (CreditNote.kind == CreditKind.EARLY_PAYMENT))
        .order_by(CreditNote.id)]


def state(invoice_id: int) -> tuple[str, int]:
    row = Invoice.get_by_id(invoice_id)
    return row.status, row.open_minor


# --- the rounding ----------------------------------------------------------------------

@given(amount=st.integers(1, 10**11), paid=st.integers(0, 10**11),
       percent=st.decimals(Decimal("0.01"), Decimal("99.99"), places=2),
       currency=st.sampled_from(["GBP", "JPY", "KWD"]))
def test_the_discounted_amount_and_the_discount_add_up_to_what_is_open(
        amount: int, paid: int, percent: Decimal, currency: str) -> None:
    open_minor = max(amount - paid, 0)
    discount = early_payment_discount(amount, open_minor, percent, currency)
    to_pay = open_minor - discount
    assert to_pay + discount == open_minor
    assert 0 <= discount <= open_minor and to_pay >= 0
    # percent of the total, rounded half-up to the minor unit, unless less is open
    exact = Decimal(amount) * percent / 100
    assert discount == min(open_minor, int(exact + Decimal("0.5")))


def test_a_discount_rounds_half_up_to_the_minor_unit() -> None:
    # 2% of 0.25 is 0.005: half a penny rounds up; of 0.24, 0.0048 rounds to 0.00.
    assert early_payment_discount(25, 25, Decimal(2), "GBP") == 1
    assert early_payment_discount(24, 24, Decimal(2), "GBP") == 0
    assert early_payment_discount(1_200, 1_200, Decimal("2.5"), "JPY") == 30
    assert from_minor(early_payment_discount(1_200_00, 1_200_00, Decimal(2), "GBP"),
                      "GBP") == Decimal("24.00")


@pytest.mark.parametrize(("currency", "amount", "discounted"), [
    ("GBP", 1_234_25, 1_209_56),  # 2% is 24.685: 24.69 off
    ("GBP", 1_234_24, 1_209_56),  # 24.6848: 24.68 off
    ("JPY", 12_345, 12_098),  # 246.9 yen: 247 off
    ("KWD", 1_000_025, 980_024),  # 20.0005 dinars: 20.001 off
])
def test_the_discount_the_ledger_grants_is_rounded_half_up(
        empty_store: db.Store, currency: str, amount: int, discounted: int) -> None:
    who = discount_customer(currency)
    bill = fresh_invoice(who, amount)
    pay(who, discounted - 1, TODAY)  # a unit short: nothing yet
    assert state(bill) == (InvoiceStatus.OPEN, amount - discounted + 1)
    pay(who, 1, TODAY)
    assert state(bill) == (InvoiceStatus.PAID, 0)
    assert discounts(who) == [(bill, amount - discounted, False)]
    assert check_store() == []


# --- applied when a payment earns it ---------------------------------------------------

def test_paying_the_discounted_amount_in_time_closes_the_invoice_with_a_discount(
        empty_store: db.Store) -> None:
    who = discount_customer()
    bill = fresh_invoice(who)
    result = record_payment(who, received_on=TODAY, amount_minor=1_176_00, today=TODAY)
    assert result.unallocated_minor == 0
    assert state(bill) == (InvoiceStatus.PAID, 0)
    note = CreditNote.get((CreditNote.customer == who)
                          & (CreditNote.kind == CreditKind.EARLY_PAYMENT))
    assert (note.invoice_id, note.amount_minor, note.unallocated_minor,
            note.issue_date) == (bill, 24_00, 0, TODAY)
    assert "Early-payment discount" in note.reason
    assert Allocation.get(Allocation.credit_note == note.id).invoice_id == bill
    assert check_store() == []


@pytest.mark.parametrize(("received", "discounted"), [
    (LAST_DAY - dt.timedelta(days=1), True),
    (LAST_DAY, True),  # the last day counts
    (LAST_DAY + dt.timedelta(days=1), False),
])
def test_the_discount_is_earned_up_to_its_last_day(empty_store: db.Store, received: dt.date,
                                                   discounted: bool) -> None:
    who = discount_customer()
    bill = fresh_invoice(who)
    pay(who, 1_176_00, received)
    assert state(bill) == ((InvoiceStatus.PAID, 0) if discounted
                           else (InvoiceStatus.OPEN, 24_00))
    assert discounts(who) == ([(bill, 24_00, False)] if discounted else [])
    assert check_store() == []


def test_a_payment_short_of_the_discounted_amount_earns_nothing(
        empty_store: db.Store) -> None:
    who = discount_customer()
    bill = fresh_invoice(who)
    pay(who, 1_175_99, TODAY)
    assert state(bill) == (InvoiceStatus.OPEN, 24_01)
    assert discounts(who) == []
    # the rest paid in time, it is earned on the second payment
    pay(who, 1, TODAY)
    assert state(bill) == (InvoiceStatus.PAID, 0)
    assert discounts(who) == [(bill, 24_00, False)]
    assert check_store() == []


def test_paying_a_little_more_than_the_discounted_amount_credits_only_the_rest(
        empty_store: db.Store) -> None:
    who = discount_customer()
    bill = fresh_invoice(who)
    pay(who, 1_190_00, TODAY)
    assert state(bill) == (InvoiceStatus.PAID, 0)
    assert discounts(who) == [(bill, 10_00, False)]


def test_paying_in_full_needs_no_discount(empty_store: db.Store) -> None:
    who = discount_customer()
    bill = fresh_invoice(who)
    pay(who, 1_200_00, TODAY)
    assert state(bill) == (InvoiceStatus.PAID, 0)
    assert discounts(who) == []


def test_terms_without_a_discount_take_none(empty_store: db.Store) -> None:
    who = customer()
    bill = fresh_invoice(who)
    pay(who, 1_176_00, TODAY)
    assert state(bill) == (InvoiceStatus.OPEN, 24_00)
    assert discounts(who) == []


def test_one_payment_for_several_invoices_pays_each_its_discounted_amount(
        empty_store: db.Store) -> None:
    who = discount_customer()
    late = invoice(who, 300_00, due_days_ago=10, number="OLD-1")  # long past its window
    first = fresh_invoice(who, 1_200_00, "NEW-1")
    second = fresh_invoice(who, 500_00, "NEW-2", issued=ISSUED + dt.timedelta(days=1))
    # the late one in full, the others less 24.00 and 10.00
    pay(who, 300_00 + 1_176_00 + 490_00, TODAY)
    assert [state(i) for i in (late, first, second)] == [(InvoiceStatus.PAID, 0)] * 3
    assert discounts(who) == [(first, 24_00, False), (second, 10_00, False)]
    assert check_store() == []


def test_money_short_for_the_second_invoice_earns_the_discount_on_the_first_only(
        empty_store: db.Store) -> None:
    who = discount_customer()
    first = fresh_invoice(who, 1_200_00, "NEW-1")
    second = fresh_invoice(who, 500_00, "NEW-2", issued=ISSUED + dt.timedelta(days=1))
    pay(who, 1_176_00 + 400_00, TODAY)
    assert state(first) == (InvoiceStatus.PAID, 0)
    assert state(second) == (InvoiceStatus.OPEN, 100_00)
    assert discounts(who) == [(first, 24_00, False)]
    assert check_store() == []


def test_more_than_the_discounted_total_tops_up_the_oldest_first(
        empty_store: db.Store) -> None:
    who = discount_customer()
    first = fresh_invoice(who, 1_200_00, "NEW-1")
    second = fresh_invoice(who, 500_00, "NEW-2", issued=ISSUED + dt.timedelta(days=1))
    pay(who, 1_200_00 + 490_00, TODAY)  # the first in full, the second discounted
    assert discounts(who) == [(second, 10_00, False)]
    assert [state(i) for i in (first, second)] == [(InvoiceStatus.PAID, 0)] * 2


def test_a_chosen_allocation_of_the_discounted_amount_earns_it(empty_store: db.Store) -> None:
    who = discount_customer()
    other = invoice(who, 80_00, due_days_ago=40)
    bill = fresh_invoice(who)
    pay(who, 1_176_00, TODAY, allocate_to=[(bill, 1_176_00)])
    assert state(bill) == (InvoiceStatus.PAID, 0)
    assert state(other) == (InvoiceStatus.OPEN, 80_00)
    assert discounts(who) == [(bill, 24_00, False)]


def test_voiding_the_payment_takes_the_discount_back(empty_store: db.Store) -> None:
    who = discount_customer()
    bill = fresh_invoice(who)
    payment = pay(who, 1_176_00, TODAY)
    void_payment(payment, "Bounced")
    assert state(bill) == (InvoiceStatus.OPEN, 1_200_00)
    assert discounts(who) == [(bill, 24_00, True)]
    assert check_store() == []
    pay(who, 1_176_00, TODAY)  # paid again in time: earned again
    assert state(bill) == (InvoiceStatus.PAID, 0)
    assert check_store() == []


def test_a_payment_brought_by_an_import_takes_no_discount(empty_store: db.Store) -> None:
    who = discount_customer()
    bill = fresh_invoice(who)
    record_payment(who, received_on=TODAY, amount_minor=1_176_00, today=TODAY,
                   allocate_to=[(bill, 1_176_00)], incentives=False)
    assert state(bill) == (InvoiceStatus.OPEN, 24_00)
    assert discounts(who) == []


# --- what documents say ----------------------------------------------------------------

def test_a_letter_offers_the_discount_only_while_it_still_applies(
        empty_store: db.Store) -> None:
    who = discount_customer()
    bill = fresh_invoice(who, number="F-1")
    context = letter_context(who, [bill], TODAY)
    assert (context.early_payment_amount, context.early_payment_by,
            context.early_payment_discount) == ("£1,176.00", "29 Nov 2026", "£24.00")
    assert context.early_payment_saving.startswith("Pay £1,176.00 by 29 Nov 2026 to save "
                                                   "£24.00")
    day_before = letter_context(who, [bill], LAST_DAY - dt.timedelta(days=1))
    assert day_before.early_payment_amount == "£1,176.00"
    # A letter dated the last day would arrive after it: no offer, and none after.
    for day in (LAST_DAY, LAST_DAY + dt.timedelta(days=1)):
        later = letter_context(who, [bill], day)
        assert (later.early_payment_amount, later.early_payment_by,
                later.early_payment_discount, later.early_payment_saving) == ("", "", "", "")


def test_the_statement_offers_it_before_and_shows_it_taken_after(
        empty_store: db.Store) -> None:
    who = discount_customer()
    fresh_invoice(who, number="F-1")
    before = statement_data(who, TODAY, today=TODAY)
    assert before.early_payment_saving.startswith("Pay £1,176.00 by 29 Nov 2026 to save "
                                                  "£24.00")
    assert statement_data(who, LAST_DAY, today=LAST_DAY).early_payment_saving == ""
    pay(who, 1_176_00, TODAY)
    after = statement_data(who, TODAY, today=TODAY)
    assert after.early_payment_saving == "" and after.total_minor == 0
    activity = activity_statement_data(who, ISSUED, TODAY, today=TODAY)
    lines = [(line.document, line.credit_minor) for line in activity.lines]
    assert ("Early-payment discount", 24_00) in lines
    assert ("Payment", 1_176_00) in lines
    assert activity.closing_minor == 0
