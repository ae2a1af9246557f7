"""The Today worklist: what needs the user's attention on a given day.

The list is worked out from the state of the store each time, never from a
queue filled day by day: a follow-up that fell due while Duly was closed is
still there the next time it opens. What the user decided about an item
(done, snoozed to a date, dismissed with a reason) is kept per item.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import peewee as pw

from models.allocations import hold_accounts
from models.audit import record_change
from models.collector import collector_held
from models.contacts import (
    PROMISE_GRACE_DAYS,
    ContactEntry,
    PromiseTerms,
    log_contact,
    promise_deadline,
    refresh_contact_summary,
)
from models.dates import short_date, stored_day
from models.db import latest_write, one_of, writing
from models.disputes import dispute_age_days, long_open_disputes
from models.errors import LedgerError
from models.follow_up_notes import first_line
from models.followup import (
    DueAction,
    carried_out_on,
    carry_out_action,
    due_action,
    execute_action,
    follow_up_plan,
    skip_action,
)
from models.kinds import (
    Channel,
    ContactKind,
    ContactPurpose,
    DisputeCategory,
    InvoiceStatus,
    OutboxState,
    PlanStatus,
    PromiseStatus,
)
from models.money import format_money
from models.outbox import EMAIL_FAILED as OUTBOX_ITEM_KIND
from models.plan_followup import INSTALMENT_SOON_DAYS, active_plans
from models.plans import plan_reference, plan_standing, plans_ended, resume_point
from models.relationship import (
    CHECK_IN,
    ON_TIME,
    PAID_UP,
    PLAN_COMPLETED,
    PROMISE_KEPT,
    RECURRING_KINDS,
    RELATIONSHIP_KINDS,
    check_ins_due,
    customer_of,
    on_time_thanks_due,
    purpose_of,
    record_done,
    skip_until,
    thanks_due,
)
from models.schema import (
    Customer,
    DisputeCase,
    DisputedInvoice,
    Instalment,
    Interaction,
    InteractionInvoice,
    Invoice,
    OutboxMessage,
    PaymentPlan,
    PaymentPlanItem,
    Promise,
    PromiseInvoice,
    StageExecution,
    WorklistDecision,
    database,
)
from models.steady import steady

FOLLOW_UP, PROMISE_DUE, PROMISE_BROKEN, NEW_OVERDUE, STAGE_ACTION = (
    "follow-up", "promise due", "promise broken", "new overdue", "stage action")
# An e-mail the mail server did not take, or that Duly was closed while sending.
EMAIL_FAILED = OUTBOX_ITEM_KIND
# How an e-mail the mail server did not take is titled in Today.
NOT_SENT = "E-mail not sent"
PERHAPS_SENT = "E-mail perhaps sent"
# A payment plan's instalment coming up or not paid by its date, and a plan the day's
# settling found broken (``models.daily``); each names its instalment or plan.
INSTALMENT_DUE, INSTALMENT_LATE, PLAN_DEFAULTED = (
    "instalment due", "instalment late", "plan defaulted")
PLAN_KINDS = (INSTALMENT_DUE, INSTALMENT_LATE, PLAN_DEFAULTED)
# A dispute case open longer than the business's setting (models.disputes); names its case.
DISPUTE_OPEN = "dispute open"
# Most pressing first.
WORK_KINDS = (PROMISE_BROKEN, EMAIL_FAILED, PLAN_DEFAULTED, FOLLOW_UP, INSTALMENT_LATE,
              PROMISE_DUE, STAGE_ACTION, INSTALMENT_DUE, DISPUTE_OPEN, NEW_OVERDUE,
              PLAN_COMPLETED, PROMISE_KEPT, PAID_UP, CHECK_IN, ON_TIME)
# Items about a customer's overdue debt: a payment plan may be agreed from them.
DEBT_KINDS = (FOLLOW_UP, STAGE_ACTION, PROMISE_BROKEN, INSTALMENT_LATE, PLAN_DEFAULTED)
NEW_OVERDUE_DAYS = 7  # an account is "newly overdue" for a week after it first falls due
PLAN_DEFAULTED_DAYS = 7  # a broken plan is told for a week after it broke

_NOUNS = {FOLLOW_UP: ("follow-up", "follow-ups"), PROMISE_DUE: ("promise due", "promises due"),
          PROMISE_BROKEN: ("broken promise", "broken promises"),
          INSTALMENT_DUE: ("instalment due soon", "instalments due soon"),
          INSTALMENT_LATE: ("instalment missed", "instalments missed"),
          PLAN_DEFAULTED: ("payment plan broken", "payment plans broken"),
          NEW_OVERDUE: ("newly overdue account", "newly overdue accounts"),
          STAGE_ACTION: ("reminder due", "reminders due"),
          DISPUTE_OPEN: ("dispute open too long", "disputes open too long"),
          EMAIL_FAILED: ("e-mail not sent", "e-mails not sent"),
          PLAN_COMPLETED: ("thank-you for a completed plan", "thank-yous for completed plans"),
          PROMISE_KEPT: ("thank-you for a promise kept", "thank-yous for promises kept"),
          PAID_UP: ("thank-you for paying up", "thank-yous for paying up"),
          CHECK_IN: ("check-in due", "check-ins due"),
          ON_TIME: ("thank-you for paying on time", "thank-yous for paying on time")}


class WorkItem(NamedTuple):
    """One thing to do today, on one customer's account (a named tuple: a big book's
    list makes ten thousand of them, and a frozen dataclass takes four times as long
    to make each)."""

    kind: str  # one of WORK_KINDS
    ref_id: int  # the contact, promise or first overdue invoice it comes from
    customer_id: int
    customer_code: str
    customer_name: str
    due_on: dt.date  # the day it came due
    days_waiting: int  # days since due_on, as of the list's date
    title: str
    detail: str
    amount_minor: int | None
    currency: str
    # A reminder is due with it, to review and approve or skip: a stage due on the
    # account's invoices, or an instalment's reminder.
    reminder_due: bool = False


@dataclass(frozen=True)
class WorkItemRef:
    """A Today item a contact is made for: its kind, row and what it says."""

    kind: str
    ref_id: int
    title: str


def worklist(as_of: dt.date, *, grace_days: int = PROMISE_GRACE_DAYS) -> list[WorkItem]:
    """Everything to do on ``as_of``: follow-ups whose date has come (however long
    ago), promises due or broken, the follow-up stages due, accounts newly overdue;
    e-mails not sent; instalments of payment plans due soon or missed, and plans
    broken lately; most pressing first."""
    with _kept.counting:
        _kept.worked_out += 1
    with collector_held():
        # Worked out in a function of its own: the plan's actions and every other
        # object made on the way are gone when the collector runs again, which then
        # walks only the list (it walked them all, 7-10 ms on a big book).
        return _worked_out(as_of, grace_days)


def _worked_out(as_of: dt.date, grace_days: int) -> list[WorkItem]:
    with steady():  # the active plans are read once, for the engine and the list
        actions = follow_up_plan(as_of, held_back=False).due
        stages = _stage_actions(as_of, actions)
        items = (_follow_ups(as_of) + _promises(as_of, grace_days) + stages
                 + _unchased(_new_overdue(as_of), stages) + _emails_not_sent(as_of)
                 + _instalments(as_of, actions) + _plans_broken(as_of)
                 + _long_disputes(as_of))
    items += _thank_yous(as_of)
    items += _check_ins(as_of)
    hidden = _decided(as_of)
    # Most pressing first: by kind, then each kind's by day, customer and item (each
    # kind sorted on its own: fewer comparisons than one sort of them all).
    kinds: dict[str, list[WorkItem]] = {kind: [] for kind in WORK_KINDS}
    for item in items:
        if (item.kind, item.ref_id) not in hidden:
            kinds[item.kind].append(item)
    ordered: list[WorkItem] = []
    for of_kind in kinds.values():
        of_kind.sort(key=_in_kind_order)
        ordered += of_kind
    return ordered


def _in_kind_order(item: WorkItem) -> tuple[dt.date, str, int]:
    return (item.due_on, item.customer_name.casefold(), item.ref_id)


class _KeptWorklist:
    """The list as last worked out for the window, kept until the store is written to
    (or another day, store or grace is asked for): the navigation's count, the status
    bar and the Today page all show it, and on a big book working it out takes most of
    a second of the interpreter's time, which two threads working it out at once would
    share between them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # one works it out at a time; the next finds it kept
        self.key: tuple[object, ...] | None = None
        self.items: tuple[WorkItem, ...] = ()
        self.counting = threading.Lock()
        self.worked_out = 0  # how many times worklist() has run, by any caller


_kept = _KeptWorklist()


def shared_worklist(as_of: dt.date, *,
                    grace_days: int = PROMISE_GRACE_DAYS) -> tuple[WorkItem, ...]:
    """:func:`worklist` for every reader in this process: worked out once after each
    write to the store (per day, store and grace) and given again to whoever asks
    until the next write; a reader asking while it is being worked out waits for it
    rather than working it out a second time."""
    with _kept.lock:
        key = (*latest_write(), as_of, grace_days)
        if _kept.key != key:
            _kept.key = None  # a list that failed part way is never given
            _kept.items = tuple(worklist(as_of, grace_days=grace_days))
            _kept.key = key
        return _kept.items


def worklists_worked_out() -> int:
    """How many times the list has been worked out in this process (:func:`worklist`, by
    any caller; :func:`shared_worklist` giving a kept list again does not count)."""
    return _kept.worked_out


def worklist_summary(items: Sequence[WorkItem]) -> str:
    """One line saying what the list holds, e.g. "5 to do: 3 follow-ups, 2 promises due"."""
    if not items:
        return "Nothing to do today"
    counts = Counter(i.kind for i in items)
    parts = []
    for kind in WORK_KINDS:
        count = counts[kind]
        if count:
            one, many = _NOUNS[kind]
            parts.append(f"{count:,} {one if count == 1 else many}")
    return f"{len(items):,} to do: " + ", ".join(parts)


KIND_WORDS = {PROMISE_BROKEN: "Broken promise", FOLLOW_UP: "Follow-up",
              PROMISE_DUE: "Promise due", NEW_OVERDUE: "Newly overdue",
              STAGE_ACTION: "Reminder due", EMAIL_FAILED: NOT_SENT,
              INSTALMENT_DUE: "Instalment due", INSTALMENT_LATE: "Instalment missed",
              PLAN_DEFAULTED: "Plan broken", PLAN_COMPLETED: "Thank you: plan completed",
              PROMISE_KEPT: "Thank you: promise kept", PAID_UP: "Thank you: paid up",
              ON_TIME: "Thank you: pays on time", CHECK_IN: "Check-in"}
"""Each kind of work item as the list names it."""


def kind_text(item: WorkItem) -> str:
    """The item's kind in words: "Broken promise", "Follow-up"…; a reminder says its stage
    and how it is made ("Final notice (letter)"), which is what the user decides on."""
    if item.kind == STAGE_ACTION:
        return item.title
    if item.kind == EMAIL_FAILED:
        return item.title.partition(": ")[0]  # "E-mail not sent", or "perhaps sent"
    return KIND_WORDS.get(item.kind, item.kind.capitalize())


def waiting_text(item: WorkItem) -> str:
    """How long the item has waited: "today", "1 day", "14 days"."""
    if item.days_waiting <= 0:
        return "today"
    return f"{item.days_waiting} day{'' if item.days_waiting == 1 else 's'}"


def details_text(item: WorkItem) -> str:
    """The item's title and detail on one line (a reminder's title is its "What")."""
    if item.kind == STAGE_ACTION:
        return item.detail
    if item.kind == EMAIL_FAILED:  # the subject, then why it did not go
        subject = item.title.partition(": ")[2] or item.title
        return f"{subject} — {item.detail}" if item.detail else subject
    return f"{item.title} — {item.detail}" if item.detail else item.title


def mark_done(kind: str, ref_id: int, *, on: dt.date, note: str = "") -> None:
    """The item has been dealt with; a follow-up is marked complete on its contact. A
    check-in or a yearly thank-you done outside Duly is noted on the timeline, and the
    next one counts from it."""
    with writing():
        if kind in RECURRING_KINDS:
            record_done(kind, ref_id, on=on, note=note)
        _decide(kind, ref_id, "done", on=on, reason=note.strip())


def snooze(kind: str, ref_id: int, until: dt.date, *, on: dt.date) -> None:
    """Put the item aside until ``until``, when it comes back."""
    if until <= on:
        raise LedgerError("until", "Choose a day after today to be reminded again.")
    _decide(kind, ref_id, "snoozed", on=on, until=until)


def dismiss(kind: str, ref_id: int, reason: str, *, on: dt.date) -> None:
    """Take the item off the list for good, saying why; a check-in or a yearly thank-you
    is skipped this time, and the next one comes a cadence later."""
    if not reason.strip():
        raise LedgerError("reason", "Say why this needs no action.")
    if kind in RECURRING_KINDS:
        _decide(kind, ref_id, "snoozed", on=on, reason=reason.strip(),
                until=skip_until(kind, ref_id, on))
        return
    _decide(kind, ref_id, "dismissed", on=on, reason=reason.strip())


def log_contact_for_item(kind: str, ref_id: int, entry: ContactEntry, *, on: dt.date,
                         now: dt.datetime | None = None,
                         promise: PromiseTerms | None = None) -> int:
    """Log the contact made for a Today item and mark the item done, together; for a
    thank-you or a check-in, the contact is recorded as one (never as chasing)."""
    if kind in RELATIONSHIP_KINDS:
        entry = replace(entry, purpose=purpose_of(kind))
    elif kind in PLAN_KINDS:
        entry = replace(entry, purpose=ContactPurpose.PLAN)
    with writing():
        customer_id = _customer_of(kind, ref_id)
        hold_accounts([customer_id])  # a reminder is carried out once
        # Read before the contact: the contact itself would hold the reminder back.
        action = _stage_action_of(ref_id, on) if kind == STAGE_ACTION else \
            _instalment_action_of(kind, ref_id, on)
        contact_id = log_contact(customer_id, entry, now=now, promise=promise)
        if kind in PLAN_KINDS:
            _about_plan(contact_id, kind, ref_id)
        if action is not None:  # the contact made for the reminder carries it out
            carry_out_action(action, on, now=now, contact_id=contact_id)
        if kind != STAGE_ACTION:  # a reminder carried out leaves the list by itself
            noun = ContactKind.word_for(entry.kind)
            _decide(kind, ref_id, "done", on=on, reason=f"{noun} logged")
    return contact_id


def plan_to_replace(kind: str, ref_id: int) -> int | None:
    """The active payment plan a plan agreed from a Today item replaces: a missed
    instalment's (renegotiated, never a second plan on the same invoices); None when a
    new plan is agreed."""
    if kind != INSTALMENT_LATE:
        return None
    plan_id = _plan_of(kind, ref_id)
    active = PaymentPlan.select().where((PaymentPlan.id == plan_id)
                                        & (PaymentPlan.status == PlanStatus.ACTIVE)).exists()
    return plan_id if active else None


def item_invoices(kind: str, ref_id: int) -> tuple[int, ...]:
    """The invoices a Today item is about (those a contact for it concerns)."""
    if kind == FOLLOW_UP:
        query = InteractionInvoice.select(InteractionInvoice.invoice).where(
            InteractionInvoice.interaction == ref_id)
    elif kind in (PROMISE_DUE, PROMISE_BROKEN):
        query = PromiseInvoice.select(PromiseInvoice.invoice).where(
            PromiseInvoice.promise == ref_id)
    elif kind == NEW_OVERDUE:
        return (ref_id,)
    elif kind == DISPUTE_OPEN:
        query = DisputedInvoice.select(DisputedInvoice.invoice).where(
            DisputedInvoice.case == ref_id)
    elif kind in PLAN_KINDS:
        query = PaymentPlanItem.select(PaymentPlanItem.invoice).where(
            (PaymentPlanItem.plan == _plan_of(kind, ref_id))
            & PaymentPlanItem.invoice.is_null(False))
    else:
        return ()
    return tuple(invoice_id for (invoice_id,) in query.tuples())


def _decide(kind: str, ref_id: int, state: str, *, on: dt.date, reason: str = "",
            until: dt.date | None = None) -> None:
    if kind not in WORK_KINDS:
        raise LedgerError("kind", f"{kind!r} is not a kind of item on the Today list.")
    if kind == STAGE_ACTION and state != "snoozed":
        _settle_stage_action(ref_id, state, on=on, reason=reason)
        return
    with writing():
        customer_id = _customer_of(kind, ref_id)
        previous = WorklistDecision.get_or_none((WorklistDecision.kind == kind)
                                                & (WorklistDecision.ref_id == ref_id))
        fields = {"state": state, "snoozed_until": until, "reason": reason, "decided_on": on,
                  "decided_at": dt.datetime.now()}
        if previous is None:
            decision = WorklistDecision.create(customer=customer_id, kind=kind, ref_id=ref_id,
                                               **fields)
        else:
            WorklistDecision.update(**fields).where(
                WorklistDecision.id == previous.id).execute()
            decision = previous
        if kind == FOLLOW_UP and state != "snoozed":
            _complete_follow_up(ref_id, customer_id)
        record_change(f"today: {state}", "worklist_decision", decision.id,
                      before=None if previous is None else {"state": previous.state},
                      after={"kind": kind, "ref_id": ref_id, **fields})


def _settle_stage_action(invoice_id: int, state: str, *, on: dt.date, reason: str) -> None:
    """Done: the stage was carried out outside Duly; dismissed: it is skipped. Either
    way the engine records it on the invoices, so the next stage still comes."""
    action = _stage_action_of(invoice_id, on)
    if state == "done":
        execute_action(action.customer_id, action.currency, on, stage_id=action.stage.id,
                       text=reason or "Done outside Duly.")
    else:
        skip_action(action.customer_id, action.currency, on, stage_id=action.stage.id,
                    reason=reason)


def _stage_action_of(invoice_id: int, on: dt.date) -> DueAction:
    """The reminder due on ``on`` that a Today item (named by its oldest invoice) is."""
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    action = due_action(invoice.customer_id, invoice.currency, on) if invoice else None
    if action is None:
        done = carried_out_on(invoice_id, on)  # by another person, since the list was read
        if done is not None:
            raise done
        raise LedgerError("item", "That reminder is no longer due.")
    return action


def _complete_follow_up(contact_id: int, customer_id: int) -> None:
    Interaction.update(follow_up_done=True).where(Interaction.id == contact_id).execute()
    refresh_contact_summary([customer_id])


def _plan_of(kind: str, ref_id: int) -> int:
    """The payment plan an item of the plans' kinds is about (an instalment's, or itself)."""
    if kind == PLAN_DEFAULTED:
        return ref_id
    row = Instalment.select(Instalment.plan).where(Instalment.id == ref_id).tuples().first()
    if row is None:
        raise LedgerError("item", "That instalment is no longer in the store.")
    return int(row[0])


def item_reminder(kind: str, ref_id: int, on: dt.date) -> DueAction | None:
    """The reminder due on ``on`` that a Today item carries, as it stands now: the stage
    due on the account (an item of the stages due), or the instalment's reminder (an
    item of a plan's instalment); None when none is due (any more)."""
    if kind == STAGE_ACTION:
        try:
            return _stage_action_of(ref_id, on)
        except LedgerError:
            return None
    return _instalment_action_of(kind, ref_id, on)


def _instalment_action_of(kind: str, instalment_id: int, on: dt.date) -> DueAction | None:
    """The reminder due on ``on`` for the instalment a Today item names, if one is."""
    if kind not in (INSTALMENT_DUE, INSTALMENT_LATE):
        return None
    plan = PaymentPlan.get_by_id(_plan_of(kind, instalment_id))
    action = due_action(plan.customer_id, plan.currency, on, plan_id=plan.id)
    if action is None or action.instalment is None \
            or action.instalment.instalment_id != instalment_id:
        return None
    return action


def _about_plan(contact_id: int, kind: str, ref_id: int) -> None:
    """Name the plan (and the instalment) a contact logged for a Today item is about."""
    fields: dict[str, Any] = {"plan": _plan_of(kind, ref_id)}
    if kind != PLAN_DEFAULTED:
        fields["instalment"] = ref_id
    Interaction.update(**fields).where(Interaction.id == contact_id).execute()


def _customer_of(kind: str, ref_id: int) -> int:
    if kind in RELATIONSHIP_KINDS:
        return customer_of(kind, ref_id)
    if kind in PLAN_KINDS:
        plan = PaymentPlan.get_or_none(PaymentPlan.id == _plan_of(kind, ref_id))
        if plan is None:
            raise LedgerError("item", "That payment plan is no longer in the store.")
        return int(plan.customer_id)
    model: type[pw.Model] = {FOLLOW_UP: Interaction, PROMISE_DUE: Promise,
                             PROMISE_BROKEN: Promise, NEW_OVERDUE: Invoice,
                             STAGE_ACTION: Invoice, EMAIL_FAILED: OutboxMessage,
                             DISPUTE_OPEN: DisputeCase}[kind]
    row = model.select(model.customer).where(model.id == ref_id).tuples().first()
    if row is None:
        raise LedgerError("item", "That item is no longer in the store.")
    return int(row[0])


def _decided(as_of: dt.date) -> set[tuple[str, int]]:
    """Items the user has dealt with or snoozed past ``as_of``."""
    query = WorklistDecision.select(WorklistDecision.kind, WorklistDecision.ref_id).where(
        (WorklistDecision.state != "snoozed") | (WorklistDecision.snoozed_until > as_of))
    return set(query.tuples())


def _long_disputes(as_of: dt.date) -> list[WorkItem]:
    """Dispute cases open longer than the business's setting: settle, reject or chase
    the customer's answer."""
    limit = dispute_age_days()
    items = []
    for case in long_open_disputes(as_of):
        said = case.customer_said.splitlines()[0] if case.customer_said else ""
        since = case.raised_on + dt.timedelta(days=limit + 1)
        numbers = ", ".join(line.number for line in case.lines)
        items.append(WorkItem(
            DISPUTE_OPEN, case.case_id, case.customer_id, case.customer_code,
            case.customer_name, since, (as_of - since).days,
            f"Dispute on {numbers} open {case.age_days(as_of)} days",
            f"{DisputeCategory.word_for(case.category)}: {said}", case.disputed_minor,
            case.currency))
    return items


def _follow_ups(as_of: dt.date) -> list[WorkItem]:
    # The pending follow-ups' index holds all that is shown of them, the note's opening
    # with it (store v35, models.follow_up_notes): the contacts' rows are not read.
    query = (Interaction.select(Interaction.id, Interaction.customer, Customer.code,
                                Customer.name, Interaction.follow_up_on, Interaction.kind,
                                Interaction.occurred_at, Interaction.follow_up_note)
             .join(Customer)
             .where(Interaction.follow_up_on.is_null(False) & ~Interaction.follow_up_done
                    & (Interaction.follow_up_on <= as_of)))
    items = []
    # Thousands of follow-ups share a few hundred due days, and a few hundred titles (a
    # kind of contact and its day, the day being the first ten characters of the moment
    # as the store or the driver gives it).
    days: dict[object, tuple[dt.date, int]] = {}
    titles: dict[tuple[object, str], str] = {}
    # Raw rows: thousands of follow-ups' fields through peewee cost more than the query.
    for (contact_id, customer_id, code, name, due_text, kind, at, opening) in _raw(query):
        due_waited = days.get(due_text)
        if due_waited is None:
            due = stored_day(due_text)
            due_waited = days[due_text] = (due, (as_of - due).days)
        title_key = (kind, str(at)[:10])
        title = titles.get(title_key)
        if title is None:
            title = titles[title_key] = f"Follow up the {kind} of {short_date(stored_day(at))}"
        items.append(WorkItem(FOLLOW_UP, contact_id, customer_id, code, name, *due_waited,
                              title, first_line(opening), None, ""))
    return items


def _promises(as_of: dt.date, grace_days: int) -> list[WorkItem]:
    """Open promises whose date has come, and broken ones still owed."""
    def come(status: PromiseStatus) -> pw.ModelSelect:
        return (Promise.select(Promise.id, Promise.customer, Customer.code, Customer.name,
                               Promise.promised_for, Promise.status, Promise.amount_minor,
                               Promise.currency, Promise.owed_minor)
                .join(Customer)
                .where((Promise.status == status) & (Promise.promised_for <= as_of)))

    # A broken promise paid since is left in the store (most of them, on a big book): its
    # kept still-owed amount is nought, outside the partial index the broken promises
    # still owed are read from. Each part is read through its own partial index (one
    # WHERE with OR reads every promise), then put in the promises' order.
    query = come(PromiseStatus.OPEN) + come(PromiseStatus.BROKEN).where(Promise.owed_minor > 0)
    items = []
    days: dict[object, _PromiseDay] = {}  # thousands of promises share a few hundred days
    for (promise_id, customer_id, code, name, promised_text, status, amount, currency,
         owed) in sorted(_raw(query)):
        day = days.get(promised_text)
        if day is None:
            day = days[promised_text] = _promise_day(stored_day(promised_text), as_of,
                                                     grace_days)
        broken = status == PromiseStatus.BROKEN or day.late
        if broken and not owed:
            continue  # paid since, late: nothing left to chase
        money = format_money(amount, currency)
        if broken:
            # A broken promise nothing was paid on owes its amount, already in words.
            still = money if owed == amount else format_money(int(owed), currency)
            items.append(WorkItem(
                PROMISE_BROKEN, promise_id, customer_id, code, name, *day.broken,
                f"Broken promise to pay {money} by {day.promised}",
                f"Still owed on the invoices promised: {still}", amount, currency))
        else:
            items.append(WorkItem(
                PROMISE_DUE, promise_id, customer_id, code, name, *day.due,
                f"Promise to pay {money} by {day.promised}", day.check, amount, currency))
    return items


class _PromiseDay(NamedTuple):
    """What the promises to pay by one day share on the list."""

    promised: str  # the day, as the titles write it
    late: bool  # its grace has passed
    broken: tuple[dt.date, int]  # the day a broken one came due, and the days since
    due: tuple[dt.date, int]  # the day itself, and the days since
    check: str  # the detail of one still in time


def _promise_day(promised_for: dt.date, as_of: dt.date, grace_days: int) -> _PromiseDay:
    deadline = promise_deadline(promised_for, grace_days)
    broken_on = deadline + dt.timedelta(days=1)
    return _PromiseDay(short_date(promised_for), as_of > deadline,
                       (broken_on, _days(as_of, broken_on)),
                       (promised_for, _days(as_of, promised_for)),
                       f"Check the payment has arrived (grace until {short_date(deadline)})")


def _stage_actions(as_of: dt.date, actions: Sequence[DueAction]) -> list[WorkItem]:
    """The follow-up stages due on invoices, one per account, named by its oldest invoice
    (an instalment's reminder is told with its instalment: :func:`_instalments`)."""
    items = []
    # By stage, its title and how long after the invoice that reached it it falls due:
    # thousands of actions share a few stages.
    stages: dict[int, tuple[str, dt.timedelta]] = {}
    for action in actions:
        if action.instalment is not None:
            continue
        invoices = action.invoices
        stage = stages.get(action.stage.id)
        if stage is None:
            stage = stages[action.stage.id] = (
                _stage_title(action), dt.timedelta(days=action.stage.offset_days))
        title, offset = stage
        if len(invoices) == 1:  # the one invoice is at the action's stage
            detail = f"Invoice {invoices[0].number}"
            reached_on = invoices[0].due_date
        else:
            detail = f"Invoices {', '.join([i.number for i in invoices])}"
            reached_on = _stage_reached_on(action)
        if action.no_email_address:
            detail += " — no e-mail address: print a letter instead"
        due = reached_on + offset
        items.append(WorkItem(
            STAGE_ACTION, invoices[0].id, action.customer_id, action.customer_code,
            action.customer_name, due, _days(as_of, due), title, detail, action.total_minor,
            action.currency, True))
    return items


def perhaps_sent(item: WorkItem) -> bool:
    """Whether the item is an e-mail that may have gone (Duly was closed, or the
    connection broke, while it was handed over): the user checks before it goes again."""
    return item.kind == EMAIL_FAILED and item.title.startswith(f"{PERHAPS_SENT}: ")


def _emails_not_sent(as_of: dt.date) -> list[WorkItem]:
    """E-mails the mail server did not take, or that may not have gone, to retry."""
    query = (OutboxMessage.select(OutboxMessage.id, OutboxMessage.customer, Customer.code,
                                  Customer.name, OutboxMessage.queued_at,
                                  OutboxMessage.subject, OutboxMessage.error,
                                  OutboxMessage.status)
             .join(Customer)
             .where(OutboxMessage.status.in_([OutboxState.FAILED, OutboxState.UNCERTAIN])))
    items = []
    for (outbox_id, customer_id, code, name, queued_at, subject, error,
         status) in query.tuples():
        what = PERHAPS_SENT if status == OutboxState.UNCERTAIN else NOT_SENT
        items.append(_waiting(WorkItem(
            EMAIL_FAILED, outbox_id, customer_id, code, name, queued_at.date(), 0,
            f"{what}: {subject}", error, None, ""), as_of))
    return items


def _unchased(new_overdue: list[WorkItem], stages: list[WorkItem]) -> list[WorkItem]:
    """Newly overdue accounts the follow-up stages are not already chasing: none is
    due for them today and none has been carried out on the invoice that fell due."""
    chased = {item.customer_id for item in stages}
    started = {invoice_id for (invoice_id,) in _raw(StageExecution.select(StageExecution.invoice)
               .where(one_of(StageExecution.invoice, [i.ref_id for i in new_overdue])))}
    return [item for item in new_overdue
            if item.customer_id not in chased and item.ref_id not in started]


def _stage_title(action: DueAction) -> str:
    """The stage's name, with how it is made unless the name says it already."""
    channel = Channel.word_for(action.stage.channel).lower()
    named = any(word in action.stage.name.casefold() for word in ("call", "mail", "letter"))
    return action.stage.name if named else f"{action.stage.name} ({channel})"


def _stage_reached_on(action: DueAction) -> dt.date:
    """The due day of the action's oldest invoice at its stage: the stage falls due its
    offset after it."""
    stage_id = action.stage.id
    return min([i.due_date for i in action.invoices if i.stage_id == stage_id])


def _new_overdue(as_of: dt.date) -> list[WorkItem]:
    """Accounts whose oldest overdue invoice fell due in the last week."""
    since = as_of - dt.timedelta(days=NEW_OVERDUE_DAYS)
    overdue = ((Invoice.open_minor > 0) & (Invoice.status == InvoiceStatus.OPEN)
               & (Invoice.due_date < as_of) & ~Customer.on_hold)
    earlier = Invoice.alias()
    overdue_before = earlier.select(pw.SQL("1")).where(
        (earlier.customer == Invoice.customer) & (earlier.currency == Invoice.currency)
        & (earlier.open_minor > 0) & (earlier.status == InvoiceStatus.OPEN)
        & (earlier.due_date < since))
    # The invoices fallen due in the week, from the open invoices by due day (store v31),
    # of accounts with none overdue before it, each account's looked for in the open
    # invoices' index: grouping every overdue account to find the new ones read all
    # 44,000 overdue invoices of the big store. Raw rows (the dates as text sort as the
    # days do): only each new account's first row's day is needed.
    invoices: dict[tuple[int, str], list[tuple[Any, ...]]] = {}
    for row in _raw(Invoice.select(Invoice.customer, Invoice.currency, Invoice.id,
                                   Invoice.number, Invoice.due_date, Invoice.open_minor,
                                   Customer.code, Customer.name)
                    .join(Customer)
                    .where(overdue & (Invoice.due_date >= since)
                           & ~pw.fn.EXISTS(overdue_before))
                    .order_by(Invoice.due_date, Invoice.id)):
        invoices.setdefault((row[0], row[1]), []).append(row)
    items = []
    for (customer_id, currency), rows in invoices.items():
        _, _, invoice_id, number, first_text, _, code, name = rows[0]
        first = stored_day(first_text)
        total = sum(row[5] for row in rows)
        more = f" and {len(rows) - 1} more" if len(rows) > 1 else ""
        items.append(_waiting(WorkItem(
            NEW_OVERDUE, invoice_id, customer_id, code, name, first, 0,
            f"Newly overdue: {format_money(total, currency)}",
            f"Invoice {number}{more} fell due on {short_date(first)}", total, currency),
            as_of))
    return items


_THANKS_TITLES = {PAID_UP: "Say thank you: account paid up",
                  PROMISE_KEPT: "Say thank you: promise kept",
                  PLAN_COMPLETED: "Say thank you: payment plan completed",
                  ON_TIME: "Say thank you: always pays on time"}


def _thank_yous(as_of: dt.date) -> list[WorkItem]:
    """Thank-yous to offer: accounts paid up after a chase, broken promises kept, plans
    completed, and a yearly one to customers who always pay on time."""
    items = []
    for due in thanks_due(as_of) + on_time_thanks_due(as_of):
        detail = due.detail + ("" if due.has_email else " — no e-mail address: a letter")
        if due.loyalty_incentive:
            detail += f"; your loyalty offer: {due.loyalty_incentive.lower()} waived"
        items.append(_waiting(WorkItem(
            due.kind, due.ref_id, due.customer_id, due.customer_code, due.customer_name,
            due.due_on, 0, _THANKS_TITLES[due.kind], detail, due.amount_minor, due.currency),
            as_of))
    return items


def _check_ins(as_of: dt.date) -> list[WorkItem]:
    """Check-ins with good customers whose cadence has come round."""
    items = []
    for due in check_ins_due(as_of):
        last = (f"last check-in {short_date(due.last_check_in)}" if due.last_check_in
                else "no check-in yet")
        items.append(_waiting(WorkItem(
            CHECK_IN, due.ref_id, due.customer_id, due.customer_code, due.customer_name,
            due.due_on, 0, f"Check in with {due.customer_name}",
            f"Every {due.cadence_days} days; {last}", None, ""), as_of))
    return items


def _instalments(as_of: dt.date, actions: Sequence[DueAction]) -> list[WorkItem]:
    """Each active plan's next instalment, when it falls due within the week or was not
    paid by its date (in its grace, or past it and not yet defaulted), with its reminder
    when one is due."""
    reminders = {a.instalment.instalment_id: a for a in actions if a.instalment is not None}
    items = []
    for standing in active_plans(as_of, None):  # as the engine asked, read once
        following = standing.next_instalment
        if following is None:
            continue
        late = as_of > following.due_date
        if not late and (following.due_date - as_of).days > INSTALMENT_SOON_DAYS:
            continue
        money = format_money(following.left_minor, standing.currency)
        day = short_date(following.due_date)
        notes = [f"Plan {plan_reference(standing.plan_id)}, instalment {following.position} "
                 f"of {standing.instalment_count}"]
        if not late:
            when = "today" if following.due_date == as_of else f"on {day}"
            title = f"Instalment due {when}: {money}"
        else:
            title = f"Instalment missed: {money} due {day}"
            notes.append(f"grace until {short_date(following.last_day)}"
                         if as_of <= following.last_day else
                         "past its grace: the plan breaks once the customer has had the "
                         "reminder")
        reminder = reminders.get(following.id)
        if reminder is not None:
            made = Channel.word_for(reminder.stage.channel).lower()
            notes.append(f"“{reminder.stage.name}” ({made}) is due"
                         + (" — no e-mail address: a letter" if reminder.no_email_address
                            else ""))
        items.append(_waiting(WorkItem(
            INSTALMENT_LATE if late else INSTALMENT_DUE, following.id, standing.customer_id,
            standing.customer_code, standing.customer_name, following.due_date, 0, title,
            "; ".join(notes), following.left_minor, standing.currency,
            reminder_due=reminder is not None), as_of))
    return items


def _plans_broken(as_of: dt.date) -> list[WorkItem]:
    """Plans defaulted in the last week: which instalment broke it, and where chasing
    resumed."""
    since = as_of - dt.timedelta(days=PLAN_DEFAULTED_DAYS)
    items = []
    for (plan_id, customer_id, code, name, currency, _agreed, ended_on,
         reason) in plans_ended(PlanStatus.DEFAULTED, since, as_of):
        missed = plan_standing(plan_id, ended_on).missed
        what = f"instalment {missed[0].position} missed" if missed else "plan broken"
        resumed = resume_point(plan_id, ended_on)
        then = (f"chasing resumes at “{resumed.stage_name}” on {short_date(resumed.due_on)}"
                if resumed is not None else "no follow-up stage is left to resume at")
        items.append(_waiting(WorkItem(
            PLAN_DEFAULTED, plan_id, customer_id, code, name, ended_on, 0,
            f"Plan broken: {name} — {what}; {then}",
            f"Plan {plan_reference(plan_id)}: {reason}",
            missed[0].left_minor if missed else None, currency if missed else ""), as_of))
    return items


def _waiting(item: WorkItem, as_of: dt.date) -> WorkItem:
    """The item with the days it has waited by ``as_of`` (made anew: ``replace`` reads
    the fields' definitions on every call)."""
    return WorkItem(item.kind, item.ref_id, item.customer_id, item.customer_code,
                    item.customer_name, item.due_on, _days(as_of, item.due_on), item.title,
                    item.detail, item.amount_minor, item.currency, item.reminder_due)


def _days(as_of: dt.date, due_on: dt.date) -> int:
    """Days an item due on ``due_on`` has waited by ``as_of`` (none before it is due)."""
    return max((as_of - due_on).days, 0)


def _raw(query: pw.Query) -> list[tuple[Any, ...]]:
    """The query's rows as the store gives them: dates as text, no field conversions."""
    return list(database.execute_sql(*query.sql()))
