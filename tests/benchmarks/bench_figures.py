"""The business figures on the big store: DSO (count-back and standard), best possible
DSO, ADD, CEI and aging for 18 months (``models.business_figures.business_figures``)
beside a hand-written SQL floor, interleaved run by run in one run.

Both read the kept month totals (schema v16, ``models.month_totals``): what was
invoiced and allocated by currency, month and due date. The floor is one SQL statement
over that table giving the same month-end A/R, credit sales and current A/R for the
same 18 month ends and currencies, with no Python work. Duly reads the same table
grouped by currency, month and due date and does the rest (count-back, the standard
formulas, CEI, aging) in Python. Targets: at most 1 s and at most 2x the floor.

The store is a copy of the big demo store, migrated to this version first (the copy's
migration is timed and printed). Before timing, the figures are checked against both
the floor and the figures derived from every invoice as before v16 (the old two
GROUP BY queries, timed once for the record). The top debtors and the cash expected
are timed too (no floor).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from models.business_figures import business_figures, cash_expected, month_ends, top_debtors
from models.db import open_store
from models.schema import database
from tests.benchmarks.common import BIG_TODAY, STORES, median, migrated_copy

RUNS = 7
MONTHS = 18


def floor_sql(as_of: dt.date, months: int = MONTHS) -> tuple[str, list[object]]:
    """The floor's SQL and its parameters: (currency, month end, A/R, sales, current)."""
    ends = month_ends(as_of, months)
    values = ", ".join("(?, ?)" for _ in ends)
    sql = f"""
WITH months(month_key, month_end) AS (VALUES {values}),
currencies AS (SELECT DISTINCT currency FROM kept_month_total
               WHERE month <= ? AND (invoiced_minor != 0 OR allocated_minor != 0))
SELECT c.currency, mo.month_end,
  (SELECT COALESCE(SUM(invoiced_minor - allocated_minor), 0) FROM kept_month_total k
     WHERE k.currency = c.currency AND k.month <= mo.month_key) AS receivables,
  (SELECT COALESCE(SUM(invoiced_minor), 0) FROM kept_month_total k
     WHERE k.currency = c.currency AND k.month = mo.month_key) AS sales,
  (SELECT COALESCE(SUM(invoiced_minor - allocated_minor), 0) FROM kept_month_total k
     WHERE k.currency = c.currency AND k.month <= mo.month_key
       AND k.due_date >= mo.month_end) AS current_ar
FROM currencies c CROSS JOIN months mo
ORDER BY 1, 2"""
    params: list[object] = [part for end in ends
                            for part in (f"{end.year:04d}-{end.month:02d}", end.isoformat())]
    params.append(f"{ends[-1].year:04d}-{ends[-1].month:02d}")
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
    from tests.unit.test_month_totals import _figures_by_every_invoice

    lines = []
    with tempfile.TemporaryDirectory(dir=STORES) as folder:
        started = time.perf_counter()
        copy = migrated_copy(Path(folder))
        lines.append(f"copy and migrate the big store: {time.perf_counter() - started:.1f} s")
        print(lines[-1], flush=True)
        store = open_store(copy, check_later=True)
        try:
            lines += _timings()
            seconds, old = _timed(lambda: _figures_by_every_invoice(BIG_TODAY, MONTHS))
            assert old == business_figures(BIG_TODAY, MONTHS), "v16 changed the figures"
            lines.append(f"the same figures derived from every invoice (before v16): "
                         f"{seconds:.3f} s, equal")
            print(lines[-1], flush=True)
        finally:
            store.close()
    load = "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(load, flush=True)
    lines.append(load)
    return lines


def _timings() -> list[str]:
    lines = []
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
                 f"{', '.join(f'{t:.3f}' for t in duly_times)}; floor "
                 f"{', '.join(f'{t:.3f}' for t in floor_times)})")
    print(lines[-1], flush=True)
    for name, work in (("top debtors", lambda: top_debtors(BIG_TODAY, today=BIG_TODAY)),
                       ("cash expected", lambda: cash_expected(BIG_TODAY, today=BIG_TODAY))):
        times = [_timed(work)[0] for _ in range(3)]
        lines.append(f"{name}: {median(times):.3f} s (median of 3: "
                     f"{', '.join(f'{t:.2f}' for t in times)})")
        print(lines[-1], flush=True)
    return lines


if __name__ == "__main__":
    main()
