"""Posting to a customer's account: payments, credit notes, disputes, holds, edits.

Every function here writes in one IMMEDIATE transaction, keeps each
invoice's open amount in step with its allocations, and records the change
in the audit log. Posted money is never edited away: it is voided.
Bad input raises :class:`LedgerError` naming the field and saying why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from typing import Protocol, TypeVar

import peewee as pw

from models import input_rules as rules
from models.allocations import (
    allocated,
    hold_account_of,
    hold_accounts,
    hold_invoices,
    post_allocation,
    undo_allocation,
)
from models.audit import record_change
from models.contacts import review_promises
from models.db import one_of, writing
from models.disputed import chased_part, claims
from models.disputes import (
    dispute_whole_invoice,
    refuse_new_amount_in_dispute,
    release_invoice,
)
from models.edit_versions import VERSION, next_version
from models.errors import LedgerError, Problems
from models.followup import invoice_late_start
from models.incentives import discounts_on, payment_allocated, payment_voided
from models.kinds import OWED_STATUSES, InvoiceStatus, LegalForm, PolicyUse
from models.mail import valid_address
from models.money import MoneyError, exponent, format_money, is_currency_code, to_minor
from models.plans import reopen_plans, settle_plans
from models.schema import (
    Allocation,
    ContactPerson,
    CreditNote,
    CreditPolicy,
    Customer,
    FollowUpPolicy,
    Invoice,
    Payment,
    PaymentTerms,
)


@dataclass(frozen=True)
class AllocatedPart:
    invoice_id: int
    invoice_number: str
    amount_minor: int


@dataclass(frozen=True)
class PaymentResult:
    """What a recorded payment paid, and what is left as credit on the account."""

    payment_id: int
    allocated: tuple[AllocatedPart, ...]
    unallocated_minor: int


@dataclass(frozen=True)
class Choice:
    """An item of a pick list (payment terms, a policy): its id and its name."""

    id: int
    name: str


@dataclass(frozen=True)
class PickLists:
    payment_terms: tuple[Choice, ...]
    credit_policies: tuple[Choice, ...]
    followup_policies: tuple[Choice, ...]


@dataclass(frozen=True)
class CustomerDraft:
    """A customer's details as typed in the customer dialog."""

    code: str
    name: str
    currency: str
    contact_name: str = ""
    billing_email: str = ""
    phone: str = ""
    address: str = ""
    country: str = ""
    language: str = "en"
    payment_terms_id: int | None = None
    credit_policy_id: int | None = None
    followup_policy_id: int | None = None
    notes: str = ""
    tax_number: str = ""  # VAT or tax registration number
    legal_form: str = ""  # a LegalForm: company, sole trader, individual… ("": unknown)


@dataclass(frozen=True)
class InvoiceDraft:
    """An invoice as typed in the invoice dialog (amount in minor units)."""

    number: str
    issue_date: dt.date
    due_date: dt.date
    amount_minor: int
    external_ref: str = ""


PAYMENT_METHODS = ("bank transfer", "card", "cheque", "cash", "direct debit", "other")


def method_word(method: str) -> str:
    """A payment's method as the window shows it: one of Duly's capitalised ("Bank
    transfer"), any other as the user or an import wrote it ("BACS", not "Bacs")."""
    return method.capitalize() if method in PAYMENT_METHODS else method

# Invoices money can be allocated to, when the user chooses them.
PAYABLE_STATUSES = OWED_STATUSES
# Invoices a payment pays when the user does not choose: not those in dispute.
PAID_BY_DEFAULT = (InvoiceStatus.OPEN, InvoiceStatus.WITH_AGENCY)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


class OpenItem(Protocol):
    """What the allocation rules read of an invoice: a stored one or a row shown."""

    @property
    def id(self) -> int: ...
    @property
    def due_date(self) -> dt.date: ...
    @property
    def open_minor(self) -> int: ...
    @property
    def status(self) -> str: ...


Item = TypeVar("Item", bound=OpenItem)


def oldest_first(invoices: Iterable[Item], amount_minor: int,
                 discounts: Mapping[int, int] | None = None,
                 claimed: Mapping[int, int] | None = None) -> list[tuple[Item, int]]:
    """What ``amount_minor`` pays of each invoice when the user does not choose.

    Invoices in dispute are left alone; the rest are paid in order of due
    date, and of invoice id between invoices due the same day. With
    ``discounts`` (invoice id -> the early-payment discount it gives this
    payment, :func:`models.incentives.discounts_on`) each is paid its
    discounted amount first and what is left tops them up in the same order.
    The payment dialog previews with this and the ledger posts with it, so
    the two agree.

    With ``claimed`` (invoice id -> what open dispute cases claim of it,
    :func:`models.disputed.claims`) only the part of each invoice not in dispute is
    paid: money goes to a disputed part only when the user chooses so.
    """
    invoices = list(invoices)
    discounts = discounts or {}
    claimed = claimed or {}
    chased = {i.id: chased_part(i.open_minor, claimed.get(i.id, 0)) for i in invoices
              if i.status in PAID_BY_DEFAULT and i.open_minor > 0}
    chosen = sorted((i for i in invoices if chased.get(i.id, 0) > 0),
                    key=lambda i: (i.due_date, i.id))
    parts: dict[int, int] = {}
    left = max(amount_minor, 0)
    for invoice in chosen:
        part = max(min(left, chased[invoice.id] - discounts.get(invoice.id, 0)), 0)
        parts[invoice.id], left = part, left - part
    for invoice in chosen:
        part = min(left, chased[invoice.id] - parts[invoice.id])
        parts[invoice.id], left = parts[invoice.id] + part, left - part
    return [(i, parts[i.id]) for i in chosen if parts[i.id] > 0]


def payable(invoices: Iterable[Item], currency: str) -> list[Item]:
    """The invoices money in ``currency`` can be allocated to: something open, not closed."""
    return [i for i in invoices if getattr(i, "currency", currency) == currency
            and i.open_minor > 0 and i.status in PAYABLE_STATUSES]


def can_dispute(status: str, open_minor: int) -> bool:
    """Whether an invoice can be put in dispute: it is live and something is open."""
    return status in PAID_BY_DEFAULT and open_minor > 0


def can_void(status: str, paid_minor: int) -> bool:
    """Whether an invoice can be voided: not void already, and no money allocated to it."""
    return status != InvoiceStatus.VOID and paid_minor == 0


# --- what users type ----------------------------------------------------------

def parse_amount(text: str, currency: str, field: str = "amount") -> int:
    """Minor units from what a user typed ("1,234.50", "1234.5", "£ 12", "12,50")."""
    cleaned = re.sub(r"[\s\u00a0\u202f'£€$¥]", "", text.strip()).upper()
    cleaned = cleaned.replace(currency.upper(), "")
    if not cleaned:
        raise LedgerError(field, "Enter an amount.")
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
    elif cleaned.count(",") == 1 and len(cleaned.rsplit(",", 1)[1]) != 3:
        decimal_mark = ","  # "12,50": a decimal comma, not thousands
    else:
        decimal_mark = "."
    thousands = "." if decimal_mark == "," else ","
    cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise LedgerError(field, f"“{text.strip()}” is not an amount. Write it like 1234.50.")
    try:
        return to_minor(cleaned, currency)
    except MoneyError as exc:
        places = exponent(currency)
        if "decimal places" in str(exc):
            raise LedgerError(field, f"{currency} amounts have {places} decimal places at "
                                     f"most.") from exc
        raise LedgerError(field, str(exc)) from exc


def parse_date(text: str, field: str = "date") -> dt.date:
    """A date from what a user typed: YYYY-MM-DD (also DD/MM/YYYY and DD.MM.YYYY)."""
    cleaned = text.strip()
    for pattern in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
        return rules.check_date(day, field, "The date")
    raise LedgerError(field, f"“{cleaned}” is not a date. Write it as YYYY-MM-DD, "
                             f"e.g. 2026-11-24.")


def pick_lists() -> PickLists:
    """The payment terms and policies a customer can be given."""
    def choices(model: type[pw.Model]) -> tuple[Choice, ...]:
        return tuple(Choice(i, n) for i, n in
                     model.select(model.id, model.name).order_by(model.name).tuples())

    # The payment plans' policy chases instalments, not a customer's invoices.
    chasing = tuple(Choice(i, n) for i, n in FollowUpPolicy.select(
        FollowUpPolicy.id, FollowUpPolicy.name).where(FollowUpPolicy.use == PolicyUse.INVOICES)
        .order_by(FollowUpPolicy.name).tuples())
    return PickLists(choices(PaymentTerms), choices(CreditPolicy), chasing)


# --- money in -----------------------------------------------------------------

def record_payment(customer_id: int, *, received_on: dt.date, amount_minor: int,
                   method: str = "bank transfer", reference: str = "",
                   allocate_to: Sequence[tuple[int, int]] | None = None,
                   today: dt.date | None = None,
                   incentives: bool = True) -> PaymentResult:
    """Record money received and allocate it; what is left stays as credit.

    ``allocate_to`` lists (invoice id, amount) chosen by the user; None
    allocates oldest due first. The early-payment discounts and offers it
    earns are applied (:func:`models.incentives.payment_allocated`) unless
    ``incentives`` is False (a payment an import brings from the books of
    record). Refuses a zero or negative amount, a date after today, an
    invoice of another customer or currency, and an allocation above what
    is open or above the payment.
    """
    amount_minor = rules.check_amount(amount_minor, "amount", "the payment")
    rules.check_date(received_on, "received_on", "The payment date")
    _not_future(received_on, today, "received_on", "The payment date")
    reference = rules.check_line(reference, "reference", "the reference", rules.REFERENCE_LIMIT)
    method = rules.check_line(method, "method", "the method", rules.NUMBER_LIMIT)
    with writing():
        customer = _held_customer(customer_id)
        payment = Payment.create(
            customer=customer, received_on=received_on, amount_minor=amount_minor,
            unallocated_minor=amount_minor, currency=customer.currency,
            method=method.strip() or "other",
            reference=reference.strip(), created_at=dt.datetime.now())
        parts = _allocate(customer, payment.currency, amount_minor, allocate_to,
                          received_on, incentives=incentives, payment=payment)
        record_change("record payment", "payment", payment.id,
                      after={**_payment_fields(payment),
                             "allocations": [asdict(p) for p in parts]})
        review_promises(today or dt.date.today(), customer_id=customer.id)
        settle_plans(customer_id=customer.id)
    return PaymentResult(payment.id, parts, amount_minor - sum(p.amount_minor for p in parts))


# A payment this much above the open balance, and this far above it, is asked about.
_QUESTION_FACTOR = 10
_QUESTION_MARGIN_MINOR = 100_000


def payment_question(amount_minor: int, balance_minor: int, currency: str) -> str | None:
    """The question to ask before recording a payment far larger than the customer owes
    (more than ten times the open balance and at least 1,000.00 above it), or None."""
    owed = max(balance_minor, 0)
    if amount_minor <= owed * _QUESTION_FACTOR or amount_minor - owed < _QUESTION_MARGIN_MINOR:
        return None
    return (f"This payment of {format_money(amount_minor, currency)} is far larger than the "
            f"{format_money(owed, currency)} the customer owes: "
            f"{format_money(amount_minor - owed, currency)} would be kept as credit. "
            f"Is the amount right?")


def allocate_credit(customer_id: int, *, payment_id: int | None = None,
                    credit_note_id: int | None = None,
                    allocate_to: Sequence[tuple[int, int]] | None = None,
                    on: dt.date | None = None) -> tuple[AllocatedPart, ...]:
    """Allocate a payment's or credit note's unallocated credit to open invoices."""
    if (payment_id is None) == (credit_note_id is None):
        raise ValueError("allocate_credit takes a payment or a credit note")
    on = on or dt.date.today()
    with writing():
        customer = _held_customer(customer_id)
        model, source_id = ((Payment, payment_id) if payment_id is not None
                            else (CreditNote, credit_note_id))
        source = model.get_or_none((model.id == source_id) & (model.customer == customer))
        if source is None or source.voided:
            raise LedgerError("source", "That payment or credit note is not on this account.")
        if source.unallocated_minor <= 0:
            raise LedgerError("source", "Nothing is left to allocate from it.")
        kind = {"payment": source} if model is Payment else {"credit_note": source}
        parts = _allocate(customer, source.currency, source.unallocated_minor, allocate_to, on,
                          **kind)
        record_change("allocate credit", model._meta.table_name, source.id,
                      after={"allocations": [asdict(p) for p in parts]})
        review_promises(on, customer_id=customer.id)
        settle_plans(customer_id=customer.id)
    return parts


def add_credit_note(customer_id: int, *, number: str, issue_date: dt.date, amount_minor: int,
                    reason: str = "", invoice_id: int | None = None,
                    today: dt.date | None = None) -> int:
    """Grant a credit note; allocated to ``invoice_id`` if given, else kept as credit."""
    number = rules.check_line(number, "number", "the credit note's number", rules.NUMBER_LIMIT)
    if not number:
        raise LedgerError("number", "Enter the credit note's number.")
    amount_minor = rules.check_amount(amount_minor, "amount", "the credit note")
    rules.check_date(issue_date, "issue_date", "The credit note's date")
    _not_future(issue_date, today, "issue_date", "The credit note's date")
    reason = rules.check_text(reason, "reason", "the reason", rules.REASON_LIMIT)
    with writing():
        customer = _held_customer(customer_id)
        if CreditNote.select().where(CreditNote.number_key == rules.match_key(number)).exists():
            raise LedgerError("number", f"Credit note {number} already exists.")
        note = CreditNote.create(
            number=number, number_key=rules.match_key(number), customer=customer,
            issue_date=issue_date, amount_minor=amount_minor,
            unallocated_minor=amount_minor, currency=customer.currency, reason=reason.strip(),
            invoice=invoice_id,
            created_at=dt.datetime.now())
        parts: tuple[AllocatedPart, ...] = ()
        if invoice_id is not None:
            invoice = _invoice_of(customer, invoice_id, note.currency, "invoice")
            share = min(amount_minor, invoice.open_minor)
            if share > 0:
                parts = _allocate(customer, note.currency, amount_minor, [(invoice_id, share)],
                                  issue_date, credit_note=note)
        record_change("add credit note", "credit_note", note.id,
                      after={"number": number, "amount_minor": amount_minor,
                             "invoice_id": invoice_id, "reason": note.reason,
                             "allocations": [asdict(p) for p in parts]})
    return note.id


def void_payment(payment_id: int, reason: str) -> None:
    """Void a payment recorded by mistake; its allocations are undone."""
    reason = _reason(reason, "Say why the payment is voided.")
    with writing():
        hold_account_of(Payment, payment_id)
        payment = Payment.get_or_none(Payment.id == payment_id)
        if payment is None or payment.voided:
            raise LedgerError("payment", "That payment does not exist or is already void.")
        before = _payment_fields(payment)
        paid, charges = [], []
        for allocation in Allocation.select().where((Allocation.payment == payment)
                                                    & ~Allocation.voided):
            undo_allocation(allocation)
            paid.append(allocation.invoice_id)
            charges.append(allocation.charge_id)
        Payment.update(voided=True, unallocated_minor=0).where(Payment.id == payment.id).execute()
        paid = [i for i in paid if i is not None]
        payment_voided(paid, reason)
        record_change("void payment", "payment", payment.id, before=before,
                      after={"voided": True, "reason": reason})
        # A plan this money completed is no longer paid: it is kept again.
        reopen_plans(paid, f"A payment it counted was voided: {reason}",
                     charge_ids=[c for c in charges if c is not None])


def void_invoice(invoice_id: int, reason: str) -> None:
    """Void an invoice issued by mistake (only while nothing is allocated to it)."""
    reason = _reason(reason, "Say why the invoice is voided.")
    with writing():
        hold_account_of(Invoice, invoice_id)
        invoice = _existing_invoice(invoice_id)
        if invoice.status == InvoiceStatus.VOID:
            raise LedgerError("invoice", f"Invoice {invoice.number} is already void.")
        if not can_void(invoice.status, _allocated(Allocation.invoice == invoice.id)):
            raise LedgerError("invoice", f"Money is allocated to invoice {invoice.number}. "
                                         f"Void that payment or credit note first.")
        Invoice.update(status=InvoiceStatus.VOID,
                       open_minor=0).where(Invoice.id == invoice.id).execute()
        record_change("void invoice", "invoice", invoice.id,
                      before={"status": invoice.status, "open_minor": invoice.open_minor},
                      after={"status": InvoiceStatus.VOID, "open_minor": 0, "reason": reason})


# --- disputes and holds ----------------------------------------------------------

def dispute_invoice(invoice_id: int, reason: str, *, today: dt.date | None = None) -> int:
    """Put all that is open on an invoice in dispute, with ``reason`` as what the
    customer said: a dispute case of its own (:mod:`models.disputes`); its id. Follow-up
    stops for it until the case ends."""
    return dispute_whole_invoice(invoice_id, reason, today=today)


def release_dispute(invoice_id: int, *, on: dt.date | None = None) -> None:
    """End the dispute an invoice is in (its case is recorded as withdrawn); it is chased
    again if still open."""
    release_invoice(invoice_id, on=on)


def put_on_hold(customer_id: int, reason: str) -> None:
    """Stop all follow-up with a customer, with the reason."""
    reason = _reason(reason, "Say why the customer is put on hold.")
    with writing():
        customer = _customer(customer_id)
        Customer.update(on_hold=True, hold_reason=reason).where(
            Customer.id == customer.id).execute()
        record_change("put on hold", "customer", customer.id,
                      before={"on_hold": customer.on_hold, "hold_reason": customer.hold_reason},
                      after={"on_hold": True, "hold_reason": reason})


def release_hold(customer_id: int) -> None:
    """Resume follow-up with a customer."""
    with writing():
        customer = _customer(customer_id)
        Customer.update(on_hold=False, hold_reason="").where(Customer.id == customer.id).execute()
        record_change("release hold", "customer", customer.id,
                      before={"on_hold": customer.on_hold, "hold_reason": customer.hold_reason},
                      after={"on_hold": False})


# --- customers and invoices ---------------------------------------------------

def add_customer(draft: CustomerDraft) -> int:
    """Create a customer; refuses a duplicate code, an empty name or a bad currency."""
    with writing():
        fields = _customer_fields(draft, customer_id=None)
        customer = Customer.create(**fields, created_at=dt.datetime.now())
        _save_billing_contact(customer, draft)
        record_change("add customer", "customer", customer.id, after=asdict(draft))
    return customer.id


# A customer's details in words, as a refused save names those changed meanwhile.
CUSTOMER_FIELD_WORDS = {
    "name": "the name", "code": "the account code", "contact_name": "the contact",
    "billing_email": "the e-mail address", "phone": "the phone number",
    "tax_number": "the VAT number", "address": "the address", "country": "the country",
    "legal_form": "the legal form", "language": "the language", "currency": "the currency",
    "payment_terms": "the payment terms", "credit_policy": "the late charges",
    "followup_policy": "the follow-up policy", "notes": "the notes",
}


def update_customer(customer_id: int, draft: CustomerDraft, *,
                    read_version: int | None = None) -> None:
    """Change a customer's details (audited, with the fields before and after).

    ``read_version`` is the customer's edit version the editor read
    (``models.customer_account.customer_to_edit``); when someone else saved the
    customer since, the save is refused with :class:`~models.errors.EditConflict`
    naming who changed what, and nothing is written. None (an import): saved whatever
    the version.
    """
    with writing():
        _customer(customer_id)
        version = next_version(Customer, customer_id, read_version, what="customer",
                               table="customer", actions=("edit customer",),
                               labels=CUSTOMER_FIELD_WORDS)
        customer = Customer.get_by_id(customer_id)  # as it is now, held for this save
        fields = _customer_fields(draft, customer_id=customer.id)
        if fields["currency"] != customer.currency and _has_money(customer):
            raise LedgerError("currency", "The currency cannot change once the customer has "
                                          "invoices or payments.")
        before = {name: customer.__data__.get(name) for name in fields}
        Customer.update(**fields).where(Customer.id == customer.id).execute()
        contact = _billing_contact_name(customer)
        _save_billing_contact(customer, draft)
        record_change("edit customer", "customer", customer.id,
                      before={**before, "contact_name": contact, VERSION: version - 1},
                      after={**fields, "contact_name": rules.clean_line(draft.contact_name),
                             VERSION: version})


def _billing_contact_name(customer: Customer) -> str:
    contact = ContactPerson.get_or_none((ContactPerson.customer == customer)
                                        & ContactPerson.is_billing)
    return contact.name if contact is not None else ""


def add_invoice(customer_id: int, draft: InvoiceDraft, *, today: dt.date | None = None) -> int:
    """Record an invoice; refuses a duplicate number, a due date before issue, a
    zero or negative amount. One already long overdue starts its follow-up at the
    first reminder ``today`` (:func:`models.followup.late_start`), not at the harshest."""
    with writing():
        customer = _customer(customer_id)
        number = _invoice_number(draft, invoice_id=None)
        invoice = Invoice.create(
            number=number, number_key=rules.match_key(number), customer=customer,
            issue_date=draft.issue_date,
            due_date=draft.due_date, amount_minor=draft.amount_minor,
            open_minor=draft.amount_minor, currency=customer.currency,
            external_ref=_external_ref(draft), created_at=dt.datetime.now(),
            chase_from=invoice_late_start(customer.id, draft.due_date,
                                          today or dt.date.today()))
        record_change("add invoice", "invoice", invoice.id, after=asdict(draft))
    return invoice.id


def update_invoice(invoice_id: int, draft: InvoiceDraft) -> None:
    """Correct an invoice's number, dates or reference (audited). The amount can
    change only while nothing is allocated to it; otherwise void and re-issue."""
    with writing():
        hold_account_of(Invoice, invoice_id)
        invoice = _existing_invoice(invoice_id)
        if invoice.status == InvoiceStatus.VOID:
            raise LedgerError("number", f"Invoice {invoice.number} is void.")
        number = _invoice_number(draft, invoice_id=invoice.id)
        changes: dict[str, object] = {
            "number": number, "number_key": rules.match_key(number),
            "issue_date": draft.issue_date, "due_date": draft.due_date,
            "external_ref": _external_ref(draft)}
        if draft.amount_minor != invoice.amount_minor:
            if _allocated(Allocation.invoice == invoice.id):
                raise LedgerError("amount", "Money is already allocated to this invoice, so "
                                            "its amount cannot change. Void it and issue a "
                                            "new one, or add a credit note.")
            refuse_new_amount_in_dispute(invoice.id, invoice.number)
            changes.update(amount_minor=draft.amount_minor, open_minor=draft.amount_minor)
        before = {name: getattr(invoice, name) for name in changes}
        Invoice.update(**changes).where(Invoice.id == invoice.id).execute()
        record_change("edit invoice", "invoice", invoice.id, before=before, after=changes)


# --- the rules behind them ----------------------------------------------------

def _allocate(customer: Customer, currency: str, available: int,
              allocate_to: Sequence[tuple[int, int]] | None, on: dt.date,
              incentives: bool = True,
              **source: Payment | CreditNote) -> tuple[AllocatedPart, ...]:
    """Allocate up to ``available`` from ``source`` to the customer's open invoices; a
    payment's then earns what incentives it does (unless ``incentives`` is False)."""
    (paid_from,) = source.values()
    payment = paid_from if incentives and isinstance(paid_from, Payment) else None
    if allocate_to is None:
        plan = _oldest_first(customer, currency, available, payment)
    else:
        plan = _chosen(customer, currency, available, allocate_to)
    parts = []
    for invoice, amount in plan:
        post_allocation(invoice, amount, on, **source)
        parts.append(AllocatedPart(invoice.id, invoice.number, amount))
    used = sum(p.amount_minor for p in parts)
    type(paid_from).update(unallocated_minor=paid_from.unallocated_minor - used).where(
        type(paid_from).id == paid_from.id).execute()
    if payment is not None:
        payment_allocated(payment, [p.invoice_id for p in parts], on)
    return tuple(parts)


def _oldest_first(customer: Customer, currency: str, available: int,
                  payment: Payment | None) -> list[tuple[Invoice, int]]:
    """Oldest first; for a payment, each invoice's discounted amount first."""
    payable = ((Invoice.customer == customer) & (Invoice.currency == currency)
               & (Invoice.open_minor > 0) & Invoice.status.in_(PAID_BY_DEFAULT))
    hold_invoices(payable)
    open_invoices = list(Invoice.select().where(payable))
    discounts = (discounts_on(customer.id, payment.received_on, open_invoices)
                 if payment is not None else None)
    return oldest_first(open_invoices, available, discounts,
                        claims([i.id for i in open_invoices]))


def _chosen(customer: Customer, currency: str, available: int,
            allocate_to: Sequence[tuple[int, int]]) -> list[tuple[Invoice, int]]:
    plan, total, seen = [], 0, set()
    hold_invoices(one_of(Invoice.id, sorted({invoice_id for invoice_id, _ in allocate_to})))
    for invoice_id, amount in allocate_to:
        if invoice_id in seen:
            raise LedgerError("allocations", "An invoice is listed twice.")
        seen.add(invoice_id)
        invoice = _invoice_of(customer, invoice_id, currency, "allocations")
        if amount <= 0:
            raise LedgerError("allocations", f"Allocate an amount above zero to "
                                             f"invoice {invoice.number}.")
        if amount > invoice.open_minor:
            raise LedgerError("allocations", f"Invoice {invoice.number} has only "
                                             f"{_money(invoice.open_minor, currency)} open.")
        total += amount
        plan.append((invoice, amount))
    if total > available:
        raise LedgerError("allocations", f"The allocations add up to "
                                         f"{_money(total, currency)}, more than the "
                                         f"{_money(available, currency)} available.")
    return plan


def _allocated(where: pw.Expression) -> int:
    return int(allocated(where).scalar())


def _customer(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise LedgerError("customer", "That customer no longer exists.")
    return customer


def _held_customer(customer_id: int) -> Customer:
    """The customer, its account held first for a write that allocates on it (see
    :func:`models.allocations.hold_accounts`)."""
    hold_accounts([customer_id])
    return _customer(customer_id)


def _existing_invoice(invoice_id: int) -> Invoice:
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None:
        raise LedgerError("invoice", "That invoice no longer exists.")
    return invoice


def _invoice_of(customer: Customer, invoice_id: int, currency: str, field: str) -> Invoice:
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None or invoice.customer_id != customer.id:
        raise LedgerError(field, "That invoice is not on this customer's account.")
    if invoice.currency != currency:
        raise LedgerError(field, f"Invoice {invoice.number} is in {invoice.currency}, not "
                                 f"{currency}.")
    if invoice.status not in PAYABLE_STATUSES:
        raise LedgerError(field, f"Invoice {invoice.number} is {invoice.status.replace('_', ' ')}.")
    return invoice


def invoice_problems(number: str, issue_date: dt.date | None, due_date: dt.date | None,
                     amount_minor: int | None) -> list[tuple[str, str]]:
    """What is wrong with an invoice as entered, field by field, before the store is
    asked (a part that could not be read is None and goes unchecked here)."""
    problems = Problems()
    kept = problems.read(lambda: rules.check_line(number, "number", "the invoice number",
                                                  rules.NUMBER_LIMIT))
    if kept == "":
        problems.refuse("number", "Enter the invoice number.")
    for day, field, what in ((issue_date, "issue_date", "The issue date"),
                             (due_date, "due_date", "The due date")):
        problems.read(partial(rules.check_optional_date, day, field, what))
    if issue_date is not None and due_date is not None and due_date < issue_date:
        problems.refuse("due_date", "The due date is before the issue date.")
    if amount_minor is not None:
        problems.read(lambda: rules.check_amount(amount_minor, "amount", "the invoice"))
    return problems.found


def _external_ref(draft: InvoiceDraft) -> str | None:
    return rules.check_line(draft.external_ref, "external_ref", "the reference",
                            rules.REFERENCE_LIMIT) or None


def _invoice_number(draft: InvoiceDraft, invoice_id: int | None) -> str:
    problems = Problems()
    number = rules.clean_line(draft.number)
    clash = Invoice.select().where(Invoice.number_key == rules.match_key(number))
    if invoice_id is not None:
        clash = clash.where(Invoice.id != invoice_id)
    if number and clash.exists():
        problems.refuse("number", f"Invoice {number} already exists.")
    for field, message in invoice_problems(draft.number, draft.issue_date, draft.due_date,
                                           draft.amount_minor):
        problems.refuse(field, message)
    problems.check()
    return number


def _customer_fields(draft: CustomerDraft, customer_id: int | None) -> dict[str, object]:
    def taken(code: str) -> bool:
        clash = Customer.select().where(Customer.code_key == rules.match_key(code))
        if customer_id is not None:
            clash = clash.where(Customer.id != customer_id)
        return bool(clash.exists())

    return customer_fields(draft, taken=taken, next_code=_next_customer_code)


def customer_fields(draft: CustomerDraft, *, taken: Callable[[str], bool],
                    next_code: Callable[[], str]) -> dict[str, object]:
    """A customer's fields as kept, checked: the rule for one typed in and for many
    imported at once (``taken`` says whether a code is another customer's; ``next_code``
    numbers one that has none). Raises FieldProblems naming every field that will not do."""
    problems = Problems()
    name = problems.read(lambda: rules.check_line(draft.name, "name", "the name",
                                                  rules.NAME_LIMIT))
    if name == "":
        problems.refuse("name", "Enter the customer's name.")
    code = problems.read(lambda: rules.check_line(draft.code, "code", "the account code",
                                                  CODE_LIMIT)) or next_code()
    if taken(code):
        problems.refuse("code", f"Another customer already has the account code {code}.")
    texts = {field: problems.read(partial(rules.check_text if many else rules.check_line,
                                          getattr(draft, field), field, what, limit))
             for field, what, limit, many in _CUSTOMER_TEXTS}
    currency = draft.currency.strip().upper()
    if not is_currency_code(currency):
        problems.refuse("currency", "Choose the currency as a three-letter code, e.g. EUR.")
    email = texts["billing_email"] or ""
    if email and not valid_address(email):
        problems.refuse("billing_email", f"“{email}” does not look like an e-mail address.")
    if draft.legal_form not in tuple(LegalForm):
        problems.refuse("legal_form", "Choose whether the customer is a company, a sole "
                                      "trader, an individual or other, or leave it unknown.")
    from models.postal import is_country_code  # Babel's territories: read when needed

    country = draft.country.strip().upper()
    if country and not is_country_code(country):
        problems.refuse("country", "Choose the country as a two-letter code, e.g. GB.")
    if draft.followup_policy_id is not None and FollowUpPolicy.select().where(
            (FollowUpPolicy.id == draft.followup_policy_id)
            & (FollowUpPolicy.use == PolicyUse.PLANS)).exists():
        problems.refuse("followup_policy_id", "That policy reminds customers of their payment "
                                              "plans' instalments; choose a follow-up policy "
                                              "for invoices.")
    problems.check()
    return {"code": code, "code_key": rules.match_key(code), "name": name,
            "currency": currency, "billing_email": email,
            "phone": texts["phone"], "address": texts["address"], "country": country,
            "language": draft.language.strip() or "en",
            "payment_terms": draft.payment_terms_id, "credit_policy": draft.credit_policy_id,
            "followup_policy": draft.followup_policy_id, "notes": texts["notes"],
            "tax_number": tax_number_as_kept(texts["tax_number"] or ""),
            "legal_form": LegalForm(draft.legal_form) if draft.legal_form in tuple(LegalForm)
            else LegalForm.UNKNOWN}


CODE_LIMIT = 32
# A customer's other text fields: (field, what it is called, limit, multi-line).
_CUSTOMER_TEXTS = (
    ("contact_name", "the contact's name", rules.NAME_LIMIT, False),
    ("billing_email", "the e-mail address", rules.EMAIL_LIMIT, False),
    ("phone", "the phone number", rules.PHONE_LIMIT, False),
    ("address", "the address", rules.ADDRESS_LIMIT, True),
    ("tax_number", "the tax number", rules.NUMBER_LIMIT, False),
    ("notes", "the notes", rules.NOTE_LIMIT, True),
)


def tax_number_as_kept(text: str) -> str:
    """A VAT or tax registration number as Duly keeps and compares it: without spaces, in
    capitals ("gb 123 4567 89" is "GB123456789"), so one written either way is found."""
    return "".join(text.split()).upper()


def _next_customer_code() -> str:
    count = Customer.select().count()
    while True:
        count += 1
        code = f"C{count:05d}"
        if not Customer.select().where(Customer.code == code).exists():
            return code


def _save_billing_contact(customer: Customer, draft: CustomerDraft) -> None:
    name, email = rules.clean_line(draft.contact_name), rules.clean_line(draft.billing_email)
    contact = ContactPerson.get_or_none((ContactPerson.customer == customer)
                                        & ContactPerson.is_billing)
    if contact is None:
        if name or email:
            ContactPerson.create(customer=customer, name=name, email=email,
                                 phone=rules.clean_line(draft.phone), is_billing=True)
        return
    ContactPerson.update(name=name, email=email).where(ContactPerson.id == contact.id).execute()


def _has_money(customer: Customer) -> bool:
    return (Invoice.select().where(Invoice.customer == customer).exists()
            or Payment.select().where(Payment.customer == customer).exists())


def _not_future(day: dt.date, today: dt.date | None, field: str, what: str) -> None:
    if day > (today or dt.date.today()):
        raise LedgerError(field, f"{what} is in the future.")


def _reason(reason: str, prompt: str) -> str:
    reason = rules.check_text(reason, "reason", "the reason", rules.REASON_LIMIT)
    if not reason:
        raise LedgerError("reason", prompt)
    return reason


PAYMENT_AUDITED = ("customer_id", "received_on", "amount_minor", "currency", "method",
                   "reference")
"""A payment's fields as its audit entries record them."""


def _payment_fields(payment: Payment) -> dict[str, object]:
    return {name: getattr(payment, name) for name in PAYMENT_AUDITED}


def _money(minor: int, currency: str) -> str:
    return format_money(minor, currency)
