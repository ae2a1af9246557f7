"""The Plans area: every payment plan with how it stands (paid of due, the next
instalment, what was missed), the chosen plan's instalments below, and what to do with
it: renegotiate, cancel, print or e-mail its agreement, open the customer.

The plans are read off the GUI thread through the window's task helper under a
``latest`` key; the plan actions are the shared :class:`~ui.common.plan_actions.PlanActions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models.changes import Change, changes
from models.kinds import PlanFrequency, PlanStatus
from models.plans import PlanStanding, plan_standings
from ui.common.form_writes import FormWrites
from ui.common.list_table import list_table
from ui.common.page_actions import page_action
from ui.common.page_header import action_bar, page_head
from ui.common.plan_actions import PlanActions
from ui.common.rows_model import format_day
from ui.common.style import mute
from ui.common.tasks import Progress, TaskRunner
from ui.plans.plans_model import ACTIVE, ALL, ENDED, FILTERS, InstalmentsModel, PlansModel

__all__ = ["ACTIVE", "ALL", "ENDED", "PlansPage"]


class PlansPage(QWidget):
    """The plans over the chosen plan's instalments, with the plan's actions."""

    reads = changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY, Change.CONTACTS,
                    Change.FOLLOW_UP)
    """Writes that change how plans stand (see ui/common/area.py)."""

    loaded = Signal()
    """The plans were read and are on show."""
    customer_requested = Signal(int)
    """The user asked to open a plan's customer (their id)."""
    mail_settings_requested = Signal()
    """The user asked to open Settings → Outgoing mail (e-mail is not set up)."""

    def __init__(self, tasks: TaskRunner, today: Callable[[], dt.date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-plans")
        self.tasks = tasks
        self._today = today
        self._writes = FormWrites(self, tasks)
        self.plan_actions = PlanActions(self, tasks, today, self._writes)
        self.plan_actions.notice.connect(self._on_plan_actions_notice)
        self.plan_actions.changed.connect(self._on_plan_actions_changed)
        self.plan_actions.settings_requested.connect(self.mail_settings_requested)
        self._writes.busy_changed.connect(self._update_actions)
        self._build_actions()
        self._build()
        self._update_actions()

    # --- public ----------------------------------------------------------------------

    def reload(self) -> None:
        """Read every plan again as it stands today."""
        as_of = self._today()

        def load(_progress: Progress) -> list[PlanStanding]:
            return plan_standings(as_of)

        self.tasks.run(load, on_success=self._on_load_task_succeeded, latest=(self, "load"))

    def clear(self) -> None:
        """Forget the plans shown (the store was closed)."""
        self.tasks.forget((self, "load"))
        self.plans.set_rows([])
        self.instalments.set_plan(None)
        self.notice_label.clear()
        self._update_count()
        self._update_actions()

    def actions_for_menu(self) -> list[QAction]:
        """The Plans menu: the chosen plan's actions."""
        return [self.renegotiate_action, self.cancel_action, self.print_action,
                self.email_action, self.open_customer_action]

    def current_plan(self) -> PlanStanding | None:
        """The plan chosen in the list, if any."""
        rows = self.plans_table.selectionModel().selectedRows()
        row = self.plans.row_at(rows[0].row()) if rows else None
        return row if isinstance(row, PlanStanding) else None

    def select_plan(self, plan_id: int) -> bool:
        """Choose the plan ``plan_id``; False if it is not shown."""
        position = self.plans.position_of(plan_id)
        if position < 0:
            return False
        self.plans_table.selectRow(position)
        self.plans_table.scrollTo(self.plans.index(position, 0))
        return True

    def show_plans(self, shown: int) -> None:
        """Show the ``ACTIVE``, ``ENDED`` or ``ALL`` plans."""
        self.filter_combo.setCurrentIndex(shown)

    def notice(self) -> str:
        """What the page last said it did ("" if nothing yet)."""
        return self.notice_label.text()

    # --- building ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.renegotiate_action = page_action(
            self, "Re&negotiate Plan…", "Ctrl+Shift+G", self._on_renegotiate_action_triggered,
            bar_text="Renegotiate",
            tip="Replace the chosen plan with a new one; the old stays on record")
        self.cancel_action = page_action(
            self, "&Cancel Plan…", "Ctrl+Shift+X", self._on_cancel_action_triggered,
            bar_text="Cancel Plan",
            tip="Call off the chosen plan, with a reason; its invoices are chased again")
        self.print_action = page_action(
            self, "&Print Agreement…", "Ctrl+Alt+P", self._on_print_action_triggered,
            tip="Show the chosen plan's agreement, ready to print or save")
        self.email_action = page_action(
            self, "&E-mail Agreement…", "Ctrl+Alt+M", self._on_email_action_triggered,
            tip="E-mail the chosen plan's agreement as a PDF to the customer's billing "
                "contacts")
        self.open_customer_action = page_action(
            self, "&Open Customer", "Ctrl+Shift+O", self._on_open_customer_action_triggered,
            tip="Show the chosen plan's customer and their account")

    def _build(self) -> None:
        top, self.notice_label = page_head("Plans", "plansNotice")
        bar = action_bar(self.actions_for_menu())
        self.count_label = QLabel()
        mute(self.count_label)
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("plansFilter")
        self.filter_combo.setAccessibleName("Show plans")
        self.filter_combo.addItems(list(FILTERS))
        self.filter_combo.currentIndexChanged.connect(self._on_filter_combo_changed)
        show = QLabel("&Show:")
        show.setBuddy(self.filter_combo)
        bar.addWidget(show)
        bar.addWidget(self.filter_combo)

        self.plans = PlansModel(self)
        self.plans_table = list_table(self.plans, "plansTable", "Payment plans")
        self.plans_table.setParent(self)
        header = self.plans_table.horizontalHeader()
        for column, width in enumerate((200, 100, 70, 100, 110, 60, 100)):
            header.resizeSection(column, width)
        self.plans_table.selectionModel().selectionChanged.connect(
            self._on_plans_table_selection_changed)
        self.plans_table.doubleClicked.connect(self._on_plans_table_double_clicked)
        self.plans_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.plans_table.addActions(self.actions_for_menu())

        self.instalments = InstalmentsModel(self)
        self.instalments_table = list_table(self.instalments, "instalmentsTable",
                                            "Instalments of the chosen plan")
        self.instalments_table.setParent(self)
        self.instalments_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((100, 110, 130, 130, 110)):
            self.instalments_table.horizontalHeader().resizeSection(column, width)
        self.plan_label = QLabel()
        self.plan_label.setObjectName("planDetails")
        self.plan_label.setTextFormat(Qt.TextFormat.PlainText)
        self.plan_label.setWordWrap(True)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        lower_layout.addWidget(self.plan_label)
        lower_layout.addWidget(self.instalments_table, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("plansSplitter")
        splitter.addWidget(self.plans_table)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([420, 300])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    # --- reading ---------------------------------------------------------------------------

    def _on_load_task_succeeded(self, rows: list[PlanStanding]) -> None:
        chosen = self.current_plan()
        self.plans.set_rows(rows)
        self._choose(chosen)
        self._show_chosen()
        self._update_count()
        self.loaded.emit()

    def _on_plan_actions_notice(self, text: str) -> None:
        self.notice_label.setText(text)

    def _on_plan_actions_changed(self, _customer_id: int) -> None:
        self.reload()

    # --- slots --------------------------------------------------------------------------------

    def _on_filter_combo_changed(self, index: int) -> None:
        chosen = self.current_plan()
        self.plans.set_shown(index)
        self._choose(chosen)
        self._show_chosen()
        self._update_count()

    def _on_plans_table_selection_changed(self, _selected: QItemSelection,
                                          _deselected: QItemSelection) -> None:
        self._show_chosen()

    def _on_plans_table_double_clicked(self, _index: QModelIndex) -> None:
        self.open_customer_action.trigger()

    def _on_renegotiate_action_triggered(self) -> None:
        plan = self.current_plan()
        if plan is not None and self.renegotiate_action.isEnabled():
            self.plan_actions.renegotiate(plan)

    def _on_cancel_action_triggered(self) -> None:
        plan = self.current_plan()
        if plan is not None and self.cancel_action.isEnabled():
            self.plan_actions.cancel(plan)

    def _on_print_action_triggered(self) -> None:
        plan = self.current_plan()
        if plan is not None:
            self.plan_actions.print_agreement(plan.plan_id, plan.customer_id,
                                              plan.customer_name)

    def _on_email_action_triggered(self) -> None:
        plan = self.current_plan()
        if plan is not None and self.email_action.isEnabled():
            self.plan_actions.email_agreement(plan.plan_id, plan.customer_id,
                                              plan.customer_name)

    def _on_open_customer_action_triggered(self) -> None:
        plan = self.current_plan()
        if plan is not None:
            self.customer_requested.emit(plan.customer_id)

    # --- helpers --------------------------------------------------------------------------------

    def _show_chosen(self) -> None:
        plan = self.current_plan()
        self.instalments.set_plan(plan)
        if plan is None:
            self.plan_label.setText("")
        else:
            words = [f"{plan.customer_name}: {plan.summary}."]
            grace = {0: "no grace", 1: "1 day's grace"}.get(plan.grace_days,
                                                            f"{plan.grace_days} days' grace")
            words.append(f"Agreed {format_day(plan.agreed_on)}, "
                         f"{PlanFrequency.word_for(plan.frequency).lower()}, {grace}"
                         + ("; no interest or fees while kept." if plan.freeze_charges
                            else "."))
            if plan.end_reason:
                words.append(plan.end_reason)
            self.plan_label.setText(" ".join(words))
        self._update_actions()

    def _choose(self, chosen: PlanStanding | None) -> None:
        """Choose ``chosen`` again if it is still shown, else the first plan."""
        kept = chosen is not None and self.select_plan(chosen.plan_id)
        if not kept and self.plans.rowCount():
            self.plans_table.selectRow(0)

    def _update_count(self) -> None:
        shown, total = self.plans.rowCount(), self.plans.total_count()
        noun = "plan" if total == 1 else "plans"
        self.count_label.setText(f"{total} {noun}" if shown == total
                                 else f"{shown} of {total} {noun} shown")

    def _update_actions(self) -> None:
        plan = self.current_plan()
        active = plan is not None and plan.status == PlanStatus.ACTIVE
        idle = not self._writes.busy
        self.renegotiate_action.setEnabled(active and idle)
        self.cancel_action.setEnabled(active and idle)
        self.print_action.setEnabled(plan is not None)
        self.email_action.setEnabled(plan is not None and not self.plan_actions.sending)
        self.open_customer_action.setEnabled(plan is not None)
