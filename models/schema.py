"""The tables of a Duly store.

Money columns are integer minor units (``*_minor``) beside an ISO 4217
``currency``; rates are exact decimal text. Posted money records (invoices,
credit notes, payments, allocations, charges) are voided, never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

import peewee as pw

from models.kinds import (
    BankCreditOutcome,
    BankFormat,
    BankKind,
    Channel,
    ChargeKind,
    ClaimLetterKind,
    ContactKind,
    ContactPurpose,
    CreditKind,
    Direction,
    DisputeCategory,
    DisputeStatus,
    ImportedKind,
    ImportSource,
    InvoiceStatus,
    LegalForm,
    LoyaltyWaiver,
    OfferKind,
    OfferStatus,
    OutboxKind,
    OutboxState,
    PlanFrequency,
    PlanStatus,
    PolicyUse,
    PromiseStatus,
    ReferralStatus,
    Regime,
    UserRole,
    WriteOffReason,
)


class StoreDatabase(pw.DatabaseProxy):
    """The store's database, whichever engine holds it: an SQLite file (the default, see
    :data:`SQLITE`) or a PostgreSQL server; ``models.db`` points it at one as it opens a
    store. Everything else, read or set, is the engine's own."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in pw.DatabaseProxy.__slots__:
            super().__setattr__(name, value)
        else:
            setattr(self.obj, name, value)  # e.g. SQLite's ``user_version``


# Deferred: ``models.db.open_store`` initialises it with the file's path.
SQLITE = pw.SqliteDatabase(None)
database = StoreDatabase()
database.initialize(SQLITE)


def on_server() -> bool:
    """Whether the open store is on a PostgreSQL server (else an SQLite file)."""
    return isinstance(database.obj, pw.PostgresqlDatabase)


def install_triggers(on_a_file: Sequence[str], on_a_server: Sequence[str]) -> None:
    """Make the triggers that keep a figure, as the open store's engine writes them
    (inside the caller's write)."""
    for statement in on_a_server if on_server() else on_a_file:
        database.execute_sql(statement)


def money_sum(minor_units: pw.Node) -> pw.Node:
    """``SUM`` of amounts in minor units, given back as an integer on both engines: a
    server's sum of BIGINTs is NUMERIC (a ``Decimal`` in Python, and slower to read)."""
    return pw.Cast(pw.fn.SUM(minor_units), "BIGINT")


class DecimalTextField(pw.TextField):
    """An exact decimal kept as text (SQLite would round DECIMAL via REAL)."""

    def db_value(self, value: Any) -> str | None:
        return None if value is None else str(Decimal(value))

    def python_value(self, value: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class EnumField(pw.CharField):
    """One of an enum's words, handed back as its member (a word the enum does not
    know, as in a damaged or newer store, comes back as the text it is)."""

    def __init__(self, enum: type[StrEnum], **kwargs: Any) -> None:
        self.enum = enum
        kwargs.setdefault("max_length", max(len(member) for member in enum))
        super().__init__(**kwargs)

    def python_value(self, value: Any) -> Any:
        if value is None:
            return None
        try:
            return self.enum(value)
        except ValueError:
            return value


class BaseModel(pw.Model):
    id = pw.AutoField()

    class Meta:
        database = database
        legacy_table_names = False


def restrict(model: type[pw.Model] | str, **kwargs: Any) -> pw.ForeignKeyField:
    """A foreign key whose target cannot be deleted while referenced."""
    return pw.ForeignKeyField(model, on_delete="RESTRICT", **kwargs)


# --- the business itself ---------------------------------------------------

class Business(BaseModel):
    """The company using Duly: one row, printed on every letterhead."""

    name = pw.TextField()
    address = pw.TextField(default="")
    country = pw.CharField(max_length=2)  # ISO 3166-1 alpha-2
    currency = pw.CharField(max_length=3)
    email = pw.TextField(default="")
    phone = pw.TextField(default="")
    registration = pw.TextField(default="")  # company / VAT numbers
    signatory_name = pw.TextField(default="")  # who signs the letters
    signatory_position = pw.TextField(default="")  # e.g. "Credit Controller"
    page_size = pw.CharField(max_length=8, default="")  # "" = from country
    logo = pw.BlobField(null=True)
    logo_type = pw.CharField(max_length=32, default="")  # e.g. image/png
    is_demo = pw.BooleanField(default=False)
    created_at = pw.DateTimeField()


class StoreUser(BaseModel):
    """A person who uses the store (schema v24): the name shown on what they did, the
    login Duly knows them by (the computer's on a file, the server's on a server), what
    they may do, and whether they still may (a user is deactivated, never deleted: the
    contacts, payments and messages they made keep their name)."""

    name = pw.TextField()
    login = pw.TextField(unique=True)
    role = EnumField(UserRole, max_length=16)
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField()


def made_by() -> pw.ForeignKeyField:
    """The user who made a contact, a payment or a message (v24): NULL on those made
    before Duly knew its users. Never indexed: nothing is looked up by who made it, and
    a bulk write should not keep another index for it."""
    return pw.ForeignKeyField(StoreUser, null=True, on_delete="RESTRICT", index=False,
                              column_name="by_user_id", default=_current_user_id)


def _current_user_id() -> int | None:
    """Who makes the row: the person signed in (models.users), looked up once per store
    opened, so rows written by the thousand cost nothing more."""
    from models.signing_in import current_user_id

    return current_user_id()


class BankAccount(BaseModel):
    """Where customers pay the business: one account per currency, and at most one
    for any other currency (``currency`` ""). Only the columns of its ``kind`` are
    filled in."""

    currency = pw.CharField(max_length=3, unique=True)  # ISO 4217, or "" for any
    kind = EnumField(BankKind, max_length=8)
    label = pw.TextField(default="")  # the bank's name, or how the business calls it
    holder = pw.TextField(default="")  # the account holder's name
    iban = pw.TextField(default="")  # without spaces
    bic = pw.TextField(default="")
    sort_code = pw.TextField(default="")  # "20-00-00"
    account_number = pw.TextField(default="")
    routing_number = pw.TextField(default="")  # ABA, nine digits
    details = pw.TextField(default="")  # the business's own words (kind "text")


class Setting(BaseModel):
    """A named preference of this business (JSON text value)."""

    key = pw.CharField(primary_key=True, max_length=64)
    value = pw.TextField()

    @classmethod
    def put(cls, key: str, value: str) -> None:
        """Keep ``value`` under ``key``, replacing what was kept there (an upsert, the
        same statement on SQLite and on a server; SQLite's INSERT OR REPLACE is not)."""
        cls.insert(key=key, value=value).on_conflict(
            conflict_target=[cls.key], update={cls.value: value}).execute()


# --- terms and policies ----------------------------------------------------

class PaymentTerms(BaseModel):
    name = pw.TextField(unique=True)
    net_days = pw.IntegerField(constraints=[pw.Check("net_days >= 0")])
    discount_percent = DecimalTextField(null=True)  # early-payment discount
    discount_days = pw.IntegerField(null=True)


class CreditPolicy(BaseModel):
    """How lateness is charged: interest regime, grace and compensation."""

    name = pw.TextField(unique=True)
    regime = EnumField(Regime, max_length=24, default=Regime.NONE)
    rate_percent = DecimalTextField(null=True)  # contractual rate
    grace_days = pw.IntegerField(default=0)
    fixed_compensation = pw.BooleanField(default=False)
    notes = pw.TextField(default="")
    # What paying in full by an offer's date waives, if the business offers that (v15).
    loyalty_waiver = EnumField(LoyaltyWaiver, max_length=8, default=LoyaltyWaiver.NONE)


class ReferenceRate(BaseModel):
    """A central-bank reference rate in force from a date, with its source."""

    series = pw.CharField(max_length=16)  # "BOE_BASE", "ECB_MRO"
    effective_from = pw.DateField()
    rate_percent = DecimalTextField()
    source = pw.TextField()

    class Meta:
        indexes = ((("series", "effective_from"), True),)


class LetterTemplate(BaseModel):
    """A user-editable letter or e-mail text with merge fields."""

    name = pw.TextField()
    channel = EnumField(Channel, max_length=8)  # email or letter
    language = pw.CharField(max_length=8, default="en")
    tone = pw.CharField(max_length=16, default="friendly")
    subject = pw.TextField(default="")
    body = pw.TextField()
    # One more at each save: an editor saves only over the version it read (v25).
    edit_version = pw.IntegerField(default=0, constraints=[pw.SQL("DEFAULT 0")])

    class Meta:
        indexes = ((("name", "channel", "language"), True),)


class FollowUpPolicy(BaseModel):
    name = pw.TextField(unique=True)
    description = pw.TextField(default="")
    min_balance_minor = pw.BigIntegerField(default=0)
    # The stages of the one "plans" policy fall due by each instalment's date (v15).
    use = EnumField(PolicyUse, max_length=8, default=PolicyUse.INVOICES)


class FollowUpStage(BaseModel):
    """One step of a follow-up policy, due ``offset_days`` after the due date."""

    policy = restrict(FollowUpPolicy, backref="stages")
    position = pw.IntegerField()
    name = pw.TextField()
    offset_days = pw.IntegerField()  # negative: courtesy reminder before due
    channel = EnumField(Channel, max_length=8)
    template = restrict(LetterTemplate, null=True)
    tone = pw.CharField(max_length=16, default="friendly")
    fee_minor = pw.BigIntegerField(default=0)
    apply_interest = pw.BooleanField(default=False)
    apply_compensation = pw.BooleanField(default=False)
    min_days_since_contact = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("policy", "position"), True),)


# --- customers --------------------------------------------------------------

class Customer(BaseModel):
    code = pw.CharField(max_length=32, unique=True)  # the business's account no.
    # The code as compared for uniqueness (models.input_rules.match_key), so "c-1" and
    # "C‐1" are one customer's (v11). None only where an old store had a look-alike twice.
    code_key = pw.TextField(null=True, unique=True)
    name = pw.TextField()
    billing_email = pw.TextField(default="")
    phone = pw.TextField(default="")
    address = pw.TextField(default="")
    country = pw.CharField(max_length=2, default="")
    # The customer's VAT or tax registration number, as models.ledger keeps it (v10).
    tax_number = pw.TextField(default="")
    language = pw.CharField(max_length=8, default="en")
    currency = pw.CharField(max_length=3)
    payment_terms = restrict(PaymentTerms, null=True)
    credit_policy = restrict(CreditPolicy, null=True)
    followup_policy = restrict(FollowUpPolicy, null=True)
    on_hold = pw.BooleanField(default=False)
    hold_reason = pw.TextField(default="")
    notes = pw.TextField(default="")
    # Kept in step with the contacts (models.contacts), so lists need not search them.
    last_contact_at = pw.DateTimeField(null=True)
    last_contact_kind = EnumField(ContactKind, max_length=8, default="")  # "" before any
    next_action_on = pw.DateField(null=True)
    created_at = pw.DateTimeField()
    # Days between check-ins with a good customer, none for none (v15).
    check_in_days = pw.IntegerField(null=True)
    # Company, sole trader, individual…: it chooses the letter before a claim (v20).
    legal_form = EnumField(LegalForm, max_length=16, default=LegalForm.UNKNOWN)
    # One more at each save of the details: an editor saves only over the version it
    # read, never over another person's change made meanwhile (v25, models.edit_versions).
    edit_version = pw.IntegerField(default=0, constraints=[pw.SQL("DEFAULT 0")])


class ContactPerson(BaseModel):
    """A person at a customer the business deals with (the one marked for billing gets
    the e-mails); a contact *with* the customer is an :class:`Interaction`."""

    customer = restrict(Customer, backref="people")
    name = pw.TextField()
    role = pw.TextField(default="")
    email = pw.TextField(default="")
    phone = pw.TextField(default="")
    is_billing = pw.BooleanField(default=False)

    class Meta:
        table_name = "contact"


# --- documents and money ----------------------------------------------------

class Invoice(BaseModel):
    number = pw.CharField(max_length=64, unique=True)
    # The number as compared for uniqueness (models.input_rules.match_key) (v11).
    number_key = pw.TextField(null=True, unique=True)
    customer = restrict(Customer, backref="invoices")
    issue_date = pw.DateField()
    due_date = pw.DateField()
    amount_minor = pw.BigIntegerField(constraints=[pw.Check("amount_minor > 0")])
    # Kept in step with the allocations in the same transaction (schema v2).
    open_minor = pw.BigIntegerField(constraints=[pw.Check("open_minor >= 0")])
    currency = pw.CharField(max_length=3)
    status = EnumField(InvoiceStatus, max_length=12, default=InvoiceStatus.OPEN)
    dispute_reason = pw.TextField(default="")
    external_ref = pw.TextField(null=True)  # id in the accounting system
    created_at = pw.DateTimeField()
    # The day its follow-up stages count from, when not its due date: an invoice that
    # came in already late starts at a sensible stage instead of the harshest (v9).
    chase_from = pw.DateField(null=True)
    # The position of the last follow-up stage done on it (carried out or passed over;
    # 0: none): kept by triggers (store v31, models.stages_done).
    stage_done = pw.IntegerField(default=0, constraints=[pw.SQL("DEFAULT 0")])
    # Its customer's follow-up policy (None: the default policy), kept by triggers
    # (store v33, models.invoice_policy): the plan reads it beside the last stage done.
    followup_policy_id = pw.IntegerField(null=True)

    class Meta:
        indexes = ((("customer", "due_date"), False),)


class CreditNote(BaseModel):
    """A credit the business grants; allocated to invoices like a payment."""

    number = pw.CharField(max_length=64, unique=True)
    # The number as compared for uniqueness (models.input_rules.match_key) (v11).
    number_key = pw.TextField(null=True, unique=True)
    customer = restrict(Customer, backref="credit_notes")
    issue_date = pw.DateField()
    amount_minor = pw.BigIntegerField(constraints=[pw.Check("amount_minor > 0")])
    currency = pw.CharField(max_length=3)
    # Kept in step with its allocations: credit still to allocate (schema v3).
    unallocated_minor = pw.BigIntegerField(constraints=[pw.Check("unallocated_minor >= 0")])
    reason = pw.TextField(default="")
    invoice = restrict(Invoice, null=True)  # the invoice it corrects, if any
    voided = pw.BooleanField(default=False)
    created_at = pw.DateTimeField()
    kind = EnumField(CreditKind, max_length=14, default=CreditKind.CREDIT)  # v15


class Payment(BaseModel):
    customer = restrict(Customer, backref="payments")
    received_on = pw.DateField()
    amount_minor = pw.BigIntegerField(constraints=[pw.Check("amount_minor > 0")])
    # Kept in step with its allocations: credit still to allocate (schema v3).
    unallocated_minor = pw.BigIntegerField(constraints=[pw.Check("unallocated_minor >= 0")])
    currency = pw.CharField(max_length=3)
    method = pw.CharField(max_length=24, default="bank transfer")
    reference = pw.TextField(default="")
    voided = pw.BooleanField(default=False)
    created_at = pw.DateTimeField()
    by_user = made_by()  # v24: who recorded it

    class Meta:
        indexes = ((("customer", "received_on"), False),)


class Charge(BaseModel):
    """Late interest, fixed compensation or a stage fee on an invoice."""

    invoice = restrict(Invoice, backref="charges")
    kind = EnumField(ChargeKind, max_length=12)
    charged_on = pw.DateField()
    amount_minor = pw.BigIntegerField(constraints=[pw.Check("amount_minor > 0")])
    open_minor = pw.BigIntegerField(constraints=[pw.Check("open_minor >= 0")])
    currency = pw.CharField(max_length=3)
    principal_minor = pw.BigIntegerField(null=True)
    rate_percent = DecimalTextField(null=True)
    period_from = pw.DateField(null=True)
    period_to = pw.DateField(null=True)
    days = pw.IntegerField(null=True)
    description = pw.TextField(default="")  # the calculation, in words
    voided = pw.BooleanField(default=False)
    created_at = pw.DateTimeField()


class Allocation(BaseModel):
    """Part of a payment or credit note applied to an invoice or a charge."""

    # Indexed below with the columns that sum them (schema v22).
    payment = restrict(Payment, null=True, backref="allocations", index=False)
    credit_note = restrict(CreditNote, null=True, backref="allocations", index=False)
    invoice = restrict(Invoice, null=True, backref="allocations", index=False)
    charge = restrict(Charge, null=True, backref="allocations")
    allocated_on = pw.DateField()
    amount_minor = pw.BigIntegerField(constraints=[pw.Check("amount_minor > 0")])
    voided = pw.BooleanField(default=False)
    created_at = pw.DateTimeField()
    # Made later than its payment's or credit note's day: kept by triggers (store v29,
    # models.late_allocations).
    late = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")])

    class Meta:
        constraints = [
            pw.SQL("CHECK ((payment_id IS NULL) <> (credit_note_id IS NULL))"),
            pw.SQL("CHECK ((invoice_id IS NULL) <> (charge_id IS NULL))"),
        ]


# --- contacts with customers -------------------------------------------------

class PaymentPlan(BaseModel):
    """An agreement that the customer pays the invoices and charges it covers in
    instalments (its items and instalments); while it is kept they are not chased."""

    customer = restrict(Customer, backref="payment_plans")
    agreed_on = pw.DateField()
    currency = pw.CharField(max_length=3)
    status = EnumField(PlanStatus, max_length=10, default=PlanStatus.ACTIVE)
    grace_days = pw.IntegerField(default=5)
    notes = pw.TextField(default="")
    created_at = pw.DateTimeField()
    # v15: how it was scheduled, whether interest and fees stop while it is kept, the
    # stage the account had reached when it was agreed (where chasing resumes if it is
    # broken), how it ended, and the plan it replaced when renegotiated.
    frequency = EnumField(PlanFrequency, max_length=12, default=PlanFrequency.CUSTOM)
    freeze_charges = pw.BooleanField(default=False)
    stage_reached = restrict(FollowUpStage, null=True)
    ended_on = pw.DateField(null=True)
    end_reason = pw.TextField(default="")
    replaces = restrict("self", null=True, backref="replaced_by")


class PaymentPlanItem(BaseModel):
    """An invoice or charge covered by a payment plan."""

    plan = restrict(PaymentPlan, backref="items")
    invoice = restrict(Invoice, null=True)
    charge = restrict(Charge, null=True)

    class Meta:
        constraints = [pw.SQL("CHECK ((invoice_id IS NULL) <> (charge_id IS NULL))")]


class Instalment(BaseModel):
    """One payment of a plan, in schedule order (``position``); the deposit, if any,
    comes first (v15)."""

    plan = restrict(PaymentPlan, backref="instalments")
    due_date = pw.DateField()
    amount_minor = pw.BigIntegerField(constraints=[pw.Check("amount_minor > 0")])
    position = pw.IntegerField(default=0)
    is_deposit = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("plan", "due_date"), False),)


class Interaction(BaseModel):
    """A call, e-mail, letter, meeting, SMS or note with a customer."""

    customer = restrict(Customer, backref="interactions")
    kind = EnumField(ContactKind, max_length=8)
    direction = EnumField(Direction, max_length=8, default=Direction.OUTGOING)
    occurred_at = pw.DateTimeField()
    with_whom = pw.TextField(default="")
    summary = pw.TextField(default="")
    outcome = pw.TextField(default="")
    # The subject and words of a letter or e-mail Duly sent for a stage (v7), kept as
    # written so it is printed again as it was.
    subject = pw.TextField(default="")
    body = pw.TextField(default="")
    follow_up_on = pw.DateField(null=True)
    follow_up_done = pw.BooleanField(default=False)
    stage = restrict(FollowUpStage, null=True)
    created_at = pw.DateTimeField()
    # v15: what it was for, and the plan or instalment it was about.
    purpose = EnumField(ContactPurpose, max_length=8, default=ContactPurpose.CHASE)
    plan = restrict(PaymentPlan, null=True)
    instalment = restrict(Instalment, null=True)
    # v18: the customer was told in it that the account would go to a collection agency.
    warned_of_referral = pw.BooleanField(default=False)
    # v19: the name of the template a reminder's letter or e-mail was written from, as
    # it was then; "" when it was written from none (a call, a contact logged by hand,
    # a stage done outside Duly, a text the user wrote), None when recorded before Duly
    # kept it. The name and not a reference: a reference would either stop a template
    # being deleted or lose what was sent when it is, and the name is what the user
    # knows it by in every language (each language's version shares it); a template
    # renamed later keeps its reminders under the name they were sent with.
    template_name = pw.TextField(null=True, default="")
    by_user = made_by()  # v24: who recorded it
    # v35: the opening of its note while its follow-up is pending, "" otherwise, kept by
    # triggers (models.follow_up_notes) so Today reads it from an index.
    follow_up_note = pw.TextField(default="", constraints=[pw.SQL("DEFAULT ''")])

    class Meta:
        indexes = ((("customer", "occurred_at"), False),)


class InteractionInvoice(BaseModel):
    interaction = restrict(Interaction, backref="invoice_links")
    invoice = restrict(Invoice)

    class Meta:
        indexes = ((("interaction", "invoice"), True),)


class StageExecution(BaseModel):
    """The follow-up stage reached for an invoice, and the contact that did it
    (none, with the user's reason, when the stage was skipped)."""

    invoice = restrict(Invoice, backref="stage_executions")
    stage = restrict(FollowUpStage)
    interaction = restrict(Interaction, null=True)
    executed_on = pw.DateField()
    skip_reason = pw.TextField(default="")  # set when the user skipped the stage (v5)

    class Meta:
        indexes = ((("invoice", "stage"), True),)


class Promise(BaseModel):
    """A customer's promise to pay an amount by a date."""

    customer = restrict(Customer, backref="promises")
    interaction = restrict(Interaction, null=True)
    amount_minor = pw.BigIntegerField(constraints=[pw.Check("amount_minor > 0")])
    currency = pw.CharField(max_length=3)
    promised_for = pw.DateField()
    status = EnumField(PromiseStatus, max_length=10, default=PromiseStatus.OPEN)
    resolved_on = pw.DateField(null=True)
    created_at = pw.DateTimeField()
    # What its invoices still leave open: kept by triggers (store v30, models.promise_owed).
    owed_minor = pw.BigIntegerField(default=0, constraints=[pw.SQL("DEFAULT 0"),
                                                            pw.Check("owed_minor >= 0")])
    # The day its invoices were last paid on: kept by triggers (store v32,
    # models.promise_paid).
    last_paid_on = pw.DateField(null=True)


class PromiseInvoice(BaseModel):
    promise = restrict(Promise, backref="invoice_links")
    invoice = restrict(Invoice)

    class Meta:
        indexes = ((("promise", "invoice"), True),)


class Agency(BaseModel):
    """A collection agency of the business's directory (models.agencies)."""

    name = pw.TextField(unique=True)
    address = pw.TextField(default="")
    email = pw.TextField(default="")
    phone = pw.TextField(default="")
    commission_percent = DecimalTextField(null=True)
    # v17: whom to call, the least it charges a case (in ``currency``), its other fees
    # and strengths in the business's words, notes, and the business's rating (1 to 5).
    contact_name = pw.TextField(default="")
    commission_min_minor = pw.BigIntegerField(null=True)
    currency = pw.CharField(max_length=3, default="")
    fees = pw.TextField(default="")
    strengths = pw.TextField(default="")
    notes = pw.TextField(default="")
    rating = pw.IntegerField(null=True, constraints=[pw.Check("rating BETWEEN 1 AND 5")])


class AgencyReferral(BaseModel):
    agency = restrict(Agency, backref="referrals")
    customer = restrict(Customer, backref="referrals")
    referred_on = pw.DateField()
    commission_percent = DecimalTextField(null=True)
    status = EnumField(ReferralStatus, max_length=12, default=ReferralStatus.REFERRED)
    recovered_minor = pw.BigIntegerField(default=0)
    currency = pw.CharField(max_length=3)
    notes = pw.TextField(default="")
    # v18: the agency's minimum commission for the case (in ``currency``), copied like its
    # percentage; why it was referred although the pre-referral check refused it; the day
    # it ended (paid, given up, returned or recalled); the amount it was given.
    commission_min_minor = pw.BigIntegerField(null=True)
    override_reason = pw.TextField(default="")
    ended_on = pw.DateField(null=True)
    referred_minor = pw.BigIntegerField(default=0)  # what was open on its invoices that day


class ReferralInvoice(BaseModel):
    referral = restrict(AgencyReferral, backref="invoice_links")
    invoice = restrict(Invoice)

    class Meta:
        indexes = ((("referral", "invoice"), True),)


class ReferralUpdate(BaseModel):
    """What an agency reported on a referral, on a day (v18): its new status, a note and,
    for money it recovered, the gross amount (recorded as the customer's payment) and
    the commission the agency keeps of it (a cost of the business, not the customer's)."""

    referral = restrict(AgencyReferral, backref="updates")
    reported_on = pw.DateField()
    status = EnumField(ReferralStatus, max_length=12)
    note = pw.TextField(default="")
    recovered_minor = pw.BigIntegerField(default=0, constraints=[pw.Check("recovered_minor >= 0")])
    commission_minor = pw.BigIntegerField(default=0,
                                          constraints=[pw.Check("commission_minor >= 0")])
    payment = restrict(Payment, null=True)
    created_at = pw.DateTimeField()


class AuditEntry(BaseModel):
    """Who changed what and when, with the row before and after (JSON)."""

    at = pw.DateTimeField()
    who = pw.TextField()
    action = pw.CharField(max_length=32)
    table = pw.CharField(max_length=32)
    row_id = pw.IntegerField(null=True)
    before = pw.TextField(null=True)
    after = pw.TextField(null=True)


class WorklistDecision(BaseModel):
    """What the user decided about one item of the Today worklist (schema v4).

    An item is named by its kind and the row it comes from (a contact's
    follow-up, a promise, the invoice that made an account overdue); a snoozed
    item comes back on ``snoozed_until``.
    """

    customer = pw.ForeignKeyField(Customer, backref="worklist_decisions")
    kind = pw.CharField(max_length=16)
    ref_id = pw.IntegerField()
    state = pw.CharField(max_length=10)  # done, snoozed, dismissed
    snoozed_until = pw.DateField(null=True)
    reason = pw.TextField(default="")
    decided_on = pw.DateField()
    decided_at = pw.DateTimeField()

    class Meta:
        indexes = ((("kind", "ref_id"), True),)


class OutboxMessage(BaseModel):
    """An e-mail to a customer as queued and sent, so that a failure is visible and
    retriable and a message the server accepted is never sent again (schema v6).

    Kept whole (recipients, subject, text, attachment, Message-ID) so that a retry
    sends the same message and the PDF can be re-opened later.
    """

    customer = restrict(Customer, backref="outbox_messages")
    kind = EnumField(OutboxKind, max_length=16)
    stage = restrict(FollowUpStage, null=True)
    interaction = restrict(Interaction, null=True)  # the contact it records
    recipients = pw.TextField()  # JSON [[name, address], ...] as sent
    subject = pw.TextField()
    body = pw.TextField()
    attachment_name = pw.TextField(default="")
    attachment = pw.BlobField(null=True)
    message_id = pw.TextField(unique=True)
    status = EnumField(OutboxState, max_length=10, default=OutboxState.QUEUED)
    attempts = pw.IntegerField(default=0)
    error = pw.TextField(default="")  # why the last attempt failed, in words
    server_response = pw.TextField(default="")
    queued_at = pw.DateTimeField()
    sent_at = pw.DateTimeField(null=True)
    by_user = made_by()  # v24: who approved it (queued it to be sent)


# --- disputes and write-offs (v17) ----------------------------------------------

class DisputeCase(BaseModel):
    """A customer's dispute: what they dispute (its invoices, each with the amount in
    dispute), why, and how it ended. While it is open the disputed amounts are not
    chased (models.disputes)."""

    customer = restrict(Customer, backref="dispute_cases")
    currency = pw.CharField(max_length=3)
    category = EnumField(DisputeCategory, max_length=16)
    customer_said = pw.TextField(default="")
    raised_on = pw.DateField()
    status = EnumField(DisputeStatus, max_length=10, default=DisputeStatus.OPEN)
    resolved_on = pw.DateField(null=True)
    resolution = pw.TextField(default="")  # why it was rejected, withdrawn or credited
    credit_note = restrict(CreditNote, null=True)  # what settled it, when credited
    created_at = pw.DateTimeField()


class DisputedInvoice(BaseModel):
    """An invoice in a dispute case and the amount of it the customer disputes."""

    case = restrict(DisputeCase, backref="invoice_links")
    invoice = restrict(Invoice)
    disputed_minor = pw.BigIntegerField(constraints=[pw.Check("disputed_minor > 0")])

    class Meta:
        indexes = ((("case", "invoice"), True),)


class DisputeNote(BaseModel):
    """A note on a dispute case, or a file attached to it (kept in the store, so it is
    in the store's backups)."""

    case = restrict(DisputeCase, backref="notes")
    written_at = pw.DateTimeField()
    text = pw.TextField(default="")
    file_name = pw.TextField(default="")  # "" for a note without a file
    file_type = pw.CharField(max_length=128, default="")  # e.g. application/pdf
    file_size = pw.IntegerField(default=0)
    file = pw.BlobField(null=True)


class WriteOff(BaseModel):
    """A debt written off as bad: the credit note of kind ``write_off`` that takes it off
    the invoice (models.write_offs), why, and the VAT share worked out when it was
    written. Reversed (``reversed_on``) when the customer pays after all; its credit
    note is then void."""

    credit_note = restrict(CreditNote, unique=True)
    invoice = restrict(Invoice, backref="write_offs")
    reason = EnumField(WriteOffReason, max_length=16)
    notes = pw.TextField(default="")
    vat_percent = DecimalTextField(null=True)  # None: no VAT in the amount
    vat_minor = pw.BigIntegerField(default=0)
    reversed_on = pw.DateField(null=True)
    reversal_reason = pw.TextField(default="")
    created_at = pw.DateTimeField()


class CourtFee(BaseModel):
    """One band of a court's fee to issue a money claim (schema v20; models.claims):
    for a claim of ``amount_from_minor`` up to ``amount_to_minor`` (both included; None:
    no top), either a fixed ``fee_minor`` or ``percent`` of the claim, at most
    ``cap_minor``. Editable in Settings, since fees change."""

    jurisdiction = pw.CharField(max_length=8)  # "GB-EAW": England & Wales
    currency = pw.CharField(max_length=3)
    amount_from_minor = pw.BigIntegerField()
    amount_to_minor = pw.BigIntegerField(null=True)
    fee_minor = pw.BigIntegerField(null=True)
    percent = DecimalTextField(null=True)
    cap_minor = pw.BigIntegerField(null=True)
    source = pw.TextField(default="")


class ClaimLetter(BaseModel):
    """A letter before action sent to a customer (schema v20; models.claims): the
    contact on their timeline, which letter, when it went, by when they must answer,
    and what it claimed."""

    customer = restrict(Customer, backref="claim_letters")
    interaction = restrict(Interaction, unique=True)
    kind = EnumField(ClaimLetterKind, max_length=16)
    sent_on = pw.DateField()
    respond_by = pw.DateField()
    currency = pw.CharField(max_length=3)
    principal_minor = pw.BigIntegerField()
    claim_minor = pw.BigIntegerField()  # principal, interest and compensation
    created_at = pw.DateTimeField()


# --- imports ----------------------------------------------------------------

class ImportBatch(BaseModel):
    """One import of an export file (schema v8): where it came from and what it did.

    The file's hash makes a second import of the same file a no-op; ``undone_at`` is
    set when the user undid it.
    """

    source = EnumField(ImportSource, max_length=12)
    layout = pw.CharField(max_length=32)  # the preset or saved mapping it was read with
    file_name = pw.TextField()
    file_hash = pw.CharField(max_length=64)
    imported_at = pw.DateTimeField()
    counts = pw.TextField(default="{}")  # JSON: what it added, changed, refused
    undone_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("source", "file_hash"), False),)


class Offer(BaseModel):
    """An offer to a customer: pay ``pay_minor`` by ``pay_by`` and ``waive_minor`` is
    waived (the rest of a settlement, a fee or interest for loyalty) (v15)."""

    customer = restrict(Customer, backref="offers")
    kind = EnumField(OfferKind, max_length=10)
    currency = pw.CharField(max_length=3)
    offered_on = pw.DateField()
    pay_by = pw.DateField()
    pay_minor = pw.BigIntegerField(constraints=[pw.Check("pay_minor > 0")])
    waive_minor = pw.BigIntegerField(constraints=[pw.Check("waive_minor >= 0")])
    status = EnumField(OfferStatus, max_length=10, default=OfferStatus.OPEN)
    resolved_on = pw.DateField(null=True)
    credit_note = restrict(CreditNote, null=True)  # what waived the rest, once accepted
    interaction = restrict(Interaction, null=True)  # the letter or e-mail that made it
    notes = pw.TextField(default="")
    created_at = pw.DateTimeField()


class OfferInvoice(BaseModel):
    offer = restrict(Offer, backref="invoice_links")
    invoice = restrict(Invoice)

    class Meta:
        indexes = ((("offer", "invoice"), True),)


class ExternalRecord(BaseModel):
    """A Duly row that came from another program, under that program's own key (an
    invoice number, a contact id, a GnuCash GUID), with the values as last imported, so
    a newer export updates it and an edit made in Duly since is seen (schema v8)."""

    source = EnumField(ImportSource, max_length=12)
    kind = EnumField(ImportedKind, max_length=12)
    key = pw.TextField()
    row_id = pw.IntegerField()
    batch = restrict(ImportBatch, backref="records")
    imported = pw.TextField(default="{}")  # JSON of the fields as the file last gave them

    class Meta:
        indexes = ((("source", "kind", "key"), True), (("kind", "row_id"), False))


class BankStatement(BaseModel):
    """A bank statement whose credits were confirmed (schema v21): the file, its format
    and currency; ``undone_at`` is set when the user undid it."""

    file_name = pw.TextField()
    file_hash = pw.CharField(max_length=64)
    format = EnumField(BankFormat, max_length=8)
    currency = pw.CharField(max_length=3)
    imported_at = pw.DateTimeField()
    undone_at = pw.DateTimeField(null=True)


class BankCredit(BaseModel):
    """A credit of a statement, under the bank's own id (``bank_id``: FITID,
    AcctSvcrRef, EndToEndId or a hash), recorded as a payment or ignored; one live row
    per bank id, so a credit is never recorded twice (schema v21)."""

    statement = restrict(BankStatement, backref="credits")
    bank_id = pw.TextField()
    booked_on = pw.DateField()
    amount_minor = pw.BigIntegerField(constraints=[pw.Check("amount_minor > 0")])
    currency = pw.CharField(max_length=3)
    payer_name = pw.TextField(default="")
    payer_iban = pw.TextField(default="")
    text = pw.TextField(default="")
    outcome = EnumField(BankCreditOutcome, max_length=8)
    customer = restrict(Customer, null=True)
    payment = restrict(Payment, null=True)
    undone = pw.BooleanField(default=False)


class PayerIban(BaseModel):
    """An account a customer paid from, remembered from a matched bank payment
    (schema v18)."""

    iban = pw.TextField(unique=True)
    customer = restrict(Customer)
    last_seen = pw.DateField()


# A bank id is live once: undoing a statement frees its credits' ids (schema v21).
BankCredit.add_index(BankCredit.bank_id, unique=True, where=~BankCredit.undone,
                     name="bank_credit_live")

# Today's lists read only open items, each from a small partial index that
# holds every column the overdue list (schema v3), the follow-up plan (v27) and a past
# day's list (its invoices issued by then, v31) need.
Invoice.add_index(Invoice.customer, Invoice.currency, Invoice.due_date, Invoice.open_minor,
                  Invoice.status, Invoice.number, Invoice.chase_from, Invoice.issue_date,
                  where=(Invoice.open_minor > 0), name="invoice_open")
# The follow-up plan reads, for each stage done and policy, the open invoices whose
# clock started early enough for the policy's next stage's day to have come, from this
# index alone (schema v31, models.stages_done; the policy since v33,
# models.invoice_policy): the invoices with a stage due, not every open invoice.
Invoice.add_index(Invoice.stage_done, Invoice.followup_policy_id,
                  pw.fn.COALESCE(Invoice.chase_from, Invoice.due_date), Invoice.customer,
                  Invoice.status, Invoice.due_date, Invoice.open_minor, Invoice.currency,
                  Invoice.number, Invoice.chase_from,
                  where=(Invoice.open_minor > 0), name="invoice_next_stage")
# Today's newly overdue accounts start from the open invoices fallen due in the last
# week, read from this index alone (schema v31), not from the whole open invoices' one.
Invoice.add_index(Invoice.due_date, Invoice.customer, Invoice.currency, Invoice.status,
                  Invoice.open_minor, Invoice.number, where=(Invoice.open_minor > 0),
                  name="invoice_due")
Payment.add_index(Payment.customer, Payment.currency, Payment.unallocated_minor,
                  where=(Payment.unallocated_minor > 0), name="payment_credit")
CreditNote.add_index(CreditNote.customer, CreditNote.currency, CreditNote.unallocated_minor,
                     where=(CreditNote.unallocated_minor > 0), name="credit_note_credit")
Promise.add_index(Promise.customer, where=(Promise.status == PromiseStatus.OPEN),
                  name="promise_open")
Interaction.add_index(Interaction.customer, Interaction.follow_up_on,
                      where=(Interaction.follow_up_on.is_null(False)
                             & ~Interaction.follow_up_done),
                      name="interaction_follow_up")
# The follow-ups pending, by day, with all Today shows of them (schema v35;
# models.follow_up_notes): read from the index alone.
Interaction.add_index(Interaction.follow_up_on, Interaction.customer, Interaction.kind,
                      Interaction.occurred_at, Interaction.follow_up_note,
                      Interaction.follow_up_done,
                      where=(Interaction.follow_up_on.is_null(False)
                             & ~Interaction.follow_up_done),
                      name="interaction_follow_up_due")
# Each customer's latest thank-you, looked for by Today's thank-yous (schema v28): the
# purpose first, so that the planner takes it over the customer's every contact.
Interaction.add_index(Interaction.purpose, Interaction.customer, Interaction.occurred_at,
                      where=(Interaction.purpose == ContactPurpose.THANKS),
                      name="interaction_thanks")

# Each invoice's, payment's and credit note's allocations are read from their index
# alone, with what is needed to sum them by day: a past as-of date adds back what was
# allocated after it (schema v22; models.accounts).
for _link in (Allocation.invoice, Allocation.payment, Allocation.credit_note):
    Allocation.add_index(_link, Allocation.voided, Allocation.allocated_on,
                         Allocation.amount_minor, name=f"allocation_{_link.column_name}")
# The few made later than their payment's or credit note's day: what a past day's
# unallocated credit adds back (schema v29; models.late_allocations). Each source its
# own, in its order, or SQLite's planner takes the covering index above instead.
for _link in (Allocation.payment, Allocation.credit_note):
    Allocation.add_index(_link, Allocation.allocated_on, Allocation.amount_minor,
                         where=(Allocation.late & ~Allocation.voided),
                         name=f"allocation_{_link.name}_late")

# The broken promises still owed, by their day: Today lists them (schema v30;
# models.promise_owed), not the many paid since.
Promise.add_index(Promise.promised_for,
                  where=(Promise.status == PromiseStatus.BROKEN) & (Promise.owed_minor > 0),
                  name="promise_owed")
# The broken promises owing nothing, by the day their invoices were last paid: Today
# thanks for those kept in the last month (schema v32; models.promise_paid).
Promise.add_index(Promise.last_paid_on,
                  where=(Promise.status == PromiseStatus.BROKEN) & (Promise.owed_minor == 0),
                  name="promise_paid_off")

# A customer's timeline finds the audit entries of its rows (schema v4).
AuditEntry.add_index(AuditEntry.table, AuditEntry.row_id, name="audit_entry_row")

class KeptMonthTotal(BaseModel):
    """What was invoiced and what was allocated to invoices, by currency, month of the
    event and the invoice's due date: kept by triggers in the same transaction as each
    invoice and allocation (schema v16; :mod:`models.month_totals`), so the business
    figures sum a few thousand rows instead of every invoice."""

    currency = pw.CharField(max_length=3)
    month = pw.CharField(max_length=7)  # "YYYY-MM": the invoice's issue, or the allocation's
    due_date = pw.DateField()
    invoiced_minor = pw.BigIntegerField(default=0)  # receivable invoices issued in the month
    allocated_minor = pw.BigIntegerField(default=0)  # allocated to them, counted that month

    class Meta:
        indexes = ((("currency", "month", "due_date"), True),)


class KeptAccount(BaseModel):
    """One account (a customer's invoices in one currency): how many of its invoices are
    still owed something, the latest day of the allocations, not voided, to any of them,
    and of a follow-up stage carried out on one with a contact (schema v34;
    :mod:`models.kept_accounts`), kept by triggers as each invoice, allocation and
    stage carried out is written, so Today finds the accounts paid up lately after a
    chase without looking up every chase's invoice."""

    customer_id = pw.IntegerField()
    currency = pw.CharField(max_length=3)
    open_count = pw.IntegerField(default=0)
    last_paid_on = pw.DateField(null=True)
    last_chased_on = pw.DateField(null=True)

    class Meta:
        indexes = ((("customer_id", "currency"), True),)


# The accounts with nothing left open, by the days they were last paid and chased: Today
# thanks those paid up in the last month after a chase (schema v34; models.kept_accounts).
KeptAccount.add_index(KeptAccount.last_paid_on, KeptAccount.last_chased_on,
                      where=(KeptAccount.open_count == 0), name="kept_account_paid_up")

# Today and each batch read only the messages still to send or to look at (schema v6).
OutboxMessage.add_index(OutboxMessage.status, where=(OutboxMessage.status != OutboxState.SENT),
                        name="outbox_message_pending")

ALL_TABLES: tuple[type[BaseModel], ...] = (
    Business, StoreUser, BankAccount, Setting, PaymentTerms, CreditPolicy, ReferenceRate,
    LetterTemplate, FollowUpPolicy, FollowUpStage, Customer, ContactPerson, Invoice,
    CreditNote, Payment, Charge, Allocation, Interaction, InteractionInvoice,
    StageExecution, Promise, PromiseInvoice, PaymentPlan, PaymentPlanItem,
    Instalment, Agency, AgencyReferral, ReferralInvoice, AuditEntry, WorklistDecision,
    OutboxMessage, ImportBatch, ExternalRecord, Offer, OfferInvoice, KeptMonthTotal,
    DisputeCase, DisputedInvoice, DisputeNote, WriteOff, ReferralUpdate, CourtFee,
    ClaimLetter, BankStatement, BankCredit, PayerIban, KeptAccount,
)
