"""What the bank statement review reads: invoice numbers, customers to give a credit to,
the summary before confirming (what is posted, to the cent) and the statements kept."""

from __future__ import annotations

import datetime as dt

from models import db
from models.bank_formats import Statement, StatementCredit
from models.bank_review import (
    kept_statements,
    last_statement,
    paying_customers,
    recording_summary,
    review_statement,
)
from models.bank_statements import CreditChoice, accept, record, undo_statement
from models.kinds import BankFormat
from models.schema import Allocation, Payment
from tests.unit.ledger_helpers import TODAY, customer, invoice

DAY = dt.date(2026, 11, 20)


def credit(bank_id: str, amount_minor: int, *, text: str = "", payer: str = "",
           currency: str = "GBP") -> StatementCredit:
    return StatementCredit(bank_id, DAY, amount_minor, currency, payer, "", text)


def statement(*credits: StatementCredit, name: str = "nov.ofx") -> Statement:
    return Statement(name, "f" * 64, BankFormat.OFX, "GBP", credits)


def test_the_review_names_the_invoices_each_candidate_pays(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    paid = invoice(who, 12050, due_days_ago=10, number="INV-0042")
    review = review_statement(statement(credit("A1", 12050, text="INV 42")))
    (line,) = review.preview.lines
    assert line.match.best is not None and line.match.best.invoice_ids == (paid,)
    assert review.invoice_numbers == {paid: "INV-0042"}


def test_customers_to_give_a_credit_to_are_those_invoiced_in_its_currency(
        empty_store: db.Store) -> None:
    acme, bolt = customer("Acme Trading Ltd"), customer("Bolt & Co")
    customer("Euro GmbH", currency="EUR")
    invoice(acme, 1000, due_days_ago=10)
    invoice(acme, 2500, due_days_ago=5)
    found = paying_customers("GBP")
    assert [(c.id, c.name, c.open_minor) for c in found] == [
        (acme, "Acme Trading Ltd", 3500), (bolt, "Bolt & Co", 0)]


def test_the_summary_is_exactly_what_recording_posts(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    old = invoice(who, 1000, due_days_ago=30, number="INV-1")
    new = invoice(who, 2000, due_days_ago=5, number="INV-2")
    other = customer("Bolt & Co")
    review = review_statement(statement(
        credit("A1", 1500, text="INV-2"), credit("A2", 1800, payer="someone"),
        credit("A3", 900, text="rent")))
    first = review.preview.lines[0].match
    choices = [accept(first), CreditChoice("A2", who), CreditChoice("A3", ignore=True)]
    summary = recording_summary(review.preview, choices)
    assert [(p.bank_id, p.customer_name, p.pays, p.left_minor) for p in summary.payments] == [
        ("A1", "Acme Trading Ltd", (("INV-2", 1500),), 0),
        ("A2", "Acme Trading Ltd", (("INV-1", 1000), ("INV-2", 500)), 300)]
    assert (summary.total_minor, summary.left_minor, summary.ignored) == (3300, 300, 1)

    done = record(review.preview, choices, today=TODAY)
    posted = [[(a.invoice_id, a.amount_minor) for a in Allocation.select().where(
        Allocation.payment == p).order_by(Allocation.id)] for p in done.payment_ids]
    assert posted == [[(new, 1500)], [(old, 1000), (new, 500)]]
    assert Payment.get_by_id(done.payment_ids[1]).unallocated_minor == 300
    assert other not in {p.customer_id for p in summary.payments}


def test_the_statements_kept_say_what_each_recorded_newest_first(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    invoice(who, 1000, due_days_ago=10, number="INV-1")
    assert kept_statements() == [] and last_statement() is None
    first = review_statement(statement(credit("A1", 1000, text="INV-1"),
                                       credit("A2", 700, text="rent"), name="oct.ofx"))
    one = record(first.preview, [accept(first.preview.lines[0].match),
                                 CreditChoice("A2", ignore=True)], today=TODAY)
    second = review_statement(statement(credit("B1", 400, payer="Acme"), name="nov.ofx"))
    two = record(second.preview, [CreditChoice("B1", who)], today=TODAY)
    listed = kept_statements()
    assert [(k.id, k.file_name, k.recorded, k.ignored, k.recorded_minor, k.undone)
            for k in listed] == [(two.statement_id, "nov.ofx", 1, 0, 400, False),
                                 (one.statement_id, "oct.ofx", 1, 1, 1000, False)]
    assert last_statement() == listed[0]
    undo_statement(two.statement_id, "wrong file")
    assert kept_statements()[0].undone
    last = last_statement()
    assert last is not None and last.id == one.statement_id
