"""What the store's safety costs: a checkpoint after every write, and the quick check
for damage at open.

1. Recording payments one by one, each in its own transaction, as the window does:
   Duly (write token + checkpoint into the store file after each) against the same
   writes in a bare IMMEDIATE transaction (the log checkpointed only by SQLite's own
   automatic checkpoint, as before issue 14). Runs alternate, in one process.
2. The quick check on the 10k-customer, 1M-invoice store, against what the window
   reads on the same worker before it (the status bar's overview): the check runs off
   the GUI thread, so it delays no paint; this says how long writing stays open on a
   store not yet known whole.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from models import db
from models.ledger import CustomerDraft, add_customer, record_payment
from models.overview import store_overview
from tests.benchmarks.common import BIG_TODAY, big_store, median, report

RUNS = 7
PAYMENTS = 100
DAY = dt.date(2026, 11, 24)


def _payments(path: Path, *, bare: bool) -> float:
    """Seconds to record PAYMENTS payments on a fresh store at ``path``."""
    store = db.open_store(path, create=True)
    keep = db._checkpoint_after_write, db._record_write_token
    try:
        who = add_customer(CustomerDraft(code="C1", name="Acme", currency="EUR"))
        if bare:  # as before: no token, no checkpoint after the write
            db._checkpoint_after_write = lambda _token: None
            db._record_write_token = lambda: "bare"
        started = time.perf_counter()
        for _ in range(PAYMENTS):
            record_payment(who, received_on=DAY, amount_minor=1_00, today=DAY)
        return time.perf_counter() - started
    finally:
        db._checkpoint_after_write, db._record_write_token = keep
        store.close()


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def write_cost() -> str:
    """The ratio of payment recording with and without the checkpoint after each."""
    folder = Path(tempfile.mkdtemp(prefix="duly-bench-"))
    try:
        duly, bare = [], []
        for run in range(RUNS):
            duly.append(_payments(folder / f"duly-{run}.sqlite", bare=False))
            bare.append(_payments(folder / f"bare-{run}.sqlite", bare=True))
        return report(f"{PAYMENTS} payments, one transaction each (checkpoint after each)",
                      median(duly), median(bare))
    finally:
        shutil.rmtree(folder)


def quick_check_cost() -> str:
    """The quick check on the big store against the overview read before it."""
    path = big_store()
    store = db.open_store(path, check_later=True)
    try:
        checks, overviews = [], []
        for _ in range(RUNS):
            overviews.append(_timed(lambda: store_overview(BIG_TODAY)))
            checks.append(_timed(lambda: db.verify_store(path)))
    finally:
        store.close()
    return report("quick check at open (10k customers, 1M invoices) vs the overview",
                  median(checks), median(overviews))


def main() -> list[str]:
    """Measure and print both figures, with the load they were measured under."""
    lines = [write_cost(), quick_check_cost()]
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    return lines


if __name__ == "__main__":
    main()
