"""Countries and the post: a country read from its name or code, the postcode where the
destination's post wants it, and the country line a letter going abroad carries."""

from __future__ import annotations

import re
from enum import Enum
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
    if is_country_code(cleaned.upper()):
        return cleaned.upper()
    return _country_names().get(cleaned.casefold(), "")


def is_country_code(code: str) -> bool:
    """Whether ``code`` (upper case, as stored) is a country's ISO 3166 two-letter code:
    the one rule for a country typed or imported."""
    return code in _codes()


@cache
def _codes() -> frozenset[str]:
    return frozenset(str(code) for code in Locale("en").territories if len(str(code)) == 2)


class PostcodePlace(Enum):
    """Where a country's post wants the postcode, relative to the town."""

    BEFORE_TOWN = "before"  # "10115 Berlin", "69002 Lyon", "105 63 Athina"
    AFTER_TOWN = "after"  # "Springfield, IL 62701", "Toronto ON  M5V 2T6"
    OWN_LINE = "own line"  # "BRISTOL" then "BS2 0AA"


# Each country's postcode as written, and where it goes: the national posts' addressing
# rules as the UPU collects them ("Postal addressing systems in member countries",
# upu.int; USPS Publication 28 § 2, Canada Post Addressing Guidelines, Royal Mail's
# Clear Addressing, Australia Post Addressing Standards). A country not here keeps
# its address as typed.
_BEFORE = PostcodePlace.BEFORE_TOWN
_POSTCODES: dict[str, tuple[str, PostcodePlace]] = {
    "DE": (r"\d{5}", _BEFORE), "FR": (r"\d{5}", _BEFORE), "IT": (r"\d{5}", _BEFORE),
    "ES": (r"\d{5}", _BEFORE), "FI": (r"\d{5}", _BEFORE), "EE": (r"\d{5}", _BEFORE),
    "HR": (r"\d{5}", _BEFORE), "MC": (r"980\d{2}", _BEFORE),
    "AT": (r"\d{4}", _BEFORE), "CH": (r"\d{4}", _BEFORE), "LI": (r"\d{4}", _BEFORE),
    "BE": (r"\d{4}", _BEFORE), "DK": (r"\d{4}", _BEFORE), "NO": (r"\d{4}", _BEFORE),
    "BG": (r"\d{4}", _BEFORE), "HU": (r"\d{4}", _BEFORE), "SI": (r"\d{4}", _BEFORE),
    "CY": (r"\d{4}", _BEFORE), "LU": (r"(?:L-)?\d{4}", _BEFORE),
    "NL": (r"\d{4} ?[A-Z]{2}", _BEFORE), "PT": (r"\d{4}-\d{3}", _BEFORE),
    "PL": (r"\d{2}-\d{3}", _BEFORE), "RO": (r"\d{6}", _BEFORE),
    "SE": (r"\d{3} ?\d{2}", _BEFORE), "GR": (r"\d{3} ?\d{2}", _BEFORE),
    "CZ": (r"\d{3} ?\d{2}", _BEFORE), "SK": (r"\d{3} ?\d{2}", _BEFORE),
    "LT": (r"(?:LT-)?\d{5}", _BEFORE), "IS": (r"\d{3}", _BEFORE),
    "US": (r"\d{5}(?:-\d{4})?", PostcodePlace.AFTER_TOWN),
    "CA": (r"[A-Z]\d[A-Z] ?\d[A-Z]\d", PostcodePlace.AFTER_TOWN),
    "AU": (r"\d{4}", PostcodePlace.AFTER_TOWN),
    "GB": (r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", PostcodePlace.OWN_LINE),
    "IE": (r"[A-Z]\d[\dW] ?[A-Z\d]{4}", PostcodePlace.OWN_LINE),
}
# A state or province between the town and the postcode: "IL", "ON", "NSW".
_REGION = re.compile(r"[A-Za-z]{2,3}")


def postal_address(address: str, country: str, from_country: str) -> str:
    """The address as it goes on the envelope.

    The postcode stands where the destination's post wants it ("10115 Berlin",
    "Springfield, IL 62701", the British one on its own line), when it was typed or
    imported on a line of its own; an address written on fewer lines is left as
    written. A letter crossing a border ends with the destination country in
    capitals, on its own line (Universal Postal Union, Letter Post Regulations, art.
    RL 122: in the language of the country of origin or another internationally
    known one; English here); an address that already ends with its country, in any
    language Duly reads, keeps that line.
    """
    destination = (country.strip() or from_country.strip()).upper()
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    country_line = lines.pop() if lines and country_code(lines[-1]) == destination else ""
    lines = _postcode_placed(lines, destination)
    name = Locale("en").territories.get(destination)
    if not country_line and name is not None and destination != from_country.strip().upper():
        country_line = name.upper()
    if not lines and not country_line:
        return address
    return "\n".join([*lines, *([country_line] if country_line else [])])


def _postcode_placed(lines: list[str], country: str) -> list[str]:
    """The address lines with a postcode that stands alone placed as ``country``'s post
    wants it, next to its town."""
    known = _POSTCODES.get(country)
    if known is None:
        return lines
    pattern, place = re.compile(known[0], re.IGNORECASE), known[1]
    last = len(lines) - 1
    if (last >= 1 and pattern.fullmatch(lines[last - 1]) and not pattern.fullmatch(lines[last])
            and _looks_like_town(lines[last])):
        return _joined(lines, last - 1, last, "", place, country)  # "10115" above "Berlin"
    if last < 1 or not pattern.fullmatch(lines[last]):
        return lines  # no postcode on a line of its own at the end: as written
    region = ""
    if last >= 2 and _REGION.fullmatch(lines[last - 1]) and not pattern.fullmatch(
            lines[last - 1]):  # "Springfield", "IL", "62701"
        region = lines[last - 1]
    town_at = last - 2 if region else last - 1
    if not _looks_like_town(lines[town_at]):
        return lines
    without_region = [line for i, line in enumerate(lines) if not region or i != last - 1]
    return _joined(without_region, town_at + 1, town_at, region, place, country)


def _looks_like_town(line: str) -> bool:
    """Whether a line can be a town: letters and no digits (a street has a number; a
    town written with one, "Paris Cedex 08", is left as written)."""
    return any(char.isalpha() for char in line) and not any(char.isdigit() for char in line)


def _joined(lines: list[str], code_at: int, town_at: int, region: str,
            place: PostcodePlace, country: str = "") -> list[str]:
    """The lines with the postcode at ``code_at`` and the town at ``town_at`` (and the
    state or province, if any) set as ``place`` wants them, where the town was."""
    code, town = lines[code_at], lines[town_at]
    if place is PostcodePlace.OWN_LINE:
        placed = [f"{town} {region}".strip(), code.upper()]
    elif place is PostcodePlace.BEFORE_TOWN:
        placed = [f"{code} {town} {region}".strip()]  # "00184 Roma RM"
    elif country == "US":
        placed = [f"{town}, {region} {code}" if region else f"{town} {code}"]
    else:  # Canada Post wants two spaces before the code; Australia Post one
        gap = "  " if country == "CA" else " "
        placed = [f"{town} {region}{gap}{code}" if region else f"{town} {code}"]
    first = min(code_at, town_at)
    rest = [line for i, line in enumerate(lines) if i not in (code_at, town_at)]
    return [*rest[:first], *placed, *rest[first:]]


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
