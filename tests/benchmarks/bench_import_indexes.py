"""What the covering allocation indexes (store v22) cost a first import: Duly's import of
the same Wave-shaped file into an empty store with them and into one whose allocation
indexes are the plain ones before v22, interleaved run by run (the order swapped each
run). Prints the medians, their ratio and the load average.
``python -m tests.benchmarks.bench_import_indexes [ROWS]``
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.bench_import import duly_import, empty_store, write_file
from tests.benchmarks.common import median, report
from tests.helpers import undo_covering_allocation_indexes

ROWS = 30_000
RUNS = 5


def main(rows: int = ROWS) -> list[str]:
    """Time the first import into both shapes of store, alternating."""
    folder = Path(tempfile.mkdtemp(prefix="duly-bench-indexes-"))
    try:
        file = folder / "invoices.csv"
        write_file(file, rows)
        covering, plain = folder / "covering.sqlite", folder / "plain.sqlite"
        empty_store(covering)
        shutil.copy(covering, plain)
        with sqlite3.connect(plain) as connection:
            undo_covering_allocation_indexes(connection)
        connection.close()
        times: dict[Path, list[float]] = {covering: [], plain: []}
        for run in range(RUNS):
            for empty in ((covering, plain) if run % 2 == 0 else (plain, covering)):
                store = folder / f"run-{run}-{empty.name}"
                shutil.copy(empty, store)
                times[empty].append(duly_import(store, file))
                store.unlink()
        line = report(f"first import of {rows:,} invoice rows, covering allocation indexes "
                      f"against the plain ones", median(times[covering]), median(times[plain]))
        load = f"load average {os.getloadavg()[0]:.2f}"
        print(load, flush=True)
        return [line, load]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS)
