"""Undo this import: right after it, an import that only added takes back all it added.

An import is one transaction, and every row it wrote has its audit entry between the
store's last entry before it and the import's own. Undoing removes those rows, as if
the import had never run, but only while nothing has been recorded since (a note, a
payment typed in: they could stand on what the import brought) and only for an import
that added rather than changed: one that updated invoices already here is corrected
by hand, from its audit entries.
"""

from __future__ import annotations

import datetime as dt
import json

import peewee as pw

from models.allocations import allocated
from models.audit import record_change
from models.db import writing
from models.disputed import LIVE_STATUSES, claims, live_status
from models.errors import LedgerError
from models.kinds import InvoiceStatus
from models.plans import reopen_plans
from models.schema import (
    Allocation,
    AuditEntry,
    ContactPerson,
    CreditNote,
    Customer,
    ExternalRecord,
    ImportBatch,
    Invoice,
    Payment,
    PaymentTerms,
)

# What an import that only added writes, by audit action: the table it wrote.
_ADDED = {"add customer": Customer, "add invoice": Invoice, "add credit note": CreditNote,
          "record payment": Payment, "add payment terms": PaymentTerms}
AUDIT_FROM, AUDIT_TO = "audit_from", "audit_to"  # kept with the import's counts


def can_undo(batch_id: int) -> str:
    """"" when the import can be undone now; else why not, in the user's words."""
    batch = ImportBatch.get_or_none(ImportBatch.id == batch_id)
    if batch is None:
        return "That import is not in the log."
    if batch.undone_at is not None:
        return "That import was undone already."
    counts = json.loads(batch.counts)
    if AUDIT_TO not in counts:
        return "That import was made before Duly could undo imports."
    last = AuditEntry.select(pw.fn.MAX(AuditEntry.id)).scalar()
    if last != counts[AUDIT_TO]:
        return ("Something was recorded after this import, so it cannot be taken back "
                "whole. Correct what it brought by hand.")
    actions = {a for (a,) in _entries(counts).select(AuditEntry.action).distinct().tuples()}
    # Starting new invoices' reminders at a stage touches only what the import added.
    changed = actions - set(_ADDED) - {"import", "start follow-up"}
    if changed:
        return ("This import changed records already in Duly (" + ", ".join(sorted(changed))
                + "), so it cannot simply be taken back. Correct them by hand.")
    return ""


def undo_import(batch_id: int, *, now: dt.datetime | None = None) -> None:
    """Take back everything the import added; refuses (saying why) when it cannot."""
    with writing():
        why = can_undo(batch_id)
        if why:
            raise LedgerError("import", why)
        batch = ImportBatch.get_by_id(batch_id)
        counts = json.loads(batch.counts)

        def added(action: str) -> pw.ModelSelect:
            return _entries(counts).select(AuditEntry.row_id).where(
                AuditEntry.action == action)

        taken = {action: added(action).count() for action in _ADDED}
        paid = [invoice_id for (invoice_id,) in Allocation.select(Allocation.invoice).where(
            Allocation.payment.in_(added("record payment"))
            & Allocation.invoice.is_null(False)).distinct().tuples()]
        _delete(Allocation, Allocation.payment.in_(added("record payment")))
        _delete(Payment, Payment.id.in_(added("record payment")))
        _delete(CreditNote, CreditNote.id.in_(added("add credit note")))
        _delete(Invoice, Invoice.id.in_(added("add invoice")))
        _delete(ContactPerson, ContactPerson.customer.in_(added("add customer")))
        _delete(Customer, Customer.id.in_(added("add customer")))
        _delete(PaymentTerms, PaymentTerms.id.in_(added("add payment terms")))
        _reopen(paid)
        # A plan the import's payments completed is no longer paid: it is kept again.
        reopen_plans(paid, f"The import of {batch.file_name} that paid it was undone.")
        ExternalRecord.delete().where(ExternalRecord.batch == batch_id).execute()
        batch.undone_at = now or dt.datetime.now()
        batch.save()
        record_change("undo import", "import_batch", batch_id,
                      after={"file": batch.file_name, **taken})


def _reopen(invoice_ids: list[int]) -> None:
    """Invoices that were here before and that the import's payments paid: open again by
    what those payments paid (the kept open amount is the total less what is allocated)."""
    for start in range(0, len(invoice_ids), 500):
        part = invoice_ids[start:start + 500]
        paid = allocated(Allocation.invoice == Invoice.id)
        Invoice.update(open_minor=Invoice.amount_minor - paid).where(
            Invoice.id.in_(part)).execute()
        Invoice.update(status=InvoiceStatus.OPEN).where(
            Invoice.id.in_(part) & (Invoice.status == InvoiceStatus.PAID)
            & (Invoice.open_minor > 0)).execute()
        # One disputed in part is all in dispute, or not, by what is open again.
        for invoice_id, claimed in claims(part).items():
            invoice = Invoice.get_by_id(invoice_id)
            if invoice.status in LIVE_STATUSES:
                Invoice.update(status=live_status(invoice.open_minor, claimed)).where(
                    Invoice.id == invoice_id).execute()


def _entries(counts: dict[str, int]) -> pw.ModelSelect:
    return AuditEntry.select().where(AuditEntry.id.between(counts[AUDIT_FROM] + 1,
                                                           counts[AUDIT_TO]))


def _delete(model: type[pw.Model], where: pw.Expression) -> None:
    model.delete().where(where).execute()
