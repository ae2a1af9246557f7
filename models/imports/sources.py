"""The accounting programs Duly reads exports of, each a preset: which columns it writes
(the header row recognises the file), and which of them hold what Duly keeps.

Column lists are the vendors' documented exports (sources in
``docs/decisions.md``, "Importing"); names are matched as ``table.normal_name`` makes
them (no "*", no case), with the alternatives each vendor's versions write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from models.imports import gnucash_names
from models.imports.table import normal_name
from models.kinds import ImportSource as Source


class Holds(StrEnum):
    """What a file lists: customers, or invoices (with their customers)."""

    CUSTOMERS = "customers"
    INVOICES = "invoices"


class Field(StrEnum):
    """What Duly reads from a column."""

    CUSTOMER_KEY = "customer_key"  # the program's id or account number of the customer
    CUSTOMER = "customer"  # the customer's name
    EMAIL = "email"
    PHONE = "phone"
    COUNTRY = "country"
    TERMS_DAYS = "terms_days"
    TAX_NUMBER = "tax_number"
    CUSTOMER_CURRENCY = "customer_currency"
    NUMBER = "number"  # the invoice number
    KIND = "kind"  # invoice or credit note, in the program's words
    ISSUED = "issued"
    DUE = "due"
    TOTAL = "total"
    LINE_TOTAL = "line_total"  # one line's amount, for exports without an invoice total
    PAID = "paid"
    PAID_ON = "paid_on"  # the day of the last payment, when the export gives it
    BALANCE = "balance"
    CURRENCY = "currency"
    STATUS = "status"
    REFERENCE = "reference"


CUSTOMER_LIST_NEEDS = (Field.CUSTOMER,)
INVOICE_LIST_NEEDS = (Field.CUSTOMER, Field.NUMBER, Field.ISSUED, Field.TOTAL)
"""The columns a list of invoices must have (one of line amounts may stand for the total)."""


@dataclass(frozen=True)
class Preset:
    """One export layout of one program.

    ``columns`` gives, for each field, the column names that hold it (the first the
    file has is read); ``address`` the columns joined, one per line, into the postal
    address; ``lines`` says the file has one row per invoice line (grouped by number);
    ``snapshot`` that it lists only what is open (an aging report), so an invoice
    missing from a newer file may have been paid. ``header_rule``, when given, tells
    the layout's header row in place of ``signature`` (an export written in the
    user's language).
    """

    key: str
    source: Source
    title: str
    holds: Holds
    columns: dict[Field, tuple[str, ...]]
    address: tuple[str, ...] = ()
    lines: bool = False
    snapshot: bool = False
    credit_words: tuple[str, ...] = ()  # a KIND cell that makes the row a credit note
    skip_prefixes: tuple[str, ...] = ()  # rows whose first cell starts so are totals
    day_first: bool | None = None  # the program's own date order, when it has one
    signature: frozenset[str] = field(default=frozenset())
    reader: str = "table"  # or "iif": QuickBooks Desktop's blocks, read by models.imports.iif
    header_rule: Callable[[Sequence[str]], bool] | None = None

    def __post_init__(self) -> None:
        if not self.signature:
            needed = {self.columns[f][0] for f in self.required()}
            object.__setattr__(self, "signature", frozenset(normal_name(n) for n in needed))

    def required(self) -> tuple[Field, ...]:
        """The fields a file of this layout must have a column for."""
        if self.holds is Holds.CUSTOMERS:
            return CUSTOMER_LIST_NEEDS
        if Field.TOTAL in self.columns:
            return INVOICE_LIST_NEEDS
        return (*INVOICE_LIST_NEEDS[:-1], Field.LINE_TOTAL)

    def column_for(self, wanted: Field, header: Sequence[str]) -> str | None:
        """The file's column holding ``wanted``, as the file names it, if it has one."""
        by_name = {normal_name(name): name for name in header}
        for name in self.columns.get(wanted, ()):
            if normal_name(name) in by_name:
                return by_name[normal_name(name)]
        return None

    def fits(self, header: Sequence[str]) -> bool:
        """Whether a file with this header row is of this layout."""
        names = {normal_name(name) for name in header}
        known = self.header_rule(header) if self.header_rule else self.signature <= names
        return known and all(self.column_for(f, header) is not None for f in self.required())


def _po(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{part}" for part in (
        "AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "City", "Region",
        "PostalCode", "Country"))


XERO_INVOICES = Preset(
    "xero-invoices", Source.XERO, "Xero invoices", Holds.INVOICES,
    {Field.CUSTOMER: ("ContactName",), Field.EMAIL: ("EmailAddress",),
     Field.NUMBER: ("InvoiceNumber",), Field.REFERENCE: ("Reference",),
     Field.ISSUED: ("InvoiceDate",), Field.DUE: ("DueDate",), Field.TOTAL: ("Total",),
     Field.PAID: ("InvoiceAmountPaid",), Field.BALANCE: ("InvoiceAmountDue",),
     Field.CURRENCY: ("Currency",), Field.KIND: ("Type",), Field.STATUS: ("Status",),
     Field.COUNTRY: ("POCountry",)},
    address=_po("PO"), lines=True, credit_words=("credit note",),
    signature=frozenset({"contactname", "invoicenumber", "invoicedate", "invoiceamountdue"}))

XERO_CONTACTS = Preset(
    "xero-contacts", Source.XERO, "Xero contacts", Holds.CUSTOMERS,
    {Field.CUSTOMER: ("ContactName",), Field.CUSTOMER_KEY: ("AccountNumber",),
     Field.EMAIL: ("EmailAddress",), Field.PHONE: ("PhoneNumber",),
     Field.TAX_NUMBER: ("TaxNumber",), Field.COUNTRY: ("POCountry",),
     Field.TERMS_DAYS: ("DueDateSalesDay",)},
    address=_po("PO"),
    signature=frozenset({"contactname", "emailaddress", "poaddressline1", "duedatesalesday"}))

QBO_INVOICES = Preset(
    "qbo-invoices", Source.QBO, "QuickBooks Online invoice list or A/R aging",
    Holds.INVOICES,
    {Field.CUSTOMER: ("Customer", "Customer full name", "Name"), Field.NUMBER: ("Num", "No."),
     Field.KIND: ("Transaction type", "Type"), Field.ISSUED: ("Date", "Invoice date"),
     Field.DUE: ("Due date",), Field.TOTAL: ("Amount", "Total"),
     Field.BALANCE: ("Open balance", "Balance"), Field.EMAIL: ("Email", "Customer email"),
     Field.CURRENCY: ("Currency",)},
    credit_words=("credit memo", "credit note"), skip_prefixes=("total", "total for"),
    signature=frozenset({"num", "due date", "open balance"}))

QBO_CUSTOMERS = Preset(
    "qbo-customers", Source.QBO, "QuickBooks Online customer contact list", Holds.CUSTOMERS,
    {Field.CUSTOMER: ("Customer", "Customer full name", "Full name", "Name"),
     Field.EMAIL: ("Email",), Field.PHONE: ("Phone numbers", "Phone"),
     Field.COUNTRY: ("Country",), Field.TAX_NUMBER: ("Tax ID", "Resale number")},
    address=("Billing address", "Full address", "Street", "City", "State", "ZIP"),
    skip_prefixes=("total",),
    signature=frozenset({"customer", "phone numbers", "email"}))

FRESHBOOKS_INVOICES = Preset(
    "freshbooks-invoices", Source.FRESHBOOKS, "FreshBooks invoice details", Holds.INVOICES,
    {Field.NUMBER: ("Invoice #",), Field.CUSTOMER: ("Client Name", "Organization"),
     Field.ISSUED: ("Date Issued",), Field.STATUS: ("Invoice Status",),
     Field.LINE_TOTAL: ("Line Total",), Field.DUE: ("Due Date",),
     Field.PAID_ON: ("Date Paid",),
     Field.CURRENCY: ("Currency",)},
    lines=True, signature=frozenset({"invoice #", "client name", "date issued", "line total"}))

FRESHBOOKS_CLIENTS = Preset(
    "freshbooks-clients", Source.FRESHBOOKS, "FreshBooks clients", Holds.CUSTOMERS,
    {Field.CUSTOMER: ("Organization",), Field.EMAIL: ("Email",), Field.PHONE: ("Phone",),
     Field.COUNTRY: ("Country",)},
    address=("Street", "City", "Province/State", "Postal Code"),
    signature=frozenset({"organization", "first name", "last name", "province/state"}))

WAVE_INVOICES = Preset(
    "wave-invoices", Source.WAVE, "Wave invoices", Holds.INVOICES,
    {Field.NUMBER: ("Invoice Number",), Field.CUSTOMER: ("Customer Name", "Customer"),
     Field.ISSUED: ("Invoice Date", "Transaction Date"), Field.DUE: ("Due Date",),
     Field.TOTAL: ("Invoice Total",), Field.PAID: ("Invoice Paid",),
     Field.PAID_ON: ("Last Payment Date",),
     Field.CURRENCY: ("Currency",)},
    signature=frozenset({"invoice number", "invoice total", "invoice paid"}))

WAVE_CUSTOMERS = Preset(
    "wave-customers", Source.WAVE, "Wave customers", Holds.CUSTOMERS,
    {Field.CUSTOMER: ("customer_name",), Field.CUSTOMER_KEY: ("account_number",),
     Field.EMAIL: ("email",), Field.PHONE: ("phone",), Field.COUNTRY: ("country",),
     Field.CUSTOMER_CURRENCY: ("customer_currency",)},
    address=("address_line_1", "address_line_2", "city", "province/state",
             "postal_code/zip_code"),
    signature=frozenset({"customer_name", "contact_first_name", "address_line_1"}))

ZOHO_INVOICES = Preset(
    "zoho-invoices", Source.ZOHO, "Zoho Books invoices", Holds.INVOICES,
    {Field.NUMBER: ("Invoice Number",), Field.CUSTOMER: ("Customer Name",),
     Field.CUSTOMER_KEY: ("Customer ID",), Field.EMAIL: ("Primary Contact EmailID",),
     Field.ISSUED: ("Invoice Date",), Field.DUE: ("Due Date",), Field.TOTAL: ("Total",),
     Field.BALANCE: ("Balance",), Field.STATUS: ("Invoice Status",),
     Field.CURRENCY: ("Currency Code", "Currency"), Field.REFERENCE: ("PurchaseOrder",),
     Field.PAID_ON: ("Last Payment Date",),
     Field.COUNTRY: ("Billing Country",)},
    address=("Billing Address", "Billing Street2", "Billing City", "Billing State",
             "Billing Code"),
    lines=True, signature=frozenset({"invoice number", "customer id", "balance",
                                     "invoice status"}))

ZOHO_CONTACTS = Preset(
    "zoho-contacts", Source.ZOHO, "Zoho Books contacts", Holds.CUSTOMERS,
    {Field.CUSTOMER: ("Display Name", "Company Name"), Field.CUSTOMER_KEY: ("Customer ID",),
     Field.EMAIL: ("EmailID",), Field.PHONE: ("Phone",), Field.COUNTRY: ("Billing Country",),
     Field.CUSTOMER_CURRENCY: ("Currency Code", "Currency")},
    address=("Billing Address", "Billing Street2", "Billing City", "Billing State",
             "Billing Code"),
    signature=frozenset({"display name", "customer id", "emailid"}))

SAGE_OPENING = Preset(
    "sage-opening-balances", Source.SAGE, "Sage Accounting customer opening balances",
    Holds.INVOICES,
    {Field.KIND: ("Type",), Field.ISSUED: ("Date",), Field.CUSTOMER: ("Customer",),
     Field.CUSTOMER_KEY: ("Customer",), Field.NUMBER: ("Reference",),
     Field.REFERENCE: ("Details",), Field.TOTAL: ("Total",), Field.DUE: ("Due Date",)},
    credit_words=("crn", "credit note"), snapshot=True, day_first=True,
    signature=frozenset({"type", "date", "customer", "reference", "details", "total"}))

SAGE_CUSTOMERS = Preset(
    "sage-customers", Source.SAGE, "Sage Accounting customers", Holds.CUSTOMERS,
    {Field.CUSTOMER: ("Company Name",), Field.CUSTOMER_KEY: ("Reference",),
     Field.EMAIL: ("Main Contact Email",), Field.PHONE: ("Main Contact Phone",),
     Field.COUNTRY: ("Main Address Country",), Field.TAX_NUMBER: ("VAT Number",),
     Field.CUSTOMER_CURRENCY: ("Currency",)},
    address=("Main Address Line 1", "Main Address Line 2", "Main Address Town",
             "Main Address County", "Main Address Post Code"),
    signature=frozenset({"reference", "company name", "main address line 1"}))

QBD_IIF = Preset(
    "qbd-iif", Source.IIF, "QuickBooks Desktop (IIF)", Holds.INVOICES,
    {Field.CUSTOMER: ("NAME",), Field.NUMBER: ("DOCNUM",), Field.ISSUED: ("DATE",),
     Field.DUE: ("DUEDATE",), Field.TOTAL: ("AMOUNT",), Field.KIND: ("TRNSTYPE",)},
    day_first=False, signature=frozenset({"!trns", "trnstype"}), reader="iif")

GNUCASH_BOOK = Preset(
    "gnucash-book", Source.GNUCASH, "GnuCash book", Holds.INVOICES, {},
    signature=frozenset({"gnucash"}), reader="gnucash")

# GnuCash writes its export in the user's language: the columns by their names in every
# language Duly knows, the header row by gnucash_names' one rule (one language in a row).
GNUCASH_CSV = Preset(
    "gnucash-csv", Source.GNUCASH, "GnuCash transactions (CSV)", Holds.INVOICES,
    {Field.ISSUED: gnucash_names.every_name("Date"),
     Field.NUMBER: gnucash_names.every_name("Number", "Transaction Number"),
     Field.CUSTOMER: gnucash_names.every_name("Description"),
     Field.TOTAL: gnucash_names.every_name("Value Num.", "Amount Num.")},
    header_rule=gnucash_names.is_export, reader="gnucash-csv")

PRESETS: tuple[Preset, ...] = (
    XERO_INVOICES, XERO_CONTACTS, ZOHO_INVOICES, ZOHO_CONTACTS, QBO_INVOICES, QBO_CUSTOMERS,
    FRESHBOOKS_INVOICES, FRESHBOOKS_CLIENTS, WAVE_INVOICES, WAVE_CUSTOMERS, SAGE_OPENING,
    SAGE_CUSTOMERS, QBD_IIF, GNUCASH_BOOK, GNUCASH_CSV,
)

KNOWN_COLUMNS: frozenset[str] = frozenset(
    normal_name(name) for preset in PRESETS for names in preset.columns.values()
    for name in names)
"""Every column name a preset reads, normalised (to find a report's header row)."""


def recognise(header: Sequence[str], source: Source | None = None) -> Preset | None:
    """The preset whose layout the header row is (of ``source`` only, if given)."""
    for preset in PRESETS:
        if (source is None or preset.source is source) and preset.fits(header):
            return preset
    return None
