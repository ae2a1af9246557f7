"""A one-glance summary of the open store for the window's status bar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from models.schema import Customer, Invoice


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    overdue_minor: int
    overdue_invoices: int


@dataclass(frozen=True)
class StoreOverview:
    """How many customers and open invoices, and what is overdue per currency."""

    as_of: dt.date
    customers: int
    open_invoices: int
    overdue: tuple[CurrencyTotal, ...]


def has_invoices() -> bool:
    """Whether the business has any invoice in Duly yet (a new company has none)."""
    return bool(Invoice.select().exists())


def store_overview(as_of: dt.date) -> StoreOverview:
    """Counts and overdue totals as of today's date, from open invoices only."""
    open_invoices = Invoice.select().where(Invoice.open_minor > 0).count()
    rows = (Invoice
            .select(Invoice.currency, pw.fn.SUM(Invoice.open_minor), pw.fn.COUNT(Invoice.id))
            .where((Invoice.open_minor > 0) & (Invoice.due_date < as_of))
            .group_by(Invoice.currency)
            .order_by(Invoice.currency)
            .tuples())
    return StoreOverview(
        as_of=as_of,
        customers=Customer.select().count(),
        open_invoices=open_invoices,
        overdue=tuple(CurrencyTotal(c, int(s), int(n)) for c, s, n in rows),
    )
