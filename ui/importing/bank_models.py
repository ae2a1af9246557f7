"""The lists of a bank statement's review: its credits, a credit's candidates, the
payments recording will post, the customers to give a credit to, the statements kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QColor

from models.bank_matching import (
    AMOUNT_POINTS,
    CODE_POINTS,
    IBAN_POINTS,
    NAME_POINTS_PER_SCORE,
    PROMISE_POINTS,
    REFERENCE_POINTS,
    SURE_LEAD,
    SURE_POINTS,
    Candidate,
    Confidence,
)
from models.bank_review import KeptStatement, PayingCustomer, PaymentLine
from models.bank_statements import CreditChoice, PreviewLine
from models.kinds import BankCreditOutcome
from models.money import format_amount, format_money
from ui.common.rows_model import QUIET, Column, Paint, RowsModel, format_day
from ui.common.style import ACCENT, WARNING

RECORD = "Record"
IGNORE = "Not a customer payment"
UNDECIDED = "Not decided"
RECORDED_BEFORE = "Recorded before"
IGNORED_BEFORE = "Ignored before"
OLDEST_FIRST = "oldest due first"
NO_MATCH = "No invoice number, known account, amount or name matched"
POINTS_WORDS = (
    f"How sure the match is, in points: an invoice number in the text {REFERENCE_POINTS}, "
    f"the payer's account seen before {IBAN_POINTS}, an account code {CODE_POINTS}, the "
    f"exact amount owed {AMOUNT_POINTS}, a promise or instalment {PROMISE_POINTS}, the "
    f"payer's name up to {round(100 * NAME_POINTS_PER_SCORE)} by its score. Sure: "
    f"{SURE_POINTS} or more and {SURE_LEAD} ahead of the next customer.")
_CONFIDENCE_WORDS = {Confidence.SURE: "Sure", Confidence.SUGGESTED: "Suggested",
                     Confidence.UNMATCHED: "Unmatched"}
_FORMATS = {"ofx": "OFX", "camt": "CAMT.053", "mt940": "MT940", "csv": "CSV"}


@dataclass(frozen=True)
class CreditRow:
    """A credit of the statement as its row shows it: the match, the user's choice so
    far, and the customer and invoices it goes to (chosen, else proposed) in words."""

    line: PreviewLine
    choice: CreditChoice | None
    customer: str
    invoices: str
    candidate: Candidate | None  # the candidate shown (chosen or best), if any

    @property
    def id(self) -> str:
        """The credit's bank id."""
        return self.line.match.credit.bank_id

    @property
    def decision(self) -> str:
        """What will become of the credit, in words."""
        if self.line.already is BankCreditOutcome.RECORDED:
            return RECORDED_BEFORE
        if self.line.already is BankCreditOutcome.IGNORED:
            return IGNORED_BEFORE
        if self.choice is None:
            return UNDECIDED
        return IGNORE if self.choice.ignore else RECORD

    @property
    def why(self) -> str:
        """Why the customer is proposed, in words."""
        if self.line.already is not None:
            return "Done by an earlier import: never recorded twice"
        if self.candidate is None:
            return "Chosen by you" if self.choice is not None and self.choice.customer_id \
                else NO_MATCH
        reasons = "; ".join(self.candidate.reasons)
        return reasons[:1].upper() + reasons[1:]


def invoices_words(invoice_ids: tuple[int, ...], numbers: Mapping[int, str]) -> str:
    """The invoices a payment goes to, by number ("oldest due first" when none)."""
    if not invoice_ids:
        return OLDEST_FIRST
    return ", ".join(numbers.get(i, f"#{i}") for i in invoice_ids)


def credit_row(line: PreviewLine, choice: CreditChoice | None, numbers: Mapping[int, str],
               names: Mapping[int, str]) -> CreditRow:
    """The row of ``line`` under ``choice``: chosen customers by ``names``, invoices by
    ``numbers``."""
    candidates = line.match.candidates
    if choice is not None and choice.customer_id is not None:
        chosen = next((c for c in candidates if c.customer_id == choice.customer_id
                       and c.invoice_ids == choice.invoice_ids), None)
        name = chosen.customer_name if chosen else names.get(choice.customer_id, "")
        return CreditRow(line, choice, name, invoices_words(choice.invoice_ids, numbers),
                         chosen)
    best = line.match.best
    if best is None or line.already is not None:
        return CreditRow(line, choice, "", "", None)
    return CreditRow(line, choice, best.customer_name, invoices_words(best.invoice_ids, numbers),
                     best)


def _amount(minor: int, currency: str) -> str:
    return format_money(minor, currency)


def _confidence(row: CreditRow) -> str:
    if row.line.already is not None:
        return ""
    words = _CONFIDENCE_WORDS[row.line.match.confidence]
    return f"{words} · {row.candidate.points}" if row.candidate is not None else words


class CreditsModel(RowsModel):
    """A group's credits: when, who, what they wrote, how much, to whom, and why."""

    columns = (
        Column("Date", lambda r: format_day(r.line.match.credit.booked_on),
               lambda r: r.line.match.credit.booked_on),
        Column("Payer", lambda r: r.line.match.credit.payer_name,
               lambda r: r.line.match.credit.payer_name.casefold(),
               tooltip=lambda r: r.line.match.credit.payer_iban or r.line.match.credit.payer_name),
        Column("Text", lambda r: r.line.match.credit.text,
               lambda r: r.line.match.credit.text.casefold(),
               tooltip=lambda r: r.line.match.credit.text),
        Column("Amount", lambda r: _amount(r.line.match.credit.amount_minor,
                                           r.line.match.credit.currency),
               lambda r: r.line.match.credit.amount_minor, money=True),
        Column("Customer", lambda r: r.customer, lambda r: r.customer.casefold()),
        Column("Invoices", lambda r: r.invoices, lambda r: r.invoices,
               tooltip=lambda r: r.invoices),
        Column("Confidence", _confidence,
               lambda r: r.candidate.points if r.candidate is not None else -1,
               tooltip=lambda r: POINTS_WORDS),
        Column("Why", lambda r: r.why, lambda r: r.why, tooltip=lambda r: r.why),
        Column("Decision", lambda r: r.decision, lambda r: r.decision),
    )
    DECISION = len(columns) - 1

    def _foreground(self, row: CreditRow, column: int) -> Paint:
        if row.line.already is not None:
            return QColor(QUIET)
        if column == self.DECISION:
            if row.decision == RECORD:
                return QColor(ACCENT)
            if row.decision == IGNORE:
                return QColor(WARNING)
            return QColor(QUIET)
        return None


class CandidatesModel(RowsModel):
    """The customers a credit may come from, best first, with the evidence for each."""

    def __init__(self, numbers: Mapping[int, str] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.numbers: Mapping[int, str] = numbers or {}
        self.columns = (
            Column("Customer", lambda c: f"{c.customer_name} ({c.customer_code})",
                   lambda c: c.customer_name.casefold()),
            Column("Invoices", lambda c: invoices_words(c.invoice_ids, self.numbers),
                   lambda c: len(c.invoice_ids)),
            Column("Points", lambda c: str(c.points), lambda c: c.points, money=True),
            Column("Name score", lambda c: "" if c.name_score is None else f"{c.name_score}%",
                   lambda c: c.name_score or 0, money=True),
            Column("Why", lambda c: "; ".join(c.reasons), lambda c: len(c.reasons),
                   tooltip=lambda c: "\n".join(c.reasons)),
        )

    def row_key(self, row: Candidate) -> object:
        """A candidate is its customer and the invoices it pays."""
        return (row.customer_id, row.invoice_ids)


class PaymentsModel(RowsModel):
    """The payments recording will post: for whom, how much, and what each pays."""

    columns = (
        Column("Date", lambda p: format_day(p.booked_on), lambda p: p.booked_on),
        Column("Payer", lambda p: p.payer_name, lambda p: p.payer_name.casefold()),
        Column("Customer", lambda p: p.customer_name, lambda p: p.customer_name.casefold()),
        Column("Amount", lambda p: _amount(p.amount_minor, p.currency),
               lambda p: p.amount_minor, money=True),
        Column("Pays", lambda p: _pays(p), lambda p: _pays(p), tooltip=lambda p: _pays(p)),
        Column("Kept as credit", lambda p: _amount(p.left_minor, p.currency)
               if p.left_minor else "", lambda p: p.left_minor, money=True),
    )

    def row_key(self, row: PaymentLine) -> object:
        """A payment is its credit's bank id."""
        return row.bank_id


def _pays(payment: PaymentLine) -> str:
    if not payment.pays:
        return "nothing open: all kept as credit"
    return ", ".join(f"{number} ({format_amount(amount, payment.currency)})"
                     for number, amount in payment.pays)


class CustomersModel(RowsModel):
    """Customers to give a credit to, narrowed by what the user types."""

    columns = (
        Column("Customer", lambda c: c.name, lambda c: c.name.casefold()),
        Column("Code", lambda c: c.code, lambda c: c.code),
        Column("Owes", lambda c: _amount(c.open_minor, c.currency), lambda c: c.open_minor,
               money=True),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_search(self, text: str) -> None:
        """Show only customers whose name or code holds every word of ``text``."""
        self._words = text.casefold().split()
        self.refilter()

    def _accepts(self, row: PayingCustomer) -> bool:
        found = f"{row.name} {row.code}".casefold()
        return all(word in found for word in self._words)


def _imported(statement: KeptStatement) -> str:
    return f"{format_day(statement.imported_at.date())} {statement.imported_at:%H:%M}"


def _status(statement: KeptStatement) -> str:
    if statement.undone_at is None:
        return "Recorded"
    return f"Undone {format_day(statement.undone_at.date())}"


class StatementsModel(RowsModel):
    """The bank statements recorded, newest first, and what each recorded."""

    columns = (
        Column("Imported", _imported, lambda s: s.imported_at),
        Column("File", lambda s: s.file_name, lambda s: s.file_name.casefold(),
               tooltip=lambda s: s.file_name),
        Column("Format", lambda s: _FORMATS.get(str(s.format), str(s.format)),
               lambda s: str(s.format)),
        Column("Payments", lambda s: f"{s.recorded:,}", lambda s: s.recorded, money=True),
        Column("Total", lambda s: _amount(s.recorded_minor, s.currency),
               lambda s: s.recorded_minor, money=True),
        Column("Ignored", lambda s: f"{s.ignored:,}", lambda s: s.ignored, money=True),
        Column("Status", _status, lambda s: s.undone_at or dt.datetime.max),
    )

    def _foreground(self, row: KeptStatement, column: int) -> Paint:
        return QColor(QUIET) if row.undone else None
