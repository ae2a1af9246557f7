"""What part of an invoice is in dispute: the one rule every reader asks.

A dispute case (:mod:`models.disputes`) names the invoices a customer disputes and,
for each, the amount disputed. While the case is open that amount, up to what is
still open on the invoice, is in dispute and is not chased; the rest of the invoice
is. An invoice whose whole open amount is in dispute is kept with the status
``disputed`` (what most lists read); one disputed in part stays ``open`` and is
chased for the rest. Allocations (:mod:`models.allocations`) and the cases keep the
status in step through :func:`live_status`; ``check`` proves it.

This module reads the store and writes nothing; it imports no other rule, so the
allocations can ask it without a cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import peewee as pw

from models.dates import stored_day
from models.kinds import DisputeStatus, InvoiceStatus
from models.schema import Allocation, DisputeCase, DisputedInvoice, Invoice

# The statuses a dispute moves an invoice between (void, written off and with an agency
# are left as they are).
LIVE_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.DISPUTED, InvoiceStatus.PAID)


def disputed_part(open_minor: int, claimed_minor: int) -> int:
    """How much of an invoice with ``open_minor`` open is in dispute when open cases
    claim ``claimed_minor`` of it: the claim, but never more than is open."""
    return max(min(open_minor, claimed_minor), 0)


def chased_part(open_minor: int, claimed_minor: int) -> int:
    """How much of the invoice is still chased: what is open less what is in dispute."""
    return open_minor - disputed_part(open_minor, claimed_minor)


def live_status(open_minor: int, claimed_minor: int) -> InvoiceStatus:
    """The status of a live invoice with ``open_minor`` open and ``claimed_minor`` of it
    claimed by open cases: paid when nothing is open, disputed when all that is open is
    in dispute, else open."""
    if open_minor <= 0:
        return InvoiceStatus.PAID
    if disputed_part(open_minor, claimed_minor) == open_minor:
        return InvoiceStatus.DISPUTED
    return InvoiceStatus.OPEN


def _open_claims() -> pw.ModelSelect:
    return (DisputedInvoice.select(DisputedInvoice.invoice,
                                   pw.fn.SUM(DisputedInvoice.disputed_minor).alias("claimed"))
            .join(DisputeCase).where(DisputeCase.status == DisputeStatus.OPEN)
            .group_by(DisputedInvoice.invoice))


def claims(invoice_ids: Iterable[int] | None = None, *,
           customer_id: int | None = None,
           customer_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Invoice id -> the amount open cases claim of it (all invoices in open cases, or
    only ``invoice_ids``, or only ``customer_id``'s, or those of ``customer_ids``)."""
    query = _open_claims()
    if customer_ids is not None:
        query = query.where(DisputeCase.customer.in_(list(customer_ids)))
    if invoice_ids is not None:
        ids = list(invoice_ids)
        if not ids:
            return {}
        query = query.where(DisputedInvoice.invoice.in_(ids))
    if customer_id is not None:
        query = query.where(DisputeCase.customer == customer_id)
    return {invoice_id: int(claimed) for invoice_id, claimed in query.tuples()}


def claim_on(invoice_id: int) -> int:
    """The amount open cases claim of one invoice (0 when none)."""
    return claims([invoice_id]).get(invoice_id, 0)


def disputed_by_account(as_of: dt.date, customer_id: int | None = None, *,
                        current: bool = False) -> dict[tuple[int, str], int]:
    """(customer id, currency) -> the amount in dispute at the end of ``as_of``: for
    each invoice in a case open that day, its claim up to what was open on it then.
    ``current``: the cases open now (today's lists, whatever day they were raised)."""
    paid = (Allocation.select(pw.fn.COALESCE(pw.fn.SUM(Allocation.amount_minor), 0))
            .where((Allocation.invoice == Invoice.id) & ~Allocation.voided
                   & (Allocation.allocated_on <= as_of)))
    query = (DisputedInvoice
             .select(Invoice.customer, Invoice.currency, Invoice.amount_minor, Invoice.status,
                     paid.alias("paid"), pw.fn.SUM(DisputedInvoice.disputed_minor))
             .join(DisputeCase).switch(DisputedInvoice).join(Invoice)
             .where(_open(as_of, current) & (Invoice.status != InvoiceStatus.VOID))
             .group_by(Invoice.id, Invoice.customer, Invoice.currency, Invoice.amount_minor,
                       Invoice.status))
    if customer_id is not None:
        query = query.where(DisputeCase.customer == customer_id)
    found: dict[tuple[int, str], int] = {}
    for owner, currency, amount, _status, paid_minor, claimed in query.tuples():
        part = disputed_part(amount - int(paid_minor), int(claimed))
        if part:
            found[(owner, currency)] = found.get((owner, currency), 0) + part
    return found


def _open(as_of: dt.date, current: bool) -> pw.Expression:
    return DisputeCase.status == DisputeStatus.OPEN if current else open_on(as_of)


def open_on(as_of: dt.date) -> pw.Expression:
    """Cases open at the end of ``as_of``: raised by then and not resolved by then."""
    return ((DisputeCase.raised_on <= as_of)
            & ((DisputeCase.status == DisputeStatus.OPEN)
               | (DisputeCase.resolved_on > as_of)))


def oldest_open_on(as_of: dt.date, customer_id: int | None = None, *,
                   current: bool = False) -> dict[tuple[int, str], dt.date]:
    """(customer id, currency) -> the day the oldest case open at the end of ``as_of``
    (``current``: open now) was raised: how long the account has been in dispute."""
    query = (DisputeCase.select(DisputeCase.customer, DisputeCase.currency,
                                pw.fn.MIN(DisputeCase.raised_on))
             .where(_open(as_of, current))
             .group_by(DisputeCase.customer, DisputeCase.currency))
    if customer_id is not None:
        query = query.where(DisputeCase.customer == customer_id)
    return {(owner, currency): stored_day(raised) for owner, currency, raised in query.tuples()}
