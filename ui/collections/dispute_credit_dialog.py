"""Settle a dispute case by credit note: its number and date, why, and how much of each
invoice in dispute is credited (all of it at first; less settles part of it, and the
rest is chased again). Posted through the ledger by ``models.dispute_credits``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from models.disputes import DisputeRow
from models.errors import LedgerError, Problems
from models.ledger import parse_amount
from models.money import format_money
from ui.collections.disputes_model import CreditLinesModel
from ui.common.ledger_dialog import LedgerDialog, amount_text


@dataclass(frozen=True)
class CreditEntry:
    """A credit note settling a case, for ``models.dispute_credits.resolve_by_credit``."""

    number: str
    issue_date: dt.date
    reason: str
    credits: tuple[tuple[int, int], ...]  # (invoice id, amount credited)


class DisputeCreditDialog(LedgerDialog):
    """The credit note's number, date and reason, and the credit on each invoice."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[CreditEntry | None], None], *,
            case: DisputeRow, today: dt.date, entry: CreditEntry | None = None,
            error: LedgerError | None = None) -> DisputeCreditDialog:
        """Open the dialog; ``done`` later receives the credit note entered, or None."""
        dialog = cls(parent, case=case, today=today, entry=entry)
        dialog.open_for(done, lambda: dialog.accepted_entry, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, case: DisputeRow, today: dt.date,
                 entry: CreditEntry | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.accepted_entry: CreditEntry | None = None
        self.setWindowTitle("Resolve by Credit Note")
        self.setMinimumWidth(560)

        self.number_edit = QLineEdit()
        self.number_edit.setObjectName("creditNumber")
        self.number_edit.setPlaceholderText("e.g. CN-0042")
        self.number_edit.setMaxLength(64)
        self.number_edit.setMaximumWidth(220)
        self.number_edit.textEdited.connect(lambda _text: self._errors.clear("number"))
        self.date_edit = self._date_edit(today, lambda _text: self._errors.clear("issue_date"))
        self.date_edit.setObjectName("creditDate")
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("creditReason")
        self.reason_edit.setPlaceholderText("e.g. two chairs damaged in delivery")
        self.reason_edit.setMaxLength(1000)
        self.reason_edit.textEdited.connect(lambda _text: self._errors.clear("reason"))
        self.credits = CreditLinesModel(case.lines, case.currency, self)
        self.credits.dataChanged.connect(lambda *_: self._errors.clear("credits"))
        self.credits_table = QTableView()
        self.credits_table.setObjectName("creditLines")
        self.credits_table.setAccessibleName("Credit on each invoice")
        self.credits_table.setModel(self.credits)
        self.credits_table.verticalHeader().hide()
        self.credits_table.setShowGrid(False)
        self.credits_table.setAlternatingRowColors(True)
        self.credits_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.credits_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.credits_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        rows = max(self.credits.rowCount(), 1)
        self.credits_table.setFixedHeight(
            self.credits_table.horizontalHeader().sizeHint().height()
            + min(rows, 5) * (self.credits_table.fontMetrics().height() + 12) + 4)
        if entry is not None:
            self._restore(entry)

        self._buttons("&Post Credit Note")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for text, field, name, widget, stretch in (
                ("Credit note &number:", "number", (), self.number_edit, True),
                ("&Date:", "issue_date", ("date",), self.date_edit, True),
                ("&Why:", "reason", (), self.reason_edit, False),
                ("C&redit:", "credits", ("amount",), self.credits_table, False)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, self._errors.wrap(field, widget, aliases=name, stretch=stretch))
        in_dispute = format_money(case.disputed_minor, case.currency)
        self._lay_out("Resolve by Credit Note",
                      f"{case.customer_name}: {in_dispute} in dispute. The credit note is "
                      f"posted to the account and set against the invoices; what you do not "
                      f"credit is chased again.", form)
        self.number_edit.setFocus()

    def _restore(self, entry: CreditEntry) -> None:
        self.number_edit.setText(entry.number)
        self.date_edit.setText(entry.issue_date.isoformat())
        self.reason_edit.setText(entry.reason)
        credited = dict(entry.credits)
        for position, (line, _typed) in enumerate(self.credits.credits_typed()):
            amount = credited.get(line.invoice_id, 0)
            self.credits.set_typed(position, amount_text(amount, self.case.currency)
                                   if amount else "")

    def _take_input(self) -> None:
        problems = Problems()
        issue_date = self.date_edit.date()
        if issue_date is None:
            typed = self.date_edit.text().strip()
            problems.refuse("issue_date", f"“{typed}” is not a day: write it as YYYY-MM-DD "
                                          f"or 2 Jan 2027." if typed else
                                          "Give the credit note's date.")
        credits = problems.read(self._credits)
        problems.check()
        assert issue_date is not None and credits is not None
        self.accepted_entry = CreditEntry(self.number_edit.text().strip(), issue_date,
                                          self.reason_edit.text().strip(), tuple(credits))

    def _credits(self) -> list[tuple[int, int]]:
        credits = []
        for line, typed in self.credits.credits_typed():
            if not typed:
                continue
            try:
                amount = parse_amount(typed, self.case.currency, "credits")
            except LedgerError as error:
                raise LedgerError("credits", f"Invoice {line.number}: {error.message}") \
                    from None
            if amount:
                credits.append((line.invoice_id, amount))
        if not credits:
            raise LedgerError("credits", "Type the credit on at least one invoice.")
        return credits
