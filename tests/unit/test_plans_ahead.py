"""The follow-up engine and Today read the active plans lighter (``plans_ahead``): what
is left on each instalment not paid in full, up to the days they look ahead to. Whatever
money is paid, voided or allocated, it says what the plans' standings say; and a reminder
the plans policy sends further ahead than a week still goes."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import db
from models.company import create_business
from models.errors import LedgerError
from models.followup import follow_up_plan, plans_policy_id
from models.kinds import PlanFrequency
from models.ledger import add_credit_note, allocate_credit, record_payment, void_payment
from models.plan_schedule import ScheduleTerms
from models.plans import (
    InstalmentLeft,
    PlanAhead,
    PlanDraft,
    PlanStanding,
    agree_plan,
    plan_standings,
    plans_ahead,
)
from models.policies import save_stage
from models.schema import FollowUpStage, Invoice, Payment
from models.today import INSTALMENT_DUE, worklist
from tests.unit.ledger_helpers import TODAY, customer, invoice

D = dt.date
FIRST = D(2027, 1, 15)
_stores = itertools.count()
_numbers = itertools.count(1)


def _as_standings_say(standings: list[PlanStanding], until: dt.date) -> list[PlanAhead]:
    """What the full standings say the engine and Today need, up to ``until``."""
    found = []
    for standing in standings:
        unpaid = tuple(InstalmentLeft(i.id, i.position, i.due_date, i.left_minor, i.last_day)
                       for i in standing.instalments
                       if i.paid_on is None and i.due_date <= until)
        if unpaid:
            found.append(PlanAhead(standing.plan_id, standing.customer_id,
                                   standing.customer_code, standing.customer_name,
                                   standing.currency, standing.agreed_on,
                                   len(standing.instalments), unpaid))
    return found


def _agree(who: int, invoice_ids: tuple[int, ...], count: int, deposit: int) -> None:
    terms = ScheduleTerms(PlanFrequency.MONTHLY, FIRST, count=count, deposit_minor=deposit,
                          deposit_on=TODAY if deposit else None)
    agree_plan(PlanDraft(who, TODAY, terms, invoice_ids=invoice_ids),
               now=dt.datetime.combine(TODAY, dt.time(10)))


amounts = st.integers(1, 700_00)
days = st.integers(-20, 150)  # from TODAY, the day the plans were agreed
operations = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 1), st.integers(0, 1), amounts, days),
    st.tuples(st.just("pay oldest first"), st.integers(0, 1), st.just(0), amounts, days),
    st.tuples(st.just("credit note"), st.integers(0, 1), st.integers(0, 1), amounts, days),
    st.tuples(st.just("allocate credit"), st.integers(0, 1), st.integers(0, 9), st.just(0),
              days),
    st.tuples(st.just("void payment"), st.integers(0, 1), st.integers(0, 9), st.just(0),
              st.just(0)),
), max_size=14)


def _apply(step: tuple[str, int, int, int, int], accounts: list[tuple[int, list[int]]]) -> None:
    """Post one step as a user would; refusals are part of the game."""
    kind, which, pick, amount, offset = step
    who, bills = accounts[which]
    on = TODAY + dt.timedelta(days=offset)
    bill = bills[pick % len(bills)]
    payments = [p.id for p in Payment.select().where(Payment.customer == who)
                .order_by(Payment.id)]
    try:
        if kind == "pay":
            share = min(amount, Invoice.get_by_id(bill).open_minor)
            record_payment(who, received_on=on, amount_minor=amount, today=on,
                           allocate_to=[(bill, share)] if share else [])
        elif kind == "pay oldest first":
            record_payment(who, received_on=on, amount_minor=amount, today=on)
        elif kind == "credit note":
            add_credit_note(who, number=f"CN-{next(_numbers)}", issue_date=on,
                            amount_minor=amount, invoice_id=bill, today=on)
        elif kind == "allocate credit" and payments:
            allocate_credit(who, payment_id=payments[pick % len(payments)], on=on)
        elif kind == "void payment" and payments:
            void_payment(payments[pick % len(payments)], "Posted by mistake")
    except LedgerError:
        pass


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations, st.integers(2, 5), st.integers(0, 200_00))
@pytest.mark.slow
def test_the_lighter_read_says_what_the_standings_say(
        fast_folder: Path, steps: list[tuple[str, int, int, int, int]], count: int,
        deposit: int) -> None:
    store = db.open_store(fast_folder / f"p{next(_stores)}.sqlite", create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        accounts = []
        for name, instalments, paid_down in (("Zoë Ødegård AS", count, deposit),
                                              ("Anders & Co", 3, 0)):
            who = customer(name)
            bills = [invoice(who, 900_00, due_days_ago=100),
                     invoice(who, 300_00, due_days_ago=60)]
            _agree(who, tuple(bills), instalments, paid_down)
            accounts.append((who, bills))
        for step in steps:
            _apply(step, accounts)
        for offset, ahead in itertools.product((0, 48, 55, 80, 110, 140, 200), (0, 7, 40)):
            as_of = TODAY + dt.timedelta(days=offset)
            until = as_of + dt.timedelta(days=ahead)
            standings = plan_standings(as_of, active_only=True)
            assert plans_ahead(as_of, until) == _as_standings_say(standings, until)
            who = accounts[0][0]
            assert plans_ahead(as_of, until, customer_id=who) == _as_standings_say(
                [s for s in standings if s.customer_id == who], until)
    finally:
        store.close()


def test_a_part_paid_instalment_is_read_with_what_is_left_on_it(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=100)
    _agree(who, (bill,), 3, 0)
    record_payment(who, received_on=D(2027, 1, 10), amount_minor=420_00, today=D(2027, 1, 10),
                   allocate_to=[(bill, 420_00)])
    (plan,) = plans_ahead(D(2027, 2, 10), D(2027, 2, 20))
    assert (plan.instalment_count, [(i.position, i.left_minor) for i in plan.unpaid]) == (
        3, [(2, 180_00)])
    assert plan.next_instalment is not None
    # Minor units as whole numbers on a server too (its SUMs are NUMERIC), as on a file.
    assert type(plan.next_instalment.left_minor) is int
    assert plan.next_instalment.last_day == D(2027, 2, 20)  # 15 February and 5 days' grace
    # Money paid before the plan was agreed went into what it was agreed for.
    assert plans_ahead(D(2027, 1, 9), D(2027, 1, 31))[0].unpaid[0].left_minor == 300_00


def test_a_reminder_the_plans_policy_sends_ten_days_ahead_still_goes(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=100)
    _agree(who, (bill,), 3, 0)
    stage = FollowUpStage.get((FollowUpStage.policy == plans_policy_id())
                              & (FollowUpStage.offset_days < 0))
    save_stage(stage.id, stage.policy_id, name=stage.name, offset_days=-10,
               channel=stage.channel, template_id=stage.template_id, tone=stage.tone,
               fee_minor=0, apply_interest=False, apply_compensation=False,
               min_days_since_contact=0)
    assert [a for a in follow_up_plan(D(2027, 1, 4), customer_id=who).due] == []
    (action,) = follow_up_plan(D(2027, 1, 5), customer_id=who).due
    assert action.instalment is not None
    assert (action.instalment.position, action.instalment.due_date) == (1, FIRST)
    # Today lists it from a week before its date, with the reminder due then too.
    assert [i for i in worklist(D(2027, 1, 7)) if i.kind == INSTALMENT_DUE] == []
    (item,) = [i for i in worklist(D(2027, 1, 8)) if i.kind == INSTALMENT_DUE]
    assert item.reminder_due and item.amount_minor == 300_00
