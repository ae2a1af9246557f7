"""QuickBooks Desktop's IIF export: tab-separated blocks, each kind of row with its own
header row ("!CUST", "!TRNS", "!SPL"), transactions as a TRNS line, its SPL lines and
ENDTRNS. Dates are always MM/DD/YY (Intuit's IIF reference).

Customers come from CUST rows (REFNUM is their key); invoices and credit memos from
TRNS lines. IIF does not say which invoice a payment paid, so each customer's payments
are applied to their invoices oldest first, as QuickBooks applies them by default.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from models.imports.items import (
    CustomerRecord,
    InvoiceRecord,
    ReadSettings,
    Record,
    RefusedRow,
)
from models.imports.table import FileRefused
from models.imports.values import CellError, DateOrder, DecimalMark, read_amount, read_date

_INVOICE, _CREDIT, _PAYMENT = "INVOICE", "CREDIT MEMO", "PAYMENT"
_TERMS = re.compile(r"net\s*(\d+)", re.IGNORECASE)


def is_iif(path: Path) -> bool:
    """Whether the file is an IIF export (its first line is a "!" header row)."""
    if path.suffix.lower() == ".iif":
        return True
    try:
        with path.open("rb") as stream:
            start = stream.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return False
    return start.startswith((b"!TRNS", b"!CUST", b"!ACCNT", b"!HDR"))


def iif_header(path: Path, encoding: str) -> list[str]:
    """The transaction header's columns (or the customer list's, when it has none)."""
    found: list[str] = []
    for cells in _lines(path, encoding):
        if cells and cells[0] == "!TRNS":
            return cells
        if cells and cells[0] == "!CUST" and not found:
            found = cells
    return found


def read_iif(path: Path, settings: ReadSettings) -> Iterator[Record]:
    """The customers, then the invoices and credit memos, with what is still owed."""
    headers: dict[str, list[str]] = {}
    invoices: list[InvoiceRecord] = []
    paid: dict[str, int] = defaultdict(int)
    transaction: dict[str, str] | None = None
    start = 0
    for line, cells in enumerate(_lines(path, settings.table.encoding), start=1):
        if not cells or not cells[0]:
            continue
        keyword = cells[0]
        if keyword.startswith("!"):
            headers[keyword[1:]] = cells
            continue
        row = dict(zip(headers.get(keyword, []), cells, strict=False))
        if keyword == "CUST":
            yield _customer(row, line)
        elif keyword == "TRNS":
            transaction, start = row, line
        elif keyword == "ENDTRNS" and transaction is not None:
            try:
                found = _transaction(transaction, start, settings)
            except CellError as error:
                yield RefusedRow(start, str(error))
            else:
                if isinstance(found, InvoiceRecord):
                    invoices.append(found)
                elif found is not None:
                    paid[found[0]] += found[1]
            transaction = None
    yield from owed_oldest_first(invoices, paid)


def _lines(path: Path, encoding: str) -> Iterator[list[str]]:
    try:
        with path.open(encoding=encoding or "cp1252", newline="") as stream:
            yield from csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
    except UnicodeDecodeError as error:
        raise FileRefused(f"{path.name} is not in the encoding chosen; try Windows "
                          f"(cp1252), QuickBooks' own.") from error


def _customer(row: dict[str, str], line: int) -> CustomerRecord:
    name = _customer_name(row.get("NAME", ""))
    terms = _TERMS.search(row.get("TERMS", ""))
    address = "\n".join(row[k].strip() for k in ("BADDR1", "BADDR2", "BADDR3", "BADDR4",
                                                 "BADDR5") if row.get(k, "").strip())
    return CustomerRecord(key=name, name=name, email=row.get("EMAIL", "").strip(),
                          phone=row.get("PHONE1", "").strip(), address=address,
                          terms_days=int(terms[1]) if terms else None, line=line)


def _customer_name(name: str) -> str:
    """The customer of "Customer:Job" (a job is part of its customer's account)."""
    return " ".join(name.split(":", 1)[0].split())


def _transaction(row: dict[str, str], line: int, settings: ReadSettings
                 ) -> InvoiceRecord | tuple[str, int] | None:
    kind = row.get("TRNSTYPE", "").strip().upper()
    if kind not in (_INVOICE, _CREDIT, _PAYMENT):
        return None
    name = _customer_name(row.get("NAME", ""))
    amount = read_amount(row.get("AMOUNT", ""), settings.currency, DecimalMark.POINT) or 0
    if kind == _PAYMENT:
        return name, abs(amount)
    issued = read_date(row.get("DATE", ""), DateOrder.MONTH_FIRST)
    if issued is None:
        raise CellError("The transaction has no date.")
    number = row.get("DOCNUM", "").strip() or f"{kind.title()} {row.get('TRNSID', line)}"
    customer = CustomerRecord(key=name, name=name, line=line)
    return InvoiceRecord(
        number=number, customer=customer, issued=issued,
        due=read_date(row.get("DUEDATE", ""), DateOrder.MONTH_FIRST),
        total_minor=abs(amount), open_minor=None, currency=settings.currency,
        credit=kind == _CREDIT, reference=row.get("MEMO", "").strip(), line=line)


def owed_oldest_first(invoices: list[InvoiceRecord], paid: dict[str, int]
                      ) -> Iterator[InvoiceRecord]:
    """Each invoice with what is still owed once the customer's payments are applied to
    their invoices oldest first."""
    left = dict(paid)
    far = dt.date.max
    for record in sorted(invoices, key=lambda r: (r.due or far, r.issued, r.number)):
        if record.credit:
            yield record
            continue
        payment = min(left.get(record.customer.key, 0), record.total_minor)
        left[record.customer.key] = left.get(record.customer.key, 0) - payment
        yield record._replace(open_minor=record.total_minor - payment)
