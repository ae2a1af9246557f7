"""Who owes what, and how late: the overdue accounts list and its totals.

Figures come from SQL aggregation. For today (or later) they read only open
invoices through the partial index on the kept open amounts. For a past
as-of date, what was open then is what is open now plus what was allocated
after that day (summed from the allocations' covering indexes), so a payment
that arrived after the as-of date does not count.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

import peewee as pw

from models.dates import stored_day
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
    money_sum,
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
    items = _open_today(customer_id) if kept else _open_on(as_of, customer_id)
    query = _accounts_query(items, as_of, edges, contacts, include_all)
    credit = _kept_credit(customer_id) if kept else _credit_on(as_of, customer_id)
    flags = _flagged_customers(as_of, customer_id)
    # Plain cursor rows: peewee's per-row conversion would double the time here.
    day = _date_reader()
    disputes = _disputes(as_of, customer_id, kept)
    result = _rows(database.execute(query).fetchall(), as_of, credit, flags, day, disputes)
    if include_all:
        result += _accounts_without_invoices(result, as_of, credit, flags, contacts,
                                             customer_id, day)
    # Most overdue first, then by name: two stable sorts on plain fields, cheaper than
    # one on a (-overdue, name) key built for each of thousands of rows.
    result.sort(key=attrgetter("name"))
    result.sort(key=attrgetter("overdue_minor"), reverse=True)
    return result


_Disputes = tuple[set[int], dict[tuple[int, str], int], dict[tuple[int, str], dt.date]]
_NO_DISPUTES: _Disputes = (set(), {}, {})


def _disputes(as_of: dt.date, customer_id: int | None, current: bool) -> _Disputes:
    """What is in dispute on each account and since when (the few open cases, read
    apart from the invoices: :mod:`models.disputed`), and the customers concerned."""
    disputed = disputed_by_account(as_of, customer_id, current=current)
    raised = oldest_open_on(as_of, customer_id, current=current)
    return {cid for cid, _ in disputed} | {cid for cid, _ in raised}, disputed, raised


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
    due_date, open_minor, status), each invoice once: from today on the kept open
    amounts, before then what was still open that day (:func:`_open_on`)."""
    return _open_today() if as_of >= (today or dt.date.today()) else _open_on(as_of)


def _open_today(customer_id: int | None = None) -> pw.Select:
    """Open invoices with their kept open amounts (reads the partial index)."""
    return _only(Invoice
                 .select(Invoice.id.alias("invoice_id"), Invoice.customer.alias("customer_id"),
                         Invoice.currency, Invoice.due_date, Invoice.open_minor,
                         Invoice.status)
                 .where((Invoice.open_minor > 0) & Invoice.status.in_(_COUNTED_STATUSES)),
                 Invoice.customer, customer_id)


def _open_on(as_of: dt.date, customer_id: int | None = None) -> pw.Select:
    """Invoices issued by ``as_of`` with what was still open on that day: the kept open
    amount plus what was allocated to it after that day. Those paid since are found
    from the allocations' index in invoice order, then each invoice once; those open
    now with nothing allocated since keep their open amount."""
    later = _allocated_after(as_of, Allocation.invoice)
    counted = (Invoice.issue_date <= as_of) & Invoice.status.in_(_COUNTED_STATUSES)
    paid_since = _only(
        Invoice.select(Invoice.id.alias("invoice_id"), Invoice.customer.alias("customer_id"),
                       Invoice.currency, Invoice.due_date,
                       (Invoice.open_minor + later.c.paid).alias("open_minor"), Invoice.status)
        .from_(later).join(Invoice, pw.JOIN.CROSS)  # in the index's order: no sort
        .where((Invoice.id == later.c.invoice_id) & counted),
        Invoice.customer, customer_id)
    untouched = (Allocation.select(pw.SQL("1"))
                 .where((Allocation.invoice == Invoice.id) & ~Allocation.voided
                        & (Allocation.allocated_on > as_of)))
    open_since = _open_today(customer_id).where(
        (Invoice.issue_date <= as_of) & ~pw.fn.EXISTS(untouched))
    return paid_since.union_all(open_since)


def _allocated_after(as_of: dt.date, link: pw.ForeignKeyField, *,
                     late: bool = False) -> pw.Select:
    """What was allocated to or from each document (by ``link``) after ``as_of``: a
    subquery of its id (named as the link's column) and ``paid``, read from the
    link's covering index alone; with ``late``, only what was allocated later than its
    payment's or credit note's day, from their small partial index (store v29)."""
    made = (Allocation.late & ~Allocation.voided) if late else ~Allocation.voided
    return (Allocation.select(link.alias(link.column_name),
                              pw.fn.SUM(Allocation.amount_minor).alias("paid"))
            .where(link.is_null(False) & made & (Allocation.allocated_on > as_of))
            .group_by(link)
            .alias("allocated_after"))


_Flags = tuple[set[int], set[int], set[int]]


def _accounts_query(items: pw.Select, as_of: dt.date, edges: Sequence[int],
                    contacts: Sequence[pw.Node], include_all: bool) -> pw.Select:
    """One row per customer and currency: the customer, totals, buckets, contacts."""
    due, amount = items.c.due_date, items.c.open_minor

    def total_where(condition: pw.Expression) -> pw.Node:
        return money_sum(pw.Case(None, [(condition, amount)], 0))

    # Bucket bounds are dates, so the SQL needs no date arithmetic (portable).
    bounds = [as_of - dt.timedelta(days=edge) for edge in edges]
    buckets = [total_where(due >= as_of)]
    newer = as_of
    for bound in bounds:
        buckets.append(total_where((due < newer) & (due >= bound)))
        newer = bound
    buckets.append(total_where(due < newer))
    # The balance and what is overdue are the buckets added up (in _row); the disputed
    # amounts are read apart (_disputes). Every item here has something open, so an
    # account is overdue when its oldest item fell due before the as-of date.
    oldest = pw.fn.MIN(due)
    accounts = (items
                .select_from(items.c.customer_id, items.c.currency, oldest.alias("oldest"),
                             *(b.alias(f"b{i}") for i, b in enumerate(buckets)))
                .group_by(items.c.customer_id, items.c.currency))
    if not include_all:
        accounts = accounts.having(oldest < as_of)
    accounts = accounts.alias("accounts")
    # Aggregate first, then look each account's customer up once (not per invoice).
    return (Customer
            .select(Customer.id, Customer.code, Customer.name, accounts.c.currency,
                    Customer.on_hold, accounts.c.oldest,
                    *(accounts.c[f"b{i}"] for i in range(BUCKET_COUNT)), *contacts)
            .join(accounts, on=(accounts.c.customer_id == Customer.id)))


_CONTACTS = 6 + BUCKET_COUNT  # where a row's contact summary starts


def _row(values: Sequence, as_of: dt.date, credit: dict[tuple[int, str], int],
         flags: _Flags, day: Callable[[object], dt.date | None]) -> AccountRow:
    """An account from a query row: customer (id, code, name), currency, on hold,
    oldest due date, the buckets, the contact summary."""
    return _rows([values], as_of, credit, flags, day, _NO_DISPUTES)[0]


def _rows(rows: Iterable[Sequence], as_of: dt.date, credit: dict[tuple[int, str], int],
          flags: _Flags, day: Callable[[object], dt.date | None],
          disputes: _Disputes) -> list[AccountRow]:
    """The accounts from query rows (:func:`_row`) with what is in dispute on them, in
    one loop: the list makes thousands, and a call per row would cost a fifth of it."""
    plans, promises, agency = flags
    in_dispute, disputed, raised = disputes
    today = as_of.toordinal()
    found = []
    for values in rows:
        cid, currency = values[0], values[3]
        unallocated = credit.pop((cid, currency), 0) if credit else 0
        oldest = day(values[5])
        buckets = tuple(values[6:_CONTACTS])
        total = sum(buckets)
        claimed, since = ((disputed.get((cid, currency), 0), raised.get((cid, currency)))
                          if cid in in_dispute else (0, None))
        found.append(_new_row(AccountRow, (
            cid, values[1], values[2], currency, total - unallocated, total - buckets[0],
            buckets, max(today - oldest.toordinal(), 0) if oldest else 0, unallocated,
            claimed, day(values[_CONTACTS]), values[_CONTACTS + 1] or "",
            day(values[_CONTACTS + 2]), bool(values[4]), cid in plans, cid in promises,
            cid in agency, since)))
    return found


# Every field given, in order: the tuple is built without the named tuple's own __new__.
_new_row = tuple.__new__


def _accounts_without_invoices(rows: list[AccountRow], as_of: dt.date,
                               credit: dict[tuple[int, str], int], flags: _Flags,
                               contacts: Sequence[pw.Node], customer_id: int | None,
                               day: Callable[[object], dt.date | None]) -> list[AccountRow]:
    """Customers with nothing open (and accounts holding only credit), for "show all"."""
    seen = {r.customer_id for r in rows}
    zero = (None, *(0,) * BUCKET_COUNT)  # oldest due, the buckets
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
    # Only a past day's list needs it: today's reads the kept summary, and the contacts
    # module (input rules, audit, note search) is not imported for it.
    from models.contacts import latest_contact, next_follow_up

    end = dt.datetime.combine(as_of, dt.time.max)
    return (latest_contact(Interaction.occurred_at, end), latest_contact(Interaction.kind, end),
            next_follow_up(end))


def _kept_credit(customer_id: int | None) -> dict[tuple[int, str], int]:
    """Unallocated credit today, from the kept amounts (a small partial index each),
    payments' and credit notes' in one query (on a server, one round trip)."""
    sums = [_only(source.select(source.customer, source.currency,
                                pw.fn.SUM(source.unallocated_minor))
                  .where(source.unallocated_minor > 0), source.customer, customer_id)
            .group_by(source.customer, source.currency) for source in (Payment, CreditNote)]
    credit: dict[tuple[int, str], int] = {}
    for owner, currency, amount in database.execute(sums[0].union_all(sums[1])).fetchall():
        credit[(owner, currency)] = credit.get((owner, currency), 0) + int(amount)
    return credit


def _only(query: pw.Select, field: pw.Field, customer_id: int | None) -> pw.Select:
    """The query limited to one customer, or as it is when ``customer_id`` is None."""
    return query if customer_id is None else query.where(field == customer_id)


def _credit_on(as_of: dt.date, customer_id: int | None) -> dict[tuple[int, str], int]:
    """Money received by ``as_of`` (payments, credit notes) not yet allocated then: what
    is unallocated now plus what was allocated from it after that day, which was
    allocated later than the day it was received (or issued), flagged ``late``."""
    credit: dict[tuple[int, str], int] = {}
    sources = ((Payment, Payment.received_on, Allocation.payment),
               (CreditNote, CreditNote.issue_date, Allocation.credit_note))
    for source, dated, link in sources:
        received = (dated <= as_of) & ~source.voided
        later = _allocated_after(as_of, link, late=True)
        since = (source.select(source.customer, source.currency, pw.fn.SUM(later.c.paid))
                 .from_(later).join(source, pw.JOIN.CROSS)
                 .where((source.id == later.c[link.column_name]) & received))
        left = (source.select(source.customer, source.currency,
                              pw.fn.SUM(source.unallocated_minor))
                .where((source.unallocated_minor > 0) & received))
        for query in (since, left):
            rows = _only(query, source.customer, customer_id)
            for owner, currency, amount in rows.group_by(source.customer,
                                                        source.currency).tuples():
                credit[(owner, currency)] = credit.get((owner, currency), 0) + int(amount)
    return credit


def _flagged_customers(as_of: dt.date, customer_id: int | None) -> _Flags:
    """Customers with an active payment plan, an open promise, or an agency case (one
    query: on a server, one round trip)."""
    plans = PaymentPlan.select(pw.Value(0), PaymentPlan.customer).where(
        (PaymentPlan.status == "active") & (PaymentPlan.agreed_on <= as_of))
    promises = Promise.select(pw.Value(1), Promise.customer).where(
        (Promise.status == PromiseStatus.OPEN)
        & (Promise.created_at <= dt.datetime.combine(as_of, dt.time.max)))
    agency = AgencyReferral.select(pw.Value(2), AgencyReferral.customer).where(
        AgencyReferral.status.in_(LIVE_REFERRAL_STATUSES)
        & (AgencyReferral.referred_on <= as_of))
    flagged: _Flags = (set(), set(), set())
    query = (_only(plans, PaymentPlan.customer, customer_id)
             .union_all(_only(promises, Promise.customer, customer_id))
             .union_all(_only(agency, AgencyReferral.customer, customer_id)))
    # Plain cursor rows: peewee's per-row conversion costs more than the reading here.
    for flag, customer in database.execute(query).fetchall():
        flagged[flag].add(customer)
    return flagged


def _date_reader() -> Callable[[object], dt.date | None]:
    """Reads SQLite's date and timestamp text; each distinct text is parsed once."""
    @functools.lru_cache(maxsize=4096)
    def read(value: object) -> dt.date | None:
        return None if value is None else stored_day(value)

    return read
