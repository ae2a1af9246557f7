"""Each account's kept figures (store v34: its invoices still owed, its last day paid and
its last chase) stay what its invoices, allocations and chases give whatever is written,
and Today's thanks for accounts paid up after a chase, read through them, are what the
rows give."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event
from hypothesis import strategies as st

from models import db, kept_accounts
from models.check import check_store
from models.company import create_business
from models.db import writing
from models.errors import LedgerError
from models.followup import execute_action, follow_up_plan
from models.kinds import OWED_STATUSES, InvoiceStatus, WriteOffReason
from models.ledger import record_payment, void_payment
from models.migrations import MIGRATIONS, _v34_kept_accounts
from models.relationship import _paid_up
from models.schema import (
    Allocation,
    Interaction,
    InteractionInvoice,
    Invoice,
    KeptAccount,
    Payment,
    StageExecution,
)
from models.write_offs import write_off
from tests.helpers import (
    kept_figure_property,
    new_store_in,
    query_plan,
    shaped_as_new,
    take_back,
    undo_kept_accounts,
)
from tests.unit.ledger_helpers import TODAY, customer, invoice
from tests.unit.test_stages_done import _apply as apply_stage_step

pytestmark = pytest.mark.both_engines

who = st.integers(0, 3)
pick = st.integers(0, 50)
days = st.integers(-20, 90)
steps = st.lists(st.one_of(
    st.tuples(st.just("carry out"), who, pick, st.integers(-20, 20)),
    st.tuples(st.just("carry out"), who, pick, st.integers(-20, 20)),
    st.tuples(st.just("pay"), who, pick, days),
    st.tuples(st.just("pay part"), who, pick, days),
    st.tuples(st.just("pay all"), who, pick, days),
    st.tuples(st.just("pay all"), who, pick, days),
    st.tuples(st.just("void payment"), who, pick, days),
    st.tuples(st.just("undo execution"), who, pick, days),
    st.tuples(st.just("move execution"), who, pick, days),
    st.tuples(st.just("move invoice"), who, pick, st.integers(0, 3)),
    st.tuples(st.just("write off"), who, pick, st.integers(0, 5)),
    st.tuples(st.just("new invoice"), who, pick, days),
), max_size=30)


def _nth(rows: list[Any], n: int) -> Any:
    return rows[n % len(rows)] if rows else None


def _apply(step: tuple, customers: list[int]) -> None:
    """Reminders carried out; payments in full (of an invoice or the whole account) or in
    part, and voided; invoices written off in full or in part; chases taken back or moved
    (as in tests/unit/test_stages_done.py); and what no screen does but a writer might: an
    unpaid invoice moved to another customer."""
    kind, index, n, number = step
    customer_id = customers[index]
    invoices = [i for (i,) in Invoice.select(Invoice.id).where(Invoice.customer == customer_id)
                .order_by(Invoice.id).tuples()]
    try:
        if kind == "pay part" and invoices:
            bill = Invoice.get_by_id(_nth(invoices, n))
            if bill.open_minor:
                amount = max(1, bill.open_minor // 2)
                record_payment(customer_id, received_on=TODAY - dt.timedelta(days=number % 60),
                               amount_minor=amount, today=TODAY,
                               allocate_to=[(bill.id, amount)])
        elif kind == "pay all":  # every invoice of the account still owed, in full
            for bill in Invoice.select().where((Invoice.customer == customer_id)
                                               & (Invoice.open_minor > 0)
                                               & (Invoice.status == InvoiceStatus.OPEN)):
                record_payment(customer_id, received_on=TODAY - dt.timedelta(days=number % 25),
                               amount_minor=bill.open_minor, today=TODAY,
                               allocate_to=[(bill.id, bill.open_minor)])
        elif kind == "void payment":
            payments = [p for (p,) in Payment.select(Payment.id).where(
                (Payment.customer == customer_id) & ~Payment.voided).order_by(Payment.id)
                .tuples()]
            if payments:
                void_payment(_nth(payments, n), "Bounced")
        elif kind == "move invoice" and invoices and index != 2:  # among the GBP ones
            unpaid = [i for i in invoices if not Allocation.select().where(
                Allocation.invoice == i).exists()]
            if unpaid:
                with writing():
                    Invoice.update(customer=customers[(0, 1, 3)[number % 3]]).where(
                        Invoice.id == _nth(unpaid, n)).execute()
        elif kind == "write off" and invoices:  # all that is open, or a part
            bill = Invoice.get_by_id(_nth(invoices, n))
            write_off(bill.id, reason=WriteOffReason.UNCOLLECTABLE, today=TODAY,
                      amount_minor=None if number % 2 else max(1, bill.open_minor // 3))
        elif kind == "new invoice":
            invoice(customer_id, 50_00 + n, due_days_ago=number)
        elif kind == "carry out":
            # Every account's due stage, not only the first: more chases to pay up after.
            for action in follow_up_plan(TODAY + dt.timedelta(days=number),
                                         customer_id=customer_id).due:
                if action.instalment is None:
                    execute_action(customer_id, action.currency,
                                   TODAY + dt.timedelta(days=number), stage_id=action.stage.id,
                                   subject="Reminder", text="Please pay.", printed=True)
        else:
            apply_stage_step(step, customers)
    except LedgerError:
        pass


def _owed(row: Invoice) -> bool:
    return row.open_minor > 0 and row.status in OWED_STATUSES


def _derived() -> dict[tuple[int, str], tuple[int, dt.date | None, dt.date | None]]:
    """Each account's invoices still owed, last day paid and last chase, worked out here
    from every row (accounts with none of them left out)."""
    found: dict[tuple[int, str], list[Any]] = {}
    account_of = {}
    for row in Invoice.select():
        account_of[row.id] = (row.customer_id, row.currency)
        figures = found.setdefault(account_of[row.id], [0, None, None])
        figures[0] += _owed(row)
    for allocation in Allocation.select().where(Allocation.invoice.is_null(False)
                                                & ~Allocation.voided):
        figures = found[account_of[allocation.invoice_id]]
        figures[1] = max(filter(None, (figures[1], allocation.allocated_on)))
    for execution in StageExecution.select().where(StageExecution.interaction.is_null(False)):
        figures = found[account_of[execution.invoice_id]]
        figures[2] = max(filter(None, (figures[2], execution.executed_on)))
    return {account: (count, paid, chased) for account, (count, paid, chased) in found.items()
            if count or paid or chased}


def _kept() -> dict[tuple[int, str], tuple[int, dt.date | None, dt.date | None]]:
    return {(row.customer_id, row.currency): (row.open_count, row.last_paid_on,
                                              row.last_chased_on)
            for row in KeptAccount.select()
            if row.open_count or row.last_paid_on or row.last_chased_on}


def _paid_up_by_derivation(as_of: dt.date) -> list[tuple[int, str, int, dt.date]]:
    """The accounts to thank on ``as_of`` for paying up after a chase, read row by row:
    nothing still owed, chased within the year (the latest such chase's contact), every
    invoice of that contact paid, the last of them within the month and not after
    ``as_of``."""
    invoices = list(Invoice.select())
    found = []
    for account in sorted({(row.customer_id, row.currency) for row in invoices}):
        mine = [row for row in invoices if (row.customer_id, row.currency) == account]
        ids = [row.id for row in mine]
        if any(_owed(row) for row in mine):
            continue
        chases = [e.interaction_id for e in StageExecution.select().where(
            StageExecution.invoice.in_(ids) & StageExecution.interaction.is_null(False)
            & (StageExecution.executed_on >= as_of - dt.timedelta(days=365)))]
        if not chases:
            continue
        contact = max(chases)
        chased = list(Invoice.select().join(InteractionInvoice).where(
            InteractionInvoice.interaction == contact))
        paid = [a.allocated_on for a in Allocation.select().where(
            Allocation.invoice.in_([i.id for i in chased]) & ~Allocation.voided)]
        if not paid or {i.status for i in chased} - {InvoiceStatus.PAID}:
            continue
        last = max(paid)
        if as_of - dt.timedelta(days=30) <= last <= as_of:
            found.append((*account, contact, last))
    return found


def _listed(as_of: dt.date) -> list[tuple[int, str, int, dt.date]]:
    return sorted((t.customer_id, t.currency, t.ref_id, t.due_on) for t in _paid_up(as_of))


def _accounts_hold(location: Path | str, done: list[tuple]) -> None:
    store = db.open_store(location, create=True)
    try:
        create_business("Accounts Ltd", country="GB", currency="GBP")
        customers = [customer(f"Customer {n}", currency=currency)
                     for n, currency in enumerate(("GBP", "GBP", "EUR", "GBP"))]
        for number in range(8):
            invoice(customers[number % 4], 100_00 + number, due_days_ago=70 - 8 * number)
        for step in done:
            _apply(step, customers)
        assert _kept() == _derived()
        assert check_store() == []
        thanked = []
        for back in (-10, 0, 20, 60):
            as_of = TODAY + dt.timedelta(days=back)
            thanked += _listed(as_of)
            assert _listed(as_of) == _paid_up_by_derivation(as_of), as_of
        event("an account thanked" if thanked else "none thanked")
    finally:
        store.close()


@kept_figure_property(steps, examples=60)
def test_an_accounts_kept_figures_are_always_what_its_rows_give(
        fast_folder: Path, steps: list[tuple]) -> None:
    _accounts_hold(new_store_in(fast_folder), steps)


@kept_figure_property(steps, examples=12)
def test_on_a_server_an_accounts_kept_figures_are_what_its_rows_give(
        postgres_cluster: Any, steps: list[tuple]) -> None:
    with postgres_cluster.throwaway_url() as url:
        _accounts_hold(url, steps)


def _chase_and_pay(who: int, bills: list[int], on: dt.date) -> int:
    """Carry out the reminder due on ``who``'s account on ``on``; its contact's id."""
    [action] = [a for a in follow_up_plan(on, customer_id=who).due if a.instalment is None]
    execute_action(who, action.currency, on, stage_id=action.stage.id, subject="Reminder",
                   text="Please pay.", printed=True)
    return max(i for (i,) in Interaction.select(Interaction.id).tuples())


def test_an_account_paid_up_after_a_chase_is_thanked_and_check_finds_a_wrong_figure(
        empty_store: db.Store) -> None:
    who = customer()
    first, second = invoice(who, 120_00, due_days_ago=40), invoice(who, 80_00, due_days_ago=35)
    contact = _chase_and_pay(who, [first, second], TODAY - dt.timedelta(days=10))
    record_payment(who, received_on=TODAY - dt.timedelta(days=6), amount_minor=120_00,
                   today=TODAY, allocate_to=[(first, 120_00)])
    assert _paid_up(TODAY) == []  # one invoice still owed
    last = record_payment(who, received_on=TODAY - dt.timedelta(days=2), amount_minor=80_00,
                          today=TODAY, allocate_to=[(second, 80_00)])
    [thanks] = _paid_up(TODAY)
    assert (thanks.customer_id, thanks.ref_id, thanks.due_on) == (
        who, contact, TODAY - dt.timedelta(days=2))
    assert _paid_up(TODAY + dt.timedelta(days=40)) == []  # the month has passed
    void_payment(last.payment_id, "Bounced")
    assert KeptAccount.get(KeptAccount.customer_id == who).open_count == 1
    assert _paid_up(TODAY) == [] and check_store() == []
    with writing():
        KeptAccount.update(open_count=0).execute()
    [problem] = check_store()
    chased = (TODAY - dt.timedelta(days=10)).isoformat()
    paid = (TODAY - dt.timedelta(days=6)).isoformat()
    assert (problem.area, problem.message) == (
        "figures", f"Zoë Ødegård AS's account in GBP shows 0 invoice(s) still owed, last "
                   f"paid {paid}, last chased {chased} but its invoices say 1 invoice(s) "
                   f"still owed, last paid {paid}, last chased {chased}")


def test_today_reads_the_accounts_paid_up_from_their_index(
        demo_store: db.Store, store_engine: str) -> None:
    if store_engine != "sqlite":
        pytest.skip("SQLite's planner")
    plan = query_plan(lambda: _paid_up(TODAY), "kept_account")
    assert not any(step.startswith("SCAN") for step in plan), plan
    assert "kept_account_paid_up" in " ".join(plan), plan


def test_the_triggers_count_the_statuses_still_owed() -> None:
    assert "(" + ", ".join(f"'{s.value}'" for s in OWED_STATUSES) + ")" == kept_accounts._OWED


def test_a_store_from_before_gains_its_accounts_from_what_it_holds(
        demo_store: db.Store, store_target: Path | str, store_engine: str,
        tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v34_kept_accounts)
    kept = _kept()
    assert kept == _derived() and any(paid for _, paid, _ in kept.values())
    listed = [_listed(TODAY + dt.timedelta(days=back)) for back in (-60, 0, 20)]
    demo_store.close()
    take_back(store_target, store_engine, version, undo_kept_accounts)
    store = db.open_store(store_target)
    try:
        assert store.migrated_from == version - 1
        assert _kept() == kept
        assert [_listed(TODAY + dt.timedelta(days=back)) for back in (-60, 0, 20)] == listed
        assert check_store() == []
    finally:
        store.close()
    assert shaped_as_new(store_target, store_engine, tmp_path)
