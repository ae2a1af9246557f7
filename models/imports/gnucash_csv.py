"""GnuCash's CSV transaction export (File › Export › Export Transactions to CSV, the full
layout): a transaction's first row carries its date, id, number and description, the
rows after it its splits. Invoices and payments are the splits in the receivable
account: one that raises it is an invoice (its number the invoice's, its description the
customer), one that lowers it a payment, applied to the customer's invoices oldest first.
Headers are GnuCash's English ones (a translated GnuCash writes them translated).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from models.imports.iif import owed_oldest_first
from models.imports.items import CustomerRecord, InvoiceRecord, ReadSettings, Record, RefusedRow
from models.imports.table import Row, rows
from models.imports.values import CellError, read_amount, read_date

_RECEIVABLE = ("receivable",)  # an account whose full name says it is the A/R account


def read_transactions(path: Path, settings: ReadSettings) -> Iterator[Record]:
    """The customers, then their invoices with what is still owed on each."""
    invoices: list[InvoiceRecord] = []
    paid: dict[str, int] = defaultdict(int)
    customers: dict[str, CustomerRecord] = {}
    head: Row | None = None
    for row in rows(path, settings.table):
        if row.get("Date") or row.get("Transaction ID"):
            head = row  # a transaction's first row; its splits follow
        if head is None or not _receivable(row):
            continue
        try:
            found = _split(head, row, settings)
        except CellError as error:
            yield RefusedRow(row.line, str(error))
            continue
        if isinstance(found, InvoiceRecord):
            customers.setdefault(found.customer.key, found.customer)
            invoices.append(found)
        elif found is not None:
            paid[found[0]] += found[1]
    yield from customers.values()
    yield from owed_oldest_first(invoices, paid)


def _receivable(row: Row) -> bool:
    account = (row.get("Full Account Name") or row.get("Account Name")).casefold()
    return any(word in account for word in _RECEIVABLE)


def _split(head: Row, row: Row, settings: ReadSettings
           ) -> InvoiceRecord | tuple[str, int] | None:
    name = " ".join(head.get("Description").split())
    if not name:
        return None
    currency = head.get("Commodity/Currency").split(":")[-1].strip() or settings.currency
    value = read_amount(row.get("Value Num.") or row.get("Amount Num."), currency,
                        settings.decimal_mark) or 0
    if value < 0:
        return name, -value
    issued = read_date(head.get("Date"), settings.date_order)
    if issued is None or not value:
        return None
    customer = CustomerRecord(key=name, name=name, currency=currency, line=head.line)
    return InvoiceRecord(number=head.get("Number") or f"GnuCash {head.get('Transaction ID')}",
                         customer=customer, issued=issued, due=None, total_minor=value,
                         open_minor=None, currency=currency, reference=head.get("Notes"),
                         line=head.line)
