"""One customer's account: header figures, invoices, money received, credit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw

from models import input_rules as rules
from models.accounts import AccountRow, overdue_accounts
from models.allocations import allocated
from models.db import one_of, reading
from models.disputed import claims, disputed_part
from models.kinds import InvoiceStatus
from models.ledger import CustomerDraft, InvoiceDraft, LedgerError
from models.schema import (
    Allocation,
    ContactPerson,
    CreditNote,
    Customer,
    Invoice,
    Payment,
    PaymentTerms,
    Promise,
)
from models.steady import remember, steady_answer

DEFAULT_NET_DAYS = 30


@dataclass(frozen=True)
class CurrencyBalance:
    """A customer's figures in one currency as of a date."""

    currency: str
    balance_minor: int  # open invoices less unallocated credit
    overdue_minor: int
    buckets: tuple[int, ...]  # current, 1-30, 31-60, 61-90, over 90
    unallocated_minor: int
    disputed_minor: int


@dataclass(frozen=True)
class CustomerHeader:
    """What the top of a customer's account shows."""

    id: int
    code: str
    name: str
    contact_name: str
    billing_email: str
    phone: str
    address: str
    currency: str
    net_days: int  # the customer's payment terms (30 when none are set)
    balances: tuple[CurrencyBalance, ...]  # the customer's currency first
    on_hold: bool
    hold_reason: str
    has_plan: bool
    has_open_promise: bool
    with_agency: bool
    last_contact_on: dt.date | None
    days_since_contact: int | None
    promises_kept: int = 0
    promises_broken: int = 0
    tax_number: str = ""  # VAT or tax registration number


@dataclass(frozen=True)
class InvoiceRow:
    """One invoice on the account, as of a date."""

    id: int
    number: str
    issue_date: dt.date
    due_date: dt.date
    currency: str
    amount_minor: int
    paid_minor: int  # payments and credit notes allocated to it
    open_minor: int
    days_overdue: int  # 0 if not yet due or nothing open
    status: str  # open, paid, disputed, written_off, with_agency, void
    dispute_reason: str
    disputed_minor: int = 0  # claimed by open dispute cases (models.disputed), up to open


@dataclass(frozen=True)
class AllocationRow:
    invoice_id: int
    invoice_number: str
    allocated_on: dt.date
    amount_minor: int


@dataclass(frozen=True)
class MoneyInRow:
    """A payment or credit note, what it paid, and what is left as credit."""

    kind: str  # "payment" or "credit note"
    id: int
    date: dt.date
    reference: str  # the payment's reference or the credit note's number
    method: str  # payment method, or the credit note's reason
    currency: str
    amount_minor: int
    allocated_minor: int
    unallocated_minor: int
    voided: bool
    allocations: tuple[AllocationRow, ...]


@dataclass(frozen=True)
class CustomerListRow:
    """A customer in the Customers list."""

    id: int
    code: str
    name: str
    currency: str
    balance_minor: int
    overdue_minor: int
    on_hold: bool
    language: str = "en"  # the customer's, for a template's preview in it


def customer_list(as_of: dt.date, *, today: dt.date | None = None) -> list[CustomerListRow]:
    """Every customer with balance and overdue in their own currency, by name."""
    figures = {(r.customer_id, r.currency): r
               for r in overdue_accounts(as_of, today=today, include_all=True)}
    rows = []
    for customer_id, code, name, currency, on_hold, language in Customer.select(
            Customer.id, Customer.code, Customer.name, Customer.currency,
            Customer.on_hold, Customer.language).tuples():
        account = figures.get((customer_id, currency))
        rows.append(CustomerListRow(
            id=customer_id, code=code, name=name, currency=currency,
            balance_minor=account.balance_minor if account else 0,
            overdue_minor=account.overdue_minor if account else 0, on_hold=on_hold,
            language=language))
    rows.sort(key=lambda r: (r.name.casefold(), r.code))
    return rows


def customer_header(customer_id: int, as_of: dt.date, *,
                    today: dt.date | None = None) -> CustomerHeader:
    """The figures and flags at the top of a customer's account."""
    customer = _customer(customer_id)
    accounts = overdue_accounts(as_of, today=today, include_all=True, customer_id=customer_id)
    accounts.sort(key=lambda a: (a.currency != customer.currency, a.currency))
    contact = (ContactPerson.select().where((ContactPerson.customer == customer_id)
                                            & ContactPerson.is_billing)
               .first())
    last = max((a.last_contact_on for a in accounts if a.last_contact_on), default=None)
    return CustomerHeader(
        id=customer.id, code=customer.code, name=customer.name,
        contact_name=contact.name if contact else "",
        billing_email=customer.billing_email, phone=customer.phone, address=customer.address,
        tax_number=customer.tax_number, currency=customer.currency,
        net_days=_net_days(customer),
        balances=tuple(_balance(a) for a in accounts),
        on_hold=customer.on_hold, hold_reason=customer.hold_reason,
        has_plan=any(a.has_plan for a in accounts),
        has_open_promise=any(a.has_open_promise for a in accounts),
        with_agency=any(a.with_agency for a in accounts),
        last_contact_on=last, days_since_contact=(as_of - last).days if last else None,
        **_promise_record(customer_id, as_of))


def _promise_record(customer_id: int, as_of: dt.date) -> dict[str, int]:
    """How many promises the customer has kept and broken, as settled by ``as_of``."""
    counts = dict(Promise.select(Promise.status, pw.fn.COUNT(Promise.id))
                  .where((Promise.customer == customer_id) & Promise.resolved_on.is_null(False)
                         & (Promise.resolved_on <= as_of))
                  .group_by(Promise.status).tuples())
    return {"promises_kept": counts.get("kept", 0), "promises_broken": counts.get("broken", 0)}


@steady_answer
def customer_invoices(customer_id: int, as_of: dt.date) -> list[InvoiceRow]:
    """All of a customer's invoices, newest first, with what was open on ``as_of``."""
    _customer(customer_id)
    return _invoices_of([customer_id], as_of).get(customer_id, [])


def invoices_among(customer_id: int, invoice_ids: Iterable[int],
                   as_of: dt.date) -> list[InvoiceRow]:
    """Those of ``invoice_ids`` on the customer's account by ``as_of`` (see
    :func:`customer_invoices`), newest first: a document's own invoices, read alone."""
    return _invoices_among(customer_id, tuple(sorted(set(invoice_ids))), as_of)


@steady_answer
def _invoices_among(customer_id: int, invoice_ids: tuple[int, ...],
                    as_of: dt.date) -> list[InvoiceRow]:
    _customer(customer_id)
    if not invoice_ids:
        return []
    return _invoices_of([customer_id], as_of, list(invoice_ids)).get(customer_id, [])


def read_ahead(documents: Iterable[tuple[int, Iterable[int]]], as_of: dt.date) -> None:
    """Inside ``models.steady.steady``, read the customers' rows and the invoices of a
    batch of documents to them (each a customer and its invoices) as of ``as_of``, in
    one query each a block, for the questions the batch will ask one document at a
    time (:func:`customer_record`, :func:`invoices_among`)."""
    wanted = [(customer_id, tuple(sorted(set(ids)))) for customer_id, ids in documents]
    ids = sorted({customer_id for customer_id, _ in wanted})
    for customer in Customer.select().where(one_of(Customer.id, ids)):
        remember(customer_record, customer, customer.id)
    invoice_ids = sorted({i for _, chosen in wanted for i in chosen})
    rows: dict[int, InvoiceRow] = {}
    owner: dict[int, int] = {}
    for customer_id, found in _invoices_of(None, as_of, invoice_ids).items():
        for row in found:
            rows[row.id], owner[row.id] = row, customer_id
    for customer_id, chosen in wanted:
        mine = [rows[i] for i in chosen if owner.get(i) == customer_id]
        mine.sort(key=lambda r: (r.issue_date, r.id), reverse=True)
        remember(_invoices_among, mine, customer_id, chosen, as_of)


def _invoices_of(customer_ids: list[int] | None, as_of: dt.date,
                 invoice_ids: list[int] | None = None) -> dict[int, list[InvoiceRow]]:
    """The customers' invoices (or those of ``invoice_ids``, whoever's they are), each
    customer's newest first, as of ``as_of``."""
    paid = allocated((Allocation.invoice == Invoice.id) & (Allocation.allocated_on <= as_of))
    query = (Invoice.select(Invoice.customer, Invoice.id, Invoice.number, Invoice.issue_date,
                            Invoice.due_date, Invoice.currency, Invoice.amount_minor,
                            paid.alias("paid"), Invoice.status, Invoice.dispute_reason)
             .where(Invoice.issue_date <= as_of)
             .order_by(Invoice.customer, Invoice.issue_date.desc(), Invoice.id.desc()))
    if customer_ids is not None:
        query = query.where(Invoice.customer.in_(customer_ids))
    if invoice_ids is not None:  # bound as one list: a batch's are thousands
        query = query.where(one_of(Invoice.id, invoice_ids))
    found: dict[int, list[InvoiceRow]] = {}
    read = list(query.tuples())
    claimed = claims([values[1] for values in read]) if read else {}
    for (customer_id, invoice_id, number, issued, due, currency, amount, paid_minor, status,
         reason) in read:
        rows = found.setdefault(customer_id, [])
        open_minor = 0 if status == InvoiceStatus.VOID else amount - int(paid_minor)
        rows.append(InvoiceRow(
            id=invoice_id, number=number, issue_date=issued, due_date=due, currency=currency,
            amount_minor=amount, paid_minor=int(paid_minor), open_minor=open_minor,
            days_overdue=max((as_of - due).days, 0) if open_minor else 0,
            status=_status_on(status, open_minor), dispute_reason=reason,
            disputed_minor=disputed_part(open_minor, claimed.get(invoice_id, 0))))
    return found


def customer_money_in(customer_id: int) -> list[MoneyInRow]:
    """The customer's payments and credit notes, newest first, with their allocations."""
    _customer(customer_id)
    allocations: dict[tuple[str, int], list[AllocationRow]] = {}
    query = (Allocation.select(Allocation.payment, Allocation.credit_note, Allocation.invoice,
                               Invoice.number, Allocation.allocated_on, Allocation.amount_minor)
             .join(Invoice, on=(Allocation.invoice == Invoice.id))
             .where((Invoice.customer == customer_id) & ~Allocation.voided)
             .order_by(Allocation.allocated_on, Allocation.id))
    for payment_id, note_id, invoice_id, number, on, amount in query.tuples():
        key = ("payment", payment_id) if payment_id is not None else ("credit note", note_id)
        allocations.setdefault(key, []).append(AllocationRow(invoice_id, number, on, amount))
    rows = []
    for payment in Payment.select().where(Payment.customer == customer_id):
        rows.append(_money_in("payment", payment.id, payment.received_on, payment.reference,
                              payment.method, payment.currency, payment.amount_minor,
                              payment.voided, allocations.get(("payment", payment.id), [])))
    for note in CreditNote.select().where(CreditNote.customer == customer_id):
        rows.append(_money_in("credit note", note.id, note.issue_date, note.number, note.reason,
                              note.currency, note.amount_minor, note.voided,
                              allocations.get(("credit note", note.id), [])))
    rows.sort(key=lambda r: (r.date, r.kind, r.id), reverse=True)
    return rows


def invoice_draft(invoice_id: int) -> InvoiceDraft:
    """The invoice's details, ready to correct in the invoice dialog."""
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None:
        raise LedgerError("invoice", "That invoice no longer exists.")
    return InvoiceDraft(number=invoice.number, issue_date=invoice.issue_date,
                        due_date=invoice.due_date, amount_minor=invoice.amount_minor,
                        external_ref=invoice.external_ref or "")


@steady_answer
def customer_draft(customer_id: int) -> CustomerDraft:
    """The customer's details, ready to edit in the customer dialog."""
    customer = _customer(customer_id)
    contact = (ContactPerson.select().where((ContactPerson.customer == customer_id)
                                            & ContactPerson.is_billing)
               .first())
    return CustomerDraft(
        code=customer.code, name=customer.name, currency=customer.currency,
        contact_name=contact.name if contact else "", billing_email=customer.billing_email,
        phone=customer.phone, address=customer.address, country=customer.country,
        language=customer.language, payment_terms_id=customer.payment_terms_id,
        credit_policy_id=customer.credit_policy_id,
        followup_policy_id=customer.followup_policy_id, notes=customer.notes,
        tax_number=customer.tax_number, legal_form=str(customer.legal_form))


@dataclass(frozen=True)
class CustomerToEdit:
    """A customer's details as the editor shows them, and the edit version they were
    read at (its save passes it to ``models.ledger.update_customer``)."""

    draft: CustomerDraft
    edit_version: int


def customer_to_edit(customer_id: int) -> CustomerToEdit:
    """The customer's details to edit, with the edit version they are at (read together)."""
    with reading():
        draft = customer_draft(customer_id)
        version = Customer.select(Customer.edit_version).where(
            Customer.id == customer_id).scalar()
        return CustomerToEdit(draft, int(version or 0))


def _customer(customer_id: int) -> Customer:
    return customer_record(customer_id)


@steady_answer
def customer_record(customer_id: int) -> Customer:
    """The customer's row, to read; LedgerError if the customer is gone."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise LedgerError("customer", "That customer no longer exists.")
    return customer


def _net_days(customer: Customer) -> int:
    if customer.payment_terms_id is None:
        return DEFAULT_NET_DAYS
    terms = PaymentTerms.get_or_none(PaymentTerms.id == customer.payment_terms_id)
    return terms.net_days if terms is not None else DEFAULT_NET_DAYS


def _balance(account: AccountRow) -> CurrencyBalance:
    return CurrencyBalance(
        currency=account.currency, balance_minor=account.balance_minor,
        overdue_minor=account.overdue_minor, buckets=account.buckets,
        unallocated_minor=account.unallocated_minor, disputed_minor=account.disputed_minor)


def _status_on(status: str, open_minor: int) -> str:
    """The status as it stood: a paid invoice was still open on an earlier date."""
    if status == InvoiceStatus.PAID and open_minor > 0:
        return "open"
    return status


def _money_in(kind: str, row_id: int, day: dt.date, reference: str, method: str,
              currency: str, amount: int, voided: bool,
              parts: list[AllocationRow]) -> MoneyInRow:
    allocated = 0 if voided else sum(p.amount_minor for p in parts)
    return MoneyInRow(kind=kind, id=row_id, date=day, reference=reference, method=method,
                      currency=currency, amount_minor=amount, allocated_minor=allocated,
                      unallocated_minor=0 if voided else amount - allocated, voided=voided,
                      allocations=tuple(parts))


def find_customer(text: str) -> int:
    """The customer whose account code or name is ``text`` (any case); LedgerError if
    none is, or if the name fits several."""
    wanted = rules.clean_line(text)
    if not wanted:
        raise LedgerError("customer", "Name the customer, by account code or name.")
    key = rules.match_key(wanted)
    by_code = Customer.get_or_none(Customer.code_key == key)
    if by_code is not None:
        return int(by_code.id)
    matches = [(cid, code, name) for cid, code, name in
               Customer.select(Customer.id, Customer.code, Customer.name).tuples()
               if rules.match_key(name) == key or rules.match_key(code) == key]
    if not matches:
        raise LedgerError("customer", f"No customer has the account code or name “{wanted}”.")
    if len(matches) > 1:
        listed = "; ".join(f"{code} ({name})" for _cid, code, name in matches)
        raise LedgerError("customer", f"Several customers are called “{wanted}”: {listed}. "
                                      f"Use the account code.")
    return int(matches[0][0])
