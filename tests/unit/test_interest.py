"""Late-payment interest and compensation, worked out to the day, and the reference rates."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import db
from models.errors import LedgerError
from models.interest import (
    InterestPeriod,
    compensation_for,
    half_year_starts,
    interest_periods,
    invoice_id_for,
    invoice_interest,
    period_interest,
    rounded_total,
    uk_compensation_minor,
    uk_reference_day,
)
from models.ledger import record_payment, void_invoice
from models.money import from_minor
from models.reference_rates import (
    BOE_BASE,
    ECB_MRO,
    SHIPPED_RATES,
    MissingRate,
    add_reference_rate,
    rate_in_force,
    reference_rates,
    seed_reference_rates,
)
from models.schema import AuditEntry, CreditPolicy, ReferenceRate
from tests.unit.interest_helpers import customer_on, invoice_due, policy

D = dt.date
LATE_TODAY = D(2026, 11, 24)


def exact(pounds: str, rate: str, days: int) -> Decimal:
    return Decimal(pounds) * Decimal(rate) * days / Decimal(36500)


# --- contractual ------------------------------------------------------------------------

def test_contractual_annual_interest_runs_from_the_day_after_due(empty_store: db.Store) -> None:
    who = customer_on(policy("contractual_annual", "8"))
    invoice = invoice_due(who, D(2026, 1, 31), 1_000_00, "A-1")
    calculation = invoice_interest(invoice, D(2026, 3, 2))
    (period,) = calculation.periods
    assert (period.start, period.end, period.days) == (D(2026, 2, 1), D(2026, 3, 2), 30)
    assert period.rate_percent == Decimal(8) and period.principal_minor == 1_000_00
    assert period.amount == exact("1000", "8", 30)  # 6.5753...
    assert calculation.interest_minor == 6_58 and calculation.compensation_minor == 0
    assert "8% a year" in calculation.description
    assert "30 days on 1,000.00 GBP at 8% a year = 6.5753 GBP" in calculation.description


def test_contractual_monthly_rate_is_twelve_times_a_year_after_the_grace_days(
        empty_store: db.Store) -> None:
    who = customer_on(policy("contractual_monthly", "1.5", grace=7))
    invoice = invoice_due(who, D(2026, 1, 31), 1_000_00, "M-1")
    within_grace = invoice_interest(invoice, D(2026, 2, 7))
    assert within_grace.periods == () and within_grace.interest_minor == 0
    assert "interest runs from 8 Feb 2026" in within_grace.description
    calculation = invoice_interest(invoice, D(2026, 3, 9))
    (period,) = calculation.periods
    assert (period.start, period.days, period.rate_percent) == (D(2026, 2, 8), 30, Decimal(18))
    assert calculation.interest_minor == 14_79  # 1000 x 18% x 30 / 365 = 14.7945
    assert "1.5% a month, that is 18% a year" in calculation.description
    assert "7 days' grace" in calculation.description


def test_a_contractual_policy_without_a_rate_is_named(empty_store: db.Store) -> None:
    who = customer_on(CreditPolicy.create(name="Forgot the rate", regime="contractual_annual").id)
    invoice = invoice_due(who, D(2026, 1, 31), 100_00, "R-1")
    with pytest.raises(LedgerError) as refused:
        invoice_interest(invoice, D(2026, 3, 1))
    assert refused.value.field == "rate_percent" and "Forgot the rate" in refused.value.message


def test_no_policy_and_the_none_regime_charge_nothing(empty_store: db.Store) -> None:
    bare = invoice_due(customer_on(None), D(2025, 1, 31), 5_000_00, "N-1")
    calculation = invoice_interest(bare, LATE_TODAY)
    assert (calculation.regime, calculation.periods, calculation.total_minor) == ("none", (), 0)
    assert "has no credit policy" in calculation.description
    none = invoice_due(customer_on(policy("none"), name="Other"), D(2025, 1, 31), 5_000_00, "N-2")
    assert invoice_interest(none, LATE_TODAY).total_minor == 0


# --- part payments ------------------------------------------------------------------------

def test_a_part_payment_starts_a_new_period_with_the_smaller_principal(
        empty_store: db.Store) -> None:
    who = customer_on(policy("contractual_annual", "10"))
    invoice = invoice_due(who, D(2026, 1, 31), 1_200_00, "P-1")
    record_payment(who, received_on=D(2026, 2, 10), amount_minor=200_00,
                   allocate_to=[(invoice, 200_00)], today=LATE_TODAY)
    calculation = invoice_interest(invoice, D(2026, 2, 20))
    first, second = calculation.periods
    # The day of payment still accrues on the old principal.
    assert (first.start, first.end, first.days, first.principal_minor) == (
        D(2026, 2, 1), D(2026, 2, 10), 10, 1_200_00)
    assert (second.start, second.end, second.days, second.principal_minor) == (
        D(2026, 2, 11), D(2026, 2, 20), 10, 1_000_00)
    total = exact("1200", "10", 10) + exact("1000", "10", 10)  # 3.2876... + 2.7397...
    assert calculation.interest_minor == 6_03 and abs(from_minor(6_03, "GBP") - total) < 0.005


def test_a_payment_after_the_as_of_day_does_not_count(empty_store: db.Store) -> None:
    who = customer_on(policy("contractual_annual", "10"))
    invoice = invoice_due(who, D(2026, 1, 31), 1_000_00, "P-2")
    record_payment(who, received_on=D(2026, 3, 1), amount_minor=1_000_00, today=LATE_TODAY)
    before = invoice_interest(invoice, D(2026, 2, 20))
    assert [p.principal_minor for p in before.periods] == [1_000_00]
    after = invoice_interest(invoice, LATE_TODAY)
    assert after.periods[-1].end == D(2026, 3, 1)  # nothing runs once it is paid


def test_an_invoice_paid_in_full_by_its_due_date_costs_nothing(empty_store: db.Store) -> None:
    who = customer_on(policy("uk_statutory", compensation=True))
    seed_reference_rates()
    invoice = invoice_due(who, D(2025, 3, 31), 2_000_00, "P-3")
    record_payment(who, received_on=D(2025, 3, 31), amount_minor=2_000_00, today=LATE_TODAY)
    calculation = invoice_interest(invoice, D(2025, 12, 31))
    assert calculation.periods == () and calculation.total_minor == 0


def test_a_void_invoice_and_an_unknown_number_are_refused(empty_store: db.Store) -> None:
    who = customer_on(policy("contractual_annual", "8"))
    invoice = invoice_due(who, D(2026, 1, 31), 100_00, "V-1")
    assert invoice_id_for(" V-1 ") == invoice
    void_invoice(invoice, "Issued twice")
    with pytest.raises(LedgerError, match="void"):
        invoice_interest(invoice, LATE_TODAY)
    with pytest.raises(LedgerError, match="No invoice has the number “V-9”"):
        invoice_id_for("V-9")


# --- UK statutory -------------------------------------------------------------------------

@pytest.mark.parametrize(("due", "reference_day", "base"), [
    (D(2025, 3, 15), D(2024, 12, 31), "4.75"),  # due January-June: 31 December before
    (D(2025, 9, 15), D(2025, 6, 30), "4.25"),   # due July-December: 30 June
    (D(2025, 7, 1), D(2025, 6, 30), "4.25"),
    # The boundaries: late from 1 July takes 30 June; late from 1 January, 31 December.
    (D(2025, 6, 29), D(2024, 12, 31), "4.75"),  # late from 30 June: still January-June
    (D(2025, 6, 30), D(2025, 6, 30), "4.25"),
    (D(2025, 12, 30), D(2025, 6, 30), "4.25"),
    (D(2025, 12, 31), D(2025, 12, 31), "3.75"),
])
def test_uk_statutory_rate_is_eight_over_base_on_the_reference_day_for_the_due_date(
        empty_store: db.Store, due: dt.date, reference_day: dt.date, base: str) -> None:
    seed_reference_rates()
    assert uk_reference_day(due) == reference_day
    who = customer_on(policy("uk_statutory"))
    invoice = invoice_due(who, due, 5_000_00, "UK-1")
    calculation = invoice_interest(invoice, due + dt.timedelta(days=73))
    (period,) = calculation.periods
    assert period.rate_percent == Decimal(base) + 8 and period.days == 73
    assert period.amount == exact("5000", str(Decimal(base) + 8), 73)
    assert f"in force on {reference_day.day} {reference_day:%b %Y} ({base}%)" in (
        calculation.description)


def test_uk_statutory_rate_stays_fixed_while_the_base_rate_moves(empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("uk_statutory"))
    # Due in March 2025: 4.75% on 31 Dec 2024 holds though Bank Rate fell in May and August.
    invoice = invoice_due(who, D(2025, 3, 15), 10_000_00, "UK-2")
    calculation = invoice_interest(invoice, D(2025, 12, 15))
    (period,) = calculation.periods
    assert (period.start, period.end, period.rate_percent) == (
        D(2025, 3, 16), D(2025, 12, 15), Decimal("12.75"))
    assert period.days == 275
    assert calculation.interest_minor == 960_62  # 10,000 x 12.75% x 275 / 365 = 960.6164


@pytest.mark.parametrize(("amount_minor", "compensation_minor"), [
    (1, 40_00), (999_99, 40_00), (1_000_00, 70_00), (9_999_99, 70_00), (10_000_00, 100_00),
    (10**12, 100_00),
])
def test_uk_fixed_compensation_by_the_size_of_the_debt(amount_minor: int,
                                                        compensation_minor: int) -> None:
    assert uk_compensation_minor(amount_minor) == compensation_minor
    assert compensation_for("uk_statutory", "GBP", amount_minor) == compensation_minor


@pytest.mark.parametrize(("amount_minor", "compensation_minor", "band"), [
    (999_99, 40_00, "under GBP 1,000"), (1_000_00, 70_00, "GBP 1,000 to under GBP 10,000"),
    (9_999_99, 70_00, "GBP 1,000 to under"), (10_000_00, 100_00, "GBP 10,000 or more"),
])
def test_a_late_uk_invoice_carries_its_fixed_compensation(
        empty_store: db.Store, amount_minor: int, compensation_minor: int, band: str) -> None:
    seed_reference_rates()
    who = customer_on(policy("uk_statutory", compensation=True))
    invoice = invoice_due(who, D(2025, 9, 30), amount_minor, "UK-C")
    on_time = invoice_interest(invoice, D(2025, 9, 30))
    assert on_time.compensation_minor == 0
    late = invoice_interest(invoice, D(2025, 10, 1))
    assert late.compensation_minor == compensation_minor
    assert band in late.compensation_basis and late.compensation_basis in late.description


def test_uk_compensation_is_banded_on_what_was_unpaid_when_the_debt_became_late(
        empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("uk_statutory", compensation=True))
    invoice = invoice_due(who, D(2025, 9, 30), 12_000_00, "UK-P")
    # 3,000.00 paid on the due date: 9,000.00 became late, in the 1,000-10,000 band.
    record_payment(who, received_on=D(2025, 9, 30), amount_minor=3_000_00,
                   today=LATE_TODAY)
    late = invoice_interest(invoice, D(2025, 11, 1))
    assert late.compensation_minor == 70_00
    assert "GBP 1,000 to under GBP 10,000" in late.compensation_basis
    # Paid late instead, the whole 12,000.00 became late: the top band.
    other = invoice_due(who, D(2025, 9, 30), 12_000_00, "UK-Q")
    record_payment(who, received_on=D(2025, 10, 2), amount_minor=3_000_00,
                   allocate_to=[(other, 3_000_00)], today=LATE_TODAY)
    assert invoice_interest(other, D(2025, 11, 1)).compensation_minor == 100_00


def test_compensation_is_only_claimed_when_the_policy_says_so(empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("uk_statutory", compensation=False))
    invoice = invoice_due(who, D(2025, 9, 30), 5_000_00, "UK-N")
    assert invoice_interest(invoice, D(2025, 12, 1)).compensation_minor == 0


def test_compensation_set_in_another_currency_is_not_converted(empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("uk_statutory", compensation=True), currency="USD")
    invoice = invoice_due(who, D(2025, 9, 30), 5_000_00, "UK-USD")
    calculation = invoice_interest(invoice, D(2025, 12, 1))
    assert calculation.compensation_minor == 0 and calculation.interest_minor > 0
    assert "set in GBP and this invoice is in USD" in calculation.description
    with pytest.raises(LedgerError) as refused:
        compensation_for("eu_statutory", "SEK", 5_000_00)
    assert refused.value.field == "compensation" and "EUR" in refused.value.message


def test_a_missing_uk_rate_is_named_with_its_day(empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("uk_statutory"))
    invoice = invoice_due(who, D(2026, 8, 15), 1_000_00, "UK-M")
    assert invoice_interest(invoice, D(2026, 8, 15)).periods == ()  # not late: no rate needed
    with pytest.raises(MissingRate) as missing:
        invoice_interest(invoice, LATE_TODAY)
    assert missing.value.field == "reference_rate" and missing.value.series == BOE_BASE
    assert missing.value.day == D(2026, 6, 30)
    assert "No Bank of England base rate on 30 Jun 2026 is recorded" in missing.value.message
    assert "Settings → Reference rates" in missing.value.message
    add_reference_rate(BOE_BASE, D(2026, 6, 30), "3.5", "Bank of England, Bank Rate history")
    (period,) = invoice_interest(invoice, LATE_TODAY).periods
    assert period.rate_percent == Decimal("11.5")


# --- EU statutory -------------------------------------------------------------------------

def test_eu_statutory_rate_resets_at_the_half_year(empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("eu_statutory", compensation=True), currency="EUR")
    invoice = invoice_due(who, D(2024, 5, 31), 10_000_00, "EU-1")
    calculation = invoice_interest(invoice, D(2024, 8, 31))
    june, july_august = calculation.periods
    # 4.50% on 1 Jan 2024 for January-June; 4.25% (from 12 Jun 2024) on 1 Jul for July-December.
    assert (june.start, june.end, june.days, june.rate_percent) == (
        D(2024, 6, 1), D(2024, 6, 30), 30, Decimal("12.50"))
    assert (july_august.start, july_august.end, july_august.days, july_august.rate_percent) == (
        D(2024, 7, 1), D(2024, 8, 31), 62, Decimal("12.25"))
    exact_total = exact("10000", "12.5", 30) + exact("10000", "12.25", 62)  # 310.8219...
    assert calculation.interest_minor == 310_82
    assert abs(from_minor(310_82, "EUR") - exact_total) < Decimal("0.005")
    assert calculation.compensation_minor == 40_00 and calculation.total_minor == 350_82
    assert "Directive 2011/7/EU" in calculation.description
    assert "(4.5% on 1 Jan 2024; 4.25% on 1 Jul 2024)" in calculation.description


def test_eu_statutory_uses_the_rate_of_the_first_day_of_each_half_year(
        empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("eu_statutory"), currency="EUR")
    # 0.00% on 1 Jan and still on 1 Jul 2022: the rises from 27 Jul 2022 on wait for
    # the next half-year, which starts at 2.50% (from 21 Dec 2022).
    invoice = invoice_due(who, D(2022, 3, 31), 1_000_00, "EU-2")
    calculation = invoice_interest(invoice, D(2023, 1, 31))
    assert [(p.start, p.rate_percent) for p in calculation.periods] == [
        (D(2022, 4, 1), Decimal("8.00")), (D(2022, 7, 1), Decimal("8.00")),
        (D(2023, 1, 1), Decimal("10.50"))]
    assert [p.days for p in calculation.periods] == [91, 184, 31]


def test_german_business_debts_run_at_nine_points_over_the_base_rate_with_40_euros(
        empty_store: db.Store) -> None:
    # BGB § 288(2) and (5): base rate (§ 247) + 9 points, reset on 1 Jan and 1 Jul; EUR 40.
    seed_reference_rates()
    who = customer_on(policy("de_statutory", compensation=True), currency="EUR")
    invoice = invoice_due(who, D(2025, 3, 31), 10_000_00, "DE-1")
    calculation = invoice_interest(invoice, D(2025, 8, 31))
    spring, summer = calculation.periods
    # The base rate was 2.27% from 1 Jan 2025 and 1.27% from 1 Jul 2025.
    assert (spring.start, spring.days, spring.rate_percent) == (D(2025, 4, 1), 91,
                                                                 Decimal("11.27"))
    assert (summer.start, summer.days, summer.rate_percent) == (D(2025, 7, 1), 62,
                                                                 Decimal("10.27"))
    exact_total = exact("10000", "11.27", 91) + exact("10000", "10.27", 62)  # 455.4257...
    assert calculation.interest_minor == 455_43
    assert abs(from_minor(455_43, "EUR") - exact_total) < Decimal("0.005")
    assert calculation.compensation_minor == 40_00
    assert "BGB § 288(2)" in calculation.description and "plus 9 points" in calculation.description


def test_french_business_debts_run_at_ten_points_over_the_ecb_rate_with_40_euros(
        empty_store: db.Store) -> None:
    # Code de commerce L441-10 II: the ECB's rate in force on 1 Jan / 1 Jul + 10 points;
    # D441-5: EUR 40 for recovery costs.
    seed_reference_rates()
    who = customer_on(policy("fr_statutory", compensation=True), currency="EUR")
    invoice = invoice_due(who, D(2025, 3, 31), 10_000_00, "FR-1")
    calculation = invoice_interest(invoice, D(2025, 8, 31))
    # 3.15% on 1 Jan 2025 (from 18 Dec 2024), 2.15% on 1 Jul 2025 (from 11 Jun 2025).
    assert [(p.start, p.days, p.rate_percent) for p in calculation.periods] == [
        (D(2025, 4, 1), 91, Decimal("13.15")), (D(2025, 7, 1), 62, Decimal("12.15"))]
    exact_total = exact("10000", "13.15", 91) + exact("10000", "12.15", 62)  # 534.2301...
    assert calculation.interest_minor == 534_23
    assert abs(from_minor(534_23, "EUR") - exact_total) < Decimal("0.005")
    assert calculation.compensation_minor == 40_00
    assert "L441-10" in calculation.description and "plus 10 points" in calculation.description


def test_a_national_regime_is_claimed_only_in_euros(empty_store: db.Store) -> None:
    with pytest.raises(LedgerError, match="set in EUR"):
        compensation_for("de_statutory", "GBP", 5_000_00)
    assert compensation_for("fr_statutory", "EUR", 100_000_00) == 40_00


def test_eu_statutory_in_another_currency_needs_that_currencys_reference_rate(
        empty_store: db.Store) -> None:
    seed_reference_rates()
    who = customer_on(policy("eu_statutory"), currency="SEK")
    invoice = invoice_due(who, D(2025, 3, 31), 1_000_00, "EU-SEK")
    with pytest.raises(MissingRate) as missing:
        invoice_interest(invoice, D(2025, 5, 1))
    assert missing.value.series == "SEK_REF" and missing.value.day == D(2025, 1, 1)
    add_reference_rate("SEK_REF", D(2025, 1, 1), "2.5", "a figure for this test")
    (period,) = invoice_interest(invoice, D(2025, 5, 1)).periods
    assert period.rate_percent == Decimal("10.5")


# --- rounding -----------------------------------------------------------------------------

def test_half_a_penny_rounds_up() -> None:
    # 100.05 GBP at 10% for a whole year is 10.005 GBP exactly.
    periods = interest_periods(D(2025, 1, 1), D(2025, 12, 31), "GBP", 100_05, [],
                               [(D(2025, 1, 1), Decimal(10))])
    assert periods[0].amount == Decimal("10.005")
    assert rounded_total(periods, "GBP") == 10_01


def test_the_total_is_rounded_once_not_each_period() -> None:
    # Each half is 0.004 GBP: rounded apart they would make 0.00, together 0.008 -> 0.01.
    periods = interest_periods(D(2025, 1, 1), D(2025, 1, 20), "GBP", 1_46, [],
                               [(D(2025, 1, 1), Decimal(10)), (D(2025, 1, 11), Decimal(10))])
    assert [p.amount for p in periods] == [Decimal("0.004"), Decimal("0.004")]
    assert rounded_total(periods, "GBP") == 1


def test_currencies_without_minor_units_round_to_whole_units() -> None:
    periods = interest_periods(D(2025, 1, 1), D(2025, 12, 31), "JPY", 1_005, [],
                               [(D(2025, 1, 1), Decimal(10))])
    assert periods[0].amount == Decimal("100.5") and rounded_total(periods, "JPY") == 101


def test_half_years_cover_the_span() -> None:
    assert half_year_starts(D(2024, 5, 31), D(2025, 7, 1)) == [
        D(2024, 1, 1), D(2024, 7, 1), D(2025, 1, 1), D(2025, 7, 1)]
    assert half_year_starts(D(2024, 7, 1), D(2024, 12, 31)) == [D(2024, 7, 1)]


# --- properties of the arithmetic ---------------------------------------------------------

days_in = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))
principals = st.integers(min_value=1, max_value=10**12)
rates = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False, allow_infinity=False)
currencies = st.sampled_from(["GBP", "EUR", "JPY", "KWD"])


def span(start: dt.date, days: int) -> tuple[dt.date, dt.date]:
    return start, start + dt.timedelta(days=days - 1)


@given(days_in, st.integers(1, 2_000), st.integers(1, 1_999), principals, rates, currencies)
def test_splitting_a_period_changes_the_total_by_rounding_at_most(
        start: dt.date, days: int, cut: int, principal: int, rate: Decimal,
        currency: str) -> None:
    first, last = span(start, days)
    whole = interest_periods(first, last, currency, principal, [], [(first, rate)])
    split_on = first + dt.timedelta(days=cut % days)
    split = interest_periods(first, last, currency, principal, [],
                             [(first, rate), (split_on, rate)])
    assert sum(p.days for p in split) == days
    exact_whole = sum((p.amount for p in whole), Decimal(0))
    exact_split = sum((p.amount for p in split), Decimal(0))
    assert abs(exact_whole - exact_split) < Decimal("1e-12")
    assert abs(rounded_total(whole, currency) - rounded_total(split, currency)) <= 1


@given(principals, rates, st.integers(0, 3_000), st.integers(0, 3_000), currencies)
def test_interest_grows_with_the_days(principal: int, rate: Decimal, days: int, more: int,
                                      currency: str) -> None:
    assert (period_interest(principal, currency, rate, days)
            <= period_interest(principal, currency, rate, days + more))


@given(principals, principals, rates, st.integers(0, 3_000), currencies)
def test_interest_grows_with_the_principal(principal: int, more: int, rate: Decimal,
                                           days: int, currency: str) -> None:
    assert (period_interest(principal, currency, rate, days)
            <= period_interest(principal + more, currency, rate, days))


@given(days_in, st.integers(1, 1_000), principals, rates,
       st.lists(st.tuples(st.integers(0, 1_200), st.integers(1, 10**11)), max_size=5))
def test_part_payments_never_raise_the_interest(start: dt.date, days: int, principal: int,
                                                rate: Decimal,
                                                payments: list[tuple[int, int]]) -> None:
    first, last = span(start, days)
    reductions = [(first + dt.timedelta(days=offset), amount) for offset, amount in payments]
    unpaid = interest_periods(first, last, "GBP", principal, [], [(first, rate)])
    paid = interest_periods(first, last, "GBP", principal, reductions, [(first, rate)])
    assert rounded_total(paid, "GBP") <= rounded_total(unpaid, "GBP")
    assert all(p.principal_minor > 0 for p in paid)


@given(days_in, st.integers(1, 1_000), principals, rates,
       st.lists(st.integers(1, 10**12), min_size=1, max_size=4), st.integers(1, 400))
def test_nothing_accrues_once_paid_in_full_before_interest_starts(
        start: dt.date, days: int, principal: int, rate: Decimal, parts: list[int],
        early: int) -> None:
    first, last = span(start, days)
    # The parts, scaled to pay the principal exactly, all on or before the due date.
    shares = [principal * part // sum(parts) for part in parts]
    shares[-1] += principal - sum(shares)
    due = first - dt.timedelta(days=1)
    reductions = [(due - dt.timedelta(days=early % 30), share) for share in shares if share]
    periods = interest_periods(first, last, "EUR", principal, reductions, [(first, rate)])
    assert periods == [] and rounded_total(periods, "EUR") == 0


@given(st.lists(st.decimals(min_value=0, max_value=10**6, places=6, allow_nan=False,
                            allow_infinity=False), max_size=8), currencies)
def test_the_rounded_total_is_within_half_a_minor_unit(amounts: list[Decimal],
                                                       currency: str) -> None:
    periods = [InterestPeriod(D(2025, 1, 1), D(2025, 1, 1), 1, 1, Decimal(1), a)
               for a in amounts]
    total = sum(amounts, Decimal(0))
    assert abs(from_minor(rounded_total(periods, currency), currency) - total) <= (
        from_minor(1, currency) / 2)


# --- the reference-rate table -------------------------------------------------------------

def test_shipped_rates_are_cited_and_unique() -> None:
    keys = [(r.series, r.effective_from) for r in SHIPPED_RATES]
    assert len(keys) == len(set(keys))
    for rate in SHIPPED_RATES:
        bank = {BOE_BASE: "Bank of England", ECB_MRO: "ECB",
                "DE_BASIS": "Deutsche Bundesbank"}[rate.series]
        assert rate.source.startswith(bank) and "https://" in rate.source


def test_seeding_is_idempotent_and_keeps_the_users_corrections(empty_store: db.Store) -> None:
    ReferenceRate.delete().execute()
    add_reference_rate(BOE_BASE, D(2025, 8, 7), "4.1", "my own note")
    assert seed_reference_rates() == len(SHIPPED_RATES) - 1
    assert seed_reference_rates() == 0
    assert ReferenceRate.select().count() == len(SHIPPED_RATES)
    assert rate_in_force(BOE_BASE, D(2025, 9, 1)).rate_percent == Decimal("4.1")


def test_the_rate_in_force_is_the_latest_on_or_before_the_day(empty_store: db.Store) -> None:
    seed_reference_rates()
    assert rate_in_force(BOE_BASE, D(2025, 5, 7)).rate_percent == Decimal("4.50")
    assert rate_in_force(BOE_BASE, D(2025, 5, 8)).rate_percent == Decimal("4.25")
    assert rate_in_force(BOE_BASE, D(2025, 12, 31)).rate_percent == Decimal("3.75")
    assert rate_in_force(ECB_MRO, D(2026, 1, 1)).rate_percent == Decimal("2.15")
    assert rate_in_force(ECB_MRO, D(2022, 1, 1)).effective_from == D(2019, 9, 18)


def test_a_rate_before_the_table_begins_is_missing(empty_store: db.Store) -> None:
    ReferenceRate.delete().execute()
    with pytest.raises(MissingRate) as missing:
        rate_in_force(BOE_BASE, D(2026, 6, 30))
    assert missing.value.message == ("No Bank of England base rate on or before 30 Jun 2026 "
                                     "is recorded; add it in Settings → Reference rates.")


def test_a_day_after_the_tables_end_is_missing_not_guessed(empty_store: db.Store) -> None:
    seed_reference_rates()
    with pytest.raises(MissingRate) as missing:
        rate_in_force(ECB_MRO, D(2026, 7, 1))
    assert "No ECB main refinancing operations rate on 1 Jul 2026" in missing.value.message
    assert "latest is 2.15% from 1 Jan 2026" in missing.value.message


def test_added_rates_are_audited_and_listed(empty_store: db.Store) -> None:
    seed_reference_rates()
    row_id = add_reference_rate(" ecb_mro ", D(2026, 7, 1), "2.00 %", "ECB decision")
    listed = reference_rates(ECB_MRO)
    assert listed[-1].effective_from == D(2026, 7, 1) and listed[-1].rate_percent == Decimal(2)
    assert [r.effective_from for r in listed] == sorted(r.effective_from for r in listed)
    entry = AuditEntry.get((AuditEntry.table == "reference_rate") & (AuditEntry.row_id == row_id))
    assert json.loads(entry.after)["rate_percent"] == "2.00"


@pytest.mark.parametrize(("series", "day", "rate", "source", "field"), [
    (BOE_BASE, D(2025, 12, 18), "3.75", "again", "effective_from"),
    (BOE_BASE, D(2026, 2, 5), "three", "BoE", "rate_percent"),
    (BOE_BASE, D(2026, 2, 5), "NaN", "BoE", "rate_percent"),
    (BOE_BASE, D(2026, 2, 5), "3.5", "  ", "source"),
    ("", D(2026, 2, 5), "3.5", "BoE", "series"),
])
def test_impossible_rates_are_refused_at_the_field(empty_store: db.Store, series: str,
                                                   day: dt.date, rate: str, source: str,
                                                   field: str) -> None:
    seed_reference_rates()
    before = ReferenceRate.select().count()
    with pytest.raises(LedgerError) as refused:
        add_reference_rate(series, day, rate, source)
    assert refused.value.field == field
    assert ReferenceRate.select().count() == before


def test_a_customer_without_a_policy_falls_under_the_business_default(
        empty_store: db.Store) -> None:
    from models.interest import invoice_interest
    from models.policies import set_default_policies
    from models.schema import CreditPolicy
    from tests.unit.ledger_helpers import TODAY as LEDGER_TODAY
    from tests.unit.ledger_helpers import customer, invoice

    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=50)
    assert invoice_interest(bill, LEDGER_TODAY).interest_minor == 0  # no policy, no default
    contractual = CreditPolicy.get(CreditPolicy.name == "Contractual 8% a year")
    set_default_policies(followup_policy_id=None, credit_policy_id=contractual.id)
    assert invoice_interest(bill, LEDGER_TODAY).interest_minor == 10_96
