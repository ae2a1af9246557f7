"""What Duly accepts as input, in one place: amounts, dates and text.

The store, the window's forms, the command line and imports all pass what they are
given through these functions, so a rule is written once. Each refusal is a
:class:`LedgerError` naming the field and saying how to put it right.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from models.dates import short_date
from models.errors import LedgerError
from models.terminal_text import BIDI

# The largest amount Duly keeps, in minor units (1,000,000,000.00 in a two-decimal
# currency). Chosen so that ten million invoices at the limit still sum inside SQLite's
# 64-bit integers (10**11 * 10**7 = 10**18 < 2**63), so no total can overflow.
MAX_MINOR = 10**11

# The business range of dates: earlier or later dates are typing mistakes, and the
# date arithmetic of interest, statements and Today must never reach year 1 or 9999.
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)

# Longest text kept per kind of field, in characters.
NAME_LIMIT = 200
NUMBER_LIMIT = 64
REFERENCE_LIMIT = 200
EMAIL_LIMIT = 254
PHONE_LIMIT = 64
ADDRESS_LIMIT = 1_000
REASON_LIMIT = 1_000
NOTE_LIMIT = 20_000

# Characters that show as nothing but make two strings differ.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DROPPED = re.compile(f"[{BIDI}{_INVISIBLE}\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DROPPED_IN_LINE = re.compile(f"[{BIDI}{_INVISIBLE}\x00-\x1f\x7f-\x9f]")


# --- amounts --------------------------------------------------------------------

def check_amount(amount: object, field: str = "amount", what: str = "the amount") -> int:
    """``amount`` as minor units if it is a whole number of them above zero and within
    :data:`MAX_MINOR`; refuses floats, bools, fractions, NaN and infinity."""
    if isinstance(amount, bool) or not isinstance(amount, (int, Decimal)):
        raise LedgerError(field, f"Give {what} as a whole number of cents (minor units), "
                                 f"not {amount!r}.")
    if isinstance(amount, Decimal):
        if not amount.is_finite() or amount != amount.to_integral_value():
            raise LedgerError(field, f"Give {what} as a whole number of cents (minor "
                                     f"units), not {amount}.")
        amount = int(amount)
    if amount <= 0:
        raise LedgerError(field, f"Enter an amount above zero for {what}.")
    if amount > MAX_MINOR:
        raise LedgerError(field, f"{what[0].upper()}{what[1:]} is larger than Duly can keep "
                                 f"(at most {MAX_MINOR:,} minor units).")
    return amount


# --- dates ----------------------------------------------------------------------

def check_date(day: dt.date, field: str = "date", what: str = "The date") -> dt.date:
    """``day`` if it lies in Duly's business range (1970-01-01 to 2100-12-31)."""
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise LedgerError(field, f"{what} is not a date.")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise LedgerError(field, f"{what} ({short_date(day)}) must lie between "
                                 f"{short_date(FIRST_DAY)} and {short_date(LAST_DAY)}.")
    return day


def check_optional_date(day: dt.date | None, field: str, what: str) -> dt.date | None:
    """Like :func:`check_date`, but None (no date) is fine."""
    return None if day is None else check_date(day, field, what)


# --- text -----------------------------------------------------------------------

def clean_line(text: str) -> str:
    """One line of text as kept: NFC, without controls, bidirectional overrides or
    invisible characters, inner whitespace collapsed to single spaces, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = _DROPPED_IN_LINE.sub(lambda m: " " if m.group() in "\t\n\r\x0b\x0c" else "", text)
    return " ".join(text.split())


def clean_text(text: str) -> str:
    """Multi-line text as kept: NFC, without controls (tab and newline stay; CR LF
    becomes LF), bidirectional overrides or invisible characters, trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _DROPPED.sub("", text).strip()


def check_line(text: str, field: str, what: str, limit: int) -> str:
    """:func:`clean_line` of ``text``, refused if longer than ``limit`` characters."""
    return _within(clean_line(text), field, what, limit)


def check_text(text: str, field: str, what: str, limit: int) -> str:
    """:func:`clean_text` of ``text``, refused if longer than ``limit`` characters."""
    return _within(clean_text(text), field, what, limit)


def _within(text: str, field: str, what: str, limit: int) -> str:
    if len(text) > limit:
        raise LedgerError(field, f"{what[0].upper()}{what[1:]} is {len(text):,} characters "
                                 f"long; at most {limit:,} are kept.")
    return text


def match_key(text: str) -> str:
    """What two names, numbers or codes are compared by: cleaned, any Unicode dash as
    "-", case-folded. ``INV-0000001`` and ``inv‐0000001\\u200b`` have the same key."""
    line = clean_line(text)
    line = line.translate({ord(c): "-" for c in _DASHES})
    return unicodedata.normalize("NFC", line.casefold())
