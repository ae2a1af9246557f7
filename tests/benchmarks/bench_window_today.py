"""The window opened on Today (issue 21): process start to Today's list shown, and to
the navigation's count of it, on the 10k-customer, 1M-invoice store; beside a bare
window's first paint, the runs alternating so the shared machine's noise falls on
both alike. Target: the list shown within 0.6 s.

Opens a migrated copy of the big store (``DULY_BIG_STORE``, or one made in a temporary
folder): the window settles the day's promises and plans on it (a write), so the
shared store is never opened. The window's day is the store's own (``BIG_TODAY``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_startup import first_paint
from tests.benchmarks.common import BIG_TODAY, ROOT, load_average, median, migrated_big_store

RUNS = 7
TARGET_S = 0.6


def today_shown(store: Path) -> tuple[float, float]:
    """Seconds from starting the probe to Today's list shown, and to its count shown."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as bench_startup: bytecode kept
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "tests.benchmarks.startup_probe", "today",
                          str(store), BIG_TODAY.isoformat()],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or len(lines) < 2:
        raise RuntimeError(f"probe failed: {out.stderr[-2000:]}")
    return float(lines[-2]) - started, float(lines[-1]) - started


def main() -> list[str]:
    """Measure and print the window's time to Today's list, against a bare window."""
    with tempfile.TemporaryDirectory(prefix="duly-bench-") as folder:
        store = migrated_big_store(Path(folder))
        today_shown(store)  # warm the file cache; the day's settling is written once
        first_paint("bare")
        listed, counted, bare = [], [], []
        for _ in range(RUNS):
            shown = today_shown(store)
            listed.append(shown[0])
            counted.append(shown[1])
            bare.append(first_paint("bare"))
    lines = [
        f"window opened on Today, list shown (10k customers, 1M invoices): median "
        f"{median(listed):.3f} s (runs {', '.join(f'{t:.2f}' for t in listed)}), "
        f"target {TARGET_S} s; its count shown {median(counted):.3f} s; "
        f"bare window's first paint {median(bare):.3f} s, "
        f"ratio {median(listed) / median(bare):.1f}x",
        f"load average {load_average()}",
    ]
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main()
