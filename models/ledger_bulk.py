"""The ledger's writes for many new records at once (an import of thousands of rows).

The same rules as one typed in (:func:`models.ledger.customer_fields`,
:func:`models.ledger.invoice_problems`, the follow-up clock), the same kept figures
(an invoice's open amount is its total less its allocations, a payment's unallocated
credit is what it did not pay) and one audit entry per record, but each table is written
in a few statements instead of a dozen queries per row. Call inside the transaction
that does the rest of the import.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import fields
from typing import Any, NamedTuple

import peewee as pw

from models.audit import as_json, record_each, who_changes
from models.db import (
    insert_rows,
    inserted_ids,
    inserted_rows,
    json_array,
    json_object,
    may_fail,
    one_of,
)
from models.errors import LedgerError
from models.followup import LateStarts
from models.input_rules import clean_line, match_key
from models.kinds import InvoiceStatus
from models.ledger import (
    PAYMENT_AUDITED,
    CustomerDraft,
    InvoiceDraft,
    customer_fields,
    invoice_problems,
)
from models.schema import (
    Allocation,
    AuditEntry,
    ContactPerson,
    Customer,
    Invoice,
    Payment,
)


class RecordRefused(LedgerError):
    """One of the records will not do: ``index`` is its place in the list given."""

    def __init__(self, index: int, field: str, message: str) -> None:
        self.index = index
        super().__init__(field, message)


# What an audit entry of an invoice added says: the fields the user types (as
# models.ledger.add_invoice records them), read back from the rows.
_AS_DRAFTED = {f.name: pw.fn.COALESCE(getattr(Invoice, f.name), "")
               if getattr(Invoice, f.name).null else getattr(Invoice, f.name)
               for f in fields(InvoiceDraft)}
# And of a payment (as models.ledger.record_payment records it).
_PAYMENT_FIELDS = {name: getattr(Payment, name) for name in PAYMENT_AUDITED}
_INVOICE_FIELDS = ("number", "number_key", "customer", "issue_date", "due_date", "amount_minor",
                   "open_minor", "currency", "status", "external_ref", "chase_from")


class NewInvoice(NamedTuple):
    """An invoice to record for a customer, with what was already paid on it (recorded as
    a payment allocated to it, received on ``paid_on``)."""

    customer_id: int
    draft: InvoiceDraft
    paid_minor: int = 0
    paid_on: dt.date | None = None
    reference: str = ""  # the payment's, in words


def add_customers(drafts: Sequence[CustomerDraft]) -> list[int]:
    """Create many customers, each checked as :func:`models.ledger.add_customer` checks
    it; their ids in order. Raises RecordRefused naming the customer that will not do."""
    codes = {code for (code,) in Customer.select(Customer.code).tuples()}
    keys = {match_key(code) for code in codes}
    counter = [len(codes)]

    def next_code() -> str:
        while True:
            counter[0] += 1
            code = f"C{counter[0]:05d}"
            if code not in codes:
                return code

    now = dt.datetime.now()
    rows: list[tuple[Any, ...]] = []
    names: tuple[str, ...] = ()
    for index, draft in enumerate(drafts):
        try:
            fields = customer_fields(draft, taken=lambda code: match_key(code) in keys,
                                     next_code=next_code)
        except LedgerError as error:
            raise RecordRefused(index, error.field, f"{draft.name}: {error.message}") \
                from error
        codes.add(str(fields["code"]))
        keys.add(match_key(str(fields["code"])))
        names = (*fields, "created_at")
        rows.append((*fields.values(), now))
    ids = inserted_ids(Customer, names, rows)
    insert_rows(ContactPerson, ("customer", "name", "email", "phone", "is_billing", "role"), [
        (cid, d.contact_name.strip(), d.billing_email.strip(), d.phone.strip(), True, "")
        for cid, d in zip(ids, drafts, strict=True)
        if d.contact_name.strip() or d.billing_email.strip()])
    _audit("add customer", "customer", [(cid, vars(d)) for cid, d in zip(ids, drafts,
                                                                           strict=True)])
    return ids


def add_invoices(invoices: Sequence[NewInvoice], *, today: dt.date) -> list[int]:
    """Record many invoices with what was paid on each, each checked as
    :func:`models.ledger.add_invoice` checks it; their ids in order. Raises
    RecordRefused naming the invoice that will not do."""
    numbers = [clean_line(new.draft.number) for new in invoices]
    _refuse_twice(numbers)
    currencies = _currencies({new.customer_id for new in invoices})
    now = dt.datetime.now()
    starts = LateStarts(today)
    rows: list[tuple[Any, ...]] = []
    for index, (new, number) in enumerate(zip(invoices, numbers, strict=True)):
        draft = new.draft
        problems = invoice_problems(number, draft.issue_date, draft.due_date,
                                    draft.amount_minor)
        if problems:
            raise RecordRefused(index, problems[0][0], f"Invoice {number}: {problems[0][1]}")
        if not 0 <= new.paid_minor <= draft.amount_minor:
            raise RecordRefused(index, "paid",
                                f"Invoice {number}: what was paid does not fit its total.")
        left = draft.amount_minor - new.paid_minor
        rows.append((
            number, match_key(number), new.customer_id, draft.issue_date, draft.due_date,
            draft.amount_minor,
            left, currencies[new.customer_id],
            InvoiceStatus.OPEN if left else InvoiceStatus.PAID,
            clean_line(draft.external_ref) or None,
            starts.of(new.customer_id, draft.due_date) if left else None))
    before = _last_id(Invoice)
    try:
        with may_fail():
            ids = inserted_ids(Invoice, _INVOICE_FIELDS, rows, same={"created_at": now})
    except (sqlite3.IntegrityError, pw.IntegrityError) as error:
        _refuse_existing(numbers, before, error)
        raise
    record_each("add invoice", inserted_rows(Invoice, ids), Invoice.id, json_object(_AS_DRAFTED))
    _pay(invoices, ids, currencies, today, now)
    return ids


def _refuse_twice(numbers: list[str]) -> None:
    seen: set[str] = set()
    for index, number in enumerate(numbers):
        if match_key(number) in seen:
            raise RecordRefused(index, "number", f"Invoice {number} is there twice.")
        seen.add(match_key(number))


def _refuse_existing(numbers: list[str], before: int, error: Exception) -> None:
    """Name the invoice number the store already had when the unique index refused one
    (the rows before it went in; the caller's transaction takes them back)."""
    keys = [match_key(number) for number in numbers]
    clash = Invoice.select(Invoice.number, Invoice.number_key).where(
        one_of(Invoice.number_key, keys) & (Invoice.id <= before)).first()
    if clash is not None:
        raise RecordRefused(keys.index(clash.number_key), "number",
                            f"Invoice {clash.number} already exists.") from error


def _currencies(customer_ids: set[int]) -> dict[int, str]:
    """Each customer's currency, read in one statement."""
    return dict(Customer.select(Customer.id, Customer.currency).where(
        one_of(Customer.id, customer_ids)).tuples())


def _pay(invoices: Sequence[NewInvoice], ids: list[int], currencies: dict[int, str],
         today: dt.date, now: dt.datetime) -> None:
    """What was paid on each, as a payment allocated to it (never dated after today)."""
    paid = [(iid, new) for iid, new in zip(ids, invoices, strict=True) if new.paid_minor]
    if not paid:
        return
    received = [min(max(new.paid_on or today, new.draft.issue_date), today)
                for _iid, new in paid]
    payment_ids = inserted_ids(Payment, (
        "customer", "received_on", "amount_minor", "currency", "reference"), [
        (new.customer_id, on, new.paid_minor, currencies[new.customer_id], new.reference)
        for (_iid, new), on in zip(paid, received, strict=True)],
        same={"unallocated_minor": 0, "method": "other", "created_at": now})
    insert_rows(Allocation, ("payment", "invoice", "allocated_on", "amount_minor"), [
        (pid, iid, on, new.paid_minor)
        for pid, (iid, new), on in zip(payment_ids, paid, received, strict=True)],
        same={"created_at": now})
    record_each("record payment", inserted_rows(Payment, payment_ids)
                .join(Allocation, on=Allocation.payment == Payment.id)
                .join(Invoice, on=Allocation.invoice == Invoice.id), Payment.id, json_object({
                    **_PAYMENT_FIELDS, "allocations": json_array([json_object({
                        "invoice_id": Invoice.id, "invoice_number": Invoice.number,
                        "amount_minor": Allocation.amount_minor})])}))


def _last_id(model: Any) -> int:
    return int(model.select(pw.fn.MAX(model.id)).scalar() or 0)


def _audit(action: str, table: str, entries: list[tuple[int, dict[str, Any]]]) -> None:
    at, who = dt.datetime.now(), who_changes()
    insert_rows(AuditEntry, ("row_id", "after"), [
        (row_id, as_json(after)) for row_id, after in entries],
        same={"at": at, "who": who, "action": action, "table": table, "before": None})

