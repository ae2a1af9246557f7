"""``check`` on the big store against SQLite's own integrity check of the same file.

Runs interleaved, run by run (the order swapped each run): ``models.check.check_store``
(which starts with SQLite's integrity and foreign key checks, then proves every kept
figure), and ``PRAGMA integrity_check`` alone, on a copy of the 10k-customer, 1M-invoice
store migrated to this version (DULY_BIG_STORE names one already made). Prints the
medians, their ratio and the load average. Target (issue 21): at most 1.5x.
``python -m tests.benchmarks.bench_check [RUNS]``
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from tests.benchmarks.common import big_store, median, report

RUNS = 3


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main(runs: int = RUNS) -> list[str]:
    """Time check against SQLite's integrity check, alternating."""
    from models.check import check_store
    from models.db import open_store
    from models.schema import database

    store = open_store(big_store(), check_later=True)
    try:
        def floor() -> object:
            return database.execute_sql("PRAGMA integrity_check").fetchall()

        ours, theirs = [], []
        for run in range(runs):
            pair = [(ours, check_store), (theirs, floor)]
            for times, work in (pair if run % 2 == 0 else pair[::-1]):
                times.append(_timed(work))
        line = report("check, big store, against PRAGMA integrity_check", median(ours),
                      median(theirs))
        load = f"load average {os.getloadavg()[0]:.2f}; check runs " + ", ".join(
            f"{t:.2f}" for t in ours) + "; integrity check runs " + ", ".join(
            f"{t:.2f}" for t in theirs)
        print(load, flush=True)
    finally:
        store.close()
    return [line, load]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
