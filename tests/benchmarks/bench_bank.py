"""Bank statement matching on the big store: 5,000 credits against 10,000 customers and
1,000,000 invoices, within 10 s (issue 20).

A copy of the 10k-customer demo store is taken to /tmp (``DULY_BIG_STORE`` names the
store; the shared one is never written) and migrated on opening. The statement is made
from the store: a fifth quote an open invoice's number (some mangled: spaces, lower
case, no leading zeros), a fifth pay an open amount only, a fifth come from a customer's
name written otherwise, a fifth pay two invoices together, a fifth come from nobody.
Each run times :func:`models.bank_statements.preview` (reading in bulk, then matching)
interleaved with a baseline that reads the same open invoices and customers only;
medians of the runs, their ratio, and the load average (the machine is shared).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

import peewee as pw

from models.bank_formats import Statement, StatementCredit
from models.bank_matching import Confidence
from models.bank_statements import planned_payments, preview, sure_choices
from models.db import open_store
from models.kinds import BankFormat
from models.schema import Customer, Invoice
from tests.benchmarks.common import median, report

SHARED = Path(os.environ.get("DULY_BIG_STORE",
                             "/work/main/bench-stores/demo-10000-1000000.sqlite"))
CREDITS = 5_000
RUNS = 3
TARGET_S = 10.0


def _statement(currency: str, seed: int = 20) -> Statement:
    chance = random.Random(seed)
    rows = list(Invoice.select(Invoice.id, Invoice.customer, Invoice.number,
                               Invoice.open_minor).where(
        (Invoice.currency == currency) & (Invoice.open_minor > 0)).tuples())
    names = dict(Customer.select(Customer.id, Customer.name).tuples())
    credits = []
    for n in range(CREDITS):
        _, customer_id, number, open_minor = chance.choice(rows)
        kind = n % 5
        text, payer, amount = "", "", open_minor
        if kind == 0:
            text = number if n % 2 else number.lower().replace("-", " ")
        elif kind == 2:
            payer, amount = names[customer_id].upper(), chance.randint(100, 50_000)
        elif kind == 3:
            amount = open_minor + chance.choice(rows)[3]
        elif kind == 4:
            payer, text, amount = f"Nobody {n}", "rent", chance.randint(100, 99_999)
        credits.append(StatementCredit(f"B{n}", dt.date(2026, 11, 20), amount, currency,
                                       payer, "", text))
    return Statement("bench.ofx", "0" * 64, BankFormat.OFX, currency, tuple(credits))


def _baseline(currency: str) -> int:
    invoices = list(Invoice.select(Invoice.id, Invoice.customer, Invoice.number,
                                   Invoice.due_date, Invoice.open_minor, Invoice.status)
                    .where((Invoice.currency == currency) & (Invoice.open_minor > 0)).tuples())
    customers = list(Customer.select(Customer.id, Customer.code, Customer.name).where(
        Customer.currency == currency).tuples())
    return len(invoices) + len(customers)


def main() -> None:
    """Time matching against its baseline and print the figures."""
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        copy = Path(folder) / "big.sqlite"
        shutil.copy(SHARED, copy)
        store = open_store(copy, check_later=True)
        try:
            (currency,) = Customer.select(Customer.currency).group_by(Customer.currency) \
                .order_by(pw.fn.COUNT(Customer.id).desc()).limit(1).tuples().get()
            statement = _statement(currency)
            preview(statement)  # warm the page cache
            duly: list[float] = []
            baseline: list[float] = []
            counts: dict[str, int] = {}
            for _ in range(RUNS):
                gc.collect()
                started = time.perf_counter()
                _baseline(currency)
                baseline.append(time.perf_counter() - started)
                gc.collect()
                started = time.perf_counter()
                result = preview(statement)
                duly.append(time.perf_counter() - started)
                counts = {str(c): len(result.new_lines(c)) for c in Confidence}
            started = time.perf_counter()
            planned = planned_payments(result, sure_choices(result))
            planning = time.perf_counter() - started
        finally:
            store.close()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    report(f"bank: matching {CREDITS:,} credits in {currency}", median(duly),
           median(baseline))
    print(f"  runs {[round(x, 2) for x in duly]} s, target {TARGET_S:.0f} s, "
          f"matched {counts}, load average {load}", flush=True)
    print(f"  planning the {len(planned):,} sure payments (what Accept all would post, "
          f"early-payment discounts included): {planning:.2f} s", flush=True)


if __name__ == "__main__":
    main()
