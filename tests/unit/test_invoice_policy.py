"""Each invoice's kept follow-up policy (store v33) stays its customer's whatever is
written, the follow-up plan reads its invoices through it from the index alone, and a
store from before gains it from what it holds. (The property test of the last stages
done, ``test_stages_done``, changes customers' policies among its random writes and
checks the plan's picks against the customers' own policies, and that check is clean.)"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest

from models import db
from models.check import check_store
from models.db import writing
from models.followup import _accounts_with_stages_due, follow_up_plan
from models.ledger import CustomerDraft, update_customer
from models.migrations import MIGRATIONS, _v33_invoice_policy
from models.policy_stages import plans_policy_id, stages_by_policy
from models.schema import Customer, FollowUpPolicy, Invoice, database, on_server
from tests.helpers import query_plan, shaped_as_new, take_back, undo_invoice_policy
from tests.unit.ledger_helpers import TODAY, customer, invoice
from tests.unit.test_concurrent_payments import _waiting_for_a_lock
from tests.unit.test_concurrent_payments import server_store as server_store  # a fixture

pytestmark = pytest.mark.both_engines


def _kept() -> dict[int, int | None]:
    return {i.id: i.followup_policy_id for i in Invoice.select().order_by(Invoice.id)}


def _customers() -> dict[int, int | None]:
    """Each invoice's customer's policy, read plainly."""
    policies = dict(Customer.select(Customer.id, Customer.followup_policy).tuples())
    return {i.id: policies[i.customer_id] for i in Invoice.select().order_by(Invoice.id)}


def _change_policy(customer_id: int, policy_id: int | None) -> None:
    found = Customer.get_by_id(customer_id)
    update_customer(customer_id, CustomerDraft(code=found.code, name=found.name,
                                               currency=found.currency,
                                               billing_email=found.billing_email,
                                               followup_policy_id=policy_id))


def _policy(name: str) -> int:
    return int(FollowUpPolicy.get(FollowUpPolicy.name == name).id)


def test_every_write_that_moves_an_invoices_policy_moves_it(empty_store: db.Store) -> None:
    firm, gentle = _policy("Firm"), _policy("Gentle")
    ada, bea = customer("Ada Ltd"), customer("Bea Ltd")
    first = invoice(ada, 100_00, due_days_ago=20)
    assert _kept() == {first: None}  # the default policy, as the customer's
    _change_policy(ada, firm)
    second = invoice(ada, 200_00, due_days_ago=5)
    other = invoice(bea, 300_00, due_days_ago=5)
    assert _kept() == {first: firm, second: firm, other: None} == _customers()
    _change_policy(bea, gentle)
    _change_policy(ada, None)  # back to the default
    assert _kept() == {first: None, second: None, other: gentle} == _customers()
    with writing():  # an invoice moved to another customer takes theirs
        Invoice.update(customer=bea).where(Invoice.id == first).execute()
    assert _kept()[first] == gentle
    with writing():  # the kept policy written by hand is put back
        Invoice.update(followup_policy_id=firm).where(Invoice.id == second).execute()
    assert _kept() == _customers()
    saved = Invoice.get_by_id(other)
    saved.dispute_reason = "Saved whole, as a model is"
    with writing():
        saved.save()
    assert _kept() == _customers()
    assert check_store() == []


def test_check_finds_an_invoice_whose_policy_is_not_its_customers(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 100_00, due_days_ago=20)
    _drop_invoice_triggers()
    with writing():
        Invoice.update(followup_policy_id=_policy("Firm")).where(Invoice.id == bill).execute()
    [problem] = check_store()
    number = Invoice.get_by_id(bill).number
    assert (problem.area, problem.message) == (
        "figures", f"Invoice {number} of Zoë Ødegård AS follows the “Firm” policy but its "
                   f"customer follows the default follow-up policy")


def _drop_invoice_triggers() -> None:
    with writing():
        if on_server():
            for name in ("invoice_policy_invoice", "invoice_policy_moved"):
                database.execute_sql(f'DROP TRIGGER "{name}" ON "invoice"')
        else:
            for name in ("insert", "update"):
                database.execute_sql(f'DROP TRIGGER "invoice_policy_{name}"')


def test_the_plan_reads_its_invoices_from_the_index_alone(empty_store: db.Store) -> None:
    if on_server():
        pytest.skip("SQLite's planner")
    who = customer()
    invoice(who, 100_00, due_days_ago=20)
    stages = stages_by_policy()
    stages.pop(plans_policy_id() or 0, None)
    plan = query_plan(lambda: _accounts_with_stages_due(TODAY, stages, None), "invoice")
    searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    # Each part a range of the index alone: no table row read, no customer looked up
    # (the customers are read once, apart).
    assert searches and all("COVERING INDEX invoice_next_stage (stage_done=? AND "
                            "followup_policy_id=?" in step for step in searches), plan


def test_a_store_from_before_gains_its_policies_from_what_it_holds(
        demo_store: db.Store, store_target: Path | str, store_engine: str,
        tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v33_invoice_policy)
    kept = _kept()
    assert kept == _customers() and any(p is not None for p in kept.values())
    plans = [follow_up_plan(TODAY + dt.timedelta(days=back)) for back in (-30, 0, 20)]
    assert any(plan.due for plan in plans)
    demo_store.close()
    take_back(store_target, store_engine, version, undo_invoice_policy)
    store = db.open_store(store_target)
    try:
        assert store.migrated_from == version - 1
        assert _kept() == kept
        assert [follow_up_plan(TODAY + dt.timedelta(days=back)) for back in (-30, 0, 20)] \
            == plans
        assert check_store() == []
    finally:
        store.close()
    assert shaped_as_new(store_target, store_engine, tmp_path)


def test_on_a_server_an_invoice_added_while_its_customers_policy_changes_takes_the_new_one(
        server_store: str) -> None:
    firm = _policy("Firm")
    who = customer("Race Ltd")
    # Another person changes the customer's policy and has not committed yet.
    other = psycopg.connect(server_store)
    other.execute('UPDATE "customer" SET "followup_policy_id" = %s WHERE "id" = %s',
                  (firm, who))
    outcome: dict[str, Any] = {}

    def add() -> None:
        try:
            outcome["invoice"] = invoice(who, 100_00, due_days_ago=5)
        except BaseException as error:  # noqa: BLE001 - told to the test below
            outcome["error"] = error
        finally:
            db.close_thread_connection()

    adder = threading.Thread(target=add)
    adder.start()
    try:
        with psycopg.connect(server_store, autocommit=True) as watcher:
            _waiting_for_a_lock(watcher)  # the invoice waits for the customer's row
        other.commit()
    finally:
        other.close()
        adder.join()
    assert "error" not in outcome, outcome
    assert Invoice.get_by_id(outcome["invoice"]).followup_policy_id == firm
    assert check_store() == []
