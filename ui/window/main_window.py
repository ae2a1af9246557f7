"""Duly's one window: the welcome page until a store is open, then the work areas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

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

from models.changes import EVERYTHING, Change, Changes, changes
from models.errors import Refusal
from models.places import default_store_path, is_server_address, parse_address
from ui import VERSION
from ui.common import file_pickers, messages
from ui.common.area import Area, AreaContext, Badge
from ui.common.resources import icon
from ui.common.style import ACCENT
from ui.common.tasks import Progress, TaskRunner
from ui.help.help_menu import HelpMenu
from ui.importing.bank_import import BankImport
from ui.window.areas import AREAS
from ui.window.nav_delegate import BADGE_ROLE, NavDelegate
from ui.window.placeholder_page import PlaceholderPage
from ui.window.status_bar import StatusBar
from ui.window.store_care import StoreCare
from ui.window.store_move import StoreMover
from ui.window.store_switching import StoreSwitcher

if TYPE_CHECKING:
    # The store's modules (peewee, the models) are imported as the first store opens,
    # once the window has painted.
    from models.company import BusinessDetails
    from models.db import Store
    from models.overview import StoreOverview
    from ui.contacts.contact_logging import ContactLogger
    from ui.window.welcome import WelcomePage

# Room for the widest page: Customers' list (400 pixels) beside an account whose invoices
# show their eight columns whole (606 pixels), with the navigation (200) and the margins.
DEFAULT_SIZE = (1280, 780)
NAV_WIDTH = 200

_GEOMETRY_KEY = "window/geometry"
_SPLITTER_KEY = "window/splitter"
_AREA_KEY = "window/area"
LAST_SERVER_KEY = "store/server"
"""The address of the store on a server the window last opened (never its password), so
the next start opens it again; removed when a store file is opened."""
_CONNECT_KEY = "connect/address"  # Connect to a Server… filled in: the last server opened
# What the status bar's overview counts: customers, open invoices, what is overdue.
_OVERVIEW_READS = changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY)

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



def first_start_size(available_width: int, available_height: int) -> tuple[int, int]:
    """The window's size at its first start on a screen with this room: the default,
    or nearly the whole width and most of the height of a smaller screen (a laptop's
    1,280 pixels give it 1,254, room for Customers' account beside its list)."""
    return (min(DEFAULT_SIZE[0], int(available_width * 0.98)),
            min(DEFAULT_SIZE[1], int(available_height * 0.92)))


class MainWindow(QMainWindow):
    """Welcome, then navigation, work areas and a status bar over the open store."""

    store_opened = Signal(object)
    """A store was opened (its path)."""
    store_closed = Signal()
    """The open store was closed."""
    overview_loaded = Signal(object)
    """The status bar's overview arrived (a ``StoreOverview``)."""

    def __init__(self, store_path: Path | str | None = None, *,
                 own_store_path: Path | None = None,
                 settings: QSettings | None = None, today: dt.date | None = None,
                 areas: Sequence[Area] = AREAS, parent: QWidget | None = None) -> None:
        """Build the window and open ``store_path`` (a file, or a server's address;
        None: show the welcome page) once it has first painted: until then the window
        shows the areas, blank, and the store's name being opened (see :attr:`opening`).

        ``own_store_path`` is where the user's own company is kept (default:
        the user data folder); the demo company lives beside it. ``areas`` are
        the work areas, in the order of the navigation (the registry's).
        """
        super().__init__(parent)
        self._areas = tuple(areas)
        self._settings = settings if settings is not None else QSettings()
        self._today = today
        self._overview: StoreOverview | None = None
        self._shown_once = False
        self._first_paint_due = False
        self._overview_due = False
        self._damage_check_due = False
        self._first_badges_due = False
        self._first_overview_due = False
        self._stale_areas: set[str] = set()  # areas to read again when next shown
        self._pending: list[Callable[[], object]] = []
        self._badges: dict[str, Badge] = {}  # the navigation's counts, once read
        self._contact_logger: ContactLogger | None = None
        self._welcome: WelcomePage | None = None  # see welcome
        self.tasks = TaskRunner(self)
        self.tasks.changed.connect(self._on_tasks_changed)
        self.tasks.idle.connect(self._on_tasks_idle)
        self._switcher = StoreSwitcher(self, self.tasks, own_store_path or default_store_path(),
                                       settled=self._work_settled, tell=self._tell)
        self._switcher.opened.connect(self._on_switcher_opened)
        self._switcher.closed.connect(self._on_switcher_closed)
        self._switcher.nothing_open.connect(self._show_welcome)
        self._switcher.switching_changed.connect(self._on_switcher_switching_changed)
        self._switcher.server_refused.connect(self._on_switcher_server_refused)
        self.care = StoreCare(self, self.tasks, self._switcher)
        self.mover = StoreMover(self, self.tasks, self._switcher)
        self.care.other_writes_seen.connect(lambda: self._on_tasks_changed(EVERYTHING, None))
        # After the care's own (which enables its actions): a server keeps its own backups.
        self._switcher.opened.connect(self._on_switcher_opened_after_care)
        self.bank = BankImport(self, self.tasks, self.today, self._business_currency,
                               settings=self._settings, show_help=self.help_page)

        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        self._restore_window_state()
        self._opening: Path | str | None = None
        if store_path is None:
            self._show_welcome()
        else:
            self._show_opening(store_path if is_server_address(store_path)
                               else Path(store_path))

    # --- what the window shows ----------------------------------------------

    @property
    def store_path(self) -> Path | None:
        """The open store's file, or None while the welcome page shows."""
        store = self._switcher.store
        return store.path if store is not None else None

    @property
    def store(self) -> Store | None:
        """The open store, or None while the welcome page shows."""
        return self._switcher.store

    @property
    def business(self) -> BusinessDetails | None:
        """The open store's business, if it has one."""
        return self._switcher.business

    @property
    def overview(self) -> StoreOverview | None:
        """The status bar's overview of the open store, once it has loaded."""
        return self._overview

    @property
    def own_store_path(self) -> Path:
        """Where the user's own company is kept."""
        return self._switcher.own_store_path

    def today(self) -> dt.date:
        """The business's date today: what 'overdue' is measured against."""
        return self._today or dt.date.today()

    @property
    def opening(self) -> bool:
        """Whether the store the window was built on is still to be opened (it is, once
        the window has first painted)."""
        return self._opening is not None

    def showing_welcome(self) -> bool:
        """Whether the welcome page (not a store) is showing."""
        return self._welcome is not None and self.screens.currentWidget() is self._welcome

    @property
    def welcome(self) -> WelcomePage:
        """The page shown while no store is open (built when first needed: a window
        opened on a store does not build it before its first paint)."""
        if self._welcome is None:
            from ui.window.welcome import WelcomePage

            self._welcome = WelcomePage()
            self._welcome.demo_chosen.connect(self._on_welcome_demo_chosen)
            self._welcome.new_company_chosen.connect(self._on_welcome_new_company_chosen)
            self._welcome.open_store_chosen.connect(self._on_welcome_open_store_chosen)
            self.screens.insertWidget(0, self._welcome)
        return self._welcome

    def current_area(self) -> Area | None:
        """The work area on show, or None while the welcome page shows."""
        if self.showing_welcome():
            return None
        return self._areas[self.pages.currentIndex()]

    def show_area(self, key: str, section: str = "") -> None:
        """Switch to the work area called ``key`` and, if given, to its ``section``."""
        index = self._area_index(key)
        if index is None:
            return
        self.nav.setCurrentRow(index)
        if section:
            page = self.page(key)
            if hasattr(page, "show_section"):
                page.show_section(section)

    def page(self, key: str) -> QWidget:
        """The page of area ``key``, built (and put in place of its placeholder) on first
        use."""
        page = self._built.get(key)
        if page is not None:
            return page
        index = self._area_index(key)
        if index is None:
            raise KeyError(key)
        area = self._areas[index]
        if area.build is None:
            return self.pages.widget(index)
        page = area.build(self._area_context())
        self._built[key] = page
        self._attach(area, page)
        placeholder = self.pages.widget(index)
        showing = self.pages.currentIndex()
        self.pages.insertWidget(index, page)
        self.pages.removeWidget(placeholder)
        placeholder.deleteLater()
        self.pages.setCurrentIndex(showing)
        return page

    def area_menu(self, key: str) -> QMenu | None:
        """The menu of area ``key`` (enabled while the area is on show), if it has one."""
        return self._menus.get(key)

    def status_texts(self) -> tuple[str, str, str]:
        """The status bar's business, counts and overdue texts."""
        bar = self.status
        return bar.business.text(), bar.counts.text(), bar.overdue.text()

    def badge_summary(self) -> str:
        """The status bar's words for the navigation's count ("" until it has loaded)."""
        return self.status.worklist.text()

    def nav_badge(self, key: str) -> str:
        """The count shown beside area ``key`` in the navigation ("" if none)."""
        index = self._area_index(key)
        item = self.nav.item(index) if index is not None else None
        value = item.data(BADGE_ROLE) if item is not None else None
        return str(value) if value else ""

    def current_customer_id(self) -> int | None:
        """The customer in hand in the area on show (what Log Contact is for), if any."""
        in_hand = self._contact_in_hand()
        return in_hand[0] if in_hand is not None else None

    def _contact_in_hand(self) -> tuple[int, object] | None:
        area = self.current_area()
        page = self._built.get(area.key) if area is not None else None
        if page is None or not hasattr(page, "contact_in_hand"):
            return None
        return page.contact_in_hand()

    def _area_index(self, key: str) -> int | None:
        return next((n for n, area in enumerate(self._areas) if area.key == key), None)

    # --- switching stores (see StoreSwitcher) ----------------------------------

    def open_store_file(self, path: Path) -> None:
        """Close the open store and open ``path``; if it cannot be used, say why (and
        open the previous store again, or show the welcome page)."""
        self._open_first_store()  # asked before the first paint: the switch comes after it
        self._switcher.open_store_file(path)

    def open_demo(self) -> None:
        """Open the demo company, creating it beside the user's own store if needed."""
        self._open_first_store()
        self._switcher.open_demo()

    def connect_to_server(self, url: str | None = None, error: Refusal | None = None) -> None:
        """Ask where the store on a server is (File › Connect to a Server…; filled in with
        ``url``, else the last server's address, and ``error`` at its field), try it off
        the GUI thread, and switch to it (or start a company, or the demo, in an empty
        database there)."""
        from ui.window.connect_dialog import ConnectDialog

        # One closed a moment ago lingers, hidden, until its deletion is processed.
        if self._switcher.switching or any(
                dialog.isVisible() for dialog in self.findChildren(ConnectDialog)):
            return
        last = url or self._settings.value(_CONNECT_KEY)
        ConnectDialog.ask(self, self.tasks, self._on_connect_dialog_done,
                          last_url=last if isinstance(last, str) else None, error=error)

    @Slot(str, object)
    def _on_switcher_server_refused(self, url: str, error: Refusal) -> None:
        self._tell(lambda: self.connect_to_server(url, error))

    def _on_connect_dialog_done(self, choice: object) -> None:
        from ui.window.connect_dialog import ServerChoice, Then

        if not isinstance(choice, ServerChoice):
            return
        if choice.then is Then.OPEN:
            self._switcher.open_server(choice.url, choice.password)
        elif choice.then is Then.NEW_COMPANY:
            self._switcher.start_company_on_server(choice.url)
        else:
            self._switcher.put_demo_on_server(choice.url)
        words = choice.keyring_words
        if words:
            self._tell(lambda: messages.show_message(
                self, QMessageBox.Icon.Warning, "The password was not kept", words))

    def start_new_company(self) -> None:
        """Ask for the business details, then create the store for them."""
        self._open_first_store()
        self._switcher.start_new_company()

    def _work_settled(self, then: Callable[[], None]) -> bool:
        """Whether no area has work the user would lose; if one has, show it and ask,
        then ``then``."""
        for key, page in self._built.items():
            if hasattr(page, "has_unsaved_changes") and page.has_unsaved_changes():
                self.show_area(key)
                page.ask_to_save(then)
                return False
        return True

    def _tell(self, show: Callable[[], object]) -> None:
        """Show a message now, or as soon as the window is on screen."""
        if self._shown_once:
            show()
        else:
            self._pending.append(show)

    @Slot(object)
    def _on_switcher_opened(self, store: Store) -> None:
        self._overview = None
        self._damage_check_due = True  # once the first reads are done, off the GUI thread
        # The first counts wait for the first page's reads too: Today's count is then
        # the page's own list, kept, rather than a second reader working it out before
        # the page has settled the day (and again after, if settling wrote).
        self._first_badges_due = True
        self.import_action.setEnabled(True)
        self.bank.set_enabled(True)
        if store.server is not None:
            self._settings.setValue(LAST_SERVER_KEY, store.server.url)
            self._settings.setValue(_CONNECT_KEY, store.server.url)
        else:
            self._settings.remove(LAST_SERVER_KEY)
        self._show_workspace()
        self.store_opened.emit(store.path)
        if self.tasks.busy:
            # The status bar's figures wait for the first page's reads, as the counts
            # do: read beside them, they took the interpreter from the page's list.
            self._first_overview_due = True
        else:
            self._request_overview()

    @Slot(object)
    def _on_switcher_opened_after_care(self, store: Store) -> None:
        for action in (self.care.back_up_action, self.care.restore_action):
            action.setEnabled(store.server is None)

    @Slot()
    def _on_switcher_closed(self) -> None:
        self._overview = None
        self.import_action.setEnabled(False)
        self.bank.set_enabled(False)
        self.bank.close_all()
        self.store_closed.emit()

    @Slot(bool)
    def _on_switcher_switching_changed(self, switching: bool) -> None:
        for action in (self.new_company_action, self.open_store_action, self.open_demo_action,
                       self.connect_action):
            action.setEnabled(not switching)
        self._update_log_contact_action()

    # --- the two faces of the window -------------------------------------------

    def _show_welcome(self) -> None:
        for menu in self._menus.values():
            menu.setEnabled(False)
        self.log_contact_action.setEnabled(False)
        self.welcome.set_own_store(self.own_store_path)
        self.screens.setCurrentWidget(self.welcome)
        for action in self.go_actions:
            action.setEnabled(False)
        self._update_title()
        self._update_status()

    def _show_opening(self, target: Path | str) -> None:
        """The window as it first paints on a store: the areas, blank and not yet
        usable, and the store's name being opened in the status bar."""
        self._opening = target
        for menu in self._menus.values():
            menu.setEnabled(False)
        self.log_contact_action.setEnabled(False)
        for action in self.go_actions:
            action.setEnabled(False)
        self.screens.setCurrentWidget(self.workspace)
        self.setWindowTitle("Duly")
        self.status.show_opening(_store_name(target))

    def _open_first_store(self) -> None:
        """Open the store the window was built on, if not yet done (once it has painted,
        or at once when another store is asked for before then)."""
        target, self._opening = self._opening, None
        if target is not None:
            self._switcher.open_first(target)

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
        store, business = self._switcher.store, self._switcher.business
        if store is None:
            self.setWindowTitle("Duly")
            return
        name = business.name if business is not None else store.path.stem
        if store.server is not None:
            name = store.server.name  # which server and database: the business is below
        demo = " (demo)" if business is not None and business.is_demo else ""
        self.setWindowTitle(f"Duly — {name}{demo}")

    # --- status bar ---------------------------------------------------------

    def _request_overview(self) -> None:
        if self._shown_once:
            self._load_overview()
        else:
            self._overview_due = True  # loaded once the window has painted

    def _load_overview(self) -> None:
        self._overview_due = False
        store = self._switcher.store
        if store is None:
            return
        as_of = self.today()

        def load(_progress: Progress) -> StoreOverview:
            from models.overview import store_overview

            return store_overview(as_of)

        self.status.counts.setText("Counting invoices…")
        self.tasks.run(load, on_success=self._on_overview_task_succeeded,
                       store_path=store.target)

    @Slot()
    def _on_tasks_idle(self) -> None:
        if self._first_overview_due:
            self._first_overview_due = False
            self._request_overview()
            return  # the counts and the damage check wait for the figures
        if self._first_badges_due and self._overview is not None:
            self._first_badges_due = False
            self._load_badges()
        store = self._switcher.store
        if not self._damage_check_due or store is None or not self._shown_once:
            return
        self._damage_check_due = False
        from models.db import DamageCheck

        # The store's quick check for damage reads the whole file (a second or more on a
        # big book): it waits until the page's first reads are done, so they have the
        # cores, and closing the store stops it. A damaged store then takes no writes.
        check = DamageCheck(store.path)
        self.tasks.run(lambda _progress: check.run(),
                       on_success=self._on_damage_check_task_succeeded,
                       store_path=store.target, interrupt=check.stop)

    def _on_damage_check_task_succeeded(self, damage: str | None) -> None:
        if damage is not None:
            messages.show_message(self, QMessageBox.Icon.Critical, "Duly", damage)

    def _on_overview_task_succeeded(self, overview: StoreOverview) -> None:
        self._overview = overview
        self._update_status()
        self.overview_loaded.emit(overview)
        if not self._first_badges_due:
            self._load_badges()

    def _load_badges(self, reads: Changes = EVERYTHING) -> None:
        """Read the navigation's counts of the areas that count what ``reads`` changed."""
        store = self._switcher.store
        if store is None:
            return
        as_of = self.today()
        for area in self._areas:
            if area.badge is None or not (reads & area.badge_reads):
                continue

            def load(_progress: Progress, count: Callable[[dt.date], Badge] = area.badge
                     ) -> Badge:
                return count(as_of)

            self.tasks.run(load, latest=(self, "badge", area.key),
                           on_success=lambda badge, key=area.key: self._show_badge(key, badge),
                           store_path=store.target)

    def _show_badge(self, key: str, badge: Badge | None) -> None:
        """An area's count in the navigation and its words in the status bar (None: not
        known)."""
        if badge is None:
            self._badges.pop(key, None)
        else:
            self._badges[key] = badge
        index = self._area_index(key)
        if index is not None:
            item = self.nav.item(index)
            item.setData(BADGE_ROLE, f"{badge.count:,}" if badge and badge.count else None)
            shortcut = self.go_actions[index].shortcut().toString(
                QKeySequence.SequenceFormat.NativeText)
            todo = f": {badge.summary}" if badge is not None else ""
            item.setToolTip(f"{self._areas[index].title} ({shortcut}){todo}")
        self._update_badge_status()

    def _update_badge_status(self) -> None:
        self.status.show_badges(self._badges.values(), self.today())

    def _update_status(self) -> None:
        if self._switcher.store is None:
            self.status.show_closed()
            return
        store = self._switcher.store
        server = store.server if store is not None else None
        self.status.show_store(self._switcher.business, self.today(), self._overview,
                               server=f"Server: {server.name} as {server.login}"
                               if server is not None else None)
        self._update_badge_status()

    # --- building -------------------------------------------------------------

    def _build_actions(self) -> None:
        self.new_company_action = QAction(icon("new-company"), "&New Company…", self)
        self.new_company_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_company_action.setStatusTip("Start your own company in a new store")
        self.new_company_action.triggered.connect(self._on_new_company_action_triggered)

        self.open_store_action = QAction(icon("open-store"), "&Open Store…", self)
        self.open_store_action.setShortcut(QKeySequence("Ctrl+O"))
        self.open_store_action.triggered.connect(self._on_open_store_action_triggered)

        self.connect_action = QAction(icon("open-store"), "Connect to a &Server…", self)
        self.connect_action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.connect_action.setStatusTip("Open the store your office keeps on a PostgreSQL "
                                         "server")
        self.connect_action.triggered.connect(self._on_connect_action_triggered)

        self.open_demo_action = QAction(icon("demo-company"), "Open &Demo Company", self)
        self.open_demo_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.open_demo_action.triggered.connect(self._on_open_demo_action_triggered)

        self.import_action = QAction(icon("open-store"), "&Import…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setStatusTip("Bring customers and invoices in from your "
                                        "accounting program's export")
        self.import_action.setEnabled(False)
        self.import_action.triggered.connect(self._on_import_action_triggered)

        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)

        self._go_group = QActionGroup(self)
        self._go_group.setExclusive(True)
        self.go_actions: list[QAction] = []
        for index, area in enumerate(self._areas):
            action = QAction(icon(area.icon), f"&{area.title}", self)
            action.setShortcut(QKeySequence(area.shortcut))
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

        self.help = HelpMenu(self, lambda: getattr(self.current_area(), "key", None),
                             self._shortcut_groups)
        self.about_action = QAction(icon("duly"), "&About Duly", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self._on_about_action_triggered)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_company_action)
        file_menu.addAction(self.open_store_action)
        file_menu.addAction(self.connect_action)
        file_menu.addAction(self.open_demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addActions(self.bank.actions)
        file_menu.addSeparator()
        file_menu.addActions(self.care.actions)
        file_menu.addAction(self.mover.action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        go_menu = bar.addMenu("&View")
        go_menu.addActions(self.go_actions)
        self._help_menu = bar.addMenu("&Help")
        self._help_menu.addActions(self.help.menu_actions())
        self._help_menu.addSeparator()
        self._help_menu.addAction(self.about_action)

    def _build_central(self) -> None:
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
        for area, action in zip(self._areas, self.go_actions, strict=True):
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
        # An area's menu is there from the start (its actions join it once its page is
        # built), enabled while the area is on show.
        self._menus: dict[str, QMenu] = {}
        for area in self._areas:
            if area.menu:
                menu = QMenu(area.menu, self)
                menu.setEnabled(False)
                if area.log_contact_in_menu:
                    menu.addAction(self.log_contact_action)
                self.menuBar().insertMenu(self._help_menu.menuAction(), menu)
                self._menus[area.key] = menu
        self.store_opened.connect(self._on_self_store_opened)
        self.store_closed.connect(self._on_self_store_closed)
        for area in self._areas:
            # A real area's page stands blank until built, so it never says
            # "coming next" for the moment before it is.
            self.pages.addWidget(QWidget() if area.build is not None else PlaceholderPage(area))

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
        self.screens.addWidget(self.workspace)
        self.setCentralWidget(self.screens)

    @property
    def contact_logger(self) -> ContactLogger:
        """Where the window logs contacts (made on first use)."""
        if self._contact_logger is None:
            from ui.contacts.contact_logging import ContactLogger

            self._contact_logger = ContactLogger(self.tasks, self.today, self)
        return self._contact_logger

    def _area_context(self) -> AreaContext:
        return AreaContext(tasks=self.tasks, today=self.today, settings=self._settings,
                           window=self, log_contact_action=self.log_contact_action,
                           import_action=self.import_action,
                           contact_logger=lambda: self.contact_logger,
                           open_customer=self._open_customer, show_area=self.show_area)

    def _attach(self, area: Area, page: QWidget) -> None:
        """Wire a page just built to the window: its menu, what it has in hand, closing."""
        self.store_closed.connect(page.clear)
        if hasattr(page, "current_changed"):
            page.current_changed.connect(self._update_log_contact_action)
        menu = self._menus.get(area.key)
        if menu is None:
            return
        if hasattr(page, "menu_sections"):
            sections = page.menu_sections()
        else:
            sections = [page.actions_for_menu()] if hasattr(page, "actions_for_menu") else []
        first = menu.actions()[0] if menu.actions() else None  # Log Contact comes last
        for section in sections:
            menu.insertActions(first, list(section))
            menu.insertSeparator(first)
        if first is None and sections:
            menu.removeAction(menu.actions()[-1])  # no separator after the last section

    def _build_status_bar(self) -> None:
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.care.backup_failed.connect(self.status.showMessage)
        self.care.connection_notice.connect(self.status.showMessage)

    # --- window state ---------------------------------------------------------

    def _restore_window_state(self) -> None:
        geometry = self._settings.value(_GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._place_default()
        splitter = self._settings.value(_SPLITTER_KEY)
        self._splitter_state = splitter if isinstance(splitter, QByteArray) else None
        index = self._area_index(str(self._settings.value(_AREA_KEY, self._areas[0].key)))
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
        width, height = first_start_size(available.width(), available.height())
        self.resize(width, height)
        self.move(available.center() - QPoint(width // 2, height // 2))

    def _save_window_state(self) -> None:
        self._settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(_SPLITTER_KEY, self.workspace.saveState())
        self._settings.setValue(_AREA_KEY, self._areas[max(self.nav.currentRow(), 0)].key)
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
        if not self._work_settled(self.close):
            event.ignore()
            return
        self._save_window_state()
        self._switcher.shut()  # waits for a store being prepared; its outcome is dropped
        super().closeEvent(event)

    @Slot()
    def _on_first_show(self) -> None:
        self._open_first_store()
        area = self.current_area()
        if area is not None:
            self.page(area.key)
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
            self.page(self._areas[row].key)
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
        if self._switcher.switching:
            return
        folder = self.own_store_path.parent
        path = file_pickers.choose_store_to_open(self, folder if folder.is_dir() else Path.home())
        if path is not None:
            self.open_store_file(path)

    @Slot()
    def _on_connect_action_triggered(self) -> None:
        self.connect_to_server()

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
        for key, menu in self._menus.items():
            menu.setEnabled(area is not None and area.key == key)
        self._update_log_contact_action()
        if not self._shown_once or self._switcher.store is None or area is None \
                or area.key not in self._stale_areas:
            return
        self._stale_areas.discard(area.key)
        page = self._built.get(area.key)
        if page is not None:
            page.reload()

    @Slot(object)
    def _on_self_store_opened(self, _path: Path) -> None:
        self._stale_areas = {area.key for area in self._areas}
        for area in self._areas:
            self._show_badge(area.key, None)
        self._refresh_current_area()

    @Slot()
    def _on_self_store_closed(self) -> None:
        for area in self._areas:
            self.tasks.forget((self, "badge", area.key))
            self._show_badge(area.key, None)
        self._update_log_contact_action()

    @Slot(object, object)
    def _on_tasks_changed(self, changed: Changes, initiator: object) -> None:
        """A write succeeded: each page that reads what it changed is read again (now if
        on show, else when next shown), and so are the counts that depend on it. The
        page that ran the write has shown its outcome already."""
        for key, page in self._built.items():
            if page is not initiator and changed & getattr(page, "reads", EVERYTHING):
                self._stale_areas.add(key)
        self._refresh_current_area()
        if changed & _OVERVIEW_READS:
            self._request_overview()  # and the counts after it
        else:
            self._load_badges(changed)

    @Slot()
    def _update_log_contact_action(self) -> None:
        self.log_contact_action.setEnabled(
            not self._switcher.switching and self.current_customer_id() is not None)

    @Slot()
    def _on_log_contact_action_triggered(self) -> None:
        in_hand = self._contact_in_hand()
        if in_hand is not None:
            customer_id, item = in_hand
            self.contact_logger.log_for(customer_id, item)

    def _open_customer(self, customer_id: int) -> None:
        """Show ``customer_id``'s account in the area that shows customers."""
        area = next((a for a in self._areas if a.opens_customers), None)
        if area is not None:
            self.show_area(area.key)
            self.page(area.key).show_customer(customer_id)

    def _on_import_action_triggered(self) -> None:
        """Open the import wizard (one at a time) over the open store."""
        from ui.importing.import_wizard import ImportWizard

        if self._switcher.store is None or self.findChild(ImportWizard) is not None:
            return
        business = self._switcher.business
        wizard = ImportWizard(self, self.tasks, self.today,
                              business.currency if business is not None else "EUR")
        wizard.open()

    def _business_currency(self) -> str:
        business = self._switcher.business
        return business.currency if business is not None else "EUR"

    def help_page(self, page: str) -> QWidget:
        """Open the user guide at ``page`` (e.g. "importing.html#bank")."""
        return self.help.show_guide(page)

    def _shortcut_groups(self) -> list[tuple[str, QWidget, bool]]:
        """What Help → Keyboard Shortcuts lists: the window's own actions, then each
        area's page's (every page built, so that none is missing)."""
        pages = [(area.title, self.page(area.key), True) for area in self._areas]
        return [("General", self, False), *pages]

    def _on_about_action_triggered(self) -> None:
        import html

        from ui.help.versions import versions

        box = QMessageBox(self)
        box.setObjectName("about")
        box.setWindowTitle("About Duly")
        box.setIconPixmap(icon("duly").pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<h3>Duly {VERSION}</h3>")
        opened = self._switcher.store
        where = opened.server.name if opened is not None and opened.server is not None \
            else self.store_path
        store = html.escape(str(where)) if where else "No company is open."
        box.setInformativeText(
            "Duly helps a small business get paid for overdue invoices while keeping "
            "the customer.<br><br>Your data stays on this computer.<br>"
            "Free software under the GNU GPL, version 3 or later.<br><br>"
            f"<b>This company's file:</b><br>{store}<br><br>"
            f"<b>Versions:</b> {html.escape(versions())}")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def _store_name(target: Path | str) -> str:
    """How the user calls the store being opened: its file's name, or "dbname on
    host:port" for a server (its address as given, when it cannot be read)."""
    if isinstance(target, Path):
        return target.name
    try:
        return parse_address(target).name
    except ValueError:
        return target  # the opening that follows says what is wrong with it
