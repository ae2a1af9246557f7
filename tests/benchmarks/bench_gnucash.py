"""Reading and importing a GnuCash book, against GnuCash itself opening it for a report.

The book: 1,000 customers and 10,000 posted invoices, written in SQLite by the importer
tests' builder (``tests.unit.imports.exports.gnucash_book``), and saved once as compressed
XML by GnuCash's own Python bindings, when they are here, from that same book. Runs
interleaved, run by run, for each format: Duly's detect, read and import of the book into an
empty store, then ``gnucash-cli --report run`` of GnuCash's Receivable Aging report on it
(the process's wall time: start-up, opening the book, the report); and GnuCash on the
builder's 3-invoice book, its cost before any book. Prints the ratios of the medians and the
load average. ``python -m tests.benchmarks.bench_gnucash [INVOICES]``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_import import empty_store
from tests.benchmarks.common import median, report

CUSTOMERS = 1_000
INVOICES = 10_000
RUNS = 3
TODAY = dt.date(2026, 11, 24)
REPORT = "Receivable Aging"
# python3-gnucash installs the bindings for the system's Python only, not a virtualenv's.
SYSTEM_PYTHON = "/usr/bin/python3"
TO_XML = """
import sys
from gnucash import Session, SessionOpenMode
book = Session("sqlite3://" + sys.argv[1], SessionOpenMode.SESSION_READ_ONLY)
xml = Session()
xml.begin("xml://" + sys.argv[2], SessionOpenMode.SESSION_NEW_OVERWRITE)
xml.swap_data(book)
xml.safe_save(None)
xml.end()
book.end()
"""


def gnucash_env(folder: Path) -> dict[str, str]:
    """The environment for GnuCash: a throwaway home, so it writes nothing in the user's."""
    home = folder / "home"
    home.mkdir(exist_ok=True)
    return dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
                XDG_STATE_HOME=str(home / "state"))


def save_as_xml(book: Path, xml: Path, env: dict[str, str]) -> bool:
    """Have GnuCash save the SQLite book as compressed XML; False without its bindings."""
    if not Path(SYSTEM_PYTHON).exists() or subprocess.run(
            [SYSTEM_PYTHON, "-c", "import gnucash"], env=env, capture_output=True).returncode:
        return False
    # The SQLite book is opened read-only: GnuCash leaves it as it was.
    subprocess.run([SYSTEM_PYTHON, "-c", TO_XML, str(book), str(xml)], env=env,
                   capture_output=True, check=True)
    return xml.exists()


def duly_import(store_path: Path, book: Path, invoices: int) -> float:
    """Seconds for Duly to detect, read and import the book into the store."""
    from models import db
    from models.imports.detect import detect, read_settings
    from models.imports.run import MissingChoice, run_import

    store = db.open_store(store_path)
    try:
        started = time.perf_counter()
        settings = read_settings(detect(book), currency="GBP")
        result = run_import(book, settings, missing=MissingChoice.LEAVE, today=TODAY)
        took = time.perf_counter() - started
    finally:
        store.close()
    if result.plan.counts()["invoices_new"] != invoices:
        raise RuntimeError(f"Duly imported {result.plan.counts()} from {book.name}")
    return took


def gnucash_report(book: Path, env: dict[str, str]) -> float:
    """Seconds for ``gnucash-cli`` to start, open the book and run the report."""
    out = book.with_name(book.name + ".html")
    started = time.perf_counter()
    done = subprocess.run(["gnucash-cli", "--report", "run", "--name", REPORT,
                           "--output-file", str(out), str(book)],
                          env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    text = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
    if done.returncode or "Total" not in text or "No valid A/Payable" in text:
        raise RuntimeError(f"gnucash-cli did not report on {book.name}: "
                           f"{done.stderr[-2000:]}")
    return took


def main(invoices: int = INVOICES) -> list[str]:
    """Measure and print Duly's import of the book against GnuCash opening it."""
    from tests.unit.imports.exports import gnucash_book

    folder = Path(tempfile.mkdtemp(prefix="duly-bench-gnucash-"))
    try:
        env = gnucash_env(folder)
        books = {"SQLite": gnucash_book(folder / "book.gnucash", invoices=invoices,
                                        more_customers=CUSTOMERS - 2)}
        if save_as_xml(books["SQLite"], folder / "book-xml.gnucash", env):
            books["compressed XML"] = folder / "book-xml.gnucash"
        else:
            print("compressed XML not measured: GnuCash's Python bindings (python3-gnucash) "
                  "are not installed", flush=True)
        small = gnucash_book(folder / "small.gnucash")
        has_gnucash = shutil.which("gnucash-cli") is not None
        if not has_gnucash:
            print("GnuCash not measured: gnucash-cli is not on PATH", flush=True)
        empty = folder / "empty.sqlite"
        empty_store(empty)
        ours: dict[str, list[float]] = {kind: [] for kind in books}
        theirs: dict[str, list[float]] = {kind: [] for kind in books}
        bare: list[float] = []
        for run in range(RUNS):
            for index, (kind, book) in enumerate(books.items()):
                store = folder / f"duly-{run}-{index}.sqlite"
                shutil.copy(empty, store)
                ours[kind].append(duly_import(store, book, invoices))
                if has_gnucash:
                    theirs[kind].append(gnucash_report(book, env))
            if has_gnucash:
                bare.append(gnucash_report(small, env))
        load = os.getloadavg()[0]
        lines = []
        for kind in books:
            name = (f"GnuCash book in {kind}, {CUSTOMERS:,} customers and {invoices:,} "
                    f"invoices, read and imported vs gnucash-cli {REPORT}")
            if has_gnucash:
                lines.append(report(name, median(ours[kind]), median(theirs[kind])))
            else:
                lines.append(f"{name}: Duly {median(ours[kind]):.3f} s")
                print(lines[-1], flush=True)
        if has_gnucash:
            version = subprocess.run(["gnucash-cli", "--version"], env=env, capture_output=True,
                                     text=True).stdout.splitlines()[0]
            print(f"{version}; gnucash-cli {REPORT} on a 3-invoice book: {median(bare):.3f} s",
                  flush=True)
        print("book sizes: " + ", ".join(f"{kind} {book.stat().st_size / 1e6:.1f} MB"
                                         for kind, book in books.items()), flush=True)
        print(f"load average {load:.2f}", flush=True)
        return lines
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else INVOICES)
