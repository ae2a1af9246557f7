"""Who owes what, and how late: the overdue accounts list and its totals.

Figures come from SQL aggregation. For today (or later) they read only open
invoices through the partial index on the kept open amounts; for a past
as-of date they are derived from the allocations made up to that day, so a
payment that arrived after the as-of date does not count.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import peewee as pw

from models.contacts import latest_contact, next_follow_up
from models.disputed import disputed_by_account, oldest_open_on
from models.kinds import LIVE_REFERRAL_STATUSES, InvoiceStatus, PromiseStatus
from models.schema import (
    AgencyReferral,
    Allocation,
    CreditNote,
    Customer,
    Interaction,
    Invoice,
    Payment,
    PaymentPlan,
    Promise,
    database,
)

DEFAULT_BUCKET_EDGES = (30, 60, 90)
BUCKET_COUNT = len(DEFAULT_BUCKET_EDGES) + 2  # current, three ranges, over the last edge
# The invoices that count in what customers owe: not voided, not written off.
RECEIVABLE_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.PAID, InvoiceStatus.DISPUTED,
                       InvoiceStatus.WITH_AGENCY)
_COUNTED_STATUSES = RECEIVABLE_STATUSES


class AccountRow(NamedTuple):
    """One customer's account in one currency, as of a date.

    A named tuple: the list builds thousands of these, and a tuple is built
    several times faster than a frozen dataclass.
    """

    customer_id: int
    code: str
    name: str
    currency: str
    balance_minor: int  # open invoices less unallocated credit
    overdue_minor: int
    buckets: tuple[int, ...]  # current, 1-30, 31-60, 61-90, over 90 (by the edges)
    oldest_days_overdue: int  # 0 when nothing is overdue
    unallocated_minor: int
    disputed_minor: int
    last_contact_on: dt.date | None
    last_contact_kind: str
    next_action_on: dt.date | None
    on_hold: bool
    has_plan: bool
    has_open_promise: bool
    with_agency: bool
    dispute_raised_on: dt.date | None = None  # the oldest open dispute's day raised


@dataclass(frozen=True)
class CurrencyTotals:
    """The overdue totals of all accounts in one currency."""

    currency: str
    accounts: int
    balance_minor: int
    overdue_minor: int
    buckets: tuple[int, ...]


def aging_bucket(days_overdue: int, edges: Sequence[int] = DEFAULT_BUCKET_EDGES) -> int:
    """Which aging bucket an amount this many days overdue falls in: 0 while not yet
    overdue, then one bucket per range of ``edges`` (1–30, 31–60, 61–90), then over the
    last edge. The overdue list's SQL draws the same lines as dates (:func:`_accounts_query`).
    """
    if days_overdue <= 0:
        return 0
    return next((n for n, edge in enumerate(edges, 1) if days_overdue <= edge), len(edges) + 1)


def bucket_labels(edges: Sequence[int] = DEFAULT_BUCKET_EDGES) -> tuple[str, ...]:
    """Column titles for the aging buckets: Current, 1–30, …, Over 90."""
    labels, low = ["Current"], 1
    for edge in edges:
        labels.append(f"{low}–{edge}")
        low = edge + 1
    labels.append(f"Over {edges[-1]}")
    return tuple(labels)


def overdue_accounts(as_of: dt.date, *, today: dt.date | None = None,
                     include_all: bool = False,
                     edges: Sequence[int] = DEFAULT_BUCKET_EDGES,
                     customer_id: int | None = None) -> list[AccountRow]:
    """Accounts with money overdue on ``as_of`` (all customers with ``include_all``).

    ``today`` is the business's date: as-of dates from today on read the kept
    open amounts and contact summaries; earlier ones are derived from the
    allocations and contacts up to ``as_of``. ``customer_id`` limits the list
    to one customer's accounts.
    """
    _check_edges(edges)
    today = today or dt.date.today()
    kept = as_of >= today
    contacts = _kept_contacts() if kept else _contacts_on(as_of)
    items = _open_today() if kept else _open_on(as_of)
    if customer_id is not None:
        items = items.where(Invoice.customer == customer_id)
    query = _accounts_query(items, as_of, edges, contacts, include_all)
    credit = _kept_credit(customer_id) if kept else _credit_on(as_of, customer_id)
    flags = _flagged_customers(as_of, customer_id)
    # Plain cursor rows: peewee's per-row conversion would double the time here.
    day = _date_reader()
    result = _with_disputes([_row(values, as_of, credit, flags, day) for values in
                             database.execute(query).fetchall()], as_of, customer_id, kept)
    if include_all:
        result += _accounts_without_invoices(result, as_of, credit, flags, contacts,
                                             customer_id, day)
    result.sort(key=lambda r: (-r.overdue_minor, r.name))
    return result


def _with_disputes(rows: list[AccountRow], as_of: dt.date, customer_id: int | None,
                   current: bool) -> list[AccountRow]:
    """The accounts with what is in dispute on them and since when (the few open
    cases, read apart from the invoices: :mod:`models.disputed`)."""
    disputed = disputed_by_account(as_of, customer_id, current=current)
    raised = oldest_open_on(as_of, customer_id, current=current)
    if not disputed and not raised:
        return rows
    return [row._replace(disputed_minor=disputed.get(key, 0), dispute_raised_on=raised.get(key))
            if (key := (row.customer_id, row.currency)) in disputed or key in raised else row
            for row in rows]


def invoice_customers(text: str) -> set[int]:
    """Customers with an invoice whose number contains ``text`` (any case)."""
    text = text.strip()
    if not text:
        return set()
    rows = (Invoice.select(Invoice.customer).distinct()
            .where(Invoice.number.contains(text)).tuples())
    return {customer_id for (customer_id,) in rows}


def currency_totals(rows: Iterable[AccountRow]) -> list[CurrencyTotals]:
    """Totals per currency of the given accounts (never added across currencies)."""
    totals: dict[str, list] = {}
    for row in rows:
        entry = totals.setdefault(row.currency, [0, 0, 0, [0] * len(row.buckets)])
        entry[0] += 1
        entry[1] += row.balance_minor
        entry[2] += row.overdue_minor
        entry[3] = [a + b for a, b in zip(entry[3], row.buckets, strict=True)]
    return [CurrencyTotals(currency, n, balance, overdue, tuple(buckets))
            for currency, (n, balance, overdue, buckets) in sorted(totals.items())]


def _check_edges(edges: Sequence[int]) -> None:
    if len(edges) != len(DEFAULT_BUCKET_EDGES) or any(
            b <= a for a, b in zip((0, *edges), edges, strict=False)):
        raise ValueError("Aging bucket edges must be three increasing numbers of days, "
                         "e.g. 30, 60, 90.")


def open_invoices_on(as_of: dt.date, *, today: dt.date | None = None) -> pw.Select:
    """The invoices open on ``as_of`` (a subquery of invoice_id, customer_id, currency,
    due_date, open_minor, status): from today on the kept open amounts, before then
    what was still open that day, derived from the allocations made by then."""
    return _open_today() if as_of >= (today or dt.date.today()) else _open_on(as_of)


def _open_today() -> pw.Select:
    """Open invoices with their kept open amounts (reads the partial index)."""
    return (Invoice
            .select(Invoice.id.alias("invoice_id"), Invoice.customer.alias("customer_id"),
                    Invoice.currency, Invoice.due_date, Invoice.open_minor, Invoice.status)
            .where((Invoice.open_minor > 0) & Invoice.status.in_(_COUNTED_STATUSES)))


def _open_on(as_of: dt.date) -> pw.Select:
    """Invoices issued by ``as_of`` with what was still open on that day."""
    paid = (Allocation
            .select(Allocation.invoice, pw.fn.SUM(Allocation.amount_minor).alias("paid"))
            .where((Allocation.allocated_on <= as_of) & ~Allocation.voided
                   & Allocation.invoice.is_null(False))
            .group_by(Allocation.invoice)
            .alias("paid_by_then"))
    open_minor = Invoice.amount_minor - pw.fn.COALESCE(paid.c.paid, 0)
    return (Invoice
            .select(Invoice.id.alias("invoice_id"), Invoice.customer.alias("customer_id"),
                    Invoice.currency, Invoice.due_date, open_minor.alias("open_minor"),
                    Invoice.status)
            .join(paid, pw.JOIN.LEFT_OUTER, on=(paid.c.invoice_id == Invoice.id))
            .where((Invoice.issue_date <= as_of) & Invoice.status.in_(_COUNTED_STATUSES)
                   & (open_minor > 0)))


_Flags = tuple[set[int], set[int], set[int]]


def _accounts_query(items: pw.Select, as_of: dt.date, edges: Sequence[int],
                    contacts: Sequence[pw.Node], include_all: bool) -> pw.Select:
    """One row per customer and currency: the customer, totals, buckets, contacts."""
    due, amount = items.c.due_date, items.c.open_minor

    def total_where(condition: pw.Expression) -> pw.Node:
        return pw.fn.SUM(pw.Case(None, [(condition, amount)], 0))

    # Bucket bounds are dates, so the SQL needs no date arithmetic (portable).
    bounds = [as_of - dt.timedelta(days=edge) for edge in edges]
    buckets = [total_where(due >= as_of)]
    newer = as_of
    for bound in bounds:
        buckets.append(total_where((due < newer) & (due >= bound)))
        newer = bound
    buckets.append(total_where(due < newer))
    overdue = total_where(due < as_of)
    accounts = (items
                .select_from(items.c.customer_id, items.c.currency,
                             pw.fn.SUM(amount).alias("total"), overdue.alias("overdue"),
                             pw.fn.MIN(due).alias("oldest"),
                             pw.Value(0).alias("disputed"),  # read apart: _with_disputes
                             *(b.alias(f"b{i}") for i, b in enumerate(buckets)))
                .group_by(items.c.customer_id, items.c.currency))
    if not include_all:
        accounts = accounts.having(overdue > 0)
    accounts = accounts.alias("accounts")
    # Aggregate first, then look each account's customer up once (not per invoice).
    return (Customer
            .select(Customer.id, Customer.code, Customer.name, accounts.c.currency,
                    Customer.on_hold, accounts.c.total, accounts.c.overdue, accounts.c.oldest,
                    accounts.c.disputed, *(accounts.c[f"b{i}"] for i in range(BUCKET_COUNT)),
                    *contacts)
            .join(accounts, on=(accounts.c.customer_id == Customer.id)))


def _row(values: Sequence, as_of: dt.date, credit: dict[tuple[int, str], int],
         flags: _Flags, day: Callable[[object], dt.date | None]) -> AccountRow:
    """An account from a query row: customer (id, code, name), currency, on hold,
    total, overdue, oldest due date, disputed, the buckets, the contact summary."""
    cid, currency = values[0], values[3]
    unallocated = credit.pop((cid, currency), 0) if credit else 0
    oldest = day(values[7])
    plans, promises, agency = flags
    end = 9 + BUCKET_COUNT
    return AccountRow(
        cid, values[1], values[2], currency, values[5] - unallocated, values[6],
        tuple(values[9:end]), max((as_of - oldest).days, 0) if oldest else 0, unallocated,
        values[8], day(values[end]), values[end + 1] or "", day(values[end + 2]),
        bool(values[4]), cid in plans, cid in promises, cid in agency)


def _accounts_without_invoices(rows: list[AccountRow], as_of: dt.date,
                               credit: dict[tuple[int, str], int], flags: _Flags,
                               contacts: Sequence[pw.Node], customer_id: int | None,
                               day: Callable[[object], dt.date | None]) -> list[AccountRow]:
    """Customers with nothing open (and accounts holding only credit), for "show all"."""
    seen = {r.customer_id for r in rows}
    zero = (0, 0, None, 0, *(0,) * BUCKET_COUNT)  # total, overdue, oldest due, disputed
    query = _only(Customer.select(Customer.id, Customer.code, Customer.name, Customer.currency,
                                  Customer.on_hold, *contacts), Customer.id, customer_id)
    extra = []
    known = {}
    for cid, code, name, currency, on_hold, *contact in database.execute(query).fetchall():
        known[cid] = (code, name, on_hold, contact)
        if cid not in seen:
            extra.append(_row((cid, code, name, currency, on_hold, *zero, *contact), as_of,
                              credit, flags, day))
    for (cid, currency) in list(credit):  # credit in a currency without open invoices
        code, name, on_hold, contact = known[cid]
        extra.append(_row((cid, code, name, currency, on_hold, *zero, *contact), as_of, credit,
                          flags, day))
    return extra


def _kept_contacts() -> tuple[pw.Node, ...]:
    """Today's contact summary, kept on the customer row."""
    return Customer.last_contact_at, Customer.last_contact_kind, Customer.next_action_on


def _contacts_on(as_of: dt.date) -> tuple[pw.Node, ...]:
    """The contact summary as it stood at the end of ``as_of`` (index seeks)."""
    end = dt.datetime.combine(as_of, dt.time.max)
    return (latest_contact(Interaction.occurred_at, end), latest_contact(Interaction.kind, end),
            next_follow_up(end))


def _kept_credit(customer_id: int | None) -> dict[tuple[int, str], int]:
    """Unallocated credit today, from the kept amounts (a small partial index)."""
    credit: dict[tuple[int, str], int] = {}
    for source in (Payment, CreditNote):
        rows = _only(source.select(source.customer, source.currency,
                                   pw.fn.SUM(source.unallocated_minor))
                     .where(source.unallocated_minor > 0), source.customer, customer_id)
        for owner, currency, amount in rows.group_by(source.customer, source.currency).tuples():
            credit[(owner, currency)] = credit.get((owner, currency), 0) + int(amount)
    return credit


def _only(query: pw.Select, field: pw.Field, customer_id: int | None) -> pw.Select:
    """The query limited to one customer, or as it is when ``customer_id`` is None."""
    return query if customer_id is None else query.where(field == customer_id)


def _credit_on(as_of: dt.date, customer_id: int | None) -> dict[tuple[int, str], int]:
    """Money received by ``as_of`` (payments, credit notes) not yet allocated then."""
    credit: dict[tuple[int, str], int] = {}
    sources = ((Payment, Payment.received_on, Allocation.payment),
               (CreditNote, CreditNote.issue_date, Allocation.credit_note))
    for source, dated, link in sources:
        used = (Allocation.select(link, pw.fn.SUM(Allocation.amount_minor).alias("used"))
                .where((Allocation.allocated_on <= as_of) & ~Allocation.voided
                       & link.is_null(False))
                .group_by(link).alias("used_by_then"))
        left = source.amount_minor - pw.fn.COALESCE(used.c.used, 0)
        rows = _only(source.select(source.customer, source.currency, pw.fn.SUM(left))
                     .join(used, pw.JOIN.LEFT_OUTER, on=(used.c[link.column_name] == source.id))
                     .where((dated <= as_of) & ~source.voided & (left > 0)),
                     source.customer, customer_id)
        rows = rows.group_by(source.customer, source.currency).tuples()
        for owner, currency, amount in rows:
            credit[(owner, currency)] = credit.get((owner, currency), 0) + int(amount)
    return credit


def _flagged_customers(as_of: dt.date, customer_id: int | None) -> _Flags:
    """Customers with an active payment plan, an open promise, or an agency case."""
    plans = PaymentPlan.select(PaymentPlan.customer).where(
        (PaymentPlan.status == "active") & (PaymentPlan.agreed_on <= as_of))
    promises = Promise.select(Promise.customer).where(
        (Promise.status == PromiseStatus.OPEN)
        & (Promise.created_at <= dt.datetime.combine(as_of, dt.time.max)))
    agency = AgencyReferral.select(AgencyReferral.customer).where(
        AgencyReferral.status.in_(LIVE_REFERRAL_STATUSES)
        & (AgencyReferral.referred_on <= as_of))
    return (
        {c for (c,) in _only(plans, PaymentPlan.customer, customer_id).tuples()},
        {c for (c,) in _only(promises, Promise.customer, customer_id).tuples()},
        {c for (c,) in _only(agency, AgencyReferral.customer, customer_id).tuples()},
    )


def _date_reader() -> Callable[[object], dt.date | None]:
    """Reads SQLite's date and timestamp text; each distinct text is parsed once."""
    @functools.lru_cache(maxsize=4096)
    def read(value: object) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value)[:10])

    return read
