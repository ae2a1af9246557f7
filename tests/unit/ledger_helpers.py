"""Building accounts for tests through the ledger itself, as the window would."""

from __future__ import annotations

import datetime as dt

from models.ledger import CustomerDraft, InvoiceDraft, add_customer, add_invoice

TODAY = dt.date(2026, 11, 24)
_numbers = iter(range(1, 10**9))


def customer(name: str = "Zoë Ødegård AS", currency: str = "GBP") -> int:
    """A new customer with a billing contact."""
    return add_customer(CustomerDraft(code="", name=name, currency=currency,
                                      contact_name="Zoë Ødegård",
                                      billing_email="zoe@example.com"))


def invoice(customer_id: int, amount_minor: int, *, due_days_ago: int,
            number: str | None = None, issued_days_before_due: int = 30) -> int:
    """An invoice due ``due_days_ago`` days before TODAY (negative: due later), entered
    on the day it was issued (so its follow-up counts from its due date)."""
    due = TODAY - dt.timedelta(days=due_days_ago)
    issued = due - dt.timedelta(days=issued_days_before_due)
    return add_invoice(customer_id, InvoiceDraft(
        number=number or f"T-{next(_numbers):06d}", issue_date=issued, due_date=due,
        amount_minor=amount_minor), today=issued)
