"""Who paid what: each credit of a bank statement matched to a customer and invoices.

The evidence, each with a weight (the rules and thresholds are explained in
docs/decisions.md, "Bank statements: matching"):

- an open invoice's number, a plan's reference (PP-000012), the reference of one of
  Duly's letters or e-mails (ACME/123: its invoices) or a customer's account code in
  the payer's text, exact or mangled (spaces, dashes, leading zeros, case);
- the payer's IBAN, remembered from an earlier bank payment matched to the customer;
- the exact open amount of one invoice, of a set of one customer's invoices (a bounded
  subset sum) or of all a customer owes;
- the amount of an open promise or of an instalment of a plan being kept;
- the payer's name against the customers' names (rapidfuzz, the score shown).

Everything is read once, in bulk, for the statement's currency
(:func:`read_matching_data`); matching itself reads nothing, so 5,000 credits against
10,000 customers takes a few seconds. Matching is within one currency only.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz, process, utils

from models.bank_formats import StatementCredit
from models.db import one_of, reading
from models.kinds import OWED_STATUSES, PlanStatus, PromiseStatus
from models.money import format_money
from models.plans import plan_reference
from models.schema import (
    Customer,
    Instalment,
    Interaction,
    InteractionInvoice,
    Invoice,
    PayerIban,
    PaymentPlan,
    Promise,
)

# The weights of the evidence, and what makes a match sure (docs/decisions.md).
REFERENCE_POINTS = 60  # an invoice number or plan reference in the text
CODE_POINTS = 45  # the customer's account code in the text
IBAN_POINTS = 55  # the payer's account, seen on an earlier payment of the customer
AMOUNT_POINTS = 30  # the exact open amount of the invoices found, or of all owed
PROMISE_POINTS = 25  # the amount of an open promise or a plan instalment
NAME_MIN_SCORE = 85  # a name scoring below this is no evidence
NAME_POINTS_PER_SCORE = 0.4  # a name's score of 100 is worth 40 points
SURE_POINTS = 80  # a candidate this strong ...
SURE_LEAD = 30  # ... and this far ahead of the next is matched with certainty
SUBSET_MAX_INVOICES = 12  # the open invoices of one customer tried for a set adding up
SUBSET_MAX_SIZE = 4  # the most invoices one payment is taken to pay at once
_NAME_CANDIDATES = 3
_PROGRESS_EVERY = 250
_LEGAL_FORMS = re.compile(r"\b(ltd|limited|plc|llc|inc|gmbh|ag|sarl|sas|sa|bv|nv|srl|spa|"
                          r"oy|ab|as|kg|co|company|corp)\b\.?", re.IGNORECASE)


class Confidence(StrEnum):
    """How sure the match of a credit is."""

    SURE = "sure"  # one customer, beyond doubt: accepted with one key
    SUGGESTED = "suggested"  # candidates to choose between
    UNMATCHED = "unmatched"  # nobody: search a customer, or ignore it


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice money can be allocated to, as matching reads it."""

    id: int
    customer_id: int
    number: str
    due_date: object  # dt.date, kept loose for the ledger's oldest_first protocol
    open_minor: int
    status: str


@dataclass(frozen=True)
class Candidate:
    """A customer a credit may come from, the invoices it would pay and why."""

    customer_id: int
    customer_name: str
    customer_code: str
    points: int
    reasons: tuple[str, ...]
    invoice_ids: tuple[int, ...] = ()  # the invoices it pays, in this order; () oldest first
    name_score: int | None = None


@dataclass(frozen=True)
class CreditMatch:
    """A credit with how sure its match is and the candidates, best first."""

    credit: StatementCredit
    confidence: Confidence
    candidates: tuple[Candidate, ...]
    note: str = ""  # why nobody matched, in words (unmatched only)

    @property
    def best(self) -> Candidate | None:
        """The strongest candidate, or None."""
        return self.candidates[0] if self.candidates else None


@dataclass
class MatchingData:
    """What matching reads of the store for one currency, read once."""

    currency: str
    customers: dict[int, tuple[str, str]]  # id -> (code, name)
    invoices: dict[int, OpenInvoice]
    by_customer: dict[int, list[OpenInvoice]] = field(default_factory=dict)
    references: dict[str, list[tuple[int, tuple[int, ...], str]]] = field(default_factory=dict)
    by_amount: dict[int, list[int]] = field(default_factory=dict)  # amount -> invoice ids
    owed: dict[int, list[int]] = field(default_factory=dict)  # all owed -> customer ids
    # Two of a customer's oldest open invoices, or its oldest few, by their open sum.
    sets: dict[int, list[tuple[int, tuple[int, ...]]]] = field(default_factory=dict)
    promised: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    ibans: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    name_ids: list[int] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)  # account code's key -> customer
    # Duly's letter references (CODE/contact) found in the credits' texts, read by
    # read_letter_references: (customer, contact) -> the letter's invoices still open.
    letters: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)


def reference_key(text: str) -> str:
    """A number or reference as compared: lower case, no spaces or punctuation, no
    leading zeros in a run of digits ("INV-0000042" and "inv 42" are both "inv42")."""
    alnum = re.sub(r"[^0-9a-z]", "", text.casefold())
    return re.sub(r"\d+", lambda m: str(int(m.group())), alnum)


def read_matching_data(currency: str) -> MatchingData:
    """Read, in a few bulk queries, what matching credits in ``currency`` needs."""
    with reading():
        customers = {cid: (code, name) for cid, code, name in Customer.select(
            Customer.id, Customer.code, Customer.name).where(
            Customer.currency == currency).tuples()}
        invoices = {row[0]: OpenInvoice(*row) for row in Invoice.select(
            Invoice.id, Invoice.customer, Invoice.number, Invoice.due_date, Invoice.open_minor,
            Invoice.status).where((Invoice.currency == currency) & (Invoice.open_minor > 0)
                                  & Invoice.status.in_(OWED_STATUSES)).tuples()}
        plans = list(PaymentPlan.select(PaymentPlan.id, PaymentPlan.customer).where(
            (PaymentPlan.currency == currency) & (PaymentPlan.status == PlanStatus.ACTIVE))
            .tuples())
        plan_customer = dict(plans)
        instalments = list(Instalment.select(Instalment.plan, Instalment.amount_minor).where(
            one_of(Instalment.plan, plan_customer)).tuples()) if plan_customer else []
        promises = list(Promise.select(Promise.customer, Promise.amount_minor).where(
            (Promise.currency == currency) & (Promise.status == PromiseStatus.OPEN)).tuples())
        ibans = dict(PayerIban.select(PayerIban.iban, PayerIban.customer).tuples())
    data = MatchingData(currency, customers, invoices)
    for invoice in sorted(invoices.values(), key=lambda i: (str(i.due_date), i.id)):
        data.by_customer.setdefault(invoice.customer_id, []).append(invoice)
        data.by_amount.setdefault(invoice.open_minor, []).append(invoice.id)
        data.references.setdefault(reference_key(invoice.number), []).append(
            (invoice.customer_id, (invoice.id,), f"invoice {invoice.number}"))
    for customer_id, listed in data.by_customer.items():
        data.owed.setdefault(sum(i.open_minor for i in listed), []).append(customer_id)
        _keep_sets(data, customer_id, listed[:SUBSET_MAX_INVOICES])
    for plan_id, customer_id in plans:
        data.references.setdefault(reference_key(plan_reference(plan_id)), []).append(
            (customer_id, (), f"plan {plan_reference(plan_id)}"))
    for plan_id, amount in instalments:
        data.promised.setdefault(amount, []).append(
            (plan_customer[plan_id], f"an instalment of plan {plan_reference(plan_id)}"))
    for customer_id, amount in promises:
        data.promised.setdefault(amount, []).append((customer_id, "an open promise"))
    for customer_id, (code, name) in customers.items():
        if len(reference_key(code)) >= 3:
            data.references.setdefault(reference_key(code), []).append(
                (customer_id, (), f"account code {code}"))
        data.names.append(_name_key(name))
        data.name_ids.append(customer_id)
    data.ibans = {iban: cid for iban, cid in ibans.items() if cid in customers}
    data.codes = {reference_key(code): cid for cid, (code, _) in customers.items()
                  if reference_key(code)}
    return data


def _keep_sets(data: MatchingData, customer_id: int, oldest: Sequence[OpenInvoice]) -> None:
    """Index the sets a payment most often pays: any two of the oldest dozen invoices,
    and the oldest three or four together (a customer clearing its oldest debts)."""
    found: dict[int, tuple[int, ...]] = {}
    for pair in itertools.combinations(oldest, 2):
        found.setdefault(pair[0].open_minor + pair[1].open_minor, (pair[0].id, pair[1].id))
    for size in range(3, SUBSET_MAX_SIZE + 1):
        if len(oldest) >= size:
            found.setdefault(sum(i.open_minor for i in oldest[:size]),
                             tuple(i.id for i in oldest[:size]))
    for total, ids in found.items():
        data.sets.setdefault(total, []).append((customer_id, ids))


def read_letter_references(credits: Iterable[StatementCredit], data: MatchingData) -> None:
    """Read, in one query, the invoices of each of Duly's letters and e-mails whose
    reference ("our reference": the account code, a slash and the contact's number,
    reports/due_letters.py) a credit's text quotes, into ``data.letters``."""
    wanted: dict[int, int] = {}  # contact -> the customer whose code came before it
    for credit in credits:
        for customer_id, contact_id in _letter_references(credit.text, data):
            wanted[contact_id] = customer_id
    ids = sorted(wanted)
    found: dict[tuple[int, int], list[int]] = defaultdict(list)
    with reading():
        for start in range(0, len(ids), 900):
            for contact_id, customer_id, invoice_id in (
                    InteractionInvoice.select(InteractionInvoice.interaction,
                                              Interaction.customer, InteractionInvoice.invoice)
                    .join(Interaction).where(one_of(InteractionInvoice.interaction,
                                                    ids[start:start + 900])).tuples()):
                if wanted[contact_id] == customer_id and invoice_id in data.invoices:
                    found[(customer_id, contact_id)].append(invoice_id)
    for key, invoice_ids in found.items():
        data.letters[key] = tuple(sorted(invoice_ids, key=lambda i: (
            str(data.invoices[i].due_date), i)))


def _letter_references(text: str, data: MatchingData) -> Iterable[tuple[int, int]]:
    """(customer, contact) for each account code followed by a number in ``text``."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", text) if w]
    for at, word in enumerate(words):
        if not word.isdigit() or len(word) > 9:
            continue
        for size in (1, 2, 3):
            if at - size >= 0:
                customer_id = data.codes.get(reference_key("".join(words[at - size:at])))
                if customer_id is not None:
                    yield customer_id, int(word)


def match_credits(credits: Sequence[StatementCredit], data: MatchingData,
                  progress: Callable[[int, int], None] | None = None) -> list[CreditMatch]:
    """Each credit in ``data``'s currency matched; credits in another currency come back
    unmatched (matching is within one currency). ``progress(done, total)`` is told
    every few hundred credits (the window matches off its thread and shows it)."""
    names: dict[str, list[tuple[int, int]]] = {}
    read_letter_references(credits, data)
    matches = []
    for done, credit in enumerate(credits, start=1):
        matches.append(match_credit(credit, data, names))
        if progress is not None and (done % _PROGRESS_EVERY == 0 or done == len(credits)):
            progress(done, len(credits))
    return matches


def match_credit(credit: StatementCredit, data: MatchingData,
                 names: dict[str, list[tuple[int, int]]] | None = None) -> CreditMatch:
    """One credit matched against ``data`` (``names`` caches the name look-ups)."""
    if credit.currency != data.currency:
        return CreditMatch(credit, Confidence.UNMATCHED, (), (
            f"it is in {credit.currency}: only customers invoiced in {data.currency}, the "
            f"statement's currency, are matched"))
    evidence: dict[int, _Evidence] = defaultdict(_Evidence)
    _by_reference(credit, data, evidence)
    if credit.payer_iban and credit.payer_iban in data.ibans:
        evidence[data.ibans[credit.payer_iban]].add(
            IBAN_POINTS, f"paid from {credit.payer_iban}, as an earlier payment did")
    for _, score, customer_id in _names(credit.payer_name, data, names):
        evidence[customer_id].name(score, credit.payer_name, data.customers[customer_id][1])
    _by_amount(credit, data, evidence)
    candidates = sorted((_candidate(cid, e, data) for cid, e in evidence.items()),
                        key=lambda c: (-c.points, c.customer_name, c.customer_id))
    note = "" if candidates else (
        f"no open invoice number, plan reference, account code, known IBAN, customer name "
        f"or amount owed in {data.currency} fits it")
    return CreditMatch(credit, _confidence(candidates), tuple(candidates[:5]), note)


@dataclass
class _Evidence:
    points: float = 0
    reasons: list[str] = field(default_factory=list)
    invoice_ids: list[int] = field(default_factory=list)
    amount_seen: bool = False
    name_score: int | None = None

    def add(self, points: float, reason: str, invoice_ids: Iterable[int] = ()) -> None:
        self.points += points
        self.reasons.append(reason)
        self.invoice_ids.extend(i for i in invoice_ids if i not in self.invoice_ids)

    def name(self, score: int, payer: str, name: str) -> None:
        if self.name_score is None:
            self.name_score = score
            self.add(score * NAME_POINTS_PER_SCORE, f"the payer “{payer}” is like “{name}” "
                                                    f"(score {score})")


def _by_reference(credit: StatementCredit, data: MatchingData,
                  evidence: dict[int, _Evidence]) -> None:
    if data.letters:  # a letter's reference first: its invoices are the ones paid
        for customer_id, contact_id in _letter_references(credit.text, data):
            invoice_ids = data.letters.get((customer_id, contact_id))
            what = (f"the reference {data.customers[customer_id][0]}/{contact_id} of our "
                    f"letter is in the text")
            if invoice_ids and what not in evidence[customer_id].reasons:
                evidence[customer_id].add(REFERENCE_POINTS, what, invoice_ids)
    words = [w for w in re.split(r"[^0-9A-Za-z]+", credit.text) if w]
    seen: set[str] = set()
    for size in (1, 2, 3):
        for start in range(len(words) - size + 1):
            key = reference_key("".join(words[start:start + size]))
            if key in seen or not key:
                continue
            seen.add(key)
            for customer_id, invoice_ids, what in data.references.get(key, ()):
                points = CODE_POINTS if what.startswith("account code") else REFERENCE_POINTS
                if what not in evidence[customer_id].reasons:
                    evidence[customer_id].add(points, f"{what} is in the text", invoice_ids)


def _by_amount(credit: StatementCredit, data: MatchingData,
               evidence: dict[int, _Evidence]) -> None:
    amount, money = credit.amount_minor, format_money(credit.amount_minor, credit.currency)
    for customer_id, found in list(evidence.items()):
        listed = data.by_customer.get(customer_id, [])
        if found.invoice_ids:
            if sum(data.invoices[i].open_minor for i in found.invoice_ids
                   if i in data.invoices) == amount:
                found.add(AMOUNT_POINTS, f"{money} is exactly what those invoices have open")
                found.amount_seen = True
            continue
        chosen = _subset(listed, amount)
        if chosen:
            found.add(AMOUNT_POINTS, _amount_words(money, chosen), [i.id for i in chosen])
            found.amount_seen = True
    single = [data.invoices[i] for i in data.by_amount.get(amount, ())]
    for invoice in single:
        found = evidence[invoice.customer_id]
        if not found.amount_seen:
            share = AMOUNT_POINTS if len(single) == 1 else AMOUNT_POINTS // 2
            also = "" if len(single) == 1 else f" (as do {len(single) - 1:,} other invoices)"
            found.add(share, f"{money} is exactly what invoice {invoice.number} has open{also}",
                      [invoice.id])
            found.amount_seen = True
    sets = data.sets.get(amount, ())
    for customer_id, ids in sets:
        found = evidence[customer_id]
        if not found.amount_seen:
            share = AMOUNT_POINTS if len(sets) == 1 else AMOUNT_POINTS // 2
            found.add(share, _amount_words(money, [data.invoices[i] for i in ids]), ids)
            found.amount_seen = True
    for customer_id in data.owed.get(amount, ()):
        found = evidence[customer_id]
        if not found.amount_seen:
            found.add(AMOUNT_POINTS // 2, f"{money} is all the customer owes",
                      [i.id for i in data.by_customer[customer_id]])
            found.amount_seen = True
    for customer_id, what in data.promised.get(amount, ()):
        if customer_id in data.customers and f"{money} is {what}" not in evidence[
                customer_id].reasons:
            evidence[customer_id].add(PROMISE_POINTS, f"{money} is {what}")


def _amount_words(money: str, chosen: Sequence[OpenInvoice]) -> str:
    if len(chosen) == 1:
        return f"{money} is exactly what invoice {chosen[0].number} has open"
    return f"{money} is exactly what invoices " + ", ".join(i.number for i in chosen) + \
        " have open together"


def _subset(invoices: Sequence[OpenInvoice], amount: int) -> tuple[OpenInvoice, ...]:
    """The fewest of the customer's oldest open invoices whose open amounts add up to
    ``amount`` exactly (bounded: the oldest dozen, at most four at once), or ()."""
    tried = [i for i in invoices[:SUBSET_MAX_INVOICES] if i.open_minor <= amount]
    for size in range(1, min(SUBSET_MAX_SIZE, len(tried)) + 1):
        for chosen in itertools.combinations(tried, size):
            if sum(i.open_minor for i in chosen) == amount:
                return chosen
    return ()


def _names(payer: str, data: MatchingData,
           cache: dict[str, list[tuple[int, int]]] | None) -> list[tuple[str, int, int]]:
    key = _name_key(payer)
    if len(key) < 3 or not data.names:
        return []
    if cache is not None and key in cache:
        found = cache[key]
    else:
        found = [(int(score), data.name_ids[index]) for _, score, index in process.extract(
            key, data.names, scorer=fuzz.token_sort_ratio, processor=None,
            score_cutoff=NAME_MIN_SCORE, limit=_NAME_CANDIDATES)]
        if cache is not None:
            cache[key] = found
    return [(key, score, cid) for score, cid in found]


def _name_key(name: str) -> str:
    return " ".join(utils.default_process(_LEGAL_FORMS.sub(" ", name)).split())


def _candidate(customer_id: int, found: _Evidence, data: MatchingData) -> Candidate:
    code, name = data.customers[customer_id]
    return Candidate(customer_id, name, code, round(found.points), tuple(found.reasons),
                     tuple(found.invoice_ids), found.name_score)


def _confidence(candidates: Sequence[Candidate]) -> Confidence:
    if not candidates:
        return Confidence.UNMATCHED
    best = candidates[0].points
    runner_up = candidates[1].points if len(candidates) > 1 else 0
    if best >= SURE_POINTS and best - runner_up >= SURE_LEAD:
        return Confidence.SURE
    return Confidence.SUGGESTED
