"""The Referrals tab: accounts handed to a collection agency, how each stands and what
the agency recovered, kept and handed over; refer an account, record the agency's
updates and recoveries, recall an account, show or e-mail its dossier, and keep the
agencies' directory.

The referrals are read off the GUI thread through the window's task helper under a
``latest`` key; writes go through :class:`~ui.common.form_writes.FormWrites`.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from models.changes import Change, changes
from models.customer_account import customer_list
from models.errors import LedgerError
from models.money import format_money
from models.referrals import (
    ReferralRow,
    recall,
    record_recovery,
    record_update,
    referral_history,
    referrals,
)
from ui.collections.agencies_dialog import AgenciesDialog
from ui.collections.recovery_dialog import RecoveryDialog, RecoveryInput
from ui.collections.referral_update_dialog import ReferralUpdateDialog, ReferralUpdateInput
from ui.collections.referrals_model import ALL_AGENCIES, STATUS_FILTERS, ReferralsModel
from ui.collections.tab import CollectionsTab
from ui.common.area import AreaContext
from ui.common.form_writes import FormWrites
from ui.common.page_actions import page_action
from ui.common.reason_dialog import ReasonDialog
from ui.common.referral_actions import REFERRAL_CHANGES, ReferralActions
from ui.common.rows_model import format_day
from ui.common.style import mute
from ui.common.tasks import Progress

_RECOVERY_CHANGES = changes(Change.MONEY, Change.INVOICES, Change.FOLLOW_UP, Change.WORKLIST,
                            Change.CONTACTS)


class ReferralsTab(CollectionsTab):
    """Referrals: accounts handed to a collection agency, and how each stands."""

    title = "Referrals"
    reads = changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY, Change.FOLLOW_UP,
                    Change.BUSINESS)
    loaded = Signal()
    """The referrals were read and are on show."""

    def __init__(self, context: AreaContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("referralsTab")
        self.tasks = context.tasks
        self._today = context.today
        self._writes = FormWrites(self, context.tasks)
        self._writes.busy_changed.connect(self.update_actions)
        self.referral_actions = ReferralActions(self, context.tasks, context.today,
                                                self._writes)
        self.referral_actions.notice.connect(self._tell)
        self.notice.connect(lambda text: self.setProperty("last_notice", text))
        self.referral_actions.changed.connect(lambda _customer: self.reload())
        self._build_actions()
        self._build()
        self.update_actions()

    # --- CollectionsTab -------------------------------------------------------------

    def reload(self) -> None:
        """Read every referral again."""
        def load(_progress: Progress) -> list[ReferralRow]:
            return referrals()

        self.tasks.run(load, on_success=self._on_load_task_succeeded, latest=(self, "load"))

    def clear(self) -> None:
        """Forget the referrals shown (the store was closed)."""
        self.tasks.forget((self, "load"))
        self.model.set_rows([])
        self.details_label.clear()
        self._update_count()
        self.update_actions()

    def actions(self) -> list[QAction]:
        """Refer, update, recover, recall, the dossier, and the directory."""
        return [self.refer_action, self.update_action, self.recovery_action,
                self.recall_action, self.dossier_action, self.email_dossier_action,
                self.agencies_action]

    def current_customer_id(self) -> int | None:
        """The customer of the referral chosen."""
        row = self.current_referral()
        return row.customer_id if row is not None else None

    def enable_actions(self) -> None:
        """Enable what fits the referral chosen."""
        row = self.current_referral()
        live = row is not None and row.live
        idle = not self._writes.busy
        self.refer_action.setEnabled(idle)
        self.update_action.setEnabled(live and idle)
        self.recovery_action.setEnabled(live and idle and row is not None
                                        and row.open_minor > 0)
        self.recall_action.setEnabled(live and idle)
        self.dossier_action.setEnabled(row is not None)
        self.email_dossier_action.setEnabled(row is not None and bool(row.agency_email)
                                             and not self.referral_actions.sending)
        self.agencies_action.setEnabled(True)

    # --- public ------------------------------------------------------------------------

    def current_referral(self) -> ReferralRow | None:
        """The referral chosen in the list, if any."""
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        return row if isinstance(row, ReferralRow) else None

    def select_referral(self, referral_id: int) -> bool:
        """Choose the referral ``referral_id``; False if it is not shown."""
        position = self.model.position_of(referral_id)
        if position < 0:
            return False
        self.table.selectRow(position)
        return True

    # --- building -------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.refer_action = page_action(
            self, "&Refer Account…", "Ctrl+Alt+R", self._on_refer_action_triggered,
            tip="Refer a customer's overdue invoices to a collection agency, after the "
                "pre-referral check")
        self.update_action = page_action(
            self, "Record &Update…", "Ctrl+Alt+U", self._on_update_action_triggered,
            bar_text="Update", tip="Record what the agency reported on the chosen referral")
        self.recovery_action = page_action(
            self, "Record Re&covery…", "Ctrl+Alt+Y", self._on_recovery_action_triggered,
            bar_text="Recovery",
            tip="Record money the agency recovered: the customer's payment, and the "
                "agency's commission as your cost")
        self.recall_action = page_action(
            self, "Re&call…", "Ctrl+Alt+B", self._on_recall_action_triggered,
            tip="Take the chosen account back from the agency: chasing resumes")
        self.dossier_action = page_action(
            self, "&Dossier PDF…", "Ctrl+Alt+K", self._on_dossier_action_triggered,
            bar_text="Dossier", tip="Show the chosen referral's dossier, ready to print or "
                                    "save")
        self.email_dossier_action = page_action(
            self, "E-mail Do&ssier…", "Ctrl+Alt+S", self._on_email_dossier_action_triggered,
            bar_text="E-mail Dossier", tip="E-mail the chosen referral's dossier to the agency")
        self.agencies_action = page_action(
            self, "A&gencies…", "Ctrl+Alt+G", self._on_agencies_action_triggered,
            tip="The agencies' directory: add or edit an agency")

    def _build(self) -> None:
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("referralsStatus")
        self.status_combo.setAccessibleName("Show referrals of status")
        for words, value in STATUS_FILTERS:
            self.status_combo.addItem(words, value)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._refilter())
        self.agency_combo = QComboBox()
        self.agency_combo.setObjectName("referralsAgency")
        self.agency_combo.setAccessibleName("Show referrals to agency")
        self.agency_combo.addItem("All agencies", ALL_AGENCIES)
        self.agency_combo.currentIndexChanged.connect(lambda _i: self._refilter())
        self.count_label = QLabel()
        mute(self.count_label)
        status_label = QLabel("&Status:")
        status_label.setBuddy(self.status_combo)
        agency_label = QLabel("A&gency:")
        agency_label.setBuddy(self.agency_combo)
        filters = QHBoxLayout()
        filters.addWidget(status_label)
        filters.addWidget(self.status_combo)
        filters.addSpacing(12)
        filters.addWidget(agency_label)
        filters.addWidget(self.agency_combo)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.model = ReferralsModel(self)
        self.table = self.tab_list(
            self.model, "referralsTable", "Referrals to agencies",
            (160, 160, 120, 100, 95, 95, 100, 100, 100),
            chosen=self._on_table_selection_changed)
        self.details_label = QLabel()
        self.details_label.setObjectName("referralDetails")
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details_label)

    # --- reading ------------------------------------------------------------------------

    def _on_load_task_succeeded(self, rows: list[ReferralRow]) -> None:
        chosen = self.current_referral()
        self._fill_agencies(rows)
        self.model.set_rows(rows)
        if not (chosen is not None and self.select_referral(chosen.id)) and self.model.rowCount():
            self.table.selectRow(0)
        self._update_count()
        self._show_chosen()
        self.loaded.emit()

    def _fill_agencies(self, rows: list[ReferralRow]) -> None:
        chosen = self.agency_combo.currentData()
        names = dict(sorted({(r.agency_id, r.agency_name) for r in rows},
                            key=lambda pair: pair[1].casefold()))
        self.agency_combo.blockSignals(True)
        self.agency_combo.clear()
        self.agency_combo.addItem("All agencies", ALL_AGENCIES)
        for agency_id, name in names.items():
            self.agency_combo.addItem(name, agency_id)
        position = self.agency_combo.findData(chosen)
        self.agency_combo.setCurrentIndex(max(position, 0))
        self.agency_combo.blockSignals(False)
        self.model.set_filter(str(self.status_combo.currentData()),
                              int(self.agency_combo.currentData()))

    def _refilter(self) -> None:
        chosen = self.current_referral()
        self.model.set_filter(str(self.status_combo.currentData()),
                              int(self.agency_combo.currentData() or ALL_AGENCIES))
        kept = chosen is not None and self.select_referral(chosen.id)
        if not kept and self.model.rowCount():
            self.table.selectRow(0)
        self._update_count()
        self._show_chosen()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_count()
        noun = "referral" if total == 1 else "referrals"
        self.count_label.setText(f"{total} {noun}" if shown == total
                                 else f"{shown} of {total} {noun} shown")

    def _show_chosen(self) -> None:
        row = self.current_referral()
        if row is None:
            self.details_label.setText("" if self.model.total_count() else
                                       "No account has been referred. Refer Account… hands "
                                       "a customer's overdue invoices to an agency.")
        else:
            self.details_label.setText(_details(row))
            referral_id = row.id

            def read(_progress: Progress) -> list[str]:
                return [f"{format_day(u.reported_on)} {u.status.replace('_', ' ')}"
                        + (f": {u.note}" if u.note else "") for u in referral_history(referral_id)]

            self.tasks.run(read, on_success=lambda lines: self._show_history(referral_id, lines),
                           latest=(self, "history"))
        self.update_actions()
        self.choice_changed.emit()

    def _show_history(self, referral_id: int, lines: list[str]) -> None:
        row = self.current_referral()
        if row is not None and row.id == referral_id and lines:
            self.details_label.setText(_details(row) + "\nUpdates: " + "; ".join(lines))

    # --- slots --------------------------------------------------------------------------------

    def _on_table_selection_changed(self, _selected: QItemSelection,
                                    _deselected: QItemSelection) -> None:
        self._show_chosen()

    def _on_refer_action_triggered(self) -> None:
        if not self.refer_action.isEnabled():
            return
        today = self._today()

        def read(_progress: Progress) -> list[tuple[int, str]]:
            return [(c.id, c.name) for c in customer_list(today) if c.overdue_minor > 0]

        self.tasks.run(read, on_success=self._choose_customer)

    def _choose_customer(self, customers: list[tuple[int, str]]) -> None:
        from ui.collections.customer_choice_dialog import CustomerChoiceDialog

        chosen = self.current_referral()
        CustomerChoiceDialog.ask(
            self, customers, lambda customer: self.referral_actions.refer(*customer)
            if customer is not None else None,
            preferred=chosen.customer_id if chosen is not None else None)

    def _on_update_action_triggered(self) -> None:
        self._ask_update()

    def _ask_update(self, error: LedgerError | None = None) -> None:
        row = self.current_referral()
        if row is None or not self.update_action.isEnabled():
            return
        ReferralUpdateDialog.ask(self, lambda typed: self._record_update(row, typed),
                                 what=f"{row.customer_name}'s referral to {row.agency_name}",
                                 today=self._today(), error=error)

    def _record_update(self, row: ReferralRow, typed: ReferralUpdateInput | None) -> None:
        if typed is None:
            return
        self._writes.run(lambda: record_update(row.id, typed.status, typed.on, typed.note),
                         REFERRAL_CHANGES, done=lambda _id: self._done(
                             f"Update recorded on {row.customer_name}'s referral."),
                         refused=lambda error: self._ask_update(error))

    def _on_recovery_action_triggered(self) -> None:
        self._ask_recovery()

    def _ask_recovery(self, error: LedgerError | None = None) -> None:
        row = self.current_referral()
        if row is None or not self.recovery_action.isEnabled():
            return
        RecoveryDialog.ask(self, lambda typed: self._record_recovery(row, typed), referral=row,
                           today=self._today(), error=error)

    def _record_recovery(self, row: ReferralRow, typed: RecoveryInput | None) -> None:
        if typed is None:
            return
        today = self._today()

        def work() -> object:
            return record_recovery(row.id, typed.on, typed.gross_minor, note=typed.note,
                                   today=today)

        def done(recovery: object) -> None:
            gross = getattr(recovery, "gross_minor", 0)
            commission = getattr(recovery, "commission_minor", 0)
            self._done(f"{format_money(gross, row.currency)} recovered by {row.agency_name}: "
                       f"commission {format_money(commission, row.currency)}, net "
                       f"{format_money(gross - commission, row.currency)}.")

        self._writes.run(work, _RECOVERY_CHANGES, done=done,
                         refused=lambda error: self._ask_recovery(error))

    def _on_recall_action_triggered(self) -> None:
        row = self.current_referral()
        if row is None or not self.recall_action.isEnabled():
            return
        ReasonDialog.ask(
            self, lambda reason: self._recall(row, reason), title="Recall from agency",
            text=f"Take {row.customer_name}'s account back from {row.agency_name}?",
            warning="Its invoices still open are yours again, and Duly chases them as "
                    "before.", confirm="Recall", placeholder="e.g. the customer called to pay us "
                                                             "directly")

    def _recall(self, row: ReferralRow, reason: str | None) -> None:
        if reason is None:
            return
        on = max(self._today(), row.referred_on)
        self._writes.run(lambda: recall(row.id, on, reason), REFERRAL_CHANGES,
                         done=lambda _none: self._done(
                             f"{row.customer_name}'s account recalled from {row.agency_name}; "
                             f"chasing resumes."))

    def _on_dossier_action_triggered(self) -> None:
        row = self.current_referral()
        if row is not None:
            self.referral_actions.show_dossier(row.id, row.customer_name)

    def _on_email_dossier_action_triggered(self) -> None:
        row = self.current_referral()
        if row is not None and self.email_dossier_action.isEnabled():
            self.referral_actions.email_dossier(row.id, row.customer_name)

    def _on_agencies_action_triggered(self) -> None:
        dialog = AgenciesDialog.show_directory(self, self.tasks)
        dialog.finished.connect(lambda _code: self.reload())

    def _tell(self, text: str) -> None:
        self.notice.emit(text)

    def _done(self, text: str) -> None:
        self.notice.emit(text)
        self.reload()


def _details(row: ReferralRow) -> str:
    words = [f"{row.customer_name} ({row.customer_code}) with {row.agency_name} since "
             f"{format_day(row.referred_on)}: {format_money(row.referred_minor, row.currency)} "
             f"referred, {format_money(row.open_minor, row.currency)} still open."]
    if row.commission_percent is not None:
        minimum = (f", at least {format_money(row.commission_min_minor, row.currency)}"
                   if row.commission_min_minor else "")
        words.append(f"Commission {row.commission_percent.normalize():f}%{minimum}.")
    if row.ended_on is not None:
        words.append(f"{row.status_word} on {format_day(row.ended_on)}.")
    if row.override_reason:
        words.append(f"Referred before the check was passed: {row.override_reason}")
    return " ".join(words)
