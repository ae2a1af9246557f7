"""A child process for the import crash test: imports export files one after another
until it is killed, printing each file's name once its import has committed.

Each file is a Wave-shaped invoice export of its own customers and invoices, half of
them paid: one import writes customers, invoices, payments, allocations, keys and audit
entries in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

from models import db
from models.company import create_business
from models.imports.detect import detect, read_settings
from models.imports.run import MissingChoice, run_import

ROWS = 300  # invoices per file: enough that a kill often lands inside an import
CUSTOMERS = 7
TODAY = dt.date(2026, 11, 24)
HEADER = ["Customer Name", "Invoice Number", "Invoice Date", "Due Date", "Invoice Total",
          "Invoice Paid"]


def export(folder: Path, name: str) -> Path:
    """One file of ROWS invoices numbered after ``name``."""
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for n in range(ROWS):
            writer.writerow([f"{name} customer {n % CUSTOMERS}", f"{name}-{n:04d}",
                             "2026-09-01", "2026-10-01", "120.00",
                             "120.00" if n % 2 else "0.00"])
    return path


def main() -> None:
    """Import file after file into the store until killed."""
    path, run = Path(sys.argv[1]), sys.argv[2]
    fresh = not path.exists()
    store = db.open_store(path, create=True)
    if fresh:
        create_business("Crash Ltd", country="GB", currency="GBP")
    number = 0
    try:
        while True:
            name = f"R{run}F{number}"
            file = export(path.parent, name)
            run_import(file, read_settings(detect(file), currency="GBP"),
                       missing=MissingChoice.LEAVE, today=TODAY)
            print(name, flush=True)
            number += 1
    finally:
        store.close()


if __name__ == "__main__":
    main()
