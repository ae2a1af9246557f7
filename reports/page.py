"""The page every document is printed on: paper size, letterhead, the recipient's
address placed for a window envelope, and "Page X of Y"."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from models.language import Wording, wording
from reports.fonts import (
    BOLD,
    REGULAR,
    begin_text,
    draw_text,
    markup,
    needs_fallback,
    register_fonts,
    text_width,
)

INK = HexColor("#222222")
MUTED = HexColor("#666666")
RULE = HexColor("#B0B0B0")
SHADE = HexColor("#EEF1F4")
ZEBRA = HexColor("#F7F8FA")
# Points: the least an amount of a billion and more shrinks to, to fit its column.
SMALLEST_AMOUNT_SIZE = 5.5

# The language of a batch's PDF, whose documents may be in several: a document of its
# own carries its customer's (DocumentRenderer.language_tag).
DOCUMENT_LANGUAGE = "en-GB"


@dataclass(frozen=True)
class Rect:
    """A rectangle on the page in points, from the bottom-left corner (reportlab's way)."""

    x: float
    y: float
    width: float
    height: float

    def contains(self, x: float, y: float) -> bool:
        """Whether the point lies inside (edges included)."""
        return self.x <= x <= self.x + self.width and self.y <= y <= self.y + self.height


@dataclass(frozen=True)
class Letterhead:
    """The sender as printed at the top of the first page; plain user text."""

    name: str
    address: str
    email: str
    phone: str
    registration: str
    logo: bytes | None


def paper(page_size: str) -> tuple[float, float]:
    """Width and height in points of "A4" or "Letter" (anything else is A4)."""
    return LETTER if page_size.strip().lower() == "letter" else A4


@dataclass(frozen=True)
class EnvelopeWindow:
    """An envelope's window on the folded sheet, wherever the sheet rides inside."""

    shows: Rect  # all the window can show, in some position: nothing else prints there
    address: Rect  # where the address prints: in view, with the post's clearance, always
    return_line: bool  # a one-line return address goes above the recipient


# A4: the DIN 5008 form B window envelope (DL/C5-6), window 20 mm from the left, 45 mm
# from the top, 85 x 45 mm (DIN 5008:2020, "Anschriftfeld Form B"; DIN 680), the
# address 2 mm inside it under a one-line return address (the "Rücksendeangabe").
_DIN_WINDOW_MM = (20.0, 45.0, 85.0, 45.0)  # left, top, width, height

# US Letter: the #10 window envelope, 9 1/2 x 4 1/8 in, its window 4 1/2 x 1 1/8 in,
# 7/8 in from the envelope's left and 1/2 in from its bottom edge. The sheet is folded
# at Duly's fold marks 4 in and 8 in from its top, so the address panel is 4 in tall
# and rides up to 1/8 in up and down, and the 8 1/2 in sheet up to 1 in side to side.
# USPS DMM 601.6.3: at least 1/8 in clear between the address and every edge of the
# window, "when the insert is moved to its full limits in each direction". A return
# address has no place in a #10 window (it goes on the envelope or in the letterhead).
_NO10_ENVELOPE_IN = (9.5, 4.125)
_NO10_WINDOW_IN = (0.875, 0.5, 4.5, 1.125)  # left, from the bottom, width, height
_LETTER_PANEL_IN = 4.0
_POSTAL_CLEARANCE_IN = 0.125


def envelope_window(page_size: str) -> EnvelopeWindow:
    """Where the recipient's address sits to show through the window envelope the
    paper goes in, and the band of the sheet the window can show."""
    width, height = paper(page_size)
    if (width, height) == LETTER:
        return _no10_window(width, height)
    left, top, across, down = (value * mm for value in _DIN_WINDOW_MM)
    shows = Rect(left, height - top - down, across, down)
    return EnvelopeWindow(shows, Rect(left + 2 * mm, shows.y + 2 * mm, across - 4 * mm,
                                      down - 4 * mm), return_line=True)


def _no10_window(width: float, height: float) -> EnvelopeWindow:
    envelope_width, envelope_height = _NO10_ENVELOPE_IN
    left, bottom, across, down = _NO10_WINDOW_IN
    side_play = envelope_width - width / inch
    up_play = envelope_height - _LETTER_PANEL_IN
    # From the sheet's top edge, with its fold resting on the envelope's bottom edge.
    top_at_rest = _LETTER_PANEL_IN - bottom - down
    shows_top, shows_bottom = top_at_rest, top_at_rest + down + up_play
    shows_left, shows_right = max(0.0, left - side_play), left + across
    clear = _POSTAL_CLEARANCE_IN
    seen_top, seen_bottom = top_at_rest + up_play + clear, top_at_rest + down - clear
    seen_left, seen_right = left + clear, left + across - side_play - clear
    return EnvelopeWindow(
        shows=Rect(shows_left * inch, height - shows_bottom * inch,
                   (shows_right - shows_left) * inch, (shows_bottom - shows_top) * inch),
        address=Rect(seen_left * inch, height - seen_bottom * inch,
                     (seen_right - seen_left) * inch, (seen_bottom - seen_top) * inch),
        return_line=False)


def address_window(page_size: str) -> Rect:
    """The band of the sheet the envelope's window can show: the address goes inside
    it (:func:`envelope_window`), and nothing else of the letter may print there."""
    return envelope_window(page_size).shows


# Fold marks: DIN 5008 form B folds an A4 sheet at 105 mm and 210 mm from its top, its
# punch mark at the middle, 148.5 mm; a US Letter sheet folds at 4 in and 8 in, for the
# #10 window (above). Short strokes at the left edge, where the envelope hides them.
FOLD_MARKS_MM = (105.0, 210.0)
PUNCH_MARK_MM = 148.5
LETTER_FOLD_MARKS_MM = (_LETTER_PANEL_IN * 25.4, 2 * _LETTER_PANEL_IN * 25.4)


def fold_marks_mm(page_size: str) -> tuple[tuple[float, ...], float | None]:
    """Where the sheet is folded, and punched (None: not), in mm from its top."""
    if paper(page_size) == LETTER:
        return LETTER_FOLD_MARKS_MM, None
    return FOLD_MARKS_MM, PUNCH_MARK_MM


def draw_fold_marks(canvas: Canvas, page_size: str) -> None:
    """The fold marks of a letter, and on A4 the punch mark (a US sheet is not punched
    for a European binder)."""
    height = paper(page_size)[1]
    folds, punch = fold_marks_mm(page_size)
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.4)
    for from_top in folds:
        y = height - from_top * mm
        canvas.line(4 * mm, y, 9 * mm, y)
    if punch is not None:
        y = height - punch * mm
        canvas.line(4 * mm, y, 12 * mm, y)
    canvas.restoreState()


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The named paragraph styles of every document."""
    register_fonts()
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "sender": ParagraphStyle("sender", base, fontSize=6.5, leading=8, textColor=MUTED),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=9.5),
        "slip": ParagraphStyle("slip", base, fontSize=8.5, leading=10.5),
        "address": ParagraphStyle("address", base, fontSize=10, leading=12.5),
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=16, leading=20,
                                spaceAfter=4),
        "heading": ParagraphStyle("heading", base, fontName=BOLD, fontSize=10.5, leading=14,
                                  spaceBefore=10, spaceAfter=4),
        "business": ParagraphStyle("business", base, fontName=BOLD, fontSize=14, leading=17),
        "right": ParagraphStyle("right", base, fontSize=8, leading=10.5, alignment=2,
                                textColor=MUTED),
    }


def draw_letterhead(canvas: Canvas, sender: Letterhead, page_size: str) -> float:
    """Draw the sender's logo, name and details across the top; return the y below them.

    The letterhead is the same on every page of a batch, so it is drawn once per
    PDF as a form and stamped after that.
    """
    form = f"letterhead-{hash((sender, page_size)) & 0xFFFFFFFF:08x}"
    if form not in _forms(canvas):
        canvas.beginForm(form)
        bottom = _draw_letterhead(canvas, sender, page_size)
        canvas.endForm()
        _forms(canvas)[form] = bottom
    canvas.doForm(form)
    return _forms(canvas)[form]


def _forms(canvas: Canvas) -> dict[str, float]:
    """The letterhead forms drawn on this canvas's document, and the y below each."""
    document: Any = canvas._doc
    if not hasattr(document, "duly_forms"):
        document.duly_forms = {}
    forms: dict[str, float] = document.duly_forms
    return forms


def letterhead_bottom(sender: Letterhead, page_size: str) -> float:
    """The y of the rule under the letterhead, below which a page without an address
    window can start its text."""
    name, details = _letterhead_lines(sender, page_size)
    return _rule_below(sender, page_size, lines_height(name, 14, 17),
                       lines_height(details, 8, 10.5))


def _letterhead_lines(sender: Letterhead, page_size: str) -> tuple[list[str], list[str]]:
    """The sender's name, and the contact details beside it, each in the lines that fit."""
    width = paper(page_size)[0]
    contact = [sender.address.strip(), sender.phone.strip(), sender.email.strip(),
               sender.registration.strip()]
    return (wrap_lines(sender.name, BOLD, 14, 90 * mm),
            wrap_lines("\n".join(p for p in contact if p), REGULAR, 8, width - 140 * mm))


def _rule_below(sender: Letterhead, page_size: str, name_h: float, details_h: float) -> float:
    """The y of the rule under a letterhead whose name and details are this tall."""
    top = paper(page_size)[1] - 12 * mm
    return top - max(name_h, details_h, 16 * mm if sender.logo else 0) - 3 * mm


def _draw_letterhead(canvas: Canvas, sender: Letterhead, page_size: str) -> float:
    width, height = paper(page_size)
    register_fonts()
    left, right, top = 20 * mm, width - 20 * mm, height - 12 * mm
    x = left
    if sender.logo:
        try:
            image = ImageReader(io.BytesIO(sender.logo))
            iw, ih = image.getSize()
            h = 16 * mm
            w = min(h * iw / ih, 45 * mm)
            h = w * ih / iw
            canvas.drawImage(image, left, top - h, w, h, mask="auto")
            x = left + w + 5 * mm
        except (OSError, ValueError):  # an unreadable logo must not stop the document
            pass
    name, details = _letterhead_lines(sender, page_size)
    canvas.setFillColor(INK)
    name_h = draw_lines(canvas, x, top, name, BOLD, 14, 17)
    canvas.setFillColor(MUTED)
    details_h = draw_lines(canvas, right, top, details, REGULAR, 8, 10.5, align="right")
    bottom = _rule_below(sender, page_size, name_h, details_h)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(left, bottom, right, bottom)
    return bottom


def wrap_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """User text broken into lines that fit ``width``: its own line breaks kept,
    long lines wrapped at spaces (a word longer than the width is cut)."""
    return list(_wrapped_lines(text, font, size, width))


# A batch of documents breaks the same labels, headings and letterhead again and again.
@lru_cache(maxsize=4096)
def _wrapped_lines(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    register_fonts()
    lines: list[str] = []
    for line in text.strip().splitlines():
        parts = (_split_words(line, font, size, width) if needs_fallback(line, font)
                 else simpleSplit(line, font, size, width))
        for part in parts or [""]:
            lines += _broken(part, font, size, width)
    return tuple(lines)


def _split_words(line: str, font: str, size: float, width: float) -> list[str]:
    """What reportlab's ``simpleSplit`` does (lines broken at spaces), measuring each run
    of the line in the font that prints it."""
    lines: list[str] = []
    current = ""
    for word in line.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, font, size) > width:
            lines.append(current)
            candidate = word
        current = candidate
    return [*lines, current] if current else lines


def fitted(text: str, width: float, size: float, font: str = REGULAR) -> str:
    """One line of text cut with "…" to fit ``width`` (a field that overflowed would run
    into its neighbour); the cut found by halving, so a long text costs a few
    measurements, not one per character."""
    register_fonts()
    if text_width(text, font, size) <= width:
        return text
    low, high = 0, len(text)  # text[:low] + "…" fits; text[:high] + "…" does not
    while high - low > 1:
        middle = (low + high) // 2
        if text_width(text[:middle] + "\u2026", font, size) <= width:
            low = middle
        else:
            high = middle
    return text[:low].rstrip() + "\u2026"


def _broken(line: str, font: str, size: float, width: float) -> list[str]:
    """``line`` as it is when it fits ``width``, else cut into pieces that do
    (reportlab's split leaves a word wider than the line whole, to run off the page)."""
    if text_width(line, font, size) <= width:
        return [line]
    pieces, piece, used = [], "", 0.0
    for char in line:
        char_width = text_width(char, font, size)
        # A combining mark (a Thai vowel or tone mark) stays with the letter it sits on.
        if piece and used + char_width > width and unicodedata.category(char) != "Mn":
            pieces.append(piece)
            piece, used = "", 0.0
        piece += char
        used += char_width
    return [*pieces, piece]


def draw_lines(canvas: Canvas, x: float, top: float, lines: Sequence[str], font: str,
               size: float, leading: float, *, align: str = "left") -> float:
    """Draw lines of plain text (no markup: "A & B <Ltd>" prints as typed) from ``top``
    down, the first baseline one font size below it; return the height used."""
    baseline = top - size
    if align == "left" and not any(needs_fallback(line, font) for line in lines):
        # One text object for them all: a thousand letters' paragraphs drawn line by
        # line would each open and close their own.
        text = begin_text(canvas, x, baseline)
        text.setFont(font, size, leading)
        for line in lines:
            text.textLine(line)
        canvas.drawText(text)
        canvas.setFont(font, size)
        return lines_height(lines, size, leading)
    for line in lines:
        draw_text(canvas, x, baseline, line, font, size, align=align)
        baseline -= leading
    return lines_height(lines, size, leading)


def lines_height(lines: Sequence[str], size: float, leading: float) -> float:
    """The height :func:`draw_lines` takes for these lines."""
    return leading * len(lines) - (leading - size) * 0.5 if lines else 0.0


class PlainText(Flowable):
    """Plain user text in one paragraph style, wrapped at spaces: what a Paragraph
    does for text without markup, at a fraction of its cost, and with nothing to
    escape ("A & B <Ltd>" prints as typed)."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text, self.style = text, style
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter
        self._lines: list[str] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        style = self.style
        self.width = availWidth
        self._lines = wrap_lines(self.text, style.fontName, style.fontSize, availWidth)
        self.height = style.leading * len(self._lines)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """The lines that fit ``availHeight`` and the rest, as two texts (a long
        paragraph a user wrote runs on to the next page, as a Paragraph would), at
        least two lines each; a shorter paragraph goes over whole."""
        lines = wrap_lines(self.text, self.style.fontName, self.style.fontSize, availWidth)
        # Never one line alone at the foot of a page or at the head of the next.
        fit = min(int(availHeight // self.style.leading), len(lines) - 2)
        if fit < 2:
            return []
        first = PlainText("\n".join(lines[:fit]), self.style)
        rest = PlainText("\n".join(lines[fit:]), self.style)
        first.spaceAfter, rest.spaceBefore = 0, 0
        return [first, rest]

    def draw(self) -> None:
        style = self.style
        self.canv.setFillColor(style.textColor)
        draw_lines(self.canv, 0, self.height - (style.leading - style.fontSize) / 2,
                   self._lines, style.fontName, style.fontSize, style.leading)


def table_cell(text: str, width: float, size: float = 8, font: str = REGULAR
               ) -> str | Paragraph:
    """A table cell's text as it is when it fits on one line ``width`` wide (so it lines
    up with the rest of the row, and costs a table nothing to lay out), else as a
    paragraph that wraps; a paragraph too when a character is in a fallback font (a
    plain cell is drawn in one font)."""
    if not needs_fallback(text, font) and text_width(text, font, size) <= width:
        return text
    style = styles()["cell"]
    return Paragraph(markup(text, font), ParagraphStyle(
        f"cell-{font}-{size}", style, fontName=font, fontSize=size,
        leading=size * style.leading / style.fontSize))


# The recipient's type size and leading, largest first: a long address is set
# smaller before any of it is left out of the window.
_ADDRESS_TYPE = ((10.0, 12.5), (9.0, 11.0), (8.0, 9.5))


@dataclass(frozen=True)
class AddressFit:
    """How the address is set in the window: its lines, type size and leading, and how
    many lines did not fit even in the smallest size (left off the end)."""

    sender_lines: list[str]
    lines: list[str]
    size: float
    leading: float
    left_off: int


def return_address(sender: Letterhead) -> str:
    """The one-line return address above the recipient: "Name, Street, Town"."""
    return ", ".join([sender.name, *(line.strip() for line in sender.address.splitlines()
                                     if line.strip())])


def recipient_lines(name: str, contact: str, address: str, words: Wording | None = None
                    ) -> list[str]:
    """The recipient as addressed: the customer, "Attn." the contact, then the address."""
    lines = [name]
    if contact.strip():
        attention = (words or wording("en")).gettext("Attn. {contact}")
        lines.append(attention.format(contact=contact.strip()))
    return lines + [line for line in address.splitlines() if line.strip()]


def fit_address(page_size: str, sender_line: str, recipient: Sequence[str]) -> AddressFit:
    """Set the return address (where the envelope has room for it) and the recipient to
    fit the envelope window."""
    window = envelope_window(page_size)
    inner = window.address.width
    sender = wrap_lines(sender_line, REGULAR, 6.5, inner) if window.return_line else []
    room = window.address.height - (8 * len(sender) + 2 * mm if sender else 0)
    text = "\n".join(line for line in recipient if line.strip())
    for size, leading in _ADDRESS_TYPE:
        lines = wrap_lines(text, REGULAR, size, inner)
        # The first line's cap height to the last one's descenders (about a quarter of
        # the size in DejaVu Sans) stays inside the room.
        fits = int((room - 1.25 * size) // leading) + 1
        if len(lines) <= fits:
            return AddressFit(sender, lines, size, leading, 0)
    return AddressFit(sender, lines[:fits], size, leading, len(lines) - fits)


def address_warning(page_size: str, sender_line: str, recipient: Sequence[str]) -> str:
    """A warning in the user's words when the address is too long for the window; ""."""
    fit = fit_address(page_size, sender_line, recipient)
    if not fit.left_off:
        return ""
    noun = "line" if fit.left_off == 1 else f"{fit.left_off} lines"
    return (f"The address is too long for the envelope window: its last {noun} "
            f"cannot be printed. Shorten the customer's address (e.g. join the town "
            f"and postcode on one line).")


def draw_address(canvas: Canvas, page_size: str, sender_line: str, recipient: Sequence[str]
                 ) -> None:
    """Draw the one-line return address and the recipient inside the envelope window
    (smaller type for a long address; what still does not fit is left off, never
    printed outside the window: see :func:`address_warning`)."""
    area = envelope_window(page_size).address
    fit = fit_address(page_size, sender_line, recipient)
    left, top = area.x, area.y + area.height
    if fit.sender_lines:
        canvas.setFillColor(MUTED)
        top -= draw_lines(canvas, left, top, fit.sender_lines, REGULAR, 6.5, 8) + 2 * mm
    canvas.setFillColor(INK)
    draw_lines(canvas, left, top, fit.lines, REGULAR, fit.size, fit.leading)


def page_footer(page: int, pages: int, words: Wording | None = None) -> str:
    """The footer of every document, in its language: "Page 2 of 3"."""
    return (words or wording("en")).gettext("Page {page} of {pages}").format(
        page=page, pages=pages)


def canvas_footer(canvas: Canvas, page: int, pages: int) -> None:
    """Draw the footer of a page, in the language of the document drawn on it."""
    draw_footer(canvas, page_footer(page, pages, getattr(canvas, "duly_words", None)))


def draw_footer(canvas: Canvas, text: str) -> None:
    """The footer line at the foot of the page, right-aligned to the margin."""
    canvas.setFillColor(MUTED)
    draw_text(canvas, canvas._pagesize[0] - 20 * mm, 10 * mm, text, REGULAR, 7.5,
              align="right")


def numbered_canvas(footer: Callable[[int, int], str] | None = None) -> type[Canvas]:
    """A canvas class that prints ``footer(page, pages)`` on every page, once the
    number of pages is known (pages are kept until save, then drawn)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if footer is None:
                    canvas_footer(self, self._pageNumber, total)
                else:
                    draw_footer(self, footer(self._pageNumber, total))
                super().showPage()
            super().save()

    return NumberedCanvas
