"""Posting payments with allocations on the big store, with the kept month totals' triggers
(schema v16) and without them, then with the kept accounts' (schema v34) and without them:
what keeping each figure costs an ordinary write.

A migrated copy of the big store; 7 rounds, each posting ``PAYMENTS`` payments (each
paying up to five of a customer's open invoices, oldest first, through
``models.ledger.record_payment``) with the triggers, then ``PAYMENTS`` others with the
triggers dropped (inside the same kind of transaction, on the same store), alternating
which goes first. Medians per payment. The triggers are put back at the end and the
kept figures built again and checked against the invoices and allocations.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from models.db import open_store, writing
from models.kept_accounts import (
    ACCOUNT_TRIGGERS,
    kept_account_problems,
    rebuild_kept_accounts,
)
from models.ledger import record_payment
from models.month_totals import (
    MONTH_TOTAL_TRIGGERS,
    derived_month_totals,
    kept_month_totals,
    rebuild_month_totals,
)
from models.schema import database
from tests.benchmarks.common import BIG_TODAY, STORES, median, migrated_copy

RUNS = 7
PAYMENTS = 100


def _customers(count: int) -> list[tuple[int, int]]:
    """Customers with at least five open invoices in their own currency, and what five of
    them come to: (customer, amount)."""
    rows = database.execute_sql(
        'SELECT i."customer_id", SUM(i."open_minor") FROM "invoice" i JOIN "customer" c ON '
        'c."id" = i."customer_id" WHERE i."open_minor" > 0 AND i."status" = \'open\' AND '
        'i."currency" = c."currency" GROUP BY 1 HAVING COUNT(*) >= 5 ORDER BY 1 LIMIT ?',
        (count,)).fetchall()
    return [(customer_id, min(total, 5 * total // 6)) for customer_id, total in rows]


def _post(customers: list[tuple[int, int]]) -> float:
    gc.collect()
    started = time.perf_counter()
    for customer_id, amount in customers:
        record_payment(customer_id, received_on=BIG_TODAY, amount_minor=amount,
                       reference="bench", today=BIG_TODAY, incentives=False)
    return (time.perf_counter() - started) / len(customers)


def _triggers(statements: tuple[str, ...], on: bool) -> None:
    with writing():
        for statement in statements:
            name = statement.split('"')[1]
            database.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
            if on:
                database.execute_sql(statement)


def _month_totals_again() -> None:
    rebuild_month_totals()
    assert kept_month_totals() == derived_month_totals()


def _accounts_again() -> None:
    rebuild_kept_accounts()
    assert kept_account_problems() == []


def _compare(what: str, statements: tuple[str, ...], again: Callable[[], None],
             batches: list[tuple[int, int]]) -> str:
    """Payments posted with ``statements``' triggers and without, alternating; then the
    triggers put back and their figure built ``again`` (and checked)."""
    kept: list[float] = []
    bare: list[float] = []
    for run in range(RUNS):
        first = batches[2 * run * PAYMENTS:(2 * run + 1) * PAYMENTS]
        second = batches[(2 * run + 1) * PAYMENTS:(2 * run + 2) * PAYMENTS]
        for on, part in ((run % 2 == 0, first), (run % 2 == 1, second)):
            _triggers(statements, on)
            (kept if on else bare).append(_post(part))
    _triggers(statements, True)
    with writing():  # the payments posted without the triggers were not kept
        again()
    ours, base = median(kept), median(bare)
    return (f"a payment paying up to 5 invoices (record_payment): with {what} "
            f"{ours * 1000:.2f} ms, without {base * 1000:.2f} ms, ratio "
            f"{ours / base:.2f}x (runs with: {', '.join(f'{t * 1000:.2f}' for t in kept)};"
            f" without: {', '.join(f'{t * 1000:.2f}' for t in bare)})")


def main() -> list[str]:
    """Time payments posted with and without each kept figure's triggers."""
    lines = []
    with tempfile.TemporaryDirectory(dir=STORES) as folder:
        store = open_store(migrated_copy(Path(folder)), check_later=True)
        try:
            batches = _customers(PAYMENTS * RUNS * 4 + PAYMENTS)
            _post(batches[:PAYMENTS // 10])  # warm
            batches = batches[PAYMENTS // 10:]
            half = PAYMENTS * RUNS * 2
            for what, statements, again, part in (
                    ("the kept month totals", MONTH_TOTAL_TRIGGERS, _month_totals_again,
                     batches[:half]),
                    ("the kept accounts", ACCOUNT_TRIGGERS, _accounts_again, batches[half:])):
                lines.append(_compare(what, statements, again, part))
                print(lines[-1], flush=True)
        finally:
            store.close()
    load = "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(load, flush=True)
    lines.append(load)
    return lines


if __name__ == "__main__":
    main()
