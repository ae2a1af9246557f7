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
