"""The contact dialogs are offered what is still owed, by whom, and the outcomes in use."""

from __future__ import annotations

import datetime as dt

import pytest

from models import db
from models.contact_form import OpenInvoice, contact_form, contact_note
from models.contacts import ContactEntry, edit_contact, log_contact, set_contact_outcomes
from models.errors import LedgerError
from models.ledger import dispute_invoice, record_payment, void_invoice
from tests.unit.ledger_helpers import TODAY, customer, invoice

NOON = dt.datetime.combine(TODAY, dt.time(12))


def test_the_form_lists_what_is_still_owed_oldest_due_first(empty_store: db.Store) -> None:
    who = customer()
    newer = invoice(who, 250_00, due_days_ago=5, number="N-2")
    older = invoice(who, 400_00, due_days_ago=40, number="N-1")
    disputed = invoice(who, 90_00, due_days_ago=20, number="N-3")
    dispute_invoice(disputed, "wrong quantity")
    paid = invoice(who, 50_00, due_days_ago=60, number="N-4")
    record_payment(who, received_on=TODAY, amount_minor=50_00, allocate_to=[(paid, 50_00)],
                   today=TODAY)
    voided = invoice(who, 70_00, due_days_ago=10, number="N-5")
    void_invoice(voided, "issued twice")

    form = contact_form(who, TODAY)

    assert form.customer_id == who and form.name == "Zoë Ødegård AS"
    assert form.currency == "GBP" and form.code
    assert form.invoices == (
        OpenInvoice(older, "N-1", TODAY - dt.timedelta(days=40), "GBP", 400_00, "open"),
        OpenInvoice(disputed, "N-3", TODAY - dt.timedelta(days=20), "GBP", 90_00,
                    "disputed"),
        OpenInvoice(newer, "N-2", TODAY - dt.timedelta(days=5), "GBP", 250_00, "open"))
    assert form.people == ("Zoë Ødegård",)


def test_the_form_offers_the_businesss_own_outcomes(empty_store: db.Store) -> None:
    who = customer()
    assert "promised to pay" in contact_form(who, TODAY).outcomes

    set_contact_outcomes(["rang back", "promised to pay"])

    assert contact_form(who, TODAY).outcomes == ("rang back", "promised to pay")


def test_a_customer_who_is_gone_has_no_form(empty_store: db.Store) -> None:
    with pytest.raises(LedgerError) as raised:
        contact_form(9999, TODAY)
    assert raised.value.field == "customer"


def test_a_contacts_note_is_read_back_as_it_stands(empty_store: db.Store) -> None:
    who = customer()
    contact = log_contact(who, ContactEntry(
        kind="call", occurred_at=NOON, direction="incoming", with_whom="Zoë Ødegård",
        summary="Will pay Friday", outcome="promised to pay",
        follow_up_on=TODAY + dt.timedelta(days=3)), now=NOON)
    edit_contact(contact, summary="Will pay Monday", outcome="promised to pay",
                 follow_up_on=None)

    note = contact_note(contact)

    assert (note.contact_id, note.customer_id, note.customer_name) == (
        contact, who, "Zoë Ødegård AS")
    assert (note.kind, note.direction, note.occurred_at, note.with_whom) == (
        "call", "incoming", NOON, "Zoë Ødegård")
    assert (note.summary, note.outcome, note.follow_up_on, note.follow_up_done) == (
        "Will pay Monday", "promised to pay", None, False)
    assert "no answer" in note.outcomes


def test_a_contact_that_is_gone_has_no_note(empty_store: db.Store) -> None:
    with pytest.raises(LedgerError) as raised:
        contact_note(9999)
    assert raised.value.field == "contact"
