"""Contacts with customers, and the summary each customer keeps of them.

Each customer keeps its latest contact and its next follow-up date, updated
in the same transaction as the contacts, so today's lists read them from the
customer row instead of searching every contact; ``check`` proves that the
kept summary matches the contacts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import peewee as pw

from models import input_rules as rules
from models.audit import record_change
from models.dates import stored_day
from models.db import writing
from models.errors import LedgerError
from models.kinds import ContactKind, ContactPurpose, Direction, PromiseStatus
from models.note_search import matching_notes
from models.schema import (
    Allocation,
    ContactPerson,
    Customer,
    Interaction,
    InteractionInvoice,
    Invoice,
    OutboxMessage,
    Promise,
    PromiseInvoice,
    Setting,
    database,
)

# An e-mail that has not gone (still in the outbox, or refused) is not a contact with
# the customer; one that perhaps went (cut off mid-handover) is, so nobody is chased
# twice for a message that may have reached them.
_NOT_GONE = ("queued", "sending", "failed")
# The contacts that chase a debt: the follow-up engine's gap since the last contact counts
# only these, so a welcome, a thank-you or a check-in never holds a reminder back.
CHASING = (ContactPurpose.CHASE, ContactPurpose.PLAN)


def latest_contact(column: pw.Field, until: dt.datetime | None = None, *,
                   purposes: Sequence[ContactPurpose] | None = None) -> pw.Select:
    """The customer's latest contact's ``column``, up to ``until`` (one index seek);
    with ``purposes``, the latest contact made for one of them.

    A subquery on the outer query's customer row. An e-mail counts once it has gone.
    """
    not_gone = OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.interaction == Interaction.id) & OutboxMessage.status.in_(_NOT_GONE))
    where = (Interaction.customer == Customer.id) & ~pw.fn.EXISTS(not_gone)
    if until is not None:
        where &= Interaction.occurred_at <= until
    if purposes is not None:
        where &= Interaction.purpose.in_(list(purposes))
    return (Interaction.select(column).where(where)
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(1))


def next_follow_up(until: dt.datetime | None = None) -> pw.Select:
    """The earliest follow-up date still to do, as recorded by ``until``.

    A subquery on the outer query's customer row (the partial follow-up index).
    """
    where = ((Interaction.customer == Customer.id) & Interaction.follow_up_on.is_null(False)
             & ~Interaction.follow_up_done)
    if until is not None:
        where &= Interaction.created_at <= until
    return Interaction.select(pw.fn.MIN(Interaction.follow_up_on)).where(where)


def contact_summary() -> dict[pw.Field, pw.Node]:
    """What each kept summary column should hold, as SQL on the customer row."""
    return {
        Customer.last_contact_at: latest_contact(Interaction.occurred_at),
        Customer.last_contact_kind: pw.fn.COALESCE(latest_contact(Interaction.kind), ""),
        Customer.next_action_on: next_follow_up(),
    }


def refresh_contact_summary(customer_ids: Iterable[int] | None = None) -> None:
    """Bring the kept contact summary up to date, for some customers or all.

    Call inside the transaction that changed their contacts.
    """
    if customer_ids is None:
        Customer.update(contact_summary()).execute()
        return
    ids = list(customer_ids)
    for start in range(0, len(ids), 500):  # SQLite's limit on bound values
        Customer.update(contact_summary()).where(
            Customer.id.in_(ids[start:start + 500])).execute()


# --- the contact log ------------------------------------------------------------

DIRECTIONS = tuple(Direction)
DEFAULT_OUTCOMES = ("promised to pay", "disputes", "asked for copy of invoice", "no answer",
                    "left message", "will pay in part", "needs a plan", "paid already")
OUTCOMES_SETTING = "contact_outcomes"
PROMISE_GRACE_DAYS = 3
NOTES_FOUND_AT_MOST = 200  # a search shows the latest notes that match, no more
# A contact "now" on a computer whose clock is a little behind is not in the future.
CLOCK_SLACK = dt.timedelta(minutes=5)


def promise_deadline(promised_for: dt.date, grace_days: int = PROMISE_GRACE_DAYS) -> dt.date:
    """The last day a promise to pay by ``promised_for`` can still be kept: money that
    arrives by then keeps it; the day after, it is broken."""
    return promised_for + dt.timedelta(days=grace_days)


def promised_since(as_of: dt.date, grace_days: int = PROMISE_GRACE_DAYS) -> dt.date:
    """The earliest promise date whose deadline has not passed on ``as_of`` (a promise
    for this day or later is still in time)."""
    return as_of - dt.timedelta(days=grace_days)


@dataclass(frozen=True)
class ContactEntry:
    """A contact with a customer as the user records it."""

    kind: ContactKind
    occurred_at: dt.datetime
    direction: Direction = Direction.OUTGOING
    with_whom: str = ""
    summary: str = ""
    outcome: str = ""
    invoice_ids: tuple[int, ...] = ()
    follow_up_on: dt.date | None = None
    # What it was for: chasing the debt, or the relationship (a welcome, a thank-you, a
    # check-in), which never counts as a reminder.
    purpose: ContactPurpose = ContactPurpose.CHASE


@dataclass(frozen=True)
class PromiseTerms:
    """What a customer promised: an amount, in their currency, by a date."""

    amount_minor: int
    promised_for: dt.date


@dataclass(frozen=True)
class PromiseReview:
    """Promises whose fate was settled by a review."""

    kept: tuple[int, ...]
    broken: tuple[int, ...]

    def __bool__(self) -> bool:
        return bool(self.kept or self.broken)


def contact_outcomes() -> list[str]:
    """The outcomes offered when logging a contact (the business can edit them)."""
    row = Setting.get_or_none(Setting.key == OUTCOMES_SETTING)
    return list(json.loads(row.value)) if row is not None else list(DEFAULT_OUTCOMES)


def set_contact_outcomes(outcomes: Sequence[str]) -> None:
    """Replace the list of outcomes (blank and repeated ones are dropped)."""
    cleaned = list(dict.fromkeys(o.strip() for o in outcomes if o.strip()))
    if not cleaned:
        raise LedgerError("outcomes", "Keep at least one outcome in the list.")
    with writing():
        Setting.put(OUTCOMES_SETTING, json.dumps(cleaned))


def log_contact(customer_id: int, entry: ContactEntry, *, now: dt.datetime | None = None,
                promise: PromiseTerms | None = None) -> int:
    """Record a contact with a customer and keep the customer's contact summary;
    with ``promise``, the promise to pay made in it, for the contact's invoices."""
    now = now or dt.datetime.now()
    fields = _checked(entry, now)
    if promise is not None:
        check_promise(promise, entry.invoice_ids, now)
    with writing():
        if not Customer.select().where(Customer.id == customer_id).exists():
            raise LedgerError("customer", "That customer no longer exists.")
        _check_invoices(customer_id, entry.invoice_ids)
        contact = Interaction.create(customer=customer_id, created_at=now, **fields)
        for invoice_id in dict.fromkeys(entry.invoice_ids):
            InteractionInvoice.create(interaction=contact, invoice=invoice_id)
        refresh_contact_summary([customer_id])
        record_change("log contact", "interaction", contact.id,
                      after={**fields, "customer_id": customer_id,
                             "invoice_ids": list(entry.invoice_ids)})
        if promise is not None:
            _create_promise(customer_id, promise, entry.invoice_ids, contact.id, now)
    return int(contact.id)


def edit_contact(contact_id: int, *, summary: str, outcome: str,
                 follow_up_on: dt.date | None) -> None:
    """Correct a contact's note, outcome or follow-up date; the old text is audited."""
    with writing():
        contact = Interaction.get_or_none(Interaction.id == contact_id)
        if contact is None:
            raise LedgerError("contact", "That contact no longer exists.")
        check_note(summary, outcome, follow_up_on, contact.occurred_at.date())
        before = {"summary": contact.summary, "outcome": contact.outcome,
                  "follow_up_on": contact.follow_up_on}
        after = {"summary": rules.clean_text(summary), "outcome": rules.clean_line(outcome),
                 "follow_up_on": follow_up_on}
        Interaction.update(**after).where(Interaction.id == contact_id).execute()
        refresh_contact_summary([contact.customer_id])
        record_change("edit contact", "interaction", contact_id, before=before, after=after)


def complete_follow_up(contact_id: int) -> None:
    """Mark a contact's follow-up as done."""
    with writing():
        contact = Interaction.get_or_none(Interaction.id == contact_id)
        if contact is None or contact.follow_up_on is None:
            raise LedgerError("contact", "That contact has no follow-up to complete.")
        Interaction.update(follow_up_done=True).where(Interaction.id == contact_id).execute()
        refresh_contact_summary([contact.customer_id])
        record_change("complete follow-up", "interaction", contact_id,
                      before={"follow_up_done": False}, after={"follow_up_done": True})


def record_promise(customer_id: int, *, amount_minor: int, promised_for: dt.date,
                   invoice_ids: Sequence[int], contact_id: int | None = None,
                   now: dt.datetime | None = None) -> int:
    """Record a customer's promise to pay ``amount_minor`` by ``promised_for``."""
    now = now or dt.datetime.now()
    terms = PromiseTerms(amount_minor, promised_for)
    check_promise(terms, invoice_ids, now)
    with writing():
        if not Customer.select().where(Customer.id == customer_id).exists():
            raise LedgerError("customer", "That customer no longer exists.")
        _check_invoices(customer_id, invoice_ids)
        return _create_promise(customer_id, terms, invoice_ids, contact_id, now)


def check_promise(terms: PromiseTerms, invoice_ids: Sequence[int], now: dt.datetime) -> None:
    """Refuse a promise to pay that cannot be recorded as entered, naming the field."""
    rules.check_amount(terms.amount_minor, "amount", "the amount promised")
    rules.check_date(terms.promised_for, "promised_for", "The promised date")
    if terms.promised_for < now.date():
        raise LedgerError("promised_for", "The promised date has already passed.")
    if not invoice_ids:
        raise LedgerError("invoices", "Choose the invoices the promise is for.")


def _create_promise(customer_id: int, terms: PromiseTerms, invoice_ids: Sequence[int],
                    contact_id: int | None, now: dt.datetime) -> int:
    currency = Customer.get_by_id(customer_id).currency
    promise = Promise.create(customer=customer_id, interaction=contact_id,
                             amount_minor=terms.amount_minor, currency=currency,
                             promised_for=terms.promised_for, created_at=now)
    for invoice_id in dict.fromkeys(invoice_ids):
        PromiseInvoice.create(promise=promise, invoice=invoice_id)
    record_change("record promise", "promise", promise.id,
                  after={"amount_minor": terms.amount_minor,
                         "promised_for": terms.promised_for, "invoice_ids": list(invoice_ids),
                         "contact_id": contact_id})
    return int(promise.id)


def review_promises(as_of: dt.date, *, grace_days: int = PROMISE_GRACE_DAYS,
                    customer_id: int | None = None) -> PromiseReview:
    """Settle open promises as of ``as_of``: kept once payments allocated to their
    invoices since the promise reach the amount by the date plus grace; broken
    once that day has passed without it."""
    kept: list[int] = []
    broken: list[int] = []
    with writing():
        promises = Promise.select(Promise.id, Promise.promised_for, Promise.created_at,
                                  Promise.amount_minor).where(
            Promise.status == PromiseStatus.OPEN)
        if customer_id is not None:
            promises = promises.where(Promise.customer == customer_id)
        # Raw rows, the days read from the store's text: through peewee's fields, each
        # open promise's moment was parsed by trying its formats in turn, which took half
        # of the review the window runs before it shows Today's list.
        found = [(promise_id, stored_day(promised_for), stored_day(created_at), amount)
                 for promise_id, promised_for, created_at, amount
                 in database.execute_sql(*promises.sql())]
        paid = _allocations_towards_open_promises(as_of, customer_id) if found else {}
        for promise_id, promised_for, created_on, amount in found:
            deadline = promise_deadline(promised_for, grace_days)
            paid_on = _date_paid_in_full(paid.get(promise_id, []), amount,
                                         created_on, min(as_of, deadline))
            if paid_on is not None:
                status, resolved = PromiseStatus.KEPT, paid_on
            elif as_of > deadline:
                status, resolved = PromiseStatus.BROKEN, deadline + dt.timedelta(days=1)
            else:
                continue
            Promise.update(status=status, resolved_on=resolved).where(
                Promise.id == promise_id).execute()
            record_change(f"promise {status}", "promise", promise_id,
                          before={"status": PromiseStatus.OPEN},
                          after={"status": status, "resolved_on": resolved})
            (kept if status == PromiseStatus.KEPT else broken).append(promise_id)
    return PromiseReview(tuple(kept), tuple(broken))


def _allocations_towards_open_promises(as_of: dt.date, customer_id: int | None
                                       ) -> dict[int, list[tuple[dt.date, int]]]:
    """For each open promise, the money allocated to its invoices up to ``as_of`` (day
    and amount, earliest first): one read for them all, never one a promise."""
    rows = (Allocation.select(PromiseInvoice.promise, Allocation.allocated_on,
                              Allocation.amount_minor)
            .join(PromiseInvoice, on=(Allocation.invoice == PromiseInvoice.invoice))
            .join(Promise, on=(PromiseInvoice.promise == Promise.id))
            .where((Promise.status == PromiseStatus.OPEN) & ~Allocation.voided
                   & (Allocation.allocated_on <= as_of))
            .order_by(PromiseInvoice.promise, Allocation.allocated_on))
    if customer_id is not None:
        rows = rows.where(Promise.customer == customer_id)
    paid: dict[int, list[tuple[dt.date, int]]] = {}
    for promise_id, day, amount in rows.tuples():
        paid.setdefault(promise_id, []).append(
            (day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)), amount))
    return paid


def _date_paid_in_full(allocations: Sequence[tuple[dt.date, int]], amount_minor: int,
                       since: dt.date, until: dt.date) -> dt.date | None:
    """The day the allocations to a promise's invoices from ``since`` (the day it was
    made) reached its amount, if they did by ``until``."""
    total = 0
    for day, amount in allocations:
        if since <= day <= until:
            total += amount
            if total >= amount_minor:
                return day
    return None


def check_note(summary: str, outcome: str, follow_up_on: dt.date | None,
               occurred_on: dt.date) -> None:
    """Refuse a contact's note that says nothing or too much, or a follow-up before
    the contact or outside Duly's dates."""
    summary = rules.check_text(summary, "summary", "the note", rules.NOTE_LIMIT)
    outcome = rules.check_line(outcome, "outcome", "the outcome", rules.NAME_LIMIT)
    rules.check_date(occurred_on, "occurred_at", "The contact's date")
    rules.check_optional_date(follow_up_on, "follow_up_on", "The follow-up date")
    if not summary and not outcome:
        raise LedgerError("summary", "Write what was said, or choose an outcome.")
    if follow_up_on is not None and follow_up_on < occurred_on:
        raise LedgerError("follow_up_on", "The follow-up date is before the contact.")


def check_contact(entry: ContactEntry, now: dt.datetime) -> None:
    """Refuse a contact that cannot be logged as entered, naming the field; the log
    dialog and :func:`log_contact` both ask this."""
    if entry.kind not in tuple(ContactKind):
        raise LedgerError("kind", f"Choose what kind of contact it was: "
                                  f"{', '.join(ContactKind)}.")
    if entry.direction not in DIRECTIONS:
        raise LedgerError("direction", "Say who contacted whom.")
    if entry.purpose not in tuple(ContactPurpose):
        raise LedgerError("purpose", "Choose what the contact was for: chasing payment, a "
                                     "payment plan, a welcome, a thank-you or a check-in.")
    if entry.occurred_at > now + CLOCK_SLACK:
        raise LedgerError("occurred_at", "The contact's time is in the future.")
    check_note(entry.summary, entry.outcome, entry.follow_up_on, entry.occurred_at.date())


def _checked(entry: ContactEntry, now: dt.datetime) -> dict[str, object]:
    check_contact(entry, now)
    return {"kind": entry.kind, "direction": entry.direction,
            "occurred_at": entry.occurred_at,
            "with_whom": rules.check_line(entry.with_whom, "with_whom", "who it was with",
                                          rules.NAME_LIMIT),
            "summary": rules.clean_text(entry.summary), "outcome": rules.clean_line(entry.outcome),
            "follow_up_on": entry.follow_up_on, "purpose": ContactPurpose(entry.purpose)}


def _check_invoices(customer_id: int, invoice_ids: Sequence[int]) -> None:
    if not invoice_ids:
        return
    found = Invoice.select().where(Invoice.id.in_(list(invoice_ids))
                                   & (Invoice.customer == customer_id)).count()
    if found != len(set(invoice_ids)):
        raise LedgerError("invoices", "An invoice chosen is not on this customer's account.")


# --- finding contacts -------------------------------------------------------------

@dataclass(frozen=True)
class NoteHit:
    """A contact whose note matched a search."""

    contact_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    kind: str
    occurred_at: dt.datetime
    snippet: str  # matched words between note_search.MATCH_START and MATCH_END


def search_notes(text: str, *, limit: int = NOTES_FOUND_AT_MOST) -> list[NoteHit]:
    """Contacts whose summary, outcome or person contain every word of ``text``
    (word beginnings, any case or accent), newest first."""
    matches = matching_notes(text, limit)
    if not matches:
        return []
    found = {row[0]: row for row in (
        Interaction.select(Interaction.id, Interaction.customer, Customer.code, Customer.name,
                           Interaction.kind, Interaction.occurred_at)
        .join(Customer).where(Interaction.id.in_([m[0] for m in matches])).tuples())}
    hits = []
    for contact_id, snippet in matches:
        if contact_id in found:
            _, customer_id, code, name, kind, at = found[contact_id]
            hits.append(NoteHit(contact_id, customer_id, code, name, kind, at, snippet))
    hits.sort(key=lambda h: (h.occurred_at, h.contact_id), reverse=True)
    return hits


def contact_people(customer_id: int) -> list[str]:
    """Names the customer's contacts go by, for "who was it with"."""
    names = [name for (name,) in ContactPerson.select(ContactPerson.name)
             .where(ContactPerson.customer == customer_id)
             .order_by(ContactPerson.is_billing.desc(), ContactPerson.name).tuples() if name]
    return list(dict.fromkeys(names))
