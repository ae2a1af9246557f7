"""A GnuCash book in its default format, gzip-compressed XML, read as a stream.

The stream goes through expat, which builds no tree: only the fields the importer uses
are kept, one object's at a time, so a book of any size is never held whole. A document
type declaration is refused (GnuCash never writes one), and with it any entity to declare
or expand and any external resource to fetch, so a hostile file cannot blow up.

What it returns is plain data; ``models.imports.gnucash`` makes records of it.
"""

from __future__ import annotations

import gzip
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NoReturn
from xml.parsers import expat

from models.imports.table import FileRefused

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16

# Tags as GnuCash writes them, with their prefixes: GnuCash's own reader matches them so.
_CUSTOMER, _JOB, _TERMS, _INVOICE, _TRANSACTION = (
    "gnc:GncCustomer", "gnc:GncJob", "gnc:GncBillTerm", "gnc:GncInvoice", "gnc:transaction")
_SLOT = f"{_TRANSACTION}/trn:slots/slot"
_SPLIT = f"{_TRANSACTION}/trn:splits/trn:split"
_DUE_KEY = "trans-date-due"


def _in(owner: str, *paths: str) -> tuple[str, ...]:
    return tuple(f"{owner}/{path}" for path in paths)


(_C_GUID, _C_NAME, _C_ADDR1, _C_ADDR2, _C_ADDR3, _C_ADDR4, _C_PHONE, _C_EMAIL, _C_TERMS,
 _C_CURRENCY) = _C_FIELDS = _in(
    _CUSTOMER, "cust:guid", "cust:name", "cust:addr/addr:addr1", "cust:addr/addr:addr2",
    "cust:addr/addr:addr3", "cust:addr/addr:addr4", "cust:addr/addr:phone",
    "cust:addr/addr:email", "cust:terms", "cust:currency/cmdty:id")
_J_GUID, _J_OWNER = _J_FIELDS = _in(_JOB, "job:guid", "job:owner/owner:id")
_T_GUID, _T_DAYS = _T_FIELDS = _in(_TERMS, "billterm:guid", "billterm:days/bt-days:due-days")
(_I_ID, _I_POSTED, _I_OWNER_TYPE, _I_OWNER, _I_TXN, _I_LOT, _I_CURRENCY,
 _I_TERMS) = _I_FIELDS = _in(
    _INVOICE, "invoice:id", "invoice:posted/ts:date", "invoice:owner/owner:type",
    "invoice:owner/owner:id", "invoice:posttxn", "invoice:postlot",
    "invoice:currency/cmdty:id", "invoice:terms")
_X_ID, _X_POSTED = _X_FIELDS = _in(_TRANSACTION, "trn:id", "trn:date-posted/ts:date")
# A slot's value: a date, if the book keeps one; GnuCash 4.13 writes a due date as a time.
_S_KEY, _S_GDATE, _S_TIME = _S_FIELDS = _in(
    _SLOT, "slot:key", "slot:value/gdate", "slot:value/ts:date")
_P_VALUE, _P_LOT = _P_FIELDS = _in(_SPLIT, "split:value", "split:lot")
_LEAVES = frozenset(_C_FIELDS + _J_FIELDS + _T_FIELDS + _I_FIELDS + _X_FIELDS + _S_FIELDS
                    + _P_FIELDS)


@dataclass(frozen=True)
class XmlCustomer:
    """A customer as the book keeps it."""

    guid: str
    name: str
    address: tuple[str, ...]
    phone: str
    email: str
    terms: str
    currency: str


@dataclass(frozen=True)
class XmlInvoice:
    """A posted invoice as the book keeps it (owner: a customer's or a job's guid)."""

    number: str
    posted: str
    owner_kind: str  # "gncCustomer" or "gncJob"
    owner: str
    txn: str
    lot: str
    currency: str
    terms: str


@dataclass
class XmlBook:
    """The book's customers, jobs, terms, posted invoices, and each lot's splits."""

    customers: list[XmlCustomer] = field(default_factory=list)
    jobs: dict[str, str] = field(default_factory=dict)
    terms: dict[str, int] = field(default_factory=dict)
    invoices: list[XmlInvoice] = field(default_factory=list)
    lots: dict[str, list[tuple[str, Decimal, str | None]]] = field(
        default_factory=lambda: defaultdict(list))
    # A transaction's due date: a date "2026-10-20", or a timestamp with its offset.
    due: dict[str, str] = field(default_factory=dict)


def is_gnucash_xml(path: Path) -> bool:
    """Whether the file is a GnuCash book in XML (gzip-compressed, as GnuCash saves it,
    or plain)."""
    try:
        with path.open("rb") as stream:
            start = stream.read(2)
        opener = gzip.open if start == _GZIP_MAGIC else open
        with opener(path, "rb") as stream:
            head = stream.read(4096)
    except (OSError, EOFError, zlib.error):
        return False
    return b"<gnc-v2" in head


def read_xml(path: Path) -> XmlBook:
    """Read the book as a stream, keeping only what the importer uses."""
    reader = _Reader()
    try:
        with path.open("rb") as raw:
            start = raw.read(2)
        opener = gzip.open if start == _GZIP_MAGIC else open
        with opener(path, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                reader.parser.Parse(chunk, False)
            reader.parser.Parse(b"", True)
    except (OSError, EOFError, zlib.error, expat.ExpatError, ValueError,
            ArithmeticError) as error:
        raise FileRefused(f"{path.name} cannot be read as a GnuCash book: {error}.") from error
    return reader.book


def _refuse(*_args: object) -> NoReturn:
    raise ValueError("it declares a document type, which GnuCash never writes")


class _Reader:
    """Expat's handlers: outside the objects read, only a start tag is looked at; inside
    one, the path to each element is followed and the text of the fields kept."""

    def __init__(self) -> None:
        self.book = XmlBook()
        self.parser = parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        # GnuCash never writes a document type; without one, no entity is declared (so none
        # is expanded) and nothing is fetched. The other ways in are shut all the same.
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = _refuse
        parser.EntityDeclHandler = _refuse
        parser.ExternalEntityRefHandler = _refuse
        parser.StartElementHandler = self.outside
        self.path = ""  # from the object being read to the element open in it
        self.above: list[str] = []  # the paths of the elements the open one is in
        self.fields: dict[str, str] = {}
        self.text: list[str] = []
        self.splits: list[tuple[str, str]] = []  # a transaction's: value, lot
        self.objects: dict[str, Callable[[], None]] = {
            _CUSTOMER: self.customer, _JOB: self.job, _TERMS: self.terms,
            _INVOICE: self.invoice, _TRANSACTION: self.transaction}

    def outside(self, name: str, _attributes: object) -> None:
        """An element outside any object read: the start of one, or skipped."""
        if name in self.objects:
            self.path = name
            self.fields = {}
            self.splits = []
            self.parser.StartElementHandler = self.start
            self.parser.EndElementHandler = self.end

    def start(self, name: str, _attributes: object) -> None:
        """An element inside an object read; a field's text is gathered."""
        self.above.append(self.path)
        path = self.path = f"{self.path}/{name}"
        if path in _LEAVES:
            self.text = []
            self.parser.CharacterDataHandler = self.text.append

    def end(self, _name: str) -> None:
        """The end of an element inside an object read, or of the object itself."""
        path = self.path
        if path in _LEAVES:
            self.fields[path] = "".join(self.text).strip()
            self.parser.CharacterDataHandler = None
        elif path == _SLOT:
            self.slot()
        elif path == _SPLIT:
            self.splits.append((self.fields.pop(_P_VALUE, ""), self.fields.pop(_P_LOT, "")))
        if self.above:
            self.path = self.above.pop()
            return
        self.objects[path]()
        self.parser.StartElementHandler = self.outside
        self.parser.EndElementHandler = None

    def slot(self) -> None:
        """A transaction's slot: its due date is kept, as a date or a timestamp."""
        fields = self.fields
        key, day, time = fields.pop(_S_KEY, ""), fields.pop(_S_GDATE, ""), fields.pop(_S_TIME, "")
        if key == _DUE_KEY and (day or time):
            fields[_DUE_KEY] = day or time

    def customer(self) -> None:
        """A customer: its name, address, terms and currency."""
        get = self.fields.get
        lines = (get(_C_ADDR1, ""), get(_C_ADDR2, ""), get(_C_ADDR3, ""), get(_C_ADDR4, ""))
        self.book.customers.append(XmlCustomer(
            get(_C_GUID, ""), get(_C_NAME, ""), tuple(line for line in lines if line),
            get(_C_PHONE, ""), get(_C_EMAIL, ""), get(_C_TERMS, ""), get(_C_CURRENCY, "")))

    def job(self) -> None:
        """A job: whose it is."""
        self.book.jobs[self.fields.get(_J_GUID, "")] = self.fields.get(_J_OWNER, "")

    def terms(self) -> None:
        """Billing terms: their days, when they count days."""
        days = self.fields.get(_T_DAYS, "")
        if days.isdigit():
            self.book.terms[self.fields.get(_T_GUID, "")] = int(days)

    def invoice(self) -> None:
        """An invoice, kept once posted."""
        get = self.fields.get
        txn = get(_I_TXN, "")
        if not txn:
            return  # not posted: a draft
        self.book.invoices.append(XmlInvoice(
            get(_I_ID, ""), get(_I_POSTED, ""), get(_I_OWNER_TYPE, ""), get(_I_OWNER, ""),
            txn, get(_I_LOT, ""), get(_I_CURRENCY, ""), get(_I_TERMS, "")))

    def transaction(self) -> None:
        """A transaction: its due date, and its splits in a lot with their value."""
        guid = self.fields.get(_X_ID, "")
        posted = self.fields.get(_X_POSTED) or None
        due = self.fields.get(_DUE_KEY)
        if due:
            self.book.due[guid] = due
        for value, lot in self.splits:
            if lot:
                num, _slash, denom = value.partition("/")
                self.book.lots[lot].append((guid, Decimal(num) / Decimal(denom or "1"), posted))
