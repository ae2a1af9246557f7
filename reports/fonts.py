"""The fonts every document is set in: DejaVu Sans, shipped in ``resources/fonts/``.

reportlab's built-in Helvetica covers Latin-1 only; DejaVu Sans prints Greek,
Cyrillic and the rest of Europe, and is embedded so the reader needs nothing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parents[1] / "resources" / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


@cache
def register_fonts() -> tuple[str, str]:
    """Register the shipped fonts with reportlab (once) and give the regular and bold names."""
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)
    return REGULAR, BOLD


@cache
def _covered(name: str) -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def missing_characters(text: str, font: str = REGULAR) -> list[str]:
    """The characters of ``text`` that ``font`` has no glyph for, each once, in order
    (line breaks and other control characters are not counted)."""
    covered = _covered(font)
    missing: list[str] = []
    for char in text:
        if char.isprintable() and ord(char) not in covered and char not in missing:
            missing.append(char)
    return missing


# The longest name, number or reference a document prints whole: the input rules keep
# no longer ones, but an older store or an import may hold any length, and a cell of
# thousands of characters breaks a table's layout (or takes a minute to measure).
FIELD_LIMIT = 200
# A block of several lines (an address, bank details) prints whole up to this.
BLOCK_LIMIT = 1_000


def shortened(text: str, limit: int = FIELD_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, the cut shown by an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def printable(text: str, font: str = REGULAR) -> str:
    """``text`` with each character the font cannot draw replaced by "?", so a
    printed name shows a plain question mark rather than an empty box."""
    missing = missing_characters(text, font)
    for char in missing:
        text = text.replace(char, "?")
    return text


def unprintable_warning(what: str, text: str, font: str = REGULAR) -> str:
    """A warning in the user's words when ``text`` (e.g. "the customer's name") has
    characters the shipped font lacks; "" when it prints as typed."""
    missing = missing_characters(text, font)
    if not missing:
        return ""
    shown = ", ".join(f"\u201c{c}\u201d" for c in missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    return (f"{what[:1].upper()}{what[1:]} has characters the document font cannot print "
            f"({shown}{more}); they print as \u201c?\u201d. Check the printed copy, or "
            f"write them in Latin, Greek or Cyrillic letters.")
