"""A GnuCash book read directly, read-only: its customers and posted invoices, with what
is still owed on each from the book's own lots.

The SQLite format is read here (tables as GnuCash 3–5 write them: ``customers``,
``invoices``, ``lots``, ``splits``, ``transactions``, ``billterms``); a book open in
GnuCash (a row in ``gnclock``) is read anyway, as last saved. An invoice's total is its
posting split in the receivable account, what is owed the sum of its lot; it is due
when its posting transaction says (slot ``trans-date-due``), else after its terms.

GnuCash keeps a day as a moment, in UTC: a day it works out itself at 10:59 UTC ("neutral
time", the same day in nearly every time zone), a day it is given (through its Python
bindings, for one) at that day's local midnight, "2026-10-19 22:00:00" for 20 October in
Paris. It shows the moment in the local time zone, and so does Duly.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from models.files import SQLITE_MAGIC, marked_text
from models.imports.gnucash_xml import is_gnucash_xml, read_xml
from models.imports.items import CustomerRecord, InvoiceRecord, ReadSettings, Record, RefusedRow
from models.imports.table import FileRefused
from models.money import to_minor

# gncOwner.h: the owner types an invoice can have; a job belongs to a customer.
_CUSTOMER, _JOB = 2, 3
# kvp-value.hpp: the slot types a due date can be kept as (GnuCash 4.13 writes a time).
_TIME_SLOT, _GDATE_SLOT = 6, 10
# A date ("20261124", "2026-11-24") or a timestamp ("2026-11-24 10:59:00", UTC, in SQLite;
# "20261124105900" before ISO dates; "2026-11-24 10:59:00 +0000" in XML).
_DATE = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)"
                   r"(?:[ T]?(\d\d):?(\d\d):?(\d\d)(?: ?([+-])(\d\d):?(\d\d))?)?")


def is_gnucash(path: Path) -> bool:
    """Whether the file is a GnuCash book (SQLite, or XML as GnuCash saves it)."""
    return is_gnucash_sqlite(path) or is_gnucash_xml(path)


def is_gnucash_sqlite(path: Path) -> bool:
    """Whether the file is a GnuCash book in SQLite."""
    try:
        with path.open("rb") as stream:
            if stream.read(16) != SQLITE_MAGIC:
                return False
        with _open(path) as book:
            return book.execute("SELECT 1 FROM versions WHERE table_name = 'Gnucash'"
                                ).fetchone() is not None
    except (OSError, sqlite3.Error, UnicodeDecodeError):  # _BOOK_DAMAGED
        return False


def book_is_open(path: Path) -> bool:
    """Whether GnuCash has the book open (its lock row, or an XML book's .LCK file)."""
    if path.with_name(path.name + ".LCK").exists():
        return True
    if not is_gnucash_sqlite(path):
        return False
    try:
        with _open(path) as book:
            return book.execute("SELECT COUNT(*) FROM gnclock").fetchone()[0] > 0
    except (sqlite3.Error, UnicodeDecodeError):  # _BOOK_DAMAGED
        return False


@dataclass(frozen=True)
class _Invoice:
    """A posted invoice as the book keeps it, before it is matched with its lot."""

    number: str
    posted: str
    owner: str  # the customer's guid (a job's already replaced by its customer's)
    txn: str
    lot: str
    currency: str | None
    terms_days: int | None
    due: str | None  # the posting transaction's due date, when it has one


@dataclass
class _Book:
    """What Duly takes from a book, whichever format it is kept in."""

    customers: dict[str, CustomerRecord] = field(default_factory=dict)
    invoices: list[_Invoice] = field(default_factory=list)
    lots: dict[str, list[tuple[str, Decimal, str | None]]] = field(
        default_factory=lambda: defaultdict(list))


def read_book(path: Path, settings: ReadSettings) -> Iterator[Record]:
    """The book's customers, then its posted invoices (and credit notes)."""
    book = _xml_book(path) if is_gnucash_xml(path) else _sqlite_book(path)
    yield from book.customers.values()
    yield from _records(book, settings)


def _xml_book(path: Path) -> _Book:
    xml = read_xml(path)
    customers = {}
    for number, c in enumerate(xml.customers, start=1):
        customers[c.guid] = CustomerRecord(
            key=c.guid, name=" ".join(c.name.split()), email=c.email, phone=c.phone,
            address="\n".join(c.address), terms_days=xml.terms.get(c.terms),
            currency=c.currency or None, line=number, has_key=False)
    invoices = [_Invoice(i.number, i.posted,
                         xml.jobs.get(i.owner, i.owner) if i.owner_kind == "gncJob" else i.owner,
                         i.txn, i.lot, i.currency or None, xml.terms.get(i.terms),
                         xml.due.get(i.txn))
                for i in sorted(xml.invoices, key=lambda i: (i.posted, i.number))
                if i.owner_kind in ("gncCustomer", "gncJob")]
    return _Book(customers, invoices, xml.lots)


def _sqlite_book(path: Path) -> _Book:
    try:
        with _open(path) as connection:
            jobs = dict(connection.execute("SELECT guid, owner_guid FROM jobs"))
            rows = connection.execute(
                "SELECT i.id, i.date_posted, i.owner_type, i.owner_guid, i.post_txn, "
                "i.post_lot, m.mnemonic, t.duedays, (SELECT CASE slot_type WHEN ? THEN "
                "timespec_val WHEN ? THEN gdate_val END FROM slots WHERE "
                "obj_guid = i.post_txn AND name = 'trans-date-due') FROM invoices i "
                "LEFT JOIN commodities m ON m.guid = i.currency "
                "LEFT JOIN billterms t ON t.guid = i.terms "
                "WHERE i.post_txn IS NOT NULL AND i.owner_type IN (?, ?) "
                "ORDER BY i.date_posted, i.id",
                (_TIME_SLOT, _GDATE_SLOT, _CUSTOMER, _JOB)).fetchall()
            return _Book(_customers(connection), [
                _Invoice(number, posted, jobs.get(owner, owner) if kind == _JOB else owner,
                         txn, lot, currency, days, due)
                for number, posted, kind, owner, txn, lot, currency, days, due in rows],
                _lots(connection))
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:  # _BOOK_DAMAGED
        raise FileRefused(f"{path.name} cannot be read as a GnuCash book: "
                          f"{_first_words(error)}.") from error


def _records(book: _Book, settings: ReadSettings) -> Iterator[Record]:
    # Invoices share their days; the local time zone is the same for the whole import.
    day_of = functools.cache(_shown_day)
    for number, invoice in enumerate(book.invoices, start=1):
        customer = book.customers.get(invoice.owner)
        splits = book.lots.get(invoice.lot, [])
        posting = [value for tx, value, _day_text in splits if tx == invoice.txn]
        if customer is None or not posting:
            yield RefusedRow(number, f"GnuCash invoice {invoice.number} has no customer or "
                                     f"no posted amount.")
            continue
        code = invoice.currency or settings.currency
        total, owed = posting[0], sum((value for _tx, value, _d in splits), Decimal(0))
        paid = [d for tx, _value, d in splits if tx != invoice.txn and d]
        try:
            issued = day_of(invoice.posted)
            days = invoice.terms_days
            due = day_of(invoice.due) if invoice.due else (
                issued + dt.timedelta(days=days) if days is not None else issued)
            paid_on = day_of(max(paid)) if paid else None
        except ValueError:
            yield RefusedRow(number, f"GnuCash invoice {invoice.number} has a date Duly "
                                     f"cannot read.")
            continue
        total_minor = to_minor(abs(total), code)
        yield InvoiceRecord(
            number=invoice.number, customer=customer, issued=issued, due=due,
            total_minor=total_minor, open_minor=min(to_minor(abs(owed), code), total_minor),
            currency=code, credit=total < 0, paid_on=paid_on,
            line=number)


# _BOOK_DAMAGED: a book whose schema a disk damaged makes SQLite quote bytes that are not
# UTF-8 in its error, which Python raises as a UnicodeDecodeError (models.sqlite_codes).
# It is the book's damage, caught here: let through, it would be taken for the store's.


def _first_words(error: Exception) -> str:
    """What an error says, its bytes that are not text marked."""
    if isinstance(error, UnicodeDecodeError) and isinstance(error.object, bytes):
        return marked_text(error.object)
    return str(error)


def _open(path: Path) -> sqlite3.Connection:
    # Read-only, never writes the book (not even a journal), whoever has it open.
    book = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    book.text_factory = marked_text  # a damaged book's names, seen in the preview
    return book


def _customers(book: sqlite3.Connection) -> dict[str, CustomerRecord]:
    rows = book.execute(
        "SELECT c.guid, c.name, c.id, c.addr_addr1, c.addr_addr2, c.addr_addr3, c.addr_addr4, "
        "c.addr_phone, c.addr_email, t.duedays, m.mnemonic FROM customers c "
        "LEFT JOIN billterms t ON t.guid = c.terms "
        "LEFT JOIN commodities m ON m.guid = c.currency")
    found = {}
    for number, (guid, name, _id, a1, a2, a3, a4, phone, email, days, currency) in enumerate(
            rows, start=1):
        address = "\n".join(line.strip() for line in (a1, a2, a3, a4) if line and line.strip())
        found[guid] = CustomerRecord(
            key=guid, name=" ".join((name or "").split()), email=(email or "").strip(),
            phone=(phone or "").strip(), address=address, terms_days=days,
            currency=currency, line=number, has_key=False)
    return found


def _lots(book: sqlite3.Connection) -> dict[str, list[tuple[str, Decimal, str | None]]]:
    """Each lot's splits: their transaction, exact value, and the transaction's date."""
    lots: dict[str, list[tuple[str, Decimal, str | None]]] = defaultdict(list)
    for lot, tx, num, denom, posted in book.execute(
            "SELECT s.lot_guid, s.tx_guid, s.value_num, s.value_denom, x.post_date "
            "FROM splits s JOIN transactions x ON x.guid = s.tx_guid "
            "WHERE s.lot_guid IS NOT NULL"):
        lots[lot].append((tx, Decimal(num) / Decimal(denom), posted))
    return lots


def _shown_day(text: str) -> dt.date:
    """The day GnuCash shows for a date it kept: a date as it is, a timestamp (UTC, or
    with its offset) in the local time zone."""
    found = _DATE.fullmatch(str(text).strip())
    if found is None:
        raise ValueError(f"not a GnuCash date: {text!r}")
    year, month, day, hour, minute, second, sign, hours, minutes = found.groups()
    if hour is None:
        return dt.date(int(year), int(month), int(day))
    offset = dt.timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    moment = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                         tzinfo=dt.timezone(-offset if sign == "-" else offset))
    return moment.astimezone().date()
