"""Payment plans: agreed, tracked instalment by instalment, completed, broken,
renegotiated or cancelled.

A plan covers some of a customer's open invoices (and charges) in one currency and
schedules what they come to (:mod:`models.plan_schedule`). While it is kept its invoices
are not chased (``models.followup``) and, if the plan says so, run no interest and get no
stage fees (``models.plan_freeze``, the one home of that rule).

How a plan stands is worked out, never stored: the money allocated to its invoices and
charges from the day it was agreed pays its instalments in schedule order, an
overpayment rolling on to the next (:func:`instalment_states`; the follow-up engine and
Today read only what is left on the instalments ahead, :func:`plans_ahead`). Only the
ends are stored: completed when the last instalment is paid (:func:`settle_plans`, run
as money is allocated), defaulted when an instalment stays unpaid past its grace
(:func:`plans_to_default` lists them, :func:`default_plan` ends one and resumes the
follow-up where it had got to), replaced when renegotiated, or cancelled.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import groupby, pairwise
from operator import itemgetter
from typing import Any, NamedTuple

import peewee as pw

from models import input_rules as rules
from models.audit import record_change
from models.contacts import refresh_contact_summary
from models.dates import short_date
from models.db import writing
from models.errors import LedgerError
from models.kinds import (
    OWED_STATUSES,
    ContactKind,
    ContactPurpose,
    Direction,
    InstalmentState,
    InvoiceStatus,
    PlanFrequency,
    PlanStatus,
    PolicyUse,
)
from models.money import format_money
from models.plan_schedule import ScheduledInstalment, ScheduleTerms, schedule
from models.policy_stages import default_policy_id, stages_by_policy, start_chasing
from models.schema import (
    Allocation,
    Charge,
    Customer,
    FollowUpPolicy,
    FollowUpStage,
    Instalment,
    Interaction,
    InteractionInvoice,
    Invoice,
    PaymentPlan,
    PaymentPlanItem,
    Setting,
    StageExecution,
    database,
    money_sum,
)
from models.users import Permission, require

PLAN_GRACE_SETTING = "plan_grace_days"
DEFAULT_PLAN_GRACE_DAYS = 5
MAX_PLAN_GRACE_DAYS = 60
# A broken plan's next stage is due at the policy's usual gap after the stage the
# account had reached, but no more than a week after the plan ended: the customer has
# already had the missed instalment's reminder.
RESUME_AT_MOST_DAYS = 7
_ENDED = {PlanStatus.COMPLETED: "completed", PlanStatus.DEFAULTED: "defaulted",
          PlanStatus.CANCELLED: "cancelled", PlanStatus.REPLACED: "renegotiated"}
_EVERY = {PlanFrequency.WEEKLY: "weekly", PlanFrequency.FORTNIGHTLY: "fortnightly",
          PlanFrequency.MONTHLY: "monthly"}


def plan_reference(plan_id: int) -> str:
    """The plan's reference, for the customer to quote with each payment: "PP-000012"."""
    return f"PP-{plan_id:06d}"


# --- the grace setting -------------------------------------------------------------

def plan_grace_days() -> int:
    """The days after an instalment's date within which paying it still keeps the plan
    (the business's setting, 5 unless changed); copied onto each plan agreed."""
    row = Setting.get_or_none(Setting.key == PLAN_GRACE_SETTING)
    return int(json.loads(row.value)) if row is not None else DEFAULT_PLAN_GRACE_DAYS


def set_plan_grace_days(days: int) -> None:
    """Change the grace given on new plans' instalments (plans agreed keep theirs)."""
    if isinstance(days, bool) or not isinstance(days, int) or not \
            0 <= days <= MAX_PLAN_GRACE_DAYS:
        raise LedgerError("plan_grace_days", f"Give the grace as a whole number of days "
                                             f"from 0 to {MAX_PLAN_GRACE_DAYS}.")
    with writing():
        require(Permission.CHANGE_POLICIES)
        before = plan_grace_days()
        Setting.put(PLAN_GRACE_SETTING, json.dumps(days))
        record_change("set plan grace days", "setting", None, before={"days": before},
                      after={"days": days})


# --- agreeing a plan ---------------------------------------------------------------

@dataclass(frozen=True)
class PlanDraft:
    """A plan as the user sets it up. No ``invoice_ids`` and no ``charge_ids``: every
    overdue open invoice of the customer in ``currency`` ("" for the customer's own)."""

    customer_id: int
    agreed_on: dt.date
    terms: ScheduleTerms
    invoice_ids: tuple[int, ...] = ()
    charge_ids: tuple[int, ...] = ()
    currency: str = ""
    freeze_charges: bool = False
    notes: str = ""
    contact_kind: ContactKind = ContactKind.NOTE  # how it was agreed, for the timeline


@dataclass(frozen=True)
class PlanItemRow:
    """An invoice or charge a plan covers, with what was open on it."""

    invoice_id: int | None
    charge_id: int | None
    label: str  # the invoice's number, or "Interest on INV-1"
    due_date: dt.date | None
    open_minor: int


@dataclass(frozen=True)
class PlanPreview:
    """A plan worked out and not yet recorded: what it covers and its schedule."""

    customer_id: int
    customer_code: str
    customer_name: str
    currency: str
    agreed_on: dt.date
    items: tuple[PlanItemRow, ...]
    total_minor: int
    instalments: tuple[ScheduledInstalment, ...]
    frequency: PlanFrequency
    grace_days: int
    freeze_charges: bool
    stage_reached_id: int | None
    stage_reached_name: str  # "" when no stage had been reached
    summary: str  # "6 monthly instalments of 250.00 GBP from 15 Jan 2027"


@dataclass(frozen=True)
class PlanCandidate:
    """An open invoice or charge of the customer's, for choosing what a plan covers:
    whether it is overdue (chosen by default) and, if it cannot go in a plan, why."""

    item: PlanItemRow
    overdue: bool
    refused: str  # "" when it can go in a plan


def plan_currency(customer_id: int, currency: str = "") -> str:
    """The currency a plan with the customer is agreed in: ``currency`` when given (the
    debt's), else the customer's own."""
    if currency:
        return currency
    row = Customer.select(Customer.currency).where(Customer.id == customer_id).tuples().first()
    if row is None:
        raise LedgerError("customer", "That customer no longer exists.")
    return str(row[0])


def plan_candidates(customer_id: int, currency: str, as_of: dt.date) -> list[PlanCandidate]:
    """The customer's invoices and charges in ``currency`` with something still open,
    oldest due first, each with whether a plan may cover it and whether it is overdue
    on ``as_of``."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise LedgerError("customer", "That customer no longer exists.")
    invoices = (Invoice.select(Invoice.id).where(
        (Invoice.customer == customer_id) & (Invoice.currency == currency)
        & (Invoice.open_minor > 0) & Invoice.status.in_(list(OWED_STATUSES)))
        .order_by(Invoice.due_date, Invoice.number))
    charges = (Charge.select(Charge.id).join(Invoice).where(
        (Invoice.customer == customer_id) & (Charge.currency == currency)
        & (Charge.open_minor > 0) & ~Charge.voided).order_by(Charge.charged_on, Charge.id))
    found = []
    for read, ids in ((_invoice_item, [i for (i,) in invoices.tuples()]),
                      (_charge_item, [c for (c,) in charges.tuples()])):
        for item_id in ids:
            found.append(_candidate(read, item_id, customer, currency, as_of))
    return found


def _candidate(read: Callable[[int, Customer, str], PlanItemRow], item_id: int,
               customer: Customer, currency: str, as_of: dt.date) -> PlanCandidate:
    try:
        item = read(item_id, customer, currency)
        _not_in_another_plan([item], None)
        refused = ""
    except LedgerError as error:
        refused = error.message
        item = _plain_item(read, item_id)
    overdue = item.invoice_id is not None and item.due_date is not None \
        and item.due_date < as_of
    return PlanCandidate(item, overdue, refused)


def _plain_item(read: Callable[[int, Customer, str], PlanItemRow],
                item_id: int) -> PlanItemRow:
    if read is _invoice_item:
        invoice = Invoice.get_by_id(item_id)
        return PlanItemRow(invoice.id, None, invoice.number, invoice.due_date,
                           invoice.open_minor)
    charge = Charge.get_by_id(item_id)
    number = Invoice.get_by_id(charge.invoice_id).number
    return PlanItemRow(None, charge.id, f"{str(charge.kind).capitalize()} on {number}",
                       charge.charged_on, charge.open_minor)


def preview_plan(draft: PlanDraft, *, replacing: int | None = None) -> PlanPreview:
    """The plan ``draft`` would make, worked out without writing anything. Raises
    :class:`LedgerError` for what cannot be put in a plan (an invoice in dispute, with
    an agency, paid, another customer's or currency's, in another active plan than
    ``replacing``) and for a schedule that cannot be (see ``plan_schedule.schedule``)."""
    customer = Customer.get_or_none(Customer.id == draft.customer_id)
    if customer is None:
        raise LedgerError("customer", "That customer no longer exists.")
    rules.check_date(draft.agreed_on, "agreed_on", "The day the plan is agreed")
    currency = (draft.currency or customer.currency).strip().upper()
    items = _covered(draft, customer, currency, replacing)
    total = sum(item.open_minor for item in items)
    instalments = schedule(total, currency, draft.terms, agreed_on=draft.agreed_on)
    frequency = PlanFrequency.CUSTOM if draft.terms.custom else draft.terms.frequency
    stage = _stage_reached([i.invoice_id for i in items if i.invoice_id is not None])
    return PlanPreview(
        customer_id=customer.id, customer_code=customer.code, customer_name=customer.name,
        currency=currency, agreed_on=draft.agreed_on, items=tuple(items), total_minor=total,
        instalments=instalments, frequency=frequency, grace_days=plan_grace_days(),
        freeze_charges=draft.freeze_charges,
        stage_reached_id=stage.id if stage is not None else None,
        stage_reached_name=stage.name if stage is not None else "",
        summary=schedule_words(instalments, frequency, currency))


def agree_plan(draft: PlanDraft, *, now: dt.datetime | None = None) -> int:
    """Record the plan ``draft`` makes (see :func:`preview_plan`), a contact on the
    customer's timeline saying so and an audit entry, in one transaction; returns the
    plan's id."""
    with writing():
        return _record(preview_plan(draft), draft, now or dt.datetime.now(), replaces=None)


def renegotiate_plan(plan_id: int, draft: PlanDraft, *, reason: str = "",
                     now: dt.datetime | None = None) -> int:
    """Replace an active plan with the new one ``draft`` makes: the old one is kept as
    renegotiated, ended on the new one's day; the new one names it. Returns the new
    plan's id."""
    reason = rules.check_text(reason, "reason", "the reason", rules.REASON_LIMIT)
    with writing():
        old = _active_plan(plan_id)
        if draft.customer_id != old.customer_id:
            raise LedgerError("customer", "A plan is renegotiated with the same customer.")
        if draft.agreed_on < old.agreed_on:
            raise LedgerError("agreed_on", "The new plan cannot be agreed before the plan it "
                                           "replaces.")
        preview = preview_plan(draft, replacing=old.id)
        _end(old, PlanStatus.REPLACED, draft.agreed_on, reason or "Renegotiated.")
        if preview.stage_reached_id is None and old.stage_reached_id is not None:
            stage = FollowUpStage.get_by_id(old.stage_reached_id)
            preview = replace(preview, stage_reached_id=stage.id, stage_reached_name=stage.name)
        return _record(preview, draft, now or dt.datetime.now(), replaces=old.id)


def cancel_plan(plan_id: int, on: dt.date, reason: str) -> ResumedChase | None:
    """Call off an active plan with the user's reason; its invoices are chased again
    from the stage after the one reached when it was agreed (see :func:`default_plan`)."""
    reason = rules.check_text(reason, "reason", "the reason", rules.REASON_LIMIT)
    if not reason:
        raise LedgerError("reason", "Say why the plan is cancelled.")
    with writing():
        plan = _active_plan(plan_id)
        _end(plan, PlanStatus.CANCELLED, on, reason)
        return _resume_chasing(plan, on)


def schedule_words(instalments: Sequence[ScheduledInstalment], frequency: PlanFrequency,
                   currency: str) -> str:
    """A schedule in a line: "a deposit of 100.00 GBP on 4 Dec 2026, then 6 monthly
    instalments of 250.00 GBP from 15 Jan 2027"."""
    deposit = [i for i in instalments if i.is_deposit]
    rest = [i for i in instalments if not i.is_deposit]
    words = ""
    if deposit:
        words = (f"a deposit of {format_money(deposit[0].amount_minor, currency)} on "
                 f"{short_date(deposit[0].due_date)}, then ")
    count = len(rest)
    noun = "instalment" if count == 1 else "instalments"
    if frequency == PlanFrequency.CUSTOM or frequency not in _EVERY:
        in_all = format_money(sum(i.amount_minor for i in rest), currency)
        return (f"{words}{count} {noun} of {in_all} in all, from "
                f"{short_date(rest[0].due_date)} to {short_date(rest[-1].due_date)}")
    amount = format_money(rest[0].amount_minor, currency)
    last = ("" if rest[-1].amount_minor == rest[0].amount_minor else
            f" (the last {format_money(rest[-1].amount_minor, currency)})")
    every = f" {_EVERY[frequency]}" if count > 1 else ""
    return f"{words}{count}{every} {noun} of {amount}{last} from {short_date(rest[0].due_date)}"


def _record(preview: PlanPreview, draft: PlanDraft, now: dt.datetime,
            replaces: int | None) -> int:
    notes = rules.check_text(draft.notes, "notes", "the notes", rules.NOTE_LIMIT)
    plan = PaymentPlan.create(
        customer=preview.customer_id, agreed_on=preview.agreed_on, currency=preview.currency,
        status=PlanStatus.ACTIVE, grace_days=preview.grace_days, notes=notes, created_at=now,
        frequency=preview.frequency, freeze_charges=preview.freeze_charges,
        stage_reached=preview.stage_reached_id, replaces=replaces)
    PaymentPlanItem.insert_many([{"plan": plan.id, "invoice": item.invoice_id,
                                  "charge": item.charge_id} for item in preview.items]).execute()
    Instalment.insert_many([{"plan": plan.id, "due_date": i.due_date,
                             "amount_minor": i.amount_minor, "position": i.position,
                             "is_deposit": i.is_deposit} for i in preview.instalments]).execute()
    heading = "Payment plan renegotiated" if replaces else "Payment plan agreed"
    summary = f"{heading}: {preview.summary}."
    if notes:
        summary += f"\n\n{notes}"
    contact = Interaction.create(
        customer=preview.customer_id, kind=draft.contact_kind, direction=Direction.OUTGOING,
        occurred_at=now, summary=summary, purpose=ContactPurpose.PLAN, plan=plan.id,
        created_at=now)
    invoice_ids = sorted({i.invoice_id for i in preview.items if i.invoice_id is not None})
    if invoice_ids:
        InteractionInvoice.insert_many([{"interaction": contact.id, "invoice": invoice_id}
                                        for invoice_id in invoice_ids]).execute()
    refresh_contact_summary([preview.customer_id])
    record_change("agree payment plan", "payment_plan", plan.id, after={
        "customer_id": preview.customer_id, "agreed_on": preview.agreed_on,
        "currency": preview.currency, "total_minor": preview.total_minor,
        "items": [i.label for i in preview.items], "freeze_charges": preview.freeze_charges,
        "grace_days": preview.grace_days, "replaces": replaces,
        "stage_reached": preview.stage_reached_name,
        "instalments": [[i.due_date, i.amount_minor, i.is_deposit]
                        for i in preview.instalments]})
    return int(plan.id)


def _covered(draft: PlanDraft, customer: Customer, currency: str,
             replacing: int | None) -> list[PlanItemRow]:
    """The invoices and charges the plan covers, each checked, oldest due first."""
    invoice_ids, charge_ids = list(dict.fromkeys(draft.invoice_ids)), \
        list(dict.fromkeys(draft.charge_ids))
    if not invoice_ids and not charge_ids:
        invoice_ids = [i for (i,) in Invoice.select(Invoice.id).where(
            (Invoice.customer == customer.id) & (Invoice.currency == currency)
            & (Invoice.status == InvoiceStatus.OPEN) & (Invoice.open_minor > 0)
            & (Invoice.due_date < draft.agreed_on)).order_by(Invoice.due_date).tuples()]
        if not invoice_ids:
            raise LedgerError("items", f"{customer.name} has no overdue invoices in "
                                       f"{currency} to put in a plan.")
    items = [_invoice_item(invoice_id, customer, currency) for invoice_id in invoice_ids]
    items += [_charge_item(charge_id, customer, currency) for charge_id in charge_ids]
    _not_in_another_plan(items, replacing)
    return sorted(items, key=lambda i: (i.due_date or dt.date.max, i.label))


def _invoice_item(invoice_id: int, customer: Customer, currency: str) -> PlanItemRow:
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None or invoice.customer_id != customer.id:
        raise LedgerError("items", "An invoice chosen is not on this customer's account.")
    _may_be_planned(invoice, currency)
    return PlanItemRow(invoice.id, None, invoice.number, invoice.due_date, invoice.open_minor)


def _may_be_planned(invoice: Invoice, currency: str) -> None:
    number = invoice.number
    if invoice.status == InvoiceStatus.DISPUTED:
        raise LedgerError("items", f"Invoice {number} is in dispute: settle the dispute "
                                   f"before putting it in a plan.")
    if invoice.status == InvoiceStatus.WITH_AGENCY:
        raise LedgerError("items", f"Invoice {number} is with a collection agency: agree "
                                   f"any plan through the agency.")
    if invoice.status != InvoiceStatus.OPEN or invoice.open_minor <= 0:
        raise LedgerError("items", f"Invoice {number} is not open: nothing is left to pay "
                                   f"on it.")
    if invoice.currency != currency:
        raise LedgerError("items", f"Invoice {number} is in {invoice.currency} and the plan "
                                   f"is in {currency}: a plan is in one currency. Make a "
                                   f"plan for each.")


def _charge_item(charge_id: int, customer: Customer, currency: str) -> PlanItemRow:
    charge = Charge.get_or_none(Charge.id == charge_id)
    invoice = (Invoice.get_or_none(Invoice.id == charge.invoice_id)
               if charge is not None else None)
    if charge is None or invoice is None or invoice.customer_id != customer.id:
        raise LedgerError("items", "A charge chosen is not on this customer's account.")
    label = f"{str(charge.kind).capitalize()} on {invoice.number}"
    if charge.voided or charge.open_minor <= 0:
        raise LedgerError("items", f"{label} is not open: nothing is left to pay on it.")
    if invoice.status in (InvoiceStatus.DISPUTED, InvoiceStatus.WITH_AGENCY):
        _may_be_planned(invoice, currency)
    if charge.currency != currency:
        raise LedgerError("items", f"{label} is in {charge.currency} and the plan is in "
                                   f"{currency}: a plan is in one currency.")
    return PlanItemRow(None, charge.id, label, charge.charged_on, charge.open_minor)


def _not_in_another_plan(items: Sequence[PlanItemRow], replacing: int | None) -> None:
    invoice_ids = [i.invoice_id for i in items if i.invoice_id is not None]
    charge_ids = [i.charge_id for i in items if i.charge_id is not None]
    clash = (PaymentPlanItem.select(PaymentPlanItem.invoice, PaymentPlanItem.charge,
                                    PaymentPlan.agreed_on)
             .join(PaymentPlan)
             .where((PaymentPlan.status == PlanStatus.ACTIVE)
                    & (PaymentPlanItem.invoice.in_(invoice_ids)
                       | PaymentPlanItem.charge.in_(charge_ids))))
    if replacing is not None:
        clash = clash.where(PaymentPlan.id != replacing)
    found = clash.tuples().first()
    if found is None:
        return
    invoice_id, charge_id, agreed_on = found
    label = next(i.label for i in items if (invoice_id is not None and i.invoice_id == invoice_id)
                 or (charge_id is not None and i.charge_id == charge_id))
    raise LedgerError("items", f"{label} is already in the active payment plan agreed on "
                               f"{short_date(agreed_on)}. Renegotiate that plan instead.")


def _stage_reached(invoice_ids: Sequence[int]) -> FollowUpStage | None:
    """The furthest follow-up stage any of the invoices has reached (carried out or
    passed over) under a policy for invoices."""
    if not invoice_ids:
        return None
    return (FollowUpStage.select(FollowUpStage)
            .join(StageExecution, on=(StageExecution.stage == FollowUpStage.id))
            .switch(FollowUpStage).join(FollowUpPolicy)
            .where(StageExecution.invoice.in_(list(invoice_ids))
                   & (FollowUpPolicy.use == PolicyUse.INVOICES))
            .order_by(FollowUpStage.position.desc(), FollowUpStage.id.desc()).first())


def _active_plan(plan_id: int) -> PaymentPlan:
    plan = PaymentPlan.get_or_none(PaymentPlan.id == plan_id)
    if plan is None:
        raise LedgerError("plan", "That payment plan no longer exists.")
    if plan.status != PlanStatus.ACTIVE:
        raise LedgerError("plan", f"That payment plan is {_ENDED.get(plan.status, plan.status)}"
                                  f" already.")
    return plan


def _end(plan: PaymentPlan, status: PlanStatus, on: dt.date, reason: str) -> None:
    rules.check_date(on, "ended_on", "The day the plan ends")
    if on < plan.agreed_on:
        raise LedgerError("ended_on", f"The plan was agreed on {short_date(plan.agreed_on)}; "
                                      f"it cannot end before that.")
    PaymentPlan.update(status=status, ended_on=on, end_reason=reason).where(
        PaymentPlan.id == plan.id).execute()
    record_change(f"plan {_ENDED[status]}", "payment_plan", plan.id,
                  before={"status": plan.status},
                  after={"status": status, "ended_on": on, "end_reason": reason})


# --- how a plan stands ---------------------------------------------------------------

class InstalmentStanding(NamedTuple):
    """One instalment on a day: what of it is paid, when it was paid in full, its state.
    (A named tuple: the engine and Today make one for each instalment of every active
    plan, and a frozen dataclass took three times as long to make.)"""

    id: int
    position: int
    due_date: dt.date
    amount_minor: int
    is_deposit: bool
    paid_minor: int
    paid_on: dt.date | None  # the day it was paid in full, if it has been
    last_day: dt.date  # its date plus the plan's grace: the last day it is paid in time
    state: InstalmentState

    @property
    def left_minor(self) -> int:
        """What is still to pay on it."""
        return self.amount_minor - self.paid_minor


def instalment_states(instalments: Sequence[tuple[int, int, dt.date, int, bool]],
                      payments: Sequence[tuple[dt.date, int]], grace_days: int,
                      as_of: dt.date) -> tuple[InstalmentStanding, ...]:
    """Each instalment ((id, position, due date, amount, is deposit)) on ``as_of``, the
    ``payments`` ((day, amount), counted up to ``as_of``) applied in schedule order: each
    pays the first instalment not yet paid, and what it leaves over the next.

    Paid by its date: paid; paid after it (in its grace or later): paid late; before its
    date: upcoming; from its date to the end of its grace: due, or part-paid with some
    money on it; after its grace: missed."""
    received = sorted((day, amount) for day, amount in payments if day <= as_of)
    running, totals = 0, []
    for day, amount in received:
        running += amount
        totals.append((day, running))
    paid_in_all = running
    grace = dt.timedelta(days=grace_days)
    rows, before, reached = [], 0, 0  # totals[reached]: the first that may cover the next
    for instalment_id, position, due, amount, is_deposit in sorted(instalments,
                                                                   key=lambda i: i[1]):
        covered = before + amount
        paid = paid_towards(amount, before, paid_in_all)
        while reached < len(totals) and totals[reached][1] < covered:
            reached += 1
        paid_on = totals[reached][0] if reached < len(totals) else None
        last_day = due + grace
        rows.append(InstalmentStanding(instalment_id, position, due, amount, is_deposit, paid,
                                       paid_on, last_day,
                                       _state(due, last_day, paid, amount, paid_on, as_of)))
        before = covered
    return tuple(rows)


def paid_towards(amount: int, before: int, paid_in_all: int) -> int:
    """What is paid of an instalment of ``amount`` when the instalments before it in the
    schedule come to ``before`` and ``paid_in_all`` was paid on the plan: the money pays
    the instalments in schedule order, so it is paid in full once ``paid_in_all`` reaches
    ``before + amount``."""
    return min(max(paid_in_all - before, 0), amount)


def _state(due: dt.date, last_day: dt.date, paid: int, amount: int, paid_on: dt.date | None,
           as_of: dt.date) -> InstalmentState:
    if paid_on is not None:
        return InstalmentState.PAID if paid_on <= due else InstalmentState.PAID_LATE
    if as_of < due:
        return InstalmentState.UPCOMING
    if as_of <= last_day:
        return InstalmentState.PART_PAID if paid > 0 else InstalmentState.DUE
    return InstalmentState.MISSED


@dataclass(frozen=True)
class PlanStanding:
    """A plan and how it stands on a day, for lists, headers and the plan's own view."""

    plan_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    currency: str
    status: PlanStatus
    agreed_on: dt.date
    frequency: PlanFrequency
    grace_days: int
    freeze_charges: bool
    notes: str
    ended_on: dt.date | None
    end_reason: str
    replaces_id: int | None
    stage_reached_id: int | None
    as_of: dt.date
    invoice_ids: tuple[int, ...]
    charge_ids: tuple[int, ...]
    instalments: tuple[InstalmentStanding, ...]
    total_minor: int = field(init=False)
    paid_minor: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_minor", sum(i.amount_minor for i in self.instalments))
        object.__setattr__(self, "paid_minor", sum(i.paid_minor for i in self.instalments))

    @property
    def paid_count(self) -> int:
        """How many instalments are paid in full."""
        return sum(1 for i in self.instalments if i.paid_on is not None)

    @property
    def next_instalment(self) -> InstalmentStanding | None:
        """The first instalment not paid in full (None once all are)."""
        return next((i for i in self.instalments if i.paid_on is None), None)

    @property
    def missed(self) -> tuple[InstalmentStanding, ...]:
        """The instalments still unpaid after their grace."""
        return tuple(i for i in self.instalments if i.state == InstalmentState.MISSED)

    @property
    def summary(self) -> str:
        """The plan in a phrase: "on plan: 3 of 6 paid, next 250.00 GBP on 15 Jan 2027"."""
        if self.status != PlanStatus.ACTIVE:
            ended = _ENDED.get(self.status, str(self.status))
            when = f" on {short_date(self.ended_on)}" if self.ended_on else ""
            return f"plan {ended}{when}: {self.paid_count} of {len(self.instalments)} paid"
        head = f"on plan: {self.paid_count} of {len(self.instalments)} paid"
        if self.missed:
            first = self.missed[0]
            return (f"{head}, {format_money(first.left_minor, self.currency)} missed "
                    f"on {short_date(first.due_date)}")
        following = self.next_instalment
        if following is None:
            return f"{head}, all paid"
        return (f"{head}, next {format_money(following.left_minor, self.currency)} on "
                f"{short_date(following.due_date)}")


def plan_standing(plan_id: int, as_of: dt.date) -> PlanStanding:
    """The plan and each of its instalments as they stand on ``as_of``."""
    found = _standings(PaymentPlan.select().where(PaymentPlan.id == plan_id), as_of)
    if not found:
        raise LedgerError("plan", "That payment plan no longer exists.")
    return found[0]


def plan_standings(as_of: dt.date, *, customer_id: int | None = None,
                   active_only: bool = False) -> list[PlanStanding]:
    """Every plan agreed by ``as_of`` (a customer's, or the active ones only) as it
    stands that day: active ones first, then the most recently agreed."""
    query = PaymentPlan.select().where(PaymentPlan.agreed_on <= as_of)
    if customer_id is not None:
        query = query.where(PaymentPlan.customer == customer_id)
    if active_only:
        query = query.where(PaymentPlan.status == PlanStatus.ACTIVE)
    rows = _standings(query, as_of)
    return sorted(rows, key=lambda p: (p.status != PlanStatus.ACTIVE,
                                       -p.agreed_on.toordinal(), p.customer_name.casefold(),
                                       p.plan_id))


class EndedPlan(NamedTuple):
    """A plan that ended, as the lists that follow up on it need it."""

    plan_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    currency: str
    agreed_on: dt.date
    ended_on: dt.date
    end_reason: str


def plans_ended(status: PlanStatus, since: dt.date, until: dt.date) -> list[EndedPlan]:
    """The plans that ended as ``status`` (completed, defaulted…) from ``since`` to
    ``until``, both days included."""
    query = (PaymentPlan.select(PaymentPlan.id, PaymentPlan.customer, Customer.code,
                                Customer.name, PaymentPlan.currency, PaymentPlan.agreed_on,
                                PaymentPlan.ended_on, PaymentPlan.end_reason)
             .join(Customer)
             .where((PaymentPlan.status == status)
                    & PaymentPlan.ended_on.between(since, until)))
    return [EndedPlan(plan_id, customer_id, code, name, currency, _day(agreed), _day(ended),
                      reason)
            for plan_id, customer_id, code, name, currency, agreed, ended, reason in _raw(query)]


class _PlanRow(NamedTuple):
    """A plan's row as its standing needs it, read without peewee's models."""

    id: int
    customer_id: int
    code: str
    name: str
    currency: str
    status: PlanStatus
    agreed_on: dt.date
    frequency: PlanFrequency
    grace_days: int
    freeze_charges: bool
    notes: str
    ended_on: dt.date | None
    end_reason: str
    replaces_id: int | None
    stage_reached_id: int | None


def _standings(plans: pw.ModelSelect, as_of: dt.date) -> list[PlanStanding]:
    """The plans of ``plans`` as they stand: a few queries whatever their number.

    Raw rows: the follow-up engine and Today read every active plan, and converting
    their instalments' and payments' fields through peewee took most of the time; the
    dates are turned into dates here, once."""
    chosen = [_PlanRow(plan_id, customer_id, code, name, currency, PlanStatus(status),
                       _day(agreed_on), PlanFrequency(frequency), grace_days,
                       bool(freeze_charges), notes, _day(ended_on) if ended_on else None,
                       end_reason, replaces_id, stage_reached_id)
              for (plan_id, customer_id, code, name, currency, status, agreed_on, frequency,
                   grace_days, freeze_charges, notes, ended_on, end_reason, replaces_id,
                   stage_reached_id) in _raw(plans.select(
                       PaymentPlan.id, PaymentPlan.customer, Customer.code, Customer.name,
                       PaymentPlan.currency, PaymentPlan.status, PaymentPlan.agreed_on,
                       PaymentPlan.frequency, PaymentPlan.grace_days,
                       PaymentPlan.freeze_charges, PaymentPlan.notes, PaymentPlan.ended_on,
                       PaymentPlan.end_reason, PaymentPlan.replaces,
                       PaymentPlan.stage_reached).join(Customer))]
    if not chosen:
        return []
    ids = plans.select(PaymentPlan.id)
    instalments: dict[int, list[tuple[int, int, dt.date, int, bool]]] = defaultdict(list)
    for instalment_id, plan_id, position, due, amount, is_deposit in _raw(Instalment.select(
            Instalment.id, Instalment.plan, Instalment.position, Instalment.due_date,
            Instalment.amount_minor, Instalment.is_deposit).where(Instalment.plan.in_(ids))):
        instalments[plan_id].append((instalment_id, position, _day(due), amount,
                                     bool(is_deposit)))
    invoices: dict[int, list[int]] = defaultdict(list)
    charges: dict[int, list[int]] = defaultdict(list)
    for plan_id, invoice_id, charge_id in _raw(PaymentPlanItem.select(
            PaymentPlanItem.plan, PaymentPlanItem.invoice, PaymentPlanItem.charge)
            .where(PaymentPlanItem.plan.in_(ids))):
        (invoices[plan_id] if invoice_id is not None else charges[plan_id]).append(
            invoice_id if invoice_id is not None else charge_id)
    money: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    # One join per kind of item, each through its index (an OR would scan allocations).
    for target, link in ((Allocation.invoice, PaymentPlanItem.invoice),
                         (Allocation.charge, PaymentPlanItem.charge)):
        paid = (PaymentPlanItem.select(PaymentPlanItem.plan, Allocation.allocated_on,
                                       Allocation.amount_minor)
                .join(Allocation, on=(target == link))
                .where(PaymentPlanItem.plan.in_(ids) & ~Allocation.voided))
        for plan_id, day, amount in _raw(paid):
            money[plan_id].append((_day(day), amount))
    return [_standing(plan, as_of, instalments[plan.id], money[plan.id],
                      invoices[plan.id], charges[plan.id]) for plan in chosen]


def _raw(query: pw.Query) -> list[tuple[Any, ...]]:
    return list(database.execute_sql(*query.sql()))


@lru_cache(maxsize=4096)  # the plans' few hundred days, each parsed once
def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _standing(plan: _PlanRow, as_of: dt.date,
              instalments: list[tuple[int, int, dt.date, int, bool]],
              money: list[tuple[dt.date, int]], invoice_ids: list[int],
              charge_ids: list[int]) -> PlanStanding:
    # Money counts from the day the plan was agreed (a deposit paid that day too) until
    # it ended; what was paid before went into the amount it was agreed for.
    until = min(as_of, plan.ended_on) if plan.ended_on is not None else as_of
    counted = [(day, amount) for day, amount in money if plan.agreed_on <= day <= until]
    return PlanStanding(
        plan_id=plan.id, customer_id=plan.customer_id, customer_code=plan.code,
        customer_name=plan.name, currency=plan.currency, status=plan.status,
        agreed_on=plan.agreed_on, frequency=plan.frequency, grace_days=plan.grace_days,
        freeze_charges=plan.freeze_charges, notes=plan.notes, ended_on=plan.ended_on,
        end_reason=plan.end_reason, replaces_id=plan.replaces_id,
        stage_reached_id=plan.stage_reached_id, as_of=as_of,
        invoice_ids=tuple(sorted(invoice_ids)), charge_ids=tuple(sorted(charge_ids)),
        instalments=instalment_states(instalments, counted, plan.grace_days, until))


# --- what is left to pay on the active plans ------------------------------------------

class InstalmentLeft(NamedTuple):
    """An instalment of an active plan not yet paid in full, and what is left on it."""

    id: int
    position: int
    due_date: dt.date
    left_minor: int
    last_day: dt.date  # its date plus the plan's grace: the last day it is paid in time


class PlanAhead(NamedTuple):
    """An active plan as the follow-up engine and Today read it: whose it is, how many
    instalments it has, and those not yet paid in full that fall due by the day it was
    read up to, in schedule order."""

    plan_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    currency: str
    agreed_on: dt.date
    instalment_count: int
    unpaid: tuple[InstalmentLeft, ...]

    @property
    def next_instalment(self) -> InstalmentLeft | None:
        """The first instalment not paid in full, if it falls due by the day read up to
        (the instalments' dates strictly increase: ``plan_problems``)."""
        return self.unpaid[0] if self.unpaid else None


def plans_ahead(as_of: dt.date, until: dt.date, *,
                customer_id: int | None = None) -> list[PlanAhead]:
    """The active plans agreed by ``as_of`` (a customer's) with an instalment not paid in
    full that day falling due by ``until``, with those instalments; in the order of
    :func:`plan_standings`.

    What a standing would say of those instalments, for less: the same money counts and
    pays them the same way (:func:`paid_towards`), but the store adds it up and reads only
    the instalments up to ``until``, each with what the ones before it come to. The engine
    and Today read every active plan, and need neither the day an instalment was paid nor
    the instalments further ahead."""
    before = Instalment.alias()
    counted = Instalment.alias()
    query = (Instalment.select(
                Instalment.plan, PaymentPlan.customer, Customer.code, Customer.name,
                PaymentPlan.currency, PaymentPlan.agreed_on, PaymentPlan.grace_days,
                counted.select(pw.fn.COUNT(counted.id)).where(counted.plan == Instalment.plan),
                Instalment.id, Instalment.position, Instalment.due_date,
                Instalment.amount_minor,
                before.select(pw.fn.COALESCE(money_sum(before.amount_minor), 0)).where(
                    (before.plan == Instalment.plan) & (before.position < Instalment.position)))
             .join(PaymentPlan).join(Customer)
             .where((PaymentPlan.status == PlanStatus.ACTIVE) & (PaymentPlan.agreed_on <= as_of)
                    & (Instalment.due_date <= until))
             .order_by(Instalment.plan, Instalment.position))
    if customer_id is not None:
        query = query.where(PaymentPlan.customer == customer_id)
    rows = _raw(query)
    if not rows:
        return []
    paid = _paid_in_all(as_of, customer_id)
    found = []
    for plan_id, read in groupby(rows, key=itemgetter(0)):
        instalments = list(read)
        _, owner, code, name, currency, agreed_on, grace_days, count = instalments[0][:8]
        unpaid = []
        for instalment_id, position, due, amount, before_it in (r[8:] for r in instalments):
            left = amount - paid_towards(amount, before_it, paid.get(plan_id, 0))
            if left:
                day = _day(due)
                unpaid.append(InstalmentLeft(instalment_id, position, day, left,
                                             day + dt.timedelta(days=grace_days)))
        if unpaid:
            found.append(PlanAhead(plan_id, owner, code, name, currency, _day(agreed_on), count,
                                   tuple(unpaid)))
    return sorted(found, key=lambda p: (-p.agreed_on.toordinal(), p.customer_name.casefold(),
                                        p.plan_id))


def _paid_in_all(as_of: dt.date, customer_id: int | None) -> dict[int, int]:
    """What was paid on each active plan (a customer's) that counts for its instalments by
    ``as_of``: from the day it was agreed (a deposit paid that day too) until it ended, as
    :func:`_standing` counts it. Stored days compare as text (ISO dates)."""
    paid: dict[int, int] = defaultdict(int)
    # One join per kind of item, each through its index (an OR would scan allocations).
    for target, link in ((Allocation.invoice, PaymentPlanItem.invoice),
                         (Allocation.charge, PaymentPlanItem.charge)):
        query = (PaymentPlanItem.select(PaymentPlanItem.plan, money_sum(Allocation.amount_minor))
                 .join(PaymentPlan)
                 .switch(PaymentPlanItem)
                 .join(Allocation, on=(target == link))
                 .where((PaymentPlan.status == PlanStatus.ACTIVE) & ~Allocation.voided
                        & (Allocation.allocated_on >= PaymentPlan.agreed_on)
                        & (Allocation.allocated_on <= as_of)
                        & (PaymentPlan.ended_on.is_null()
                           | (Allocation.allocated_on <= PaymentPlan.ended_on)))
                 .group_by(PaymentPlanItem.plan))
        if customer_id is not None:
            query = query.where(PaymentPlan.customer == customer_id)
        for plan_id, amount in _raw(query):
            paid[plan_id] += amount
    return paid


# --- completed and broken plans -------------------------------------------------------

def settle_plans(as_of: dt.date | None = None, *, customer_id: int | None = None,
                 standings: Sequence[PlanStanding] | None = None) -> tuple[int, ...]:
    """Close the active plans whose last instalment is paid by ``as_of`` (None: by all the
    money recorded) as completed, on the day it was paid; returns their ids. The one
    home of completion: the ledger runs it as money is allocated (``record_payment``,
    ``allocate_credit``), and it is safe to run again at any time (a nightly job, after
    an import). ``standings``: the active plans as they stand on ``as_of``, when the
    caller has read them already."""
    as_of = as_of or rules.LAST_DAY
    with writing():
        done = []
        if standings is None:
            standings = plan_standings(as_of, customer_id=customer_id, active_only=True)
        for standing in standings:
            if standing.instalments and standing.next_instalment is None:
                paid_on = max(i.paid_on for i in standing.instalments if i.paid_on)
                plan = PaymentPlan.get_by_id(standing.plan_id)
                _end(plan, PlanStatus.COMPLETED, max(paid_on, plan.agreed_on),
                     "All instalments paid.")
                done.append(standing.plan_id)
    return tuple(done)


def reopen_plans(invoice_ids: Iterable[int], reason: str, *,
                 charge_ids: Iterable[int] = ()) -> tuple[int, ...]:
    """Put back to active the completed plans on these invoices (or charges) that are no
    longer paid in full: money they counted was taken back (a payment or credit note
    voided, an import undone). Their instalments stand again as the money left pays
    them; each is audited with ``reason``. A plan the money since pays is closed again
    (:func:`settle_plans`). Returns the plans reopened; call inside the caller's
    transaction, after the money is taken back."""
    invoices, charges = sorted(set(invoice_ids)), sorted(set(charge_ids))
    if not invoices and not charges:
        return ()
    covering = PaymentPlanItem.select(PaymentPlanItem.plan).where(
        PaymentPlanItem.invoice.in_(invoices) | PaymentPlanItem.charge.in_(charges))
    completed = PaymentPlan.select().where((PaymentPlan.status == PlanStatus.COMPLETED)
                                           & PaymentPlan.id.in_(covering))
    reopened = []
    with writing():
        for standing in _standings(completed, rules.LAST_DAY):
            if standing.next_instalment is None:
                continue  # what is left still pays every instalment
            plan = PaymentPlan.get_by_id(standing.plan_id)
            PaymentPlan.update(status=PlanStatus.ACTIVE, ended_on=None, end_reason="").where(
                PaymentPlan.id == plan.id).execute()
            record_change("plan reopened", "payment_plan", plan.id,
                          before={"status": plan.status, "ended_on": plan.ended_on,
                                  "end_reason": plan.end_reason},
                          after={"status": PlanStatus.ACTIVE, "reason": reason})
            reopened.append(plan.id)
        for customer_id in sorted({PaymentPlan.get_by_id(p).customer_id for p in reopened}):
            settle_plans(customer_id=customer_id)
    return tuple(reopened)


def plans_to_default(as_of: dt.date, *,
                     standings: Sequence[PlanStanding] | None = None) -> list[PlanStanding]:
    """The active plans to be defaulted on ``as_of``: an instalment still unpaid after its
    grace, and the customer has had that instalment's reminder for a missed instalment
    (carried out, or passed over by the user, on a day before ``as_of``), or could not
    have it: the plans policy has no stage after an instalment's date. The one home of
    when a plan breaks. ``standings``: the active plans as they stand on ``as_of``, when
    the caller has read them already."""
    if standings is None:
        standings = plan_standings(as_of, active_only=True)
    missed = [p for p in standings if p.missed]
    if not missed:
        return []
    reminded = _missed_reminders(as_of)
    if reminded is None:
        return missed
    return [p for p in missed if any(i.id in reminded for i in p.missed)]


def _missed_reminders(as_of: dt.date) -> set[int] | None:
    """The instalments of active plans reminded as missed before ``as_of``, by id; None
    when the plans policy has no stage for a missed instalment (nothing to wait for)."""
    stages = (FollowUpStage.select(FollowUpStage.id).join(FollowUpPolicy)
              .where((FollowUpPolicy.use == PolicyUse.PLANS) & (FollowUpStage.offset_days > 0)))
    if not stages.exists():
        return None
    since = dt.datetime.combine(as_of, dt.time.min)
    query = (Interaction.select(Interaction.instalment)
             .join(PaymentPlan, on=(Interaction.plan == PaymentPlan.id))
             .where((PaymentPlan.status == PlanStatus.ACTIVE)
                    & Interaction.instalment.is_null(False)
                    & Interaction.stage.in_(stages) & (Interaction.occurred_at < since)))
    return {instalment_id for (instalment_id,) in query.tuples()}


@dataclass(frozen=True)
class ResumedChase:
    """Where follow-up starts again on a broken or cancelled plan's invoices."""

    stage_id: int
    stage_name: str
    due_on: dt.date
    invoice_ids: tuple[int, ...]


def default_plan(plan_id: int, on: dt.date, reason: str = "") -> ResumedChase | None:
    """End an active plan as defaulted on ``on`` and chase its open invoices again: the
    stage after the one the account had reached when the plan was agreed falls due a
    short gap after ``on`` (see :data:`RESUME_AT_MOST_DAYS`), and interest and fees
    frozen while it was kept run again from ``on``. Returns where follow-up resumes
    (None when the policy has no stage after the one reached)."""
    reason = rules.check_text(reason, "reason", "the reason", rules.REASON_LIMIT)
    with writing():
        plan = _active_plan(plan_id)
        if not reason:
            missed = plan_standing(plan_id, on).missed
            reason = (f"Instalment {missed[0].position} of "
                      f"{format_money(missed[0].amount_minor, plan.currency)} due "
                      f"{short_date(missed[0].due_date)} not paid." if missed
                      else "Plan broken.")
        _end(plan, PlanStatus.DEFAULTED, on, reason)
        return _resume_chasing(plan, on)


def _resume_chasing(plan: PaymentPlan, on: dt.date) -> ResumedChase | None:
    resumed = resume_point(plan.id, on)
    if resumed is not None:
        start_chasing(resumed.invoice_ids, resumed.stage_id, resumed.due_on)
    return resumed


def resume_point(plan_id: int, on: dt.date) -> ResumedChase | None:
    """Where follow-up starts again on the plan's open invoices when it ends on ``on``
    (broken or called off): the stage after the one the account had reached when the
    plan was agreed, due a short gap after ``on``; None when there is none. Read
    without writing, e.g. to say so in Today after a plan was defaulted."""
    plan = PaymentPlan.get_by_id(plan_id)
    customer = Customer.get_by_id(plan.customer_id)
    stages = stages_by_policy().get(customer.followup_policy_id or default_policy_id() or 0,
                                    [])
    reached = (FollowUpStage.get_by_id(plan.stage_reached_id)
               if plan.stage_reached_id is not None else None)
    position = reached.position if reached is not None else 0
    # Nothing reached yet: the first reminder after the due date, not a courtesy note.
    following = [s for s in stages if s.position > position
                 and (reached is not None or s.offset_days > 0)]
    invoice_ids = tuple(i for (i,) in Invoice.select(Invoice.id).join(
        PaymentPlanItem, on=(PaymentPlanItem.invoice == Invoice.id))
        .where((PaymentPlanItem.plan == plan.id) & (Invoice.status == InvoiceStatus.OPEN)
               & (Invoice.open_minor > 0)).tuples())
    if not following or not invoice_ids:
        return None
    stage = following[0]
    before = next((s for s in reversed(stages) if s.position <= position), None)
    gap = stage.offset_days - (before.offset_days if before is not None else 0)
    due_on = on + dt.timedelta(days=min(max(gap, 0), RESUME_AT_MOST_DAYS))
    return ResumedChase(stage.id, stage.name, due_on, invoice_ids)


# --- check ---------------------------------------------------------------------------------

def plan_problems() -> list[str]:
    """What is wrong with the plans kept (for ``check``): instalments numbered 1 to n in
    date order, above zero, a deposit only first; items of the plan's customer and
    currency; at most one active plan on an invoice; a renegotiated plan's successor; a
    completed plan's instalments all paid."""
    problems: list[str] = []
    names = dict(PaymentPlan.select(PaymentPlan.id, Customer.name).join(Customer).tuples())
    schedules: dict[int, list[Instalment]] = defaultdict(list)
    for row in Instalment.select().order_by(Instalment.plan, Instalment.position):
        schedules[row.plan_id].append(row)
    for plan_id, name in names.items():
        problems += [f"{name}'s payment plan #{plan_id} {problem}"
                     for problem in _schedule_problems(schedules.get(plan_id, []))]
    problems += _item_problems(names)
    successor = PaymentPlan.alias("successor")
    replaced = (PaymentPlan.select(PaymentPlan.id)
                .where((PaymentPlan.status == PlanStatus.REPLACED)
                       & ~pw.fn.EXISTS(successor.select(successor.id).where(
                           successor.replaces == PaymentPlan.id))))
    problems += [f"{names[plan_id]}'s payment plan #{plan_id} is marked renegotiated but no "
                 f"plan replaces it" for (plan_id,) in replaced.tuples()]
    completed = PaymentPlan.select().where(PaymentPlan.status == PlanStatus.COMPLETED)
    problems += [f"{names[p.plan_id]}'s payment plan #{p.plan_id} is marked completed but "
                 f"instalment {p.next_instalment.position} is not paid"
                 for p in _standings(completed, rules.LAST_DAY)
                 if p.next_instalment is not None]
    return problems


def _schedule_problems(rows: Sequence[Instalment]) -> list[str]:
    if not rows:
        return ["has no instalments"]
    found = []
    if [r.position for r in rows] != list(range(1, len(rows) + 1)):
        found.append("has its instalments numbered "
                     + ", ".join(str(r.position) for r in rows) + ", not 1 to "
                     + str(len(rows)))
    if any(r.amount_minor <= 0 for r in rows):
        found.append("has an instalment of nothing")
    if any(r.is_deposit for r in rows[1:]):
        found.append("has a deposit that is not its first instalment")
    if any(later.due_date <= earlier.due_date for earlier, later in pairwise(rows)):
        found.append("has instalments out of date order")
    return found


def _item_problems(names: dict[int, str]) -> list[str]:
    found = []
    charged = Invoice.alias("charged")
    rows = (PaymentPlanItem.select(PaymentPlanItem.plan, PaymentPlan.customer,
                                   PaymentPlan.currency, Invoice.number, Invoice.customer,
                                   Invoice.currency, charged.number, charged.customer,
                                   Charge.currency)
            .join(PaymentPlan)
            .switch(PaymentPlanItem).join(Invoice, pw.JOIN.LEFT_OUTER)
            .switch(PaymentPlanItem).join(Charge, pw.JOIN.LEFT_OUTER)
            .join(charged, pw.JOIN.LEFT_OUTER, on=(Charge.invoice == charged.id))
            .tuples())
    for (plan_id, customer, currency, number, owner, kept_in, charge_of, charge_owner,
         charge_in) in rows:
        label = f"invoice {number}" if number is not None else f"a charge on {charge_of}"
        if (owner if number is not None else charge_owner) != customer:
            found.append(f"{names[plan_id]}'s payment plan #{plan_id} covers {label} of "
                         f"another customer")
        elif (kept_in if number is not None else charge_in) != currency:
            found.append(f"{names[plan_id]}'s payment plan #{plan_id} in {currency} covers "
                         f"{label} in another currency")
    twice = (PaymentPlanItem.select(Invoice.number)
             .join(PaymentPlan).switch(PaymentPlanItem).join(Invoice)
             .where(PaymentPlan.status == PlanStatus.ACTIVE)
             .group_by(Invoice.id, Invoice.number)
             .having(pw.fn.COUNT(PaymentPlanItem.plan.distinct()) > 1).tuples())
    found += [f"invoice {number} is in more than one active payment plan"
              for (number,) in twice]
    return found
