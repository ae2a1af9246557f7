"""What a collection agency reported on a referral: its new status, the day, a note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from models.errors import LedgerError
from models.kinds import ReferralStatus
from models.referrals import UPDATE_STATUSES
from ui.common.ledger_dialog import LedgerDialog


@dataclass(frozen=True)
class ReferralUpdateInput:
    """An update as typed."""

    status: ReferralStatus
    on: dt.date
    note: str


class ReferralUpdateDialog(LedgerDialog):
    """The agency's update; OK keeps it."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[ReferralUpdateInput | None], None], *,
            what: str, today: dt.date, error: LedgerError | None = None
            ) -> ReferralUpdateDialog:
        """Open the dialog for the referral described by ``what``; ``done`` later
        receives the update, or None if cancelled."""
        dialog = cls(parent, what=what, today=today)
        dialog.open_for(done, lambda: dialog.update_input, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, what: str, today: dt.date) -> None:
        super().__init__(parent)
        self.setObjectName("referralUpdateDialog")
        self.setWindowTitle("Record Update")
        self.setMinimumWidth(460)
        self.update_input: ReferralUpdateInput | None = None
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("updateStatus")
        self.status_combo.setAccessibleName("Status")
        for status in UPDATE_STATUSES:
            self.status_combo.addItem(ReferralStatus.word_for(status), str(status))
        self.date_edit = self._date_edit(today, lambda _t: self._errors.clear("on"))
        self.date_edit.setObjectName("updateDate")
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("updateNote")
        self.note_edit.setMaxLength(1000)
        self.note_edit.setPlaceholderText("e.g. case 4711 opened; first call made")
        form = QFormLayout()
        form.addRow("&Status:", self._errors.wrap("status", self.status_combo))
        form.addRow("&On:", self._errors.wrap("on", self.date_edit))
        form.addRow("&Note:", self._errors.wrap("note", self.note_edit))
        self._buttons("&Record")
        self._lay_out("Record Update", f"What the agency reported on {what}. Uncollectable "
                                       f"and returned give the account back to you: "
                                       f"chasing resumes.", form)

    def _take_input(self) -> None:
        day = self.date_edit.date()
        if day is None:
            raise LedgerError("on", "Give the day as YYYY-MM-DD.")
        self.update_input = ReferralUpdateInput(ReferralStatus(self.status_combo.currentData()),
                                                day, self.note_edit.text().strip())

    def _declined(self) -> None:
        self.update_input = None
