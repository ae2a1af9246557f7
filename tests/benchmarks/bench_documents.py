"""1,000 one-page statements, into one PDF and into 1,000 files, against bare reportlab.

The baseline is what reportlab does with no help: a SimpleDocTemplate and a
20-line Table per statement, on the same page size, once in reportlab's own
Helvetica (nothing embedded) and once in the DejaVu Sans that Duly ships and
must embed. Statements are read from the store first (timed apart), so both
sides render from plain values. Peak memory is measured in a fresh process
per run, for batches of 250, 1,000 and 2,000 statements, to show whether it
grows with the batch.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle

from models.db import open_store
from models.schema import Customer
from reports.batch import PdfBatch
from reports.fonts import REGULAR, register_fonts, subsets_shared
from reports.statement import StatementData, render_open_item_statement, statement_data
from tests.benchmarks.common import ROOT, STORES, median

CUSTOMERS = 1_000
TODAY = dt.date(2026, 11, 24)
RUNS = 3
SIZES = (250, 1_000, 2_000)


def store_path() -> Path:
    """A demo store of 1,000 customers, generated once and kept."""
    path = STORES / f"demo-{CUSTOMERS}.sqlite"
    if not path.exists():
        STORES.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "main.py", "--db", str(path), "demo", "--customers",
                        str(CUSTOMERS), "--as-of", TODAY.isoformat()], cwd=ROOT, check=True)
    return path


def snapshots(count: int) -> list[StatementData]:
    """``count`` statements as of TODAY, cycling through the customers."""
    store = open_store(store_path())
    try:
        ids = [c.id for c in Customer.select(Customer.id).order_by(Customer.id)]
        return [statement_data(ids[i % len(ids)], TODAY, today=TODAY) for i in range(count)]
    finally:
        store.close()


def baseline_story(number: int, font: str) -> list[object]:
    """The bare statement: a 20-line table."""
    rows = [["Number", "Date", "Due", "Amount", "Paid", "Open"]] + [
        [f"INV-{number:05d}-{line:02d}", "2026-10-01", "2026-10-31", "1,234.56", "0.00",
         "1,234.56"] for line in range(20)]
    table = Table(rows)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font)]))
    return [table]


def duly_one_pdf(out: Path, data: list[StatementData]) -> None:
    """Duly's batch: every statement into one PDF."""
    with PdfBatch(out, title="Statements", author=data[0].sender.name) as batch:
        for statement in data:
            render_open_item_statement(statement, None, canvasmaker=batch.canvasmaker)


def duly_files(folder: Path, data: list[StatementData]) -> None:
    """Duly: a file per statement, as a day's e-mails attach them (the fonts' subsets
    shared across the batch: each file is the same as one written alone)."""
    with subsets_shared():
        for number, statement in enumerate(data):
            render_open_item_statement(statement, folder / f"{number}.pdf")


def baseline_one_pdf(out: Path, count: int, font: str) -> None:
    """Bare reportlab: one story of every statement, a page break between."""
    story: list[object] = []
    for number in range(count):
        story += [*baseline_story(number, font), PageBreak()]
    SimpleDocTemplate(str(out), pagesize=A4).build(story[:-1])


def baseline_files(folder: Path, count: int, font: str) -> None:
    """Bare reportlab: a file per statement."""
    for number in range(count):
        SimpleDocTemplate(str(folder / f"{number}.pdf"), pagesize=A4).build(
            baseline_story(number, font))


def pages_in(target: Path) -> int:
    """Pages in a PDF, or in every PDF of a folder."""
    files = sorted(target.glob("*.pdf")) if target.is_dir() else [target]
    return sum(len(PdfReader(f).pages) for f in files)


def interleaved(works: dict[str, Callable[[Path], None]], *, folder: bool
                ) -> dict[str, tuple[float, int]]:
    """Each work's median seconds over RUNS runs and the pages it made, the works run in
    turn within each run, so that the shared machine's load falls on all of them alike."""
    seconds: dict[str, list[float]] = {name: [] for name in works}
    pages: dict[str, int] = {}
    for _ in range(RUNS):
        for name, work in works.items():
            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) if folder else Path(tmp) / "batch.pdf"
                start = time.perf_counter()
                work(target)
                seconds[name].append(time.perf_counter() - start)
                pages[name] = pages_in(target)
    return {name: (median(seconds[name]), pages[name]) for name in works}


def speed() -> None:
    """Pages per second, Duly against both baselines, one PDF and 1,000 files."""
    register_fonts()
    start = time.perf_counter()
    data = snapshots(CUSTOMERS)
    read = time.perf_counter() - start
    print(f"Reading {CUSTOMERS:,} statements from the store: {read:.2f} s "
          f"({read / CUSTOMERS * 1000:.1f} ms each)")
    for label, folder in (("one PDF", False), ("1,000 files", True)):
        works: dict[str, Callable[[Path], None]] = {
            "Duly": partial(duly_files if folder else duly_one_pdf, data=data)}
        for font in ("Helvetica", REGULAR):
            works[font] = partial(baseline_files if folder else baseline_one_pdf,
                                  count=CUSTOMERS, font=font)
        results = interleaved(works, folder=folder)
        duly, duly_pages = results.pop("Duly")
        for font, (base, base_pages) in results.items():
            duly_rate, base_rate = duly_pages / duly, base_pages / base
            print(f"{label}, baseline in {font}: Duly {duly_rate:,.0f} pages/s "
                  f"({duly_pages} pages in {duly:.2f} s), baseline {base_rate:,.0f} pages/s "
                  f"({base_pages} pages in {base:.2f} s), ratio {duly_rate / base_rate:.2f}",
                  flush=True)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


def peak_memory(side: str, count: int) -> dict[str, float]:
    """Run one batch in a fresh process; its RSS before rendering and at the peak."""
    result = subprocess.run([sys.executable, "-m", "tests.benchmarks.bench_documents",
                             "--memory", side, str(count)], cwd=ROOT, check=True,
                            capture_output=True, text=True)
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def _rss_mib(field: str) -> float:
    """A figure of /proc/self/status in MiB: VmRSS now, VmHWM the peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _measure_memory(side: str, count: int) -> None:
    """In the child: build one batch into one PDF and print the RSS figures as JSON.

    The peak is reset once the statements are read (Linux: ``clear_refs`` 5),
    so it covers rendering alone.
    """
    register_fonts()
    data = snapshots(count) if side == "duly" else []
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    before = _rss_mib("VmRSS")
    out = Path(tempfile.mkdtemp()) / "batch.pdf"
    if side == "duly":
        with PdfBatch(out, title="Statements", author="x") as batch:
            for statement in data:
                render_open_item_statement(statement, None, canvasmaker=batch.canvasmaker)
    else:
        story: list[object] = []
        for number in range(count):
            story += [*baseline_story(number, REGULAR), PageBreak()]
        SimpleDocTemplate(str(out), pagesize=A4).build(story[:-1])
    peak = _rss_mib("VmHWM")
    size = out.stat().st_size / 1024 / 1024
    shutil.rmtree(out.parent)
    print(json.dumps({"before": before, "peak": peak, "output": size}))


def memory() -> None:
    """Peak RSS of one-PDF batches of each size, Duly and the DejaVu baseline."""
    for count in SIZES:
        duly = peak_memory("duly", count)
        base = peak_memory("baseline", count)
        grew_duly = duly["peak"] - duly["before"]
        grew_base = base["peak"] - base["before"]
        print(f"{count:,} statements in one PDF: Duly +{grew_duly:.1f} MiB while rendering "
              f"(peak {duly['peak']:.0f} MiB), baseline +{grew_base:.1f} MiB "
              f"(peak {base['peak']:.0f} MiB); growth ratio {grew_duly / grew_base:.2f}, "
              f"PDF {duly['output']:.1f} MiB", flush=True)


def main() -> None:
    """Print every figure."""
    speed()
    memory()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--memory":
        _measure_memory(sys.argv[2], int(sys.argv[3]))
    else:
        main()
