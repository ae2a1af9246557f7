"""The Write-offs tab: the debts written off in a period, each with its VAT share and the
first day UK bad-debt relief can be claimed, and the totals; write off an invoice, reverse
a write-off, record a recovered debt, and export the list or print the accountant's
bad-debt note.

The write-offs are read off the GUI thread through the window's task helper under a
``latest`` key; writes go through :class:`~ui.common.form_writes.FormWrites`.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from models.changes import Change, changes
from models.dispute_choices import disputable_invoices, dispute_customers
from models.errors import LedgerError
from models.money import format_money
from models.write_offs import (
    WriteOffRow,
    recover,
    reverse_write_off,
    vat_percent_setting,
    write_off,
    write_offs,
)
from reports.write_offs_report import totals_text
from ui.collections.tab import CollectionsTab
from ui.collections.write_off_recovery_dialog import (
    WriteOffRecoveryDialog,
    WriteOffRecoveryInput,
)
from ui.collections.write_offs_exports import WriteOffsExports
from ui.collections.write_offs_model import WriteOffsModel
from ui.common.area import AreaContext
from ui.common.date_field import DateField
from ui.common.form_writes import FormWrites
from ui.common.page_actions import page_action
from ui.common.reason_dialog import ReasonDialog
from ui.common.rows_model import format_day
from ui.common.style import mute
from ui.common.tasks import Progress
from ui.common.write_off_dialog import WriteOffDialog, WriteOffEntry, WriteOffSetup

WRITE_OFF_CHANGES = changes(Change.MONEY, Change.INVOICES, Change.FOLLOW_UP, Change.WORKLIST)
THIS_YEAR, LAST_YEAR, ALL, BETWEEN = "this_year", "last_year", "all", "between"
PERIODS = (("This year", THIS_YEAR), ("Last year", LAST_YEAR), ("All", ALL),
           ("From–to", BETWEEN))


class WriteOffsTab(CollectionsTab):
    """Write-offs: debts written off, with the VAT relief each allows."""

    title = "Write-offs"
    reads = changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY, Change.BUSINESS)
    loaded = Signal()
    """The write-offs were read and are on show."""

    def __init__(self, context: AreaContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("writeOffsTab")
        self.tasks = context.tasks
        self._today = context.today
        self._writes = FormWrites(self, context.tasks)
        self._writes.busy_changed.connect(self.update_actions)
        self.notice.connect(lambda text: self.setProperty("last_notice", text))
        self.write_off_dialog: WriteOffDialog | None = None
        self._to_choose: int | None = None  # the write-off just made, chosen once read
        self._build_actions()
        self._build()
        self.update_actions()

    # --- CollectionsTab -------------------------------------------------------------

    def reload(self) -> None:
        """Read the write-offs of the period chosen again."""
        try:
            date_from, date_to = self.period()
        except LedgerError as error:
            self.details_label.setText(error.message)
            return

        def load(_progress: Progress) -> list[WriteOffRow]:
            return write_offs(date_from=date_from, date_to=date_to)

        self.tasks.run(load, on_success=self._on_load_task_succeeded, latest=(self, "load"))

    def clear(self) -> None:
        """Forget the write-offs shown (the store was closed)."""
        self.tasks.forget((self, "load"))
        self.model.set_rows([])
        self.details_label.clear()
        self._update_totals()
        self.update_actions()

    def actions(self) -> list[QAction]:
        """Write off, reverse, record a recovery, print the bad-debt note."""
        return [self.write_off_action, self.reverse_action, self.recovery_action,
                self.print_action]

    def current_customer_id(self) -> int | None:
        """The customer of the write-off chosen."""
        row = self.current_write_off()
        return row.customer_id if row is not None else None

    def enable_actions(self) -> None:
        """Enable what fits the write-off chosen."""
        row = self.current_write_off()
        standing = row is not None and row.reversed_on is None and not self._writes.busy
        self.write_off_action.setEnabled(not self._writes.busy)
        self.reverse_action.setEnabled(standing)
        self.recovery_action.setEnabled(standing)
        self.print_action.setEnabled(self.model.rowCount() > 0)

    # --- public ------------------------------------------------------------------------

    def current_write_off(self) -> WriteOffRow | None:
        """The write-off chosen in the list, if any."""
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        return row if isinstance(row, WriteOffRow) else None

    def select_write_off(self, write_off_id: int) -> bool:
        """Choose the write-off ``write_off_id``; False if it is not shown."""
        position = self.model.position_of(write_off_id)
        if position < 0:
            return False
        self.table.selectRow(position)
        return True

    def set_period(self, period: str, date_from: dt.date | None = None,
                   date_to: dt.date | None = None) -> None:
        """Show the write-offs of ``period`` (``THIS_YEAR``, ``LAST_YEAR``, ``ALL``, or
        ``BETWEEN`` the days given)."""
        if date_from is not None:
            self.from_edit.setText(date_from.isoformat())
        if date_to is not None:
            self.to_edit.setText(date_to.isoformat())
        self.period_combo.setCurrentIndex(self.period_combo.findData(period))
        self.reload()

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and last day of the period chosen (None: open-ended)."""
        year = self._today().year
        chosen = self.period_combo.currentData()
        if chosen == THIS_YEAR:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if chosen == LAST_YEAR:
            return dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)
        if chosen == ALL:
            return None, None
        days = []
        for field, edit in (("date_from", self.from_edit), ("date_to", self.to_edit)):
            day = edit.date()
            if edit.text().strip() and day is None:
                raise LedgerError(field, f"“{edit.text().strip()}” is not a day: write it "
                                         f"as YYYY-MM-DD or 2 Jan 2027.")
            days.append(day)
        return days[0], days[1]

    def period_words(self) -> str:
        """The period chosen in words, for the exports ("2026", "all", "… to …")."""
        try:
            date_from, date_to = self.period()
        except LedgerError:
            date_from = date_to = None
        if date_from is None and date_to is None:
            return "all"
        if (date_from is not None and date_to is not None and date_from.year == date_to.year
                and (date_from.month, date_from.day, date_to.month, date_to.day)
                == (1, 1, 12, 31)):
            return str(date_from.year)
        return f"{format_day(date_from) or 'start'} to {format_day(date_to) or 'today'}"

    def totals_text(self) -> str:
        """The totals line as shown."""
        return self.totals_label.text()

    # --- building -------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.write_off_action = page_action(
            self, "&Write Off…", "Ctrl+Alt+X", self._on_write_off_action_triggered,
            tip="Write off an invoice, or what is left of it, as a bad debt")
        self.reverse_action = page_action(
            self, "Re&verse Write-off…", "Ctrl+Alt+V", self._on_reverse_action_triggered,
            bar_text="Reverse", tip="Undo the chosen write-off: the amount is owed again")
        self.recovery_action = page_action(
            self, "Record Recovery…", "Ctrl+Alt+Q", self._on_recovery_action_triggered,
            bar_text="Recovery", tip="The customer paid a written-off debt after all: the "
                                     "write-off is reversed and the payment recorded")
        self.print_action = page_action(
            self, "Bad-debt &Note PDF…", "Ctrl+Alt+Z", self._on_print_action_triggered,
            bar_text="Print", tip="Show the write-offs listed as the accountant's bad-debt "
                                  "note, ready to print or save")

    def _build(self) -> None:
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("writeOffsPeriod")
        self.period_combo.setAccessibleName("Show write-offs of")
        for words, value in PERIODS:
            self.period_combo.addItem(words, value)
        self.period_combo.currentIndexChanged.connect(self._on_period_changed)
        self.from_edit = DateField(None)
        self.from_edit.setObjectName("writeOffsFrom")
        self.from_edit.setAccessibleName("From")
        self.to_edit = DateField(None)
        self.to_edit.setObjectName("writeOffsTo")
        self.to_edit.setAccessibleName("To")
        for edit in (self.from_edit, self.to_edit):
            edit.setMaximumWidth(140)
            edit.editingFinished.connect(self.reload)
        self.count_label = QLabel()
        mute(self.count_label)
        period_label = QLabel("&Period:")
        period_label.setBuddy(self.period_combo)
        self.model = WriteOffsModel(self)
        self.exports = WriteOffsExports(self, self.tasks, self._today)
        filters = QHBoxLayout()
        filters.addWidget(period_label)
        filters.addWidget(self.period_combo)
        filters.addWidget(self.from_edit)
        self.dash_label = QLabel("–")
        filters.addWidget(self.dash_label)
        filters.addWidget(self.to_edit)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        filters.addWidget(self.exports.button)

        self.table = self.tab_list(
            self.model, "writeOffsTable", "Write-offs", (190, 100, 110, 140, 100, 90, 150, 130),
            chosen=self._on_table_selection_changed)
        self.totals_label = QLabel()
        self.totals_label.setObjectName("writeOffsTotals")
        self.details_label = QLabel()
        self.details_label.setObjectName("writeOffDetails")
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.details_label)
        self._on_period_changed(self.period_combo.currentIndex(), read=False)

    # --- reading ------------------------------------------------------------------------

    def _on_load_task_succeeded(self, rows: list[WriteOffRow]) -> None:
        chosen = self.current_write_off()
        wanted = self._to_choose or (chosen.write_off_id if chosen is not None else None)
        self._to_choose = None
        self.model.set_rows(rows)
        if not (wanted is not None and self.select_write_off(wanted)) \
                and self.model.rowCount():
            self.table.selectRow(0)
        self._update_totals()
        self._show_chosen()
        self.loaded.emit()

    def _update_totals(self) -> None:
        rows = self.model.rows()
        count = len(rows)
        self.count_label.setText(f"{count} write-off{'' if count == 1 else 's'}")
        sums = totals_text(rows)
        self.totals_label.setText(
            "Total written off: " + "; ".join(f"{amount} (VAT share {vat})"
                                              for _currency, amount, vat in sums)
            if sums else "")

    def _show_chosen(self) -> None:
        row = self.current_write_off()
        if row is None:
            self.details_label.setText("" if self.model.rowCount() else
                                       "No write-offs in this period. Write Off… takes a bad "
                                       "debt off a customer's account.")
        else:
            self.details_label.setText(_details(row))
        self.update_actions()
        self.choice_changed.emit()

    # --- slots --------------------------------------------------------------------------------

    def _on_period_changed(self, _index: int, read: bool = True) -> None:
        between = self.period_combo.currentData() == BETWEEN
        self.from_edit.setVisible(between)
        self.to_edit.setVisible(between)
        self.dash_label.setVisible(between)
        if read:
            self.reload()

    def _on_table_selection_changed(self, _selected: QItemSelection,
                                    _deselected: QItemSelection) -> None:
        self._show_chosen()

    def _on_write_off_action_triggered(self) -> None:
        if not self.write_off_action.isEnabled():
            return

        def read(_progress: Progress) -> list[tuple[int, str]]:
            return [(c.id, f"{c.name} ({c.code})") for c in dispute_customers()]

        self.tasks.run(read, on_success=self._choose_customer)

    def _choose_customer(self, customers: list[tuple[int, str]]) -> None:
        from ui.collections.customer_choice_dialog import CustomerChoiceDialog

        chosen = self.current_write_off()
        dialog = CustomerChoiceDialog.ask(
            self, customers, lambda customer: self.ask_write_off(*customer)
            if customer is not None else None,
            preferred=chosen.customer_id if chosen is not None else None)
        dialog.setWindowTitle("Write Off")

    def ask_write_off(self, customer_id: int, customer_name: str,
                      invoice_id: int | None = None) -> None:
        """Read the customer's invoices with something open, then ask what to write off."""
        today = self._today()
        name = customer_name.rsplit(" (", 1)[0]

        def read(_progress: Progress) -> WriteOffSetup:
            return WriteOffSetup(name, tuple(disputable_invoices(customer_id)), today,
                                 vat_percent_setting(), invoice_id)

        self.tasks.run(read, on_success=lambda setup: self._ask(setup))

    def _ask(self, setup: WriteOffSetup, error: LedgerError | None = None) -> None:
        self.write_off_dialog = WriteOffDialog.ask(
            self, lambda entry: self._write_off(setup, entry), setup=setup, error=error)

    def _write_off(self, setup: WriteOffSetup, entry: WriteOffEntry | None) -> None:
        self.write_off_dialog = None
        if entry is None:
            return
        today = self._today()
        again = WriteOffSetup(setup.customer_name, setup.invoices, setup.today,
                              setup.vat_percent, entry.invoice_id)
        self._writes.run(
            lambda: write_off(entry.invoice_id, reason=entry.reason,
                              amount_minor=entry.amount_minor, on=entry.on, notes=entry.notes,
                              today=today),
            WRITE_OFF_CHANGES, done=lambda write_off_id: self._made(
                write_off_id,
                f"Invoice {entry.invoice_number} of {setup.customer_name} written off."),
            refused=lambda error: self._ask(again, error))

    def _on_reverse_action_triggered(self) -> None:
        row = self.current_write_off()
        if row is None or not self.reverse_action.isEnabled():
            return
        ReasonDialog.ask(
            self, lambda reason: self._reverse(row, reason), title="Reverse write-off",
            text=f"Reverse the write-off of {format_money(row.amount_minor, row.currency)} "
                 f"on invoice {row.invoice_number} ({row.customer_name})?",
            warning="The amount is owed on the invoice again, and Duly chases it as before.",
            confirm="Reverse", placeholder="e.g. written off by mistake")

    def _reverse(self, row: WriteOffRow, reason: str | None) -> None:
        if reason is None:
            return
        on = max(self._today(), row.written_off_on)
        self._writes.run(lambda: reverse_write_off(row.write_off_id, reason, on=on),
                         WRITE_OFF_CHANGES, done=lambda _none: self._done(
                             f"Write-off on invoice {row.invoice_number} reversed: the amount "
                             f"is owed again."))

    def _on_recovery_action_triggered(self) -> None:
        self._ask_recovery()

    def _ask_recovery(self, error: LedgerError | None = None) -> None:
        row = self.current_write_off()
        if row is None or not self.recovery_action.isEnabled():
            return
        WriteOffRecoveryDialog.ask(self, lambda typed: self._recover(row, typed), row=row,
                                   today=self._today(), error=error)

    def _recover(self, row: WriteOffRow, typed: WriteOffRecoveryInput | None) -> None:
        if typed is None:
            return
        today = self._today()
        self._writes.run(
            lambda: recover(row.write_off_id, received_on=typed.received_on,
                            amount_minor=typed.amount_minor, reference=typed.reference,
                            today=today),
            WRITE_OFF_CHANGES, done=lambda _id: self._done(
                f"{format_money(typed.amount_minor, row.currency)} recovered on invoice "
                f"{row.invoice_number} from {row.customer_name}."),
            refused=lambda error: self._ask_recovery(error))

    def _on_print_action_triggered(self) -> None:
        if self.model.rowCount():
            self.exports.show_report()

    def _made(self, write_off_id: int, text: str) -> None:
        self._to_choose = write_off_id
        self._done(text)

    def _done(self, text: str) -> None:
        self.notice.emit(text)
        self.reload()


def _details(row: WriteOffRow) -> str:
    words = [f"{row.number}: {format_money(row.amount_minor, row.currency)} of invoice "
             f"{row.invoice_number} ({row.customer_name}, {row.customer_code}), issued "
             f"{format_day(row.issue_date)}, due {format_day(row.due_date)}.",
             f"VAT bad-debt relief claimable from {format_day(row.relief_from)} to "
             f"{format_day(row.relief_claim_by)}."]
    if row.reversed_on is not None:
        words.append(f"Reversed on {format_day(row.reversed_on)}: {row.reversal_reason}")
    if row.notes:
        words.append(row.notes)
    return " ".join(words)
