"""The Today worklist and note search against hand-written SQL on the same store file.

The big demo store holds 345,000 contact notes. Note search's floor is the
bare FTS5 query with its snippet and the customer rows joined in; the
worklist's floor is the three hand-written queries that find the same work
(follow-ups due, promises due or broken and still owed, accounts newly
overdue), without the user's decisions and without building rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from models.contacts import search_notes
from models.db import open_store
from models.followup import follow_up_plan
from models.today import NEW_OVERDUE_DAYS, worklist
from tests.benchmarks.common import (
    BIG_TODAY,
    load_average,
    median,
    migrated_big_store,
    report,
)

RUNS = 9
QUERIES = ("müller", "promised pay", "inv-00001", "no answer")

SEARCH_SQL = """
SELECT f.rowid, snippet(interaction_fts, -1, char(2), char(3), '…', 16), i.customer_id,
       c.code, c.name, i.kind, i.occurred_at
FROM interaction_fts f JOIN interaction i ON i.id = f.rowid JOIN customer c ON c.id = i.customer_id
WHERE interaction_fts MATCH ? ORDER BY f.rowid DESC LIMIT 200
"""

FOLLOW_UPS_SQL = """
SELECT i.id, i.customer_id, c.code, c.name, i.follow_up_on, i.summary
FROM interaction i JOIN customer c ON c.id = i.customer_id
WHERE i.follow_up_on IS NOT NULL AND NOT i.follow_up_done AND i.follow_up_on <= :d0
"""

PROMISES_SQL = """
SELECT p.id, p.customer_id, c.code, c.name, p.promised_for, p.status, p.amount_minor,
       (SELECT COALESCE(SUM(v.open_minor), 0) FROM promise_invoice pi
        JOIN invoice v ON v.id = pi.invoice_id WHERE pi.promise_id = p.id)
FROM promise p JOIN customer c ON c.id = p.customer_id
WHERE p.status IN ('open', 'broken') AND p.promised_for <= :d0
"""

# The engine's floor: open invoices with the highest stage executed for each.
STAGES_SQL = """
SELECT v.id, v.number, v.due_date, v.open_minor, v.currency, v.status, c.id, c.code, c.name,
       c.on_hold, c.hold_reason, c.last_contact_at, c.followup_policy_id,
       (SELECT MAX(s.position) FROM stage_execution e JOIN follow_up_stage s ON s.id = e.stage_id
        WHERE e.invoice_id = v.id)
FROM invoice v JOIN customer c ON c.id = v.customer_id
WHERE v.open_minor > 0 AND v.status IN ('open', 'disputed', 'with_agency')
  AND v.due_date <= :d3
"""

NEW_OVERDUE_SQL = """
SELECT v.customer_id, v.currency, MIN(v.due_date), SUM(v.open_minor), COUNT(*)
FROM invoice v JOIN customer c ON c.id = v.customer_id
WHERE v.open_minor > 0 AND v.status = 'open' AND v.due_date < :d0 AND NOT c.on_hold
GROUP BY v.customer_id, v.currency HAVING MIN(v.due_date) >= :dn
"""


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _compare(name: str, duly: Callable[[], object], floor: Callable[[], object]) -> str:
    duly(), floor()  # warm the cache for both
    ours, theirs = [], []
    for _ in range(RUNS):
        ours.append(_timed(duly))
        theirs.append(_timed(floor))
    return report(name, median(ours), median(theirs))


def main() -> list[str]:
    """Measure note search and the worklist against their floors, alternating runs."""
    with tempfile.TemporaryDirectory(prefix="duly-bench-") as folder:
        lines = _measure(migrated_big_store(Path(folder)))
    lines.append(f"load average {load_average()}")
    print(lines[-1], flush=True)
    return lines


def _measure(path: Path) -> list[str]:
    """The figures on the store at ``path`` (a migrated copy of the big store)."""
    store = open_store(path)
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    days = {"d0": BIG_TODAY.isoformat(),
            "d3": (BIG_TODAY + dt.timedelta(days=3)).isoformat(),
            "dn": (BIG_TODAY - dt.timedelta(days=NEW_OVERDUE_DAYS)).isoformat()}
    lines = []
    try:
        notes = raw.execute("SELECT COUNT(*) FROM interaction").fetchone()[0]
        for text in QUERIES:
            fts = " ".join(f'"{word}"*' for word in text.replace("-", " ").split())
            lines.append(_compare(
                f"note search {text!r} ({notes:,} notes, {len(search_notes(text))} shown)",
                lambda text=text: search_notes(text),  # type: ignore[misc]
                lambda fts=fts: raw.execute(SEARCH_SQL, (fts,)).fetchall()))  # type: ignore[misc]
        plan = follow_up_plan(BIG_TODAY)
        lines.append(_compare(
            f"follow-up plan ({len(plan.due):,} due, {len(plan.skipped):,} held back)",
            lambda: follow_up_plan(BIG_TODAY),
            lambda: raw.execute(STAGES_SQL, days).fetchall()))
        items = worklist(BIG_TODAY)
        # The answer's digest: a change made for speed must leave it the same.
        digest = hashlib.sha256(repr(items).encode()).hexdigest()[:12]
        lines.append(_compare(
            f"Today worklist ({len(items):,} items, 10k customers, answer {digest})",
            lambda: worklist(BIG_TODAY),
            lambda: [raw.execute(sql, days).fetchall()
                     for sql in (FOLLOW_UPS_SQL, PROMISES_SQL, NEW_OVERDUE_SQL)]))
    finally:
        raw.close()
        store.close()
    return lines


if __name__ == "__main__":
    main()
