"""The relationship around the debt: a welcome that sets out the terms, a thank-you once
a chased account is paid up (or a broken promise is kept, or a payment plan completed),
a yearly thank-you to customers who always pay on time, and check-ins with good
customers at their own cadence.

These contacts are recorded like any other (their purpose says what they were for),
and never count as chasing: the follow-up engine's gap since the last contact counts
only chasing contacts (``models.contacts.CHASING``).

Each thank-you is offered once per occasion: a chased account's by its latest chasing
contact, a kept promise's by the promise, a completed plan's by the plan. It is not
offered again once the customer has been thanked (a contact for thanks since the
occasion began) or the user has dismissed it. The yearly thank-you and the check-in
recur: each is named by the latest such contact (or, before any, by the customer), so
a new contact makes the next one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import peewee as pw

from models.audit import record_change
from models.contacts import ContactEntry, log_contact
from models.dates import short_date, stored_day
from models.db import month_day_of, one_of, writing
from models.default_templates import (
    RELATIONSHIP_TEMPLATE_NAMES,
    THANK_YOU,
    WELCOME,
    relationship_template,
)
from models.errors import LedgerError
from models.followup import customers_with_email
from models.kinds import (
    Channel,
    ContactKind,
    ContactPurpose,
    ImportedKind,
    InvoiceStatus,
    LoyaltyWaiver,
    OutboxKind,
    PlanStatus,
    PromiseStatus,
)
from models.language import N_, SOURCE_LANGUAGE, catalogue, language_name, translated
from models.plans import plans_ended
from models.schema import (
    Allocation,
    CreditPolicy,
    Customer,
    ExternalRecord,
    ImportBatch,
    Interaction,
    InteractionInvoice,
    Invoice,
    KeptAccount,
    LetterTemplate,
    PaymentPlan,
    Promise,
    PromiseInvoice,
    Setting,
    StageExecution,
    WorklistDecision,
    database,
)
from models.templating import check_words, render_letter
from models.users import Permission, require

if TYPE_CHECKING:
    from models.ledger import CustomerDraft

# The kinds of Today item this module offers (models.today lists them).
PAID_UP = "thanks: paid up"  # ref: the latest chasing contact of the account
PROMISE_KEPT = "thanks: promise"  # ref: the broken promise since kept
PLAN_COMPLETED = "thanks: plan"  # ref: the completed payment plan
ON_TIME = "thanks: on time"  # ref: the latest thanks contact, or minus the customer's id
CHECK_IN = "check-in"  # ref: the latest check-in contact, or minus the customer's id
THANKS_KINDS = (PLAN_COMPLETED, PROMISE_KEPT, PAID_UP)  # one a customer, in this order
RELATIONSHIP_KINDS = (*THANKS_KINDS, ON_TIME, CHECK_IN)
THANK_YOU_KINDS = (*THANKS_KINDS, ON_TIME)  # the items a thank-you is sent for
# Items that come back: done records the contact, dismissed skips to the next one.
RECURRING_KINDS = (ON_TIME, CHECK_IN)

THANKS_WINDOW_DAYS = 30  # a thank-you is offered for a month after the occasion
CHASE_LOOKBACK_DAYS = 365  # an account chased within the year before is "chased"
# Always pays on time: in the last YEAR_DAYS, at least ON_TIME_MIN_PAID invoices paid and
# none paid more than ON_TIME_GRACE_DAYS after its due date, and none overdue by more now.
YEAR_DAYS = 365
ON_TIME_MIN_PAID = 3
ON_TIME_GRACE_DAYS = 3
CHECK_IN_MIN_DAYS, CHECK_IN_MAX_DAYS = 7, 730
THANK_YOU_AUTOMATICALLY = "thank_you_automatically"  # Settings: queue thank-yous by itself
_RELATIONSHIP_PURPOSES = (ContactPurpose.WELCOME, ContactPurpose.THANKS,
                          ContactPurpose.CHECK_IN)

# What a thank-you is for, in the customer's language (the ``thanks_for`` merge field).
_THANKS_FOR = {
    PAID_UP: N_("Thank you for your payment: your account {code} with us is now fully paid "
                "up."),
    PROMISE_KEPT: N_("Thank you for the payment you promised: it has reached us, and the "
                     "invoices it was for are now paid."),
    PLAN_COMPLETED: N_("Thank you for paying the last instalment of your payment plan: the "
                       "plan is complete, and the invoices it covered are paid."),
    ON_TIME: N_("Thank you for paying our invoices on time throughout the past year."),
}


# --- rows ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ThanksDue:
    """A thank-you to offer a customer, and what it is for."""

    kind: str  # PAID_UP, PROMISE_KEPT, PLAN_COMPLETED or ON_TIME
    ref_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    due_on: dt.date  # the day of the occasion (paid up, kept, completed, a year on)
    currency: str
    amount_minor: int | None  # the promise's amount, for a kept promise
    detail: str  # the occasion in the user's words
    began_on: dt.date  # the chase, promise or plan it follows; a year before, for ON_TIME
    has_email: bool = False
    # What a loyalty incentive waives, in words ("" when the business offers none). The
    # offer itself is models.incentives' to make; this only says one is available.
    loyalty_incentive: str = ""


@dataclass(frozen=True)
class CheckInDue:
    """A check-in with a good customer that has come due."""

    ref_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    due_on: dt.date
    cadence_days: int
    last_check_in: dt.date | None


@dataclass(frozen=True)
class WelcomeCandidate:
    """A customer not yet welcomed."""

    customer_id: int
    customer_code: str
    customer_name: str
    language: str
    created_on: dt.date
    has_email: bool


@dataclass(frozen=True)
class RelationshipDraft:
    """A welcome or a thank-you as the customer would read it, from its template."""

    purpose: ContactPurpose
    channel: str  # email or letter
    subject: str
    text: str
    template_name: str
    language: str
    language_note: str = ""  # why it is not in the customer's language, when it is not


@dataclass(frozen=True)
class RelationshipBatch:
    """What sending welcomes or thank-yous by e-mail did."""

    queued: tuple[int, ...]  # outbox ids
    without_address: tuple[str, ...]  # customers with no usable address (print a letter)
    skipped: tuple[tuple[str, str], ...]  # (customer name, reason)


# --- thank-yous -----------------------------------------------------------------------

def thanks_due(as_of: dt.date) -> list[ThanksDue]:
    """The thank-yous to offer on ``as_of``: accounts chased and since paid up, broken
    promises since kept, payment plans completed, each within the last month; one a
    customer (a completed plan first, then a kept promise), none for a customer already
    thanked since or whose thank-you the user has dealt with."""
    found = _paid_up(as_of) + _promises_kept(as_of) + _plans_completed(as_of)
    if not found:
        return []
    thanked = _latest_contacts(ContactPurpose.THANKS, {t.customer_id for t in found})
    found = [t for t in found if not _thanked_since(thanked.get(t.customer_id), t)]
    decided = _decided_customers(found, as_of)
    chosen: dict[int, ThanksDue] = {}
    for item in sorted(found, key=lambda t: THANKS_KINDS.index(t.kind)):
        if item.customer_id not in decided:
            chosen.setdefault(item.customer_id, item)
    reachable = customers_with_email(chosen)
    return [_reached(item, item.customer_id in reachable) for item in chosen.values()]


def _reached(item: ThanksDue, has_email: bool) -> ThanksDue:
    """The thank-you saying whether the customer has an e-mail address (made anew:
    ``replace`` reads the fields' definitions on every call)."""
    return ThanksDue(item.kind, item.ref_id, item.customer_id, item.customer_code,
                     item.customer_name, item.due_on, item.currency, item.amount_minor,
                     item.detail, item.began_on, has_email, item.loyalty_incentive)


def on_time_thanks_due(as_of: dt.date) -> list[ThanksDue]:
    """Customers who always pay on time, thanked once a year around the anniversary of
    their becoming a customer (for a month after it), unless thanked in the last year.

    Always on time: at least :data:`ON_TIME_MIN_PAID` invoices paid in the last year,
    none of them more than :data:`ON_TIME_GRACE_DAYS` days after its due date, and none
    overdue by more now. Each customer's own anniversary spreads the thank-yous over the
    year, rather than all of them on the first day."""
    since = as_of - dt.timedelta(days=YEAR_DAYS)
    window = anniversaries(as_of, THANKS_WINDOW_DAYS)
    # Only the customers who joined on a month and day of the window are read (a twelfth
    # of a big book's 10,000), as raw rows, each day looked up in the window: every
    # customer's time through peewee, or its own anniversary worked out, cost more than
    # the rest of the look-up.
    joined_in_window = Customer.select(Customer.id, Customer.created_at).where(
        month_day_of(Customer.created_at).in_(
            sorted(f"{month:02d}-{day:02d}" for month, day in window)))
    anniversary: dict[int, dt.date] = {}
    for customer_id, created_at in _raw(joined_in_window):
        joined = stored_day(created_at)
        day = window.get((joined.month, joined.day))
        if day is not None and joined < day:
            anniversary[customer_id] = day
    paid, late = _payments_against_due_dates(sorted(anniversary), since, as_of)
    good = {cid for cid, days in paid.items() if cid not in late and len(days) >= ON_TIME_MIN_PAID}
    if not good:
        return []
    thanked = _latest_contacts(ContactPurpose.THANKS, good)
    reachable = customers_with_email(good)
    customers = {row[0]: row for row in Customer.select(
        Customer.id, Customer.code, Customer.name, Customer.currency,
        pw.fn.COALESCE(CreditPolicy.loyalty_waiver, LoyaltyWaiver.NONE))
        .join(CreditPolicy, pw.JOIN.LEFT_OUTER, on=(Customer.credit_policy == CreditPolicy.id))
        .where(Customer.id.in_(list(good))).tuples()}
    items = []
    for customer_id in sorted(good):
        last = thanked.get(customer_id)
        if last is not None and (as_of - last[1].date()).days < YEAR_DAYS:
            continue
        _, code, name, currency, waiver = customers[customer_id]
        items.append(ThanksDue(
            ON_TIME, last[0] if last is not None else -customer_id, customer_id, code, name,
            anniversary[customer_id], currency, None,
            f"{len(paid[customer_id])} invoices paid on time in the past year", since,
            customer_id in reachable,
            loyalty_incentive="" if waiver == LoyaltyWaiver.NONE
            else LoyaltyWaiver.word_for(waiver)))
    return items


def anniversaries(as_of: dt.date, days: int) -> dict[tuple[int, int], dt.date]:
    """The anniversaries falling in the ``days`` up to ``as_of`` (at most a year), by
    the month and day they are the anniversary of: a customer who joined on that month
    and day, in an earlier year, has one then. 29 February's falls on the 28th in other
    years."""
    found: dict[tuple[int, int], dt.date] = {}
    for back in range(days):
        day = as_of - dt.timedelta(days=back)
        found[(day.month, day.day)] = day
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            found[(2, 29)] = day
    return found


def _payments_against_due_dates(customer_ids: Sequence[int], since: dt.date, as_of: dt.date
                                ) -> tuple[dict[int, list[dt.date]], set[int]]:
    """For each customer, the days their invoices were paid in full after ``since`` (up
    to ``as_of``); and those who paid one later than the grace, or are late now."""
    paid: dict[int, list[dt.date]] = defaultdict(list)
    late: set[int] = set()
    paid_on = pw.fn.MAX(Allocation.allocated_on)
    for start in range(0, len(customer_ids), 500):  # SQLite's limit on bound values
        block = list(customer_ids[start:start + 500])
        late.update(cid for (cid,) in Invoice.select(Invoice.customer).where(
            Invoice.customer.in_(block) & (Invoice.open_minor > 0)
            & (Invoice.status == InvoiceStatus.OPEN)
            & (Invoice.due_date < as_of - dt.timedelta(days=ON_TIME_GRACE_DAYS))).tuples())
        # An invoice paid in the year fell due at most a year and a grace before that.
        rows = (Invoice.select(Invoice.customer, Invoice.due_date, paid_on)
                .join(Allocation, on=(Allocation.invoice == Invoice.id))
                .where(Invoice.customer.in_(block) & (Invoice.status == InvoiceStatus.PAID)
                       & ~Allocation.voided
                       & (Invoice.due_date >= since - dt.timedelta(days=YEAR_DAYS)))
                .group_by(Invoice.id))
        for customer_id, due, day in rows.tuples():
            due, day = stored_day(due), stored_day(day)
            if not since < day <= as_of:
                continue
            if (day - due).days > ON_TIME_GRACE_DAYS:
                late.add(customer_id)
            paid[customer_id].append(day)
    return paid, late


def thank_you_automatically() -> bool:
    """Whether Duly sends the thank-yous due by e-mail by itself (Settings; off unless
    chosen): with the reminders due, by ``send --due`` or the window's "send due"."""
    row = Setting.get_or_none(Setting.key == THANK_YOU_AUTOMATICALLY)
    return bool(json.loads(row.value)) if row is not None else False


def set_thank_you_automatically(on: bool) -> None:
    """Choose whether thank-yous due go out by e-mail by themselves."""
    with writing():
        require(Permission.CHANGE_POLICIES)
        before = thank_you_automatically()
        Setting.put(THANK_YOU_AUTOMATICALLY, json.dumps(bool(on)))
        record_change("thank you automatically", "setting", None, before={"on": before},
                      after={"on": bool(on)})


def queue_automatic_thanks(as_of: dt.date, *, now: dt.datetime | None = None
                           ) -> RelationshipBatch:
    """When the business chose it, e-mail each thank-you due on ``as_of`` (paid up, a
    promise kept, a plan completed) from its template; customers without an address
    stay on Today. Nothing when the setting is off."""
    if not thank_you_automatically():
        return RelationshipBatch((), (), ())
    now = now or dt.datetime.now()
    queued: list[int] = []
    without: list[str] = []
    skipped: list[tuple[str, str]] = []
    for item in thanks_due(as_of):
        if not item.has_email:
            without.append(item.customer_name)
            continue
        try:
            with writing():  # a savepoint: a thank-you that fails leaves nothing
                draft = thank_you_draft(item.customer_id, Channel.EMAIL, as_of, kind=item.kind)
                queued.append(send_relationship_email(
                    item.customer_id, ContactPurpose.THANKS, subject=draft.subject,
                    text=draft.text, now=now))
        except LedgerError as refusal:  # TemplateError is one
            skipped.append((item.customer_name, refusal.message))
    return RelationshipBatch(tuple(queued), tuple(without), tuple(skipped))


def _paid_up(as_of: dt.date) -> list[ThanksDue]:
    """Accounts (customer and currency) chased within the year, with nothing left open,
    whose chased invoices were paid (not written off) within the last month."""
    since = as_of - dt.timedelta(days=THANKS_WINDOW_DAYS)
    chased_since = as_of - dt.timedelta(days=CHASE_LOOKBACK_DAYS)
    # The accounts with nothing open, paid in the month and chased in the year, from their
    # kept figures' partial index (store v34, models.kept_accounts); then their chases of
    # the year. Looking up every chase's invoice read 100 MB of a big book's invoices for
    # none paid up, and pushed the rest of Today's reads out of the store's cache.
    # An account whose chased invoices were paid in the month was last paid in it too.
    paid_up = set(KeptAccount.select(KeptAccount.customer_id, KeptAccount.currency)
                  .where((KeptAccount.open_count == 0) & (KeptAccount.last_paid_on >= since)
                         & (KeptAccount.last_chased_on >= chased_since)).tuples())
    if not paid_up:
        return []
    # Contacts are numbered as they are made: the highest is the latest chase.
    accounts = [(customer_id, currency, contact) for customer_id, currency, contact in
                StageExecution.select(Invoice.customer, Invoice.currency,
                                      pw.fn.MAX(StageExecution.interaction))
                .join(Invoice)
                .where(one_of(Invoice.customer, sorted({c for c, _ in paid_up}))
                       & StageExecution.interaction.is_null(False)
                       & (StageExecution.executed_on >= chased_since))
                .group_by(Invoice.customer, Invoice.currency).tuples()
                if (customer_id, currency) in paid_up]
    chased_on: dict[int, dt.datetime] = {}
    not_all_paid: set[int] = set()
    paid_in_full: dict[int, object] = {}  # each contact's: its invoices' last payment day
    contacts = sorted(contact for _, _, contact in accounts)
    for start in range(0, len(contacts), 500):  # SQLite's limit on bound values
        block = contacts[start:start + 500]
        chased_on.update((contact, _as_datetime(at)) for contact, at in Interaction.select(
            Interaction.id, Interaction.occurred_at).where(Interaction.id.in_(block)).tuples())
        not_all_paid.update(contact for (contact,) in InteractionInvoice.select(
            InteractionInvoice.interaction).join(Invoice)
            .where(InteractionInvoice.interaction.in_(block)
                   & (Invoice.status != InvoiceStatus.PAID)).tuples())
        paid_in_full.update(Allocation.select(InteractionInvoice.interaction,
                                              pw.fn.MAX(Allocation.allocated_on))
                            .join(InteractionInvoice,
                                  on=(Allocation.invoice == InteractionInvoice.invoice))
                            .where(InteractionInvoice.interaction.in_(block)
                                   & ~Allocation.voided)
                            .group_by(InteractionInvoice.interaction).tuples())
    names = _names({cid for cid, _, _ in accounts})
    items = []
    for customer_id, currency, contact in accounts:
        if contact in not_all_paid or contact not in paid_in_full:
            continue
        # Paid up when what was chased was paid: an account whose chased invoices were
        # paid months ago and that is clear again today was thanked for it then.
        cleared = stored_day(paid_in_full[contact])
        if not since <= cleared <= as_of:
            continue
        code, name = names[customer_id]
        at = chased_on[contact]
        items.append(ThanksDue(PAID_UP, contact, customer_id, code, name, cleared, currency,
                               None, f"Paid up on {short_date(cleared)} after the reminder of "
                                     f"{short_date(at)}", at.date()))
    return items


def _promises_kept(as_of: dt.date) -> list[ThanksDue]:
    """Promises broken and since kept: every invoice promised is paid, the last payment
    within the last month."""
    since = as_of - dt.timedelta(days=THANKS_WINDOW_DAYS)
    unpaid = (PromiseInvoice.select(PromiseInvoice.id).join(Invoice)
              .where((PromiseInvoice.promise == Promise.id)
                     & (Invoice.status != InvoiceStatus.PAID)))
    # The broken promises owing nothing whose invoices were last paid in the month, from
    # their partial index by that day (store v32, models.promise_paid): 655 of the 9,000
    # broken promises of a big book. Nothing owed is not all paid (an invoice written
    # off or credited leaves nothing open either), so the invoices' status is still asked.
    promises = (
        Promise.select(Promise.id, Promise.customer, Customer.code, Customer.name,
                       Promise.amount_minor, Promise.currency, Promise.promised_for,
                       Promise.created_at, Promise.last_paid_on)
        .join(Customer)
        .where((Promise.status == PromiseStatus.BROKEN) & (Promise.owed_minor == 0)
               & (Promise.last_paid_on >= since)
               & (Promise.resolved_on >= as_of - dt.timedelta(days=CHASE_LOOKBACK_DAYS))
               & ~pw.fn.EXISTS(unpaid)))
    items = []
    # Raw rows: the days are read from the store's text only for the promises kept. In
    # the promises' order (a customer's first kept is the one thanked for), put here: an
    # ORDER BY made SQLite scan every promise in that order rather than use the index.
    for (promise_id, customer_id, code, name, amount, currency, promised_for,
         created_at, day) in sorted(_raw(promises)):
        kept = stored_day(day)
        if kept > as_of:
            continue
        items.append(ThanksDue(
            PROMISE_KEPT, promise_id, customer_id, code, name, kept, currency, amount,
            f"The payment promised for {short_date(stored_day(promised_for))} arrived in full "
            f"on {short_date(kept)}, after the promised date", stored_day(created_at)))
    return items


def _plans_completed(as_of: dt.date) -> list[ThanksDue]:
    """Payment plans completed within the last month (their last instalment paid)."""
    since = as_of - dt.timedelta(days=THANKS_WINDOW_DAYS)
    return [ThanksDue(PLAN_COMPLETED, plan.plan_id, plan.customer_id, plan.customer_code,
                      plan.customer_name, plan.ended_on, plan.currency, None,
                      f"Payment plan of {short_date(plan.agreed_on)} completed on "
                      f"{short_date(plan.ended_on)}", plan.agreed_on)
            for plan in plans_ended(PlanStatus.COMPLETED, since, as_of)]


def _thanked_since(last: tuple[int, dt.datetime] | None, item: ThanksDue) -> bool:
    """Whether the customer was thanked on or after the day the occasion began."""
    return last is not None and last[1].date() >= item.began_on


def _decided_customers(items: Sequence[ThanksDue], as_of: dt.date) -> set[int]:
    """Customers one of whose thank-yous the user has done, dismissed or snoozed."""
    refs = {(t.kind, t.ref_id): t.customer_id for t in items}
    query = WorklistDecision.select(WorklistDecision.kind, WorklistDecision.ref_id).where(
        WorklistDecision.kind.in_(list(THANKS_KINDS))
        & ((WorklistDecision.state != "snoozed") | (WorklistDecision.snoozed_until > as_of)))
    return {refs[key] for key in query.tuples() if key in refs}


def _names(customer_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    ids = sorted(customer_ids)
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        found.update((cid, (code, name)) for cid, code, name in Customer.select(
            Customer.id, Customer.code, Customer.name)
            .where(Customer.id.in_(ids[start:start + 500])).tuples())
    return found


def _latest_contacts(purpose: ContactPurpose, customer_ids: Iterable[int]
                     ) -> dict[int, tuple[int, dt.datetime]]:
    """Each customer's latest contact for ``purpose``: its id and time."""
    # The customers bound as one parameter: peewee builds an IN list value by value.
    query = (Interaction.select(Interaction.customer, pw.fn.MAX(Interaction.id),
                                pw.fn.MAX(Interaction.occurred_at))
             .where(one_of(Interaction.customer, sorted(customer_ids))
                    & (Interaction.purpose == purpose))
             .group_by(Interaction.customer))
    return {cid: (contact, _as_datetime(at)) for cid, contact, at in _raw(query)}


# --- check-ins ------------------------------------------------------------------------

def set_check_in_days(customer_id: int, days: int | None) -> None:
    """Check in with the customer every ``days`` days (7 to 730), or never (None)."""
    from models.customer_account import customer_record

    if days is not None and (isinstance(days, bool) or not isinstance(days, int)
                             or not CHECK_IN_MIN_DAYS <= days <= CHECK_IN_MAX_DAYS):
        raise LedgerError("check_in_days", f"Check in every {CHECK_IN_MIN_DAYS} to "
                                           f"{CHECK_IN_MAX_DAYS} days, or choose never.")
    with writing():
        customer = customer_record(customer_id)
        Customer.update(check_in_days=days).where(Customer.id == customer_id).execute()
        record_change("check-in cadence", "customer", customer_id,
                      before={"check_in_days": customer.check_in_days},
                      after={"check_in_days": days})


def add_customer_checking_in(draft: CustomerDraft, days: int | None) -> int:
    """Add the customer (``models.ledger.add_customer``) with their check-in cadence, in
    one transaction: a cadence refused adds no customer either. Returns their id."""
    from models.ledger import add_customer

    with writing():
        customer_id = add_customer(draft)
        if days is not None:
            set_check_in_days(customer_id, days)
        return customer_id


def update_customer_checking_in(customer_id: int, draft: CustomerDraft,
                                days: int | None, *, read_version: int | None = None) -> None:
    """Save the customer's details (``models.ledger.update_customer``, refused when
    someone else saved them since ``read_version``) and cadence in one transaction: a
    cadence refused leaves the details unsaved too. The cadence is written (and
    audited) only when it changed."""
    from models.customer_account import customer_record
    from models.ledger import update_customer

    with writing():
        update_customer(customer_id, draft, read_version=read_version)
        if days != customer_record(customer_id).check_in_days:
            set_check_in_days(customer_id, days)


def check_in_days(customer_id: int) -> int | None:
    """How often to check in with the customer, in days (None: never)."""
    from models.customer_account import customer_record

    return customer_record(customer_id).check_in_days


def check_ins_due(as_of: dt.date) -> list[CheckInDue]:
    """Customers with a check-in cadence whose next check-in has come: the cadence after
    their last check-in contact (after they became a customer, before any)."""
    last_at = Interaction.select(pw.fn.MAX(Interaction.occurred_at)).where(
        (Interaction.customer == Customer.id) & (Interaction.purpose == ContactPurpose.CHECK_IN))
    last_id = Interaction.select(pw.fn.MAX(Interaction.id)).where(
        (Interaction.customer == Customer.id) & (Interaction.purpose == ContactPurpose.CHECK_IN))
    query = (Customer.select(Customer.id, Customer.code, Customer.name, Customer.check_in_days,
                             Customer.created_at, last_at.alias("last_at"),
                             last_id.alias("last_id"))
             .where(Customer.check_in_days.is_null(False)))
    items = []
    for customer_id, code, name, cadence, created_at, at, contact in query.tuples():
        last = _as_datetime(at).date() if at is not None else None
        start = last or _as_datetime(created_at).date()
        due = start + dt.timedelta(days=cadence)
        if due <= as_of:
            items.append(CheckInDue(contact if contact is not None else -customer_id,
                                    customer_id, code, name, due, cadence, last))
    return items


# --- welcomes -------------------------------------------------------------------------

def customers_not_welcomed(since: dt.date, *, customer_ids: Iterable[int] | None = None
                           ) -> list[WelcomeCandidate]:
    """Customers who became customers on or after ``since`` (of ``customer_ids`` only, if
    given) and have had no welcome, by name."""
    welcomed = Interaction.select(Interaction.id).where(
        (Interaction.customer == Customer.id) & (Interaction.purpose == ContactPurpose.WELCOME))
    query = (Customer.select(Customer.id, Customer.code, Customer.name, Customer.language,
                             Customer.created_at)
             .where((Customer.created_at >= dt.datetime.combine(since, dt.time()))
                    & ~pw.fn.EXISTS(welcomed))
             .order_by(pw.fn.LOWER(Customer.name), Customer.id))
    rows = list(query.tuples())
    if customer_ids is not None:
        wanted = set(customer_ids)
        rows = [row for row in rows if row[0] in wanted]
    reachable = customers_with_email(row[0] for row in rows)
    return [WelcomeCandidate(cid, code, name, language, _as_datetime(created).date(),
                             cid in reachable) for cid, code, name, language, created in rows]


def imported_not_welcomed(batch_id: int) -> list[WelcomeCandidate]:
    """The customers an import brought in that have had no welcome (to offer them one
    when the import is done)."""
    batch = ImportBatch.get_or_none(ImportBatch.id == batch_id)
    if batch is None:
        raise LedgerError("batch", "That import is no longer in the store.")
    ids = [row_id for (row_id,) in ExternalRecord.select(ExternalRecord.row_id).where(
        (ExternalRecord.batch == batch_id) & (ExternalRecord.kind == ImportedKind.CUSTOMER))
        .tuples()]
    return customers_not_welcomed(_as_datetime(batch.imported_at).date(), customer_ids=ids)


def welcome_by_email(customer_ids: Sequence[int], as_of: dt.date, *,
                     now: dt.datetime | None = None) -> RelationshipBatch:
    """E-mail each customer their welcome from the template in their language (e.g. the
    customers an import brought in); those without an address are listed for a letter."""
    from models.customer_account import customer_record

    now = now or dt.datetime.now()
    queued: list[int] = []
    without: list[str] = []
    skipped: list[tuple[str, str]] = []
    reachable = customers_with_email(customer_ids)
    for customer_id in customer_ids:
        name = customer_record(customer_id).name
        if customer_id not in reachable:
            without.append(name)
            continue
        try:
            with writing():
                draft = welcome_draft(customer_id, Channel.EMAIL, as_of)
                queued.append(send_relationship_email(
                    customer_id, ContactPurpose.WELCOME, subject=draft.subject, text=draft.text,
                    now=now))
        except LedgerError as refusal:
            skipped.append((name, refusal.message))
    return RelationshipBatch(tuple(queued), tuple(without), tuple(skipped))


# --- the words, and sending them ---------------------------------------------------------

def welcome_draft(customer_id: int, channel: str, as_of: dt.date) -> RelationshipDraft:
    """The welcome to the customer by ``channel`` ("email" or "letter"), from the "Welcome
    email"/"Welcome letter" template in their language: their payment terms, discount,
    interest and fees, and how to pay into the account for their currency."""
    return _draft(WELCOME, ContactPurpose.WELCOME, customer_id, channel, as_of, "")


def thank_you_draft(customer_id: int, channel: str, as_of: dt.date, *,
                    kind: str = PAID_UP) -> RelationshipDraft:
    """The thank-you to the customer by ``channel``, from the "Thank you email"/"Thank you
    letter" template in their language, saying what it is for (``kind``: a Today item's
    kind, PAID_UP, PROMISE_KEPT, PLAN_COMPLETED or ON_TIME)."""
    from models.customer_account import customer_record
    from models.letter_context import customer_wording

    if kind not in _THANKS_FOR:
        raise LedgerError("kind", f"{kind!r} is not a kind of thank-you.")
    customer = customer_record(customer_id)
    language = _template_language(THANK_YOU, channel, customer.language)
    words = customer_wording(customer_id, language)
    thanks_for = words.gettext(_THANKS_FOR[kind]).format(code=customer.code)
    return _draft(THANK_YOU, ContactPurpose.THANKS, customer_id, channel, as_of, thanks_for)


def send_relationship_email(customer_id: int, purpose: ContactPurpose, *, subject: str,
                            text: str, now: dt.datetime | None = None) -> int:
    """Record an e-mail of welcome, thanks or a check-in on the customer's timeline (its
    purpose so) and queue it in the outbox; returns the outbox id."""
    from models.mail import recipients_of
    from models.outbox import queue_message

    _check_purpose(purpose)
    check_words(subject, text, email=True)
    now = now or dt.datetime.now()
    with writing():
        to = recipients_of(customer_id)
        if not to:
            raise LedgerError("recipients", "The customer has no usable e-mail address: print "
                                            "a letter instead.")
        contact_id = _record(customer_id, purpose, ContactKind.EMAIL, subject, text, now)
        return queue_message(customer_id, kind=OutboxKind.RELATIONSHIP, subject=subject,
                             text=text, to=to, contact_id=contact_id, now=now)


def record_relationship_letter(customer_id: int, purpose: ContactPurpose, *, subject: str,
                               text: str, now: dt.datetime | None = None) -> int:
    """Record a printed letter of welcome, thanks or a check-in on the customer's timeline;
    returns the contact's id. Print it with ``reports.letter.letter_data(customer_id, (),
    day, subject=…, text=…)`` and ``render_letter``: a letter with no invoices."""
    _check_purpose(purpose)
    check_words(subject, text, email=False)
    with writing():
        return _record(customer_id, purpose, ContactKind.LETTER, subject, text,
                       now or dt.datetime.now())


def _record(customer_id: int, purpose: ContactPurpose, kind: ContactKind, subject: str,
            text: str, now: dt.datetime) -> int:
    heading = {ContactPurpose.WELCOME: "Welcome", ContactPurpose.THANKS: "Thank you",
               ContactPurpose.CHECK_IN: "Check-in"}[purpose]
    summary = "\n\n".join(part for part in (f"{heading} ({ContactKind.word_for(kind).lower()})",
                                            subject.strip()) if part)
    contact_id = log_contact(customer_id, ContactEntry(kind=kind, occurred_at=now,
                                                       summary=summary, purpose=purpose),
                             now=now)
    Interaction.update(subject=subject.strip(), body=text.strip()).where(
        Interaction.id == contact_id).execute()
    return contact_id


def _check_purpose(purpose: ContactPurpose) -> None:
    if purpose not in _RELATIONSHIP_PURPOSES:
        raise LedgerError("purpose", "Only a welcome, a thank-you or a check-in is sent "
                                     "from here; reminders go through the follow-up stages.")


def _draft(occasion: str, purpose: ContactPurpose, customer_id: int, channel: str,
           as_of: dt.date, thanks_for: str) -> RelationshipDraft:
    from models.customer_account import customer_record
    from models.letter_context import letter_context

    if channel not in (Channel.EMAIL, Channel.LETTER):
        raise LedgerError("channel", "Choose an e-mail or a letter.")
    customer = customer_record(customer_id)
    name = RELATIONSHIP_TEMPLATE_NAMES[occasion, channel]
    language = _template_language(occasion, channel, customer.language)
    stored = LetterTemplate.get_or_none(
        (LetterTemplate.name == name) & (LetterTemplate.channel == channel)
        & (LetterTemplate.language == language))
    if stored is not None:
        subject, body = stored.subject, stored.body
    else:  # a store made before these templates: Duly's own words
        subject, body = relationship_template(occasion, channel, catalogue(language).gettext)
    note = ("" if language == customer.language else
            f"Duly has no {language_name(customer.language)} words for this; it is written "
            f"in {language_name(language)}.")
    context = letter_context(customer_id, (), as_of, language=language, thanks_for=thanks_for)
    letter = render_letter(subject, body, context, template_name=name)
    return RelationshipDraft(purpose, channel, letter.subject, letter.body, name, language,
                             note)


def _template_language(occasion: str, channel: str, wanted: str) -> str:
    """The customer's language when the business has the template in it or Duly has its
    words; else English."""
    name = RELATIONSHIP_TEMPLATE_NAMES[occasion, channel]
    if translated(wanted) or LetterTemplate.select().where(
            (LetterTemplate.name == name) & (LetterTemplate.channel == channel)
            & (LetterTemplate.language == wanted)).exists():
        return wanted
    return SOURCE_LANGUAGE


# --- Today's hooks ----------------------------------------------------------------------

def purpose_of(kind: str) -> ContactPurpose:
    """What a contact made for a Today item of ``kind`` is for."""
    return ContactPurpose.CHECK_IN if kind == CHECK_IN else ContactPurpose.THANKS


def customer_of(kind: str, ref_id: int) -> int:
    """The customer a relationship item of ``kind`` and ``ref_id`` is about."""
    if kind in RECURRING_KINDS and ref_id < 0:
        customer_id = -ref_id
        if not Customer.select().where(Customer.id == customer_id).exists():
            raise LedgerError("item", "That customer is no longer in the store.")
        return customer_id
    model: type[pw.Model] = {PROMISE_KEPT: Promise, PLAN_COMPLETED: PaymentPlan}.get(
        kind, Interaction)
    row = model.select(model.customer).where(model.id == ref_id).tuples().first()
    if row is None:
        raise LedgerError("item", "That item is no longer in the store.")
    return int(row[0])


def record_done(kind: str, ref_id: int, *, on: dt.date, note: str = "",
                now: dt.datetime | None = None) -> int:
    """A recurring item (a check-in, a yearly thank-you) done outside Duly: a note of the
    contact on the customer's timeline, from which the next one counts."""
    customer_id = customer_of(kind, ref_id)
    now = now or dt.datetime.now()
    at = now if now.date() == on else dt.datetime.combine(on, dt.time(12))
    words = "Checked in" if kind == CHECK_IN else "Thanked for paying on time"
    return log_contact(customer_id, ContactEntry(
        kind=ContactKind.NOTE, occurred_at=at, summary=note.strip() or f"{words} (done on Today).",
        purpose=purpose_of(kind)), now=max(now, at))


def skip_until(kind: str, ref_id: int, on: dt.date) -> dt.date:
    """The day a dismissed recurring item comes back: a cadence (a year for the yearly
    thank-you) after ``on``."""
    from models.customer_account import customer_record

    if kind == ON_TIME:
        return on + dt.timedelta(days=YEAR_DAYS)
    cadence = customer_record(customer_of(kind, ref_id)).check_in_days
    return on + dt.timedelta(days=cadence or CHECK_IN_MAX_DAYS)


def _as_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value))


def _raw(query: pw.Query) -> list[tuple[Any, ...]]:
    """The query's rows as the store gives them: days as text, no field conversions."""
    return list(database.execute_sql(*query.sql()))
