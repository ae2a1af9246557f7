"""The one way money is put on an invoice and taken off again: an allocation from a
payment or credit note, with the invoice's kept open amount and status changed in the
same transaction (what ``check`` proves). The ledger (:mod:`models.ledger`) decides
what to allocate; the credit notes Duly grants by a rule (:mod:`models.rule_credits`)
post through here too. Call inside the caller's transaction.

Several people may record payments for one customer at the same moment (a store on a
server): every write that allocates, or takes an allocation back, first holds the
accounts it touches (:func:`hold_accounts`), before it reads what is open on them, and
then the invoices it pays (:func:`hold_invoices`). Money is allocated by one of them at
a time and each reads what the one before left: no invoice is paid beyond its amount,
no payment spent twice (docs/decisions.md, "Payments recorded by several people at
once").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import peewee as pw

from models.db import lock_rows, one_of
from models.disputed import LIVE_STATUSES, claim_on, live_status
from models.kinds import CreditKind, InvoiceStatus
from models.schema import Allocation, Charge, CreditNote, Customer, Invoice, Payment, money_sum


def allocated(where: pw.Expression) -> pw.ModelSelect:
    """What was allocated where ``where`` holds, voided allocations left out, in whole
    minor units on either engine (0 when nothing was): a subquery on the outer query's
    row, or, with ``.scalar()``, one figure."""
    return (Allocation.select(pw.fn.COALESCE(money_sum(Allocation.amount_minor), 0))
            .where(where & ~Allocation.voided))


def hold_accounts(customer_ids: Iterable[int]) -> bool:
    """Inside a write, before anything open on these customers' accounts is read: hold
    their accounts until the write ends (customers in id order), so that any other
    write on them (allocating, carrying out a reminder) waits for this one and then reads
    what it left. Returns whether accounts were held (on a server): what the write read
    of them before is then worth reading again."""
    wanted = sorted(set(customer_ids))
    return bool(wanted) and lock_rows(Customer, one_of(Customer.id, wanted))


def hold_account_of(model: type[pw.Model], row_id: int) -> None:
    """:func:`hold_accounts` for the account a row of ``model`` is on (a payment, credit
    note, invoice, dispute case, referral: its ``customer``); nothing when there is no
    such row (the caller refuses it)."""
    lock_rows(Customer, Customer.id == model.select(model.customer).where(model.id == row_id))


def hold_invoices(where: pw.Expression) -> None:
    """Inside a write that holds the invoices' accounts (:func:`hold_accounts`): hold the
    invoices ``where`` selects (by id order) before reading what is open on them, against
    writes that change an invoice without allocating (a dispute, a referral)."""
    lock_rows(Invoice, where)


def post_allocation(invoice: Invoice, amount_minor: int, on: dt.date,
                    **source: Payment | CreditNote) -> None:
    """Allocate ``amount_minor`` from the ``payment`` or ``credit_note`` given to the
    invoice on ``on``: its open amount goes down, and it is paid when nothing is left
    (written off, when a write-off's credit note takes the last of it). What is left
    of an invoice disputed in part may now be all in dispute (:mod:`models.disputed`).
    The source's unallocated credit is the caller's to keep."""
    Allocation.create(invoice=invoice, allocated_on=on, amount_minor=amount_minor,
                      created_at=dt.datetime.now(), **source)
    left = invoice.open_minor - amount_minor
    note = source.get("credit_note")
    write_off = isinstance(note, CreditNote) and note.kind == CreditKind.WRITE_OFF
    status = status_after(invoice.status, left, claim_on(invoice.id), write_off=write_off)
    Invoice.update(open_minor=left, status=status).where(Invoice.id == invoice.id).execute()


def status_after(status: str, left_minor: int, claimed_minor: int, *,
                 write_off: bool = False) -> InvoiceStatus:
    """An invoice's status once an allocation leaves ``left_minor`` open on it, open
    dispute cases claiming ``claimed_minor``: paid (written off, by a write-off's credit
    note) when nothing is left; a live one may now be all in dispute; others keep
    theirs. A preview of allocations (the bank statement's) follows it as posting does."""
    if left_minor == 0:
        return InvoiceStatus.WRITTEN_OFF if write_off else InvoiceStatus.PAID
    if status in LIVE_STATUSES:
        return live_status(left_minor, claimed_minor)
    return InvoiceStatus(status)


def undo_allocation(allocation: Allocation) -> None:
    """Void one allocation and give its amount back to the invoice or charge it paid."""
    Allocation.update(voided=True).where(Allocation.id == allocation.id).execute()
    if allocation.charge_id is not None:
        Charge.update(open_minor=Charge.open_minor + allocation.amount_minor).where(
            Charge.id == allocation.charge_id).execute()
    if allocation.invoice_id is None:
        return
    invoice = Invoice.get_by_id(allocation.invoice_id)
    now_open = invoice.open_minor + allocation.amount_minor
    # Money taken off a paid or written-off invoice makes it live again (a written-off
    # one whose write-off is reversed, or whose payment was voided, is owed again).
    live = invoice.status in (*LIVE_STATUSES, InvoiceStatus.WRITTEN_OFF)
    status = live_status(now_open, claim_on(invoice.id)) if live else invoice.status
    Invoice.update(open_minor=now_open, status=status).where(Invoice.id == invoice.id).execute()
