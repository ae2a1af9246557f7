"""The demo company: a believable small business, the same for the same seed.

Harbour & Finch Ltd, a Bristol wholesaler of kitchen equipment, sells to
customers across Europe and beyond. Its customers pay in different ways:
promptly, occasionally late, chronically late; one disputes an invoice, one is
on a payment plan, one has been passed to a collection agency, one is on hold.
The generator streams customers in chunks so that the same code fills a
benchmark store of 10,000 customers and 1,000,000 invoices.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import peewee as pw

from models.bank_accounts import BankAccountDraft, save_bank_account, save_signatory
from models.company import create_business
from models.contacts import promise_deadline, refresh_contact_summary
from models.db import ids_written, insert_rows, writing
from models.kinds import (
    BankKind,
    Channel,
    DisputeCategory,
    InvoiceStatus,
    LegalForm,
    PlanFrequency,
)
from models.schema import (
    Agency,
    AgencyReferral,
    Allocation,
    AuditEntry,
    ContactPerson,
    CreditNote,
    CreditPolicy,
    Customer,
    DisputeCase,
    DisputedInvoice,
    FollowUpPolicy,
    Instalment,
    Interaction,
    InteractionInvoice,
    Invoice,
    Payment,
    PaymentPlan,
    PaymentPlanItem,
    PaymentTerms,
    Promise,
    PromiseInvoice,
    ReferralInvoice,
    StageExecution,
)
from models.what_works import WINDOWS

Progress = Callable[[int, int], None]

HISTORY_DAYS = 548  # 18 months of invoices
CHUNK_CUSTOMERS = 250  # customers generated and written per transaction

# (country, currency, language, given names, family names, company forms, towns)
_LOCALES: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...],
                      tuple[str, ...]], ...] = (
    ("GB", "GBP", "en", ("Oliver", "Amelia", "Harry", "Isla", "George", "Priya", "Mohammed"),
     ("Hughes", "Patel", "Whitfield", "O'Connor", "Davies", "Ashworth", "Begum"),
     ("Ltd", "& Sons Ltd", "Trading Ltd", "Catering Ltd"),
     ("Bristol BS1 5TR", "Leeds LS1 4AP", "Cardiff CF10 1EP", "Norwich NR2 1NR")),
    ("GB", "GBP", "en", ("Thomas", "Grace", "Samir", "Emily", "Callum", "Aisha"),
     ("Fenwick", "Khan", "Marsh", "Campbell", "Llewellyn", "Okafor"),
     ("Ltd", "Hospitality Ltd", "Foods Ltd", "& Co"),
     ("Bath BA1 1SU", "Exeter EX4 3LS", "York YO1 7HH", "Glasgow G1 2FF")),
    ("IE", "EUR", "en", ("Aoife", "Seán", "Niamh", "Cian"), ("Ó Briain", "Byrne", "Murphy"),
     ("Ltd", "Teoranta"), ("Dublin D02 X285", "Galway H91 E2K4")),
    ("DE", "EUR", "de", ("Jürgen", "Lena", "Matthias", "Sophie"),
     ("Müller", "Schröder", "Weiß", "Krämer"), ("GmbH", "KG", "Gastro GmbH"),
     ("10115 Berlin", "80331 München", "20095 Hamburg")),
    ("FR", "EUR", "fr", ("Amélie", "François", "Chloé", "Étienne"),
     ("Lefèvre", "Dubois", "Garçon", "Moreau"), ("SARL", "SAS", "& Fils"),
     ("75002 Paris", "69001 Lyon", "13001 Marseille")),
    ("NO", "EUR", "no", ("Zoë", "Bjørn", "Ingrid", "Håkon"), ("Ødegård", "Løvås", "Ås"),
     ("AS", "Bakeri AS"), ("0150 Oslo", "5003 Bergen")),
    ("PL", "EUR", "pl", ("Łukasz", "Małgorzata", "Paweł", "Zofia"),
     ("Łukaszewski", "Wiśniewski", "Żak", "Kowalczyk"), ("Sp. z o.o.", "S.A."),
     ("00-001 Warszawa", "30-001 Kraków")),
    ("GR", "EUR", "el", ("Μαρία", "Γιώργος", "Ελένη", "Νίκος"),
     ("Παπαδοπούλου", "Οικονόμου", "Γεωργίου"), ("Α.Ε.", "Ο.Ε."),
     ("105 51 Αθήνα", "546 24 Θεσσαλονίκη")),
    ("BG", "EUR", "bg", ("Иван", "Мария", "Георги", "Елена"),
     ("Иванов", "Петрова", "Димитров"), ("ООД", "ЕООД"), ("1000 София", "9000 Варна")),
    ("US", "USD", "en", ("Emma", "Liam", "Olivia", "Noah"), ("Johnson", "García", "Kim"),
     ("LLC", "Inc.", "Restaurant Group LLC"), ("Boston, MA 02108", "Austin, TX 78701")),
)
_STREETS = ("Market Street", "Mill Lane", "Harbour Road", "Station Road", "King Street",
            "Church Lane", "High Street", "Bridge Street")

# Share of customers per habit; the special cases are placed by position.
_HABITS = (("prompt", 40), ("occasional", 35), ("chronic", 25))
_SPECIALS = {3: "dispute", 11: "plan", 19: "agency", 27: "hold", 35: "overpaid",
             43: "angle_brackets", 59: "new"}
# So that most classes of customer (models.customer_class) have one: the account on
# "hold" (under review after a change of ownership) is a temporary difficulty, a good
# payer whose last three invoices (the last issued four months ago: supplies stopped)
# are unpaid; a "new" customer's first invoices came in the last five weeks, each paid
# before it fell due. Neither adds a reminder due to the demo's today (one is on hold,
# the other owes nothing overdue), which the window's tests count on. No customer is
# at risk: that needs recent unanswered reminders or broken promises, which would add
# to Today's list.
_ISSUED_DAYS_AGO = {"new": (0, 35), "hold": (120, HISTORY_DAYS - 1)}
# Customers answer reminders: the last reminder before a payment (of invoices settled
# whole, promised for no day) is answered with this chance, the payment then coming 1 to
# 7 days after it. Only payments over a month old, those What works judges, move.
_ANSWERED = 0.6
_ANSWER_DAYS = (1, 8)
_JUDGED_AFTER = WINDOWS[-1]  # a reminder is judged once its last window has passed
_OUTCOMES_LATE = ("promised to pay", "no answer", "left message", "will pay in part",
                  "asked for copy of invoice")


@dataclass(frozen=True)
class DemoSummary:
    """How much the generator wrote."""

    customers: int
    invoices: int
    credit_notes: int
    payments: int
    allocations: int
    interactions: int
    promises: int


@dataclass
class _Ids:
    """Next free id per table, so rows can point at each other before insert."""

    customer: int = 1
    invoice: int = 1
    credit_note: int = 1
    payment: int = 1
    interaction: int = 1
    promise: int = 1
    number: int = 1


@dataclass
class _Chunk:
    """Rows of one chunk of customers, waiting to be written."""

    rows: dict[type[pw.Model], list[tuple]] = field(default_factory=dict)

    def add(self, model: type[pw.Model], row: tuple) -> None:
        self.rows.setdefault(model, []).append(row)

    def count(self, model: type[pw.Model]) -> int:
        return len(self.rows.get(model, ()))


# Column order of the tuples each table receives.
_FIELDS: dict[type[pw.Model], list[pw.Field]] = {
    Customer: [Customer.id, Customer.code, Customer.name, Customer.billing_email,
               Customer.phone, Customer.address, Customer.country, Customer.language,
               Customer.currency, Customer.payment_terms, Customer.credit_policy,
               Customer.followup_policy, Customer.on_hold, Customer.hold_reason,
               Customer.notes, Customer.created_at],
    ContactPerson: [ContactPerson.customer, ContactPerson.name, ContactPerson.role,
                    ContactPerson.email, ContactPerson.phone,
                    ContactPerson.is_billing],
    Invoice: [Invoice.id, Invoice.number, Invoice.customer, Invoice.issue_date,
              Invoice.due_date, Invoice.amount_minor, Invoice.open_minor, Invoice.currency,
              Invoice.status, Invoice.dispute_reason, Invoice.created_at],
    CreditNote: [CreditNote.id, CreditNote.number, CreditNote.customer, CreditNote.issue_date,
                 CreditNote.amount_minor, CreditNote.unallocated_minor, CreditNote.currency,
                 CreditNote.reason,
                 CreditNote.invoice, CreditNote.created_at],
    Payment: [Payment.id, Payment.customer, Payment.received_on, Payment.amount_minor,
              Payment.unallocated_minor, Payment.currency, Payment.method, Payment.reference,
              Payment.created_at],
    Allocation: [Allocation.payment, Allocation.credit_note, Allocation.invoice,
                 Allocation.allocated_on, Allocation.amount_minor, Allocation.created_at],
    Interaction: [Interaction.id, Interaction.customer, Interaction.kind,
                  Interaction.direction, Interaction.occurred_at, Interaction.with_whom,
                  Interaction.summary, Interaction.outcome, Interaction.follow_up_on,
                  Interaction.follow_up_done, Interaction.created_at],
    InteractionInvoice: [InteractionInvoice.interaction, InteractionInvoice.invoice],
    Promise: [Promise.id, Promise.customer, Promise.interaction, Promise.amount_minor,
              Promise.currency, Promise.promised_for, Promise.status, Promise.resolved_on,
              Promise.created_at],
    PromiseInvoice: [PromiseInvoice.promise, PromiseInvoice.invoice],
}


@dataclass
class _Invoice:
    id: int
    number: str
    issue: dt.date
    due: dt.date
    amount: int
    open: int
    status: str = "open"
    reason: str = ""
    paid_on: dt.date | None = None  # when the last payment on it arrived
    chased: list[dt.date] = field(default_factory=list)  # the days of reminders about it
    promised: bool = False


@dataclass(frozen=True)
class _Settlement:
    """A payment that settled its invoices (one or two) in full, none of them in parts,
    with nothing over: where its rows are in the chunk."""

    payment_at: int
    allocations_at: tuple[int, ...]
    invoices: tuple[_Invoice, ...]


@dataclass
class _Lookups:
    terms: dict[str, int]
    credit: dict[str, int]
    followup: dict[str, int]


def create_demo(*, seed: int = 2026, today: dt.date | None = None, customers: int = 60,
                invoices: int | None = None, progress: Progress | None = None) -> DemoSummary:
    """Fill the open, empty store with the demo company as of ``today``.

    The same ``seed``, ``today`` and sizes always give the same customers,
    invoices, payments and contacts. ``invoices`` defaults to about one a
    month per customer over 18 months. ``progress(done, total)`` is called
    after each chunk of customers.
    """
    if customers < 1:
        raise ValueError("The demo company needs at least one customer.")
    today = today or dt.date.today()
    total_invoices = invoices if invoices is not None else customers * 18
    if Customer.select().exists():
        raise ValueError("The demo company can only be created in a new, empty store.")
    create_business("Harbour & Finch Ltd", address="12 Wapping Wharf\nBristol BS1 4RH",
                    country="GB", currency="GBP", email="accounts@harbourfinch.example",
                    phone="+44 117 496 0123",
                    registration="Company no. 09876543 · VAT GB 123 4567 89",
                    is_demo=True)
    _bank_accounts()
    lookups = _Lookups(
        terms={t.name: t.id for t in PaymentTerms.select()},
        credit={c.name: c.id for c in CreditPolicy.select()},
        followup={f.name: f.id for f in FollowUpPolicy.select()},
    )
    rng = random.Random(seed)
    weights = [rng.lognormvariate(0, 0.6) for _ in range(customers)]
    scale = total_invoices / sum(weights)
    counts = _spread(weights, scale, total_invoices)
    ids = _Ids()
    totals: dict[type[pw.Model], int] = {}
    for start in range(0, customers, CHUNK_CUSTOMERS):
        chunk = _Chunk()
        for index in range(start, min(start + CHUNK_CUSTOMERS, customers)):
            _customer(chunk, ids, lookups, random.Random(f"{seed}:{index}"),
                      random.Random(f"{seed}:{index}:answers"), index,
                      counts[index], today)
        with writing():
            _write(chunk)
            refresh_contact_summary(row[0] for row in chunk.rows[Customer])
        for model, rows in chunk.rows.items():
            totals[model] = totals.get(model, 0) + len(rows)
        if progress is not None:
            progress(min(start + CHUNK_CUSTOMERS, customers), customers)
    with writing():
        _specials(today)
        _legal_forms()
        _look_alike_keys()
    return DemoSummary(
        customers=totals.get(Customer, 0), invoices=totals.get(Invoice, 0),
        credit_notes=totals.get(CreditNote, 0), payments=totals.get(Payment, 0),
        allocations=totals.get(Allocation, 0), interactions=totals.get(Interaction, 0),
        promises=totals.get(Promise, 0),
    )


def _spread(weights: Sequence[float], scale: float, total: int) -> list[int]:
    """Whole invoice counts per customer, in proportion, adding up to ``total``."""
    counts = [int(w * scale) for w in weights]
    shortfall = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (w := weights[i] * scale) - int(w),
                   reverse=True)
    for i in order[:max(shortfall, 0)]:
        counts[i] += 1
    return counts


def _habit(rng: random.Random, index: int) -> str:
    special = _SPECIALS.get(index % 60)
    if special is not None:
        return special
    roll = rng.randrange(100)
    for habit, share in _HABITS:
        if roll < share:
            return habit
        roll -= share
    return "prompt"


def _name(index: int, habit: str, family: Sequence[str],
          forms: Sequence[str]) -> str:
    """A company name unique within each block of 60 customers."""
    base = "A & B <Ltd>" if habit == "angle_brackets" else (
        f"{family[index % len(family)]} {forms[(index // len(family)) % len(forms)]}")
    if index >= 6:  # benchmark stores: keep names distinct
        base = f"{base} {index // 6}"
    return base


def _bank_accounts() -> None:
    """A pound account for UK customers, a euro account for the rest of Europe, and the
    credit controller who signs the letters."""
    holder = "Harbour & Finch Ltd"
    save_bank_account(None, BankAccountDraft(
        "GBP", BankKind.UK, label="Barclays Bank, Bristol", holder=holder,
        sort_code="20-00-00", account_number="12345678"))
    save_bank_account(None, BankAccountDraft(
        "EUR", BankKind.IBAN, label="Barclays Bank (euro account)", holder=holder,
        iban="GB33 BUKB 2020 1555 5555 55", bic="BUKBGB22"))
    save_signatory("Jane Finch", "Credit Controller")


def _customer(chunk: _Chunk, ids: _Ids, lookups: _Lookups, rng: random.Random,
              answers: random.Random, index: int, n_invoices: int, today: dt.date) -> None:
    habit = _habit(rng, index)
    # Locales rotate with the index so every block of 60 has every language.
    country, currency, language, given, family, forms, towns = _LOCALES[index % len(_LOCALES)]
    family_name = family[(index // len(_LOCALES)) % len(family)]
    person = f"{rng.choice(given)} {family_name}"
    name = _name(index // len(_LOCALES), habit, family, forms)
    customer_id = ids.customer
    ids.customer += 1
    email = "" if rng.random() < 0.08 else f"accounts{customer_id}@customer{customer_id}.example"
    terms = rng.choice(("Net 30", "Net 30", "Net 14", "2% 10, net 30"))
    policy = {"prompt": "Gentle", "new": "Gentle", "chronic": "Firm"}.get(habit, "Standard")
    credit = "UK statutory late payment" if (habit == "chronic" and country == "GB") else (
        "No charges")
    hold_reason = "Account under review after a change of ownership" if habit == "hold" else ""
    created = dt.datetime.combine(today - dt.timedelta(
        days=40 if habit == "new" else HISTORY_DAYS + 30), dt.time(9))
    chunk.add(Customer, (
        customer_id, f"C{customer_id:05d}", name, email, f"+{rng.randrange(10**9, 10**10)}",
        f"{rng.randrange(1, 200)} {rng.choice(_STREETS)}\n{rng.choice(towns)}", country,
        language, currency, lookups.terms[terms], lookups.credit[credit],
        lookups.followup[policy], habit == "hold", hold_reason, "", created))
    chunk.add(ContactPerson, (customer_id, person, "Accounts payable", email,
                        f"+{rng.randrange(10**9, 10**10)}", True))
    net = 14 if terms == "Net 14" else 30
    size = rng.lognormvariate(6.5, 0.7)  # typical invoice around £650
    invoices = []
    for days_ago in _issue_days(rng, habit, n_invoices):
        issue = today - dt.timedelta(days=days_ago)
        amount = max(500, int(size * rng.uniform(0.4, 1.6) * 100))
        invoices.append(_Invoice(ids.invoice, f"INV-{ids.number:07d}", issue,
                                 issue + dt.timedelta(days=net), amount, amount))
        ids.invoice += 1
        ids.number += 1
    events = _credit_notes(chunk, ids, rng, customer_id, currency, invoices, today)
    events += _payment_events(rng, habit, invoices, today)
    settlements = _payments(chunk, ids, rng, customer_id, currency, habit, invoices, events,
                            today)
    _contacts(chunk, ids, rng, customer_id, currency, person, habit, invoices, today)
    _answer_reminders(chunk, answers, settlements, today)
    disputed = habit != "dispute"  # one disputed invoice: the oldest overdue
    for inv in invoices:
        if not disputed and inv.open and inv.due < today:
            inv.status, inv.reason, disputed = "disputed", "Says the delivery arrived damaged", True
        status = inv.status if inv.open else "paid"
        chunk.add(Invoice, (inv.id, inv.number, customer_id, inv.issue, inv.due, inv.amount,
                            inv.open, currency, status, inv.reason,
                            dt.datetime.combine(inv.issue, dt.time(9))))


def _issue_days(rng: random.Random, habit: str, n_invoices: int) -> list[int]:
    """How many days ago each invoice was issued, the oldest first."""
    latest, earliest = _ISSUED_DAYS_AGO.get(habit, (1, HISTORY_DAYS - 1))
    days = [latest + earliest - rng.randrange(latest, earliest + 1) for _ in range(n_invoices)]
    return sorted(days, reverse=True)


def _credit_notes(chunk: _Chunk, ids: _Ids, rng: random.Random, customer_id: int,
                  currency: str, invoices: list[_Invoice], today: dt.date) -> list:
    """Credit a few invoices in part or in full; returns no payment events."""
    for inv in invoices:
        if rng.random() >= 0.03:
            continue
        issued = inv.issue + dt.timedelta(days=rng.randrange(3, 20))
        if issued >= today:
            continue
        in_full = rng.random() < 0.3
        amount = inv.amount if in_full else max(100, inv.amount // rng.choice((2, 4, 10)))
        number = f"CN-{ids.credit_note:06d}"
        reason = rng.choice(("Returned goods", "Price correction", "Short delivery"))
        chunk.add(CreditNote, (ids.credit_note, number, customer_id, issued, amount, 0, currency,
                               reason, inv.id, dt.datetime.combine(issued, dt.time(10))))
        chunk.add(Allocation, (None, ids.credit_note, inv.id, issued, amount,
                               dt.datetime.combine(issued, dt.time(10))))
        inv.open -= amount
        ids.credit_note += 1
    return []


def _payment_events(rng: random.Random, habit: str, invoices: Iterable[_Invoice],
                    today: dt.date) -> list[tuple[dt.date, _Invoice, float]]:
    """When each invoice is paid (date, invoice, share of the open amount)."""
    events = []
    invoices = list(invoices)
    struggling = {inv.id for inv in invoices[-3:]} if habit == "hold" else set()
    for inv in invoices:
        if habit == "prompt":
            delay = rng.randrange(-10, 3)
        elif habit in ("occasional", "overpaid", "angle_brackets"):
            delay = rng.randrange(-5, 6) if rng.random() < 0.8 else rng.randrange(10, 46)
        elif habit in ("agency", "plan"):  # stopped paying some months ago
            cutoff = 200 if habit == "agency" else 120
            delay = rng.randrange(30, 60) if inv.due < today - dt.timedelta(days=cutoff) else 10**4
        elif habit == "new":  # before the due date
            delay = rng.randrange(-5, 0)
        elif habit == "hold":  # on time but for the last three
            delay = 10**4 if inv.id in struggling else rng.randrange(-5, 3)
        else:  # chronic, dispute
            delay = rng.randrange(20, 96)
        paid_on = inv.due + dt.timedelta(days=delay)
        if habit == "chronic" and rng.random() < 0.3:
            events.append((paid_on - dt.timedelta(days=15), inv, 0.5))
        events.append((paid_on, inv, 1.0))
    return [e for e in events if e[0] < today]


def _payments(chunk: _Chunk, ids: _Ids, rng: random.Random, customer_id: int, currency: str,
              habit: str, invoices: list[_Invoice], events: list,
              today: dt.date) -> list[_Settlement]:
    """Group payment events within a week into one payment of up to two invoices; the
    payments that settled their invoices whole."""
    events.sort(key=lambda e: (e[0], e[1].id))
    groups: list[list[tuple[dt.date, _Invoice, int]]] = []
    for paid_on, inv, share in events:
        amount = inv.open if share >= 1 else inv.open // 2
        if amount <= 0:
            continue
        inv.open -= amount
        inv.paid_on = paid_on
        if groups and len(groups[-1]) < 2 and (paid_on - groups[-1][0][0]).days <= 7:
            groups[-1].append((paid_on, inv, amount))
        else:
            groups.append([(paid_on, inv, amount)])
    overpaid_once = habit != "overpaid"
    paid_in_parts = {inv.id for _, inv, share in events if share < 1}
    settlements = []
    for group in groups:
        received = group[-1][0]
        total = sum(a for _, _, a in group)
        extra = 0
        if not overpaid_once and received > today - dt.timedelta(days=90):
            extra, overpaid_once = 5000, True  # an overpayment kept as credit
        stamp = dt.datetime.combine(received, dt.time(11))
        reference = f"{rng.choice(('BACS', 'FPS', 'SEPA', 'CHQ'))} {group[0][1].number}"
        chunk.add(Payment, (ids.payment, customer_id, received, total + extra, extra, currency,
                            "bank transfer", reference, stamp))
        for _, inv, amount in group:
            chunk.add(Allocation, (ids.payment, None, inv.id, received, amount, stamp))
        if not extra and not any(inv.id in paid_in_parts for _, inv, _ in group):
            allocations = chunk.count(Allocation)
            settlements.append(_Settlement(
                chunk.count(Payment) - 1, tuple(range(allocations - len(group), allocations)),
                tuple(inv for _, inv, _ in group)))
        ids.payment += 1
    return settlements


def _contacts(chunk: _Chunk, ids: _Ids, rng: random.Random, customer_id: int, currency: str,
              person: str, habit: str, invoices: list[_Invoice], today: dt.date) -> None:
    """Reminders, calls and promises on invoices that were paid late or are overdue."""
    for inv in invoices:
        chased_on = inv.due + dt.timedelta(days=7)
        if chased_on >= today or habit == "prompt":
            continue
        paid_late = inv.paid_on is not None and inv.paid_on > chased_on
        if not (inv.open or paid_late) or rng.random() > (0.7 if habit == "chronic" else 0.25):
            continue
        _interaction(chunk, ids, customer_id, "email", chased_on, "",
                     f"Sent a payment reminder for {inv.number}.", "", None, inv)
        inv.chased.append(chased_on)
        call_on = chased_on + dt.timedelta(days=rng.randrange(5, 15))
        if call_on >= today:
            continue
        outcome = rng.choice(_OUTCOMES_LATE)
        follow_up = call_on + dt.timedelta(days=7) if outcome != "promised to pay" else None
        done = follow_up is not None and follow_up < today - dt.timedelta(days=14)
        interaction_id = _interaction(chunk, ids, customer_id, "call", call_on, person,
                                      f"Called about {inv.number}.", outcome, follow_up, inv,
                                      done=done)
        inv.chased.append(call_on)
        inv.promised = outcome == "promised to pay"
        if inv.promised:
            _promise(chunk, ids, rng, customer_id, currency, interaction_id, inv, call_on, today)


def _answer_reminders(chunk: _Chunk, answers: random.Random,
                      settlements: Iterable[_Settlement], today: dt.date) -> None:
    """Customers answer reminders: a payment made after reminders about its invoices
    comes instead a few days after the last of them (What works then finds reminders
    ahead of accounts left alone, as a business chasing with Duly would).

    Only payments over a month old, of invoices promised for no day: every promise, the
    last month (Today) and what is open are as they were."""
    for settlement in settlements:
        payment = chunk.rows[Payment][settlement.payment_at]
        received = payment[2]
        if (received >= today - dt.timedelta(days=_JUDGED_AFTER)
                or any(inv.promised for inv in settlement.invoices)):
            continue
        reminded = sorted(day for inv in settlement.invoices for day in inv.chased
                          if day < received)
        paid_on = _answered(answers, reminded, received)
        if paid_on is None:
            continue
        stamp = dt.datetime.combine(paid_on, dt.time(11))
        chunk.rows[Payment][settlement.payment_at] = (*payment[:2], paid_on, *payment[3:8],
                                                      stamp)
        for at in settlement.allocations_at:
            allocation = chunk.rows[Allocation][at]
            chunk.rows[Allocation][at] = (*allocation[:3], paid_on, allocation[4], stamp)
        for inv in settlement.invoices:
            inv.paid_on = paid_on


def _answered(answers: random.Random, reminded: Sequence[dt.date],
              received: dt.date) -> dt.date | None:
    """The day a payment received on ``received`` came instead, answering the last of the
    reminders before it (``reminded``, in order): 1 to 7 days after it, still before
    ``received``; None when it was not answered. Only the last: an answer to an earlier
    one would have the later ones chase what was paid."""
    if not reminded or answers.random() >= _ANSWERED:
        return None
    last = reminded[-1]
    latest = min(_ANSWER_DAYS[1], (received - last).days)
    if latest <= _ANSWER_DAYS[0]:
        return None
    return last + dt.timedelta(days=answers.randrange(_ANSWER_DAYS[0], latest))


def _interaction(chunk: _Chunk, ids: _Ids, customer_id: int, kind: str, day: dt.date,
                 with_whom: str, summary: str, outcome: str, follow_up: dt.date | None,
                 inv: _Invoice, *, done: bool = False) -> int:
    at = dt.datetime.combine(day, dt.time(10, 30))
    interaction_id = ids.interaction
    chunk.add(Interaction, (interaction_id, customer_id, kind, "outgoing", at, with_whom,
                            summary, outcome, follow_up, done, at))
    chunk.add(InteractionInvoice, (interaction_id, inv.id))
    ids.interaction += 1
    return interaction_id


def _promise(chunk: _Chunk, ids: _Ids, rng: random.Random, customer_id: int, currency: str,
             interaction_id: int, inv: _Invoice, call_on: dt.date, today: dt.date) -> None:
    promised_for = call_on + dt.timedelta(days=rng.randrange(5, 15))
    if inv.paid_on is not None and inv.paid_on > call_on and rng.random() < 0.6:
        promised_for = max(call_on + dt.timedelta(days=1), inv.paid_on - dt.timedelta(days=2))
    deadline = promise_deadline(promised_for)
    amount = inv.amount - max(inv.open, 0)
    if inv.paid_on is not None and inv.paid_on <= deadline and amount > 0:
        status, resolved = "kept", inv.paid_on
    elif deadline < today:
        status, resolved = "broken", deadline + dt.timedelta(days=1)
        amount = inv.amount
    else:
        status, resolved = "open", None
        amount = max(inv.open, 1)
    chunk.add(Promise, (ids.promise, customer_id, interaction_id, amount, currency,
                        promised_for, status, resolved,
                        dt.datetime.combine(call_on, dt.time(10, 30))))
    chunk.add(PromiseInvoice, (ids.promise, inv.id))
    ids.promise += 1


def _write(chunk: _Chunk) -> None:
    for model in _FIELDS:  # parents before children
        rows = chunk.rows.get(model, [])
        insert_rows(model, [field.name for field in _FIELDS[model]], rows)
        if rows:
            ids_written(model)


def _look_alike_keys() -> None:
    # The demo's numbers and codes are plain ASCII, where SQL's lower() is match_key.
    Invoice.update(number_key=pw.fn.LOWER(Invoice.number)).execute()
    CreditNote.update(number_key=pw.fn.LOWER(CreditNote.number)).execute()
    Customer.update(code_key=pw.fn.LOWER(Customer.code)).execute()


def _legal_forms() -> None:
    """The demo's limited companies are companies; its "& Co" in Britain sole traders, so
    the Claims tab shows both letters before action (models.claims). The rest (the
    demo's "& Fils", "KG"…) stay unknown, as a user's imported customers would."""
    company = None
    for ending in _COMPANY_ENDINGS:
        matched = Customer.name.endswith(ending)
        company = matched if company is None else company | matched
    Customer.update(legal_form=LegalForm.COMPANY).where(company).execute()
    Customer.update(legal_form=LegalForm.SOLE_TRADER).where(
        Customer.name.endswith("& Co") & (Customer.country == "GB")).execute()


_COMPANY_ENDINGS = ("Ltd", "GmbH", "SARL", "SAS", " AS", "S.A.", "Sp. z o.o.", "A.E.",
                    "LLC", "ООД", "Teoranta", "S.L.", "S.p.A.", "B.V.", "S.r.l.", "Lda.")


def _specials(today: dt.date) -> None:
    """The payment plan and the agency referral, on the customers chosen for them."""
    agency = Agency.create(name="Northgate Collections Ltd",
                           address="40 Mosley Street\nManchester M2 3AZ",
                           email="new.cases@northgate.example", phone="+44 161 496 0456",
                           commission_percent=Decimal("15"), contact_name="Priya Shah",
                           commission_min_minor=50_00, currency="GBP",
                           fees="No win, no fee; court fees passed on at cost",
                           strengths="Business debts in England and Wales; letters before "
                                     "action", rating=4)
    for customer in _customers_with("plan"):
        _plan(customer, today)
    for customer in _customers_with("agency"):
        _referral(agency, customer, today)
    _audited_history(today)
    _stage_history()


def _stage_history() -> None:
    """The follow-up stages the demo's contacts stand for, as in a business that has been
    chasing all along: each reminder e-mail and call on an invoice carried out the
    furthest stage of its channel the invoice's policy had reached that day (so Insights
    can tell which stages get paid, and an account paid up after a reminder is thanked);
    and each open invoice has reached the stage its policy had come to on the customer's
    last contact, so today's follow-up list holds what fell due since."""
    from models.followup import default_policy_id, highest_reached, stages_by_policy

    stages, default = stages_by_policy(), default_policy_id()
    executions: dict[tuple[int, int], tuple[int, int, int, dt.date]] = {}
    carried_out: dict[int, list[int]] = {}  # stage id: the contacts that carried it out
    contacts = (InteractionInvoice.select(Interaction.id, Interaction.kind,
                                          Interaction.occurred_at, Invoice.id,
                                          Invoice.due_date, Customer.followup_policy)
                .join(Interaction).switch(InteractionInvoice).join(Invoice).join(Customer)
                .order_by(Interaction.occurred_at, Interaction.id, Invoice.id).tuples())
    for contact_id, kind, occurred_at, invoice_id, due, policy_id in contacts:
        by_channel = [stage for stage in stages.get(policy_id or default or 0, [])
                      if Channel(stage.channel).contact_kind == kind]
        stage = highest_reached(by_channel, (occurred_at.date() - due).days)
        if stage is not None and (invoice_id, stage.id) not in executions:
            executions[invoice_id, stage.id] = (invoice_id, stage.id, contact_id,
                                                occurred_at.date())
            carried_out.setdefault(stage.id, []).append(contact_id)
    last_contact = (Interaction.select(Interaction.id).where(
        Interaction.customer == Customer.id).order_by(Interaction.occurred_at.desc()).limit(1))
    rows = (Invoice.select(Invoice.id, Invoice.due_date, Customer.followup_policy,
                           Customer.last_contact_at, last_contact.alias("contact"))
            .join(Customer)
            .where((Invoice.open_minor > 0) & Customer.last_contact_at.is_null(False))
            .order_by(Invoice.id).tuples())  # the same ids on a server as on a file
    for invoice_id, due, policy_id, contacted_at, contact_id in rows:
        policy = stages.get(policy_id or default or 0, [])
        stage = highest_reached(policy, (contacted_at.date() - due).days)
        if stage is not None:
            executions.setdefault((invoice_id, stage.id),
                                  (invoice_id, stage.id, contact_id, contacted_at.date()))
    insert_rows(StageExecution, ("invoice", "stage", "interaction", "executed_on"),
                sorted(executions.values()))
    # Each reminder names its stage, as one Duly sent does (a dossier lists it).
    for stage_id, contact_ids in sorted(carried_out.items()):
        for start in range(0, len(contact_ids), 500):  # SQLite's limit on bound values
            Interaction.update(stage=stage_id).where(
                Interaction.id.in_(contact_ids[start:start + 500])).execute()


def _audited_history(today: dt.date) -> None:
    """The audit entries a real business would have for its disputes and holds."""
    # In id order: a server's table scan gives rows in the order they lie on its pages,
    # which updates and vacuuming change, so the books on a server would differ.
    for invoice in (Invoice.select().where(Invoice.status == InvoiceStatus.DISPUTED)
                    .order_by(Invoice.id)):
        at = dt.datetime.combine(min(invoice.due_date + dt.timedelta(days=9), today),
                                 dt.time(14, 10))
        AuditEntry.create(at=at, who="demo", action="dispute invoice", table="invoice",
                          row_id=invoice.id, before=json.dumps({"status": InvoiceStatus.OPEN}),
                          after=json.dumps({"status": InvoiceStatus.DISPUTED,
                                            "dispute_reason": invoice.dispute_reason}))
        # Each as the case Duly keeps for it: all that is open, about the goods' quality.
        case = DisputeCase.create(customer=invoice.customer_id, currency=invoice.currency,
                                  category=DisputeCategory.QUALITY,
                                  customer_said=invoice.dispute_reason, raised_on=at.date(),
                                  created_at=at)
        DisputedInvoice.create(case=case, invoice=invoice, disputed_minor=invoice.open_minor)
    for customer in Customer.select().where(Customer.on_hold).order_by(Customer.id):
        AuditEntry.create(at=dt.datetime.combine(today - dt.timedelta(days=20), dt.time(9, 5)),
                          who="demo", action="put on hold", table="customer",
                          row_id=customer.id, before=json.dumps({"on_hold": False}),
                          after=json.dumps({"on_hold": True,
                                            "hold_reason": customer.hold_reason}))


def _customers_with(habit: str) -> pw.ModelSelect:
    position = next(k for k, v in _SPECIALS.items() if v == habit)
    last = Customer.select(pw.fn.MAX(Customer.id)).scalar()
    # Customer ids are 1-based in index order: index i has id i + 1.
    return (Customer.select().where(Customer.id.in_(range(position + 1, last + 1, 60)))
            .order_by(Customer.id))  # each customer's rows made in the same order


def _plan(customer: Customer, today: dt.date) -> None:
    overdue = list(Invoice.select()
                   .where((Invoice.customer == customer) & (Invoice.open_minor > 0)
                          & (Invoice.due_date < today))
                   # Invoices due the same day in id order: on a server as on a file.
                   .order_by(Invoice.due_date, Invoice.id))
    if not overdue:
        return
    agreed = today - dt.timedelta(days=45)
    total = sum(i.open_minor for i in overdue)
    plan = PaymentPlan.create(customer=customer, agreed_on=agreed, currency=customer.currency,
                              notes="Agreed by phone: six monthly instalments.",
                              frequency=PlanFrequency.MONTHLY,
                              created_at=dt.datetime.combine(agreed, dt.time(15)))
    for inv in overdue:
        PaymentPlanItem.create(plan=plan, invoice=inv)
    share, remainder = divmod(total, 6)
    for month in range(6):
        due = agreed + dt.timedelta(days=15 + 30 * month)
        amount = share + (remainder if month == 5 else 0)
        Instalment.create(plan=plan, due_date=due, amount_minor=amount, position=month + 1)
        if due < today:
            _pay_oldest_first(customer, overdue, due, amount, f"Plan instalment {month + 1}")


def _pay_oldest_first(customer: Customer, invoices: list[Invoice], day: dt.date, amount: int,
                      reference: str) -> None:
    stamp = dt.datetime.combine(day, dt.time(11))
    payment = Payment.create(customer=customer, received_on=day, amount_minor=amount,
                             unallocated_minor=amount, currency=customer.currency,
                             reference=reference, created_at=stamp)
    for inv in invoices:
        if amount == 0:
            break
        part = min(amount, inv.open_minor)
        if part == 0:
            continue
        Allocation.create(payment=payment, invoice=inv, allocated_on=day, amount_minor=part,
                          created_at=stamp)
        inv.open_minor -= part
        amount -= part
        Invoice.update(open_minor=inv.open_minor,
                       status=InvoiceStatus.OPEN if inv.open_minor else InvoiceStatus.PAID).where(
            Invoice.id == inv.id).execute()
    Payment.update(unallocated_minor=amount).where(Payment.id == payment.id).execute()


def _referral(agency: Agency, customer: Customer, today: dt.date) -> None:
    old = list(Invoice.select()
               .where((Invoice.customer == customer) & (Invoice.open_minor > 0)
                      & (Invoice.due_date < today - dt.timedelta(days=90)))
               .order_by(Invoice.due_date, Invoice.id))
    if not old:
        return
    referral = AgencyReferral.create(
        agency=agency, customer=customer, referred_on=today - dt.timedelta(days=30),
        commission_percent=agency.commission_percent, status="collecting",
        currency=customer.currency, referred_minor=sum(i.open_minor for i in old),
        commission_min_minor=(agency.commission_min_minor
                              if agency.currency == customer.currency else None),
        notes="No reply to the final notice; passed to the agency with the full file.")
    for inv in old:
        ReferralInvoice.create(referral=referral, invoice=inv)
    Invoice.update(status=InvoiceStatus.WITH_AGENCY).where(
        Invoice.id.in_([i.id for i in old])).execute()
