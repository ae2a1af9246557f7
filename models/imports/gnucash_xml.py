"""A GnuCash book in its default format, gzip-compressed XML, read as a stream with a
hardened parser (defusedxml: no entity expansion, no external entities), so a book of
any size is never held whole and a hostile file cannot blow up.

What it returns is plain data; ``models.imports.gnucash`` makes records of it.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import iterparse

from models.imports.table import FileRefused

_GZIP_MAGIC = b"\x1f\x8b"
_NS = {
    "gnc": "http://www.gnucash.org/XML/gnc", "cust": "http://www.gnucash.org/XML/cust",
    "invoice": "http://www.gnucash.org/XML/invoice", "owner": "http://www.gnucash.org/XML/owner",
    "job": "http://www.gnucash.org/XML/job", "trn": "http://www.gnucash.org/XML/trn",
    "split": "http://www.gnucash.org/XML/split", "ts": "http://www.gnucash.org/XML/ts",
    "addr": "http://www.gnucash.org/XML/addr", "cmdty": "http://www.gnucash.org/XML/cmdty",
    "slot": "http://www.gnucash.org/XML/slot",
    "billterm": "http://www.gnucash.org/XML/billterm",
    "bt-days": "http://www.gnucash.org/XML/bt-days",
}


def _tag(prefixed: str) -> str:
    prefix, name = prefixed.split(":")
    return f"{{{_NS[prefix]}}}{name}"


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
    due: dict[str, str] = field(default_factory=dict)  # a transaction's due date


def is_gnucash_xml(path: Path) -> bool:
    """Whether the file is a GnuCash book in XML (gzip-compressed, as GnuCash saves it,
    or plain)."""
    try:
        with path.open("rb") as stream:
            start = stream.read(2)
        opener = gzip.open if start == _GZIP_MAGIC else open
        with opener(path, "rb") as stream:
            head = stream.read(4096)
    except (OSError, EOFError):
        return False
    return b"<gnc-v2" in head


def read_xml(path: Path) -> XmlBook:
    """Read the book, element by element."""
    book = XmlBook()
    handlers = {_tag("gnc:GncCustomer"): _customer, _tag("gnc:GncJob"): _job,
                _tag("gnc:GncBillTerm"): _terms, _tag("gnc:GncInvoice"): _invoice,
                _tag("gnc:transaction"): _transaction}
    try:
        with path.open("rb") as raw:
            start = raw.read(2)
        opener = gzip.open if start == _GZIP_MAGIC else open
        with opener(path, "rb") as stream:
            for _event, element in iterparse(stream, events=("end",)):
                handler = handlers.get(element.tag)
                if handler is not None:
                    handler(element, book)
                    element.clear()  # a big book is never held whole
    except (OSError, EOFError, SyntaxError, ValueError) as error:
        raise FileRefused(f"{path.name} cannot be read as a GnuCash book: {error}.") from error
    return book


def _text(element: Element, path: str) -> str:
    found = element.find(path, _NS)
    return (found.text or "").strip() if found is not None else ""


def _customer(element: Element, book: XmlBook) -> None:
    lines = tuple(_text(element, f"cust:addr/addr:addr{n}") for n in range(1, 5))
    book.customers.append(XmlCustomer(
        _text(element, "cust:guid"), _text(element, "cust:name"),
        tuple(line for line in lines if line), _text(element, "cust:addr/addr:phone"),
        _text(element, "cust:addr/addr:email"), _text(element, "cust:terms"),
        _text(element, "cust:currency/cmdty:id")))


def _job(element: Element, book: XmlBook) -> None:
    book.jobs[_text(element, "job:guid")] = _text(element, "job:owner/owner:id")


def _terms(element: Element, book: XmlBook) -> None:
    days = _text(element, "billterm:days/bt-days:due-days")
    if days.isdigit():
        book.terms[_text(element, "billterm:guid")] = int(days)


def _invoice(element: Element, book: XmlBook) -> None:
    txn = _text(element, "invoice:posttxn")
    if not txn:
        return  # not posted: a draft
    book.invoices.append(XmlInvoice(
        _text(element, "invoice:id"), _text(element, "invoice:posted/ts:date"),
        _text(element, "invoice:owner/owner:type"), _text(element, "invoice:owner/owner:id"),
        txn, _text(element, "invoice:postlot"), _text(element, "invoice:currency/cmdty:id"),
        _text(element, "invoice:terms")))


def _transaction(element: Element, book: XmlBook) -> None:
    guid = _text(element, "trn:id")
    posted = _text(element, "trn:date-posted/ts:date") or None
    for slot in element.findall("trn:slots/slot", _NS):
        if _text(slot, "slot:key") == "trans-date-due":
            # A date, if the book keeps one; GnuCash 4.13 writes a timestamp, with its offset.
            book.due[guid] = (_text(slot, "slot:value/gdate")
                              or _text(slot, "slot:value/ts:date"))
    for split in element.findall("trn:splits/trn:split", _NS):
        lot = _text(split, "split:lot")
        if lot:
            num, _slash, denom = _text(split, "split:value").partition("/")
            book.lots[lot].append((guid, Decimal(num) / Decimal(denom or "1"), posted))
