"""A payment plan's agreement: the parties, the invoices and charges it covers, the
schedule of instalments, what happens if an instalment is missed, how to pay, and
lines for both parties to sign; in the customer's language and locale.

Snapshot first (:func:`plan_agreement_data`, plain values from ``models/``), then
render (:func:`render_plan_agreement`); the renderer reads no store. It goes to the
customer by e-mail through the outbox (:func:`queue_plan_agreement`) or on paper
(:func:`print_plan_agreement`), and either records a contact about the plan on the
customer's timeline only once the message is queued or the file written.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from models.bank_accounts import payment_details, signatory
from models.company import business_details, business_logo
from models.db import writing
from models.errors import LedgerError
from models.files import whole_file
from models.kinds import ChargeKind, ContactKind, OutboxKind
from models.language import N_, Wording, wording
from models.letter_context import document_wording, letter_context
from models.mail import recipients_of
from models.outbox import queue_message
from models.plan_agreement import (
    INVOICE,
    CoveredDocument,
    ScheduledInstalment,
    plan_record,
    record_agreement_contact,
)
from models.postal import postal_address
from models.templating import render_letter
from reports.document import DocumentRenderer
from reports.fonts import (
    BLOCK_LIMIT,
    BOLD,
    REGULAR,
    check_printable,
    draw_text,
    shortened,
    text_width,
)
from reports.page import (
    INK,
    MUTED,
    Letterhead,
    PlainText,
    address_warning,
    address_window,
    draw_lines,
    fitted,
    recipient_lines,
    return_address,
    wrap_lines,
)
from reports.plain_table import PlainTable, TableLook, scaled_widths

AGREEMENT_TITLE = N_("Payment plan agreement")
_DOCUMENT_WORDS = {INVOICE: N_("Invoice"), ChargeKind.INTEREST: N_("Interest on"),
                   ChargeKind.COMPENSATION: N_("Compensation on"), ChargeKind.FEE: N_("Fee on")}
# The e-mail's greeting and closing: the default templates' and the statement e-mail's own.
_SALUTATION = N_("Dear {{ contact_name }},")
_CLOSING = N_("Kind regards,")


@dataclass(frozen=True)
class PlanAgreementData:
    """Everything a payment plan's agreement prints, every text as it prints, dated
    ``document_date``, with ``warnings`` for the user to read before sending it."""

    sender: Letterhead
    page_size: str  # "A4" or "Letter"
    document_date: dt.date
    plan_id: int
    reference: str  # the plan's, quoted with each payment
    agreed_on: dt.date
    customer_id: int
    customer_name: str
    contact_name: str  # "" when the account has no contact with a name
    customer_address: str
    customer_code: str
    currency: str
    grace_days: int
    freeze_charges: bool
    instalments: tuple[ScheduledInstalment, ...]  # in schedule order, the deposit first
    covered: tuple[CoveredDocument, ...]  # invoices by due date, then charges
    bank_details: str  # the account for the plan's currency, "" for none
    signatory: tuple[str, ...]  # the business's: name and position, () for no one
    warnings: tuple[str, ...] = ()
    language: str = "en"
    region: str = ""  # the customer's country, for the locale's dates and amounts

    @property
    def words(self) -> Wording:
        """The agreement's words and formats: its language, the customer's locale."""
        return wording(self.language, self.region)

    @property
    def scheduled_minor(self) -> int:
        """What the schedule asks for in all."""
        return sum(i.amount_minor for i in self.instalments)

    @property
    def covered_minor(self) -> int:
        """What was unpaid of the covered invoices and charges when it was agreed."""
        return sum(d.open_minor for d in self.covered)


def plan_agreement_data(plan_id: int, *, today: dt.date | None = None,
                        language: str = "") -> PlanAgreementData:
    """The agreement of plan ``plan_id``, dated ``today``, in ``language`` ("" for the
    customer's), its dates and amounts as the customer's country writes them.
    LedgerError when the business is not set up, the plan is gone or has no
    instalments; ``UnprintableText`` (a LedgerError) when a text it prints has
    characters no font here can print."""
    business = business_details()
    if business is None:
        raise LedgerError("business", "Set up the business before printing a payment plan "
                                      "agreement.")
    plan = plan_record(plan_id)
    if not plan.instalments:
        raise LedgerError("plan", "This plan has no instalments yet: add its schedule "
                                  "before printing the agreement.")
    words = document_wording(language or plan.language, plan.country, business.country)
    address = postal_address(plan.address, plan.country, business.country)
    bank = payment_details(plan.currency, words)
    signed_by = signatory().lines()
    check_printable("payment plan agreement", plan.customer_name, (
        ("the customer's name", plan.customer_name), ("the contact's name", plan.contact_name),
        ("the customer's address", address), ("the account code", plan.customer_code),
        ("your business's name", business.name), ("your business's address", business.address),
        ("your business's e-mail address", business.email),
        ("your business's phone number", business.phone),
        ("your business's registration", business.registration),
        ("the bank details", bank),
        *(("the number of invoice " + d.number, d.number) for d in plan.covered),
        *(("the signatory's name and position", line) for line in signed_by)))
    logo = business_logo()
    data = PlanAgreementData(
        sender=Letterhead(business.name, business.address, business.email, business.phone,
                          business.registration, logo[0] if logo else None),
        page_size=business.page_size, document_date=today or dt.date.today(),
        plan_id=plan_id, reference=plan.reference, agreed_on=plan.agreed_on,
        customer_id=plan.customer_id, customer_name=shortened(plan.customer_name),
        contact_name=shortened(plan.contact_name), customer_address=shortened(
            address, BLOCK_LIMIT), customer_code=shortened(plan.customer_code),
        currency=plan.currency, grace_days=plan.grace_days,
        freeze_charges=plan.freeze_charges, instalments=plan.instalments,
        covered=tuple(_shortened(d) for d in plan.covered),
        bank_details=shortened(bank, BLOCK_LIMIT), signatory=signed_by,
        language=words.language, region=words.region)
    warnings = (words.problem, address_warning(
        data.page_size, return_address(data.sender), recipient_lines(
            data.customer_name, data.contact_name, data.customer_address, words)),
        "" if data.bank_details else (f"You have no bank account for {data.currency}: the "
                                      f"agreement does not say where to pay. Add one in "
                                      f"Settings."),
        "" if data.covered_minor == data.scheduled_minor else (
            "The instalments do not add up to what the plan covers: check its schedule."))
    return _with_warnings(data, warnings)


def _shortened(document: CoveredDocument) -> CoveredDocument:
    number = shortened(document.number)
    if number == document.number:
        return document
    return CoveredDocument(document.kind, number, document.date, document.due_date,
                           document.amount_minor, document.open_minor)


def _with_warnings(data: PlanAgreementData, warnings: Sequence[str]) -> PlanAgreementData:
    return replace(data, warnings=tuple(w for w in warnings if w))


# --- rendering ---------------------------------------------------------------------

def render_plan_agreement(data: PlanAgreementData, out: BinaryIO | str | Path) -> int:
    """Write the agreement as a PDF to a binary file or a path; returns its pages."""
    return _AgreementRenderer(data).render(out)


def plan_agreement_pdf(data: PlanAgreementData) -> tuple[str, bytes]:
    """The agreement as a PDF to attach, named in the customer's language:
    "Payment plan agreement PP-000012.pdf", "Ratenzahlungsvereinbarung PP-000012.pdf"."""
    out = io.BytesIO()
    render_plan_agreement(data, out)
    return f"{data.words.gettext(AGREEMENT_TITLE)} {data.reference}.pdf", out.getvalue()


class _AgreementRenderer(DocumentRenderer):
    """The agreement on the document base: the reference block beside the window, then
    the parties, what it covers, the schedule, the terms, how to pay and signatures."""

    space_below_address = 6 * mm

    def __init__(self, data: PlanAgreementData) -> None:
        super().__init__(data.page_size, data.sender, data.words)
        self.data = data
        body = self.style["body"]
        self.text = ParagraphStyle("agreement", body, fontSize=9.5, leading=12.5,
                                   spaceAfter=5)
        self.section = ParagraphStyle("section", self.style["heading"], spaceBefore=9,
                                      spaceAfter=4)

    def title(self) -> str:
        return self.words.gettext("{kind} for {customer}").format(
            kind=self.words.gettext(AGREEMENT_TITLE), customer=self.data.customer_name)

    def subject(self) -> str:
        return self.words.gettext(AGREEMENT_TITLE)

    def recipient(self) -> list[str]:
        data = self.data
        return recipient_lines(data.customer_name, data.contact_name, data.customer_address,
                               self.words)

    def first_page_extras(self, canvas: Canvas) -> None:
        self._reference_block(canvas)

    def running_head(self) -> str:
        return self._head(self.data.customer_name)

    def running_head_within(self, width: float) -> str:
        """The running head with the customer's name cut to make it fit ``width``, so the
        account code and the plan's reference always show."""
        rest = text_width(self._head(""), REGULAR, 8)
        return fitted(self._head(fitted(self.data.customer_name, width - rest, 8)), width, 8)

    def _head(self, name: str) -> str:
        data, say = self.data, self.words.gettext
        return say("{kind} for {customer} ({account}), {when}").format(
            kind=say(AGREEMENT_TITLE), customer=name, account=data.customer_code,
            when=data.reference)

    def _reference_block(self, canvas: Canvas) -> None:
        """Date, account and the plan's reference beside the address window, clear of it."""
        data, window = self.data, address_window(self.data.page_size)
        left = max(window.x + window.width + 4 * mm, self.width - self.margin - 62 * mm)
        width = self.width - self.margin - left
        say = self.words.gettext
        rows = [(say("Date"), self.words.date(data.document_date)),
                (say("Account"), data.customer_code), (say("Plan reference"), data.reference)]
        small, body = self.style["small"], self.style["body"]
        # As wide as the longest label in the agreement's language, at least 20 mm.
        labels = max(20 * mm, max(text_width(k, small.fontName, small.fontSize)
                                  for k, _ in rows) + 3 * mm)
        top = window.y + window.height - 2 * mm
        for label, value in rows:
            lines = wrap_lines(value, body.fontName, body.fontSize, width - labels)
            top -= 1
            canvas.setFillColor(small.textColor)
            draw_text(canvas, left, top - body.fontSize, label, small.fontName, small.fontSize)
            canvas.setFillColor(body.textColor)
            top -= draw_lines(canvas, left + labels, top, lines, body.fontName,
                              body.fontSize, body.leading) + 1

    # The story --------------------------------------------------------------------

    def story(self, width: float) -> list[Flowable]:
        return [*self._opening(), *self._covered(width), *self._schedule(width),
                *self._terms(width), *self._how_to_pay(), *self._signatures(width)]

    def _paragraph(self, text: str) -> PlainText:
        return PlainText(text, self.text)

    def _opening(self) -> list[Flowable]:
        data, words, say = self.data, self.words, self.words.gettext
        return [
            PlainText(say(AGREEMENT_TITLE), self.style["title"]), Spacer(1, 2 * mm),
            self._paragraph(say("This agreement is made on {date} between {business} and "
                                "{customer} (account {account}).").format(
                date=words.date(data.agreed_on), business=data.sender.name,
                customer=data.customer_name, account=data.customer_code)),
            self._paragraph(say("It covers {amount} still unpaid on that day on the invoices "
                                "and charges listed below, which you will pay to us in the "
                                "instalments set out in the schedule.").format(
                amount=words.money(data.covered_minor, data.currency)))]

    def _covered(self, width: float) -> list[Flowable]:
        data, words, say = self.data, self.words, self.words.gettext
        currency = data.currency
        heading = [say("Document"), say("Number"), say("Date"), say("Due"),
                   say("Amount ({currency})").format(currency=currency),
                   say("Open ({currency})").format(currency=currency)]
        body = [[say(_DOCUMENT_WORDS.get(d.kind, d.kind)), d.number, words.date(d.date),
                 words.date(d.due_date) if d.due_date else "",
                 words.amount(d.amount_minor, currency), words.amount(d.open_minor, currency)]
                for d in data.covered]
        table = PlainTable(heading, body, [[say("Total covered"),
                                            words.money(data.covered_minor, currency)]],
                           scaled_widths(width, (25, 34, 27, 27, 29, 29)), right_from=4,
                           label_span=5)
        return [KeepTogether([PlainText(say("What the plan covers"), self.section), table])]

    def _schedule(self, width: float) -> list[Flowable]:
        data, words, say = self.data, self.words, self.words.gettext
        currency = data.currency
        heading = [say("Instalment"), say("Due by"),
                   say("Amount ({currency})").format(currency=currency)]
        body, number = [], 0
        for instalment in data.instalments:
            if instalment.is_deposit:
                label = say("Deposit")
            else:
                number += 1
                label = str(number)
            body.append([label, words.date(instalment.due_date),
                         words.amount(instalment.amount_minor, currency)])
        table = PlainTable(heading, body, [[say("Total of the instalments"),
                                            words.money(data.scheduled_minor, currency)]],
                           scaled_widths(width * 0.62, (36, 36, 36)), right_from=2, label_span=2,
                           look=TableLook(body_size=9, total_size=9.5))
        table.hAlign = "LEFT"
        return [KeepTogether([PlainText(say("Schedule of instalments"), self.section),
                              table])]

    def _terms(self, width: float) -> list[Flowable]:
        words, say = self.words, self.words.gettext
        grace = self.data.grace_days
        if grace > 0:
            on_time = words.ngettext(
                "Each instalment is to reach our account by its due date; a payment that "
                "arrives within {count} day after that date still counts as on time.",
                "Each instalment is to reach our account by its due date; a payment that "
                "arrives within {count} days after that date still counts as on time.",
                grace).format(count=grace)
            missed = words.ngettext(
                "If an instalment has not been paid in full {count} day after its due date, "
                "the plan ends and the whole balance still unpaid is due at once.",
                "If an instalment has not been paid in full {count} days after its due date, "
                "the plan ends and the whole balance still unpaid is due at once.",
                grace).format(count=grace)
        else:
            on_time = say("Each instalment is to reach our account by its due date.")
            missed = say("If an instalment has not been paid in full by its due date, the "
                         "plan ends and the whole balance still unpaid is due at once.")
        kept = say("While each instalment is paid on time, we will send you no further "
                   "reminders about the invoices and charges this plan covers.")
        if self.data.freeze_charges:
            kept += " " + say("Nor will we add any further interest or fees to them.")
            resume = say("Our usual reminders then resume, and interest and fees run again, "
                         "from that day.")
        else:
            resume = say("Our usual reminders then resume from that day.")
        clauses = [on_time, kept, f"{missed} {resume}"]
        return [PlainText(say("Terms"), self.section), self._numbered(clauses, width)]

    def _numbered(self, clauses: Sequence[str], width: float) -> Table:
        """The clauses numbered, each wrapped beside its number."""
        indent = 6 * mm
        rows = [[PlainText(f"{index}.", self.text), PlainText(text, self.text)]
                for index, text in enumerate(clauses, 1)]
        table = Table(rows, colWidths=[indent, width - indent], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        return table

    def _how_to_pay(self) -> list[Flowable]:
        data, say = self.data, self.words.gettext
        parts: list[Flowable] = [PlainText(say("How to pay"), self.section)]
        if data.bank_details.strip():
            parts.append(PlainText(data.bank_details, self.text))
        parts.append(self._paragraph(say("Please quote the plan reference {reference} with "
                                         "each payment.").format(reference=data.reference)))
        return [KeepTogether(parts)]

    def _signatures(self, width: float) -> list[Flowable]:
        data, say = self.data, self.words.gettext
        business = ", ".join(data.signatory)
        lines = _SignatureLines(
            [(say("For {party}").format(party=data.sender.name), business),
             (say("For {party}").format(party=data.customer_name), "")],
            (say("Signature"), say("Name"), say("Date")))
        return [KeepTogether([
            PlainText(say("Signatures"), self.section),
            self._paragraph(say("Please sign this agreement and return a signed copy to us; "
                                "keep a copy for your records.")),
            Spacer(1, 2 * mm), lines])]


class _SignatureLines(Flowable):
    """Side by side for each party: who signs for it, then a rule to sign on, a rule
    for the name (printed when known) and one for the date, each labelled below."""

    _HEAD_SIZE = 9.5
    _ROOM_TO_SIGN = 15 * mm
    _ROOM = 10 * mm
    _GAP = 12 * mm

    def __init__(self, parties: Sequence[tuple[str, str]], labels: tuple[str, str, str]
                 ) -> None:
        super().__init__()
        self.parties, self.labels = list(parties), labels
        self._heads: list[list[str]] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        column = self._column()
        self._heads = [wrap_lines(head, BOLD, self._HEAD_SIZE, column)[:2]
                       for head, _ in self.parties]
        head = max(len(lines) for lines in self._heads) * self._HEAD_SIZE * 1.25
        self.height = head + self._ROOM_TO_SIGN + 2 * self._ROOM + 4 * mm
        return self.width, self.height

    def _column(self) -> float:
        return (self.width - self._GAP * (len(self.parties) - 1)) / len(self.parties)

    def draw(self) -> None:
        canvas, column = self.canv, self._column()
        head = max(len(lines) for lines in self._heads) * self._HEAD_SIZE * 1.25
        for index, (_, name) in enumerate(self.parties):
            x = index * (column + self._GAP)
            canvas.setFillColor(INK)
            draw_lines(canvas, x, self.height, self._heads[index], BOLD, self._HEAD_SIZE,
                       self._HEAD_SIZE * 1.25)
            rule = self.height - head - self._ROOM_TO_SIGN
            filled = ("", name, "")
            for label, text in zip(self.labels, filled, strict=True):
                canvas.setStrokeColor(INK)
                canvas.setLineWidth(0.5)
                canvas.line(x, rule, x + column, rule)
                if text:
                    canvas.setFillColor(INK)
                    draw_lines(canvas, x, rule + 3 + 9, wrap_lines(text, REGULAR, 9, column)[:1],
                               REGULAR, 9, 11)
                canvas.setFillColor(MUTED)
                draw_text(canvas, x, rule - 8, label, REGULAR, 7.5)
                rule -= self._ROOM


# --- sending and printing ------------------------------------------------------------

def plan_agreement_email_draft(plan_id: int, *, today: dt.date | None = None
                               ) -> tuple[str, str]:
    """The subject and text of an e-mail sending the customer their plan's agreement, in
    their language: greeting the contact by name as the default templates do, and
    signed by the signatory, if one is named, for the business."""
    data = plan_agreement_data(plan_id, today=today)
    words, say = data.words, data.words.gettext
    context = letter_context(data.customer_id, (), data.document_date)
    greeting = render_letter("", say(_SALUTATION), context).body.strip()
    first = data.instalments[0]
    attached = say("Please find attached the payment plan we agreed on {date}: {amount} in "
                   "the instalments set out in its schedule, the first of {first_amount} due "
                   "on {first_date}.").format(
        date=words.date(data.agreed_on), amount=words.money(data.scheduled_minor,
                                                            data.currency),
        first_amount=words.money(first.amount_minor, data.currency),
        first_date=words.date(first.due_date))
    back = say("Please sign it and return a signed copy to us. If anything in it does not "
               "match what we agreed, please reply to this e-mail.")
    signed = [*signatory().lines(), context.business_name]
    text = "\n\n".join([greeting, attached, back, "\n".join([say(_CLOSING), *signed])])
    subject = say("Payment plan agreement {reference}").format(reference=data.reference)
    return subject, text + "\n"


def queue_plan_agreement(plan_id: int, *, subject: str | None = None,
                         text: str | None = None, today: dt.date | None = None,
                         now: dt.datetime | None = None) -> int:
    """Queue an e-mail to the customer with the plan's agreement attached (``subject``
    and ``text`` as the user approved them; the draft's when not given) and record it
    on their timeline as a contact about the plan, in one transaction: neither without
    the other. Returns the outbox id; LedgerError when the customer has no usable
    e-mail address or the agreement cannot be printed."""
    now = now or dt.datetime.now()
    today = today or now.date()
    data = plan_agreement_data(plan_id, today=today)
    if subject is None or text is None:
        drafted = plan_agreement_email_draft(plan_id, today=today)
        subject = drafted[0] if subject is None else subject
        text = drafted[1] if text is None else text
    attachment = plan_agreement_pdf(data)
    with writing():
        to = recipients_of(data.customer_id)
        if not to:
            raise LedgerError("recipients", f"{data.customer_name} has no usable e-mail "
                                            f"address: print the agreement and post it.")
        summary = "\n\n".join(part for part in (
            f"Payment plan agreement {data.reference}", subject.strip(), text.strip()) if part)
        contact_id = record_agreement_contact(plan_id, ContactKind.EMAIL, summary, now=now)
        return queue_message(data.customer_id, kind=OutboxKind.PLAN, subject=subject,
                             text=text, to=to, attachments=[attachment],
                             contact_id=contact_id, now=now)


def print_plan_agreement(plan_id: int, out: str | Path, *, today: dt.date | None = None,
                         now: dt.datetime | None = None) -> int:
    """Write the plan's agreement as a PDF at ``out``, whole or not at all, and record
    it on the customer's timeline as a letter about the plan; nothing is recorded
    unless the file is written (an OSError when it cannot be). Returns its pages."""
    now = now or dt.datetime.now()
    data = plan_agreement_data(plan_id, today=today or now.date())
    out = Path(out)
    placed = False
    try:
        with writing():
            record_agreement_contact(plan_id, ContactKind.LETTER,
                                     f"Payment plan agreement {data.reference} printed "
                                     f"to post", now=now)
            with whole_file(out) as partial:
                pages = render_plan_agreement(data, partial)
            placed = True
    except BaseException:
        if placed:  # the file went into place but the contact was not committed
            out.unlink(missing_ok=True)
        raise
    return pages
