"""Importing a big generic CSV, against writing the same rows with sqlite3's executemany.

Runs interleaved, run by run: Duly's first import of N invoice rows into an empty store;
the floor, hand-written sqlite3 ``executemany`` of the same rows Duly writes (customers,
invoices, the payments and allocations the file implies, each record's key in the
program, an audit entry for each) into a store of the same schema and settings; a
second floor of the file's customers and invoices alone; then Duly's second import of
the same file (nothing changes). Prints the ratios of the medians and the load average.
``python -m tests.benchmarks.bench_import [ROWS]``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from models.db import PRAGMAS
from tests.benchmarks.common import median, report

ROWS = 100_000
RUNS = 5
TODAY = dt.date(2026, 11, 24)
HEADER = ["Customer Name", "Invoice Number", "Invoice Date", "Due Date", "Invoice Total",
          "Invoice Paid"]


def write_file(path: Path, rows: int) -> None:
    """A Wave-shaped invoice export: 1,000 customers, every other invoice paid."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow([f"Customer {n % 1000}", f"INV-{n:07d}", "2026-10-01",
                             "2026-10-31", "100.00", "100.00" if n % 2 else "0.00"])


def write_newer(path: Path, older: Path) -> None:
    """The same export a week later: one more invoice."""
    shutil.copy(older, path)
    with path.open("a", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerow(["Customer 1", "INV-NEWER", "2026-11-20", "2026-12-20",
                                     "50.00", "0.00"])


def empty_store(path: Path) -> None:
    """A new company store (the schema and a business, nothing else)."""
    from models import db
    from models.company import create_business

    store = db.open_store(path, create=True)
    try:
        create_business("Bench Ltd", country="GB", currency="GBP")
    finally:
        store.close()


def duly_import(store_path: Path, file: Path) -> float:
    """Seconds for Duly to import the file into the store."""
    from models import db
    from models.imports.detect import detect, read_settings
    from models.imports.run import MissingChoice, run_import

    store = db.open_store(store_path)
    try:
        started = time.perf_counter()
        settings = read_settings(detect(file), currency="GBP")
        run_import(file, settings, missing=MissingChoice.LEAVE, today=TODAY)
        return time.perf_counter() - started
    finally:
        store.close()


def baseline(store_path: Path, file: Path) -> float:
    """Seconds for hand-written sqlite3: read the CSV, insert customers and invoices."""
    connection = sqlite3.connect(store_path)
    try:
        started = time.perf_counter()
        with file.open(newline="", encoding="utf-8") as stream:
            rows = list(csv.reader(stream))[1:]
        now = dt.datetime.now().isoformat(" ")
        names = sorted({row[0] for row in rows})
        with connection:
            connection.executemany(
                'INSERT INTO "customer" ("code", "name", "billing_email", "phone", "address", '
                '"country", "language", "currency", "on_hold", "hold_reason", "notes", '
                '"last_contact_kind", "tax_number", "created_at") VALUES (?, ?, \'\', \'\', '
                '\'\', \'\', \'en\', \'GBP\', 0, \'\', \'\', \'\', \'\', ?)',
                [(f"B{n:05d}", name, now) for n, name in enumerate(names)])
            ids = dict(connection.execute('SELECT "name", "id" FROM "customer"').fetchall())
            connection.executemany(
                'INSERT INTO "invoice" ("number", "customer_id", "issue_date", "due_date", '
                '"amount_minor", "open_minor", "currency", "status", "dispute_reason", '
                '"created_at") VALUES (?, ?, ?, ?, ?, ?, \'GBP\', \'open\', \'\', ?)',
                [(row[1], ids[row[0]], row[2], row[3], 10000,
                  0 if row[5] != "0.00" else 10000, now) for row in rows])
        return time.perf_counter() - started
    finally:
        connection.close()


def baseline_same_rows(store_path: Path, file: Path) -> float:
    """Seconds for hand-written sqlite3 to write the rows Duly's import writes: the
    customers, the invoices, a payment allocated to each paid one, the key of each
    customer and invoice in the program, and an audit entry for each record."""
    connection = sqlite3.connect(store_path)
    for pragma, value in PRAGMAS.items():  # the store's own: foreign keys, cache, sync
        connection.execute(f"PRAGMA {pragma} = {value}")
    try:
        started = time.perf_counter()
        with file.open(newline="", encoding="utf-8") as stream:
            rows = list(csv.reader(stream))[1:]
        now = dt.datetime.now().isoformat(" ")
        names = sorted({row[0] for row in rows})
        with connection:
            batch = connection.execute(
                'INSERT INTO "import_batch" ("source", "layout", "file_name", "file_hash", '
                '"imported_at", "counts") VALUES (\'wave\', \'wave-invoices\', ?, \'\', ?, '
                '\'{}\')', (file.name, now)).lastrowid
            customer_rows = [(f"B{n:05d}", name, now) for n, name in enumerate(names)]
            connection.executemany(
                'INSERT INTO "customer" ("code", "name", "billing_email", "phone", "address", '
                '"country", "language", "currency", "on_hold", "hold_reason", "notes", '
                '"last_contact_kind", "tax_number", "created_at") VALUES (?, ?, \'\', \'\', '
                '\'\', \'\', \'en\', \'GBP\', 0, \'\', \'\', \'\', \'\', ?)', customer_rows)
            ids = dict(connection.execute('SELECT "name", "id" FROM "customer"').fetchall())
            first = (connection.execute('SELECT MAX("id") FROM "invoice"').fetchone()[0]
                     or 0) + 1
            connection.executemany(
                'INSERT INTO "invoice" ("number", "customer_id", "issue_date", "due_date", '
                '"amount_minor", "open_minor", "currency", "status", "dispute_reason", '
                '"created_at") VALUES (?, ?, ?, ?, ?, ?, \'GBP\', ?, \'\', ?)',
                [(row[1], ids[row[0]], row[2], row[3], 10000,
                  0 if row[5] != "0.00" else 10000,
                  "paid" if row[5] != "0.00" else "open", now) for row in rows])
            invoice_ids = range(first, first + len(rows))
            paid = [(iid, row) for iid, row in zip(invoice_ids, rows, strict=True)
                    if row[5] != "0.00"]
            first_payment = (connection.execute('SELECT MAX("id") FROM "payment"')
                             .fetchone()[0] or 0) + 1
            connection.executemany(
                'INSERT INTO "payment" ("customer_id", "received_on", "amount_minor", '
                '"unallocated_minor", "currency", "method", "reference", "voided", '
                '"created_at") VALUES (?, ?, 10000, 0, \'GBP\', \'other\', '
                '\'Paid in Wave\', 0, ?)', [(ids[row[0]], row[2], now) for _iid, row in paid])
            payment_ids = range(first_payment, first_payment + len(paid))
            connection.executemany(
                'INSERT INTO "allocation" ("payment_id", "invoice_id", "allocated_on", '
                '"amount_minor", "voided", "created_at") VALUES (?, ?, ?, 10000, 0, ?)',
                [(pid, iid, row[2], now)
                 for pid, (iid, row) in zip(payment_ids, paid, strict=True)])
            connection.executemany(
                'INSERT INTO "external_record" ("source", "kind", "key", "row_id", '
                '"batch_id", "imported") VALUES (\'wave\', ?, ?, ?, ?, ?)',
                [("customer", name, ids[name], batch,
                  json.dumps({"name": name}, sort_keys=True)) for name in names]
                + [("invoice", row[1], iid, batch,
                    json.dumps({"due": row[3], "paid": row[5]}, sort_keys=True))
                   for iid, row in zip(invoice_ids, rows, strict=True)])
            audit = 'INSERT INTO "audit_entry" ("at", "who", "action", "table", "row_id", \
"after") VALUES (?, \'bench\', ?, ?, ?, ?)'
            connection.executemany(audit, [
                (now, "add customer", "customer", ids[name],
                 json.dumps({"name": name, "currency": "GBP"}, sort_keys=True))
                for name in names])
            connection.executemany(audit, [
                (now, "add invoice", "invoice", iid,
                 json.dumps({"number": row[1], "issue_date": row[2], "due_date": row[3],
                             "amount_minor": 10000}, sort_keys=True))
                for iid, row in zip(invoice_ids, rows, strict=True)])
            connection.executemany(audit, [
                (now, "record payment", "payment", pid,
                 json.dumps({"amount_minor": 10000, "received_on": row[2],
                             "allocations": [{"invoice_id": iid, "amount_minor": 10000}]},
                            sort_keys=True))
                for pid, (iid, row) in zip(payment_ids, paid, strict=True)])
        return time.perf_counter() - started
    finally:
        connection.close()


def main(rows: int = ROWS) -> list[str]:
    """Measure and print the import's ratios against the baselines."""
    folder = Path(tempfile.mkdtemp(prefix="duly-bench-import-"))
    try:
        file = folder / "invoices.csv"
        write_file(file, rows)
        empty = folder / "empty.sqlite"
        empty_store(empty)
        newer = folder / "newer.csv"
        write_newer(newer, file)
        first, again, older, same_rows, file_rows = [], [], [], [], []
        for run in range(RUNS):
            ours, same, plain = (folder / f"{name}-{run}.sqlite"
                                 for name in ("duly", "same", "plain"))
            for store in (ours, same, plain):
                shutil.copy(empty, store)
            first.append(duly_import(ours, file))
            same_rows.append(baseline_same_rows(same, file))
            file_rows.append(baseline(plain, file))
            again.append(duly_import(ours, file))
            duly_import(ours, newer)
            older.append(duly_import(ours, file))  # read and compared: it is not the latest
        load = os.getloadavg()[0]
        lines = [report(f"import of {rows:,} invoice rows (first; floor: the same rows "
                        f"written by hand)", median(first), median(same_rows)),
                 report(f"import of {rows:,} invoice rows (first; floor: the file's "
                        f"customers and invoices alone)", median(first), median(file_rows)),
                 report(f"import of {rows:,} invoice rows (the latest file again, "
                        f"nothing changes)", median(again), median(first)),
                 report(f"import of {rows:,} invoice rows (an older file again, read and "
                        f"compared, nothing changes)", median(older), median(first))]
        print(f"load average {load:.2f}", flush=True)
        return lines
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS)
