"""Generation speed of the 10k-customer, 1M-invoice demo store, reported."""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.common import BIG_CUSTOMERS, BIG_INVOICES, BIG_TODAY, ROOT


def main() -> list[str]:
    """Generate the big store from scratch and print rows per second."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gen.sqlite"
        started = time.perf_counter()
        subprocess.run([sys.executable, "main.py", "--db", str(path), "demo",
                        "--customers", str(BIG_CUSTOMERS), "--invoices", str(BIG_INVOICES),
                        "--as-of", BIG_TODAY.isoformat()], cwd=ROOT, check=True,
                       stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    line = (f"demo generation ({BIG_CUSTOMERS:,} customers, {BIG_INVOICES:,} invoices): "
            f"{seconds:.1f} s, {BIG_INVOICES / seconds:,.0f} invoices/s, "
            f"store {size / 2**20:,.0f} MiB, peak memory {peak:,.0f} MiB")
    print(line, flush=True)
    return [line]


if __name__ == "__main__":
    main()
