"""A customer's timeline: every contact, payment, promise, dispute and plan event
in one list, newest first."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass

from models.dates import short_date
from models.errors import LedgerError
from models.kinds import (
    ChargeKind,
    ContactKind,
    DisputeCategory,
    DisputeStatus,
    PlanStatus,
    ReferralStatus,
)
from models.money import format_money
from models.schema import (
    AgencyReferral,
    AuditEntry,
    Charge,
    CreditNote,
    Customer,
    DisputeCase,
    DisputedInvoice,
    DisputeNote,
    FollowUpStage,
    Instalment,
    Interaction,
    Invoice,
    Payment,
    PaymentPlan,
    Promise,
    PromiseInvoice,
    StageExecution,
)

# What the timeline can be narrowed to, in the order the user is offered it.
TIMELINE_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Everything", ()),
    ("Calls, meetings and notes", ("call", "meeting", "sms", "note")),
    ("Letters and e-mails", ("letter", "email", "reminder skipped")),
    ("Payments, credit notes and charges", ("payment", "credit note", "charge")),
    ("Promises", ("promise",)),
    ("Disputes and holds", ("dispute", "hold")),
    ("Plans and agency", ("plan", "agency")),
)

_AUDITED = {"dispute invoice": ("dispute", "Invoice {number} disputed"),
            "release dispute": ("dispute", "Dispute on invoice {number} ended"),
            "put on hold": ("hold", "Account put on hold"),
            "release hold": ("hold", "Hold on the account released")}


@dataclass(frozen=True)
class TimelineEntry:
    """One event on a customer's account."""

    kind: str  # a contact kind, or payment, credit note, promise, dispute, hold, plan, agency
    at: dt.datetime
    title: str
    detail: str
    amount_minor: int | None
    currency: str
    status: str  # e.g. a promise's "kept"/"broken", a voided payment's "void"
    contact_id: int | None  # contacts can have their note corrected


def customer_timeline(customer_id: int,
                      kinds: Collection[str] = ()) -> list[TimelineEntry]:
    """The customer's events, newest first; only ``kinds`` when given."""
    if not Customer.select().where(Customer.id == customer_id).exists():
        raise LedgerError("customer", "That customer no longer exists.")
    entries = (_contacts(customer_id) + _money_in(customer_id) + _promises(customer_id)
               + _audited(customer_id) + _disputes(customer_id) + _plans(customer_id)
               + _referrals(customer_id)
               + _charges(customer_id) + _skipped_stages(customer_id))
    if kinds:
        entries = [e for e in entries if e.kind in kinds]
    # At the same moment a contact comes before what was recorded from it.
    entries.sort(key=lambda e: (e.at, e.contact_id is None), reverse=True)
    return entries


def _contacts(customer_id: int) -> list[TimelineEntry]:
    rows = []
    for contact in Interaction.select().where(Interaction.customer == customer_id):
        who = contact.with_whom or "the customer"
        heading = ContactKind.word_for(contact.kind)
        if contact.kind == ContactKind.NOTE:
            title = "Note"
        elif contact.direction == "incoming":
            title = f"{heading} from {who}"
        else:
            title = f"{heading} to {who}"
        detail = contact.summary
        if contact.outcome:
            detail = f"{detail}\nOutcome: {contact.outcome}" if detail else (
                f"Outcome: {contact.outcome}")
        status = ""
        if contact.follow_up_on is not None:  # whether it is done is the status's to say
            detail += f"\nFollow up on {short_date(contact.follow_up_on)}"
            status = "follow-up done" if contact.follow_up_done else "follow-up"
        rows.append(TimelineEntry(contact.kind, contact.occurred_at, title, detail, None, "",
                                  status, contact.id))
    return rows


def _money_in(customer_id: int) -> list[TimelineEntry]:
    rows = []
    for payment in Payment.select().where(Payment.customer == customer_id):
        detail = " · ".join(p for p in (payment.method, payment.reference) if p)
        rows.append(TimelineEntry(
            "payment", _start_of(payment.received_on), "Payment received", detail,
            payment.amount_minor, payment.currency, "void" if payment.voided else "", None))
    for note in CreditNote.select().where(CreditNote.customer == customer_id):
        rows.append(TimelineEntry(
            "credit note", _start_of(note.issue_date), f"Credit note {note.number}",
            note.reason, note.amount_minor, note.currency, "void" if note.voided else "", None))
    return rows


def _promises(customer_id: int) -> list[TimelineEntry]:
    numbers: dict[int, list[str]] = {}
    for promise_id, number in (PromiseInvoice.select(PromiseInvoice.promise, Invoice.number)
                               .join(Invoice).switch(PromiseInvoice).join(Promise)
                               .where(Promise.customer == customer_id).tuples()):
        numbers.setdefault(promise_id, []).append(number)
    rows = []
    for promise in Promise.select().where(Promise.customer == customer_id):
        owed = format_money(promise.amount_minor, promise.currency)
        invoices = ", ".join(sorted(numbers.get(promise.id, [])))
        detail = f"For invoice {invoices}" if invoices else ""
        rows.append(TimelineEntry(
            "promise", promise.created_at, f"Promised to pay {owed} by "
            f"{short_date(promise.promised_for)}", detail, promise.amount_minor,
            promise.currency, promise.status, None))
        if promise.status in ("kept", "broken") and promise.resolved_on is not None:
            rows.append(TimelineEntry(
                "promise", _start_of(promise.resolved_on),
                f"Promise of {owed} {promise.status}", detail, promise.amount_minor,
                promise.currency, promise.status, None))
    return rows


def _audited(customer_id: int) -> list[TimelineEntry]:
    invoices = dict(Invoice.select(Invoice.id, Invoice.number)
                    .where(Invoice.customer == customer_id).tuples())
    query = AuditEntry.select().where(
        AuditEntry.action.in_(list(_AUDITED))
        & (((AuditEntry.table == "invoice") & AuditEntry.row_id.in_(list(invoices)))
           | ((AuditEntry.table == "customer") & (AuditEntry.row_id == customer_id))))
    rows = []
    for entry in query:
        kind, title = _AUDITED[entry.action]
        after = json.loads(entry.after) if entry.after else {}
        before = json.loads(entry.before) if entry.before else {}
        if "case_id" in after or "case_id" in before:
            continue  # the case tells it (_disputes), once for all its invoices
        reason = after.get("dispute_reason") or after.get("hold_reason") or ""
        rows.append(TimelineEntry(kind, entry.at, title.format(number=invoices.get(
            entry.row_id, "")), reason, None, "", "", None))
    return rows


_ENDED = {DisputeStatus.CREDITED: "settled by credit note",
          DisputeStatus.REJECTED: "rejected", DisputeStatus.WITHDRAWN: "withdrawn"}


def _disputes(customer_id: int) -> list[TimelineEntry]:
    """Each dispute case: raised (what, how much, what the customer said), its notes and
    files, and how it ended."""
    cases = list(DisputeCase.select().where(DisputeCase.customer == customer_id))
    if not cases:
        return []
    ids = [case.id for case in cases]
    lines: dict[int, list[tuple[str, int]]] = {}
    for case_id, number, claimed in (DisputedInvoice
                                     .select(DisputedInvoice.case, Invoice.number,
                                             DisputedInvoice.disputed_minor)
                                     .join(Invoice).where(DisputedInvoice.case.in_(ids))
                                     .order_by(Invoice.number).tuples()):
        lines.setdefault(case_id, []).append((number, claimed))
    ended_at = {row_id: at for row_id, at in AuditEntry.select(AuditEntry.row_id, AuditEntry.at)
                .where((AuditEntry.table == "dispute_case") & AuditEntry.row_id.in_(ids)
                       & AuditEntry.action.in_([f"{s} dispute" for s in _ENDED])).tuples()}
    rows = []
    for case in cases:
        claimed = lines.get(case.id, [])
        total = sum(amount for _, amount in claimed)
        numbers = ", ".join(number for number, _ in claimed)
        noun = "invoice" if len(claimed) == 1 else "invoices"
        rows.append(TimelineEntry(
            "dispute", _moment(case.raised_on, case.created_at),
            f"Dispute #{case.id} raised on {noun} {numbers}: "
            f"{DisputeCategory.word_for(case.category).lower()}", case.customer_said, total,
            case.currency, "open" if case.status == DisputeStatus.OPEN else "", None))
        if case.status != DisputeStatus.OPEN and case.resolved_on is not None:
            rows.append(TimelineEntry(
                "dispute", _moment(case.resolved_on, ended_at.get(case.id)),
                f"Dispute #{case.id} {_ENDED.get(case.status, str(case.status))}",
                case.resolution, total, case.currency, str(case.status), None))
    for note in DisputeNote.select(DisputeNote.case, DisputeNote.written_at, DisputeNote.text,
                                   DisputeNote.file_name).where(DisputeNote.case.in_(ids)):
        title = (f"File {note.file_name} kept with dispute #{note.case_id}" if note.file_name
                 else f"Note on dispute #{note.case_id}")
        rows.append(TimelineEntry("dispute", note.written_at, title, note.text, None, "", "",
                                  None))
    return rows


def _moment(day: dt.date, recorded_at: dt.datetime | None) -> dt.datetime:
    """When an event of ``day`` happened: the moment it was recorded, if that was the same
    day (so events of one day keep their order), else the start of ``day``."""
    if isinstance(recorded_at, dt.datetime) and recorded_at.date() == day:
        return recorded_at
    return _start_of(day)


def _plans(customer_id: int) -> list[TimelineEntry]:
    rows = []
    # A plan agreed through models.plans has its agreement as a contact already.
    told = {plan_id for (plan_id,) in Interaction.select(Interaction.plan).where(
        (Interaction.customer == customer_id) & Interaction.plan.is_null(False)).tuples()}
    for plan in PaymentPlan.select().where(PaymentPlan.customer == customer_id):
        instalments = list(Instalment.select().where(Instalment.plan == plan.id))
        total = sum(i.amount_minor for i in instalments)
        if plan.id not in told:
            detail = f"{len(instalments)} instalments"
            if plan.notes:
                detail += f". {plan.notes}"
            rows.append(TimelineEntry(
                "plan", _start_of(plan.agreed_on), "Payment plan agreed", detail, total,
                plan.currency, plan.status, None))
        if plan.ended_on is not None:
            rows.append(TimelineEntry(
                "plan", _start_of(plan.ended_on),
                f"Payment plan {PlanStatus.word_for(plan.status).lower()}", plan.end_reason,
                total, plan.currency, plan.status, None))
    return rows


def _referrals(customer_id: int) -> list[TimelineEntry]:
    rows = []
    for referral in AgencyReferral.select().where(AgencyReferral.customer == customer_id):
        rows.append(TimelineEntry(
            "agency", _start_of(referral.referred_on), f"Referred to {referral.agency.name}",
            referral.notes, None, referral.currency, referral.status, None))
        for update in referral.updates:
            title = f"{referral.agency.name}: {ReferralStatus.word_for(update.status).lower()}"
            if update.recovered_minor:
                title = (f"{referral.agency.name} recovered "
                         f"{format_money(update.recovered_minor, referral.currency)} "
                         f"(commission {format_money(update.commission_minor, referral.currency)})")
            rows.append(TimelineEntry(
                "agency", _start_of(update.reported_on), title, update.note,
                update.recovered_minor or None, referral.currency, update.status, None))
    return rows


_CHARGE_WORDS = {ChargeKind.INTEREST: "Late-payment interest",
                 ChargeKind.COMPENSATION: "Fixed compensation", ChargeKind.FEE: "Fee"}


def _charges(customer_id: int) -> list[TimelineEntry]:
    """Charges on the customer's invoices, each with its calculation in words."""
    query = (Charge.select(Charge, Invoice.number.alias("number"))
             .join(Invoice).where(Invoice.customer == customer_id).objects())
    return [TimelineEntry(
        "charge", charge.created_at, f"{_CHARGE_WORDS.get(charge.kind, charge.kind)} on "
        f"invoice {charge.number}", charge.description, charge.amount_minor, charge.currency,
        "void" if charge.voided else "", None) for charge in query]


def _skipped_stages(customer_id: int) -> list[TimelineEntry]:
    """Follow-up reminders the user chose not to send, one entry per decision."""
    query = (StageExecution.select(StageExecution.executed_on, StageExecution.skip_reason,
                                   FollowUpStage.position, FollowUpStage.name, Invoice.number)
             .join(FollowUpStage).switch(StageExecution).join(Invoice)
             .where((Invoice.customer == customer_id) & (StageExecution.skip_reason != ""))
             .tuples())
    skipped: dict[tuple[dt.date, str], tuple[tuple[int, str], list[str]]] = {}
    for day, reason, position, stage, number in query:
        top, numbers = skipped.get((day, reason), ((position, stage), []))
        skipped[(day, reason)] = (max(top, (position, stage)), numbers + [number])
    return [TimelineEntry("reminder skipped", _start_of(day), f"“{stage}” not sent",
                          f"{reason}\nFor invoice {', '.join(sorted(numbers))}", None, "",
                          "skipped", None)
            for (day, reason), ((_, stage), numbers) in skipped.items()]


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())

