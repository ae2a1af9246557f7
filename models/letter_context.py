"""What a letter to one customer says: every merge field, as plain text and numbers.

The context is built from the store once and holds no peewee objects, only
strings, integers and frozen invoice lines, so it is what a template's sandbox
sees and nothing more. Dates read like "24 November 2026" whatever the
computer's locale; money like "1,234.50 GBP".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import peewee as pw

from models.bank_accounts import payment_details, signatory
from models.charges import open_charges_by_kind
from models.company import business_details
from models.customer_account import (
    DEFAULT_NET_DAYS,
    InvoiceRow,
    customer_invoices,
    customer_record,
    invoices_among,
)
from models.errors import LedgerError
from models.followup import default_policy_id, stages_by_policy
from models.incentives import DiscountTerms, EarlyPayment, discount_terms, early_payment_on
from models.interest import (
    EU_COMPENSATION_MINOR,
    NATIONAL_LAWS,
    STATUTORY_MARGIN,
    UK_COMPENSATION_TIERS,
    UK_COMPENSATION_TOP_MINOR,
    default_credit_policy_id,
)
from models.kinds import ChargeKind, InvoiceStatus, LoyaltyWaiver, OfferKind, Regime
from models.language import N_, Wording, wording
from models.offers import offer_for_letter
from models.plans import plan_reference, plan_standing
from models.schema import ContactPerson, CreditPolicy, Customer, Instalment, PaymentTerms
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
    # The part in dispute, left out of ``open`` (models.disputed), e.g. "120.00 GBP";
    # "" when none is.
    in_dispute: str = ""


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
    # The sentence saying what of the invoices is in dispute and not asked for; "" when
    # nothing is (models.disputed).
    in_dispute: str = ""
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
    payment_terms: str = ""
    discount_terms: str = ""
    late_payment_terms: str = ""
    terms_summary: str = ""
    how_to_pay: str = ""
    thanks_for: str = ""
    # The instalment of a payment plan a reminder is about (models.plan_followup); each
    # "" in other letters.
    instalment_amount: str = ""
    instalment_date: str = ""
    instalment_number: str = ""
    instalment_count: str = ""
    plan_reference: str = ""
    plan_left: str = ""
    plan_grace_until: str = ""


def letter_context(customer_id: int, invoice_ids: tuple[int, ...] | list[int], as_of: dt.date,
                   *, stage_name: str = "", next_step: str = "",
                   next_step_on: dt.date | None = None, language: str = "",
                   thanks_for: str = "", instalment_id: int | None = None) -> LetterContext:
    """The merge fields of a letter about these invoices of a customer, as of ``as_of``,
    written in ``language`` (the template's; "" for the customer's).

    ``next_step`` is what the business will do next, written to follow "we will";
    ``thanks_for`` what a thank-you is for, in a sentence (models.relationship);
    ``instalment_id`` the instalment of a payment plan a reminder is about.
    Raises :class:`LedgerError` for a missing customer, an invoice not on its
    account, or invoices in more than one currency.
    """
    business = business_details()
    if business is None:
        raise LedgerError("business", "Set up the business before writing letters.")
    customer = customer_record(customer_id)
    words = document_wording(language or customer.language, customer.country,
                             business.country)
    rows = chased_invoices(customer_id, invoice_ids, as_of)
    currency = _one_currency(rows, customer.currency)
    open_minor = sum(r.open_minor for r in rows)
    overdue = [r for r in rows if r.days_overdue > 0]
    charges = open_charges_by_kind([r.id for r in rows], as_of)
    charges_minor = sum(charges.values())
    named = contact_name(customer_id)
    early = early_payment_on(_discount_terms(customer.payment_terms_id), rows, as_of)
    terms = customer_terms(customer, currency, words)
    context = LetterContext(
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
        in_dispute=dispute_sentence(rows, words),
        **_early_payment_fields(early, words),
        **_offer_fields(customer_id, currency, as_of, words),
        payment_terms=terms.payment_terms, discount_terms=terms.discount_terms,
        late_payment_terms=terms.late_payment_terms, terms_summary=terms.summary,
        how_to_pay=terms.how_to_pay, thanks_for=thanks_for.strip())
    if instalment_id is not None:
        context = replace(context, **_instalment_fields(instalment_id, as_of, words))
    return context


def _instalment_fields(instalment_id: int, as_of: dt.date,
                       words: Wording) -> dict[str, Any]:
    """The merge fields of a payment plan's instalment as it stands on ``as_of``: what is
    still to pay on it and on the plan, its date and the last day of its grace."""
    row = Instalment.get_or_none(Instalment.id == instalment_id)
    if row is None:
        raise LedgerError("instalment", "That instalment of the plan no longer exists.")
    standing = plan_standing(row.plan_id, as_of)
    instalment = next(i for i in standing.instalments if i.id == instalment_id)
    currency = standing.currency
    return {"instalment_amount": words.money(instalment.left_minor, currency),
            "instalment_date": words.date(instalment.due_date),
            "instalment_number": str(instalment.position),
            "instalment_count": str(len(standing.instalments)),
            "plan_reference": plan_reference(standing.plan_id),
            "plan_left": words.money(standing.total_minor - standing.paid_minor, currency),
            "plan_grace_until": words.date(instalment.last_day)}


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


def chased_invoices(customer_id: int, invoice_ids: Sequence[int],
                    as_of: dt.date) -> list[InvoiceRow]:
    """The invoices a reminder to the customer is about (see :func:`chosen_invoices`),
    each disputed in part showing as open only what is still asked for: what is open
    less what is in dispute (:mod:`models.disputed`), which its ``disputed_minor``
    keeps. The one rule for what every reminder, letter or e-mail, asks a customer to
    pay."""
    return [_chased(r) for r in chosen_invoices(customer_id, invoice_ids, as_of)]


def _chased(row: InvoiceRow) -> InvoiceRow:
    """The invoice as a reminder asks for it: open for what is still chased."""
    return replace(row, open_minor=row.open_minor - row.disputed_minor) if _left_out(row) \
        else row


def _left_out(row: InvoiceRow) -> bool:
    """Whether part of an invoice still chased is in dispute, and so not asked for (one
    wholly in dispute is not chased at all: its status says so)."""
    return row.status == InvoiceStatus.OPEN and row.disputed_minor > 0


_ONE_IN_DISPUTE = N_("Of invoice {number}, {amount} is in dispute and is not asked for "
                     "here; we will write to you about it separately.")
_SEVERAL_IN_DISPUTE = N_("The following amounts are in dispute and are not asked for here: "
                         "{parts}. We will write to you about them separately.")
_PART_IN_DISPUTE = N_("{amount} of invoice {number}")


def dispute_sentence(rows: Sequence[InvoiceRow], words: Wording) -> str:
    """The sentence telling the customer what of these invoices (as
    :func:`chased_invoices` gives them) is in dispute and so not asked for, invoice by
    invoice with its amount; "" when nothing is."""
    parts = [r for r in rows if _left_out(r)]
    if not parts:
        return ""
    if len(parts) == 1:
        return words.gettext(_ONE_IN_DISPUTE).format(
            number=parts[0].number, amount=words.money(parts[0].disputed_minor,
                                                       parts[0].currency))
    return words.gettext(_SEVERAL_IN_DISPUTE).format(parts=words.and_list([
        words.gettext(_PART_IN_DISPUTE).format(amount=words.money(r.disputed_minor,
                                                                  r.currency), number=r.number)
        for r in parts]))


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
        lateness=_lateness(row, as_of, words),
        in_dispute=words.money(row.disputed_minor, row.currency) if _left_out(row) else "")


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
    is inside its early-payment discount window on ``as_of`` (what is asked of it, as a
    reminder asks it: :func:`chased_invoices`); "" otherwise."""
    customer = customer_record(customer_id)
    rows = [_chased(r) for r in customer_invoices(customer_id, as_of) if r.currency == currency]
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


@steady_answer
def _payment_terms(terms_id: int) -> PaymentTerms | None:
    return PaymentTerms.get_or_none(PaymentTerms.id == terms_id)


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


# --- the terms, in the customer's words -----------------------------------------------

_NET = N_("Our invoices are due for payment within {days} of the invoice date.")
_ON_RECEIPT = N_("Our invoices are due for payment on receipt.")
_DISCOUNT = N_("If you pay within {days} of the invoice date, you may deduct an "
               "early-payment discount of {percent}.")
_DISCOUNT_SAME_DAY = N_("If you pay on the invoice date, you may deduct an early-payment "
                        "discount of {percent}.")
_CONTRACTUAL = {
    Regime.CONTRACTUAL_ANNUAL: (
        N_("Late payments carry interest at {rate} a year from the day after the due date."),
        N_("Late payments carry interest at {rate} a year once they are more than {days} "
           "late.")),
    Regime.CONTRACTUAL_MONTHLY: (
        N_("Late payments carry interest at {rate} a month from the day after the due "
           "date."),
        N_("Late payments carry interest at {rate} a month once they are more than {days} "
           "late.")),
}
# Each statutory regime's rule as a customer reads it; the points are models.interest's.
_STATUTORY = {
    Regime.UK_STATUTORY: (N_("Under the Late Payment of Commercial Debts (Interest) Act "
                             "1998, late payments carry interest at {points} percentage "
                             "points above the Bank of England base rate."), STATUTORY_MARGIN),
    Regime.EU_STATUTORY: (N_("Under Directive 2011/7/EU on combating late payment, late "
                             "payments carry interest at {points} percentage points above "
                             "the central bank's reference rate."), STATUTORY_MARGIN),
    Regime.DE_STATUTORY: (N_("Under § 288 of the German Civil Code (BGB), late payments "
                             "carry interest at {points} percentage points above the base "
                             "rate."), NATIONAL_LAWS[Regime.DE_STATUTORY].margin),
    Regime.FR_STATUTORY: (N_("Under article L441-10 of the French Commercial Code, late "
                             "payments carry interest at {points} percentage points above "
                             "the European Central Bank's refinancing rate."),
                          NATIONAL_LAWS[Regime.FR_STATUTORY].margin),
}
_COMPENSATION = N_("For each invoice paid late we may also claim fixed compensation for "
                   "recovery costs of {amount}.")
_COMPENSATION_UK = N_("For each invoice paid late we may also claim fixed compensation for "
                      "recovery costs of {low} to {high}, depending on its amount.")
_FEES = N_("Later reminders may carry a fee of up to {fee}.")
_SUMMARY = N_("Our terms: {terms}.")
# What parts the summary's terms, as the language writes a semicolon (Greek: "· ").
_SUMMARY_SEPARATOR = N_("; ")
_SUMMARY_NET = N_("payment within {days} of the invoice date")
_SUMMARY_ON_RECEIPT = N_("payment on receipt")
_SUMMARY_DISCOUNT = N_("{percent} discount for payment within {days}")
_SUMMARY_DISCOUNT_SAME_DAY = N_("{percent} discount for payment on the invoice date")
_SUMMARY_INTEREST = {Regime.CONTRACTUAL_ANNUAL: N_("interest on late payment at {rate} a year"),
                     Regime.CONTRACTUAL_MONTHLY: N_("interest on late payment at {rate} a "
                                                    "month")}
_SUMMARY_STATUTORY = N_("statutory interest on late payment")
_HOW_TO_PAY = N_("Please pay by bank transfer to the account below, quoting your account "
                 "number {code}:")
_HOW_TO_PAY_NO_ACCOUNT = N_("Please quote your account number {code} with each payment, so "
                            "that we can match it quickly.")


@dataclass(frozen=True)
class TermsWords:
    """A customer's terms of payment in sentences of their language: when invoices are
    due, the early-payment discount, the interest, compensation and fees for lateness,
    a one-line summary (for statements and reminders) and how to pay."""

    payment_terms: str
    discount_terms: str  # "" without a discount
    late_payment_terms: str  # "" when lateness costs nothing
    summary: str
    how_to_pay: str


def terms_for(customer_id: int, language: str = "") -> TermsWords:
    """The customer's terms in words, in ``language`` ("" for theirs), for their currency."""
    customer = customer_record(customer_id)
    return customer_terms(customer, customer.currency, customer_wording(customer_id, language))


def terms_summary(customer_id: int, language: str = "") -> str:
    """One line of the customer's terms, e.g. "Our terms: payment within 30 days of the
    invoice date; 2% discount for payment within 10 days." (for a statement's foot)."""
    return terms_for(customer_id, language).summary


def customer_terms(customer: Customer, currency: str, words: Wording) -> TermsWords:
    """The terms of ``customer`` (their payment terms, credit policy and follow-up fees),
    for documents in ``currency``, in ``words``."""
    say = words.gettext
    terms = _payment_terms(customer.payment_terms_id) if customer.payment_terms_id else None
    net = terms.net_days if terms is not None else DEFAULT_NET_DAYS
    percent = terms.discount_percent if terms is not None else None
    within = terms.discount_days if terms is not None else None
    summary = [say(_SUMMARY_NET).format(days=words.days(net)) if net
               else say(_SUMMARY_ON_RECEIPT)]
    discount = ""
    if percent and within is not None:
        shown = words.discount(Decimal(percent))
        discount = (say(_DISCOUNT).format(days=words.days(within), percent=shown) if within
                    else say(_DISCOUNT_SAME_DAY).format(percent=shown))
        summary.append(say(_SUMMARY_DISCOUNT).format(percent=shown, days=words.days(within))
                       if within else say(_SUMMARY_DISCOUNT_SAME_DAY).format(percent=shown))
    policy = _credit_policy(customer.credit_policy_id or default_credit_policy_id())
    late, short = _late_words(policy, currency, words)
    fee = _largest_fee(customer.followup_policy_id or default_policy_id())
    if fee:
        late.append(say(_FEES).format(fee=words.money(fee, currency)))
    if short:
        summary.append(short)
    account = payment_details(currency, words)
    how = (say(_HOW_TO_PAY).format(code=customer.code) + "\n" + account if account
           else say(_HOW_TO_PAY_NO_ACCOUNT).format(code=customer.code))
    return TermsWords(
        payment_terms=(say(_NET).format(days=words.days(net)) if net else say(_ON_RECEIPT)),
        discount_terms=discount, late_payment_terms=" ".join(late),
        summary=say(_SUMMARY).format(terms=say(_SUMMARY_SEPARATOR).join(summary)), how_to_pay=how)


def _late_words(policy: CreditPolicy | None, currency: str,
                words: Wording) -> tuple[list[str], str]:
    """The sentences on interest and compensation under ``policy``, and the summary's
    phrase ("" when nothing is charged)."""
    say = words.gettext
    regime = policy.regime if policy is not None else Regime.NONE
    if policy is None or regime == Regime.NONE:
        return [], ""
    if regime in _CONTRACTUAL:
        if policy.rate_percent is None:
            return [], ""
        rate = words.discount(Decimal(policy.rate_percent))
        plain, with_grace = _CONTRACTUAL[regime]
        sentence = (say(with_grace).format(rate=rate, days=words.days(policy.grace_days))
                    if policy.grace_days > 0 else say(plain).format(rate=rate))
        return [sentence], say(_SUMMARY_INTEREST[regime]).format(rate=rate)
    if regime not in _STATUTORY:
        return [], ""
    rule, points = _STATUTORY[regime]
    sentences = [say(rule).format(points=words.number(points))]
    if policy.fixed_compensation:
        sentences.append(_compensation_words(regime, words))
    return sentences, say(_SUMMARY_STATUTORY)


def _compensation_words(regime: str, words: Wording) -> str:
    """The statutory fixed compensation per late invoice, in the currency the law sets."""
    if regime == Regime.UK_STATUTORY:
        return words.gettext(_COMPENSATION_UK).format(
            low=words.money(UK_COMPENSATION_TIERS[0][1], "GBP"),
            high=words.money(UK_COMPENSATION_TOP_MINOR, "GBP"))
    law = NATIONAL_LAWS.get(regime)
    amount = law.compensation_minor if law is not None else EU_COMPENSATION_MINOR
    return words.gettext(_COMPENSATION).format(amount=words.money(amount, "EUR"))


@steady_answer
def _credit_policy(policy_id: int | None) -> CreditPolicy | None:
    return CreditPolicy.get_or_none(CreditPolicy.id == policy_id) if policy_id else None


def _largest_fee(policy_id: int | None) -> int:
    """The largest fee a stage of the follow-up policy charges (0 for none)."""
    return max((s.fee_minor for s in stages_by_policy().get(policy_id or 0, [])), default=0)
