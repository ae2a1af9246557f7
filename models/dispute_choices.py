"""What a dispute can be raised on: the customers with something open, and a customer's
invoices, each with what is open and, when it cannot be disputed, why (for the dialog
that opens a case). The rules are :mod:`models.disputes`'s; this reads them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.disputed import claims
from models.disputes import DISPUTABLE_STATUSES, open_case_of
from models.kinds import InvoiceStatus
from models.schema import Customer, Invoice


@dataclass(frozen=True)
class DisputeCustomer:
    """A customer a dispute can be opened for (something of theirs is open)."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class DisputableInvoice:
    """One of a customer's invoices with something open, as the dispute dialog lists it."""

    id: int
    number: str
    issue_date: dt.date
    due_date: dt.date
    currency: str
    amount_minor: int
    open_minor: int
    refused: str  # why it cannot go in a new case ("" when it can)
    case_id: int | None  # the open case it is in already


def dispute_customers() -> list[DisputeCustomer]:
    """The customers with an open invoice a dispute could be raised on, by name."""
    with_open = (Invoice.select(Invoice.customer)
                 .where(Invoice.status.in_(list(DISPUTABLE_STATUSES) + [InvoiceStatus.DISPUTED])
                        & (Invoice.open_minor > 0)))
    query = (Customer.select(Customer.id, Customer.code, Customer.name)
             .where(Customer.id.in_(with_open)).tuples())
    rows = [DisputeCustomer(*row) for row in query]
    rows.sort(key=lambda r: (r.name.casefold(), r.code))
    return rows


def disputable_invoices(customer_id: int) -> list[DisputableInvoice]:
    """The customer's invoices with something open, oldest due first: those in an open
    case already (and those with an agency in full) say why they cannot be chosen."""
    query = (Invoice.select(Invoice.id, Invoice.number, Invoice.issue_date, Invoice.due_date,
                            Invoice.currency, Invoice.amount_minor, Invoice.open_minor,
                            Invoice.status)
             .where((Invoice.customer == customer_id) & (Invoice.open_minor > 0)
                    & Invoice.status.in_(list(DISPUTABLE_STATUSES)
                                         + [InvoiceStatus.DISPUTED]))
             .order_by(Invoice.due_date, Invoice.number).tuples())
    rows = list(query)
    in_cases = claims([row[0] for row in rows])
    found = []
    for invoice_id, number, issued, due, currency, amount, open_minor, _status in rows:
        case_id = open_case_of(invoice_id) if invoice_id in in_cases else None
        refused = (f"Already in dispute #{case_id}: add to that case or settle it first."
                   if case_id is not None else "")
        found.append(DisputableInvoice(invoice_id, number, issued, due, currency, amount,
                                       open_minor, refused, case_id))
    return found
