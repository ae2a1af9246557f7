"""Countries and the post: a country read from its name or code, and the country line a
letter going abroad carries."""

from __future__ import annotations

from functools import cache

from babel import Locale

# Languages whose country names an export may use ("Deutschland", "Grèce").
_NAME_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl", "pt", "nb", "el", "bg")


def country_code(text: str) -> str:
    """A country as its two-letter code: "GB", "United Kingdom" or "Deutschland" all
    read; one Duly cannot place is left empty (the user can set it)."""
    cleaned = text.strip()
    if not cleaned:
        return ""
    if len(cleaned) == 2 and cleaned.isalpha() and cleaned.upper() in _codes():
        return cleaned.upper()
    return _country_names().get(cleaned.casefold(), "")


@cache
def _codes() -> frozenset[str]:
    return frozenset(str(code) for code in Locale("en").territories if len(str(code)) == 2)


def postal_address(address: str, country: str, from_country: str) -> str:
    """The address as it goes on the envelope: a letter crossing a border ends with the
    destination country in capitals, on its own line (Universal Postal Union, Letter
    Post Regulations, art. RL 122: in the language of the country of origin or another
    internationally known one; English here). An address that already ends with its
    country, in any language Duly reads, is left as it is; so is one at home, or of a
    country not known."""
    destination = country.strip().upper()
    if not destination or destination == from_country.strip().upper():
        return address
    name = Locale("en").territories.get(destination)
    if name is None:
        return address
    lines = [line for line in address.splitlines() if line.strip()]
    if lines and country_code(lines[-1]) == destination:
        return address
    return "\n".join([*lines, name.upper()])


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in _NAME_LANGUAGES:
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(name.casefold(), code)
    names.update({"uk": "GB", "usa": "US", "u.s.a.": "US", "england": "GB",
                  "scotland": "GB", "wales": "GB"})
    return names
