"""Importing a file: the dry run's plan carried out in one transaction, all or nothing.

Every customer, invoice and payment it writes goes through the same ledger functions as
one entered by hand (so balances, promises, aging and the audit log are as if typed), and
each keeps the program's own key, so the next export updates rather than duplicates.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from pathlib import Path

import peewee as pw

from models.audit import record_change
from models.customer_account import customer_draft
from models.db import insert_rows, json_object, writing
from models.errors import LedgerError
from models.imports.plan import (
    KEPT_OF_INVOICE,
    CustomerStep,
    ImportPlan,
    InvoiceStep,
    Match,
    imported_values,
    new_plan,
    plan_steps,
)
from models.imports.records import ReadSettings, RefusedRow
from models.imports.undo import AUDIT_FROM, AUDIT_TO
from models.kinds import ImportedKind
from models.ledger import (
    CustomerDraft,
    InvoiceDraft,
    add_credit_note,
    add_customer,
    add_invoice,
    record_payment,
    update_customer,
    update_invoice,
    void_invoice,
)
from models.ledger_bulk import NewInvoice, RecordRefused, add_customers, add_invoices
from models.policy_stages import start_chasing
from models.postal import country_code
from models.schema import (
    AuditEntry,
    Customer,
    ExternalRecord,
    FollowUpStage,
    ImportBatch,
    Invoice,
    PaymentTerms,
)

_CODE_MAX = 32  # Customer.code's length
_CHUNK = 5_000  # steps written at a time: memory stays flat, statements stay few
_as_kept = json.JSONEncoder(sort_keys=True).encode  # an imported record's values


@dataclass(frozen=True)
class Start:
    """Where the reminders of the long-overdue invoices an import brings in start: at the
    first reminder (the default), at the stage each one's age has reached (``by_age``),
    or at one stage the user picked for all (``stage_id``). ``accounts`` holds the
    choices made for single accounts, by the customer's key in the file; each overrides
    the choice for all for that account's invoices (its own ``accounts`` are ignored)."""

    by_age: bool = False
    stage_id: int | None = None
    accounts: Mapping[str, Start] = field(default_factory=dict, hash=False)

    def of(self, customer_key: str) -> Start:
        """Where the invoices of the file's customer ``customer_key`` start."""
        own = self.accounts.get(customer_key)
        return Start(own.by_age, own.stage_id) if own is not None else Start(
            self.by_age, self.stage_id)

    def in_words(self) -> str:
        """Where they start, as the import's summary says it: "at the first reminder"."""
        if self.by_age:
            said = "at the stage their age has reached"
        elif self.stage_id is not None:
            stage = FollowUpStage.get_or_none(FollowUpStage.id == self.stage_id)
            said = f"at “{stage.name}”" if stage is not None else "at the first reminder"
        else:
            said = "at the first reminder"
        return f"{said}, or as chosen for single accounts" if self.accounts else said


class MissingChoice(StrEnum):
    """What to do with an invoice imported before and absent from a newer file."""

    LEAVE = "leave"  # keep it open as it is
    PAID = "paid"  # record it as paid in full, on the day of the import


class ImportRefused(LedgerError):
    """Rows the import will not take; nothing was written. ``rows`` says which and why."""

    def __init__(self, rows: list[RefusedRow]) -> None:
        self.rows = rows
        count = len(rows)
        super().__init__("file", f"{count} row{' was' if count == 1 else 's were'} refused, "
                                 f"so nothing was imported. Correct "
                                 f"{'it' if count == 1 else 'them'} in the file (or in your "
                                 f"accounting program) and import again.")


@dataclass(frozen=True)
class ImportResult:
    """What an import did: its log entry (None when the file changed nothing) and the
    plan it carried out."""

    batch_id: int | None
    plan: ImportPlan
    started: str = "at the first reminder"  # where long-overdue invoices start, in words


def run_import(path: Path, settings: ReadSettings, *, missing: MissingChoice,
               today: dt.date, now: dt.datetime | None = None,
               separate: frozenset[str] = frozenset(), start: Start | None = None,
               progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Import the file: customers, invoices and the payments it implies, in one
    transaction. Raises ImportRefused (writing nothing) when any row is refused.
    ``separate``: customers the user said are new, not the one here of the same name;
    ``start``: where long-overdue new invoices start their reminders (the first)."""
    now = now or dt.datetime.now()
    plan = new_plan(path, settings)
    try:
        with writing():
            audit_from = AuditEntry.select(pw.fn.MAX(AuditEntry.id)).scalar() or 0
            batch = ImportBatch.create(source=settings.preset.source, layout=plan.layout,
                                       file_name=plan.file_name, file_hash=plan.file_hash,
                                       imported_at=now)
            writer = _Writer(batch.id, settings, today, start or Start())
            chunk: list[CustomerStep | InvoiceStep] = []
            for step in plan_steps(path, settings, plan, today=today, separate=separate,
                                   progress=progress):
                if plan.refused:
                    continue  # nothing more is written: the import will be refused
                chunk.append(step)
                if len(chunk) >= _CHUNK:
                    writer.write(chunk)
                    chunk = []
            if plan.refused:
                raise ImportRefused(plan.refused)
            writer.write(chunk)
            paying = missing is MissingChoice.PAID and bool(plan.missing)
            if plan.changes_nothing and not paying:
                raise _NothingToDo
            if paying:
                for gone in plan.missing:
                    writer.pay(gone.invoice_id, gone.open_minor, today,
                               f"Not in {plan.file_name}: taken as paid")
            counts = plan.counts()
            record_change("import", "import_batch", batch.id,
                          after={"file": plan.file_name, "layout": plan.layout, **counts})
            # Its audit entries, from the first after the store's last to its own: what
            # "Undo this import" takes back.
            batch.counts = json.dumps({**counts, AUDIT_FROM: audit_from,
                                       AUDIT_TO: AuditEntry.select(
                                           pw.fn.MAX(AuditEntry.id)).scalar()})
            batch.save()
    except _NothingToDo:
        return ImportResult(None, plan)  # rolled back: not even a log entry
    return ImportResult(batch.id, plan, (start or Start()).in_words())


class _NothingToDo(Exception):
    """The file changes nothing: the transaction is rolled back, the log left as it was."""


def _as_row(line: int, write: Callable[[], None]) -> None:
    """Write one row's step; the ledger's refusal names the row and undoes the import."""
    try:
        write()
    except ImportRefused:
        raise
    except LedgerError as error:
        raise ImportRefused([RefusedRow(line, error.message)]) from error


def _each_row(steps: list[CustomerStep] | list[InvoiceStep], write: Callable[[], None]
              ) -> None:
    """Write many rows' steps at once; the ledger's refusal names its row."""
    try:
        write()
    except RecordRefused as error:
        raise ImportRefused([RefusedRow(steps[error.index].record.line, error.message)]
                            ) from error


class _Writer:
    """Writes one plan's steps, keeping each row's key in the source program."""

    def __init__(self, batch_id: int, settings: ReadSettings, today: dt.date,
                 start: Start) -> None:
        self.start = start
        self.batch_id = batch_id
        self.settings = settings
        self.source = settings.preset.source
        self.today = today
        self.customer_ids: dict[str, int] = {}

    def write(self, steps: list[CustomerStep | InvoiceStep]) -> None:
        """Write a stretch of steps: what is new in a few statements a table (customers
        before their invoices), the rest one by one."""
        customers = [s for s in steps if isinstance(s, CustomerStep)]
        invoices = [s for s in steps if isinstance(s, InvoiceStep)]
        fresh = [s for s in customers if s.customer_id is None]
        if fresh:
            _each_row(fresh, partial(self.new_customers, fresh))
        for step in customers:
            if step.customer_id is not None:
                _as_row(step.record.line, partial(self.customer, step))
        new = [s for s in invoices if s.invoice_id is None and not s.record.credit]
        if new:
            _each_row(new, partial(self.new_invoices, new))
        for invoice in invoices:
            if (invoice.invoice_id is not None and invoice.does_something) or (
                    invoice.invoice_id is None and invoice.record.credit):
                _as_row(invoice.record.line, partial(self.invoice, invoice))

    def new_customers(self, steps: list[CustomerStep]) -> None:
        """Create the file's new customers at once."""
        drafts = [CustomerDraft(
            code=self._free_code(step.record.key) if step.record.has_key else "",
            name=step.record.name, currency=step.currency or self.settings.currency,
            billing_email=step.record.email, phone=step.record.phone,
            address=step.record.address, country=country_code(step.record.country),
            payment_terms_id=_terms(step.record.terms_days),
            tax_number=step.record.tax_number) for step in steps]
        ids = add_customers(drafts)
        for step, customer_id in zip(steps, ids, strict=True):
            self.customer_ids[step.record.key] = customer_id
        self._keep_new(ImportedKind.CUSTOMER, [(s.record.key, cid, imported_values(s))
                                               for s, cid in zip(steps, ids, strict=True)])

    def new_invoices(self, steps: list[InvoiceStep]) -> None:
        """Record the file's new invoices at once, with what was paid on each."""
        paid_in = f"Paid in {self.settings.preset.title}"
        invoices = []
        for step in steps:
            record = step.record
            assert step.due is not None
            invoices.append(NewInvoice(
                self.customer_ids[step.customer_key],
                InvoiceDraft(number=record.number, issue_date=record.issued, due_date=step.due,
                             amount_minor=record.total_minor, external_ref=record.reference),
                paid_minor=step.pays_minor, paid_on=record.paid_on, reference=paid_in))
        ids = add_invoices(invoices, today=self.today)
        # Their keys are their numbers, and what is kept of each is its row's (the store
        # writes the JSON: a hundred thousand rows need no round trip through Python).
        ExternalRecord.insert_from(
            Invoice.select(pw.Value(self.source), pw.Value(ImportedKind.INVOICE),
                           Invoice.number, Invoice.id, pw.Value(self.batch_id),
                           json_object({key: pw.Cast(getattr(Invoice, name), "TEXT")
                                        for key, name in KEPT_OF_INVOICE.items()}))
            .where(Invoice.id.between(ids[0], ids[-1])),
            [ExternalRecord.source, ExternalRecord.kind, ExternalRecord.key,
             ExternalRecord.row_id, ExternalRecord.batch, ExternalRecord.imported]).execute()
        if self.start != Start():
            self._start_late(ids)

    def _start_late(self, ids: list[int]) -> None:
        """The user's choice of where the long-overdue new invoices start, account by
        account (the new invoices were made starting at the first reminder)."""
        # Invoices carry Duly's customer; the choices are by the file's key. Where two of
        # the file's customers are one here, the first of them decides.
        keys: dict[int, str] = {}
        for key, customer_id in self.customer_ids.items() if self.start.accounts else ():
            keys.setdefault(customer_id, key)
        for part in (ids[n:n + 500] for n in range(0, len(ids), 500)):
            starts: dict[Start, list[int]] = defaultdict(list)
            for row_id, customer_id in Invoice.select(Invoice.id, Invoice.customer).where(
                    Invoice.id.in_(part) & Invoice.chase_from.is_null(False)).tuples():
                starts[self.start.of(keys.get(customer_id, ""))].append(row_id)
            for start, late in starts.items():
                if start.by_age:
                    Invoice.update(chase_from=None).where(Invoice.id.in_(late)).execute()
                elif start.stage_id is not None:
                    start_chasing(late, start.stage_id, self.today)

    def _keep_new(self, kind: ImportedKind, rows: list[tuple[str, int, dict[str, str]]]
                  ) -> None:
        insert_rows(ExternalRecord, ("source", "kind", "key", "row_id", "batch", "imported"), [
            (self.source, kind, key, row_id, self.batch_id, _as_kept(values))
            for key, row_id, values in rows])

    def customer(self, step: CustomerStep) -> None:
        record = step.record
        if step.customer_id is not None and step.match is Match.KEY and not step.changes:
            self.customer_ids[record.key] = step.customer_id  # nothing to write
            return
        if step.customer_id is None:
            customer_id = add_customer(CustomerDraft(
                code=self._free_code(record.key) if record.has_key else "",
                name=record.name,
                currency=step.currency or self.settings.currency, billing_email=record.email,
                phone=record.phone, address=record.address,
                country=country_code(record.country),
                payment_terms_id=_terms(record.terms_days), tax_number=record.tax_number))
        else:
            customer_id = step.customer_id
            if step.changes:
                # Only the fields the plan changes (named as plan._customer_changes names
                # them): one in conflict, or edited in Duly since the file last gave it,
                # stays as Duly has it.
                after = {change.field: change.after for change in step.changes}
                draft = customer_draft(customer_id)
                update_customer(customer_id, replace(
                    draft, name=after.get("Name", draft.name),
                    billing_email=after.get("E-mail", draft.billing_email),
                    phone=after.get("Phone", draft.phone),
                    address=after.get("Address", draft.address),
                    tax_number=after.get("VAT number", draft.tax_number)))
        self.customer_ids[record.key] = customer_id
        self._keep(ImportedKind.CUSTOMER, record.key, customer_id, imported_values(step))

    def invoice(self, step: InvoiceStep) -> None:
        record = step.record
        customer_id = self.customer_ids[step.customer_key]
        kind = ImportedKind.CREDIT_NOTE if record.credit else ImportedKind.INVOICE
        invoice_id = step.invoice_id
        if invoice_id is None and record.credit:
            invoice_id = add_credit_note(customer_id, number=record.number,
                                         issue_date=record.issued,
                                         amount_minor=record.total_minor,
                                         reason=f"Imported from {self.settings.preset.title}",
                                         today=self.today)
        elif invoice_id is None:
            assert step.due is not None
            invoice_id = add_invoice(customer_id, InvoiceDraft(
                number=record.number, issue_date=record.issued, due_date=step.due,
                amount_minor=record.total_minor, external_ref=record.reference),
                today=self.today)
        elif step.changes:
            invoice = Invoice.get_by_id(invoice_id)
            assert step.due is not None
            update_invoice(invoice_id, InvoiceDraft(
                number=invoice.number, issue_date=record.issued, due_date=step.due,
                amount_minor=invoice.amount_minor, external_ref=invoice.external_ref or ""))
        if step.pays_minor:
            self.pay(invoice_id, step.pays_minor, record.paid_on or self.today,
                     f"Paid in {self.settings.preset.title}")
        if step.voids:
            void_invoice(invoice_id, f"Voided in {self.settings.preset.title}")
        if not record.credit or step.invoice_id is None:
            self._keep(kind, record.number, invoice_id, imported_values(step))

    def pay(self, invoice_id: int, amount_minor: int, day: dt.date, reference: str) -> None:
        """Record what the file says was paid on the invoice, as a payment allocated to it
        (on the day it gives, or the import's, never after today)."""
        invoice = Invoice.get_by_id(invoice_id)
        received = min(max(day, invoice.issue_date), self.today)
        record_payment(invoice.customer_id, received_on=received, amount_minor=amount_minor,
                       method="other", reference=reference,
                       allocate_to=[(invoice_id, amount_minor)], today=self.today,
                       incentives=False)  # the source's books granted any discount

    def _keep(self, kind: ImportedKind, key: str, row_id: int, values: dict[str, str]) -> None:
        imported = _as_kept(values)
        updated = (ExternalRecord.update(row_id=row_id, batch=self.batch_id, imported=imported)
                   .where((ExternalRecord.source == self.source) & (ExternalRecord.kind == kind)
                          & (ExternalRecord.key == key)).execute())
        if not updated:
            ExternalRecord.create(source=self.source, kind=kind, key=key, row_id=row_id,
                                  batch=self.batch_id, imported=imported)

    def _free_code(self, key: str) -> str:
        """The program's account number as Duly's code when it fits and is free; else
        Duly numbers the customer itself."""
        code = key.strip()
        if not code or len(code) > _CODE_MAX:
            return ""
        return "" if Customer.select().where(Customer.code == code).exists() else code


def _terms(days: int | None) -> int | None:
    """The payment terms of ``days`` net, made if the business has none such."""
    if days is None:
        return None
    found = PaymentTerms.get_or_none(PaymentTerms.net_days == days)
    if found is not None:
        return int(found.id)
    name = f"Net {days}"
    if PaymentTerms.get_or_none(PaymentTerms.name == name) is not None:
        return None
    made = PaymentTerms.create(name=name, net_days=days)
    record_change("add payment terms", "payment_terms", made.id,
                  after={"name": name, "net_days": days})
    return int(made.id)
