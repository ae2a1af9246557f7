"""The dry run: what importing a file would do to the store, record by record, without
writing anything.

Records are matched to what is already here by the program's own key first (kept from
earlier imports); a customer not yet linked is matched by exact name, VAT number or
e-mail (the user confirms these), an invoice by its number when it is the same
customer's and the same amount. The conflict rule: a field changes only where the file
changed it since the last import; where Duly changed it too (and to something else), it
is a conflict, shown side by side and never overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from peewee import SQL

from models.customer_account import DEFAULT_NET_DAYS
from models.db import among_sql, database, execute_many, one_of, temporary_table
from models.files import refuse_store_file
from models.followup import LateStarts
from models.imports.records import (
    CustomerRecord,
    InvoiceRecord,
    ReadSettings,
    Record,
    RefusedRow,
    read_records,
)
from models.imports.sources import Holds
from models.imports.table import unreadable
from models.kinds import ImportedKind, InvoiceStatus
from models.ledger import invoice_problems, tax_number_as_kept
from models.mail import valid_address
from models.money import format_money
from models.schema import Customer, ExternalRecord, ImportBatch, Invoice

# Words in a program's status column that say an invoice never went out, or was voided.
_NOT_ISSUED = ("draft", "deleted", "submitted")
_VOIDED = ("voided", "void", "cancelled")
_PAID = ("paid",)


class Match(StrEnum):
    """How a record was found among what is already here."""

    KEY = "key"  # by the program's own key, from an earlier import
    NAME = "name"  # by the customer's exact name (the user confirms)
    TAX_NUMBER = "tax_number"  # by the customer's VAT number (the user confirms)
    EMAIL = "email"  # by the customer's e-mail address (the user confirms)
    NUMBER = "number"  # an invoice entered by hand with the same number and amount
    NEW = "new"


TO_CONFIRM = (Match.NAME, Match.TAX_NUMBER, Match.EMAIL)
"""The matches the user confirms (or says are another customer, who is then new)."""


@dataclass(frozen=True)
class FieldChange:
    """A field the import changes: its name as the user knows it, before and after."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Conflict:
    """A field changed both in Duly and in the file since the last import: kept as
    Duly has it, shown side by side."""

    what: str  # "Invoice INV-1" or "Customer Zoë Café"
    field: str
    in_duly: str
    in_file: str
    line: int


@dataclass(frozen=True)
class CustomerStep:
    """What happens to one customer of the file."""

    record: CustomerRecord
    customer_id: int | None
    match: Match
    changes: tuple[FieldChange, ...] = ()
    currency: str = ""


class InvoiceStep(NamedTuple):
    """What happens to one invoice (or credit note) of the file: created, changed,
    paid (``pays_minor`` recorded as a payment), voided, or nothing. (A named tuple:
    one is made for every invoice of a file.)"""

    record: InvoiceRecord
    invoice_id: int | None
    match: Match
    customer_key: str
    changes: tuple[FieldChange, ...] = ()
    pays_minor: int = 0
    voids: bool = False
    due: dt.date | None = None
    starts_late: bool = False  # new and long overdue: its reminders start at the first

    @property
    def does_something(self) -> bool:
        """Whether the store changes for it."""
        return self.invoice_id is None or bool(self.changes) or bool(self.pays_minor) \
            or self.voids or self.match is not Match.KEY


@dataclass(frozen=True)
class MissingInvoice:
    """An invoice an earlier import of this source brought in, still open here, and not in
    this file: perhaps paid, perhaps deleted. The user says which."""

    invoice_id: int
    number: str
    customer_name: str
    open_minor: int
    currency: str


@dataclass(frozen=True)
class LateAccount:
    """An account of the file whose new invoices come in long overdue: where their
    reminders start is the user's to choose, account by account."""

    customer_key: str  # the customer's key in the file
    customer_name: str
    invoices: int  # its new invoices that start late
    most_overdue_days: int  # the oldest one's days overdue


SHOWN = 500  # invoices, customers and late accounts kept to list; counts are whole


@dataclass
class ImportPlan:
    """What an import would do: its counts, whole, and what the user must see (refused
    and skipped rows, conflicts, customers found by name, invoices no longer in the
    file); of the invoices, those that change something, up to :data:`SHOWN`.

    The steps themselves stream past (:func:`plan_steps`): a file of a million rows is
    never held as a million steps.
    """

    file_name: str
    file_hash: str
    layout: str
    same_file_as: int | None = None  # an earlier import of this very file
    # That import is the latest from this program: the file has nothing new to say, and
    # is not read again (its counts are carried over as unchanged).
    latest_again: bool = False
    customers: list[CustomerStep] = field(default_factory=list)
    invoices: list[InvoiceStep] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    skipped: list[RefusedRow] = field(default_factory=list)  # drafts and the like
    conflicts: list[Conflict] = field(default_factory=list)
    missing: list[MissingInvoice] = field(default_factory=list)
    tally: Counter[str] = field(default_factory=Counter)
    today: dt.date = field(default_factory=dt.date.today)  # the day the plan is for
    # The accounts whose new invoices start late, by the customer's key in the file: up
    # to SHOWN of them (an account listed keeps counting its invoices).
    late_accounts: dict[str, LateAccount] = field(default_factory=dict)
    _late_keys: set[str] = field(default_factory=set, repr=False)

    def count(self, step: CustomerStep | InvoiceStep) -> None:
        """Count a step as it streams past, keeping it when the user should see it."""
        if isinstance(step, CustomerStep):
            if step.match in TO_CONFIRM or len(self.customers) < SHOWN:
                self.customers.append(step)  # every match, for the user to confirm
            kind = "new" if step.customer_id is None else "changed" if (
                step.changes or step.match is not Match.KEY) else "unchanged"
            self.tally[f"customers_{kind}"] += 1
            return
        kind = "invoices_new" if step.invoice_id is None else "invoices_changed" \
            if step.does_something else "invoices_unchanged"
        self.tally[kind] += 1
        if step.starts_late:
            self.tally["starting_late"] += 1
            self._count_late(step)
        if kind != "invoices_unchanged" and len(self.invoices) < SHOWN:
            self.invoices.append(step)

    def _count_late(self, step: InvoiceStep) -> None:
        assert step.due is not None
        key = step.customer_key
        self._late_keys.add(key)
        days = (self.today - step.due).days
        account = self.late_accounts.get(key)
        if account is not None:
            self.late_accounts[key] = LateAccount(
                key, account.customer_name, account.invoices + 1,
                max(account.most_overdue_days, days))
        elif len(self.late_accounts) < SHOWN:
            self.late_accounts[key] = LateAccount(key, step.record.customer.name, 1, days)

    def accounts_starting_late(self) -> list[LateAccount]:
        """The accounts listed whose new invoices start late, most overdue first."""
        return sorted(self.late_accounts.values(),
                      key=lambda a: (-a.most_overdue_days, a.customer_name.casefold(),
                                     a.customer_key))

    def counts(self) -> dict[str, int]:
        """New, changed and unchanged customers and invoices (and how many of the new start
        late, in how many accounts); refused and skipped rows."""
        keys = ("customers_new", "customers_changed", "customers_unchanged", "invoices_new",
                "invoices_changed", "invoices_unchanged", "starting_late")
        return {**{key: self.tally[key] for key in keys},
                "accounts_starting_late": len(self._late_keys),
                "refused": len(self.refused), "skipped": len(self.skipped),
                "conflicts": len(self.conflicts), "missing": len(self.missing)}

    @property
    def changes_nothing(self) -> bool:
        """Whether importing would leave the store as it is."""
        counts = self.counts()
        return not (counts["customers_new"] or counts["customers_changed"]
                    or counts["invoices_new"] or counts["invoices_changed"])


def file_hash(path: Path) -> str:
    """The SHA-256 of the file's bytes, read in pieces."""
    digest = hashlib.sha256()
    try:
        refuse_store_file(path)
        with path.open("rb") as stream:
            for piece in iter(lambda: stream.read(1 << 20), b""):
                digest.update(piece)
    except OSError as error:
        raise unreadable(path, error) from error
    return digest.hexdigest()


def plan_import(path: Path, settings: ReadSettings, *, today: dt.date | None = None,
                separate: frozenset[str] = frozenset(),
                progress: Callable[[int, int], None] | None = None) -> ImportPlan:
    """Read the file and work out what importing it would do ``today``; writes nothing.

    ``separate`` are the file's customers (by key) the user says are not the customer
    here of the same name, VAT number or e-mail: they are new."""
    plan = new_plan(path, settings)
    for _step in plan_steps(path, settings, plan, today=today, separate=separate,
                            progress=progress):
        pass
    return plan


def new_plan(path: Path, settings: ReadSettings) -> ImportPlan:
    """An empty plan for the file, knowing whether this very file was imported before."""
    digest = file_hash(path)
    plan = ImportPlan(path.name, digest, settings.preset.key)
    plan.same_file_as = (ImportBatch.select(ImportBatch.id).where(
        (ImportBatch.source == settings.preset.source) & (ImportBatch.file_hash == digest)
        & ImportBatch.undone_at.is_null()).scalar())
    latest = (ImportBatch.select().where((ImportBatch.source == settings.preset.source)
                                         & ImportBatch.undone_at.is_null())
              .order_by(ImportBatch.id.desc()).first())
    counts = json.loads(latest.counts) if latest is not None else {}
    if latest is not None and latest.file_hash == digest and latest.layout == plan.layout \
            and not counts.get("missing"):
        # Read again, its every value would match what the last import kept, and nothing
        # it left out is waiting for the user's word: nothing new.
        plan.latest_again = True
        for kind in ("customers", "invoices"):
            plan.tally[f"{kind}_unchanged"] = sum(
                int(counts.get(f"{kind}_{state}", 0)) for state in ("new", "changed",
                                                                     "unchanged"))
    return plan


_BLOCK = 1_000  # records planned at a time: what the store has of them is read at once


def plan_steps(path: Path, settings: ReadSettings, plan: ImportPlan, *,
               today: dt.date | None = None, separate: frozenset[str] = frozenset(),
               progress: Callable[[int, int], None] | None = None
               ) -> Iterator[CustomerStep | InvoiceStep]:
    """The steps of importing the file, in file order (a customer before its first
    invoice), counted into ``plan``; once they have all gone by, ``plan`` also knows the
    invoices no longer in the file.

    Records are planned a block at a time, each block's matches read from the store
    at once; the numbers already seen wait in a temporary table, so memory stays flat
    however long the file is."""
    if plan.latest_again:
        return
    known = _Known(settings.preset.source, today or dt.date.today(), separate)
    plan.today = known.today
    seen = _SeenNumbers()
    size = max(path.stat().st_size, 1)
    count = 0
    for block in _blocks(read_records(path, settings)):
        known.read(block)
        seen.read(block)
        for record in block:
            step = _step(record, settings, known, seen, plan)
            for customer in known.fresh:  # those this record brought, before its invoice
                plan.count(customer)
                yield customer
            known.fresh.clear()
            if isinstance(step, InvoiceStep):
                plan.count(step)
                yield step
        seen.keep()
        count += len(block)
        if progress is not None:
            progress(min(count * 200, size - 1), size)  # a rough share of the file
    if settings.preset.holds is Holds.INVOICES:
        plan.missing = known.missing()


def _blocks(records: Iterator[Record]) -> Iterator[list[Record]]:
    block: list[Record] = []
    for record in records:
        block.append(record)
        if len(block) >= _BLOCK:
            yield block
            block = []
    if block:
        yield block


def _step(record: Record, settings: ReadSettings, known: _Known, seen: _SeenNumbers,
          plan: ImportPlan) -> CustomerStep | InvoiceStep | RefusedRow | None:
    if isinstance(record, RefusedRow):
        plan.refused.append(record)
        return None
    if isinstance(record, CustomerRecord):
        return known.customer_step(record, plan)
    return _invoice(record, settings, known, seen, plan)


class _SeenNumbers:
    """The invoice numbers read so far, with the total, customer and line of each (to
    find one listed twice): the current block's in memory, the earlier ones in a
    temporary table of this connection."""

    def __init__(self) -> None:
        database.execute_sql(temporary_table(_SEEN, "number TEXT PRIMARY KEY, total INTEGER, "
                                                    "customer TEXT, line INTEGER"))
        database.execute_sql(f"DELETE FROM {_SEEN}")
        self.block: dict[str, tuple[int, str, int]] = {}
        self.new: list[str] = []

    def read(self, block: list[Record]) -> None:
        """Bring the earlier blocks' entries for this block's numbers into memory."""
        self.new = []
        numbers = [r.number for r in block if isinstance(r, InvoiceRecord)]
        among, values = among_sql(numbers)
        self.block = {number: (total, customer, line) for number, total, customer, line in
                      database.execute_sql(f"SELECT number, total, customer, line FROM "
                                           f"{_SEEN} WHERE number{among}", values)}

    def get(self, number: str) -> tuple[int, str, int] | None:
        """The total, customer key and line of the number's first listing, if any."""
        return self.block.get(number)

    def add(self, number: str, entry: tuple[int, str, int]) -> None:
        """Note the number's first listing."""
        self.block[number] = entry
        self.new.append(number)

    def keep(self) -> None:
        """Move this block's new numbers into the table."""
        marks = ", ".join([database.param] * 4)
        execute_many(f"INSERT INTO {_SEEN} (number, total, customer, line) VALUES ({marks})",
                     ((n, *self.block[n]) for n in self.new))


_SEEN = "import_seen_number"


class _Known:
    """What the store already has of this source: its customers' names, VAT numbers and
    e-mails once per dry run, and the records matching each block of the file as it
    comes."""

    def __init__(self, source: str, today: dt.date, separate: frozenset[str]) -> None:
        self.source = source
        self.today = today
        self.separate = separate
        self.late_starts = LateStarts(today)
        linked = {row_id for (row_id,) in ExternalRecord.select(ExternalRecord.row_id).where(
            (ExternalRecord.source == source)
            & (ExternalRecord.kind == ImportedKind.CUSTOMER)).tuples()}
        self.by_name: dict[str, int] = {}
        self.by_tax_number: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        for customer_id, name, tax_number, email in Customer.select(
                Customer.id, Customer.name, Customer.tax_number,
                Customer.billing_email).tuples():
            if customer_id in linked:
                continue
            self.by_name.setdefault(name.strip().casefold(), customer_id)
            if tax_number:
                self.by_tax_number.setdefault(tax_number_as_kept(tax_number), customer_id)
            if email.strip():
                self.by_email.setdefault(email.strip().casefold(), customer_id)
        self.customer_steps: dict[str, CustomerStep] = {}
        self.fresh: list[CustomerStep] = []  # steps made since plan_steps last took them
        # The current block's: records kept from earlier imports, their rows, and the
        # invoice numbers the store already has.
        self.records: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        self.numbers: set[str] = set()
        self._rows: dict[ImportedKind, dict[int, Any]] = {}
        # What was there before the import began: what it writes itself is never asked
        # for (its customers are decided by their first record, its invoices are seen).
        self.had_records = ExternalRecord.select().where(
            ExternalRecord.source == source).exists()
        self.had_invoices = Invoice.select().exists()

    def read(self, block: list[Record]) -> None:
        """Read what the store has of this block's records, in a few statements."""
        customers = {r.key for r in block if isinstance(r, CustomerRecord)} | {
            r.customer.key for r in block if isinstance(r, InvoiceRecord)}
        customers.difference_update(self.customer_steps)  # decided by their first record
        numbers = {r.number for r in block if isinstance(r, InvoiceRecord)}
        self.records = {}
        for kinds, keys in (((ImportedKind.CUSTOMER,), customers),
                            ((ImportedKind.INVOICE, ImportedKind.CREDIT_NOTE), numbers)
                            ) if self.had_records else ():
            self.records.update(
                ((kind, key), (row_id, json.loads(imported)))
                for kind, key, row_id, imported in ExternalRecord.select(
                    ExternalRecord.kind, ExternalRecord.key, ExternalRecord.row_id,
                    ExternalRecord.imported).where(
                    (ExternalRecord.source == self.source) & ExternalRecord.kind.in_(kinds)
                    & one_of(ExternalRecord.key, keys)).tuples())
        self.numbers = {number for (number,) in Invoice.select(Invoice.number).where(
            one_of(Invoice.number, numbers)).tuples()} if self.had_invoices else set()
        self._rows = {}

    def customer(self, customer_id: int) -> Any:
        """A customer this source brought in before (read with the block's others)."""
        return self._row(ImportedKind.CUSTOMER, customer_id, Customer.id, (
            Customer.name, Customer.billing_email, Customer.phone, Customer.address,
            Customer.tax_number, Customer.currency))

    def invoice(self, invoice_id: int) -> Any:
        """An invoice this source brought in before (read with the block's others)."""
        return self._row(ImportedKind.INVOICE, invoice_id, Invoice.id, (
            Invoice.number, Invoice.issue_date, Invoice.due_date, Invoice.amount_minor,
            Invoice.open_minor, Invoice.status, Invoice.currency))

    def _row(self, kind: ImportedKind, row_id: int, key: Any, columns: tuple[Any, ...]
             ) -> Any:
        if kind not in self._rows:
            ids = [i for (k, _key), (i, _values) in self.records.items() if k == kind]
            self._rows[kind] = {row.id: row for row in key.model.select(key, *columns).where(
                one_of(key, ids)).namedtuples()}
        found = self._rows[kind].get(row_id)
        return found if found is not None else key.model.get_by_id(row_id)

    def customer_step(self, record: CustomerRecord, plan: ImportPlan,
                      currency: str | None = None) -> CustomerStep | RefusedRow:
        """The customer's step (the first record of a customer decides), or why not."""
        step = self.customer_steps.get(record.key)
        if step is not None:
            return step
        if record.email and not valid_address(record.email):
            record = _without_email(record)
        if record.tax_number != (tax_number := tax_number_as_kept(record.tax_number)):
            record = replace(record, tax_number=tax_number)  # compared and kept as Duly's
        found = self.records.get((ImportedKind.CUSTOMER, record.key))
        if found is not None:
            customer = self.customer(found[0])
            changes, conflicts = _customer_changes(customer, record, found[1])
            plan.conflicts += conflicts
            step = CustomerStep(record, customer.id, Match.KEY, changes, customer.currency)
        elif record.key in self.separate:
            step = CustomerStep(record, None, Match.NEW,
                                currency=record.currency or currency or "")
        elif (customer_id := self.by_name.get(record.name.casefold())) is not None:
            step = self._matched(record, customer_id, Match.NAME)
        elif record.tax_number and (customer_id := self.by_tax_number.get(
                record.tax_number)) is not None:
            step = self._matched(record, customer_id, Match.TAX_NUMBER)
        elif record.email and (customer_id := self.by_email.get(
                record.email.casefold())) is not None:
            step = self._matched(record, customer_id, Match.EMAIL)
        else:
            step = CustomerStep(record, None, Match.NEW,
                                currency=record.currency or currency or "")
        self.customer_steps[record.key] = step
        self.fresh.append(step)
        return step

    def _matched(self, record: CustomerRecord, customer_id: int, match: Match) -> CustomerStep:
        customer = Customer.get_by_id(customer_id)
        changes, _conflicts = _customer_changes(customer, record, None)
        return CustomerStep(record, customer_id, match, changes, customer.currency)

    def missing(self) -> list[MissingInvoice]:
        """Invoices imported from this source before, open here, absent from the file
        (whose numbers are in the table of numbers seen)."""
        query = (Invoice.select(Invoice.id, Invoice.number, Customer.name,
                                Invoice.open_minor, Invoice.currency)
                 .join(Customer).switch(Invoice)
                 .join(ExternalRecord, on=(ExternalRecord.row_id == Invoice.id))
                 .where((ExternalRecord.source == self.source)
                        & (ExternalRecord.kind == ImportedKind.INVOICE)
                        & ExternalRecord.key.not_in(SQL(f"(SELECT number FROM {_SEEN})"))
                        & (Invoice.open_minor > 0) & (Invoice.status != InvoiceStatus.VOID))
                 .order_by(Invoice.number))
        return [MissingInvoice(*row) for row in query.tuples()]


def _without_email(record: CustomerRecord) -> CustomerRecord:
    return replace(record, email="")


def _customer_changes(customer: Customer, record: CustomerRecord,
                      imported: dict[str, Any] | None
                      ) -> tuple[tuple[FieldChange, ...], list[Conflict]]:
    """The customer's fields the file changes, and the conflicts (see module doc)."""
    fields = {"name": ("Name", customer.name, record.name),
              "email": ("E-mail", customer.billing_email, record.email),
              "phone": ("Phone", customer.phone, record.phone),
              "address": ("Address", customer.address, record.address),
              "tax_number": ("VAT number", customer.tax_number, record.tax_number)}
    changes: list[FieldChange] = []
    conflicts: list[Conflict] = []
    for key, (label, in_duly, in_file) in fields.items():
        if not in_file or in_file == in_duly:
            continue
        # A field an earlier import did not keep (one Duly did not have then) was empty.
        last = imported.get(key, "") if imported is not None else in_duly
        if last == in_file:
            continue  # the file did not change it since: Duly's edit stands
        if imported is not None and in_duly != last:
            conflicts.append(Conflict(f"Customer {customer.name}", label, in_duly, in_file,
                                      record.line))
            continue
        changes.append(FieldChange(label, in_duly, in_file))
    return tuple(changes), conflicts


def _invoice(record: InvoiceRecord, settings: ReadSettings, known: _Known,
             seen: _SeenNumbers, plan: ImportPlan) -> InvoiceStep | None:
    earlier = seen.get(record.number)
    if earlier is not None:
        if earlier[:2] != (record.total_minor, record.customer.key):
            plan.refused.append(RefusedRow(record.line, (
                f"Invoice {record.number} is in the file twice with different amounts or "
                f"customers (lines {earlier[2]} and {record.line}).")))
        return None
    seen.add(record.number, (record.total_minor, record.customer.key, record.line))
    status = record.status.casefold()
    if status and status.startswith(_NOT_ISSUED):
        plan.skipped.append(RefusedRow(record.line, f"Invoice {record.number} is a "
                                                    f"{record.status.lower()}: not imported."))
        return None
    customer = known.customer_step(record.customer, plan, record.currency)
    if isinstance(customer, RefusedRow):
        plan.refused.append(customer)
        return None
    # A new customer without a currency of its own keeps the business's.
    account_currency = customer.currency or settings.currency
    if account_currency != record.currency:
        plan.refused.append(RefusedRow(record.line, (
            f"Invoice {record.number} is in {record.currency}, but {record.customer.name} "
            f"keeps an account in {account_currency}: Duly keeps one currency per "
            f"customer.")))
        return None
    due = record.due or record.issued + dt.timedelta(
        days=record.customer.terms_days or DEFAULT_NET_DAYS)
    problems = invoice_problems(record.number, record.issued, due, record.total_minor)
    if problems:
        plan.refused.append(RefusedRow(record.line, " ".join(m for _f, m in problems)))
        return None
    voided = bool(status) and status.startswith(_VOIDED)
    file_open = 0 if voided else _file_open(record, status)
    kind = ImportedKind.CREDIT_NOTE if record.credit else ImportedKind.INVOICE
    found = known.records.get((kind, record.number))
    step: InvoiceStep | None
    if found is not None:
        step = _known_invoice(record, known.invoice(found[0]), found[1], customer, file_open,
                              voided, due,
                              plan)
    elif record.credit:
        step = InvoiceStep(record, None, Match.NEW, customer.record.key, due=due)
    else:
        step = _unlinked_invoice(record, customer, file_open, voided, due, plan, known)
    return step


def _file_open(record: InvoiceRecord, status: str) -> int:
    if record.open_minor is not None:
        return record.open_minor
    return 0 if status in _PAID else record.total_minor


def _unlinked_invoice(record: InvoiceRecord, customer: CustomerStep, file_open: int,
                      voided: bool, due: dt.date, plan: ImportPlan, known: _Known
                      ) -> InvoiceStep | None:
    same = Invoice.get_or_none(Invoice.number == record.number) \
        if record.number in known.numbers else None
    if same is None:
        if voided:
            plan.skipped.append(RefusedRow(record.line, f"Invoice {record.number} is voided: "
                                                        f"not imported."))
            return None
        late = file_open > 0 and known.late_starts.of(customer.customer_id, due) is not None
        return InvoiceStep(record, None, Match.NEW, customer.record.key,
                           pays_minor=record.total_minor - file_open, due=due, starts_late=late)
    if same.customer_id != customer.customer_id or same.amount_minor != record.total_minor:
        plan.refused.append(RefusedRow(record.line, (
            f"Invoice {record.number} is already in Duly, for "
            f"{format_money(same.amount_minor, same.currency)} to another customer or of "
            f"another amount: change one of the numbers, then import again.")))
        return None
    return _known_invoice(record, same, None, customer, file_open, voided, due, plan,
                          match=Match.NUMBER)


def _known_invoice(record: InvoiceRecord, invoice: Invoice, imported: dict[str, Any] | None,
                   customer: CustomerStep, file_open: int, voided: bool, due: dt.date,
                   plan: ImportPlan, match: Match = Match.KEY) -> InvoiceStep:
    invoice_id = invoice.id
    what = f"Invoice {record.number}"
    changes: list[FieldChange] = []
    for key, label, in_duly, in_file in (
            ("due", "Due date", invoice.due_date, due),
            ("issued", "Issue date", invoice.issue_date, record.issued)):
        if in_file == in_duly:
            continue
        last = imported.get(key) if imported is not None else in_duly.isoformat()
        if last == in_file.isoformat():
            continue
        if imported is not None and in_duly.isoformat() != last:
            plan.conflicts.append(Conflict(what, label, in_duly.isoformat(),
                                           in_file.isoformat(), record.line))
            continue
        changes.append(FieldChange(label, in_duly.isoformat(), in_file.isoformat()))
    if invoice.amount_minor != record.total_minor:
        plan.conflicts.append(Conflict(what, "Amount", format_money(
            invoice.amount_minor, invoice.currency), format_money(record.total_minor,
                                                                  record.currency),
            record.line))
    pays = 0
    if invoice.status != InvoiceStatus.VOID and not voided:
        if file_open < invoice.open_minor:
            pays = invoice.open_minor - file_open
        elif file_open > invoice.open_minor:
            plan.conflicts.append(Conflict(
                what, "Still owed", format_money(invoice.open_minor, invoice.currency),
                format_money(file_open, record.currency), record.line))
    voids = voided and invoice.status != InvoiceStatus.VOID
    return InvoiceStep(record, invoice_id, match, customer.record.key, tuple(changes), pays,
                       voids, due)


KEPT_OF_INVOICE = {"due": "due_date", "issued": "issue_date", "total": "amount_minor"}
"""What an import keeps of an invoice, as text, to judge the next file's changes: the key
each value is kept under and the invoice's field that holds it once the file is written
(for a new invoice, the kept values are its row's)."""


def imported_values(step: InvoiceStep | CustomerStep) -> dict[str, str]:
    """The fields as this import gives them, kept to judge the next import's changes."""
    if isinstance(step, CustomerStep):
        record = step.record
        return {"name": record.name, "email": record.email, "phone": record.phone,
                "address": record.address, "tax_number": record.tax_number}
    assert step.due is not None
    given = {"due_date": step.due, "issue_date": step.record.issued,
             "amount_minor": step.record.total_minor}
    return {key: str(given[name]) for key, name in KEPT_OF_INVOICE.items()}
