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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import groupby
from operator import attrgetter, itemgetter, mul
from typing import Any, NamedTuple

import peewee as pw
from peewee import fn

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
from models.paid_after import next_payment as _next_payment
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
_DUE = attrgetter("due_date")
_STATUS = attrgetter("status")


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
    profiles = _read_profiles([customer_id], as_of, on_time_days, recent_invoices)
    if not profiles:
        raise LedgerError("customer", "That customer no longer exists.")
    return profiles[0]


def customer_profiles(as_of: dt.date, customer_ids: Iterable[int] | None = None, *,
                      on_time_days: int = DEFAULT_ON_TIME_DAYS,
                      recent_invoices: int = DEFAULT_RECENT_INVOICES
                      ) -> dict[int, CustomerProfile]:
    """The profile of every customer (or of those in ``customer_ids`` that exist) as of
    ``as_of``, by customer id: the same as :func:`customer_profile` gives one by one,
    read a few queries per batch of customers rather than per customer."""
    return {profile.customer_id: profile for profile in each_customer_profile(
        as_of, customer_ids, on_time_days=on_time_days, recent_invoices=recent_invoices)}


BATCH_CUSTOMERS = 900  # customers read together: SQLite's oldest limit is 999 parameters


def each_customer_profile(as_of: dt.date, customer_ids: Iterable[int] | None = None, *,
                          on_time_days: int = DEFAULT_ON_TIME_DAYS,
                          recent_invoices: int = DEFAULT_RECENT_INVOICES,
                          progress: Callable[[int, int], None] | None = None
                          ) -> Iterator[CustomerProfile]:
    """The profiles of :func:`customer_profiles` one at a time, in customer id order,
    read a batch of customers at a time so that only one batch's history is held;
    ``progress(done, total)`` is told after each batch."""
    if customer_ids is None:
        ids = [cid for (cid,) in _raw(Customer.select(Customer.id).order_by(Customer.id))]
    else:
        ids = sorted(set(customer_ids))
    for start in range(0, len(ids), BATCH_CUSTOMERS):
        yield from _read_profiles(ids[start:start + BATCH_CUSTOMERS], as_of, on_time_days,
                                  recent_invoices)
        if progress is not None:
            progress(min(start + BATCH_CUSTOMERS, len(ids)), len(ids))


class _History(NamedTuple):
    """What the store holds about one customer up to the as-of day."""

    customer: tuple[int, str, str, str]  # id, code, name, currency
    invoices: list[_Invoice]
    payments: list[dt.date]
    contacts: list[_Contact]
    promises: list[tuple[str, dt.date | None]]
    plans: list[tuple[str, dt.date | None]]
    disputes: int
    stage_days: list[tuple[str, int, dt.date]]  # name, position, day it reached them
    disputed_now: int  # of the invoices, how many an open dispute case claims


def _read_profiles(customer_ids: Sequence[int], as_of: dt.date, on_time_days: int,
                   recent_invoices: int) -> list[CustomerProfile]:
    """The profiles of the customers in ``customer_ids`` that exist, by id: each kind of
    history read once for all of them (one query each), then grouped by customer."""
    customers = _raw(Customer.select(Customer.id, Customer.code, Customer.name,
                                     Customer.currency)
                     .where(Customer.id.in_(customer_ids)).order_by(Customer.id))
    if not customers:
        return []
    ids = [row[0] for row in customers]
    invoices = _invoices(ids, as_of)
    paid = _paid(ids, as_of)
    payments = _payment_days(ids, as_of)
    contacts = _contacts(ids, as_of)
    promises = _promises(ids, as_of)
    plans = _plans(ids, as_of)
    disputes = _disputes(ids)
    stage_days = _stage_days(ids, as_of)
    claimed = claims(customer_ids=ids)
    return [_profile(_History(
        customer, invoices.get(customer[0], []), payments.get(customer[0], []),
        contacts.get(customer[0], []), promises.get(customer[0], []),
        plans.get(customer[0], []), disputes.get(customer[0], 0),
        stage_days.get(customer[0], []),
        sum(i.id in claimed for i in invoices.get(customer[0], []))),
        paid, as_of, on_time_days, recent_invoices)
        for customer in customers]


def _profile(history: _History, paid: _Paid, as_of: dt.date, on_time_days: int,
             recent_invoices: int) -> CustomerProfile:
    """One customer's profile from their history (``paid``: what was allocated to each
    invoice, of theirs and perhaps of others)."""
    customer_id, code, name, currency = history.customer
    invoices, payments, contacts = history.invoices, history.payments, history.contacts
    promises, plans = history.promises, history.plans
    settled = paid.settled(invoices)
    judged = _judged(invoices, paid, settled, as_of, on_time_days)
    statuses = Counter(map(_STATUS, invoices))
    year_ago = as_of - dt.timedelta(days=YEAR_DAYS)
    split = bisect.bisect_right(judged, year_ago, key=_DUE)  # judged is in due-date order
    growth_day = as_of - dt.timedelta(days=GROWTH_DAYS)
    own = [i for i in invoices if i.currency == currency]
    unanswered = _unanswered(contacts, payments)
    channels = _channels(contacts, payments)
    lately = as_of - dt.timedelta(days=RECENT_DAYS)
    broken_days = [day for status, day in promises
                   if status == PromiseStatus.BROKEN and day is not None]
    return CustomerProfile(
        customer_id=customer_id, code=code, name=name,
        currency=currency, as_of=as_of, on_time_days=on_time_days,
        last_12_months=lateness(judged[split:], on_time_days),
        before=lateness(judged[:split], on_time_days),
        overall=lateness(judged, on_time_days),
        trend=_trend(judged, on_time_days, recent_invoices),
        promises_kept=sum(status == PromiseStatus.KEPT for status, _day in promises),
        promises_broken=len(broken_days),
        promises_open=sum(status == PromiseStatus.OPEN for status, _day in promises),
        broken_lately=sum(day > lately for day in broken_days),
        last_broken_on=max(broken_days, default=None),
        disputes=history.disputes, disputed_now=history.disputed_now,
        plans_kept=sum(status == PlanStatus.COMPLETED for status, _day in plans),
        plans_defaulted=sum(status == PlanStatus.DEFAULTED for status, _day in plans),
        plans_active=sum(status == PlanStatus.ACTIVE for status, _day in plans),
        defaulted_lately=sum(status == PlanStatus.DEFAULTED and day is not None and day > lately
                             for status, day in plans),
        stages=_stages(history.stage_days, payments), channels=channels,
        answered_channel=_answered_channel(channels),
        overdue_minor=_overdue(own, paid, settled, as_of),
        overdue_before_minor=_overdue(own, paid, settled, growth_day),
        unanswered_contacts=len(unanswered),
        unanswered_since=unanswered[0] if unanswered else None,
        written_off=statuses[InvoiceStatus.WRITTEN_OFF])


def lateness(judged: Sequence[JudgedInvoice], on_time_days: int) -> Lateness:
    """The figures of a set of judged invoices: how many, how many on time, and the days
    late weighted by amount (``Σ amount × days ÷ Σ amount``, to a tenth of a day)."""
    if not judged:
        return Lateness(0, 0, None, None, None, 0)
    # Lists and map(), not generators: the lists of every customer go through here.
    amounts = [j.amount_minor for j in judged]
    days = [j.days_late for j in judged]
    weighted = Decimal(sum(map(mul, amounts, days))) / Decimal(sum(amounts))
    return Lateness(
        judged=len(judged), on_time=len([d for d in days if d <= on_time_days]),
        days_late=weighted.quantize(_TENTH, rounding=ROUND_HALF_UP),
        least_days_late=min(days), most_days_late=max(days),
        still_open=len([j for j in judged if j.paid_on is None]))


# --- reading the store ---------------------------------------------------------------
# Rows are read as the store hands them and each day parsed once: a busy customer's
# profile reads thousands of rows, and peewee's conversion of each cost more than the
# rest of the work (see docs/performance.md).

def _raw(query: pw.Query) -> list[tuple[Any, ...]]:
    return list(database.execute_sql(*query.sql()))


@lru_cache(maxsize=8192)
def _day(value: object) -> dt.date:
    """A stored day (or the day of a stored moment) as a date."""
    if isinstance(value, dt.datetime):  # a moment, as a server hands it back
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


class _Invoice(NamedTuple):
    id: int
    due_date: dt.date
    amount_minor: int
    currency: str
    status: str


def _invoices(customer_ids: Sequence[int], as_of: dt.date) -> dict[int, list[_Invoice]]:
    """Each customer's invoices issued by ``as_of``, in due-date order (the order of the
    store's index on customer and due date, so the store does not sort)."""
    rows = (Invoice.select(Invoice.customer, Invoice.id, Invoice.due_date,
                           Invoice.amount_minor, Invoice.currency, Invoice.status)
            .where(Invoice.customer.in_(customer_ids) & (Invoice.issue_date <= as_of)
                   & (Invoice.status != InvoiceStatus.VOID))
            .order_by(Invoice.customer, Invoice.due_date, Invoice.id))
    return {customer_id: [_Invoice(invoice_id, _day(due), amount, currency, status)
                          for _customer, invoice_id, due, amount, currency, status in rows]
            for customer_id, rows in groupby(_raw(rows), itemgetter(0))}


class _Paid:
    """What was allocated to each invoice up to the as-of day.

    The allocations to an invoice never add up to more than its amount (its kept open
    amount cannot go below 0, a CHECK in the schema, and ``check`` proves it is the
    amount less the allocations), and each is more than 0: so an invoice is settled on
    the day of the last allocation that brings them to its amount. Most invoices are
    paid by one allocation; the day by day parts are kept only for the others.
    """

    __slots__ = ("totals", "parts")

    def __init__(self) -> None:
        # By invoice: the day of the latest allocation, the total, and whether a payment
        # (not only credit notes) took part.
        self.totals: dict[int, tuple[dt.date, int, bool]] = {}
        self.parts: dict[int, list[tuple[dt.date, int]]] = {}  # with two or more

    def add(self, invoice_id: int, day: dt.date, amount: int, by_payment: bool) -> None:
        """Count one allocation."""
        totals = self.totals
        held = totals.get(invoice_id)
        if held is None:
            totals[invoice_id] = (day, amount, by_payment)
            return
        last, total, paid_by_payment = held
        parts = self.parts.get(invoice_id)
        if parts is None:
            parts = self.parts[invoice_id] = [(last, total)]
        parts.append((day, amount))
        totals[invoice_id] = (max(last, day), total + amount, paid_by_payment or by_payment)

    def settled(self, invoices: Iterable[_Invoice]) -> dict[int, dt.date | None]:
        """By invoice, the day it was paid in full, or None while something is open."""
        get = self.totals.get
        settled: dict[int, dt.date | None] = {}
        for invoice in invoices:
            held = get(invoice.id)
            settled[invoice.id] = None if held is None or held[1] < invoice.amount_minor \
                else held[0]
        return settled

    def by_payment(self, invoice_id: int) -> bool:
        """Whether a payment (not only credit notes) took part."""
        held = self.totals.get(invoice_id)
        return held is not None and held[2]

    def allocated_by(self, invoice_id: int, day: dt.date) -> int:
        """What was allocated to the invoice up to ``day``."""
        parts = self.parts.get(invoice_id)
        if parts is not None:
            return sum(amount for on, amount in parts if on <= day)
        held = self.totals.get(invoice_id)
        return held[1] if held is not None and held[0] <= day else 0


def _paid(customer_ids: Sequence[int], as_of: dt.date) -> _Paid:
    """What was allocated to each of the customers' invoices up to ``as_of``."""
    rows = (Allocation.select(Allocation.invoice, Allocation.allocated_on,
                              Allocation.amount_minor, Allocation.payment.is_null(False))
            .join(Invoice, on=(Allocation.invoice == Invoice.id))
            .where(Invoice.customer.in_(customer_ids) & ~Allocation.voided
                   & (Allocation.allocated_on <= as_of)))
    paid = _Paid()
    totals, add = paid.totals, paid.add
    for invoice_id, on, amount, by_payment in _raw(rows):
        if invoice_id in totals:
            add(invoice_id, _day(on), amount, bool(by_payment))
        else:  # the usual case, inline: a million rows on a big store
            totals[invoice_id] = (_day(on), amount, bool(by_payment))
    return paid


def _judged(invoices: Iterable[_Invoice], paid: _Paid,
            settled: dict[int, dt.date | None], as_of: dt.date,
            on_time_days: int) -> list[JudgedInvoice]:
    """The invoices whose lateness is known (see the module's text), in the invoices'
    order: by due date (as :func:`_invoices` reads them)."""
    judged = []
    by_payment = paid.by_payment
    for invoice in invoices:
        if invoice.status in _LEFT_OUT:
            continue
        paid_on = settled[invoice.id]
        if paid_on is not None:
            if not by_payment(invoice.id):
                continue
            days = (paid_on - invoice.due_date).days
            if days < 0:
                days = 0
        else:
            days = (as_of - invoice.due_date).days
            if days <= on_time_days:
                continue
        judged.append(JudgedInvoice(invoice.id, invoice.due_date, invoice.amount_minor, days,
                                    paid_on))
    return judged


def _overdue(invoices: Iterable[_Invoice], paid: _Paid,
             settled: dict[int, dt.date | None], day: dt.date) -> int:
    """What was overdue on ``day`` of these invoices (written-off ones left out)."""
    total = 0
    for invoice in invoices:
        paid_on = settled[invoice.id]
        if (paid_on is not None and paid_on <= day) or invoice.due_date >= day \
                or invoice.status in _LEFT_OUT:
            continue
        total += max(invoice.amount_minor - paid.allocated_by(invoice.id, day), 0)
    return total


def _payment_days(customer_ids: Sequence[int], as_of: dt.date) -> dict[int, list[dt.date]]:
    rows = (Payment.select(Payment.customer, Payment.received_on)
            .where(Payment.customer.in_(customer_ids) & ~Payment.voided
                   & (Payment.received_on <= as_of))
            .order_by(Payment.received_on))
    days: dict[int, list[dt.date]] = defaultdict(list)
    for customer_id, day in _raw(rows):
        days[customer_id].append(_day(day))
    return days


class _Contact(NamedTuple):
    day: dt.date
    kind: str
    outgoing: bool
    chasing: bool


def _contacts(customer_ids: Sequence[int], as_of: dt.date) -> dict[int, list[_Contact]]:
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    rows = (Interaction.select(Interaction.customer, Interaction.occurred_at,
                               Interaction.kind, Interaction.direction, Interaction.purpose)
            .where(Interaction.customer.in_(customer_ids) & (Interaction.occurred_at < until)
                   & (Interaction.kind != ContactKind.NOTE))
            .order_by(Interaction.occurred_at))
    contacts: dict[int, list[_Contact]] = defaultdict(list)
    outgoing = str(Direction.OUTGOING)
    for customer_id, at, kind, direction, purpose in _raw(rows):
        contacts[customer_id].append(_Contact(_day(at), kind, direction == outgoing,
                                              purpose in _CHASING))
    return contacts


Dated = dict[int, list[tuple[str, dt.date | None]]]


def _promises(customer_ids: Sequence[int], as_of: dt.date) -> Dated:
    """Each promise made by ``as_of``: its status then, and the day it was settled."""
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    rows = (Promise.select(Promise.customer, Promise.status, Promise.resolved_on)
            .where(Promise.customer.in_(customer_ids) & (Promise.created_at < until)))
    promises: Dated = defaultdict(list)
    for customer_id, status, resolved_on in _raw(rows):
        if status == PromiseStatus.CANCELLED:
            continue
        resolved = None if resolved_on is None else _day(resolved_on)
        promises[customer_id].append(
            (status if resolved is not None and resolved <= as_of else PromiseStatus.OPEN,
             resolved))
    return promises


def _plans(customer_ids: Sequence[int], as_of: dt.date) -> Dated:
    """Each plan agreed by ``as_of``: its status then, and the day it ended."""
    rows = (PaymentPlan.select(PaymentPlan.customer, PaymentPlan.status, PaymentPlan.ended_on)
            .where(PaymentPlan.customer.in_(customer_ids) & (PaymentPlan.agreed_on <= as_of)))
    plans: Dated = defaultdict(list)
    for customer_id, status, ended_on in _raw(rows):
        ended = None if ended_on is None else _day(ended_on)
        plans[customer_id].append(
            (status if ended is None or ended <= as_of else PlanStatus.ACTIVE, ended))
    return plans


def _disputes(customer_ids: Sequence[int]) -> dict[int, int]:
    """The customers' invoices ever put in dispute, by customer (the audit log keeps each
    one, dated by the computer's clock, so not bounded by the as-of day)."""
    rows = (AuditEntry.select(Invoice.customer, fn.COUNT(AuditEntry.row_id.distinct()))
            .join(Invoice, on=(AuditEntry.row_id == Invoice.id))
            .where((AuditEntry.table == "invoice") & Invoice.customer.in_(customer_ids)
                   & (AuditEntry.action == "dispute invoice"))
            .group_by(Invoice.customer))
    return {customer_id: int(count) for customer_id, count in _raw(rows)}


def _median(days: list[int]) -> int | None:
    return round(statistics.median(days)) if days else None


def _stage_days(customer_ids: Sequence[int],
                as_of: dt.date) -> dict[int, list[tuple[str, int, dt.date]]]:
    """Each stage that reached each customer, and the day (once a day, however many
    invoices it was for)."""
    rows = (StageExecution.select(Invoice.customer, FollowUpStage.name, FollowUpStage.position,
                                  StageExecution.executed_on)
            .join(Invoice, on=(StageExecution.invoice == Invoice.id))
            .switch(StageExecution)
            .join(FollowUpStage, on=(StageExecution.stage == FollowUpStage.id))
            .where(Invoice.customer.in_(customer_ids) & (StageExecution.executed_on <= as_of)
                   & StageExecution.interaction.is_null(False))
            .distinct())
    stages: dict[int, list[tuple[str, int, dt.date]]] = defaultdict(list)
    for customer_id, name, position, executed_on in _raw(rows):
        stages[customer_id].append((name, position, _day(executed_on)))
    return stages


def _stages(stage_days: Sequence[tuple[str, int, dt.date]],
            payments: Sequence[dt.date]) -> tuple[StageResponse, ...]:
    """Each stage that reached the customer and the days to the payment that followed."""
    days: dict[tuple[int, str], list[int | None]] = defaultdict(list)
    for name, position, executed_on in stage_days:
        days[(position, name)].append(_next_payment(payments, executed_on))
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
