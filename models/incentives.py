"""Incentives to pay: the early-payment discount of the payment terms, and the hook
through which every payment the ledger allocates reaches them and the offers
(:mod:`models.offers`).

The early-payment discount. Terms of "2% within 10 days" give a discount of 2% of the
invoice's total, rounded half-up to the minor unit (:func:`models.money.round_to_minor`)
and never more than is open on it, to a payment received by the 10th day after the
invoice date: that day is the last one that counts (``issue_date + discount_days``).
Documents offer it only while that day is still to come after their own date (one
dated the last day would arrive after it).

The discount is taken invoice by invoice: when money from a payment received within
an invoice's window is allocated to it and leaves no more than its discount open, what
is left is credited at once with a credit note of kind EARLY_PAYMENT, so the invoice
closes instead of leaving a small remainder to chase. A payment for several invoices
is allocated (when the user does not choose) to each invoice still in its window
its discounted amount first (:func:`models.ledger.oldest_first` with the discounts),
so a customer who pays the discounted total gets the discount on each invoice; money
short of an invoice's discounted amount earns nothing on that invoice. A late payment
earns nothing. Payments brought in by an import are history from the books of
record, which granted any discount themselves: they take no discount here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from models.dates import short_date
from models.kinds import CreditKind, InvoiceStatus
from models.money import from_minor, round_to_minor
from models.offers import reopen_offers, review_offers
from models.rule_credits import grant_credit, void_credit
from models.schema import CreditNote, Customer, Invoice, Payment, PaymentTerms

# Invoices a discount can close: live ones, not those in dispute.
_DISCOUNTED_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.WITH_AGENCY, InvoiceStatus.PAID)


@dataclass(frozen=True)
class DiscountTerms:
    """An early-payment discount: ``percent`` off for payment within ``days`` of the
    invoice date."""

    percent: Decimal
    days: int

    def last_day(self, issue_date: dt.date) -> dt.date:
        """The last day a payment earns the discount on an invoice of ``issue_date``."""
        return issue_date + dt.timedelta(days=self.days)

    def earned_on(self, issue_date: dt.date, received_on: dt.date) -> bool:
        """Whether a payment received on ``received_on`` is in time for the discount
        (the last day counts)."""
        return in_time(received_on, self.last_day(issue_date))

    def offered_on(self, issue_date: dt.date, document_date: dt.date) -> bool:
        """Whether a document dated ``document_date`` still offers the discount: only
        while its last day is still to come, so the offer has not gone on arrival."""
        return document_date < self.last_day(issue_date)


def discount_terms(terms_id: int | None) -> DiscountTerms | None:
    """The early-payment discount of these payment terms, or None without one."""
    if terms_id is None:
        return None
    terms = PaymentTerms.get_or_none(PaymentTerms.id == terms_id)
    if terms is None or not terms.discount_percent or not terms.discount_days:
        return None
    return DiscountTerms(Decimal(terms.discount_percent), int(terms.discount_days))


def customer_discount_terms(customer_id: int) -> DiscountTerms | None:
    """The early-payment discount of the customer's payment terms, or None."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    return discount_terms(customer.payment_terms_id) if customer is not None else None


def early_payment_discount(amount_minor: int, open_minor: int, percent: Decimal,
                           currency: str) -> int:
    """The discount on an invoice of ``amount_minor`` with ``open_minor`` still open:
    ``percent`` of its total rounded half-up to the minor unit, never more than is open
    (the discounted amount to pay is ``open_minor`` less it)."""
    discount = round_to_minor(from_minor(amount_minor, currency) * percent / 100, currency)
    return max(0, min(discount, open_minor))


@dataclass(frozen=True)
class EarlyPayment:
    """What paying early saves on a set of invoices, as a document offers it."""

    to_pay_minor: int  # what is open on them less the discount
    saving_minor: int
    currency: str
    pay_by: dt.date  # the earliest last day among them
    numbers: tuple[str, ...]
    percent: Decimal
    days: int


class OpenInvoice(Protocol):
    """What the discount reads of an invoice: an ``InvoiceRow`` of a customer's account
    or a stored ``Invoice``."""

    @property
    def id(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def issue_date(self) -> dt.date: ...
    @property
    def amount_minor(self) -> int: ...
    @property
    def open_minor(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def status(self) -> str: ...


def early_payment_on(terms: DiscountTerms | None, invoices: Iterable[OpenInvoice],
                     as_of: dt.date) -> EarlyPayment | None:
    """The saving a document dated ``as_of`` offers on these invoices (one currency):
    those open and still inside their discount window; None when none is."""
    if terms is None:
        return None
    eligible = [i for i in invoices if i.status == InvoiceStatus.OPEN and i.open_minor > 0
                and terms.offered_on(i.issue_date, as_of)]
    if not eligible:
        return None
    currency = eligible[0].currency
    savings = [early_payment_discount(i.amount_minor, i.open_minor, terms.percent, currency)
               for i in eligible]
    return EarlyPayment(
        to_pay_minor=sum(i.open_minor for i in eligible) - sum(savings),
        saving_minor=sum(savings), currency=currency,
        pay_by=min(terms.last_day(i.issue_date) for i in eligible),
        numbers=tuple(i.number for i in eligible), percent=terms.percent, days=terms.days)


@dataclass(frozen=True)
class DiscountWindow:
    """An invoice's early-payment discount for a payment, and the last day a payment
    earns it."""

    discount_minor: int
    last_day: dt.date


def discount_windows(customer_id: int, invoices: Iterable[OpenInvoice]
                     ) -> dict[int, DiscountWindow]:
    """The discount each of these invoices of the customer can still give a payment
    (invoice id -> its window; those without one left out), read once so a dialog can
    ask :func:`discounts_within` for any day without the store."""
    terms = customer_discount_terms(customer_id)
    if terms is None:
        return {}
    invoices = list(invoices)
    return windows_of(terms, invoices, discounts_taken([i.id for i in invoices]))


def windows_of(terms: DiscountTerms, invoices: Iterable[OpenInvoice],
               taken: Collection[int]) -> dict[int, DiscountWindow]:
    """:func:`discount_windows` from what it reads: the customer's ``terms`` and the
    invoices whose discount was ``taken`` already (a plan of several payments, such as
    a bank statement's, keeps both as it goes)."""
    found = {}
    for invoice in invoices:
        if invoice.id in taken or invoice.open_minor <= 0:
            continue
        discount = early_payment_discount(invoice.amount_minor, invoice.open_minor,
                                          terms.percent, invoice.currency)
        if 0 < discount < invoice.open_minor:
            found[invoice.id] = DiscountWindow(discount, terms.last_day(invoice.issue_date))
    return found


def discount_earned(terms: DiscountTerms | None, invoice: OpenInvoice, received_on: dt.date
                    ) -> int:
    """What the early-payment discount credits on ``invoice`` (its ``open_minor`` as a
    payment received on ``received_on`` left it): all that is left, when that is no more
    than the discount and the payment is in time; else 0. Whether the invoice's discount
    was taken before is the caller's to know (:func:`discounts_taken`)."""
    if terms is None or invoice.status not in _DISCOUNTED_STATUSES or invoice.open_minor <= 0:
        return 0
    if not terms.earned_on(invoice.issue_date, received_on):
        return 0
    discount = early_payment_discount(invoice.amount_minor, invoice.amount_minor,
                                      terms.percent, invoice.currency)
    return invoice.open_minor if invoice.open_minor <= discount else 0


def discounts_within(windows: Mapping[int, DiscountWindow], received_on: dt.date
                     ) -> dict[int, int]:
    """The discount each invoice gives a payment received on ``received_on`` (the last
    day counts)."""
    return {invoice_id: window.discount_minor for invoice_id, window in windows.items()
            if in_time(received_on, window.last_day)}


def in_time(received_on: dt.date, last_day: dt.date) -> bool:
    """Whether a payment received on ``received_on`` earns a discount whose last day is
    ``last_day``: the last day counts."""
    return received_on <= last_day


def discounts_on(customer_id: int, received_on: dt.date,
                 invoices: Iterable[OpenInvoice]) -> dict[int, int]:
    """The discount each of these invoices of the customer gives a payment received on
    ``received_on`` (invoice id -> minor units; those without one left out): what
    the payment dialog and the ledger plan an allocation with."""
    return discounts_within(discount_windows(customer_id, invoices), received_on)


# --- the hook -------------------------------------------------------------------------

def payment_allocated(payment: Payment, invoice_ids: Sequence[int], on: dt.date) -> None:
    """What follows money from ``payment`` allocated on ``on`` to these invoices: the
    early-payment discount on each it earns it on, then the customer's offers it
    fulfils (:func:`models.offers.review_offers`). Runs inside the ledger's
    transaction; every path that allocates a payment comes through here."""
    for invoice_id in invoice_ids:
        _take_discount(payment, invoice_id, on)
    review_offers(payment, on)


def payment_voided(invoice_ids: Iterable[int], reason: str) -> None:
    """What follows a payment voided after paying these invoices: their early-payment
    discounts are voided too (they were earned by that money), and offers it fulfilled
    are open again (:func:`models.offers.reopen_offers`)."""
    ids = sorted(set(invoice_ids))
    for (note_id,) in (CreditNote.select(CreditNote.id)
                       .where(CreditNote.invoice.in_(ids) & ~CreditNote.voided
                              & (CreditNote.kind == CreditKind.EARLY_PAYMENT)).tuples()):
        void_credit(note_id, f"The payment that earned the discount was voided: {reason}")
    reopen_offers(ids, reason)


def _take_discount(payment: Payment, invoice_id: int, on: dt.date) -> None:
    invoice = Invoice.get_by_id(invoice_id)
    if invoice.status not in _DISCOUNTED_STATUSES or invoice.open_minor <= 0:
        return
    terms = customer_discount_terms(invoice.customer_id)
    if not discount_earned(terms, invoice, payment.received_on):
        return  # late, or short of the discounted amount: nothing is earned
    if discounts_taken([invoice.id]):
        return
    assert terms is not None
    grant_credit(invoice.customer_id, CreditKind.EARLY_PAYMENT, on,
                 f"Early-payment discount on invoice {invoice.number}: {terms.percent}% "
                 f"for payment within {terms.days} days, paid on "
                 f"{short_date(payment.received_on)}.",
                 invoices=[(invoice.id, invoice.open_minor)], invoice_id=invoice.id)


def discounts_taken(invoice_ids: Sequence[int]) -> set[int]:
    """The invoices among these with an early-payment discount already granted."""
    if not invoice_ids:
        return set()
    return {i for (i,) in CreditNote.select(CreditNote.invoice)
            .where(CreditNote.invoice.in_(invoice_ids) & ~CreditNote.voided
                   & (CreditNote.kind == CreditKind.EARLY_PAYMENT)).tuples()}
