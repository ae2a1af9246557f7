"""How one customer pays: the facts of their payment behaviour as of a day.

Read from the history the store already holds (invoices and the allocations that paid
them, payments, contacts, follow-up stages, promises, plans, disputes), a few queries
per customer and never one per invoice. What the facts make of the customer (a class
with its reasons, and a suggestion) is :mod:`models.customer_class`.

Days late (the Upflow / Chaser measure, ``docs/decisions.md``):

* an invoice is *paid* on the day the payments and credits allocated to it (up to the
  as-of day) reached its amount; it is judged if a payment took part (an invoice
  cancelled wholly by a credit note says nothing about paying);
* its days late are that day less its due date, and 0 when it was paid early: paying
  one invoice early does not make up for paying another late;
* an invoice still open past its due date on the as-of day is late *to date*: it counts
  with the days it has been overdue so far, so a customer who stops paying is not
  judged on the invoices they did pay only;
* void and written-off invoices are left out (when a write-off ended the wait is not
  known), and so are open invoices not yet due (not known yet);
* the average is weighted by amount: ``Σ(amount × days late) ÷ Σ amount``, amounts as
  they are in minor units (a customer invoiced in two currencies is weighted across
  both);
* an invoice is *on time* when paid no more than the tolerance (``on_time_days``, a
  setting) after its due date; one still open past the tolerance is late.
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, NamedTuple

import peewee as pw

from models.disputed import claims
from models.errors import LedgerError
from models.kinds import (
    ContactKind,
    ContactPurpose,
    Direction,
    InvoiceStatus,
    PlanStatus,
    PromiseStatus,
)
from models.schema import (
    Allocation,
    AuditEntry,
    Customer,
    FollowUpStage,
    Interaction,
    Invoice,
    Payment,
    PaymentPlan,
    Promise,
    StageExecution,
    database,
)

YEAR_DAYS = 365  # "the last 12 months": invoices due in the 365 days up to the as-of day
RECENT_DAYS = 180  # promises broken and plans defaulted "lately"
GROWTH_DAYS = 90  # the overdue balance now against this many days before
ANSWER_DAYS = 7  # a contact is answered when a payment follows within this many days
DEFAULT_ON_TIME_DAYS = 3
DEFAULT_RECENT_INVOICES = 3
# The contacts whose answer is measured: the ones the business makes to chase.
CHANNELS = (ContactKind.CALL, ContactKind.EMAIL, ContactKind.LETTER, ContactKind.SMS,
            ContactKind.MEETING)
_LEFT_OUT = frozenset({str(InvoiceStatus.VOID), str(InvoiceStatus.WRITTEN_OFF)})
_CHASING = frozenset({str(ContactPurpose.CHASE), str(ContactPurpose.PLAN)})
_TENTH = Decimal("0.1")


class JudgedInvoice(NamedTuple):
    """An invoice whose lateness is known on the as-of day."""

    invoice_id: int
    due_date: dt.date
    amount_minor: int
    days_late: int  # 0 when paid on or before its due date
    paid_on: dt.date | None  # None: still open, late to date


@dataclass(frozen=True)
class Lateness:
    """How late a set of judged invoices was paid."""

    judged: int  # paid, or still open past the tolerance
    on_time: int
    days_late: Decimal | None  # weighted by amount, to a tenth; None with nothing judged
    least_days_late: int | None
    most_days_late: int | None
    still_open: int  # of the judged, those still open (late to date)

    @property
    def late(self) -> int:
        """How many were paid (or are still open) past the tolerance."""
        return self.judged - self.on_time

    @property
    def percent_on_time(self) -> int | None:
        """The share paid on time, in whole percent (None with nothing judged)."""
        return None if not self.judged else round(100 * self.on_time / self.judged)


@dataclass(frozen=True)
class Trend:
    """The last few judged invoices against the customer's own history before them."""

    recent: Lateness
    earlier: Lateness
    earlier_until: dt.date | None  # the due date of the last invoice before the recent ones


@dataclass(frozen=True)
class StageResponse:
    """How long after a follow-up stage's contacts the customer paid."""

    stage: str
    position: int
    contacts: int  # days the stage reached the customer
    paid_within_7: int  # followed by a payment within 7 days
    median_days: int | None  # days to the next payment, of those followed by one


@dataclass(frozen=True)
class ChannelResponse:
    """How the customer answered one kind of contact: by paying within 7 days."""

    kind: ContactKind
    contacts: int
    answered: int  # followed by a payment within 7 days
    median_days: int | None  # days to the next payment, of those followed by one
    last_answered: dt.date | None
    unanswered_since: int  # contacts of this kind after the last answered one (or all)
    first_unanswered: dt.date | None  # the first of those


@dataclass(frozen=True)
class CustomerProfile:
    """A customer's payment behaviour as of a day: the facts a classification rests on."""

    customer_id: int
    code: str
    name: str
    currency: str
    as_of: dt.date
    on_time_days: int  # the tolerance the on-time counts used
    last_12_months: Lateness  # invoices due in the last 365 days (or paid before due)
    before: Lateness  # invoices due earlier
    overall: Lateness
    trend: Trend
    promises_kept: int
    promises_broken: int
    promises_open: int
    broken_lately: int  # promises broken in the last 180 days
    last_broken_on: dt.date | None
    disputes: int  # invoices ever put in dispute
    disputed_now: int  # invoices in an open dispute case, all or part of them
    plans_kept: int  # completed
    plans_defaulted: int
    plans_active: int
    defaulted_lately: int  # plans defaulted in the last 180 days
    stages: tuple[StageResponse, ...]  # in stage order
    channels: tuple[ChannelResponse, ...]  # the kinds of contact made, most answered first
    answered_channel: ContactKind | None  # the kind most often followed by a payment
    overdue_minor: int  # in the customer's currency, on the as-of day
    overdue_before_minor: int  # the same, 90 days before
    unanswered_contacts: int  # chasing contacts since the last payment or word from them
    unanswered_since: dt.date | None  # the first of those
    written_off: int  # invoices written off (left out of the lateness)


def customer_profile(customer_id: int, as_of: dt.date, *,
                     on_time_days: int = DEFAULT_ON_TIME_DAYS,
                     recent_invoices: int = DEFAULT_RECENT_INVOICES) -> CustomerProfile:
    """The payment behaviour of a customer as of ``as_of``; ``on_time_days`` is the
    tolerance after the due date, ``recent_invoices`` how many of the latest judged
    invoices the trend sets against the history before them. Statuses (dispute, plan,
    written off) are as they stand now, dated where the store dates them."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise LedgerError("customer", "That customer no longer exists.")
    invoices = _invoices(customer_id, as_of)
    paid = _paid(customer_id, as_of)
    settled = {i.id: _settled_on(paid.get(i.id), i.amount_minor) for i in invoices}
    judged = _judged(invoices, paid, settled, as_of, on_time_days)
    year_ago = as_of - dt.timedelta(days=YEAR_DAYS)
    payments = _payment_days(customer_id, as_of)
    contacts = _contacts(customer_id, as_of)
    promises = _promises(customer_id, as_of)
    plans = _plans(customer_id, as_of)
    growth_day = as_of - dt.timedelta(days=GROWTH_DAYS)
    own = [i for i in invoices if i.currency == customer.currency]
    unanswered = _unanswered(contacts, payments)
    channels = _channels(contacts, payments)
    lately = as_of - dt.timedelta(days=RECENT_DAYS)
    broken_days = [day for status, day in promises
                   if status == PromiseStatus.BROKEN and day is not None]
    return CustomerProfile(
        customer_id=customer_id, code=customer.code, name=customer.name,
        currency=customer.currency, as_of=as_of, on_time_days=on_time_days,
        last_12_months=lateness([j for j in judged if j.due_date > year_ago], on_time_days),
        before=lateness([j for j in judged if j.due_date <= year_ago], on_time_days),
        overall=lateness(judged, on_time_days),
        trend=_trend(judged, on_time_days, recent_invoices),
        promises_kept=sum(status == PromiseStatus.KEPT for status, _day in promises),
        promises_broken=len(broken_days),
        promises_open=sum(status == PromiseStatus.OPEN for status, _day in promises),
        broken_lately=sum(day > lately for day in broken_days),
        last_broken_on=max(broken_days, default=None),
        disputes=_disputes(customer_id), disputed_now=len(claims(customer_id=customer_id)),
        plans_kept=sum(status == PlanStatus.COMPLETED for status, _day in plans),
        plans_defaulted=sum(status == PlanStatus.DEFAULTED for status, _day in plans),
        plans_active=sum(status == PlanStatus.ACTIVE for status, _day in plans),
        defaulted_lately=sum(status == PlanStatus.DEFAULTED and day is not None and day > lately
                             for status, day in plans),
        stages=_stages(customer_id, as_of, payments), channels=channels,
        answered_channel=_answered_channel(channels),
        overdue_minor=_overdue(own, paid, settled, as_of),
        overdue_before_minor=_overdue(own, paid, settled, growth_day),
        unanswered_contacts=len(unanswered),
        unanswered_since=unanswered[0] if unanswered else None,
        written_off=sum(i.status == InvoiceStatus.WRITTEN_OFF for i in invoices))


def lateness(judged: Sequence[JudgedInvoice], on_time_days: int) -> Lateness:
    """The figures of a set of judged invoices: how many, how many on time, and the days
    late weighted by amount (``Σ amount × days ÷ Σ amount``, to a tenth of a day)."""
    if not judged:
        return Lateness(0, 0, None, None, None, 0)
    total = sum(j.amount_minor for j in judged)
    weighted = Decimal(sum(j.amount_minor * j.days_late for j in judged)) / Decimal(total)
    days = [j.days_late for j in judged]
    return Lateness(
        judged=len(judged), on_time=sum(d <= on_time_days for d in days),
        days_late=weighted.quantize(_TENTH, rounding=ROUND_HALF_UP),
        least_days_late=min(days), most_days_late=max(days),
        still_open=sum(j.paid_on is None for j in judged))


# --- reading the store ---------------------------------------------------------------
# Rows are read as the store hands them and each day parsed once: a busy customer's
# profile reads thousands of rows, and peewee's conversion of each cost more than the
# rest of the work (see docs/performance.md).

def _raw(query: pw.Query) -> list[tuple[Any, ...]]:
    return list(database.execute_sql(*query.sql()))


@lru_cache(maxsize=8192)
def _day(value: object) -> dt.date:
    """A stored day (or the day of a stored moment) as a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


class _Invoice(NamedTuple):
    id: int
    due_date: dt.date
    amount_minor: int
    currency: str
    status: str


def _invoices(customer_id: int, as_of: dt.date) -> list[_Invoice]:
    rows = (Invoice.select(Invoice.id, Invoice.due_date, Invoice.amount_minor,
                           Invoice.currency, Invoice.status)
            .where((Invoice.customer == customer_id) & (Invoice.issue_date <= as_of)
                   & (Invoice.status != InvoiceStatus.VOID))
            )
    return [_Invoice(invoice_id, _day(due), amount, currency, status)
            for invoice_id, due, amount, currency, status in _raw(rows)]


class _Paid:
    """What was allocated to an invoice up to the as-of day, day by day."""

    __slots__ = ("days", "running", "by_payment")

    def __init__(self) -> None:
        self.days: list[dt.date] = []
        self.running: list[int] = []  # the running total allocated, on each of ``days``
        self.by_payment = False  # a payment (not only credit notes) took part


def _paid(customer_id: int, as_of: dt.date) -> dict[int, _Paid]:
    rows = (Allocation.select(Allocation.invoice, Allocation.allocated_on,
                              Allocation.amount_minor, Allocation.payment)
            .join(Invoice, on=(Allocation.invoice == Invoice.id))
            .where((Invoice.customer == customer_id) & ~Allocation.voided
                   & (Allocation.allocated_on <= as_of))
            .order_by(Allocation.allocated_on))
    paid: dict[int, _Paid] = {}
    for invoice_id, on, amount, payment_id in _raw(rows):
        day = _day(on)
        entry = paid.get(invoice_id)
        if entry is None:
            entry = paid[invoice_id] = _Paid()
        entry.running.append((entry.running[-1] if entry.running else 0) + amount)
        entry.days.append(day)
        if payment_id is not None:
            entry.by_payment = True
    return paid


def _judged(invoices: Iterable[_Invoice], paid: dict[int, _Paid],
            settled: dict[int, dt.date | None], as_of: dt.date,
            on_time_days: int) -> list[JudgedInvoice]:
    """The invoices whose lateness is known, in due-date order (see the module's text)."""
    judged = []
    for invoice in invoices:
        if invoice.status in _LEFT_OUT:
            continue
        entry = paid.get(invoice.id)
        paid_on = settled[invoice.id]
        if paid_on is not None:
            if entry is None or not entry.by_payment:
                continue
            days = max((paid_on - invoice.due_date).days, 0)
        else:
            days = (as_of - invoice.due_date).days
            if days <= on_time_days:
                continue
        judged.append(JudgedInvoice(invoice.id, invoice.due_date, invoice.amount_minor, days,
                                    paid_on))
    judged.sort(key=lambda j: (j.due_date, j.invoice_id))
    return judged


def _settled_on(entry: _Paid | None, amount_minor: int) -> dt.date | None:
    if entry is None or entry.running[-1] < amount_minor:
        return None
    return entry.days[bisect.bisect_left(entry.running, amount_minor)]


def _overdue(invoices: Iterable[_Invoice], paid: dict[int, _Paid],
             settled: dict[int, dt.date | None], day: dt.date) -> int:
    """What was overdue on ``day`` of these invoices (written-off ones left out)."""
    total = 0
    for invoice in invoices:
        paid_on = settled[invoice.id]
        if (paid_on is not None and paid_on <= day) or invoice.due_date >= day \
                or invoice.status in _LEFT_OUT:
            continue
        entry = paid.get(invoice.id)
        allocated = 0
        if entry is not None:
            index = bisect.bisect_right(entry.days, day)
            allocated = entry.running[index - 1] if index else 0
        total += max(invoice.amount_minor - allocated, 0)
    return total


def _payment_days(customer_id: int, as_of: dt.date) -> list[dt.date]:
    rows = (Payment.select(Payment.received_on)
            .where((Payment.customer == customer_id) & ~Payment.voided
                   & (Payment.received_on <= as_of))
            .order_by(Payment.received_on))
    return [_day(day) for (day,) in _raw(rows)]


class _Contact(NamedTuple):
    day: dt.date
    kind: str
    outgoing: bool
    chasing: bool


def _contacts(customer_id: int, as_of: dt.date) -> list[_Contact]:
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    rows = (Interaction.select(Interaction.occurred_at, Interaction.kind,
                               Interaction.direction, Interaction.purpose)
            .where((Interaction.customer == customer_id) & (Interaction.occurred_at < until)
                   & (Interaction.kind != ContactKind.NOTE))
            .order_by(Interaction.occurred_at))
    return [_Contact(_day(at), kind, direction == Direction.OUTGOING, purpose in _CHASING)
            for at, kind, direction, purpose in _raw(rows)]


def _promises(customer_id: int, as_of: dt.date) -> list[tuple[str, dt.date | None]]:
    """Each promise made by ``as_of``: its status then, and the day it was settled."""
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    rows = (Promise.select(Promise.status, Promise.resolved_on)
            .where((Promise.customer == customer_id) & (Promise.created_at < until)))
    promises = [(status, None if resolved is None else _day(resolved))
                for status, resolved in _raw(rows) if status != PromiseStatus.CANCELLED]
    return [(status if resolved is not None and resolved <= as_of else PromiseStatus.OPEN,
             resolved) for status, resolved in promises]


def _plans(customer_id: int, as_of: dt.date) -> list[tuple[str, dt.date | None]]:
    """Each plan agreed by ``as_of``: its status then, and the day it ended."""
    rows = (PaymentPlan.select(PaymentPlan.status, PaymentPlan.ended_on)
            .where((PaymentPlan.customer == customer_id) & (PaymentPlan.agreed_on <= as_of)))
    plans = [(status, None if ended is None else _day(ended)) for status, ended in _raw(rows)]
    return [(status if ended is None or ended <= as_of else PlanStatus.ACTIVE, ended)
            for status, ended in plans]


def _disputes(customer_id: int) -> int:
    """The customer's invoices ever put in dispute (the audit log keeps each one, dated
    by the computer's clock, so not bounded by the as-of day)."""
    invoices = Invoice.select(Invoice.id).where(Invoice.customer == customer_id)
    return int(AuditEntry.select(AuditEntry.row_id).distinct()
               .where((AuditEntry.table == "invoice") & (AuditEntry.row_id.in_(invoices))
                      & (AuditEntry.action == "dispute invoice")).count())


def _next_payment(payments: Sequence[dt.date], day: dt.date) -> int | None:
    """Days from ``day`` to the first payment received on it or after, if any."""
    index = bisect.bisect_left(payments, day)
    return (payments[index] - day).days if index < len(payments) else None


def _median(days: list[int]) -> int | None:
    return round(statistics.median(days)) if days else None


def _stages(customer_id: int, as_of: dt.date,
            payments: Sequence[dt.date]) -> tuple[StageResponse, ...]:
    """Each stage that reached the customer (once a day, however many invoices it was
    for) and the days to the payment that followed."""
    rows = (StageExecution.select(FollowUpStage.name, FollowUpStage.position,
                                  StageExecution.executed_on)
            .join(Invoice, on=(StageExecution.invoice == Invoice.id))
            .switch(StageExecution)
            .join(FollowUpStage, on=(StageExecution.stage == FollowUpStage.id))
            .where((Invoice.customer == customer_id) & (StageExecution.executed_on <= as_of)
                   & StageExecution.interaction.is_null(False))
            .distinct())
    days: dict[tuple[int, str], list[int | None]] = defaultdict(list)
    for name, position, executed_on in _raw(rows):
        days[(position, name)].append(_next_payment(payments, _day(executed_on)))
    return tuple(StageResponse(
        stage=name, position=position, contacts=len(after),
        paid_within_7=sum(d is not None and d <= ANSWER_DAYS for d in after),
        median_days=_median([d for d in after if d is not None]))
        for (position, name), after in sorted(days.items()))


def _channels(contacts: Sequence[_Contact],
              payments: Sequence[dt.date]) -> tuple[ChannelResponse, ...]:
    """For each kind of chasing contact made: how often a payment followed in 7 days."""
    by_kind: dict[str, list[tuple[dt.date, int | None]]] = defaultdict(list)
    for contact in contacts:
        if contact.outgoing and contact.chasing and contact.kind in CHANNELS:
            by_kind[contact.kind].append((contact.day, _next_payment(payments, contact.day)))
    responses = []
    for kind, made in by_kind.items():
        answered = [day for day, after in made if after is not None and after <= ANSWER_DAYS]
        last = max(answered, default=None)
        since = [day for day, _after in made if last is None or day > last]
        responses.append(ChannelResponse(
            kind=ContactKind(kind), contacts=len(made), answered=len(answered),
            median_days=_median([after for _day, after in made if after is not None]),
            last_answered=last, unanswered_since=len(since),
            first_unanswered=since[0] if since else None))
    responses.sort(key=lambda c: (-c.answered / c.contacts, -c.contacts, c.kind))
    return tuple(responses)


MIN_CONTACTS_FOR_CHANNEL = 2


def _answered_channel(channels: Sequence[ChannelResponse]) -> ContactKind | None:
    """The kind of contact most often followed by a payment within 7 days, among those
    made at least twice and answered at least once."""
    for channel in channels:
        if channel.contacts >= MIN_CONTACTS_FOR_CHANNEL and channel.answered:
            return channel.kind
    return None


def _unanswered(contacts: Sequence[_Contact], payments: Sequence[dt.date]) -> list[dt.date]:
    """The days of the chasing contacts made since the customer last paid or got in
    touch (nothing since then has been answered)."""
    last_word = max([c.day for c in contacts if not c.outgoing] + list(payments[-1:]),
                    default=None)
    return [c.day for c in contacts if c.outgoing and c.chasing
            and (last_word is None or c.day > last_word)]


def _trend(judged: Sequence[JudgedInvoice], on_time_days: int, recent: int) -> Trend:
    split = max(len(judged) - recent, 0)
    earlier = judged[:split]
    return Trend(recent=lateness(judged[split:], on_time_days),
                 earlier=lateness(earlier, on_time_days),
                 earlier_until=earlier[-1].due_date if earlier else None)
