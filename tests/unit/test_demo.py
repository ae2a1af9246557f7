"""The demo company is believable, complete and the same for the same seed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee as pw
import pytest

from models import db
from models import demo as demo_company
from models.check import check_store
from models.customer_class import classes_by_customer
from models.demo import create_demo
from models.kinds import ReminderAspect
from models.relationship import PAID_UP, PROMISE_KEPT, thanks_due
from models.schema import (
    AgencyReferral,
    Allocation,
    CreditNote,
    Customer,
    Instalment,
    Interaction,
    InteractionInvoice,
    Invoice,
    Payment,
    PaymentPlan,
    Promise,
    StageExecution,
)
from models.today import worklist
from models.what_works import MIN_CASES, what_works
from tests.conftest import DEMO_SEED, DEMO_TODAY

COMPARED = (Customer, Invoice, CreditNote, Payment, Allocation, Interaction, Promise,
            PaymentPlan, Instalment, AgencyReferral)


def _contents(path: Path, seed: int) -> dict[str, list[tuple]]:
    store = db.open_store(path, create=True)
    try:
        create_demo(seed=seed, today=DEMO_TODAY)
        return {m.__name__: list(m.select().order_by(m.id).tuples()) for m in COMPARED}
    finally:
        store.close()


def test_the_same_seed_gives_the_same_company(tmp_path: Path) -> None:
    first = _contents(tmp_path / "a.sqlite", DEMO_SEED)
    assert first == _contents(tmp_path / "b.sqlite", DEMO_SEED)
    assert first != _contents(tmp_path / "c.sqlite", DEMO_SEED + 1)


def test_the_demo_has_every_kind_of_payer(demo_store: db.Store) -> None:
    assert Customer.select().count() == 60
    assert len({c.name for c in Customer.select()}) == 60
    assert Invoice.select(Invoice.customer).where(
        Invoice.status == "disputed").distinct().count() == 1
    assert PaymentPlan.select().where(PaymentPlan.status == "active").count() == 1
    assert PaymentPlan.get().instalments.count() == 6
    referral = AgencyReferral.get()
    assert Invoice.select().where((Invoice.status == "with_agency")
                                  & (Invoice.customer == referral.customer_id)).count() > 0
    assert Customer.select().where(Customer.on_hold).count() == 1
    statuses = {s for (s,) in Promise.select(Promise.status).distinct().tuples()}
    assert statuses == {"open", "kept", "broken"}


def test_the_demo_has_partial_payments_credit_notes_and_credit(demo_store: db.Store) -> None:
    assert Invoice.select().where((Invoice.open_minor > 0)
                                  & (Invoice.open_minor < Invoice.amount_minor)).exists()
    assert CreditNote.select().count() > 0
    allocated = (Allocation.select(pw.fn.SUM(Allocation.amount_minor))
                 .where(Allocation.payment == Payment.id))
    assert Payment.select().where(Payment.amount_minor > allocated).exists()
    overdue = Invoice.select().where((Invoice.open_minor > 0) & (Invoice.due_date < DEMO_TODAY))
    assert overdue.count() >= 30


def test_the_demo_spans_eighteen_months_and_many_scripts(demo_store: db.Store) -> None:
    first, last = Invoice.select(pw.fn.MIN(Invoice.issue_date),
                                 pw.fn.MAX(Invoice.issue_date)).scalar(as_tuple=True)
    assert (DEMO_TODAY - dt.date.fromisoformat(str(first))).days > 500
    assert dt.date.fromisoformat(str(last)) < DEMO_TODAY
    names = " ".join(c.name for c in Customer.select())
    for sample in ("A & B <Ltd>", "Ł", "Ø", "Παπαδοπούλου", "Иванов", "ß"):
        assert sample in names
    assert Customer.select().where(Customer.currency != "GBP").count() > 10
    assert Interaction.select().where(Interaction.follow_up_on.is_null(False)).exists()


def test_the_demos_reminders_are_its_stages_so_insights_and_thanks_show(
        demo_store: db.Store) -> None:
    # The demo's reminder e-mails and calls carried out its policies' stages: What works
    # has stages with enough cases to judge, and Today thanks an account paid up after one.
    answer = what_works(DEMO_TODAY)
    stages = [row for row in answer.rows
              if row.customer_class is None and row.aspect is ReminderAspect.STAGE]
    assert sum(row.cases >= MIN_CASES for row in stages) >= 2
    kinds = {item.kind for item in thanks_due(DEMO_TODAY)}
    assert {PAID_UP, PROMISE_KEPT} <= kinds
    # Each reminder names the stage it carried out, as one Duly sent would (a dossier
    # lists it).
    named = (StageExecution.select().join(Interaction)
             .where(Interaction.stage == StageExecution.stage))
    assert named.count() >= 300
    assert check_store() == []


def _chased_history(path: Path) -> dict[str, object]:
    store = db.open_store(path, create=True)
    try:
        create_demo(seed=DEMO_SEED, today=DEMO_TODAY)
        answer = what_works(DEMO_TODAY, classes_by_customer(DEMO_TODAY))
        [calls] = [r for r in answer.rows_for(None)
                   if r.aspect is ReminderAspect.CHANNEL and r.value == "Call"]
        reminded: dict[int, set[dt.date]] = {}
        for payment_id, at in (Allocation.select(Allocation.payment, Interaction.occurred_at)
                               .join(InteractionInvoice,
                                     on=(Allocation.invoice == InteractionInvoice.invoice))
                               .join(Interaction).where(Allocation.payment.is_null(False))
                               .tuples()):
            reminded.setdefault(payment_id, set()).add(dt.date.fromisoformat(str(at)[:10]))
        return {"open": list(Invoice.select(Invoice.id, Invoice.open_minor).order_by(Invoice.id)
                             .tuples()),
                "today": [(i.kind, i.customer_id, i.detail) for i in worklist(DEMO_TODAY)],
                "received": dict(Payment.select(Payment.id, Payment.received_on).tuples()),
                "reminded": reminded, "call uplift": calls.uplift_points[1]}
    finally:
        store.close()


def test_the_demos_customers_answer_reminders_and_only_its_history_shows_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answered = _chased_history(tmp_path / "answered.sqlite")
    monkeypatch.setattr(demo_company, "_ANSWERED", 0.0)
    ignored = _chased_history(tmp_path / "ignored.sqlite")
    # What works finds the calls ahead of the accounts left alone (it could not when the
    # customers paid as they would have anyway).
    assert answered["call uplift"] >= 5 > ignored["call uplift"]
    # What is owed today, and Today's list, are as they would be.
    assert answered["open"] == ignored["open"]
    assert answered["today"] == ignored["today"]
    # Payments over a month old came 1 to 7 days after a reminder about what they paid.
    before, after = ignored["received"], answered["received"]
    assert before.keys() == after.keys()
    moved = [pid for pid in before if before[pid] != after[pid]]
    assert len(moved) >= 30
    for pid in moved:
        assert after[pid] < before[pid] < DEMO_TODAY - dt.timedelta(days=30)
        reminded = answered["reminded"][pid]
        assert any(1 <= (after[pid] - day).days <= 7 for day in reminded)
        assert not any(after[pid] <= day < before[pid] for day in reminded)  # none after it


def test_the_generator_scales_to_exact_sizes(store_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    store = db.open_store(store_path, create=True)
    try:
        summary = create_demo(seed=5, today=DEMO_TODAY, customers=300, invoices=7000,
                              progress=lambda done, total: calls.append((done, total)))
        assert (summary.customers, summary.invoices) == (300, 7000)
        assert calls == [(250, 300), (300, 300)]
        assert Invoice.select().count() == 7000
        assert len({c.name for c in Customer.select()}) == 300
        assert check_store() == []
    finally:
        store.close()


def test_the_demo_refuses_a_store_in_use(demo_store: db.Store) -> None:
    try:
        create_demo(seed=1, today=DEMO_TODAY)
    except ValueError as exc:
        assert "new, empty store" in str(exc)
    else:
        raise AssertionError("a second demo went into a used store")
    assert Customer.select().count() == 60
