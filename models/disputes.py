"""Dispute cases: what a customer disputes, why, what was said and kept about it, and
how it ended.

A dispute is a case, not a flag on an invoice: the invoices disputed (each with the
amount of it in dispute, all or part of what is open), a category, what the customer
said, the day it was raised, notes and files, and a resolution: a credit note for part
or all of it (posted through the ledger), rejected with a reason, or withdrawn by the
customer. While a case is open only the disputed amounts stop being chased
(:mod:`models.disputed` holds that rule); when it is rejected or withdrawn, an invoice
that was wholly in dispute is chased again from the stage it had reached.

An invoice is in at most one open case. Every write is one transaction, audited; bad
input raises :class:`LedgerError` saying what to do.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import peewee as pw

from models import input_rules as rules
from models.allocations import hold_account_of, hold_accounts
from models.audit import record_change
from models.db import one_of, writing
from models.disputed import (
    LIVE_STATUSES,
    claim_on,
    claims,
    disputed_part,
    live_status,
)
from models.errors import LedgerError, Problems
from models.kinds import DisputeCategory, DisputeStatus, InvoiceStatus
from models.money import format_money
from models.policy_stages import default_policy_id, stages_by_policy, start_chasing
from models.schema import (
    Customer,
    DisputeCase,
    DisputedInvoice,
    DisputeNote,
    FollowUpStage,
    Invoice,
    Setting,
    StageExecution,
)

# Files kept with a case live in the store (and so in its backups): this size at most.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
DISPUTE_AGE_SETTING = "dispute_age_days"
DEFAULT_DISPUTE_AGE_DAYS = 30  # a case open longer than this is a Today item
MAX_DISPUTE_AGE_DAYS = 3650
# A dispute resolved against the customer resumes chasing this soon at most.
RESUME_AT_MOST_DAYS = 7
# Invoices a dispute can be raised on: live, with something open.
DISPUTABLE_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.WITH_AGENCY)


@dataclass(frozen=True)
class DisputedLine:
    """An invoice of a case: what the customer disputes of it, what is open on it now,
    and how much of that is in dispute now (0 once the case is closed)."""

    invoice_id: int
    number: str
    claimed_minor: int
    open_minor: int
    disputed_minor: int


@dataclass(frozen=True)
class DisputeRow:
    """A dispute case as the lists show it."""

    case_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    currency: str
    category: DisputeCategory
    status: DisputeStatus
    raised_on: dt.date
    resolved_on: dt.date | None
    customer_said: str
    resolution: str
    credit_note_id: int | None
    lines: tuple[DisputedLine, ...]

    @property
    def claimed_minor(self) -> int:
        """What the customer disputes, over all the case's invoices."""
        return sum(line.claimed_minor for line in self.lines)

    @property
    def disputed_minor(self) -> int:
        """What is in dispute now (not chased), over all the case's invoices."""
        return sum(line.disputed_minor for line in self.lines)

    def age_days(self, as_of: dt.date) -> int:
        """Days from the day it was raised to ``as_of`` (or to its end, once closed)."""
        return days_open(self.raised_on, self.resolved_on if self.resolved_on else as_of)


@dataclass(frozen=True)
class CaseNote:
    """A note on a case, or a file attached to it (its bytes are read apart)."""

    note_id: int
    written_at: dt.datetime
    text: str
    file_name: str  # "" for a note alone
    file_type: str
    file_size: int


@dataclass(frozen=True)
class AttachedFile:
    """A file kept with a case, whole."""

    name: str
    file_type: str
    data: bytes


# --- opening a case ------------------------------------------------------------

def open_dispute(customer_id: int, parts: Sequence[tuple[int, int | None]], *,
                 category: DisputeCategory | str, customer_said: str,
                 raised_on: dt.date | None = None, today: dt.date | None = None) -> int:
    """Open a dispute case on the customer's invoices; its id. ``parts`` lists (invoice
    id, amount disputed), the amount None for all that is open on it. From now the
    disputed amounts are not chased; the rest of each invoice still is.

    Refuses an invoice of another customer or currency, one with nothing open, one
    already in an open case, an amount above what is open, a day in the future, and a
    case without what the customer said."""
    raised_on, kind, said = check_opening(raised_on=raised_on, category=category,
                                          customer_said=customer_said, today=today)
    if not parts:
        raise LedgerError("invoices", "Choose the invoices the customer disputes.")
    with writing():
        hold_accounts([customer_id])
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None:
            raise LedgerError("customer", "That customer no longer exists.")
        lines = _claimed_lines(customer, parts)
        currency = lines[0][0].currency
        case = DisputeCase.create(customer=customer, currency=currency, category=kind,
                                  customer_said=said, raised_on=raised_on,
                                  created_at=dt.datetime.now())
        _add_lines(case, lines)
        record_change("open dispute", "dispute_case", case.id, after={
            "customer_id": customer.id, "category": kind, "customer_said": said,
            "raised_on": raised_on,
            "invoices": [[invoice.number, amount] for invoice, amount in lines]})
    return int(case.id)


def check_opening(*, raised_on: dt.date | None, category: DisputeCategory | str,
                  customer_said: str, today: dt.date | None = None,
                  ) -> tuple[dt.date, DisputeCategory, str]:
    """The day raised, category and words of a case about to be opened, as kept; every
    field that will not do is named at once (FieldProblems): a day in the future, an
    unknown category, nothing said."""
    today = today or dt.date.today()
    problems = Problems()
    day = problems.read(lambda: _raised_on(raised_on or today, today))
    kind = problems.read(lambda: _category(category))
    said = problems.read(lambda: _customer_said(customer_said))
    problems.check()
    assert day is not None and kind is not None and said is not None
    return day, kind, said


def _raised_on(day: dt.date, today: dt.date) -> dt.date:
    day = rules.check_date(day, "raised_on", "The day it was raised")
    if day > today:
        raise LedgerError("raised_on", "The day the dispute was raised is in the future.")
    return day


def _customer_said(text: str) -> str:
    said = rules.check_text(text, "customer_said", "what the customer said", rules.NOTE_LIMIT)
    if not said:
        raise LedgerError("customer_said", "Say what the customer disputes, in their words.")
    return said


def claimed_amount(number: str, open_minor: int, currency: str,
                   amount: int | None) -> int:
    """The amount disputed of invoice ``number`` with ``open_minor`` open: ``amount``
    (None: all that is open), refused above what is open."""
    if amount is None:
        return open_minor
    amount = rules.check_amount(amount, "amount", f"the amount disputed of invoice {number}")
    if amount > open_minor:
        raise LedgerError("amount", f"Invoice {number} has only "
                                    f"{format_money(open_minor, currency)} open; the customer "
                                    f"can dispute that much at most.")
    return amount


def add_to_dispute(case_id: int, parts: Sequence[tuple[int, int | None]]) -> None:
    """Add invoices of the customer to an open case: (invoice id, amount disputed), the
    amount None for all that is open on it; refused as :func:`open_dispute` refuses, and
    for an invoice in another currency than the case's."""
    if not parts:
        raise LedgerError("invoices", "Choose the invoices to add to the dispute.")
    with writing():
        hold_account_of(DisputeCase, case_id)
        case = open_case(case_id)
        lines = _claimed_lines(Customer.get_by_id(case.customer_id), parts)
        for invoice, _amount in lines:
            if invoice.currency != case.currency:
                raise LedgerError("invoices", f"Invoice {invoice.number} is in "
                                              f"{invoice.currency}, the dispute in "
                                              f"{case.currency}. Open a case for it.")
        _add_lines(case, lines)
        record_change("add to dispute", "dispute_case", case.id, after={
            "invoices": [[invoice.number, amount] for invoice, amount in lines]})


def _add_lines(case: DisputeCase, lines: Sequence[tuple[Invoice, int]]) -> None:
    for invoice, amount in lines:
        DisputedInvoice.create(case=case, invoice=invoice, disputed_minor=amount)
        before = invoice.status
        status = _keep_in_step(invoice.id)
        # One entry per invoice, as before cases: the timeline and profile read them.
        record_change("dispute invoice", "invoice", invoice.id,
                      before={"status": before},
                      after={"status": status, "dispute_reason": case.customer_said,
                             "case_id": case.id, "disputed_minor": amount})


def _claimed_lines(customer: Customer, parts: Sequence[tuple[int, int | None]],
                   ) -> list[tuple[Invoice, int]]:
    lines: list[tuple[Invoice, int]] = []
    seen: set[int] = set()
    in_cases = claims([invoice_id for invoice_id, _ in parts])
    for invoice_id, amount in parts:
        if invoice_id in seen:
            raise LedgerError("invoices", "An invoice is listed twice.")
        seen.add(invoice_id)
        invoice = Invoice.get_or_none(Invoice.id == invoice_id)
        if invoice is None or invoice.customer_id != customer.id:
            raise LedgerError("invoices", "That invoice is not on this customer's account.")
        if lines and invoice.currency != lines[0][0].currency:
            raise LedgerError("invoices", f"Invoice {invoice.number} is in "
                                          f"{invoice.currency}; a dispute is about invoices "
                                          f"in one currency. Open a case for each currency.")
        if invoice_id in in_cases:
            raise LedgerError("invoices", f"Invoice {invoice.number} is already in dispute "
                                          f"(case #{open_case_of(invoice_id)}). Settle that "
                                          f"case first, or add to it what else is "
                                          f"disputed.")
        if invoice.status not in DISPUTABLE_STATUSES or invoice.open_minor <= 0:
            raise LedgerError("invoices", f"Invoice {invoice.number} has nothing open to "
                                          f"dispute.")
        lines.append((invoice, claimed_amount(invoice.number, invoice.open_minor,
                                              invoice.currency, amount)))
    return lines


def _category(value: DisputeCategory | str) -> DisputeCategory:
    try:
        return DisputeCategory(value)
    except ValueError:
        words = ", ".join(c.value for c in DisputeCategory)
        raise LedgerError("category", f"“{value}” is not a kind of dispute. Choose one of: "
                                      f"{words}.") from None


def _keep_in_step(invoice_id: int) -> InvoiceStatus:
    """Set the invoice's kept status and dispute reason from its open case (the status
    of one with an agency changes only when all of it is in dispute); its status."""
    invoice = Invoice.get_by_id(invoice_id)
    claimed = claim_on(invoice.id)
    status = invoice.status
    wholly = invoice.open_minor > 0 and disputed_part(invoice.open_minor, claimed) == \
        invoice.open_minor
    if status in LIVE_STATUSES or (status == InvoiceStatus.WITH_AGENCY and wholly):
        status = live_status(invoice.open_minor, claimed)
    said = ""
    if claimed:
        case = (DisputeCase.select(DisputeCase.customer_said).join(DisputedInvoice)
                .where((DisputedInvoice.invoice == invoice.id)
                       & (DisputeCase.status == DisputeStatus.OPEN)).first())
        said = case.customer_said if case is not None else ""
    Invoice.update(status=status, dispute_reason=said).where(Invoice.id == invoice.id).execute()
    return InvoiceStatus(status)


# --- notes and files -------------------------------------------------------------

def add_note(case_id: int, text: str, *, now: dt.datetime | None = None) -> int:
    """Add a note to a case (open or closed); its id."""
    text = rules.check_text(text, "text", "the note", rules.NOTE_LIMIT)
    if not text:
        raise LedgerError("text", "Write the note.")
    with writing():
        case = _case(case_id)
        note = DisputeNote.create(case=case, written_at=now or dt.datetime.now(), text=text)
        record_change("dispute note", "dispute_case", case.id, after={"note": text})
    return int(note.id)


def attach_file(case_id: int, name: str, data: bytes, *, file_type: str = "",
                text: str = "", now: dt.datetime | None = None) -> int:
    """Keep a file with a case (a photo, the customer's letter, a delivery note), in
    the store so that its backups hold it; its note's id. Refuses an empty file and
    one over :data:`MAX_ATTACHMENT_BYTES`."""
    name = rules.check_line(name, "file_name", "the file's name", rules.NAME_LIMIT)
    if not name:
        raise LedgerError("file_name", "Give the file's name.")
    file_type = rules.check_line(file_type, "file_type", "the file's type", 128)
    text = rules.check_text(text, "text", "the note", rules.NOTE_LIMIT)
    if not data:
        raise LedgerError("file", f"{name} is empty: there is nothing to keep.")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise LedgerError("file", f"{name} is {_size(len(data))}; Duly keeps files of up "
                                  f"to {_size(MAX_ATTACHMENT_BYTES)} with a dispute. Attach a "
                                  f"smaller copy (a PDF, or a photo at a lower resolution).")
    with writing():
        case = _case(case_id)
        note = DisputeNote.create(case=case, written_at=now or dt.datetime.now(), text=text,
                                  file_name=name, file_type=file_type, file_size=len(data),
                                  file=data)
        record_change("dispute file", "dispute_case", case.id,
                      after={"file_name": name, "file_size": len(data), "note": text})
    return int(note.id)


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / (1024 * 1024):.1f} MB"


def case_notes(case_id: int) -> list[CaseNote]:
    """A case's notes and files, oldest first (without the files' bytes)."""
    query = (DisputeNote.select(DisputeNote.id, DisputeNote.written_at, DisputeNote.text,
                                DisputeNote.file_name, DisputeNote.file_type,
                                DisputeNote.file_size)
             .where(DisputeNote.case == case_id)
             .order_by(DisputeNote.written_at, DisputeNote.id))
    return [CaseNote(*row) for row in query.tuples()]


def attached_file(note_id: int) -> AttachedFile:
    """The file kept with a case's note, whole."""
    note = DisputeNote.get_or_none(DisputeNote.id == note_id)
    if note is None or not note.file_name:
        raise LedgerError("file", "That note has no file.")
    return AttachedFile(note.file_name, note.file_type, bytes(note.file or b""))


# --- resolving a case ----------------------------------------------------------------

def reject_dispute(case_id: int, reason: str, *, on: dt.date | None = None) -> None:
    """The business stands by its invoices: the case ends, rejected with ``reason``,
    and the invoices that were wholly in dispute are chased again from the stage they
    had reached."""
    reason = _resolution(reason, "Say why the dispute is rejected.")
    with writing():
        close_case(open_case(case_id), DisputeStatus.REJECTED, on or dt.date.today(), reason)


def withdraw_dispute(case_id: int, note: str = "", *, on: dt.date | None = None) -> None:
    """The customer withdrew the dispute: the case ends, and the invoices that were
    wholly in dispute are chased again from the stage they had reached."""
    note = rules.check_text(note, "note", "the note", rules.REASON_LIMIT)
    with writing():
        close_case(open_case(case_id), DisputeStatus.WITHDRAWN, on or dt.date.today(),
               note or "Withdrawn by the customer.")


def _resolution(text: str, prompt: str) -> str:
    text = rules.check_text(text, "reason", "the reason", rules.REASON_LIMIT)
    if not text:
        raise LedgerError("reason", prompt)
    return text


def close_case(case: DisputeCase, status: DisputeStatus, on: dt.date, resolution: str, *,
           credit_note: int | None = None, resume: bool = True) -> None:
    """End ``case`` (in the caller's transaction) with ``status`` on ``on``: its invoices'
    statuses follow, each is audited, and with ``resume`` the invoices that were wholly
    in dispute are chased again from the stage they had reached."""
    rules.check_date(on, "on", "The day it ended")
    if on < case.raised_on:
        raise LedgerError("on", "A dispute cannot end before the day it was raised.")
    hold_accounts([case.customer_id])
    invoice_ids = [i for (i,) in DisputedInvoice.select(DisputedInvoice.invoice)
                   .where(DisputedInvoice.case == case.id).tuples()]
    was_disputed = {i for (i,) in Invoice.select(Invoice.id).where(
        Invoice.id.in_(invoice_ids) & (Invoice.status == InvoiceStatus.DISPUTED)).tuples()}
    DisputeCase.update(status=status, resolved_on=on, resolution=resolution,
                       credit_note=credit_note).where(DisputeCase.id == case.id).execute()
    for invoice_id in invoice_ids:
        status_now = _keep_in_step(invoice_id)
        record_change("release dispute", "invoice", invoice_id,
                      before={"status": InvoiceStatus.DISPUTED if invoice_id in was_disputed
                              else InvoiceStatus.OPEN, "case_id": case.id},
                      after={"status": status_now, "dispute_reason": resolution})
    record_change(f"{status} dispute", "dispute_case", case.id,
                  before={"status": DisputeStatus.OPEN},
                  after={"status": status, "resolved_on": on, "resolution": resolution,
                         "credit_note_id": credit_note})
    if resume:
        _resume_chasing(case.customer_id, sorted(was_disputed), on)


def _resume_chasing(customer_id: int, invoice_ids: Sequence[int], on: dt.date) -> None:
    """Start follow-up again on invoices that were wholly in dispute: the stage after the
    one each had reached (the first reminder after the due date when none), due a short
    gap after ``on``, rather than whatever stage the calendar reached meanwhile."""
    still_open = [i for (i,) in Invoice.select(Invoice.id).where(
        Invoice.id.in_(list(invoice_ids)) & (Invoice.status == InvoiceStatus.OPEN)
        & (Invoice.open_minor > 0)).tuples()] if invoice_ids else []
    if not still_open:
        return
    customer = Customer.get_by_id(customer_id)
    stages = stages_by_policy().get(customer.followup_policy_id or default_policy_id() or 0,
                                    [])
    reached = dict(StageExecution.select(StageExecution.invoice,
                                         pw.fn.MAX(FollowUpStage.position))
                   .join(FollowUpStage).where(StageExecution.invoice.in_(still_open))
                   .group_by(StageExecution.invoice).tuples())
    by_stage: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    for invoice_id in still_open:
        position = reached.get(invoice_id) or 0
        following = [s for s in stages if s.position > position
                     and (position > 0 or s.offset_days > 0)]
        if not following:
            continue
        stage = following[0]
        before = next((s for s in reversed(stages) if s.position <= position), None)
        gap = stage.offset_days - (before.offset_days if before is not None else 0)
        due_on = on + dt.timedelta(days=min(max(gap, 0), RESUME_AT_MOST_DAYS))
        by_stage[(stage.id, due_on)].append(invoice_id)
    for (stage_id, due_on), ids in by_stage.items():
        start_chasing(ids, stage_id, due_on)


def _case(case_id: int) -> DisputeCase:
    case = DisputeCase.get_or_none(DisputeCase.id == case_id)
    if case is None:
        raise LedgerError("case", "That dispute no longer exists.")
    return case


def open_case(case_id: int) -> DisputeCase:
    """The open case ``case_id``; LedgerError when it is gone or already ended."""
    case = _case(case_id)
    if case.status != DisputeStatus.OPEN:
        raise LedgerError("case", f"Dispute #{case.id} is already "
                                  f"{DisputeStatus.word_for(case.status).lower()}.")
    return case


# --- the old way in: one invoice, all of it ------------------------------------------

def dispute_whole_invoice(invoice_id: int, reason: str, *,
                          today: dt.date | None = None) -> int:
    """Open a case for all that is open on one invoice, with ``reason`` as what the
    customer said (category "other"): what "Dispute Invoice" did before cases."""
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None:
        raise LedgerError("invoice", "That invoice no longer exists.")
    reason = rules.check_text(reason, "reason", "the reason", rules.REASON_LIMIT)
    if not reason:
        raise LedgerError("reason", "Say what the customer disputes.")
    if invoice.status not in DISPUTABLE_STATUSES or invoice.open_minor <= 0:
        raise LedgerError("invoice", f"Invoice {invoice.number} has nothing open to dispute.")
    return open_dispute(invoice.customer_id, [(invoice.id, None)],
                        category=DisputeCategory.OTHER, customer_said=reason, today=today)


def release_invoice(invoice_id: int, *, on: dt.date | None = None) -> None:
    """End the dispute an invoice is in: its case is recorded as withdrawn (the other
    invoices of the case too)."""
    with writing():
        invoice = Invoice.get_or_none(Invoice.id == invoice_id)
        if invoice is None:
            raise LedgerError("invoice", "That invoice no longer exists.")
        case_id = open_case_of(invoice.id)
        if case_id is None:
            raise LedgerError("invoice", f"Invoice {invoice.number} is not in dispute.")
        withdraw_dispute(case_id, "Dispute released.", on=on)


def refuse_new_amount_in_dispute(invoice_id: int, number: str) -> None:
    """Refuse to change the amount of an invoice in an open dispute: what was disputed
    was the invoice as issued, and a dispute is settled by a credit note (or ended)."""
    case_id = open_case_of(invoice_id)
    if case_id is not None:
        raise LedgerError("amount", f"Invoice {number} is in dispute (#{case_id}), so its "
                                    f"amount cannot change. Settle the dispute with a credit "
                                    f"note, or end it, first.")


def open_case_of(invoice_id: int) -> int | None:
    """The open case the invoice is in, if any."""
    row = (DisputeCase.select(DisputeCase.id).join(DisputedInvoice)
           .where((DisputedInvoice.invoice == invoice_id)
                  & (DisputeCase.status == DisputeStatus.OPEN)).first())
    return int(row.id) if row is not None else None


# --- reading ----------------------------------------------------------------------------

def disputes(*, state: str = "all", category: DisputeCategory | str | None = None,
             customer_id: int | None = None, older_than_days: int | None = None,
             as_of: dt.date | None = None) -> list[DisputeRow]:
    """Dispute cases, oldest raised first: ``state`` "all", "open" or "closed"; of one
    ``category``; of one customer; with ``older_than_days``, only cases open longer than
    that on ``as_of``."""
    as_of = as_of or dt.date.today()
    query = _cases().order_by(DisputeCase.raised_on, DisputeCase.id)
    if state == "open":
        query = query.where(DisputeCase.status == DisputeStatus.OPEN)
    elif state == "closed":
        query = query.where(DisputeCase.status != DisputeStatus.OPEN)
    elif state != "all":
        raise LedgerError("state", "Choose all, open or closed disputes.")
    if category is not None:
        query = query.where(DisputeCase.category == _category(category))
    if customer_id is not None:
        query = query.where(DisputeCase.customer == customer_id)
    if older_than_days is not None:
        query = query.where((DisputeCase.status == DisputeStatus.OPEN)
                            & (DisputeCase.raised_on
                               < as_of - dt.timedelta(days=older_than_days)))
    return _rows(query=query)


def _cases() -> pw.ModelSelect:
    """The cases with their customers, as :class:`DisputeRow` holds them but the lines."""
    return (DisputeCase.select(DisputeCase.id, DisputeCase.customer, Customer.code,
                               Customer.name, DisputeCase.currency, DisputeCase.category,
                               DisputeCase.status, DisputeCase.raised_on,
                               DisputeCase.resolved_on, DisputeCase.customer_said,
                               DisputeCase.resolution, DisputeCase.credit_note)
            .join(Customer))


def _rows(where: pw.Expression | None = None, *,
          query: pw.ModelSelect | None = None) -> list[DisputeRow]:
    if query is None:
        query = _cases().where(where)
    # Rows, not models: a model per case costs more than the rest of the list.
    cases = list(query.tuples())
    lines = lines_of([case[0] for case in cases])
    return [DisputeRow(case_id, customer_id, code, name, currency, category, status, raised_on,
                       resolved_on, said, resolution, credit_note_id,
                       tuple(lines.get(case_id, ())))
            for (case_id, customer_id, code, name, currency, category, status, raised_on,
                 resolved_on, said, resolution, credit_note_id) in cases]


def dispute(case_id: int) -> DisputeRow:
    """One case; LedgerError when it is gone."""
    _case(case_id)
    return _rows(DisputeCase.id == case_id)[0]


def lines_of(case_ids: Sequence[int]) -> dict[int, list[DisputedLine]]:
    if not case_ids:
        return {}
    query = (DisputedInvoice.select(DisputedInvoice.case, Invoice.id, Invoice.number,
                                    DisputedInvoice.disputed_minor, Invoice.open_minor,
                                    DisputeCase.status)
             .join(Invoice).switch(DisputedInvoice).join(DisputeCase)
             .where(one_of(DisputedInvoice.case, case_ids))
             .order_by(DisputedInvoice.case, Invoice.due_date, Invoice.number))
    found: dict[int, list[DisputedLine]] = defaultdict(list)
    for case_id, invoice_id, number, claimed, open_minor, status in query.tuples():
        now = disputed_part(open_minor, claimed) if status == DisputeStatus.OPEN else 0
        found[case_id].append(DisputedLine(invoice_id, number, claimed, open_minor, now))
    return found


def days_open(raised_on: dt.date, until: dt.date) -> int:
    """How many days a dispute raised on ``raised_on`` has been open by ``until``."""
    return max((until - raised_on).days, 0)


def dispute_age_days() -> int:
    """How long a dispute may stay open before Today lists it (the business's setting,
    30 days unless changed)."""
    row = Setting.get_or_none(Setting.key == DISPUTE_AGE_SETTING)
    return int(json.loads(row.value)) if row is not None else DEFAULT_DISPUTE_AGE_DAYS


def set_dispute_age_days(days: int) -> None:
    """Change how long a dispute may stay open before Today lists it."""
    if isinstance(days, bool) or not isinstance(days, int) or not \
            1 <= days <= MAX_DISPUTE_AGE_DAYS:
        raise LedgerError("dispute_age_days", f"Give the days as a whole number from 1 to "
                                              f"{MAX_DISPUTE_AGE_DAYS}.")
    with writing():
        before = dispute_age_days()
        Setting.put(DISPUTE_AGE_SETTING, json.dumps(days))
        record_change("set dispute age days", "setting", None, before={"days": before},
                      after={"days": days})


def long_open_disputes(as_of: dt.date) -> list[DisputeRow]:
    """The open cases raised more than the setting's days before ``as_of`` (Today's)."""
    return disputes(state="open", older_than_days=dispute_age_days(), as_of=as_of)


# --- check -------------------------------------------------------------------------------

def dispute_problems() -> list[str]:
    """What is wrong with the dispute cases kept (for ``check``): each case's invoices
    are its customer's, in its currency; an invoice is in one open case at most; what
    a case disputes of an invoice is no more than the invoice's amount; an open case's
    invoices are live; an invoice's kept status and reason agree with its open case; a
    closed case has its day, a credited one its credit note."""
    found: list[str] = []
    rows = (DisputedInvoice.select(DisputeCase.id, DisputeCase.customer, DisputeCase.currency,
                                   DisputeCase.status, Invoice.number, Invoice.customer,
                                   Invoice.currency, Invoice.amount_minor,
                                   DisputedInvoice.disputed_minor)
            .join(DisputeCase).switch(DisputedInvoice).join(Invoice).tuples())
    for (case_id, owner, currency, status, number, invoice_owner, invoice_currency, amount,
         claimed) in rows:
        if invoice_owner != owner or invoice_currency != currency:
            found.append(f"dispute #{case_id} covers invoice {number} of another account")
        if claimed > amount and status == DisputeStatus.OPEN:  # a closed one is history
            found.append(f"dispute #{case_id} disputes "
                         f"{format_money(claimed, currency)} of invoice {number}, more than "
                         f"its {format_money(amount, currency)}")
    twice = (DisputedInvoice.select(Invoice.number).join(DisputeCase)
             .switch(DisputedInvoice).join(Invoice)
             .where(DisputeCase.status == DisputeStatus.OPEN)
             .group_by(Invoice.id, Invoice.number)
             .having(pw.fn.COUNT(DisputedInvoice.id) > 1).tuples())
    found += [f"invoice {number} is in more than one open dispute" for (number,) in twice]
    found += _kept_statuses()
    unfinished = (DisputeCase.select(DisputeCase.id)
                  .where((DisputeCase.status != DisputeStatus.OPEN)
                         & DisputeCase.resolved_on.is_null()).tuples())
    found += [f"dispute #{case_id} is closed but has no day it ended"
              for (case_id,) in unfinished]
    uncredited = (DisputeCase.select(DisputeCase.id)
                  .where((DisputeCase.status == DisputeStatus.CREDITED)
                         & DisputeCase.credit_note.is_null()).tuples())
    found += [f"dispute #{case_id} is marked credited but has no credit note"
              for (case_id,) in uncredited]
    return found


def _kept_statuses() -> list[str]:
    """Each invoice's kept status against what its open case makes it."""
    claimed = claims()
    found = []
    query = (Invoice.select(Invoice.id, Invoice.number, Invoice.status, Invoice.open_minor)
             .where((Invoice.status == InvoiceStatus.DISPUTED)
                    | Invoice.id.in_(list(claimed))) if claimed else
             Invoice.select(Invoice.id, Invoice.number, Invoice.status, Invoice.open_minor)
             .where(Invoice.status == InvoiceStatus.DISPUTED))
    for invoice_id, number, status, open_minor in query.tuples():
        should = live_status(open_minor, claimed.get(invoice_id, 0))
        if status != should and status in LIVE_STATUSES:
            found.append(f"invoice {number} is marked {status} but its disputes make it "
                         f"{should}")
    return found
