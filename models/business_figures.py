"""The business at a glance: what customers owe month by month, how fast they pay,
who owes most, and the cash expected in the next weeks.

Every figure is per currency (amounts in two currencies are never added) and is
derived from the invoices and the allocations with their dates, so a month's figures
stay what they were whatever was paid later. The definitions are those of
``REFERENCE.md`` section E1 (design notes); the variants chosen are written in
``docs/decisions.md`` ("Business figures (issue 18)"):

- **A/R at a month end**: what was open that day on the invoices issued by then (an
  invoice's amount less what was allocated to it by then, payments and credit notes
  alike); voided and written-off invoices, charges and unallocated credit are not in it.
- **Credit sales** of a month: the invoices issued in it.
- **Current A/R**: the part of A/R not yet due (due that day or later).
- **DSO by count-back** (E1, "count-back / exhaustion"): walk back from the month end
  taking each month's credit sales off the A/R, a whole month's days for each month it
  covers, and the exhausting month's days in proportion.
- **Standard DSO** (E1): A/R ÷ the month's credit sales × the month's days.
- **Best possible DSO** (E1): current A/R in the place of A/R, by count-back (Upflow's
  variant, so it is comparable with the count-back DSO) and by the standard formula.
- **ADD** (E1): count-back DSO − count-back best possible DSO: the days the overdue
  part adds; never negative.
- **CEI** (E1, one-month period, so creditguru's "÷ N" variant is the plain formula):
  (A/R at the start + sales − A/R at the end) ÷ (A/R at the start + sales − current
  A/R at the end) × 100.

Aging buckets are those of the overdue list (:func:`models.accounts.aging_bucket`).
The month figures read the kept month totals (:mod:`models.month_totals`: what was
invoiced and allocated by currency, month and due date, kept by the store as each
invoice and allocation is written) in one query for all the months; the months are
then walked in Python over those few thousand rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import heapq
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import peewee as pw

from models.accounts import (
    BUCKET_COUNT,
    DEFAULT_BUCKET_EDGES,
    RECEIVABLE_STATUSES,
    aging_bucket,
    open_invoices_on,
)
from models.contacts import promise_deadline
from models.dates import stored_day
from models.db import one_of
from models.disputed import chased_part, claims
from models.kinds import InstalmentState, InvoiceStatus, PromiseStatus
from models.month_totals import month_totals_by_due
from models.plans import plan_standings
from models.schema import (
    Allocation,
    Customer,
    Invoice,
    Promise,
    PromiseInvoice,
    database,
    money_sum,
)

DEFAULT_MONTHS = 18
MOST_MONTHS = 240  # twenty years
TOP_DEBTORS = 10  # in each currency
DEBTOR_HISTORY_MONTHS = 6
CASH_WEEKS = 4
# A customer's usual delay is read from the invoices they paid that fell due this many
# days before the as-of date: their recent habit, not their whole history.
USUAL_DELAY_LOOKBACK_DAYS = 365
_TENTH = Decimal("0.1")

# How each figure is worked out, in the user's words: for a tooltip beside each figure
# and the command line's notes (REFERENCE E1; docs/decisions.md).
FORMULAS = {
    "dso": "Count-back: the month-end A/R is taken back month by month against each "
           "month's credit sales; each month it covers counts whole, the last in part.",
    "dso_standard": "A/R at the month end ÷ the month's credit sales × the month's days.",
    "best_possible_dso": "Count-back on the current (not yet due) A/R only.",
    "best_possible_dso_standard": "Current A/R at the month end ÷ the month's credit sales "
                                  "× the month's days.",
    "average_days_delinquent": "DSO (count-back) − best possible DSO (count-back).",
    "cei": "(A/R at the start + credit sales − A/R at the end) ÷ (A/R at the start + "
           "credit sales − current A/R at the end) × 100.",
    "usual_delay": "The median days late of the invoices the customer paid in full that "
                   "fell due in the last year; on the due date for a customer with none.",
}


# --- the figures of a month ----------------------------------------------------------

@dataclass(frozen=True)
class MonthFigures:
    """One currency's figures for the month ending ``month_end``. A day count or an index
    is None where it has no meaning (no credit sales in the month, nothing to collect)."""

    currency: str
    month_end: dt.date
    receivables_minor: int  # A/R at the month end
    credit_sales_minor: int  # invoices issued in the month
    current_minor: int  # the part of A/R not yet due at the month end
    aging: tuple[int, ...]  # current, 1–30, 31–60, 61–90, over 90 days overdue
    dso: Decimal | None  # count-back, days
    dso_standard: Decimal | None  # A/R ÷ sales × days
    best_possible_dso: Decimal | None  # count-back on current A/R
    best_possible_dso_standard: Decimal | None  # current A/R ÷ sales × days
    average_days_delinquent: Decimal | None  # dso − best_possible_dso
    cei: Decimal | None  # collection effectiveness index, percent

    @property
    def days(self) -> int:
        """The days of the month."""
        return self.month_end.day

    @property
    def overdue_minor(self) -> int:
        """The part of A/R past its due date at the month end."""
        return self.receivables_minor - self.current_minor


@dataclass(frozen=True)
class BusinessFigures:
    """The figures of each currency for each of the months ending ``month_ends``."""

    as_of: dt.date
    month_ends: tuple[dt.date, ...]  # oldest first
    months: tuple[MonthFigures, ...]  # by currency, then month, oldest first

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies that have figures, in alphabetical order."""
        return tuple(dict.fromkeys(m.currency for m in self.months))

    def of_currency(self, currency: str) -> tuple[MonthFigures, ...]:
        """One currency's months, oldest first."""
        return tuple(m for m in self.months if m.currency == currency)

    def latest(self, count: int) -> BusinessFigures:
        """The same figures for the last ``count`` months only (a month's figures do not
        depend on how many months are asked for: each is worked out from the whole
        history up to its end)."""
        ends = self.month_ends[-count:] if count > 0 else ()
        kept = set(ends)
        return BusinessFigures(self.as_of, ends,
                               tuple(m for m in self.months if m.month_end in kept))


def month_ends(as_of: dt.date, count: int = DEFAULT_MONTHS) -> tuple[dt.date, ...]:
    """The last ``count`` month ends on or before ``as_of``, oldest first: whole months
    only (on 24 November the last is 31 October; on 30 November, 30 November)."""
    if not 1 <= count <= MOST_MONTHS:
        raise ValueError(f"Ask for 1 to {MOST_MONTHS} months.")
    last = as_of if _month_end(as_of) == as_of else as_of.replace(day=1) - dt.timedelta(days=1)
    ends = [last]
    for _ in range(count - 1):
        ends.append(ends[-1].replace(day=1) - dt.timedelta(days=1))
    return tuple(reversed(ends))


def count_back_dso(receivables_minor: int, sales_back: Iterable[tuple[int, int]]
                   ) -> Decimal | None:
    """Days sales outstanding by count-back (REFERENCE E1): ``sales_back`` gives each
    month's (credit sales, days), the month of the A/R first, then back in time. While
    the A/R left covers a month's sales, that month's days count whole; the month that
    exhausts it counts in proportion. Worked example of E1: A/R 2000, sales 200, 400,
    600, 700, 500 over months of 31, 31, 30, 31, 30 days gives 31+31+30+31 + 30×100/500
    = 129 days. None when the sales given never exhaust the A/R."""
    left, days = Decimal(receivables_minor), Decimal(0)
    for sales, month_days in sales_back:
        if left <= 0:
            break
        if left >= sales:
            left -= sales
            days += month_days
        else:
            days += left / sales * month_days
            left = Decimal(0)
    if left > 0:
        return None
    return days.quantize(_TENTH, ROUND_HALF_UP)


def standard_dso(receivables_minor: int, sales_minor: int, days: int) -> Decimal | None:
    """Days sales outstanding by the standard formula (REFERENCE E1): A/R ÷ credit sales
    in the period × days in the period; None without sales."""
    if sales_minor <= 0:
        return None
    return (Decimal(receivables_minor) / sales_minor * days).quantize(_TENTH, ROUND_HALF_UP)


def collection_effectiveness(beginning_minor: int, sales_minor: int, ending_minor: int,
                             ending_current_minor: int) -> Decimal | None:
    """The collection effectiveness index of one period, percent (REFERENCE E1):
    (beginning A/R + credit sales − ending A/R) ÷ (beginning A/R + credit sales −
    ending current A/R) × 100. None when there was nothing due to collect."""
    collectable = beginning_minor + sales_minor - ending_current_minor
    if collectable <= 0:
        return None
    collected = beginning_minor + sales_minor - ending_minor
    return (Decimal(collected) * 100 / collectable).quantize(_TENTH, ROUND_HALF_UP)


def business_figures(as_of: dt.date, months: int = DEFAULT_MONTHS) -> BusinessFigures:
    """Each currency's month-end A/R, credit sales, current A/R, aging, DSO (count-back
    and standard), best possible DSO, ADD and CEI for the last ``months`` whole months
    on or before ``as_of``: one query of the kept month totals for all the months."""
    ends = month_ends(as_of, months)
    # Due dates older than this are over the last bucket's edge at every month end:
    # grouped as one, so the rows stay few whatever the length of the history.
    long_ago = ends[0] - dt.timedelta(days=DEFAULT_BUCKET_EDGES[-1] + 1)
    invoiced, allocated = _by_month(ends[-1], long_ago)
    result = []
    for currency in sorted(set(invoiced) | set(allocated)):
        result += _currency_months(currency, ends, invoiced.get(currency, {}),
                                   allocated.get(currency, {}))
    return BusinessFigures(as_of, ends, tuple(result))


# Rows grouped by currency, then month number (year × 12 + month), as (due date or None
# for long overdue, amount) pairs.
_ByMonth = dict[str, dict[int, list[tuple[dt.date | None, int]]]]


def _by_month(last_end: dt.date, long_ago: dt.date) -> tuple[_ByMonth, _ByMonth]:
    """The amounts invoiced (by month of issue) and allocated to invoices (by month of
    the allocation, or of the invoice's issue if dated before: an invoice owes nothing
    before it exists), by currency, month and due date, from the kept month totals
    (:mod:`models.month_totals`, which says what counts)."""
    invoiced: _ByMonth = defaultdict(lambda: defaultdict(list))
    allocated: _ByMonth = defaultdict(lambda: defaultdict(list))
    query = month_totals_by_due(f"{last_end.year:04d}-{last_end.month:02d}", long_ago)
    for currency, month, due, sold, paid in database.execute(query).fetchall():
        number, day = _month_number(month), (_day(due) if due else None)
        if sold:  # a month whose invoices were all voided has none
            invoiced[currency][number].append((day, sold))
        if paid:
            allocated[currency][number].append((day, paid))
    return invoiced, allocated


def _currency_months(currency: str, ends: Sequence[dt.date],
                     invoiced: dict[int, list[tuple[dt.date | None, int]]],
                     allocated: dict[int, list[tuple[dt.date | None, int]]]
                     ) -> list[MonthFigures]:
    """Walk the months: what was open by due date is carried from month end to month
    end, adding the month's invoices and taking off its allocations."""
    sales = {month: sum(amount for _, amount in rows) for month, rows in invoiced.items()}
    first_month = min(sales, default=0)
    open_by_due: dict[dt.date | None, int] = defaultdict(int)
    window_start = _number(ends[0])
    for month in sorted(set(invoiced) | set(allocated)):
        if month < window_start:
            _apply(open_by_due, invoiced.get(month, ()), allocated.get(month, ()))
    beginning = sum(open_by_due.values())
    result = []
    for end in ends:
        month = _number(end)
        _apply(open_by_due, invoiced.get(month, ()), allocated.get(month, ()))
        aging = _aging(open_by_due, end)
        receivables, current, sold = sum(aging), aging[0], sales.get(month, 0)
        back = tuple(_sales_back(sales, month, first_month))
        dso = count_back_dso(receivables, back)
        best = count_back_dso(current, back)
        result.append(MonthFigures(
            currency, end, receivables, sold, current, aging, dso,
            standard_dso(receivables, sold, end.day), best,
            standard_dso(current, sold, end.day),
            dso - best if dso is not None and best is not None else None,
            collection_effectiveness(beginning, sold, receivables, current)))
        beginning = receivables
    return result


def _apply(open_by_due: dict[dt.date | None, int],
           invoiced: Iterable[tuple[dt.date | None, int]],
           allocated: Iterable[tuple[dt.date | None, int]]) -> None:
    for due, amount in invoiced:
        open_by_due[due] += amount
    for due, amount in allocated:
        open_by_due[due] -= amount


def _aging(open_by_due: dict[dt.date | None, int], end: dt.date) -> tuple[int, ...]:
    buckets = [0] * BUCKET_COUNT
    for due, amount in open_by_due.items():
        if not amount:  # a due date paid off: most of a long history
            continue
        days = (end - due).days if due is not None else DEFAULT_BUCKET_EDGES[-1] + 1
        buckets[aging_bucket(days)] += amount
    return tuple(buckets)


def _sales_back(sales: dict[int, int], month: int, first_month: int
                ) -> Iterable[tuple[int, int]]:
    """Each month's (credit sales, days) from ``month`` back to the first with sales."""
    for number in range(month, first_month - 1, -1):
        year, month_of_year = divmod(number - 1, 12)
        yield sales.get(number, 0), calendar.monthrange(year, month_of_year + 1)[1]


# --- the top debtors ---------------------------------------------------------------

@dataclass(frozen=True)
class Debtor:
    """A customer among those who owe most in a currency, and how their balance moved."""

    customer_id: int
    code: str
    name: str
    currency: str
    balance_minor: int  # open invoices on the as-of date
    overdue_minor: int
    history: tuple[tuple[dt.date, int], ...]  # (month end, balance), oldest first


def top_debtors(as_of: dt.date, *, count: int = TOP_DEBTORS,
                months: int = DEBTOR_HISTORY_MONTHS,
                today: dt.date | None = None) -> list[Debtor]:
    """The ``count`` customers who owe most in each currency on ``as_of`` (open
    invoices; unallocated credit aside), with their balance at each of the last
    ``months`` month ends: by currency, then most owed first."""
    items = open_invoices_on(as_of, today=today).alias("open_items")
    overdue = money_sum(pw.Case(None, [(items.c.due_date < as_of, items.c.open_minor)], 0))
    totals = (items.select_from(items.c.customer_id, items.c.currency,
                                money_sum(items.c.open_minor), overdue)
              .group_by(items.c.customer_id, items.c.currency))
    by_currency: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for customer_id, currency, balance, late in database.execute(totals).fetchall():
        by_currency[currency].append((balance, late, customer_id))
    chosen = {currency: heapq.nlargest(count, rows) for currency, rows in by_currency.items()}
    ids = {customer_id for rows in chosen.values() for *_, customer_id in rows}
    if not ids:
        return []
    ends = month_ends(as_of, months)
    history = _balances_at(ids, ends)
    names = {cid: (code, name) for cid, code, name in Customer.select(
        Customer.id, Customer.code, Customer.name).where(one_of(Customer.id, ids)).tuples()}
    return [Debtor(cid, names[cid][0], names[cid][1], currency, balance, late,
                   tuple(zip(ends, history.get((cid, currency), (0,) * len(ends)),
                             strict=True)))
            for currency in sorted(chosen)
            for balance, late, cid in chosen[currency]]


def _balances_at(customer_ids: set[int], ends: Sequence[dt.date]
                 ) -> dict[tuple[int, str], tuple[int, ...]]:
    """Each (customer, currency)'s open invoices at each of ``ends``: two queries."""
    invoiced = (Invoice
                .select(Invoice.customer, Invoice.currency,
                        *(money_sum(pw.Case(None, [(Invoice.issue_date <= end,
                                                   Invoice.amount_minor)], 0))
                          for end in ends))
                .where(one_of(Invoice.customer, customer_ids)
                       & Invoice.status.in_(RECEIVABLE_STATUSES))
                .group_by(Invoice.customer, Invoice.currency))
    allocated = (Allocation
                 .select(Invoice.customer, Invoice.currency,
                         *(money_sum(pw.Case(None, [((Allocation.allocated_on <= end)
                                                    & (Invoice.issue_date <= end),
                                                    Allocation.amount_minor)], 0))
                           for end in ends))
                 .join(Invoice, on=(Allocation.invoice == Invoice.id))
                 .where(one_of(Invoice.customer, customer_ids) & ~Allocation.voided
                        & Invoice.status.in_(RECEIVABLE_STATUSES))
                 .group_by(Invoice.customer, Invoice.currency))
    paid = {(cid, currency): amounts
            for cid, currency, *amounts in database.execute(allocated).fetchall()}
    result = {}
    for cid, currency, *amounts in database.execute(invoiced).fetchall():
        less = paid.get((cid, currency), [0] * len(ends))
        result[(cid, currency)] = tuple(a - p for a, p in zip(amounts, less, strict=True))
    return result


# --- the cash expected -------------------------------------------------------------

@dataclass(frozen=True)
class ExpectedWeek:
    """The cash expected in one currency in the seven days from ``first_day``."""

    currency: str
    first_day: dt.date
    promised_minor: int  # what is left of open promises to pay, by their date
    instalments_minor: int  # what is left of active plans' instalments, by their date
    usual_delay_minor: int  # other open invoices, by their due date + the usual delay

    @property
    def last_day(self) -> dt.date:
        """The week's last day."""
        return self.first_day + dt.timedelta(days=6)

    @property
    def total_minor(self) -> int:
        """All the cash expected in the week."""
        return self.promised_minor + self.instalments_minor + self.usual_delay_minor


@dataclass(frozen=True)
class CashExpected:
    """The cash expected in the next weeks from ``as_of``, by currency and week, and what
    is late beyond expecting: open invoices already past their customer's usual delay
    and plan instalments missed past their grace (not expected on any day the figures
    can name)."""

    as_of: dt.date
    weeks: tuple[ExpectedWeek, ...]  # by currency, then week
    late: tuple[tuple[str, int], ...]  # (currency, amount)


def cash_expected(as_of: dt.date, *, weeks: int = CASH_WEEKS,
                  today: dt.date | None = None) -> CashExpected:
    """The cash expected in each of the next ``weeks`` weeks from ``as_of`` (week one is
    ``as_of`` and the six days after it), from three sources, each amount counted once:

    - active payment plans: what is left of each instalment, on its date (one due before
      ``as_of`` and still in its grace, in week one; one missed past its grace is late);
    - open promises to pay (still in time): what is left of each, on its date (one whose
      date has passed but is within its grace, in week one); not a promise only about
      invoices in an active plan, whose instalments already expect that money;
    - every other open invoice (disputed ones and those with an agency aside): on its
      due date plus its customer's usual delay, the median days late of the invoices
      they paid in full that fell due in the year before (no such invoice: on its due
      date). An invoice past that day is counted as ``late`` instead.
    """
    last = as_of + dt.timedelta(days=7 * weeks - 1)
    amounts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(currency: str, day: dt.date, source: int, minor: int) -> None:
        day = max(day, as_of)
        if day <= last and minor > 0:
            amounts[(currency, (day - as_of).days // 7)][source] += minor

    late: dict[str, int] = defaultdict(int)
    planned: set[int] = set()
    for plan in plan_standings(as_of, active_only=True):
        planned.update(plan.invoice_ids)
        for instalment in plan.instalments:
            if instalment.state == InstalmentState.MISSED:
                late[plan.currency] += instalment.left_minor
            else:
                add(plan.currency, instalment.due_date, 1, instalment.left_minor)
    promised = _open_promises(as_of)
    links = _promised_invoices(promised)
    for promise_id, (currency, day, left) in promised.items():
        if not links.get(promise_id, set()) <= planned:  # a plan's instalments expect it
            add(currency, day, 0, left)
    covered = planned.union(*links.values())
    items = _chased_invoices(as_of, covered, today)
    delays = _usual_delays(as_of, {customer_id for customer_id, *_ in items})
    for customer_id, currency, due, open_minor in items:
        expected = due + dt.timedelta(days=delays.get(customer_id, 0))
        if expected < as_of:
            late[currency] += open_minor
        else:
            add(currency, expected, 2, open_minor)
    currencies = sorted({currency for currency, _ in amounts} | set(late))
    return CashExpected(as_of, tuple(
        ExpectedWeek(currency, as_of + dt.timedelta(days=7 * week),
                     *amounts.get((currency, week), (0, 0, 0)))
        for currency in currencies for week in range(weeks)),
        tuple((currency, late[currency]) for currency in currencies if late[currency]))


def _open_promises(as_of: dt.date) -> dict[int, tuple[str, dt.date, int]]:
    """Each open promise still in time on ``as_of``: (currency, date, amount left), what
    was allocated to its invoices since it was made taken off."""
    rows = (Promise.select(Promise.id, Promise.currency, Promise.promised_for,
                           Promise.amount_minor, Promise.created_at)
            .where((Promise.status == PromiseStatus.OPEN)
                   & (Promise.created_at < as_of + dt.timedelta(days=1))).tuples())
    promises = {pid: (currency, _day(day), amount, _day(made)) for pid, currency, day, amount,
                made in rows if promise_deadline(_day(day)) >= as_of}
    if not promises:
        return {}
    paid: dict[int, int] = defaultdict(int)
    for pid, day, amount in (PromiseInvoice
                             .select(PromiseInvoice.promise, Allocation.allocated_on,
                                     Allocation.amount_minor)
                             .join(Allocation, on=(Allocation.invoice == PromiseInvoice.invoice))
                             .where(one_of(PromiseInvoice.promise, promises)
                                    & ~Allocation.voided & (Allocation.allocated_on <= as_of))
                             .tuples()):
        if _day(day) >= promises[pid][3]:
            paid[pid] += amount
    return {pid: (currency, day, max(amount - paid[pid], 0))
            for pid, (currency, day, amount, _) in promises.items()}


def _promised_invoices(promised: dict[int, Any]) -> dict[int, set[int]]:
    """Each promise's invoices."""
    links: dict[int, set[int]] = defaultdict(set)
    if promised:
        for promise_id, invoice_id in PromiseInvoice.select(
                PromiseInvoice.promise, PromiseInvoice.invoice).where(
                one_of(PromiseInvoice.promise, promised)).tuples():
            links[promise_id].add(invoice_id)
    return links


def _chased_invoices(as_of: dt.date, covered: set[int], today: dt.date | None
                     ) -> list[tuple[int, str, dt.date, int]]:
    """The open invoices (not disputed, not with an agency) outside promises and plans:
    (customer, currency, due date, the open amount not in dispute)."""
    items = open_invoices_on(as_of, today=today).alias("open_items")
    query = (items.select_from(items.c.invoice_id, items.c.customer_id, items.c.currency,
                               items.c.due_date, items.c.open_minor)
             .where(items.c.status == InvoiceStatus.OPEN))
    found = [row for row in database.execute(query).fetchall() if row[0] not in covered]
    claimed = claims([row[0] for row in found]) if found else {}
    # A part in dispute is not chased, so it is not expected in (models.disputed).
    chased = [(customer_id, currency, _day(due),
               chased_part(open_minor, claimed.get(invoice_id, 0)))
              for invoice_id, customer_id, currency, due, open_minor in found]
    return [row for row in chased if row[3] > 0]


def _usual_delays(as_of: dt.date, customer_ids: set[int]) -> dict[int, int]:
    """Each customer's median days late (paid in full − due date; early is negative)
    over the invoices they paid in full by ``as_of`` that fell due in the year before."""
    if not customer_ids:
        return {}
    paid_on = pw.fn.MAX(Allocation.allocated_on)
    since = as_of - dt.timedelta(days=USUAL_DELAY_LOOKBACK_DAYS)
    query = (Invoice
             .select(Invoice.customer, Invoice.due_date, paid_on)
             .join(Allocation, on=(Allocation.invoice == Invoice.id))
             .where((Invoice.status == InvoiceStatus.PAID) & ~Allocation.voided
                    & (Invoice.due_date >= since) & (Invoice.due_date <= as_of)
                    & one_of(Invoice.customer, customer_ids))
             .group_by(Invoice.id)
             .having(paid_on <= as_of))
    late: dict[int, list[int]] = defaultdict(list)
    for customer_id, due, paid in database.execute(query).fetchall():
        late[customer_id].append(_ordinal(paid) - _ordinal(due))
    return {customer_id: int(statistics.median_low(days)) for customer_id, days in late.items()}


# --- days and months -----------------------------------------------------------------

def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _number(day: dt.date) -> int:
    """A month as one number: year × 12 + month."""
    return day.year * 12 + day.month


@functools.lru_cache(maxsize=4096)
def _month_number(text: str) -> int:
    return int(text[:4]) * 12 + int(text[5:7])


_day = functools.lru_cache(maxsize=8192)(stored_day)  # each stored text parsed once


@functools.lru_cache(maxsize=8192)
def _ordinal(value: object) -> int:
    return _day(value).toordinal()

