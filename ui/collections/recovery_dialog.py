"""Money a collection agency recovered: the day and the gross amount, with the
commission the agency keeps of it and what the business nets, worked out as it is
typed (``models.referrals.commission_on_recovery``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from models.errors import LedgerError
from models.ledger import parse_amount
from models.money import format_money
from models.referrals import ReferralRow, commission_on_recovery
from ui.common.ledger_dialog import LedgerDialog, amount_text


@dataclass(frozen=True)
class RecoveryInput:
    """A recovery as typed."""

    on: dt.date
    gross_minor: int
    note: str


class RecoveryDialog(LedgerDialog):
    """The recovery; OK keeps it."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[RecoveryInput | None], None], *,
            referral: ReferralRow, today: dt.date, error: LedgerError | None = None
            ) -> RecoveryDialog:
        """Open the dialog for ``referral``; ``done`` later receives the recovery, or None
        if cancelled."""
        dialog = cls(parent, referral=referral, today=today)
        dialog.open_for(done, lambda: dialog.recovery, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, referral: ReferralRow,
                 today: dt.date) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle("Record Recovery")
        self.setMinimumWidth(460)
        self.referral = referral
        self.recovery: RecoveryInput | None = None
        self.date_edit = self._date_edit(today, lambda _t: self._errors.clear("on"))
        self.date_edit.setObjectName("recoveryDate")
        self.amount_edit = QLineEdit(amount_text(referral.open_minor, referral.currency))
        self.amount_edit.setObjectName("recoveryAmount")
        self.amount_edit.textEdited.connect(self._on_amount_edit_edited)
        self.split_label = QLabel()
        self.split_label.setObjectName("recoverySplit")
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("recoveryNote")
        self.note_edit.setMaxLength(1000)
        form = QFormLayout()
        form.addRow("&Received on:", self._errors.wrap("on", self.date_edit))
        form.addRow("&Gross amount:", self._errors.wrap("amount", self.amount_edit))
        form.addRow("", self.split_label)
        form.addRow("&Note:", self._errors.wrap("note", self.note_edit))
        self._buttons("&Record")
        self._lay_out("Record Recovery",
                      f"Money {referral.agency_name} collected from {referral.customer_name}: "
                      f"recorded as the customer's payment on the referred invoices "
                      f"({format_money(referral.open_minor, referral.currency)} open), with "
                      f"the agency's commission as your cost.", form)
        self._on_amount_edit_edited(self.amount_edit.text())

    def split_text(self) -> str:
        """The commission and net line as shown."""
        return self.split_label.text()

    def _on_amount_edit_edited(self, text: str) -> None:
        self._errors.clear("amount")
        row = self.referral
        try:
            gross = parse_amount(text, row.currency)
        except LedgerError:
            self.split_label.setText("")
            return
        commission = commission_on_recovery(row.commission_percent, row.commission_min_minor,
                                            row.recovered_minor, row.commission_minor, gross)
        self.split_label.setText(f"Commission {format_money(commission, row.currency)}, "
                                 f"net {format_money(gross - commission, row.currency)}")

    def _take_input(self) -> None:
        day = self.date_edit.date()
        if day is None:
            raise LedgerError("on", "Give the day as YYYY-MM-DD.")
        gross = parse_amount(self.amount_edit.text(), self.referral.currency)
        self.recovery = RecoveryInput(day, gross, self.note_edit.text().strip())

    def _declined(self) -> None:
        self.recovery = None
