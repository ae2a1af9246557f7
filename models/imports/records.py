"""An export's rows as the customers and invoices they describe, or refused with the line
and the reason.

Rows are read one at a time; an export with one row per invoice line (Xero, Zoho,
FreshBooks) is grouped by invoice number, its invoice columns read from the first line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from models.dates import short_date
from models.files import refuse_store_file
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
    DecimalMark,
    read_amount,
    read_currency,
    read_date,
)
from models.money import format_money


class _RowError(ValueError):
    pass


_CUSTOMERS_KEPT = 10_000  # customers read of an invoice list, kept to read repeats at once


class _Columns:
    """The file's column for each field, looked up once per read rather than per cell
    (a Field's hash is Python code, run for every lookup)."""

    def __init__(self, settings: ReadSettings) -> None:
        for wanted in Field:
            setattr(self, wanted.name.lower(), settings.columns.get(wanted))
        self.address = settings.preset.address
        # A customer's columns on an invoice row: equal cells, the same customer.
        self.of_customer = tuple(c for c in (
            self.customer, self.customer_key, self.email, self.phone, self.country,
            self.terms_days, self.tax_number, self.customer_currency, *self.address) if c)

    customer_key: str | None
    customer: str | None
    email: str | None
    phone: str | None
    country: str | None
    terms_days: str | None
    tax_number: str | None
    customer_currency: str | None
    number: str | None
    kind: str | None
    issued: str | None
    due: str | None
    total: str | None
    line_total: str | None
    paid: str | None
    paid_on: str | None
    balance: str | None
    currency: str | None
    status: str | None
    reference: str | None


def read_records(path: Path, settings: ReadSettings) -> Iterator[Record]:
    """The file's customers or invoices in file order, refused rows among them; raises
    FileRefused when the file can no longer be read (moved, or its disk gone)."""
    try:
        refuse_store_file(path)
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
    columns = _Columns(settings)
    if settings.preset.holds is Holds.CUSTOMERS:
        for row in _data_rows(path, settings):
            yield _customer_or_refusal(row, columns)
        return
    yield from _invoices(path, settings, columns)


def _data_rows(path: Path, settings: ReadSettings) -> Iterator[Row]:
    first = settings.columns.get(Field.CUSTOMER, "")
    skips = settings.preset.skip_prefixes
    number = settings.columns.get(Field.NUMBER)
    for row in rows(path, settings.table):
        if skips and _is_total(row, skips, first, number):
            continue  # a report's subtotal or total row
        yield row


def _is_total(row: Row, skips: tuple[str, ...], first: str, number: str | None) -> bool:
    lead = next((v.strip() for v in row.cells.values() if v.strip()), "").casefold()
    return (lead.startswith(skips) and not row.get(number)
            or row.get(first).casefold().startswith(skips))


def _customer_or_refusal(row: Row, columns: _Columns) -> CustomerRecord | RefusedRow:
    try:
        return _customer(row, columns)
    except (_RowError, CellError) as error:
        return RefusedRow(row.line, str(error))


def _customer(row: Row, columns: _Columns) -> CustomerRecord:
    get = row.cells.__getitem__  # "" for a column missing or not mapped (a defaultdict)
    name = " ".join(get(columns.customer).split())
    if not name:
        raise _RowError("The customer's name is empty.")
    address = "\n".join(get(c) for c in columns.address if get(c))
    terms = get(columns.terms_days)
    if terms and not terms.isdigit():
        raise _RowError(f"The payment terms “{terms}” are not a number of days.")
    currency = read_currency(get(columns.customer_currency))
    key = get(columns.customer_key)
    return CustomerRecord(
        key=key or name, name=name, email=get(columns.email), phone=get(columns.phone),
        address=address, country=get(columns.country),
        terms_days=int(terms) if terms else None, tax_number=get(columns.tax_number),
        currency=currency, line=row.line, has_key=bool(key))


class _CustomersRead:
    """The customers of an invoice list's rows: a customer on many rows is read once,
    from its first row (a row whose customer cells differ is read anew)."""

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns
        self.kept: dict[tuple[str | None, ...], CustomerRecord] = {}

    def of(self, row: Row) -> CustomerRecord:
        """The customer of an invoice row; raises _RowError or CellError as
        :func:`_customer` does."""
        cells = row.cells
        seen = tuple(map(cells.get, self.columns.of_customer))
        found = self.kept.get(seen)
        if found is None:
            found = _customer(row, self.columns)
            if len(self.kept) >= _CUSTOMERS_KEPT:
                self.kept.clear()  # memory stays flat; the next rows are read again
            self.kept[seen] = found
        return found


def _invoices(path: Path, settings: ReadSettings, columns: _Columns) -> Iterator[Record]:
    """Invoices, one per row or grouped from consecutive lines of the same number."""
    number_column = columns.number
    customers = _CustomersRead(columns)
    group: list[Row] = []
    for row in _data_rows(path, settings):
        if settings.preset.lines and group and row.get(number_column) == \
                group[0].get(number_column) and row.get(number_column):
            group.append(row)
            continue
        if group:
            yield _invoice_or_refusal(group, settings, columns, customers)
        group = [row]
    if group:
        yield _invoice_or_refusal(group, settings, columns, customers)


def _invoice_or_refusal(group: Sequence[Row], settings: ReadSettings, columns: _Columns,
                        customers: _CustomersRead) -> InvoiceRecord | RefusedRow:
    try:
        return _invoice(group, settings, columns, customers)
    except (_RowError, CellError) as error:
        return RefusedRow(group[0].line, str(error))


def _invoice(group: Sequence[Row], settings: ReadSettings, columns: _Columns,
             customers: _CustomersRead) -> InvoiceRecord:
    first = group[0]
    get = first.cells.__getitem__  # "" for a column missing or not mapped (a defaultdict)
    number = get(columns.number)
    if not number:
        raise _RowError("The invoice number is empty.")
    customer = customers.of(first)
    currency = read_currency(get(columns.currency)) or customer.currency or settings.currency
    order, mark = settings.date_order, settings.decimal_mark
    issued = read_date(get(columns.issued), order)
    if issued is None:
        raise _RowError(f"Invoice {number} has no date.")
    due = read_date(get(columns.due), order)
    total = _total(group, columns, mark, currency)
    kind = get(columns.kind).casefold()
    credit = total < 0 or bool(kind) and any(word in kind
                                             for word in settings.preset.credit_words)
    total = abs(total)
    if total == 0:
        raise _RowError(f"Invoice {number} is for nothing (its total is zero).")
    open_minor = _open(first, columns, mark, currency, total)
    if due is not None and due < issued:
        raise _RowError(f"Invoice {number} falls due ({short_date(due)}) before it was "
                        f"issued ({short_date(issued)}).")
    return InvoiceRecord(number=number, customer=customer, issued=issued, due=due,
                         total_minor=total, open_minor=open_minor, currency=currency,
                         credit=credit, status=get(columns.status),
                         reference=get(columns.reference),
                         paid_on=read_date(get(columns.paid_on), order), line=first.line)


def _total(group: Sequence[Row], columns: _Columns, mark: DecimalMark, currency: str) -> int:
    if columns.total is not None:
        total = read_amount(group[0].get(columns.total), currency, mark)
        if total is None:
            raise _RowError("The invoice total is empty.")
        return total
    amounts = [read_amount(row.get(columns.line_total), currency, mark) for row in group]
    return sum(a for a in amounts if a is not None)


def _open(row: Row, columns: _Columns, mark: DecimalMark, currency: str,
          total: int) -> int | None:
    """What is still owed: the file's balance, or its total less what it says was paid."""
    balance = read_amount(row.get(columns.balance), currency, mark)
    if balance is not None:
        owed = abs(balance)
    else:
        paid = read_amount(row.get(columns.paid), currency, mark)
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
