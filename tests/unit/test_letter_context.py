"""A letter's merge fields come from the store as plain text: the business, the
customer and contact, the invoices, totals, savings, charges and the next step."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from models import db
from models.dates import long_date
from models.errors import LedgerError
from models.ledger import CustomerDraft, add_customer, dispute_invoice, record_payment
from models.letter_context import (
    InvoiceLine,
    LetterContext,
    letter_context,
    letter_invoice_ids,
)
from models.schema import Charge, ContactPerson, Customer, PaymentTerms
from models.templating import INVOICE_FIELDS, MERGE_FIELDS
from tests.unit.ledger_helpers import TODAY, customer, invoice


def charge(invoice_id: int, kind: str, amount_minor: int, *, voided: bool = False,
           charged_on: dt.date = TODAY) -> None:
    """A charge as the interest and fee rules would post it."""
    Charge.create(invoice=invoice_id, kind=kind, charged_on=charged_on,
                  amount_minor=amount_minor, open_minor=amount_minor, currency="GBP",
                  voided=voided, created_at=dt.datetime.now())


def with_terms(customer_id: int, name: str) -> None:
    Customer.update(payment_terms=PaymentTerms.get(PaymentTerms.name == name)).where(
        Customer.id == customer_id).execute()


def test_the_merge_fields_are_exactly_what_the_context_holds() -> None:
    assert [f.name for f in dataclasses.fields(LetterContext)] == list(MERGE_FIELDS)
    assert [f.name for f in dataclasses.fields(InvoiceLine)] == list(INVOICE_FIELDS)


def test_a_letter_names_the_business_the_customer_and_the_invoices(
        empty_store: db.Store) -> None:
    who = customer()
    older = invoice(who, 1_234_50, due_days_ago=24, number="INV-7")
    newer = invoice(who, 50_00, due_days_ago=-3, number="INV-8")
    record_payment(who, received_on=TODAY, amount_minor=234_50, today=TODAY)
    context = letter_context(who, [newer, older], TODAY)
    assert (context.letter_date, context.business_name, context.business_address) == (
        "24 Nov 2026", "Harbour & Finch Ltd", "1 Quay Street\nBristol BS1 4DJ")
    assert (context.customer_name, context.customer_code, context.contact_name) == (
        "Zoë Ødegård AS", Customer.get_by_id(who).code, "Zoë Ødegård")
    assert context.invoices == (
        InvoiceLine("INV-7", "1 Oct 2026", "31 Oct 2026", "£1,234.50",
                    "£1,000.00", 24, "24 days overdue"),
        InvoiceLine("INV-8", "28 Oct 2026", "27 Nov 2026", "£50.00", "£50.00",
                    0, "due in 3 days"))
    assert (context.invoice_count, context.overdue_count, context.oldest_days_overdue) == (
        2, 1, 24)
    assert (context.currency, context.total_due, context.total_overdue) == (
        "GBP", "£1,050.00", "£1,000.00")
    assert (context.early_payment_saving, context.interest_and_charges,
            context.charges_total, context.total_with_charges) == ("", "", "", "£1,050.00")


def test_the_figures_are_those_of_the_letter_date(empty_store: db.Store) -> None:
    who = customer()
    first = invoice(who, 100_00, due_days_ago=10)
    record_payment(who, received_on=TODAY, amount_minor=40_00, today=TODAY)
    earlier = letter_context(who, [first], TODAY - dt.timedelta(days=1))
    assert (earlier.total_due, earlier.invoices[0].lateness) == ("£100.00",
                                                                 "9 days overdue")
    assert letter_context(who, [first], TODAY).total_due == "£60.00"


def test_the_context_holds_only_plain_text_numbers_and_invoice_lines(
        empty_store: db.Store) -> None:
    who = customer()
    context = letter_context(who, [invoice(who, 10_00, due_days_ago=1)], TODAY)
    for field in dataclasses.fields(context):
        value = getattr(context, field.name)
        if field.name == "invoices":
            assert all(type(line) is InvoiceLine for line in value)
            assert all(type(getattr(line, f)) in (str, int) for line in value
                       for f in INVOICE_FIELDS)
        else:
            assert type(value) in (str, int), field.name


def test_without_a_named_contact_the_letter_is_to_sir_or_madam(empty_store: db.Store) -> None:
    who = add_customer(CustomerDraft(code="", name="Nobody Ltd", currency="GBP"))
    assert letter_context(who, [], TODAY).contact_name == "Sir or Madam"
    ContactPerson.create(customer=who, name="  ", is_billing=True)
    assert letter_context(who, [], TODAY).contact_name == "Sir or Madam"
    ContactPerson.create(customer=who, name="Ada Jones", role="Director")
    assert letter_context(who, [], TODAY).contact_name == "Ada Jones"


def test_an_early_payment_saving_is_offered_inside_the_discount_window(
        empty_store: db.Store) -> None:
    who = customer()
    with_terms(who, "2% 10, net 30")
    fresh = invoice(who, 500_00, due_days_ago=-25, issued_days_before_due=30, number="F-1")
    fresher = invoice(who, 250_50, due_days_ago=-28, issued_days_before_due=30,
                      number="F-2")
    late = invoice(who, 80_00, due_days_ago=5, number="F-0")
    context = letter_context(who, [late, fresh, fresher], TODAY)
    # F-1 was issued on 19 November: its window ends on 29 November; 2% of 500.00 and
    # 2% of 250.50 (5.01) are saved by paying the 750.50 less 15.01.
    assert context.early_payment_saving == (
        "Pay £735.49 by 29 Nov 2026 to save £15.01: our 2% discount for payment "
        "within 10 days still applies to invoices F-1 and F-2.")
    assert letter_context(who, [late], TODAY).early_payment_saving == ""
    after = TODAY + dt.timedelta(days=6)
    assert letter_context(who, [fresh], after).early_payment_saving == ""
    # Never an offer that ends on the document's own date: it would be gone on arrival.
    last_day = TODAY + dt.timedelta(days=5)  # 29 November, F-1's last day
    assert letter_context(who, [fresh], last_day).early_payment_saving == ""
    day_before = TODAY + dt.timedelta(days=4)
    assert "by 29 Nov 2026" in letter_context(who, [fresh], day_before).early_payment_saving


def test_no_saving_is_offered_on_terms_without_a_discount(empty_store: db.Store) -> None:
    who = customer()
    fresh = invoice(who, 500_00, due_days_ago=-25, issued_days_before_due=30)
    assert letter_context(who, [fresh], TODAY).early_payment_saving == ""
    with_terms(who, "Net 30")
    assert letter_context(who, [fresh], TODAY).early_payment_saving == ""
    PaymentTerms.update(discount_percent=Decimal("1.5"), discount_days=14).where(
        PaymentTerms.name == "Net 30").execute()
    assert "our 1.5% discount for payment within 14 days still applies to invoice" in \
        letter_context(who, [fresh], TODAY).early_payment_saving


def test_interest_and_charges_still_open_on_the_invoices_are_stated(
        empty_store: db.Store) -> None:
    who = customer()
    first = invoice(who, 1_000_00, due_days_ago=60)
    second = invoice(who, 500_00, due_days_ago=40)
    other = invoice(who, 300_00, due_days_ago=40)
    charge(first, "interest", 12_34)
    charge(second, "interest", 5_00)
    charge(first, "compensation", 70_00)
    charge(second, "fee", 99_00, voided=True)
    charge(other, "fee", 25_00)
    charge(first, "fee", 15_00, charged_on=TODAY + dt.timedelta(days=1))
    context = letter_context(who, [first, second], TODAY)
    assert context.interest_and_charges == (
        "Late-payment charges of £87.34 are also due on these invoices: interest "
        "£17.34 and compensation for recovery costs £70.00.")
    assert (context.charges_total, context.total_due, context.total_with_charges) == (
        "£87.34", "£1,500.00", "£1,587.34")


def test_the_next_step_and_its_date_are_passed_through(empty_store: db.Store) -> None:
    who = customer()
    context = letter_context(who, [invoice(who, 10_00, due_days_ago=30)], TODAY,
                             stage_name="Final notice",
                             next_step=" refer the account to a collection agency ",
                             next_step_on=dt.date(2026, 12, 1))
    assert (context.stage_name, context.next_step, context.next_step_date) == (
        "Final notice", "refer the account to a collection agency", "1 Dec 2026")
    assert letter_context(who, [], TODAY).next_step_date == ""


def test_a_letter_is_about_one_customer_in_one_currency(empty_store: db.Store) -> None:
    who, stranger = customer(), customer("Another Ltd")
    theirs = invoice(stranger, 10_00, due_days_ago=3)
    with pytest.raises(LedgerError, match="not on this customer's account"):
        letter_context(who, [theirs], TODAY)
    with pytest.raises(LedgerError, match="That customer no longer exists"):
        letter_context(9999, [], TODAY)
    euro = customer("Euro SARL", currency="EUR")
    assert letter_context(euro, [], TODAY).currency == "EUR"
    assert letter_context(euro, [], TODAY).total_due == "€0.00"


def test_a_letter_is_about_the_overdue_invoices_or_else_those_coming_due(
        empty_store: db.Store) -> None:
    who = customer()
    coming = invoice(who, 10_00, due_days_ago=-3)
    assert letter_invoice_ids(who, TODAY) == (coming,)
    late = invoice(who, 20_00, due_days_ago=10)
    later = invoice(who, 30_00, due_days_ago=20)
    disputed = invoice(who, 40_00, due_days_ago=30)
    dispute_invoice(disputed, "Wrong goods")
    assert letter_invoice_ids(who, TODAY) == (later, late)
    assert letter_invoice_ids(customer("Empty Ltd"), TODAY) == ()


def test_dates_read_as_a_letter_writes_them_whatever_the_locale() -> None:
    assert long_date(dt.date(2026, 11, 24)) == "24 November 2026"
    assert long_date(dt.date(2027, 1, 5)) == "5 January 2027"
