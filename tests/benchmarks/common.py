"""What the benchmarks share: the big demo store and plain timing helpers."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STORES = ROOT / "bench-stores"
BIG_CUSTOMERS = 10_000
BIG_INVOICES = 1_000_000
BIG_TODAY = dt.date(2026, 11, 24)


def big_store() -> Path:
    """The 10k-customer, 1M-invoice demo store, generated once and kept; or the store
    DULY_BIG_STORE names (e.g. a copy already migrated, so the kept one is never
    opened by this version)."""
    if os.environ.get("DULY_BIG_STORE"):
        return Path(os.environ["DULY_BIG_STORE"])
    path = STORES / f"demo-{BIG_CUSTOMERS}-{BIG_INVOICES}.sqlite"
    if not path.exists():
        STORES.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "main.py", "--db", str(path), "demo",
                        "--customers", str(BIG_CUSTOMERS), "--invoices", str(BIG_INVOICES),
                        "--as-of", BIG_TODAY.isoformat()], cwd=ROOT, check=True)
    return path


def migrated_copy(folder: Path) -> Path:
    """A copy of the big store in ``folder``, brought to this version's schema (opening
    migrates it): the shared store itself is never migrated or written."""
    from models.db import open_store

    copy = folder / "big.sqlite"
    shutil.copy(big_store(), copy)
    open_store(copy, check_later=True).close()
    return copy


def migrated_big_store(folder: Path) -> Path:
    """The big store at this version's schema, to open in a benchmark: the file named by
    ``DULY_BIG_STORE`` (a copy migrated beforehand, e.g. by ``duly --db COPY check``), or
    else a new migrated copy in ``folder``."""
    kept = os.environ.get("DULY_BIG_STORE")
    return Path(kept) if kept else migrated_copy(folder)


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes, to print beside a figure
    (the benchmarks share two cores with other work)."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def median(values: list[float]) -> float:
    """The median, which shrugs off a run the shared machine slowed down."""
    return statistics.median(values)


def report(name: str, duly: float, baseline: float, unit: str = "s") -> str:
    """One line: Duly, its baseline and the ratio."""
    line = (f"{name}: Duly {duly:.3f} {unit}, baseline {baseline:.3f} {unit}, "
            f"ratio {duly / baseline:.2f}x")
    print(line, flush=True)
    return line
