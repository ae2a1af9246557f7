"""The open-item statement: what a customer owes on a date, invoice by invoice,
with the aging, how to pay, and a remittance slip to tear off.

Snapshot first (:func:`statement_data`, plain values from ``models/``), then
render (:func:`render_open_item_statement`); the renderer reads no store. The
page (letterhead, window address, "Page X of Y") is the document base's
(``reports.document``); the info block beside the address and the snapshot of
sender and recipient are shared with the activity statement
(``reports.activity_statement``) through :class:`StatementHeading` and
:class:`StatementRenderer`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from models.account_activity import open_charges
from models.accounts import DEFAULT_BUCKET_EDGES, aging_bucket
from models.bank_accounts import payment_details
from models.company import business_details, business_logo
from models.customer_account import (
    customer_draft,
    customer_invoices,
    customer_money_in,
)
from models.errors import LedgerError
from models.interest import accrued_interest
from models.kinds import ChargeKind, InvoiceStatus
from models.language import N_, Wording, wording
from models.letter_context import document_wording, early_payment_saving
from models.postal import postal_address
from models.steady import steady
from reports.document import CanvasMaker, DocumentRenderer
from reports.fonts import (
    BLOCK_LIMIT,
    BOLD,
    FIELD_LIMIT,
    REGULAR,
    check_printable,
    draw_text,
    missing_characters,
    shortened,
    text_width,
)
from reports.page import (
    INK,
    MUTED,
    RULE,
    SHADE,
    SMALLEST_AMOUNT_SIZE,
    ZEBRA,
    Letterhead,
    PlainText,
    address_warning,
    address_window,
    draw_lines,
    fitted,
    recipient_lines,
    return_address,
    table_cell,
    wrap_lines,
)

_OPEN_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.DISPUTED, InvoiceStatus.WITH_AGENCY)
CHARGE_KINDS = tuple(ChargeKind)
SLIP_HEIGHT = 38 * mm
_UNBOUNDED = 0xFFFFFFF  # a height to measure a flowable in, as reportlab does


STATEMENT_SHORT = N_("Statement")
"""A statement named shortly: the running head, a file's name."""

# What of the open items is in dispute: not asked for while the case is open
# (models.disputed), so left out of the total due.
IN_DISPUTE = N_("In dispute")
PART_IN_DISPUTE = N_("of which {amount} is in dispute and not in the total due")
OPEN_ITEMS_TOTAL = N_("Total of the open items")
LESS_IN_DISPUTE = N_("Less the amounts in dispute")


class PrintCheck:
    """Checks the user text a statement prints, remembering each field with characters
    no font here can print (the statement is then refused: :meth:`refuse_unprintable`),
    and the warnings found along the way."""

    def __init__(self) -> None:
        self._warnings: list[str] = []
        self._unprintable: list[tuple[str, str]] = []

    def __call__(self, what: str, text: str, limit: int = FIELD_LIMIT) -> str:
        """``text`` as it will print, cut to ``limit`` characters; ``what`` names it if it
        cannot print ("the customer's name")."""
        text = shortened(text, limit)
        if missing_characters(text):
            self._unprintable.append((what, text))
        return text

    def refuse_unprintable(self, customer: str) -> None:
        """Refuse the statement to ``customer`` (``UnprintableText``) if a field checked
        has characters no font here can print."""
        check_printable("statement", customer, self._unprintable)

    def note(self, warning: str) -> None:
        """Add a warning found another way (e.g. an address too long for the window)."""
        if warning and warning not in self._warnings:
            self._warnings.append(warning)

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings so far, in the order the fields were checked."""
        return tuple(self._warnings)


@dataclass(frozen=True, kw_only=True)
class StatementHeading:
    """Who sends a statement to whom, when, in which currency and on what paper; every
    text as it prints, with ``warnings`` for the user to read before sending it."""

    statement_date: dt.date
    page_size: str  # "A4" or "Letter"
    sender: Letterhead
    bank_details: str
    customer_code: str
    customer_name: str
    customer_address: str
    contact_name: str
    currency: str
    warnings: tuple[str, ...] = ()
    language: str = "en"  # the customer's
    region: str = ""  # the customer's country, for the locale's dates and amounts

    @property
    def words(self) -> Wording:
        """The statement's words and formats: the customer's language and locale."""
        return wording(self.language, self.region)


def statement_heading(customer_id: int, as_of: dt.date, check: PrintCheck, *,
                      today: dt.date | None = None,
                      currency: str | None = None) -> StatementHeading:
    """The sender and recipient of a statement of the customer's account in one currency
    (the customer's own unless given), dated ``today``; LedgerError when the business
    is not set up or the customer is gone. Its ``warnings`` are left to the caller,
    which checks more text with ``check`` (see :func:`heading_fields`)."""
    business = business_details()
    if business is None:
        raise LedgerError("business", "Set up the business before printing statements.")
    customer = customer_draft(customer_id)  # with its billing contact's name
    logo = business_logo()
    sender = Letterhead(
        check("the business's name", business.name),
        check("the business's address", business.address, BLOCK_LIMIT),
        check("the business's e-mail address", business.email),
        check("the business's phone number", business.phone),
        check("the business's registration", business.registration), logo[0] if logo else None)
    words = document_wording(customer.language, customer.country, business.country)
    currency = (currency or customer.currency).upper()
    heading = StatementHeading(
        statement_date=today or dt.date.today(), page_size=business.page_size, sender=sender,
        bank_details=check("the bank details", payment_details(currency, words), BLOCK_LIMIT),
        customer_code=check("the customer's account code", customer.code),
        customer_name=check("the customer's name", customer.name),
        customer_address=check("the customer's address", postal_address(
            customer.address, customer.country, business.country), BLOCK_LIMIT),
        contact_name=check("the contact's name", customer.contact_name), currency=currency)
    heading = replace(heading, language=words.language, region=words.region)
    check.note(words.problem)
    check.note(address_warning(heading.page_size, return_address(sender), recipient_lines(
        heading.customer_name, heading.contact_name, heading.customer_address, words)))
    return heading


def heading_fields(heading: StatementHeading, check: PrintCheck) -> dict[str, Any]:
    """The heading's fields, to make a statement's data from, with all of ``check``'s
    warnings (those of the statement's own lines included); ``UnprintableText`` when a
    text checked has characters no font here can print."""
    check.refuse_unprintable(heading.customer_name)
    values = {f.name: getattr(heading, f.name) for f in fields(StatementHeading)}
    values["warnings"] = check.warnings
    return values


def document_what(kind: str, number: str) -> str:
    """How a warning names a document's number or reference ("the number of invoice X")."""
    label = "reference" if kind == "payment" else "number"
    return f"the {label} of {kind} \u201c{shortened(number, 40)}\u201d"


@dataclass(frozen=True)
class StatementLine:
    """One open item: an invoice (positive open amount) or unused credit (negative)."""

    kind: str  # "invoice", a charge's kind ("interest", "compensation", "fee"),
    # "payment" or "credit note"; a charge's number is its invoice's
    number: str
    date: dt.date
    due_date: dt.date | None
    amount_minor: int
    paid_minor: int
    open_minor: int
    days_overdue: int
    disputed: bool = False  # the whole invoice is in dispute
    disputed_minor: int = 0  # the part of what is open in dispute (models.disputed)


@dataclass(frozen=True, kw_only=True)
class OpenItems:
    """What was open on a customer's account in one currency on a date."""

    lines: tuple[StatementLine, ...]  # invoices oldest first, then charges, then credits
    aging: tuple[int, ...]  # current, 1-30, 31-60, 61-90, over 90 (invoices only)
    charges_minor: int  # interest, compensation and fees still open
    credit_minor: int  # unused payments and credit notes
    total_minor: int  # open invoices and charges less unused credit
    disputed_minor: int = 0  # of the open invoices, in dispute (and so not asked for)

    @property
    def due_minor(self) -> int:
        """What the statement asks the customer to pay: the open items less the parts of
        invoices in dispute, which are not chased while their case is open; negative
        for a credit in the customer's favour."""
        return self.total_minor - self.disputed_minor

    @property
    def overdue_minor(self) -> int:
        """What is asked for on the invoices past their due date (not one due today)."""
        return sum(line.open_minor - line.disputed_minor for line in self.lines
                   if line.kind == "invoice" and line.days_overdue > 0)


@dataclass(frozen=True, kw_only=True)
class StatementData(StatementHeading, OpenItems):
    """Everything an open-item statement prints: the open items as they stood on
    ``as_of``, every text as it prints."""

    as_of: dt.date
    early_payment_saving: str = ""  # "Pay X by DATE to save Y: …" while a discount applies
    accrued_interest: str = ""  # interest run up and not yet charged, apart from the total


def statement_data(customer_id: int, as_of: dt.date, *, today: dt.date | None = None,
                   currency: str | None = None) -> StatementData:
    """The open-item statement of a customer's account in one currency (the
    customer's own unless given) as of ``as_of``; dated ``today``. Raises
    ``UnprintableText`` (a ``LedgerError``) when a text it prints has characters no
    font here can print, naming the customer and the characters."""
    with steady():  # the customer and their invoices are read once for all its parts
        check = PrintCheck()
        heading = statement_heading(customer_id, as_of, check, today=today,
                                    currency=currency)
        items = open_items(customer_id, as_of, heading.currency)
        lines = tuple(_printable_line(line, check) for line in items.lines)
        words = heading.words
        accrued = _accrued_words(customer_id, as_of, heading.currency, check, words)
        saving = early_payment_saving(customer_id, as_of, heading.currency, words)
    return StatementData(**heading_fields(heading, check), as_of=as_of, lines=lines,
                         aging=items.aging, charges_minor=items.charges_minor,
                         credit_minor=items.credit_minor, total_minor=items.total_minor,
                         disputed_minor=items.disputed_minor, early_payment_saving=saving,
                         accrued_interest=accrued)


def _accrued_words(customer_id: int, as_of: dt.date, currency: str, check: PrintCheck,
                   words: Wording) -> str:
    """Interest run up on the overdue invoices and not yet charged, said apart from the
    total due (it is owed only once charged); a rate it still needs is the user's to
    know (a warning), not the customer's."""
    late = [r.id for r in customer_invoices(customer_id, as_of)
            if r.currency == currency and r.status in _OPEN_STATUSES and r.open_minor > 0
            and r.days_overdue > 0]
    accrued, missing = accrued_interest(late, as_of)
    for rate in missing:
        check.note(f"The interest run up and not yet charged leaves some out: {rate}")
    if accrued <= 0:
        return ""
    return words.gettext("Late-payment interest of {amount} has run up on these invoices to "
                         "{date} and is not yet charged; it is not in the total due.").format(
        amount=words.money(accrued, currency), date=words.date(as_of))


def open_items(customer_id: int, as_of: dt.date, currency: str) -> OpenItems:
    """The open invoices, open charges and unused credit of the customer's account in
    ``currency`` on ``as_of``, with the aging of the invoices and what of them is in
    dispute. A charge (interest, compensation, a fee) is due when it is charged, and is
    not aged."""
    invoices = [r for r in customer_invoices(customer_id, as_of)
                if r.currency == currency and r.status in _OPEN_STATUSES and r.open_minor > 0]
    invoices.sort(key=lambda r: (r.due_date, r.issue_date, r.number))
    lines = [StatementLine("invoice", r.number, r.issue_date, r.due_date, r.amount_minor,
                           r.paid_minor, r.open_minor, r.days_overdue,
                           r.status == InvoiceStatus.DISPUTED, r.disputed_minor)
             for r in invoices]
    credits = []
    for money in customer_money_in(customer_id):
        if money.voided or money.currency != currency or money.date > as_of:
            continue
        used = sum(a.amount_minor for a in money.allocations if a.allocated_on <= as_of)
        if money.amount_minor - used > 0:
            credits.append(StatementLine(money.kind, money.reference, money.date, None,
                                         money.amount_minor, used, used - money.amount_minor,
                                         0))
    credits.sort(key=lambda c: (c.date, c.number))
    aging = [0] * (len(DEFAULT_BUCKET_EDGES) + 2)
    for line in lines:
        aging[aging_bucket(line.days_overdue)] += line.open_minor
    charges = [StatementLine(c.kind, c.invoice_number, c.charged_on, None, c.amount_minor,
                             c.paid_minor, c.open_minor, 0)
               for c in open_charges(customer_id, currency, as_of)]
    charged = sum(c.open_minor for c in charges)
    credit = -sum(c.open_minor for c in credits)
    return OpenItems(lines=tuple(lines + charges + credits), aging=tuple(aging),
                     charges_minor=charged, credit_minor=credit,
                     total_minor=sum(line.open_minor for line in lines) + charged - credit,
                     disputed_minor=sum(line.disputed_minor for line in lines))


def _printable_line(line: StatementLine, check: PrintCheck) -> StatementLine:
    number = check(document_what(line.kind, line.number), line.number)
    return line if number == line.number else replace(line, number=number)


def render_open_item_statement(data: StatementData, out: BinaryIO | str | Path | None,
                               *, canvasmaker: CanvasMaker | None = None) -> None:
    """Write the statement as a PDF to a binary file or a path; ``canvasmaker``, when
    given, draws the pages instead of the canvas that numbers them "Page X of Y"."""
    _OpenItemRenderer(data).render(out, canvasmaker=canvasmaker)


def balance_words(balance_minor: int, currency: str, words: Wording,
                  owed: str = N_("Total due")) -> tuple[str, str]:
    """The label and amount of a bottom line: what is owed, or the credit in the
    customer's favour when they have paid more than they owe."""
    if balance_minor < 0:
        return words.gettext("Credit balance"), words.money(-balance_minor, currency)
    return words.gettext(owed), words.money(balance_minor, currency)


def total_words(data: StatementData) -> tuple[str, str]:
    """The label and amount of the open-item statement's bottom line: what it asks for,
    any part in dispute left out."""
    return balance_words(data.due_minor, data.currency, data.words)


def money_cell(minor: int, currency: str, words: Wording | None = None) -> str:
    """An amount without its currency code (the column header names it)."""
    return (words or wording("en")).amount(minor, currency)


def aging_labels(words: Wording) -> tuple[str, ...]:
    """The aging columns' titles: "Current", "1–30 days", …, "Over 90 days"."""
    labels, low = [words.gettext("Current")], 1
    for edge in DEFAULT_BUCKET_EDGES:
        labels.append(words.gettext("{low}–{high} days").format(low=low, high=edge))
        low = edge + 1
    labels.append(words.gettext("Over {days} days").format(days=DEFAULT_BUCKET_EDGES[-1]))
    return tuple(labels)


def document_table(rows: list[list[Any]], widths: Sequence[float], width: float, *,
                   money_from: int, label_span: int, wrapping: Sequence[int],
                   totals: int = 1, notes: Collection[int] = ()) -> Table:
    """A table of documents ``width`` wide, its columns in the proportions of
    ``widths``: a shaded header repeated on every page,
    zebra rows, amounts right-aligned from column ``money_from`` on, and a bold
    bottom line whose label spans the first ``label_span`` columns (as do those of the
    ``totals`` - 1 lines leading up to it). Text in column
    ``wrapping`` too wide for it wraps (a document's kind in another language, a long
    payment reference). The rows ``notes`` (their indexes) are notes to the row above,
    as the caller set them: in smaller, muted type on that row's shade."""
    scale = width / sum(widths)
    last_body = len(rows) - 1 - totals  # the index of the last row of documents
    for index in wrapping:
        column = widths[index] * scale - 6  # less the cell's padding, 3 pt each side
        for at_row, row in enumerate(rows[1:last_body + 1], start=1):
            if at_row not in notes and any(cell for at, cell in enumerate(row)
                                           if at != index):  # not a lone line
                row[index] = table_cell(row[index], column)
    titles = list(rows[0])
    rows[0] = [_heading_lines(title, w * scale - 6) for title, w in zip(titles, widths,
                                                                        strict=True)]
    table = Table(rows, colWidths=[w * scale for w in widths], repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("FONTNAME", (0, 0), (-1, 0), BOLD), ("FONTSIZE", (0, 0), (-1, 0), HEADING_SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, INK),
        ("ALIGN", (money_from, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("FONTNAME", (0, -1), (-1, -1), BOLD), ("FONTSIZE", (0, -1), (-1, -1), 9),
        ("LINEABOVE", (0, last_body + 1), (-1, last_body + 1), 0.8, INK),
        *(("SPAN", (0, at), (label_span - 1, at)) for at in range(last_body + 1, len(rows))),
    ]
    if totals > 1:  # the bottom line ruled off from the lines that lead up to it
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.5, INK))
    band = 0
    for index in range(1, last_body + 1):
        if index in notes:
            commands += [("TEXTCOLOR", (0, index), (-1, index), MUTED),
                         ("FONTSIZE", (0, index), (-1, index), 7),
                         ("TOPPADDING", (0, index), (-1, index), 0)]
        else:
            band += 1
        if band % 2 == 0:
            commands.append(("BACKGROUND", (0, index), (-1, index), ZEBRA))
    commands += _heading_sizes(titles, [w * scale - 6 for w in widths])
    # The bottom line's amount may run left over its row's empty cells: only the
    # documents' amounts, side by side, must fit their columns.
    columns = [w * scale for w in widths]
    commands += _fitting(rows, columns, money_from, (1, last_body), 8, REGULAR)
    # So do dates, which some locales write long ("17.11.2026 г."): they shrink too.
    commands += [command for command in _fitting(rows, columns, 0, (1, last_body), 8,
                                                 REGULAR)
                 if command[1][0] < money_from and command[1][0] not in wrapping]
    table.setStyle(TableStyle(commands))
    return table




def _fitting(rows: list[list[Any]], columns: Sequence[float], first_column: int,
             span: tuple[int, int], size: float, font: str) -> list[tuple[Any, ...]]:
    """Smaller type, column by column from ``first_column``, where an amount in rows
    ``span`` (first, last) is wider than its column at ``size`` (a billion and more)."""
    first, last = span
    commands: list[tuple[Any, ...]] = []
    for index in range(first_column, len(columns)):
        texts = [row[index] for row in rows[first:last + 1] if isinstance(row[index], str)]
        widest = max((text_width(text, font, size) for text in texts), default=0.0)
        room = columns[index] - 6  # less the cell's padding, 3 pt each side
        if widest > room > 0:
            commands.append(("FONTSIZE", (index, first), (index, last),
                             max(SMALLEST_AMOUNT_SIZE, size * room / widest)))
    return commands


HEADING_SIZE = 7.5  # points: a column heading's type
_SMALLEST_HEADING = 6.0


@lru_cache(maxsize=256)  # the same few headings on every statement of a batch
def _heading_size(title: str, width: float) -> float:
    """The heading's type size: smaller, down to 6 pt, until its longest word fits the
    column, so "überfällig" is never cut into "überfälli" and "g"."""
    widest = max((text_width(word, BOLD, HEADING_SIZE) for word in title.split()), default=0)
    if widest <= width or widest <= 0:
        return HEADING_SIZE
    return max(_SMALLEST_HEADING, HEADING_SIZE * width / widest)


@lru_cache(maxsize=256)
def _heading_lines(title: str, width: float) -> str:
    """A column heading broken into lines that fit its column (its own breaks kept), at
    :func:`_heading_size`."""
    size = _heading_size(title, width)
    return "\n".join(line for part in title.split("\n")
                     for line in wrap_lines(part, BOLD, size, width))


def _heading_sizes(titles: Sequence[str], widths: Sequence[float]) -> list[tuple[Any, ...]]:
    """The table commands setting a smaller type for headings that need it."""
    return [("FONTSIZE", (index, 0), (index, 0), size)
            for index, (title, width) in enumerate(zip(titles, widths, strict=True))
            if (size := _heading_size(title, width)) < HEADING_SIZE]


def summary_table(header: Sequence[str], values: Sequence[str], width: float) -> Table:
    """One row of figures under their headings (a heading may break with "\\n"), the
    last one (the total) wider and in bold."""
    share = width / (len(header) + 0.5)
    columns = [share] * (len(header) - 1) + [share * 1.5]
    # A heading wider than its column breaks into lines (German runs long).
    titles = [_heading_lines(title, room - 6) for title, room in zip(header, columns,
                                                                   strict=True)]
    rows = [titles, list(values)]
    table = Table(rows, colWidths=columns, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("FONTNAME", (0, 0), (-1, 0), BOLD), ("FONTSIZE", (0, 0), (-1, 0), HEADING_SIZE),
        ("FONTNAME", (-1, 1), (-1, 1), BOLD),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"), ("LEADING", (0, 0), (-1, 0), 9),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE), ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *_fitting(rows, [*columns[:-1], 0.0], 0, (1, 1), 8, REGULAR),  # the total: below
        *_fitting(rows, columns, len(columns) - 1, (1, 1), 8, BOLD),
        *_heading_sizes(header, [room - 6 for room in columns]),
    ]))
    return table


def _height(flowables: list[Flowable], width: float) -> float:
    """The height ``flowables`` take at ``width``, their spacing included (a KeepTogether
    measured by its parts: it needs a canvas to measure itself)."""
    total = 0.0
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            total += _height(flowable._content, width)
        else:
            total += flowable.wrap(width, _UNBOUNDED)[1] + flowable.getSpaceBefore() \
                + flowable.getSpaceAfter()
    return total


class _RemittanceSlip(Flowable):
    """The tear-off slip: drawn at the foot of whatever page it lands on."""

    def __init__(self, data: StatementData) -> None:
        super().__init__()
        self.data = data
        self.words = data.words

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        # Take the rest of the page so the slip sits at its foot; if too little
        # is left, ask for more than there is and go to the next page.
        self.height = availHeight if availHeight >= SLIP_HEIGHT else SLIP_HEIGHT
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []

    def draw(self) -> None:
        canvas, data, say = self.canv, self.data, self.words.gettext
        top = SLIP_HEIGHT - 3 * mm
        canvas.saveState()
        canvas.setStrokeColor(MUTED)
        canvas.setDash(3, 3)
        canvas.setLineWidth(0.5)
        canvas.line(-20 * mm + 6 * mm, top, self.width + 20 * mm - 6 * mm, top)
        canvas.setDash()
        canvas.setFillColor(MUTED)
        draw_text(canvas, self.width / 2, top + 1.5 * mm, "✂  " + say(
            "Please detach and return this part with your payment"), REGULAR, 6.5,
            align="centre")
        canvas.setFillColor(INK)
        draw_text(canvas, 0, top - 7 * mm, say("Remittance advice"), BOLD, 10.5)
        draw_text(canvas, 0, top - 12 * mm, say("Pay to"), BOLD, 8.5)
        address = wrap_lines(f"{data.sender.name}\n{data.sender.address}", REGULAR, 8.5,
                             self.width / 2 - 4 * mm)
        draw_lines(canvas, 0, top - 12.5 * mm, address[:5], REGULAR, 8.5, 10.5)
        rows = [(say("Customer"), data.customer_name), (say("Account"), data.customer_code),
                (say("Statement date"), self.words.date(data.statement_date)),
                total_words(data),
                (say("Amount paid"), "")]
        left, y = self.width / 2, top - 6 * mm
        for label, value in rows:
            canvas.setFillColor(MUTED)
            draw_text(canvas, left, y, fitted(label, 27 * mm, 7.5), REGULAR, 7.5)
            canvas.setFillColor(INK)
            draw_text(canvas, left + 28 * mm, y, fitted(value, self.width / 2 - 28 * mm, 8.5),
                      REGULAR, 8.5)
            y -= 12.5
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.5)
        canvas.line(left + 28 * mm, y + 9, self.width, y + 9)
        canvas.restoreState()


class StatementRenderer(DocumentRenderer):
    """The furniture of every statement on the document base: the window address, the
    info block beside it and a running head naming the statement. A kind of statement
    gives its ``kind``, :meth:`period_rows`, :meth:`bottom_line`, :meth:`when` and
    :meth:`story`."""

    kind = N_("Statement of account")
    short_kind = STATEMENT_SHORT

    def __init__(self, data: StatementHeading) -> None:
        super().__init__(data.page_size, data.sender, data.words)
        self.heading = data

    def title(self) -> str:
        return self.words.gettext("{kind} for {customer}").format(
            kind=self.words.gettext(self.kind), customer=self.heading.customer_name)

    def subject(self) -> str:
        return self.words.gettext(self.kind)

    def recipient(self) -> list[str]:
        heading = self.heading
        return recipient_lines(heading.customer_name, heading.contact_name,
                               heading.customer_address, self.words)

    def first_page_extras(self, canvas: Canvas) -> None:
        self._info_block(canvas)

    def info_rows(self) -> list[tuple[str, str]]:
        """The label and value of each line of the info block beside the address."""
        heading, say = self.heading, self.words.gettext
        return [(say("Statement date"), self.words.date(heading.statement_date)),
                *self.period_rows(), (say("Account"), heading.customer_code),
                (say("Currency"), heading.currency), self.bottom_line()]

    def period_rows(self) -> list[tuple[str, str]]:
        """The info block's lines saying which day or days the statement is for."""
        raise NotImplementedError

    def bottom_line(self) -> tuple[str, str]:
        """The label and amount of the statement's bottom line, with its currency."""
        raise NotImplementedError

    def when(self) -> str:
        """The day or days the statement is for, as a sentence says it."""
        raise NotImplementedError

    def running_head(self) -> str:
        """What the head of every later page says the statement is."""
        return self._head(self.heading.customer_name)

    def running_head_within(self, width: float) -> str:
        """The running head with the customer's name cut to make it fit ``width``, so the
        account code and the period always show."""
        rest = text_width(self._head(""), REGULAR, 8)
        return fitted(self._head(fitted(self.heading.customer_name, width - rest, 8)),
                      width, 8)

    def _head(self, name: str) -> str:
        return self.words.gettext("{kind} for {customer} ({account}), {when}").format(
            kind=self.words.gettext(self.short_kind), customer=name,
            account=self.heading.customer_code, when=self.when())

    def _info_block(self, canvas: Canvas) -> None:
        """The info rows beside the address window, the last one (the total) ruled off."""
        window = address_window(self.heading.page_size)
        right = self.width - self.margin
        # Clear of the envelope window, or the labels would show through it (Letter).
        left = max(right - 70 * mm, window.x + window.width + 4 * mm)
        label_width = 26 * mm if right - left >= 70 * mm else 22 * mm
        rows = self.info_rows()
        y = window.y + window.height - 2 * mm - 9
        for index, (label, value) in enumerate(rows):
            if index == len(rows) - 1:
                canvas.setStrokeColor(RULE)
                canvas.setLineWidth(0.5)
                canvas.line(left, y + 10.5, right, y + 10.5)
                y -= 1.5
            canvas.setFillColor(MUTED)
            draw_text(canvas, left, y, fitted(label, label_width - 1 * mm, 7.5), REGULAR, 7.5)
            font = BOLD if index == len(rows) - 1 else REGULAR
            canvas.setFillColor(INK)
            draw_text(canvas, left + label_width, y,
                      fitted(value, right - left - label_width, 9, font), font, 9)
            y -= 13

    # Shared parts of the story ------------------------------------------------------

    def opening(self, what: str) -> list[Flowable]:
        """The title, then a sentence saying ``what`` the statement lists, for when, and
        in which currency."""
        words = self.words
        return [PlainText(words.gettext(self.kind), self.style["title"]),
                PlainText(words.gettext("{what} {when}. Amounts in {currency}.").format(
                    what=words.gettext(what), when=self.when(),
                    currency=self.heading.currency), self.style["body"]),
                Spacer(1, 5 * mm)]

    def how_to_pay(self) -> list[Flowable]:
        """The bank details and the reference to quote, kept together (none without
        bank details)."""
        data, style, say = self.heading, self.style, self.words.gettext
        if not data.bank_details.strip():
            return []
        return [KeepTogether([
            PlainText(say("How to pay"), style["heading"]),
            PlainText(data.bank_details, style["body"]),
            PlainText(say("Please quote your account {account} with your payment.").format(
                account=data.customer_code), style["small"])])]

    def cell(self, minor: int) -> str:
        """An amount in the statement's currency, without it (the column names it)."""
        return self.words.amount(minor, self.heading.currency)


class _OpenItemRenderer(StatementRenderer):
    """The open-item statement: open invoices and credit, aging, the remittance slip."""

    def __init__(self, data: StatementData) -> None:
        super().__init__(data)
        self.data = data

    def period_rows(self) -> list[tuple[str, str]]:
        return [(self.words.gettext("Balance as of"), self.words.date(self.data.as_of))]

    def info_rows(self) -> list[tuple[str, str]]:
        """The info block, with what is overdue above the total due when they differ (an
        invoice not yet due is never counted as overdue), and what is in dispute and so
        left out of both."""
        data, words = self.data, self.words
        rows = super().info_rows()
        if data.disputed_minor:
            rows.insert(-1, (words.gettext(IN_DISPUTE),
                             words.money(data.disputed_minor, data.currency)))
        overdue = data.overdue_minor
        if 0 < overdue != data.due_minor:
            rows.insert(-1 - bool(data.disputed_minor), (
                words.gettext("Overdue"), words.money(overdue, data.currency)))
        return rows

    def bottom_line(self) -> tuple[str, str]:
        return total_words(self.data)

    def when(self) -> str:
        return self.words.gettext("as of {date}").format(date=self.words.date(self.data.as_of))

    def story(self, width: float) -> list[Flowable]:
        data, style = self.data, self.style
        story: list[Flowable] = [
            *self.opening(N_("Open items on your account")),
            self._items_table(width),
            Spacer(1, 3 * mm),
            *self._saving(width),
            *([PlainText(data.accrued_interest, style["small"]), Spacer(1, 2 * mm)]
              if data.accrued_interest else []),
        ]
        aging = KeepTogether([PlainText(self.words.gettext("Aging"), style["heading"]),
                              self._aging_table(width)])
        pay = self.how_to_pay()
        if data.due_minor <= 0:  # nothing to pay (nil or in credit): no slip to send back
            return [*story, aging, *pay]
        # The slip never stands alone on a page: it goes with how to pay (or the aging),
        # which moves on with it when both do not fit.
        last = pay or [aging]
        together = _height(last, width) + SLIP_HEIGHT
        return [*story, *([aging] if pay else []), CondPageBreak(together), *last,
                _RemittanceSlip(data)]

    def _saving(self, width: float) -> list[Flowable]:
        """The early-payment discount still to be had, in a shaded box (none without)."""
        if not self.data.early_payment_saving:
            return []
        box = Table([[PlainText(self.data.early_payment_saving, self.style["body"])]],
                    colWidths=[width])
        box.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), SHADE), ("BOX", (0, 0), (-1, -1), 0.5, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6)]))
        return [box, Spacer(1, 2 * mm)]

    def _items_table(self, width: float) -> Table:
        data, words = self.data, self.words
        header = [words.gettext(h) for h in (
            N_("Document"), N_("Number"), N_("Date"), N_("Due"), N_("Amount"), N_("Paid"),
            N_("Open"), N_("Days\noverdue"))]
        rows: list[list[Any]] = [header]
        widths = (28, 27, 19, 19, 22, 20, 22, 15)
        # A note under an invoice in dispute in part runs from its number to its amounts.
        note_width = sum(widths[1:6]) * width / sum(widths) - 6
        notes: list[int] = []
        for line in data.lines:
            rows.append([
                _document_words(line, words), line.number, words.date(line.date),
                words.date(line.due_date) if line.due_date else "",
                self.cell(line.amount_minor), self.cell(line.paid_minor),
                self.cell(line.open_minor),
                str(line.days_overdue) if line.days_overdue else ""])
            if line.disputed_minor and not line.disputed:
                notes.append(len(rows))
                rows.append(["", table_cell(words.gettext(PART_IN_DISPUTE).format(
                    amount=words.money(line.disputed_minor, data.currency)), note_width, 7),
                    "", "", "", "", "", ""])
        if not data.lines:
            rows.append([words.gettext("Nothing is open on this account."), "", "", "", "", "",
                         "", ""])
        label, total = self.bottom_line()
        totals = [[label, "", "", "", "", "", total, ""]]
        if data.disputed_minor:
            totals[:0] = [[words.gettext(OPEN_ITEMS_TOTAL), "", "", "", "", "",
                           self.cell(data.total_minor), ""],
                          [words.gettext(LESS_IN_DISPUTE), "", "", "", "", "",
                           self.cell(-data.disputed_minor), ""]]
        table = document_table(rows + totals, widths, width, money_from=4, label_span=6,
                               wrapping=(0, 1), totals=len(totals), notes=notes)
        # A note stays on the page of its invoice, the totals on one page together.
        table.setStyle(TableStyle([
            *(command for at in notes for command in (("SPAN", (1, at), (5, at)),
                                                      ("NOSPLIT", (0, at - 1), (-1, at)))),
            ("NOSPLIT", (0, -len(totals)), (-1, -1))]))
        return table

    def _aging_table(self, width: float) -> Table:
        data, say = self.data, self.words.gettext
        label, total = self.bottom_line()
        header = [*aging_labels(self.words), say("Unused credit")]
        values = [self.cell(m) for m in data.aging]
        if data.charges_minor or data.disputed_minor:  # more columns: headings take two lines
            header = [a.replace(" ", "\n", 1) if " " in a else a for a in header]
        if data.charges_minor:
            header.insert(-1, say("Open\ncharges"))
            values.append(self.cell(data.charges_minor))
        if data.disputed_minor:  # aged with the rest, then taken off what is due
            header.insert(-1, say(IN_DISPUTE))
            values.append(self.cell(-data.disputed_minor))
        return summary_table([*header, label], [*values, self.cell(-data.credit_minor), total],
                             width)


# What the Document column calls a line, by its kind (a charge's names its invoice after).
_DOCUMENT_WORDS = {"invoice": N_("Invoice"), "payment": N_("Payment"),
                   "credit note": N_("Credit note"), ChargeKind.INTEREST: N_("Interest on"),
                   ChargeKind.COMPENSATION: N_("Compensation on"), ChargeKind.FEE: N_("Fee on")}


def _document_words(line: StatementLine, words: Wording) -> str:
    """What the Document column calls the line: "Invoice (disputed)", "Interest on"."""
    if line.kind == "invoice" and line.disputed:
        return words.gettext("Invoice (disputed)")
    if line.kind in _DOCUMENT_WORDS:
        return words.gettext(_DOCUMENT_WORDS[line.kind])
    return line.kind.capitalize()
