"""What works: how much of the chased amount was paid after each kind of reminder, set
against comparable accounts that were not chased then, so a figure says what the
reminder added and not only what would have happened anyway (issue 18).

The method, in the words the window shows (:data:`METHOD`; ``docs/decisions.md`` has
the reasons and the limits):

* a *case* is a chasing contact the business made (a call, e-mail, letter, text or
  meeting; a follow-up stage's, or one logged by hand) at least 30 days before the
  as-of day, so each of its windows is complete;
* its *chased amount* is what was still open, on the contact's day, of the overdue
  invoices it was about (of all of them when none was overdue yet: a courtesy
  reminder), or of the customer's overdue invoices when it named none;
* *paid within N days* is the share of the chased amount allocated on the contact's
  day or in the N days after (:mod:`models.paid_after`), for N = 7, 14 and 30, summed
  over the cases (``Σ paid ÷ Σ chased``, minor units as they are);
* *days to payment* is how long until the chased amount was paid in full; the median
  is over all cases, those not paid in full within 30 days counting as later (so it
  is "over 30" when fewer than half were);
* the *baseline* is account-days of a deterministic sample of customers (every k-th
  by id, at most :data:`BASELINE_CUSTOMERS`), every 7th day counted back from 30 days
  before the as-of day, on which the customer owed something overdue and had no
  chasing contact in the 14 days up to and including that day. Each is put in the
  aging bucket of its oldest overdue invoice (1–30, 31–60, 61–90, over 90 days) and
  measured like a case, its overdue balance standing for the chased amount;
* a row's baseline is the baseline of each class and bucket (the class's own
  account-days; all customers' where the class has none in that bucket, or when the
  caller gives no classes) weighted by the row's chased amount in it, and the *uplift*
  is the row's share less that baseline, in percentage points, over the row's overdue
  cases (reminders sent before the due date have no baseline). Comparing within each
  class keeps the plainest confounder out of all customers' figures: reminders go
  mostly to the customers who pay late anyway, so set against every customer's quiet
  days they would seem to slow payment down (Simpson's paradox);
* template A against template B at the same stage (the stage's name, across
  policies) is a two-proportion z-test on the cases paid in full within 14 days, at
  95% (|z| > 1.96); with fewer than 30 cases on either side it says "not enough
  cases yet", and so does a row of the table.

A contact's stage is the one it carried out (recorded with it, or by the invoices it
reached) and its tone that stage's as it is now. Its template is the one its letter or
e-mail was written from, as recorded with it (since schema v19, by name: see
``models.schema.Interaction.template_name``); a letter or e-mail recorded before then
counts under the template its stage sends now, which may not be the one it sent then
(:attr:`WhatWorks.assumed_templates` says how many did).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import peewee as pw

from models.accounts import aging_bucket, bucket_labels
from models.customer_profile import CHANNELS
from models.dates import stored_day
from models.kinds import (
    ContactKind,
    ContactPurpose,
    CustomerClass,
    Direction,
    InvoiceStatus,
    ReminderAspect,
    Tone,
)
from models.paid_after import first_on_or_after
from models.schema import (
    Allocation,
    Customer,
    FollowUpStage,
    Interaction,
    InteractionInvoice,
    Invoice,
    LetterTemplate,
    StageExecution,
    database,
)

Progress = Callable[[int, int], None]

WINDOWS = (7, 14, 30)  # days after the contact
TEST_WINDOW = 14  # the A/B test's "paid in full within 14 days"
MIN_CASES = 30  # on each side of a comparison, and in a row, before it says anything
QUIET_DAYS = 14  # a baseline account had no chasing contact in this many days
GRID_DAYS = 7  # a baseline account-day every this many days
BASELINE_CUSTOMERS = 400  # the baseline samples at most this many customers
Z_95 = 1.96  # two-sided, 95%
NOT_ENOUGH = "not enough cases yet"
OVERDUE_BUCKETS = (1, 2, 3, 4)  # 1–30, 31–60, 61–90, over 90 days (models.accounts)
_LAST = WINDOWS[-1]
_LATER = _LAST + 1  # "not paid in full within 30 days"
_LEFT_OUT = (InvoiceStatus.VOID, InvoiceStatus.WRITTEN_OFF)
_TENTH = Decimal("0.1")

METHOD = (
    "Each reminder (a call, e-mail, letter or text that chased the debt, made at least "
    "30 days ago) is a case. Its chased amount is what was still open, on its day, of "
    "the overdue invoices it was about. Paid within 7, 14 and 30 days is the share of "
    "the chased amount paid from that day on. Median days is how long until half the "
    "cases were paid in full (over 30: fewer than half were within 30 days).\n"
    "Baseline: comparable accounts that were not chased then: on a sample of days, "
    "customers of the same class with an overdue balance and no reminder in the 14 days "
    "before, in the same bucket of days overdue (1–30, 31–60, 61–90, over 90), weighted "
    "like the row (all customers' accounts where a class has none in a bucket). "
    "Uplift is the row's share less the baseline, in percentage points: what the "
    "reminder added.\n"
    "Template A against B at the same stage: the templates the letters and e-mails were "
    "actually written from, compared by a two-proportion z-test on the cases paid "
    "in full within 14 days, at 95%. Below 30 cases on a side (or in a row): not "
    "enough cases yet. Letters and e-mails sent before Duly kept their template count "
    "under the template their stage sends now.\n"
    "Limits: who gets which reminder is not random (harsher stages go to later payers, "
    "each policy to its own customers); comparing within each class takes out the "
    "plainest part of that, not all, so a difference may come from the customers and "
    "not the reminder; a later reminder in the window counts for the earlier one; "
    "the baseline's accounts may be chased later in their window; the tone is the "
    "stage's as it is now; the class is each customer's today.")


# --- the answer -------------------------------------------------------------------------

@dataclass(frozen=True)
class WhatWorksRow:
    """How much of the chased amount was paid after one stage, channel, tone or template,
    for all customers (``customer_class`` None) or one class."""

    customer_class: CustomerClass | None
    aspect: ReminderAspect
    value: str  # the stage's name, the channel's word, the tone, the template's name
    cases: int
    chased_minor: int  # summed over currencies in minor units, as the shares are
    paid_percent: tuple[Decimal | None, ...]  # within 7, 14 and 30 days
    settled_within_14: int  # cases paid in full within 14 days
    median_days: int | None  # to payment in full; None: over 30
    baseline_percent: tuple[Decimal | None, ...]  # the comparable accounts', 7/14/30
    uplift_points: tuple[Decimal | None, ...]  # the row's overdue share less the baseline

    @property
    def enough(self) -> bool:
        """Whether the row rests on enough cases to say anything."""
        return self.cases >= MIN_CASES


@dataclass(frozen=True)
class TemplateComparison:
    """Template A against template B at the same stage: paid in full within 14 days."""

    customer_class: CustomerClass | None
    stage: str
    template_a: str
    template_b: str
    cases_a: int
    cases_b: int
    settled_a: int  # cases paid in full within 14 days
    settled_b: int
    z: float | None  # None: not enough cases, or no spread to test
    verdict: str  # in words: which did better and whether it is more than noise

    @property
    def percent_a(self) -> Decimal | None:
        """A's cases paid in full within 14 days, in percent."""
        return _percent(self.settled_a, self.cases_a)

    @property
    def percent_b(self) -> Decimal | None:
        """B's cases paid in full within 14 days, in percent."""
        return _percent(self.settled_b, self.cases_b)

    @property
    def difference_points(self) -> Decimal | None:
        """A's share less B's, in percentage points."""
        a, b = self.percent_a, self.percent_b
        return None if a is None or b is None else a - b

    @property
    def enough(self) -> bool:
        """Whether each side has the cases a test needs."""
        return min(self.cases_a, self.cases_b) >= MIN_CASES

    @property
    def significant(self) -> bool:
        """Whether the difference is more than noise at 95%."""
        return self.z is not None and abs(self.z) > Z_95


@dataclass(frozen=True)
class BaselineBucket:
    """The comparable accounts of one bucket of days overdue, not chased then."""

    customer_class: CustomerClass | None
    bucket: int  # models.accounts.aging_bucket: 1–30, 31–60, 61–90, over 90
    label: str
    account_days: int
    paid_percent: tuple[Decimal | None, ...]  # within 7, 14 and 30 days


@dataclass(frozen=True)
class WhatWorks:
    """The what-works table as of a day, for all customers and for each class."""

    as_of: dt.date
    rows: tuple[WhatWorksRow, ...]
    comparisons: tuple[TemplateComparison, ...]
    baseline: tuple[BaselineBucket, ...]
    classes: tuple[CustomerClass, ...]  # the classes the cases' customers fall in
    baseline_customers: int  # how many customers the baseline sampled
    # Letters and e-mails recorded before their template was kept, counted under the
    # template their stage sends now.
    assumed_templates: int = 0
    method: str = METHOD

    def rows_for(self, customer_class: CustomerClass | None) -> list[WhatWorksRow]:
        """The rows of all customers (None) or of one class."""
        return [r for r in self.rows if r.customer_class == customer_class]

    def comparisons_for(self, customer_class: CustomerClass | None
                        ) -> list[TemplateComparison]:
        """The template comparisons of all customers (None) or of one class."""
        return [c for c in self.comparisons if c.customer_class == customer_class]

    def all_customers(self) -> WhatWorks:
        """The same answer for all customers alone, without each class's tables."""
        return replace(self, rows=tuple(self.rows_for(None)),
                       comparisons=tuple(self.comparisons_for(None)),
                       baseline=tuple(b for b in self.baseline if b.customer_class is None),
                       classes=())


def class_of(classes: Mapping[int, CustomerClass] | None,
             customer_id: int) -> CustomerClass | None:
    """The class the caller's mapping gives a customer (None: not classed)."""
    return None if classes is None else classes.get(customer_id)


def compare_templates(cases_a: int, settled_a: int, cases_b: int,
                      settled_b: int) -> tuple[float | None, str]:
    """The two-proportion z-test of A's share of cases paid in full within 14 days
    against B's, and the verdict in words ("not enough cases yet" below 30 a side)."""
    if min(cases_a, cases_b) < MIN_CASES:
        return None, NOT_ENOUGH
    pooled = (settled_a + settled_b) / (cases_a + cases_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / cases_a + 1 / cases_b))
    if spread == 0:
        return None, "no difference"
    z = (settled_a / cases_a - settled_b / cases_b) / spread
    if abs(z) <= Z_95:
        return round(z, 2), "no difference beyond noise"
    return round(z, 2), ("A works better" if z > 0 else "B works better")


@dataclass(frozen=True)
class Lesson:
    """What worked better with one class of customers: one kind of reminder against the
    one most often used instead, each on enough cases and the difference more than
    noise (:func:`lesson_for`)."""

    customer_class: CustomerClass
    aspect: ReminderAspect  # CHANNEL, or STAGE when fewer than two channels say anything
    better: WhatWorksRow
    against: WhatWorksRow
    z: float


def lesson_for(answer: WhatWorks, customer_class: CustomerClass) -> Lesson | None:
    """What has worked with customers of ``customer_class``: of the kinds of contact (or,
    failing two of them on enough cases, of the stages) each on at least
    :data:`MIN_CASES` cases, the one with the largest share paid within 14 days against
    the one used most often besides it, when the cases paid in full within 14 days
    differ by more than noise (:func:`compare_templates`' test) the same way; None when
    nothing can be said."""
    rows = answer.rows_for(customer_class)
    for aspect in (ReminderAspect.CHANNEL, ReminderAspect.STAGE):
        told = [r for r in rows if r.aspect == aspect and r.enough]
        if len(told) < 2:
            continue
        better = max(told, key=lambda r: (_within_14(r), r.cases))
        against = max((r for r in told if r is not better), key=lambda r: r.cases)
        z, _verdict = compare_templates(better.cases, better.settled_within_14,
                                        against.cases, against.settled_within_14)
        if z is not None and z > Z_95 and _within_14(better) > _within_14(against):
            return Lesson(customer_class, aspect, better, against, z)
    return None


def _within_14(row: WhatWorksRow) -> Decimal:
    share = row.paid_percent[WINDOWS.index(TEST_WINDOW)]
    return share if share is not None else Decimal(-1)


def what_works(as_of: dt.date, classes: Mapping[int, CustomerClass] | None = None, *,
               progress: Progress | None = None) -> WhatWorks:
    """The what-works table as of ``as_of`` (see the module's text): every stage,
    channel, tone and template with what was paid after it against the baseline, and
    the template comparisons; for all customers and, given ``classes`` (customer id to
    class), for each class. ``progress(done, total)`` is told how far it is and may
    raise to stop the work (nothing is written, so nothing is left half done)."""
    tell = progress or (lambda _done, _total: None)
    tell(0, 100)
    cutoff = as_of.toordinal() - _LAST
    stages = _stages()
    stage_of = _executed_stages(stages, cutoff)
    tell(5, 100)
    links = _links()
    tell(25, 100)
    paid = _paid(Allocation.invoice.in_(InteractionInvoice.select(InteractionInvoice.invoice)),
                 as_of)
    tell(40, 100)
    sampled = _sample([cid for (cid,) in Customer.select(Customer.id).tuples()])
    quiet: dict[int, list[int]] = defaultdict(list)  # the sampled customers' contact days
    # contacts naming no invoice: id, customer, day, kind, stage, template
    unnamed: list[tuple[int, int, int, str, int | None, str | None]] = []
    tally = _Tally()
    cases = tally.cases
    chase = str(ContactPurpose.CHASE)
    expected = max(len(links), 1)
    # The contacts are read once, as the store hands them (a few hundred thousand rows).
    for n, (contact_id, customer_id, at, kind, stage_id, purpose, template) in enumerate(
            _raw(_contacts(cutoff))):
        day = _day[str(at)[:10]]  # a moment's day: its first ten characters, parsed once
        if customer_id in sampled:
            quiet[customer_id].append(day)
        if n % 20_000 == 0:
            tell(min(40 + 40 * n // expected, 80), 100)
        if purpose != chase:
            continue
        invoices = links.get(contact_id)
        if invoices is None:
            unnamed.append((contact_id, customer_id, day, kind, stage_id, template))
            continue
        outcome = _outcome(invoices, day, paid)
        if outcome is None:
            continue
        if stage_id not in stages:
            stage_id = stage_of.get(contact_id)
        key = (class_of(classes, customer_id), stage_id, kind, outcome[0], template)
        sums = cases.get(key)
        if sums is None:
            sums = cases[key] = _Sums()
        sums.add(outcome)
    tell(80, 100)
    owing = _customer_invoices(sampled | {u[1] for u in unnamed}, as_of, paid)
    for contact_id, customer_id, day, kind, stage_id, template in unnamed:
        outcome = _outcome(owing.get(customer_id, []), day, paid)
        if outcome is not None:
            if stage_id not in stages:
                stage_id = stage_of.get(contact_id)
            key = (class_of(classes, customer_id), stage_id, kind, outcome[0], template)
            cases.setdefault(key, _Sums()).add(outcome)
    for made in quiet.values():
        made.sort()
    tell(85, 100)
    grid = _grid(cutoff, owing, sampled)
    for customer_id in sorted(sampled):
        scope = class_of(classes, customer_id)
        for day, outcome in _account_days(owing.get(customer_id, []), grid, paid).items():
            if not _contacted(quiet.get(customer_id, ()), day):
                tally.add_baseline(scope, outcome)
    tell(95, 100)
    answer = tally.answer(as_of, stages, len(sampled))
    tell(100, 100)
    return answer


# --- reading the store ------------------------------------------------------------------
# Rows as the store hands them and each day turned into an ordinal once (see
# models.customer_profile: peewee's conversion of each row would cost more than the rest).

def _raw(query: pw.Query) -> Iterable[tuple[Any, ...]]:
    return database.execute_sql(*query.sql())


class _Days(dict[object, int]):
    """A stored day (or the day of a stored moment) as an ordinal, each text parsed once."""

    def __missing__(self, value: object) -> int:
        day = stored_day(value)
        self[value] = ordinal = day.toordinal()
        return ordinal


_day = _Days()


def _stages() -> dict[int, tuple[str, int, str, str | None]]:
    rows = (FollowUpStage.select(FollowUpStage.id, FollowUpStage.name, FollowUpStage.position,
                                 FollowUpStage.tone, LetterTemplate.name)
            .join(LetterTemplate, pw.JOIN.LEFT_OUTER,
                  on=(FollowUpStage.template == LetterTemplate.id)))
    return {sid: (name, position, tone, template) for sid, name, position, tone, template
            in _raw(rows)}


def _until(cutoff: int) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromordinal(cutoff + 1), dt.time())


def _contact_filter(cutoff: int) -> pw.Expression:
    return ((Interaction.direction == Direction.OUTGOING)
            & Interaction.kind.in_([str(k) for k in CHANNELS])
            & Interaction.purpose.in_([ContactPurpose.CHASE, ContactPurpose.PLAN])
            & (Interaction.occurred_at < _until(cutoff)))


def _contacts(cutoff: int) -> pw.Query:
    """Every chasing contact up to the cutoff: id, customer, when, kind, stage, purpose
    and the template it was written from (None: recorded before that was kept)."""
    return (Interaction.select(Interaction.id, Interaction.customer, Interaction.occurred_at,
                               Interaction.kind, Interaction.stage, Interaction.purpose,
                               Interaction.template_name)
            .where(_contact_filter(cutoff)))


def _executed_stages(stages: Mapping[int, tuple[str, int, str, str | None]],
                     cutoff: int) -> dict[int, int]:
    """The stage each contact carried out, by the invoices it reached (the furthest)."""
    rows = (StageExecution.select(StageExecution.interaction, StageExecution.stage)
            .where(StageExecution.interaction.is_null(False)
                   & (StageExecution.executed_on <= dt.date.fromordinal(cutoff))))
    found: dict[int, int] = {}
    for contact_id, stage_id in _raw(rows):
        held = found.get(contact_id)
        if stage_id in stages and (held is None or stages[stage_id][1] > stages[held][1]):
            found[contact_id] = stage_id
    return found


def _links() -> dict[int, list[tuple[int, int, int]]]:
    """The invoices each contact named: contact id to (invoice, due day, amount)."""
    rows = (InteractionInvoice.select(InteractionInvoice.interaction, Invoice.id,
                                      Invoice.due_date, Invoice.amount_minor)
            .join(Invoice, on=(InteractionInvoice.invoice == Invoice.id))
            .where(Invoice.status.not_in(_LEFT_OUT)))
    links: dict[int, list[tuple[int, int, int]]] = {}
    for contact_id, invoice_id, due, amount in _raw(rows):
        named = links.get(contact_id)
        if named is None:
            links[contact_id] = [(invoice_id, _day[due], amount)]
        else:
            named.append((invoice_id, _day[due], amount))
    return links


class _Paid:
    """What was allocated to each invoice, day by day: one flat list of days (ordinals)
    and one of the running total within each invoice, and where each invoice's part
    starts and ends (a few hundred thousand invoices: no object or list each)."""

    __slots__ = ("days", "running", "span")

    def __init__(self) -> None:
        self.days: list[int] = []
        self.running: list[int] = []
        self.span: dict[int, tuple[int, int]] = {}

    def settled(self, invoice_id: int, amount: int) -> int | None:
        """The day the allocations to the invoice reached ``amount``, if they did."""
        span = self.span.get(invoice_id)
        if span is None or self.running[span[1] - 1] < amount:
            return None
        return self.days[bisect.bisect_left(self.running, amount, span[0], span[1])]


def _paid(where: pw.Expression, as_of: dt.date, paid: _Paid | None = None) -> _Paid:
    """The allocations to the invoices ``where`` picks, added to ``paid``."""
    paid = _Paid() if paid is None else paid
    rows = (Allocation.select(Allocation.invoice, Allocation.allocated_on,
                              Allocation.amount_minor)
            .where(~Allocation.voided & (Allocation.allocated_on <= as_of) & where))
    found = [(invoice_id, _day[on], amount) for invoice_id, on, amount in _raw(rows)]
    found.sort()  # by invoice, then day (the store hands them nearly so)
    days, running, span = paid.days, paid.running, paid.span
    current, start, total = None, len(days), 0
    for invoice_id, day, amount in found:
        if invoice_id != current:
            if current is not None:
                span[current] = (start, len(days))
            current, start, total = invoice_id, len(days), 0
        total += amount
        days.append(day)
        running.append(total)
    if current is not None:
        span[current] = (start, len(days))
    return paid


def _sample(customer_ids: list[int]) -> set[int]:
    """Every k-th customer by id, at most :data:`BASELINE_CUSTOMERS` of them."""
    customer_ids.sort()
    step = max(1, math.ceil(len(customer_ids) / BASELINE_CUSTOMERS))
    return set(customer_ids[::step])


def _customer_invoices(customer_ids: set[int], as_of: dt.date,
                       paid: _Paid) -> dict[int, list[tuple[int, int, int]]]:
    """The invoices of these customers (customer to (invoice, due, amount)), their
    allocations added to ``paid``."""
    if not customer_ids:
        return {}
    ids = sorted(customer_ids)
    owing: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for start in range(0, len(ids), 500):  # bounded lists of parameters
        chunk = ids[start:start + 500]
        chosen = (Invoice.select(Invoice.id)
                  .where(Invoice.customer.in_(chunk) & Invoice.status.not_in(_LEFT_OUT)
                         & (Invoice.issue_date <= as_of)))
        rows = chosen.select(Invoice.id, Invoice.customer, Invoice.due_date,
                             Invoice.amount_minor)
        for invoice_id, customer_id, due, amount in _raw(rows):
            owing[customer_id].append((invoice_id, _day[due], amount))
        _paid(Allocation.invoice.in_(chosen.select(Invoice.id))
              & Allocation.invoice.not_in(InteractionInvoice.select(InteractionInvoice.invoice)),
              as_of, paid)
    return owing


def _contacted(days: list[int] | tuple[()], day: int) -> bool:
    """Whether a chasing contact was made in the quiet days up to and including ``day``."""
    index = bisect.bisect_right(days, day)
    return bool(index) and days[index - 1] > day - QUIET_DAYS


# --- measuring ------------------------------------------------------------------------

# What was chased on a day and what of it followed: the aging bucket of the oldest chased
# invoice, the chased amount, the amounts paid within each of WINDOWS, and the days to
# payment in full (_LATER when not within 30). A plain tuple: there are 300 000 of them.
_Outcome = tuple[int, int, int, int, int, int]
_BUCKETS: dict[int, int] = {}


def _bucket(days_overdue: int) -> int:
    bucket = _BUCKETS.get(days_overdue)
    if bucket is None:
        bucket = _BUCKETS[days_overdue] = aging_bucket(days_overdue)
    return bucket


def _outcome(invoices: list[tuple[int, int, int]], day: int,
             paid: _Paid) -> _Outcome | None:
    """What a contact on ``day`` chased of these invoices and what followed; None when
    nothing of them was open."""
    if len(invoices) == 1:  # most contacts name one invoice: the same, done directly
        return _one_outcome(invoices[0], day, paid)
    # due, left, allocated before, where the allocations after start and end
    open_: list[tuple[int, int, int, int, int]] = []
    for invoice_id, due, amount in invoices:
        span = paid.span.get(invoice_id)
        if span is None:
            open_.append((due, amount, 0, 0, 0))
            continue
        start, end = span
        index = first_on_or_after(paid.days, day, start, end)
        base = paid.running[index - 1] if index > start else 0
        if amount > base:
            open_.append((due, amount - base, base, index, end))
    if not open_:
        return None
    open_ = [o for o in open_ if o[0] < day] or open_
    chased = week = fortnight = month = settled_after = 0
    oldest = open_[0][0]
    for due, left, base, index, end in open_:
        oldest = min(oldest, due)
        chased += left
        got, settled = _followed(paid, index, end, day, left, base)
        week, fortnight, month = week + got[0], fortnight + got[1], month + got[2]
        settled_after = max(settled_after, settled)
    return (_bucket(day - oldest), chased, week, fortnight, month, settled_after)


def _one_outcome(invoice: tuple[int, int, int], day: int, paid: _Paid) -> _Outcome | None:
    invoice_id, due, amount = invoice
    bucket = _BUCKETS.get(day - due)
    if bucket is None:
        bucket = _bucket(day - due)
    span = paid.span.get(invoice_id)
    if span is None:
        return (bucket, amount, 0, 0, 0, _LATER)
    start, end = span
    days = paid.days
    index = first_on_or_after(days, day, start, end)
    base = paid.running[index - 1] if index > start else 0
    left = amount - base
    if left <= 0:
        return None
    if index == end or days[index] - day > _LAST:  # nothing paid within 30 days
        return (bucket, left, 0, 0, 0, _LATER)
    (week, fortnight, month), settled = _followed(paid, index, end, day, left, base)
    return (bucket, left, week, fortnight, month, settled)


def _followed(paid: _Paid, index: int, end: int, day: int, left: int,
              base: int) -> tuple[tuple[int, int, int], int]:
    """What of ``left`` was allocated in each window after ``day`` (the invoice's
    allocations from ``index`` to ``end``; ``base`` allocated before), and the days until
    all of it was (_LATER: not within 30)."""
    # Days after and "within" as models.paid_after counts them (from the contact's own
    # day, which is 0), written out here: this runs for every allocation of every case.
    days, running = paid.days, paid.running
    week = fortnight = month = 0
    settled = _LATER
    for position in range(index, end):
        after = days[position] - day  # >= 0: index is the first on or after the day
        if after > _LAST:
            break
        month = min(running[position] - base, left)
        if after <= WINDOWS[1]:
            fortnight = month
            if after <= WINDOWS[0]:
                week = month
        if month >= left and settled == _LATER:
            settled = after
    return (week, fortnight, month), settled


def _grid(cutoff: int, owing: Mapping[int, list[tuple[int, int, int]]],
          sampled: set[int]) -> list[int]:
    """The baseline's days: every 7th day back from the cutoff to the first due date."""
    first = min((due for cid in sampled for _i, due, _a in owing.get(cid, [])), default=cutoff)
    return list(range(cutoff - ((cutoff - first) // GRID_DAYS) * GRID_DAYS, cutoff + 1,
                      GRID_DAYS))


def _account_days(invoices: list[tuple[int, int, int]], grid: list[int],
                  paid: _Paid) -> dict[int, _Outcome]:
    """A customer's overdue balance on each grid day it had one, measured like a case."""
    if not grid:
        return {}
    by_day: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for invoice in invoices:
        invoice_id, due, amount = invoice
        settled = paid.settled(invoice_id, amount)
        last = grid[-1] if settled is None else min(settled, grid[-1])
        for day in grid[bisect.bisect_right(grid, due):bisect.bisect_right(grid, last)]:
            by_day[day].append(invoice)
    days = {}
    for day, overdue in by_day.items():
        outcome = _outcome(overdue, day, paid)
        if outcome is not None:
            days[day] = outcome
    return days


# --- adding up ------------------------------------------------------------------------

class _Sums:
    """Cases (or account-days) added up: how many, chased, paid in each window, and how
    many were paid in full after each number of days (the last: not within 30)."""

    __slots__ = ("cases", "chased", "paid", "settled")

    def __init__(self) -> None:
        self.cases = 0
        self.chased = 0
        self.paid = [0] * len(WINDOWS)
        self.settled = [0] * (_LATER + 1)

    def add(self, outcome: _Outcome) -> None:
        _bucket, chased, week, fortnight, month, settled_after = outcome
        self.cases += 1
        self.chased += chased
        paid = self.paid
        paid[0] += week
        paid[1] += fortnight
        paid[2] += month
        self.settled[settled_after] += 1

    def merge(self, other: _Sums) -> None:
        self.cases += other.cases
        self.chased += other.chased
        for n, amount in enumerate(other.paid):
            self.paid[n] += amount
        for n, count in enumerate(other.settled):
            self.settled[n] += count

    def settled_within(self, days: int) -> int:
        return sum(self.settled[:days + 1])

    def percents(self) -> tuple[Decimal | None, ...]:
        return tuple(_percent(amount, self.chased) for amount in self.paid)

    def median_days(self) -> int | None:
        """The median days to payment in full; None when that is over 30."""
        middle, seen = (self.cases - 1) // 2, 0
        for days, count in enumerate(self.settled):
            seen += count
            if seen > middle:
                return days if days <= _LAST else None
        return None


# The class, the stage, the kind of contact, the bucket of days overdue and the template
# recorded with the contact ("": none; None: recorded before templates were kept).
_Key = tuple[CustomerClass | None, int | None, str, int, str | None]
_WRITTEN = (str(ContactKind.EMAIL), str(ContactKind.LETTER))  # what a template writes


@dataclass
class _Tally:
    """The cases by class, stage, kind of contact and bucket; the baseline by bucket."""

    cases: dict[_Key, _Sums] = field(default_factory=dict)
    base: dict[tuple[CustomerClass | None, int], _Sums] = field(
        default_factory=lambda: defaultdict(_Sums))

    def add_baseline(self, scope: CustomerClass | None, outcome: _Outcome) -> None:
        self.base[None, outcome[0]].add(outcome)
        if scope is not None:
            self.base[scope, outcome[0]].add(outcome)

    def answer(self, as_of: dt.date, stages: Mapping[int, tuple[str, int, str, str | None]],
               baseline_customers: int) -> WhatWorks:
        # Each row's cases by their customers' class and bucket, the strata a row is
        # compared with the baseline in.
        rows: dict[tuple[CustomerClass | None, ReminderAspect, str],
                   dict[tuple[CustomerClass | None, int], _Sums]] = \
            defaultdict(lambda: defaultdict(_Sums))
        order: dict[tuple[ReminderAspect, str], tuple[int, ...]] = {}
        templates: dict[tuple[CustomerClass | None, str, str], _Sums] = defaultdict(_Sums)
        assumed = 0
        for (scope, stage_id, kind, bucket, recorded), sums in self.cases.items():
            stage = stages.get(stage_id) if stage_id is not None else None
            aspects = [(ReminderAspect.CHANNEL, ContactKind.word_for(kind),
                        (CHANNELS.index(ContactKind(kind)) if kind in CHANNELS else 99,))]
            template = recorded or None
            if stage is not None:
                name, position, tone, now_sent = stage
                aspects += [(ReminderAspect.STAGE, name, (position,)),
                            (ReminderAspect.TONE, Tone.word_for(tone), (_TONES.get(tone, 99),))]
                if recorded is None and kind in _WRITTEN and now_sent is not None:
                    template = now_sent  # recorded before templates were kept
                    assumed += sums.cases
                if template is not None:
                    aspects.append((ReminderAspect.TEMPLATE, template, (position,)))
            for target in dict.fromkeys((None, scope)):
                for aspect, value, rank in aspects:
                    rows[target, aspect, value][scope, bucket].merge(sums)
                    order[aspect, value] = min(order.get((aspect, value), rank), rank)
                if stage is not None and template is not None:
                    templates[target, stage[0], template].merge(sums)
        baseline = {key: sums for key, sums in self.base.items()}
        made = [self._row(scope, aspect, value, strata, baseline)
                for (scope, aspect, value), strata in rows.items()]
        made.sort(key=lambda r: (_scope_rank(r.customer_class), _ASPECTS.index(r.aspect),
                                 order[r.aspect, r.value], r.value))
        classes = tuple(c for c in CustomerClass
                        if any(r.customer_class is c for r in made))
        return WhatWorks(
            as_of=as_of, rows=tuple(made), comparisons=tuple(_comparisons(templates)),
            baseline=tuple(_baseline_rows(baseline)), classes=classes,
            baseline_customers=baseline_customers, assumed_templates=assumed)

    @staticmethod
    def _row(scope: CustomerClass | None, aspect: ReminderAspect, value: str,
             strata: Mapping[tuple[CustomerClass | None, int], _Sums],
             baseline: Mapping[tuple[CustomerClass | None, int], _Sums]) -> WhatWorksRow:
        total = _Sums()
        for sums in strata.values():
            total.merge(sums)
        compared = []
        for (customer_class, bucket), sums in sorted(strata.items(), key=_stratum_order):
            base = _comparable(baseline, customer_class, bucket)
            if base is not None:
                compared.append((sums, base))
        chased = sum(sums.chased for sums, _base in compared)
        baseline_share: list[Decimal | None] = []
        uplift: list[Decimal | None] = []
        for n in range(len(WINDOWS)):
            if not chased:
                baseline_share.append(None)
                uplift.append(None)
                continue
            expected = sum((Decimal(sums.chased) * base.paid[n] / base.chased
                            for sums, base in compared), Decimal(0))
            got = sum(sums.paid[n] for sums, _base in compared)
            baseline_share.append(_tenth(100 * expected / chased))
            uplift.append(_tenth(100 * (got - expected) / chased))
        return WhatWorksRow(
            customer_class=scope, aspect=aspect, value=value, cases=total.cases,
            chased_minor=total.chased, paid_percent=total.percents(),
            settled_within_14=total.settled_within(TEST_WINDOW),
            median_days=total.median_days(), baseline_percent=tuple(baseline_share),
            uplift_points=tuple(uplift))


_ASPECTS = (ReminderAspect.STAGE, ReminderAspect.CHANNEL, ReminderAspect.TONE,
            ReminderAspect.TEMPLATE)
_TONES = {"friendly": 0, "polite": 1, "personal": 2, "firm": 3, "final": 4}


def _scope_rank(scope: CustomerClass | None) -> int:
    return -1 if scope is None else list(CustomerClass).index(scope)


def _stratum_order(item: tuple[tuple[CustomerClass | None, int], _Sums]) -> tuple[int, int]:
    (customer_class, bucket), _sums = item
    return _scope_rank(customer_class), bucket


def _comparable(baseline: Mapping[tuple[CustomerClass | None, int], _Sums],
                customer_class: CustomerClass | None, bucket: int) -> _Sums | None:
    """The accounts that a row's cases of one class and bucket of days overdue are
    compared with: that class's accounts in that bucket, all customers' when the class has
    none there (or the cases are not classed); None for reminders before the due date."""
    if bucket not in OVERDUE_BUCKETS:
        return None
    for key in ((customer_class, bucket), (None, bucket)):
        base = baseline.get(key)
        if base is not None and base.chased > 0:
            return base
    return None


def _comparisons(templates: Mapping[tuple[CustomerClass | None, str, str], _Sums]
                 ) -> list[TemplateComparison]:
    """Each pair of templates used at the same stage, A before B by name."""
    by_stage: dict[tuple[CustomerClass | None, str], list[tuple[str, _Sums]]] = defaultdict(list)
    for (scope, stage, template), sums in templates.items():
        by_stage[scope, stage].append((template, sums))
    found = []
    for (scope, stage), used in by_stage.items():
        used.sort(key=lambda t: t[0])
        for n, (name_a, a) in enumerate(used):
            for name_b, b in used[n + 1:]:
                settled_a, settled_b = a.settled_within(TEST_WINDOW), b.settled_within(TEST_WINDOW)
                z, verdict = compare_templates(a.cases, settled_a, b.cases, settled_b)
                found.append(TemplateComparison(scope, stage, name_a, name_b, a.cases, b.cases,
                                                settled_a, settled_b, z, verdict))
    found.sort(key=lambda c: (_scope_rank(c.customer_class), c.stage, c.template_a,
                              c.template_b))
    return found


def _baseline_rows(baseline: Mapping[tuple[CustomerClass | None, int], _Sums]
                   ) -> list[BaselineBucket]:
    labels = bucket_labels()
    return sorted((BaselineBucket(scope, bucket, labels[bucket], sums.cases, sums.percents())
                   for (scope, bucket), sums in baseline.items()),
                  key=lambda b: (_scope_rank(b.customer_class), b.bucket))


def _percent(part: int, whole: int) -> Decimal | None:
    return None if not whole else _tenth(Decimal(100 * part) / whole)


def _tenth(value: Decimal) -> Decimal:
    return Decimal(value).quantize(_TENTH, rounding=ROUND_HALF_UP)
