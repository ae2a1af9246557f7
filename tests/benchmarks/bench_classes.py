"""Every customer's class at once, for the lists (issue 18): a few seconds at most.

On a copy of the 10k-customer, 1M-invoice store: Duly's whole answer
(``customer_classes``: the thresholds setting, every customer's profile read in batches
of 900, each one classified) beside a hand-written SQL floor: the same nine reads for
the same batches, rows fetched and nothing done with them. Runs interleaved (the order
swapped each round), a garbage collection before each, an untimed pass of each first
so neither pays for the first reads from disk. Prints the median and the worst of
each, the ratio of the medians, how many customers of each class, the peak memory and
the load average.
"""

from __future__ import annotations

import gc
import os
import resource
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from models.customer_class import customer_classes
from models.customer_profile import BATCH_CUSTOMERS
from models.db import open_store
from models.schema import Customer, database
from tests.benchmarks.common import BIG_TODAY, big_store, median

TARGET_S = 5.0
ROUNDS = 3

# The reads of models.customer_profile, written by hand (one batch of customers each).
_FLOOR = (
    "SELECT id, code, name, currency FROM customer WHERE id IN ({ids}) ORDER BY id",
    "SELECT customer_id, id, due_date, amount_minor, currency, status FROM invoice "
    "WHERE customer_id IN ({ids}) AND issue_date <= :day AND status != 'void' "
    "ORDER BY customer_id, due_date, id",
    "SELECT a.invoice_id, a.allocated_on, a.amount_minor, a.payment_id IS NOT NULL "
    "FROM allocation a JOIN invoice i ON a.invoice_id = i.id WHERE i.customer_id IN ({ids}) "
    "AND NOT a.voided AND a.allocated_on <= :day",
    "SELECT customer_id, received_on FROM payment WHERE customer_id IN ({ids}) "
    "AND NOT voided AND received_on <= :day ORDER BY received_on",
    "SELECT customer_id, occurred_at, kind, direction, purpose FROM interaction "
    "WHERE customer_id IN ({ids}) AND occurred_at < :until AND kind != 'note' "
    "ORDER BY occurred_at",
    "SELECT customer_id, status, resolved_on FROM promise WHERE customer_id IN ({ids}) "
    "AND created_at < :until",
    "SELECT customer_id, status, ended_on FROM payment_plan WHERE customer_id IN ({ids}) "
    "AND agreed_on <= :day",
    "SELECT i.customer_id, COUNT(DISTINCT a.row_id) FROM audit_entry a "
    "JOIN invoice i ON a.row_id = i.id WHERE a.\"table\" = 'invoice' "
    "AND i.customer_id IN ({ids}) AND a.action = 'dispute invoice' GROUP BY i.customer_id",
    "SELECT DISTINCT i.customer_id, s.name, s.position, e.executed_on FROM stage_execution e "
    "JOIN invoice i ON e.invoice_id = i.id JOIN follow_up_stage s ON e.stage_id = s.id "
    "WHERE i.customer_id IN ({ids}) AND e.executed_on <= :day "
    "AND e.interaction_id IS NOT NULL",
)


def _floor() -> int:
    """The raw reads' rows for every customer, batch by batch, fetched and counted."""
    ids = [cid for (cid,) in database.execute_sql("SELECT id FROM customer ORDER BY id")]
    params = {"day": BIG_TODAY.isoformat(), "until": f"{BIG_TODAY.isoformat()} 23:59:59.999999"}
    rows = 0
    cursor = database.connection().cursor()
    for start in range(0, len(ids), BATCH_CUSTOMERS):
        batch = ids[start:start + BATCH_CUSTOMERS]
        named = {f"c{n}": cid for n, cid in enumerate(batch)}
        holders = ", ".join(f":{name}" for name in named)
        for sql in _FLOOR:
            rows += len(cursor.execute(sql.format(ids=holders), {**params, **named}).fetchall())
    return rows


def _duly() -> int:
    return len(customer_classes(BIG_TODAY))


def _timed(work: Callable[[], int]) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> list[str]:
    """Time every customer's class against the SQL floor, round by round."""
    source = big_store()
    lines = []
    with tempfile.TemporaryDirectory(dir=source.parent) as folder:
        copy = Path(folder) / "classes.sqlite"
        shutil.copy(source, copy)  # opening may migrate: never the shared store itself
        store = open_store(copy, check_later=True)
        try:
            fetched = _floor()  # warm: first reads from disk are no run's cost
            classes = customer_classes(BIG_TODAY)
            ours: list[float] = []
            floor: list[float] = []
            for n in range(ROUNDS):
                if n % 2:
                    floor.append(_timed(_floor))
                    ours.append(_timed(_duly))
                else:
                    ours.append(_timed(_duly))
                    floor.append(_timed(_floor))
            customers = Customer.select().count()
        finally:
            store.close()
    kinds = Counter(c.kind.word for c in classes.values())
    lines.append(f"customers: {customers:,}, rows read: {fetched:,}, batches of "
                 f"{BATCH_CUSTOMERS}")
    lines.append("classes: " + ", ".join(f"{word} {count:,}" for word, count in
                                         kinds.most_common()))
    for name, times in (("classes (Duly)", ours), ("SQL floor", floor)):
        lines.append(f"{name}: median {median(times):.2f} s, worst {max(times):.2f} s")
    ratio = median(ours) / median(floor)
    verdict = "within" if max(ours) <= TARGET_S else "OVER"
    lines.append(f"ratio of medians {ratio:.2f}x; worst {verdict} the {TARGET_S:.0f} s target")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"peak memory of the process {peak:.0f} MB")
    lines.append("load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main()
