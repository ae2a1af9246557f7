"""Customers on a credit policy, and invoices due on a day, for the interest tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from models.ledger import CustomerDraft, InvoiceDraft, add_customer, add_invoice
from models.schema import CreditPolicy


def policy(regime: str, rate: str | None = None, grace: int = 0,
           compensation: bool = False) -> int:
    """A credit policy of its own for a test."""
    return CreditPolicy.create(name=f"{regime} {rate} {grace} {compensation}", regime=regime,
                               rate_percent=None if rate is None else Decimal(rate),
                               grace_days=grace, fixed_compensation=compensation).id


def customer_on(policy_id: int | None, currency: str = "GBP", name: str = "Brick & Co") -> int:
    """A customer whose credit policy is ``policy_id`` (None: no policy)."""
    return add_customer(CustomerDraft(code="", name=name, currency=currency,
                                      credit_policy_id=policy_id))


def invoice_due(customer_id: int, due: dt.date, amount_minor: int, number: str) -> int:
    """An invoice due on ``due``, issued 30 days before."""
    return add_invoice(customer_id, InvoiceDraft(number=number, issue_date=due - dt.timedelta(30),
                                                 due_date=due, amount_minor=amount_minor))


def customer_on_shipped_policy(name: str, policy_name: str) -> int:
    """A customer (with a billing contact) on one of the credit policies every business
    starts with, by its name, the shipped reference rates in the store."""
    from models.reference_rates import seed_reference_rates
    from models.schema import Customer
    from tests.unit.ledger_helpers import customer

    seed_reference_rates()
    who = customer(name)
    shipped = CreditPolicy.get(CreditPolicy.name == policy_name)
    Customer.update(credit_policy=shipped).where(Customer.id == who).execute()
    return who
