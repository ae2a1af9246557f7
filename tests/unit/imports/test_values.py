"""Cells of an export read as the file means them, or refused in words."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.imports.values import (
    CellError,
    DateOrder,
    DecimalMark,
    date_order_of,
    decimal_mark_of,
    read_amount,
    read_currency,
    read_date,
)
from models.input_rules import MAX_MINOR


@pytest.mark.parametrize(("text", "order", "day"), [
    ("2026-11-24", None, dt.date(2026, 11, 24)),
    ("2026-11-24 00:00:00", None, dt.date(2026, 11, 24)),
    ("24/11/2026", DateOrder.DAY_FIRST, dt.date(2026, 11, 24)),
    ("11/24/2026", DateOrder.MONTH_FIRST, dt.date(2026, 11, 24)),
    ("24.11.2026", None, dt.date(2026, 11, 24)),  # the day tells: 24 is no month
    ("11/24/26", DateOrder.MONTH_FIRST, dt.date(2026, 11, 24)),  # IIF's MM/DD/YY
    ("24 Nov 2026", None, dt.date(2026, 11, 24)),
    ("Nov 24, 2026", None, dt.date(2026, 11, 24)),
    ("", DateOrder.DAY_FIRST, None),
])
def test_a_date_is_read_as_the_file_writes_it(text, order, day) -> None:
    assert read_date(text, order) == day


@pytest.mark.parametrize(("text", "order", "says"), [
    ("05/06/2026", None, "either day first or month first"),
    ("31/02/2026", DateOrder.DAY_FIRST, "not a day of the calendar"),
    ("next Tuesday", DateOrder.DAY_FIRST, "is not a date"),
    ("2026-13-01", None, "not a day of the calendar"),
])
def test_a_date_that_is_not_one_or_cannot_be_told_is_refused(text, order, says) -> None:
    with pytest.raises(CellError, match=says):
        read_date(text, order)


def test_the_date_order_is_told_only_by_a_date_that_reads_one_way() -> None:
    assert date_order_of(["05/06/2026", "13/06/2026"]) is DateOrder.DAY_FIRST
    assert date_order_of(["05/06/2026", "06/13/2026"]) is DateOrder.MONTH_FIRST
    assert date_order_of(["05/06/2026", "01/02/2026", "2026-11-24"]) is None


@pytest.mark.parametrize(("text", "mark", "minor"), [
    ("1,234.50", DecimalMark.POINT, 123450),
    ("1.234,50", DecimalMark.COMMA, 123450),
    ("$4,250.00", DecimalMark.POINT, 425000),
    ("4 250,00 €", DecimalMark.COMMA, 425000),
    ("(120.00)", DecimalMark.POINT, -12000),
    ("-120.00", DecimalMark.POINT, -12000),
    ("EUR 12", DecimalMark.POINT, 1200),
    ("", DecimalMark.POINT, None),
])
def test_an_amount_is_read_with_the_files_decimal_mark(text, mark, minor) -> None:
    assert read_amount(text, "EUR", mark) == minor


@pytest.mark.parametrize("text", ["12.345", "abc", "1,2,3.4.5", "=1+2"])
def test_an_amount_that_is_not_one_is_refused(text) -> None:
    with pytest.raises(CellError):
        read_amount(text, "EUR", DecimalMark.POINT)


@given(st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR), st.sampled_from(list(DecimalMark)),
       st.booleans())
def test_any_amount_written_either_way_reads_back_exactly(minor: int, mark: DecimalMark,
                                                          grouped: bool) -> None:
    whole, cents = divmod(abs(minor), 100)
    thousands = "," if mark is DecimalMark.POINT else "."
    digits = f"{whole:,}".replace(",", thousands) if grouped else str(whole)
    text = f"{'-' if minor < 0 else ''}{digits}{mark.value}{cents:02d}"
    assert read_amount(text, "EUR", mark) == minor


def test_the_decimal_mark_is_told_by_an_amount_that_reads_one_way() -> None:
    assert decimal_mark_of(["1234", "1.234,56"]) is DecimalMark.COMMA
    assert decimal_mark_of(["1,234", "12.5"]) is DecimalMark.POINT
    assert decimal_mark_of(["1,234", "1234"]) is None


def test_a_currency_is_its_iso_code_and_nothing_else() -> None:
    assert read_currency(" eur ") == "EUR"
    assert read_currency("") is None
    with pytest.raises(CellError, match="not a currency Duly knows"):
        read_currency("EURO")
