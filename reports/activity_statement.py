"""The statement of account activity: the balance on the day before a period, every
invoice, charge, credit note and payment of the period with a running balance, the
closing balance, and how that balance is made up (the open items' aging).

Snapshot first (:func:`activity_statement_data`), then render
(:func:`render_activity_statement`); the page furniture is every statement's
(:class:`reports.statement.StatementRenderer`, on the document base of
``reports.document``). What counts towards
the balance (void and written-off invoices, voided money) is explained in
``models.account_activity``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from models.account_activity import (
    ActivityEntry,
    account_activity,
    balance_of,
)
from models.dates import long_date
from models.errors import LedgerError
from models.kinds import ChargeKind, CreditKind
from models.language import N_, Wording
from reports.fonts import BOLD, markup, shortened
from reports.page import INK
from reports.statement import (
    CanvasMaker,
    PrintCheck,
    StatementHeading,
    StatementRenderer,
    aging_labels,
    balance_words,
    document_table,
    document_what,
    heading_fields,
    open_items,
    statement_heading,
    summary_table,
)

_DOCUMENTS = {"invoice": N_("Invoice"), "write-off": N_("Written off"),
              "credit note": N_("Credit note"), "payment": N_("Payment")}
# A credit note Duly granted by a rule says which (models.incentives, models.offers).
_CREDITS: dict[str, str] = {CreditKind.EARLY_PAYMENT: N_("Early-payment discount"),
                            CreditKind.SETTLEMENT: N_("Waived under settlement"),
                            CreditKind.WAIVER: N_("Charges waived"),
                            CreditKind.WRITE_OFF: N_("Written off")}
_CHARGES: dict[str, str] = {ChargeKind.INTEREST: N_("Interest"),
                            ChargeKind.COMPENSATION: N_("Compensation"),
                            ChargeKind.FEE: N_("Fee")}

# A payment's reference prints in the Number column: past this it is cut, not wrapped
# down half a page.
NUMBER_SHOWN = 60


@dataclass(frozen=True)
class ActivityLine:
    """One document of the period and the balance after it."""

    kind: str  # "invoice", "write-off", "charge", "credit note" or "payment"
    document: str  # what the Document column says: "Invoice", "Interest", "Payment"...
    number: str  # as printed; a charge's or write-off's is its invoice's number
    date: dt.date
    due_date: dt.date | None
    debit_minor: int
    credit_minor: int
    balance_minor: int


@dataclass(frozen=True, kw_only=True)
class ActivityStatementData(StatementHeading):
    """Everything a statement of account activity for ``start`` to ``end`` prints."""

    start: dt.date
    end: dt.date
    opening_minor: int  # the balance at the end of the day before ``start``
    lines: tuple[ActivityLine, ...]  # in date order, each with the balance after it
    closing_minor: int  # the balance at the end of ``end``
    aging: tuple[int, ...]  # open invoices on ``end``: current, 1-30, 31-60, 61-90, over 90
    charges_minor: int  # charges still open on ``end``
    credit_minor: int  # payments and credit notes not yet allocated on ``end``


def activity_statement_data(customer_id: int, start: dt.date, end: dt.date, *,
                            today: dt.date | None = None,
                            currency: str | None = None) -> ActivityStatementData:
    """The activity on a customer's account in one currency (the customer's own unless
    given) from ``start`` to ``end``, both included; dated ``today``. Refuses with
    LedgerError a period that ends before it starts or after today, and a missing
    business or customer. Text the font cannot print is printed with "?" and named
    in ``warnings``."""
    today = today or dt.date.today()
    check = PrintCheck()
    heading = statement_heading(customer_id, end, check, today=today, currency=currency)
    _check_period(start, end, today)
    entries = account_activity(customer_id, heading.currency, end)
    opening = balance_of([e for e in entries if e.date < start])
    lines = _running(opening, [e for e in entries if e.date >= start], check)
    items = open_items(customer_id, end, heading.currency)
    return ActivityStatementData(
        **heading_fields(heading, check), start=start, end=end, opening_minor=opening,
        lines=lines, closing_minor=lines[-1].balance_minor if lines else opening,
        aging=items.aging, charges_minor=items.charges_minor,
        credit_minor=items.credit_minor)


def render_activity_statement(data: ActivityStatementData, out: BinaryIO | str | Path | None,
                              *, canvasmaker: CanvasMaker | None = None) -> None:
    """Write the activity statement as a PDF to a binary file or a path; ``canvasmaker``,
    when given, draws the pages instead of the canvas that numbers them "Page X of Y"."""
    _ActivityRenderer(data).render(out, canvasmaker=canvasmaker)


def period_words(start: dt.date, end: dt.date, words: Wording) -> str:
    """The period as a sentence says it: "1 Oct 2026 to 31 Oct 2026"."""
    return words.gettext("{start} to {end}").format(start=words.date(start),
                                                     end=words.date(end))


def _check_period(start: dt.date, end: dt.date, today: dt.date) -> None:
    if end < start:
        raise LedgerError("period", f"The period ends on {long_date(end)}, before it starts "
                                    f"on {long_date(start)}. Swap the dates.")
    if end > today:
        raise LedgerError("period", f"The period cannot end after today ({long_date(today)}): "
                                    f"nothing has happened on {long_date(end)} yet.")


def _running(opening: int, entries: list[ActivityEntry],
             check: PrintCheck) -> tuple[ActivityLine, ...]:
    """The entries as printed lines, each with the balance after it."""
    lines, balance = [], opening
    for entry in entries:
        balance += entry.debit_minor - entry.credit_minor
        if entry.kind == "charge":
            document = _CHARGES.get(entry.detail, N_("Charge"))
        elif entry.kind == "credit note":
            document = _CREDITS.get(entry.detail, _DOCUMENTS[entry.kind])
        else:
            document = _DOCUMENTS[entry.kind]
        number = check(document_what(_owner(entry.kind), entry.number), entry.number)
        lines.append(ActivityLine(entry.kind, document, number, entry.date, entry.due_date,
                                  entry.debit_minor, entry.credit_minor, balance))
    return tuple(lines)


def _owner(kind: str) -> str:
    """Whose number a line prints: a charge and a write-off print their invoice's."""
    return "invoice" if kind in ("charge", "write-off") else kind


class _ActivityRenderer(StatementRenderer):
    """The period's documents with a running balance, then how the balance is made up."""

    kind = N_("Statement of account activity")
    short_kind = N_("Account activity")

    def __init__(self, data: ActivityStatementData) -> None:
        super().__init__(data)
        self.data = data

    def period_rows(self) -> list[tuple[str, str]]:
        say, date = self.words.gettext, self.words.date
        return [(say("Period from"), date(self.data.start)),
                (say("Period to"), date(self.data.end))]

    def bottom_line(self) -> tuple[str, str]:
        return balance_words(self.data.closing_minor, self.data.currency, self.words,
                             N_("Closing balance"))

    def when(self) -> str:
        return self.words.gettext("from {period}").format(
            period=period_words(self.data.start, self.data.end, self.words))

    def story(self, width: float) -> list[Flowable]:
        data, style, words = self.data, self.style, self.words
        made_up = words.gettext("How the closing balance is made up on {date}").format(
            date=words.date(data.end))
        return [
            *self.opening(N_("Everything on your account")),
            self._activity_table(width),
            Spacer(1, 3 * mm),
            KeepTogether([Paragraph(markup(made_up, BOLD), style["heading"]),
                          self._made_up_table(width)]),
            *self.how_to_pay(),
        ]

    def _activity_table(self, width: float) -> Table:
        data, words, say, cell = self.data, self.words, self.words.gettext, self.cell
        rows: list[list[Any]] = [
            [say(h) for h in (N_("Date"), N_("Document"), N_("Number"), N_("Due"),
                              N_("Debit"), N_("Credit"), N_("Balance"))],
            [words.date(data.start - dt.timedelta(days=1)), say("Opening balance"), "", "",
             "", "", cell(data.opening_minor)]]
        for line in data.lines:
            rows.append([
                words.date(line.date), say(line.document), shortened(line.number, NUMBER_SHOWN),
                words.date(line.due_date) if line.due_date else "",
                cell(line.debit_minor) if line.debit_minor else "",
                cell(line.credit_minor) if line.credit_minor else "",
                cell(line.balance_minor)])
        if not data.lines:
            rows.append(["", say("Nothing happened on the account in this period."), "", "",
                         "", "", ""])
        label, closing = self.bottom_line()
        rows.append([say("{balance} on {date}").format(balance=label,
                                                       date=words.date(data.end)),
                     "", "", "", "", "", closing])
        table = document_table(rows, (21, 26, 33, 21, 21, 21, 25), width, money_from=4,
                               label_span=6, wrapping=(1, 2))
        table.setStyle(TableStyle([("LINEBELOW", (0, 1), (-1, 1), 0.4, INK)]))
        return table

    def _made_up_table(self, width: float) -> Table:
        data, say = self.data, self.words.gettext
        label, closing = self.bottom_line()
        return summary_table(
            [*(a.replace(" ", "\n", 1) if " " in a else a for a in aging_labels(self.words)),
             say("Open\ncharges"), say("Unused\ncredit"), label],
            [*(self.cell(m) for m in data.aging), self.cell(data.charges_minor),
             self.cell(-data.credit_minor), closing], width)
