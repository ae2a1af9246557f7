"""Money: integer minor units in the store, ``Decimal`` in code.

Amounts never pass through ``float``. Each currency's number of minor units
comes from ISO 4217; a currency not listed uses two.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

# ISO 4217 minor-unit exponents that differ from 2 (source: ISO 4217 list one).
_EXPONENTS: dict[str, int] = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0,
    "KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0,
    "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

# Currencies a small business is offered first; any ISO code is accepted.
COMMON_CURRENCIES: tuple[str, ...] = (
    "EUR", "GBP", "USD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "CAD",
    "AUD", "NZD", "JPY",
)


class MoneyError(ValueError):
    """An amount that cannot be money: not a number, too precise, too large."""


# The one limit on amounts lives with the other input rules.
from models.input_rules import MAX_MINOR  # noqa: E402


def is_currency_code(code: str) -> bool:
    """Whether ``code`` (upper case, as stored) is an ISO 4217 currency Duly knows: the
    one rule for every currency typed, imported or read."""
    return code in _known_currencies()


@cache
def _known_currencies() -> frozenset[str]:
    from babel.numbers import list_currencies  # only when a currency is checked

    return frozenset(list_currencies())


def exponent(currency: str) -> int:
    """Number of decimal places of ``currency`` (ISO 4217 code)."""
    return _EXPONENTS.get(currency.upper(), 2)


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Convert an amount entered or read to integer minor units, refusing sub-unit
    precision and anything beyond the largest amount Duly keeps."""
    minor = _exact_minor(amount, currency)
    if abs(minor) > MAX_MINOR:
        raise MoneyError(f"{amount} {currency} is larger than Duly can keep")
    return minor


def _exact_minor(amount: Decimal | int | str, currency: str) -> int:
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise MoneyError(f"{amount!r} is not an amount of money") from exc
    if not value.is_finite():
        raise MoneyError(f"{amount!r} is not an amount of money")
    places = exponent(currency)
    scaled = value.scaleb(places)
    minor = int(scaled)
    if minor != scaled:
        raise MoneyError(
            f"{value} {currency} has more than {places} decimal places"
        )
    return minor


def from_minor(minor: int, currency: str) -> Decimal:
    """The exact ``Decimal`` amount of ``minor`` units of ``currency``."""
    places = exponent(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def round_to_minor(amount: Decimal, currency: str) -> int:
    """Round a computed amount (interest, a discount) half-up to minor units (a figure
    worked out, not entered: the input limit does not apply)."""
    quantum = Decimal(1).scaleb(-exponent(currency))
    return _exact_minor(amount.quantize(quantum, rounding=ROUND_HALF_UP), currency)


def format_money(minor: int, currency: str) -> str:
    """A plain, locale-neutral display: ``1,234.50 EUR``."""
    return f"{format_amount(minor, currency)} {currency}"


def format_amount(minor: int, currency: str) -> str:
    """The amount without its currency, where a heading names it: ``1,234.50``."""
    # From the integer's digits, as the Decimal of :func:`from_minor` would print them
    # (a property test holds the two equal): a big book's lists print thousands of
    # amounts, and the Decimal's way took four times as long.
    places = exponent(currency)
    if not isinstance(minor, int):  # a Decimal of whole minor units (some server sums)
        return f"{from_minor(minor, currency):,.{places}f}"
    units, cents = divmod(abs(minor), 10 ** places)
    sign = "-" if minor < 0 else ""
    return f"{sign}{units:,}.{cents:0{places}d}" if places else f"{sign}{units:,}"
