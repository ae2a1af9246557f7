"""``check``: prove a store is sound, from SQLite's pages up to every balance.

Each finding is written for the person who has to put it right. The kept
open amounts are compared with what the allocations say, and the kept month
totals of the business figures with what the invoices and allocations give,
so a bug that updated one without the other is found.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import peewee as pw

from models.allocations import allocated
from models.contacts import contact_summary
from models.db import beside, integrity_problems, journal_problems
from models.disputes import dispute_problems
from models.follow_up_notes import follow_up_note_problems
from models.invoice_policy import invoice_policy_problems
from models.kept_accounts import kept_account_problems
from models.kinds import InvoiceStatus
from models.late_allocations import late_allocation_problems
from models.money import format_money
from models.month_totals import month_total_problems
from models.note_search import note_search_problems
from models.offers import offer_problems
from models.plans import plan_problems
from models.promise_owed import promise_owed_problems
from models.promise_paid import promise_paid_problems
from models.referrals import referral_problems
from models.schema import Allocation, Charge, CreditNote, Customer, Invoice, Payment, money_sum
from models.stages_done import stage_done_problems
from models.write_offs import write_off_problems

_CLOSED_STATUSES = (InvoiceStatus.VOID, InvoiceStatus.WRITTEN_OFF)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the store."""

    area: str
    message: str

    def __str__(self) -> str:
        return f"{self.area}: {self.message}"


def check_store() -> list[Problem]:
    """Every problem found in the open store; an empty list means all is well.

    On a file, SQLite's own checks of its pages (the longest part) run on a second
    connection, on a thread of their own, while Duly's figures are proved on this one:
    SQLite works outside Python's interpreter lock, so the two share a computer's cores.
    What SQLite finds comes first, and alone: the figures of a damaged file mean nothing
    (and reading them may have failed on its damage)."""
    with beside(integrity_problems) as sqlite_own:
        try:
            figures = _figure_problems()
        except (pw.DatabaseError, sqlite3.DatabaseError):  # a row read as it is fetched
            if sqlite_own.result():
                figures = []  # told by SQLite's checks, in their words
            else:
                raise
        damaged = [Problem("database", p) for p in sqlite_own.result()]
    return damaged or figures


def _figure_problems() -> list[Problem]:
    """What is wrong with the kept figures against what they are kept from, and with the
    rules between documents."""
    problems = _over_allocated_sources()
    problems += _over_allocated_targets()
    across = _allocations_across_accounts()
    kept_open = _kept_open_amounts()
    problems += across + kept_open
    problems += _kept_credit()
    problems += _kept_contact_summaries()
    problems += [Problem("figures", p) for p in month_total_problems()]
    problems += [Problem("figures", p) for p in late_allocation_problems()]
    problems += [Problem("figures", p) for p in promise_owed_problems()]
    problems += [Problem("figures", p) for p in promise_paid_problems()]
    problems += [Problem("figures", p) for p in kept_account_problems()]
    problems += [Problem("figures", p) for p in stage_done_problems()]
    problems += [Problem("figures", p) for p in invoice_policy_problems()]
    problems += [Problem("notes", p) for p in note_search_problems()]
    problems += [Problem("notes", p) for p in follow_up_note_problems()]
    problems += [Problem("journal", p) for p in journal_problems()]
    problems += _statuses()
    if across or kept_open:
        # Each invoice's kept open amount being what its allocations leave, and every
        # allocation staying within one account, add up to every account's balance
        # (documents issued less money received) being its open invoices: the sums
        # over every invoice and allocation are worked out only when one of them fails.
        problems += _customer_balances()
    problems += [Problem("plans", p) for p in plan_problems()]

    problems += [Problem("offers", p) for p in offer_problems()]
    problems += [Problem("disputes", p) for p in dispute_problems()]
    problems += [Problem("write-offs", p) for p in write_off_problems()]
    problems += [Problem("referrals", p) for p in referral_problems()]
    return problems


def _over_allocated_sources() -> list[Problem]:
    found = []
    for model, link, label in ((Payment, Allocation.payment, "payment"),
                               (CreditNote, Allocation.credit_note, "credit note")):
        used = money_sum(Allocation.amount_minor)
        rows = (model.select(model.id, model.amount_minor, model.currency, used.alias("used"))
                .join(Allocation, on=(link == model.id))
                .where(~Allocation.voided)
                .group_by(model.id, model.amount_minor, model.currency)
                .having(used > model.amount_minor)
                .tuples())
        for source_id, amount, currency, spent in rows:
            found.append(Problem("allocations", f"{label} #{source_id} of "
                                 f"{format_money(amount, currency)} has "
                                 f"{format_money(spent, currency)} allocated"))
        voided = (Allocation.select(Allocation.id).join(model, on=(link == model.id))
                  .where(~Allocation.voided & model.voided).tuples())
        for (allocation_id,) in voided:
            found.append(Problem("allocations", f"allocation #{allocation_id} still counts "
                                 f"although its {label} was voided"))
    return found


def _over_allocated_targets() -> list[Problem]:
    found = []
    for model, link, label in ((Invoice, Allocation.invoice, "invoice"),
                               (Charge, Allocation.charge, "charge")):
        used = money_sum(Allocation.amount_minor)
        name = model.number if model is Invoice else model.id
        rows = (model.select(name, model.amount_minor, model.currency, used)
                .join(Allocation, on=(link == model.id))
                .where(~Allocation.voided)
                .group_by(model.id, name, model.amount_minor, model.currency)
                .having(used > model.amount_minor)
                .tuples())
        for number, amount, currency, paid in rows:
            found.append(Problem("allocations", f"{label} {number} of "
                                 f"{format_money(amount, currency)} has "
                                 f"{format_money(paid, currency)} allocated to it"))
    return found


def _allocations_across_accounts() -> list[Problem]:
    found = []
    pairs = ((Payment, Allocation.payment, Invoice, Allocation.invoice),
             (CreditNote, Allocation.credit_note, Invoice, Allocation.invoice))
    for source, source_link, target, target_link in pairs:
        rows = (Allocation.select(Allocation.id, target.number)
                .join(source, on=(source_link == source.id))
                .switch(Allocation).join(target, on=(target_link == target.id))
                .where(~Allocation.voided & ((source.customer != target.customer)
                                            | (source.currency != target.currency)))
                .tuples())
        for allocation_id, number in rows:
            found.append(Problem("allocations", f"allocation #{allocation_id} moves money "
                                 f"between accounts or currencies (invoice {number})"))
    return found


def _kept_open_amounts() -> list[Problem]:
    found = []
    for model, link, label in ((Invoice, Allocation.invoice, "invoice"),
                               (Charge, Allocation.charge, "charge")):
        paid = allocated(link == model.id)
        derived = model.amount_minor - paid
        if model is Invoice:  # a void invoice is owed by nobody
            derived = pw.Case(None, [(Invoice.status == InvoiceStatus.VOID, 0)], derived)
        name = model.number if model is Invoice else model.id
        rows = (model.select(name, model.open_minor, derived.alias("derived"), model.currency)
                .where(model.open_minor != derived)
                .tuples())
        for number, kept, should, currency in rows:
            found.append(Problem("balances", f"{label} {number} shows "
                                 f"{format_money(kept, currency)} open but its allocations "
                                 f"leave {format_money(should, currency)}"))
    return found


def _kept_credit() -> list[Problem]:
    found = []
    for model, link, label in ((Payment, Allocation.payment, "payment"),
                               (CreditNote, Allocation.credit_note, "credit note")):
        used = allocated(link == model.id)
        derived = pw.Case(None, [(model.voided, 0)], model.amount_minor - used)
        rows = (model.select(model.id, model.unallocated_minor, derived, model.currency)
                .where(model.unallocated_minor != derived).tuples())
        for source_id, kept, should, currency in rows:
            found.append(Problem("balances", f"{label} #{source_id} shows "
                                 f"{format_money(kept, currency)} unallocated but its "
                                 f"allocations leave {format_money(should, currency)}"))
    return found


def _kept_contact_summaries() -> list[Problem]:
    found = []
    for column, should in contact_summary().items():
        rows = (Customer.select(Customer.name)
                .where(pw.Expression(column, "IS DISTINCT FROM", should))
                .tuples())
        for (name,) in rows:
            found.append(Problem("contacts", f"{name}: the kept {column.name.replace('_', ' ')} "
                                 f"does not match the contact log"))
    return found


def _statuses() -> list[Problem]:
    found = []
    rows = (Invoice.select(Invoice.number, Invoice.status, Invoice.open_minor)
            .where(((Invoice.status == InvoiceStatus.PAID) & (Invoice.open_minor > 0))
                   | ((Invoice.status == InvoiceStatus.OPEN) & (Invoice.open_minor == 0)))
            .tuples())
    for number, status, open_minor in rows:
        state = "money still open" if open_minor else "nothing left to pay"
        found.append(Problem("statuses", f"invoice {number} is marked {status} "
                             f"but has {state}"))
    return found


def _customer_balances() -> list[Problem]:
    """Per customer and currency: documents issued less money received = open items."""
    def by_account(query: pw.ModelSelect, customer: pw.Field, currency: pw.Field,
                   amount: pw.Node) -> dict[tuple[int, str], int]:
        rows = query.select(customer, currency, money_sum(amount)).group_by(customer, currency)
        return {(c, cur): total for c, cur, total in rows.tuples()}

    live_invoices = Invoice.select().where(Invoice.status.not_in(_CLOSED_STATUSES))
    invoiced = by_account(live_invoices, Invoice.customer, Invoice.currency,
                          Invoice.amount_minor)
    still_open = by_account(live_invoices, Invoice.customer, Invoice.currency,
                            Invoice.open_minor)
    received: dict[tuple[int, str], int] = {}
    for source, link in ((Payment, Allocation.payment), (CreditNote, Allocation.credit_note)):
        rows = (Allocation.select(source.customer, source.currency,
                                  money_sum(Allocation.amount_minor))
                .join(source, on=(link == source.id))
                .join_from(Allocation, Invoice, on=(Allocation.invoice == Invoice.id))
                .where(~Allocation.voided & Invoice.status.not_in(_CLOSED_STATUSES))
                .group_by(source.customer, source.currency).tuples())
        for customer, currency, total in rows:
            received[(customer, currency)] = received.get((customer, currency), 0) + total
    names = dict(Customer.select(Customer.id, Customer.name).tuples())
    found = []
    for key in sorted(set(invoiced) | set(received)):
        expected = invoiced.get(key, 0) - received.get(key, 0)
        if expected != still_open.get(key, 0):
            customer, currency = key
            found.append(Problem("balances", f"{names.get(customer, customer)}: invoiced less "
                                 f"received is {format_money(expected, currency)} but open "
                                 f"invoices add up to "
                                 f"{format_money(still_open.get(key, 0), currency)}"))
    return found
