"""The Accounts area: who owes what and how late, as of any day.

The list is read off the GUI thread through the window's task helper, under a
``latest`` key: a result that arrives after a newer request was made is dropped,
so changing the as-of date quickly never shows old figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QByteArray,
    QDate,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.accounts import (
    DEFAULT_BUCKET_EDGES,
    AccountRow,
    CurrencyTotals,
    bucket_labels,
    invoice_customers,
    overdue_accounts,
)
from models.changes import Change, changes
from models.customer_class import Classification, listed_classes
from models.dates import short_date, weekday_date
from models.kinds import CustomerClass
from models.money import format_money
from models.overview import has_invoices
from models.plans import plan_standings
from ui.accounts.accounts_exports import AccountsExports
from ui.accounts.accounts_model import (
    COLUMN_CLASS,
    COLUMN_CURRENCY,
    COLUMN_CUSTOMER,
    COLUMN_DAYS,
    COLUMN_LAST_CONTACT,
    COLUMN_NEXT_ACTION,
    FLAGS,
    MONEY_COLUMNS,
    AccountFilter,
    AccountFlag,
    AccountsModel,
    amount_text,
)
from ui.accounts.aging_chart import AgingChart
from ui.common.chart_colours import BUCKET_COLOURS
from ui.common.list_table import list_table
from ui.common.page_actions import page_action
from ui.common.resources import icon
from ui.common.style import mute, scale_font
from ui.common.tasks import Progress, TaskRunner

HEADER_KEY = "accounts/header-v2"  # v2: the Class column
CHART_MIN_WIDTH = 240
SHOW_ALL_KEY = "accounts/show-all"
# Typing a date digit by digit changes it several times; load once it settles.
DATE_SETTLE_MS = 300
# Invoice numbers are searched in the store once the typing pauses.
INVOICE_SEARCH_MS = 250

class TotalsStrip(QFrame):
    """Per currency: accounts, each aging bucket and the overdue total (never across currencies).

    The header row doubles as the chart's colour key. Lines are kept and
    reused: the strip follows the filter at every keystroke.
    """

    def __init__(self, labels: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("totalsStrip")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(18)
        self._grid.setVerticalSpacing(4)
        self._totals: list[CurrencyTotals] = []
        self._lines: list[list[QLabel]] = []
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        titles = ["", "Accounts",
                  *(f'<span style="color:{colour}">■</span>&nbsp;{title}'
                    for title, colour in zip(labels, BUCKET_COLOURS, strict=True)),
                  "Overdue"]
        self._header_texts = ["", "Accounts", *labels, "Overdue"]
        self._columns = len(titles)
        for column, title in enumerate(titles):
            header = self._label(0, column, title)
            header.setTextFormat(Qt.TextFormat.RichText if column in range(2, self._columns - 1)
                                 else Qt.TextFormat.PlainText)
            mute(header)
            scale_font(header, 0.9)

    def totals(self) -> list[CurrencyTotals]:
        """The totals on show."""
        return list(self._totals)

    def texts(self) -> list[list[str]]:
        """The strip's words, line by line, the column titles first."""
        return [list(self._header_texts),
                *([label.text() for label in line] for line in self._lines[:len(self._totals)])]

    def set_totals(self, totals: Sequence[CurrencyTotals]) -> None:
        """Show ``totals``: one line per currency, buckets from current to oldest."""
        if list(totals) == self._totals:
            return
        self._totals = list(totals)
        while len(self._lines) < len(totals):
            self._add_line()
        for number, line in enumerate(self._lines):
            shown = number < len(totals)
            if line[0].isVisible() != shown or not shown:
                for label in line:
                    label.setVisible(shown)
            if not shown:
                continue
            entry = totals[number]
            texts = [entry.currency, f"{entry.accounts:,}",
                     *(amount_text(amount, entry.currency) if amount else "–"
                       for amount in entry.buckets),
                     format_money(entry.overdue_minor, entry.currency)]
            for label, text in zip(line, texts, strict=True):
                if label.text() != text:
                    label.setText(text)

    def _add_line(self) -> None:
        row = len(self._lines) + 1
        line = [self._label(row, column, "") for column in range(self._columns)]
        for label in (line[0], line[-1]):
            scale_font(label, 1.0, bold=True)
        self._lines.append(line)

    def _label(self, row: int, column: int, text: str) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        align = (Qt.AlignmentFlag.AlignRight if column else Qt.AlignmentFlag.AlignLeft) \
            | Qt.AlignmentFlag.AlignVCenter
        self._grid.addWidget(label, row, column, align)
        return label


class AccountsPage(QWidget):
    """Overdue accounts with aging buckets, totals per currency and filters, as of any day."""

    reads = changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY, Change.CONTACTS,
                    Change.FOLLOW_UP, Change.WORKLIST, Change.POLICIES)
    """Writes that change the overdue list (see ui/common/area.py)."""

    customer_requested = Signal(int)
    """The user asked to open a customer (Enter or double-click on a row): its id."""
    accounts_loaded = Signal(object)
    """A list of accounts arrived and is on show (the as-of date it is for)."""
    classes_loaded = Signal(object)
    """The customers' classes arrived and are on show (the as-of date they are for)."""
    current_changed = Signal()
    """The account in hand changed: :meth:`current_customer_id` may differ."""

    def __init__(self, tasks: TaskRunner, today: Callable[[], dt.date],
                 parent: QWidget | None = None, *, settings: QSettings | None = None) -> None:
        """Build the page; nothing is read until :meth:`reload` or :meth:`set_as_of`.

        ``today`` gives the business's date; ``settings`` keeps the table's
        column widths and sort (default: the application's settings).
        """
        super().__init__(parent)
        self.setObjectName("page-accounts")
        self._no_invoices = False  # the business has no invoice at all yet
        self._import: QAction | None = None  # the window's Import, offered then
        self._tasks = tasks
        self._today = today
        self._settings = settings if settings is not None else QSettings()
        self._loading = False
        self._loaded_once = False
        self._widths_set = False
        self._saving_header = False
        self._labels = bucket_labels(DEFAULT_BUCKET_EDGES)
        self.model = AccountsModel(self)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(DATE_SETTLE_MS)
        self._settle.timeout.connect(self._on_settle_timeout)
        self._invoice_timer = QTimer(self)
        self._invoice_timer.setSingleShot(True)
        self._invoice_timer.setInterval(INVOICE_SEARCH_MS)
        self._invoice_timer.timeout.connect(self._on_invoice_timer_timeout)
        self._invoice_text = ""  # the text (case-folded) the invoice matches are for
        self._invoice_matches: frozenset[int] = frozenset()
        self._build()
        self._restore_header()
        self._show_state("idle")

    # --- public ---------------------------------------------------------------

    def as_of(self) -> dt.date:
        """The day the figures are for."""
        return self.as_of_edit.date().toPython()

    def set_as_of(self, day: dt.date) -> None:
        """Show the accounts as they stand on ``day`` (loaded in the background)."""
        self._set_date_quietly(day)
        self._load()

    def offer_import(self, action: QAction) -> None:
        """Offer the window's Import while the business has no invoices yet."""
        self._import = action
        self.import_button.clicked.connect(action.trigger)

    def reload(self) -> None:
        """Read the accounts again for the current as-of date."""
        self._load()

    def clear(self) -> None:
        """Forget the accounts (the store closed); any load on its way is dropped."""
        for key in ("accounts", "invoices", "classes"):
            self._tasks.forget((self, key))
        self._invoice_timer.stop()
        self._invoice_text, self._invoice_matches = "", frozenset()
        self._loading = False
        self._settle.stop()
        self.model.set_rows([], None)
        self._loaded_once = False
        self._update_after_rows()
        self._show_state("idle")

    def is_loading(self) -> bool:
        """Whether a list is being read."""
        return self._loading

    def contact_in_hand(self) -> tuple[int, None] | None:
        """The customer Log Contact is for: the account in hand."""
        customer_id = self.current_customer_id()
        return (customer_id, None) if customer_id is not None else None

    def current_customer_id(self) -> int | None:
        """The customer of the account in hand (the current row), if any."""
        account = self._current_account()
        return account[0] if account is not None else None

    def totals(self) -> list[CurrencyTotals]:
        """Totals per currency of the accounts on show."""
        return self.model.totals()

    def focus_filter(self) -> None:
        """Put the cursor in the filter box, its text selected (Ctrl+F)."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # --- loading ----------------------------------------------------------------

    def _load(self) -> None:
        self._settle.stop()
        as_of, today = self.as_of(), self._today()
        include_all = self.show_all_box.isChecked()

        def work(_progress: Progress) -> tuple[list[AccountRow], bool, dict[tuple[int, str],
                                                                            str]]:
            rows = overdue_accounts(as_of, today=today, include_all=include_all)
            plans = {(p.customer_id, p.currency): p.summary
                     for p in plan_standings(as_of, active_only=True)}
            return rows, not rows and not has_invoices(), plans  # no invoices: a new company

        self._loading = True
        self._update_heading()
        self._update_count()
        if not self._loaded_once:
            self._show_state("loading")
        self._tasks.run(work, latest=(self, "accounts"),
                        on_success=lambda found: self._on_load_task_succeeded(as_of, *found),
                        on_failure=self._on_load_task_failed)

    def _on_load_task_succeeded(self, as_of: dt.date, rows: list[AccountRow],
                                no_invoices: bool = False,
                                plans: dict[tuple[int, str], str] | None = None) -> None:
        self._no_invoices = no_invoices
        self._loading = False
        self._loaded_once = True
        keep = self._current_account()
        self.model.set_rows(rows, as_of, plans)
        self._fill_currencies()
        if not self._widths_set and rows:
            self._size_columns()
        self._update_after_rows(keep)
        self.accounts_loaded.emit(as_of)
        self._load_classes(as_of, rows)

    def _on_load_task_failed(self, _error: BaseException) -> bool:
        self._loading = False
        self._update_heading()
        self._update_count()
        if not self._loaded_once:
            self._show_state("failed")
        return False  # the task helper tells the user what went wrong

    # --- building ------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("Accounts")
        title.setObjectName("pageTitle")
        scale_font(title, 1.5, bold=True)
        self.heading_label = QLabel()
        self.heading_label.setObjectName("asOfHeading")
        self.heading_label.setMinimumWidth(1)  # clips rather than hold a narrow window wide
        mute(self.heading_label)

        as_of_label = QLabel("&As of")
        self.as_of_edit = QDateEdit()
        self.as_of_edit.setObjectName("asOf")
        self.as_of_edit.setAccessibleName("As of")
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("ddd d MMM yyyy")
        self.as_of_edit.setMinimumDate(QDate(2000, 1, 1))
        self.as_of_edit.setToolTip("Every figure on this page is as it stood on this day. "
                                   "A later day shows what will be overdue if nothing more "
                                   "is paid.")
        as_of_label.setBuddy(self.as_of_edit)
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Go back to today's figures")
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self._set_date_quietly(self._today())
        self.as_of_edit.dateChanged.connect(self._on_as_of_edit_date_changed)

        self.count_label = QLabel()
        self.count_label.setObjectName("accountsCount")
        self.count_label.setMinimumWidth(1)
        mute(self.count_label)
        subtitle = QHBoxLayout()
        subtitle.setSpacing(0)
        subtitle.addWidget(self.heading_label)
        subtitle.addWidget(self.count_label)
        subtitle.addStretch(1)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(title)
        words.addLayout(subtitle)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addLayout(words, 1)
        top.addWidget(as_of_label, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.as_of_edit, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.today_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.exports = AccountsExports(self, self._tasks, self._today)  # the Export menu
        top.addWidget(self.exports.button, 0, Qt.AlignmentFlag.AlignVCenter)

        self.totals_strip = TotalsStrip(self._labels)
        self.chart = AgingChart(self._labels)
        summary = QHBoxLayout()
        summary.setSpacing(24)
        summary.addWidget(self.totals_strip, 0,
                          Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        summary.addWidget(self.chart, 1, Qt.AlignmentFlag.AlignTop)
        self._summary = QWidget()
        self._summary.setLayout(summary)
        summary.setContentsMargins(0, 0, 0, 0)

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("accountsFilter")
        self.filter_edit.setPlaceholderText("Filter by customer or invoice number")
        self.filter_edit.setAccessibleName("Filter accounts")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(
            self.filter_edit.fontMetrics().horizontalAdvance("Filter by customer") + 48)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.filter_edit.installEventFilter(self)
        self.find_action = page_action(
            self, "&Find Account", QKeySequence.StandardKey.Find,
            self._on_find_action_triggered, tip="Find an account by customer or invoice number")

        self.bucket_combo = QComboBox()
        self.bucket_combo.setAccessibleName("Age")
        self.bucket_combo.setToolTip("Only accounts with money of this age")
        self.bucket_combo.addItem("Any age", -1)
        self.bucket_combo.addItem("Not yet due", 0)
        for bucket, label in enumerate(self._labels[1:-1], start=1):
            self.bucket_combo.addItem(f"{label} days late", bucket)
        self.bucket_combo.addItem(f"{self._labels[-1]} days late", len(self._labels) - 1)
        self.flag_combo = QComboBox()
        self.flag_combo.setAccessibleName("Flag")
        self.flag_combo.setToolTip("Only accounts with this flag")
        self.flag_combo.addItem("Any flag", "")
        for flag in FLAGS:
            self.flag_combo.addItem(flag.title, flag.value)
        self.class_combo = self._build_class_filter()
        self.currency_combo = QComboBox()
        self.currency_combo.setAccessibleName("Currency")
        self.currency_combo.setToolTip("Only accounts in this currency")
        self.currency_combo.addItem("All currencies", "")
        for combo in (self.bucket_combo, self.flag_combo, self.class_combo, self.currency_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._on_filter_combo_current_index_changed)
        self.show_all_box = QCheckBox("Show all customers")
        self.show_all_box.setToolTip("Also list customers who owe nothing overdue")
        self.show_all_box.setChecked(self._settings.value(SHOW_ALL_KEY, False, type=bool))
        self.show_all_box.toggled.connect(self._on_show_all_box_toggled)

        # The choices sit beside the filter box, or under it in a narrow window.
        self._filter_row = QHBoxLayout()
        self._filter_row.setSpacing(8)
        self._filter_row.addWidget(self.filter_edit, 1)
        self._choices = QWidget()
        choices = QHBoxLayout(self._choices)
        choices.setContentsMargins(0, 0, 0, 0)
        choices.setSpacing(8)
        for widget in (self.bucket_combo, self.flag_combo, self.class_combo, self.currency_combo):
            choices.addWidget(widget)
        choices.addSpacing(4)
        choices.addWidget(self.show_all_box)
        choices.addStretch(1)
        # No minimum of its own, so the window can narrow; then it moves below.
        self._choices.setMinimumWidth(1)
        self._filter_row.addWidget(self._choices)
        filters = QVBoxLayout()
        filters.setSpacing(6)
        filters.addLayout(self._filter_row)
        self._choices_below = filters

        self.table = self._build_table()
        self._size_columns(initial=True)
        self.message_label = QLabel()
        self.message_label.setObjectName("accountsMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scale_font(self.message_label, 1.1)
        mute(self.message_label)
        self._message_icon = QLabel()
        self._message_icon.setPixmap(icon("accounts").pixmap(48, 48))
        self._message_icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clear_filters_button = QPushButton("Clear filters")
        self.clear_filters_button.clicked.connect(self._on_clear_filters_button_clicked)
        self.import_button = QPushButton("Import from your accounting program…")
        self.import_button.setObjectName("importFromEmpty")
        self.import_button.hide()
        message = QWidget()
        message.setBackgroundRole(self.table.backgroundRole())
        message_layout = QVBoxLayout(message)
        message_layout.addStretch(2)
        message_layout.addWidget(self._message_icon)
        message_layout.addSpacing(10)
        message_layout.addWidget(self.message_label)
        message_layout.addSpacing(10)
        message_layout.addWidget(self.clear_filters_button, 0, Qt.AlignmentFlag.AlignHCenter)
        message_layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignHCenter)
        message_layout.addStretch(3)
        self._message_page = message
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        # In a narrow window the totals scroll sideways rather than hold it wide.
        self._summary_scroll = QScrollArea()
        self._summary_scroll.setWidget(self._summary)
        self._summary_scroll.setWidgetResizable(True)
        self._summary_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._summary_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._summary_scroll.setSizePolicy(QSizePolicy.Policy.Preferred,
                                           QSizePolicy.Policy.Maximum)
        self._summary_scroll.viewport().setAutoFillBackground(False)
        self._summary.setAutoFillBackground(False)
        layout.addWidget(self._summary_scroll)
        layout.addLayout(filters)
        layout.addWidget(self.body, 1)
        self.setTabOrder(self.as_of_edit, self.today_button)
        self.setTabOrder(self.today_button, self.filter_edit)
        self.setTabOrder(self.filter_edit, self.bucket_combo)
        self.setTabOrder(self.bucket_combo, self.flag_combo)
        self.setTabOrder(self.flag_combo, self.class_combo)
        self.setTabOrder(self.class_combo, self.currency_combo)
        self.setTabOrder(self.currency_combo, self.show_all_box)
        self.setTabOrder(self.show_all_box, self.table)

    def _build_table(self) -> QTableView:
        table = list_table(self.model, "accountsTable", "Accounts")
        header = table.horizontalHeader()
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        header.sectionResized.connect(self._on_header_section_resized)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_custom_context_menu_requested)
        header.moveSection(COLUMN_CLASS, 1)  # how they pay, beside who they are
        table.activated.connect(self._on_table_activated)
        table.selectionModel().currentChanged.connect(self._on_table_current_changed)
        return table

    def _size_columns(self, initial: bool = False) -> None:
        """Widths from the widest figure in each column (the first load), not every row."""
        table, model = self.table, self.model
        metrics = table.fontMetrics()
        header = table.horizontalHeader()
        head = QFontMetrics(header.font())
        pad = 14

        def fit(column: int, sample: str) -> int:
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            return max(metrics.horizontalAdvance(sample), head.horizontalAdvance(title)) + pad

        rows = model.rows()
        measured = bool(rows) and not initial
        self._saving_header = True
        try:
            names = [metrics.horizontalAdvance(r.name) for r in rows[:2000]]
            name_width = max(names, default=metrics.horizontalAdvance("M" * 14))
            header.resizeSection(COLUMN_CUSTOMER, min(max(name_width + pad, 140), 200))
            header.resizeSection(COLUMN_CURRENCY, fit(COLUMN_CURRENCY, "EUR"))
            for column in MONEY_COLUMNS:
                sample = model.widest_amount(column) if measured else "99,999.00"
                header.resizeSection(column, fit(column, sample))
            header.resizeSection(COLUMN_DAYS, fit(COLUMN_DAYS, "999"))
            header.resizeSection(COLUMN_LAST_CONTACT, fit(COLUMN_LAST_CONTACT,
                                                          "30 Sep · Meeting"))
            header.resizeSection(COLUMN_NEXT_ACTION, fit(COLUMN_NEXT_ACTION, "30 Sep"))
            header.resizeSection(COLUMN_CLASS, fit(COLUMN_CLASS, "Temporary difficulty"))
        finally:
            self._saving_header = False
        if measured:
            self._widths_set = True
            self._save_header()

    # --- header state ------------------------------------------------------------

    def _restore_header(self) -> None:
        state = self._settings.value(HEADER_KEY)
        header = self.table.horizontalHeader()
        if not isinstance(state, QByteArray):
            return
        self._saving_header = True
        try:
            restored = header.restoreState(state)
        finally:
            self._saving_header = False
        if restored and header.count() == self.model.columnCount():
            self._widths_set = True
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _save_header(self) -> None:
        if not self._saving_header:
            self._settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())

    # --- showing what there is ------------------------------------------------------

    def _set_date_quietly(self, day: dt.date) -> None:
        blocked = self.as_of_edit.blockSignals(True)
        self.as_of_edit.setDate(QDate(day.year, day.month, day.day))
        self.as_of_edit.blockSignals(blocked)
        self._update_heading()

    def _update_after_rows(self, keep: tuple[int, str] | None = None) -> None:
        self.current_changed.emit()  # a reset model has no current row until one is chosen
        totals = self.model.totals()
        self.totals_strip.set_totals(totals)
        self.chart.set_totals(totals)
        self._summary_scroll.setVisible(bool(totals))
        self._fit_summary()
        self._update_heading()
        self._update_count()
        if not self._loaded_once:
            return
        if self.model.rowCount() == 0:
            self._show_state("empty" if not self.model.rows() else "filtered out")
            return
        self._show_state("table")
        self._select(keep)

    def _update_heading(self) -> None:
        as_of, today = self.as_of(), self._today()
        self.today_button.setEnabled(as_of != today)
        if as_of == today:
            text = f"Overdue today, {weekday_date(as_of)}"
        elif as_of < today:
            text = (f"As it stood on {weekday_date(as_of)}: payments that came in later "
                    f"are not counted")
        else:
            text = (f"Looking ahead to {weekday_date(as_of)}: what will be overdue "
                    f"if nothing more is paid")
        self.heading_label.setText(text)

    def _update_count(self) -> None:
        if self._loading:
            self.count_label.setText(" · Loading…")
            return
        if not self._loaded_once:
            self.count_label.setText("")
            return
        shown, held = self.model.rowCount(), len(self.model.rows())
        noun = "account" if held == 1 else "accounts"
        self.count_label.setText(f" · {held:,} {noun}" if shown == held
                                 else f" · {shown:,} of {held:,} {noun} shown")

    def _show_state(self, state: str) -> None:
        """Table, or a message: idle, loading, failed, empty, filtered out."""
        if state == "table":
            self.body.setCurrentWidget(self.table)
            return
        day = short_date(self.as_of())
        future = self.as_of() > self._today()
        past = self.as_of() < self._today()
        texts = {
            "idle": "",
            "loading": "Loading the accounts…",
            "failed": "The accounts could not be read.",
            "filtered out": self._filtered_out_text(),
            "no invoices": ("No invoices yet. Bring them in from your accounting program's "
                            "export, or add them to a customer in Customers."),
            "empty": (f"No accounts will be overdue on {day} unless new invoices fall due."
                      if future else
                      f"No overdue accounts on {day} — everyone had paid on time."
                      if past else
                      f"No overdue accounts on {day} — everyone has paid on time."),
        }
        if state == "empty" and self._no_invoices:
            state = "no invoices"
        self.message_label.setText(texts[state])
        self._message_icon.setVisible(state in ("empty", "filtered out", "no invoices"))
        self.clear_filters_button.setVisible(state == "filtered out")
        self.import_button.setVisible(state == "no invoices" and self._import is not None)
        self.body.setCurrentWidget(self._message_page)

    def _current_account(self) -> tuple[int, str] | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = self.model.row_at(index.row())
        return (row.customer_id, row.currency)

    def _select(self, account: tuple[int, str] | None) -> None:
        """Select ``account`` again if it is on show; else make the first row current.

        The first row is made current but not selected, so that Enter and
        the arrow keys work at once without a selection the user never made.
        """
        row = self.model.row_of(*account) if account is not None else None
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        if row is None:
            row, flags = 0, QItemSelectionModel.SelectionFlag.NoUpdate
        index = self.model.index(row, max(self.table.currentIndex().column(), 0))
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def _fit_filters(self) -> None:
        """The filter choices go under the filter box when there is no room beside it."""
        margins = self.layout().contentsMargins()
        room = self.width() - margins.left() - margins.right()
        wanted = (self.filter_edit.fontMetrics().horizontalAdvance(
            self.filter_edit.placeholderText()) + 48 + self._filter_row.spacing()
            + self._choices.sizeHint().width())
        below = room < wanted
        if below == (self._choices_below.indexOf(self._choices) >= 0):
            return
        (self._filter_row if below else self._choices_below).removeWidget(self._choices)
        (self._choices_below if below else self._filter_row).addWidget(self._choices)

    def _fit_summary(self) -> None:
        """The chart shows only where it has room beside the totals."""
        margins = self.layout().contentsMargins()
        room = (self.width() - margins.left() - margins.right()
                - self.totals_strip.sizeHint().width() - self._summary.layout().spacing())
        self.chart.setVisible(bool(self.totals_strip.totals()) and room >= CHART_MIN_WIDTH)
        needs_bar = self._summary.minimumSizeHint().width() > self._summary_scroll.width()
        bar = self._summary_scroll.horizontalScrollBar().sizeHint().height() if needs_bar else 0
        self._summary_scroll.setFixedHeight(self._summary.sizeHint().height() + bar)

    def _fill_currencies(self) -> None:
        chosen = self.currency_combo.currentData()
        currencies = self.model.currencies()
        if chosen and chosen not in currencies:
            currencies = sorted([*currencies, chosen])  # keep the user's choice on offer
        blocked = self.currency_combo.blockSignals(True)
        while self.currency_combo.count() > 1:
            self.currency_combo.removeItem(1)
        for currency in currencies:
            self.currency_combo.addItem(currency, currency)
        self.currency_combo.setCurrentIndex(max(self.currency_combo.findData(chosen), 0))
        self.currency_combo.blockSignals(blocked)
        self.currency_combo.setEnabled(len(currencies) > 1 or bool(chosen))

    def _current_filter(self) -> AccountFilter:
        bucket = int(self.bucket_combo.currentData())
        flag = str(self.flag_combo.currentData() or "")
        text = self.filter_edit.text()
        # Numbers containing the longer text are among those containing the
        # shorter one: the last matches stay until the new search answers.
        held = self._invoice_text
        matches = self._invoice_matches if held and held in text.strip().casefold() \
            else frozenset()
        return AccountFilter(text=text, bucket=bucket if bucket >= 0 else None,
                             flag=AccountFlag(flag) if flag else None,
                             currency=str(self.currency_combo.currentData() or "") or None,
                             invoice_customers=matches, customer_class=self._chosen_class())

    def _search_invoices(self) -> None:
        self._tasks.forget((self, "invoices"))
        text = self.filter_edit.text().strip()
        if not text:
            return

        def work(_progress: Progress) -> set[int]:
            return invoice_customers(text)

        self._tasks.run(work, latest=(self, "invoices"),
                        on_success=lambda found: self._on_invoice_task_succeeded(text, found))

    def _on_invoice_task_succeeded(self, text: str, found: set[int]) -> None:
        self._invoice_text, self._invoice_matches = text.casefold(), frozenset(found)
        self._apply_filter()

    def _apply_filter(self) -> None:
        keep = self._current_account()
        self.model.set_filter(self._current_filter())
        self._update_after_rows(keep)

    # --- the customers' classes ------------------------------------------------------
    # Read after the list shows, off the GUI thread, so the list's own load is not slowed;
    # the column says "…" meanwhile.

    def _build_class_filter(self) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName("classFilter")
        combo.setAccessibleName("Class")
        combo.setToolTip("Only customers of this class: how they pay, from their history")
        combo.addItem("Any class", "")
        for kind in CustomerClass:
            combo.addItem(kind.word, kind.value)
        return combo

    def _chosen_class(self) -> CustomerClass | None:
        chosen = str(self.class_combo.currentData() or "")
        return CustomerClass(chosen) if chosen else None

    def _load_classes(self, as_of: dt.date, rows: Sequence[AccountRow]) -> None:
        customer_ids = {row.customer_id for row in rows}

        def work(progress: Progress) -> dict[int, Classification]:
            return listed_classes(as_of, customer_ids, progress=progress)

        self._tasks.run(work, latest=(self, "classes"),
                        on_success=lambda found: self._on_classes_task_succeeded(as_of, found),
                        on_failure=lambda _error: self._on_classes_task_failed(as_of))

    def _on_classes_task_succeeded(self, as_of: dt.date,
                                   classes: dict[int, Classification]) -> None:
        if as_of != self.model.as_of:
            return  # the figures moved to another day; its classes are on their way
        keep = self._current_account()
        self.model.set_classes(classes, as_of)
        if self._chosen_class() is not None:
            self._update_after_rows(keep)  # the class filter lets rows through now
        self.classes_loaded.emit(as_of)

    def _on_classes_task_failed(self, as_of: dt.date) -> bool:
        if as_of == self.model.as_of:
            self.model.set_classes({}, as_of)  # the column stays empty, the list usable
        return False  # the task helper tells the user what went wrong

    def _filtered_out_text(self) -> str:
        if self._chosen_class() is not None and not self.model.classes_shown:
            return "Reading how each customer pays…"
        return "No accounts match the filters."

    # --- events and slots ---------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the chart only while it has room; wrap the filters when narrow."""
        super().resizeEvent(event)
        self._fit_summary()
        self._fit_filters()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the filter box, Down or Enter goes to the table and Escape clears the filter."""
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.table.currentIndex().isValid():
                    self._select(None)
                return True
            if key == Qt.Key.Key_Escape and self.filter_edit.text():
                self.filter_edit.clear()
                return True
        return super().eventFilter(watched, event)

    @Slot()
    def _on_find_action_triggered(self) -> None:
        self.focus_filter()

    @Slot(QDate)
    def _on_as_of_edit_date_changed(self, _date: QDate) -> None:
        self._update_heading()
        self._settle.start()

    @Slot()
    def _on_settle_timeout(self) -> None:
        self._load()

    @Slot()
    def _on_today_button_clicked(self) -> None:
        self.set_as_of(self._today())

    @Slot(bool)
    def _on_show_all_box_toggled(self, checked: bool) -> None:
        self._settings.setValue(SHOW_ALL_KEY, checked)
        self._load()

    @Slot(str)
    def _on_filter_edit_text_changed(self, text: str) -> None:
        self._apply_filter()
        self._tasks.forget((self, "invoices"))  # a search for older text is no longer wanted
        if text.strip():
            self._invoice_timer.start()
        else:
            self._invoice_timer.stop()

    @Slot()
    def _on_invoice_timer_timeout(self) -> None:
        self._search_invoices()

    @Slot(int)
    def _on_filter_combo_current_index_changed(self, _index: int) -> None:
        self._apply_filter()

    @Slot()
    def _on_clear_filters_button_clicked(self) -> None:
        for combo in (self.bucket_combo, self.flag_combo, self.class_combo, self.currency_combo):
            blocked = combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(blocked)
        blocked = self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(blocked)
        self._apply_filter()
        self.filter_edit.setFocus()

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        # Asked of the model directly: from Python, QModelIndex.data() drops a
        # reference to None when a role has no value (PySide6 6.12.0, Python 3.11).
        if index.isValid():
            self.customer_requested.emit(self.model.row_at(index.row()).customer_id)

    @Slot(QModelIndex, QModelIndex)
    def _on_table_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit()

    @Slot(int, Qt.SortOrder)
    def _on_header_sort_indicator_changed(self, _column: int, _order: Qt.SortOrder) -> None:
        if self.model.rowCount():
            self.table.scrollTo(self.table.currentIndex())
        self._save_header()

    @Slot(QPoint)
    def _on_header_custom_context_menu_requested(self, position: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for column in range(1, self.model.columnCount()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setData(column)
        menu.addSeparator()
        fit = menu.addAction("Fit Columns to Figures")
        fit.setData(-1)
        menu.triggered.connect(self._on_column_menu_triggered)
        menu.popup(header.mapToGlobal(position))

    @Slot(QAction)
    def _on_column_menu_triggered(self, action: QAction) -> None:
        column = int(action.data())
        if column < 0:
            self._size_columns()
        else:
            self.table.horizontalHeader().setSectionHidden(column, not action.isChecked())
        self._save_header()

    @Slot(int, int, int)
    def _on_header_section_resized(self, _section: int, _old: int, _new: int) -> None:
        self._save_header()

