"""The fonts every document is set in: DejaVu Sans, shipped in ``resources/fonts/``, and,
for a character it lacks, the first fallback font on this computer that has it.

reportlab's built-in Helvetica covers Latin-1 only; DejaVu Sans prints Greek,
Cyrillic and the rest of Europe, and is embedded so the reader needs nothing. Names
in Chinese, Japanese, Korean or Thai, and emoji, print through fallback fonts that
Debian packages (``fonts-droid-fallback``, ``fonts-noto-core``, ``fonts-symbola``:
see the Makefile and docs/decisions.md), embedded as subsets like DejaVu. Text is
split into runs, each in the font that has its characters: :func:`markup` for a
Paragraph, :func:`draw_text` and :func:`text_width` on a canvas. A character no font
here has is refused before anything is recorded (:func:`check_printable`).
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    ShapedStr,
    TTFError,
    TTFont,
    TTFontFace,
)
from reportlab.pdfgen.textobject import PDFTextObject

from models.errors import LedgerError

FONT_DIR = Path(__file__).resolve().parents[1] / "resources" / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

_DEBIAN_FONTS = Path("/usr/share/fonts/truetype")
# The fallback fonts, first that has a character wins: (name, regular file, bold file).
# All TrueType outlines, which reportlab can embed (not Noto Sans CJK's CFF .ttc, nor
# Noto Color Emoji's bitmaps). DroidSansFallbackFull has the most ideographs but no
# Hangul; DroidSansFallback, from the same package, has the Hangul syllables.
FALLBACKS: tuple[tuple[str, Path, Path | None], ...] = (
    ("DroidSansFallbackFull", _DEBIAN_FONTS / "droid" / "DroidSansFallbackFull.ttf", None),
    ("DroidSansFallback",
     Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf"), None),
    ("NotoSansThai", _DEBIAN_FONTS / "noto" / "NotoSansThai-Regular.ttf",
     _DEBIAN_FONTS / "noto" / "NotoSansThai-Bold.ttf"),
    ("Symbola", _DEBIAN_FONTS / "ancient-scripts" / "Symbola_hint.ttf", None),
)


class Compressed:
    """A FlateDecode filter for a stream whose content is compressed already."""

    pdfname = "FlateDecode"

    @staticmethod
    def encode(content: bytes) -> bytes:
        """The content as it is."""
        return content

    def __str__(self) -> str:
        return "/FlateDecode"


@dataclass(frozen=True)
class _Subset:
    """What a font subset puts in a PDF, ready to be written: its widths (formatted),
    its ToUnicode map and its font file (compressed, with its length before)."""

    widths: bytes
    to_unicode: bytes
    font_file: bytes
    font_file_length: int


class _Formatted(pdfdoc.PDFObject):
    """A PDF value formatted already."""

    def __init__(self, formatted: bytes) -> None:
        self.formatted = formatted

    def format(self, document: Any) -> bytes:
        """The value as it was formatted."""
        return self.formatted


# The font subsets made while many documents are written each to a file of its own:
# (subset's font name, its characters in code order) -> what it puts in a PDF.
_Subsets = dict[tuple[str, tuple[int, ...]], _Subset]
_shared_subsets: ContextVar[_Subsets | None] = ContextVar("_shared_subsets", default=None)
# A thousand statements made 302 subsets of the two faces, each about 20 KB compressed.
_SUBSETS_KEPT = 256


@contextmanager
def subsets_shared() -> Iterator[None]:
    """While many documents are written each to a file of its own, a subset of the
    shipped fonts that one of them embedded is embedded as it is by the next that uses
    the same characters: making a subset, compressing it and writing its widths and
    its ToUnicode map were a third of the time of a statement into its own file
    (docs/performance.md). Each file is the same, byte for byte, as one written alone."""
    if _shared_subsets.get() is not None:
        yield
        return
    token = _shared_subsets.set({})
    try:
        yield
    finally:
        _shared_subsets.reset(token)


class _SharingFont(TTFont):
    """A shipped font, embedding within :func:`subsets_shared` a subset made already."""

    def addObjects(self, doc: Any) -> None:  # noqa: N802 (reportlab's name)
        """Put the subsets this document used into it, as reportlab 5.1's own
        ``TTFont.addObjects`` and ``TTFontFace.addSubsetObjects`` do, each made once."""
        shared = _shared_subsets.get()
        if shared is None or not doc.compression:
            super().addObjects(doc)
            return
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        face = self.face
        for number, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(number, doc)[1:]
            base_name = b"".join((ttfonts.SUBSETN(number), b"+", face.name,
                                  face.subfontNameX)).decode("pdfdoc")
            made = _shared_subset(shared, face, doc, base_name, subset)
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {number}"
            font.Name = internal_name
            font.BaseFont = base_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = _Formatted(made.widths)
            font.ToUnicode = doc.Reference(
                pdfdoc.PDFStream(content=made.to_unicode, filters=[Compressed()]),
                "toUnicodeCMap:" + base_name)
            font.FontDescriptor = _descriptor(face, doc, base_name, made)
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]


def _shared_subset(shared: _Subsets, face: TTFontFace, doc: Any, base_name: str,
                   subset: Sequence[int]) -> _Subset:
    """The subset's parts, made (and kept) the first time they are asked for."""
    key = (base_name, tuple(subset))
    made = shared.pop(key, None)
    if made is None:
        content = face.makeSubset(subset)
        widths = pdfdoc.PDFArray(list(map(face.getCharWidth, subset))).format(doc)
        made = _Subset(widths, zlib.compress(ttfonts.makeToUnicodeCMap(base_name, subset)
                                             .encode("utf8")),
                       zlib.compress(content), len(content))
        if len(shared) >= _SUBSETS_KEPT:
            del shared[next(iter(shared))]  # the one used longest ago goes
    shared[key] = made  # (again) the last used
    return made


def _descriptor(face: TTFontFace, doc: Any, base_name: str, made: _Subset) -> Any:
    """A reference to the subset's font descriptor, with its font file, in ``doc``."""
    font_file = pdfdoc.PDFStream(
        dictionary=pdfdoc.PDFDictionary({"Length1": made.font_file_length}),
        content=made.font_file, filters=[Compressed()])
    descriptor = pdfdoc.PDFDictionary({
        "Type": "/FontDescriptor",
        "Ascent": face.ascent,
        "CapHeight": face.capHeight,
        "Descent": face.descent,
        "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
        "FontBBox": pdfdoc.PDFArray(face.bbox),
        "FontName": pdfdoc.PDFName(base_name),
        "ItalicAngle": face.italicAngle,
        "StemV": face.stemV,
        "FontFile2": doc.Reference(font_file, f"fontFile:{face.filename}({base_name})"),
        "MissingWidth": face.defaultWidth,
    })
    return doc.Reference(descriptor, "fontDescriptor:" + base_name)


@cache
def register_fonts() -> tuple[str, str]:
    """Register the shipped fonts with reportlab (once) and give the regular and bold names."""
    for name, file in _FILES.items():
        pdfmetrics.registerFont(_SharingFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)
    return REGULAR, BOLD


@cache
def _covered(name: str) -> frozenset[int]:
    """The code points a registered font has a glyph for (read once: a batch of a
    thousand letters asks for every character of every name)."""
    register_fonts()
    font: Any = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


@cache
def _fallbacks(bold: bool) -> tuple[str, ...]:
    """The fallback fonts found on this computer, registered, in the order they are
    tried; for bold text the bold face where the font has one. A font that is missing
    or unreadable is left out: its characters are then refused, not printed as boxes."""
    names = []
    for name, regular, bold_file in FALLBACKS:
        path = bold_file if bold and bold_file is not None else regular
        face = f"{name}-Bold" if path == bold_file else name
        try:
            font = TTFont(face, str(path))
        except (OSError, TTFError):
            continue
        # reportlab takes a second font whose file has the same PostScript name for the
        # first one (both Droid files call themselves "DroidSansFallback"): named apart.
        font.face.name = face.encode("ascii")
        pdfmetrics.registerFont(font)
        names.append(face)
    return tuple(names)


def _chain(font: str) -> tuple[str, ...]:
    """The fonts tried, in order, for a character of text set in ``font``: the font,
    then (for bold) the regular face, then the fallbacks."""
    register_fonts()
    bold = font == BOLD
    return (font, *((REGULAR,) if bold else ()), *_fallbacks(bold))


# Characters that draw nothing (a control character such as a line break, a joiner, a
# line separator): they stay in the document font, as they always have.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


@lru_cache(maxsize=8192)
def _drawn(char: str, font: str) -> tuple[str, str] | None:
    """How a character of text set in ``font`` is drawn: (font, what is drawn), or None
    when no font here has it. A variation selector (the U+FE0F after "❤" asking for its
    emoji look) is left out, and a space no font has is drawn as a plain space."""
    code = ord(char)
    if code in _covered(font):
        return font, char
    category = unicodedata.category(char)
    if category in _INVISIBLE:
        return font, char
    if "VARIATION SELECTOR" in unicodedata.name(char, ""):
        return font, ""
    face = next((name for name in _chain(font)[1:] if code in _covered(name)), None)
    if face is not None:
        return face, char
    return (font, " ") if category == "Zs" else None


def missing_characters(text: str, font: str = REGULAR) -> list[str]:
    """The characters of ``text`` that no font here can print (a private-use or an
    unassigned code point, a script no font here has), each once, in order; line
    breaks and other characters that draw nothing are not counted."""
    covered = _covered(font)
    # Each distinct character once: a letter's text is long, and its line breaks alone
    # (which no font has, and which draw nothing) would send it round every character.
    missing = {c for c in set(text) if ord(c) not in covered and _drawn(c, font) is None}
    if not missing:
        return []
    return list(dict.fromkeys(c for c in text if c in missing))


def spelled(char: str) -> str:
    """A character as the user is told of it: “X” (U+E000)."""
    return f"\u201c{char}\u201d (U+{ord(char):04X})"


@lru_cache(maxsize=8192)
def font_runs(text: str, font: str = REGULAR) -> tuple[tuple[str, str], ...]:
    """``text`` as runs of (font, text), each character in the first font that has it.
    Only a page for the business itself (e.g. the skipped letters of a batch) ever
    gets a character no font has: it is spelled out as "[U+E000]", never a box or a
    silent "?"."""
    if _covered(font).issuperset(map(ord, text)):
        return ((font, text),) if text else ()
    runs: list[tuple[str, str]] = []
    for char in text:
        face, piece = _drawn(char, font) or (font, f"[U+{ord(char):04X}]")
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + piece)
        elif piece:
            runs.append((face, piece))
    return tuple(runs)


def text_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` at ``size`` points, each run in its own font."""
    return sum(stringWidth(piece, face, size) for face, piece in font_runs(text, font))


# Strings a canvas keeps encoded at most: a batch of a thousand letters repeats its
# headings, dates and template sentences; a run of statements could grow it unbounded.
_ENCODED_AT_MOST = 50_000


class PlainTextObject(PDFTextObject):
    """Reportlab's text object for the fonts Duly embeds, each string encoded into its
    font's subsets once per canvas rather than character by character each time it
    is drawn (a batch draws the same headings, dates and sentences a thousand times;
    encoding them was a fifth of drawing a letter). The PDF it writes is the same."""

    def _formatText(self, text: str) -> str:  # noqa: N802 (reportlab's name)
        font = pdfmetrics.getFont(self._fontname)
        if not isinstance(font, TTFont) or isinstance(text, ShapedStr):
            return str(super()._formatText(text))
        canvas = self._canvas
        encoded: dict[tuple[str, str], list[tuple[int, str]]] = \
            canvas.__dict__.setdefault("_duly_encoded", {})
        pieces = encoded.get((self._fontname, text))
        if pieces is None:
            if len(encoded) >= _ENCODED_AT_MOST:
                encoded.clear()
            pieces = encoded[(self._fontname, text)] = [
                (subset, canvas._escape(chunk))
                for subset, chunk in font.splitString(text, canvas._doc)]
        code = []
        current: int = self._curSubset  # type: ignore[has-type]  # set by reportlab
        for subset, chunk in pieces:
            if subset != current:
                code.append(f"{font.getSubsetInternalName(subset, canvas._doc)} "
                            f"{fp_str(self._fontsize)} Tf {fp_str(self._leading)} TL")
                current = subset
            code.append(f"({chunk}) Tj")
        self._curSubset = current
        return " ".join(code)


    def place(self, x: float, y: float, text: str) -> None:
        """Draw ``text`` starting at (``x``, ``y``), as ``setTextOrigin`` then ``textOut``
        would, without measuring it to move the cursor on (a table places each cell
        anew; measuring the thousands of a batch cost a tenth of drawing them)."""
        self.setTextOrigin(x, y)
        self._code.append(self._formatText(text))


def begin_text(canvas: Any, x: float = 0, y: float = 0) -> PlainTextObject:
    """A text object on ``canvas`` at (``x``, ``y``), as ``canvas.beginText`` gives,
    drawn with ``canvas.drawText``."""
    return PlainTextObject(canvas, x, y)


def draw_text(canvas: Any, x: float, y: float, text: str, font: str, size: float, *,
              align: str = "left") -> None:
    """Draw one line of plain text (no markup) with its baseline at ``y``, starting at
    ``x`` ("left"), ending at it ("right") or centred on it ("centre"); each run in its
    own font, the canvas left set in ``font``."""
    runs = font_runs(text, font)
    if align != "left":
        width = sum(stringWidth(piece, face, size) for face, piece in runs)
        x -= width if align == "right" else width / 2
    if len(runs) == 1 and runs[0][0] == font:  # what canvas.drawString draws
        canvas.setFont(font, size)
        line = begin_text(canvas, x, y)
        line.textLine(runs[0][1])
        canvas.drawText(line)
        return
    # One text object for the line, so a PDF reader reads it back as one line.
    line = begin_text(canvas, x, y)
    for face, piece in runs:
        line.setFont(face, size)
        line.textOut(piece)
    canvas.drawText(line)
    canvas.setFont(font, size)


def markup(text: str, font: str = REGULAR) -> str:
    """Plain text as a Paragraph's markup: "A & B <Ltd>" escaped, and each run of
    characters ``font`` lacks wrapped in ``<font name=…>`` for the font that has them."""
    return "".join(escape(piece) if face == font else f'<font name="{face}">{escape(piece)}</font>'
                   for face, piece in font_runs(text, font))


def needs_fallback(text: str, font: str = REGULAR) -> bool:
    """Whether ``text`` has a character ``font`` lacks (so a table cell cannot draw it
    as a plain string, which reportlab sets in one font)."""
    return not _covered(font).issuperset(map(ord, text))


# The longest name, number or reference a document prints whole: the input rules keep
# no longer ones, but an older store or an import may hold any length, and a cell of
# thousands of characters breaks a table's layout (or takes a minute to measure).
FIELD_LIMIT = 200
# A block of several lines (an address, bank details) prints whole up to this.
BLOCK_LIMIT = 1_000


def shortened(text: str, limit: int = FIELD_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, the cut shown by an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


class UnprintableText(LedgerError):
    """A document that cannot be printed, and so is not recorded as sent: some of its
    text has characters no font here has. The message names the customer, the fields
    and the characters; ``reason`` says it without the customer, for a list that
    names them already."""

    def __init__(self, field: str, message: str, reason: str) -> None:
        super().__init__(field, message)
        self.reason = reason


def refusal_reason(refusal: LedgerError) -> str:
    """Why a document is left out, for a list that names its customer already."""
    return refusal.reason if isinstance(refusal, UnprintableText) else refusal.message


def check_printable(document: str, customer: str, fields: Iterable[tuple[str, str]]) -> None:
    """Refuse (:class:`UnprintableText`) ``document`` ("letter", "statement") to
    ``customer`` when any of ``fields`` — (what, text) pairs such as ("its name",
    "株式会社山田") — has a character no font here can print."""
    bad: dict[str, list[str]] = {}
    for what, text in fields:
        for char in missing_characters(text):
            bad.setdefault(what, [])
            if char not in bad[what]:
                bad[what].append(char)
    if bad:
        reason = unprintable_reason(document, bad)
        raise UnprintableText("printing", f"Not printed: the {document} to "
                                          f"\u201c{shortened(customer, 80)}\u201d \u2014 "
                                          f"{reason[:1].lower()}{reason[1:]}", reason)


def unprintable_reason(document: str, bad: dict[str, list[str]]) -> str:
    """'The customer's name has a character no font here can print (“…” (U+…)). Change
    it, or print the letter by hand.'"""
    whats = list(bad)
    said = whats[0] if len(whats) == 1 else f"{', '.join(whats[:-1])} and {whats[-1]}"
    chars = list(dict.fromkeys(c for found in bad.values() for c in found))
    shown = ", ".join(spelled(c) for c in chars[:5])
    more = f" and {len(chars) - 5} more" if len(chars) > 5 else ""
    verb = "has" if len(whats) == 1 else "have"
    noun = "a character" if len(chars) == 1 else "characters"
    return (f"{said[:1].upper()}{said[1:]} {verb} {noun} no font here can print "
            f"({shown}{more}). Change {'it' if len(chars) == 1 else 'them'}, or print the "
            f"{document} by hand.")


_REPORTLAB_CMAP = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode map of a font subset, with a character beyond U+FFFF (an
    emoji) written as the UTF-16 pair PDF asks for: reportlab 5.1 writes "<1F600>",
    an odd number of digits that readers reject, so the emoji would not copy or search."""
    wide = {f"<{i:02X}> <{code:04X}>":
            f"<{i:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>"
            for i, code in enumerate(subset) if code > 0xFFFF}
    cmap = _REPORTLAB_CMAP(fontname, subset)
    return "\n".join(wide.get(line, line) for line in cmap.split("\n")) if wide else cmap


ttfonts.makeToUnicodeCMap = _to_unicode_cmap
