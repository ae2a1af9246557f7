"""What works (issue 18): how much of the chased amount was paid after each stage,
channel, tone and template against accounts not chased then, and template A against
template B, for all customers or one class.

The figures are :func:`models.what_works.what_works`'; they are worked out off the GUI
thread through the window's task helper, with a progress bar and a Cancel button on the
view itself. Each customer's class comes from ``classes`` (by default
:func:`models.customer_class.classes_by_customer`, every customer read together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.customer_class import classes_by_customer
from models.dates import short_date
from models.kinds import CustomerClass
from models.what_works import METHOD, WhatWorks, what_works
from reports.spreadsheet_xlsx import Sheet
from reports.what_works_text import ALL_CUSTOMERS, assumed_templates_words, what_works_sheets
from ui.common.list_table import list_table
from ui.common.style import mute, scale_font
from ui.common.tasks import Task, TaskProgress, TaskRunner
from ui.insights.what_works_model import ComparisonsModel, WhatWorksModel

Classes = Callable[[dt.date, Callable[[int, int], None]], Mapping[int, CustomerClass]]

NOTHING_TO_COMPARE = (
    "Not enough cases yet: no stage has had its letters or e-mails written from two "
    "different templates, so there is nothing to compare. Give a stage another template "
    "for a while (Settings › Follow-up policies) and the two are set side by side here "
    "once each has 30 cases.")


def _every_customers_class(as_of: dt.date,
                           progress: Callable[[int, int], None]) -> Mapping[int, CustomerClass]:
    return classes_by_customer(as_of, progress=progress)


class _Relay(QObject):
    """Carries the worker's progress to the GUI thread (a queued signal)."""

    progressed = Signal(int, int, str)


class WhatWorksView(QWidget):
    """The what-works table and the template comparisons, with a class selector."""

    loaded = Signal()
    """The figures were worked out and are on show."""
    stopped = Signal()
    """The user cancelled the work; what was shown before stays."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 classes: Classes | None = _every_customers_class) -> None:
        super().__init__(parent)
        self.setObjectName("whatWorksView")
        self.tasks = tasks
        self._classes = classes
        self._answer: WhatWorks | None = None
        self._task: Task | None = None
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_relay_progressed)
        self._build()

    # --- public ------------------------------------------------------------------------

    def load(self, as_of: dt.date) -> None:
        """Work out what works as of ``as_of`` in the background, showing its progress."""
        relay, classes = self._relay, self._classes

        def work(progress: TaskProgress) -> WhatWorks:
            def told(step: str) -> Callable[[int, int], None]:
                def tell(done: int, total: int) -> None:
                    progress(done, total)  # raises once the user has cancelled
                    relay.progressed.emit(done, total, step)
                return tell

            mapping = (classes(as_of, told("Sorting customers into classes…"))
                       if classes is not None else None)
            return what_works(as_of, mapping, progress=told("Measuring what works…"))

        self._set_busy(True)
        self._task = self.tasks.run(work, on_success=self._on_load_task_succeeded,
                                    on_failure=self._on_load_task_failed,
                                    on_cancel=self._on_load_task_cancelled,
                                    cancellable=True, latest=(self, "load"))

    def cancel(self) -> None:
        """Stop the work on its way, if any."""
        if self._task is not None:
            self._task.cancel()

    @property
    def answer(self) -> WhatWorks | None:
        """The figures shown, once loaded."""
        return self._answer

    def show_class(self, customer_class: CustomerClass | None) -> None:
        """Show the figures of all customers (None) or of one class."""
        position = self.class_combo.findData(
            None if customer_class is None else str(customer_class))
        if position >= 0:
            self.class_combo.setCurrentIndex(position)

    def sheets(self) -> list[Sheet]:
        """The tables shown (for the class chosen) as worksheets, numbers as numbers."""
        if self._answer is None:
            return []
        return what_works_sheets(self._answer, self.rows.shown_class())

    # --- building ------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("What works")
        title.setObjectName("pageTitle")
        scale_font(title, 1.3, bold=True)
        self.method_label = QLabel("How is this measured?")
        self.method_label.setObjectName("whatWorksMethod")
        self.method_label.setToolTip(METHOD)
        mute(self.method_label)
        self.class_combo = QComboBox()
        self.class_combo.setObjectName("whatWorksClass")
        self.class_combo.setAccessibleName("Customers shown")
        # As wide as the longest class's word: the classes are added once read.
        self.class_combo.setMinimumContentsLength(max(len(k.word) for k in CustomerClass))
        self.class_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.class_combo.addItem(ALL_CUSTOMERS, None)
        self.class_combo.currentIndexChanged.connect(self._on_class_combo_changed)
        show = QLabel("&Customers:")
        show.setBuddy(self.class_combo)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.method_label)
        top.addStretch(1)
        top.addWidget(show)
        top.addWidget(self.class_combo)

        self.progress_label = QLabel()
        mute(self.progress_label)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("whatWorksProgress")
        self.progress_bar.setRange(0, 0)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("whatWorksCancel")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        busy = QHBoxLayout()
        busy.addWidget(self.progress_label)
        busy.addWidget(self.progress_bar, 1)
        busy.addWidget(self.cancel_button)
        self.busy_row = QWidget()
        self.busy_row.setLayout(busy)
        self.busy_row.setVisible(False)

        self.rows = WhatWorksModel(self)
        self.rows_table = list_table(self.rows, "whatWorksTable",
                                     "What was paid after each reminder")
        self.rows_table.setParent(self)
        self.rows_table.setToolTip(METHOD)
        self.comparisons = ComparisonsModel(self)
        self.comparisons_table = list_table(self.comparisons, "whatWorksComparisons",
                                            "Template A against template B")
        self.comparisons_table.setParent(self)
        self.comparisons_table.setToolTip(METHOD)
        # In place of the comparisons' table while there is nothing to compare.
        self.comparisons_empty = QLabel(NOTHING_TO_COMPARE)
        self.comparisons_empty.setObjectName("whatWorksNoComparisons")
        self.comparisons_empty.setTextFormat(Qt.TextFormat.PlainText)
        self.comparisons_empty.setWordWrap(True)
        mute(self.comparisons_empty)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("whatWorksSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        mute(self.summary_label)
        compare = QLabel("Template A against template B at the same stage")
        scale_font(compare, 1.1, bold=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.busy_row)
        layout.addWidget(self.rows_table, 3)
        layout.addSpacing(6)
        layout.addWidget(compare)
        layout.addWidget(self.comparisons_table, 1)
        layout.addWidget(self.comparisons_empty)
        layout.addWidget(self.summary_label)
        self._show_comparisons_or_why_none()

    # --- slots -------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.busy_row.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        if busy:
            self.progress_bar.setRange(0, 0)
            self.progress_label.setText("Working out what works…")

    @Slot(int, int, str)
    def _on_relay_progressed(self, done: int, total: int, step: str) -> None:
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
        self.progress_label.setText(step)

    def _on_load_task_succeeded(self, answer: WhatWorks) -> None:
        self._task = None
        self._answer = answer
        self._set_busy(False)
        chosen = self.rows.shown_class()
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItem(ALL_CUSTOMERS, None)
        for kind in answer.classes:
            self.class_combo.addItem(kind.word, str(kind))
        self.class_combo.blockSignals(False)
        self.rows.set_rows(answer.rows)
        self.comparisons.set_rows(answer.comparisons)
        for table in (self.rows_table, self.comparisons_table):
            # Each heading whole, on two lines ("Baseline" over "(14 days)"): on one the
            # figures took 1,060 pixels and a window 1,180 wide cut the notes off.
            table.resizeColumnsToContents()
        self.method_label.setToolTip(answer.method)
        self.show_class(chosen if chosen in answer.classes else None)
        self._apply_class()
        self.loaded.emit()

    def _on_load_task_failed(self, _error: BaseException) -> bool:
        self._task = None
        self._set_busy(False)
        return False  # the task helper shows it

    def _on_load_task_cancelled(self) -> None:
        self._task = None
        self._set_busy(False)
        self.stopped.emit()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.progress_label.setText("Stopping…")
        self.cancel()

    @Slot(int)
    def _on_class_combo_changed(self, _index: int) -> None:
        self._apply_class()

    def _apply_class(self) -> None:
        value = self.class_combo.currentData()
        chosen = None if value is None else CustomerClass(value)
        self.rows.show_class(chosen)
        self.comparisons.show_class(chosen)
        self._show_comparisons_or_why_none()
        if self._answer is not None:
            shown = self.rows.rows()
            enough = sum(r.enough for r in shown)
            assumed = self._answer.assumed_templates
            older = f" {assumed_templates_words(assumed)}" if assumed else ""
            self.summary_label.setText(
                f"{len(shown)} rows, {enough} on enough cases; as of "
                f"{short_date(self._answer.as_of)}; baseline from "
                f"{self._answer.baseline_customers} customers' days without a "
                f"reminder.{older}")

    def _show_comparisons_or_why_none(self) -> None:
        """The comparisons' table, or in its place a line saying why there are none."""
        none = self.comparisons.rowCount() == 0 and self._answer is not None
        self.comparisons_table.setVisible(not none)
        self.comparisons_empty.setVisible(none)
