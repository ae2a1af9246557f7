"""What an export's rows become: customers, invoices (or credit notes), refused rows,
and how the file is read. Shared by the table reader and the IIF reader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from models.imports.sources import Field, Preset
from models.imports.table import TableFormat
from models.imports.values import DateOrder, DecimalMark


@dataclass(frozen=True)
class ReadSettings:
    """How a file is read: its layout and table format, its date order and decimal
    mark, and the currency of amounts the file does not name (the business's)."""

    preset: Preset
    table: TableFormat
    date_order: DateOrder | None
    decimal_mark: DecimalMark
    currency: str
    columns: dict[Field, str] = field(default_factory=dict)  # the file's column per field


@dataclass(frozen=True)
class CustomerRecord:
    """A customer as the file gives it; ``key`` is the program's own id for it (its
    name when the file has no id)."""

    key: str
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    country: str = ""
    terms_days: int | None = None
    tax_number: str = ""
    currency: str | None = None
    line: int = 0
    has_key: bool = False  # the program gave an id (not only the name)


class InvoiceRecord(NamedTuple):
    """An invoice (or credit note) as the file gives it, with what is still owed on it.

    ``open_minor`` is None when the file says nothing of payments (the invoice is then
    taken as unpaid unless its status says paid). A named tuple, not a dataclass: one is
    made for every row of a file, and a tuple is made three times faster.
    """

    number: str
    customer: CustomerRecord
    issued: dt.date
    due: dt.date | None
    total_minor: int
    open_minor: int | None
    currency: str
    credit: bool = False
    status: str = ""
    reference: str = ""
    paid_on: dt.date | None = None
    line: int = 0


@dataclass(frozen=True)
class RefusedRow:
    """A row that will not be imported: its line and why, in the user's words."""

    line: int
    reason: str


Record = CustomerRecord | InvoiceRecord | RefusedRow
