"""Credit notes Duly grants by a rule (an early-payment discount taken, the rest of an
accepted settlement, charges waived for loyalty), and voids again when the payment
that earned them is voided.

Such a credit note is an ordinary one of its kind (:class:`~models.kinds.CreditKind`),
numbered by Duly, allocated at once to what it closes (invoices through the ledger's
own allocation, charges here) and audited. Call inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from models.allocations import (
    hold_account_of,
    hold_accounts,
    hold_invoices,
    post_allocation,
    undo_allocation,
)
from models.audit import record_change
from models.db import one_of
from models.input_rules import NUMBER_LIMIT, match_key
from models.kinds import CreditKind
from models.plans import reopen_plans
from models.schema import Allocation, Charge, CreditNote, Customer, Invoice

# How Duly numbers the credit notes it grants, by kind: "DISC-00001".
_PREFIXES = {CreditKind.EARLY_PAYMENT: "DISC", CreditKind.SETTLEMENT: "SETTLE",
             CreditKind.WAIVER: "WAIVE", CreditKind.CREDIT: "CN", CreditKind.WRITE_OFF: "WO"}


def grant_credit(customer_id: int, kind: CreditKind, on: dt.date, reason: str, *,
                 invoices: Sequence[tuple[int, int]] = (),
                 charges: Sequence[tuple[int, int]] = (),
                 invoice_id: int | None = None) -> int:
    """Grant a credit note of ``kind`` dated ``on`` for the parts given, (invoice id,
    amount) and (charge id, amount), each allocated at once; its id. ``invoice_id`` is
    the invoice it corrects, if it is about one."""
    total = sum(a for _, a in invoices) + sum(a for _, a in charges)
    if total <= 0:
        raise ValueError("a credit note granted by a rule credits something")
    hold_accounts([customer_id])
    hold_invoices(one_of(Invoice.id, sorted({i for i, _ in invoices})))
    customer = Customer.get_by_id(customer_id)
    number = _free_number(kind)
    note = CreditNote.create(
        number=number, number_key=match_key(number), customer=customer, issue_date=on,
        amount_minor=total, unallocated_minor=total, currency=customer.currency,
        reason=reason[:1000], invoice=invoice_id, kind=kind, created_at=dt.datetime.now())
    numbers = []
    for invoice_id, amount in invoices:
        invoice = Invoice.get_by_id(invoice_id)
        if not 0 < amount <= invoice.open_minor:
            raise ValueError("an invoice is credited no more than is open on it")
        post_allocation(invoice, amount, on, credit_note=note)
        numbers.append([invoice.number, amount])
    for charge_id, amount in charges:
        _allocate_to_charge(note, charge_id, amount, on)
    CreditNote.update(unallocated_minor=0).where(CreditNote.id == note.id).execute()
    record_change(f"grant {kind.replace('_', '-')} credit", "credit_note", note.id,
                  after={"number": number, "kind": kind, "amount_minor": total,
                         "reason": note.reason,
                         "invoices": numbers,
                         "charges": [list(c) for c in charges]})
    return int(note.id)


def void_credit(note_id: int, reason: str) -> None:
    """Void a credit note granted by a rule: its allocations are undone and what it
    closed is open again."""
    hold_account_of(CreditNote, note_id)
    note = CreditNote.get_by_id(note_id)
    if note.voided:
        return
    invoices, charges = [], []
    for allocation in Allocation.select().where((Allocation.credit_note == note.id)
                                                & ~Allocation.voided):
        if allocation.charge_id is not None:
            charges.append(allocation.charge_id)
        elif allocation.invoice_id is not None:
            invoices.append(allocation.invoice_id)
        undo_allocation(allocation)
    CreditNote.update(voided=True, unallocated_minor=0).where(
        CreditNote.id == note.id).execute()
    record_change("void credit note", "credit_note", note.id,
                  before={"number": note.number, "amount_minor": note.amount_minor},
                  after={"voided": True, "reason": reason})
    # A plan the credit helped complete is no longer paid: it is kept again.
    reopen_plans(invoices, f"A credit note it counted was voided: {reason}",
                 charge_ids=charges)


def _allocate_to_charge(note: CreditNote, charge_id: int, amount: int, on: dt.date) -> None:
    charge = Charge.get_by_id(charge_id)
    if not 0 < amount <= charge.open_minor:
        raise ValueError("a charge is credited no more than is open on it")
    Allocation.create(credit_note=note, charge=charge, allocated_on=on, amount_minor=amount,
                      created_at=dt.datetime.now())
    Charge.update(open_minor=charge.open_minor - amount).where(Charge.id == charge.id).execute()


def _free_number(kind: CreditKind) -> str:
    """The next number of Duly's own for a credit note of ``kind`` that no credit note
    has yet."""
    prefix = _PREFIXES[kind]
    count = CreditNote.select().where(CreditNote.kind == kind).count()
    while True:
        count += 1
        number = f"{prefix}-{count:05d}"[:NUMBER_LIMIT]
        if not CreditNote.select().where(CreditNote.number_key == match_key(number)).exists():
            return number
