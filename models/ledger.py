"""Posting to a customer's account: payments, credit notes, disputes, holds, edits.

Every function here writes in one IMMEDIATE transaction, keeps each
invoice's open amount in step with its allocations, and records the change
in the audit log. Posted money is never edited away: it is voided.
Bad input raises :class:`LedgerError` naming the field and saying why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


class LedgerError(ValueError):
    """Input the ledger refuses, with the field it concerns and a plain message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class AllocatedPart:
    invoice_id: int
    invoice_number: str
    amount_minor: int


@dataclass(frozen=True)
class PaymentResult:
    """What a recorded payment paid, and what is left as credit on the account."""

    payment_id: int
    allocated: tuple[AllocatedPart, ...]
    unallocated_minor: int


@dataclass(frozen=True)
class Choice:
    """An item of a pick list (payment terms, a policy): its id and its name."""

    id: int
    name: str


@dataclass(frozen=True)
class PickLists:
    payment_terms: tuple[Choice, ...]
    credit_policies: tuple[Choice, ...]
    followup_policies: tuple[Choice, ...]


@dataclass(frozen=True)
class CustomerDraft:
    """A customer's details as typed in the customer dialog."""

    code: str
    name: str
    currency: str
    contact_name: str = ""
    billing_email: str = ""
    phone: str = ""
    address: str = ""
    country: str = ""
    language: str = "en"
    payment_terms_id: int | None = None
    credit_policy_id: int | None = None
    followup_policy_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class InvoiceDraft:
    """An invoice as typed in the invoice dialog (amount in minor units)."""

    number: str
    issue_date: dt.date
    due_date: dt.date
    amount_minor: int
    external_ref: str = ""


PAYMENT_METHODS = ("bank transfer", "card", "cheque", "cash", "direct debit", "other")


def parse_amount(text: str, currency: str) -> int:
    """Minor units from what a user typed ("1,234.50", "1234.5", "£ 12")."""
    raise NotImplementedError


def parse_date(text: str) -> dt.date:
    """A date from what a user typed: YYYY-MM-DD (also DD/MM/YYYY and DD.MM.YYYY)."""
    raise NotImplementedError


def pick_lists() -> PickLists:
    """The payment terms and policies a customer can be given."""
    raise NotImplementedError


def record_payment(customer_id: int, *, received_on: dt.date, amount_minor: int,
                   method: str = "bank transfer", reference: str = "",
                   allocate_to: Sequence[tuple[int, int]] | None = None,
                   today: dt.date | None = None) -> PaymentResult:
    """Record money received and allocate it; what is left stays as credit.

    ``allocate_to`` lists (invoice id, amount) chosen by the user; None
    allocates oldest due first. Refuses a zero or negative amount, a date
    after today, an invoice of another customer or currency, and an
    allocation above what is open or above the payment.
    """
    raise NotImplementedError


def allocate_credit(customer_id: int, *, payment_id: int | None = None,
                    credit_note_id: int | None = None,
                    allocate_to: Sequence[tuple[int, int]] | None = None,
                    on: dt.date | None = None) -> tuple[AllocatedPart, ...]:
    """Allocate a payment's or credit note's unallocated credit to open invoices."""
    raise NotImplementedError


def add_credit_note(customer_id: int, *, number: str, issue_date: dt.date, amount_minor: int,
                    reason: str = "", invoice_id: int | None = None,
                    today: dt.date | None = None) -> int:
    """Grant a credit note; allocated to ``invoice_id`` if given, else kept as credit."""
    raise NotImplementedError


def void_payment(payment_id: int, reason: str) -> None:
    """Void a payment recorded by mistake; its allocations are undone."""
    raise NotImplementedError


def void_invoice(invoice_id: int, reason: str) -> None:
    """Void an invoice issued by mistake (only while nothing is allocated to it)."""
    raise NotImplementedError


def dispute_invoice(invoice_id: int, reason: str) -> None:
    """Put an invoice in dispute: follow-up stops for it until released."""
    raise NotImplementedError


def release_dispute(invoice_id: int) -> None:
    """End an invoice's dispute; it is chased again if still open."""
    raise NotImplementedError


def put_on_hold(customer_id: int, reason: str) -> None:
    """Stop all follow-up with a customer, with the reason."""
    raise NotImplementedError


def release_hold(customer_id: int) -> None:
    """Resume follow-up with a customer."""
    raise NotImplementedError


def add_customer(draft: CustomerDraft) -> int:
    """Create a customer; refuses a duplicate code, an empty name or a bad currency."""
    raise NotImplementedError


def update_customer(customer_id: int, draft: CustomerDraft) -> None:
    """Change a customer's details (audited)."""
    raise NotImplementedError


def add_invoice(customer_id: int, draft: InvoiceDraft) -> int:
    """Record an invoice; refuses a duplicate number, a due date before issue, a
    zero or negative amount."""
    raise NotImplementedError


def update_invoice(invoice_id: int, draft: InvoiceDraft) -> None:
    """Correct an invoice's number, dates or reference (audited). The amount can
    change only while nothing is allocated to it; otherwise void and re-issue."""
    raise NotImplementedError
