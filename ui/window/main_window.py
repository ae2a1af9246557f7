"""Duly's one window: the welcome page until a store is open, then the work areas."""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QPoint,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from models.company import BusinessDetails, CompanyError, business_details
from models.dates import full_date, long_date, weekday_date
from models.db import Store, StoreError, default_store_path, known_errors, open_store
from models.money import format_money
from models.overview import StoreOverview, store_overview
from ui import VERSION
from ui.common import file_pickers, messages
from ui.common.elided_label import ElidedLabel
from ui.common.resources import icon
from ui.common.style import ACCENT, mute
from ui.common.tasks import Progress, TaskRunner
from ui.window.areas import AREAS, Area, area_index
from ui.window.nav_delegate import BADGE_ROLE, NavDelegate
from ui.window.new_company_dialog import NewCompanyDialog
from ui.window.placeholder_page import PlaceholderPage
from ui.window.store_setup import (
    CompanyDraft,
    build_demo_store,
    demo_path_beside,
    start_company,
)
from ui.window.welcome import WelcomePage

if TYPE_CHECKING:
    from models.today import WorkItem, WorkItemRef
    from ui.accounts.accounts_page import AccountsPage
    from ui.contacts.contact_logging import ContactLogger
    from ui.customers.customers_page import CustomersPage
    from ui.settings.settings_page import SettingsPage
    from ui.templates.templates_page import TemplatesPage
    from ui.today.today_page import TodayPage

DEFAULT_SIZE = (1200, 780)
NAV_WIDTH = 200

_GEOMETRY_KEY = "window/geometry"
_SPLITTER_KEY = "window/splitter"
_AREA_KEY = "window/area"

_NAV_STYLE = f"""
QListWidget#nav {{
    border: none;
    background: palette(window);
    padding: 10px 8px;
    outline: 0;
}}
QListWidget#nav::item {{
    padding: 8px 10px;
    margin: 1px 0px;
    border-radius: 6px;
    border-left: 3px solid transparent;
    color: palette(window-text);
}}
QListWidget#nav::item:hover:!selected {{ background: palette(midlight); }}
QListWidget#nav::item:selected {{
    background: rgba(14, 124, 102, 0.16);
    color: palette(window-text);
    border-left: 3px solid {ACCENT};
}}
"""


class MainWindow(QMainWindow):
    """Welcome, then navigation, work areas and a status bar over the open store."""

    store_opened = Signal(object)
    """A store was opened (its path)."""
    store_closed = Signal()
    """The open store was closed."""
    overview_loaded = Signal(object)
    """The status bar's overview arrived (a ``StoreOverview``)."""

    def __init__(self, store_path: Path | None = None, *, own_store_path: Path | None = None,
                 settings: QSettings | None = None, today: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        """Build the window and open ``store_path`` (None: show the welcome page).

        ``own_store_path`` is where the user's own company is kept (default:
        the user data folder); the demo company lives beside it.
        """
        super().__init__(parent)
        self._own_store_path = own_store_path or default_store_path()
        self._settings = settings if settings is not None else QSettings()
        self._today = today
        self._store: Store | None = None
        self._business: BusinessDetails | None = None
        self._overview: StoreOverview | None = None
        self._switching = False
        self._shown_once = False
        self._first_paint_due = False
        self._overview_due = False
        self._stale_areas: set[str] = set()  # areas to read again when next shown
        self._pending: list[Callable[[], object]] = []
        self._worklist: list[WorkItem] | None = None  # today's, for the count and summary
        self._worklist_request = 0
        self._contact_logger: ContactLogger | None = None
        self.tasks = TaskRunner(self)

        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        self._restore_window_state()
        self._show_welcome()
        if store_path is not None:
            self._open_or_fall_back(Path(store_path), previous=None)

    # --- what the window shows ----------------------------------------------

    @property
    def store_path(self) -> Path | None:
        """The open store's file, or None while the welcome page shows."""
        return self._store.path if self._store is not None else None

    @property
    def business(self) -> BusinessDetails | None:
        """The open store's business, if it has one."""
        return self._business

    @property
    def overview(self) -> StoreOverview | None:
        """The status bar's overview of the open store, once it has loaded."""
        return self._overview

    @property
    def own_store_path(self) -> Path:
        """Where the user's own company is kept."""
        return self._own_store_path

    def today(self) -> dt.date:
        """The business's date today: what 'overdue' is measured against."""
        return self._today or dt.date.today()

    def showing_welcome(self) -> bool:
        """Whether the welcome page (not a store) is showing."""
        return self.screens.currentWidget() is self.welcome

    def current_area(self) -> Area | None:
        """The work area on show, or None while the welcome page shows."""
        if self.showing_welcome():
            return None
        return AREAS[self.pages.currentIndex()]

    def show_area(self, key: str) -> None:
        """Switch to the work area called ``key``."""
        index = area_index(key)
        if index is not None:
            self.nav.setCurrentRow(index)

    def show_mail_settings(self) -> None:
        """Show Settings → Outgoing mail."""
        self.show_area("settings")
        self.settings_page.show_section("mail")

    def status_texts(self) -> tuple[str, str, str]:
        """The status bar's business, counts and overdue texts."""
        return (self._status_business.text(), self._status_counts.text(),
                self._status_overdue.text())

    def worklist_text(self) -> str:
        """The status bar's summary of today's work ("" until it has loaded)."""
        return self._status_worklist.text()

    def nav_badge(self, key: str) -> str:
        """The count shown beside area ``key`` in the navigation ("" if none)."""
        index = area_index(key)
        item = self.nav.item(index) if index is not None else None
        value = item.data(BADGE_ROLE) if item is not None else None
        return str(value) if value else ""

    def current_customer_id(self) -> int | None:
        """The customer in hand in the area on show (what Log Contact is for), if any."""
        area = self.current_area()
        if area is None or area.key not in self._built:
            return None
        if area.key == "today":
            return self.today_page.current_customer_id()
        if area.key == "accounts":
            return self.accounts_page.current_customer_id()
        if area.key == "customers":
            return self.customers_page.current_customer_id
        return None

    # --- switching stores -----------------------------------------------------

    def open_store_file(self, path: Path) -> None:
        """Close the open store and open ``path``; if it cannot be used, say why.

        On failure the previous store is opened again, or the welcome page
        shows. The refused file is never changed.
        """
        if self._switching or self._is_open(path) \
                or not self._templates_settled(lambda: self.open_store_file(path)):
            return
        self._switch_to(Path(path))

    def open_demo(self) -> None:
        """Open the demo company, creating it beside the user's own store if needed."""
        if self._switching:
            return
        demo = demo_path_beside(self._own_store_path)
        if self._is_open(demo) or not self._templates_settled(self.open_demo):
            return
        if demo.exists():
            self._switch_to(demo)
            return

        def build(progress: Progress) -> None:
            build_demo_store(demo, progress)

        self._switch_to(demo, prepare=build, label="Creating the demo company…")

    def start_new_company(self) -> None:
        """Ask for the business details, then create the store for them."""
        if not self._switching and self._templates_settled(self.start_new_company):
            self._ask_company()

    def _templates_settled(self, then: Callable[[], None]) -> bool:
        """Whether the Templates area has no unsaved changes; if it has, ask, then ``then``."""
        if "templates" not in self._built or not self.templates_page.has_unsaved_changes():
            return True
        self.show_area("templates")
        self.templates_page.ask_to_save(then)
        return False

    def _ask_company(self, draft: CompanyDraft | None = None,
                     error: CompanyError | None = None) -> None:
        NewCompanyDialog.ask(self, self._on_new_company_dialog_finished,
                             draft=draft, error=error)

    def _on_new_company_dialog_finished(self, draft: CompanyDraft | None) -> None:
        if draft is None or self._switching:
            return
        target = self._new_company_target()
        if target is None:
            return

        def prepare(_progress: Progress) -> None:
            start_company(target, draft)

        def failed(error: BaseException) -> bool:
            if isinstance(error, CompanyError):
                self._ask_company(draft, error)
                return True
            return False

        self._switch_to(target, prepare=prepare, label="Setting up your company…",
                        on_failure=failed)

    def _new_company_target(self) -> Path | None:
        """The user's own store path if free, else a new file the user names."""
        own = self._own_store_path
        if not own.exists():
            return own
        path = file_pickers.choose_new_store_path(self, own.parent)
        if path is None:
            return None
        if path.exists():
            messages.show_store_error(self, StoreError(
                path, f"{path.name} already exists. Duly never replaces a store; "
                      f"choose a new file name."))
            return None
        return path

    def _switch_to(self, target: Path, *, prepare: Callable[[Progress], None] | None = None,
                   label: str | None = None,
                   on_failure: Callable[[BaseException], bool] | None = None) -> None:
        """Close the open store, optionally build ``target`` off-thread, then open it."""
        previous = self.store_path
        self._close_store()
        if prepare is None:
            self._open_or_fall_back(target, previous)
            return
        self._set_switching(True)

        def succeeded(_result: object) -> None:
            self._set_switching(False)
            self._open_or_fall_back(target, previous)

        def failed(error: BaseException) -> bool:
            self._set_switching(False)
            self._return_to(previous)
            return on_failure(error) if on_failure is not None else False

        self.tasks.run(prepare, writes=True, label=label, on_success=succeeded,
                       on_failure=failed, store_path=target)

    def _open_or_fall_back(self, path: Path, previous: Path | None) -> None:
        if self._open(path, tell=True):
            return
        if previous is not None and previous != path.absolute():
            self._return_to(previous)
        else:
            self._show_welcome()

    def _return_to(self, previous: Path | None) -> None:
        if previous is None or not self._open(previous, tell=False):
            self._show_welcome()

    def _open(self, path: Path, *, tell: bool) -> bool:
        """Open the store at ``path`` in this window; False if it cannot be used."""
        store: Store | None = None
        try:
            store = open_store(path)
            with known_errors(store.path):
                business = business_details()
        except Exception as error:
            if store is not None:
                store.close()
            if tell:
                self._tell_error(error)
            return False
        self._store = store
        self._business = business
        self._overview = None
        self._show_workspace()
        if store.migrated_from is not None:
            self._tell(lambda: messages.show_message(
                self, QMessageBox.Icon.Information, "Duly",
                f"Duly has updated {store.path.name} to work with this version.",
                informative=f"A copy of the store as it was is kept at {store.backup_path}."))
        self.store_opened.emit(store.path)
        self._request_overview()
        return True

    def _close_store(self) -> None:
        self.tasks.stop_all()
        if self._store is None:
            return
        self._store.close()
        self._store = None
        self._business = None
        self._overview = None
        self.store_closed.emit()

    def _is_open(self, path: Path) -> bool:
        return self._store is not None and self._store.path == Path(path).expanduser().absolute()

    def _set_switching(self, switching: bool) -> None:
        self._switching = switching
        for action in (self.new_company_action, self.open_store_action, self.open_demo_action):
            action.setEnabled(not switching)
        if switching:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QApplication.restoreOverrideCursor()

    def _tell(self, show: Callable[[], object]) -> None:
        """Show a message now, or as soon as the window is on screen."""
        if self._shown_once:
            show()
        else:
            self._pending.append(show)

    def _tell_error(self, error: Exception) -> None:
        """Say why a store cannot be used, or report our own bug with its details."""
        if isinstance(error, StoreError):
            self._tell(lambda: messages.show_store_error(self, error))
        else:
            details = "".join(traceback.format_exception(error))
            self._tell(lambda: messages.show_unexpected_error(self, details))

    # --- the two faces of the window -------------------------------------------

    def _show_welcome(self) -> None:
        self.customer_menu.setEnabled(False)
        self.worklist_menu.setEnabled(False)
        self.log_contact_action.setEnabled(False)
        self.welcome.set_own_store(self._own_store_path)
        self.screens.setCurrentWidget(self.welcome)
        for action in self.go_actions:
            action.setEnabled(False)
        self._update_title()
        self._update_status()

    def _show_workspace(self) -> None:
        self.screens.setCurrentWidget(self.workspace)
        if self._shown_once:
            self._restore_splitter()
        for action in self.go_actions:
            action.setEnabled(True)
        self._on_nav_current_row_changed(self.nav.currentRow())
        self._update_title()
        self._update_status()

    def _update_title(self) -> None:
        if self._store is None:
            self.setWindowTitle("Duly")
            return
        name = self._business.name if self._business is not None else self._store.path.stem
        demo = " (demo)" if self._business is not None and self._business.is_demo else ""
        self.setWindowTitle(f"Duly — {name}{demo}")

    # --- status bar ---------------------------------------------------------

    def _request_overview(self) -> None:
        if self._shown_once:
            self._load_overview()
        else:
            self._overview_due = True  # loaded once the window has painted

    def _load_overview(self) -> None:
        self._overview_due = False
        if self._store is None:
            return
        as_of = self.today()

        def load(_progress: Progress) -> StoreOverview:
            return store_overview(as_of)

        self._status_counts.setText("Counting invoices…")
        self.tasks.run(load, on_success=self._on_overview_task_succeeded,
                       store_path=self._store.path)

    def _on_overview_task_succeeded(self, overview: StoreOverview) -> None:
        self._overview = overview
        self._update_status()
        self.overview_loaded.emit(overview)
        self._load_worklist_count()

    def _load_worklist_count(self) -> None:
        """Read today's worklist for the navigation's count and the status bar."""
        if self._store is None:
            return
        self._worklist_request += 1
        request = self._worklist_request
        as_of = self.today()

        def load(_progress: Progress) -> list[WorkItem]:
            from models.today import worklist  # the follow-up engine, once painted

            return worklist(as_of)

        self.tasks.run(load, on_success=lambda items: self._on_worklist_task_succeeded(
            request, items), on_failure=lambda _error: request != self._worklist_request,
            store_path=self._store.path)

    def _on_worklist_task_succeeded(self, request: int, items: list[WorkItem]) -> None:
        if request == self._worklist_request:
            self._show_worklist(items)

    def _show_worklist(self, items: list[WorkItem] | None) -> None:
        """Today's work in the navigation's count and the status bar (None: not known)."""
        self._worklist = items
        index = area_index("today")
        if index is not None:
            item = self.nav.item(index)
            count = len(items) if items else 0
            item.setData(BADGE_ROLE, f"{count:,}" if count else None)
            shortcut = self.go_actions[index].shortcut().toString(
                QKeySequence.SequenceFormat.NativeText)
            todo = f": {_summary(items)}" if items is not None else ""
            item.setToolTip(f"{AREAS[index].title} ({shortcut}){todo}")
        self._update_worklist_status()

    def _update_worklist_status(self) -> None:
        items = self._worklist
        text = _summary(items) if items is not None else ""
        self._status_worklist.setText(text)
        self._status_worklist.setToolTip(
            f"{text}\n\nWhat the Today list holds for {full_date(self.today())}."
            if text else "")

    def _update_status(self) -> None:
        store_open = self._store is not None
        for widget in self._status_widgets:
            widget.setVisible(store_open)
        if not store_open:
            return
        business = self._business
        self._status_business.setText(business.name if business is not None
                                      else "No business details yet")
        today = self.today()
        self._status_today.setText(f"Today: {weekday_date(today)}")
        self._update_worklist_status()
        overview = self._overview
        if overview is None:
            self._status_counts.setText("Counting invoices…")
            self._status_overdue.setText("")
            self._status_overdue.setToolTip("")
            return
        self._status_counts.setText(
            f"{_count(overview.customers, 'customer')} · "
            f"{_count(overview.open_invoices, 'open invoice')}")
        home = business.currency if business is not None else ""
        totals = sorted(overview.overdue, key=lambda t: (t.currency != home, t.currency))
        if not totals:
            self._status_overdue.setText("Nothing overdue")
        else:
            self._status_overdue.setText("Overdue: " + " · ".join(
                f"{format_money(t.overdue_minor, t.currency)} ({t.overdue_invoices})"
                for t in totals))
        self._status_overdue.setToolTip(
            f"{self._status_overdue.text()}\n\nOpen invoices past their due date on "
            f"{long_date(today)}, per currency (number of invoices in brackets).")

    # --- building -------------------------------------------------------------

    def _build_actions(self) -> None:
        self.new_company_action = QAction(icon("new-company"), "&New Company…", self)
        self.new_company_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_company_action.setStatusTip("Start your own company in a new store")
        self.new_company_action.triggered.connect(self._on_new_company_action_triggered)

        self.open_store_action = QAction(icon("open-store"), "&Open Store…", self)
        self.open_store_action.setShortcut(QKeySequence("Ctrl+O"))
        self.open_store_action.triggered.connect(self._on_open_store_action_triggered)

        self.open_demo_action = QAction(icon("demo-company"), "Open &Demo Company", self)
        self.open_demo_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.open_demo_action.triggered.connect(self._on_open_demo_action_triggered)

        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)

        self._go_group = QActionGroup(self)
        self._go_group.setExclusive(True)
        self.go_actions: list[QAction] = []
        for index, area in enumerate(AREAS):
            action = QAction(icon(area.icon), f"&{area.title}", self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.setCheckable(True)
            action.setData(index)
            action.triggered.connect(self._on_go_action_triggered)
            self._go_group.addAction(action)
            self.go_actions.append(action)

        self.log_contact_action = QAction("&Log Contact…", self)
        self.log_contact_action.setShortcut(QKeySequence("Ctrl+L"))
        tip = "Record a call, e-mail, letter or meeting with the customer in hand"
        self.log_contact_action.setStatusTip(tip)
        self.log_contact_action.setToolTip(f"{tip} (Ctrl+L)")
        self.log_contact_action.setEnabled(False)
        self.log_contact_action.triggered.connect(self._on_log_contact_action_triggered)
        # On the window itself, so that it answers in every area, whatever menu holds it.
        self.addAction(self.log_contact_action)

        self.about_action = QAction(icon("duly"), "&About Duly", self)
        self.about_action.setShortcut(QKeySequence("F1"))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self._on_about_action_triggered)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_company_action)
        file_menu.addAction(self.open_store_action)
        file_menu.addAction(self.open_demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        go_menu = bar.addMenu("&Go")
        go_menu.addActions(self.go_actions)
        self._help_menu = bar.addMenu("&Help")
        self._help_menu.addAction(self.about_action)

    def _build_central(self) -> None:
        self.welcome = WelcomePage()
        self.welcome.demo_chosen.connect(self._on_welcome_demo_chosen)
        self.welcome.new_company_chosen.connect(self._on_welcome_new_company_chosen)
        self.welcome.open_store_chosen.connect(self._on_welcome_open_store_chosen)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName("Areas")
        self.nav.setStyleSheet(_NAV_STYLE)
        self.nav.setItemDelegate(NavDelegate(self.nav))
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setMinimumWidth(150)
        self.nav.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        font = self.nav.font()
        font.setPointSizeF(font.pointSizeF() * 1.05)
        self.nav.setFont(font)
        for area, action in zip(AREAS, self.go_actions, strict=True):
            item = QListWidgetItem(icon(area.icon), area.title)
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            item.setToolTip(f"{area.title} ({shortcut})")
            self.nav.addItem(item)
        self.nav.setCurrentRow(0)
        self.nav.currentRowChanged.connect(self._on_nav_current_row_changed)

        self.pages = QStackedWidget()
        self.pages.setBackgroundRole(QPalette.ColorRole.Base)
        self.pages.setAutoFillBackground(True)
        # Real pages are built when their area is first shown (see _page), so the
        # window paints without importing or building what it does not show.
        self._built: dict[str, QWidget] = {}
        self.worklist_menu = QMenu("&Worklist", self)
        self.worklist_menu.setEnabled(False)
        self.menuBar().insertMenu(self._help_menu.menuAction(), self.worklist_menu)
        self.customer_menu = QMenu("&Customer", self)
        self.customer_menu.setEnabled(False)
        self.customer_menu.addAction(self.log_contact_action)
        self.menuBar().insertMenu(self._help_menu.menuAction(), self.customer_menu)
        self.templates_menu = QMenu("&Templates", self)
        self.templates_menu.setEnabled(False)
        self.menuBar().insertMenu(self._help_menu.menuAction(), self.templates_menu)
        self.store_opened.connect(self._on_self_store_opened)
        self.store_closed.connect(self._on_self_store_closed)
        for area in AREAS:
            # A real area's page stands blank until built, so it never says
            # "coming next" for the moment before it is.
            self.pages.addWidget(QWidget() if area.key in _BUILT_AREAS else PlaceholderPage(area))

        self.workspace = QSplitter(Qt.Orientation.Horizontal)
        self.workspace.setObjectName("workspace")
        self.workspace.addWidget(self.nav)
        self.workspace.addWidget(self.pages)
        self.workspace.setCollapsible(0, False)
        self.workspace.setCollapsible(1, False)
        self.workspace.setStretchFactor(0, 0)
        self.workspace.setStretchFactor(1, 1)
        self.workspace.setSizes([NAV_WIDTH, DEFAULT_SIZE[0] - NAV_WIDTH])
        self.workspace.setHandleWidth(1)

        self.screens = QStackedWidget()
        self.screens.addWidget(self.welcome)
        self.screens.addWidget(self.workspace)
        self.setCentralWidget(self.screens)

    @property
    def today_page(self) -> TodayPage:
        """The Today area's page (built on first use)."""
        return cast("TodayPage", self._page("today"))

    @property
    def accounts_page(self) -> AccountsPage:
        """The Accounts area's page (built on first use)."""
        return cast("AccountsPage", self._page("accounts"))

    @property
    def customers_page(self) -> CustomersPage:
        """The Customers area's page (built on first use)."""
        return cast("CustomersPage", self._page("customers"))

    @property
    def settings_page(self) -> SettingsPage:
        """The Settings area's page (built on first use)."""
        return cast("SettingsPage", self._page("settings"))

    @property
    def templates_page(self) -> TemplatesPage:
        """The Templates area's page (built on first use)."""
        return cast("TemplatesPage", self._page("templates"))

    @property
    def contact_logger(self) -> ContactLogger:
        """Where the window logs contacts (made on first use)."""
        if self._contact_logger is None:
            from ui.contacts.contact_logging import ContactLogger  # imported when first needed

            self._contact_logger = ContactLogger(self.tasks, self.today, self)
            self._contact_logger.logged.connect(self._on_contact_logger_logged)
        return self._contact_logger

    def _page(self, key: str) -> QWidget:
        """The page of area ``key``, built and put in place of its placeholder once."""
        page = self._built.get(key)
        if page is not None:
            return page
        if key == "today":
            page = self._build_today_page()
        elif key == "accounts":
            page = self._build_accounts_page()
        elif key == "customers":
            page = self._build_customers_page()
        elif key == "templates":
            page = self._build_templates_page()
        elif key == "settings":
            page = self._build_settings_page()
        else:
            index = area_index(key)
            assert index is not None
            return self.pages.widget(index)
        self._built[key] = page
        index = area_index(key)
        assert index is not None
        placeholder = self.pages.widget(index)
        showing = self.pages.currentIndex()
        self.pages.insertWidget(index, page)
        self.pages.removeWidget(placeholder)
        placeholder.deleteLater()
        self.pages.setCurrentIndex(showing)
        return page

    def _build_today_page(self) -> TodayPage:
        from ui.today import today_page as module  # imported when first needed

        page = module.TodayPage(self.tasks, self.today, settings=self._settings)
        page.customer_requested.connect(self._on_today_page_customer_requested)
        page.worklist_changed.connect(self._on_today_page_worklist_changed)
        page.item_decided.connect(self._on_today_page_item_decided)
        page.letters_printed.connect(self._on_today_page_letters_printed)
        page.emails_sent.connect(self._on_today_page_letters_printed)
        page.mail_settings_requested.connect(self.show_mail_settings)
        page.current_changed.connect(self._update_log_contact_action)
        self.store_closed.connect(page.clear)
        self.worklist_menu.addActions(page.actions_for_menu())
        self.worklist_menu.addSeparator()
        self.worklist_menu.addAction(self.log_contact_action)
        page.action_bar.addSeparator()
        page.action_bar.addAction(self.log_contact_action)  # the usual next step
        return page

    def _build_accounts_page(self) -> AccountsPage:
        from ui.accounts import accounts_page as module  # imported when first needed

        page = module.AccountsPage(self.tasks, self.today, settings=self._settings)
        page.customer_requested.connect(self._on_accounts_page_customer_requested)
        page.current_changed.connect(self._update_log_contact_action)
        self.store_closed.connect(page.clear)
        return page

    def _build_customers_page(self) -> CustomersPage:
        from ui.customers import customers_page as module  # imported when first needed

        page = module.CustomersPage(self.tasks, self.today)
        page.account_changed.connect(self._on_customers_page_account_changed)
        page.customers_loaded.connect(self._update_log_contact_action)
        page.account_loaded.connect(self._update_log_contact_action)
        page.mail_settings_requested.connect(self.show_mail_settings)
        # The page refreshes the shown account itself when the logger says so.
        page.set_contact_logger(self.contact_logger)
        self.store_closed.connect(page.clear)
        groups = ((page.add_customer_action, page.edit_customer_action, page.hold_action),
                  (page.record_payment_action, page.add_credit_note_action,
                   page.allocate_credit_action, page.void_payment_action),
                  (page.add_invoice_action, page.edit_invoice_action, page.dispute_action,
                   page.void_invoice_action),
                  (page.statement_action, page.email_statement_action))
        for group in groups:
            if not self.customer_menu.isEmpty():
                self.customer_menu.addSeparator()
            self.customer_menu.addActions(list(group))
        return page

    def _build_settings_page(self) -> SettingsPage:
        from ui.settings import settings_page as module  # imported when first needed

        page = module.SettingsPage(self.tasks, self.today)
        page.policies_changed.connect(self._on_settings_page_policies_changed)
        self.store_closed.connect(page.clear)
        return page

    def _build_templates_page(self) -> TemplatesPage:
        from ui.templates import templates_page as module  # imported when first needed

        page = module.TemplatesPage(self.tasks, self.today, settings=self._settings)
        page.template_saved.connect(self._on_templates_page_template_saved)
        self.store_closed.connect(page.clear)
        self.templates_menu.addActions(page.actions_for_menu())
        return page

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(True)
        self._status_business = QLabel()
        font = self._status_business.font()
        font.setBold(True)
        self._status_business.setFont(font)
        self._status_counts = QLabel()
        # Counts stay whole; the overdue list, the longest, gives way with "…".
        self._status_counts.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        # Today's work keeps its room before the overdue list; in a narrow window
        # both are cut short with "…", the counts never.
        self._status_worklist = ElidedLabel()
        self._status_worklist.setObjectName("worklistSummary")
        self._status_worklist.setSizePolicy(QSizePolicy.Policy.Preferred,
                                            QSizePolicy.Policy.Preferred)
        self._status_worklist.setMinimumWidth(1)  # the navigation's count stays in sight
        self._status_overdue = ElidedLabel()
        self._status_today = QLabel()
        mute(self._status_today)
        parts: list[QWidget] = []
        for label in (self._status_business, self._status_counts, self._status_worklist,
                      self._status_overdue):
            label.setContentsMargins(6, 0, 6, 0)
            if parts:
                parts.append(_separator())
            parts.append(label)
        for widget in parts:
            bar.addWidget(widget, 1 if widget is self._status_overdue else 0)
        self._status_today.setContentsMargins(6, 0, 6, 0)
        bar.addPermanentWidget(self._status_today)
        self._status_widgets = [*parts, self._status_today]

    # --- window state ---------------------------------------------------------

    def _restore_window_state(self) -> None:
        geometry = self._settings.value(_GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._place_default()
        splitter = self._settings.value(_SPLITTER_KEY)
        self._splitter_state = splitter if isinstance(splitter, QByteArray) else None
        index = area_index(str(self._settings.value(_AREA_KEY, AREAS[0].key)))
        self.nav.setCurrentRow(index if index is not None else 0)

    def _restore_splitter(self) -> None:
        # Only once the splitter has its real width: restored into a hidden,
        # unsized splitter, the navigation would be squeezed to fit.
        if self._splitter_state is not None:
            self.workspace.restoreState(self._splitter_state)
            self._splitter_state = None

    def _place_default(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        width = min(DEFAULT_SIZE[0], int(available.width() * 0.92))
        height = min(DEFAULT_SIZE[1], int(available.height() * 0.92))
        self.resize(width, height)
        self.move(available.center() - QPoint(width // 2, height // 2))

    def _save_window_state(self) -> None:
        self._settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(_SPLITTER_KEY, self.workspace.saveState())
        self._settings.setValue(_AREA_KEY, AREAS[max(self.nav.currentRow(), 0)].key)
        self._settings.sync()

    # --- events and slots -----------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Once on screen, show waiting messages and load the overview."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self._first_paint_due = True
            if not self.showing_welcome():
                self._restore_splitter()

    def event(self, event: QEvent) -> bool:
        """After the first paint, build the page on show and start reading the store."""
        handled = super().event(event)
        if self._first_paint_due and event.type() == QEvent.Type.Paint:
            # Only now: the window is on screen before any page is built or read.
            self._first_paint_due = False
            QTimer.singleShot(0, self._on_first_show)
        return handled

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the window's layout and close the store (once templates are saved)."""
        if not self._templates_settled(self.close):
            event.ignore()
            return
        self._save_window_state()
        self._close_store()  # waits for a store being prepared; its outcome is dropped
        if self._switching:
            self._set_switching(False)
        super().closeEvent(event)

    @Slot()
    def _on_first_show(self) -> None:
        area = self.current_area()
        if area is not None:
            self._page(area.key)
        pending, self._pending = self._pending, []
        for show in pending:
            show()
        if self._overview_due:
            self._load_overview()
        self._refresh_current_area()

    @Slot(int)
    def _on_nav_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        if self._shown_once:  # the first page is built once the window has painted
            self._page(AREAS[row].key)
        self.pages.setCurrentIndex(row)
        self.go_actions[row].setChecked(True)
        self._refresh_current_area()

    @Slot()
    def _on_go_action_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.nav.setCurrentRow(int(action.data()))

    @Slot()
    def _on_new_company_action_triggered(self) -> None:
        self.start_new_company()

    @Slot()
    def _on_open_store_action_triggered(self) -> None:
        if self._switching:
            return
        folder = self._own_store_path.parent
        path = file_pickers.choose_store_to_open(self, folder if folder.is_dir() else Path.home())
        if path is not None:
            self.open_store_file(path)

    @Slot()
    def _on_open_demo_action_triggered(self) -> None:
        self.open_demo()

    @Slot()
    def _on_welcome_demo_chosen(self) -> None:
        self.open_demo()

    @Slot()
    def _on_welcome_new_company_chosen(self) -> None:
        self.start_new_company()

    @Slot()
    def _on_welcome_open_store_chosen(self) -> None:
        self._on_open_store_action_triggered()

    @Slot()
    def _refresh_current_area(self) -> None:
        """Read the area on show again if the store changed since it last did.

        Areas load when first shown, after the window has painted, so start-up
        never waits for a list the user has not asked to see.
        """
        area = self.current_area()
        self.customer_menu.setEnabled(area is not None and area.key == "customers")
        self.worklist_menu.setEnabled(area is not None and area.key == "today")
        self.templates_menu.setEnabled(area is not None and area.key == "templates")
        self._update_log_contact_action()
        if not self._shown_once or self._store is None or area is None \
                or area.key not in self._stale_areas:
            return
        self._stale_areas.discard(area.key)
        if area.key == "today":
            self.today_page.reload()
        elif area.key == "accounts":
            self.accounts_page.reload()
        elif area.key == "customers":
            self.customers_page.reload()
        elif area.key == "templates":
            self.templates_page.reload()
        elif area.key == "settings":
            self.settings_page.reload()

    @Slot(object)
    def _on_self_store_opened(self, _path: Path) -> None:
        self._stale_areas = {"today", "accounts", "customers", "settings", "templates"}
        self._show_worklist(None)
        self._refresh_current_area()

    @Slot()
    def _on_self_store_closed(self) -> None:
        self._worklist_request += 1
        self._show_worklist(None)
        self._update_log_contact_action()

    @Slot(int)
    def _on_customers_page_account_changed(self, _customer_id: int) -> None:
        # Settings counts the customers of each policy.
        self._stale_areas.update(("today", "accounts", "settings", "templates"))
        self._request_overview()  # and today's count after it

    @Slot()
    def _on_settings_page_policies_changed(self) -> None:
        # A stage or a default policy changes what is due today and what a customer shows,
        # and which stages send each template.
        self._stale_areas.update(("today", "accounts", "customers", "templates"))
        self._load_worklist_count()

    @Slot(int)
    def _on_templates_page_template_saved(self, _template_id: int) -> None:
        self._stale_areas.add("settings")  # its stages offer the templates by name

    @Slot(int)
    def _on_accounts_page_customer_requested(self, customer_id: int) -> None:
        self._open_customer(customer_id)

    @Slot(int)
    def _on_today_page_customer_requested(self, customer_id: int) -> None:
        self._open_customer(customer_id)

    @Slot(object)
    def _on_today_page_worklist_changed(self, items: list[WorkItem]) -> None:
        if self.today_page.list_date() == self.today():
            self._worklist_request += 1  # a count still on its way is older than this
            self._show_worklist(items)

    @Slot(int)
    def _on_today_page_item_decided(self, _customer_id: int) -> None:
        # Done completes a follow-up: the customer's next action changes.
        self._stale_areas.update(("accounts", "customers"))
        self._load_worklist_count()  # the page may be showing a coming day's list

    @Slot(object)
    def _on_today_page_letters_printed(self, _result: object) -> None:
        # Each letter is a contact on its customer's timeline, with its stage's charges.
        self._stale_areas.update(("accounts", "customers"))
        self._load_worklist_count()

    @Slot()
    def _update_log_contact_action(self) -> None:
        self.log_contact_action.setEnabled(
            not self._switching and self.current_customer_id() is not None)

    @Slot()
    def _on_log_contact_action_triggered(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is None:
            return
        self.contact_logger.log_for(customer_id, self._today_item_in_hand(customer_id))

    def _today_item_in_hand(self, customer_id: int) -> WorkItemRef | None:
        """The Today item selected for ``customer_id``, when the contact is made for it."""
        area = self.current_area()
        if area is None or area.key != "today":
            return None
        item = self.today_page.current_item()
        if item is None or item.customer_id != customer_id:
            return None
        from models.today import WorkItemRef

        return WorkItemRef(item.kind, item.ref_id, item.title)

    @Slot(int)
    def _on_contact_logger_logged(self, _customer_id: int) -> None:
        # A contact moves the customer's last contact and next action, and may
        # bring a follow-up or a promise to the Today list.
        self._stale_areas.update(("today", "accounts"))
        self._refresh_current_area()
        self._load_worklist_count()

    def _open_customer(self, customer_id: int) -> None:
        """Show ``customer_id``'s account in the Customers area."""
        self.show_area("customers")
        self.customers_page.show_customer(customer_id)

    def _on_about_action_triggered(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("about")
        box.setWindowTitle("About Duly")
        box.setIconPixmap(icon("duly").pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<h3>Duly {VERSION}</h3>")
        box.setInformativeText(
            "Duly helps a small business get paid for overdue invoices while keeping "
            "the customer.<br><br>Your data stays on this computer.<br>"
            "Free software under the GNU GPL, version 3 or later.")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def _summary(items: list[WorkItem]) -> str:
    # Imported here: the follow-up engine is not needed before the first paint.
    from models.today import worklist_summary

    return worklist_summary(items)


_BUILT_AREAS = frozenset(("today", "accounts", "customers", "settings", "templates"))


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    line.setFixedHeight(14)
    return line
