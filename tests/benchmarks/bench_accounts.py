"""The overdue list from models/ against hand-written SQL on the same store file.

Today's list reads the kept open amounts; its floor is one hand-written
aggregate over the open invoices. The list for a past as-of date is derived
from the allocations; its floor is hand-written SQL that derives the same
figures (open amounts per bucket and the unallocated credit on that day).
Targets: at most 1.5x today, at most 1.25x for a past date.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable

from models.accounts import overdue_accounts
from models.db import open_store
from tests.benchmarks.common import BIG_TODAY, big_store, median, report

RUNS = 15
PAST = dt.date(2026, 6, 30)

_BUCKETS = """
  SUM(open_minor), SUM(CASE WHEN due_date < :d0 THEN open_minor ELSE 0 END), MIN(due_date),
  SUM(CASE WHEN due_date >= :d0 THEN open_minor ELSE 0 END),
  SUM(CASE WHEN due_date < :d0 AND due_date >= :d30 THEN open_minor ELSE 0 END),
  SUM(CASE WHEN due_date < :d30 AND due_date >= :d60 THEN open_minor ELSE 0 END),
  SUM(CASE WHEN due_date < :d60 AND due_date >= :d90 THEN open_minor ELSE 0 END),
  SUM(CASE WHEN due_date < :d90 THEN open_minor ELSE 0 END)"""

TODAY_SQL = f"""
SELECT customer_id, currency, {_BUCKETS}
FROM invoice WHERE open_minor > 0 AND status IN ('open', 'paid', 'disputed', 'with_agency')
GROUP BY customer_id, currency HAVING SUM(CASE WHEN due_date < :d0 THEN open_minor ELSE 0 END) > 0
"""

PAST_SQL = f"""
SELECT customer_id, currency, {_BUCKETS}
FROM (SELECT i.customer_id, i.currency, i.due_date,
             i.amount_minor - COALESCE(p.paid, 0) AS open_minor
      FROM invoice i LEFT JOIN (SELECT invoice_id, SUM(amount_minor) AS paid FROM allocation
                                WHERE allocated_on <= :d0 AND NOT voided
                                  AND invoice_id IS NOT NULL GROUP BY invoice_id) p
             ON p.invoice_id = i.id
      WHERE i.issue_date <= :d0 AND i.status IN ('open', 'paid', 'disputed', 'with_agency')
        AND i.amount_minor - COALESCE(p.paid, 0) > 0)
GROUP BY customer_id, currency HAVING SUM(CASE WHEN due_date < :d0 THEN open_minor ELSE 0 END) > 0
"""

PAST_CREDIT_SQL = """
SELECT s.customer_id, s.currency, SUM(s.amount_minor - COALESCE(u.used, 0))
FROM payment s LEFT JOIN (SELECT payment_id, SUM(amount_minor) AS used FROM allocation
                          WHERE allocated_on <= :d0 AND NOT voided AND payment_id IS NOT NULL
                          GROUP BY payment_id) u ON u.payment_id = s.id
WHERE s.received_on <= :d0 AND NOT s.voided AND s.amount_minor - COALESCE(u.used, 0) > 0
GROUP BY s.customer_id, s.currency
"""


def _params(as_of: dt.date) -> dict[str, str]:
    return {f"d{n}": (as_of - dt.timedelta(days=n)).isoformat() for n in (0, 30, 60, 90)}


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> list[str]:
    """Measure both lists against their floors, alternating runs."""
    path = big_store()
    store = open_store(path)
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    lines = []
    try:
        cases = [
            ("overdue list today (10k customers, 1M invoices)",
             lambda: overdue_accounts(BIG_TODAY, today=BIG_TODAY),
             lambda: raw.execute(TODAY_SQL, _params(BIG_TODAY)).fetchall()),
            ("overdue list for a past as-of date, derived from allocations",
             lambda: overdue_accounts(PAST, today=BIG_TODAY),
             lambda: (raw.execute(PAST_SQL, _params(PAST)).fetchall(),
                      raw.execute(PAST_CREDIT_SQL, _params(PAST)).fetchall())),
        ]
        for name, duly, floor in cases:
            duly(), floor()  # warm the cache for both
            ours, theirs = [], []
            for _ in range(RUNS):
                ours.append(_timed(duly))
                theirs.append(_timed(floor))
            lines.append(report(name, median(ours), median(theirs)))
    finally:
        raw.close()
        store.close()
    return lines


if __name__ == "__main__":
    main()
