"""One customer's account: header figures, invoices, money received, credit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.ledger import CustomerDraft


@dataclass(frozen=True)
class CurrencyBalance:
    """A customer's figures in one currency as of a date."""

    currency: str
    balance_minor: int  # open invoices less unallocated credit
    overdue_minor: int
    buckets: tuple[int, ...]  # current, 1-30, 31-60, 61-90, over 90
    unallocated_minor: int
    disputed_minor: int


@dataclass(frozen=True)
class CustomerHeader:
    """What the top of a customer's account shows."""

    id: int
    code: str
    name: str
    contact_name: str
    billing_email: str
    phone: str
    address: str
    currency: str
    balances: tuple[CurrencyBalance, ...]  # the customer's currency first
    on_hold: bool
    hold_reason: str
    has_plan: bool
    has_open_promise: bool
    with_agency: bool
    last_contact_on: dt.date | None
    days_since_contact: int | None


@dataclass(frozen=True)
class InvoiceRow:
    """One invoice on the account, as of a date."""

    id: int
    number: str
    issue_date: dt.date
    due_date: dt.date
    currency: str
    amount_minor: int
    paid_minor: int  # payments and credit notes allocated to it
    open_minor: int
    days_overdue: int  # 0 if not yet due or nothing open
    status: str  # open, paid, disputed, written_off, with_agency, void
    dispute_reason: str


@dataclass(frozen=True)
class AllocationRow:
    invoice_id: int
    invoice_number: str
    allocated_on: dt.date
    amount_minor: int


@dataclass(frozen=True)
class MoneyInRow:
    """A payment or credit note, what it paid, and what is left as credit."""

    kind: str  # "payment" or "credit note"
    id: int
    date: dt.date
    reference: str  # the payment's reference or the credit note's number
    method: str  # payment method, or the credit note's reason
    currency: str
    amount_minor: int
    allocated_minor: int
    unallocated_minor: int
    voided: bool
    allocations: tuple[AllocationRow, ...]


@dataclass(frozen=True)
class CustomerListRow:
    """A customer in the Customers list."""

    id: int
    code: str
    name: str
    currency: str
    balance_minor: int
    overdue_minor: int
    on_hold: bool


def customer_list(as_of: dt.date) -> list[CustomerListRow]:
    """Every customer with balance and overdue in their own currency, by name."""
    raise NotImplementedError


def customer_header(customer_id: int, as_of: dt.date) -> CustomerHeader:
    """The figures and flags at the top of a customer's account."""
    raise NotImplementedError


def customer_invoices(customer_id: int, as_of: dt.date) -> list[InvoiceRow]:
    """All of a customer's invoices, newest first, with what was open on ``as_of``."""
    raise NotImplementedError


def customer_money_in(customer_id: int) -> list[MoneyInRow]:
    """The customer's payments and credit notes, newest first, with their allocations."""
    raise NotImplementedError


def customer_draft(customer_id: int) -> CustomerDraft:
    """The customer's details, ready to edit in the customer dialog."""
    raise NotImplementedError
