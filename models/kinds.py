"""The fixed words of the store: statuses, channels and kinds, each one enum.

They are ``StrEnum``s, so a member is the very text kept in the store and compares
equal to it; the schema's enum fields hand them back as members.
"""

from __future__ import annotations

from enum import StrEnum


class Worded(StrEnum):
    """An enum whose members have the word the window shows for them."""

    @property
    def word(self) -> str:
        """The member as the window names it: "E-mail", "Written off"."""
        return _WORDS[type(self)][self]

    @classmethod
    def word_for(cls, value: str) -> str:
        """The word for a stored value; a value this version does not know (a newer
        store's) is shown as it is, tidied."""
        return _WORDS[cls].get(value) or value.replace("_", " ").capitalize()


class InvoiceStatus(Worded):
    """Where an invoice stands: open until paid, or taken out of the chase."""

    OPEN = "open"
    PAID = "paid"
    DISPUTED = "disputed"
    WRITTEN_OFF = "written_off"
    WITH_AGENCY = "with_agency"
    VOID = "void"


# The statuses of an invoice still owed what is open on it: chased, payable, counted as
# open (disputed and with an agency too; paid, written off and void not).
OWED_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.DISPUTED, InvoiceStatus.WITH_AGENCY)


class ContactKind(Worded):
    """How a contact with a customer happened (an :class:`Interaction`'s kind)."""

    CALL = "call"
    EMAIL = "email"
    LETTER = "letter"
    MEETING = "meeting"
    SMS = "sms"
    NOTE = "note"


class Channel(Worded):
    """How a follow-up stage reaches the customer; templates are written for the
    first two (a phone stage is a call the user makes)."""

    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"

    @property
    def contact_kind(self) -> ContactKind:
        """The kind of contact a stage on this channel makes: a phone stage is a call."""
        return ContactKind.CALL if self is Channel.PHONE else ContactKind(self.value)


class OutboxState(StrEnum):
    """Where an e-mail in the outbox stands."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # The server may or may not have taken it (the connection broke after DATA).
    UNCERTAIN = "uncertain"


class OutboxKind(StrEnum):
    """What an e-mail in the outbox is."""

    REMINDER = "reminder"
    STATEMENT = "statement"
    PLAN = "plan"  # a payment plan's agreement, or an instalment's reminder
    RELATIONSHIP = "relationship"  # a welcome, a thank-you, a check-in
    DOSSIER = "dossier"  # an account's file, sent to the collection agency it is referred to


class ChargeKind(StrEnum):
    """A charge added to an invoice for its lateness, in the order they are listed."""

    INTEREST = "interest"
    COMPENSATION = "compensation"
    FEE = "fee"


class PromiseStatus(Worded):
    """Where a customer's promise to pay stands."""

    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class PlanStatus(Worded):
    """Where a payment plan stands: kept (active) until its last instalment is paid
    (completed), an instalment is missed past its grace (defaulted), it is replaced by
    a new plan when renegotiated (replaced) or called off (cancelled)."""

    ACTIVE = "active"
    COMPLETED = "completed"
    DEFAULTED = "defaulted"
    CANCELLED = "cancelled"
    REPLACED = "replaced"


class PlanFrequency(Worded):
    """How often a plan's instalments fall due; custom: a list of its own."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    CUSTOM = "custom"


class InstalmentState(Worded):
    """Where one instalment of a plan stands on a day (worked out, never stored)."""

    UPCOMING = "upcoming"
    DUE = "due"  # on or after its date, within the plan's grace
    PAID = "paid"
    PAID_LATE = "paid_late"
    PART_PAID = "part_paid"
    MISSED = "missed"


class CustomerClass(Worded):
    """How a customer pays, as their profile shows it (``models.customer_class``
    defines each one, from the business's thresholds)."""

    RELIABLE = "reliable"
    OCCASIONALLY_LATE = "occasionally_late"
    TEMPORARY_DIFFICULTY = "temporary_difficulty"  # a good record that changed recently
    RECURRING_LATE = "recurring_late"
    AT_RISK = "at_risk"  # a growing debt, broken promises, no answer
    NEW = "new"  # too little history to judge


class ContactPurpose(StrEnum):
    """What a contact was for: chasing a debt (the follow-up engine's contact gap
    counts only these) or the relationship around it (schema v15)."""

    CHASE = "chase"
    PLAN = "plan"  # an agreement, an instalment's reminder, a missed instalment
    WELCOME = "welcome"
    THANKS = "thanks"
    CHECK_IN = "check_in"


class ReminderAspect(Worded):
    """What the reminders are grouped by in "what works" (models.what_works)."""

    STAGE = "stage"
    CHANNEL = "channel"
    TONE = "tone"
    TEMPLATE = "template"


class CreditKind(Worded):
    """Why a credit note was granted: by hand, or by a rule Duly applied (schema v15)."""

    CREDIT = "credit"
    EARLY_PAYMENT = "early_payment"  # the terms' discount, taken in time
    SETTLEMENT = "settlement"  # the rest waived under an accepted settlement offer
    WAIVER = "waiver"  # a fee or interest waived under a loyalty incentive
    WRITE_OFF = "write_off"  # a bad debt written off (models.write_offs) (schema v17)


class DisputeCategory(Worded):
    """What a customer disputes about invoices (schema v17)."""

    PRICE = "price"
    QUALITY = "quality"
    NOT_DELIVERED = "not_delivered"
    ALREADY_PAID = "already_paid"
    DUPLICATE = "duplicate"
    OTHER = "other"


class DisputeStatus(Worded):
    """Where a dispute case stands: open, or how it ended (schema v17)."""

    OPEN = "open"
    CREDITED = "credited"  # settled by a credit note for part or all of it
    REJECTED = "rejected"  # the business stands by its invoices: chasing resumes
    WITHDRAWN = "withdrawn"  # the customer dropped it


class WriteOffReason(Worded):
    """Why a debt was written off (schema v17)."""

    UNCOLLECTABLE = "uncollectable"
    INSOLVENT = "insolvent"  # the customer is insolvent
    SETTLED_FOR_LESS = "settled_for_less"
    TOO_SMALL = "too_small"  # too small to chase
    AGENCY_RETURNED = "agency_returned"  # a collection agency returned it


class LegalForm(Worded):
    """What kind of person or body a customer is in law (schema v18): which letter
    before a claim the law asks for depends on it (models.claims)."""

    UNKNOWN = ""
    COMPANY = "company"  # a limited company, LLP or other body corporate
    SOLE_TRADER = "sole_trader"
    INDIVIDUAL = "individual"  # a person, not in business
    OTHER = "other"  # a partnership, club, charity, public body…


class ClaimLetterKind(Worded):
    """The letter sent before a claim to court (schema v20; models.claims)."""

    PROTOCOL = "protocol"  # England & Wales: Pre-Action Protocol for Debt Claims
    BEFORE_ACTION = "before_action"  # England & Wales: to a company
    GENERIC = "generic"  # other countries: a letter before action


class BankFormat(StrEnum):
    """The layout of a bank statement file (schema v21)."""

    OFX = "ofx"  # OFX or QFX, SGML (1.x) or XML (2.x)
    CAMT = "camt"  # ISO 20022 CAMT.053
    MT940 = "mt940"  # SWIFT MT940
    CSV = "csv"  # the bank's own table, read with a saved column mapping


class BankCreditOutcome(StrEnum):
    """What became of a credit of a bank statement (schema v21)."""

    RECORDED = "recorded"  # recorded as a customer's payment
    IGNORED = "ignored"  # the user said it is not a customer payment


class OfferKind(Worded):
    """An offer made to a customer to pay by a date (schema v15)."""

    SETTLEMENT = "settlement"  # pay part by a date and the rest is waived
    LOYALTY = "loyalty"  # pay in full by a date and a fee or the interest is waived


class OfferStatus(Worded):
    """Where an offer stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"


class LoyaltyWaiver(Worded):
    """What a credit policy's loyalty incentive waives when the customer pays in full
    by the offer's date (schema v15)."""

    NONE = "none"
    FEE = "fee"  # the next stage's fee
    INTEREST = "interest"  # the interest accrued


class PolicyUse(StrEnum):
    """What a follow-up policy chases: invoices by their due dates, or the instalments
    of payment plans by theirs (the one "Payment plans" policy) (schema v15)."""

    INVOICES = "invoices"
    PLANS = "plans"


class ReferralStatus(Worded):
    """Where a debt handed to a collection agency stands: live (the agency has it, and
    Duly does not chase its invoices) or ended (paid, given up, returned or recalled).
    ``collecting``, ``recovered`` and ``closed`` are the words of stores before v18."""

    REFERRED = "referred"
    ACKNOWLEDGED = "acknowledged"
    CONTACTING = "contacting"
    COLLECTING = "collecting"
    PLAN_AGREED = "plan_agreed"
    PAID = "paid"
    RECOVERED = "recovered"
    UNCOLLECTABLE = "uncollected"  # the agency gave up (the column holds 12 letters)
    RETURNED = "returned"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # recalled by the business


# While a referral is in one of these, the agency has the account.
LIVE_REFERRAL_STATUSES = (ReferralStatus.REFERRED, ReferralStatus.ACKNOWLEDGED,
                          ReferralStatus.CONTACTING, ReferralStatus.COLLECTING,
                          ReferralStatus.PLAN_AGREED)


class Regime(Worded):
    """How lateness is charged under a credit policy."""

    NONE = "none"
    CONTRACTUAL_ANNUAL = "contractual_annual"
    CONTRACTUAL_MONTHLY = "contractual_monthly"
    UK_STATUTORY = "uk_statutory"
    EU_STATUTORY = "eu_statutory"
    DE_STATUTORY = "de_statutory"
    FR_STATUTORY = "fr_statutory"


class Direction(StrEnum):
    """Who made a contact: the business or the customer."""

    OUTGOING = "outgoing"
    INCOMING = "incoming"


class Tone(Worded):
    """How a reminder speaks, from a courtesy nudge to the last word before action."""

    FRIENDLY = "friendly"
    POLITE = "polite"
    PERSONAL = "personal"
    FIRM = "firm"
    FINAL = "final"


class BankKind(Worded):
    """How a customer pays into one of the business's bank accounts."""

    IBAN = "iban"  # IBAN and BIC (SEPA and most of the world)
    UK = "uk"  # UK sort code and account number
    US = "us"  # US ABA routing number and account number
    TEXT = "text"  # the business's own words


class UserRole(Worded):
    """What a user of the store may do: record and send (contacts, payments, reminders,
    everything of the daily work), or also manage (change policies, write off, manage
    users); models.users holds which needs which."""

    RECORD_AND_SEND = "record_and_send"
    MANAGE = "manage"


_WORDS: dict[type[Worded], dict[str, str]] = {
    InvoiceStatus: {InvoiceStatus.OPEN: "Open", InvoiceStatus.PAID: "Paid",
                    InvoiceStatus.DISPUTED: "Disputed", InvoiceStatus.WRITTEN_OFF: "Written off",
                    InvoiceStatus.WITH_AGENCY: "With agency", InvoiceStatus.VOID: "Void"},
    ContactKind: {ContactKind.CALL: "Call", ContactKind.EMAIL: "E-mail",
                  ContactKind.LETTER: "Letter", ContactKind.MEETING: "Meeting",
                  ContactKind.SMS: "SMS", ContactKind.NOTE: "Note"},
    Channel: {Channel.EMAIL: "E-mail", Channel.LETTER: "Letter", Channel.PHONE: "Phone call"},
    Tone: {Tone.FRIENDLY: "Friendly", Tone.POLITE: "Polite", Tone.PERSONAL: "Personal",
           Tone.FIRM: "Firm", Tone.FINAL: "Final"},
    Regime: {Regime.NONE: "No charges",
             Regime.CONTRACTUAL_ANNUAL: "Contractual interest, a rate a year",
             Regime.CONTRACTUAL_MONTHLY: "Contractual interest, a rate a month",
             Regime.UK_STATUTORY: "UK statutory late-payment interest",
             Regime.EU_STATUTORY: "EU statutory late-payment interest",
             Regime.DE_STATUTORY: "German statutory late-payment interest (BGB § 288)",
             Regime.FR_STATUTORY: "French statutory late-payment interest (Code de commerce "
                                  "L441-10)"},
    PromiseStatus: {PromiseStatus.OPEN: "Open", PromiseStatus.KEPT: "Kept",
                    PromiseStatus.BROKEN: "Broken", PromiseStatus.CANCELLED: "Cancelled"},
    PlanStatus: {PlanStatus.ACTIVE: "On plan", PlanStatus.COMPLETED: "Completed",
                 PlanStatus.DEFAULTED: "Defaulted", PlanStatus.CANCELLED: "Cancelled",
                 PlanStatus.REPLACED: "Renegotiated"},
    PlanFrequency: {PlanFrequency.WEEKLY: "Weekly", PlanFrequency.FORTNIGHTLY: "Fortnightly",
                    PlanFrequency.MONTHLY: "Monthly", PlanFrequency.CUSTOM: "Own dates"},
    InstalmentState: {InstalmentState.UPCOMING: "Upcoming", InstalmentState.DUE: "Due",
                      InstalmentState.PAID: "Paid", InstalmentState.PAID_LATE: "Paid late",
                      InstalmentState.PART_PAID: "Part-paid",
                      InstalmentState.MISSED: "Missed"},
    CreditKind: {CreditKind.CREDIT: "Credit", CreditKind.EARLY_PAYMENT: "Early-payment discount",
                 CreditKind.SETTLEMENT: "Settlement discount",
                 CreditKind.WAIVER: "Loyalty waiver", CreditKind.WRITE_OFF: "Write-off"},
    DisputeCategory: {DisputeCategory.PRICE: "Price", DisputeCategory.QUALITY: "Quality",
                      DisputeCategory.NOT_DELIVERED: "Not delivered",
                      DisputeCategory.ALREADY_PAID: "Already paid",
                      DisputeCategory.DUPLICATE: "Duplicate", DisputeCategory.OTHER: "Other"},
    DisputeStatus: {DisputeStatus.OPEN: "Open", DisputeStatus.CREDITED: "Credited",
                    DisputeStatus.REJECTED: "Rejected", DisputeStatus.WITHDRAWN: "Withdrawn"},
    WriteOffReason: {WriteOffReason.UNCOLLECTABLE: "Uncollectable",
                     WriteOffReason.INSOLVENT: "Customer insolvent",
                     WriteOffReason.SETTLED_FOR_LESS: "Settled for less",
                     WriteOffReason.TOO_SMALL: "Too small to chase",
                     WriteOffReason.AGENCY_RETURNED: "Agency returned it"},
    ReferralStatus: {ReferralStatus.REFERRED: "Referred",
                     ReferralStatus.ACKNOWLEDGED: "Acknowledged",
                     ReferralStatus.CONTACTING: "Contacting",
                     ReferralStatus.COLLECTING: "Collecting",
                     ReferralStatus.PLAN_AGREED: "Plan agreed", ReferralStatus.PAID: "Paid",
                     ReferralStatus.RECOVERED: "Recovered",
                     ReferralStatus.UNCOLLECTABLE: "Uncollectable",
                     ReferralStatus.RETURNED: "Returned", ReferralStatus.CLOSED: "Closed",
                     ReferralStatus.WITHDRAWN: "Recalled"},
    LegalForm: {LegalForm.UNKNOWN: "Unknown", LegalForm.COMPANY: "Company",
                LegalForm.SOLE_TRADER: "Sole trader", LegalForm.INDIVIDUAL: "Individual",
                LegalForm.OTHER: "Other"},
    ClaimLetterKind: {ClaimLetterKind.PROTOCOL: "Letter of claim (Debt Protocol)",
                      ClaimLetterKind.BEFORE_ACTION: "Letter before action",
                      ClaimLetterKind.GENERIC: "Letter before action"},
    OfferKind: {OfferKind.SETTLEMENT: "Settlement offer", OfferKind.LOYALTY: "Loyalty offer"},
    OfferStatus: {OfferStatus.OPEN: "Open", OfferStatus.ACCEPTED: "Accepted",
                  OfferStatus.LAPSED: "Lapsed", OfferStatus.WITHDRAWN: "Withdrawn"},
    LoyaltyWaiver: {LoyaltyWaiver.NONE: "None", LoyaltyWaiver.FEE: "The next stage's fee",
                    LoyaltyWaiver.INTEREST: "The interest accrued"},
    CustomerClass: {CustomerClass.RELIABLE: "Reliable",
                    CustomerClass.OCCASIONALLY_LATE: "Occasionally late",
                    CustomerClass.TEMPORARY_DIFFICULTY: "Temporary difficulty",
                    CustomerClass.RECURRING_LATE: "Recurring late payer",
                    CustomerClass.AT_RISK: "At risk", CustomerClass.NEW: "New"},
    ReminderAspect: {ReminderAspect.STAGE: "Stage", ReminderAspect.CHANNEL: "Channel",
                     ReminderAspect.TONE: "Tone", ReminderAspect.TEMPLATE: "Template"},
    UserRole: {UserRole.RECORD_AND_SEND: "Record and send", UserRole.MANAGE: "Manage"},
    BankKind: {BankKind.IBAN: "IBAN and BIC", BankKind.UK: "UK sort code and account",
               BankKind.US: "US routing and account number", BankKind.TEXT: "In your own words"},
}


class ImportSource(StrEnum):
    """The program an imported file comes from (the CLI's ``--source``)."""

    XERO = "xero"
    QBO = "qbo"
    IIF = "iif"
    FRESHBOOKS = "freshbooks"
    WAVE = "wave"
    ZOHO = "zoho"
    SAGE = "sage"
    GNUCASH = "gnucash"
    CSV = "csv"


class ImportedKind(StrEnum):
    """What kind of Duly row an imported record became."""

    CUSTOMER = "customer"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
