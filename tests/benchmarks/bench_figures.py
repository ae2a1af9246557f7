"""The business figures on the big store: DSO (count-back and standard), best possible
DSO, ADD, CEI and aging for 18 months (``models.business_figures.business_figures``)
beside a hand-written SQL floor, interleaved run by run in one run.

The floor is one SQL statement that works out the same month-end A/R, credit sales and
current A/R for the same 18 month ends and currencies, with no Python work: the
invoices and the allocations grouped by currency, month and due date (the least a
month-end figure with a due-date split can read), then summed month by month in SQL.
Duly reads the same two groupings and does the rest (count-back, the standard
formulas, CEI, aging) in Python. Targets: at most 1 s and at most 2x the floor.

The top debtors and the cash expected are timed too, for the record (no floor).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Callable

from models.accounts import DEFAULT_BUCKET_EDGES, RECEIVABLE_STATUSES
from models.business_figures import business_figures, cash_expected, month_ends, top_debtors
from models.db import open_store
from models.schema import database
from tests.benchmarks.common import BIG_TODAY, big_store, median

RUNS = 7
MONTHS = 18


def floor_sql(as_of: dt.date, months: int = MONTHS) -> tuple[str, list[object]]:
    """The floor's SQL and its parameters: (currency, month end, A/R, sales, current)."""
    ends = month_ends(as_of, months)
    long_ago = ends[0] - dt.timedelta(days=DEFAULT_BUCKET_EDGES[-1] + 1)
    values = ", ".join("(?, ?)" for _ in ends)
    statuses = ", ".join("?" for _ in RECEIVABLE_STATUSES)
    sql = f"""
WITH months(month_key, month_end) AS (VALUES {values}),
inv AS MATERIALIZED (
  SELECT currency, substr(issue_date, 1, 7) AS m,
         CASE WHEN due_date < ? THEN NULL ELSE due_date END AS due, SUM(amount_minor) AS amount
  FROM invoice WHERE status IN ({statuses}) AND issue_date <= ?
  GROUP BY 1, 2, 3),
paid AS MATERIALIZED (
  SELECT i.currency,
         substr(CASE WHEN a.allocated_on < i.issue_date THEN i.issue_date
                     ELSE a.allocated_on END, 1, 7) AS m,
         CASE WHEN i.due_date < ? THEN NULL ELSE i.due_date END AS due,
         SUM(a.amount_minor) AS amount
  FROM allocation a JOIN invoice i ON i.id = a.invoice_id
  WHERE NOT a.voided AND i.status IN ({statuses}) AND a.allocated_on <= ?
        AND i.issue_date <= ?
  GROUP BY 1, 2, 3),
currencies AS (SELECT DISTINCT currency FROM inv)
SELECT c.currency, mo.month_end,
  (SELECT COALESCE(SUM(amount), 0) FROM inv WHERE inv.currency = c.currency
     AND inv.m <= mo.month_key)
  - (SELECT COALESCE(SUM(amount), 0) FROM paid WHERE paid.currency = c.currency
     AND paid.m <= mo.month_key) AS receivables,
  (SELECT COALESCE(SUM(amount), 0) FROM inv WHERE inv.currency = c.currency
     AND inv.m = mo.month_key) AS sales,
  (SELECT COALESCE(SUM(amount), 0) FROM inv WHERE inv.currency = c.currency
     AND inv.m <= mo.month_key AND inv.due >= mo.month_end)
  - (SELECT COALESCE(SUM(amount), 0) FROM paid WHERE paid.currency = c.currency
     AND paid.m <= mo.month_key AND paid.due >= mo.month_end) AS current_ar
FROM currencies c CROSS JOIN months mo
ORDER BY 1, 2"""
    params: list[object] = [part for end in ends
                            for part in (f"{end.year:04d}-{end.month:02d}", end.isoformat())]
    params += [long_ago.isoformat(), *RECEIVABLE_STATUSES, ends[-1].isoformat()]
    params += [long_ago.isoformat(), *RECEIVABLE_STATUSES, ends[-1].isoformat(),
               ends[-1].isoformat()]
    return sql, params


def floor(as_of: dt.date) -> list[tuple[object, ...]]:
    """Run the floor: one row per currency and month end."""
    sql, params = floor_sql(as_of)
    return list(database.execute_sql(sql, params).fetchall())


def _timed(work: Callable[[], object]) -> tuple[float, object]:
    gc.collect()  # what the runs before left is no run's cost
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> list[str]:
    """Time the figures beside the floor, alternating run by run; check they agree."""
    store = open_store(big_store(), check_later=True)
    lines = []
    try:
        figures = business_figures(BIG_TODAY, MONTHS)  # warm the cache, once each
        rows = floor(BIG_TODAY)
        ours = {(m.currency, m.month_end.isoformat()): (m.receivables_minor,
                                                         m.credit_sales_minor, m.current_minor)
                for m in figures.months}
        theirs = {(str(c), str(e)): (ar, sales, current) for c, e, ar, sales, current in rows}
        assert ours == theirs, "the floor and Duly disagree"
        duly_times: list[float] = []
        floor_times: list[float] = []
        for _ in range(RUNS):
            seconds, _ = _timed(lambda: floor(BIG_TODAY))
            floor_times.append(seconds)
            seconds, _ = _timed(lambda: business_figures(BIG_TODAY, MONTHS))
            duly_times.append(seconds)
        duly, base = median(duly_times), median(floor_times)
        lines.append(f"business figures, {MONTHS} months x {len(figures.currencies)} "
                     f"currencies: Duly {duly:.3f} s, SQL floor {base:.3f} s, ratio "
                     f"{duly / base:.2f}x (runs: Duly "
                     f"{', '.join(f'{t:.2f}' for t in duly_times)}; floor "
                     f"{', '.join(f'{t:.2f}' for t in floor_times)})")
        print(lines[-1], flush=True)
        for name, work in (("top debtors", lambda: top_debtors(BIG_TODAY, today=BIG_TODAY)),
                           ("cash expected", lambda: cash_expected(BIG_TODAY,
                                                                   today=BIG_TODAY))):
            times = [_timed(work)[0] for _ in range(3)]
            lines.append(f"{name}: {median(times):.3f} s (median of 3)")
            print(lines[-1], flush=True)
    finally:
        store.close()
    load = "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(load, flush=True)
    lines.append(load)
    return lines


if __name__ == "__main__":
    main()
