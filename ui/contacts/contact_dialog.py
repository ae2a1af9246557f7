"""Log a contact with a customer: what kind, when, with whom, what was said and agreed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSizePolicy,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from models.contact_form import ContactForm
from models.contacts import ContactEntry, PromiseTerms, check_contact, check_promise
from models.kinds import ContactKind, Direction
from models.ledger import LedgerError, parse_amount, parse_date
from ui.common.ledger_dialog import LedgerDialog, amount_text
from ui.common.note_fields import outcome_combo, summary_edit
from ui.common.style import mute
from ui.contacts.invoice_choice_model import InvoiceChoiceModel

PROMISED = "promised to pay"
FOLLOW_UP_DAYS = 7
PROMISE_DAYS = 7
# The store accepts a contact up to this far ahead of its clock (models.contacts).


@dataclass(frozen=True)
class ContactLog:
    """A contact as the user entered it, for ``models.contacts.log_contact``."""

    entry: ContactEntry
    promise: PromiseTerms | None = None
    settles_item: bool = False  # mark the Today item it was made for done


class LogContactDialog(LedgerDialog):
    """A call, e-mail, letter, meeting, SMS or note with one customer, and any promise made."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[ContactLog | None], None], *,
            form: ContactForm, now: dt.datetime, log: ContactLog | None = None,
            error: LedgerError | None = None) -> LogContactDialog:
        """Open the dialog; ``done`` later receives the contact, or None if cancelled.

        ``log`` and ``error`` re-open it as the user left it, with the store's
        objection shown at its field.
        """
        dialog = cls(parent, form=form, now=now, log=log)
        dialog.open_for(done, lambda: dialog.accepted_log, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, form: ContactForm, now: dt.datetime,
                 log: ContactLog | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Log Contact")
        self.setMinimumWidth(900)
        self.accepted_log: ContactLog | None = None
        self._form = form
        self._now = now
        self._amount_typed = False

        happened = self._build_what_happened(form, now)
        about = self._build_what_it_is_about(form, now)
        columns = QHBoxLayout()
        columns.setSpacing(28)
        for layout in (happened, about):
            column = QVBoxLayout()
            column.addLayout(layout)
            column.addStretch(1)
            columns.addLayout(column, 1)

        self.log_button = self._buttons("Log Contact")
        self._lay_out("Log Contact", f"A call, e-mail, letter, meeting or note with "
                                     f"{form.name} ({form.code}).", columns)
        for invoice_id in form.item_invoices if log is None else ():
            self.invoices.set_checked(invoice_id, True)
        self._fill(log)
        self.summary_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building ---------------------------------------------------------------

    def _build_what_happened(self, form: ContactForm, now: dt.datetime) -> QFormLayout:
        self.kind_combo = QComboBox()
        for kind in ContactKind:
            self.kind_combo.addItem(kind.word, kind)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_current_index_changed)
        self.outgoing_radio = QRadioButton("We &contacted them")
        self.incoming_radio = QRadioButton("They contacted &us")
        self.outgoing_radio.setChecked(True)
        self._direction = QButtonGroup(self)
        self._direction.addButton(self.outgoing_radio)
        self._direction.addButton(self.incoming_radio)
        direction_row = _row(self.outgoing_radio, self.incoming_radio, spacing=12)

        self.date_edit = self._date_edit(now.date(),
                                         lambda _text: self._errors.clear("occurred_at"))
        self.time_edit = QTimeEdit(QTime(now.hour, now.minute))
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setMaximumWidth(90)
        self.time_edit.timeChanged.connect(lambda _time: self._errors.clear("occurred_at"))
        at = QLabel("at")
        mute(at)
        when_row = _row(self.date_edit, at, self.time_edit)

        self.who_combo = QComboBox()
        self.who_combo.setEditable(True)
        self.who_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.who_combo.addItems(list(form.people))
        self.who_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        who_edit = self.who_combo.lineEdit()
        assert who_edit is not None  # the combo is editable
        who_edit.setPlaceholderText("Who you spoke or wrote to")
        who_edit.setMaxLength(200)

        self.summary_edit = summary_edit(lambda: self._errors.clear("summary"))
        self.outcome_combo = outcome_combo(form.outcomes, self._on_outcome_combo_text_changed)

        layout = _form()
        layout.addRow("&Kind:", self._errors.wrap("kind", self.kind_combo, stretch=True))
        layout.addRow("", self._errors.wrap("direction", direction_row,
                                            focus=self.outgoing_radio))
        layout.addRow("&When:", self._errors.wrap("occurred_at", when_row,
                                                  focus=self.date_edit, aliases=("date",)))
        layout.addRow("With w&hom:", self._errors.wrap("with_whom", self.who_combo))
        layout.addRow("&Summary:", self._errors.wrap("summary", self.summary_edit))
        layout.addRow("&Outcome:", self._errors.wrap("outcome", self.outcome_combo))
        return layout

    def _build_what_it_is_about(self, form: ContactForm, now: dt.datetime) -> QFormLayout:
        self.invoices = InvoiceChoiceModel(form.invoices, now.date(), self)
        self.invoices.checked_changed.connect(self._on_invoices_checked_changed)
        self.invoice_table = QTableView()
        self.invoice_table.setObjectName("contactInvoices")
        self.invoice_table.setAccessibleName("Invoices the contact is about")
        self.invoice_table.setModel(self.invoices)
        self.invoice_table.verticalHeader().hide()
        self.invoice_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.invoice_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.invoice_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.invoice_table.setAlternatingRowColors(True)
        self.invoice_table.setShowGrid(False)
        self.invoice_table.setWordWrap(False)
        header = self.invoice_table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(InvoiceChoiceModel.INVOICE, QHeaderView.ResizeMode.Stretch)
        # Tall enough for a few open invoices, scrolling beyond.
        rows = min(max(len(form.invoices), 3), 6)
        self.invoice_table.setFixedHeight(
            header.sizeHint().height()
            + rows * self.invoice_table.verticalHeader().defaultSectionSize()
            + 2 * self.invoice_table.frameWidth() + 2)
        self.no_invoices = QLabel("Nothing is open on this account.")
        mute(self.no_invoices)
        self.invoice_table.setVisible(bool(form.invoices))
        self.no_invoices.setVisible(not form.invoices)
        invoice_box = QWidget()
        invoice_layout = QVBoxLayout(invoice_box)
        invoice_layout.setContentsMargins(0, 0, 0, 0)
        invoice_layout.addWidget(self.invoice_table)
        invoice_layout.addWidget(self.no_invoices)

        self.follow_up_box = QCheckBox("Remind me on")
        self.follow_up_edit = self._date_edit(
            now.date() + dt.timedelta(days=FOLLOW_UP_DAYS),
            lambda _text: self._errors.clear("follow_up_on"))
        self.follow_up_edit.setEnabled(False)
        self.follow_up_box.toggled.connect(self._on_follow_up_box_toggled)
        follow_up_row = _row(self.follow_up_box, self.follow_up_edit)

        self.promise_box = QCheckBox("They &promised to pay")
        self.promise_box.toggled.connect(self._on_promise_box_toggled)
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("0.00")
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_edit.setMaximumWidth(160)
        self.amount_edit.textEdited.connect(self._on_amount_edit_text_edited)
        self.promised_for_edit = self._date_edit(
            now.date() + dt.timedelta(days=PROMISE_DAYS),
            lambda _text: self._errors.clear("promised_for"))
        self._promise_fields = (self.amount_edit, self.promised_for_edit)
        for field in self._promise_fields:
            field.setEnabled(False)

        layout = _form()
        layout.addRow("&Invoices:", self._errors.wrap("invoices", invoice_box,
                                                      focus=self.invoice_table))
        layout.addRow("&Follow up:", self._errors.wrap("follow_up_on", follow_up_row,
                                                       focus=self.follow_up_edit))
        layout.addRow("Promise:", self.promise_box)
        layout.addRow("&Amount:", self._errors.wrap(
            "amount", _row(self.amount_edit, QLabel(form.currency)), focus=self.amount_edit,
            aliases=("amount_minor",)))
        layout.addRow("&By:", self._errors.wrap("promised_for", _row(self.promised_for_edit),
                                                 focus=self.promised_for_edit))
        self.settles_box = QCheckBox()
        self.settles_box.setVisible(form.item is not None)
        if form.item is not None:
            self.settles_box.setText(f"Mark done on Today: {form.item.title}")
            self.settles_box.setChecked(True)
            layout.addRow("Today:", self.settles_box)
        return layout

    # --- what the dialog shows -----------------------------------------------

    def tick_invoice(self, number: str, ticked: bool = True) -> None:
        """Tick (or untick) the open invoice ``number``."""
        for row in range(self.invoices.rowCount()):
            invoice = self.invoices.invoice_at(row)
            if invoice is not None and invoice.number == number:
                self.invoices.set_checked(invoice.id, ticked)
                return
        raise KeyError(number)

    def set_kind(self, kind: str) -> None:
        """Choose the kind of contact (call, email, letter, meeting, sms, note)."""
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))

    def _take_input(self) -> None:
        self.accepted_log = self._log()

    # --- slots -----------------------------------------------------------------

    def _on_kind_combo_current_index_changed(self, _index: int) -> None:
        # A note is to ourselves: nobody contacted anybody.
        note = self.kind_combo.currentData() == ContactKind.NOTE
        self.outgoing_radio.setEnabled(not note)
        self.incoming_radio.setEnabled(not note)

    def _on_outcome_combo_text_changed(self, text: str) -> None:
        self._errors.clear("summary")
        if text.strip().casefold() == PROMISED:
            self.promise_box.setChecked(True)

    def _on_invoices_checked_changed(self) -> None:
        self._errors.clear("invoices")
        self._follow_invoices()

    def _on_follow_up_box_toggled(self, checked: bool) -> None:
        self._errors.clear("follow_up_on")
        self.follow_up_edit.setEnabled(checked)
        if checked:
            self.follow_up_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_promise_box_toggled(self, checked: bool) -> None:
        for field in ("amount", "promised_for", "invoices"):
            self._errors.clear(field)
        for edit in self._promise_fields:
            edit.setEnabled(checked)
        self._follow_invoices()
        if checked:
            self.amount_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_amount_edit_text_edited(self, text: str) -> None:
        self._errors.clear("amount")
        # Once the user types an amount it is theirs; emptied, it follows the invoices again.
        self._amount_typed = bool(text.strip())

    # --- helpers ---------------------------------------------------------------

    def _follow_invoices(self) -> None:
        """Put the sum of the ticked invoices in the promised amount, unless one was typed."""
        if self._amount_typed:
            return
        total = sum(i.open_minor for i in self.invoices.checked()
                    if i.currency == self._form.currency)
        self.amount_edit.setText(amount_text(total, self._form.currency) if total else "")

    def _log(self) -> ContactLog:
        """The contact in the fields; LedgerError naming the field that is wrong."""
        day = parse_date(self.date_edit.text(), "occurred_at")
        time = self.time_edit.time()
        occurred_at = dt.datetime.combine(day, dt.time(time.hour(), time.minute()))
        follow_up_on = (parse_date(self.follow_up_edit.text(), "follow_up_on")
                        if self.follow_up_box.isChecked() else None)
        kind = str(self.kind_combo.currentData())
        entry = ContactEntry(
            kind=kind, occurred_at=occurred_at,
            direction=Direction.INCOMING
            if self.incoming_radio.isChecked() and kind != ContactKind.NOTE
            else Direction.OUTGOING,
            with_whom=self.who_combo.currentText().strip(),
            summary=self.summary_edit.toPlainText().strip(),
            outcome=self.outcome_combo.currentText().strip(),
            invoice_ids=self.invoices.checked_ids(), follow_up_on=follow_up_on)
        check_contact(entry, self._now)
        promise = self._promise(entry.invoice_ids) if self.promise_box.isChecked() else None
        settles = self._form.item is not None and self.settles_box.isChecked()
        return ContactLog(entry, promise, settles)

    def _promise(self, invoice_ids: tuple[int, ...]) -> PromiseTerms:
        if not self._form.invoices:
            raise LedgerError("invoices", "Nothing is open on this account for a promise "
                                          "to pay.")
        terms = PromiseTerms(parse_amount(self.amount_edit.text(), self._form.currency,
                                          "amount"),
                             parse_date(self.promised_for_edit.text(), "promised_for"))
        check_promise(terms, invoice_ids, self._now)
        return terms

    def _fill(self, log: ContactLog | None) -> None:
        if log is None:
            return
        entry = log.entry
        self.set_kind(entry.kind)
        (self.incoming_radio if entry.direction == "incoming"
         else self.outgoing_radio).setChecked(True)
        self.date_edit.setText(entry.occurred_at.date().isoformat())
        self.time_edit.setTime(QTime(entry.occurred_at.hour, entry.occurred_at.minute))
        self.who_combo.setEditText(entry.with_whom)
        self.summary_edit.setPlainText(entry.summary)
        self.outcome_combo.setEditText(entry.outcome)
        for invoice_id in entry.invoice_ids:
            self.invoices.set_checked(invoice_id, True)
        if entry.follow_up_on is not None:
            self.follow_up_box.setChecked(True)
            self.follow_up_edit.setText(entry.follow_up_on.isoformat())
        if log.promise is not None:
            self.promise_box.setChecked(True)
            self.amount_edit.setText(amount_text(log.promise.amount_minor, self._form.currency))
            self._amount_typed = True
            self.promised_for_edit.setText(log.promise.promised_for.isoformat())
        self.settles_box.setChecked(log.settles_item)


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    form.setVerticalSpacing(10)
    return form


def _row(*widgets: QWidget, spacing: int = 6) -> QWidget:
    """``widgets`` side by side, left-aligned."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return row
