"""The dossier of an account referred to a collection agency: the referral letter to
the agency, then the file it needs to collect — the customer's details, the invoices
referred, the statement, every letter and e-mail sent, the contact history, promises
made and broken, the late-payment interest and compensation with the law and the
daily rate, any dispute, and the referral's own history.

It is written for the agency, in English, on the shared document renderer.
Snapshot first (:func:`dossier_data`, plain values from ``models/``), then render
(:func:`render_dossier`); it goes to the agency by e-mail through the outbox
(:func:`queue_dossier`) or is printed (:func:`dossier_pdf` to a file).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from models.agencies import agency
from models.company import business_details, business_logo
from models.customer_account import customer_record, invoices_among
from models.dates import long_date, short_date
from models.disputes import disputes
from models.errors import LedgerError
from models.interest import DAYS_IN_YEAR, InterestCalculation, invoice_interest
from models.kinds import (
    DisputeCategory,
    DisputeStatus,
    OutboxKind,
    PromiseStatus,
    ReferralStatus,
)
from models.money import format_money, from_minor
from models.outbox import queue_message
from models.referrals import ReferralRow, SentLetter, UpdateRow, letters_sent, referral
from models.referrals import referral_history as history_of
from models.timeline import customer_timeline
from reports.document import DocumentRenderer
from reports.interest_text import regime_words
from reports.page import Letterhead, PlainText, recipient_lines
from reports.plain_table import PlainTable, TableLook, scaled_widths
from reports.statement import OpenItems, open_items

_LETTER_KINDS = ("letter", "email")
_CONTACT_KINDS = ("call", "email", "letter", "meeting", "sms", "note")


# The columns' shares of an entries table: date, what, details, status. A promise says
# what was promised and by when ("Promised to pay 920.91 USD by 5 Aug 2026") and its
# details only the invoices, so its "what" has the room.
_ENTRY_SHARES = (22, 50, 62, 20)
_PROMISE_SHARES = (22, 64, 48, 20)


@dataclass(frozen=True)
class ReferredInvoice:
    """An invoice referred, as the dossier lists it."""

    number: str
    issue_date: dt.date
    due_date: dt.date
    amount_minor: int
    open_minor: int
    days_overdue: int


@dataclass(frozen=True)
class InterestLine:
    """The late-payment charges on one referred invoice, as the ``interest`` command
    works them out, with the rate and what interest adds each day from the dossier's
    date."""

    number: str
    law: str
    rate_percent: Decimal | None  # the last period's yearly rate
    interest_minor: int
    compensation_minor: int
    daily: Decimal  # in major units, exact
    basis: str
    compensation_basis: str
    missing_rate: str


@dataclass(frozen=True)
class Entry:
    """A dated line of the account's history: a contact, a promise, a dispute."""

    on: dt.datetime
    title: str
    detail: str
    status: str = ""


@dataclass(frozen=True)
class DossierData:
    """Everything the dossier prints, as of ``document_date``."""

    sender: Letterhead
    page_size: str
    document_date: dt.date
    referral: ReferralRow
    agency_contact: str
    agency_address: str
    customer_code: str
    customer_name: str
    customer_details: tuple[tuple[str, str], ...]  # (label, value), those known
    invoices: tuple[ReferredInvoice, ...]
    statement: OpenItems
    interest: tuple[InterestLine, ...]
    letters: tuple[SentLetter, ...]
    contacts: tuple[Entry, ...]
    promises: tuple[Entry, ...]
    disputes: tuple[Entry, ...]
    history: tuple[UpdateRow, ...]

    @property
    def currency(self) -> str:
        """The account's currency, the referral's."""
        return self.referral.currency

    @property
    def open_minor(self) -> int:
        """Still open on the referred invoices."""
        return sum(i.open_minor for i in self.invoices)

    @property
    def interest_minor(self) -> int:
        """Interest on the referred invoices to the dossier's date."""
        return sum(line.interest_minor for line in self.interest)

    @property
    def compensation_minor(self) -> int:
        """Fixed compensation on the referred invoices."""
        return sum(line.compensation_minor for line in self.interest)

    @property
    def daily(self) -> Decimal:
        """What interest adds each day on the referred invoices."""
        return sum((line.daily for line in self.interest), Decimal(0))


def dossier_data(referral_id: int, *, today: dt.date | None = None) -> DossierData:
    """The dossier of referral ``referral_id`` as of ``today``. LedgerError when the
    business is not set up or the referral is gone."""
    business = business_details()
    if business is None:
        raise LedgerError("business", "Set up the business before printing a dossier.")
    as_of = today or dt.date.today()
    row = referral(referral_id)
    directory = agency(row.agency_id)
    customer = customer_record(row.customer_id)
    logo = business_logo()
    details = tuple((label, value) for label, value in (
        ("Account", customer.code), ("Name", customer.name), ("Address", customer.address),
        ("Country", customer.country), ("E-mail", customer.billing_email),
        ("Phone", customer.phone), ("Tax number", customer.tax_number),
        ("Language", customer.language), ("Currency", customer.currency)) if value)
    timeline = customer_timeline(row.customer_id)
    return DossierData(
        sender=Letterhead(business.name, business.address, business.email, business.phone,
                          business.registration, logo[0] if logo else None),
        page_size=business.page_size, document_date=as_of, referral=row,
        agency_contact=directory.contact_name, agency_address=directory.address,
        customer_code=customer.code, customer_name=customer.name, customer_details=details,
        invoices=tuple(ReferredInvoice(i.number, i.issue_date, i.due_date, i.amount_minor,
                                       i.open_minor, i.days_overdue)
                       for i in sorted(invoices_among(row.customer_id, row.invoice_ids, as_of),
                                       key=lambda i: (i.due_date, i.number))),
        statement=open_items(row.customer_id, as_of, row.currency),
        interest=tuple(_interest(i, as_of) for i in row.invoice_ids),
        letters=tuple(letters_sent(row.customer_id)),
        contacts=tuple(Entry(e.at, e.title, e.detail, e.status) for e in reversed(timeline)
                       if e.kind in _CONTACT_KINDS),
        promises=tuple(Entry(e.at, e.title, e.detail, PromiseStatus.word_for(e.status))
                       for e in reversed(timeline) if e.kind == "promise"),
        disputes=tuple(_dispute_entries(row.customer_id)),
        history=tuple(history_of(referral_id)))


def _interest(invoice_id: int, as_of: dt.date) -> InterestLine:
    """The ``interest`` command's own calculation (models.interest), and its last day's
    principal at its last day's rate, on actual days / 365, as the daily amount."""
    calculation: InterestCalculation = invoice_interest(invoice_id, as_of,
                                                        without_missing_rate=True)
    last = calculation.periods[-1] if calculation.periods else None
    daily = Decimal(0)
    if last is not None and last.end == as_of:
        daily = (from_minor(last.principal_minor, calculation.currency) * last.rate_percent
                 / 100 / DAYS_IN_YEAR)
    return InterestLine(calculation.number, regime_words(calculation.regime),
                        last.rate_percent if last is not None else None,
                        calculation.interest_minor, calculation.compensation_minor, daily,
                        calculation.basis, calculation.compensation_basis,
                        calculation.missing_rate)


def _dispute_entries(customer_id: int) -> list[Entry]:
    found = []
    for case in disputes(customer_id=customer_id):
        numbers = ", ".join(line.number for line in case.lines)
        detail = f"The customer said: {case.customer_said}" if case.customer_said else ""
        if case.resolution:
            detail += ("\n" if detail else "") + f"Resolution: {case.resolution}"
        found.append(Entry(
            dt.datetime.combine(case.raised_on, dt.time()),
            f"{DisputeCategory.word_for(case.category)} dispute on {numbers} "
            f"({format_money(case.claimed_minor, case.currency)})", detail,
            DisputeStatus.word_for(case.status)
            + (f" on {short_date(case.resolved_on)}" if case.resolved_on else "")))
    return found


# --- rendering ---------------------------------------------------------------------

def _invoices(count: int) -> str:
    return f"{count} invoice{'s' if count != 1 else ''}"


def render_dossier(data: DossierData, out: BinaryIO | str | Path) -> int:
    """Write the dossier as a PDF to a binary file or a path; returns its pages."""
    return _DossierRenderer(data).render(out)


def dossier_pdf(data: DossierData) -> tuple[str, bytes]:
    """The dossier as a PDF to attach or save: "Dossier C00012 2026-12-04.pdf"."""
    out = io.BytesIO()
    render_dossier(data, out)
    return f"Dossier {data.customer_code} {data.document_date.isoformat()}.pdf", out.getvalue()


def dossier_email(data: DossierData) -> tuple[str, str]:
    """The subject and words of the e-mail that sends the dossier to the agency."""
    row = data.referral
    subject = f"Referral of account {data.customer_code} {data.customer_name}"
    greeting = f"Dear {data.agency_contact}," if data.agency_contact else "Dear Sir or Madam,"
    text = "\n\n".join([
        greeting,
        f"Please find attached our dossier for the account of {data.customer_name} "
        f"({data.customer_code}), which we refer to you for collection as of "
        f"{long_date(row.referred_on)}: {_invoices(len(row.invoice_ids))} with "
        f"{format_money(data.open_minor, data.currency)} open.",
        "It holds our referral letter, the invoices, the statement of account, every letter "
        "and e-mail we sent, our contact history, and the interest and compensation due.",
        "Please confirm that you have taken the case on.",
        f"Kind regards,\n{data.sender.name}"])
    return subject, text + "\n"


def queue_dossier(referral_id: int, *, today: dt.date | None = None,
                  now: dt.datetime | None = None) -> int:
    """Put the dossier, attached to its e-mail, in the outbox for the agency's address;
    the outbox id. LedgerError when the agency has no e-mail address."""
    data = dossier_data(referral_id, today=today)
    address = data.referral.agency_email.strip()
    if not address:
        raise LedgerError("email", f"{data.referral.agency_name} has no e-mail address in the "
                                   f"directory: add one, or print the dossier.")
    subject, text = dossier_email(data)
    return queue_message(data.referral.customer_id, kind=OutboxKind.DOSSIER, subject=subject,
                         text=text, to=[(data.agency_contact or data.referral.agency_name,
                                         address)],
                         attachments=[dossier_pdf(data)], now=now)


class _DossierRenderer(DocumentRenderer):
    """The referral letter on the first page, addressed to the agency; the dossier's
    sections from the next page on."""

    space_below_address = 6 * mm

    def __init__(self, data: DossierData) -> None:
        super().__init__(data.page_size, data.sender)
        self.data = data
        body = self.style["body"]
        self.text = ParagraphStyle("dossier", body, fontSize=9.5, leading=12.5, spaceAfter=5)
        self.section = ParagraphStyle("section", self.style["heading"], spaceBefore=10,
                                      spaceAfter=4)
        self.note = ParagraphStyle("note", self.style["small"], spaceAfter=3)

    def title(self) -> str:
        return f"Dossier for {self.data.customer_name} ({self.data.customer_code})"

    def subject(self) -> str:
        return f"Referral to {self.data.referral.agency_name}"

    def recipient(self) -> list[str]:
        row = self.data.referral
        return recipient_lines(row.agency_name, self.data.agency_contact,
                               self.data.agency_address)

    def running_head(self) -> str:
        return self.title()

    def story(self, width: float) -> list[Flowable]:
        return [*self._letter(), PageBreak(), *self._details(), *self._invoices(width),
                *self._statement(width), *self._charges(width), *self._letters(width),
                *self._entries("Contact history", self.data.contacts, width,
                               "No contact is recorded."),
                *self._entries("Promises to pay", self.data.promises, width,
                               "The customer made no promise to pay.",
                               shares=_PROMISE_SHARES),
                *self._entries("Disputes", self.data.disputes, width,
                               "The customer has raised no dispute."),
                *self._history(width)]

    def _p(self, text: str) -> PlainText:
        return PlainText(text, self.text)

    def _money(self, minor: int) -> str:
        return format_money(minor, self.data.currency)

    def _letter(self) -> list[Flowable]:
        data, row = self.data, self.data.referral
        oldest = min((i.due_date for i in data.invoices), default=None)
        terms = _commission_words(row)
        parts: list[Flowable] = [
            PlainText(long_date(data.document_date), self.text), Spacer(1, 2 * mm),
            PlainText(f"Referral of account {data.customer_code}: {data.customer_name}",
                      self.style["heading"]), Spacer(1, 2 * mm),
            self._p(f"Dear {data.agency_contact}," if data.agency_contact
                    else "Dear Sir or Madam,"),
            self._p(f"We refer to you for collection, as of {long_date(row.referred_on)}, the "
                    f"account of {data.customer_name} (our account {data.customer_code}): "
                    f"{_invoices(len(data.invoices))} with {self._money(data.open_minor)} still "
                    f"open" + (f", the oldest due on {long_date(oldest)}." if oldest else ".")),
        ]
        if data.interest_minor or data.compensation_minor:
            parts.append(self._p(
                f"Late-payment interest of {self._money(data.interest_minor)} has run on them "
                f"to {long_date(data.document_date)}, and runs on at "
                f"{_exact(data.daily, data.currency)} a day; fixed compensation of "
                f"{self._money(data.compensation_minor)} is due. The enclosed dossier shows "
                f"how each is worked out and under which law."))
        before = ("Before referring the account we sent our final notice and told the customer "
                  "that the account would be passed to a collection agency."
                  if not row.override_reason else  # never claim a step that was not taken
                  f"We are referring the account without all the steps we normally take first: "
                  f"{row.override_reason.rstrip('.')}.")
        parts += [
            self._p(f"{before} The dossier lists every letter and e-mail we sent, our contacts "
                    f"with the customer, the promises made, and any dispute."),
            self._p(f"We understand your terms to be: {terms}." if terms else
                    "Please confirm your terms for this case."),
            self._p("Please acknowledge this referral, keep us informed of each step, and "
                    "treat our customer fairly and courteously: we would like to keep them as "
                    "a customer once the account is settled. Please tell us at once of any "
                    "payment made to you, and of any dispute the customer raises."),
            self._p(f"Yours faithfully,\n\n{data.sender.name}"),
        ]
        return parts

    def _heading(self, title: str) -> PlainText:
        return PlainText(title, self.section)

    def _details(self) -> list[Flowable]:
        data = self.data
        parts: list[Flowable] = [PlainText(f"Dossier: {data.customer_name}",
                                           self.style["title"]), Spacer(1, 2 * mm),
                                 PlainText(f"Prepared by {data.sender.name} on "
                                           f"{long_date(data.document_date)} for "
                                           f"{data.referral.agency_name}.", self.note),
                                 self._heading("The customer")]
        parts += [PlainText(f"{label}: {value}", self.text)
                  for label, value in data.customer_details]
        return parts

    def _invoices(self, width: float) -> list[Flowable]:
        data = self.data
        rows = [[i.number, short_date(i.issue_date), short_date(i.due_date), str(i.days_overdue),
                 self._money(i.amount_minor), self._money(i.open_minor)] for i in data.invoices]
        table = PlainTable(["Invoice", "Issued", "Due", "Days overdue", "Amount", "Open"], rows,
                           [["Open on the invoices referred", self._money(data.open_minor)]],
                           scaled_widths(width, (28, 22, 22, 26, 26, 26)), right_from=3,
                           label_span=5)
        return [KeepTogether([self._heading("Invoices referred"), table])]

    def _statement(self, width: float) -> list[Flowable]:
        items = self.data.statement
        words = {"invoice": "Invoice", "interest": "Interest on", "compensation":
                 "Compensation on", "fee": "Fee on", "payment": "Payment",
                 "credit note": "Credit note"}
        rows = [[f"{words.get(line.kind, line.kind)} {line.number}".strip(),
                 short_date(line.date), short_date(line.due_date) if line.due_date else "",
                 self._money(line.amount_minor), self._money(line.paid_minor),
                 self._money(line.open_minor)] for line in items.lines]
        table = PlainTable(["Document", "Date", "Due", "Amount", "Paid", "Open"], rows,
                           [["Balance of the account", self._money(items.total_minor)]],
                           scaled_widths(width, (40, 22, 22, 24, 22, 24)), right_from=3,
                           label_span=5)
        return [self._heading(f"Statement of account on {long_date(self.data.document_date)}"),
                table]

    def _charges(self, width: float) -> list[Flowable]:
        data = self.data
        parts: list[Flowable] = [self._heading("Late-payment interest and compensation")]
        rows = [[line.number, line.law,
                 f"{line.rate_percent.normalize():f}%" if line.rate_percent is not None else "–",
                 self._money(line.interest_minor), _exact(line.daily, data.currency),
                 self._money(line.compensation_minor)] for line in data.interest]
        parts.append(PlainTable(
            ["Invoice", "Law or terms", "Rate a year", "Interest", "A day", "Compensation"],
            rows, [["Total", self._money(data.interest_minor), _exact(data.daily, data.currency),
                    self._money(data.compensation_minor)]],
            scaled_widths(width, (27, 52, 21, 22, 20, 24)), right_from=2, label_span=3))
        for line in data.interest:
            why = " ".join(part for part in (line.basis, line.compensation_basis,
                                             line.missing_rate) if part)
            if why:
                parts.append(PlainText(f"{line.number}: {why}", self.note))
        parts.append(PlainText(
            f"Interest to {long_date(data.document_date)}, on actual days over a 365-day "
            f"year; “a day” is what it adds each day after that at the last rate.", self.note))
        return parts

    def _letters(self, width: float) -> list[Flowable]:
        letters = self.data.letters
        if not letters:
            return [self._heading("Letters and e-mails sent"),
                    self._p("No letter or e-mail was sent.")]
        rows = [[short_date(s.sent_at.date()), s.kind, s.subject, s.stage, s.delivery]
                for s in letters]
        return [self._heading("Letters and e-mails sent"), PlainTable(
            ["Date", "By", "Subject", "Stage", "Delivery"], rows, [],
            scaled_widths(width, (22, 16, 70, 30, 16)), right_from=5, label_span=1)]

    def _entries(self, title: str, entries: Sequence[Entry], width: float,
                 none: str, *, shares: Sequence[float] = _ENTRY_SHARES) -> list[Flowable]:
        if not entries:
            return [self._heading(title), self._p(none)]
        rows = [[short_date(e.on.date()), e.title, e.detail, e.status] for e in entries]
        return [self._heading(title), PlainTable(
            ["Date", "What", "Details", "Status"], rows, [],
            scaled_widths(width, shares), right_from=4, label_span=1,
            look=TableLook(body_size=8))]

    def _history(self, width: float) -> list[Flowable]:
        data, row = self.data, self.data.referral
        parts: list[Flowable] = [self._heading("This referral")]
        parts.append(self._p(f"Referred to {row.agency_name} on {long_date(row.referred_on)}: "
                             f"{self._money(row.referred_minor)}. Status: {row.status_word}."))
        if data.history:
            rows = [[short_date(u.reported_on), _status_word(u.status), u.note,
                     self._money(u.recovered_minor) if u.recovered_minor else "",
                     self._money(u.commission_minor) if u.recovered_minor else ""]
                    for u in data.history]
            parts.append(PlainTable(["Date", "Status", "Note", "Recovered", "Commission"], rows,
                                    [["Recovered, commission", self._money(row.recovered_minor),
                                      self._money(row.commission_minor)]],
                                    scaled_widths(width, (22, 24, 62, 24, 24)), right_from=3,
                                    label_span=3))
        return parts


def _status_word(status: str) -> str:
    return ReferralStatus.word_for(status)


def _commission_words(row: ReferralRow) -> str:
    if row.commission_percent is None:
        return ""
    words = f"a commission of {row.commission_percent.normalize():f}% of what you recover"
    if row.commission_min_minor:
        words += f", at least {format_money(row.commission_min_minor, row.currency)}"
    return words


def _exact(amount: Decimal, currency: str) -> str:
    """An amount a day to four decimal places: "£0.1315"."""
    return f"{amount.quantize(Decimal('0.0001'))} {currency}"
