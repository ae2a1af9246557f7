"""The what-works table on the big store (issue 18): at most 3 s.

Duly's whole answer (``models.what_works.what_works``: every case measured, the baseline
sampled and measured, the rows, the baseline by bucket and the template comparisons),
for all customers and by class, beside a hand-written SQL floor: the same reads (the
chasing contacts, the stages they carried out, the invoices they named, the allocations
to those invoices, the sampled customers' invoices and allocations), rows fetched and
nothing done with them. Interleaved run by run (the order swapped each run), a garbage
collection before each timed run and one untimed run of each first. The classes are a
fixed stand-in mapping (customer id modulo the six classes): assessing 10 000 customers
one by one is another piece of work (the bulk classification), not this table's.
Prints the runs, the medians, the ratio of the medians and the load average.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable

from models.db import open_store
from models.kinds import CustomerClass
from models.schema import Customer, database
from models.what_works import BASELINE_CUSTOMERS, WINDOWS, what_works
from tests.benchmarks.common import BIG_TODAY, big_store, median

TARGET_S = 3.0
RUNS = 5

_CUTOFF = BIG_TODAY.toordinal() - WINDOWS[-1]


def _floor() -> int:
    """The raw reads of what_works, rows fetched and counted."""
    import datetime as dt

    cutoff = dt.date.fromordinal(_CUTOFF)
    until = (cutoff + dt.timedelta(days=1)).isoformat()
    day = BIG_TODAY.isoformat()
    rows = 0
    for sql, params in (
            ("SELECT s.id, s.name, s.position, s.tone, t.name FROM follow_up_stage s "
             "LEFT JOIN letter_template t ON s.template_id = t.id", ()),
            ("SELECT id, customer_id, occurred_at, kind, stage_id, purpose FROM interaction "
             "WHERE direction = 'outgoing' AND kind IN ('call', 'email', 'letter', 'sms', "
             "'meeting') AND purpose IN ('chase', 'plan') AND occurred_at < ?", (until,)),
            ("SELECT interaction_id, stage_id FROM stage_execution "
             "WHERE interaction_id IS NOT NULL AND executed_on <= ?", (cutoff.isoformat(),)),
            ("SELECT ii.interaction_id, i.id, i.due_date, i.amount_minor FROM "
             "interaction_invoice ii JOIN invoice i ON ii.invoice_id = i.id "
             "WHERE i.status NOT IN ('void', 'written_off')", ()),
            ("SELECT invoice_id, allocated_on, amount_minor FROM allocation WHERE NOT voided "
             "AND allocated_on <= ? AND invoice_id IN (SELECT invoice_id FROM "
             "interaction_invoice)", (day,)),
            ("SELECT id FROM customer", ())):
        rows += len(database.execute_sql(sql, params).fetchall())
    ids = sorted(cid for (cid,) in database.execute_sql("SELECT id FROM customer").fetchall())
    step = max(1, -(-len(ids) // BASELINE_CUSTOMERS))
    sampled = ids[::step]
    for start in range(0, len(sampled), 500):
        chunk = sampled[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        chosen = (f"SELECT id FROM invoice WHERE customer_id IN ({marks}) AND status NOT IN "
                  f"('void', 'written_off') AND issue_date <= ?")
        rows += len(database.execute_sql(
            f"SELECT id, customer_id, due_date, amount_minor FROM invoice WHERE customer_id "
            f"IN ({marks}) AND status NOT IN ('void', 'written_off') AND issue_date <= ?",
            (*chunk, day)).fetchall())
        rows += len(database.execute_sql(
            f"SELECT invoice_id, allocated_on, amount_minor FROM allocation WHERE NOT voided "
            f"AND allocated_on <= ? AND invoice_id IN ({chosen}) AND invoice_id NOT IN "
            f"(SELECT invoice_id FROM interaction_invoice)", (day, *chunk, day)).fetchall())
    return rows


def _classes() -> dict[int, CustomerClass]:
    kinds = list(CustomerClass)
    return {cid: kinds[cid % len(kinds)] for (cid,) in Customer.select(Customer.id).tuples()}


def _timed(work: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> list[str]:
    """Time the what-works table beside the SQL floor, alternating run by run."""
    store = open_store(big_store(), check_later=True)
    lines = []
    try:
        classes = _classes()
        answer = what_works(BIG_TODAY, classes)  # warm: first reads from disk are no run's
        _floor()
        plain: list[float] = []
        by_class: list[float] = []
        floor: list[float] = []
        for run in range(RUNS):
            works: list[tuple[list[float], Callable[[], object]]] = [
                (plain, lambda: what_works(BIG_TODAY)),
                (by_class, lambda: what_works(BIG_TODAY, classes)), (floor, _floor)]
            for times, work in works if run % 2 else reversed(works):
                times.append(_timed(work))
    finally:
        store.close()
    cases = sum(r.cases for r in answer.rows_for(None) if r.aspect == "channel")
    lines.append(f"what works as of {BIG_TODAY}: {cases} cases, {len(answer.rows)} rows, "
                 f"{len(answer.comparisons)} comparisons, baseline of "
                 f"{answer.baseline_customers} customers")
    for name, times in (("all customers (Duly)", plain), ("with classes (Duly)", by_class),
                        ("SQL floor", floor)):
        lines.append(f"{name}: median {median(times):.2f} s (runs "
                     f"{', '.join(f'{t:.2f}' for t in times)})")
    ratio = median(by_class) / median(floor)
    verdict = "within" if median(by_class) <= TARGET_S else "OVER"
    lines.append(f"ratio of medians (with classes / floor) {ratio:.2f}x; median {verdict} the "
                 f"{TARGET_S:.0f} s target")
    lines.append("load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main()
