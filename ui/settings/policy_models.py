"""The Settings area's tables: payment terms, late charges, follow-up policies and their
stages, reference rates, and the business's bank accounts."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFont

from models.bank_accounts import ANY_CURRENCY, BankAccountRow, account_summary
from models.kinds import BankKind, Channel
from models.money import format_money
from models.policies import (
    REGIME_RULES,
    CreditPolicyRow,
    FollowUpPolicyRow,
    PaymentTermsRow,
    StageRow,
    offset_words,
    percent_text,
    regime_words,
    terms_words,
)
from models.reference_rates import ReferenceRateValue, series_name
from ui.common.rows_model import Column, Paint, RowsModel, format_day


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _customers(count: int) -> str:
    return _plural(count, "customer") if count else "—"


class PaymentTermsModel(RowsModel):
    """Payment terms: name, terms in words, net days, customers who have them."""

    NAME, TERMS, NET, CUSTOMERS = range(4)
    columns = (
        Column("Name", lambda r: r.name, lambda r: r.name.casefold()),
        Column("Terms", lambda r: terms_words(r.net_days, r.discount_percent, r.discount_days),
               lambda r: (r.net_days, r.discount_percent or 0)),
        Column("Net days", lambda r: str(r.net_days), lambda r: r.net_days),
        Column("Used by", lambda r: _customers(r.customers), lambda r: r.customers),
    )

    def row_at(self, row: int) -> PaymentTermsRow | None:
        """The terms at position ``row``."""
        return super().row_at(row)


class CreditPolicyModel(RowsModel):
    """Late-payment charges policies: name, charges, fixed compensation, customers."""

    NAME, CHARGES, COMPENSATION, CUSTOMERS = range(4)
    columns = (
        Column("Name", lambda r: r.name, lambda r: r.name.casefold()),
        Column("Charges", lambda r: regime_words(r.regime, r.rate_percent, r.grace_days),
               lambda r: (r.regime, r.rate_percent or 0)),
        Column("Fixed compensation", lambda r: "Yes" if r.fixed_compensation else "—",
               lambda r: r.fixed_compensation),
        Column("Used by", lambda r: _customers(r.customers), lambda r: r.customers),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.default_id: int | None = None

    def row_at(self, row: int) -> CreditPolicyRow | None:
        """The policy at position ``row``."""
        return super().row_at(row)

    def _tooltip(self, row: CreditPolicyRow) -> str:
        return REGIME_RULES.get(row.regime, "")

    def _font(self, row: CreditPolicyRow, column: int) -> Paint:
        return _bold() if row.id == self.default_id and column == self.NAME else None


class FollowUpPolicyModel(RowsModel):
    """Follow-up policies: name, number of stages, minimum balance, customers, description."""

    NAME, STAGES, MINIMUM, CUSTOMERS, DESCRIPTION = range(5)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.currency = "EUR"
        self.default_id: int | None = None
        self.columns = (
            Column("Name", self._name, lambda r: r.name.casefold()),
            Column("Stages", lambda r: _plural(len(r.stages), "stage"),
                   lambda r: len(r.stages)),
            Column("Minimum balance", lambda r: format_money(r.min_balance_minor, self.currency)
                   if r.min_balance_minor else "—", lambda r: r.min_balance_minor, money=True),
            Column("Used by", lambda r: _customers(r.customers), lambda r: r.customers),
            Column("Description", lambda r: r.description, lambda r: r.description.casefold()),
        )

    def row_at(self, row: int) -> FollowUpPolicyRow | None:
        """The policy at position ``row``."""
        return super().row_at(row)

    def _name(self, row: FollowUpPolicyRow) -> str:
        return f"{row.name} (default)" if row.id == self.default_id else row.name

    def _font(self, row: FollowUpPolicyRow, column: int) -> Paint:
        return _bold() if row.id == self.default_id and column == self.NAME else None


class StageModel(RowsModel):
    """One policy's stages in order: when, what, how it is sent, and what it charges."""

    POSITION, WHEN, NAME, SENDS, CHARGES, GAP, CARRIED_OUT = range(7)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.currency = "EUR"
        self.columns = (
            Column("#", lambda r: str(r.position), lambda r: r.position),
            Column("When", lambda r: when_text(r.offset_days), lambda r: r.offset_days,
                   tooltip=lambda r: offset_words(r.offset_days).capitalize()),
            Column("Stage", lambda r: r.name, lambda r: r.name.casefold()),
            Column("Sends", sends_text, sends_text),
            Column("Charges", self.charges_text, self.charges_text),
            Column("After a contact", lambda r: f"waits {_plural(r.min_days_since_contact, 'day')}"
                   if r.min_days_since_contact else "—", lambda r: r.min_days_since_contact,
                   tooltip=lambda r: f"Not sent until {_plural(r.min_days_since_contact, 'day')} "
                                     f"after the last contact with the customer"
                   if r.min_days_since_contact else "Sent whenever it falls due"),
            Column("Carried out", lambda r: _plural(r.executions, "invoice")
                   if r.executions else "—", lambda r: r.executions),
        )

    def row_at(self, row: int) -> StageRow | None:
        """The stage at position ``row``."""
        return super().row_at(row)

    def charges_text(self, row: StageRow) -> str:
        """What the stage charges in words: "Fee 25.00 GBP, interest" or "—"."""
        parts = []
        if row.fee_minor:
            parts.append(f"Fee {format_money(row.fee_minor, self.currency)}")
        if row.apply_interest:
            parts.append("interest")
        if row.apply_compensation:
            parts.append("compensation")
        text = ", ".join(parts)
        return text[:1].upper() + text[1:] if text else "—"

    def _tooltip(self, row: StageRow) -> str:
        return f"{row.name}: {offset_words(row.offset_days)}, in a {row.tone} tone"


def when_text(offset_days: int) -> str:
    """A stage's day in a table cell: "3 days before", "On the due date", "14 days after"."""
    if offset_days == 0:
        return "On the due date"
    return offset_words(offset_days).removesuffix(" the due date")


def sends_text(row: StageRow) -> str:
    """How a stage reaches the customer: "E-mail: Polite email", "Phone call"."""
    channel = Channel.word_for(row.channel)
    return f"{channel}: {row.template_name}" if row.template_name else channel


class ReferenceRateModel(RowsModel):
    """The reference-rate table: series, in force from, rate, source; one series or all."""

    SERIES, FROM, RATE, SOURCE = range(4)
    columns = (
        Column("Series", lambda r: r.series, lambda r: r.series,
               tooltip=lambda r: series_name(r.series)),
        Column("In force from", lambda r: format_day(r.effective_from),
               lambda r: r.effective_from),
        Column("Rate", lambda r: f"{percent_text(r.rate_percent)}%",
               lambda r: r.rate_percent, money=True),
        Column("Source", lambda r: source_text(r.source), lambda r: r.source.casefold(),
               tooltip=lambda r: r.source),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._series = ""

    def row_at(self, row: int) -> ReferenceRateValue | None:
        """The rate at position ``row``."""
        return super().row_at(row)

    def row_key(self, row: ReferenceRateValue) -> object:
        """A rate is named by its series and its first day."""
        return (row.series, row.effective_from)

    def set_series(self, series: str) -> None:
        """Show only ``series`` ("" shows every series)."""
        if series != self._series:
            self._series = series
            self.refilter()

    def _accepts(self, row: ReferenceRateValue) -> bool:
        return not self._series or row.series == self._series


def source_text(source: str) -> str:
    """A rate's source in a table cell: its last part, which tells the rows of one
    central bank's table apart ("MPC decision announced 7 Aug 2025")."""
    last = source.rsplit("; ", 1)[-1]
    return last[:1].upper() + last[1:]


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class BankAccountModel(RowsModel):
    """The business's bank accounts: currency, kind, details."""

    CURRENCY, KIND, DETAILS = range(3)
    columns = (
        Column("Currency", lambda r: r.currency or "Any other currency",
               lambda r: (r.currency == ANY_CURRENCY, r.currency)),
        Column("Kind", lambda r: BankKind.word_for(r.kind), lambda r: r.kind),
        Column("Details", account_summary, lambda r: account_summary(r).casefold()),
    )

    def row_at(self, row: int) -> BankAccountRow | None:
        """The account at position ``row``."""
        return super().row_at(row)
