"""Everything that moved a customer's balance, document by document, for a statement
of account activity: invoices, charges, credit notes and payments in one currency.

What counts towards the balance:

- an invoice counts from its issue date; a void invoice never counts (it was issued
  by mistake and is not owed);
- a written-off invoice counts, and right after it a write-off takes off what was
  still unpaid on it: the business has given up claiming that part, but what the
  customer did pay on it was paid for something real. The store keeps no date for
  a write-off, so it is dated with the invoice and nets to what was paid on it by
  the balance date, as the open-item view (which leaves written-off invoices out
  and counts the money allocated to them as used) does;
- a charge (interest, compensation, fee) counts from the day it was charged unless
  it is voided or its invoice is void;
- a payment or credit note counts from the day it was received or issued unless it
  is voided, whether or not it has been allocated yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from models.allocations import allocated
from models.charges import paid_by
from models.kinds import ChargeKind, InvoiceStatus
from models.schema import Allocation, Charge, CreditNote, Invoice, Payment

# The order of documents dated on the same day (then by number).
_ORDER = {"invoice": 0, "write-off": 1, "charge": 2, "credit note": 3, "payment": 4}


@dataclass(frozen=True)
class ActivityEntry:
    """One document on the account as a statement of activity lists it."""

    kind: str  # "invoice", "write-off", "charge", "credit note" or "payment"
    date: dt.date
    number: str  # the invoice's or credit note's number, the payment's reference;
    # for a charge or a write-off, the number of its invoice
    detail: str  # a charge's kind ("interest", "compensation", "fee"), a credit note's
    # (models.kinds.CreditKind: "credit", "early_payment"...), a payment's method
    due_date: dt.date | None  # invoices only
    debit_minor: int  # what it adds to the balance
    credit_minor: int  # what it takes off


def account_activity(customer_id: int, currency: str, until: dt.date) -> list[ActivityEntry]:
    """Every entry on the customer's account in ``currency`` dated on or before ``until``,
    in statement order: by date; on one day invoices, charges, credit notes, then
    payments; then by number. Write-offs are as they stood on ``until``."""
    currency = currency.upper()
    entries = [*_invoices(customer_id, currency, until), *_charges(customer_id, currency, until),
               *_credit_notes(customer_id, currency, until),
               *_payments(customer_id, currency, until)]
    entries.sort(key=lambda e: (e.date, _ORDER[e.kind], e.number))
    return entries


@dataclass(frozen=True)
class OpenCharge:
    """A charge with something still to pay on it on a day."""

    kind: ChargeKind
    invoice_number: str
    charged_on: dt.date
    amount_minor: int
    paid_minor: int  # allocated to it by the day

    @property
    def open_minor(self) -> int:
        """What is still to pay on it."""
        return self.amount_minor - self.paid_minor


def open_charges(customer_id: int, currency: str, as_of: dt.date) -> list[OpenCharge]:
    """The customer's charges in ``currency`` still open on ``as_of``, oldest first:
    charged by then, not voided, on an invoice that is not void, less money
    allocated by then."""
    query = (_live_charges(customer_id, currency.upper(), as_of)
             .select(Charge.kind, Invoice.number, Charge.charged_on, Charge.amount_minor,
                     paid_by(as_of).alias("paid"))
             .order_by(Charge.charged_on, Invoice.number, Charge.id))
    charges = [OpenCharge(kind, number, on, amount, int(paid_minor))
               for kind, number, on, amount, paid_minor in query.tuples()]
    return [c for c in charges if c.open_minor > 0]


def balance_of(entries: list[ActivityEntry]) -> int:
    """The balance the entries add up to: debits less credits."""
    return sum(e.debit_minor - e.credit_minor for e in entries)


def _invoices(customer_id: int, currency: str, until: dt.date) -> list[ActivityEntry]:
    paid = allocated((Allocation.invoice == Invoice.id) & (Allocation.allocated_on <= until))
    query = (Invoice.select(Invoice.number, Invoice.issue_date, Invoice.due_date,
                            Invoice.amount_minor, Invoice.status, paid.alias("paid"))
             .where((Invoice.customer == customer_id) & (Invoice.currency == currency)
                    & (Invoice.issue_date <= until) & (Invoice.status != InvoiceStatus.VOID)))
    entries = []
    for number, issued, due, amount, status, paid_minor in query.tuples():
        entries.append(ActivityEntry("invoice", issued, number, "", due, amount, 0))
        unpaid = amount - int(paid_minor)
        if status == InvoiceStatus.WRITTEN_OFF and unpaid > 0:
            entries.append(ActivityEntry("write-off", issued, number, "", None, 0, unpaid))
    return entries


def _live_charges(customer_id: int, currency: str, until: dt.date) -> pw.ModelSelect:
    return (Charge.select().join(Invoice, on=(Charge.invoice == Invoice.id))
            .where((Invoice.customer == customer_id) & (Charge.currency == currency)
                   & ~Charge.voided & (Invoice.status != InvoiceStatus.VOID)
                   & (Charge.charged_on <= until)))


def _charges(customer_id: int, currency: str, until: dt.date) -> list[ActivityEntry]:
    query = _live_charges(customer_id, currency, until).select(
        Charge.kind, Charge.charged_on, Invoice.number, Charge.amount_minor).order_by(Charge.id)
    return [ActivityEntry("charge", on, number, kind, None, amount, 0)
            for kind, on, number, amount in query.tuples()]


def _credit_notes(customer_id: int, currency: str, until: dt.date) -> list[ActivityEntry]:
    query = (CreditNote.select(CreditNote.number, CreditNote.issue_date,
                               CreditNote.amount_minor, CreditNote.kind)
             .where((CreditNote.customer == customer_id) & (CreditNote.currency == currency)
                    & ~CreditNote.voided & (CreditNote.issue_date <= until)))
    return [ActivityEntry("credit note", issued, number, kind, None, 0, amount)
            for number, issued, amount, kind in query.tuples()]


def _payments(customer_id: int, currency: str, until: dt.date) -> list[ActivityEntry]:
    query = (Payment.select(Payment.reference, Payment.received_on, Payment.method,
                            Payment.amount_minor)
             .where((Payment.customer == customer_id) & (Payment.currency == currency)
                    & ~Payment.voided & (Payment.received_on <= until))
             .order_by(Payment.id))
    return [ActivityEntry("payment", on, reference, method, None, 0, amount)
            for reference, on, method, amount in query.tuples()]
