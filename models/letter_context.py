"""What a letter to one customer says: every merge field, as plain text and numbers.

The context is built from the store once and holds no peewee objects, only
strings, integers and frozen invoice lines, so it is what a template's sandbox
sees and nothing more. Dates read like "24 November 2026" whatever the
computer's locale; money like "1,234.50 GBP".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import peewee as pw

from models.bank_accounts import payment_details, signatory
from models.charges import open_charges_by_kind
from models.company import business_details
from models.customer_account import (
    InvoiceRow,
    customer_invoices,
    customer_record,
    invoices_among,
)
from models.errors import LedgerError
from models.incentives import DiscountTerms, EarlyPayment, discount_terms, early_payment_on
from models.kinds import ChargeKind, InvoiceStatus, LoyaltyWaiver, OfferKind
from models.language import N_, Wording, wording
from models.offers import offer_for_letter
from models.schema import ContactPerson, Customer
from models.steady import remember, steady_answer

_CHARGE_WORDS: dict[str, str] = {ChargeKind.INTEREST: N_("interest"),
                                 ChargeKind.COMPENSATION: N_("compensation for recovery costs"),
                                 ChargeKind.FEE: N_("fees")}
NO_CONTACT_NAME = N_("Sir or Madam")


@dataclass(frozen=True)
class InvoiceLine:
    """One invoice as a letter lists it."""

    number: str
    issue_date: str
    due_date: str
    amount: str
    open: str
    days_overdue: int
    lateness: str


@dataclass(frozen=True)
class LetterContext:
    """Every merge field of a letter to one customer (see ``models.templating.MERGE_FIELDS``)."""

    letter_date: str
    business_name: str
    business_address: str
    business_email: str
    business_phone: str
    business_registration: str
    payment_details: str
    signatory: str
    customer_name: str
    customer_code: str
    customer_address: str
    contact_name: str
    named_contact: str
    invoices: tuple[InvoiceLine, ...]
    invoice_count: int
    overdue_count: int
    oldest_days_overdue: int
    currency: str
    total_due: str
    total_overdue: str
    early_payment_saving: str
    interest_and_charges: str
    charges_total: str
    total_with_charges: str
    stage_name: str
    next_step: str
    next_step_date: str
    # The incentives on offer (models.incentives, models.offers); each "" when none is.
    early_payment_amount: str = ""
    early_payment_by: str = ""
    early_payment_discount: str = ""
    settlement_offer: str = ""
    settlement_amount: str = ""
    settlement_by: str = ""
    loyalty_offer: str = ""
    loyalty_by: str = ""
    loyalty_waived: str = ""


def letter_context(customer_id: int, invoice_ids: tuple[int, ...] | list[int], as_of: dt.date,
                   *, stage_name: str = "", next_step: str = "",
                   next_step_on: dt.date | None = None, language: str = "") -> LetterContext:
    """The merge fields of a letter about these invoices of a customer, as of ``as_of``,
    written in ``language`` (the template's; "" for the customer's).

    ``next_step`` is what the business will do next, written to follow "we will".
    Raises :class:`LedgerError` for a missing customer, an invoice not on its
    account, or invoices in more than one currency.
    """
    business = business_details()
    if business is None:
        raise LedgerError("business", "Set up the business before writing letters.")
    customer = customer_record(customer_id)
    words = document_wording(language or customer.language, customer.country,
                             business.country)
    rows = chosen_invoices(customer_id, invoice_ids, as_of)
    currency = _one_currency(rows, customer.currency)
    open_minor = sum(r.open_minor for r in rows)
    overdue = [r for r in rows if r.days_overdue > 0]
    charges = open_charges_by_kind([r.id for r in rows], as_of)
    charges_minor = sum(charges.values())
    named = contact_name(customer_id)
    early = early_payment_on(_discount_terms(customer.payment_terms_id), rows, as_of)
    return LetterContext(
        letter_date=words.date(as_of),
        business_name=business.name, business_address=business.address,
        business_email=business.email, business_phone=business.phone,
        business_registration=business.registration,
        payment_details=payment_details(currency, words),
        signatory="\n".join(signatory().lines()),
        customer_name=customer.name, customer_code=customer.code,
        customer_address=customer.address,
        contact_name=named or words.gettext(NO_CONTACT_NAME), named_contact=named,
        invoices=tuple(_line(r, as_of, words) for r in rows), invoice_count=len(rows),
        overdue_count=len(overdue),
        oldest_days_overdue=max((r.days_overdue for r in rows), default=0),
        currency=currency, total_due=words.money(open_minor, currency),
        total_overdue=words.money(sum(r.open_minor for r in overdue), currency),
        early_payment_saving=_saving_sentence(early, words),
        interest_and_charges=_charges_sentence(charges, currency, words),
        charges_total=words.money(charges_minor, currency) if charges_minor else "",
        total_with_charges=words.money(open_minor + charges_minor, currency),
        stage_name=stage_name.strip(), next_step=next_step.strip(),
        next_step_date=words.date(next_step_on) if next_step_on else "",
        **_early_payment_fields(early, words),
        **_offer_fields(customer_id, currency, as_of, words))


def document_wording(language: str, country: str, business_country: str) -> Wording:
    """The words and formats of a document in ``language`` to a customer in ``country``
    (the business's own country when the customer's is not known)."""
    return wording(language, country or business_country)


def customer_wording(customer_id: int, language: str = "") -> Wording:
    """The wording of a document to the customer: in ``language``, or else theirs."""
    business = business_details()
    customer = customer_record(customer_id)
    return document_wording(language or customer.language, customer.country,
                            business.country if business is not None else "")


def letter_invoice_ids(customer_id: int, as_of: dt.date) -> tuple[int, ...]:
    """The invoices a letter to the customer would be about today: those open and overdue.

    With nothing overdue, the open invoices not yet due (a courtesy reminder).
    Only invoices in one currency: the customer's own, or else that of the
    oldest. Invoices in dispute or with an agency are left out.
    """
    rows = [r for r in customer_invoices(customer_id, as_of)
            if r.status == InvoiceStatus.OPEN and r.open_minor > 0]
    chosen = [r for r in rows if r.days_overdue > 0] or rows
    if not chosen:
        return ()
    customer_currency = Customer.get_by_id(customer_id).currency
    currencies = {r.currency for r in chosen}
    currency = (customer_currency if customer_currency in currencies
                else min(chosen, key=lambda r: r.due_date).currency)
    return tuple(r.id for r in sorted(chosen, key=lambda r: (r.due_date, r.number))
                 if r.currency == currency)


def chosen_invoices(customer_id: int, invoice_ids: Sequence[int],
                    as_of: dt.date) -> list[InvoiceRow]:
    """The invoices a document to the customer is about, as of ``as_of``, the oldest
    due first; LedgerError when one is not on the customer's account on that date."""
    wanted = set(invoice_ids)
    rows = invoices_among(customer_id, wanted, as_of)
    if len(rows) != len(wanted):
        raise LedgerError("invoices", "An invoice of the letter is not on this customer's "
                                      "account on that date.")
    return sorted(rows, key=lambda r: (r.due_date, r.number))


def _one_currency(rows: list[InvoiceRow], default: str) -> str:
    currencies = {r.currency for r in rows}
    if len(currencies) > 1:
        raise LedgerError("invoices", "A letter can only be about invoices in one currency.")
    return currencies.pop() if currencies else default


def read_contacts_ahead(customer_ids: Iterable[int]) -> None:
    """Inside ``models.steady.steady``, find whom each letter to these customers is for
    (:func:`contact_name`) in one query a block of customers."""
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), 500):  # SQLite's limit on bound values
        block = ids[start:start + 500]
        names: dict[int, str] = {}
        for customer_id, name in _named_contacts(ContactPerson.customer.in_(block)).tuples():
            names.setdefault(customer_id, name.strip())
        for customer_id in block:
            remember(contact_name, names.get(customer_id, ""), customer_id)


def _named_contacts(which: pw.Expression) -> pw.ModelSelect:
    """The contacts with a name, each customer's billing contact first."""
    return (ContactPerson.select(ContactPerson.customer, ContactPerson.name)
            .where(which & (pw.fn.TRIM(ContactPerson.name) != ""))
            .order_by(ContactPerson.customer, ContactPerson.is_billing.desc(),
                      ContactPerson.id))


@steady_answer
def contact_name(customer_id: int) -> str:
    """Whom a letter to the customer is for: the contact with a name, the billing one
    first; "" when no contact has a name."""
    contact = _named_contacts(ContactPerson.customer == customer_id).first()
    return contact.name.strip() if contact else ""


def _line(row: InvoiceRow, as_of: dt.date, words: Wording) -> InvoiceLine:
    return InvoiceLine(
        number=row.number, issue_date=words.date(row.issue_date),
        due_date=words.date(row.due_date), amount=words.money(row.amount_minor, row.currency),
        open=words.money(row.open_minor, row.currency), days_overdue=row.days_overdue,
        lateness=_lateness(row, as_of, words))


def _lateness(row: InvoiceRow, as_of: dt.date, words: Wording) -> str:
    if row.open_minor == 0:
        return words.gettext("paid")
    days = (as_of - row.due_date).days
    if days > 0:
        return words.ngettext("{count} day overdue", "{count} days overdue",
                              days).format(count=days)
    if days == 0:
        return words.gettext("due today")
    if days == -1:
        return words.gettext("due tomorrow")
    return words.ngettext("due in {count} day", "due in {count} days", -days).format(count=-days)


def early_payment_saving(customer_id: int, as_of: dt.date, currency: str,
                         words: Wording) -> str:
    """ "Pay X by DATE to save Y: …" while an open invoice of the customer in ``currency``
    is inside its early-payment discount window on ``as_of``; "" otherwise."""
    customer = customer_record(customer_id)
    rows = [r for r in customer_invoices(customer_id, as_of) if r.currency == currency]
    return _saving_sentence(early_payment_on(_discount_terms(customer.payment_terms_id),
                                             rows, as_of), words)


def _saving_sentence(early: EarlyPayment | None, words: Wording) -> str:
    """ "Pay X by DATE to save Y" while an invoice is inside its discount window."""
    if early is None:
        return ""
    return words.ngettext(
        "Pay {to_pay} by {pay_by} to save {saving}: our {percent} discount for payment "
        "within {days} days still applies to invoice {numbers}.",
        "Pay {to_pay} by {pay_by} to save {saving}: our {percent} discount for payment "
        "within {days} days still applies to invoices {numbers}.", len(early.numbers)).format(
        to_pay=words.money(early.to_pay_minor, early.currency), pay_by=words.date(early.pay_by),
        saving=words.money(early.saving_minor, early.currency),
        percent=words.discount(early.percent), days=early.days,
        numbers=words.and_list(list(early.numbers)))


def _early_payment_fields(early: EarlyPayment | None, words: Wording) -> dict[str, str]:
    if early is None:
        return {}
    return {"early_payment_amount": words.money(early.to_pay_minor, early.currency),
            "early_payment_by": words.date(early.pay_by),
            "early_payment_discount": words.money(early.saving_minor, early.currency)}


def _offer_fields(customer_id: int, currency: str, as_of: dt.date,
                  words: Wording) -> dict[str, str]:
    """The settlement and loyalty offers a letter dated ``as_of`` carries, if any."""
    fields: dict[str, str] = {}
    settlement = offer_for_letter(customer_id, OfferKind.SETTLEMENT, currency, as_of)
    if settlement is not None:
        amount = words.money(settlement.pay_minor, currency)
        pay_by = words.date(settlement.pay_by)
        fields.update(settlement_amount=amount, settlement_by=pay_by, settlement_offer=(
            words.ngettext(
                "If you pay {amount} by {pay_by}, we will waive the remaining {waived} and "
                "treat invoice {numbers} as settled.",
                "If you pay {amount} by {pay_by}, we will waive the remaining {waived} and "
                "treat invoices {numbers} as settled.", len(settlement.invoice_numbers))
            .format(amount=amount, pay_by=pay_by,
                    waived=words.money(settlement.waive_minor, currency),
                    numbers=words.and_list(list(settlement.invoice_numbers)))))
    loyalty = offer_for_letter(customer_id, OfferKind.LOYALTY, currency, as_of)
    if loyalty is not None and loyalty.waives in _LOYALTY_SENTENCES:
        waived = words.money(loyalty.waive_minor, currency)
        pay_by = words.date(loyalty.pay_by)
        fields.update(loyalty_by=pay_by, loyalty_waived=waived, loyalty_offer=words.gettext(
            _LOYALTY_SENTENCES[loyalty.waives]).format(
            amount=words.money(loyalty.pay_minor, currency), pay_by=pay_by, waived=waived))
    return fields


_LOYALTY_SENTENCES = {
    LoyaltyWaiver.FEE: N_("If you pay the {amount} in full by {pay_by}, we will waive the "
                          "fee of {waived} that our next reminder would add."),
    LoyaltyWaiver.INTEREST: N_("If you pay the {amount} in full by {pay_by}, we will waive "
                               "the late-payment interest of {waived}."),
}


@steady_answer
def _discount_terms(terms_id: int | None) -> DiscountTerms | None:
    return discount_terms(terms_id)


def _charges_sentence(charges: dict[str, int], currency: str, words: Wording) -> str:
    if not charges:
        return ""
    total = words.money(sum(charges.values()), currency)
    order: dict[str, int] = {kind: i for i, kind in enumerate(ChargeKind)}
    kinds = sorted(charges, key=lambda k: (order.get(k, len(order)), k))
    parts = [f"{words.gettext(_CHARGE_WORDS.get(k, k))} {words.money(charges[k], currency)}"
             for k in kinds]
    return words.gettext("Late-payment charges of {total} are also due on these invoices: "
                         "{charges}.").format(total=total, charges=words.and_list(parts))
