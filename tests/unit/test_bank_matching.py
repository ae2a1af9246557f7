"""Matching bank credits to customers and invoices, recording them, and undoing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models import db
from models.bank_formats import Statement, StatementCredit, StatementRefused
from models.bank_matching import Confidence, reference_key
from models.bank_statements import (
    CreditChoice,
    accept,
    planned_payments,
    preview,
    record,
    sure_choices,
    undo_statement,
)
from models.company import create_business
from models.contacts import record_promise
from models.disputes import open_dispute
from models.kinds import BankCreditOutcome, BankFormat, CreditKind, PromiseStatus
from models.ledger import record_payment
from models.migrations import MIGRATIONS, _v21_bank_statements
from models.schema import (
    Allocation,
    BankCredit,
    BankStatement,
    CreditNote,
    Customer,
    Invoice,
    Payment,
    PaymentTerms,
    Promise,
)
from tests.helpers import undo_bank_statements
from tests.unit.ledger_helpers import TODAY, customer, invoice

DAY = dt.date(2026, 11, 20)


def credit(bank_id: str, amount_minor: int, *, text: str = "", payer: str = "",
           iban: str = "", currency: str = "GBP") -> StatementCredit:
    return StatementCredit(bank_id, DAY, amount_minor, currency, payer, iban, text)


def statement(*credits: StatementCredit, currency: str = "GBP") -> Statement:
    return Statement("nov.ofx", "f" * 64, BankFormat.OFX, currency, credits)


def only(*credits: StatementCredit):  # type: ignore[no-untyped-def]
    return preview(statement(*credits)).lines


def test_mangled_numbers_have_one_key() -> None:
    assert reference_key("INV-0000042") == reference_key("inv 42") == reference_key("Inv0042")


def test_an_exact_number_and_amount_is_sure(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    paid = invoice(who, 12050, due_days_ago=10, number="INV-0042")
    invoice(who, 5000, due_days_ago=5)
    (line,) = only(credit("A1", 12050, text="Payment INV-0042 thanks"))
    assert line.match.confidence is Confidence.SURE
    assert line.match.best is not None and line.match.best.invoice_ids == (paid,)
    assert any("invoice INV-0042 is in the text" in r for r in line.match.best.reasons)


def test_a_mangled_number_is_found(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    paid = invoice(who, 9900, due_days_ago=10, number="INV-0000077")
    (line,) = only(credit("A1", 9900, text="inv 77 oct"))
    assert line.match.confidence is Confidence.SURE
    assert line.match.best is not None and line.match.best.invoice_ids == (paid,)


def test_one_amount_open_on_two_invoices_is_only_suggested(empty_store: db.Store) -> None:
    first, second = customer("North Ltd"), customer("South Ltd")
    invoice(first, 4200, due_days_ago=10)
    invoice(second, 4200, due_days_ago=10)
    (line,) = only(credit("A1", 4200))
    assert line.match.confidence is Confidence.SUGGESTED
    assert {c.customer_id for c in line.match.candidates} == {first, second}


def test_a_set_of_one_customers_invoices_adding_up(empty_store: db.Store) -> None:
    who = customer("Bolt & Co")
    a = invoice(who, 1000, due_days_ago=30)
    invoice(who, 2500, due_days_ago=20)
    c = invoice(who, 3300, due_days_ago=10)
    (line,) = only(credit("A1", 4300, payer="BOLT AND CO"))
    best = line.match.best
    assert best is not None and best.customer_id == who
    assert set(best.invoice_ids) == {a, c}
    assert any("together" in r for r in best.reasons)


def test_a_name_only_is_suggested_with_its_score(empty_store: db.Store) -> None:
    who = customer("Harbour Bakery Limited")
    invoice(who, 10000, due_days_ago=10)
    (line,) = only(credit("A1", 1234, payer="HARBOUR BAKERY"))
    assert line.match.confidence is Confidence.SUGGESTED
    best = line.match.best
    assert best is not None and best.customer_id == who and best.name_score == 100
    assert "score 100" in best.reasons[0]


def test_an_unknown_payer_is_unmatched(empty_store: db.Store) -> None:
    who = customer("Harbour Bakery Limited")
    invoice(who, 10000, due_days_ago=10)
    (line,) = only(credit("A1", 777, payer="Zebra Imports", text="rent"))
    assert line.match.confidence is Confidence.UNMATCHED and line.match.candidates == ()


def test_the_payers_iban_is_remembered(empty_store: db.Store) -> None:
    who = customer("Quiet Payer Ltd")
    invoice(who, 3000, due_days_ago=10, number="Q-1")
    invoice(who, 4000, due_days_ago=5, number="Q-2")
    first = credit("A1", 3000, text="Q-1", iban="GB33BUKB20201555555555")
    bank = preview(statement(first))
    record(bank, sure_choices(bank), today=TODAY)
    (line,) = only(credit("A2", 4000, text="thank you", iban="GB33BUKB20201555555555"))
    assert line.match.confidence is Confidence.SURE
    assert line.match.best is not None and line.match.best.customer_id == who
    assert any("GB33BUKB20201555555555" in r for r in line.match.best.reasons)


def test_a_statement_in_a_currency_no_customer_uses_is_refused(empty_store: db.Store) -> None:
    customer("Acme Trading Ltd")
    with pytest.raises(StatementRefused, match="no customer is invoiced in it"):
        preview(statement(credit("A1", 100, currency="JPY"), currency="JPY"))


def test_an_overlapping_statement_records_nothing_twice(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    invoice(who, 1000, due_days_ago=10, number="INV-1")
    invoice(who, 2000, due_days_ago=9, number="INV-2")
    invoice(who, 3000, due_days_ago=8, number="INV-3")
    one, two, three = (credit("A1", 1000, text="INV-1"), credit("A2", 2000, text="INV-2"),
                       credit("A3", 3000, text="INV-3"))
    first = preview(statement(one, two))
    assert record(first, sure_choices(first), today=TODAY).recorded == 2
    second = preview(statement(two, three))
    assert second.already_done == 1
    done = record(second, sure_choices(second), today=TODAY)
    assert done.recorded == 1
    assert Payment.select().count() == 3
    assert sum(i.open_minor for i in Invoice.select()) == 0


def test_an_ignored_credit_is_remembered(empty_store: db.Store) -> None:
    customer("Acme Trading Ltd")
    bank = preview(statement(credit("R1", 50000, text="tax refund")))
    record(bank, [CreditChoice("R1", ignore=True)], today=TODAY)
    (line,) = preview(statement(credit("R1", 50000, text="tax refund"))).lines
    assert line.already is BankCreditOutcome.IGNORED
    assert Payment.select().count() == 0


def test_a_statement_with_nothing_chosen_is_not_kept(empty_store: db.Store) -> None:
    customer("Acme Trading Ltd")
    bank = preview(statement(credit("R2", 50000, text="tax refund")))
    done = record(bank, sure_choices(bank), today=TODAY)  # a scheduled job: none is sure
    assert (done.statement_id, done.recorded, done.ignored) == (None, 0, 0)
    assert BankStatement.select().count() == 0  # nothing for the list to undo


def test_undo_voids_every_payment_of_the_statement(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    paid = invoice(who, 1000, due_days_ago=10, number="INV-1")
    bank = preview(statement(credit("A1", 1000, text="INV-1"), credit("A2", 500, text="INV-1")))
    done = record(bank, [accept(line.match) for line in bank.lines], today=TODAY)
    assert Invoice.get_by_id(paid).open_minor == 0
    assert Payment.get_by_id(done.payment_ids[1]).unallocated_minor == 500  # kept as credit
    assert undo_statement(done.statement_id) == 2
    assert Invoice.get_by_id(paid).open_minor == 1000
    assert Payment.select().where(~Payment.voided).count() == 0
    again = preview(statement(credit("A1", 1000, text="INV-1")))
    assert again.already_done == 0  # undone: the statement can be imported again


def test_a_refused_payment_records_nothing(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    invoice(who, 1000, due_days_ago=10, number="INV-1")
    late = StatementCredit("F1", TODAY + dt.timedelta(days=3), 700, "GBP", "", "", "INV-1")
    bank = preview(statement(credit("A1", 1000, text="INV-1"), late))
    with pytest.raises(Exception, match="payment date"):
        record(bank, [accept(line.match) for line in bank.lines], today=TODAY)
    assert Payment.select().count() == 0 and BankCredit.select().count() == 0


def test_a_promise_is_kept_by_a_bank_payment(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    owed = invoice(who, 6000, due_days_ago=40, number="INV-9")
    promise = record_promise(who, amount_minor=6000, promised_for=DAY + dt.timedelta(days=2),
                             invoice_ids=[owed], now=dt.datetime(2026, 11, 1, 9))
    (line,) = only(credit("P1", 6000, payer="Acme Trading"))
    best = line.match.best
    assert best is not None and best.customer_id == who
    assert any("an open promise" in r for r in best.reasons)
    record(preview(statement(credit("P1", 6000, payer="Acme Trading"))),
           [CreditChoice("P1", who)], today=TODAY)
    assert Promise.get_by_id(promise).status is PromiseStatus.KEPT


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opens=st.lists(st.integers(1, 50_000), min_size=1, max_size=5),
       amounts=st.lists(st.integers(1, 80_000), min_size=1, max_size=4),
       picks=st.lists(st.booleans(), min_size=4, max_size=4))
def test_what_the_preview_plans_is_what_record_posts(
        fast_folder: Path, opens: list[int], amounts: list[int], picks: list[bool]) -> None:
    path = fast_folder / f"b{len(list(fast_folder.iterdir()))}.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", address="1 Quay Street", country="GB",
                        currency="GBP")
        who = customer("Acme Trading Ltd")
        ids = [invoice(who, amount, due_days_ago=10 + n) for n, amount in enumerate(opens)]
        bank = preview(statement(*(credit(f"C{n}", a) for n, a in enumerate(amounts))))
        choices = [CreditChoice(f"C{n}", who, tuple(ids[:1]) if picks[n] else ())
                   for n in range(len(amounts))]
        planned = planned_payments(bank, choices)
        done = record(bank, choices, today=TODAY)
        posted = [tuple((a.invoice_id, a.amount_minor) for a in Allocation.select().where(
            Allocation.payment == p).order_by(Allocation.id)) for p in done.payment_ids]
        assert posted == [p.allocations for p in planned]
        assert [Payment.get_by_id(p).unallocated_minor for p in done.payment_ids] == \
            [p.unallocated_minor for p in planned]
    finally:
        store.close()


def _book(path: Path, opens: list[int], disputed: int, discount: bool) -> tuple[db.Store, int]:
    """A store with one customer's invoices, the first partly in dispute (unless
    ``disputed`` is 0); with ``discount``, on "2% 10, net 30" terms and issued a few
    days before the credits, so each is still in its early-payment discount window."""
    store = db.open_store(path, create=True)
    create_business("Harbour & Finch Ltd", address="1 Quay Street", country="GB",
                    currency="GBP")
    who = customer("Acme Trading Ltd")
    if discount:
        Customer.update(payment_terms=PaymentTerms.get(
            PaymentTerms.name == "2% 10, net 30")).where(Customer.id == who).execute()
    # Fresh: issued 5, 6, 7... days before TODAY, so DAY is within ten days of each.
    ids = [invoice(who, amount, due_days_ago=-25 + n if discount else 30 - n)
           for n, amount in enumerate(opens)]
    if disputed:
        open_dispute(who, [(ids[0], min(disputed, opens[0]))], category="price",
                     customer_said="Charged too much", today=TODAY)
    return store, who


def _allocations(payment_ids: list[int]) -> list[tuple[tuple[int, int], ...]]:
    return [tuple((a.invoice_id, a.amount_minor) for a in Allocation.select().where(
        Allocation.payment == p).order_by(Allocation.id)) for p in payment_ids]


def _outcome() -> tuple[list[tuple[int | None, int]], list[tuple[int, int, str]]]:
    """The early-payment discounts granted and each invoice's open amount and status."""
    return ([(n.invoice_id, n.amount_minor) for n in CreditNote.select().where(
                (CreditNote.kind == CreditKind.EARLY_PAYMENT) & ~CreditNote.voided)
             .order_by(CreditNote.id)],
            [(i.id, i.open_minor, str(i.status)) for i in Invoice.select().order_by(Invoice.id)])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opens=st.lists(st.integers(1, 50_000), min_size=1, max_size=4),
       shares=st.lists(st.one_of(st.integers(1, 1_600), st.integers(975, 1_000)),
                       min_size=1, max_size=3),
       disputed=st.integers(0, 50_000), discount=st.booleans())
# The second credit leaves only the disputed part open: the invoice is then all in
# dispute, and a disputed invoice earns no early-payment discount.
@example(opens=[75], shares=[500, 494], disputed=1, discount=True)
def test_a_bank_payment_is_allocated_as_one_entered_by_hand(
        fast_folder: Path, opens: list[int], shares: list[int], disputed: int,
        discount: bool) -> None:
    # Two identical books: the credits recorded from a statement in one, typed in the
    # payment dialog's way (oldest first, no invoice chosen) in the other. Each credit is
    # a share (per mille) of all that is open, so payments of the discounted amount, a
    # little short of it, part payments and overpayments all come up.
    amounts = [max(sum(opens) * share // 1000, 1) for share in shares]
    n = len(list(fast_folder.iterdir()))
    store, who = _book(fast_folder / f"bank{n}.sqlite", opens, disputed, discount)
    try:
        bank = preview(statement(*(credit(f"C{k}", a) for k, a in enumerate(amounts))))
        choices = [CreditChoice(f"C{k}", who) for k in range(len(amounts))]
        planned = planned_payments(bank, choices)
        done = record(bank, choices, today=TODAY)
        from_bank, bank_outcome = _allocations(list(done.payment_ids)), _outcome()
    finally:
        store.close()
    store, who = _book(fast_folder / f"hand{n}.sqlite", opens, disputed, discount)
    try:
        by_hand = _allocations([record_payment(who, received_on=DAY, amount_minor=a,
                                               today=TODAY).payment_id for a in amounts])
        hand_outcome = _outcome()
    finally:
        store.close()
    assert from_bank == by_hand
    assert bank_outcome == hand_outcome
    # What the review screen was shown is what was posted, discounts included.
    assert [p.allocations for p in planned] == from_bank
    assert [d for p in planned for d in p.discounts] == bank_outcome[0]


def test_a_store_before_bank_statements_migrates(tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v21_bank_statements)
    path = tmp_path / "before.sqlite"
    db.open_store(path, create=True).close()
    with sqlite3.connect(path) as connection:
        undo_bank_statements(connection)
        connection.execute(f"PRAGMA user_version = {version - 1}")
    connection.close()
    new = tmp_path / "new.sqlite"
    db.open_store(new, create=True).close()
    store = db.open_store(path)
    try:
        assert store.migrated_from == version - 1
        assert BankCredit.select().count() == 0
    finally:
        store.close()
    shape = "SELECT type, name, sql FROM sqlite_master WHERE name LIKE '%bank%' OR name " \
            "LIKE '%payer%' ORDER BY name"
    with sqlite3.connect(path) as old, sqlite3.connect(new) as fresh:
        assert old.execute(shape).fetchall() == fresh.execute(shape).fetchall()


def test_matching_tells_its_progress(empty_store: db.Store) -> None:
    customer("Acme Trading Ltd")
    told: list[tuple[int, int]] = []
    preview(statement(*(credit(f"C{n}", 100 + n) for n in range(300))),
            progress=lambda done, total: told.append((done, total)))
    assert told == [(250, 300), (300, 300)]


def test_a_customer_in_another_currency_cannot_be_chosen(empty_store: db.Store) -> None:
    customer("Acme Trading Ltd")
    euro = customer("Euro Kunde GmbH", currency="EUR")
    bank = preview(statement(credit("A1", 1000)))
    with pytest.raises(Exception, match="another currency"):
        record(bank, [CreditChoice("A1", euro)], today=TODAY)
    assert Payment.select().count() == 0
