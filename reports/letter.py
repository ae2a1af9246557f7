"""A reminder letter on paper: the stage's text as the template wrote it, with the
invoices it is about as a table and each charge with its calculation.

Snapshot first (:func:`letter_data`, plain values from ``models/``), then render
(:func:`render_letter`); the renderer reads no store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from babel.dates import format_interval
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from models.bank_accounts import signatory
from models.charges import charges_open_on, interest_charge_periods
from models.company import business_details, business_logo
from models.customer_account import customer_record
from models.errors import LedgerError
from models.interest import (
    InterestPeriod,
    RunningInterest,
    exact_value,
    running_interest,
)
from models.kinds import ChargeKind
from models.language import N_, Wording, wording
from models.letter_context import chased_invoices, contact_name, document_wording
from models.money import round_to_minor
from models.postal import postal_address
from reports.batch import PdfBatch
from reports.document import CanvasMaker, DocumentRenderer
from reports.fonts import (
    BLOCK_LIMIT,
    BOLD,
    check_printable,
    draw_text,
    shortened,
    text_width,
)
from reports.page import (
    INK,
    Letterhead,
    PlainText,
    address_warning,
    address_window,
    draw_lines,
    recipient_lines,
    return_address,
    wrap_lines,
)
from reports.plain_table import PlainTable, TableLook, scaled_widths

_BULLETS = ("-", "•", "*")
# "Total overdue: 1.234,56 €": a total line of the template, in any language, known by
# its amount being one of the letter's totals.
_TOTAL_LINE = re.compile(r"^\s*([^:]{1,80}?):\s*(.+?)\s*$")
# The table's total rows when some of its invoices are not yet overdue.
TOTAL_LABEL = N_("Total")
OVERDUE_LABEL = N_("Total overdue")
DUE_LABEL = N_("Total due, with invoices not yet overdue")
_SALUTATION_MAX_CHARS = 80
_TONE_MARKERS = {"final": N_("FINAL NOTICE")}


@dataclass(frozen=True)
class LetterInvoice:
    """One invoice the letter is about, as it stood on the letter's date."""

    number: str
    issue_date: dt.date
    due_date: dt.date
    amount_minor: int
    open_minor: int  # asked for: what is open less any part in dispute
    days_overdue: int


@dataclass(frozen=True)
class LetterCharge:
    """A charge still open on one of the letter's invoices, with its calculation."""

    kind: str  # interest, compensation, fee
    invoice_number: str
    charged_on: dt.date
    amount_minor: int
    open_minor: int
    principal_minor: int | None
    rate_percent: Decimal | None
    period_from: dt.date | None
    period_to: dt.date | None
    days: int | None
    description: str
    calculation: str  # the calculation in one line of words, for the letter
    # An interest charge's periods when its principal or rate changed within its span.
    periods: tuple[InterestPeriod, ...] = ()


@dataclass(frozen=True)
class LetterData:
    """Everything a reminder letter prints, as it stood on ``letter_date``."""

    sender: Letterhead
    page_size: str  # "A4" or "Letter"
    letter_date: dt.date
    customer_name: str
    contact_name: str  # "" when the account has no billing contact
    customer_address: str
    customer_code: str
    reference: str  # our reference, "" when there is none yet
    subject: str
    body: str  # the rendered template, as the customer reads it
    invoices: tuple[LetterInvoice, ...]  # oldest due first
    total_minor: int  # open on the invoices and asked for (any part in dispute left out)
    charges: tuple[LetterCharge, ...]
    stage_name: str
    tone: str
    currency: str
    warnings: tuple[str, ...]  # for the user to read before posting it
    interest_running: str = ""  # how interest goes on, when the letter claims interest
    language: str = "en"  # the language the letter is written in
    region: str = ""  # the customer's country, for the locale's dates and amounts
    signatory: tuple[str, ...] = ()  # name and position, printed under the signature

    @property
    def words(self) -> Wording:
        """The letter's words and formats: its language, the customer's locale."""
        return wording(self.language, self.region)

    @property
    def overdue_minor(self) -> int:
        """What is open on the invoices already overdue (not one due today or later)."""
        return sum(i.open_minor for i in self.invoices if i.days_overdue > 0)

    @property
    def charges_minor(self) -> int:
        """What is still open of the charges listed."""
        return sum(c.open_minor for c in self.charges)

    @property
    def total_with_charges_minor(self) -> int:
        """The invoices' open amounts and the open charges together."""
        return self.total_minor + self.charges_minor


def letter_data(customer_id: int, invoice_ids: Sequence[int], letter_date: dt.date, *,
                subject: str, text: str, stage_name: str = "", tone: str = "",
                reference: str = "", language: str = "") -> LetterData:
    """The snapshot of a letter to a customer about these invoices, dated ``letter_date``,
    with ``subject`` and ``text`` as the template rendered them, in ``language`` (""
    for the customer's), its dates and amounts as the customer's country writes them.
    Charges are those still open on the invoices on that date; an invoice disputed in
    part is open for what is still asked of it (the text says what is in dispute). Raises
    :class:`LedgerError` for a missing business or customer, or an invoice not on the
    customer's account."""
    business = business_details()
    if business is None:
        raise LedgerError("business", "Set up the business before printing letters.")
    customer = customer_record(customer_id)
    rows = chased_invoices(customer_id, invoice_ids, letter_date)
    currency = rows[0].currency if rows else customer.currency
    words = document_wording(language or customer.language, customer.country,
                             business.country)
    contact = contact_name(customer_id)
    logo = business_logo()
    address = postal_address(customer.address, customer.country, business.country)
    charges = _open_charges([r.id for r in rows], letter_date, currency, words)
    check_printable("letter", customer.name, (
        ("the customer's name", customer.name), ("the contact's name", contact),
        ("the customer's address", address), ("the account code", customer.code),
        ("the letter's subject", subject), ("the letter's text", text),
        ("your business's name", business.name), ("your business's address", business.address),
        ("your business's e-mail address", business.email),
        ("your business's phone number", business.phone),
        ("your business's registration", business.registration),
        *(("the number of invoice " + r.number, r.number) for r in rows),
        *(("the words of a charge", c.calculation) for c in charges),
        *(("the signatory's name and position", line) for line in signatory().lines())))
    data = LetterData(
        sender=Letterhead(business.name, business.address, business.email, business.phone,
                          business.registration, logo[0] if logo else None),
        page_size=business.page_size, letter_date=letter_date,
        customer_name=shortened(customer.name), contact_name=shortened(contact),
        customer_address=address, customer_code=shortened(customer.code),
        reference=shortened(reference), subject=shortened(subject.strip(), 500),
        body=text.strip(),
        invoices=tuple(LetterInvoice(shortened(r.number), r.issue_date, r.due_date,
                                     r.amount_minor, r.open_minor, r.days_overdue)
                       for r in rows),
        total_minor=sum(r.open_minor for r in rows), charges=charges,
        stage_name=stage_name, tone=tone, currency=currency, warnings=(),
        language=words.language, region=words.region, signatory=signatory().lines())
    if any(c.kind == ChargeKind.INTEREST for c in data.charges):
        data = replace(data, interest_running=_running_words(
            running_interest([r.id for r in rows], letter_date), words))
    warnings = (words.problem, address_warning(
        data.page_size, return_address(data.sender), recipient_lines(
            data.customer_name, data.contact_name, data.customer_address, words)))
    return replace(data, warnings=tuple(w for w in warnings if w))


def _open_charges(invoice_ids: list[int], on: dt.date, currency: str, words: Wording
                  ) -> tuple[LetterCharge, ...]:
    """The charges on the invoices still open on ``on``, in the order they were charged."""
    charges = []
    for row in charges_open_on(invoice_ids, on):
        charge = row.charge
        single = charge.principal_minor is not None and charge.rate_percent is not None
        charges.append(_with_words(LetterCharge(
            kind=charge.kind, invoice_number=shortened(row.invoice_number),
            charged_on=charge.charged_on, amount_minor=charge.amount_minor,
            open_minor=row.open_minor, principal_minor=charge.principal_minor,
            rate_percent=charge.rate_percent, period_from=charge.period_from,
            period_to=charge.period_to, days=charge.days,
            description=shortened(charge.description, BLOCK_LIMIT), calculation="",
            periods=() if single else interest_charge_periods(charge)), currency, words))
    return tuple(charges)


def _with_words(charge: LetterCharge, currency: str, words: Wording) -> LetterCharge:
    return replace(charge, calculation=charge_words(charge, currency, words))


def _running_words(running: RunningInterest | None, words: Wording) -> str:
    """The sentence saying that interest goes on, by how much a day, under which law."""
    if running is None:
        return ""
    daily = round_to_minor(running.daily, running.currency)
    if daily <= 0:
        return ""
    return words.gettext("Interest keeps running on these invoices until they are paid: "
                         "{daily} a day, under {laws}.").format(
        daily=words.money(daily, running.currency),
        laws=words.and_list([words.gettext(law) for law in running.laws]))


def charge_words(charge: LetterCharge, currency: str, words: Wording) -> str:
    """A charge's calculation in one line, e.g. "Interest on 1,200.00 at 8.00% a year,
    1 Mar – 30 Apr 2026 (61 days)"."""
    if charge.kind == ChargeKind.INTEREST:
        return _interest_words(charge, currency, words)
    lines = [line.strip() for line in charge.description.splitlines() if line.strip()]
    if charge.kind == ChargeKind.COMPENSATION:
        title = words.gettext("Compensation for recovery costs")
        return title + (f": {' '.join(lines)}" if lines else "")
    # A fee prints its words as recorded ("Reminder fee: 15.00 GBP."): its reason is not
    # kept apart, and cutting it out of the words would mean parsing them.
    return " ".join(lines) or words.gettext("Fee")


def _interest_words(charge: LetterCharge, currency: str, words: Wording) -> str:
    span = ""
    if charge.period_from is not None and charge.period_to is not None:
        days = f" ({words.days(charge.days)})" if charge.days else ""
        span = f", {date_span(charge.period_from, charge.period_to, words)}{days}"
    if charge.principal_minor is not None and charge.rate_percent is not None:
        return words.gettext("Interest on {principal} at {rate} a year").format(
            principal=words.amount(charge.principal_minor, currency),
            rate=words.percent(charge.rate_percent)) + span
    periods = "; ".join(period_words(p, currency, words) for p in charge.periods)
    interest = words.gettext("Interest") + span
    return f"{interest}: {periods}" if periods else interest


def period_words(period: InterestPeriod, currency: str, words: Wording) -> str:
    """One period of an interest charge: "1–15 Mar 2026: 15 days on 1,200.00 at
    8.00% a year = 3.9452" (the exact amount, before the total is rounded)."""
    return words.gettext("{span}: {days} on {principal} at {rate} a year = {amount}").format(
        span=date_span(period.start, period.end, words), days=words.days(period.days),
        principal=words.amount(period.principal_minor, currency),
        rate=words.percent(period.rate_percent),
        amount=words.number(exact_value(period.amount, currency)))


def date_span(start: dt.date, end: dt.date, words: Wording) -> str:
    """Two days as a period, as the locale writes it: "1 Mar – 30 Apr 2026"."""
    return format_interval(start, end, "yMMMd", locale=words.locale)


# --- reading the body --------------------------------------------------------------

@dataclass(frozen=True)
class BodyLayout:
    """The body split around the invoice table: paragraphs before and after it, and
    the label of its total row (the template's own "Total overdue", if it had one)."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    total_label: str


def body_layout(body: str, numbers: Sequence[str], totals: Sequence[str]) -> BodyLayout:
    """Where the invoice table goes in ``body``: in place of the run of bullet lines
    that list the invoices ``numbers`` (and of the "Total…: amount" lines just after it
    whose amount is one of ``totals``, what is overdue and what is due); without such a
    run, after the first paragraph that follows the salutation."""
    lines = body.strip().splitlines()
    run = _invoice_run(lines, numbers)
    if run is None:
        paragraphs = _paragraphs(lines)
        at = _table_position(paragraphs)
        return BodyLayout(tuple(paragraphs[:at]), tuple(paragraphs[at:]), "")
    start, end = run
    after = lines[end:]
    label = ""
    while (following := next((i for i, line in enumerate(after) if line.strip()), None)) \
            is not None:
        match = _TOTAL_LINE.match(after[following])
        # Spaces compared as spaces: a text edited in the window comes back with its
        # no-break spaces ("1 234,56 €") made plain (QTextEdit.toPlainText does so).
        if not (match and _spaced(match.group(2)) in {_spaced(t) for t in totals}):
            break
        label = label or match.group(1).strip()
        after = after[following + 1:]
    return BodyLayout(tuple(_paragraphs(lines[:start])), tuple(_paragraphs(after)), label)


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _invoice_run(lines: list[str], numbers: Sequence[str]) -> tuple[int, int] | None:
    """The run of bullet lines naming the most of the invoices, as (start, end)."""
    patterns = [n for n in numbers if n]
    best: tuple[int, int] | None = None
    best_count = 0
    index = 0
    while index < len(lines):
        end = index
        named: set[int] = set()
        while end < len(lines) and lines[end].lstrip().startswith(_BULLETS):
            found = {i for i, number in enumerate(patterns) if _names(lines[end], number)}
            if not found:
                break
            named |= found
            end += 1
        if len(named) > best_count:
            best, best_count = (index, end), len(named)
        index = max(end, index + 1)
    return best


def _names(line: str, number: str) -> bool:
    """Whether ``line`` names the invoice ``number`` as a word of its own ("INV-12" is
    not named by "INV-123"). (Searched, not matched by a pattern: a batch of a
    thousand letters would compile a pattern for each of their invoices.)"""
    at = line.find(number)
    while at >= 0:
        end = at + len(number)
        if not (_word_char(line[at - 1:at]) or _word_char(line[end:end + 1])):
            return True
        at = line.find(number, at + 1)
    return False


def _word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines grouped into paragraphs at blank lines."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return paragraphs


def _table_position(paragraphs: list[str]) -> int:
    """After the paragraph that follows the salutation (a short first line ending in a
    comma or a colon, as "Dear Ms Hughes," or "Estimado/a señor/a:"); else after the
    first paragraph."""
    if paragraphs and _salutation(paragraphs[0]) and len(paragraphs) > 1:
        return 2
    return min(1, len(paragraphs))


def _salutation(paragraph: str) -> bool:
    text = paragraph.strip()
    # A comma in most languages; a colon in Spanish ("Estimado/a señor/a:").
    return "\n" not in text and text.endswith((",", ":")) and len(text) <= _SALUTATION_MAX_CHARS


def _sign_off(paragraphs: Sequence[str], business_name: str) -> tuple[int, int] | None:
    """Where the signature goes: (paragraph, line) of the closing words ("Yours
    sincerely,", "Mit freundlichen Grüßen") that the business's name follows, in the
    last paragraphs of the letter; the signature goes between them."""
    name = business_name.strip()
    flat = [(index, number, line.strip())
            for index in range(max(0, len(paragraphs) - 3), len(paragraphs))
            for number, line in enumerate(paragraphs[index].splitlines())]
    for at in range(len(flat) - 1, 0, -1):
        if flat[at][2] == name and name:
            index, number, closing = flat[at - 1]
            if closing and not _salutation(closing) and len(closing) <= _SALUTATION_MAX_CHARS:
                return index, number
    # Signed by someone else: the last short line ending in a comma, not the last line.
    for at in range(len(flat) - 2, -1, -1):
        index, number, line = flat[at]
        if line.endswith(",") and len(line) <= 40 and not (index == 0 and number == 0):
            return index, number
    return None


# --- rendering ---------------------------------------------------------------------

def render_letter(data: LetterData, out: BinaryIO | str | Path | None, *,
                  canvasmaker: CanvasMaker | None = None) -> int:
    """Write the letter as a PDF to a binary file or a path, or, with ``canvasmaker``
    (a batch's), onto that canvas as one more document. Returns its number of pages."""
    return _LetterRenderer(data, compact=_layout(data)[0]).render(out, canvasmaker=canvasmaker)


def print_letter(data: LetterData, batch: PdfBatch) -> int:
    """Draw the letter into ``batch`` as its next document, as :func:`render_letter`
    sets it, and return its pages. A letter on one page is laid out once; only a longer
    one is laid out again, to see whether it is set compact."""
    with batch.kept_if(lambda pages: pages <= 1):
        pages = _LetterRenderer(data).render(None, canvasmaker=batch.canvasmaker)
    if pages <= 1:
        return pages
    with batch.kept_if(lambda compact: _compact_wins(pages, compact)):
        compact = _LetterRenderer(data, compact=True).render(
            None, canvasmaker=batch.canvasmaker)
    if _compact_wins(pages, compact):
        return compact
    return _LetterRenderer(data).render(None, canvasmaker=batch.canvasmaker)


def _layout(data: LetterData) -> tuple[bool, int]:
    """Whether the letter is set compact, and its pages. A letter that just spills
    over is set a little tighter if that keeps it on fewer pages: a reminder reads
    best on one sheet. (A batch sets its letters with :func:`print_letter`.)"""
    pages = _LetterRenderer(data).page_count()
    if pages > 1:
        compact = _LetterRenderer(data, compact=True).page_count()
        if _compact_wins(pages, compact):
            return True, compact
    return False, pages


def _compact_wins(pages: int, compact: int) -> bool:
    """Whether a letter of ``pages`` pages is set compact, taking ``compact`` pages so."""
    return pages > 1 and compact < pages


class _LetterRenderer(DocumentRenderer):
    """The letter on the document base: the reference block beside the address window,
    then the story, set a little tighter when ``compact``."""

    space_below_address = 6 * mm

    def __init__(self, data: LetterData, *, compact: bool = False) -> None:
        super().__init__(data.page_size, data.sender, data.words)
        self.data = data
        base = self.style["body"]
        size, leading, after = (9, 11.2, 4) if compact else (9.5, 12.2, 5.5)
        self.text = ParagraphStyle("letter", base, fontSize=size, leading=leading,
                                   spaceAfter=after)
        self.signature_gap = (11 if compact else 13) * mm
        self.padding = 1.2 if compact else 1.8
        self.subject_style = ParagraphStyle("subject", base, fontName=BOLD, fontSize=10.5,
                                            leading=13.5, spaceAfter=7)

    def title(self) -> str:
        return self.data.subject or self.words.gettext("Letter to {customer}").format(
            customer=self.data.customer_name)

    def subject(self) -> str:
        return self.data.stage_name

    def recipient(self) -> list[str]:
        data = self.data
        return recipient_lines(data.customer_name, data.contact_name, data.customer_address,
                               self.words)

    def first_page_extras(self, canvas: Canvas) -> None:
        self._reference_block(canvas)

    def running_head(self) -> str:
        data = self.data
        return self.words.gettext("Letter to {customer} ({account}), {date}").format(
            customer=data.customer_name, account=data.customer_code,
            date=self.words.date(data.letter_date))

    def _reference_block(self, canvas: Canvas) -> None:
        """Date, account and our reference beside the address window, clear of it."""
        data, window = self.data, address_window(self.data.page_size)
        left = max(window.x + window.width + 4 * mm, self.width - self.margin - 62 * mm)
        width = self.width - self.margin - left
        say = self.words.gettext
        rows = [(say("Date"), self.words.date(data.letter_date)),
                (say("Account"), data.customer_code)]
        if data.reference:
            rows.append((say("Our reference"), data.reference))
        # As wide as the longest label in the letter's language ("Kundenummer"), at least 20 mm.
        small, body = self.style["small"], self.style["body"]
        labels = max(20 * mm, max(text_width(k, small.fontName, small.fontSize)
                                  for k, _ in rows) + 3 * mm)
        top = window.y + window.height - 2 * mm
        for label, value in rows:
            lines = wrap_lines(value, body.fontName, body.fontSize, width - labels)
            top -= 1  # the row's padding
            baseline = top - body.fontSize
            canvas.setFillColor(small.textColor)
            draw_text(canvas, left, baseline, label, small.fontName, small.fontSize)
            canvas.setFillColor(body.textColor)
            top -= draw_lines(canvas, left + labels, top, lines, body.fontName,
                              body.fontSize, body.leading) + 1

    # The story --------------------------------------------------------------------

    def story(self, width: float) -> list[Flowable]:
        data = self.data
        story: list[Flowable] = []
        marker = _TONE_MARKERS.get(data.tone)
        if marker:
            story += [self._marker(self.words.gettext(marker)), Spacer(1, 3 * mm)]
        if data.subject:
            story.append(PlainText(data.subject, self.subject_style))
        layout = body_layout(data.body, [i.number for i in data.invoices],
                             (self.words.money(data.total_minor, data.currency),
                              self.words.money(data.overdue_minor, data.currency)))
        story += [self._paragraph(p) for p in layout.before]
        if data.invoices:
            label = layout.total_label or self.words.gettext(TOTAL_LABEL)
            story += [self._invoice_table(width, label), Spacer(1, 3.5 * mm)]
        if data.charges:
            story += [self._charges(width), Spacer(1, 1.5 * mm)]
            if data.interest_running:
                story.append(PlainText(data.interest_running, self.style["small"]))
            story.append(Spacer(1, 2 * mm))
        story += self._closing(layout.after)
        return story

    def _paragraph(self, text: str) -> PlainText:
        return PlainText(text, self.text)

    def _marker(self, words: str) -> Table:
        marker = Table([[words]], hAlign="LEFT")
        marker.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), BOLD), ("FONTSIZE", (0, 0), (-1, -1), 11),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK), ("BOX", (0, 0), (-1, -1), 1.2, INK),
            ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        return marker

    def _closing(self, paragraphs: Sequence[str]) -> list[Flowable]:
        """The paragraphs after the table, with room to sign under the closing words and
        the signatory's name and position under that room."""
        where = _sign_off(paragraphs, self.data.sender.name)
        if where is None:
            story = [self._paragraph(p) for p in paragraphs]
            if not self.data.signatory:
                return story
            # No closing words to sign under: room to sign, and the name, at the end.
            return [*story, KeepTogether([Spacer(1, self.signature_gap),
                                          *self._signatory(paragraphs[-1:])])]
        index, line = where
        lines = paragraphs[index].splitlines()
        closing = [*paragraphs[:index]]
        head = "\n".join(lines[:line + 1])
        rest = ["\n".join(lines[line + 1:])] if lines[line + 1:] else []
        rest += paragraphs[index + 1:]
        signed = [self._paragraph(head), Spacer(1, self.signature_gap),
                  *self._signatory(rest), *(self._paragraph(p) for p in rest)]
        # The closing never stands alone on a page: the last paragraph goes over with it.
        last = [self._paragraph(closing.pop())] if closing else []
        return [*(self._paragraph(p) for p in closing), KeepTogether([*last, *signed])]

    def _signatory(self, below: Sequence[str]) -> list[Flowable]:
        """The signatory's name and position as one block, unless the text's own words
        ``below`` the signature already name them."""
        name = self.data.signatory[:1]
        if not name or any(line.strip() == name[0] for p in below for line in p.splitlines()):
            return []
        text = ParagraphStyle("signatory", self.text, spaceAfter=self.text.spaceAfter / 2)
        return [PlainText("\n".join(self.data.signatory), text)]

    def _invoice_table(self, width: float, total_label: str) -> PlainTable:
        data, words = self.data, self.words
        currency, say = data.currency, words.gettext
        heading = [say("Invoice"), say("Issued"), say("Due"),
                   say("Amount ({currency})").format(currency=currency),
                   say("Open ({currency})").format(currency=currency), say("Days\noverdue")]
        body = [[line.number, words.date(line.issue_date), words.date(line.due_date),
                 words.amount(line.amount_minor, currency), words.amount(line.open_minor, currency),
                 str(line.days_overdue) if line.days_overdue > 0 else ""]
                for line in data.invoices]
        if data.overdue_minor == data.total_minor:
            totals = [(total_label, data.total_minor)]
        else:  # an invoice not yet overdue is never counted as overdue
            totals = [(say(OVERDUE_LABEL), data.overdue_minor), (say(DUE_LABEL),
                                                                 data.total_minor)]
        return PlainTable(heading, body,
                          [[label, words.money(amount, currency), ""] for label, amount in totals],
                          scaled_widths(width, (40, 26, 26, 29, 31, 18)), right_from=3,
                          label_span=4,
                          look=TableLook(padding=self.padding, body_padding=self.padding))

    def _charges(self, width: float) -> PlainTable:
        data, words = self.data, self.words
        currency, say = data.currency, words.gettext
        heading = [say("Invoice"), say("Interest and charges, and how they are worked out"),
                   say("Amount ({currency})").format(currency=currency)]
        body = []
        for charge in data.charges:
            calculation = charge.calculation
            if charge.open_minor != charge.amount_minor:
                calculation += " " + say("(of {amount}, part already paid)").format(
                    amount=words.amount(charge.amount_minor, currency))
            body.append([charge.invoice_number, calculation,
                         words.amount(charge.open_minor, currency)])
        totals = [[say("Interest and charges"), words.money(data.charges_minor, currency)],
                  [say("Total now due, invoices and charges"),
                   words.money(data.total_with_charges_minor, currency)]]
        # The calculations are long: a smaller type, closer set, than the invoices'.
        return PlainTable(heading, body, totals, scaled_widths(width, (40, 101, 29)), right_from=2,
                          label_span=2, look=TableLook(body_size=8, padding=self.padding,
                                                       body_padding=1.2))
