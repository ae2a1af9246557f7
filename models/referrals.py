"""Handing an account to a collection agency, and what comes of it.

Before a referral, :func:`referral_check` looks for each step good practice (and, for
consumers, the law) asks of the business, and names each one missing in the user's
words:

- the final notice was sent for every invoice referred (the last stage of the
  customer's follow-up policy that writes: a letter or an e-mail), and the time it gave
  the customer (:data:`NOTICE_DAYS`, as the final notice's own text says) has passed;
- none of the invoices is in an open dispute, and the customer has no active
  payment plan;
- the customer was told the account would be referred: a contact marked as that
  warning (:func:`record_warning`: a new contact, or the final notice itself when its
  text said so), at least :data:`NOTICE_DAYS` days before.

:func:`refer` records the referral (the agency's commission copied onto it) and gives
its invoices the status ``with_agency``: that status is what keeps Duly from chasing
them (the follow-up engine holds every such invoice back, :mod:`models.followup`).
The agency's updates are recorded with a date and a note (:func:`record_update`);
money it recovers is the customer's payment on the referred invoices, and the
commission it keeps of it is the business's cost, kept on the update, never a charge
on the customer (:func:`record_recovery`). Recalling the account
(:func:`recall`), or the agency returning it or giving it up, gives the invoices still
open back to the business, and chasing resumes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from models import input_rules as rules
from models.agencies import case_commission
from models.allocations import hold_account_of, hold_accounts
from models.audit import record_change
from models.contacts import refresh_contact_summary
from models.dates import long_date
from models.db import writing
from models.disputed import claims, live_status
from models.errors import LedgerError
from models.kinds import (
    LIVE_REFERRAL_STATUSES,
    Channel,
    ContactKind,
    Direction,
    InvoiceStatus,
    PlanStatus,
    ReferralStatus,
)
from models.ledger import record_payment
from models.money import format_money
from models.policy_stages import Stage, default_policy_id, stages_by_policy
from models.schema import (
    Agency,
    AgencyReferral,
    Customer,
    FollowUpPolicy,
    FollowUpStage,
    Interaction,
    Invoice,
    OutboxMessage,
    PaymentPlan,
    ReferralInvoice,
    ReferralUpdate,
    StageExecution,
)

# The days the final notice gives the customer to pay ("within 7 days", as Duly's final
# notice says), and the least time between the warning of a referral and the referral.
NOTICE_DAYS = 7

# The statuses an agency reports, and those that end the referral; the ones that give
# the account back to the business (chasing resumes on what is still open).
UPDATE_STATUSES = (ReferralStatus.ACKNOWLEDGED, ReferralStatus.CONTACTING,
                   ReferralStatus.PLAN_AGREED, ReferralStatus.PAID,
                   ReferralStatus.UNCOLLECTABLE, ReferralStatus.RETURNED)
ENDING_STATUSES = (ReferralStatus.PAID, ReferralStatus.RECOVERED, ReferralStatus.UNCOLLECTABLE,
                   ReferralStatus.RETURNED, ReferralStatus.CLOSED, ReferralStatus.WITHDRAWN)
RECOVERY_METHOD = "collection agency"


@dataclass(frozen=True)
class CheckStep:
    """One step of the pre-referral check: done, or why not in the user's words."""

    name: str
    done: bool
    words: str  # what was found when done; the reason and what to do when not


@dataclass(frozen=True)
class ReferralCheck:
    """The pre-referral check of an account: the invoices it would refer and each step."""

    customer_id: int
    customer_name: str
    invoice_ids: tuple[int, ...]
    invoice_numbers: tuple[str, ...]
    amount_minor: int  # open on those invoices
    currency: str
    steps: tuple[CheckStep, ...]
    final_notice_contact_id: int | None  # the contact that sent the latest final notice

    @property
    def passed(self) -> bool:
        """Every step is done."""
        return all(step.done for step in self.steps)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the account may not be referred yet, one line a missing step."""
        return tuple(step.words for step in self.steps if not step.done)


@dataclass(frozen=True)
class ReferralRow:
    """A referral as the list shows it, with its money in the customer's currency."""

    id: int
    customer_id: int
    customer_code: str
    customer_name: str
    agency_id: int
    agency_name: str
    agency_email: str
    invoice_ids: tuple[int, ...]
    invoice_numbers: tuple[str, ...]
    referred_on: dt.date
    referred_minor: int
    open_minor: int  # still open on its invoices
    recovered_minor: int  # gross, as the agency collected it
    commission_minor: int  # what the agency kept of it
    currency: str
    status: str
    ended_on: dt.date | None
    commission_percent: Decimal | None
    commission_min_minor: int | None
    override_reason: str
    notes: str

    @property
    def net_minor(self) -> int:
        """What the business keeps of what the agency recovered."""
        return self.recovered_minor - self.commission_minor

    @property
    def live(self) -> bool:
        """The agency has the account (Duly does not chase its invoices)."""
        return self.status in LIVE_REFERRAL_STATUSES

    @property
    def status_word(self) -> str:
        """The status as the window names it."""
        return ReferralStatus.word_for(self.status)


@dataclass(frozen=True)
class UpdateRow:
    """One update of a referral's history."""

    id: int
    reported_on: dt.date
    status: str
    note: str
    recovered_minor: int
    commission_minor: int
    payment_id: int | None

    @property
    def net_minor(self) -> int:
        """What the business keeps of the money recovered in this update."""
        return self.recovered_minor - self.commission_minor


@dataclass(frozen=True)
class Recovery:
    """Money an agency recovered: the gross amount paid on the invoices, the commission
    the agency keeps, and what the business nets."""

    update_id: int
    payment_id: int
    gross_minor: int
    commission_minor: int
    currency: str

    @property
    def net_minor(self) -> int:
        """Gross less the commission."""
        return self.gross_minor - self.commission_minor


# --- the pre-referral check ----------------------------------------------------------

def referral_check(customer_id: int, invoice_ids: Sequence[int] | None,
                   as_of: dt.date) -> ReferralCheck:
    """Whether the customer's invoices (all those overdue and not yet with an agency,
    when ``invoice_ids`` is None) may be referred on ``as_of``: each step, done or
    refused with its reason."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise LedgerError("customer", "That customer no longer exists.")
    invoices, invoice_step = _invoices_step(customer, invoice_ids, as_of)
    ids = tuple(int(i.id) for i in invoices)
    final = _final_notice_stage(customer)
    sent, notice_steps = _final_notice_steps(final, invoices, as_of)
    steps = (invoice_step, *notice_steps, _dispute_step(invoices), _plan_step(customer),
             _warning_step(customer_id, as_of))
    return ReferralCheck(
        customer_id=customer_id, customer_name=customer.name, invoice_ids=ids,
        invoice_numbers=tuple(i.number for i in invoices),
        amount_minor=sum(int(i.open_minor) for i in invoices), currency=customer.currency,
        steps=steps, final_notice_contact_id=sent)


def _invoices_step(customer: Customer, invoice_ids: Sequence[int] | None,
                   as_of: dt.date) -> tuple[list[Invoice], CheckStep]:
    name = "Invoices to refer"
    if invoice_ids is None:
        invoices = list(Invoice.select().where(
            (Invoice.customer == customer.id) & (Invoice.open_minor > 0)
            & (Invoice.status.in_([InvoiceStatus.OPEN, InvoiceStatus.DISPUTED]))
            & (Invoice.currency == customer.currency) & (Invoice.due_date < as_of))
            .order_by(Invoice.due_date, Invoice.id))
        if not invoices:
            return [], CheckStep(name, False, f"{customer.name} has no overdue invoice in "
                                              f"{customer.currency} to refer.")
    else:
        wanted = list(dict.fromkeys(invoice_ids))
        if not wanted:
            return [], CheckStep(name, False, "Choose at least one invoice to refer.")
        invoices = list(Invoice.select().where(Invoice.id.in_(wanted))
                        .order_by(Invoice.due_date, Invoice.id))
        problem = _invoice_problem(customer, invoices, len(wanted), as_of)
        if problem:
            return invoices, CheckStep(name, False, problem)
    total = format_money(sum(int(i.open_minor) for i in invoices), customer.currency)
    numbers = ", ".join(i.number for i in invoices)
    return invoices, CheckStep(name, True, f"{numbers}: {total} open.")


def _invoice_problem(customer: Customer, invoices: list[Invoice], wanted: int,
                     as_of: dt.date) -> str:
    if len(invoices) != wanted or any(i.customer_id != customer.id for i in invoices):
        return f"Some of those invoices are not {customer.name}'s; choose among theirs."
    for invoice in invoices:
        if invoice.status == InvoiceStatus.WITH_AGENCY:
            return f"{invoice.number} is already with a collection agency."
        if invoice.open_minor <= 0 or invoice.status not in (InvoiceStatus.OPEN,
                                                               InvoiceStatus.DISPUTED):
            return f"{invoice.number} has nothing open to collect; leave it out."
        if invoice.currency != customer.currency:
            return (f"{invoice.number} is in {invoice.currency}; refer only invoices in "
                    f"{customer.currency}, the account's currency.")
        if invoice.due_date >= as_of:
            return f"{invoice.number} is not overdue yet (due {long_date(invoice.due_date)})."
    return ""


def _final_notice_stage(customer: Customer) -> Stage | None:
    """The customer's final notice: the last stage of their follow-up policy that sends
    a letter or an e-mail (a call after it, "agency review", is not a notice)."""
    policy_id = customer.followup_policy_id or default_policy_id()
    written = [s for s in stages_by_policy().get(policy_id or 0, [])
               if s.channel != Channel.PHONE]
    return written[-1] if written else None


def _final_notice_steps(final: Stage | None, invoices: list[Invoice],
                        as_of: dt.date) -> tuple[int | None, tuple[CheckStep, CheckStep]]:
    sent_name, deadline_name = "Final notice sent", "Final notice's deadline passed"
    if final is None:
        reason = ("Their follow-up policy has no letter or e-mail stage to serve as the final "
                  "notice: add one, or send a final notice and log it.")
        return None, (CheckStep(sent_name, False, reason),
                      CheckStep(deadline_name, False, "No final notice gave them a deadline."))
    policy = FollowUpPolicy.get_by_id(final.policy_id).name
    sent = {row.invoice_id: row for row in StageExecution.select().where(
        StageExecution.invoice.in_([i.id for i in invoices])
        & (StageExecution.stage == final.id) & StageExecution.interaction.is_null(False))}
    missing = [i.number for i in invoices if i.id not in sent]
    if not invoices:
        return None, (CheckStep(sent_name, False, "No invoice to look for a final notice on."),
                      CheckStep(deadline_name, False, "No final notice gave them a deadline."))
    latest = max(sent.values(), key=lambda row: (row.executed_on, row.id), default=None)
    if latest is None or missing:
        reason = (f"The final notice (the “{final.name}” stage of the {policy} policy) was "
                  f"not sent for {', '.join(missing)}: send it first.")
        return (latest.interaction_id if latest is not None else None), (
            CheckStep(sent_name, False, reason),
            CheckStep(deadline_name, False, "No final notice gave them a deadline for every "
                                            "invoice."))
    deadline = latest.executed_on + dt.timedelta(days=NOTICE_DAYS)
    done = CheckStep(sent_name, True, f"“{final.name}” sent on {long_date(latest.executed_on)}.")
    if as_of <= deadline:
        return latest.interaction_id, (done, CheckStep(
            deadline_name, False, f"The final notice gave them until {long_date(deadline)} to "
                                  f"pay; refer the account after that day."))
    return latest.interaction_id, (done, CheckStep(
        deadline_name, True, f"They had until {long_date(deadline)}."))


def _dispute_step(invoices: list[Invoice]) -> CheckStep:
    name = "No open dispute"
    claimed = claims([i.id for i in invoices])
    disputed = [i.number for i in invoices if claimed.get(i.id)]
    if disputed:
        one = len(disputed) == 1
        return CheckStep(name, False, f"{', '.join(disputed)} {'is' if one else 'are'} in "
                                      f"dispute: settle the dispute first, or leave "
                                      f"{'it' if one else 'them'} out.")
    return CheckStep(name, True, "None of the invoices is in dispute.")


def _plan_step(customer: Customer) -> CheckStep:
    name = "No active payment plan"
    plan = (PaymentPlan.select().where((PaymentPlan.customer == customer.id)
                                       & (PaymentPlan.status == PlanStatus.ACTIVE))
            .order_by(PaymentPlan.agreed_on.desc()).first())
    if plan is not None:
        return CheckStep(name, False, f"{customer.name} has a payment plan agreed on "
                                      f"{long_date(plan.agreed_on)} that is still active: "
                                      f"it must end (defaulted or cancelled) first.")
    return CheckStep(name, True, "No payment plan is active.")


def _warning_step(customer_id: int, as_of: dt.date) -> CheckStep:
    name = "Warned of the referral"
    warning = (Interaction.select(Interaction.occurred_at)
               .where((Interaction.customer == customer_id) & Interaction.warned_of_referral)
               .order_by(Interaction.occurred_at).first())
    if warning is None:
        return CheckStep(name, False, "No contact records that they were told the account "
                                      "would go to a collection agency: record the warning "
                                      "(or mark the final notice as the warning when it said "
                                      "so).")
    warned_on = warning.occurred_at.date()
    ready = warned_on + dt.timedelta(days=NOTICE_DAYS)
    if as_of < ready:
        return CheckStep(name, False, f"They were warned on {long_date(warned_on)}; give them "
                                      f"until {long_date(ready)} before referring.")
    return CheckStep(name, True, f"Warned on {long_date(warned_on)}.")


# --- the warning ---------------------------------------------------------------------

def record_warning(customer_id: int, *, contact_id: int | None = None,
                   on: dt.date | None = None, kind: ContactKind = ContactKind.LETTER,
                   summary: str = "") -> int:
    """Record that the customer was told the account would be referred: mark the contact
    ``contact_id`` (e.g. the final notice that said so) as that warning, or log a new
    contact of ``kind`` on ``on``; the contact's id."""
    summary = rules.check_text(summary, "summary", "the note", rules.NOTE_LIMIT).strip()
    with writing():
        if contact_id is not None:
            contact = Interaction.get_or_none((Interaction.id == contact_id)
                                              & (Interaction.customer == customer_id))
            if contact is None:
                raise LedgerError("contact", "That contact is not this customer's.")
            Interaction.update(warned_of_referral=True).where(
                Interaction.id == contact_id).execute()
            record_change("mark referral warning", "interaction", contact_id,
                          before={"warned_of_referral": contact.warned_of_referral},
                          after={"warned_of_referral": True})
            return contact_id
        if on is None:
            raise LedgerError("on", "Say on which day they were warned.")
        rules.check_date(on, "on", "The day of the warning")
        if not Customer.select().where(Customer.id == customer_id).exists():
            raise LedgerError("customer", "That customer no longer exists.")
        now = dt.datetime.now()
        fields = {"kind": ContactKind(kind), "occurred_at": dt.datetime.combine(on, dt.time(9)),
                  "summary": summary or "Told them the account would be referred to a "
                                        "collection agency unless paid.",
                  "warned_of_referral": True}
        contact = Interaction.create(customer=customer_id, created_at=now, **fields)
        refresh_contact_summary([customer_id])
        record_change("log referral warning", "interaction", contact.id,
                      after={**fields, "customer_id": customer_id})
    return int(contact.id)


# --- referring -------------------------------------------------------------------------

def refer(customer_id: int, agency_id: int, invoice_ids: Sequence[int] | None,
          on: dt.date, *, note: str = "", override_reason: str = "") -> int:
    """Refer the customer's invoices (all overdue ones when None) to the agency on
    ``on``; the referral's id. Refused, with each reason, unless the pre-referral check
    passes, or ``override_reason`` says why it is referred all the same (kept on the
    referral and in the audit log). The agency's commission is copied onto it."""
    rules.check_date(on, "on", "The referral date")
    note = rules.check_text(note, "note", "the note", rules.NOTE_LIMIT).strip()
    override_reason = rules.check_text(override_reason, "override_reason", "the reason",
                                       rules.REASON_LIMIT).strip()
    with writing():
        hold_accounts([customer_id])
        agency = Agency.get_or_none(Agency.id == agency_id)
        if agency is None:
            raise LedgerError("agency", "That agency is no longer in the directory.")
        check = referral_check(customer_id, invoice_ids, on)
        if not check.steps[0].done:
            raise LedgerError("invoices", check.steps[0].words)
        if not check.passed and not override_reason:
            raise LedgerError("check", "The account may not be referred yet:\n"
                                       + "\n".join(f"- {r}" for r in check.reasons))
        minimum = (agency.commission_min_minor
                   if agency.currency in ("", check.currency) else None)
        referral = AgencyReferral.create(
            agency=agency, customer=customer_id, referred_on=on,
            commission_percent=agency.commission_percent, commission_min_minor=minimum,
            status=ReferralStatus.REFERRED, recovered_minor=0, currency=check.currency,
            notes=note, override_reason=override_reason if not check.passed else "",
            referred_minor=check.amount_minor)
        for invoice_id in check.invoice_ids:
            ReferralInvoice.create(referral=referral, invoice=invoice_id)
        Invoice.update(status=InvoiceStatus.WITH_AGENCY).where(
            Invoice.id.in_(check.invoice_ids)).execute()
        record_change("refer to agency", "agency_referral", referral.id, after={
            "customer_id": customer_id, "agency_id": agency_id, "referred_on": on,
            "invoice_ids": list(check.invoice_ids), "referred_minor": check.amount_minor,
            "commission_percent": agency.commission_percent, "commission_min_minor": minimum,
            "refused_steps": list(check.reasons), "override_reason": referral.override_reason})
    return int(referral.id)


def record_update(referral_id: int, status: ReferralStatus, on: dt.date, note: str = "") -> int:
    """Record what the agency reported on ``on``: its new status and a note; the
    update's id. Paid, uncollectable and returned end the referral; the latter two give
    the invoices still open back to the business, and chasing resumes."""
    if status not in UPDATE_STATUSES:
        raise LedgerError("status", "Choose what the agency reported: acknowledged, "
                                    "contacting, plan agreed, paid, uncollectable or returned.")
    note = rules.check_text(note, "note", "the note", rules.NOTE_LIMIT).strip()
    with writing():
        referral = _live_referral(referral_id, on)
        update = _add_update(referral, status, on, note)
        if status in ENDING_STATUSES:
            _end(referral, status, on)
        else:
            AgencyReferral.update(status=status).where(AgencyReferral.id == referral.id).execute()
        record_change("referral update", "agency_referral", referral.id,
                      before={"status": referral.status},
                      after={"status": status, "reported_on": on, "note": note})
    return update


def commission_on_recovery(percent: Decimal | None, minimum_minor: int | None,
                           recovered_before: int, kept_before: int, gross_minor: int) -> int:
    """What the agency keeps of a new recovery of ``gross_minor``: the case's commission
    on all it has recovered, less what it kept before (so the parts add up to the case's
    commission to the penny)."""
    return case_commission(percent, minimum_minor, recovered_before + gross_minor) - kept_before


def record_recovery(referral_id: int, on: dt.date, gross_minor: int, *, note: str = "",
                    today: dt.date | None = None) -> Recovery:
    """Record money the agency recovered on ``on``: ``gross_minor`` is the customer's
    payment on the referred invoices (oldest first), and the agency's commission on it
    (its percentage of all it has recovered on the case, at least its minimum, less what
    it kept before) is the business's cost. When nothing is left open the referral is
    paid and ends."""
    gross_minor = rules.check_amount(gross_minor, "amount", "the amount recovered")
    note = rules.check_text(note, "note", "the note", rules.NOTE_LIMIT).strip()
    with writing():
        hold_account_of(AgencyReferral, referral_id)
        referral = _live_referral(referral_id, on)
        invoices = _open_invoices(referral.id)
        open_minor = sum(int(i.open_minor) for i in invoices)
        if gross_minor > open_minor:
            raise LedgerError("amount", f"Only {format_money(open_minor, referral.currency)} "
                                        f"is open on the referred invoices; record the rest "
                                        f"as an ordinary payment.")
        allocate_to, left = [], gross_minor
        for invoice in invoices:
            part = min(left, int(invoice.open_minor))
            if part:
                allocate_to.append((int(invoice.id), part))
            left -= part
        agency_name = Agency.get_by_id(referral.agency_id).name
        payment = record_payment(
            referral.customer_id, received_on=on, amount_minor=gross_minor,
            method=RECOVERY_METHOD, reference=agency_name[:rules.REFERENCE_LIMIT],
            allocate_to=allocate_to, today=today, incentives=False)
        before_minor = int(referral.recovered_minor)
        commission = commission_on_recovery(
            referral.commission_percent, referral.commission_min_minor, before_minor,
            _commission_kept(referral.id), gross_minor)
        paid_up = gross_minor == open_minor
        status = (ReferralStatus.PAID if paid_up else
                  referral.status if referral.status == ReferralStatus.PLAN_AGREED
                  else ReferralStatus.COLLECTING)
        update = _add_update(referral, status, on, note, recovered_minor=gross_minor,
                             commission_minor=commission, payment_id=payment.payment_id)
        AgencyReferral.update(recovered_minor=before_minor + gross_minor).where(
            AgencyReferral.id == referral.id).execute()
        if paid_up:
            _end(referral, status, on)
        else:
            AgencyReferral.update(status=status).where(AgencyReferral.id == referral.id).execute()
        record_change("agency recovery", "agency_referral", referral.id,
                      before={"status": referral.status, "recovered_minor": before_minor},
                      after={"status": status, "recovered_minor": before_minor + gross_minor,
                             "payment_id": payment.payment_id, "commission_minor": commission,
                             "reported_on": on})
    return Recovery(update, payment.payment_id, gross_minor, commission, referral.currency)


def recall(referral_id: int, on: dt.date, note: str = "") -> None:
    """Take the account back from the agency on ``on``: the referral ends (recalled),
    and its invoices still open are the business's again, chased as before."""
    note = rules.check_text(note, "note", "the note", rules.NOTE_LIMIT).strip()
    with writing():
        hold_account_of(AgencyReferral, referral_id)
        referral = _live_referral(referral_id, on)
        _add_update(referral, ReferralStatus.WITHDRAWN, on, note)
        _end(referral, ReferralStatus.WITHDRAWN, on)
        record_change("recall from agency", "agency_referral", referral.id,
                      before={"status": referral.status},
                      after={"status": ReferralStatus.WITHDRAWN, "ended_on": on, "note": note})


def _live_referral(referral_id: int, on: dt.date) -> AgencyReferral:
    rules.check_date(on, "on", "The date")
    referral = AgencyReferral.get_or_none(AgencyReferral.id == referral_id)
    if referral is None:
        raise LedgerError("referral", "That referral no longer exists.")
    if referral.status not in LIVE_REFERRAL_STATUSES:
        raise LedgerError("referral", f"That referral has ended "
                                      f"({ReferralStatus.word_for(referral.status).lower()}).")
    if on < referral.referred_on:
        raise LedgerError("on", f"The account was referred on {long_date(referral.referred_on)};"
                                f" choose that day or later.")
    return referral


def _add_update(referral: AgencyReferral, status: ReferralStatus, on: dt.date, note: str, *,
                recovered_minor: int = 0, commission_minor: int = 0,
                payment_id: int | None = None) -> int:
    update = ReferralUpdate.create(
        referral=referral, reported_on=on, status=status, note=note,
        recovered_minor=recovered_minor, commission_minor=commission_minor,
        payment=payment_id, created_at=dt.datetime.now())
    return int(update.id)


def _end(referral: AgencyReferral, status: ReferralStatus, on: dt.date) -> None:
    """End the referral; its invoices still open come back to the business."""
    AgencyReferral.update(status=status, ended_on=on).where(
        AgencyReferral.id == referral.id).execute()
    back = _open_invoices(referral.id)
    claimed = claims([i.id for i in back])
    for invoice in back:
        Invoice.update(status=live_status(int(invoice.open_minor), claimed.get(invoice.id, 0))
                       ).where(Invoice.id == invoice.id).execute()


def _open_invoices(referral_id: int) -> list[Invoice]:
    return list(Invoice.select().join(ReferralInvoice, on=ReferralInvoice.invoice == Invoice.id)
                .where((ReferralInvoice.referral == referral_id) & (Invoice.open_minor > 0)
                       & (Invoice.status == InvoiceStatus.WITH_AGENCY))
                .order_by(Invoice.due_date, Invoice.id))


def _commission_kept(referral_id: int) -> int:
    return int(ReferralUpdate.select(pw.fn.COALESCE(pw.fn.SUM(ReferralUpdate.commission_minor), 0))
               .where(ReferralUpdate.referral == referral_id).scalar())


# --- reading ---------------------------------------------------------------------------

def referrals(*, customer_id: int | None = None, status: str | None = None,
              agency_id: int | None = None) -> list[ReferralRow]:
    """The referrals, latest first (only a customer's, a status's or an agency's)."""
    query = (AgencyReferral.select(AgencyReferral, Customer.code.alias("code"),
                                   Customer.name.alias("customer_name"),
                                   Agency.name.alias("agency_name"),
                                   Agency.email.alias("agency_email"))
             .join(Customer, on=AgencyReferral.customer == Customer.id)
             .switch(AgencyReferral).join(Agency, on=AgencyReferral.agency == Agency.id))
    if customer_id is not None:
        query = query.where(AgencyReferral.customer == customer_id)
    if status is not None:
        query = query.where(AgencyReferral.status == status)
    if agency_id is not None:
        query = query.where(AgencyReferral.agency == agency_id)
    found = list(query.order_by(AgencyReferral.referred_on.desc(), AgencyReferral.id.desc())
                 .objects())
    ids = [r.id for r in found]
    links: dict[int, list[tuple[int, str, int]]] = {i: [] for i in ids}
    if ids:
        for referral_id, invoice_id, number, open_minor in (
                ReferralInvoice.select(ReferralInvoice.referral, Invoice.id, Invoice.number,
                                       Invoice.open_minor)
                .join(Invoice).where(ReferralInvoice.referral.in_(ids))
                .order_by(Invoice.due_date, Invoice.id).tuples()):
            links[referral_id].append((invoice_id, number, open_minor))
    kept = dict(ReferralUpdate.select(ReferralUpdate.referral,
                                      pw.fn.SUM(ReferralUpdate.commission_minor))
                .where(ReferralUpdate.referral.in_(ids)).group_by(ReferralUpdate.referral)
                .tuples()) if ids else {}
    return [ReferralRow(
        id=r.id, customer_id=r.customer_id, customer_code=r.code, customer_name=r.customer_name,
        agency_id=r.agency_id, agency_name=r.agency_name, agency_email=r.agency_email,
        invoice_ids=tuple(i for i, _, _ in links[r.id]),
        invoice_numbers=tuple(n for _, n, _ in links[r.id]), referred_on=r.referred_on,
        referred_minor=int(r.referred_minor), open_minor=sum(o for _, _, o in links[r.id]),
        recovered_minor=int(r.recovered_minor), commission_minor=int(kept.get(r.id) or 0),
        currency=r.currency, status=str(r.status), ended_on=r.ended_on,
        commission_percent=r.commission_percent, commission_min_minor=r.commission_min_minor,
        override_reason=r.override_reason, notes=r.notes) for r in found]


def referral(referral_id: int) -> ReferralRow:
    """One referral."""
    found = [r for r in referrals() if r.id == referral_id]
    if not found:
        raise LedgerError("referral", "That referral no longer exists.")
    return found[0]


def referral_history(referral_id: int) -> list[UpdateRow]:
    """A referral's updates, oldest first."""
    return [UpdateRow(u.id, u.reported_on, str(u.status), u.note, u.recovered_minor,
                      u.commission_minor, u.payment_id)
            for u in ReferralUpdate.select().where(ReferralUpdate.referral == referral_id)
            .order_by(ReferralUpdate.reported_on, ReferralUpdate.id)]


def agency_named(text: str) -> int:
    """The agency of the directory called ``text`` (any case), else the one whose name
    begins with it; LedgerError when none is, or several are."""
    wanted = rules.clean_line(text).casefold()
    if not wanted:
        raise LedgerError("agency", "Name the agency.")
    names = list(Agency.select(Agency.id, Agency.name).tuples())
    exact = [i for i, name in names if name.casefold() == wanted]
    starting = [i for i, name in names if name.casefold().startswith(wanted)]
    found = exact or starting
    if len(found) == 1:
        return int(found[0])
    if not found:
        known = ", ".join(name for _, name in names) or "none yet"
        raise LedgerError("agency", f"No agency is called “{text}” (the directory has: "
                                    f"{known}).")
    raise LedgerError("agency", f"Several agencies' names begin “{text}”: give more of the "
                                f"name.")


@dataclass(frozen=True)
class SentLetter:
    """A letter or e-mail the business sent the customer, as a dossier lists it."""

    sent_at: dt.datetime
    kind: str  # "Letter" or "E-mail"
    subject: str  # its subject, else what the contact says of it
    stage: str  # the follow-up stage it carried out, "" for none
    delivery: str  # an e-mail's outbox state ("sent", "failed"…), "" for a letter


def letters_sent(customer_id: int) -> list[SentLetter]:
    """Every letter and e-mail sent to the customer, oldest first, with its stage and,
    for an e-mail that went through the outbox, where it stands."""
    delivery = (OutboxMessage.select(OutboxMessage.status)
                .where(OutboxMessage.interaction == Interaction.id)
                .order_by(OutboxMessage.id.desc()).limit(1))
    query = (Interaction.select(Interaction.occurred_at, Interaction.kind, Interaction.subject,
                                Interaction.summary, FollowUpStage.name.alias("stage_name"),
                                delivery.alias("delivery"))
             .join(FollowUpStage, pw.JOIN.LEFT_OUTER,
                   on=Interaction.stage == FollowUpStage.id)
             .where((Interaction.customer == customer_id)
                    & Interaction.kind.in_([ContactKind.LETTER, ContactKind.EMAIL])
                    & (Interaction.direction == Direction.OUTGOING))
             .order_by(Interaction.occurred_at, Interaction.id))
    return [SentLetter(at, ContactKind.word_for(kind),
                       subject or (summary.splitlines()[0] if summary else ""),
                       stage or "", str(state or ""))
            for at, kind, subject, summary, stage, state in query.tuples()]


def referral_problems() -> list[str]:
    """What ``check`` finds out of step: an invoice with an agency that no live referral
    holds (Duly would never chase it again), and a referral whose money recovered is not
    what its updates recorded."""
    live = (ReferralInvoice.select(ReferralInvoice.invoice).join(AgencyReferral)
            .where(AgencyReferral.status.in_(LIVE_REFERRAL_STATUSES)))
    problems = [f"invoice {number} is with an agency but in no live referral"
                for (number,) in Invoice.select(Invoice.number)
                .where((Invoice.status == InvoiceStatus.WITH_AGENCY)
                       & Invoice.id.not_in(live)).order_by(Invoice.number).tuples()]
    recorded = (ReferralUpdate.select(ReferralUpdate.referral,
                                      pw.fn.SUM(ReferralUpdate.recovered_minor).alias("sum"))
                .group_by(ReferralUpdate.referral).having(
                    pw.fn.SUM(ReferralUpdate.recovered_minor) > 0))
    for referral_id, recovered in recorded.tuples():
        kept = AgencyReferral.get_by_id(referral_id)
        if kept.recovered_minor != recovered:
            problems.append(f"referral #{referral_id} keeps "
                            f"{format_money(kept.recovered_minor, kept.currency)} recovered; "
                            f"its updates record {format_money(recovered, kept.currency)}")
    return problems
