"""Each invoice's kept last stage done (store v31) stays what its executions give whatever
is written, and the follow-up plan that reads through it picks what the policies'
offsets and the executions give."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from hypothesis import strategies as st

from models import db
from models.check import check_store
from models.company import create_business
from models.db import writing
from models.errors import LedgerError
from models.followup import (
    _ID,
    _POLICY,
    _POSITION,
    _accounts_with_stages_due,
    execute_action,
    follow_up_plan,
    highest_reached,
    skip_action,
    stages_by_policy,
    start_chasing,
)
from models.kinds import InvoiceStatus
from models.ledger import record_payment
from models.migrations import MIGRATIONS, _v31_stages_done
from models.policies import delete_stage, save_stage
from models.policy_stages import default_policy_id, plans_policy_id
from models.schema import Customer, FollowUpPolicy, FollowUpStage, Invoice, StageExecution
from tests.helpers import (
    kept_figure_property,
    new_store_in,
    shaped_as_new,
    take_back,
    undo_stages_done,
)
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines

_numbers = itertools.count()
who = st.integers(0, 2)
pick = st.integers(0, 50)
days = st.integers(-20, 90)
operations = st.lists(st.one_of(
    st.tuples(st.just("carry out"), who, pick, days),
    st.tuples(st.just("pass over"), who, pick, days),
    st.tuples(st.just("late start"), who, pick, days),
    st.tuples(st.just("pay"), who, pick, days),
    st.tuples(st.just("move stage"), who, pick, st.integers(-5, 70)),
    st.tuples(st.just("add stage"), who, pick, st.integers(-5, 70)),
    st.tuples(st.just("delete stage"), who, pick, days),
    st.tuples(st.just("policy"), who, pick, days),
    st.tuples(st.just("undo execution"), who, pick, days),
    st.tuples(st.just("move execution"), who, pick, days),
), max_size=25)


def _nth(rows: list[Any], n: int) -> Any:
    return rows[n % len(rows)] if rows else None


def _chasing_stages() -> list[int]:
    """The stages of the chasing policies, in a fixed order (never the plans' policy)."""
    return [stage_id for (stage_id,) in FollowUpStage.select(FollowUpStage.id)
            .where(FollowUpStage.policy != (plans_policy_id() or 0))
            .order_by(FollowUpStage.id).tuples()]


def _apply(operation: tuple, customers: list[int]) -> None:
    """What Duly's screens do (reminders carried out or passed over, late starts,
    payments, stages moved, added or deleted, a customer's policy changed) and what no
    screen does but a writer might: an execution taken back or moved to another invoice
    or stage."""
    kind, index, n, number = operation
    customer_id = customers[index]
    on = TODAY + dt.timedelta(days=number)
    invoices = [i for (i,) in Invoice.select(Invoice.id).where(Invoice.customer == customer_id)
                .order_by(Invoice.id).tuples()]
    executions = [e for (e,) in StageExecution.select(StageExecution.id)
                  .order_by(StageExecution.id).tuples()]
    stages = _chasing_stages()
    try:
        if kind in ("carry out", "pass over"):
            actions = [a for a in follow_up_plan(on, customer_id=customer_id).due
                       if a.instalment is None]
            action = _nth(actions, n)
            if action is None:
                return
            if kind == "carry out":
                execute_action(customer_id, action.currency, on, stage_id=action.stage.id,
                               subject="Reminder", text="Please pay.", printed=n % 2 == 0)
            else:
                skip_action(customer_id, action.currency, on, stage_id=action.stage.id,
                            reason="called instead")
        elif kind == "late start" and invoices:
            start_chasing([_nth(invoices, n)], _nth(stages, number), on=on)
        elif kind == "pay" and invoices:
            bill = Invoice.get_by_id(_nth(invoices, n))
            if bill.open_minor:
                record_payment(customer_id, received_on=TODAY, amount_minor=bill.open_minor,
                               today=TODAY, allocate_to=[(bill.id, bill.open_minor)])
        elif kind in ("move stage", "add stage"):
            stage = FollowUpStage.get_by_id(_nth(stages, n))
            save_stage(stage.id if kind == "move stage" else None, stage.policy_id,
                       name=f"Stage {next(_numbers)}", offset_days=number,
                       channel="phone", template_id=None, tone="firm", fee_minor=0,
                       apply_interest=False, apply_compensation=False,
                       min_days_since_contact=n % 3)
        elif kind == "delete stage":
            delete_stage(_nth(stages, n))
        elif kind == "policy":
            chasing = [p for (p,) in FollowUpPolicy.select(FollowUpPolicy.id).where(
                FollowUpPolicy.id != (plans_policy_id() or 0)).order_by(FollowUpPolicy.id)
                .tuples()]
            with writing():
                Customer.update(followup_policy=_nth([None, *chasing], n)).where(
                    Customer.id == customer_id).execute()
        elif kind == "undo execution" and executions:
            with writing():
                StageExecution.delete().where(
                    StageExecution.id == _nth(executions, n)).execute()
        elif kind == "move execution" and executions and invoices:
            with writing():  # onto another invoice, or another stage
                change = ({"invoice": _nth(invoices, number)} if number % 2
                          else {"stage": _nth(stages, number)})
                StageExecution.update(**change).where(
                    StageExecution.id == _nth(executions, n)).execute()
    except LedgerError:
        pass
    except pw.IntegrityError:
        if kind != "move execution":  # onto a stage the invoice has reached already
            raise


def _derived() -> dict[int, int]:
    """Each invoice's last stage done, worked out here from every execution."""
    position = {row.id: row.position for row in FollowUpStage.select()}
    done = {invoice_id: 0 for (invoice_id,) in Invoice.select(Invoice.id).tuples()}
    for execution in StageExecution.select():
        done[execution.invoice_id] = max(done[execution.invoice_id],
                                         position[execution.stage_id])
    return done


def _due_by_derivation(as_of: dt.date, done: dict[int, int]) -> dict[int, int]:
    """The invoices with a stage due on ``as_of`` and the stage: from each open invoice's
    clock, its customer's policy's offsets and what was done, read here row by row."""
    stages = stages_by_policy()
    stages.pop(plans_policy_id() or 0, None)
    default = default_policy_id()
    policies = dict(Customer.select(Customer.id, Customer.followup_policy).tuples())
    found = {}
    chased = (InvoiceStatus.OPEN, InvoiceStatus.DISPUTED, InvoiceStatus.WITH_AGENCY)
    for row in Invoice.select().where(Invoice.open_minor > 0):
        policy = stages.get(policies[row.customer_id] or default or 0, [])
        start = row.chase_from or row.due_date
        stage = highest_reached(policy, (as_of - start).days)
        if row.status in chased and stage is not None and stage.position > done[row.id]:
            found[row.id] = stage.id
    return found


def _picked(as_of: dt.date, customer_id: int | None = None) -> dict[int, int]:
    """The invoices the plan's query picks on ``as_of`` (to chase or to hold back), with
    each one's stage: every customer's, or ``customer_id``'s."""
    stages = stages_by_policy()
    stages.pop(plans_policy_id() or 0, None)
    ids = {(s.policy_id, s.position): s.id for policy in stages.values() for s in policy}
    return {row[_ID]: ids[row[_POLICY], row[_POSITION]]
            for rows in _accounts_with_stages_due(as_of, stages, customer_id) for row in rows}


def _holds(location: Path | str, steps: list[tuple]) -> None:
    store = db.open_store(location, create=True)
    try:
        create_business("Stages Ltd", country="GB", currency="GBP")
        customers = [customer(f"Customer {n}") for n in range(3)]
        for number in range(9):
            invoice(customers[number % 3], 100_00 + number, due_days_ago=70 - 9 * number)
        for step in steps:
            _apply(step, customers)
        done = _derived()
        assert {i.id: i.stage_done for i in Invoice.select()} == done
        assert check_store() == []
        for back in (-10, 0, 30, 80):
            as_of = TODAY + dt.timedelta(days=back)
            expected = _due_by_derivation(as_of, done)
            assert _picked(as_of) == expected, as_of
            for owner in customers:  # one customer's, as the customer view asks
                owned = {i for (i,) in Invoice.select(Invoice.id).where(
                    Invoice.customer == owner).tuples()}
                assert _picked(as_of, owner) == {i: s for i, s in expected.items()
                                                 if i in owned}, (as_of, owner)
    finally:
        store.close()


@kept_figure_property(operations, examples=40)
def test_an_invoices_last_stage_done_is_always_what_its_executions_give(
        fast_folder: Path, steps: list[tuple]) -> None:
    _holds(new_store_in(fast_folder), steps)


@kept_figure_property(operations, examples=12)
def test_on_a_server_an_invoices_last_stage_done_is_what_its_executions_give(
        postgres_cluster: Any, steps: list[tuple]) -> None:
    with postgres_cluster.throwaway_url() as url:
        _holds(url, steps)


def test_stages_done_follow_executions_and_renumbering_and_check_finds_a_wrong_one(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 120_00, due_days_ago=40)
    [action] = follow_up_plan(TODAY).due
    execute_action(who, action.currency, TODAY, stage_id=action.stage.id,
                   subject="Reminder", text="Please pay.")
    done = Invoice.get_by_id(bill).stage_done
    assert done == action.stage.position > 0
    assert follow_up_plan(TODAY).due == ()  # nothing beyond the stage done until later
    # The stage done moves to the front of its policy: the invoice's position follows.
    stage = FollowUpStage.get_by_id(action.stage.id)
    save_stage(stage.id, stage.policy_id, name=stage.name, offset_days=-30,
               channel=stage.channel, template_id=stage.template_id, tone=stage.tone,
               fee_minor=0, apply_interest=False, apply_compensation=False,
               min_days_since_contact=0)
    assert Invoice.get_by_id(bill).stage_done == 1
    assert check_store() == []
    with writing():
        Invoice.update(stage_done=9).where(Invoice.id == bill).execute()
    assert follow_up_plan(TODAY).due == ()  # what the plan reads is the kept position
    [problem] = check_store()
    number = Invoice.get_by_id(bill).number
    assert (problem.area, problem.message) == (
        "figures", f"Invoice {number} of Zoë Ødegård AS shows follow-up stage 9 as the "
                   f"last done but its stages done reach stage 1")


def test_a_store_from_before_gains_its_stages_done_from_what_it_holds(
        demo_store: db.Store, store_target: Path | str, store_engine: str,
        tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v31_stages_done)
    done = {i.id: i.stage_done for i in Invoice.select()}
    assert done == _derived() and sum(1 for v in done.values() if v) >= 1
    plans = [follow_up_plan(TODAY + dt.timedelta(days=back)) for back in (0, 20)]
    demo_store.close()
    take_back(store_target, store_engine, version, undo_stages_done)
    store = db.open_store(store_target)
    try:
        assert store.migrated_from == version - 1
        assert {i.id: i.stage_done for i in Invoice.select()} == done
        assert [follow_up_plan(TODAY + dt.timedelta(days=back)) for back in (0, 20)] == plans
        assert check_store() == []
    finally:
        store.close()
    assert shaped_as_new(store_target, store_engine, tmp_path)
