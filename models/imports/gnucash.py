"""A GnuCash book read directly, read-only: its customers and posted invoices, with what
is still owed on each from the book's own lots.

The SQLite format is read here (tables as GnuCash 3–5 write them: ``customers``,
``invoices``, ``lots``, ``splits``, ``transactions``, ``billterms``); a book open in
GnuCash (a row in ``gnclock``) is read anyway, as last saved. An invoice's total is its
posting split in the receivable account, what is owed the sum of its lot; it is due
when its posting transaction says (slot ``trans-date-due``), else after its terms.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from models.imports.items import CustomerRecord, InvoiceRecord, ReadSettings, Record, RefusedRow
from models.imports.table import FileRefused
from models.money import to_minor

_SQLITE_MAGIC = b"SQLite format 3\x00"
# gncOwner.h: the owner types an invoice can have; a job belongs to a customer.
_CUSTOMER, _JOB = 2, 3


def is_gnucash_sqlite(path: Path) -> bool:
    """Whether the file is a GnuCash book in SQLite."""
    try:
        with path.open("rb") as stream:
            if stream.read(16) != _SQLITE_MAGIC:
                return False
        with _open(path) as book:
            return book.execute("SELECT 1 FROM versions WHERE table_name = 'Gnucash'"
                                ).fetchone() is not None
    except (OSError, sqlite3.Error):
        return False


def book_is_open(path: Path) -> bool:
    """Whether GnuCash has the book open (its lock row)."""
    try:
        with _open(path) as book:
            return book.execute("SELECT COUNT(*) FROM gnclock").fetchone()[0] > 0
    except sqlite3.Error:
        return False


def read_book(path: Path, settings: ReadSettings) -> Iterator[Record]:
    """The book's customers, then its posted invoices (and credit notes)."""
    try:
        with _open(path) as book:
            customers = _customers(book)
            yield from customers.values()
            yield from _invoices(book, customers, settings)
    except sqlite3.DatabaseError as error:
        raise FileRefused(f"{path.name} cannot be read as a GnuCash book: {error}.") from error


def _open(path: Path) -> sqlite3.Connection:
    # Read-only, never writes the book (not even a journal), whoever has it open.
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


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


def _invoices(book: sqlite3.Connection, customers: dict[str, CustomerRecord],
              settings: ReadSettings) -> Iterator[Record]:
    jobs = dict(book.execute("SELECT guid, owner_guid FROM jobs"))
    lots = _lots(book)
    rows = book.execute(
        "SELECT i.id, i.date_posted, i.owner_type, i.owner_guid, i.post_txn, i.post_lot, "
        "m.mnemonic, t.duedays, (SELECT gdate_val FROM slots WHERE obj_guid = i.post_txn "
        "AND name = 'trans-date-due') FROM invoices i "
        "LEFT JOIN commodities m ON m.guid = i.currency "
        "LEFT JOIN billterms t ON t.guid = i.terms "
        "WHERE i.post_txn IS NOT NULL AND i.owner_type IN (?, ?) ORDER BY i.date_posted, i.id",
        (_CUSTOMER, _JOB))
    for number, (invoice_id, posted, owner_type, owner, txn, lot, currency, days,
                 due_slot) in enumerate(rows, start=1):
        owner = jobs.get(owner, owner) if owner_type == _JOB else owner
        customer = customers.get(owner)
        splits = lots.get(lot, [])
        posting = [value for tx, value, _day_text in splits if tx == txn]
        if customer is None or not posting:
            yield RefusedRow(number, f"GnuCash invoice {invoice_id} has no customer or no "
                                     f"posted amount.")
            continue
        code = currency or settings.currency
        total, owed = posting[0], sum((value for _tx, value, _d in splits), Decimal(0))
        paid = [d for tx, _value, d in splits if tx != txn and d]
        issued = _day(posted)
        due = _day(due_slot) if due_slot else (
            issued + dt.timedelta(days=days) if days is not None else issued)
        total_minor = to_minor(abs(total), code)
        yield InvoiceRecord(
            number=invoice_id, customer=customer, issued=issued, due=due,
            total_minor=total_minor, open_minor=min(to_minor(abs(owed), code), total_minor),
            currency=code, credit=total < 0, paid_on=_day(max(paid)) if paid else None,
            line=number)


def _lots(book: sqlite3.Connection) -> dict[str, list[tuple[str, Decimal, str | None]]]:
    """Each lot's splits: their transaction, exact value, and the transaction's date."""
    lots: dict[str, list[tuple[str, Decimal, str | None]]] = defaultdict(list)
    for lot, tx, num, denom, posted in book.execute(
            "SELECT s.lot_guid, s.tx_guid, s.value_num, s.value_denom, x.post_date "
            "FROM splits s JOIN transactions x ON x.guid = s.tx_guid "
            "WHERE s.lot_guid IS NOT NULL"):
        lots[lot].append((tx, Decimal(num) / Decimal(denom), posted))
    return lots


def _day(text: str) -> dt.date:
    """A GnuCash date: "2026-11-24 10:59:00", "20261124105900" or "20261124"."""
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
