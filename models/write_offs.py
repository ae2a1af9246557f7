"""Writing off bad debts: an invoice, or what is left of it, taken off the account with
a reason, as a document of its own, never by editing the invoice.

A write-off is a credit note of kind ``write_off`` (numbered "WO-00001" by Duly, see
:mod:`models.rule_credits`) allocated at once to the invoice through
:mod:`models.allocations`, the one way money is put on an invoice and taken off, so
every balance and ``check`` hold as for any credit; beside it a :class:`WriteOff` row
keeps the reason and the VAT share worked out on the day. An invoice written off to
the last penny is ``written_off``; one written off in part stays open for the rest.

If the customer pays after all (a recovered bad debt) the write-off is reversed: its
credit note is voided, the invoice is owed again and the payment is recorded against
it as usual; a remainder still not paid can be written off again.

The accountant's note: for UK VAT, the first day bad-debt relief can be claimed and the
VAT share of the amount. Duly's invoices keep a gross amount and no tax amount, so the
share is worked out from a VAT rate given with the write-off, or the business's
setting (none unless set: zero-rated and exempt supplies carry no VAT).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from models import input_rules as rules
from models.allocations import allocated, hold_account_of, hold_accounts
from models.audit import record_change
from models.dates import short_date
from models.db import writing
from models.disputed import claim_on
from models.errors import LedgerError
from models.kinds import CreditKind, InvoiceStatus, WriteOffReason
from models.money import format_money
from models.plan_schedule import add_months
from models.policy_stages import is_final_stage
from models.rule_credits import grant_credit, void_credit
from models.schema import (
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    Setting,
    WriteOff,
)
from models.users import Permission, require

if TYPE_CHECKING:
    from models.followup import DueAction

VAT_RATE_SETTING = "write_off_vat_percent"
MAX_VAT_PERCENT = Decimal(100)
# Invoices a write-off can take money off: live ones with something open.
WRITABLE_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.WITH_AGENCY)

# HMRC VAT Notice 700/18 (Relief from VAT on bad debts): relief can be claimed once the
# debt has remained unpaid for six months after the later of the date payment was due
# and the date of the supply, and must be claimed within four years and six months of
# that later date. Duly takes the invoice's issue date as the date of supply (its tax
# point); the invoice keeps no other.
RELIEF_AFTER_MONTHS = 6
RELIEF_CLAIM_WITHIN_MONTHS = 4 * 12 + 6


@dataclass(frozen=True)
class WriteOffRow:
    """A write-off as the list, the CSV and the accountant's note show it."""

    write_off_id: int
    credit_note_id: int
    number: str  # the write-off's own number, "WO-00001"
    written_off_on: dt.date
    customer_id: int
    customer_code: str
    customer_name: str
    invoice_id: int
    invoice_number: str
    issue_date: dt.date
    due_date: dt.date
    currency: str
    amount_minor: int
    reason: WriteOffReason
    notes: str
    vat_percent: Decimal | None  # None: no VAT share worked out
    vat_minor: int
    relief_from: dt.date  # the first day UK bad-debt relief can be claimed
    relief_claim_by: dt.date  # the last day it can be claimed
    reversed_on: dt.date | None
    reversal_reason: str


# --- the rules -----------------------------------------------------------------------

def can_write_off(status: str, open_minor: int) -> bool:
    """Whether an invoice can be written off: open (or with an agency) and something owed."""
    return status in WRITABLE_STATUSES and open_minor > 0


def can_write_off_action(action: DueAction) -> bool:
    """Whether a follow-up action due may be carried out as a write-off (see
    :func:`write_off_action`): it is about invoices (not a plan's instalment) and its
    stage is the last of its policy, when chasing has run its course."""
    return action.instalment is None and bool(action.invoices) and is_final_stage(action.stage)


def relief_from(issue_date: dt.date, due_date: dt.date) -> dt.date:
    """The first day UK VAT bad-debt relief can be claimed on an invoice: the day after
    six months have run from the later of its due date and its date of supply (taken
    as its issue date). Due 31 August 2026: six months run to 28 February 2027, so from
    1 March 2027."""
    return add_months(max(issue_date, due_date), RELIEF_AFTER_MONTHS) + dt.timedelta(days=1)


def relief_claim_by(issue_date: dt.date, due_date: dt.date) -> dt.date:
    """The last day UK VAT bad-debt relief on the invoice can be claimed: four years and
    six months from the later of its due date and its date of supply."""
    return add_months(max(issue_date, due_date), RELIEF_CLAIM_WITHIN_MONTHS)


def vat_share(amount_minor: int, vat_percent: Decimal | None) -> int:
    """The VAT in a gross amount at ``vat_percent`` (amount x rate / (100 + rate)),
    rounded half-up to the minor unit; 0 without a rate."""
    if vat_percent is None or vat_percent == 0:
        return 0
    share = Decimal(amount_minor) * vat_percent / (Decimal(100) + vat_percent)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def check_vat_percent(value: Decimal | int | str | None) -> Decimal | None:
    """A VAT rate as given (e.g. "20", "5.5"), or None for none; LedgerError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (bool, float)):
        raise LedgerError("vat_percent", "Give the VAT rate as a percentage, e.g. 20.")
    try:
        rate = Decimal(str(value).strip().rstrip("%").strip())
    except InvalidOperation:
        raise LedgerError("vat_percent", f"“{value}” is not a VAT rate. Give it as a "
                                         f"percentage, e.g. 20.") from None
    if not rate.is_finite() or not 0 <= rate <= MAX_VAT_PERCENT or rate != rate.quantize(
            Decimal("0.001")):
        raise LedgerError("vat_percent", "Give the VAT rate as a percentage from 0 to 100, "
                                         "with three decimals at most.")
    # "20", not "2E+1"; "5.5", not "5.500".
    return rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate.normalize()


def vat_percent_setting() -> Decimal | None:
    """The VAT rate the business's write-offs are worked out at unless one is given
    (None: no VAT share)."""
    row = Setting.get_or_none(Setting.key == VAT_RATE_SETTING)
    value = json.loads(row.value) if row is not None else None
    return Decimal(value) if value is not None else None


def set_vat_percent_setting(value: Decimal | int | str | None) -> None:
    """Change the VAT rate write-offs are worked out at (None: none)."""
    rate = check_vat_percent(value)
    with writing():
        before = vat_percent_setting()
        Setting.put(VAT_RATE_SETTING, json.dumps(None if rate is None else str(rate)))
        record_change("set write-off vat", "setting", None,
                      before={"vat_percent": before}, after={"vat_percent": rate})


# --- writing off ---------------------------------------------------------------------

_UNSET = object()


def write_off(invoice_id: int, *, reason: WriteOffReason | str,
              amount_minor: int | None = None, on: dt.date | None = None, notes: str = "",
              vat_percent: Decimal | int | str | None | object = _UNSET,
              today: dt.date | None = None) -> int:
    """Write off ``amount_minor`` of an invoice (None: all that is open) on ``on``, with
    the reason; the write-off's id. The VAT share is worked out at ``vat_percent`` (the
    setting's when not given). Refuses an invoice with nothing open, one in an open
    dispute (settle the dispute first), an amount above what is open, a day in the
    future or before the invoice was issued."""
    today = today or dt.date.today()
    on = rules.check_date(on or today, "on", "The day of the write-off")
    if on > today:
        raise LedgerError("on", "The day of the write-off is in the future.")
    why = _reason(reason)
    notes = rules.check_text(notes, "notes", "the notes", rules.NOTE_LIMIT)
    rate = vat_percent_setting() if vat_percent is _UNSET else check_vat_percent(
        vat_percent)  # type: ignore[arg-type]
    with writing():
        require(Permission.WRITE_OFF)
        hold_account_of(Invoice, invoice_id)
        invoice = Invoice.get_or_none(Invoice.id == invoice_id)
        if invoice is None:
            raise LedgerError("invoice", "That invoice no longer exists.")
        amount = _amount(invoice, amount_minor, on)
        note_id = grant_credit(invoice.customer_id, CreditKind.WRITE_OFF, on,
                               f"Written off: {WriteOffReason.word_for(why).lower()}",
                               invoices=[(invoice.id, amount)], invoice_id=invoice.id)
        row = WriteOff.create(credit_note=note_id, invoice=invoice, reason=why, notes=notes,
                              vat_percent=rate, vat_minor=vat_share(amount, rate),
                              created_at=dt.datetime.now())
        record_change("write off", "write_off", row.id, after={
            "invoice": invoice.number, "amount_minor": amount, "on": on, "reason": why,
            "notes": notes, "vat_percent": rate, "vat_minor": row.vat_minor,
            "credit_note_id": note_id})
    return int(row.id)


def write_off_action(customer_id: int, currency: str, as_of: dt.date, *, stage_id: int,
                     reason: WriteOffReason | str, notes: str = "",
                     today: dt.date | None = None) -> list[int]:
    """The stage due on the account (typically its policy's last: see
    :func:`can_write_off_action`) carried out as a write-off: the stage is recorded as
    passed over, "written off", and every invoice it was about is written off in full on
    ``as_of``; the write-offs' ids. Refused, with nothing written, when the account has
    moved on since ``stage_id`` was reviewed or an invoice cannot be written off (one
    disputed in part: settle the dispute first)."""
    from models.followup import current_action, skip_action

    why = _reason(reason)
    with writing():
        require(Permission.WRITE_OFF)
        hold_accounts([customer_id])
        action = current_action(customer_id, currency, as_of, stage_id)
        skip_action(customer_id, currency, as_of, stage_id=stage_id,
                    reason=f"Written off: {WriteOffReason.word_for(why).lower()}")
        return [write_off(invoice.id, reason=why, on=as_of, notes=notes, today=today)
                for invoice in action.invoices]


def _amount(invoice: Invoice, amount_minor: int | None, on: dt.date) -> int:
    if not can_write_off(invoice.status, invoice.open_minor):
        state = ("is in dispute" if invoice.status == InvoiceStatus.DISPUTED
                 else "has nothing open")
        raise LedgerError("invoice", f"Invoice {invoice.number} {state}: there is nothing "
                                     f"to write off" + (". Settle the dispute first."
                                                        if "dispute" in state else "."))
    if claim_on(invoice.id):
        raise LedgerError("invoice", f"Part of invoice {invoice.number} is in dispute. "
                                     f"Settle the dispute first (a credit note, or reject "
                                     f"it), then write off what is left.")
    if on < invoice.issue_date:
        raise LedgerError("on", f"Invoice {invoice.number} was issued on "
                                f"{short_date(invoice.issue_date)}; it cannot be written off "
                                f"before then.")
    if amount_minor is None:
        return int(invoice.open_minor)
    amount = rules.check_amount(amount_minor, "amount", "the amount written off")
    if amount > invoice.open_minor:
        raise LedgerError("amount", f"Invoice {invoice.number} has only "
                                    f"{format_money(invoice.open_minor, invoice.currency)} "
                                    f"open; write off that much at most.")
    return amount


def _reason(value: WriteOffReason | str) -> WriteOffReason:
    try:
        return WriteOffReason(value)
    except ValueError:
        words = ", ".join(r.value for r in WriteOffReason)
        raise LedgerError("reason", f"“{value}” is not a reason to write off. Choose one "
                                    f"of: {words}.") from None


def reverse_write_off(write_off_id: int, reason: str, *, on: dt.date | None = None) -> None:
    """Undo a write-off (the customer paid after all, or it was a mistake): its credit
    note is voided and the amount is owed on the invoice again. A VAT-registered
    business that claimed bad-debt relief on it repays the relief for what it
    recovers."""
    reason = rules.check_text(reason, "reason", "the reason", rules.REASON_LIMIT)
    if not reason:
        raise LedgerError("reason", "Say why the write-off is reversed, e.g. “Paid in full "
                                    "on 3 March”.")
    on = rules.check_date(on or dt.date.today(), "on", "The day of the reversal")
    with writing():
        require(Permission.WRITE_OFF)
        row = WriteOff.get_or_none(WriteOff.id == write_off_id)
        if row is None:
            raise LedgerError("write_off", "That write-off no longer exists.")
        if row.reversed_on is not None:
            raise LedgerError("write_off", f"That write-off was already reversed on "
                                           f"{short_date(row.reversed_on)}.")
        note = CreditNote.get_by_id(row.credit_note_id)
        if on < note.issue_date:
            raise LedgerError("on", "A write-off cannot be reversed before the day it was "
                                    "written off.")
        void_credit(note.id, f"Write-off reversed: {reason}")
        WriteOff.update(reversed_on=on, reversal_reason=reason).where(
            WriteOff.id == row.id).execute()
        record_change("reverse write-off", "write_off", row.id,
                      before={"reversed_on": None},
                      after={"reversed_on": on, "reason": reason})


def recover(write_off_id: int, *, received_on: dt.date, amount_minor: int,
            method: str = "bank transfer", reference: str = "",
            today: dt.date | None = None) -> int:
    """A written-off debt paid after all (a recovered bad debt): the write-off is
    reversed, the payment recorded against the invoice, and what it does not pay of the
    amount written off is written off again, for the same reason, on the day paid.
    The payment's id."""
    from models.ledger import record_payment

    with writing():
        require(Permission.WRITE_OFF)
        row = WriteOff.get_or_none(WriteOff.id == write_off_id)
        if row is None:
            raise LedgerError("write_off", "That write-off no longer exists.")
        hold_account_of(Invoice, row.invoice_id)
        written = int(CreditNote.get_by_id(row.credit_note_id).amount_minor)
        reverse_write_off(row.id, f"Recovered {format_money(amount_minor, _currency(row))} "
                                  f"on {short_date(received_on)}", on=received_on)
        paid = record_payment(Invoice.get_by_id(row.invoice_id).customer_id,
                              received_on=received_on, amount_minor=amount_minor,
                              method=method, reference=reference,
                              allocate_to=[(row.invoice_id, min(amount_minor,
                                                                 Invoice.get_by_id(
                                                                     row.invoice_id)
                                                                 .open_minor))],
                              today=today)
        left = written - amount_minor
        if left > 0:
            write_off(row.invoice_id, reason=row.reason, amount_minor=left, on=received_on,
                      notes=f"The rest of a write-off partly recovered. {row.notes}".strip(),
                      vat_percent=row.vat_percent, today=today)
    return paid.payment_id


def _currency(row: WriteOff) -> str:
    return str(Invoice.get_by_id(row.invoice_id).currency)


# --- reading ------------------------------------------------------------------------------

def write_offs(*, date_from: dt.date | None = None, date_to: dt.date | None = None,
               customer_id: int | None = None, reversed_too: bool = True,
               ids: Collection[int] | None = None) -> list[WriteOffRow]:
    """The write-offs made from ``date_from`` to ``date_to`` (both included), oldest
    first; without ``reversed_too`` only those that stand; with ``ids`` only those."""
    if date_from is not None and date_to is not None and date_to < date_from:
        raise LedgerError("date_to", "The period ends before it starts.")
    query = (WriteOff.select(WriteOff.id, WriteOff.credit_note, CreditNote.number,
                             CreditNote.issue_date, Customer.id, Customer.code, Customer.name,
                             Invoice.id, Invoice.number, Invoice.issue_date, Invoice.due_date,
                             Invoice.currency, CreditNote.amount_minor, WriteOff.reason,
                             WriteOff.notes, WriteOff.vat_percent, WriteOff.vat_minor,
                             WriteOff.reversed_on, WriteOff.reversal_reason)
             .join(CreditNote, on=(WriteOff.credit_note == CreditNote.id))
             .switch(WriteOff).join(Invoice, on=(WriteOff.invoice == Invoice.id))
             .join(Customer, on=(Invoice.customer == Customer.id))
             .order_by(CreditNote.issue_date, WriteOff.id))
    if date_from is not None:
        query = query.where(CreditNote.issue_date >= date_from)
    if date_to is not None:
        query = query.where(CreditNote.issue_date <= date_to)
    if customer_id is not None:
        query = query.where(Customer.id == customer_id)
    if not reversed_too:
        query = query.where(WriteOff.reversed_on.is_null())
    if ids is not None:
        query = query.where(WriteOff.id.in_(list(ids)))
    rows = []
    for values in query.tuples():
        (write_off_id, note_id, number, on, cid, code, name, invoice_id, invoice_number,
         issued, due, currency, amount, reason, notes, rate, vat_minor, reversed_on,
         reversal_reason) = values
        rows.append(WriteOffRow(
            write_off_id=write_off_id, credit_note_id=note_id, number=number,
            written_off_on=on, customer_id=cid, customer_code=code, customer_name=name,
            invoice_id=invoice_id, invoice_number=invoice_number, issue_date=issued,
            due_date=due, currency=currency, amount_minor=amount,
            reason=WriteOffReason(reason), notes=notes, vat_percent=rate, vat_minor=vat_minor,
            relief_from=relief_from(issued, due), relief_claim_by=relief_claim_by(issued, due),
            reversed_on=reversed_on, reversal_reason=reversal_reason))
    return rows


# --- check ---------------------------------------------------------------------------------

def write_off_problems() -> list[str]:
    """What is wrong with the write-offs kept (for ``check``): each has a credit note of
    kind write-off on its own invoice, allocated whole to that invoice unless
    reversed, voided exactly when reversed; its VAT share is the one its rate gives; a
    written-off invoice has a write-off standing."""
    found: list[str] = []
    credited = allocated((Allocation.credit_note == CreditNote.id)
                         & (Allocation.invoice == WriteOff.invoice))
    rows = (WriteOff.select(WriteOff.id, CreditNote.number, CreditNote.kind,
                            CreditNote.invoice, WriteOff.invoice, CreditNote.voided,
                            WriteOff.reversed_on, CreditNote.amount_minor,
                            credited.alias("allocated"), WriteOff.vat_percent,
                            WriteOff.vat_minor)
            .join(CreditNote, on=(WriteOff.credit_note == CreditNote.id)).tuples())
    for (write_off_id, number, kind, corrects, invoice_id, voided, reversed_on, amount,
         on_invoice, rate, vat_minor) in rows:
        label = f"write-off {number} (#{write_off_id})"
        if kind != CreditKind.WRITE_OFF or corrects != invoice_id:
            found.append(f"{label} is not a write-off credit note on its own invoice")
        if bool(voided) != (reversed_on is not None):
            found.append(f"{label} is {'voided' if voided else 'standing'} but "
                         f"{'not ' if reversed_on is None else ''}marked reversed")
        if not voided and int(on_invoice) != amount:
            found.append(f"{label} has {on_invoice} of its {amount} allocated to its invoice")
        percent = Decimal(rate) if rate is not None else None
        if vat_minor != vat_share(amount, percent):
            found.append(f"{label} keeps a VAT share its rate does not give")
    standing = (WriteOff.select(WriteOff.invoice).where(WriteOff.reversed_on.is_null()))
    bare = (Invoice.select(Invoice.number)
            .where((Invoice.status == InvoiceStatus.WRITTEN_OFF)
                   & (Invoice.open_minor == 0) & Invoice.id.not_in(standing)
                   & Invoice.id.in_(WriteOff.select(WriteOff.invoice))).tuples())
    found += [f"invoice {number} is marked written off but no write-off stands on it"
              for (number,) in bare]
    return found
