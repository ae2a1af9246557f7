"""What the contact dialogs offer: one customer's open invoices, people and outcomes,
and a logged contact's note as it stands, read in one go off the GUI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.contacts import contact_outcomes, contact_people
from models.customer_account import customer_header, customer_invoices
from models.errors import LedgerError
from models.ledger import PAYABLE_STATUSES
from models.schema import Customer, Interaction
from models.today import WorkItemRef, item_invoices


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice with money still open, as the contact dialog lists it."""

    id: int
    number: str
    due_date: dt.date
    currency: str
    open_minor: int
    status: str  # open, disputed, with_agency


@dataclass(frozen=True)
class ContactForm:
    """What logging a contact with one customer offers."""

    customer_id: int
    code: str
    name: str
    currency: str
    invoices: tuple[OpenInvoice, ...]  # oldest due first
    people: tuple[str, ...]  # the billing contact first
    outcomes: tuple[str, ...]
    item: WorkItemRef | None = None  # the Today item the contact is made for
    item_invoices: tuple[int, ...] = ()  # the invoices that item is about


@dataclass(frozen=True)
class ContactNote:
    """A logged contact's correctable part (note, outcome, follow-up) and its context."""

    contact_id: int
    customer_id: int
    customer_name: str
    kind: str
    direction: str
    occurred_at: dt.datetime
    with_whom: str
    summary: str
    outcome: str
    follow_up_on: dt.date | None
    follow_up_done: bool
    outcomes: tuple[str, ...]


def contact_form(customer_id: int, as_of: dt.date,
                 item: WorkItemRef | None = None) -> ContactForm:
    """The customer's open invoices on ``as_of``, their people and the outcomes to offer;
    for a Today ``item``, the invoices it is about."""
    header = customer_header(customer_id, as_of, today=as_of)
    invoices = [OpenInvoice(r.id, r.number, r.due_date, r.currency, r.open_minor, r.status)
                for r in customer_invoices(customer_id, as_of)
                if r.open_minor > 0 and r.status in PAYABLE_STATUSES]
    invoices.sort(key=lambda i: (i.due_date, i.number))
    return ContactForm(customer_id=header.id, code=header.code, name=header.name,
                       currency=header.currency, invoices=tuple(invoices),
                       people=tuple(contact_people(customer_id)),
                       outcomes=tuple(contact_outcomes()), item=item,
                       item_invoices=item_invoices(item.kind, item.ref_id) if item else ())


def contact_note(contact_id: int) -> ContactNote:
    """The contact's note, outcome and follow-up as they stand, to correct them."""
    found = (Interaction.select(Interaction, Customer.name.alias("customer_name"))
             .join(Customer).where(Interaction.id == contact_id).objects().first())
    if found is None:
        raise LedgerError("contact", "That contact no longer exists.")
    return ContactNote(
        contact_id=found.id, customer_id=found.customer_id, customer_name=found.customer_name,
        kind=found.kind, direction=found.direction, occurred_at=found.occurred_at,
        with_whom=found.with_whom, summary=found.summary, outcome=found.outcome,
        follow_up_on=found.follow_up_on, follow_up_done=bool(found.follow_up_done),
        outcomes=tuple(contact_outcomes()))
