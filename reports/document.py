"""The one renderer every PDF document is laid out by, the way pretix's
``BaseReportlabInvoiceRenderer`` is: the paper, the frames of the first and the
later pages, the letterhead, the recipient's address in the envelope window, a
running head on later pages, "Page X of Y", the PDF's title and author, and
drawing onto a batch's shared canvas.

A document is a small subclass that gives its :meth:`~DocumentRenderer.story`
and, where it has them, its recipient, its first-page block and its running
head. Its data is a snapshot made beforehand (a ``*_data()`` function in
``reports/`` reading ``models/``); the renderer reads no store.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from models.language import Wording, wording
from reports.fonts import BOLD, REGULAR, draw_text, text_width
from reports.page import (
    INK,
    MUTED,
    RULE,
    Letterhead,
    address_window,
    draw_address,
    draw_fold_marks,
    draw_letterhead,
    fitted,
    letterhead_bottom,
    numbered_canvas,
    paper,
    return_address,
    styles,
)

CanvasMaker = Callable[..., Canvas]
Target = BinaryIO | str | Path | None


class _CountingCanvas(Canvas):
    """A canvas the pages are laid out on only to be counted: it writes no file."""

    def save(self) -> None:
        return None


class DocumentRenderer:
    """Lays a document out on its paper. Margins and frames are attributes; a subclass
    gives :meth:`story` and :meth:`title`, and may give :meth:`recipient` (an address
    in the envelope window), :meth:`first_page_extras` (a block drawn on the first
    page, e.g. beside the window), :meth:`running_head` and :meth:`subject`.
    ``sender`` None leaves the letterhead off (a page for the business itself);
    ``words`` are the document's language and locale (English without)."""

    margin = 20 * mm
    bottom_margin = 16 * mm
    space_below_address = 8 * mm  # from the foot of the envelope window to the story
    space_below_letterhead = 8 * mm  # the same on a first page without a window
    head_room = 24 * mm  # from the top of a later page with a running head to its story
    head_line = 14 * mm  # from the top of a later page to the running head's baseline

    def __init__(self, page_size: str, sender: Letterhead | None,
                 words: Wording | None = None) -> None:
        self.page_size = page_size
        self.sender = sender
        self.words = words or wording("en")
        self.style = styles()
        self.width, self.height = paper(page_size)

    # What a document gives ------------------------------------------------------------

    def story(self, width: float) -> list[Flowable]:
        """The flowables of the document's body, ``width`` wide."""
        raise NotImplementedError

    def title(self) -> str:
        """The PDF's title."""
        raise NotImplementedError

    def subject(self) -> str | None:
        """The PDF's subject (None: none)."""
        return None

    def recipient(self) -> Sequence[str]:
        """The lines of the address shown in the envelope window; none: no window."""
        return ()

    def first_page_extras(self, canvas: Canvas) -> None:
        """Draw what else the first page carries (an info block beside the window)."""

    def running_head(self) -> str:
        """What the head of each later page says the document is; "" for no head."""
        return ""

    def running_head_within(self, width: float) -> str:
        """The running head cut to ``width`` at 8 points (a kind may cut a name inside
        it rather than its end)."""
        return fitted(self.running_head(), width, 8)

    # Where the story goes --------------------------------------------------------------

    def body_width(self) -> float:
        """The width of the story between the margins."""
        return self.width - 2 * self.margin

    def first_top(self) -> float:
        """The top of the first page's frame: below the envelope window, else below the
        letterhead, else at the top margin."""
        if self.recipient():
            return address_window(self.page_size).y - self.space_below_address
        if self.sender is not None:
            return letterhead_bottom(self.sender, self.page_size) - self.space_below_letterhead
        return self.height - self.margin

    def later_top(self) -> float:
        """The top of the later pages' frame: below the running head, if there is one."""
        return self.height - (self.head_room if self.running_head() else self.margin)

    # Rendering ---------------------------------------------------------------------------

    def render(self, out: Target, *, canvasmaker: CanvasMaker | None = None) -> int:
        """Write the PDF to a binary file or a path and return its number of pages. With
        ``canvasmaker`` (a batch's), the pages go onto that canvas instead (``out``
        None), as one more document numbered on its own."""
        target: Any = str(out) if isinstance(out, Path) else out
        if target is None:
            target = io.BytesIO()  # the batch's canvas writes the file, not the document
        doc = BaseDocTemplate(target, pagesize=(self.width, self.height), title=self.title(),
                              author=self.sender.name if self.sender else None,
                              subject=self.subject(), lang=self.language_tag(),
                              leftMargin=self.margin,
                              rightMargin=self.margin, topMargin=self.margin,
                              bottomMargin=self.bottom_margin)
        doc.addPageTemplates([
            PageTemplate("first", [self._frame("first", self.first_top())],
                         onPage=self._first_page, autoNextPageTemplate="later"),
            PageTemplate("later", [self._frame("later", self.later_top())],
                         onPage=self._later_page),
        ])
        doc.build(self.story(self.body_width()), canvasmaker=canvasmaker or numbered_canvas())
        return int(doc.page)

    def language_tag(self) -> str:
        """The document's language as the PDF names it: "en-GB", "de-AT"."""
        locale = self.words.locale
        return "-".join(part for part in (locale.language, locale.territory) if part)

    def page_count(self) -> int:
        """How many pages the document takes, laid out on a canvas thrown away (never
        written out: a file is not needed to count its pages)."""
        return self.render(io.BytesIO(), canvasmaker=_CountingCanvas)

    def estimated_pages(self) -> int:
        """A quick guess at the pages the story takes, from its parts' heights alone
        (nothing drawn): for a document whose pages must be known before it is drawn
        (a batch's summary lists the pages after it), to lay it out once, not twice.
        Only a guess: what :meth:`render` returns is what counts."""
        width = self.body_width()
        later = self.later_top() - self.bottom_margin
        room, pages = self.first_top() - self.bottom_margin, 1
        pending = list(reversed(self.story(width)))
        while pending:
            flowable = pending.pop()
            height = (flowable.wrap(width, room)[1] + flowable.getSpaceBefore()
                      + flowable.getSpaceAfter())
            if height <= room:
                room -= height
                continue
            parts = flowable.split(width, room)
            if parts:  # the first part fills this page, the rest goes on
                pending.extend(reversed(parts[1:]))
            elif room < later:  # whole, on the next page
                pending.append(flowable)
            else:  # taller than a page and unsplittable: it takes this one
                room = 0
                continue
            pages, room = pages + 1, later
        return pages

    def _frame(self, name: str, top: float) -> Frame:
        return Frame(self.margin, self.bottom_margin, self.body_width(),
                     top - self.bottom_margin, id=name, leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)

    # Page furniture ------------------------------------------------------------------------

    def _first_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.duly_words = self.words  # for its footer, drawn once the pages are counted
        canvas.saveState()
        recipient = self.recipient()
        if recipient:  # it goes in a window envelope: folded on its marks (DIN 5008)
            draw_fold_marks(canvas, self.page_size)
        if self.sender is not None:
            draw_letterhead(canvas, self.sender, self.page_size)
        if recipient:
            sender_line = return_address(self.sender) if self.sender is not None else ""
            draw_address(canvas, self.page_size, sender_line, recipient)
        self.first_page_extras(canvas)
        canvas.restoreState()

    def _later_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        head = self.running_head()
        if not head:
            return
        top = self.height - self.head_line
        room = self.width - 2 * self.margin
        canvas.saveState()
        if self.sender is not None:
            name = fitted(self.sender.name, room / 2, 9, BOLD)
            canvas.setFillColor(INK)
            draw_text(canvas, self.margin, top, name, BOLD, 9)
            room -= text_width(name, BOLD, 9) + 6 * mm  # the head never overprints it
        canvas.setFillColor(MUTED)
        draw_text(canvas, self.width - self.margin, top, self.running_head_within(room),
                  REGULAR, 8, align="right")
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        rule = top - 2.5 * mm
        canvas.line(self.margin, rule, self.width - self.margin, rule)
        canvas.restoreState()


class DeskReport(DocumentRenderer):
    """A report for the business itself (the aging report, the work list, the business
    at a glance): no letterhead, no address; the business's name as the PDF's subject
    and before the title in the running head."""

    def __init__(self, page_size: str, business_name: str) -> None:
        super().__init__(page_size, None)
        self.business_name = business_name

    def subject(self) -> str | None:
        return self.business_name or None

    def running_head(self) -> str:
        return f"{self.business_name} · {self.title()}".strip(" ·")
