"""One customer's payment profile on the big store (issue 18): at most 50 ms.

A sample of customers: the 50 with the most invoices and 50 drawn at random (seeded).
For each, in one run and interleaved (the order swapped customer by customer), Duly's
whole answer (``assessed_profile``: the profile, the class with its reasons and the
suggestion) and a hand-written SQL floor: the same figures' raw queries, rows fetched
and nothing done with them. A garbage collection before each timed call; an untimed
pass over the sample first, so neither side pays for the first reads from disk.
Prints the median and the worst of each, the ratio of the medians and the load average.
"""

from __future__ import annotations

import gc
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from models.customer_class import assessed_profile
from models.db import open_store
from models.schema import Customer, Invoice, database
from tests.benchmarks.common import BIG_TODAY, big_store, median

TARGET_MS = 50.0
BUSIEST = 50
RANDOM = 50
SEED = 18

# The same reads as models.customer_profile, written by hand.
_FLOOR = (
    "SELECT code, name, currency FROM customer WHERE id = ?",
    "SELECT id, due_date, amount_minor, currency, status FROM invoice "
    "WHERE customer_id = ? AND issue_date <= ? AND status != 'void'",
    "SELECT a.invoice_id, a.allocated_on, a.amount_minor, a.payment_id FROM allocation a "
    "JOIN invoice i ON a.invoice_id = i.id WHERE i.customer_id = ? AND NOT a.voided "
    "AND a.allocated_on <= ? ORDER BY a.allocated_on",
    "SELECT received_on FROM payment WHERE customer_id = ? AND NOT voided "
    "AND received_on <= ? ORDER BY received_on",
    "SELECT occurred_at, kind, direction, purpose FROM interaction WHERE customer_id = ? "
    "AND occurred_at < ? AND kind != 'note' ORDER BY occurred_at",
    "SELECT status, resolved_on FROM promise WHERE customer_id = ? AND created_at < ?",
    "SELECT status, ended_on FROM payment_plan WHERE customer_id = ? AND agreed_on <= ?",
    "SELECT COUNT(DISTINCT row_id) FROM audit_entry WHERE \"table\" = 'invoice' "
    "AND action = 'dispute invoice' AND row_id IN (SELECT id FROM invoice "
    "WHERE customer_id = ?)",
    "SELECT DISTINCT s.name, s.position, e.executed_on FROM stage_execution e "
    "JOIN invoice i ON e.invoice_id = i.id JOIN follow_up_stage s ON e.stage_id = s.id "
    "WHERE i.customer_id = ? AND e.executed_on <= ? AND e.interaction_id IS NOT NULL",
)


def _floor(customer_id: int) -> int:
    """The raw queries' rows, fetched and counted."""
    day, until = BIG_TODAY.isoformat(), f"{BIG_TODAY.isoformat()} 23:59:59.999999"
    rows = 0
    for sql in _FLOOR:
        params: tuple[object, ...] = (customer_id,)
        if "occurred_at <" in sql or "created_at <" in sql:
            params += (until,)
        elif sql.count("?") == 2:
            params += (day,)
        rows += len(database.execute_sql(sql, params).fetchall())
    return rows


def _duly(customer_id: int) -> int:
    profile, _classification, _suggestion = assessed_profile(customer_id, BIG_TODAY)
    return profile.overall.judged


def _timed(work: Callable[[int], int], customer_id: int) -> float:
    gc.collect()
    started = time.perf_counter()
    work(customer_id)
    return (time.perf_counter() - started) * 1000


def _sample() -> list[int]:
    busiest = [cid for (cid,) in database.execute_sql(
        "SELECT customer_id FROM invoice GROUP BY customer_id ORDER BY COUNT(*) DESC, "
        "customer_id LIMIT ?", (BUSIEST,)).fetchall()]
    others = sorted(set(c for (c,) in Customer.select(Customer.id).tuples()) - set(busiest))
    return busiest + random.Random(SEED).sample(others, RANDOM)


def main() -> list[str]:
    """Time one customer's profile against the SQL floor, customer by customer."""
    source = big_store()
    lines = []
    with tempfile.TemporaryDirectory(dir=source.parent) as folder:
        copy = Path(folder) / "profile.sqlite"
        shutil.copy(source, copy)  # opening may migrate: never the shared store itself
        store = open_store(copy, check_later=True)
        try:
            sample = _sample()
            for customer_id in sample:  # warm: first reads from disk are no run's cost
                _floor(customer_id)
                _duly(customer_id)
            ours: list[float] = []
            floor: list[float] = []
            for n, customer_id in enumerate(sample):
                if n % 2:
                    floor.append(_timed(_floor, customer_id))
                    ours.append(_timed(_duly, customer_id))
                else:
                    ours.append(_timed(_duly, customer_id))
                    floor.append(_timed(_floor, customer_id))
            invoices = [Invoice.select().where(Invoice.customer == c).count() for c in sample]
        finally:
            store.close()
    lines.append(f"customers sampled: {len(sample)} ({BUSIEST} with the most invoices, "
                 f"{RANDOM} at random), {min(invoices)} to {max(invoices)} invoices each")
    for name, times in (("profile (Duly)", ours), ("SQL floor", floor)):
        lines.append(f"{name}: median {median(times):.1f} ms, worst {max(times):.1f} ms "
                     f"(busiest {median(times[:BUSIEST]):.1f} ms, random "
                     f"{median(times[BUSIEST:]):.1f} ms)")
    ratio = median(ours) / median(floor)
    verdict = "within" if max(ours) <= TARGET_MS else "OVER"
    lines.append(f"ratio of medians {ratio:.2f}x; worst {verdict} the {TARGET_MS:.0f} ms target")
    lines.append("load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main()
