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
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from models.audit import who_changes
from models.db import insert_rows
from models.errors import LedgerError
from models.followup import LateStarts
from models.kinds import InvoiceStatus
from models.ledger import CustomerDraft, InvoiceDraft, customer_fields, invoice_problems
from models.schema import (
    Allocation,
    AuditEntry,
    ContactPerson,
    Customer,
    Invoice,
    Payment,
)

_CHUNK = 500  # rows per INSERT: well inside SQLite's limit on bound values
T = TypeVar("T")


@dataclass(frozen=True)
class NewInvoice:
    """An invoice to record for a customer, with what was already paid on it (recorded as
    a payment allocated to it, received on ``paid_on``)."""

    customer_id: int
    draft: InvoiceDraft
    paid_minor: int = 0
    paid_on: dt.date | None = None
    reference: str = ""  # the payment's, in words


def add_customers(drafts: Sequence[CustomerDraft]) -> list[int]:
    """Create many customers, each checked as :func:`models.ledger.add_customer` checks
    it; their ids in order. Raises LedgerError naming the customer that will not do."""
    codes = {code for (code,) in Customer.select(Customer.code).tuples()}
    counter = [len(codes)]

    def next_code() -> str:
        while True:
            counter[0] += 1
            code = f"C{counter[0]:05d}"
            if code not in codes:
                return code

    now = dt.datetime.now()
    rows: list[dict[str, Any]] = []
    for draft in drafts:
        try:
            fields = customer_fields(draft, taken=codes.__contains__, next_code=next_code)
        except LedgerError as error:
            raise LedgerError(error.field, f"{draft.name}: {error.message}") from error
        codes.add(str(fields["code"]))
        rows.append({**fields, "created_at": now})
    ids = _insert(Customer, rows, Customer.code, [str(r["code"]) for r in rows])
    people = [{"customer": cid, "name": d.contact_name.strip(), "email": d.billing_email.strip(),
               "phone": d.phone.strip(), "is_billing": True, "role": ""}
              for cid, d in zip(ids, drafts, strict=True)
              if d.contact_name.strip() or d.billing_email.strip()]
    insert_rows(ContactPerson, people)
    _audit("add customer", "customer", [(cid, vars(d)) for cid, d in zip(ids, drafts,
                                                                           strict=True)])
    return ids


def add_invoices(invoices: Sequence[NewInvoice], *, today: dt.date) -> list[int]:
    """Record many invoices with what was paid on each, each checked as
    :func:`models.ledger.add_invoice` checks it; their ids in order."""
    numbers = [new.draft.number.strip() for new in invoices]
    _refuse_clashes(numbers)
    currencies = dict(Customer.select(Customer.id, Customer.currency).where(
        Customer.id.in_(sorted({new.customer_id for new in invoices}))).tuples())
    now = dt.datetime.now()
    starts = LateStarts(today)
    rows = []
    for new, number in zip(invoices, numbers, strict=True):
        draft = new.draft
        problems = invoice_problems(number, draft.issue_date, draft.due_date,
                                    draft.amount_minor)
        if problems:
            raise LedgerError(problems[0][0], f"Invoice {number}: {problems[0][1]}")
        if not 0 <= new.paid_minor <= draft.amount_minor:
            raise LedgerError("paid", f"Invoice {number}: what was paid does not fit its total.")
        left = draft.amount_minor - new.paid_minor
        rows.append({
            "number": number, "customer": new.customer_id, "issue_date": draft.issue_date,
            "due_date": draft.due_date, "amount_minor": draft.amount_minor, "open_minor": left,
            "currency": currencies[new.customer_id],
            "status": InvoiceStatus.OPEN if left else InvoiceStatus.PAID,
            "external_ref": draft.external_ref.strip() or None, "created_at": now,
            "chase_from": starts.of(new.customer_id, draft.due_date) if left else None})
    ids = _insert(Invoice, rows, Invoice.number, numbers)
    # vars(), not asdict(): the drafts hold plain values, and asdict copies each deeply.
    _audit("add invoice", "invoice", [(iid, vars(new.draft)) for iid, new in zip(
        ids, invoices, strict=True)])
    _pay(invoices, ids, currencies, today, now)
    return ids


def _refuse_clashes(numbers: list[str]) -> None:
    seen: set[str] = set()
    for number in numbers:
        if number in seen:
            raise LedgerError("number", f"Invoice {number} is there twice.")
        seen.add(number)
    for chunk in _chunks(numbers):
        clash = Invoice.select(Invoice.number).where(Invoice.number.in_(chunk)).first()
        if clash is not None:
            raise LedgerError("number", f"Invoice {clash.number} already exists.")


def _pay(invoices: Sequence[NewInvoice], ids: list[int], currencies: dict[int, str],
         today: dt.date, now: dt.datetime) -> None:
    """What was paid on each, as a payment allocated to it (never dated after today)."""
    paid = [(iid, new) for iid, new in zip(ids, invoices, strict=True) if new.paid_minor]
    if not paid:
        return
    payments = []
    for _iid, new in paid:
        received = min(max(new.paid_on or today, new.draft.issue_date), today)
        payments.append({"customer": new.customer_id, "received_on": received,
                         "amount_minor": new.paid_minor, "unallocated_minor": 0,
                         "currency": currencies[new.customer_id], "method": "other",
                         "reference": new.reference, "created_at": now})
    first = (Payment.select(Payment.id).order_by(Payment.id.desc()).scalar() or 0) + 1
    insert_rows(Payment, payments)
    # One writer, one transaction: the rows just inserted took the ids after the last.
    payment_ids = list(range(first, first + len(payments)))
    allocations = [{"payment": pid, "invoice": iid, "allocated_on": row["received_on"],
                    "amount_minor": new.paid_minor, "created_at": now}
                   for pid, (iid, new), row in zip(payment_ids, paid, payments, strict=True)]
    insert_rows(Allocation, allocations)
    _audit("record payment", "payment", [
        (pid, {"customer_id": row["customer"], "received_on": row["received_on"],
               "amount_minor": row["amount_minor"], "currency": row["currency"],
               "method": "other", "reference": row["reference"],
               "allocations": [{"invoice_id": iid, "invoice_number": new.draft.number,
                                "amount_minor": new.paid_minor}]})
        for pid, (iid, new), row in zip(payment_ids, paid, payments, strict=True)])


def _insert(model: Any, rows: list[dict[str, Any]], key: Any, keys: list[str]) -> list[int]:
    """Insert the rows, returning their ids in order (looked up by their unique key)."""
    insert_rows(model, rows)
    found: dict[str, int] = {}
    for part in _chunks(keys):
        found.update((k, i) for k, i in model.select(key, model.id).where(
            key.in_(part)).tuples())
    return [found[k] for k in keys]


def _audit(action: str, table: str, entries: list[tuple[int, dict[str, Any]]]) -> None:
    at, who = dt.datetime.now(), who_changes()
    rows = [{"at": at, "who": who, "action": action, "table": table, "row_id": row_id,
             "before": None, "after": json.dumps(after, default=str, sort_keys=True)}
            for row_id, after in entries]
    insert_rows(AuditEntry, rows)


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
