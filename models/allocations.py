"""The one way money is put on an invoice and taken off again: an allocation from a
payment or credit note, with the invoice's kept open amount and status changed in the
same transaction (what ``check`` proves). The ledger (:mod:`models.ledger`) decides
what to allocate; the credit notes Duly grants by a rule (:mod:`models.rule_credits`)
post through here too. Call inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt

from models.kinds import InvoiceStatus
from models.schema import Allocation, Charge, CreditNote, Invoice, Payment


def post_allocation(invoice: Invoice, amount_minor: int, on: dt.date,
                    **source: Payment | CreditNote) -> None:
    """Allocate ``amount_minor`` from the ``payment`` or ``credit_note`` given to the
    invoice on ``on``: its open amount goes down, and it is paid when nothing is left.
    The source's unallocated credit is the caller's to keep."""
    Allocation.create(invoice=invoice, allocated_on=on, amount_minor=amount_minor,
                      created_at=dt.datetime.now(), **source)
    left = invoice.open_minor - amount_minor
    status = InvoiceStatus.PAID if left == 0 else invoice.status
    Invoice.update(open_minor=left, status=status).where(Invoice.id == invoice.id).execute()


def undo_allocation(allocation: Allocation) -> None:
    """Void one allocation and give its amount back to the invoice or charge it paid."""
    Allocation.update(voided=True).where(Allocation.id == allocation.id).execute()
    if allocation.charge_id is not None:
        Charge.update(open_minor=Charge.open_minor + allocation.amount_minor).where(
            Charge.id == allocation.charge_id).execute()
    if allocation.invoice_id is None:
        return
    invoice = Invoice.get_by_id(allocation.invoice_id)
    status = InvoiceStatus.OPEN if invoice.status == InvoiceStatus.PAID else invoice.status
    Invoice.update(open_minor=invoice.open_minor + allocation.amount_minor, status=status).where(
        Invoice.id == invoice.id).execute()
