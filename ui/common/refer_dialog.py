"""Refer an account to a collection agency: the pre-referral check step by step, the
invoices to refer, the agency and the day; the warning of the referral recorded from
here when it is missing; a reason to refer all the same when a step is not done.

Used by the Collections area's Referrals tab and by the customer's account (through
:class:`~ui.common.referral_actions.ReferralActions`). The check is run again off the
GUI thread whenever the invoices or the day change; the rule is ``models.referrals``'.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.agencies import AgencyRow
from models.changes import Change, changes
from models.errors import LedgerError
from models.kinds import ContactKind
from models.money import format_money
from models.referrals import ReferralCheck, record_warning, referral_check
from ui.common.ledger_dialog import LedgerDialog
from ui.common.style import ERROR, mute
from ui.common.tasks import Progress, TaskRunner

DONE, MISSING = "✓", "✗"
_OK_COLOUR = "#2e7d32"
_WARNING_KINDS = (ContactKind.LETTER, ContactKind.EMAIL, ContactKind.CALL, ContactKind.MEETING)


@dataclass(frozen=True)
class ReferSetup:
    """What the dialog starts from: the customer, the check of all their overdue
    invoices on ``today``, and the agencies of the directory."""

    customer_id: int
    customer_name: str
    check: ReferralCheck
    agencies: tuple[AgencyRow, ...]
    today: dt.date


@dataclass(frozen=True)
class ReferChoice:
    """The referral as the user confirmed it."""

    customer_id: int
    customer_name: str
    agency_id: int
    agency_name: str
    invoice_ids: tuple[int, ...]
    on: dt.date
    note: str
    override_reason: str  # "" when every step of the check is done


class ReferDialog(LedgerDialog):
    """The pre-referral check and the referral's details; OK refers."""

    check_shown = Signal()
    """The check was run again and is on show."""
    warning_recorded = Signal()
    """A warning of the referral was recorded from the dialog."""

    @classmethod
    def ask(cls, parent: QWidget, setup: ReferSetup, tasks: TaskRunner,
            done: Callable[[ReferChoice | None], None],
            error: LedgerError | None = None) -> ReferDialog:
        """Open the dialog; ``done`` later receives the choice, or None if cancelled."""
        dialog = cls(setup, tasks, parent)
        dialog.open_for(done, lambda: dialog.choice, error)
        return dialog

    def __init__(self, setup: ReferSetup, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Refer to Agency")
        self.setObjectName("referDialog")
        self.setMinimumWidth(700)
        self.setup = setup
        self.tasks = tasks
        self.check = setup.check
        self.choice: ReferChoice | None = None
        self._build()
        self._show_check(setup.check)

    # --- building ---------------------------------------------------------------------

    def _build(self) -> None:
        setup = self.setup
        self.agency_combo = QComboBox()
        self.agency_combo.setObjectName("referAgency")
        self.agency_combo.setAccessibleName("Agency")
        for row in setup.agencies:
            words = f"{row.name} — {row.commission_words}" if row.commission_words else row.name
            self.agency_combo.addItem(words, row.id)
        self.date_edit = self._date_edit(setup.today, lambda _t: self._errors.clear("on"))
        self.date_edit.setObjectName("referDate")
        self.date_edit.editingFinished.connect(self._recheck)
        self.invoice_list = QListWidget()
        self.invoice_list.setObjectName("referInvoices")
        self.invoice_list.setAccessibleName("Invoices to refer")
        self.invoice_list.setMaximumHeight(110)
        for invoice_id, number in zip(setup.check.invoice_ids, setup.check.invoice_numbers,
                                      strict=True):
            item = QListWidgetItem(number)
            item.setData(Qt.ItemDataRole.UserRole, invoice_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.invoice_list.addItem(item)
        self.invoice_list.itemChanged.connect(lambda _item: self._recheck())
        self.amount_label = QLabel()
        self.amount_label.setObjectName("referAmount")
        mute(self.amount_label)

        self.steps_label = QLabel()
        self.steps_label.setObjectName("referSteps")
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)  # every text in it is escaped
        self.steps_label.setWordWrap(True)
        self._step_texts: list[str] = []

        self.final_notice_button = QPushButton("The &Final Notice Warned Them")
        self.final_notice_button.setObjectName("referFinalNoticeWarned")
        self.final_notice_button.setToolTip("The final notice told them the account would go "
                                            "to a collection agency: record it as the warning")
        self.final_notice_button.clicked.connect(self._on_final_notice_button_clicked)
        self.warned_on = self._date_edit(setup.today, lambda _t: None)
        self.warned_on.setObjectName("referWarnedOn")
        self.warned_by = QComboBox()
        self.warned_by.setObjectName("referWarnedBy")
        self.warned_by.setAccessibleName("Warned by")
        for kind in _WARNING_KINDS:
            self.warned_by.addItem(ContactKind.word_for(kind), str(kind))
        self.warning_button = QPushButton("Record &Warning")
        self.warning_button.setObjectName("referRecordWarning")
        self.warning_button.clicked.connect(self._on_warning_button_clicked)
        self.warning_row = QWidget()
        rows = QVBoxLayout(self.warning_row)
        rows.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Warned on"))
        row.addWidget(self.warned_on)
        row.addWidget(QLabel("by"))
        row.addWidget(self.warned_by)
        row.addWidget(self.warning_button)
        row.addStretch(1)
        rows.addLayout(row)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.final_notice_button)
        notice_row.addStretch(1)
        rows.addLayout(notice_row)

        self.override_edit = QLineEdit()
        self.override_edit.setObjectName("referOverride")
        self.override_edit.setMaxLength(500)
        self.override_edit.setPlaceholderText("Only if you must: why refer before every step "
                                              "is done (kept with the referral)")
        self.override_edit.textEdited.connect(lambda _t: self._errors.clear("check"))
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("referNote")
        self.note_edit.setMaxLength(1000)
        self.note_edit.setPlaceholderText("e.g. no reply to the final notice")

        form = QFormLayout()
        form.addRow("&Agency:", self._errors.wrap("agency", self.agency_combo))
        form.addRow("Referred &on:", self._errors.wrap("on", self.date_edit))
        form.addRow("&Invoices:", self._errors.wrap("invoices", self.invoice_list))
        form.addRow("", self.amount_label)
        form.addRow("Check:", self.steps_label)
        form.addRow("", self.warning_row)
        form.addRow("&Refer anyway:", self._errors.wrap("check", self.override_edit))
        form.addRow("&Note:", self._errors.wrap("note", self.note_edit))
        self.refer_button = self._buttons("&Refer")
        self._lay_out("Refer to Agency",
                      f"Hand {setup.customer_name}'s overdue invoices to a collection agency. "
                      f"While the agency has them, Duly does not chase them.", form)

    # --- the check ----------------------------------------------------------------------

    def ticked_invoice_ids(self) -> tuple[int, ...]:
        """The invoices ticked, in the order listed."""
        return tuple(int(self.invoice_list.item(i).data(Qt.ItemDataRole.UserRole))
                     for i in range(self.invoice_list.count())
                     if self.invoice_list.item(i).checkState() == Qt.CheckState.Checked)

    def step_texts(self) -> list[str]:
        """The check's lines as shown: "✓ Final notice sent: …"."""
        return list(self._step_texts)

    def _recheck(self) -> None:
        day = self.date_edit.date()
        if day is None:
            return
        customer_id, ids = self.setup.customer_id, self.ticked_invoice_ids()

        def work(_progress: Progress) -> ReferralCheck:
            return referral_check(customer_id, ids, day)

        self.tasks.run(work, on_success=self._on_check_task_succeeded, latest=(self, "check"))

    def _on_check_task_succeeded(self, check: ReferralCheck) -> None:
        self._show_check(check)
        self.check_shown.emit()

    def _show_check(self, check: ReferralCheck) -> None:
        self.check = check
        self._step_texts = [f"{DONE if step.done else MISSING} {step.name}: {step.words}"
                            for step in check.steps]
        self.steps_label.setText("".join(
            f'<div style="color: {_OK_COLOUR if step.done else ERROR}; margin-bottom: 3px">'
            f"{html.escape(text)}</div>"
            for step, text in zip(check.steps, self._step_texts, strict=True)))
        amount = format_money(check.amount_minor, check.currency)
        self.amount_label.setText(f"{len(check.invoice_ids)} invoice(s), {amount} open"
                                  if check.invoice_ids else "No invoice chosen")
        warned = next((s.done for s in check.steps if s.name == "Warned of the referral"), True)
        self.warning_row.setVisible(not warned)
        self.final_notice_button.setVisible(check.final_notice_contact_id is not None)
        self.override_edit.setEnabled(not check.passed)

    # --- the warning --------------------------------------------------------------------

    def _on_final_notice_button_clicked(self) -> None:
        contact_id = self.check.final_notice_contact_id
        if contact_id is not None:
            customer_id = self.setup.customer_id
            self._record(lambda: record_warning(customer_id, contact_id=contact_id))

    def _on_warning_button_clicked(self) -> None:
        day = self.warned_on.date()
        if day is None:
            return
        customer_id, kind = self.setup.customer_id, ContactKind(self.warned_by.currentData())
        self._record(lambda: record_warning(customer_id, on=day, kind=kind))

    def _record(self, write: Callable[[], int]) -> None:
        def work(_progress: Progress) -> int:
            return write()

        def done(_contact_id: int) -> None:
            self.warning_recorded.emit()
            self._recheck()

        self.tasks.run(work, writes=True, changes=changes(Change.CONTACTS), initiator=self,
                       on_success=done)

    # --- OK -------------------------------------------------------------------------------

    def _take_input(self) -> None:
        day = self.date_edit.date()
        if day is None:
            raise LedgerError("on", "Give the day of the referral as YYYY-MM-DD.")
        if self.agency_combo.currentIndex() < 0:
            raise LedgerError("agency", "Add the agency to the directory first (Agencies…).")
        ids = self.ticked_invoice_ids()
        if not ids:
            raise LedgerError("invoices", "Tick at least one invoice to refer.")
        override = self.override_edit.text().strip() if not self.check.passed else ""
        if not self.check.passed and not override:
            raise LedgerError("check", "A step of the check is not done: put it right, or say "
                                       "why you refer the account all the same.")
        self.choice = ReferChoice(
            customer_id=self.setup.customer_id, customer_name=self.setup.customer_name,
            agency_id=int(self.agency_combo.currentData()),
            agency_name=self.setup.agencies[self.agency_combo.currentIndex()].name,
            invoice_ids=ids, on=day, note=self.note_edit.text().strip(),
            override_reason=override)

    def _declined(self) -> None:
        self.choice = None
