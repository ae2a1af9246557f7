"""A claim ready for court: which letter goes before it, what it claims, and the court's
fee to issue it.

The letter, by the business's and the customer's country and the customer's legal form
(:func:`letter_for`):

- A business in Great Britain claiming from a customer there: the courts of England &
  Wales are assumed (Scotland and Northern Ireland have their own rules: check them).
  Practice Direction – Pre-Action Conduct and Protocols asks every claimant to write
  before issuing a claim. When the debtor is an individual, sole traders included, the
  Pre-Action Protocol for Debt Claims (in force 1 October 2017) applies: a letter of
  claim (para 3.1) with the Information Sheet and the Reply Form of Annex 1 (para 3.1(c),
  (d)) and 30 days to reply (para 3.3; para 3.2: posted, or sent the way the debtor
  used). When the legal form is unknown or "other" the Protocol's letter is sent too:
  its longer period does no harm, and a court may penalise a claimant who skipped the
  Protocol against an individual. A company gets a letter before action; 14 days is the
  period the Practice Direction (para 6(b)) calls normally reasonable.
- Any other business or customer: a letter before action in the customer's language,
  with 14 days to pay (a custom, not a rule of any one country: check the local law).

The figures (:func:`claim_pack`) are the open invoices, their interest and fixed
compensation worked out by :func:`models.interest.invoice_interest` (so equal to the
``interest`` command's) up to the day of the claim, the daily rate after it, the
court's fee for the total (:func:`court_fee_for`) and the evidence from the timeline.
Where no credit policy gives interest and the claim goes to the County Court, the
court may award simple interest at 8% a year (County Courts Act 1984 s.69 and the
Judgment Debts (Rate of Interest) Order 1993), which the pack then claims.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from models.audit import record_change
from models.company import business_details
from models.contacts import ContactEntry, log_contact
from models.court_fees import CourtFeeBand, court_fee_for
from models.dates import short_date
from models.db import writing
from models.disputed import claims, disputed_part
from models.errors import LedgerError
from models.interest import (
    DAYS_IN_YEAR,
    InterestCalculation,
    invoice_interest,
    period_interest,
)
from models.kinds import ClaimLetterKind, ContactKind, InvoiceStatus, LegalForm
from models.money import format_money, from_minor, round_to_minor
from models.schema import ClaimLetter, Customer, Invoice
from models.timeline import customer_timeline

PROTOCOL_DAYS = 30  # Pre-Action Protocol for Debt Claims, para 3.3
BEFORE_ACTION_DAYS = 14  # PD Pre-Action Conduct para 6(b): "normally reasonable"
GENERIC_DAYS = 14  # custom only; the law of the customer's country may ask otherwise
COUNTY_COURT_RATE = Decimal(8)  # County Courts Act 1984 s.69; SI 1993/564
READY_AFTER_DAYS = 30  # an invoice this late, with no letter sent yet, is worth a claim
_PROTOCOL_FORMS = (LegalForm.INDIVIDUAL, LegalForm.SOLE_TRADER, LegalForm.UNKNOWN,
                   LegalForm.OTHER)


# --- the letter -------------------------------------------------------------------------

@dataclass(frozen=True)
class LetterChoice:
    """The letter before a claim the law asks for, and the days it gives to answer."""

    kind: ClaimLetterKind
    days: int


def letter_for(business_country: str, customer_country: str,
               legal_form: LegalForm | str) -> LetterChoice:
    """The letter a business in ``business_country`` sends a customer in
    ``customer_country`` (none: the business's) of ``legal_form`` (see the module)."""
    business = business_country.upper()
    customer = (customer_country or business_country).upper()
    if business != "GB" or customer != "GB":
        return LetterChoice(ClaimLetterKind.GENERIC, GENERIC_DAYS)
    if legal_form in _PROTOCOL_FORMS:
        return LetterChoice(ClaimLetterKind.PROTOCOL, PROTOCOL_DAYS)
    return LetterChoice(ClaimLetterKind.BEFORE_ACTION, BEFORE_ACTION_DAYS)


# --- the claim's figures ------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimedInvoice:
    """An invoice in a claim: what is unpaid, the interest on it from ``interest_from``
    to the day of the claim at ``rate_percent`` a year, what that adds a day after it,
    and the fixed compensation."""

    invoice_id: int
    number: str
    issue_date: dt.date
    due_date: dt.date
    amount_minor: int
    open_minor: int
    interest_minor: int
    interest_from: dt.date | None
    rate_percent: Decimal | None
    daily: Decimal  # major units, exact
    compensation_minor: int


@dataclass(frozen=True)
class Evidence:
    """One item of the evidence list: when, what kind, and what."""

    on: dt.date
    kind: str
    what: str


@dataclass(frozen=True)
class ClaimPack:
    """Everything a claim to court states for one customer as of ``as_of``."""

    customer_id: int
    customer_name: str
    customer_code: str
    legal_form: LegalForm
    letter: LetterChoice
    currency: str
    as_of: dt.date
    invoices: tuple[ClaimedInvoice, ...]
    interest_basis: str  # the law or terms the interest is claimed under, in words
    court_fee: CourtFeeBand | None
    court_fee_minor: int
    evidence: tuple[Evidence, ...]
    warnings: tuple[str, ...] = ()

    @property
    def principal_minor(self) -> int:
        """What is unpaid on the invoices claimed."""
        return sum(i.open_minor for i in self.invoices)

    @property
    def interest_minor(self) -> int:
        """The interest claimed to the day of the claim."""
        return sum(i.interest_minor for i in self.invoices)

    @property
    def compensation_minor(self) -> int:
        """The fixed compensation claimed, every invoice's."""
        return sum(i.compensation_minor for i in self.invoices)

    @property
    def claim_minor(self) -> int:
        """The amount claimed: principal, interest and compensation (the court fee is
        worked out on it)."""
        return self.principal_minor + self.interest_minor + self.compensation_minor

    @property
    def total_minor(self) -> int:
        """The amount claimed and the court fee."""
        return self.claim_minor + self.court_fee_minor

    @property
    def daily(self) -> Decimal:
        """What interest adds each day after the day of the claim, exact."""
        return sum((i.daily for i in self.invoices), Decimal(0))

    @property
    def interest_from(self) -> dt.date | None:
        """The first day interest runs from on any invoice claimed."""
        days = [i.interest_from for i in self.invoices if i.interest_from is not None]
        return min(days) if days else None

    @property
    def respond_by(self) -> dt.date:
        """The last day to answer a letter sent on ``as_of``."""
        return self.as_of + dt.timedelta(days=self.letter.days)


_LAW_WORDS = {
    "uk_statutory": "Late Payment of Commercial Debts (Interest) Act 1998 (Bank of England "
                    "base rate + 8%)",
    "eu_statutory": "Directive 2011/7/EU (reference rate + 8 points)",
    "de_statutory": "BGB § 288(2)", "fr_statutory": "Code de commerce art. L441-10",
    "contractual_annual": "the contract's terms of payment",
    "contractual_monthly": "the contract's terms of payment",
    "county_court": "County Courts Act 1984 s.69 (8% simple, at the court's discretion)",
}


def claimable_invoices(customer_id: int, as_of: dt.date) -> list[Invoice]:
    """The customer's invoices a claim covers: open (not disputed, with an agency or
    written off), due before ``as_of`` and still unpaid, by due date."""
    return list(Invoice.select().where(
        (Invoice.customer == customer_id) & (Invoice.status == InvoiceStatus.OPEN)
        & (Invoice.due_date < as_of) & (Invoice.open_minor > 0))
        .order_by(Invoice.due_date, Invoice.id))


def claim_pack(customer_id: int, as_of: dt.date) -> ClaimPack:
    """The customer's claim as of ``as_of``; LedgerError when the business is not set up,
    the customer is gone or nothing is overdue."""
    business = business_details()
    if business is None:
        raise LedgerError("business", "Set up the business before preparing a claim.")
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise LedgerError("customer", "That customer no longer exists.")
    invoices = claimable_invoices(customer_id, as_of)
    if not invoices:
        raise LedgerError("invoices", f"{customer.name} has no overdue invoice to claim.")
    letter = letter_for(business.country, customer.country, customer.legal_form)
    in_court = letter.kind != ClaimLetterKind.GENERIC
    claimed, laws, warnings = [], dict[str, None](), []
    warnings += _disputed_parts(invoices)
    for invoice in invoices:
        calculation = invoice_interest(invoice.id, as_of, without_missing_rate=True)
        if calculation.missing_rate and calculation.missing_rate not in warnings:
            warnings.append(calculation.missing_rate)  # once, however many invoices lack it
        if calculation.regime == "none" and in_court:
            claimed.append(_county_court_interest(invoice, as_of))
            laws["county_court"] = None
            continue
        claimed.append(_from_calculation(invoice, calculation, as_of))
        if calculation.regime != "none":
            laws[calculation.regime] = None
    currency = invoices[0].currency
    if any(i.currency != currency for i in invoices):
        raise LedgerError("currency", f"{customer.name}'s overdue invoices are in more than "
                                      f"one currency: a claim is for one; claim each apart.")
    pack = ClaimPack(
        customer_id=customer_id, customer_name=customer.name, customer_code=customer.code,
        legal_form=LegalForm(customer.legal_form), letter=letter, currency=currency,
        as_of=as_of, invoices=tuple(claimed),
        interest_basis="; ".join(_LAW_WORDS[law] for law in laws) or "none claimed",
        court_fee=None, court_fee_minor=0, evidence=tuple(claim_evidence(customer_id, as_of)),
        warnings=tuple(warnings))
    fee = court_fee_for(pack.claim_minor, currency) if in_court else None
    if fee is None and in_court:
        warnings.append(f"The court fee table has no band for "
                        f"{format_money(pack.claim_minor, currency)}: add one in "
                        f"Settings › Court fees.")
    return replace(pack, court_fee=fee[0] if fee else None,
                   court_fee_minor=fee[1] if fee else 0, warnings=tuple(warnings))


def _disputed_parts(invoices: list[Invoice]) -> list[str]:
    """A warning for each claimed invoice partly in an open dispute: the claim asks for
    all that is open, and the pre-action rules (the Practice Direction and the Debt
    Claims Protocol) expect a dispute to be answered before going to court."""
    disputed = claims(invoice_ids=[i.id for i in invoices])
    return [f"{format_money(disputed_part(i.open_minor, disputed[i.id]), i.currency)} of "
            f"invoice {i.number} is in dispute and is claimed here: settle the dispute "
            f"first (a credit note, or reject it with a reason) or be ready to answer it."
            for i in invoices if disputed.get(i.id)]


def _from_calculation(invoice: Invoice, calculation: InterestCalculation,
                      as_of: dt.date) -> ClaimedInvoice:
    periods = calculation.periods
    last = periods[-1] if periods else None
    daily = Decimal(0)
    if last is not None and last.end == as_of:
        daily = from_minor(last.principal_minor, invoice.currency) * last.rate_percent \
            / 100 / DAYS_IN_YEAR
    return ClaimedInvoice(
        invoice.id, invoice.number, invoice.issue_date, invoice.due_date, invoice.amount_minor,
        invoice.open_minor, calculation.interest_minor,
        periods[0].start if periods else None, last.rate_percent if last else None, daily,
        calculation.compensation_minor)


def _county_court_interest(invoice: Invoice, as_of: dt.date) -> ClaimedInvoice:
    """8% simple on what is unpaid today, from the day after the due date: s.69 lets the
    court award it on the sum claimed, so part payments before are not traced."""
    start = invoice.due_date + dt.timedelta(days=1)
    days = max(0, (as_of - start).days + 1)
    exact = period_interest(invoice.open_minor, invoice.currency, COUNTY_COURT_RATE, days)
    interest = round_to_minor(exact, invoice.currency)
    return ClaimedInvoice(
        invoice.id, invoice.number, invoice.issue_date, invoice.due_date, invoice.amount_minor,
        invoice.open_minor, interest, start if days else None, COUNTY_COURT_RATE,
        period_interest(invoice.open_minor, invoice.currency, COUNTY_COURT_RATE, 1), 0)


def claim_evidence(customer_id: int, as_of: dt.date) -> list[Evidence]:
    """The evidence a claim rests on, oldest first: the invoices claimed, then every letter,
    e-mail, call, meeting and promise on the timeline up to ``as_of``."""
    items = [Evidence(i.issue_date, "invoice",
                      f"Invoice {i.number}, due {short_date(i.due_date)}")
             for i in claimable_invoices(customer_id, as_of)]
    wanted = ("letter", "email", "call", "meeting", "sms", "promise", "dispute", "plan")
    for entry in customer_timeline(customer_id, wanted):
        if entry.at.date() <= as_of:
            what = f"{entry.title}: {entry.detail}" if entry.detail else entry.title
            what = what if not entry.status else f"{what} ({entry.status})"
            items.append(Evidence(entry.at.date(), entry.kind, what))
    items.sort(key=lambda e: e.on)
    return items


# --- the letter sent ---------------------------------------------------------------------

@dataclass(frozen=True)
class SentLetter:
    """A letter before action sent: when, which, by when to answer, and what it claimed."""

    id: int
    customer_id: int
    kind: ClaimLetterKind
    sent_on: dt.date
    respond_by: dt.date
    currency: str
    principal_minor: int
    claim_minor: int


def record_claim_letter(customer_id: int, as_of: dt.date, *, how: ContactKind =
                        ContactKind.LETTER, now: dt.datetime | None = None) -> SentLetter:
    """Record that the letter before action for the claim as of ``as_of`` went to the
    customer on that day: a contact on their timeline, linked to the invoices it claims,
    and the letter with its response deadline. Call inside the transaction that prints
    or sends it."""
    now = now or dt.datetime.now()
    with writing():
        pack = claim_pack(customer_id, as_of)
        words = ClaimLetterKind(pack.letter.kind).word
        summary = (f"{words} sent: {format_money(pack.claim_minor, pack.currency)} claimed; "
                   f"reply by {short_date(pack.respond_by)}")
        contact_id = log_contact(customer_id, ContactEntry(
            kind=how, occurred_at=now, summary=summary,
            invoice_ids=tuple(i.invoice_id for i in pack.invoices),
            follow_up_on=pack.respond_by + dt.timedelta(days=1)), now=now)
        row = ClaimLetter.create(
            customer=customer_id, interaction=contact_id, kind=pack.letter.kind,
            sent_on=as_of, respond_by=pack.respond_by, currency=pack.currency,
            principal_minor=pack.principal_minor, claim_minor=pack.claim_minor, created_at=now)
        record_change("claim letter sent", "claim_letter", row.id, after={
            "customer_id": customer_id, "kind": str(pack.letter.kind),
            "respond_by": pack.respond_by.isoformat(), "claim_minor": pack.claim_minor})
    return _sent(row)


def last_claim_letter(customer_id: int) -> SentLetter | None:
    """The last letter before action sent to the customer, or None."""
    row = (ClaimLetter.select().where(ClaimLetter.customer == customer_id)
           .order_by(ClaimLetter.sent_on.desc(), ClaimLetter.id.desc()).first())
    return _sent(row) if row is not None else None


def _sent(row: ClaimLetter) -> SentLetter:
    return SentLetter(row.id, row.customer_id, ClaimLetterKind(row.kind), row.sent_on,
                      row.respond_by, row.currency, row.principal_minor, row.claim_minor)


# --- the Claims list ---------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimRow:
    """A customer in the Claims list: a letter sent, or one ready to send."""

    customer_id: int
    customer_name: str
    legal_form: LegalForm
    letter_kind: ClaimLetterKind
    currency: str
    principal_minor: int
    claim_minor: int  # with interest and compensation as of the day listed
    sent_on: dt.date | None
    respond_by: dt.date | None
    days_left: int | None  # to the response deadline; negative once passed


def claim_rows(as_of: dt.date) -> list[ClaimRow]:
    """Every customer with a letter before action sent, and every one with an invoice
    at least :data:`READY_AFTER_DAYS` overdue (ready for one), most urgent first."""
    late = as_of - dt.timedelta(days=READY_AFTER_DAYS)
    ready = {i.customer_id for i in Invoice.select(Invoice.customer).where(
        (Invoice.status == InvoiceStatus.OPEN) & (Invoice.due_date <= late)
        & (Invoice.open_minor > 0))}
    sent = {r.customer_id for r in ClaimLetter.select(ClaimLetter.customer)}
    rows: list[ClaimRow] = []
    for customer_id in ready | sent:
        letter = last_claim_letter(customer_id)
        try:
            pack = claim_pack(customer_id, as_of)
        except LedgerError:
            if letter is None:
                continue
            pack = None
        customer = Customer.get_by_id(customer_id)
        rows.append(ClaimRow(
            customer_id, customer.name, LegalForm(customer.legal_form),
            pack.letter.kind if pack else letter.kind if letter else ClaimLetterKind.GENERIC,
            pack.currency if pack else letter.currency if letter else customer.currency,
            pack.principal_minor if pack else 0, pack.claim_minor if pack else 0,
            letter.sent_on if letter else None, letter.respond_by if letter else None,
            (letter.respond_by - as_of).days if letter else None))
    rows.sort(key=lambda r: (r.days_left is None, r.days_left or 0, -r.claim_minor))
    return rows

