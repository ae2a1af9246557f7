"""The letters due on the 10k-customer store, prepared as the preview prepares them,
against bare reportlab making the same number of pages.

Duly's side is ``print_due_letters(..., record=False)`` into a temporary file: every
letter due on 24 November 2026 is drafted from its template, recorded with its
charges (and taken back), snapshotted, laid out and printed into one PDF after the
summary page. The baseline is what reportlab does with no help: one PDF of as many
one-page letters, each a paragraph or two and a 5-row table in the DejaVu Sans Duly
ships. Both run in turn within each run, so the machine's load falls on both alike.

``--profile`` prints where one run of Duly's spends its time (cProfile); ``--queries``
counts the SQL statements one run sends to SQLite, per letter.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import gc
import io
import logging
import os
import pstats
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from models.db import open_store
from reports.due_letters import DueLettersResult, print_due_letters
from reports.fonts import REGULAR, register_fonts
from tests.benchmarks.common import BIG_TODAY, big_store, median

RUNS = 5
NOW = dt.datetime.combine(BIG_TODAY, dt.time(9, 0))
BODY = ("Dear Sir or Madam,<br/><br/>According to our records the invoices below are "
        "overdue. We would be grateful if you could arrange payment of the total shown "
        "within the next seven days, or let us know at once if there is a problem with "
        "any of them.")
CLOSING = ("If you have already paid, please accept our thanks and disregard this "
           "letter.<br/><br/>Yours faithfully,<br/><br/>Accounts department")


def duly(out: Path) -> DueLettersResult:
    """Duly's preview of the day's letters into ``out``."""
    return print_due_letters(BIG_TODAY, out, now=NOW, record=False)


def baseline_letter(number: int) -> list[object]:
    """A bare one-page letter: two paragraphs and a 5-row table."""
    text = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.2,
                          spaceAfter=5.5)
    rows = [["Invoice", "Issued", "Due", "Amount", "Open", "Days overdue"]] + [
        [f"INV-{number:05d}-{line}", "01/09/2026", "01/10/2026", "1,234.56", "1,234.56",
         "54"] for line in range(4)]
    table = Table(rows)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR),
                               ("FONTSIZE", (0, 0), (-1, -1), 8.5)]))
    return [Paragraph(BODY, text), table, Spacer(1, 10), Paragraph(CLOSING, text)]


def baseline(out: Path, pages: int) -> None:
    """Bare reportlab: ``pages`` one-page letters in one PDF."""
    story: list[object] = []
    for number in range(pages):
        story += [*baseline_letter(number), PageBreak()]
    SimpleDocTemplate(str(out), pagesize=A4).build(story[:-1])


def speed() -> None:
    """Pages per second, Duly against the baseline, interleaved run by run."""
    seconds: dict[str, list[float]] = {"Duly": [], "baseline": []}
    pages = 0
    letters = 0
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            gc.collect()  # neither side pays for the garbage the other left
            start = time.perf_counter()
            result = duly(Path(tmp) / "letters.pdf")
            seconds["Duly"].append(time.perf_counter() - start)
            pages, letters = result.pages, result.letters
            gc.collect()
            start = time.perf_counter()
            baseline(Path(tmp) / "baseline.pdf", pages)
            seconds["baseline"].append(time.perf_counter() - start)
    ours, theirs = median(seconds["Duly"]), median(seconds["baseline"])
    print(f"Due letters on {BIG_TODAY}: {letters} letters, {pages} pages with the summary")
    print(f"Duly {pages / ours:,.1f} pages/s ({ours:.2f} s; runs "
          f"{', '.join(f'{s:.2f}' for s in seconds['Duly'])}), baseline "
          f"{pages / theirs:,.1f} pages/s ({theirs:.2f} s; runs "
          f"{', '.join(f'{s:.2f}' for s in seconds['baseline'])}), ratio "
          f"{theirs / ours:.2f}x (target at least 0.6x)", flush=True)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


def profile() -> None:
    """Where one run of Duly's spends its time, the costliest functions first."""
    with tempfile.TemporaryDirectory() as tmp:
        profiler = cProfile.Profile()
        profiler.enable()
        duly(Path(tmp) / "letters.pdf")
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
    print(out.getvalue())


class _Counted(logging.Handler):
    """Counts the queries peewee sends, by their SQL's start."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        # peewee logs each query as (sql, parameters)
        sql = record.msg[0] if isinstance(record.msg, tuple) else record.msg
        self.seen.update([" ".join(str(sql).split())[:140]])


def queries() -> None:
    """The queries one run sends (peewee's log of them), in all and per letter, the most
    frequent first."""
    logger = logging.getLogger("peewee")
    counted = _Counted()
    logger.addHandler(counted)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result = duly(Path(tmp) / "letters.pdf")
    finally:
        logger.removeHandler(counted)
        logger.setLevel(level)
    total = sum(counted.seen.values())
    print(f"{total:,} queries for {result.letters} letters: "
          f"{total / max(result.letters, 1):.1f} a letter")
    for sql, count in counted.seen.most_common(25):
        print(f"{count:7,}  {sql}")


def main() -> None:
    """Print every figure."""
    register_fonts()
    store = open_store(big_store())
    try:
        if "--profile" in sys.argv:
            profile()
        elif "--queries" in sys.argv:
            queries()
        else:
            speed()
    finally:
        store.close()


if __name__ == "__main__":
    main()
