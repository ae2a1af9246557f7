"""GnuCash's CSV transaction export (File › Export › Export Transactions to CSV, the full
layout): a transaction's first row carries its date, id, number and description, the
rows after it its splits. Invoices and payments are the splits in the receivable
account: one that raises it is an invoice (its number the invoice's, its description the
customer), one that lowers it a payment, applied to the customer's invoices oldest first.
GnuCash writes the header row in its user's language: in English, or in German, French,
Spanish, Italian, Dutch, Polish, Portuguese (pt, pt_BR), Norwegian (nb), Greek or
Bulgarian, as GnuCash's own translations have it (``gnucash_names``); the cells are read
by the English names, through the file's one language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from models.imports.gnucash_names import export_layout, is_receivable
from models.imports.iif import owed_oldest_first
from models.imports.items import CustomerRecord, InvoiceRecord, ReadSettings, Record, RefusedRow
from models.imports.table import FileRefused, Row, header, rows
from models.imports.values import CellError, read_amount, read_date


class _Cells:
    """A row's cells by GnuCash's English header names, whatever language the file is in."""

    def __init__(self, columns: dict[str, str]) -> None:
        self.columns = columns

    def __call__(self, row: Row, english: str) -> str:
        # Where GnuCash gives two columns one name (German 5.10's Amount and Value),
        # the row holds the later one: the Value, which is what is read first.
        return row.get(self.columns.get(english))


def read_transactions(path: Path, settings: ReadSettings) -> Iterator[Record]:
    """The customers, then their invoices with what is still owed on each.

    Raises FileRefused when the header row is not GnuCash's in one language Duly
    knows (a file read with this layout chosen by hand)."""
    layout = export_layout(header(path, settings.table))
    if layout is None:
        raise FileRefused(
            f"{path.name} is not a GnuCash transaction export Duly can read: its columns "
            f"are not all GnuCash's in one language (English, German, French, Spanish, "
            f"Italian, Dutch, Polish, Portuguese, Norwegian, Greek or Bulgarian). Export "
            f"it again from GnuCash (File › Export › Export Transactions to CSV).")
    cell = _Cells(layout.columns)
    invoices: list[InvoiceRecord] = []
    paid: dict[str, int] = defaultdict(int)
    customers: dict[str, CustomerRecord] = {}
    head: Row | None = None
    for row in rows(path, settings.table):
        if cell(row, "Date") or cell(row, "Transaction ID"):
            head = row  # a transaction's first row; its splits follow
        account = cell(row, "Full Account Name") or cell(row, "Account Name")
        if head is None or not is_receivable(account):
            continue
        try:
            found = _split(cell, head, row, settings)
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


def _split(cell: _Cells, head: Row, row: Row, settings: ReadSettings
           ) -> InvoiceRecord | tuple[str, int] | None:
    name = " ".join(cell(head, "Description").split())
    if not name:
        return None
    currency = (cell(head, "Commodity/Currency").split(":")[-1].strip()
                or settings.currency)
    value = read_amount(cell(row, "Value Num.") or cell(row, "Amount Num."), currency,
                        settings.decimal_mark) or 0
    if value < 0:
        return name, -value
    issued = read_date(cell(head, "Date"), settings.date_order)
    if issued is None or not value:
        return None
    customer = CustomerRecord(key=name, name=name, currency=currency, line=head.line)
    number = cell(head, "Number") or cell(head, "Transaction Number")
    return InvoiceRecord(number=number or f"GnuCash {cell(head, 'Transaction ID')}",
                         customer=customer, issued=issued, due=None, total_minor=value,
                         open_minor=None, currency=currency, reference=cell(head, "Notes"),
                         line=head.line)
