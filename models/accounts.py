"""Who owes what, and how late: the overdue accounts list and its totals.

Figures come from SQL aggregation. For today (or later) they read only open
invoices through the partial index on the kept open amounts; for a past
as-of date they are derived from the allocations made up to that day, so a
payment that arrived after the as-of date does not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import peewee as pw

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
)

DEFAULT_BUCKET_EDGES = (30, 60, 90)
BUCKET_COUNT = len(DEFAULT_BUCKET_EDGES) + 2  # current, three ranges, over the last edge
_COUNTED_STATUSES = ("open", "paid", "disputed", "with_agency")


@dataclass(frozen=True)
class AccountRow:
    """One customer's account in one currency, as of a date."""

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
    open_invoice_numbers: tuple[str, ...]


@dataclass(frozen=True)
class CurrencyTotals:
    """The overdue totals of all accounts in one currency."""

    currency: str
    accounts: int
    balance_minor: int
    overdue_minor: int
    buckets: tuple[int, ...]


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
    open amounts; earlier ones are derived from allocations up to ``as_of``.
    ``customer_id`` limits the list to one customer's accounts.
    """
    _check_edges(edges)
    today = today or dt.date.today()
    open_items = _open_today() if as_of >= today else _open_on(as_of)
    if customer_id is not None:
        open_items = open_items.where(Invoice.customer == customer_id)
    cases = _bucket_cases(open_items, as_of, edges)
    rows = (open_items
            .select_from(open_items.c.customer_id, open_items.c.currency,
                         pw.fn.SUM(open_items.c.open_minor),
                         pw.fn.SUM(pw.Case(None, [(open_items.c.due_date < as_of,
                                                   open_items.c.open_minor)], 0)),
                         pw.fn.MIN(open_items.c.due_date),
                         pw.fn.SUM(pw.Case(None, [(open_items.c.status == "disputed",
                                                   open_items.c.open_minor)], 0)),
                         *cases)
            .group_by(open_items.c.customer_id, open_items.c.currency)
            .tuples())
    figures = {(r[0], r[1]): r[2:] for r in rows}
    credit = _unallocated_credit(as_of, customer_id)
    numbers = _open_numbers(open_items)
    keys = set(figures) | set(credit)
    customers = {c.id: c for c in _only(Customer.select(
        Customer.id, Customer.code, Customer.name, Customer.currency, Customer.on_hold),
        Customer.id, customer_id)}
    if include_all:
        with_accounts = {k[0] for k in keys}
        keys |= {(cid, c.currency) for cid, c in customers.items() if cid not in with_accounts}
    contacts = _last_contacts(as_of, customer_id)
    actions = _next_actions(as_of, customer_id)
    plans, promises, agency = _flagged_customers(as_of, customer_id)
    result = []
    for customer_id, currency in keys:
        total, overdue, oldest_due, disputed, *buckets = figures.get(
            (customer_id, currency), (0, 0, None, 0, *([0] * (len(edges) + 2))))
        if not include_all and not overdue:
            continue
        customer = customers[customer_id]
        last = contacts.get(customer_id)
        unallocated = credit.get((customer_id, currency), 0)
        result.append(AccountRow(
            customer_id=customer_id, code=customer.code, name=customer.name,
            currency=currency, balance_minor=int(total) - unallocated,
            overdue_minor=int(overdue), buckets=tuple(int(b) for b in buckets),
            oldest_days_overdue=_days_overdue(oldest_due, as_of),
            unallocated_minor=unallocated, disputed_minor=int(disputed),
            last_contact_on=last[0] if last else None,
            last_contact_kind=last[1] if last else "",
            next_action_on=actions.get(customer_id), on_hold=customer.on_hold,
            has_plan=customer_id in plans, has_open_promise=customer_id in promises,
            with_agency=customer_id in agency,
            open_invoice_numbers=numbers.get((customer_id, currency), ()),
        ))
    result.sort(key=lambda r: (-r.overdue_minor, r.name))
    return result


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


def _open_today() -> pw.Select:
    """Open invoices with their kept open amounts (reads the partial index)."""
    return (Invoice
            .select(Invoice.id, Invoice.customer.alias("customer_id"), Invoice.currency,
                    Invoice.due_date, Invoice.open_minor, Invoice.status, Invoice.number)
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
            .select(Invoice.id, Invoice.customer.alias("customer_id"), Invoice.currency,
                    Invoice.due_date, open_minor.alias("open_minor"), Invoice.status,
                    Invoice.number)
            .join(paid, pw.JOIN.LEFT_OUTER, on=(paid.c.invoice_id == Invoice.id))
            .where((Invoice.issue_date <= as_of) & Invoice.status.in_(_COUNTED_STATUSES)
                   & (open_minor > 0)))


def _bucket_cases(items: pw.Select, as_of: dt.date, edges: Sequence[int]) -> list[pw.Node]:
    """SUM(CASE …) per bucket, on due-date boundaries (portable: no date arithmetic)."""
    due, amount = items.c.due_date, items.c.open_minor
    bounds = [as_of - dt.timedelta(days=edge) for edge in edges]
    cases = [pw.fn.SUM(pw.Case(None, [(due >= as_of, amount)], 0))]
    newer = as_of
    for bound in bounds:
        cases.append(pw.fn.SUM(pw.Case(None, [((due < newer) & (due >= bound), amount)], 0)))
        newer = bound
    cases.append(pw.fn.SUM(pw.Case(None, [(due < newer, amount)], 0)))
    return cases


def _only(query: pw.Select, field: pw.Field, customer_id: int | None) -> pw.Select:
    """The query limited to one customer, or as it is when ``customer_id`` is None."""
    return query if customer_id is None else query.where(field == customer_id)


def _unallocated_credit(as_of: dt.date,
                        customer_id: int | None) -> dict[tuple[int, str], int]:
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


def _open_numbers(items: pw.Select) -> dict[tuple[int, str], tuple[str, ...]]:
    numbers: dict[tuple[int, str], list[str]] = {}
    query = items.select_from(items.c.customer_id, items.c.currency, items.c.number)
    for customer_id, currency, number in query.tuples():
        numbers.setdefault((customer_id, currency), []).append(number)
    return {key: tuple(sorted(value)) for key, value in numbers.items()}


def _last_contacts(as_of: dt.date, customer_id: int | None) -> dict[int, tuple[dt.date, str]]:
    """Each customer's latest contact on or before ``as_of``: its date and kind."""
    end = dt.datetime.combine(as_of, dt.time.max)
    latest = (_only(Interaction
                    .select(Interaction.customer, pw.fn.MAX(Interaction.occurred_at).alias("at"))
                    .where(Interaction.occurred_at <= end), Interaction.customer, customer_id)
              .group_by(Interaction.customer).alias("latest"))
    rows = (Interaction.select(Interaction.customer, Interaction.occurred_at, Interaction.kind)
            .join(latest, on=((latest.c.customer_id == Interaction.customer)
                              & (latest.c.at == Interaction.occurred_at)))
            .tuples())
    return {customer_id: (_as_date(at), kind) for customer_id, at, kind in rows}


def _next_actions(as_of: dt.date, customer_id: int | None) -> dict[int, dt.date]:
    """The earliest follow-up date still to do, per customer."""
    rows = (_only(Interaction.select(Interaction.customer, pw.fn.MIN(Interaction.follow_up_on))
                  .where(Interaction.follow_up_on.is_null(False) & ~Interaction.follow_up_done
                         & (Interaction.created_at <= dt.datetime.combine(as_of, dt.time.max))),
                  Interaction.customer, customer_id)
            .group_by(Interaction.customer).tuples())
    return {customer_id: _as_date(day) for customer_id, day in rows}


def _flagged_customers(as_of: dt.date,
                       customer_id: int | None) -> tuple[set[int], set[int], set[int]]:
    """Customers with an active payment plan, an open promise, or an agency case."""
    plans = PaymentPlan.select(PaymentPlan.customer).where(
        (PaymentPlan.status == "active") & (PaymentPlan.agreed_on <= as_of))
    promises = Promise.select(Promise.customer).where(
        (Promise.status == "open")
        & (Promise.created_at <= dt.datetime.combine(as_of, dt.time.max)))
    agency = AgencyReferral.select(AgencyReferral.customer).where(
        AgencyReferral.status.in_(("referred", "collecting"))
        & (AgencyReferral.referred_on <= as_of))
    return (
        {c for (c,) in _only(plans, PaymentPlan.customer, customer_id).tuples()},
        {c for (c,) in _only(promises, Promise.customer, customer_id).tuples()},
        {c for (c,) in _only(agency, AgencyReferral.customer, customer_id).tuples()},
    )


def _days_overdue(oldest_due: object, as_of: dt.date) -> int:
    if oldest_due is None:
        return 0
    return max((as_of - _as_date(oldest_due)).days, 0)


def _as_date(value: object) -> dt.date:
    """A date from what SQLite hands back for aggregates (text) or a column (date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
