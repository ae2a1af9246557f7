"""Ask which statement of a customer's account to build: the open items as of a day, or
the account's activity over a period; and build it (in a worker) for the preview."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from models.dates import long_date
from models.errors import LedgerError
from models.ledger import parse_date
from ui.common.ledger_dialog import LedgerDialog
from ui.common.pdf_files import PdfFile, discard_pdf, new_pdf_path
from ui.common.style import mute

OPEN_ITEMS = "open items"
ACTIVITY = "activity"
STATEMENT_FIELDS = ("as_of", "start", "end", "period")
"""The fields of the dialog a refusal from the ledger can be shown at."""
# Characters a file name may not hold on Windows, macOS or Linux.
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class StatementRequest:
    """The statement asked for: open items as of ``as_of``, or activity ``start``-``end``."""

    kind: str  # OPEN_ITEMS or ACTIVITY
    as_of: dt.date
    start: dt.date
    end: dt.date


def default_request(today: dt.date) -> StatementRequest:
    """Open items as of today; or the activity from the first of the month three months
    back to today."""
    month = today.month - 3
    year = today.year + (month - 1) // 12
    start = dt.date(year, (month - 1) % 12 + 1, 1)
    return StatementRequest(OPEN_ITEMS, today, start, today)


def build_statement(customer_id: int, name: str, code: str, request: StatementRequest,
                    today: dt.date) -> PdfFile:
    """Build the statement asked for as a PDF in a temporary folder (a worker's job).

    Raises LedgerError when it cannot be built (no business set up, the customer
    gone, a period the ledger refuses).
    """
    if request.kind == ACTIVITY:
        title = f"Activity statement – {name}"
        stem = f"Activity statement {code} {request.start} to {request.end}"
    else:
        title = f"Statement – {name}"
        stem = f"Statement {code} {request.as_of}"
    path = new_pdf_path(_NOT_IN_FILE_NAMES.sub("-", stem).strip() + ".pdf")
    try:
        warnings = _render(customer_id, request, today, path)
    except BaseException:
        discard_pdf(path)
        raise
    return PdfFile(path, title, path.name, warnings)


def _render(customer_id: int, request: StatementRequest, today: dt.date,
            path: Path) -> tuple[str, ...]:
    if request.kind == ACTIVITY:
        from reports.activity_statement import activity_statement_data, render_activity_statement

        activity = activity_statement_data(customer_id, request.start, request.end,
                                           today=today)
        render_activity_statement(activity, path)
        return tuple(activity.warnings)
    from reports.statement import render_open_item_statement, statement_data

    data = statement_data(customer_id, request.as_of, today=today)
    render_open_item_statement(data, path)
    return tuple(data.warnings)


class StatementDialog(LedgerDialog):
    """Choose the statement: open items as of a day, or the activity of a period."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[StatementRequest | None], None], *,
            customer_name: str, today: dt.date, request: StatementRequest | None = None,
            error: LedgerError | None = None) -> StatementDialog:
        """Open the dialog; ``done`` later receives the statement asked for, or None.

        ``request`` and ``error`` re-open it as the user left it, with the
        objection at its field.
        """
        dialog = cls(parent, customer_name=customer_name, today=today, request=request)
        dialog.open_for(done, lambda: dialog.accepted_request, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, customer_name: str, today: dt.date,
                 request: StatementRequest | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Statement")
        self.setMinimumWidth(520)
        self.accepted_request: StatementRequest | None = None
        self._today = today
        request = request or default_request(today)

        self.open_items_radio = QRadioButton("&Open items as of")
        self.activity_radio = QRadioButton("Account &activity from")
        self._kinds = QButtonGroup(self)
        self._kinds.addButton(self.open_items_radio)
        self._kinds.addButton(self.activity_radio)
        self.as_of_edit = self._date_edit(request.as_of, self._edited("as_of"))
        self.start_edit = self._date_edit(request.start, self._edited("period"))
        self.end_edit = self._date_edit(request.end, self._edited("period"))
        for radio, edits in ((self.open_items_radio, (self.as_of_edit,)),
                             (self.activity_radio, (self.start_edit, self.end_edit))):
            for edit in edits:
                edit.textEdited.connect(lambda _text, radio=radio: radio.setChecked(True))
        (self.activity_radio if request.kind == ACTIVITY
         else self.open_items_radio).setChecked(True)

        self.build_button = self._buttons("&Build Statement")
        self._lay_out("Statement", f"A statement of {customer_name}'s account, to look "
                                   f"at, save as a PDF or print.", self._form())
        focus = self.start_edit if request.kind == ACTIVITY else self.as_of_edit
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
        focus.selectAll()

    def _form(self) -> QGridLayout:
        to = QLabel("to")
        to.setBuddy(self.end_edit)
        period = QWidget()
        row = QHBoxLayout(period)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start_edit)
        row.addWidget(to)
        row.addWidget(self.end_edit)
        row.addStretch(1)
        hint = QLabel("Every invoice, charge, credit note and payment of the period, with "
                      "the balance before and after it.")
        hint.setWordWrap(True)
        mute(hint)
        open_hint = QLabel("What is still open on that day, with its aging.")
        mute(open_hint)
        form = QGridLayout()
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(4)
        form.addWidget(self.open_items_radio, 0, 0, Qt.AlignmentFlag.AlignTop)
        form.addWidget(self._errors.wrap("as_of", self.as_of_edit, stretch=True), 0, 1)
        form.addWidget(open_hint, 1, 1)
        form.setRowMinimumHeight(2, 10)
        form.addWidget(self.activity_radio, 3, 0, Qt.AlignmentFlag.AlignTop)
        form.addWidget(self._errors.wrap("period", period, focus=self.start_edit,
                                         aliases=("start", "end")), 3, 1)
        form.addWidget(hint, 4, 1)
        form.setColumnStretch(1, 1)
        return form

    def show_error(self, error: LedgerError) -> None:
        """Show ``error`` at its field; the cursor goes to the date it is about."""
        super().show_error(error)
        if error.field in ("end", "period"):
            self.end_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if error.field in ("start", "end", "period"):
            self.activity_radio.setChecked(True)

    def request(self) -> StatementRequest:
        """What the form holds (as far as it reads), whether or not it will do."""
        kind = ACTIVITY if self.activity_radio.isChecked() else OPEN_ITEMS
        default = default_request(self._today)

        def day(edit: QLineEdit, fallback: dt.date) -> dt.date:
            try:
                return parse_date(edit.text())
            except LedgerError:
                return fallback

        return StatementRequest(kind, day(self.as_of_edit, default.as_of),
                                day(self.start_edit, default.start),
                                day(self.end_edit, default.end))

    def _edited(self, field: str) -> Callable[[str], None]:
        return lambda _text: self._errors.clear(field)

    def _take_input(self) -> None:
        if self.open_items_radio.isChecked():
            as_of = parse_date(self.as_of_edit.text(), "as_of")
            self._not_after_today(as_of, "as_of", "The statement")
            self.accepted_request = StatementRequest(OPEN_ITEMS, as_of, *self._period_or_default())
            return
        start = parse_date(self.start_edit.text(), "start")
        end = parse_date(self.end_edit.text(), "end")
        if end < start:
            raise LedgerError("end", f"The period ends on {long_date(end)}, before it starts "
                                     f"on {long_date(start)}.")
        self._not_after_today(end, "end", "The period")
        self.accepted_request = StatementRequest(ACTIVITY, self._today, start, end)

    def _period_or_default(self) -> tuple[dt.date, dt.date]:
        request = self.request()
        return request.start, request.end

    def _not_after_today(self, day: dt.date, field: str, what: str) -> None:
        if day > self._today:
            raise LedgerError(field, f"{what} cannot be for a day after today "
                                     f"({long_date(self._today)}): nothing has happened on "
                                     f"{long_date(day)} yet.")
