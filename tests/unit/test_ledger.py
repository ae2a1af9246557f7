"""Posting to an account: payments, credit notes, voids, disputes, holds, edits."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from models import db
from models.check import check_store
from models.customer_account import (
    customer_draft,
    customer_header,
    customer_invoices,
    customer_list,
    customer_money_in,
)
from models.errors import FieldProblems
from models.ledger import (
    CustomerDraft,
    InvoiceDraft,
    LedgerError,
    add_credit_note,
    add_customer,
    add_invoice,
    allocate_credit,
    dispute_invoice,
    parse_amount,
    parse_date,
    put_on_hold,
    record_payment,
    release_dispute,
    release_hold,
    tax_number_as_kept,
    update_customer,
    update_invoice,
    void_invoice,
    void_payment,
)
from models.mail import valid_address
from models.schema import AuditEntry, Invoice
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines


def open_amounts(customer_id: int) -> dict[str, int]:
    return {r.number: r.open_minor for r in customer_invoices(customer_id, TODAY)}


def test_a_payment_pays_the_oldest_invoices_first(empty_store: db.Store) -> None:
    who = customer()
    newer = invoice(who, 50_00, due_days_ago=5, number="N-2")
    older = invoice(who, 30_00, due_days_ago=40, number="N-1")
    result = record_payment(who, received_on=TODAY, amount_minor=40_00, today=TODAY)
    assert [(p.invoice_id, p.amount_minor) for p in result.allocated] == [(older, 30_00),
                                                                         (newer, 10_00)]
    assert result.unallocated_minor == 0
    assert open_amounts(who) == {"N-1": 0, "N-2": 40_00}
    assert Invoice.get_by_id(older).status == "paid"
    assert check_store() == []


def test_oldest_first_skips_disputed_invoices(empty_store: db.Store) -> None:
    who = customer()
    disputed = invoice(who, 30_00, due_days_ago=40, number="D-1")
    invoice(who, 50_00, due_days_ago=5, number="D-2")
    dispute_invoice(disputed, "Wrong goods")
    record_payment(who, received_on=TODAY, amount_minor=50_00, today=TODAY)
    assert open_amounts(who) == {"D-1": 30_00, "D-2": 0}


def test_a_payment_can_go_to_the_invoices_the_user_picks(empty_store: db.Store) -> None:
    who = customer()
    first = invoice(who, 30_00, due_days_ago=40, number="P-1")
    second = invoice(who, 50_00, due_days_ago=5, number="P-2")
    result = record_payment(who, received_on=TODAY, amount_minor=60_00, today=TODAY,
                            allocate_to=[(second, 50_00), (first, 5_00)])
    assert result.unallocated_minor == 5_00
    assert open_amounts(who) == {"P-1": 25_00, "P-2": 0}
    header = customer_header(who, TODAY, today=TODAY)
    assert header.balances[0].unallocated_minor == 5_00
    assert header.balances[0].balance_minor == 20_00


@pytest.mark.parametrize(("kwargs", "field", "words"), [
    ({"amount_minor": 0}, "amount", "above zero"),
    ({"amount_minor": -5}, "amount", "above zero"),
    ({"received_on": TODAY + dt.timedelta(days=1)}, "received_on", "future"),
])
def test_impossible_payments_are_refused_at_the_field(empty_store: db.Store, kwargs: dict,
                                                      field: str, words: str) -> None:
    who = customer()
    invoice(who, 10_00, due_days_ago=3)
    arguments = {"received_on": TODAY, "amount_minor": 10_00, "today": TODAY, **kwargs}
    with pytest.raises(LedgerError) as refused:
        record_payment(who, **arguments)
    assert refused.value.field == field and words in refused.value.message
    assert customer_money_in(who) == []


def test_an_allocation_above_what_is_open_is_refused(empty_store: db.Store) -> None:
    who = customer()
    target = invoice(who, 10_00, due_days_ago=3, number="O-1")
    with pytest.raises(LedgerError) as refused:
        record_payment(who, received_on=TODAY, amount_minor=20_00, today=TODAY,
                       allocate_to=[(target, 15_00)])
    assert refused.value.field == "allocations" and "10.00 GBP open" in refused.value.message
    assert customer_money_in(who) == [] and open_amounts(who) == {"O-1": 10_00}


def test_allocations_above_the_payment_or_to_another_account_are_refused(
        empty_store: db.Store) -> None:
    who, other = customer(), customer("Other Ltd")
    mine = invoice(who, 100_00, due_days_ago=3)
    theirs = invoice(other, 100_00, due_days_ago=3)
    with pytest.raises(LedgerError, match="more than"):
        record_payment(who, received_on=TODAY, amount_minor=20_00, today=TODAY,
                       allocate_to=[(mine, 30_00)])
    with pytest.raises(LedgerError, match="not on this customer"):
        record_payment(who, received_on=TODAY, amount_minor=20_00, today=TODAY,
                       allocate_to=[(theirs, 10_00)])
    assert check_store() == []


def test_credit_left_on_a_payment_can_be_allocated_later(empty_store: db.Store) -> None:
    who = customer()
    result = record_payment(who, received_on=TODAY, amount_minor=25_00, today=TODAY)
    assert result.allocated == () and result.unallocated_minor == 25_00
    invoice(who, 40_00, due_days_ago=2, number="L-1")
    parts = allocate_credit(who, payment_id=result.payment_id, on=TODAY)
    assert [p.amount_minor for p in parts] == [25_00]
    assert open_amounts(who) == {"L-1": 15_00}
    with pytest.raises(LedgerError, match="Nothing is left"):
        allocate_credit(who, payment_id=result.payment_id, on=TODAY)


def test_a_credit_note_on_an_invoice_keeps_any_excess_as_credit(empty_store: db.Store) -> None:
    who = customer()
    target = invoice(who, 30_00, due_days_ago=10, number="C-1")
    add_credit_note(who, number="CN-9", issue_date=TODAY, amount_minor=45_00,
                    invoice_id=target, reason="Returned", today=TODAY)
    assert open_amounts(who) == {"C-1": 0}
    (note,) = customer_money_in(who)
    assert (note.kind, note.allocated_minor, note.unallocated_minor) == ("credit note", 30_00,
                                                                        15_00)
    with pytest.raises(LedgerError) as refused:
        add_credit_note(who, number="CN-9", issue_date=TODAY, amount_minor=1_00, today=TODAY)
    assert refused.value.field == "number"


def test_voiding_a_payment_reopens_what_it_paid(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 30_00, due_days_ago=10, number="V-1")
    paid = record_payment(who, received_on=TODAY, amount_minor=30_00, today=TODAY)
    void_payment(paid.payment_id, "Bounced cheque")
    assert open_amounts(who) == {"V-1": 30_00}
    (payment,) = customer_money_in(who)
    assert payment.voided and payment.allocated_minor == 0
    entry = AuditEntry.select().where(AuditEntry.action == "void payment").get()
    assert json.loads(entry.after)["reason"] == "Bounced cheque"
    assert check_store() == []
    with pytest.raises(LedgerError):
        void_payment(paid.payment_id, "again")


def test_an_invoice_is_voided_only_while_nothing_is_allocated(empty_store: db.Store) -> None:
    who = customer()
    wrong = invoice(who, 30_00, due_days_ago=10, number="W-1")
    paid = invoice(who, 30_00, due_days_ago=10, number="W-2")
    record_payment(who, received_on=TODAY, amount_minor=5_00, allocate_to=[(paid, 5_00)],
                   today=TODAY)
    void_invoice(wrong, "Issued twice")
    with pytest.raises(LedgerError, match="allocated"):
        void_invoice(paid, "Oops")
    rows = {r.number: r for r in customer_invoices(who, TODAY)}
    assert rows["W-1"].status == "void" and rows["W-1"].open_minor == 0
    assert check_store() == []


def test_dispute_and_hold_are_set_with_a_reason_and_released(empty_store: db.Store) -> None:
    who = customer()
    target = invoice(who, 30_00, due_days_ago=10, number="H-1")
    with pytest.raises(LedgerError) as refused:
        dispute_invoice(target, "  ")
    assert refused.value.field == "reason"
    dispute_invoice(target, "Short delivery")
    assert customer_invoices(who, TODAY)[0].status == "disputed"
    release_dispute(target)
    assert customer_invoices(who, TODAY)[0].status == "open"
    put_on_hold(who, "In administration")
    header = customer_header(who, TODAY, today=TODAY)
    assert header.on_hold and header.hold_reason == "In administration"
    release_hold(who)
    assert not customer_header(who, TODAY, today=TODAY).on_hold
    actions = [a for (a,) in AuditEntry.select(AuditEntry.action).tuples()]
    for action in ("dispute invoice", "release dispute", "put on hold", "release hold"):
        assert action in actions


def test_customers_are_added_and_edited_with_clear_refusals(empty_store: db.Store) -> None:
    who = add_customer(CustomerDraft(code="ACME", name="Acme <Ltd>", currency="eur",
                                     contact_name="Łukasz", billing_email="ap@acme.example"))
    draft = customer_draft(who)
    assert (draft.code, draft.currency, draft.contact_name) == ("ACME", "EUR", "Łukasz")
    for bad, field in ((CustomerDraft(code="ACME", name="Twin", currency="EUR"), "code"),
                       (CustomerDraft(code="X", name=" ", currency="EUR"), "name"),
                       (CustomerDraft(code="Y", name="Y", currency="EURO"), "currency"),
                       (CustomerDraft(code="Z", name="Z", currency="EUR",
                                      billing_email="no at sign"), "billing_email")):
        with pytest.raises(LedgerError) as refused:
            add_customer(bad)
        assert refused.value.field == field
    update_customer(who, CustomerDraft(code="ACME", name="Acme Ltd", currency="EUR",
                                       contact_name="Łukasz Nowak"))
    assert customer_draft(who).contact_name == "Łukasz Nowak"
    assert [r.name for r in customer_list(TODAY, today=TODAY)] == ["Acme Ltd"]


@pytest.mark.parametrize(("typed", "kept"), [
    ("GB 123 4567 89", "GB123456789"),
    ("  gb123456789 ", "GB123456789"),
    ("de\u00a0123\t456 789", "DE123456789"),  # a no-break space or tab pasted in
    ("CHE-123.456.789 mwst", "CHE-123.456.789MWST"),  # only spaces go, not punctuation
    ("   ", ""),
])
def test_a_vat_number_is_kept_without_spaces_in_capitals(typed: str, kept: str) -> None:
    assert tax_number_as_kept(typed) == kept


def test_a_customers_vat_number_is_kept_as_the_rule_says_and_read_back(
        empty_store: db.Store) -> None:
    who = add_customer(CustomerDraft(code="", name="Acme Ltd", currency="GBP",
                                     tax_number=" gb 123 4567 89 "))
    assert customer_draft(who).tax_number == "GB123456789"
    assert customer_header(who, TODAY, today=TODAY).tax_number == "GB123456789"
    update_customer(who, replace(customer_draft(who), tax_number="ie 6388047v"))
    assert customer_draft(who).tax_number == "IE6388047V"
    update_customer(who, replace(customer_draft(who), tax_number=""))
    assert customer_draft(who).tax_number == ""


def test_every_field_of_a_customer_that_will_not_do_is_named_at_once(
        empty_store: db.Store) -> None:
    add_customer(CustomerDraft(code="ACME", name="Acme", currency="EUR"))
    with pytest.raises(FieldProblems) as refused:
        add_customer(CustomerDraft(code="ACME", name=" ", currency="EURO",
                                   billing_email="no at sign", country="Greece"))
    assert [field for field, _message in refused.value.problems] == [
        "name", "code", "currency", "billing_email", "country"]
    assert customer_list(TODAY, today=TODAY)[0].name == "Acme"  # and nothing written


def test_every_field_of_an_invoice_that_will_not_do_is_named_at_once(
        empty_store: db.Store) -> None:
    who = customer()
    add_invoice(who, InvoiceDraft(number="INV-1", issue_date=TODAY, due_date=TODAY,
                                  amount_minor=100))
    with pytest.raises(FieldProblems) as refused:
        add_invoice(who, InvoiceDraft(number="INV-1", issue_date=TODAY,
                                      due_date=TODAY - dt.timedelta(days=1), amount_minor=0))
    assert [field for field, _message in refused.value.problems] == [
        "number", "due_date", "amount"]


def test_invoices_are_added_and_corrected(empty_store: db.Store) -> None:
    who = customer()
    draft = InvoiceDraft(number="INV-1", issue_date=TODAY - dt.timedelta(days=30),
                         due_date=TODAY, amount_minor=12_34)
    first = add_invoice(who, draft)
    with pytest.raises(LedgerError) as refused:
        add_invoice(who, draft)
    assert refused.value.field == "number" and "already exists" in refused.value.message
    with pytest.raises(LedgerError) as refused:
        add_invoice(who, InvoiceDraft("INV-2", TODAY, TODAY - dt.timedelta(days=1), 5_00))
    assert refused.value.field == "due_date"
    update_invoice(first, InvoiceDraft("INV-1A", draft.issue_date, draft.due_date, 20_00))
    assert open_amounts(who) == {"INV-1A": 20_00}
    record_payment(who, received_on=TODAY, amount_minor=1_00, today=TODAY)
    with pytest.raises(LedgerError) as refused:
        update_invoice(first, InvoiceDraft("INV-1A", draft.issue_date, draft.due_date, 30_00))
    assert refused.value.field == "amount"
    assert check_store() == []


@pytest.mark.parametrize(("typed", "currency", "minor"), [
    ("1234.50", "GBP", 123450), ("1,234.50", "GBP", 123450), ("1.234,50", "EUR", 123450),
    ("12,5", "EUR", 1250), ("£ 12", "GBP", 1200), ("1 234,56 EUR", "EUR", 123456),
    ("1,234", "GBP", 123400), ("1500", "JPY", 1500)])
def test_amounts_are_read_the_way_people_type_them(typed: str, currency: str,
                                                   minor: int) -> None:
    assert parse_amount(typed, currency) == minor


@pytest.mark.parametrize("typed", ["", "abc", "12.345", "1..2", "--5"])
def test_amounts_that_do_not_parse_say_so(typed: str) -> None:
    with pytest.raises(LedgerError) as refused:
        parse_amount(typed, "GBP")
    assert refused.value.field == "amount"


def test_dates_are_read_in_the_usual_forms() -> None:
    assert parse_date("2026-11-24") == parse_date("24/11/2026") == parse_date("24.11.2026")
    with pytest.raises(LedgerError) as refused:
        parse_date("31/02/2026", field="due_date")
    assert refused.value.field == "due_date" and "YYYY-MM-DD" in refused.value.message


@pytest.mark.parametrize("address", ["ap(accounts)@acme.example", "ap@acme", "a b@acme.example"])
def test_a_billing_address_mail_could_not_go_to_is_refused(empty_store: db.Store,
                                                           address: str) -> None:
    # One rule for "an e-mail address": what the customer form accepts, mail can reach.
    with pytest.raises(LedgerError) as refused:
        add_customer(CustomerDraft(code="", name="Acme", currency="GBP",
                                   billing_email=address))
    assert refused.value.field == "billing_email"
    assert not valid_address(address)
