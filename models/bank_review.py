"""What the window's review of a bank statement reads, beside the matching itself.

The review screen shows each credit with the invoices its candidates would pay (by
number), lets the user give an unmatched credit to any customer invoiced in the
statement's currency, sums up what recording will post before it is confirmed (from
:func:`models.bank_statements.planned_payments`, so the summary is what is posted), and
lists the statements kept, to undo one. Everything here only reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import peewee as pw

from models.bank_formats import Statement
from models.bank_statements import BankPreview, CreditChoice, planned_payments, preview
from models.db import one_of, reading
from models.kinds import BankCreditOutcome, BankFormat
from models.ledger import PAYABLE_STATUSES
from models.schema import BankCredit, BankStatement, Customer, Invoice

_CHUNK = 900  # ids per IN (...) under SQLite's bound-parameter limit


@dataclass(frozen=True)
class StatementReview:
    """A statement matched against the store, with the numbers of the invoices its
    candidates would pay (by invoice id)."""

    preview: BankPreview
    invoice_numbers: Mapping[int, str]


@dataclass(frozen=True)
class PayingCustomer:
    """A customer an unmatched credit can be given to: one invoiced in its currency."""

    id: int
    code: str
    name: str
    open_minor: int  # what the customer owes in the currency, on payable invoices
    currency: str


@dataclass(frozen=True)
class PaymentLine:
    """One payment recording will post, as the summary before confirming shows it."""

    bank_id: str
    booked_on: dt.date
    payer_name: str
    amount_minor: int
    currency: str
    customer_id: int
    customer_name: str
    customer_code: str
    pays: tuple[tuple[str, int], ...]  # (invoice number, amount allocated), in order
    left_minor: int  # kept as credit on the account


@dataclass(frozen=True)
class RecordingSummary:
    """What recording the choices will do: the payments, and the credits ignored."""

    currency: str
    payments: tuple[PaymentLine, ...]
    ignored: int

    @property
    def total_minor(self) -> int:
        """The money the payments add up to."""
        return sum(p.amount_minor for p in self.payments)

    @property
    def left_minor(self) -> int:
        """What the payments leave as credit on customers' accounts."""
        return sum(p.left_minor for p in self.payments)


@dataclass(frozen=True)
class KeptStatement:
    """A bank statement whose credits were recorded, and what it recorded."""

    id: int
    file_name: str
    format: BankFormat
    currency: str
    imported_at: dt.datetime
    undone_at: dt.datetime | None
    recorded: int
    ignored: int
    recorded_minor: int

    @property
    def undone(self) -> bool:
        """Whether the statement was undone."""
        return self.undone_at is not None


def review_statement(statement: Statement,
                     progress: Callable[[int, int], None] | None = None) -> StatementReview:
    """The statement matched (see :func:`models.bank_statements.preview`), with the
    numbers of every invoice a candidate would pay."""
    bank = preview(statement, progress)
    ids = {i for line in bank.lines for c in line.match.candidates for i in c.invoice_ids}
    return StatementReview(bank, invoice_numbers(ids))


def invoice_numbers(invoice_ids: Iterable[int]) -> dict[int, str]:
    """The numbers of the invoices ``invoice_ids``, by id."""
    ids = sorted(set(invoice_ids))
    found: dict[int, str] = {}
    with reading():
        for start in range(0, len(ids), _CHUNK):
            found.update(Invoice.select(Invoice.id, Invoice.number).where(
                one_of(Invoice.id, ids[start:start + _CHUNK])).tuples())
    return found


def paying_customers(currency: str) -> list[PayingCustomer]:
    """The customers invoiced in ``currency``, by name, each with what it owes."""
    owed = pw.fn.COALESCE(pw.fn.SUM(Invoice.open_minor), 0)
    payable = (Invoice.customer == Customer.id) & (Invoice.currency == currency) \
        & (Invoice.open_minor > 0) & Invoice.status.in_(PAYABLE_STATUSES)
    with reading():
        rows = (Customer.select(Customer.id, Customer.code, Customer.name, owed)
                .join(Invoice, pw.JOIN.LEFT_OUTER, on=payable)
                .where(Customer.currency == currency)
                .group_by(Customer.id, Customer.code, Customer.name).tuples())
        found = [PayingCustomer(cid, code, name, int(open_minor), currency)
                 for cid, code, name, open_minor in rows]
    return sorted(found, key=lambda c: (c.name.casefold(), c.id))


def recording_summary(bank_preview: BankPreview,
                      choices: Sequence[CreditChoice]) -> RecordingSummary:
    """Exactly what :func:`models.bank_statements.record` will post for ``choices``, in
    words: each payment with the invoices it pays and what is left as credit."""
    plans = planned_payments(bank_preview, choices)
    numbers = invoice_numbers(i for p in plans for i, _ in p.allocations)
    customer_ids = sorted({p.customer_id for p in plans})
    names: dict[int, tuple[str, str]] = {}
    with reading():
        for start in range(0, len(customer_ids), _CHUNK):
            names.update((cid, (name, code)) for cid, name, code in Customer.select(
                Customer.id, Customer.name, Customer.code).where(
                one_of(Customer.id, customer_ids[start:start + _CHUNK])).tuples())
    payments = tuple(PaymentLine(
        p.credit.bank_id, p.credit.booked_on, p.credit.payer_name, p.credit.amount_minor,
        p.credit.currency, p.customer_id, *names[p.customer_id],
        tuple((numbers[i], amount) for i, amount in p.allocations), p.unallocated_minor)
        for p in plans)
    new = {line.match.credit.bank_id for line in bank_preview.lines if line.already is None}
    ignored = sum(1 for c in choices if c.ignore and c.bank_id in new)
    return RecordingSummary(bank_preview.statement.currency, payments, ignored)


def kept_statements(limit: int = 100, *, undone: bool = True) -> list[KeptStatement]:
    """The statements recorded, newest first (at most ``limit``; without those undone
    unless ``undone``), with how many payments each recorded and credits it ignored."""
    recorded = BankCreditOutcome.RECORDED
    with reading():
        query = BankStatement.select()
        if not undone:
            query = query.where(BankStatement.undone_at.is_null())
        kept = list(query.order_by(BankStatement.imported_at.desc(),
                                   BankStatement.id.desc()).limit(limit))
        ids = [k.id for k in kept]
        counts: dict[int, tuple[int, int, int]] = {}
        if ids:
            for statement_id, payments, ignored, money in BankCredit.select(
                    BankCredit.statement,
                    pw.fn.SUM(pw.Case(None, [(BankCredit.outcome == recorded, 1)], 0)),
                    pw.fn.SUM(pw.Case(None, [(BankCredit.outcome == recorded, 0)], 1)),
                    pw.fn.SUM(pw.Case(None, [(BankCredit.outcome == recorded,
                                              BankCredit.amount_minor)], 0)),
            ).where(one_of(BankCredit.statement, ids)).group_by(BankCredit.statement).tuples():
                counts[statement_id] = (int(payments), int(ignored), int(money))
    return [KeptStatement(k.id, k.file_name, BankFormat(k.format), k.currency, k.imported_at,
                          k.undone_at, *counts.get(k.id, (0, 0, 0))) for k in kept]


def last_statement() -> KeptStatement | None:
    """The statement recorded last and not undone, if any."""
    found = kept_statements(limit=1, undone=False)
    return found[0] if found else None

