"""Every contact is remembered, and promises to pay are judged by the money."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models import db
from models.check import check_store
from models.contacts import (
    PROMISE_GRACE_DAYS,
    ContactEntry,
    complete_follow_up,
    contact_outcomes,
    edit_contact,
    log_contact,
    record_promise,
    review_promises,
    set_contact_outcomes,
)
from models.errors import LedgerError
from models.ledger import record_payment
from models.schema import AuditEntry, Customer, InteractionInvoice, Promise
from tests.unit.ledger_helpers import TODAY, customer, invoice

NOON = dt.datetime.combine(TODAY, dt.time(12))


def call(**changes: object) -> ContactEntry:
    values: dict[str, object] = {"kind": "call", "occurred_at": NOON - dt.timedelta(hours=2),
                                 "with_whom": "Zoë Ødegård", "summary": "Will pay on Friday",
                                 "outcome": "promised to pay"}
    values.update(changes)
    return ContactEntry(**values)  # type: ignore[arg-type]


def test_a_logged_call_updates_the_customers_contact_summary(empty_store: db.Store) -> None:
    who = customer()
    first = invoice(who, 100_00, due_days_ago=10)
    contact = log_contact(who, call(invoice_ids=(first,),
                                    follow_up_on=TODAY + dt.timedelta(days=3)), now=NOON)
    kept = Customer.get_by_id(who)
    assert kept.last_contact_kind == "call"
    assert kept.last_contact_at == NOON - dt.timedelta(hours=2)
    assert kept.next_action_on == TODAY + dt.timedelta(days=3)
    assert [link.invoice_id for link in InteractionInvoice.select().where(
        InteractionInvoice.interaction == contact)] == [first]
    assert AuditEntry.select().where(AuditEntry.action == "log contact").count() == 1
    assert check_store() == []


def test_a_corrected_note_is_held_to_the_rules_of_a_new_one(empty_store: db.Store) -> None:
    # The same check as logging: a note that says nothing, or a follow-up before the
    # contact, is refused however it is corrected (the dialog asks the same function).
    who = customer()
    contact = log_contact(who, call(summary="Will pay Friday"), now=NOON)
    with pytest.raises(LedgerError) as refused:
        edit_contact(contact, summary=" ", outcome="", follow_up_on=None)
    assert refused.value.field == "summary"
    with pytest.raises(LedgerError) as refused:
        edit_contact(contact, summary="Later", outcome="",
                     follow_up_on=NOON.date() - dt.timedelta(days=1))
    assert refused.value.field == "follow_up_on"


def test_an_edited_note_keeps_the_old_text_in_the_audit_log(empty_store: db.Store) -> None:
    who = customer()
    contact = log_contact(who, call(summary="Will pay Friday"), now=NOON)
    edit_contact(contact, summary="Will pay Monday, not Friday", outcome="promised to pay",
                 follow_up_on=TODAY + dt.timedelta(days=6))
    entry = AuditEntry.get(AuditEntry.action == "edit contact")
    assert json.loads(entry.before)["summary"] == "Will pay Friday"
    assert json.loads(entry.after)["summary"] == "Will pay Monday, not Friday"
    assert Customer.get_by_id(who).next_action_on == TODAY + dt.timedelta(days=6)
    complete_follow_up(contact)
    assert Customer.get_by_id(who).next_action_on is None
    assert check_store() == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "telegram"}, "kind"),
    ({"direction": "sideways"}, "direction"),
    ({"occurred_at": NOON + dt.timedelta(days=1)}, "occurred_at"),
    ({"summary": " ", "outcome": ""}, "summary"),
    ({"follow_up_on": TODAY - dt.timedelta(days=5)}, "follow_up_on"),
])
def test_a_contact_that_cannot_be_right_is_refused_at_its_field(
        empty_store: db.Store, changes: dict, field: str) -> None:
    who = customer()
    with pytest.raises(LedgerError) as refused:
        log_contact(who, call(**changes), now=NOON)
    assert refused.value.field == field
    assert Customer.get_by_id(who).last_contact_at is None


def test_a_contact_about_another_customers_invoice_is_refused(empty_store: db.Store) -> None:
    mine, theirs = customer(), customer("Other Ltd")
    foreign = invoice(theirs, 10_00, due_days_ago=3)
    with pytest.raises(LedgerError) as refused:
        log_contact(mine, call(invoice_ids=(foreign,)), now=NOON)
    assert refused.value.field == "invoices"


def test_the_outcomes_list_can_be_edited(empty_store: db.Store) -> None:
    assert "promised to pay" in contact_outcomes()
    set_contact_outcomes(["promised to pay", " no answer ", "no answer", ""])
    assert contact_outcomes() == ["promised to pay", "no answer"]
    with pytest.raises(LedgerError):
        set_contact_outcomes(["  "])


# --- promises to pay ----------------------------------------------------------

def _promise_on(who: int, target: int, amount: int, days_ahead: int) -> int:
    return record_promise(who, amount_minor=amount, invoice_ids=[target],
                          promised_for=TODAY + dt.timedelta(days=days_ahead),
                          now=NOON - dt.timedelta(days=1))


def _status(promise_id: int) -> str:
    return Promise.get_by_id(promise_id).status


@pytest.mark.parametrize(("paid_days_after_promised", "status"), [
    (0, "kept"),                            # paid on the promised date
    (1, "kept"),                            # a day late, within the grace
    (PROMISE_GRACE_DAYS, "kept"),           # the last day of grace
    (PROMISE_GRACE_DAYS + 1, "broken"),     # after the grace
])
def test_a_promise_is_kept_or_broken_at_its_boundaries(
        empty_store: db.Store, paid_days_after_promised: int, status: str) -> None:
    who = customer()
    target = invoice(who, 300_00, due_days_ago=20)
    promise = _promise_on(who, target, 300_00, days_ahead=0)
    paid_on = TODAY + dt.timedelta(days=paid_days_after_promised)
    # Up to the day before the payment, as late as the last day of grace, it is open.
    review_promises(paid_on - dt.timedelta(days=1))
    assert _status(promise) == "open"
    record_payment(who, received_on=paid_on, amount_minor=300_00, today=paid_on)
    assert _status(promise) == status


def test_a_part_payment_does_not_keep_a_promise(empty_store: db.Store) -> None:
    who = customer()
    target = invoice(who, 300_00, due_days_ago=20)
    promise = _promise_on(who, target, 300_00, days_ahead=2)
    record_payment(who, received_on=TODAY, amount_minor=100_00, today=TODAY)
    assert _status(promise) == "open"
    review = review_promises(TODAY + dt.timedelta(days=2 + PROMISE_GRACE_DAYS + 1))
    assert review.broken == (promise,) and _status(promise) == "broken"


def test_money_paid_before_the_promise_does_not_count_towards_it(empty_store: db.Store) -> None:
    who = customer()
    target = invoice(who, 300_00, due_days_ago=20)
    record_payment(who, received_on=TODAY - dt.timedelta(days=5), amount_minor=100_00,
                   today=TODAY - dt.timedelta(days=5))
    promise = _promise_on(who, target, 200_00, days_ahead=1)
    review_promises(TODAY)
    assert _status(promise) == "open"
    record_payment(who, received_on=TODAY, amount_minor=200_00, today=TODAY)
    assert _status(promise) == "kept"


def test_a_promise_needs_an_amount_a_date_and_invoices(empty_store: db.Store) -> None:
    who = customer()
    target = invoice(who, 10_00, due_days_ago=2)
    for kwargs, field in (({"amount_minor": 0}, "amount"),
                          ({"promised_for": TODAY - dt.timedelta(days=2)}, "promised_for"),
                          ({"invoice_ids": []}, "invoices")):
        arguments = {"amount_minor": 5_00, "promised_for": TODAY, "invoice_ids": [target],
                     "now": NOON, **kwargs}
        with pytest.raises(LedgerError) as refused:
            record_promise(who, **arguments)
        assert refused.value.field == field


def test_kept_and_broken_promises_count_in_the_customers_record(empty_store: db.Store) -> None:
    from models.customer_account import customer_header

    who = customer()
    bills = [invoice(who, 100_00, due_days_ago=10) for _ in range(3)]
    for bill in bills:
        record_promise(who, amount_minor=100_00, promised_for=TODAY, invoice_ids=[bill],
                       now=NOON)
    record_payment(who, received_on=TODAY, amount_minor=100_00,
                   allocate_to=[(bills[0], 100_00)], today=TODAY)
    late = TODAY + dt.timedelta(days=PROMISE_GRACE_DAYS + 1)
    review_promises(late)
    header = customer_header(who, late)
    assert (header.promises_kept, header.promises_broken) == (1, 2)
    # As the record stood on the promised day, nothing was broken yet.
    assert customer_header(who, TODAY).promises_broken == 0
