"""Put a Today item aside until a later day: tomorrow, next week, or a day the user types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from models.dates import full_date
from models.errors import LedgerError
from models.ledger import parse_date
from ui.common.ledger_dialog import LedgerDialog
from ui.common.style import mute

NEXT_WEEK_DAYS = 7


class SnoozeDialog(LedgerDialog):
    """Ask until when an item is put aside; it comes back on the list on that day."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[dt.date | None], None], *, what: str,
            customer_name: str, today: dt.date, until: dt.date | None = None,
            error: LedgerError | None = None) -> SnoozeDialog:
        """Open the dialog; ``done`` later receives the chosen day, or None if cancelled.

        ``until`` and ``error`` re-open it as the user left it, with the
        objection under the date.
        """
        dialog = cls(parent, what=what, customer_name=customer_name, today=today, until=until)
        dialog.open_for(done, lambda: dialog.accepted_until, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, what: str, customer_name: str,
                 today: dt.date, until: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Snooze")
        self.setMinimumWidth(460)
        self.accepted_until: dt.date | None = None
        self._today = today

        self.until_edit = self._date_edit(until or today + dt.timedelta(days=1),
                                          self._on_until_edit_text_edited)
        self.until_edit.textChanged.connect(self._show_day)
        self.day_label = QLabel()
        mute(self.day_label)
        self.tomorrow_button = self._quick_button("&Tomorrow", 1)
        self.next_week_button = self._quick_button("&Next week", NEXT_WEEK_DAYS)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.until_edit)
        row_layout.addWidget(self.tomorrow_button)
        row_layout.addWidget(self.next_week_button)
        row_layout.addStretch(1)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(6)
        form.addRow("&Until:", self._errors.wrap("until", row, focus=self.until_edit))
        form.addRow("", self.day_label)

        self.snooze_button = self._buttons("Snooze")
        self._lay_out("Snooze", f"{what} — {customer_name}. It leaves the list and comes "
                                f"back on the day you choose.", form)
        self._show_day()
        self.until_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.until_edit.selectAll()

    def until_text(self) -> str:
        """The day typed, as typed."""
        return self.until_edit.text()

    def _quick_button(self, text: str, days: int) -> QPushButton:
        day = self._today + dt.timedelta(days=days)
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.setToolTip(full_date(day))
        button.clicked.connect(lambda: self._choose(day))
        return button

    def _choose(self, day: dt.date) -> None:
        self.until_edit.setText(day.isoformat())
        self._errors.clear("until")
        self.until_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_day(self, _text: str = "") -> None:
        try:
            day = parse_date(self.until_edit.text(), "until")
        except LedgerError:
            self.day_label.setText("")
            return
        days = (day - self._today).days
        away = (" (today)" if days == 0 else " (in the past)" if days < 0
                else " (tomorrow)" if days == 1 else f" (in {days} days)")
        self.day_label.setText(full_date(day) + away)

    def _on_until_edit_text_edited(self, _text: str) -> None:
        self._errors.clear("until")

    def _take_input(self) -> None:
        day = parse_date(self.until_edit.text(), "until")
        if day <= self._today:
            raise LedgerError("until", "Choose a day after today to be reminded again.")
        self.accepted_until = day
