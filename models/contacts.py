"""Contacts with customers, and the summary each customer keeps of them.

Each customer keeps its latest contact and its next follow-up date, updated
in the same transaction as the contacts, so today's lists read them from the
customer row instead of searching every contact; ``check`` proves that the
kept summary matches the contacts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import peewee as pw

from models.schema import Customer, Interaction


def latest_contact(column: pw.Field, until: dt.datetime | None = None) -> pw.Select:
    """The customer's latest contact's ``column``, up to ``until`` (one index seek).

    A subquery on the outer query's customer row.
    """
    where = Interaction.customer == Customer.id
    if until is not None:
        where &= Interaction.occurred_at <= until
    return (Interaction.select(column).where(where)
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(1))


def next_follow_up(until: dt.datetime | None = None) -> pw.Select:
    """The earliest follow-up date still to do, as recorded by ``until``.

    A subquery on the outer query's customer row (the partial follow-up index).
    """
    where = ((Interaction.customer == Customer.id) & Interaction.follow_up_on.is_null(False)
             & ~Interaction.follow_up_done)
    if until is not None:
        where &= Interaction.created_at <= until
    return Interaction.select(pw.fn.MIN(Interaction.follow_up_on)).where(where)


def contact_summary() -> dict[pw.Field, pw.Node]:
    """What each kept summary column should hold, as SQL on the customer row."""
    return {
        Customer.last_contact_at: latest_contact(Interaction.occurred_at),
        Customer.last_contact_kind: pw.fn.COALESCE(latest_contact(Interaction.kind), ""),
        Customer.next_action_on: next_follow_up(),
    }


def refresh_contact_summary(customer_ids: Iterable[int] | None = None) -> None:
    """Bring the kept contact summary up to date, for some customers or all.

    Call inside the transaction that changed their contacts.
    """
    query = Customer.update(contact_summary())
    if customer_ids is not None:
        query = query.where(Customer.id.in_(list(customer_ids)))
    query.execute()
