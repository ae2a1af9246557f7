"""Charges on an invoice: late interest, fixed compensation and stage fees.

A charge is its own document referencing the invoice; the invoice itself is
never rewritten. Interest is charged only for days not charged before, so a
later stage charges from the day after the last interest charge's period.
Compensation is charged at most once per invoice. Charges are voided, never
deleted, and every change is audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from models.allocations import allocated
from models.audit import record_change
from models.db import writing
from models.errors import LedgerError
from models.interest import (
    InterestPeriod,
    interest_to_charge,
    interest_words,
    invoice_compensation,
    invoice_interest,
)
from models.kinds import ChargeKind, InvoiceStatus
from models.money import format_money
from models.plan_freeze import charges_frozen_on
from models.reference_rates import MissingRate
from models.schema import Allocation, Charge, Invoice
from models.steady import forget, recalled, remember

_NOT_CHARGEABLE = (InvoiceStatus.VOID, InvoiceStatus.WRITTEN_OFF)


@dataclass(frozen=True)
class ChargeRow:
    """A charge as recorded, with its calculation."""

    id: int
    invoice_id: int
    kind: str
    charged_on: dt.date
    amount_minor: int
    open_minor: int
    currency: str
    principal_minor: int | None
    rate_percent: Decimal | None
    period_from: dt.date | None
    period_to: dt.date | None
    days: int | None
    description: str
    voided: bool


def record_charges(invoice_id: int, as_of: dt.date, *, interest: bool, compensation: bool,
                   fee_minor: int, fee_reason: str = "Reminder fee",
                   now: dt.datetime | None = None,
                   rate_missing: Callable[[MissingRate], None] | None = None) -> list[int]:
    """Charge what a follow-up stage applies to an invoice on ``as_of``; returns the new
    charges' ids (interest, compensation, fee, in that order; none when nothing is due).

    Interest runs up to and including ``as_of`` from the day after the last interest
    charged, leaving out the days a payment plan froze it; no fee is charged on a day
    one does (``models.plan_freeze``). Compensation is charged once per
    invoice, under the statutory regimes.
    Runs inside the caller's transaction when there is one. Raises
    :class:`LedgerError` for a void or written-off invoice, a negative fee, or
    compensation the invoice's currency cannot carry, and
    :class:`~models.reference_rates.MissingRate` for a missing reference rate, unless
    ``rate_missing`` is given: it is then told, and the charges that need no rate (the
    fixed compensation, the fee) are still recorded.
    """
    if fee_minor < 0:
        raise LedgerError("fee", "A fee cannot be below zero.")
    now = now or dt.datetime.now()
    with writing():
        invoice = _chargeable(invoice_id)
        ids = []
        if interest:
            try:
                ids += _charge_interest(invoice, as_of, now)
            except MissingRate as missing:
                if rate_missing is None:
                    raise
                rate_missing(missing)
        if compensation:
            ids += _charge_compensation(invoice, as_of, now)
        # A plan that stops interest and fees while it is kept stops the stage's fee.
        if fee_minor > 0 and not charges_frozen_on(invoice.id, as_of):
            ids.append(_create(invoice, ChargeKind.FEE, as_of, fee_minor, now,
                               description=f"{fee_reason.strip() or 'Fee'}: "
                                           f"{format_money(fee_minor, invoice.currency)}."))
    return ids


def invoice_charges(invoice_id: int) -> list[ChargeRow]:
    """The invoice's charges, void ones included, in the order they were charged."""
    query = (Charge.select().where(Charge.invoice == invoice_id)
             .order_by(Charge.charged_on, Charge.id))
    return [_row(charge) for charge in query]


@dataclass(frozen=True)
class OpenChargeRow:
    """A charge with something still to pay on it on a day, and its invoice's number."""

    charge: ChargeRow
    invoice_number: str
    open_minor: int  # what was still to pay on it on that day


def paid_by(on: dt.date) -> pw.SelectQuery:
    """A subquery for the charge of the row being read: what was allocated to it by
    ``on`` (voided allocations left out)."""
    return allocated((Allocation.charge == Charge.id) & (Allocation.allocated_on <= on))


def charges_open_on(invoice_ids: list[int], on: dt.date) -> list[OpenChargeRow]:
    """The charges on these invoices still open on ``on`` (charged by then, not voided),
    in the order the invoices fall due, then as charged."""
    return [row for row in _charges_on(invoice_ids, on) if row.open_minor > 0]


def open_charges_by_kind(invoice_ids: list[int], on: dt.date) -> dict[str, int]:
    """Interest, compensation and fees still open on the invoices on ``on``, by kind
    (a kind with nothing left open is left out)."""
    left: dict[str, int] = defaultdict(int)
    for row in _charges_on(invoice_ids, on):
        left[row.charge.kind] += row.open_minor
    return {kind: amount for kind, amount in left.items() if amount > 0}


def read_charges_ahead(invoice_ids: Iterable[int], on: dt.date) -> None:
    """Inside ``models.steady.steady``, read the charges on these invoices as of ``on``
    in one query a block of invoices, for a batch of documents that asks one
    document's invoices at a time; a charge recorded on one of them since has it read
    again."""
    _charges_on(list(invoice_ids), on)


def _charges_on(invoice_ids: list[int], on: dt.date) -> list[OpenChargeRow]:
    """Every charge on these invoices charged by ``on`` and not voided, with what was
    open on it on ``on`` (0 or less when paid), ordered as :func:`charges_open_on`.
    Inside ``steady``, each invoice's are read once for the day asked."""
    found: list[tuple[tuple[dt.date, str, dt.date, int], OpenChargeRow]] = []
    missing = []
    for invoice_id in dict.fromkeys(invoice_ids):
        known = recalled(_charges_on, invoice_id)
        if known is not None and known[0] == on:
            found += known[1]
        else:
            missing.append(invoice_id)
    read = _read_charges(missing, on)
    for invoice_id in missing:
        rows = tuple(read.get(invoice_id, ()))
        remember(_charges_on, (on, rows), invoice_id)
        found += rows
    found.sort(key=lambda keyed: keyed[0])
    return [row for _key, row in found]


def _read_charges(invoice_ids: list[int], on: dt.date
                  ) -> dict[int, list[tuple[tuple[dt.date, str, dt.date, int], OpenChargeRow]]]:
    """The invoices' charges as of ``on`` by invoice, each keyed for the order the
    invoices fall due, then as charged."""
    found: dict[int, list[tuple[tuple[dt.date, str, dt.date, int], OpenChargeRow]]] = {}
    for start in range(0, len(invoice_ids), 500):  # SQLite's limit on bound values
        query = (Charge.select(Charge, Invoice.number, Invoice.due_date,
                               paid_by(on).alias("paid"))
                 .join(Invoice)
                 .where(Charge.invoice.in_(invoice_ids[start:start + 500]) & ~Charge.voided
                        & (Charge.charged_on <= on)))
        for charge in query.objects():
            row = OpenChargeRow(_row(charge), charge.number,
                                charge.amount_minor - int(charge.paid))
            found.setdefault(charge.invoice_id, []).append(
                ((charge.due_date, charge.number, charge.charged_on, charge.id), row))
    return found


def interest_charge_periods(charge: ChargeRow) -> tuple[InterestPeriod, ...]:
    """The periods an interest charge was worked out on, each with its days, principal and
    rate, worked out again from the store. () for another kind of charge, and when the
    store no longer gives the amount charged (the customer's policy, a reference rate or
    a payment on the invoice changed since): the charge then keeps its span alone."""
    if charge.kind != ChargeKind.INTEREST or charge.period_from is None or charge.period_to is None:
        return ()
    try:
        calculation = invoice_interest(charge.invoice_id, charge.period_to,
                                       from_day=charge.period_from)
    except LedgerError:  # a rate since removed, a policy without a rate, a void invoice
        return ()
    periods = calculation.periods
    if (calculation.interest_minor != charge.amount_minor or not periods
            or periods[0].start != charge.period_from
            or sum(p.days for p in periods) != charge.days):
        return ()
    return periods


def void_charge(charge_id: int, reason: str) -> None:
    """Void a charge made in error (only while nothing is allocated to it)."""
    reason = reason.strip()
    if not reason:
        raise LedgerError("reason", "Say why the charge is voided.")
    with writing():
        charge = Charge.get_or_none(Charge.id == charge_id)
        if charge is None or charge.voided:
            raise LedgerError("charge", "That charge does not exist or is already void.")
        if Allocation.select().where((Allocation.charge == charge.id)
                                     & ~Allocation.voided).exists():
            raise LedgerError("charge", "Money is allocated to this charge. Void that payment "
                                        "first.")
        # open_minor stays as derived from allocations (what `check` proves); the
        # flag takes the charge out of what is owed.
        Charge.update(voided=True).where(Charge.id == charge.id).execute()
        forget(_charges_on, charge.invoice_id)
        record_change("void charge", "charge", charge.id, before={"voided": False},
                      after={"voided": True, "reason": reason})


def _chargeable(invoice_id: int) -> Invoice:
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None:
        raise LedgerError("invoice", "That invoice no longer exists.")
    if invoice.status in _NOT_CHARGEABLE:
        raise LedgerError("invoice", f"Invoice {invoice.number} is "
                                     f"{invoice.status.replace('_', ' ')}; nothing is charged "
                                     f"on it.")
    return invoice


def _charge_interest(invoice: Invoice, as_of: dt.date, now: dt.datetime) -> list[int]:
    calculation = interest_to_charge(invoice.id, as_of)
    if calculation.interest_minor <= 0:
        return []
    periods = calculation.periods
    principals = {p.principal_minor for p in periods}
    rates = {p.rate_percent for p in periods}
    return [_create(
        invoice, ChargeKind.INTEREST, as_of, calculation.interest_minor, now,
        principal_minor=principals.pop() if len(principals) == 1 else None,
        rate_percent=rates.pop() if len(rates) == 1 else None,
        period_from=periods[0].start, period_to=periods[-1].end,
        days=sum(p.days for p in periods), description=interest_words(calculation))]


def _charge_compensation(invoice: Invoice, as_of: dt.date, now: dt.datetime) -> list[int]:
    if Charge.select().where((Charge.invoice == invoice.id)
                             & (Charge.kind == ChargeKind.COMPENSATION)
                             & ~Charge.voided).exists():
        return []
    amount, words = invoice_compensation(invoice.id, as_of)
    if amount <= 0:
        return []
    return [_create(invoice, ChargeKind.COMPENSATION, as_of, amount, now,
                    description=f"{words} Invoice {invoice.number} of "
                                f"{format_money(invoice.amount_minor, invoice.currency)}.")]


def _create(invoice: Invoice, kind: str, on: dt.date, amount_minor: int, now: dt.datetime,
            **calculation: object) -> int:
    charge = Charge.create(invoice=invoice, kind=kind, charged_on=on, amount_minor=amount_minor,
                           open_minor=amount_minor, currency=invoice.currency,
                           created_at=now, **calculation)
    forget(_charges_on, invoice.id)  # read ahead for a batch of letters: read it again
    record_change(f"charge {kind}", "charge", charge.id,
                  after={"invoice": invoice.number, "kind": kind, "charged_on": on,
                         "amount_minor": amount_minor, "currency": invoice.currency,
                         **calculation})
    return int(charge.id)


def _row(charge: Charge) -> ChargeRow:
    return ChargeRow(
        id=charge.id, invoice_id=charge.invoice_id, kind=charge.kind,
        charged_on=charge.charged_on, amount_minor=charge.amount_minor,
        open_minor=charge.open_minor, currency=charge.currency,
        principal_minor=charge.principal_minor, rate_percent=charge.rate_percent,
        period_from=charge.period_from, period_to=charge.period_to, days=charge.days,
        description=charge.description, voided=charge.voided)
