"""The Insights area: the business at a glance (how fast customers pay, how much is
collected, how old the money owed is, who owes most, the cash expected), one currency
at a time over the months chosen, and the whole of it as a PDF report.

The figures take seconds on a big book: they are read off the GUI thread through the
window's task helper under a ``latest`` key, for the longest period offered, and a
shorter period is cut from them (a month's figures do not depend on how many months
are asked for), so changing the period reads nothing. Meanwhile the page says it is
working out the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.changes import Change, changes
from models.dates import short_date
from reports.insights_text import Insights, insights_snapshot
from reports.table_files import TableFormat
from ui.common.page_actions import page_action
from ui.common.page_header import action_bar, page_head
from ui.common.rows_model import ID_ROLE
from ui.common.style import mute
from ui.common.tasks import Progress, TaskRunner
from ui.insights.glance_view import WORKING_TEXT, GlanceView
from ui.insights.what_works_view import WhatWorksView

PERIODS = (6, 12, 18, 24)  # months the page offers
DEFAULT_PERIOD = 12
PERIOD_KEY = "insights/months"
GLANCE_TAB = "At a glance"
WHAT_WORKS_TAB = "What works"


class InsightsPage(QWidget):
    """The business's figures as tabs: "At a glance" (and, once merged, "What works")."""

    reads = changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY, Change.CONTACTS,
                    Change.FOLLOW_UP)
    """Writes that change the figures (see ui/common/area.py)."""

    loaded = Signal()
    """The figures were read and are on show."""
    customer_requested = Signal(int)
    """The user asked to open a debtor's account (their customer id)."""

    def __init__(self, tasks: TaskRunner, today: Callable[[], dt.date],
                 settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-insights")
        self.tasks = tasks
        self._today = today
        self._settings = settings
        self._insights: Insights | None = None  # as read: the longest period offered
        self._build_actions()
        self._build()
        self._update_actions()

    # --- public ----------------------------------------------------------------------

    def reload(self) -> None:
        """Work the figures out again as they stand today."""
        as_of = self._today()
        if self._insights is None:
            self.glance.show_working()
        self.notice_label.setText(WORKING_TEXT)
        self._what_works_stale = True
        self._load_what_works_if_shown()

        def load(_progress: Progress) -> Insights:
            return insights_snapshot(as_of, max(PERIODS), today=as_of)

        self.tasks.run(load, on_success=self._on_load_task_succeeded,
                       on_failure=self._on_load_task_failed, latest=(self, "load"))

    def clear(self) -> None:
        """Forget the figures shown (the store was closed)."""
        self.tasks.forget((self, "load"))
        self.what_works.cancel()
        self._what_works_stale = True
        self._insights = None
        self.glance.clear()
        self.notice_label.clear()
        self._fill_currencies(())
        self._update_actions()

    def actions_for_menu(self) -> list[QAction]:
        """The Insights menu."""
        return [self.print_action, self.export_action]

    def months(self) -> int:
        """How many months are shown."""
        return PERIODS[self.period_combo.currentIndex()]

    def set_months(self, months: int) -> None:
        """Show the last ``months`` months (one of ``PERIODS``)."""
        self.period_combo.setCurrentIndex(PERIODS.index(months))

    def currency(self) -> str:
        """The currency shown ("" before the figures are read)."""
        return self.currency_combo.currentText()

    def set_currency(self, currency: str) -> None:
        """Show ``currency``'s figures."""
        index = self.currency_combo.findText(currency)
        if index >= 0:
            self.currency_combo.setCurrentIndex(index)

    def shown(self) -> Insights | None:
        """The figures shown: the months chosen, every currency."""
        if self._insights is None:
            return None
        return Insights(self._insights.figures.latest(self.months()), self._insights.debtors,
                        self._insights.cash)

    def notice(self) -> str:
        """What the page last said it did ("" if nothing yet)."""
        return self.notice_label.text()

    # --- building ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.print_action = page_action(
            self, "&Print Report…", "Ctrl+Alt+P", self._on_print_action_triggered,
            tip="Show the figures of every currency as a PDF report, ready to print or save")
        self.export_action = page_action(
            self, "&Export All Tables…", "Ctrl+Alt+E", self._on_export_action_triggered,
            bar_text="Export Tables",
            tip="Export every table of the tab shown (at a glance: of the currency shown) "
                "to one Excel workbook")

    def _build(self) -> None:
        top, self.notice_label = page_head("Insights", "insightsNotice")
        bar = action_bar(self.actions_for_menu())
        self.as_of_label = QLabel()
        self.as_of_label.setObjectName("insightsAsOf")
        mute(self.as_of_label)
        bar.addWidget(self.as_of_label)
        bar.addSpacing(12)
        self.currency_combo = QComboBox()
        self.currency_combo.setObjectName("insightsCurrency")
        self.currency_combo.setAccessibleName("Currency shown")
        self.currency_combo.setToolTip("Each currency's figures on their own: amounts in "
                                       "different currencies are never added together")
        self.currency_combo.currentIndexChanged.connect(self._on_currency_combo_changed)
        self.currency_label = QLabel("C&urrency:")
        self.currency_label.setBuddy(self.currency_combo)
        bar.addWidget(self.currency_label)
        bar.addWidget(self.currency_combo)
        bar.addSpacing(12)
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("insightsPeriod")
        self.period_combo.setAccessibleName("Months shown")
        self.period_combo.addItems([f"Last {n} months" for n in PERIODS])
        self.period_combo.setCurrentIndex(PERIODS.index(self._saved_period()))
        self.period_combo.currentIndexChanged.connect(self._on_period_combo_changed)
        self.period_label = QLabel("P&eriod:")
        self.period_label.setBuddy(self.period_combo)
        bar.addWidget(self.period_label)
        bar.addWidget(self.period_combo)

        self.glance = GlanceView(self.tasks, self.notice_label.setText)
        self.glance.sections["debtors"].table.doubleClicked.connect(
            self._on_debtors_table_double_clicked)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("insightsTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.glance, GLANCE_TAB)
        self._add_what_works_tab()
        self._fill_currencies(())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

    def _add_what_works_tab(self) -> None:
        """The "What works" tab: worked out when first shown (it reads every reminder and
        classes every customer: seconds on a big book), and again when shown after the
        figures were read again."""
        self.what_works = WhatWorksView(self.tasks)
        self._what_works_stale = True
        self.tabs.addTab(self.what_works, WHAT_WORKS_TAB)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

    def _on_tabs_current_changed(self, _index: int) -> None:
        glance = self.tabs.currentWidget() is self.glance
        for widget in (self.period_label, self.period_combo):  # what works has neither
            widget.setVisible(glance)
        for widget in (self.currency_label, self.currency_combo):
            widget.setVisible(glance and self.currency_combo.count() > 1)
        self._load_what_works_if_shown()

    def _load_what_works_if_shown(self) -> None:
        if self._what_works_stale and self.tabs.currentWidget() is self.what_works:
            self._what_works_stale = False
            self.what_works.load(self._today())

    # --- reading ---------------------------------------------------------------------------

    def _on_load_task_succeeded(self, insights: Insights) -> None:
        self._insights = insights
        self.notice_label.clear()
        self.as_of_label.setText(f"As of {short_date(insights.figures.as_of)}")
        self._fill_currencies(insights.figures.currencies)
        self._show()
        self.loaded.emit()

    def _on_load_task_failed(self, _error: BaseException) -> bool:
        self.notice_label.clear()
        if self._insights is None:
            self.glance.clear()
        return False  # the task helper tells the user what went wrong

    def _show(self) -> None:
        shown = self.shown()
        if shown is not None:
            self.glance.show_figures(shown, self.currency())
        self._update_actions()

    def _fill_currencies(self, currencies: tuple[str, ...]) -> None:
        """Offer ``currencies``, keeping the one chosen if it is still there; the choice is
        hidden when there is only one."""
        chosen = self.currency_combo.currentText()
        self.currency_combo.blockSignals(True)
        self.currency_combo.clear()
        self.currency_combo.addItems(list(currencies))
        index = self.currency_combo.findText(chosen)
        self.currency_combo.setCurrentIndex(max(index, 0) if currencies else -1)
        self.currency_combo.blockSignals(False)
        several = len(currencies) > 1 and self.tabs.currentWidget() is self.glance
        self.currency_combo.setVisible(several)
        self.currency_label.setVisible(several)

    # --- slots --------------------------------------------------------------------------------

    def _on_period_combo_changed(self, _index: int) -> None:
        if self._settings is not None:
            self._settings.setValue(PERIOD_KEY, self.months())
        self._show()

    def _on_currency_combo_changed(self, _index: int) -> None:
        self._show()

    def _on_debtors_table_double_clicked(self, index: QModelIndex) -> None:
        customer_id = index.data(ID_ROLE)
        if isinstance(customer_id, int):
            self.customer_requested.emit(customer_id)

    def _on_export_action_triggered(self) -> None:
        if self.tabs.currentWidget() is self.what_works:
            if self.what_works.answer is not None:
                self.glance.table_export.ask(
                    self.what_works.sheets(),
                    f"What works {self.what_works.answer.as_of.isoformat()}",
                    TableFormat.XLSX)
            return
        if self._insights is None or not self.glance.currency:
            return
        day = self._insights.figures.as_of.isoformat()
        self.glance.table_export.ask(self.glance.sheets(),
                                     f"Insights {self.glance.currency} {day}",
                                     TableFormat.XLSX)

    def _on_print_action_triggered(self) -> None:
        shown = self.shown()
        if shown is None:
            return
        from reports.insights_report import (
            insights_report_data,
            render_insights_report,
            report_file_name,
        )
        from ui.common.pdf_files import PdfFile, discard_pdf, new_pdf_path

        today = self._today()

        def build(_progress: Progress) -> PdfFile:
            data = insights_report_data(shown.figures.as_of, today=today, insights=shown)
            name = report_file_name(data)
            path = new_pdf_path(name)
            try:
                render_insights_report(data, path)
            except BaseException:
                discard_pdf(path)
                raise
            return PdfFile(path, f"Insights as of {short_date(shown.figures.as_of)}", name)

        def show(pdf: PdfFile) -> None:
            from ui.common.pdf_preview import PdfPreviewDialog

            PdfPreviewDialog.show_pdf(self.window(), pdf, self.tasks)

        self.tasks.run(build, label="Building the report…", on_success=show)

    # --- helpers --------------------------------------------------------------------------------

    def _saved_period(self) -> int:
        if self._settings is None:
            return DEFAULT_PERIOD
        try:
            months = int(self._settings.value(PERIOD_KEY, DEFAULT_PERIOD))
        except (TypeError, ValueError):
            return DEFAULT_PERIOD
        return months if months in PERIODS else DEFAULT_PERIOD

    def _update_actions(self) -> None:
        has_figures = self._insights is not None and bool(self._insights.figures.months)
        self.print_action.setEnabled(has_figures)
        self.export_action.setEnabled(has_figures and bool(self.glance.currency))
