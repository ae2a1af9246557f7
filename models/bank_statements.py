"""A bank statement's credits recorded as customers' payments: preview, confirm, undo.

The review screen (and the ``bank`` command) calls :func:`preview` (a pure read: what
each credit matches, what was recorded or ignored before), lets the user choose, and
calls :func:`record` once with the choices: every payment is posted in one
transaction through :func:`models.ledger.record_payment`, the very function the
payment dialog calls, so promises, plan instalments, early-payment discounts and
overpayments kept as credit work as if each were typed by hand.
:func:`planned_payments` says exactly what :func:`record` will post.
:func:`undo_statement` voids every payment of a statement through the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import peewee as pw

from models.allocations import hold_accounts, status_after
from models.audit import record_change
from models.bank_formats import Statement, StatementCredit, StatementRefused
from models.bank_matching import (
    Confidence,
    CreditMatch,
    match_credits,
    read_matching_data,
)
from models.db import one_of, reading, writing
from models.disputed import claims
from models.errors import LedgerError
from models.incentives import (
    discount_earned,
    discount_terms,
    discounts_taken,
    discounts_within,
    windows_of,
)
from models.kinds import BankCreditOutcome, BankFormat, InvoiceStatus
from models.ledger import PAYABLE_STATUSES, oldest_first, record_payment
from models.schema import BankCredit, BankStatement, Customer, Invoice, PayerIban, Payment

_CHUNK = 900  # ids per IN (...) under SQLite's bound-parameter limit


@dataclass(frozen=True)
class PreviewLine:
    """A credit of the statement as the review screen shows it."""

    match: CreditMatch
    already: BankCreditOutcome | None = None  # recorded or ignored by an earlier import


@dataclass(frozen=True)
class BankPreview:
    """A statement matched against the store, nothing written."""

    statement: Statement
    lines: tuple[PreviewLine, ...]

    def new_lines(self, confidence: Confidence | None = None) -> list[PreviewLine]:
        """The lines not recorded or ignored before, of ``confidence`` if given."""
        return [line for line in self.lines if line.already is None
                and (confidence is None or line.match.confidence is confidence)]

    @property
    def already_done(self) -> int:
        """How many credits an earlier import recorded or ignored."""
        return sum(1 for line in self.lines if line.already is not None)


@dataclass(frozen=True)
class CreditChoice:
    """What the user chose for one credit (by its bank id): pay ``customer_id``'s
    ``invoice_ids`` (in that order; none: oldest due first), or ``ignore`` it as not a
    customer payment. A credit with no choice is left for a later import."""

    bank_id: str
    customer_id: int | None = None
    invoice_ids: tuple[int, ...] = ()
    ignore: bool = False


@dataclass(frozen=True)
class PlannedPayment:
    """A payment :func:`record` posts: the credit, the customer, (invoice id, amount)
    allocated, and what is left as credit on the account."""

    credit: StatementCredit
    customer_id: int
    allocations: tuple[tuple[int, int], ...]
    unallocated_minor: int
    # (invoice id, early-payment discount) the payment earns: credited, so they close.
    discounts: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class BankRecorded:
    """What :func:`record` did (no statement is kept when nothing was recorded or
    ignored)."""

    statement_id: int | None
    recorded: int
    ignored: int
    payment_ids: tuple[int, ...] = field(default=())


def preview(statement: Statement,
            progress: Callable[[int, int], None] | None = None) -> BankPreview:
    """Each credit of ``statement`` matched, and those an earlier import recorded or
    ignored marked so; writes nothing (safe off the window's thread, ``progress(done,
    total)`` told as it goes). Refuses a statement in a currency no customer is
    invoiced in."""
    currency = statement.currency
    with reading():
        used = Customer.select().where(Customer.currency == currency).exists()
        already = _already(c.bank_id for c in statement.credits)
    if statement.credits and not used:
        raise StatementRefused(
            f"{statement.file_name} is a statement in {currency or 'no currency'}, and no "
            f"customer is invoiced in it: only payments in a customer's currency can be "
            f"matched. Choose the statement of the account your customers pay into.")
    data = read_matching_data(currency)
    matches = match_credits(statement.credits, data, progress)
    return BankPreview(statement, tuple(PreviewLine(m, already.get(m.credit.bank_id))
                                        for m in matches))


def sure_choices(bank_preview: BankPreview) -> list[CreditChoice]:
    """The choices that accept every new credit matched with certainty (one key)."""
    return [accept(line.match) for line in bank_preview.new_lines(Confidence.SURE)]


def accept(match: CreditMatch, candidate: int = 0) -> CreditChoice:
    """The choice of a match's candidate (the best unless ``candidate`` says)."""
    chosen = match.candidates[candidate]
    return CreditChoice(match.credit.bank_id, chosen.customer_id, chosen.invoice_ids)


def planned_payments(bank_preview: BankPreview,
                     choices: Sequence[CreditChoice]) -> list[PlannedPayment]:
    """Exactly the payments and allocations :func:`record` posts for ``choices``, in the
    statement's order, as the payment dialog would allocate each typed by hand: the
    chosen invoices in order (each at most what is open, after earlier credits of the
    statement), else the customer's oldest due first, each invoice still in its
    early-payment discount window paid its discounted amount first and leaving what open
    disputes claim alone; what is left stays as credit. An invoice a payment leaves no
    more than its discount open on is closed by the discount (``discounts``), which
    later credits of the statement see."""
    chosen = _chosen(bank_preview, choices)
    customers = {c.customer_id for c in chosen.values() if c.customer_id is not None}
    open_now, currencies, terms_ids = _open_invoices(customers)
    with reading():
        # Oldest first pays no disputed part, as the ledger's own oldest first (models.disputed).
        claimed = claims(customer_ids=sorted(customers)) if customers else {}
        by_terms = {i: discount_terms(i) for i in set(terms_ids.values())}
        terms = {cid: by_terms[i] for cid, i in terms_ids.items()}
        taken = _taken([i for cid, listed in open_now.items() if terms.get(cid) is not None
                        for i in listed])
    plans = []
    for line in bank_preview.lines:
        choice = chosen.get(line.match.credit.bank_id)
        if choice is None or choice.ignore or line.already is not None:
            continue
        assert choice.customer_id is not None
        credit = line.match.credit
        if currencies.get(choice.customer_id) != credit.currency:
            raise LedgerError("choices", f"The credit {_words(credit)} is in "
                                         f"{credit.currency}; the customer chosen is invoiced "
                                         f"in another currency. Choose a customer who pays "
                                         f"in {credit.currency}.")
        listed = open_now.get(choice.customer_id, {})
        own_terms = terms.get(choice.customer_id)
        if choice.invoice_ids:
            parts, left = [], credit.amount_minor
            for invoice_id in choice.invoice_ids:
                invoice = listed.get(invoice_id)
                if invoice is None:
                    raise LedgerError("allocations", f"An invoice chosen for the credit "
                                                     f"{_words(credit)} has nothing open.")
                part = min(left, invoice.open_minor)
                if part > 0:
                    parts.append((invoice, part))
                    left -= part
        else:
            discounts = (discounts_within(windows_of(own_terms, listed.values(), taken),
                                          credit.booked_on) if own_terms else None)
            parts = oldest_first(listed.values(), credit.amount_minor, discounts, claimed)
        allocations = tuple((i.id, amount) for i, amount in parts)
        earned = []
        for invoice, amount in parts:
            invoice.open_minor -= amount
            invoice.status = status_after(invoice.status, invoice.open_minor,
                                          claimed.get(invoice.id, 0))
            # What the ledger's payment_allocated then credits (models.incentives).
            discount = (discount_earned(own_terms, invoice, credit.booked_on)
                        if invoice.id not in taken else 0)
            if discount:
                earned.append((invoice.id, discount))
                invoice.open_minor -= discount
                taken.add(invoice.id)
        used = sum(a for _, a in allocations)
        plans.append(PlannedPayment(credit, choice.customer_id, allocations,
                                    credit.amount_minor - used, tuple(earned)))
    return plans


def record(bank_preview: BankPreview, choices: Sequence[CreditChoice], *,
           today: dt.date | None = None) -> BankRecorded:
    """Record the chosen credits as payments and the ignored ones as ignored, in one
    transaction (nothing if any is refused); credits an earlier import recorded are
    skipped. The payer's IBAN is remembered for the customer."""
    today = today or dt.date.today()
    statement = bank_preview.statement
    with writing():
        # Every account paid, held before what is open on them is read (in id order:
        # two statements recorded at once paying the same customers never wait for
        # each other).
        hold_accounts(c.customer_id for c in _chosen(bank_preview, choices).values()
                      if c.customer_id is not None and not c.ignore)
        plans = planned_payments(bank_preview, choices)
        chosen = _chosen(bank_preview, choices)
        ignored = [line.match.credit for line in bank_preview.lines
                   if line.already is None and chosen.get(line.match.credit.bank_id,
                                                          CreditChoice("")).ignore]
        already = _already([p.credit.bank_id for p in plans] + [c.bank_id for c in ignored])
        if already:
            raise LedgerError("file", f"{len(already):,} of these credits were recorded since "
                                      f"the statement was read: read it again.")
        if not plans and not ignored:
            return BankRecorded(None, 0, 0)
        _free_voided([p.credit.bank_id for p in plans] + [c.bank_id for c in ignored])
        kept = BankStatement.create(
            file_name=statement.file_name, file_hash=statement.file_hash,
            format=statement.format, currency=statement.currency,
            imported_at=dt.datetime.now())
        payment_ids = []
        for plan in plans:
            credit = plan.credit
            try:
                result = record_payment(
                    plan.customer_id, received_on=credit.booked_on,
                    amount_minor=credit.amount_minor, method="bank transfer",
                    reference=(credit.text or credit.payer_name)[:200],
                    allocate_to=plan.allocations, today=today)
            except LedgerError as error:  # the ledger's words, said of which credit
                who = f" from {credit.payer_name}" if credit.payer_name else ""
                raise LedgerError(error.field, (
                    f"The credit {_words(credit)}{who} cannot be recorded: {error.message} "
                    f"Nothing from {statement.file_name} was recorded; leave that credit "
                    f"out, or import the statement again once it can be.")) from error
            payment_ids.append(result.payment_id)
            _keep(kept, credit, BankCreditOutcome.RECORDED, plan.customer_id, result.payment_id)
            if credit.payer_iban:
                _remember_iban(credit.payer_iban, plan.customer_id, credit.booked_on)
        for credit in ignored:
            _keep(kept, credit, BankCreditOutcome.IGNORED, None, None)
        record_change("record bank statement", "bank_statement", kept.id,
                      after={"file": statement.file_name, "format": str(statement.format),
                             "recorded": len(plans), "ignored": len(ignored),
                             "payments": payment_ids})
    return BankRecorded(kept.id, len(plans), len(ignored), tuple(payment_ids))


@dataclass(frozen=True)
class RecordedStatement:
    """A statement whose credits were confirmed, for a list to undo one from."""

    id: int
    file_name: str
    format: BankFormat
    currency: str
    imported_at: dt.datetime
    recorded: int  # credits recorded as payments
    ignored: int  # credits marked not a customer payment
    recorded_minor: int  # what the payments add up to
    undone_at: dt.datetime | None


def recorded_statements() -> list[RecordedStatement]:
    """The statements imported, newest first, with what each recorded and ignored."""
    recorded = pw.fn.SUM(pw.Case(None, [(BankCredit.outcome == BankCreditOutcome.RECORDED,
                                         1)], 0))
    money = pw.fn.SUM(pw.Case(None, [(BankCredit.outcome == BankCreditOutcome.RECORDED,
                                      BankCredit.amount_minor)], 0))
    ignored = pw.fn.SUM(pw.Case(None, [(BankCredit.outcome == BankCreditOutcome.IGNORED,
                                        1)], 0))
    with reading():
        counts = {sid: (int(r or 0), int(i or 0), int(m or 0)) for sid, r, i, m in (
            BankCredit.select(BankCredit.statement, recorded, ignored, money)
            .group_by(BankCredit.statement).tuples())}
        rows = list(BankStatement.select().order_by(BankStatement.imported_at.desc(),
                                                    BankStatement.id.desc()))
    return [RecordedStatement(row.id, row.file_name, BankFormat(row.format), row.currency,
                              row.imported_at, *counts.get(row.id, (0, 0, 0)), row.undone_at)
            for row in rows]


def undo_statement(statement_id: int, reason: str = "The bank statement was undone.") -> int:
    """Void every payment a statement recorded (through the ledger's void, in one
    transaction) and forget its credits, so the statement can be imported again.
    Returns how many payments were voided."""
    from models.ledger import void_payment
    with writing():
        kept = BankStatement.get_or_none(BankStatement.id == statement_id)
        if kept is None or kept.undone_at is not None:
            raise LedgerError("statement", "That bank statement does not exist or is "
                                           "already undone.")
        # A payment voided by hand since is left as it is; the rest are voided.
        payments = [p for (p,) in BankCredit.select(BankCredit.payment).join(
            Payment, on=(BankCredit.payment == Payment.id)).where(
            (BankCredit.statement == kept) & ~BankCredit.undone & ~Payment.voided).tuples()]
        hold_accounts(Payment.select(Payment.customer).where(one_of(Payment.id, payments))
                      .scalars())
        for payment_id in payments:
            void_payment(payment_id, reason)
        BankCredit.update(undone=True).where(BankCredit.statement == kept).execute()
        BankStatement.update(undone_at=dt.datetime.now()).where(
            BankStatement.id == kept.id).execute()
        record_change("undo bank statement", "bank_statement", kept.id,
                      after={"voided_payments": payments, "reason": reason})
    return len(payments)


# --- the rules behind them --------------------------------------------------------------

def _chosen(bank_preview: BankPreview,
            choices: Sequence[CreditChoice]) -> dict[str, CreditChoice]:
    known = {line.match.credit.bank_id for line in bank_preview.lines}
    chosen: dict[str, CreditChoice] = {}
    for choice in choices:
        if choice.bank_id not in known:
            raise LedgerError("choices", f"The statement has no credit {choice.bank_id}.")
        if choice.bank_id in chosen:
            raise LedgerError("choices", f"The credit {choice.bank_id} is chosen twice.")
        if not choice.ignore and choice.customer_id is None:
            raise LedgerError("choices", "Choose the customer who paid, or ignore the credit.")
        chosen[choice.bank_id] = choice
    return chosen


@dataclass
class _Open:
    """An invoice as planning spends its open amount (for ``oldest_first`` and the
    early-payment discount)."""

    id: int
    number: str
    issue_date: dt.date
    due_date: dt.date
    amount_minor: int
    open_minor: int
    currency: str
    status: InvoiceStatus


def _open_invoices(customers: set[int]) -> tuple[dict[int, dict[int, _Open]], dict[int, str],
                                                 dict[int, int | None]]:
    """The customers' open invoices by customer, their currencies and payment terms."""
    found: dict[int, dict[int, _Open]] = {}
    currencies: dict[int, str] = {}
    terms: dict[int, int | None] = {}
    ids = sorted(customers)
    with reading():
        for start in range(0, len(ids), _CHUNK):
            part = ids[start:start + _CHUNK]
            rows = list(Customer.select(Customer.id, Customer.currency, Customer.payment_terms)
                        .where(one_of(Customer.id, part)).tuples())
            currency = {cid: code for cid, code, _ in rows}
            currencies.update(currency)
            terms.update((cid, terms_id) for cid, _, terms_id in rows)
            for (invoice_id, customer_id, number, issued, due, amount, open_minor, status,
                 invoice_currency) in (
                    Invoice.select(Invoice.id, Invoice.customer, Invoice.number,
                                   Invoice.issue_date, Invoice.due_date, Invoice.amount_minor,
                                   Invoice.open_minor, Invoice.status, Invoice.currency)
                    .where(one_of(Invoice.customer, part) & (Invoice.open_minor > 0)
                           & Invoice.status.in_(PAYABLE_STATUSES))
                    .order_by(Invoice.due_date, Invoice.id).tuples()):
                if invoice_currency == currency.get(customer_id):
                    found.setdefault(customer_id, {})[invoice_id] = _Open(
                        invoice_id, number, issued, due, amount, open_minor, invoice_currency,
                        InvoiceStatus(status))
    return found, currencies, terms


def _taken(invoice_ids: Sequence[int]) -> set[int]:
    """The invoices among these whose early-payment discount was granted already."""
    ids = sorted(invoice_ids)
    return {i for start in range(0, len(ids), _CHUNK)
            for i in discounts_taken(ids[start:start + _CHUNK])}


def _already(bank_ids: Iterable[str]) -> dict[str, BankCreditOutcome]:
    """The credits among these an earlier import recorded or ignored. One whose payment
    was voided since (by hand, say to record it for the right customer) is free again."""
    ids = sorted(set(bank_ids))
    found: dict[str, BankCreditOutcome] = {}
    for start in range(0, len(ids), _CHUNK):
        found.update(BankCredit.select(BankCredit.bank_id, BankCredit.outcome)
                     .join(Payment, pw.JOIN.LEFT_OUTER, on=(BankCredit.payment == Payment.id))
                     .where(one_of(BankCredit.bank_id, ids[start:start + _CHUNK])
                            & ~BankCredit.undone
                            & (Payment.id.is_null() | ~Payment.voided)).tuples())
    return found


def _free_voided(bank_ids: Sequence[str]) -> None:
    """Let go of these credits' rows whose payment was voided, to record them anew."""
    ids = sorted(set(bank_ids))
    for start in range(0, len(ids), _CHUNK):
        voided = Payment.select(Payment.id).where(Payment.voided)
        BankCredit.update(undone=True).where(
            one_of(BankCredit.bank_id, ids[start:start + _CHUNK]) & ~BankCredit.undone
            & BankCredit.payment.in_(voided)).execute()


def _keep(statement: BankStatement, credit: StatementCredit, outcome: BankCreditOutcome,
          customer_id: int | None, payment_id: int | None) -> None:
    BankCredit.create(statement=statement, bank_id=credit.bank_id, booked_on=credit.booked_on,
                      amount_minor=credit.amount_minor, currency=credit.currency,
                      payer_name=credit.payer_name, payer_iban=credit.payer_iban,
                      text=credit.text, outcome=outcome, customer=customer_id,
                      payment=payment_id)


def _remember_iban(iban: str, customer_id: int, seen_on: dt.date) -> None:
    PayerIban.insert(iban=iban, customer=customer_id, last_seen=seen_on).on_conflict(
        conflict_target=[PayerIban.iban],
        update={PayerIban.customer: customer_id, PayerIban.last_seen: seen_on}).execute()


def _words(credit: StatementCredit) -> str:
    from models.money import format_money
    return f"of {format_money(credit.amount_minor, credit.currency)} on {credit.booked_on}"

