"""An export's rows as the customers and invoices they describe, or refused with the line
and the reason.

Rows are read one at a time; an export with one row per invoice line (Xero, Zoho,
FreshBooks) is grouped by invoice number, its invoice columns read from the first line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from models.imports.gnucash import read_book
from models.imports.gnucash_csv import read_transactions
from models.imports.iif import read_iif
from models.imports.items import (
    CustomerRecord,
    InvoiceRecord,
    ReadSettings,
    Record,
    RefusedRow,
)
from models.imports.sources import Field, Holds
from models.imports.table import Row, rows, unreadable
from models.imports.values import (
    CellError,
    read_amount,
    read_currency,
    read_date,
)
from models.money import format_money


class _RowError(ValueError):
    pass


def read_records(path: Path, settings: ReadSettings) -> Iterator[Record]:
    """The file's customers or invoices in file order, refused rows among them; raises
    FileRefused when the file can no longer be read (moved, or its disk gone)."""
    try:
        yield from _read_records(path, settings)
    except OSError as error:
        raise unreadable(path, error) from error


def _read_records(path: Path, settings: ReadSettings) -> Iterator[Record]:
    if settings.preset.reader == "iif":  # its own format, not a table
        yield from read_iif(path, settings)
        return
    if settings.preset.reader == "gnucash":
        yield from read_book(path, settings)
        return
    if settings.preset.reader == "gnucash-csv":
        yield from read_transactions(path, settings)
        return
    if settings.preset.holds is Holds.CUSTOMERS:
        for row in _data_rows(path, settings):
            yield _customer_or_refusal(row, settings)
        return
    yield from _invoices(path, settings)


def _data_rows(path: Path, settings: ReadSettings) -> Iterator[Row]:
    first = settings.columns.get(Field.CUSTOMER, "")
    skips = settings.preset.skip_prefixes
    for row in rows(path, settings.table):
        lead = next((v.strip() for v in row.cells.values() if v.strip()), "").casefold()
        if skips and (lead.startswith(skips) and not row.get(settings.columns.get(Field.NUMBER))
                      or row.get(first).casefold().startswith(skips)):
            continue  # a report's subtotal or total row
        yield row


def _customer_or_refusal(row: Row, settings: ReadSettings) -> CustomerRecord | RefusedRow:
    try:
        return _customer(row, settings)
    except (_RowError, CellError) as error:
        return RefusedRow(row.line, str(error))


def _customer(row: Row, settings: ReadSettings) -> CustomerRecord:
    def cell(wanted: Field) -> str:
        return row.get(settings.columns.get(wanted))

    name = " ".join(cell(Field.CUSTOMER).split())
    if not name:
        raise _RowError("The customer's name is empty.")
    address = "\n".join(row.get(c) for c in settings.preset.address if row.get(c))
    terms = cell(Field.TERMS_DAYS)
    if terms and not terms.isdigit():
        raise _RowError(f"The payment terms “{terms}” are not a number of days.")
    currency = read_currency(cell(Field.CUSTOMER_CURRENCY))
    return CustomerRecord(
        key=cell(Field.CUSTOMER_KEY) or name, name=name, email=cell(Field.EMAIL),
        phone=cell(Field.PHONE), address=address, country=cell(Field.COUNTRY),
        terms_days=int(terms) if terms else None, tax_number=cell(Field.TAX_NUMBER),
        currency=currency, line=row.line, has_key=bool(cell(Field.CUSTOMER_KEY)))


def _invoices(path: Path, settings: ReadSettings) -> Iterator[Record]:
    """Invoices, one per row or grouped from consecutive lines of the same number."""
    number_column = settings.columns.get(Field.NUMBER)
    group: list[Row] = []
    for row in _data_rows(path, settings):
        if settings.preset.lines and group and row.get(number_column) == \
                group[0].get(number_column) and row.get(number_column):
            group.append(row)
            continue
        if group:
            yield _invoice_or_refusal(group, settings)
        group = [row]
    if group:
        yield _invoice_or_refusal(group, settings)


def _invoice_or_refusal(group: Sequence[Row], settings: ReadSettings
                        ) -> InvoiceRecord | RefusedRow:
    try:
        return _invoice(group, settings)
    except (_RowError, CellError) as error:
        return RefusedRow(group[0].line, str(error))


def _invoice(group: Sequence[Row], settings: ReadSettings) -> InvoiceRecord:
    first = group[0]

    def cell(wanted: Field) -> str:
        return first.get(settings.columns.get(wanted))

    number = cell(Field.NUMBER)
    if not number:
        raise _RowError("The invoice number is empty.")
    customer = _customer(first, settings)
    currency = read_currency(cell(Field.CURRENCY)) or customer.currency or settings.currency
    issued = read_date(cell(Field.ISSUED), settings.date_order)
    if issued is None:
        raise _RowError(f"Invoice {number} has no date.")
    due = read_date(cell(Field.DUE), settings.date_order)
    total = _total(group, settings, currency)
    kind = cell(Field.KIND).casefold()
    credit = any(word in kind for word in settings.preset.credit_words) or total < 0
    total = abs(total)
    if total == 0:
        raise _RowError(f"Invoice {number} is for nothing (its total is zero).")
    open_minor = _open(cell, settings, currency, total)
    if due is not None and due < issued:
        raise _RowError(f"Invoice {number} falls due ({due.isoformat()}) before it was "
                        f"issued ({issued.isoformat()}).")
    return InvoiceRecord(number=number, customer=customer, issued=issued, due=due,
                         total_minor=total, open_minor=open_minor, currency=currency,
                         credit=credit, status=cell(Field.STATUS),
                         reference=cell(Field.REFERENCE),
                         paid_on=read_date(cell(Field.PAID_ON), settings.date_order),
                         line=first.line)


def _total(group: Sequence[Row], settings: ReadSettings, currency: str) -> int:
    column = settings.columns.get(Field.TOTAL)
    if column is not None:
        total = read_amount(group[0].get(column), currency, settings.decimal_mark)
        if total is None:
            raise _RowError("The invoice total is empty.")
        return total
    lines = settings.columns.get(Field.LINE_TOTAL)
    amounts = [read_amount(row.get(lines), currency, settings.decimal_mark) for row in group]
    return sum(a for a in amounts if a is not None)


def _open(cell: Callable[[Field], str], settings: ReadSettings, currency: str,
          total: int) -> int | None:
    """What is still owed: the file's balance, or its total less what it says was paid."""
    balance = read_amount(cell(Field.BALANCE), currency, settings.decimal_mark)
    if balance is not None:
        owed = abs(balance)
    else:
        paid = read_amount(cell(Field.PAID), currency, settings.decimal_mark)
        if paid is None:
            return None
        owed = total - abs(paid)
    if not 0 <= owed <= total:
        raise _RowError(f"What is owed ({format_money(owed, currency)}) does not fit the "
                        f"total ({format_money(total, currency)}).")
    return owed


def first_records(path: Path, settings: ReadSettings, limit: int = 50) -> list[Record]:
    """The file's first records as the import would read them (for the preview)."""
    found: list[Record] = []
    for record in read_records(path, settings):
        found.append(record)
        if len(found) >= limit:
            break
    return found
