"""A new document is one small subclass of the renderer base: it gives its story, and
the page (letterhead, address window, running head, "Page X of Y", the PDF's title and
author, a batch's canvas) comes with it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph

from reports.batch import PdfBatch
from reports.document import DocumentRenderer
from reports.page import Letterhead, PlainText, address_window, letterhead_bottom, styles
from reports.plain_table import PlainTable
from tests.helpers import pdf_pages

SENDER = Letterhead("Harbour & Finch Ltd", "1 Quay Street\nBristol BS1 4DJ",
                    "accounts@harbour.example", "0117 496 0123", "", None)


class ThankYouNote(DocumentRenderer):
    """A throwaway document: one paragraph under the letterhead."""

    def title(self) -> str:
        return "Thank you"

    def story(self, width: float) -> list[Flowable]:
        return [Paragraph("Thank you for paying on time.", self.style["body"])]


def test_a_new_document_is_one_small_subclass() -> None:
    out = io.BytesIO()
    assert ThankYouNote("A4", SENDER).render(out) == 1
    [(text, placed)] = pdf_pages(out.getvalue())
    assert "Harbour & Finch Ltd" in text and "0117 496 0123" in text  # the letterhead
    assert "Page 1 of 1" in text
    y = next(y for _, y, piece in placed if piece == "Thank you for paying on time.")
    assert y < letterhead_bottom(SENDER, "A4")  # its story starts below the letterhead
    metadata = PdfReader(io.BytesIO(out.getvalue())).metadata
    assert metadata is not None
    assert (metadata.title, metadata.author) == ("Thank you", "Harbour & Finch Ltd")


class AddressedNote(ThankYouNote):
    """The note to a customer, over two pages."""

    def recipient(self) -> Sequence[str]:
        return ["A & B <Ltd>", "4 Mill Lane", "Bristol BS2 0AA"]

    def running_head(self) -> str:
        return "Thank-you note to A & B <Ltd>"

    def story(self, width: float) -> list[Flowable]:
        return [*super().story(width), PageBreak(), Paragraph("Overleaf.", self.style["body"])]


def test_a_document_with_a_recipient_and_a_running_head_gets_both() -> None:
    out = io.BytesIO()
    assert AddressedNote("Letter", SENDER).render(out) == 2
    (first, first_placed), (second, _) = pdf_pages(out.getvalue())
    window = address_window("Letter")
    assert any(piece == "A & B <Ltd>" and window.contains(x, y) for x, y, piece in first_placed)
    assert "Page 1 of 2" in first and "Thank-you note" not in first
    assert "Thank-you note to A & B <Ltd>" in second and "Page 2 of 2" in second
    assert "Overleaf." in second


def test_documents_drawn_on_a_batch_canvas_are_each_numbered_on_their_own(
        tmp_path: Path) -> None:
    out = tmp_path / "notes.pdf"
    with PdfBatch(out, title="Notes", author="Harbour & Finch Ltd") as batch:
        assert AddressedNote("A4", SENDER).render(None, canvasmaker=batch.canvasmaker) == 2
        assert ThankYouNote("A4", SENDER).render(None, canvasmaker=batch.canvasmaker) == 1
    reader = PdfReader(out)
    footers = [next(line for line in page.extract_text().splitlines()
                    if line.startswith("Page ")) for page in reader.pages]
    assert footers == ["Page 1 of 2", "Page 2 of 2", "Page 1 of 1"]
    assert reader.metadata is not None and reader.metadata.title == "Notes"


def test_plain_text_goes_over_two_lines_at_least_never_one_alone() -> None:
    style = styles()["body"]
    five = PlainText("\n".join(f"line {n}" for n in range(1, 6)), style)
    five.wrap(300, 1000)
    assert five.split(300, style.leading * 1.5) == []  # one line would stand alone: all over
    first, rest = five.split(300, style.leading * 4)  # room for four: three, and two over
    assert first.wrap(300, 1000)[1] == 3 * style.leading
    assert rest.wrap(300, 1000)[1] == 2 * style.leading
    three = PlainText("one\ntwo\nthree", style)
    assert three.split(300, style.leading * 2) == []  # two and one: it goes over whole


def test_a_plain_table_goes_over_with_its_heading_and_never_leaves_its_total_alone() -> None:
    table = PlainTable(["Invoice", "Amount"], [[f"INV-{n}", "1.00"] for n in range(10)],
                       [["Total", "10.00"]], [200, 100], right_from=1, label_span=1)
    _, height = table.wrap(300, 1000)
    first, rest = table.split(300, height - 1)  # all but the total fits: a row goes with it
    assert len(first.body) == 9 and [r.cells[0] for r in rest.body] == [("INV-9",)]
    assert rest.totals and rest.heading == table.heading
    assert table.split(300, 5) == []  # not even the heading and a row: all over


def test_only_a_document_for_a_window_envelope_has_fold_marks() -> None:
    import re

    def marks(document: DocumentRenderer) -> bool:
        out = io.BytesIO()
        document.render(out)
        stream = PdfReader(io.BytesIO(out.getvalue())).pages[0].get_contents().get_data()
        # A fold mark: a short rule in the left margin, from 4 mm to 9 mm.
        start, end = (f"{x * mm:.5f}".rstrip("0").encode() for x in (4, 9))
        return re.search(rb"n " + re.escape(start) + rb" [\d.]+ m " + re.escape(end),
                         stream) is not None

    assert marks(AddressedNote("A4", SENDER))  # posted: folded on its marks
    assert not marks(ThankYouNote("A4", SENDER))  # no address window: a page to keep


class LongList(ThankYouNote):
    """A note and a table of ``rows`` rows: a batch's summary."""

    def __init__(self, rows: int) -> None:
        super().__init__("A4", None)
        self.rows = rows

    def story(self, width: float) -> list[Flowable]:
        return [*super().story(width), PlainTable(
            ["Customer", "Page"], [[f"Customer {n}", str(n)] for n in range(self.rows)],
            [], [width - 80, 80], right_from=1, label_span=1)]


def test_a_documents_pages_are_foreseen_from_its_parts_heights() -> None:
    for rows in (1, 51, 52, 103, 104, 155, 156, 400):  # either side of each page's end
        note = LongList(rows)
        assert note.estimated_pages() == note.render(io.BytesIO()), rows


def test_a_batch_collects_garbage_rarely_and_puts_the_threshold_back() -> None:
    import gc
    import threading

    from reports.batch import collecting_rarely

    before = gc.get_threshold()
    inside = threading.Event()
    leave = threading.Event()

    def another_batch() -> None:
        with collecting_rarely():
            inside.set()
            leave.wait(10)

    other = threading.Thread(target=another_batch)
    with collecting_rarely():
        assert gc.get_threshold()[0] > before[0]
        other.start()
        inside.wait(10)
    assert gc.get_threshold()[0] > before[0]  # the other batch is still open
    leave.set()
    other.join(10)
    assert gc.get_threshold() == before
