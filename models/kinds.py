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


class PlanStatus(StrEnum):
    """Where a payment plan stands."""

    ACTIVE = "active"
    COMPLETED = "completed"
    DEFAULTED = "defaulted"
    CANCELLED = "cancelled"


class ReferralStatus(StrEnum):
    """Where a debt handed to a collection agency stands."""

    REFERRED = "referred"
    COLLECTING = "collecting"
    RECOVERED = "recovered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


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


class Tone(StrEnum):
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


_WORDS: dict[type[Worded], dict[str, str]] = {
    InvoiceStatus: {InvoiceStatus.OPEN: "Open", InvoiceStatus.PAID: "Paid",
                    InvoiceStatus.DISPUTED: "Disputed", InvoiceStatus.WRITTEN_OFF: "Written off",
                    InvoiceStatus.WITH_AGENCY: "With agency", InvoiceStatus.VOID: "Void"},
    ContactKind: {ContactKind.CALL: "Call", ContactKind.EMAIL: "E-mail",
                  ContactKind.LETTER: "Letter", ContactKind.MEETING: "Meeting",
                  ContactKind.SMS: "SMS", ContactKind.NOTE: "Note"},
    Channel: {Channel.EMAIL: "E-mail", Channel.LETTER: "Letter", Channel.PHONE: "Phone call"},
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
