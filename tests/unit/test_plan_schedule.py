"""A payment plan's schedule: dates by frequency, equal amounts, deposits, the business's
own dates, and the last instalment balancing to the minor unit in every currency."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import LedgerError
from models.kinds import PlanFrequency
from models.plan_schedule import (
    MAX_INSTALMENTS,
    ScheduleTerms,
    add_months,
    instalment_dates,
    schedule,
)

AGREED = dt.date(2026, 12, 1)
D = dt.date


def _amounts(rows: tuple) -> list[int]:
    return [r.amount_minor for r in rows]


def _dates(rows: tuple) -> list[dt.date]:
    return [r.due_date for r in rows]


def test_monthly_from_the_31st_falls_on_the_last_day_of_shorter_months() -> None:
    assert instalment_dates(D(2027, 1, 31), 5, PlanFrequency.MONTHLY) == [
        D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30), D(2027, 5, 31)]
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)  # a leap year
    assert add_months(D(2027, 11, 30), 3) == D(2028, 2, 29)
    assert add_months(D(2027, 12, 15), 1) == D(2028, 1, 15)  # over the year's end


def test_weekly_and_fortnightly_dates_are_seven_and_fourteen_days_apart() -> None:
    assert instalment_dates(D(2027, 1, 5), 3, PlanFrequency.WEEKLY) == [
        D(2027, 1, 5), D(2027, 1, 12), D(2027, 1, 19)]
    assert instalment_dates(D(2027, 1, 5), 3, PlanFrequency.FORTNIGHTLY) == [
        D(2027, 1, 5), D(2027, 1, 19), D(2027, 2, 2)]


@pytest.mark.parametrize("currency", ["GBP", "EUR", "JPY"])
def test_equal_instalments_by_count_the_last_balancing_to_the_minor_unit(currency: str) -> None:
    rows = schedule(1000, currency, ScheduleTerms(PlanFrequency.MONTHLY, D(2027, 1, 15),
                                                  count=3), agreed_on=AGREED)
    assert _amounts(rows) == [333, 333, 334]
    assert [r.position for r in rows] == [1, 2, 3]
    assert not any(r.is_deposit for r in rows)


def test_six_monthly_instalments_divide_evenly() -> None:
    rows = schedule(1_500_00, "GBP", ScheduleTerms(PlanFrequency.MONTHLY, D(2027, 1, 15),
                                                   count=6), agreed_on=AGREED)
    assert _amounts(rows) == [250_00] * 6
    assert _dates(rows)[-1] == D(2027, 6, 15)


def test_a_deposit_comes_first_and_the_rest_is_divided() -> None:
    rows = schedule(1_000_00, "GBP", ScheduleTerms(
        PlanFrequency.WEEKLY, D(2026, 12, 8), count=3, deposit_minor=100_00), agreed_on=AGREED)
    assert _amounts(rows) == [100_00, 300_00, 300_00, 300_00]
    assert rows[0].is_deposit and rows[0].due_date == AGREED and rows[0].position == 1
    assert [r.position for r in rows] == [1, 2, 3, 4]


def test_an_amount_each_until_paid_leaves_the_rest_to_the_last() -> None:
    rows = schedule(1_000_00, "GBP", ScheduleTerms(PlanFrequency.FORTNIGHTLY, D(2027, 1, 1),
                                                   amount_minor=300_00), agreed_on=AGREED)
    assert _amounts(rows) == [300_00, 300_00, 300_00, 100_00]
    assert _dates(rows) == [D(2027, 1, 1), D(2027, 1, 15), D(2027, 1, 29), D(2027, 2, 12)]


def test_own_dates_and_amounts_are_kept_when_they_add_up() -> None:
    custom = ((D(2027, 1, 10), 400_00), (D(2027, 3, 1), 100_00), (D(2027, 3, 20), 500_00))
    rows = schedule(1_000_00, "EUR", ScheduleTerms(PlanFrequency.CUSTOM, custom=custom),
                    agreed_on=AGREED)
    assert [(r.due_date, r.amount_minor) for r in rows] == list(custom)


@pytest.mark.parametrize(("terms", "words"), [
    (ScheduleTerms(PlanFrequency.CUSTOM, custom=((D(2027, 1, 10), 400_00),
                                                 (D(2027, 2, 10), 500_00))),
     "The instalments add up to 900.00 GBP, not the 1,000.00 GBP to pay"),
    (ScheduleTerms(PlanFrequency.CUSTOM, custom=((D(2027, 2, 10), 500_00),
                                                 (D(2027, 1, 10), 500_00))),
     "Instalment 2 (10 Jan 2027) is not after instalment 1"),
    (ScheduleTerms(PlanFrequency.MONTHLY, D(2026, 11, 30), count=4),
     "The first instalment (30 Nov 2026) is before the day the plan is agreed"),
    (ScheduleTerms(PlanFrequency.MONTHLY, D(2027, 1, 1), count=0),
     f"Choose between 1 and {MAX_INSTALMENTS} instalments"),
    (ScheduleTerms(PlanFrequency.MONTHLY, None, count=3), "Choose the date of the first"),
    (ScheduleTerms(PlanFrequency.MONTHLY, D(2027, 1, 1)),
     "Give either the number of instalments or the amount of each"),
    (ScheduleTerms(PlanFrequency.MONTHLY, D(2027, 1, 1), count=3, deposit_minor=1_000_00),
     "The deposit (1,000.00 GBP) is not less than the 1,000.00 GBP the plan covers"),
    (ScheduleTerms(PlanFrequency.MONTHLY, D(2027, 1, 1), count=3, deposit_minor=100,
                   deposit_on=D(2027, 1, 1)),
     "The first instalment falls on or before the deposit"),
    (ScheduleTerms(PlanFrequency.WEEKLY, D(2027, 1, 1), amount_minor=1),
     "would take 100000 instalments"),
])
def test_a_schedule_that_cannot_be_is_refused_saying_why(terms: ScheduleTerms,
                                                         words: str) -> None:
    with pytest.raises(LedgerError) as refused:
        schedule(1_000_00, "GBP", terms, agreed_on=AGREED)
    assert words in refused.value.message


def test_more_instalments_than_minor_units_are_refused() -> None:
    with pytest.raises(LedgerError, match="cannot be paid in 5 instalments"):
        schedule(4, "JPY", ScheduleTerms(PlanFrequency.WEEKLY, D(2027, 1, 1), count=5),
                 agreed_on=AGREED)


_FREQUENCIES = st.sampled_from([PlanFrequency.WEEKLY, PlanFrequency.FORTNIGHTLY,
                                PlanFrequency.MONTHLY])
_FIRST = st.dates(min_value=AGREED + dt.timedelta(days=1), max_value=D(2030, 12, 31))


def _sound(rows: tuple, total: int) -> None:
    assert sum(_amounts(rows)) == total
    assert all(amount > 0 for amount in _amounts(rows))
    assert all(a < b for a, b in pairwise(_dates(rows)))
    assert [r.position for r in rows] == list(range(1, len(rows) + 1))


@given(total=st.integers(1, 10**11), count=st.integers(1, MAX_INSTALMENTS),
       frequency=_FREQUENCIES, first=_FIRST, deposit=st.integers(0, 10**6),
       currency=st.sampled_from(["GBP", "EUR", "JPY", "KWD"]))
def test_instalments_by_count_always_add_up_above_zero_in_date_order(
        total: int, count: int, frequency: PlanFrequency, first: dt.date, deposit: int,
        currency: str) -> None:
    deposit = deposit if deposit < total else 0
    if total - deposit < count:
        return
    rows = schedule(total, currency, ScheduleTerms(frequency, first, count=count,
                                                   deposit_minor=deposit), agreed_on=AGREED)
    _sound(rows, total)
    assert len(rows) == count + (1 if deposit else 0)
    regular = _amounts(rows)[1 if deposit else 0:]
    assert len(set(regular[:-1])) <= 1 and 0 <= regular[-1] - regular[0] < count


@given(total=st.integers(1, 10**11), each=st.integers(1, 10**11), frequency=_FREQUENCIES,
       first=_FIRST)
def test_instalments_by_amount_always_add_up_above_zero_in_date_order(
        total: int, each: int, frequency: PlanFrequency, first: dt.date) -> None:
    if -(-total // each) > MAX_INSTALMENTS:
        return
    rows = schedule(total, "GBP", ScheduleTerms(frequency, first, amount_minor=each),
                    agreed_on=AGREED)
    _sound(rows, total)
    assert all(amount == each for amount in _amounts(rows)[:-1])
    assert _amounts(rows)[-1] <= each
