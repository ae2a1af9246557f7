"""Late-payment interest and fixed compensation on an invoice, worked out to the day.

The interest is simple: each day the unpaid principal earns its annual rate
divided by 365, whatever the length of the year. A part payment ends one
period and starts the next with the smaller principal: the money counts from
the day after it was applied, so the day of payment still accrues on the old
principal. Each period's amount is exact; the total is rounded half-up to the
minor unit once, at the end.

The regimes, from the customer's credit policy:

- ``none`` (or no policy): nothing accrues.
- ``contractual_annual`` / ``contractual_monthly``: the policy's rate a year,
  or a month (a monthly rate times 12 a year, then /365 a day), from the day
  after the due date plus the policy's grace days.
- ``uk_statutory``: Late Payment of Commercial Debts (Interest) Act 1998 and
  the Late Payment of Commercial Debts (Rate of Interest) (No. 3) Order 2002:
  8% over the Bank of England base rate in force on 30 June (debts falling due
  1 July-31 December) or 31 December (due 1 January-30 June), fixed for the
  life of the debt; fixed compensation of GBP 40, 70 or 100 by the size of the
  debt (s. 5A).
- ``eu_statutory``: Directive 2011/7/EU, arts. 2(6), 2(12) and 6: the
  reference rate on 1 January for January-June and on 1 July for
  July-December, plus 8 percentage points, so the rate changes while interest
  runs; fixed compensation of at least EUR 40.
- ``de_statutory`` and ``fr_statutory``: member states whose law goes beyond the
  Directive's minimum for business debts, each in :data:`NATIONAL_LAWS` with its
  source: the rate of each half-year over its reference, and EUR 40.

Functions without an ``invoice`` in their name are pure; :func:`invoice_interest`
reads the store.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import peewee as pw

from models.dates import short_date, stored_day
from models.errors import LedgerError
from models.kinds import ChargeKind, InvoiceStatus, Regime
from models.language import N_
from models.money import exponent, format_money, from_minor, round_to_minor
from models.plan_freeze import frozen_spans
from models.reference_rates import (
    BOE_BASE,
    DE_BASE,
    ECB_MRO,
    MissingRate,
    rate_in_force,
    series_name,
)
from models.schema import Allocation, Charge, CreditPolicy, Customer, Invoice, Setting
from models.steady import steady_answer

STATUTORY_MARGIN = Decimal(8)  # percentage points over the reference rate, both regimes
DAYS_IN_YEAR = 365
EU_COMPENSATION_MINOR = 40_00  # EUR, the Directive's minimum (art. 6(1))
# (debt below, compensation) in GBP minor units; GBP 100 from GBP 10,000 up (s. 5A(2)).
UK_COMPENSATION_TIERS: tuple[tuple[int, int], ...] = ((1_000_00, 40_00), (10_000_00, 70_00))
UK_COMPENSATION_TOP_MINOR = 100_00
CONTRACTUAL = ("contractual_annual", "contractual_monthly")


@dataclass(frozen=True)
class NationalLaw:
    """A member state's statutory interest on late business payments where its law goes
    beyond Directive 2011/7/EU's minimum: the points over a reference rate taken on
    the first day of each half-year, and the fixed compensation per invoice in EUR."""

    series: str
    margin: Decimal
    compensation_minor: int
    law: str  # as the interest's explanation names it


NATIONAL_LAWS: dict[str, NationalLaw] = {
    # Germany: BGB § 288(2), nine points over the base rate of § 247 for a debt where no
    # consumer is party; § 288(5), a lump sum of EUR 40. The base rate changes on
    # 1 January and 1 July (§ 247(1)).
    "de_statutory": NationalLaw(DE_BASE, Decimal(9), 40_00, "BGB § 288(2)"),
    # France: Code de commerce art. L441-10 II, the ECB's rate for its most recent main
    # refinancing operation plus ten points, the rate in force on 1 January for the
    # first half-year and on 1 July for the second; art. D441-5, a lump sum of EUR 40
    # for recovery costs.
    "fr_statutory": NationalLaw(ECB_MRO, Decimal(10), 40_00,
                                "Code de commerce art. L441-10"),
}
STATUTORY = ("uk_statutory", "eu_statutory", *NATIONAL_LAWS)
_MONTHS_IN_YEAR = 12


@dataclass(frozen=True)
class InterestPeriod:
    """Days on which the same principal earned the same rate.

    ``rate_percent`` is a year, on actual days / 365; ``amount`` is exact, in
    major units of the invoice's currency (not rounded).
    """

    start: dt.date
    end: dt.date
    days: int
    principal_minor: int
    rate_percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InterestCalculation:
    """An invoice's late-payment interest and compensation as of a day, in words too.

    ``interest_minor`` is the periods' total rounded once; ``compensation_minor``
    the fixed compensation due (0 when none is); ``already_charged_minor`` what
    interest and compensation charges already recorded on the invoice add up to.
    ``description`` is the whole calculation in words; ``basis`` and
    ``compensation_basis`` are its rule and its compensation sentence alone.
    """

    invoice_id: int
    number: str
    currency: str
    regime: str
    periods: tuple[InterestPeriod, ...]
    interest_minor: int
    compensation_minor: int
    already_charged_minor: int
    description: str
    basis: str = ""
    compensation_basis: str = ""
    missing_rate: str = ""  # which rate to add, when the interest could not be worked out

    @property
    def total_minor(self) -> int:
        """Interest and compensation together."""
        return self.interest_minor + self.compensation_minor


# --- the arithmetic (pure) ---------------------------------------------------------

def period_interest(principal_minor: int, currency: str, rate_percent: Decimal,
                    days: int) -> Decimal:
    """Simple interest on a principal for a number of days at a yearly rate, actual/365,
    exact (not rounded), in major units."""
    return (from_minor(principal_minor, currency) * rate_percent * days
            / (100 * DAYS_IN_YEAR))


def annual_rate(regime: str, policy_rate: Decimal) -> Decimal:
    """The yearly rate a contractual policy's rate comes to (a monthly rate times 12)."""
    return policy_rate * _MONTHS_IN_YEAR if regime == "contractual_monthly" else policy_rate


def interest_periods(start: dt.date, end: dt.date, currency: str, principal_minor: int,
                     reductions: Sequence[tuple[dt.date, int]],
                     rates: Sequence[tuple[dt.date, Decimal]],
                     frozen: Sequence[tuple[dt.date, dt.date | None]] = ()
                     ) -> list[InterestPeriod]:
    """The periods from ``start`` to ``end`` (both included) with their interest.

    ``reductions`` are (day, amount) paid off the principal; each lowers it
    from the next day. ``rates`` are (first day, yearly rate) and must include
    one on or before ``start``. Days with nothing unpaid are left out, and so are
    the ``frozen`` spans ((first, last) days, last None: open-ended), when a payment
    plan stopped interest.
    """
    if start > end:
        return []
    if not any(day <= start for day, _ in rates):
        raise ValueError(f"no rate is given for {start}")
    breaks = {start}
    breaks.update(day + dt.timedelta(days=1) for day, _ in reductions if start <= day < end)
    breaks.update(day for day, _ in rates if start < day <= end)
    for first_frozen, last_frozen in frozen:
        breaks.update(day for day in (first_frozen, last_frozen and
                                      last_frozen + dt.timedelta(days=1))
                      if day is not None and start < day <= end)
    edges = sorted(breaks)
    periods = []
    for first, following in zip(edges, [*edges[1:], end + dt.timedelta(days=1)], strict=True):
        unpaid = principal_minor - sum(amount for day, amount in reductions if day < first)
        if unpaid <= 0 or _within_spans(first, frozen):
            continue
        rate = max((r for r in rates if r[0] <= first), key=lambda r: r[0])[1]
        days = (following - first).days
        periods.append(InterestPeriod(first, following - dt.timedelta(days=1), days, unpaid,
                                      rate, period_interest(unpaid, currency, rate, days)))
    return periods


def _within_spans(day: dt.date, spans: Sequence[tuple[dt.date, dt.date | None]]) -> bool:
    return any(first <= day and (last is None or day <= last) for first, last in spans)


def rounded_total(periods: Sequence[InterestPeriod], currency: str) -> int:
    """The periods' exact amounts added up, then rounded half-up to the minor unit once."""
    return round_to_minor(sum((p.amount for p in periods), Decimal(0)), currency)


def uk_reference_day(due_date: dt.date) -> dt.date:
    """The day whose base rate fixes UK statutory interest on a debt due on ``due_date``.

    The Late Payment of Commercial Debts (Rate of Interest) (No. 3) Order 2002
    (SI 2002/1675), art. 4: the reference rate is the base rate in force on 31 December
    for the six months from 1 January, and on 30 June for those from 1 July, taken
    for the half-year holding the day the debt starts carrying interest, the day after
    it was due. So a debt due 30 June takes the 30 June rate, and one due 31 December
    that day's rate, not the half-year's before."""
    late_from = due_date + dt.timedelta(days=1)
    if late_from.month >= 7:
        return dt.date(late_from.year, 6, 30)
    return dt.date(late_from.year - 1, 12, 31)


def half_year_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """1 January or 1 July of each half-year from the one holding ``start`` to ``end``."""
    first = dt.date(start.year, 1 if start.month < 7 else 7, 1)
    starts = []
    while first <= end:
        starts.append(first)
        first = dt.date(first.year, 7, 1) if first.month == 1 else dt.date(first.year + 1, 1, 1)
    return starts


def uk_compensation_minor(debt_minor: int) -> int:
    """The UK fixed compensation for a debt of ``debt_minor`` pence, in pence."""
    for below, compensation in UK_COMPENSATION_TIERS:
        if debt_minor < below:
            return compensation
    return UK_COMPENSATION_TOP_MINOR


def compensation_for(regime: str, currency: str, debt_minor: int) -> int:
    """The statutory fixed compensation per invoice in the invoice's currency.

    Raises :class:`LedgerError` when the amount is set in another currency than
    the invoice's: Duly keeps no exchange rates, so it does not convert.
    """
    wanted = {"uk_statutory": "GBP", "eu_statutory": "EUR",
              **{regime: "EUR" for regime in NATIONAL_LAWS}}.get(regime)
    if wanted is None:
        return 0
    if currency != wanted:
        law = "UK" if wanted == "GBP" else "EU"
        raise LedgerError("compensation", f"The {law} fixed compensation is set in {wanted} "
                                          f"and this invoice is in {currency}; Duly keeps no "
                                          f"exchange rates, so it does not convert it. Claim "
                                          f"it as a fee in {currency} instead.")
    if regime in NATIONAL_LAWS:
        return NATIONAL_LAWS[regime].compensation_minor
    return uk_compensation_minor(debt_minor) if wanted == "GBP" else EU_COMPENSATION_MINOR


def eu_reference_series(currency: str) -> str:
    """The reference-rate series of the EU regime: the ECB's for euro invoices, otherwise
    the one the user keeps for that currency's central bank (Directive art. 2(12)(b))."""
    return ECB_MRO if currency == "EUR" else f"{currency}_REF"


# --- an invoice in the store ----------------------------------------------------

def invoice_id_for(number: str) -> int:
    """The id of the invoice numbered ``number``; LedgerError if there is none."""
    wanted = number.strip()
    found = Invoice.get_or_none(Invoice.number == wanted)
    if found is None:
        raise LedgerError("invoice", f"No invoice has the number “{wanted}”.")
    return int(found.id)


def invoice_interest(invoice_id: int, as_of: dt.date, *,
                     from_day: dt.date | None = None,
                     without_missing_rate: bool = False) -> InterestCalculation:
    """The invoice's late-payment interest up to and including ``as_of``, and its fixed
    compensation, under its customer's credit policy.

    ``from_day`` counts interest only from that day on (the day after the last
    interest already charged). Raises :class:`LedgerError` for a void invoice or
    a contractual policy without a rate, and :class:`~models.reference_rates.MissingRate`
    when a reference rate it needs is not recorded; with ``without_missing_rate`` the
    interest is then left at nothing, ``missing_rate`` says which rate to add, and the
    fixed compensation (which needs no rate) is still worked out.
    """
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None:
        raise LedgerError("invoice", "That invoice no longer exists.")
    if invoice.status == InvoiceStatus.VOID:
        raise LedgerError("invoice", f"Invoice {invoice.number} is void; nothing runs on it.")
    policy = _policy(invoice)
    regime = _regime(policy)
    reductions = _reductions(invoice.id, as_of)
    first = _first_day(invoice.due_date, regime, policy)
    start = max(first, from_day) if from_day is not None else first
    basis: list[str] = [_no_policy_words(policy)] if regime == "none" else []
    periods: list[InterestPeriod] = []
    missing = ""
    if policy is not None and regime != "none" and start <= as_of:
        try:
            rates, explained = _rates(regime, policy, invoice, start, as_of)
        except MissingRate as refused:
            if not without_missing_rate:
                raise
            missing = refused.message
            basis.append(f"Interest not worked out: {missing}")
        else:
            basis.append(explained)
            frozen = frozen_spans(invoice.id)
            basis += _frozen_words(frozen, start, as_of)
            periods = interest_periods(start, as_of, invoice.currency, invoice.amount_minor,
                                       reductions, rates, frozen)
    compensation, compensation_words = _compensation(regime, policy, invoice, first,
                                                     reductions, as_of)
    interest_minor = rounded_total(periods, invoice.currency)
    words = [*basis, *_period_lines(periods, invoice.currency, start, as_of, regime),
             _total_words(interest_minor, invoice.currency), *compensation_words]
    return InterestCalculation(
        invoice_id=invoice.id, number=invoice.number, currency=invoice.currency,
        regime=regime, periods=tuple(periods), interest_minor=interest_minor,
        compensation_minor=compensation, already_charged_minor=_already_charged(invoice.id),
        description="\n".join(words), basis=" ".join(basis),
        compensation_basis=" ".join(compensation_words), missing_rate=missing)


def interest_to_charge(invoice_id: int, as_of: dt.date, *,
                       without_missing_rate: bool = False) -> InterestCalculation:
    """The invoice's interest up to ``as_of`` not yet charged: from the day after the
    last interest charge still standing (from the start when there is none)."""
    last = (Charge.select(pw.fn.MAX(Charge.period_to))
            .where((Charge.invoice == invoice_id) & (Charge.kind == ChargeKind.INTEREST)
                   & ~Charge.voided).scalar())
    from_day = stored_day(last) + dt.timedelta(days=1) if last is not None else None
    return invoice_interest(invoice_id, as_of, from_day=from_day,
                            without_missing_rate=without_missing_rate)


def _frozen_words(frozen: Sequence[tuple[dt.date, dt.date | None]], start: dt.date,
                  end: dt.date) -> list[str]:
    """A sentence for each span a payment plan froze the interest, within the days
    worked out."""
    words = []
    for first, last in frozen:
        if first > end or (last is not None and last < start):
            continue
        until = f" to {short_date(last)}" if last is not None else ""
        words.append(f"No interest from {short_date(first)}{until}: a payment plan was "
                     f"agreed with interest and fees stopped while it is kept.")
    return words


def accrued_interest(invoice_ids: Sequence[int], as_of: dt.date) -> tuple[int, tuple[str, ...]]:
    """Interest accrued on the invoices up to ``as_of`` and not yet charged, in minor
    units of their currency, and which rates are missing to work out the rest."""
    total = 0
    missing: dict[str, None] = {}
    for invoice_id in invoice_ids:
        calculation = interest_to_charge(invoice_id, as_of, without_missing_rate=True)
        total += calculation.interest_minor
        if calculation.missing_rate:
            missing[calculation.missing_rate] = None
    return total, tuple(missing)


@dataclass(frozen=True)
class RunningInterest:
    """Interest that keeps running on invoices until they are paid: by the day, at the
    rates in force on the last day worked out, and the laws or terms it runs under."""

    daily: Decimal  # in major units of the currency, exact
    currency: str
    laws: tuple[str, ...]


# What each regime's interest runs under, as a letter names it.
# The law or terms interest runs under, as a letter names them (translated there).
_LAWS = {
    "uk_statutory": N_("the Late Payment of Commercial Debts (Interest) Act 1998"),
    "eu_statutory": N_("Directive 2011/7/EU on combating late payment"),
    "de_statutory": N_("§ 288 of the German Civil Code (BGB)"),
    "fr_statutory": N_("article L441-10 of the French Commercial Code"),
    "contractual_monthly": N_("our terms of payment"),
    "contractual_annual": N_("our terms of payment"),
}


def running_interest(invoice_ids: Sequence[int], as_of: dt.date) -> RunningInterest | None:
    """What interest adds each day from ``as_of`` on the invoices still carrying it (the
    last day's principal at the last day's rate, on actual days / 365); None when none
    does. An invoice whose interest cannot be worked out (a rate missing) is left out."""
    daily = Decimal(0)
    laws: dict[str, None] = {}
    currency = ""
    for invoice_id in invoice_ids:
        try:
            calculation = invoice_interest(invoice_id, as_of)
        except LedgerError:
            continue
        last = calculation.periods[-1] if calculation.periods else None
        if last is None or last.end != as_of or calculation.regime not in _LAWS:
            continue
        daily += from_minor(last.principal_minor, calculation.currency) \
            * last.rate_percent / 100 / DAYS_IN_YEAR
        laws[_LAWS[calculation.regime]] = None
        currency = calculation.currency
    return RunningInterest(daily, currency, tuple(laws)) if daily > 0 else None


def invoice_compensation(invoice_id: int, as_of: dt.date) -> tuple[int, str]:
    """The fixed compensation due on the invoice by ``as_of`` and the sentence that explains
    it ((0, "") when none is); needs no reference rate. Raises :class:`LedgerError` when
    the compensation is set in another currency than the invoice's."""
    invoice = Invoice.get_by_id(invoice_id)
    policy = _policy(invoice)
    regime = _regime(policy)
    amount, words = _compensation(regime, policy, invoice,
                                  _first_day(invoice.due_date, regime, policy),
                                  _reductions(invoice.id, as_of), as_of, strict=True)
    return amount, " ".join(words)


DEFAULT_CREDIT_POLICY_SETTING = "default_credit_policy"


def default_credit_policy_id() -> int | None:
    """The business's credit policy for customers without their own (None: no charges)."""
    setting = Setting.get_or_none(Setting.key == DEFAULT_CREDIT_POLICY_SETTING)
    if setting is None:
        return None
    policy_id = json.loads(setting.value)
    if policy_id is None or CreditPolicy.get_or_none(CreditPolicy.id == policy_id) is None:
        return None
    return int(policy_id)


def _policy(invoice: Invoice) -> CreditPolicy | None:
    """The customer's own credit policy, else the business's default."""
    return _customer_policy(invoice.customer_id)


@steady_answer
def _customer_policy(customer_id: int) -> CreditPolicy | None:
    own = (CreditPolicy.select()
           .join(Customer, on=(Customer.credit_policy == CreditPolicy.id))
           .where(Customer.id == customer_id).first())
    if own is not None:
        return own
    default = default_credit_policy_id()
    return CreditPolicy.get_or_none(CreditPolicy.id == default) if default else None


def _regime(policy: CreditPolicy | None) -> str:
    if policy is None:
        return "none"
    if policy.regime not in tuple(Regime):
        raise LedgerError("regime", f"The credit policy “{policy.name}” has a regime Duly "
                                    f"does not know: {policy.regime}.")
    return str(policy.regime)


def _first_day(due_date: dt.date, regime: str, policy: CreditPolicy | None) -> dt.date:
    grace = policy.grace_days if policy is not None and regime in CONTRACTUAL else 0
    return due_date + dt.timedelta(days=1 + max(grace, 0))


def _reductions(invoice_id: int, as_of: dt.date) -> list[tuple[dt.date, int]]:
    query = (Allocation.select(Allocation.allocated_on, Allocation.amount_minor)
             .where((Allocation.invoice == invoice_id) & ~Allocation.voided
                    & (Allocation.allocated_on <= as_of))
             .order_by(Allocation.allocated_on))
    return [(day, amount) for day, amount in query.tuples()]


def _already_charged(invoice_id: int) -> int:
    return int(Charge.select(pw.fn.COALESCE(pw.fn.SUM(Charge.amount_minor), 0))
               .where((Charge.invoice == invoice_id) & ~Charge.voided
                      & Charge.kind.in_((ChargeKind.INTEREST, ChargeKind.COMPENSATION))).scalar())


def _rates(regime: str, policy: CreditPolicy, invoice: Invoice, start: dt.date,
           end: dt.date) -> tuple[list[tuple[dt.date, Decimal]], str]:
    """The yearly rates from ``start`` to ``end``, and the words that explain them."""
    if regime in CONTRACTUAL:
        if policy.rate_percent is None:
            raise LedgerError("rate_percent", f"The credit policy “{policy.name}” has no "
                                              f"interest rate; set one in Settings.")
        rate = annual_rate(regime, Decimal(policy.rate_percent))
        return [(start, rate)], _contractual_words(regime, policy, invoice.due_date, rate)
    if regime == "uk_statutory":
        day = uk_reference_day(invoice.due_date)
        base = rate_in_force(BOE_BASE, day)
        words = (
            f"Statutory interest under the Late Payment of Commercial Debts (Interest) Act "
            f"1998: the Bank of England base rate in force on {short_date(day)} "
            f"({_pct(base.rate_percent)}%) plus 8 points = "
            f"{_pct(base.rate_percent + STATUTORY_MARGIN)}% a year, fixed for the life of "
            f"the debt, simple, on actual days / 365, from the day after the due date "
            f"({short_date(invoice.due_date)}).")
        return [(start, base.rate_percent + STATUTORY_MARGIN)], words
    national = NATIONAL_LAWS.get(regime)
    series = national.series if national else eu_reference_series(invoice.currency)
    margin = national.margin if national else STATUTORY_MARGIN
    law = national.law if national else "Directive 2011/7/EU"
    starts = half_year_starts(start, end)
    references = [rate_in_force(series, first) for first in starts]
    used = "; ".join(f"{_pct(r.rate_percent)}% on {short_date(day)}"
                     for day, r in zip(starts, references, strict=True))
    words = (
        f"Statutory interest under {law}: the {series_name(series)} on the first day of "
        f"each half-year (1 January, 1 July) plus {_pct(margin)} points ({used}), simple, "
        f"on actual days / 365, from the day after the due date ({short_date(invoice.due_date)}).")
    return [(day, r.rate_percent + margin)
            for day, r in zip(starts, references, strict=True)], words


def _compensation(regime: str, policy: CreditPolicy | None, invoice: Invoice, first: dt.date,
                  reductions: Sequence[tuple[dt.date, int]], as_of: dt.date, *,
                  strict: bool = False) -> tuple[int, list[str]]:
    """The fixed compensation due on a late invoice, and its words; ``strict`` raises
    rather than explains when it is set in another currency."""
    if regime not in STATUTORY or policy is None or not policy.fixed_compensation:
        return 0, []
    paid_in_time = sum(amount for day, amount in reductions if day < first)
    if as_of < first or paid_in_time >= invoice.amount_minor:
        return 0, []
    # The debt is what was still unpaid when it became late (Late Payment of
    # Commercial Debts (Interest) Act 1998, s.5A: the sum is set by "the size of the
    # qualifying debt", which carries interest only from the day after it was due).
    debt = invoice.amount_minor - paid_in_time
    try:
        amount = compensation_for(regime, invoice.currency, debt)
    except LedgerError as refused:
        if strict:
            raise
        return 0, [f"Fixed compensation: none worked out. {refused.message}"]
    basis = ("the UK fixed sum for a debt of " + _uk_band(debt)
             if regime == "uk_statutory" else
             f"the fixed sum per invoice under {NATIONAL_LAWS[regime].law}"
             if regime in NATIONAL_LAWS else "the EU minimum fixed sum per invoice")
    return amount, [f"Fixed compensation: {format_money(amount, invoice.currency)}, {basis}."]


def _uk_band(debt_minor: int) -> str:
    if debt_minor < UK_COMPENSATION_TIERS[0][0]:
        return "under GBP 1,000"
    if debt_minor < UK_COMPENSATION_TIERS[1][0]:
        return "GBP 1,000 to under GBP 10,000"
    return "GBP 10,000 or more"


def _contractual_words(regime: str, policy: CreditPolicy, due: dt.date, rate: Decimal) -> str:
    stated = Decimal(policy.rate_percent)
    if regime == "contractual_monthly":
        how = f"{_pct(stated)}% a month, that is {_pct(rate)}% a year (12 months)"
    else:
        how = f"{_pct(rate)}% a year"
    grace = (f" and {policy.grace_days} days' grace" if policy.grace_days > 0 else "")
    return (f"Contractual interest at {how}, simple, on actual days / 365, from the day "
            f"after the due date ({short_date(due)}){grace}.")


def _no_policy_words(policy: CreditPolicy | None) -> str:
    if policy is None:
        return "No late-payment interest: the customer has no credit policy."
    return f"No late-payment interest: the customer's credit policy “{policy.name}” charges none."


def _period_lines(periods: Sequence[InterestPeriod], currency: str, start: dt.date,
                  as_of: dt.date, regime: str) -> list[str]:
    if regime == "none":
        return []
    if not periods:
        if as_of < start:
            return [f"Nothing has accrued by {short_date(as_of)}: interest runs from "
                    f"{short_date(start)}."]
        return [f"Nothing has accrued from {short_date(start)} to {short_date(as_of)}: "
                f"nothing was unpaid."]
    return [period_words(p, currency) for p in periods]


def period_words(period: InterestPeriod, currency: str) -> str:
    """One period's calculation in a line: dates, days, principal, rate and exact amount."""
    return (f"{short_date(period.start)} to {short_date(period.end)}: {period.days} days on "
            f"{format_money(period.principal_minor, currency)} at "
            f"{_pct(period.rate_percent)}% a year = {exact_amount(period.amount, currency)} "
            f"{currency}")


def interest_words(calculation: InterestCalculation) -> str:
    """The interest part of a calculation in words: its rule, each period and the total."""
    return "\n".join([calculation.basis,
                      *(period_words(p, calculation.currency) for p in calculation.periods),
                      _total_words(calculation.interest_minor, calculation.currency)])


def _total_words(interest_minor: int, currency: str) -> str:
    return (f"Interest: {format_money(interest_minor, currency)} (the exact total, rounded "
            f"half-up once to the minor unit).")


def exact_amount(amount: Decimal, currency: str) -> str:
    """An unrounded period amount shown to two places beyond the currency's minor unit."""
    return f"{exact_value(amount, currency):,f}"


def exact_value(amount: Decimal, currency: str) -> Decimal:
    """An unrounded period amount to two places beyond the currency's minor unit."""
    places = exponent(currency) + 2
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _pct(rate: Decimal) -> str:
    return f"{rate.normalize():f}"
