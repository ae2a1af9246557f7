"""The business's credit policy as the Settings area edits it: payment terms, late-payment
charges, follow-up policies and their stages, reference rates, and the business defaults.

Every save writes in one IMMEDIATE transaction and records the change in the
audit log. Input the rules refuse raises :class:`LedgerError` naming the field
(the keyword argument's name) with a message in the user's words. The
``check_*`` functions run the same checks without the store, so a dialog can
show an objection before anything is written.

A policy's stages are kept numbered 1, 2, 3… in the order of their offsets:
the follow-up engine reads a stage's position as "how far along" an invoice
is, so the positions must follow the days.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

import peewee as pw

from models.audit import record_change
from models.bank_accounts import BankAccountRow, Signatory, bank_accounts, signatory
from models.dates import short_date
from models.db import writing
from models.errors import LedgerError
from models.interest import (
    DEFAULT_CREDIT_POLICY_SETTING,
    STATUTORY,
    default_credit_policy_id,
)
from models.kinds import Channel, LoyaltyWaiver, PolicyUse, Regime
from models.policy_stages import DEFAULT_POLICY_SETTING, default_policy_id
from models.reference_rates import ReferenceRateValue, reference_rates, series_name
from models.schema import (
    Business,
    CreditPolicy,
    Customer,
    FollowUpPolicy,
    FollowUpStage,
    Interaction,
    LetterTemplate,
    PaymentTerms,
    ReferenceRate,
    Setting,
    StageExecution,
)
from models.template_store import TONES, TemplateRow, stage_templates
from models.users import Permission, require

"""The Setting holding the credit policy of customers who have none of their own."""

MAX_NET_DAYS = 365
MAX_GRACE_DAYS = 365
MAX_CONTACT_GAP_DAYS = 365
# A courtesy reminder up to a year before the due date, escalation up to two years after.
MIN_OFFSET_DAYS = -365
MAX_OFFSET_DAYS = 730

STAGE_CHANNELS = tuple(Channel)
CONTRACTUAL = (Regime.CONTRACTUAL_ANNUAL, Regime.CONTRACTUAL_MONTHLY)

REGIME_RULES: dict[str, str] = {
    "none": "Nothing is charged for paying late.",
    "contractual_annual": "Simple interest at the rate your terms state, a year, from the day "
                          "after the due date plus any grace days.",
    "contractual_monthly": "Simple interest at the rate your terms state, a month (12 times it "
                           "a year), from the day after the due date plus any grace days.",
    "uk_statutory": "Late Payment of Commercial Debts (Interest) Act 1998: 8% over the Bank "
                    "of England base rate, fixed for the life of the debt, from the day after "
                    "the due date; fixed compensation of GBP 40, 70 or 100 by the debt's size.",
    "eu_statutory": "Directive 2011/7/EU: the central bank's reference rate plus 8 points, "
                    "reset each half-year, from the day after the due date; fixed "
                    "compensation of at least EUR 40.",
    "de_statutory": "Germany, BGB § 288: the base rate (§ 247) plus 9 points for debts "
                    "between businesses, reset each half-year, from the day after the due "
                    "date; a lump sum of EUR 40 per invoice.",
    "fr_statutory": "France, Code de commerce L441-10: the ECB's main refinancing rate plus "
                    "10 points, reset each half-year, from the day after the due date; a "
                    "fixed sum of EUR 40 per invoice for recovery costs.",
}
"""Each regime's rule in a sentence."""


# --- what the Settings area shows ----------------------------------------------------

@dataclass(frozen=True)
class PaymentTermsRow:
    """Payment terms and how many customers have them."""

    id: int
    name: str
    net_days: int
    discount_percent: Decimal | None
    discount_days: int | None
    customers: int


@dataclass(frozen=True)
class CreditPolicyRow:
    """A late-payment charges policy and how many customers have it."""

    id: int
    name: str
    regime: str
    rate_percent: Decimal | None
    grace_days: int
    fixed_compensation: bool
    customers: int
    loyalty_waiver: LoyaltyWaiver = LoyaltyWaiver.NONE


@dataclass(frozen=True)
class StageRow:
    """One stage of a follow-up policy, and for how many invoices it was reached."""

    id: int
    policy_id: int
    position: int
    name: str
    offset_days: int
    channel: str
    template_id: int | None
    template_name: str
    tone: str
    fee_minor: int
    apply_interest: bool
    apply_compensation: bool
    min_days_since_contact: int
    executions: int


@dataclass(frozen=True)
class FollowUpPolicyRow:
    """A follow-up policy with its stages in order, and how many customers have it."""

    id: int
    name: str
    description: str
    min_balance_minor: int
    stages: tuple[StageRow, ...]
    customers: int
    # What it chases: invoices, or (the one "Payment plans" policy) the instalments of
    # payment plans, which no customer is given and which is never the default.
    use: PolicyUse = PolicyUse.INVOICES

    @property
    def for_customers(self) -> bool:
        """Whether a customer (or the business's default) may be given this policy."""
        return self.use == PolicyUse.INVOICES


@dataclass(frozen=True)
class PolicySettings:
    """Everything the Settings area shows, read at once."""

    currency: str  # the business's: fees and minimum balances are in it
    payment_terms: tuple[PaymentTermsRow, ...]
    credit_policies: tuple[CreditPolicyRow, ...]
    follow_up_policies: tuple[FollowUpPolicyRow, ...]
    reference_rates: tuple[ReferenceRateValue, ...]
    templates: tuple[TemplateRow, ...]
    default_followup_policy_id: int | None
    default_credit_policy_id: int | None
    bank_accounts: tuple[BankAccountRow, ...] = ()  # where customers pay, by currency
    signatory: Signatory = Signatory("")  # who signs the letters


# --- what a dialog hands over ---------------------------------------------------------

@dataclass(frozen=True)
class PaymentTermsDraft:
    """Payment terms as typed: net days and an optional early-payment discount."""

    name: str
    net_days: int
    discount_percent: Decimal | None = None
    discount_days: int | None = None


@dataclass(frozen=True)
class CreditPolicyDraft:
    """A late-payment charges policy as typed."""

    name: str
    regime: str
    rate_percent: Decimal | None = None
    grace_days: int = 0
    fixed_compensation: bool = False
    # What paying in full by an offer's date waives (models.offers); NONE: no offers.
    loyalty_waiver: LoyaltyWaiver = LoyaltyWaiver.NONE


@dataclass(frozen=True)
class FollowUpPolicyDraft:
    """A follow-up policy's name, description and minimum balance (minor units)."""

    name: str
    description: str = ""
    min_balance_minor: int = 0


@dataclass(frozen=True)
class StageDraft:
    """A follow-up stage as typed (the fee in minor units of the business's currency)."""

    name: str
    offset_days: int
    channel: str
    template_id: int | None = None
    tone: str = "friendly"
    fee_minor: int = 0
    apply_interest: bool = False
    apply_compensation: bool = False
    min_days_since_contact: int = 0


@dataclass(frozen=True)
class ReferenceRateDraft:
    """A reference rate as typed."""

    series: str
    effective_from: dt.date
    rate_percent: Decimal
    source: str


# --- words --------------------------------------------------------------------------

def offset_words(offset_days: int) -> str:
    """When a stage falls, in words: "3 days before the due date", "on the due date",
    "14 days after the due date"."""
    if offset_days == 0:
        return "on the due date"
    days = abs(offset_days)
    side = "before" if offset_days < 0 else "after"
    return f"{days} day{'' if days == 1 else 's'} {side} the due date"


def terms_words(net_days: int, discount_percent: Decimal | None,
                discount_days: int | None) -> str:
    """Payment terms in words: "Net 30", "2% off within 10 days, else net 30"."""
    net = "Due on receipt" if net_days == 0 else f"Net {net_days}"
    if discount_percent is None or discount_days is None:
        return net
    within = "on the invoice day" if discount_days == 0 else \
        f"within {discount_days} day{'' if discount_days == 1 else 's'}"
    return f"{percent_text(discount_percent)}% off {within}, else {net[0].lower()}{net[1:]}"


def percent_text(value: Decimal) -> str:
    """A percentage without trailing zeros: 2, 1.5, 0.25."""
    return f"{value.normalize():f}"


def regime_words(regime: str, rate_percent: Decimal | None, grace_days: int) -> str:
    """A policy's charges in a short phrase: "1.5% a month after 7 days' grace"."""
    if regime in CONTRACTUAL and rate_percent is not None:
        per = "a month" if regime == Regime.CONTRACTUAL_MONTHLY else "a year"
        grace = f" after {grace_days} day{'' if grace_days == 1 else 's'}' grace" \
            if grace_days else ""
        return f"{percent_text(rate_percent)}% {per}{grace}"
    return Regime.word_for(regime)


# --- parsing what users type ----------------------------------------------------------

def parse_percent(text: str, field: str) -> Decimal | None:
    """A percentage from what a user typed ("2", "1.5", "2,5 %"); None when left empty."""
    cleaned = text.strip().rstrip("%").strip()
    if not cleaned:
        return None
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # a decimal comma
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise LedgerError(field, f"“{text.strip()}” is not a percentage; write it like 2 "
                                 f"or 1.5.")
    return value


# --- checks without the store ---------------------------------------------------------

def check_payment_terms(draft: PaymentTermsDraft) -> PaymentTermsDraft:
    """The terms cleaned up; LedgerError at the field that will not do."""
    name = _name(draft.name, "Name the terms, e.g. Net 30.")
    _days(draft.net_days, "net_days", 0, MAX_NET_DAYS, "Net days")
    percent, days = draft.discount_percent, draft.discount_days
    if percent is None and days is not None:
        raise LedgerError("discount_percent", "Enter the discount in percent, or leave the "
                                              "discount days empty too.")
    if percent is not None and days is None:
        raise LedgerError("discount_days", "Say within how many days the discount applies.")
    if percent is not None and days is not None:
        if not Decimal(0) < percent < Decimal(100):
            raise LedgerError("discount_percent", "A discount is more than 0% and less than "
                                                  "100%.")
        _days(days, "discount_days", 0, MAX_NET_DAYS, "Discount days")
        if days >= draft.net_days:
            raise LedgerError("discount_days", f"The discount must be earned before payment "
                                               f"is due: within fewer than {draft.net_days} "
                                               f"days.")
    return PaymentTermsDraft(name, draft.net_days, percent, days)


def check_credit_policy(draft: CreditPolicyDraft) -> CreditPolicyDraft:
    """The policy cleaned up for its regime; LedgerError at the field that will not do.

    Only a contractual regime keeps a rate and grace days; only a statutory one
    keeps fixed compensation (the law sets the rate and knows no grace).
    """
    name = _name(draft.name, "Name the policy, e.g. Contractual 8% a year.")
    regime = draft.regime
    if regime not in tuple(Regime):
        raise LedgerError("regime", "Choose how late payment is charged.")
    loyalty = _loyalty(draft.loyalty_waiver)
    if regime in CONTRACTUAL:
        rate = draft.rate_percent
        per = "a month" if regime == Regime.CONTRACTUAL_MONTHLY else "a year"
        if rate is None:
            raise LedgerError("rate_percent", f"Enter the interest rate your terms state, "
                                              f"in percent {per}.")
        if not Decimal(0) < rate < Decimal(100):
            raise LedgerError("rate_percent", "The interest rate is more than 0% and less "
                                              "than 100%.")
        _days(draft.grace_days, "grace_days", 0, MAX_GRACE_DAYS, "Grace days")
        return CreditPolicyDraft(name, regime, rate, draft.grace_days, False, loyalty)
    return CreditPolicyDraft(name, regime, None, 0,
                             regime in STATUTORY and draft.fixed_compensation, loyalty)


def _loyalty(waiver: str) -> LoyaltyWaiver:
    try:
        return LoyaltyWaiver(waiver)
    except ValueError:
        raise LedgerError("loyalty_waiver", "Choose what the loyalty incentive waives: the "
                                            "next stage's fee, the interest, or none.") from None


def check_follow_up_policy(draft: FollowUpPolicyDraft) -> FollowUpPolicyDraft:
    """The policy cleaned up; LedgerError at the field that will not do."""
    name = _name(draft.name, "Name the policy, e.g. Gentle.")
    if draft.min_balance_minor < 0:
        raise LedgerError("min_balance_minor", "The minimum balance cannot be below zero.")
    return FollowUpPolicyDraft(name, draft.description.strip(), draft.min_balance_minor)


def check_stage(draft: StageDraft) -> StageDraft:
    """The stage cleaned up; LedgerError at the field that will not do."""
    name = _name(draft.name, "Name the stage, e.g. Second reminder.")
    if not MIN_OFFSET_DAYS <= draft.offset_days <= MAX_OFFSET_DAYS:
        raise LedgerError("offset_days", f"A stage falls from {-MIN_OFFSET_DAYS} days before "
                                         f"to {MAX_OFFSET_DAYS} days after the due date.")
    if draft.channel not in STAGE_CHANNELS:
        raise LedgerError("channel", "Choose an e-mail, a letter or a phone call.")
    if draft.channel == Channel.PHONE and draft.template_id is not None:
        raise LedgerError("template_id", "A phone call sends no letter: choose no template.")
    if draft.tone not in TONES:
        raise LedgerError("tone", "Choose the tone: " + ", ".join(TONES) + ".")
    if draft.fee_minor < 0:
        raise LedgerError("fee_minor", "The fee cannot be below zero.")
    if draft.offset_days <= 0:
        # The engine charges only invoices already late (models.followup._apply_charges).
        for field, charged in (("fee_minor", draft.fee_minor > 0),
                               ("apply_interest", draft.apply_interest),
                               ("apply_compensation", draft.apply_compensation)):
            if charged:
                raise LedgerError(field, "A stage on or before the due date cannot charge "
                                         "anything: nothing is late yet.")
    _days(draft.min_days_since_contact, "min_days_since_contact", 0, MAX_CONTACT_GAP_DAYS,
          "The days since the last contact")
    return StageDraft(name, draft.offset_days, draft.channel, draft.template_id, draft.tone,
                      draft.fee_minor, draft.apply_interest, draft.apply_compensation,
                      draft.min_days_since_contact)


def check_reference_rate(draft: ReferenceRateDraft) -> ReferenceRateDraft:
    """The rate cleaned up; LedgerError at the field that will not do."""
    series = draft.series.strip().upper()
    if not series or len(series) > 16 or not series.replace("_", "").isalnum():
        raise LedgerError("series", "Name the series in up to 16 letters, e.g. BOE_BASE.")
    if not draft.rate_percent.is_finite() or not Decimal(-100) < draft.rate_percent \
            < Decimal(100):
        raise LedgerError("rate_percent", "A reference rate is between -100% and 100%.")
    source = draft.source.strip()
    if not source:
        raise LedgerError("source", "Say where the rate comes from, e.g. the central bank's "
                                    "page and the decision's date.")
    return ReferenceRateDraft(series, draft.effective_from, draft.rate_percent, source)


# --- reading --------------------------------------------------------------------------

def policy_settings() -> PolicySettings:
    """Everything the Settings area shows: terms, policies, stages, rates, defaults, the
    bank accounts and the signatory."""
    business = Business.select(Business.currency).first()
    followup_id, credit_id = default_policies()
    rates = sorted(reference_rates(), key=lambda r: (r.series, -r.effective_from.toordinal()))
    return PolicySettings(
        currency=business.currency if business is not None else "EUR",
        payment_terms=tuple(payment_terms_list()), credit_policies=tuple(credit_policies()),
        follow_up_policies=tuple(follow_up_policies()), reference_rates=tuple(rates),
        templates=tuple(stage_templates()), default_followup_policy_id=followup_id,
        default_credit_policy_id=credit_id, bank_accounts=tuple(bank_accounts()),
        signatory=signatory())


def payment_terms_list() -> list[PaymentTermsRow]:
    """Every set of payment terms, shortest first."""
    used = _customers_by(Customer.payment_terms)
    query = PaymentTerms.select().order_by(PaymentTerms.net_days, pw.fn.LOWER(PaymentTerms.name))
    return [PaymentTermsRow(row.id, row.name, row.net_days, row.discount_percent,
                            row.discount_days, used.get(row.id, 0)) for row in query]


def credit_policies() -> list[CreditPolicyRow]:
    """Every late-payment charges policy, by name."""
    used = _customers_by(Customer.credit_policy)
    query = CreditPolicy.select().order_by(pw.fn.LOWER(CreditPolicy.name))
    return [CreditPolicyRow(row.id, row.name, row.regime, row.rate_percent, row.grace_days,
                            bool(row.fixed_compensation), used.get(row.id, 0),
                            LoyaltyWaiver(row.loyalty_waiver or LoyaltyWaiver.NONE))
            for row in query]


def follow_up_policies() -> list[FollowUpPolicyRow]:
    """Every follow-up policy, by name, with its stages in order."""
    used = _customers_by(Customer.followup_policy)
    executions = dict(StageExecution.select(StageExecution.stage, pw.fn.COUNT(StageExecution.id))
                      .group_by(StageExecution.stage).tuples())
    stages: dict[int, list[StageRow]] = {}
    query = (FollowUpStage.select(FollowUpStage, LetterTemplate.name.alias("template_name"))
             .join(LetterTemplate, pw.JOIN.LEFT_OUTER)
             .order_by(FollowUpStage.policy, FollowUpStage.position).objects())
    for row in query:
        stages.setdefault(row.policy_id, []).append(StageRow(
            id=row.id, policy_id=row.policy_id, position=row.position, name=row.name,
            offset_days=row.offset_days, channel=row.channel, template_id=row.template_id,
            template_name=row.template_name or "", tone=row.tone, fee_minor=row.fee_minor,
            apply_interest=bool(row.apply_interest),
            apply_compensation=bool(row.apply_compensation),
            min_days_since_contact=row.min_days_since_contact,
            executions=int(executions.get(row.id, 0))))
    return [FollowUpPolicyRow(row.id, row.name, row.description, row.min_balance_minor,
                              tuple(stages.get(row.id, ())), used.get(row.id, 0), row.use)
            for row in FollowUpPolicy.select().order_by(pw.fn.LOWER(FollowUpPolicy.name))]


def default_policies() -> tuple[int | None, int | None]:
    """The business's default follow-up policy (the one the engine uses for customers
    without their own) and its default credit policy (None: none chosen)."""
    return default_policy_id(), default_credit_policy_id()


def _customers_by(column: pw.ForeignKeyField) -> dict[int, int]:
    return {key: int(count) for key, count in
            Customer.select(column, pw.fn.COUNT(Customer.id))
            .where(column.is_null(False)).group_by(column).tuples()}


# --- writing --------------------------------------------------------------------------

def save_payment_terms(terms_id: int | None, *, name: str, net_days: int,
                       discount_percent: Decimal | None, discount_days: int | None) -> int:
    """Create payment terms (``terms_id`` None) or change them; returns their id (audited).

    Refuses an empty or taken name, net days outside 0-365, and a discount
    without its days (or days without a discount), not above 0% and below
    100%, or not earned before the net days.
    """
    draft = check_payment_terms(PaymentTermsDraft(name, net_days, discount_percent,
                                                  discount_days))
    return _save_named(PaymentTerms, terms_id, asdict(draft), what="payment terms",
                       taken="Payment terms", gone="Those payment terms no longer exist.")


def save_credit_policy(policy_id: int | None, *, name: str, regime: str,
                       rate_percent: Decimal | None, grace_days: int,
                       fixed_compensation: bool,
                       loyalty_waiver: LoyaltyWaiver = LoyaltyWaiver.NONE) -> int:
    """Create a late-payment charges policy (``policy_id`` None) or change one; returns
    its id (audited).

    A contractual regime needs a rate above 0% and below 100% and grace days
    from 0 to 365; the statutory regimes ignore the rate and grace (the law
    sets them) and keep ``fixed_compensation``; "none" keeps neither. Any regime
    may offer a loyalty incentive (``loyalty_waiver``).
    """
    draft = check_credit_policy(CreditPolicyDraft(name, regime, rate_percent, grace_days,
                                                  fixed_compensation, loyalty_waiver))
    return _save_named(CreditPolicy, policy_id, asdict(draft), what="credit policy",
                       taken="A late-payment policy",
                       gone="That late-payment policy no longer exists.")


def set_loyalty_waiver(policy_id: int, waiver: LoyaltyWaiver) -> None:
    """Choose what the credit policy's loyalty incentive waives when a customer pays in
    full by an offer's date: the next stage's fee, the interest, or nothing (no loyalty
    offers are made). Audited."""
    waiver = _loyalty(waiver)
    with writing():
        require(Permission.CHANGE_POLICIES)
        policy = _existing(CreditPolicy, policy_id, "That late-payment policy no longer exists.")
        CreditPolicy.update(loyalty_waiver=waiver).where(CreditPolicy.id == policy.id).execute()
        record_change("edit credit policy", "credit_policy", policy.id,
                      before={"loyalty_waiver": policy.loyalty_waiver},
                      after={"loyalty_waiver": waiver})


def save_follow_up_policy(policy_id: int | None, *, name: str, description: str,
                          min_balance_minor: int) -> int:
    """Create a follow-up policy (``policy_id`` None, with no stages yet) or change its
    name, description and minimum balance; returns its id (audited)."""
    draft = check_follow_up_policy(FollowUpPolicyDraft(name, description, min_balance_minor))
    return _save_named(FollowUpPolicy, policy_id, asdict(draft), what="follow-up policy",
                       taken="A follow-up policy", gone="That follow-up policy no longer exists.")


def save_stage(stage_id: int | None, policy_id: int, *, name: str, offset_days: int,
               channel: str, template_id: int | None, tone: str, fee_minor: int,
               apply_interest: bool, apply_compensation: bool,
               min_days_since_contact: int) -> int:
    """Add a stage to a policy (``stage_id`` None) or change one; returns its id (audited).

    The policy's stages are numbered again in the order of their offsets, in
    the same transaction. Refuses a second stage on the same day of the same
    policy, a template for a phone call or of another channel than the stage's,
    charges on a stage that falls on or before the due date, and the checks of
    :func:`check_stage`.
    """
    draft = check_stage(StageDraft(name, offset_days, channel, template_id, tone, fee_minor,
                                   apply_interest, apply_compensation, min_days_since_contact))
    fields = asdict(draft)
    with writing():
        require(Permission.CHANGE_POLICIES)
        policy = _existing(FollowUpPolicy, policy_id, "That follow-up policy no longer exists.",
                           field="policy_id")
        _check_template(draft)
        if policy.use == PolicyUse.PLANS:
            _charges_nothing(draft)
        if stage_id is None:
            _refuse_same_day(policy.id, draft.offset_days, None)
            last = FollowUpStage.select(pw.fn.MAX(FollowUpStage.position)).where(
                FollowUpStage.policy == policy.id).scalar() or 0
            row = FollowUpStage.create(policy=policy.id, position=last + 1, **fields)
            _renumber(policy.id)
            record_change("add follow-up stage", "follow_up_stage", row.id,
                          after={"policy_id": policy.id, **fields})
            return int(row.id)
        row = _existing(FollowUpStage, stage_id, "That stage no longer exists.", field="stage")
        if row.policy_id != policy.id:
            raise LedgerError("stage", "That stage belongs to another policy.")
        _refuse_same_day(policy.id, draft.offset_days, row.id)
        before = {key: getattr(row, key) for key in fields}
        FollowUpStage.update(**fields).where(FollowUpStage.id == row.id).execute()
        _renumber(policy.id)
        record_change("edit follow-up stage", "follow_up_stage", row.id, before=before,
                      after=fields)
        return int(row.id)


def delete_stage(stage_id: int) -> None:
    """Take a stage out of its policy (audited); the others are numbered again.

    Refused once the stage has been reached for any invoice: the invoices'
    history names it.
    """
    with writing():
        require(Permission.CHANGE_POLICIES)
        row = _existing(FollowUpStage, stage_id, "That stage no longer exists.", field="stage")
        reached = StageExecution.select().where(StageExecution.stage == row.id).count()
        contacts = Interaction.select().where(Interaction.stage == row.id).count()
        if reached or contacts:
            count = reached or contacts
            what = f"{count} invoice{'' if count == 1 else 's'}" if reached \
                else f"{count} contact{'' if count == 1 else 's'}"
            raise LedgerError("stage", f"“{row.name}” has already been carried out for "
                                       f"{what}, so it stays: their history names it. Change "
                                       f"its day or channel instead.")
        before = {key: getattr(row, key) for key in asdict(_stage_draft(row))}
        FollowUpStage.delete().where(FollowUpStage.id == row.id).execute()
        _renumber(row.policy_id)
        record_change("delete follow-up stage", "follow_up_stage", row.id,
                      before={"policy_id": row.policy_id, **before})


def set_default_policies(followup_policy_id: int | None, credit_policy_id: int | None) -> None:
    """Choose the business's default follow-up policy and credit policy (audited).

    None clears a default: the follow-up engine then falls back to the policy
    called "Standard", and no credit policy is the default.
    """
    with writing():
        require(Permission.CHANGE_POLICIES)
        before = default_policies()
        if followup_policy_id is not None:
            chosen = _existing(FollowUpPolicy, followup_policy_id,
                               "That follow-up policy no longer exists.",
                               field="followup_policy_id")
            if chosen.use == PolicyUse.PLANS:
                raise LedgerError("followup_policy_id", f"“{chosen.name}” reminds customers of "
                                                        f"their payment plans' instalments; "
                                                        f"choose a policy for invoices.")
        if credit_policy_id is not None:
            _existing(CreditPolicy, credit_policy_id,
                      "That late-payment policy no longer exists.", field="credit_policy_id")
        for key, value in ((DEFAULT_POLICY_SETTING, followup_policy_id),
                           (DEFAULT_CREDIT_POLICY_SETTING, credit_policy_id)):
            if value is None:
                Setting.delete().where(Setting.key == key).execute()
            else:
                Setting.put(key, json.dumps(value))
        record_change("set default policies", "setting", None,
                      before={"followup_policy_id": before[0], "credit_policy_id": before[1]},
                      after={"followup_policy_id": followup_policy_id,
                             "credit_policy_id": credit_policy_id})


def update_reference_rate(series: str, effective_from: dt.date, *,
                          rate_percent: Decimal, source: str) -> None:
    """Correct the rate and source of the series' row from ``effective_from`` (audited).

    Charges already recorded keep the rate they were worked out with.
    """
    draft = check_reference_rate(ReferenceRateDraft(series, effective_from, rate_percent,
                                                    source))
    with writing():
        require(Permission.CHANGE_POLICIES)
        row = _rate_row(draft.series, effective_from)
        before = {"rate_percent": str(row.rate_percent), "source": row.source}
        after = {"rate_percent": str(draft.rate_percent), "source": draft.source}
        ReferenceRate.update(rate_percent=draft.rate_percent, source=draft.source).where(
            ReferenceRate.id == row.id).execute()
        record_change("edit reference rate", "reference_rate", row.id,
                      before={"series": row.series, "effective_from": effective_from,
                              **before}, after=after)


def delete_reference_rate(series: str, effective_from: dt.date) -> None:
    """Remove the series' row from ``effective_from``, e.g. one added by mistake (audited).

    Charges already recorded keep the rate they were worked out with.
    """
    with writing():
        require(Permission.CHANGE_POLICIES)
        row = _rate_row(series.strip().upper(), effective_from)
        ReferenceRate.delete().where(ReferenceRate.id == row.id).execute()
        record_change("delete reference rate", "reference_rate", row.id,
                      before={"series": row.series, "effective_from": effective_from,
                              "rate_percent": str(row.rate_percent), "source": row.source})


# --- the rules behind them -------------------------------------------------------------

def _name(name: str, prompt: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise LedgerError("name", prompt)
    if len(cleaned) > 80:
        raise LedgerError("name", "Keep the name to 80 characters at most.")
    return cleaned


def _days(value: int, field: str, lowest: int, highest: int, what: str) -> None:
    if not lowest <= value <= highest:
        raise LedgerError(field, f"{what} must be from {lowest} to {highest}.")


def _save_named(model: type[pw.Model], row_id: int | None, fields: dict[str, object], *,
                what: str, taken: str, gone: str) -> int:
    """Create a named row (``row_id`` None) or change one, refusing a name in use;
    audited as "add WHAT" or "edit WHAT"."""
    table = model._meta.table_name
    with writing():
        require(Permission.CHANGE_POLICIES)
        _refuse_taken_name(model, str(fields["name"]), row_id, taken)
        if row_id is None:
            row = model.create(**fields)
            record_change(f"add {what}", table, row.id, after=fields)
            return int(row.id)
        row = _existing(model, row_id, gone)
        before = {key: getattr(row, key) for key in fields}
        model.update(**fields).where(model.id == row.id).execute()
        record_change(f"edit {what}", table, row.id, before=before, after=fields)
        return int(row.id)


def _existing(model: type[pw.Model], row_id: int, message: str, *,
              field: str = "name") -> pw.Model:
    row = model.get_or_none(model.id == row_id)
    if row is None:
        raise LedgerError(field, message)
    return row


def _refuse_taken_name(model: type[pw.Model], name: str, row_id: int | None,
                       what: str) -> None:
    clash = model.select().where(pw.fn.LOWER(model.name) == name.lower())
    if row_id is not None:
        clash = clash.where(model.id != row_id)
    if clash.exists():
        raise LedgerError("name", f"{what} called “{name}” already exists; choose another "
                                  f"name.")


def _check_template(draft: StageDraft) -> None:
    if draft.template_id is None:
        return
    template = LetterTemplate.get_or_none(LetterTemplate.id == draft.template_id)
    if template is None:
        raise LedgerError("template_id", "That template no longer exists.")
    if template.channel != draft.channel:
        kind = "an e-mail" if template.channel == Channel.EMAIL else "a letter"
        raise LedgerError("template_id", f"“{template.name}” is {kind} template; choose one "
                                         f"for the stage's channel.")


def _charges_nothing(draft: StageDraft) -> None:
    """A payment plan's reminder charges nothing: the plan fixed what is paid (and may
    freeze interest and fees, ``models.plan_freeze``)."""
    for field, charged in (("fee_minor", draft.fee_minor > 0),
                           ("apply_interest", draft.apply_interest),
                           ("apply_compensation", draft.apply_compensation)):
        if charged:
            raise LedgerError(field, "A reminder of a payment plan's instalment charges "
                                     "nothing: the plan sets what is paid.")


def _refuse_same_day(policy_id: int, offset_days: int, stage_id: int | None) -> None:
    clash = FollowUpStage.select(FollowUpStage.name).where(
        (FollowUpStage.policy == policy_id) & (FollowUpStage.offset_days == offset_days))
    if stage_id is not None:
        clash = clash.where(FollowUpStage.id != stage_id)
    other = clash.first()
    if other is not None:
        raise LedgerError("offset_days", f"“{other.name}” already falls "
                                         f"{offset_words(offset_days)}; two stages of "
                                         f"a policy cannot fall on the same day.")


def _renumber(policy_id: int) -> None:
    """Number the policy's stages 1, 2, 3… in the order of their offsets."""
    ordered = [stage_id for (stage_id,) in
               FollowUpStage.select(FollowUpStage.id)
               .where(FollowUpStage.policy == policy_id)
               .order_by(FollowUpStage.offset_days, FollowUpStage.id).tuples()]
    now = dict(FollowUpStage.select(FollowUpStage.id, FollowUpStage.position)
               .where(FollowUpStage.policy == policy_id).tuples())
    # Only the stages whose position changes are written: the invoices they were done
    # on take their new positions (models.stages_done), 0.2 s a stage on a big book.
    moved = [(position, stage_id) for position, stage_id in enumerate(ordered, 1)
             if now[stage_id] != position]
    if not moved:
        return
    # SQLite checks the unique (policy, position) index row by row, so the
    # positions first move out of the way (each stage's negative id is unique).
    FollowUpStage.update(position=FollowUpStage.id * -1).where(
        FollowUpStage.id.in_([stage_id for _, stage_id in moved])).execute()
    for position, stage_id in moved:
        FollowUpStage.update(position=position).where(FollowUpStage.id == stage_id).execute()


def _stage_draft(row: FollowUpStage) -> StageDraft:
    return StageDraft(row.name, row.offset_days, row.channel, row.template_id, row.tone,
                      row.fee_minor, bool(row.apply_interest), bool(row.apply_compensation),
                      row.min_days_since_contact)


def _rate_row(series: str, effective_from: dt.date) -> ReferenceRate:
    row = ReferenceRate.get_or_none((ReferenceRate.series == series)
                                    & (ReferenceRate.effective_from == effective_from))
    if row is None:
        raise LedgerError("effective_from", f"{series_name(series)} has no rate from "
                                            f"{short_date(effective_from)}.")
    return row
