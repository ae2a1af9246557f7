"""Money is exact: integer minor units in the store, Decimal in code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models import db
from models.money import (
    MAX_MINOR,
    MoneyError,
    exponent,
    format_amount,
    format_money,
    from_minor,
    round_to_minor,
    to_minor,
)
from models.schema import Customer, Invoice

currencies = st.sampled_from(["GBP", "EUR", "USD", "JPY", "KWD", "CHF"])
minor_units = st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR)


@given(minor_units, currencies)
def test_minor_units_round_trip_exactly_through_decimal(minor: int, currency: str) -> None:
    amount = from_minor(minor, currency)
    assert amount.as_tuple().exponent == -exponent(currency)
    assert to_minor(amount, currency) == minor


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False))
def test_pounds_and_pence_round_trip_from_text(amount: Decimal) -> None:
    assert from_minor(to_minor(str(amount), "GBP"), "GBP") == amount


@given(st.lists(minor_units.filter(lambda m: abs(m) < 10**12), max_size=50), currencies)
def test_sums_in_minor_units_equal_sums_in_decimal(values: list[int], currency: str) -> None:
    assert from_minor(sum(values), currency) == sum(
        (from_minor(v, currency) for v in values), Decimal(0))


@given(st.decimals(min_value=0, max_value=10**6, allow_nan=False, allow_infinity=False))
def test_rounding_a_computed_amount_is_half_up_and_within_half_a_unit(amount: Decimal) -> None:
    minor = round_to_minor(amount, "EUR")
    assert abs(from_minor(minor, "EUR") - amount) <= Decimal("0.005")


def test_half_a_penny_rounds_up() -> None:
    assert round_to_minor(Decimal("10.005"), "GBP") == 1001
    assert round_to_minor(Decimal("10.0049"), "GBP") == 1000


@pytest.mark.parametrize("bad", ["12.345", "abc", "", "NaN", "Infinity", "1e20"])
def test_amounts_that_cannot_be_money_are_refused(bad: str) -> None:
    with pytest.raises(MoneyError):
        to_minor(bad, "GBP")


def test_currencies_without_minor_units() -> None:
    assert to_minor("1500", "JPY") == 1500
    with pytest.raises(MoneyError):
        to_minor("1500.5", "JPY")
    assert format_money(123456789, "GBP") == "1,234,567.89 GBP"
    assert format_money(1500, "JPY") == "1,500 JPY"
    assert format_money(1234, "KWD") == "1.234 KWD"


@given(minor=st.integers(min_value=-10 * MAX_MINOR, max_value=10 * MAX_MINOR),
       currency=currencies)
@example(minor=-5, currency="GBP")
@example(minor=-999, currency="KWD")
@example(minor=0, currency="JPY")
def test_an_amount_prints_as_its_exact_decimal(minor: int, currency: str) -> None:
    places = exponent(currency)
    assert format_amount(minor, currency) == f"{from_minor(minor, currency):,.{places}f}"
    assert format_money(minor, currency) == f"{format_amount(minor, currency)} {currency}"
    assert format_amount(Decimal(minor), currency) == format_amount(minor, currency)


# One store serves every example: each example overwrites the same invoice.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(minor=st.integers(min_value=1, max_value=MAX_MINOR), currency=currencies)
def test_money_round_trips_exactly_through_the_store(
        empty_store: db.Store, minor: int, currency: str) -> None:
    customer, _ = Customer.get_or_create(code="RT", defaults={
        "name": "Round Trip", "currency": "GBP", "created_at": dt.datetime(2026, 1, 1)})
    Invoice.delete().execute()
    Invoice.create(number="RT", customer=customer, issue_date=dt.date(2026, 1, 1),
                   due_date=dt.date(2026, 1, 31), amount_minor=minor, open_minor=minor,
                   currency=currency, created_at=dt.datetime(2026, 1, 1))
    stored = Invoice.get(Invoice.number == "RT")
    assert isinstance(stored.amount_minor, int)
    assert from_minor(stored.amount_minor, stored.currency) == from_minor(minor, currency)


def test_largest_amounts_survive_the_store_exactly(empty_store: db.Store) -> None:
    customer = Customer.create(code="C1", name="Big Spender", currency="GBP",
                               created_at=dt.datetime(2026, 1, 1))
    for number, minor in (("A", MAX_MINOR), ("B", 1), ("C", MAX_MINOR - 1), ("D", 2**53 + 1)):
        Invoice.create(number=number, customer=customer, issue_date=dt.date(2026, 1, 1),
                       due_date=dt.date(2026, 1, 31), amount_minor=minor, open_minor=minor,
                       currency="GBP", created_at=dt.datetime(2026, 1, 1))
        assert Invoice.get(Invoice.number == number).amount_minor == minor
    total = Invoice.select(Invoice.amount_minor).tuples()
    assert sum(m for (m,) in total) == MAX_MINOR + 1 + MAX_MINOR - 1 + 2**53 + 1
