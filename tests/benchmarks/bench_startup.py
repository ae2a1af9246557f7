"""Start-up: process start to the first painted main window, Duly against a bare window.

Duly opens the 10k-customer, 1M-invoice demo store (a migrated copy: ``DULY_BIG_STORE``,
or one made in a temporary folder; the shared store is never opened). Runs alternate so
that the shared machine's noise falls on both sides alike. Target: at most 1.6x
(issue 21).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.common import ROOT, load_average, median, migrated_big_store, report

RUNS = 7


def first_paint(*args: str) -> float:
    """Seconds from starting the probe process to its window's first paint."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    # An installed Duly runs from compiled bytecode; a machine that forbids writing it
    # (PYTHONDONTWRITEBYTECODE) would have the probe compile every module on each run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "tests.benchmarks.startup_probe", *args],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError(f"probe failed: {out.stderr[-2000:]}")
    return float(out.stdout.strip().splitlines()[-1]) - started


def main() -> list[str]:
    """Measure and print the start-up ratio."""
    with tempfile.TemporaryDirectory(prefix="duly-bench-") as folder:
        store = str(migrated_big_store(Path(folder)))
        first_paint("duly", store)  # warm the file cache for both sides
        first_paint("bare")
        duly, bare = [], []
        for _ in range(RUNS):
            duly.append(first_paint("duly", store))
            bare.append(first_paint("bare"))
    lines = [report("start-up to first paint (10k customers, 1M invoices)",
                    median(duly), median(bare))]
    lines.append(f"load average {load_average()}")
    print(lines[-1], flush=True)
    return lines


if __name__ == "__main__":
    main()
