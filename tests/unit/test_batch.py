"""A batch PDF: many documents in one file, each numbered on its own, the
letterhead stored once."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from reports.batch import PdfBatch
from reports.page import Letterhead, draw_letterhead, styles

SENDER = Letterhead("A & B <Ltd>", "1 High Street\nBristol", "a@b.example", "0117", "", None)


def document(batch: PdfBatch, name: str, pages: int) -> None:
    """One document of ``pages`` pages, the letterhead on its first."""
    story = []
    for page in range(pages):
        story.append(Paragraph(f"{name} body {page + 1}", styles()["body"]))
        story.append(PageBreak())
    story.pop()
    SimpleDocTemplate(None, pagesize=A4).build(
        story, canvasmaker=batch.canvasmaker,
        onFirstPage=lambda canvas, _doc: draw_letterhead(canvas, SENDER, "A4"))


def test_each_document_is_numbered_on_its_own(tmp_path: Path) -> None:
    out = tmp_path / "batch.pdf"
    with PdfBatch(out, title="Letters", author="A & B") as batch:
        document(batch, "first", 2)
        assert (batch.documents, batch.pages) == (1, 2)
        document(batch, "second", 1)
        document(batch, "third", 3)
        assert (batch.documents, batch.pages) == (3, 6)
    reader = PdfReader(out)
    texts = [page.extract_text() for page in reader.pages]
    footers = [next(line for line in text.splitlines() if line.startswith("Page "))
               for text in texts]
    assert footers == ["Page 1 of 2", "Page 2 of 2", "Page 1 of 1",
                       "Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    assert "second body 1" in texts[2] and "third body 3" in texts[5]
    assert "A & B <Ltd>" in texts[0] and "A & B <Ltd>" in texts[3]
    assert reader.metadata is not None and reader.metadata.title == "Letters"


def test_the_letterhead_is_stored_once_however_many_documents(tmp_path: Path) -> None:
    out = io.BytesIO()
    with PdfBatch(out, title="Statements", author="A & B") as batch:
        for number in range(5):
            document(batch, f"statement {number}", 1)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    forms = set()
    for page in reader.pages:
        resources = page["/Resources"]
        xobjects = resources["/XObject"]
        forms |= {xobjects[name].indirect_reference.idnum for name in xobjects}
    assert len(reader.pages) == 5
    assert len(forms) == 1


def test_a_batch_with_no_documents_writes_no_file(tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    with PdfBatch(out, title="Nothing", author="A & B") as batch:
        assert batch.pages == 0
    assert not out.exists()


def test_a_batch_that_fails_half_way_writes_no_file(tmp_path: Path) -> None:
    out = tmp_path / "failed.pdf"
    try:
        with PdfBatch(out, title="Broken", author="A & B") as batch:
            document(batch, "good", 1)
            raise RuntimeError("a letter could not be drawn")
    except RuntimeError:
        pass
    assert not out.exists()
