"""The follow-up plan picks, in the store's query, the invoices with a stage due: the
stage each open invoice has reached under its customer's policy (counted from its late
start, else its due date) beyond the highest stage already executed or passed over.
Whatever the invoices' due days, late starts and stages passed over, and whatever the
day asked, it is the stage the policy's offsets give (``highest_reached``)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models import db
from models.company import create_business
from models.followup import (
    follow_up_plan,
    highest_reached,
    skip_action,
    stages_by_policy,
    start_chasing,
)
from models.policy_stages import default_policy_id
from models.schema import FollowUpStage, Invoice, StageExecution
from tests.unit.ledger_helpers import TODAY, customer, invoice

_stores = itertools.count()

# (days before TODAY the invoice falls due, a late start at that stage's index or None)
invoices = st.lists(st.tuples(st.integers(-10, 120), st.one_of(st.none(), st.integers(0, 5))),
                    min_size=1, max_size=5)
# Days after TODAY on which the action due is passed over, then the day asked.
skips = st.lists(st.integers(-60, 60), max_size=3)
asked = st.integers(-20, 90)


def _expected(as_of: dt.date, who: int) -> dict[int, int]:
    """Each invoice with a stage due on ``as_of``: the stage's id, worked out in Python
    from the policy's offsets and what was executed."""
    stages = stages_by_policy()[default_policy_id() or 0]
    position = {row.id: row.position for row in FollowUpStage.select()}
    done: dict[int, int] = {}
    for execution in StageExecution.select():
        done[execution.invoice_id] = max(done.get(execution.invoice_id, 0),
                                         position[execution.stage_id])
    found = {}
    for row in Invoice.select().where((Invoice.customer == who) & (Invoice.open_minor > 0)):
        start = row.chase_from or row.due_date
        stage = highest_reached(stages, (as_of - start).days)
        if stage is not None and stage.position > done.get(row.id, 0):
            found[row.id] = stage.id
    return found


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(invoices, skips, asked)
# A chase started at a later stage before the invoice is due: its clock starts before
# the due day (the plan once read only the invoices already due by then).
@example(bills=[(-4, 1)], passed_over=[], day=0)
@pytest.mark.slow
def test_the_stage_due_is_the_one_the_policys_offsets_give(
        fast_folder: Path, bills: list[tuple[int, int | None]], passed_over: list[int],
        day: int) -> None:
    store = db.open_store(fast_folder / f"stages{next(_stores)}.sqlite", create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer("Zoë Ødegård AS")
        stages = stages_by_policy()[default_policy_id() or 0]
        for due_days_ago, late_start in bills:
            bill = invoice(who, 500_00, due_days_ago=due_days_ago)
            if late_start is not None:
                start_chasing([bill], stages[late_start].id,
                              on=TODAY - dt.timedelta(days=due_days_ago // 2))
        for offset in sorted(passed_over):
            on = TODAY + dt.timedelta(days=offset)
            for action in follow_up_plan(on).due:
                skip_action(action.customer_id, action.currency, on,
                            stage_id=action.stage.id, reason="sent by hand")
        as_of = TODAY + dt.timedelta(days=day)
        expected = _expected(as_of, who)
        due = {i.id: i.stage_id for action in follow_up_plan(as_of).due
               for i in action.invoices}
        assert due == expected
        [action] = follow_up_plan(as_of).due or [None]
        if expected:
            assert action is not None
            assert action.stage.position == max(
                s.position for s in stages if s.id in expected.values())
        else:
            assert action is None
    finally:
        store.close()
