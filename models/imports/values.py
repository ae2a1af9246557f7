"""Reading one cell of an export: a date in the file's order, an amount with the file's
decimal mark, a currency code. Each refuses what it cannot read, in the user's words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum

from models.money import MoneyError, is_currency_code, to_minor


class DateOrder(StrEnum):
    """How the file writes a day: 24/11/2026 (day first) or 11/24/2026 (month first).

    Years first (2026-11-24) read the same either way.
    """

    DAY_FIRST = "day-first"
    MONTH_FIRST = "month-first"


class DecimalMark(StrEnum):
    """The mark between whole units and cents: 1,234.50 or 1.234,50."""

    POINT = "."
    COMMA = ","


class CellError(ValueError):
    """A cell that cannot be read as what its column holds; the message says why."""


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_MONTHS = {name: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
    ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
    ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}
_WORDED = re.compile(r"(\d{1,2})[ \-]([A-Za-z]{3,9})\.?[ \-,]+(\d{4})")
_WORDED_US = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})")
_SPACES = re.compile(r"[\s\u00a0\u202f'’]")  # in amounts: thousands, as some write them
_SIGN_OR_CODE = re.compile(r"^[^\d\-+.,]+|[^\d.,]+$")
_DECIMAL = re.compile(r"\d+(\.\d+)?|\.\d+")
_PLAIN = re.compile(r"-?\d+(\.\d+)?")  # "1234.50", "-120": nothing to clean
# A two-digit year is of this century (IIF writes MM/DD/YY).
_CENTURY = 2000


def read_date(text: str, order: DateOrder | None) -> dt.date | None:
    """The day in ``text``: ISO, numeric in the file's ``order``, or with the month in
    words ("24 Nov 2026", "Nov 24, 2026"). None for an empty cell.

    Raises CellError for text that is no date, an impossible day (31/02/2026), or a
    numeric day whose order is not known and cannot be told (05/06/2026).
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    if len(cleaned) == 10 and cleaned[4] == "-":  # the commonest form, read at C speed
        try:
            return dt.date.fromisoformat(cleaned)
        except ValueError:
            pass  # read (or refused in words) below
    if match := _ISO.fullmatch(cleaned):
        return _day(cleaned, int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.fullmatch(cleaned):
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        if order is None:
            if first > 12 >= second:
                order = DateOrder.DAY_FIRST
            elif second > 12 >= first:
                order = DateOrder.MONTH_FIRST
            else:
                raise CellError(f"“{cleaned}” could be either day first or month first: "
                                f"say which the file uses.")
        day, month = (first, second) if order == DateOrder.DAY_FIRST else (second, first)
        return _day(cleaned, year, month, day)
    if (match := _WORDED.fullmatch(cleaned)) and match[2].lower() in _MONTHS:
        return _day(cleaned, int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
    if (match := _WORDED_US.fullmatch(cleaned)) and match[1].lower() in _MONTHS:
        return _day(cleaned, int(match[3]), _MONTHS[match[1].lower()], int(match[2]))
    raise CellError(f"“{cleaned}” is not a date.")


def date_order_of(samples: Iterable[str]) -> DateOrder | None:
    """The order the numeric dates in ``samples`` must be in, or None when every one
    reads both ways (or none is numeric): then the user is asked, never guessed for."""
    for text in samples:
        match = _NUMERIC.fullmatch(text.strip())
        if match is None:
            continue
        first, second = int(match[1]), int(match[2])
        if first > 12 >= second:
            return DateOrder.DAY_FIRST
        if second > 12 >= first:
            return DateOrder.MONTH_FIRST
    return None


def read_amount(text: str, currency: str, mark: DecimalMark) -> int | None:
    """Minor units from an amount as an export writes it: "1,234.50", "1.234,50" (with
    ``mark`` COMMA), "$4,250.00", "(120.00)" or "-120.00". None for an empty cell.

    Raises CellError for text that is not an amount or has more decimals than the
    currency.
    """
    if not text:
        return None
    if mark is DecimalMark.POINT and _PLAIN.fullmatch(text):
        return _minor(text, text, currency)
    cleaned = _SPACES.sub("", text.strip())
    if not cleaned:
        return None
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    cleaned = _SIGN_OR_CODE.sub("", cleaned)  # a currency sign or code
    if cleaned.startswith("-"):
        negative, cleaned = not negative, cleaned[1:]
    elif cleaned.startswith("+"):
        cleaned = cleaned[1:]
    thousands = "," if mark == DecimalMark.POINT else "."
    cleaned = cleaned.replace(thousands, "").replace(str(mark), ".")
    if not _DECIMAL.fullmatch(cleaned):
        raise CellError(f"“{text.strip()}” is not an amount.")
    minor = _minor(cleaned, text, currency)
    return -minor if negative else minor


def _minor(cleaned: str, text: str, currency: str) -> int:
    try:
        return to_minor(cleaned, currency)
    except MoneyError as error:
        raise CellError(f"“{text.strip()}” is not an amount of {currency}: {error}.") \
            from error


def decimal_mark_of(samples: Iterable[str]) -> DecimalMark | None:
    """The decimal mark the amounts in ``samples`` use, or None when none tells
    ("1234", "1,234" read both ways)."""
    for text in samples:
        cleaned = re.sub(r"[^\d.,]", "", text)
        if "," in cleaned and "." in cleaned:
            return DecimalMark.COMMA if cleaned.rfind(",") > cleaned.rfind(".") \
                else DecimalMark.POINT
        if re.search(r"[.,]\d{1,2}$", cleaned) or re.search(r"[.,]\d{4,}$", cleaned):
            return DecimalMark.COMMA if "," in cleaned else DecimalMark.POINT
    return None


def read_currency(text: str) -> str | None:
    """An ISO 4217 code ("eur" → "EUR"); None for an empty cell. Raises CellError for a
    code that is no currency."""
    code = text.strip().upper()
    if not code:
        return None
    if not is_currency_code(code):
        raise CellError(f"“{text.strip()}” is not a currency Duly knows (use its three-letter "
                        f"code, such as EUR or GBP).")
    return code


def _year(text: str) -> int:
    return _CENTURY + int(text) if len(text) == 2 else int(text)


def _day(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise CellError(f"“{text}” is not a day of the calendar.") from error
