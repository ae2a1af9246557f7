"""A document's language: its fixed words from a gettext catalogue, its dates, amounts,
percentages and lists in the customer's locale from Babel's CLDR data.

The catalogues are ``resources/locale/<language>/LC_MESSAGES/duly.po``, read as they
are (a translator edits the ``.po`` file; nothing is compiled by hand). English is the
source language and needs none. A word a catalogue lacks, or has only as fuzzy,
prints in English.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from models.money import exponent, from_minor

if TYPE_CHECKING:
    from babel import Locale

# Babel is imported where a document is worded, not with this module: the models that
# mark their words with N_ are also read to show the window's lists, which never need it.

LOCALE_DIR = Path(__file__).resolve().parents[1] / "resources" / "locale"
DOMAIN = "duly"
SOURCE_LANGUAGE = "en"
# The languages Duly writes letters in, its default templates included (issue 15).
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl", "el", "bg", "no", "pt")
# Codes a store may hold that CLDR files under another name: Norwegian is Bokmål.
_CLDR_CODES = {"no": "nb"}
# Where a language alone says nothing of the region, its home: English as written in
# the UK (a US customer is still written to as in the US, from their country).
_HOME_REGIONS = {"en": "GB", "pt": "PT", "no": "NO", "el": "GR", "bg": "BG"}


def N_(message: str) -> str:  # noqa: N802 - gettext's marker, so extraction finds it
    """Mark words to translate where they are written, translated where they print."""
    return message


@dataclass(frozen=True)
class Wording:
    """The words and formats of one document: its language and the customer's locale."""

    language: str
    locale: Locale
    catalogue: gettext.NullTranslations
    problem: str = ""  # why the language's words are missing, for the user; "" if not

    @property
    def region(self) -> str:
        """The reader's country whose formats the document follows ("" for none);
        ``wording(language, region)`` gives this wording again."""
        return self.locale.territory or ""

    def gettext(self, message: str) -> str:
        """The message in the document's language (English when not translated)."""
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The singular or plural message for ``count``, as the language counts."""
        return self.catalogue.ngettext(singular, plural, count)

    def money(self, minor: int, currency: str) -> str:
        """An amount with its currency as the locale writes it: "£1,234.50", "1.234,56 €"."""
        return _money(self.locale, minor, currency)

    def amount(self, minor: int, currency: str) -> str:
        """An amount without its currency (a heading names it): "1,234.50", "1.234,56"."""
        return _amount(self.locale, minor, currency)

    def number(self, value: Decimal) -> str:
        """A number as written exactly, in the locale's digits: "3.9452", "3,9452"."""
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale, decimal_quantization=False)

    def date(self, day: dt.date) -> str:
        """A day in the document's one date format: "24 Nov 2026", "24.11.2026"."""
        return _date(self.locale, day)

    def percent(self, rate: Decimal) -> str:
        """A yearly rate with at least two decimals: "8.00%", "8,00 %", "12.125%"."""
        from babel.numbers import format_percent

        exponent = rate.normalize().as_tuple().exponent
        places = max(2, -exponent if isinstance(exponent, int) else 2)
        pattern = self.locale.percent_formats[None].pattern
        pattern = re.sub(r"0(?=[^0]*$)", "0." + "0" * places, pattern, count=1)
        return format_percent(rate / 100, pattern, locale=self.locale,
                              decimal_quantization=False)

    def discount(self, percent: Decimal) -> str:
        """A percentage as it stands, no decimals added: "2%", "2,5 %"."""
        from babel.numbers import format_percent

        return format_percent(percent / 100, locale=self.locale, decimal_quantization=False)

    def and_list(self, items: list[str]) -> str:
        """ "A", "A and B", "A, B and C", as the language joins them."""
        from babel.lists import format_list

        return format_list(items, locale=self.locale) if items else ""

    def days(self, count: int) -> str:
        """ "1 day", "15 days"."""
        return self.ngettext("{count} day", "{count} days", count).format(count=count)


# A batch of documents writes the same days and many of the same amounts again and
# again; Babel works each out afresh.
@functools.lru_cache(maxsize=8192)
def _money(locale: Locale, minor: int, currency: str) -> str:
    from babel.numbers import format_currency

    return format_currency(from_minor(minor, currency), currency, locale=locale)


@functools.lru_cache(maxsize=8192)
def _amount(locale: Locale, minor: int, currency: str) -> str:
    from babel.numbers import format_decimal

    places = exponent(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(from_minor(minor, currency), pattern, locale=locale)


@functools.lru_cache(maxsize=1024)
def _date(locale: Locale, day: dt.date) -> str:
    from babel.dates import format_date

    return format_date(day, "medium", locale=locale)


def wording(language: str, country: str = "") -> Wording:
    """The wording of a document in ``language`` (a code such as "de") for a reader in
    ``country`` (two letters; "" for the language's home): German for Austria writes
    dates and amounts as Austria does. An unknown language is written in English."""
    return _wording(language.strip().lower() or SOURCE_LANGUAGE, country.strip().upper())



@functools.lru_cache(maxsize=128)
def _wording(language: str, country: str) -> Wording:
    locale = _locale(language, country)
    if locale is None:
        language, locale = SOURCE_LANGUAGE, _locale(SOURCE_LANGUAGE, country)
    assert locale is not None  # English is always there
    return Wording(language, locale, catalogue(language), catalogue_problem(language))


def _locale(language: str, country: str) -> Locale | None:
    from babel import Locale, UnknownLocaleError

    code = _CLDR_CODES.get(language, language)
    for region in (country, _HOME_REGIONS.get(language, "")):
        if region:
            try:
                return Locale.parse(f"{code}_{region}")
            except (ValueError, UnknownLocaleError):
                continue
    try:
        return Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return None


def catalogue(language: str) -> gettext.NullTranslations:
    """The language's catalogue, read from its ``.po`` file; English words without one,
    or when the file cannot be read (:func:`catalogue_problem` says why)."""
    return _read_catalogue(language)[0]


def catalogue_problem(language: str) -> str:
    """Why the language's catalogue cannot be used, in the user's words; "" when it can."""
    return _read_catalogue(language)[1]


@functools.cache
def _read_catalogue(language: str) -> tuple[gettext.NullTranslations, str]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == SOURCE_LANGUAGE or not path.is_file():
        return gettext.NullTranslations(), ""
    try:
        with path.open("rb") as source:
            messages = read_po(source, locale=_CLDR_CODES.get(language, language),
                               abort_invalid=True)
        compiled = io.BytesIO()
        write_mo(compiled, messages)  # fuzzy entries are left out: they print in English
        compiled.seek(0)
        return gettext.GNUTranslations(compiled), ""
    except PoFileError as error:
        where = f", line {error.lineno}"
    except (OSError, ValueError, UnicodeError):
        where = ""
    # A translator's slip must not stop the letters: they print in English, and say so.
    return gettext.NullTranslations(), (
        f"The {language_name(language)} words could not be read ({path.name}{where}), so "
        "this document prints them in English. Ask whoever edited that file to check it.")


def translated(language: str) -> bool:
    """Whether Duly has the language's words (English, or a catalogue for it)."""
    return language == SOURCE_LANGUAGE or (
        LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()


def language_name(code: str, in_language: str = SOURCE_LANGUAGE) -> str:
    """A language code in words: "fr" is "French" (CLDR's names)."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(_CLDR_CODES.get(code, code)).get_display_name(
            _CLDR_CODES.get(in_language, in_language))
    except (ValueError, UnknownLocaleError):
        return code
    return str(name) if name else code
