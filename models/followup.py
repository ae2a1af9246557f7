"""The follow-up engine: which stage of its policy each account has reached, and
what is due to be sent, written or phoned on a given day.

State-based: for every open invoice the engine compares the highest stage its
policy has reached by the as-of date with the highest stage already executed
(or skipped) for it. A stage missed while Duly was closed is caught up (only
the highest one due: nobody gets three reminders in one morning), and a stage
once executed never comes back. A customer's invoices in one currency make
one communication at the highest stage any of them has reached.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import peewee as pw

from models.allocations import hold_accounts
from models.audit import Entry, entries_for, record_change
from models.collector import collector_held
from models.contacts import CHASING, latest_contact, promised_since, refresh_contact_summary
from models.dates import short_date, stored_day
from models.db import insert_row, insert_rows, one_of, writing
from models.disputed import chased_part, claims
from models.errors import AlreadyCarriedOut, LedgerError
from models.kinds import (
    OWED_STATUSES,
    Channel,
    ContactKind,
    ContactPurpose,
    Direction,
    InvoiceStatus,
    OfferStatus,
    PlanStatus,
    PromiseStatus,
)
from models.mail import valid_address
from models.money import format_money
from models.plan_followup import InstalmentDue, instalments_due
from models.plans import plan_reference
from models.policy_stages import DEFAULT_POLICY_NAME as DEFAULT_POLICY_NAME
from models.policy_stages import DEFAULT_POLICY_SETTING as DEFAULT_POLICY_SETTING
from models.policy_stages import Stage, default_policy_id, plans_policy_id, stages_by_policy
from models.policy_stages import start_chasing as start_chasing  # the engine's, as before
from models.schema import (
    ContactPerson,
    CreditNote,
    Customer,
    FollowUpPolicy,
    FollowUpStage,
    Interaction,
    InteractionInvoice,
    Invoice,
    Offer,
    OfferInvoice,
    Payment,
    PaymentPlan,
    PaymentPlanItem,
    Promise,
    PromiseInvoice,
    StageExecution,
    database,
)

if TYPE_CHECKING:
    from models.reference_rates import MissingRate

NO_EMAIL_ADDRESS = "No e-mail address: print a letter instead."
# A contact recorded for a stage, written by the hundred in a batch of letters.
_CONTACT_FIELDS = ("customer", "kind", "direction", "occurred_at", "with_whom", "summary",
                   "subject", "body", "outcome", "stage", "created_at", "template_name")


class ActionInvoice(NamedTuple):
    """An invoice a due action is about, and the stage it has reached (a named tuple: a
    plan makes 10,700 of them on a big book, and a frozen dataclass cost three times as
    much to make)."""

    id: int
    number: str
    due_date: dt.date
    open_minor: int
    days_overdue: int  # negative before the due date
    stage_id: int


@dataclass(frozen=True)
class ActionInstalment:
    """The instalment of a payment plan an action reminds the customer of (an action of
    the plans policy, whose stages fall due by each instalment's date)."""

    plan_id: int
    instalment_id: int
    position: int  # its number in the plan's schedule
    count: int  # how many instalments the plan has
    due_date: dt.date
    left_minor: int  # what is still to pay on it

    @property
    def words(self) -> str:
        """The instalment in words, as the user reads it: "instalment 3 of 6 of plan
        PP-000012, due 15 Jan 2027"."""
        return (f"instalment {self.position} of {self.count} of plan "
                f"{plan_reference(self.plan_id)}, due {short_date(self.due_date)}")


class DueAction(NamedTuple):
    """One communication due to one customer in one currency: about their invoices, or
    (``instalment`` set, no invoices) about an instalment of a payment plan (a named
    tuple: a plan makes thousands of them on a big book)."""

    customer_id: int
    customer_code: str
    customer_name: str
    currency: str
    policy_name: str
    stage: Stage
    invoices: tuple[ActionInvoice, ...]  # oldest due first
    total_minor: int
    warnings: tuple[str, ...]  # e.g. unallocated credit to allocate before sending
    # An e-mail stage to a customer with no usable address: a printed letter goes instead.
    no_email_address: bool = False
    instalment: ActionInstalment | None = None

    @property
    def key(self) -> tuple[int, str]:
        """What names the action: the customer and the currency."""
        return (self.customer_id, self.currency)

    @property
    def plan_id(self) -> int | None:
        """The payment plan whose instalment the action is about (None: invoices)."""
        return self.instalment.plan_id if self.instalment is not None else None


@dataclass(frozen=True)
class SkippedAccount:
    """An account with a stage due that the engine will not chase, and why."""

    customer_id: int
    customer_code: str
    customer_name: str
    currency: str
    stage_name: str
    reasons: tuple[str, ...]
    plan_id: int | None = None  # a payment plan's instalment reminder held back


@dataclass(frozen=True)
class FollowUpPlan:
    """Everything due on a day, and what was held back with its reasons."""

    due: tuple[DueAction, ...]
    skipped: tuple[SkippedAccount, ...]


def goes_by_letter(action: DueAction) -> bool:
    """Whether the action is printed: a letter stage, or an e-mail stage to a customer
    with no usable e-mail address (who gets a letter instead)."""
    return action.stage.channel == Channel.LETTER or action.no_email_address


def goes_by_email(action: DueAction) -> bool:
    """Whether the action is e-mailed: an e-mail stage to a customer with an address."""
    return action.stage.channel == Channel.EMAIL and not action.no_email_address


def letters_due(as_of: dt.date) -> list[DueAction]:
    """The actions due on ``as_of`` that are printed as letters: what Print Due Letters
    announces and what it prints."""
    return [action for action in follow_up_plan(as_of, held_back=False).due
            if goes_by_letter(action)]


def follow_up_plan(as_of: dt.date, *, customer_id: int | None = None,
                   held_back: bool = True) -> FollowUpPlan:
    """The actions due on ``as_of`` (most overdue first) and the accounts held back: the
    stages due on invoices, and the reminders due on the instalments of payment plans
    (``models.plan_followup``). Without ``held_back`` the accounts held back are decided
    as always but not told (``skipped`` is empty): for a reader of the actions alone."""
    stages = stages_by_policy()
    plans_policy = plans_policy_id()
    chased = {pid: policy for pid, policy in stages.items() if pid != plans_policy}
    with collector_held():  # 16,000 invoices' rows on a big book, none referring back
        due, skipped = _invoice_actions(as_of, chased, customer_id, held_back)
    if plans_policy in stages:
        names = dict(FollowUpPolicy.select(FollowUpPolicy.id, FollowUpPolicy.name).where(
            FollowUpPolicy.id == plans_policy).tuples())
        for found in instalments_due(as_of, stages[plans_policy], customer_id):
            if found.held:
                if held_back:
                    skipped.append(_held_instalment(found))
            else:
                due.append(_instalment_action(found, names.get(plans_policy or 0, "")))
    due = _letters_instead(due)
    due.sort(key=lambda a: (-_days_late(a, as_of), a.customer_name.casefold(), a.currency,
                            a.instalment.plan_id if a.instalment is not None else 0))
    skipped.sort(key=lambda s: (s.customer_name.casefold(), s.currency, s.plan_id or 0))
    return FollowUpPlan(tuple(due), tuple(skipped))


def _instalment_action(found: InstalmentDue, policy_name: str) -> DueAction:
    """The reminder of a plan's instalment: about no invoice, for what is left on it."""
    plan, instalment = found.plan, found.instalment
    return DueAction(plan.customer_id, plan.customer_code, plan.customer_name, plan.currency,
                     policy_name, found.stage, (), instalment.left_minor, (),
                     instalment=ActionInstalment(plan.plan_id, instalment.id,
                                                 instalment.position, plan.instalment_count,
                                                 instalment.due_date, instalment.left_minor))


def _held_instalment(found: InstalmentDue) -> SkippedAccount:
    plan = found.plan
    return SkippedAccount(plan.customer_id, plan.customer_code, plan.customer_name,
                          plan.currency, found.stage.name, (found.held,), plan_id=plan.plan_id)


def _days_late(action: DueAction, as_of: dt.date) -> int:
    if action.instalment is not None:
        return (as_of - action.instalment.due_date).days
    return action.invoices[0].days_overdue  # the oldest due first: the most overdue


def _invoice_actions(as_of: dt.date, stages: dict[int, list[Stage]], customer_id: int | None,
                     held_back: bool) -> tuple[list[DueAction], list[SkippedAccount]]:
    """The stages due on invoices, and the accounts held back (when ``held_back``)."""
    if not stages:
        return [], []
    accounts = _accounts_with_stages_due(as_of, stages, customer_id)
    if not accounts:
        return [], []
    decider = _Decider(as_of, stages, customer_id, _customers_of(accounts), held_back)
    outcomes = decider.settle([decider.decide(rows) for rows in accounts])
    return ([o for o in outcomes if isinstance(o, DueAction)],
            [o for o in outcomes if isinstance(o, SkippedAccount)])


@dataclass(frozen=True)
class FollowUpStatus:
    """Where one customer stands in follow-up: what is due, what is held back and why,
    and the next stage to come with its date."""

    policy_name: str
    due: tuple[DueAction, ...]
    held: tuple[SkippedAccount, ...]
    next_stage: str  # "" when nothing more is to come
    next_on: dt.date | None


def customer_follow_up(customer_id: int, as_of: dt.date) -> FollowUpStatus:
    """The customer's follow-up position on ``as_of`` (for the customer view)."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise LedgerError("customer", "That customer no longer exists.")
    policy_id = customer.followup_policy_id or default_policy_id()
    policy = FollowUpPolicy.get_or_none(FollowUpPolicy.id == policy_id)
    plan = follow_up_plan(as_of, customer_id=customer_id)
    stage, on = _next_stage(customer_id, policy_id, as_of)
    return FollowUpStatus(policy.name if policy is not None else "",
                          tuple(a for a in plan.due if a.instalment is None),
                          tuple(s for s in plan.skipped if s.plan_id is None), stage, on)


def _next_stage(customer_id: int, policy_id: int | None,
                as_of: dt.date) -> tuple[str, dt.date | None]:
    """The first stage still to come for any of the customer's open invoices."""
    stages = stages_by_policy().get(policy_id or 0, [])
    if not stages:
        return "", None
    query = (Invoice.select(Invoice.due_date, Invoice.chase_from, Invoice.stage_done)
             .where((Invoice.customer == customer_id) & (Invoice.open_minor > 0)
                    & (Invoice.status == InvoiceStatus.OPEN)))
    upcoming: list[tuple[dt.date, str]] = []
    for due, chase_from, done in query.tuples():
        for stage in stages:
            on = (chase_from or due) + dt.timedelta(days=stage.offset_days)
            if stage.position > done and on > as_of:
                upcoming.append((on, stage.name))
                break
    if not upcoming:
        return "", None
    on, name = min(upcoming)
    return name, on


def due_action(customer_id: int, currency: str, as_of: dt.date, *,
               plan_id: int | None = None) -> DueAction | None:
    """The action due to the customer in ``currency`` on ``as_of``, if any: on their
    invoices, or with ``plan_id`` on an instalment of that payment plan."""
    plan = follow_up_plan(as_of, customer_id=customer_id)
    return next((a for a in plan.due if a.currency == currency and a.plan_id == plan_id),
                None)


def execute_action(customer_id: int, currency: str, as_of: dt.date, *, stage_id: int,
                   subject: str = "", text: str = "", now: dt.datetime | None = None,
                   contact_id: int | None = None, plan_id: int | None = None,
                   printed: bool = False, template_name: str = "") -> int:
    """Record the action as done: the contact, the stage reached by each invoice and
    the stage's charges, in one transaction. Returns the contact's id. With
    ``contact_id``, a contact already logged (a call made for the reminder)
    carries out the stage instead of a new one; ``printed``: it went as a letter
    (:func:`on_paper`); ``template_name``: the template its text was written from
    (``models.action_letters.ActionDraft.template_name``; "" for none).

    ``stage_id`` is the stage the user reviewed; if the account has moved on
    since (a payment, a new invoice), the action is refused rather than sent
    at a stage nobody looked at.
    """
    with writing():
        action = current_action(customer_id, currency, as_of, stage_id, plan_id)
        return carry_out_action(on_paper(action) if printed else action, as_of,
                                subject=subject, text=text, now=now, contact_id=contact_id,
                                template_name=template_name)


def carry_out_action(action: DueAction, as_of: dt.date, *, subject: str = "", text: str = "",
                     now: dt.datetime | None = None, contact_id: int | None = None,
                     rate_missing: Callable[[MissingRate], None] | None = None,
                     refresh_summary: bool = True, template_name: str = "") -> int:
    """Record ``action`` as carried out, as :func:`execute_action` does, for an action
    read in the same transaction (the caller checks it is still due), its text written
    from the template ``template_name`` ("" for none: a call, the user's own words). With
    ``rate_missing``, a reference rate missing for the stage's interest is told to it
    and the rest of the stage is still carried out (see ``record_charges``). Without
    ``refresh_summary``, the caller brings the customer's contact summary up to date
    (``refresh_contact_summary``) in the same transaction, e.g. once for a batch."""
    now = now or dt.datetime.now()
    if action.instalment is not None:
        return _remind_of_instalment(action, subject=subject, text=text, now=now,
                                     contact_id=contact_id, refresh_summary=refresh_summary,
                                     template_name=template_name)
    customer_id, currency = action.customer_id, action.currency
    with writing():
        stage = action.stage
        if contact_id is None:
            contact = insert_row(Interaction, _CONTACT_FIELDS, (
                customer_id, Channel(stage.channel).contact_kind, "outgoing", now, "",
                _summary(action, subject, text), subject.strip(), text.strip(), "", stage.id,
                now, template_name.strip()))
            linked: set[int] = set()
        else:  # a contact the user logged for this reminder carries out the stage
            contact = Interaction.get_by_id(contact_id).id
            Interaction.update(stage=stage.id).where(Interaction.id == contact_id).execute()
            linked = {invoice_id for (invoice_id,) in InteractionInvoice.select(
                InteractionInvoice.invoice).where(InteractionInvoice.interaction == contact)
                .tuples()}
        insert_rows(InteractionInvoice, ("interaction", "invoice"),
                    [(contact, invoice.id) for invoice in action.invoices
                     if invoice.id not in linked])
        _reach(action.invoices, contact, as_of)
        charge_ids = _apply_charges(action, as_of, now, rate_missing)
        if refresh_summary:
            refresh_contact_summary([customer_id])
        record_change("follow-up stage", "interaction", contact, after={
            "stage": stage.name, "currency": currency, "charges": charge_ids,
            "invoices": [i.number for i in action.invoices]})
    return int(contact)


def _remind_of_instalment(action: DueAction, *, subject: str, text: str, now: dt.datetime,
                          contact_id: int | None, refresh_summary: bool,
                          template_name: str = "") -> int:
    """Record a payment plan's instalment reminder as carried out: a contact made for the
    plan, naming the plan, the instalment and the stage (the stage is reached per
    instalment, never per invoice: no stage execution, no charges)."""
    stage, due = action.stage, action.instalment
    assert due is not None
    fields = {"stage": stage.id, "purpose": ContactPurpose.PLAN, "plan": due.plan_id,
              "instalment": due.instalment_id}
    with writing():
        if contact_id is None:
            contact = int(Interaction.create(
                customer=action.customer_id, kind=Channel(stage.channel).contact_kind,
                direction=Direction.OUTGOING, occurred_at=now,
                summary=_summary(action, subject, text), subject=subject.strip(),
                body=text.strip(), created_at=now, template_name=template_name.strip(),
                **fields).id)
        else:  # a contact the user logged for this reminder carries it out
            contact = int(Interaction.get_by_id(contact_id).id)
            Interaction.update(**fields).where(Interaction.id == contact).execute()
        if refresh_summary:
            refresh_contact_summary([action.customer_id])
        record_change("plan reminder", "interaction", contact, after={
            "stage": stage.name, "plan_id": due.plan_id, "instalment": due.position,
            "due_date": due.due_date, "left_minor": due.left_minor})
    return contact


def restate_action_text(contact_id: int, action: DueAction, *, subject: str, text: str) -> None:
    """Replace the subject and text recorded with the contact that carried out ``action``,
    e.g. a letter written again once its stage's charges were recorded, so that the
    record says what was sent."""
    with writing():
        Interaction.update(summary=_summary(action, subject, text), subject=subject.strip(),
                           body=text.strip()).where(Interaction.id == contact_id).execute()


@dataclass(frozen=True)
class RecordedStage:
    """A contact that carried out a follow-up stage, as it was recorded."""

    contact_id: int
    contact_kind: ContactKind
    customer_id: int
    customer_code: str
    invoice_ids: tuple[int, ...]
    day: dt.date  # the day the stage was carried out for
    subject: str
    text: str
    stage_name: str
    stage_channel: str
    tone: str


def recorded_stage(contact_id: int) -> RecordedStage:
    """What a contact that carried out a stage recorded: its invoices, the day the
    stage was for, and the subject and text sent (to print a letter again)."""
    contact = Interaction.get_or_none(Interaction.id == contact_id)
    stage = (FollowUpStage.get_or_none(FollowUpStage.id == contact.stage_id)
             if contact is not None and contact.stage_id is not None else None)
    if contact is None or stage is None:
        raise LedgerError("contact", "That contact was logged by hand, not sent by a "
                                     "follow-up stage, so Duly has no copy of it to print.")
    invoice_ids = tuple(invoice_id for (invoice_id,) in InteractionInvoice.select(
        InteractionInvoice.invoice).where(InteractionInvoice.interaction == contact.id)
        .order_by(InteractionInvoice.id).tuples())
    # The stage's record keeps the day it was carried out for; the contact's own
    # time is when it was recorded (a batch printed next morning for the day before).
    executed = (StageExecution.select(StageExecution.executed_on)
                .where(StageExecution.interaction == contact.id).first())
    return RecordedStage(
        contact_id=contact.id, contact_kind=contact.kind, customer_id=contact.customer_id,
        customer_code=contact.customer.code, invoice_ids=invoice_ids,
        day=executed.executed_on if executed is not None else contact.occurred_at.date(),
        subject=contact.subject, text=contact.body, stage_name=stage.name,
        stage_channel=stage.channel,
        tone=stage.tone)


def skip_action(customer_id: int, currency: str, as_of: dt.date, *, stage_id: int,
                reason: str, plan_id: int | None = None) -> None:
    """Pass over the action's stage with the user's reason; it does not come back. An
    instalment's reminder passed over is noted on the timeline as the plan's."""
    if not reason.strip():
        raise LedgerError("reason", "Say why this reminder is not being sent.")
    with writing():
        action = current_action(customer_id, currency, as_of, stage_id, plan_id)
        if action.instalment is not None:
            note = f"{action.stage.name} not sent: {reason.strip()}"
            contact = insert_row(Interaction, _CONTACT_FIELDS, (
                customer_id, ContactKind.NOTE, Direction.OUTGOING, dt.datetime.now(), "",
                _summary(action, note, ""), "", "", "", stage_id, dt.datetime.now(), ""))
            _remind_of_instalment(action, subject="", text="", now=dt.datetime.now(),
                                  contact_id=int(contact), refresh_summary=True)
            return
        _reach(action.invoices, None, as_of, reason.strip())
        record_change("skip follow-up stage", "customer", customer_id, after={
            "stage": action.stage.name, "currency": currency, "reason": reason.strip(),
            "invoices": [i.number for i in action.invoices]})


# --- reading the accounts ----------------------------------------------------------

def _accounts_with_stages_due(as_of: dt.date, stages: dict[int, list[Stage]],
                              customer_id: int | None) -> list[list[tuple[Any, ...]]]:
    """Open invoices whose policy has a stage due beyond the last one done, by account.

    The store picks them: for each last stage done (kept on the invoice, store v31,
    ``models.stages_done``) and policy (kept on it too, v33, ``models.invoice_policy``),
    the open invoices' index hands over only those whose clock started early enough for
    the policy's next stage's day to have come (16,000 of 92,000 open invoices on the
    big store); each one's stage reached by ``as_of`` under its policy is worked out in
    the query, and only those beyond the last done come back; one customer's come from
    the open invoices by customer (a range of each part covers every customer). Each
    account is its rows as the store gives them (columns ``_ID`` to ``_POSITION``),
    oldest first; the accounts in the order of their customer and currency.
    """
    default = default_policy_id()
    # From its late start when it has one, which may come before its due day (a chase
    # started early at a later stage).
    start = pw.fn.COALESCE(Invoice.chase_from, Invoice.due_date)
    columns = (Invoice.id, Invoice.number, Invoice.due_date, Invoice.open_minor,
               Invoice.currency, Invoice.status, Invoice.customer,
               pw.fn.COALESCE(Invoice.followup_policy_id, default).alias("policy"),
               Invoice.stage_done, start.alias("start"))
    chased = (Invoice.open_minor > 0) & Invoice.status.in_(list(OWED_STATUSES))
    latest = _next_stage_days(as_of, stages)
    if customer_id is not None:  # one customer's, from the open invoices by customer
        parts = [Invoice.select(*columns).where(
            chased & (Invoice.customer == customer_id)
            & (start <= max((day for days in latest.values() for day in days.values()),
                            default=as_of)))]
    else:  # the index's own terms: for each position done and policy, its starts
        parts = [Invoice.select(*columns).where(
            chased & (Invoice.stage_done == done) & kept & (start <= latest_start))
            for policy_id, days in latest.items()
            for kept in _kept_policy(policy_id, default)
            for done, latest_start in days.items()]
    if not parts:
        return []
    found = parts[0]
    for part in parts[1:]:
        found = found + part  # UNION ALL
    # The stage reached worked out once over the parts' rows, not in each part: peewee
    # wrote out its cases for every part, at a tenth of the query's time.
    candidates = found.alias("candidates")
    names = [column.column_name if isinstance(column, pw.Field) else "policy"
             for column in columns[:_POSITION]]
    reached = _stage_reached(as_of, stages, candidates.c.policy, candidates.c.start)
    with_reached = pw.Select([candidates], [*(candidates.c[name] for name in names),
                                            reached.alias("reached"), candidates.c.stage_done]
                             ).alias("with_reached")
    query = (pw.Select([with_reached], [with_reached.c[name] for name in [*names, "reached"]])
             .where(with_reached.c.reached > with_reached.c.stage_done).bind(database))
    accounts: dict[tuple[int, str], list[tuple[Any, ...]]] = defaultdict(list)
    # Raw rows: converting the rows' fields through peewee took 4/5 of the time, and
    # making an object of each of the 16,000 a tenth of the plan's.
    for row in _rows(query):
        accounts[row[_CUSTOMER], row[_CURRENCY]].append(row)
    # Put in order here: sorting the parts' rows in the store took a third of the query.
    ordered = []
    for account in sorted(accounts):
        rows = accounts[account]
        if len(rows) > 1:  # the oldest first: its held-back invoices are told so
            rows.sort(key=_OLDEST_ROW_FIRST)
        ordered.append(rows)
    return ordered


def _kept_policy(policy_id: int, default: int | None) -> list[pw.Expression]:
    """How the invoices of customers under ``policy_id`` keep it: by its id, and, for
    the default policy, also as none (a customer who follows the default)."""
    kept = [Invoice.followup_policy_id == policy_id]
    if policy_id == default:
        kept.append(Invoice.followup_policy_id.is_null())
    return kept


def _next_stage_days(as_of: dt.date, stages: dict[int, list[Stage]]
                     ) -> dict[int, dict[int, dt.date]]:
    """For each policy and each position a stage done can have (under any policy: a
    customer may have changed policy since), the latest day an invoice's clock can
    have started on for a stage of that policy beyond it to be due on ``as_of``: the
    one of them with the smallest offset falls soonest."""
    done_at = sorted({stage.position - 1 for policy in stages.values() for stage in policy})
    latest: dict[int, dict[int, dt.date]] = {}
    for policy_id, policy in stages.items():
        days = {}
        for done in done_at:
            beyond = [stage.offset_days for stage in policy if stage.position > done]
            if beyond:
                days[done] = as_of - dt.timedelta(days=min(beyond))
        latest[policy_id] = days
    return latest


def _stage_reached(as_of: dt.date, stages: dict[int, list[Stage]], policy: pw.Node,
                   start: pw.Node) -> pw.Node:
    """The position of the highest stage of its policy an invoice has reached by
    ``as_of`` (0: none yet), as the store works it out: a stage is reached once its
    offset has passed since the day the invoice's clock starts (its late start, else
    its due date: ``start``)."""
    by_policy = []
    for pid, policy_stages in stages.items():
        # The stages' days, earliest first; an invoice whose clock started on or before
        # the k-th latest of them has reached the k-th stage (the first such k wins).
        days = sorted(as_of - dt.timedelta(days=stage.offset_days) for stage in policy_stages)
        count = len(days)
        whens = [(start <= days[count - k], policy_stages[k - 1].position)
                 for k in range(count, 0, -1)]
        by_policy.append((pid, pw.Case(None, whens, 0)))
    return pw.Case(policy, by_policy, 0)


def late_start(stages: list[Stage], due: dt.date, today: dt.date) -> dt.date | None:
    """Where the follow-up clock of an invoice first seen ``today`` starts, when it is
    already past more than its first reminder after the due date: so that it begins
    at that reminder today rather than at the harshest stage it has reached. None
    when its due date serves (not yet past a second stage)."""
    after_due = [s for s in stages if s.offset_days > 0]
    if len(after_due) < 2 or (today - due).days < after_due[1].offset_days:
        return None
    return today - dt.timedelta(days=after_due[0].offset_days)


def invoice_late_start(customer_id: int, due: dt.date, today: dt.date) -> dt.date | None:
    """:func:`late_start` under the customer's follow-up policy."""
    return LateStarts(today).of(customer_id, due)


class LateStarts:
    """:func:`late_start` for many invoices of one day: the policies read once."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.stages = stages_by_policy()
        self.default = default_policy_id()
        self.policies: dict[int, int | None] | None = None  # every customer's, read once
        self._starts: dict[tuple[int, dt.date], dt.date | None] = {}  # by policy and due

    def of(self, customer_id: int | None, due: dt.date) -> dt.date | None:
        """Where the clock of an invoice of ``customer_id`` (None: a customer still to be
        made, under the default policy) due ``due`` starts."""
        if customer_id is None:
            policy_id = self.default
        else:
            if self.policies is None or customer_id not in self.policies:
                self.policies = dict(Customer.select(Customer.id, Customer.followup_policy)
                                     .tuples())
            policy_id = self.policies.get(customer_id) or self.default
        key = (policy_id or 0, due)
        if key not in self._starts:  # invoices share their due days: each is worked out once
            self._starts[key] = late_start(self.stages.get(policy_id or 0, []), due, self.today)
        return self._starts[key]


def highest_reached(stages: list[Stage], days_overdue: int) -> Stage | None:
    """The last of ``stages`` whose offset ``days_overdue`` has reached, if any."""
    reached = [s for s in stages if s.offset_days <= days_overdue]
    return reached[-1] if reached else None


def _customers_of(accounts: list[list[tuple[Any, ...]]]) -> dict[int, tuple[Any, ...]]:
    """The accounts' customers, each read once (columns ``_CODE`` to ``_LAST_CONTACT``):
    looked up for each of the plan's 16,000 invoices on a big book, they were a third of
    its query."""
    ids = sorted({rows[0][_CUSTOMER] for rows in accounts})
    query = Customer.select(Customer.id, Customer.code, Customer.name, Customer.on_hold,
                            Customer.hold_reason, Customer.last_contact_at).where(
        one_of(Customer.id, ids))
    return {row[0]: row[1:] for row in _rows(query)}


def _held_invoices(as_of: dt.date, customer_id: int | None) -> dict[int, str]:
    """Invoices that must not be chased, each with the reason in words.

    Open promises and active plans are few, so they are read whole (through
    their small indexes) rather than filtered by a long list of invoices.
    """
    promised = (PromiseInvoice.select(PromiseInvoice.invoice, Promise.promised_for)
                .join(Promise)
                .where((Promise.status == PromiseStatus.OPEN)
                       & (Promise.promised_for >= promised_since(as_of))))
    planned = (PaymentPlanItem.select(PaymentPlanItem.invoice)
               .join(PaymentPlan)
               .where(PaymentPlanItem.invoice.is_null(False)
                      & (PaymentPlan.status == PlanStatus.ACTIVE)))
    # An open offer holds its invoices until its last day (models.offers): the customer
    # has been asked to pay by then, on its terms.
    offered = (OfferInvoice.select(OfferInvoice.invoice, Offer.pay_by)
               .join(Offer)
               .where((Offer.status == OfferStatus.OPEN) & (Offer.pay_by >= as_of)))
    if customer_id is not None:
        promised = promised.where(Promise.customer == customer_id)
        planned = planned.where(PaymentPlan.customer == customer_id)
        offered = offered.where(Offer.customer == customer_id)
    held = {invoice_id: f"on offer until {short_date(stored_day(pay_by))}"
            for invoice_id, pay_by in _rows(offered)}
    held.update((invoice_id, f"promised to pay by {short_date(stored_day(promised_for))}")
                for invoice_id, promised_for in _rows(promised))
    # Raw rows: a thousand plans' invoices through peewee took a tenth of the engine's
    # extra time for them.
    held.update((invoice_id, "in a payment plan in good standing")
                for (invoice_id,) in _rows(planned))
    return held


def _rows(query: pw.Query) -> list[tuple[Any, ...]]:
    """The query's rows as the store gives them (no field conversions)."""
    return list(database.execute_sql(*query.sql()))


def _unallocated_credit(customer_id: int | None) -> dict[tuple[int, str], int]:
    """Money received and not yet allocated, per account (small partial indexes)."""
    credit: dict[tuple[int, str], int] = defaultdict(int)
    for model in (Payment, CreditNote):
        rows = (model.select(model.customer, model.currency, pw.fn.SUM(model.unallocated_minor))
                .where(model.unallocated_minor > 0)
                .group_by(model.customer, model.currency))
        if customer_id is not None:
            rows = rows.where(model.customer == customer_id)
        for owner, currency, amount in rows.tuples():
            credit[(owner, currency)] += int(amount)
    return credit


# --- deciding ----------------------------------------------------------------

# The columns of the rows of `_accounts_with_stages_due`, as its query reads them.
(_ID, _NUMBER, _DUE, _OPEN, _CURRENCY, _STATUS, _CUSTOMER, _POLICY, _POSITION) = range(9)
# The columns of the accounts' customers (`_customers_of`).
_CODE, _NAME, _ON_HOLD, _HOLD_REASON, _LAST_CONTACT = range(5)
_OPEN_STATUS = InvoiceStatus.OPEN.value
_DISPUTED_STATUS = InvoiceStatus.DISPUTED.value
_OLDEST_ROW_FIRST = itemgetter(_DUE, _NUMBER)
_new_tuple = tuple.__new__


class _Waiting(NamedTuple):
    """An account to chase unless its last chasing contact is too recent: it is decided
    once those contacts are read, in one query for all such accounts."""

    rows: list[tuple[Any, ...]]
    stage: Stage
    chased: list[tuple[Any, ...]]
    amounts: list[int]
    reasons: list[str]


class _Decider:
    """Decides each account with a stage due: chased (a :class:`DueAction`) or held back
    (a :class:`SkippedAccount`), from what it reads once for the plan."""

    def __init__(self, as_of: dt.date, stages: dict[int, list[Stage]],
                 customer_id: int | None, customers: dict[int, tuple[Any, ...]],
                 held_back: bool = True) -> None:
        self.as_of = as_of
        self.customers = customers  # each account's customer, by id (`_customers_of`)
        # Whether the accounts held back are told, with their reasons, or only left out.
        self.held_back = held_back
        self.stages = {pid: {s.position: s for s in policy} for pid, policy in stages.items()}
        self.stage_ids = {pid: {s.position: s.id for s in policy}
                          for pid, policy in stages.items()}
        # A contact older than the policy's widest gap can hold back none of its stages.
        self.widest = {pid: max((s.min_days_since_contact for s in policy), default=0)
                       for pid, policy in stages.items()}
        self.held = _held_invoices(as_of, customer_id)
        self.claimed = claims(customer_id=customer_id)
        self.credit = _unallocated_credit(customer_id)
        self.minimums = dict(FollowUpPolicy.select(FollowUpPolicy.id,
                                                   FollowUpPolicy.min_balance_minor).tuples())
        self.names = dict(FollowUpPolicy.select(FollowUpPolicy.id, FollowUpPolicy.name)
                          .tuples())
        self.days: dict[object, tuple[dt.date, int]] = {}  # each due day parsed once

    def decide(self, rows: list[tuple[Any, ...]]
               ) -> DueAction | SkippedAccount | _Waiting | None:
        """The account of ``rows`` chased or held back (None: held back, not told), or
        waiting for its last chasing contact (:meth:`settle`)."""
        first = rows[0]
        who = self.customers[first[_CUSTOMER]]
        reasons: list[str] = []
        if who[_ON_HOLD]:
            if not self.held_back:
                return None
            reasons.append("the customer is on hold" + (
                f": {who[_HOLD_REASON]}" if who[_HOLD_REASON] else ""))
        chased = self._chased(rows, reasons)
        if chased and not who[_ON_HOLD]:
            stage = self.stages[first[_POLICY]][max(row[_POSITION] for row in chased)]
            amounts = self._amounts(chased)
            total = sum(amounts)
            minimum = self.minimums.get(first[_POLICY], 0)
            if total < minimum:
                if not self.held_back:
                    return None
                currency = first[_CURRENCY]
                reasons.append(f"{format_money(total, currency)} is under the policy's "
                               f"minimum of {format_money(minimum, currency)}")
            elif self._contact_matters(who[_LAST_CONTACT], first[_POLICY], stage):
                return _Waiting(rows, stage, chased, amounts, reasons)
            else:
                return self._action(first, stage, chased, amounts)
        return self._skipped(rows, reasons)

    def settle(self, outcomes: list[DueAction | SkippedAccount | _Waiting | None]
               ) -> list[DueAction | SkippedAccount | None]:
        """``outcomes`` with each waiting account decided by its last *chasing* contact (a
        reminder, a call about the debt, a plan's), so a welcome, a thank-you or a
        check-in never holds the next reminder back. The customer row keeps the last
        contact of any kind; only the accounts it holds back are read again."""
        waiting = {o.rows[0][_CUSTOMER] for o in outcomes if isinstance(o, _Waiting)}
        if not waiting:
            return outcomes  # type: ignore[return-value]  # none is waiting
        query = Customer.select(Customer.id, latest_contact(
            Interaction.occurred_at, purposes=CHASING).alias("at")).where(
            one_of(Customer.id, sorted(waiting)))
        chasing = {cid: stored_day(at) for cid, at in _rows(query) if at is not None}
        settled: list[DueAction | SkippedAccount | None] = []
        for outcome in outcomes:
            if isinstance(outcome, _Waiting):
                first = outcome.rows[0]
                gap = _contact_gap(chasing.get(first[_CUSTOMER]), outcome.stage, self.as_of)
                outcome = (self._skipped(outcome.rows, [*outcome.reasons, gap]) if gap else
                           self._action(first, outcome.stage, outcome.chased, outcome.amounts))
            settled.append(outcome)
        return settled

    def _chased(self, rows: list[tuple[Any, ...]], reasons: list[str]) -> list[tuple[Any, ...]]:
        """The rows of the invoices not held back; each one held back goes into
        ``reasons`` (when they are told), in the rows' order."""
        held, told = self.held, self.held_back
        chased = []
        for row in rows:
            status = row[_STATUS]
            if status == _OPEN_STATUS:
                why = held.get(row[_ID], "")
            else:
                why = "disputed" if status == _DISPUTED_STATUS else "with a collection agency"
            if not why:
                chased.append(row)
            elif told:
                reasons.append(f"{row[_NUMBER]} is {why}")
        return chased

    def _amounts(self, chased: list[tuple[Any, ...]]) -> list[int]:
        """What is chased of each invoice (all open): what is open less any part of it
        in dispute (:mod:`models.disputed`)."""
        claimed = self.claimed
        if not claimed:
            return [row[_OPEN] for row in chased]
        return [chased_part(row[_OPEN], claimed[row[_ID]]) if claimed.get(row[_ID])
                else row[_OPEN] for row in chased]

    def _contact_matters(self, last_contact: object, policy_id: int, stage: Stage) -> bool:
        """Whether the account's last contact could hold ``stage`` back: then its last
        chasing contact, not any contact, decides (:meth:`settle`)."""
        if not stage.min_days_since_contact or last_contact is None:
            return False
        since = (self.as_of - stored_day(last_contact)).days
        return since < self.widest.get(policy_id, 0)

    def _skipped(self, rows: list[tuple[Any, ...]], reasons: list[str]) -> SkippedAccount | None:
        if not self.held_back:
            return None
        first = rows[0]
        stage = self.stages[first[_POLICY]][max(row[_POSITION] for row in rows)]
        who = self.customers[first[_CUSTOMER]]
        return SkippedAccount(first[_CUSTOMER], who[_CODE], who[_NAME], first[_CURRENCY],
                              stage.name, tuple(reasons))

    def _action(self, first: tuple[Any, ...], stage: Stage, chased: list[tuple[Any, ...]],
                amounts: list[int]) -> DueAction:
        stage_ids = self.stage_ids[first[_POLICY]]
        days, due_of = self.days, self._due
        invoices = []  # the oldest first, as the account's rows come
        for row, amount in zip(chased, amounts, strict=True):
            due, late = days.get(row[_DUE]) or due_of(row[_DUE])
            # tuple.__new__: the named tuple's own constructor is a call in Python, at
            # 10,700 invoices a plan on a big book
            invoices.append(_new_tuple(ActionInvoice, (row[_ID], row[_NUMBER], due, amount,
                                                        late, stage_ids[row[_POSITION]])))
        customer_id, currency = first[_CUSTOMER], first[_CURRENCY]
        warnings = []
        unallocated = self.credit.get((customer_id, currency), 0)
        if unallocated:
            warnings.append(f"{format_money(unallocated, currency)} of the customer's "
                            f"money is not yet allocated: allocate it before sending.")
        who = self.customers[customer_id]
        return DueAction(customer_id, who[_CODE], who[_NAME], currency,
                         self.names.get(first[_POLICY], ""), stage, tuple(invoices),
                         sum(amounts), tuple(warnings))

    def _due(self, stored: object) -> tuple[dt.date, int]:
        """The due day as stored, as a date and the days overdue on the plan's day."""
        found = self.days.get(stored)
        if found is None:
            day = stored_day(stored)
            found = self.days[stored] = (day, (self.as_of - day).days)
        return found


def _contact_gap(last_contact: dt.date | None, stage: Stage, as_of: dt.date) -> str:
    if not stage.min_days_since_contact or last_contact is None:
        return ""
    since = (as_of - last_contact).days
    if since >= stage.min_days_since_contact:
        return ""
    when = "today" if since <= 0 else f"{since} day{'s' if since != 1 else ''} ago"
    return (f"last contacted {when}; “{stage.name}” waits "
            f"{stage.min_days_since_contact} days after a contact")


def _letters_instead(due: list[DueAction]) -> list[DueAction]:
    """E-mail actions to customers without a usable address, marked to go as letters."""
    emailed = {a.customer_id for a in due if a.stage.channel == Channel.EMAIL}
    if not emailed:
        return due
    reachable = customers_with_email(emailed)
    return [a._replace(no_email_address=True, warnings=(*a.warnings, NO_EMAIL_ADDRESS))
            if a.stage.channel == Channel.EMAIL and a.customer_id not in reachable else a
            for a in due]


def customers_with_email(customer_ids: Iterable[int]) -> set[int]:
    """Which of the customers have a usable e-mail address (a billing contact's or
    their own billing e-mail), as ``models.mail.recipients_of`` finds them."""
    ids = list(customer_ids)
    own = Customer.select(Customer.id, Customer.billing_email).where(one_of(Customer.id, ids))
    found = {customer_id for customer_id, address in _rows(own)
             if valid_address(address.strip())}
    # Most customers have their own: the billing contacts are read for the others only.
    rest = [customer_id for customer_id in ids if customer_id not in found]
    if rest:
        contacts = ContactPerson.select(ContactPerson.customer, ContactPerson.email).where(
            one_of(ContactPerson.customer, rest) & ContactPerson.is_billing)
        found.update(customer_id for customer_id, address in _rows(contacts)
                     if valid_address(address.strip()))
    return found


# --- executing -----------------------------------------------------------------

def current_action(customer_id: int, currency: str, as_of: dt.date, stage_id: int,
                   plan_id: int | None = None, *,
                   instalment: ActionInstalment | None = None) -> DueAction:
    """The action due as it stands now (in the caller's transaction), refused if the
    account has moved on since the user saw it at ``stage_id`` (on ``instalment``, for a
    plan's reminder): never carried out twice, nor at a stage nobody looked at."""
    # Two people approving the same reminder at once: the second waits here until the
    # first has written, then finds it carried out (on a file the write lock does this).
    hold_accounts([customer_id])
    action = due_action(customer_id, currency, as_of, plan_id=plan_id)
    moved_on = action is None or action.stage.id != stage_id or (
        plan_id is not None and instalment not in (None, action.instalment))
    if moved_on:
        done = carried_out(customer_id, currency, as_of, stage_id, plan_id,
                           instalment=instalment)
        if done is not None:
            raise done
    if action is None:
        raise LedgerError("action", "Nothing is due to this customer any more: the account "
                                    "has changed since the list was read.")
    if moved_on:
        raise LedgerError("action", f"The account has moved on to “{action.stage.name}” "
                                    f"since the list was read. Review it again.")
    return action


def carried_out(customer_id: int, currency: str, as_of: dt.date, stage_id: int,
                plan_id: int | None = None, *,
                instalment: ActionInstalment | None = None) -> AlreadyCarriedOut | None:
    """The refusal to carry out the stage ``stage_id`` again when someone has carried it
    out (or passed it over) for the account on ``as_of`` already, naming who and when
    from the audit log; None when nobody has."""
    stage = FollowUpStage.get_or_none(FollowUpStage.id == stage_id)
    if stage is None:
        return None
    if plan_id is not None:
        done = _instalment_reminded(customer_id, as_of, stage_id, plan_id, instalment)
    else:
        done = _stage_carried_out(customer_id, currency, as_of, stage)
    if done is None:
        return None
    entry, what, why = done
    when = (f"at {entry.at:%H:%M}" if entry.at.date() == dt.date.today()  # the clock's
            else f"on {short_date(entry.at.date())} at {entry.at:%H:%M}")
    return AlreadyCarriedOut(f"“{stage.name}” was already {what} by {entry.who} {when}"
                             f"{f' ({why})' if why else ''}: it goes once.",
                             who=entry.who, at=entry.at)


def carried_out_on(invoice_id: int, as_of: dt.date) -> AlreadyCarriedOut | None:
    """:func:`carried_out` for the stage the invoice last reached on ``as_of`` (a Today
    item names its reminder by its oldest invoice); None when it reached none that day."""
    reached = (StageExecution.select(StageExecution.stage, Invoice.customer, Invoice.currency)
               .join(Invoice)
               .where((StageExecution.invoice == invoice_id)
                      & (StageExecution.executed_on == as_of))
               .order_by(StageExecution.id.desc()).tuples().first())
    if reached is None:
        return None
    stage_id, customer_id, currency = reached
    return carried_out(customer_id, currency, as_of, stage_id)


def _done_words(stage: FollowUpStage) -> str:
    return "recorded as done" if stage.channel == Channel.PHONE else "sent"


def _stage_carried_out(customer_id: int, currency: str, as_of: dt.date,
                       stage: FollowUpStage) -> tuple[Entry, str, str] | None:
    """The audit entry of the stage carried out or passed over on ``as_of`` for the
    account's invoices, what was done in words, and why (a stage passed over)."""
    reached = (StageExecution.select(StageExecution.interaction, StageExecution.skip_reason)
               .join(Invoice)
               .where((Invoice.customer == customer_id) & (Invoice.currency == currency)
                      & (StageExecution.stage == stage.id)
                      & (StageExecution.executed_on == as_of))
               .order_by(StageExecution.id.desc()).first())
    if reached is None:
        return None
    if reached.interaction_id is not None:
        entries = entries_for("interaction", [reached.interaction_id], ["follow-up stage"])
        return (entries[-1], _done_words(stage), "") if entries else None
    passed = [entry for entry in entries_for("customer", [customer_id],
                                             ["skip follow-up stage"])
              if entry.after is not None and entry.after.get("stage") == stage.name
              and entry.after.get("currency") == currency]
    if not passed:
        return None
    reason = str(passed[-1].after.get("reason", "") if passed[-1].after else "")
    return passed[-1], "passed over", reason


def _instalment_reminded(customer_id: int, as_of: dt.date, stage_id: int, plan_id: int,
                         instalment: ActionInstalment | None
                         ) -> tuple[Entry, str, str] | None:
    """The audit entry of a plan's reminder at ``stage_id`` carried out (or passed over)
    on or after ``as_of``, for ``instalment`` when given, and what was done in words."""
    contacts = (Interaction.select(Interaction.id, Interaction.kind)
                .where((Interaction.customer == customer_id) & (Interaction.plan == plan_id)
                       & (Interaction.stage == stage_id)
                       & (Interaction.created_at >= dt.datetime.combine(as_of, dt.time())))
                .order_by(Interaction.id.desc()))
    if instalment is not None:
        contacts = contacts.where(Interaction.instalment == instalment.instalment_id)
    contact = contacts.first()
    if contact is None:
        return None
    entries = entries_for("interaction", [contact.id], ["plan reminder"])
    if not entries:
        return None
    stage = FollowUpStage.get_by_id(stage_id)
    return entries[-1], ("passed over" if contact.kind == ContactKind.NOTE
                         else _done_words(stage)), ""


def on_paper(action: DueAction, template_id: int | None = None) -> DueAction:
    """The action made as a printed letter (an e-mail stage to a customer with no usable
    address), written from ``template_id`` when given: recorded as a letter sent."""
    if action.stage.channel == Channel.LETTER and template_id is None:
        return action
    return action._replace(stage=replace(action.stage, channel=Channel.LETTER,
                                         template_id=template_id or action.stage.template_id))


def _reach(invoices: Sequence[ActionInvoice], contact_id: int | None, as_of: dt.date,
           skip_reason: str = "") -> None:
    """Record that each invoice has reached its stage (one prepared statement)."""
    insert_rows(StageExecution, ("invoice", "stage", "interaction", "executed_on", "skip_reason"),
                [(invoice.id, invoice.stage_id, contact_id, as_of, skip_reason)
                 for invoice in invoices],
                on_conflict=("invoice", "stage"),
                update=("interaction", "executed_on", "skip_reason"))


def _apply_charges(action: DueAction, as_of: dt.date, now: dt.datetime,
                   rate_missing: Callable[[MissingRate], None] | None = None) -> list[int]:
    stage = action.stage
    if not (stage.fee_minor or stage.apply_interest or stage.apply_compensation):
        return []
    from models.charges import record_charges  # charges come with credit policies

    ids: list[int] = []
    for position, invoice in enumerate(action.invoices):
        if invoice.days_overdue <= 0:
            continue
        ids += record_charges(invoice.id, as_of, interest=stage.apply_interest,
                              compensation=stage.apply_compensation,
                              fee_minor=stage.fee_minor if position == 0 else 0, now=now,
                              rate_missing=rate_missing)
    return ids


def _summary(action: DueAction, subject: str, text: str) -> str:
    """The contact's note as the timeline shows it: what was sent, for which invoices,
    then the words. Written for reading; the words are kept in their own columns."""
    heading = f"{action.stage.name} ({Channel.word_for(action.stage.channel).lower()})"
    numbers = (action.instalment.words if action.instalment is not None
               else ", ".join(i.number for i in action.invoices))
    lines = [f"{heading} for {numbers}: {format_money(action.total_minor, action.currency)}."]
    if subject.strip():
        lines.append(subject.strip())
    if text.strip():
        lines.append(text.strip())
    return "\n\n".join(lines)
