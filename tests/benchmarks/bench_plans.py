"""Payment plans on the big store: Today and the follow-up plan with 1,000 active plans
against the same store without them, side by side, run by run.

Both are copies of the 10k-customer demo store with the plans policy (a store has it
from v15); one gains 1,000 plans agreed through ``agree_plan`` on customers with overdue
invoices, their instalments spread so that some are coming up, some due, some missed.
Each run opens one copy, warms it with an untimed call, times the worklist and the
follow-up plan, and closes it; then the other (a garbage collection before each timed
call, so that what the preparation and the runs before left is no run's cost). The
target: within 1.2x.

``DULY_PLANS_STORES=<folder>`` takes the two stores an earlier preparation left there
(``without.sqlite``, ``plans.sqlite``) instead of preparing them: they are copied, never
opened in place. Each line ends with a digest of the answers, so that a change meant to be
faster only can be seen to give the same follow-up plan and worklist.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from models.db import open_store, writing
from models.errors import LedgerError
from models.followup import follow_up_plan
from models.kinds import InvoiceStatus, PlanFrequency, PlanStatus
from models.plan_schedule import ScheduleTerms
from models.plans import PlanDraft, agree_plan
from models.plans_policy import seed_plans_policy
from models.schema import Customer, Invoice, PaymentPlan
from models.today import worklist
from tests.benchmarks.common import BIG_TODAY, big_store, median

RUNS = 7
PLANS = 1_000
AGREED = BIG_TODAY - dt.timedelta(days=40)


def _prepare(source: Path, target: Path, plans: int) -> int:
    """Copy the store to ``target`` with the plans policy and ``plans`` plans; how many
    plans were agreed."""
    shutil.copy(source, target)
    store = open_store(target, check_later=True)
    agreed = 0
    try:
        with writing():
            seed_plans_policy()
            overdue = (Invoice.select(Invoice.customer).join(Customer)
                       .where((Invoice.status == InvoiceStatus.OPEN) & (Invoice.open_minor > 0)
                              & (Invoice.due_date < AGREED)
                              & (Invoice.currency == Customer.currency))
                       .group_by(Invoice.customer).order_by(Invoice.customer)
                       .limit(plans * 2).tuples())
            for (customer_id,) in overdue:
                if agreed == plans:
                    break
                # Instalments from three weeks back to six weeks on: some missed, some
                # due in their grace, some coming up within the week, most later.
                first = AGREED + dt.timedelta(days=20 + agreed % 60)
                try:
                    agree_plan(PlanDraft(customer_id, AGREED, ScheduleTerms(
                        PlanFrequency.MONTHLY, first, count=6)),
                        now=dt.datetime.combine(AGREED, dt.time(10)))
                except LedgerError:
                    continue  # in one of the demo's own plans already
                agreed += 1
    finally:
        store.close()
    return agreed


def _timed(path: Path, work: Callable[[], object]) -> tuple[float, object]:
    store = open_store(path, check_later=True)
    try:
        work()  # warm this connection's cache
        gc.collect()  # what the runs before left is no run's cost
        started = time.perf_counter()
        result = work()
        return time.perf_counter() - started, result
    finally:
        store.close()


def main() -> list[str]:
    """Time Today and the follow-up plan with and without 1,000 plans, alternating."""
    source = big_store()
    lines = []
    with tempfile.TemporaryDirectory(dir=source.parent) as folder:
        without, with_plans = Path(folder) / "without.sqlite", Path(folder) / "plans.sqlite"
        kept = os.environ.get("DULY_PLANS_STORES")
        if kept:
            shutil.copy(Path(kept) / "without.sqlite", without)
            shutil.copy(Path(kept) / "plans.sqlite", with_plans)
            agreed = _active_plans(with_plans) - _active_plans(without)
            print(f"{agreed:,} more active plans in the stores of {kept}", flush=True)
        else:
            _prepare(source, without, 0)
            agreed = _prepare(source, with_plans, PLANS)
            print(f"{agreed:,} active plans agreed on {AGREED}", flush=True)
        for name, work in (("Today worklist", lambda: worklist(BIG_TODAY)),
                           ("follow-up plan", lambda: follow_up_plan(BIG_TODAY))):
            base: list[float] = []
            ours: list[float] = []
            sizes = ("", "")
            digests: set[tuple[str, str]] = set()
            for _ in range(RUNS):
                seconds, plain = _timed(without, work)
                base.append(seconds)
                seconds, planned = _timed(with_plans, work)
                ours.append(seconds)
                sizes = (_size(plain), _size(planned))
                digests.add((_digest(plain), _digest(planned)))
            line = (f"{name}: with {agreed:,} plans {median(ours):.3f} s ({sizes[1]}), "
                    f"without {median(base):.3f} s ({sizes[0]}), ratio "
                    f"{median(ours) / median(base):.2f}x; answers "
                    + " ".join(f"{plans}/{plain}" for plain, plans in sorted(digests)))
            print(line, flush=True)
            lines.append(line)
    load = "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(load, flush=True)
    lines.append(load)
    return lines


def _active_plans(path: Path) -> int:
    store = open_store(path, check_later=True)
    try:
        return PaymentPlan.select().where(PaymentPlan.status == PlanStatus.ACTIVE).count()
    finally:
        store.close()


def _digest(result: object) -> str:
    """A short digest of an answer (its repr: every field of every action or item)."""
    return hashlib.sha256(repr(result).encode()).hexdigest()[:12]


def _size(result: object) -> str:
    if isinstance(result, list):
        return f"{len(result):,} items"
    due, skipped = getattr(result, "due", ()), getattr(result, "skipped", ())
    return f"{len(due):,} due, {len(skipped):,} held back"


if __name__ == "__main__":
    main()
