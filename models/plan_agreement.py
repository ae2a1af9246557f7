"""What a payment plan's agreement prints, read from the store, and the contact that
sending or printing it records on the customer's timeline.

``reports.plan_agreement`` formats and renders it; this module only reads the plan,
its schedule, the documents it covers and the customer, and records the contact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from models.allocations import allocated
from models.audit import record_change
from models.contacts import ContactEntry, log_contact
from models.db import writing
from models.errors import LedgerError
from models.kinds import ContactKind, ContactPurpose
from models.letter_context import contact_name
from models.plans import plan_reference
from models.schema import (
    Allocation,
    Charge,
    Customer,
    Instalment,
    Interaction,
    Invoice,
    PaymentPlan,
    PaymentPlanItem,
)

INVOICE = "invoice"


@dataclass(frozen=True)
class CoveredDocument:
    """An invoice or a charge a plan covers, as it stood when the plan was agreed."""

    kind: str  # "invoice", or the charge's kind (interest, compensation, fee)
    number: str  # the invoice's number; a charge's is the number of its invoice
    date: dt.date  # the invoice's issue date, the day a charge was charged
    due_date: dt.date | None  # an invoice's; a charge is due when charged
    amount_minor: int
    open_minor: int  # still unpaid when the plan was agreed


@dataclass(frozen=True)
class ScheduledInstalment:
    """One payment of the plan's schedule."""

    position: int
    due_date: dt.date
    amount_minor: int
    is_deposit: bool


@dataclass(frozen=True)
class PlanRecord:
    """A payment plan as its agreement prints it: the plan, its schedule in order, the
    documents it covers (invoices by due date, then charges) and the customer."""

    plan_id: int
    reference: str
    agreed_on: dt.date
    currency: str
    status: str
    grace_days: int
    freeze_charges: bool
    frequency: str
    customer_id: int
    customer_code: str
    customer_name: str
    contact_name: str  # "" when the account has no contact with a name
    address: str  # as typed; the country's postal form is the report's
    country: str
    language: str
    instalments: tuple[ScheduledInstalment, ...]
    covered: tuple[CoveredDocument, ...]

    @property
    def scheduled_minor(self) -> int:
        """What the schedule asks for in all."""
        return sum(i.amount_minor for i in self.instalments)

    @property
    def covered_minor(self) -> int:
        """What was unpaid of the covered documents when the plan was agreed."""
        return sum(d.open_minor for d in self.covered)


def plan_record(plan_id: int) -> PlanRecord:
    """The plan ``plan_id`` as its agreement prints it; LedgerError when it is gone."""
    plan = PaymentPlan.get_or_none(PaymentPlan.id == plan_id)
    if plan is None:
        raise LedgerError("plan", "That payment plan no longer exists.")
    customer = Customer.get_by_id(plan.customer_id)
    instalments = tuple(
        ScheduledInstalment(row.position, row.due_date, row.amount_minor, row.is_deposit)
        for row in Instalment.select().where(Instalment.plan == plan_id)
        .order_by(Instalment.position, Instalment.due_date, Instalment.id))
    return PlanRecord(
        plan_id=plan_id, reference=plan_reference(plan_id), agreed_on=plan.agreed_on,
        currency=plan.currency, status=plan.status, grace_days=plan.grace_days,
        freeze_charges=plan.freeze_charges, frequency=plan.frequency,
        customer_id=customer.id, customer_code=customer.code, customer_name=customer.name,
        contact_name=contact_name(customer.id), address=customer.address,
        country=customer.country, language=customer.language, instalments=instalments,
        covered=(*_covered_invoices(plan), *_covered_charges(plan)))


def _paid_before(day: dt.date, column: pw.Field, row: pw.Field) -> pw.Select:
    """What was paid of a document before ``day``: a deposit paid on the day a plan is
    agreed is the plan's first instalment, not a part of what it covers."""
    return allocated((column == row) & (Allocation.allocated_on < day))


def _covered_invoices(plan: PaymentPlan) -> list[CoveredDocument]:
    paid = _paid_before(plan.agreed_on, Allocation.invoice, Invoice.id)
    query = (Invoice.select(Invoice.number, Invoice.issue_date, Invoice.due_date,
                            Invoice.amount_minor, paid.alias("paid"))
             .join(PaymentPlanItem, on=PaymentPlanItem.invoice == Invoice.id)
             .where(PaymentPlanItem.plan == plan.id)
             .order_by(Invoice.due_date, Invoice.number))
    return [CoveredDocument(INVOICE, number, issued, due, amount, amount - int(paid_minor))
            for number, issued, due, amount, paid_minor in query.tuples()]


def _covered_charges(plan: PaymentPlan) -> list[CoveredDocument]:
    paid = _paid_before(plan.agreed_on, Allocation.charge, Charge.id)
    query = (Charge.select(Charge.kind, Invoice.number, Charge.charged_on, Charge.amount_minor,
                           paid.alias("paid"))
             .join(Invoice, on=Charge.invoice == Invoice.id)
             .switch(Charge)
             .join(PaymentPlanItem, on=PaymentPlanItem.charge == Charge.id)
             .where(PaymentPlanItem.plan == plan.id)
             .order_by(Invoice.due_date, Invoice.number, Charge.charged_on, Charge.id))
    return [CoveredDocument(kind, number, charged, None, amount, amount - int(paid_minor))
            for kind, number, charged, amount, paid_minor in query.tuples()]


def record_agreement_contact(plan_id: int, kind: ContactKind, summary: str, *,
                             now: dt.datetime | None = None) -> int:
    """Record on the customer's timeline that the plan's agreement went to them (an
    e-mail or a letter, ``kind``): a contact about the plan, not a reminder, linked to
    the invoices it covers. Call inside the transaction that sends or prints it, so
    the contact stands only if the agreement went. Returns the contact's id."""
    now = now or dt.datetime.now()
    with writing():
        plan = PaymentPlan.get_or_none(PaymentPlan.id == plan_id)
        if plan is None:
            raise LedgerError("plan", "That payment plan no longer exists.")
        invoice_ids = tuple(
            item.invoice_id for item in PaymentPlanItem.select(PaymentPlanItem.invoice)
            .where((PaymentPlanItem.plan == plan_id) & PaymentPlanItem.invoice.is_null(False))
            .order_by(PaymentPlanItem.id))
        contact_id = log_contact(plan.customer_id, ContactEntry(
            kind=kind, occurred_at=now, summary=summary, invoice_ids=invoice_ids), now=now)
        # A contact about the plan: the follow-up engine's gap between reminders counts
        # only chasing contacts.
        (Interaction.update(purpose=ContactPurpose.PLAN, plan=plan_id)
         .where(Interaction.id == contact_id).execute())
        record_change("plan agreement sent", "interaction", contact_id,
                      before={"purpose": ContactPurpose.CHASE, "plan_id": None},
                      after={"purpose": ContactPurpose.PLAN, "plan_id": plan_id})
    return contact_id
