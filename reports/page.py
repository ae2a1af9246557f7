"""The page every document is printed on: paper size, letterhead, the recipient's
address placed for a window envelope, and "Page X of Y"."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from reports.fonts import BOLD, REGULAR, register_fonts

INK = HexColor("#222222")
MUTED = HexColor("#666666")
RULE = HexColor("#B0B0B0")
SHADE = HexColor("#EEF1F4")
ZEBRA = HexColor("#F7F8FA")


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


def address_window(page_size: str) -> Rect:
    """Where the recipient's address must sit to show through a window envelope.

    A4: DIN 5008 form B window envelope (DL/C5-6), window 20 mm from the left,
    45 mm from the top, 85 x 45 mm (DIN 5008:2020, "Anschriftfeld Form B";
    DIN 680 for the envelope). US Letter: the standard #10 window envelope,
    window 4.5 x 1.125 in, 7/8 in from the left; with the letter tri-folded
    the window shows the area 2 in from the top of the sheet (USPS Publication
    25 "Designing Letter and Reply Mail", and the common #10 window spec).
    """
    width, height = paper(page_size)
    if (width, height) == LETTER:
        return Rect(0.875 * inch, height - 2 * inch - 1.125 * inch, 4.5 * inch, 1.125 * inch)
    return Rect(20 * mm, height - 45 * mm - 45 * mm, 85 * mm, 45 * mm)


def paragraph_text(text: str) -> str:
    """User text made safe for a Paragraph: markup escaped, line breaks kept."""
    return "<br/>".join(escape(line) for line in text.strip().splitlines())


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
    """Draw the sender's logo, name and details across the top; return the y below them."""
    width, height = paper(page_size)
    style = styles()
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
    name = Paragraph(escape(sender.name), style["business"])
    _, name_h = name.wrap(90 * mm, 30 * mm)
    name.drawOn(canvas, x, top - name_h)
    contact = [sender.address.strip(), sender.phone.strip(), sender.email.strip(),
               sender.registration.strip()]
    details = Paragraph(paragraph_text("\n".join(p for p in contact if p)), style["right"])
    _, details_h = details.wrap(right - left - 100 * mm, 40 * mm)
    details.drawOn(canvas, right - (right - left - 100 * mm), top - details_h)
    bottom = top - max(name_h, details_h, 16 * mm if sender.logo else 0) - 3 * mm
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(left, bottom, right, bottom)
    return bottom


def draw_address(canvas: Canvas, page_size: str, sender_line: str, recipient: Sequence[str]
                 ) -> None:
    """Draw the one-line return address and the recipient inside the envelope window."""
    window = address_window(page_size)
    style = styles()
    pad = 2 * mm
    y = window.y + window.height - pad
    sender = Paragraph(escape(sender_line), style["sender"])
    _, h = sender.wrap(window.width - 2 * pad, window.height)
    y -= h
    sender.drawOn(canvas, window.x + pad, y)
    y -= 2 * mm
    block = Paragraph(paragraph_text("\n".join(line for line in recipient if line.strip())),
                      style["address"])
    _, h = block.wrap(window.width - 2 * pad, y - window.y - pad)
    block.drawOn(canvas, window.x + pad, y - h)


def numbered_canvas(footer: Callable[[int, int], str]) -> type[Canvas]:
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
                width = self._pagesize[0]
                self.setFont(REGULAR, 7.5)
                self.setFillColor(MUTED)
                self.drawRightString(width - 20 * mm, 10 * mm,
                                     footer(self._pageNumber, total))
                super().showPage()
            super().save()

    return NumberedCanvas
