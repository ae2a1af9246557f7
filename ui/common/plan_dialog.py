"""Agree a payment plan with a customer, or renegotiate one: what it covers, a deposit,
the schedule (a number of instalments, an amount each, or the business's own dates),
whether interest and fees stop while it is kept; the schedule shown as it is set up.

Shared: the Customers area opens it from the account, the Plans area to renegotiate, and
Today from an item. The schedule is worked out by ``models.plans.preview_plan`` as the
user edits (a few milliseconds on the demo's largest account, so on the GUI thread):
whatever it refuses is said under the field it concerns and Save stays off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.errors import LedgerError
from models.kinds import PlanFrequency
from models.ledger import parse_amount
from models.money import format_money
from models.plan_schedule import MAX_INSTALMENTS, ScheduleTerms, add_months
from models.plans import PlanCandidate, PlanDraft, PlanPreview, PlanStanding, preview_plan
from ui.common.date_field import DateField, read_typed_date
from ui.common.ledger_dialog import LedgerDialog, amount_text
from ui.common.plan_models import CandidatesModel, OwnDatesModel, ScheduleModel
from ui.common.rows_model import format_day
from ui.common.style import ACCENT, ERROR, mute, scale_font

BY_COUNT, BY_AMOUNT, OWN_DATES = range(3)
SCHEDULE_KINDS = ("Number of instalments", "Amount of each", "Own dates and amounts")
FREQUENCIES = (PlanFrequency.MONTHLY, PlanFrequency.FORTNIGHTLY, PlanFrequency.WEEKLY)
DEFAULT_COUNT = 6


@dataclass(frozen=True)
class PlanSetup:
    """What the dialog opens on: the customer, the currency of the plan, what it may cover,
    the day it is agreed, and (renegotiating) the plan it replaces."""

    customer_id: int
    customer_name: str
    currency: str
    candidates: tuple[PlanCandidate, ...]
    today: dt.date
    replacing: PlanStanding | None = None


@dataclass(frozen=True)
class PlanChoice:
    """The plan as the user agreed it, and (renegotiating) why."""

    draft: PlanDraft
    reason: str = ""


class PlanDialog(LedgerDialog):
    """The plan set up field by field, its schedule shown beside it as it is worked out."""

    previewed = Signal()
    """The schedule was worked out again (or refused) after an edit."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[PlanChoice | None], None], *,
            setup: PlanSetup, error: LedgerError | None = None) -> PlanDialog:
        """Open the dialog; ``done`` later receives the plan agreed, or None."""
        dialog = cls(parent, setup=setup)
        dialog.open_for(done, lambda: dialog.choice, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, setup: PlanSetup) -> None:
        super().__init__(parent)
        self.setup = setup
        self.choice: PlanChoice | None = None
        self.preview: PlanPreview | None = None
        self.refusal: LedgerError | None = None
        renegotiating = setup.replacing is not None
        title = "Renegotiate Plan" if renegotiating else "Agree a Payment Plan"
        self.setWindowTitle(title)
        self.setMinimumWidth(980)

        self._build_fields()
        self.save_button = self._buttons("&Renegotiate Plan" if renegotiating
                                         else "&Agree Plan")
        self._lay_out_plan(title)
        self._tick_defaults()
        self.refresh()

    # --- what the user set up -------------------------------------------------------

    def ticked(self) -> list[PlanCandidate]:
        """The invoices and charges ticked to be covered."""
        return self.candidates.ticked_rows()

    def tick(self, label: str, ticked: bool = True) -> bool:
        """Tick (or untick) the item called ``label``; False if it cannot be ticked."""
        for position in range(self.candidates.rowCount()):
            candidate = self.candidates.candidate_at(position)
            if candidate is not None and candidate.item.label == label:
                self.candidates.set_ticked(position, ticked)
                return self.candidates.is_ticked(position) == ticked
        raise KeyError(label)

    def summary_text(self) -> str:
        """The line under the schedule: the plan in a phrase, or why it cannot be."""
        return self.summary_label.text()

    def draft(self) -> PlanDraft:
        """The plan as set up now. Raises LedgerError for what cannot be read."""
        setup = self.setup
        ticked = self.ticked()
        if not ticked:
            raise LedgerError("items", "Tick the invoices and charges the plan covers.")
        return PlanDraft(
            customer_id=setup.customer_id, agreed_on=setup.today, terms=self._terms(),
            invoice_ids=tuple(c.item.invoice_id for c in ticked if c.item.invoice_id),
            charge_ids=tuple(c.item.charge_id for c in ticked if c.item.charge_id),
            currency=setup.currency, freeze_charges=self.freeze_check.isChecked(),
            notes=self.notes_edit.toPlainText().strip())

    def refresh(self) -> None:
        """Work the schedule out again from what is set up, and say what is wrong."""
        self._errors.clear_all()
        replacing = self.setup.replacing.plan_id if self.setup.replacing else None
        try:
            self.preview = preview_plan(self.draft(), replacing=replacing)
            self.refusal = None
        except LedgerError as error:
            self.preview, self.refusal = None, error
        self._show_preview()
        self.previewed.emit()

    # --- building -----------------------------------------------------------------------

    def _build_fields(self) -> None:
        setup = self.setup
        replacing = setup.replacing
        allowed = frozenset()
        if replacing is not None:
            allowed = frozenset({(i, None) for i in replacing.invoice_ids}
                                | {(None, c) for c in replacing.charge_ids})
        self.candidates = CandidatesModel(setup.candidates, setup.currency, allowed=allowed,
                                          parent=self)
        self.candidates.checked_changed.connect(self.refresh)
        self.candidates_table = _small_table(self.candidates, "planCandidates",
                                             "Invoices and charges the plan covers")
        # A few rows show; a long account scrolls, leaving room for the schedule's fields.
        self.candidates_table.setMaximumHeight(170)
        header = self.candidates_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        self.deposit_edit = QLineEdit()
        self.deposit_edit.setObjectName("planDeposit")
        self.deposit_edit.setPlaceholderText("none")
        self.deposit_edit.setMaximumWidth(140)
        self.deposit_edit.textEdited.connect(self._on_edited)
        self.deposit_date = self._date_edit(setup.today, self._on_edited)
        self.deposit_date.setObjectName("planDepositDate")
        self.deposit_date.setToolTip("The day the deposit is due: the day the plan is agreed "
                                     "or later")

        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("planScheduleKind")
        self.kind_combo.addItems(list(SCHEDULE_KINDS))
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.count_spin = QSpinBox()
        self.count_spin.setObjectName("planCount")
        self.count_spin.setRange(1, MAX_INSTALMENTS)
        self.count_spin.setValue(DEFAULT_COUNT)
        self.count_spin.setSuffix(" instalments")
        self.count_spin.valueChanged.connect(self._on_edited)
        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("planAmount")
        self.amount_edit.setPlaceholderText(f"each, in {setup.currency}")
        self.amount_edit.setMaximumWidth(160)
        self.amount_edit.textEdited.connect(self._on_edited)
        self.frequency_combo = QComboBox()
        self.frequency_combo.setObjectName("planFrequency")
        for frequency in FREQUENCIES:
            self.frequency_combo.addItem(frequency.word, frequency)
        self.frequency_combo.currentIndexChanged.connect(self._on_edited)
        self.first_date = self._date_edit(add_months(setup.today, 1), self._on_edited)
        self.first_date.setObjectName("planFirstDate")

        self.own_dates = OwnDatesModel(self)
        self.own_dates.edited.connect(self.refresh)
        self.own_dates_table = QTableView()
        self.own_dates_table.setObjectName("planOwnDates")
        self.own_dates_table.setAccessibleName("Own dates and amounts")
        self.own_dates_table.setModel(self.own_dates)
        self.own_dates_table.verticalHeader().hide()
        self.own_dates_table.horizontalHeader().setStretchLastSection(True)
        self.own_dates_table.horizontalHeader().resizeSection(0, 150)
        self.own_dates_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.own_dates_table.setMinimumHeight(150)
        self.add_row_button = QPushButton("Add &Row")
        self.add_row_button.setAutoDefault(False)
        self.add_row_button.setToolTip("Add an instalment at the end (Alt+R)")
        self.add_row_button.clicked.connect(self._on_add_row_button_clicked)
        self.remove_row_button = QPushButton("Re&move Row")
        self.remove_row_button.setAutoDefault(False)
        self.remove_row_button.setToolTip("Remove the instalment selected (Alt+M)")
        self.remove_row_button.clicked.connect(self._on_remove_row_button_clicked)
        self.own_dates_table.selectionModel().selectionChanged.connect(
            self._on_own_dates_selection_changed)

        self.freeze_check = QCheckBox("Stop interest and &fees while the plan is kept")
        self.freeze_check.setObjectName("planFreeze")
        self.freeze_check.toggled.connect(self._on_edited)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("planNotes")
        self.notes_edit.setPlaceholderText("How it was agreed, anything to remember")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().lineSpacing() * 2 + 14)
        self.notes_edit.textChanged.connect(self._on_notes_changed)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("planReason")
        self.reason_edit.setPlaceholderText("e.g. lost a contract, asks for smaller payments")
        self.reason_edit.setMaxLength(500)
        self.reason_edit.textEdited.connect(lambda _text: self._errors.clear("reason"))

        self.schedule = ScheduleModel(self)
        self.schedule_table = _small_table(self.schedule, "planSchedule", "The schedule")
        self.schedule_table.setSortingEnabled(False)
        header = self.schedule_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("planSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setMinimumHeight(self.summary_label.fontMetrics().lineSpacing() * 3)
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

    def _lay_out_plan(self, title: str) -> None:
        setup, errors = self.setup, self._errors
        heading = QLabel(title)
        scale_font(heading, 1.4, bold=True)
        who = QLabel(f"{setup.customer_name} · plan in {setup.currency} · agreed "
                     f"{format_day(setup.today)}")
        who.setObjectName("planCustomer")
        who.setTextFormat(Qt.TextFormat.PlainText)
        mute(who)

        covers = QVBoxLayout()
        covers_label = QLabel("&What the plan covers (greyed: cannot be in a plan, see the "
                              "tooltip):")
        covers_label.setBuddy(self.candidates_table)
        covers_label.setWordWrap(True)
        covers.addWidget(covers_label)
        covers.addWidget(errors.wrap("items", self.candidates_table))

        deposit_row = QHBoxLayout()
        deposit_row.setSpacing(8)
        deposit_row.addWidget(errors.wrap("deposit", self.deposit_edit))
        on = QLabel("o&n")
        on.setBuddy(self.deposit_date)
        deposit_row.addWidget(on, 0, Qt.AlignmentFlag.AlignTop)
        deposit_row.addWidget(errors.wrap("deposit_on", self.deposit_date))
        deposit_row.addStretch(1)

        own = QWidget()
        own_layout = QVBoxLayout(own)
        own_layout.setContentsMargins(0, 0, 0, 0)
        own_buttons = QHBoxLayout()
        own_buttons.addWidget(self.add_row_button)
        own_buttons.addWidget(self.remove_row_button)
        own_buttons.addStretch(1)
        own_layout.addWidget(errors.wrap("custom", self.own_dates_table))
        own_layout.addLayout(own_buttons)
        # One of the three shows at a time; the hidden ones take no room.
        self.kind_pages = (errors.wrap("count", self.count_spin, stretch=True),
                           errors.wrap("amount", self.amount_edit, stretch=True), own)
        kind_box = QWidget()
        kind_layout = QVBoxLayout(kind_box)
        kind_layout.setContentsMargins(0, 0, 0, 0)
        for page in self.kind_pages:
            kind_layout.addWidget(page)

        schedule_form = self.schedule_form = QFormLayout()
        schedule_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        schedule_form.setVerticalSpacing(4)
        deposit_label = QLabel("&Deposit:")
        deposit_label.setBuddy(self.deposit_edit)
        schedule_form.addRow(deposit_label, deposit_row)
        schedule_form.addRow("&Schedule:", self.kind_combo)
        schedule_form.addRow("", kind_box)
        self.frequency_label = QLabel("Fre&quency:")
        self.frequency_label.setBuddy(self.frequency_combo)
        frequency_row = QHBoxLayout()
        frequency_row.addWidget(self.frequency_combo)
        frequency_row.addStretch(1)
        schedule_form.addRow(self.frequency_label, frequency_row)
        self.first_label = QLabel("F&irst instalment:")
        self.first_label.setBuddy(self.first_date)
        schedule_form.addRow(self.first_label, errors.wrap("first_on", self.first_date,
                                                           stretch=True))
        schedule_form.addRow("", self.freeze_check)
        notes_label = QLabel("&Notes:")
        notes_label.setBuddy(self.notes_edit)
        schedule_form.addRow(notes_label, self.notes_edit)
        if setup.replacing is not None:
            schedule_form.addRow("&Reason:", errors.wrap("reason", self.reason_edit))

        left = QVBoxLayout()
        if setup.replacing is not None:
            replaced = QLabel(f"Replaces the plan agreed on "
                              f"{format_day(setup.replacing.agreed_on)} "
                              f"({setup.replacing.summary}). It stays on record as "
                              f"renegotiated.")
            replaced.setObjectName("planReplaced")
            replaced.setTextFormat(Qt.TextFormat.PlainText)
            replaced.setWordWrap(True)
            left.addWidget(replaced)
        left.addLayout(covers)
        left.addLayout(schedule_form)
        left.addStretch(1)

        preview_box = QGroupBox("Schedule")
        right = QVBoxLayout(preview_box)
        right.addWidget(self.schedule_table, 1)
        right.addWidget(self.summary_label)

        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addLayout(left, 3)
        columns.addWidget(preview_box, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(heading)
        layout.addWidget(who)
        layout.addSpacing(6)
        layout.addLayout(columns, 1)
        layout.addWidget(errors.general)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)
        self._on_kind_combo_changed(BY_COUNT)

    def _tick_defaults(self) -> None:
        replacing = self.setup.replacing
        blocked = self.candidates.blockSignals(True)
        for position in range(self.candidates.rowCount()):
            candidate = self.candidates.candidate_at(position)
            if candidate is None:
                continue
            item = candidate.item
            if replacing is not None:
                wanted = item.invoice_id in replacing.invoice_ids \
                    or item.charge_id in replacing.charge_ids
            else:
                wanted = candidate.overdue
            self.candidates.set_ticked(position, wanted)
        self.candidates.blockSignals(blocked)

    # --- reading the form -------------------------------------------------------------

    def _terms(self) -> ScheduleTerms:
        currency = self.setup.currency
        deposit_text = self.deposit_edit.text().strip()
        deposit = parse_amount(deposit_text, currency, "deposit") if deposit_text else 0
        deposit_on = _day(self.deposit_date, "deposit_on", "The deposit's date") \
            if deposit else None
        kind = self.kind_combo.currentIndex()
        if kind == OWN_DATES:
            return ScheduleTerms(frequency=PlanFrequency.CUSTOM, custom=self._own_rows(),
                                 deposit_minor=deposit, deposit_on=deposit_on)
        frequency = self.frequency_combo.currentData()
        first_on = _day(self.first_date, "first_on", "The first instalment's date")
        if kind == BY_COUNT:
            return ScheduleTerms(frequency=frequency, first_on=first_on,
                                 count=self.count_spin.value(), deposit_minor=deposit,
                                 deposit_on=deposit_on)
        amount_text = self.amount_edit.text().strip()
        if not amount_text:
            raise LedgerError("amount", "Enter the amount of each instalment.")
        return ScheduleTerms(frequency=frequency, first_on=first_on,
                             amount_minor=parse_amount(amount_text, currency, "amount"),
                             deposit_minor=deposit, deposit_on=deposit_on)

    def _own_rows(self) -> tuple[tuple[dt.date, int], ...]:
        rows = []
        for n, (date_text, typed_amount) in enumerate(self.own_dates.texts(), 1):
            day = read_typed_date(date_text)
            if day is None:
                raise LedgerError("custom", f"Instalment {n}'s date "
                                            f"{'“' + date_text + '” ' if date_text else ''}"
                                            f"is not a day: write it as YYYY-MM-DD or "
                                            f"2 Jan 2027.")
            try:
                amount = parse_amount(typed_amount, self.setup.currency, "custom")
            except LedgerError as error:
                raise LedgerError("custom", f"Instalment {n}: {error.message}") from error
            rows.append((day, amount))
        if not rows:
            raise LedgerError("custom", "Add a row for each instalment: its date and amount.")
        return tuple(rows)

    def _take_input(self) -> None:
        self.refresh()
        if self.refusal is not None:
            raise self.refusal
        reason = self.reason_edit.text().strip()
        if self.setup.replacing is not None and not reason:
            raise LedgerError("reason", "Say why the plan is renegotiated, in a few words: "
                                        "it is kept with the old plan.")
        self.choice = PlanChoice(self.draft(), reason)

    # --- showing the schedule -------------------------------------------------------------

    def _show_preview(self) -> None:
        preview, refusal = self.preview, self.refusal
        if preview is not None:
            self.schedule.set_schedule(preview.instalments, preview.currency)
            text = f"{preview.summary[:1].upper()}{preview.summary[1:]}"
            text += (f" ({format_money(preview.total_minor, preview.currency)} in all)."
                     if preview.frequency != PlanFrequency.CUSTOM else ".")
            if preview.stage_reached_name:
                text += (f" If the plan is broken, follow-up resumes after "
                         f"“{preview.stage_reached_name}”.")
            self.summary_label.setText(text)
            self.summary_label.setStyleSheet(f"color: {ACCENT};")
        else:
            self.schedule.set_schedule((), self.setup.currency)
            message = refusal.message if refusal is not None else ""
            self.summary_label.setText(message)
            self.summary_label.setStyleSheet(f"color: {ERROR};")
            if refusal is not None and refusal.field not in ("customer", "agreed_on",
                                                             "plan"):
                self._errors.show_refusal(refusal, focus=False)
                self._errors.general.clear()
                self._errors.general.hide()
        self.save_button.setEnabled(preview is not None)

    # --- slots ------------------------------------------------------------------------------

    def _on_edited(self, *_args: object) -> None:
        self.refresh()

    def _on_notes_changed(self) -> None:
        self.refresh()

    def _on_kind_combo_changed(self, index: int) -> None:
        for position, page in enumerate(self.kind_pages):
            page.setVisible(position == index)
        # Own dates need no frequency or first date: their rows make room for the list.
        regular = index != OWN_DATES
        for label in (self.frequency_label, self.first_label):
            self.schedule_form.setRowVisible(label, regular)
        preview = self.preview
        if index == OWN_DATES and self.own_dates.rowCount() == 0 and preview is not None:
            # Start from the schedule worked out so far, for the user to change.
            self.own_dates.set_texts([
                (i.due_date.isoformat(), amount_text(i.amount_minor, preview.currency))
                for i in preview.instalments if not i.is_deposit])
        self.refresh()

    def _on_add_row_button_clicked(self) -> None:
        texts = self.own_dates.texts()
        last = read_typed_date(texts[-1][0]) if texts else None
        following = add_months(last, 1) if last is not None else add_months(self.setup.today, 1)
        position = self.own_dates.add_row(following.isoformat(), "")
        index = self.own_dates.index(position, 1)
        self.own_dates_table.setCurrentIndex(index)
        self.own_dates_table.edit(index)

    def _on_remove_row_button_clicked(self) -> None:
        index = self.own_dates_table.currentIndex()
        if index.isValid():
            self.own_dates.remove_row(index.row())

    def _on_own_dates_selection_changed(self, _selected: QItemSelection,
                                        _deselected: QItemSelection) -> None:
        self.remove_row_button.setEnabled(self.own_dates_table.currentIndex().isValid())


def _day(field: DateField, name: str, what: str) -> dt.date | None:
    text = field.text().strip()
    if not text:
        return None
    day = field.date()
    if day is None:
        raise LedgerError(name, f"{what} “{text}” is not a day: write it as YYYY-MM-DD or "
                                f"2 Jan 2027.")
    return day


def _small_table(model: object, name: str, accessible: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)  # type: ignore[arg-type]
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.setMinimumHeight(120)
    return table

