"""Many documents in one PDF: a batch of letters or statements, each numbered
"Page X of Y" on its own, in memory that does not grow with the batch.

Each document is laid out by its own platypus build on one shared canvas, so
a document's flowables are freed as soon as it is drawn, and each finished
page is compressed at once rather than kept as drawing commands until the
file is written (reportlab's habit, which is what makes a big batch grow).
"""

from __future__ import annotations

import gc
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from reportlab.lib.utils import asBytes
from reportlab.pdfbase.pdfdoc import PDFStream
from reportlab.pdfgen.canvas import Canvas

from reports.fonts import Compressed, register_fonts
from reports.page import DOCUMENT_LANGUAGE, canvas_footer

CanvasMaker = Callable[..., Canvas]

# A batch's youngest objects are collected after this many new ones, not Python's 700.
_BATCH_THRESHOLD = 50_000
_collecting = threading.Lock()
_batches_open = [0]
_thresholds: list[tuple[int, int, int]] = []


@contextmanager
def collecting_rarely() -> Iterator[None]:
    """While a batch of documents is made, collect garbage rarely. A batch makes
    millions of small objects that live as long as one document and form no cycles;
    Python looked for cycles among them every 700 new objects, a tenth of the time of
    the day's letters (10k store: 2.97 s to 2.62 s, docs/performance.md). The
    threshold is the process's: set by the first batch open, put back by the last."""
    with _collecting:
        if _batches_open[0] == 0:
            _thresholds.append(gc.get_threshold())
            gc.set_threshold(_BATCH_THRESHOLD, *gc.get_threshold()[1:])
        _batches_open[0] += 1
    try:
        yield
    finally:
        with _collecting:
            _batches_open[0] -= 1
            if _batches_open[0] == 0:
                gc.set_threshold(*_thresholds.pop())


@dataclass
class _Progress:
    """What the shared canvas has done; one object, so page snapshots share it."""

    pages: int = 0
    documents: int = 0
    pending: list[dict[str, Any]] = field(default_factory=list)
    keep: Callable[[int], bool] | None = None  # whether a document of so many pages is kept


class _BatchCanvas(Canvas):
    """A canvas many documents are drawn on: each ``save()`` from a platypus build
    ends one document; :meth:`finish` writes the file."""

    def __init__(self, target: Any, pagesize: tuple[float, float], progress: _Progress
                 ) -> None:
        super().__init__(target, pagesize=pagesize, pageCompression=1, lang=DOCUMENT_LANGUAGE)
        self._batch = progress

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        # Held until the document ends, when its number of pages is known.
        self._batch.pending.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """End the current document: number its pages and put them in the file."""
        batch = self._batch
        pending, batch.pending = batch.pending, []
        if batch.keep is not None and not batch.keep(len(pending)):
            return  # its pages are let go; whatever it defined (a form, a font) stays
        for number, state in enumerate(pending, 1):
            self.__dict__.update(state)
            canvas_footer(self, number, len(pending))
            Canvas.showPage(self)
            self._compress_last_page()
            batch.pages += 1
        batch.documents += 1

    def _compress_last_page(self) -> None:
        page = self._doc.Pages.pages[-1]
        stream = PDFStream(content=zlib.compress(asBytes(page.stream)), filters=[Compressed()])
        stream.__Comment__ = "page stream"
        page.Contents, page.stream = stream, None

    def finish(self, title: str, author: str) -> None:
        """Write the file, with the batch's own title and author."""
        self.setTitle(title)
        self.setAuthor(author)
        self.setSubject("")
        Canvas.save(self)


class PdfBatch:
    """One PDF of many documents. Pass :attr:`canvasmaker` to each document's
    ``doc.build``; the file is written when the ``with`` block ends."""

    def __init__(self, out: BinaryIO | str | Path, *, title: str, author: str,
                 pagesize: tuple[float, float] | None = None) -> None:
        register_fonts()
        self._title, self._author = title, author
        self._target: Any = str(out) if isinstance(out, Path) else out
        self._pagesize = pagesize
        self._canvas: _BatchCanvas | None = None
        self._progress = _Progress()
        self._closed = False

    def canvasmaker(self, _filename: Any = None, *, pagesize: tuple[float, float],
                    **_options: Any) -> Canvas:
        """The shared canvas, made on the first document's page size."""
        if self._canvas is None:
            self._canvas = _BatchCanvas(self._target, self._pagesize or pagesize,
                                        self._progress)
        return self._canvas

    @property
    def pages(self) -> int:
        """Pages of finished documents so far."""
        return self._progress.pages

    @property
    def documents(self) -> int:
        """Documents finished so far."""
        return self._progress.documents

    @contextmanager
    def kept_if(self, keep: Callable[[int], bool]) -> Iterator[None]:
        """A block whose documents are kept only if ``keep`` says so of their number of
        pages; another is let go (its build still returns its pages), to be drawn again
        otherwise. A document is laid out once when it comes out as expected."""
        self._progress.keep = keep
        try:
            yield
        finally:
            self._progress.keep = None

    def to_front(self, first: int) -> None:
        """Move the pages from page ``first`` (counted from 0) on before all the others:
        a summary drawn last, once the pages it lists are known, is printed first."""
        if self._canvas is None:
            return
        pages = self._canvas._doc.Pages.pages
        pages[:] = pages[first:] + pages[:first]

    def close(self) -> None:
        """Write the file (a batch with no document writes nothing)."""
        if self._closed:
            return
        self._closed = True
        if self._canvas is not None:
            self._canvas.finish(self._title, self._author)

    def __enter__(self) -> PdfBatch:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            self.close()
