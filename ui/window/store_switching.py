"""Which store the window works on: open one (a file, or a database on a PostgreSQL
server), the demo, or a new company's, and fall back to the one before (or the welcome
page) when a store cannot be used.

The window owns one :class:`StoreSwitcher` and follows it by its signals: it shows the
work areas when a store opens and the welcome page when none is open.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from models.places import is_server_address
from ui.common import file_pickers, messages
from ui.common.tasks import Progress, TaskRunner
from ui.window.store_setup import (
    CompanyDraft,
    build_demo_store,
    demo_path_beside,
    start_company,
)

if TYPE_CHECKING:  # the store's modules are imported as the first store opens
    from models.company import BusinessDetails, CompanyError
    from models.db import Store

# Whether no area has work the user would lose; if one has, it asks, then calls back.
Settled = Callable[[Callable[[], None]], bool]
# Show a message now, or once the window is on screen.
Tell = Callable[[Callable[[], object]], None]
# Where a store is: a file's path, or a server's address (postgresql://user@host:port/db).
Target = Path | str
# The fields of a connection to a server a refusal may name (models.server_store).
_CONNECTION_FIELDS = ("host", "port", "database", "user", "password")


def _target(where: Target) -> Target:
    """``where`` as the switcher compares it: a server's address as it is, a file's path
    made absolute."""
    return where if is_server_address(where) else Path(where).expanduser().absolute()


class _Reached:
    """A server's store reached off the GUI thread: the password that reached it."""

    def __init__(self, password: str | None) -> None:
        self.password = password


def _reach_server(url: str) -> _Reached:
    """Look for the password Duly keeps for ``url`` and make sure the server lets this
    login into a Duly store there (a worker's job: the keyring and the network may be
    slow); raises the StoreError saying why not."""
    from models.db import StoreError, look_at_server
    from models.server_password import password_for
    from models.server_store import ServerContents, parse_address

    address = parse_address(url)
    password = password_for(address)
    if look_at_server(address, password) is ServerContents.EMPTY:
        raise StoreError(None, f"There is no Duly store in the database {address.name}: it "
                               f"is empty. Connect to it with File › Connect to a Server… "
                               f"to start one there.")
    return _Reached(password)


class StoreSwitcher(QObject):
    """Opens and closes the window's store, one switch at a time."""

    opened = Signal(object)
    """A store was opened (the ``Store``); :attr:`business` is its business."""
    closed = Signal()
    """The open store was closed."""
    nothing_open = Signal()
    """No store could be opened: the welcome page is due."""
    switching_changed = Signal(bool)
    """A store is being built before it opens (True), or that ended (False)."""
    server_refused = Signal(str, object)
    """The store on a server the window started on could not be reached, for a reason
    the user can put right at the connection's fields: its address and the StoreError
    (its ``field`` the one at fault). The welcome page shows meanwhile."""

    def __init__(self, window: QWidget, tasks: TaskRunner, own_store_path: Path, *,
                 settled: Settled, tell: Tell) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self.own_store_path = own_store_path
        self._settled = settled
        self._tell = tell
        self.store: Store | None = None
        self.business: BusinessDetails | None = None
        self.switching = False

    def open_first(self, path: Target) -> None:
        """Open ``path`` as the window starts; the welcome page if it cannot be used. A
        server is reached off the GUI thread first (the window shows meanwhile)."""
        if is_server_address(path):
            url = str(path)

            def refused(error: BaseException) -> bool:
                from models.db import StoreError

                if isinstance(error, StoreError) and error.field in _CONNECTION_FIELDS:
                    self.server_refused.emit(url, error)
                    return True
                return False

            self._switch_to(url, prepare=lambda _progress: _reach_server(url),
                            label="Connecting to the server…", on_failure=refused)
            return
        self._open_or_fall_back(path, previous=None)

    def open_server(self, url: str, password: str | None) -> None:
        """Close the open store and open the one on the server at ``url`` (reached just
        now with ``password``, None: the server's own ways); if it cannot be used, say
        why and open the previous store again."""
        if self.switching or self._is_open(url) \
                or not self._settled(lambda: self.open_server(url, password)):
            return
        self._switch_to(url, password=password)

    def start_company_on_server(self, url: str) -> None:
        """Ask for the business details, then create its store in the server's empty
        database at ``url``."""
        if not self.switching and self._settled(lambda: self.start_company_on_server(url)):
            self._ask_company(target=url)

    def put_demo_on_server(self, url: str) -> None:
        """Create the demo company in the server's empty database at ``url`` and open it."""
        if self.switching or not self._settled(lambda: self.put_demo_on_server(url)):
            return

        def build(progress: Progress) -> None:
            build_demo_store(url, progress)

        self._switch_to(url, prepare=build, label="Creating the demo company on the server…")

    def open_store_file(self, path: Path | str) -> None:
        """Close the open store and open ``path`` (a file, or a store on a server:
        ``postgresql://…``); if it cannot be used, say why.

        On failure the previous store is opened again, or the welcome page
        shows. The refused file is never changed.
        """
        if self.switching or self._is_open(path) \
                or not self._settled(lambda: self.open_store_file(path)):
            return
        self._switch_to(path if is_server_address(path) else Path(path))

    def open_demo(self) -> None:
        """Open the demo company, creating it beside the user's own store if needed."""
        if self.switching:
            return
        demo = demo_path_beside(self.own_store_path)
        if self._is_open(demo) or not self._settled(self.open_demo):
            return
        if demo.exists():
            self._switch_to(demo)
            return

        def build(progress: Progress) -> None:
            build_demo_store(demo, progress)

        self._switch_to(demo, prepare=build, label="Creating the demo company…")

    def start_new_company(self) -> None:
        """Ask for the business details, then create the store for them."""
        if not self.switching and self._settled(self.start_new_company):
            self._ask_company()

    def reopen_after(self, prepare: Callable[[Progress], object], *, label: str,
                     on_success: Callable[[Any], None], cancellable: bool = False) -> None:
        """Close the open store, run ``prepare`` off the GUI thread (a restore, say), then
        open the store again and hand ``on_success`` what ``prepare`` returned. A
        ``cancellable`` one cancelled opens the store again, and that is all."""
        if self.store is not None and not self.switching \
                and self._settled(lambda: self.reopen_after(prepare, label=label,
                                                            on_success=on_success,
                                                            cancellable=cancellable)):
            self._switch_to(self.store.target, prepare=prepare, label=label,
                            on_done=on_success, cancellable=cancellable)

    def close(self) -> None:
        """Stop the work on the open store and close it."""
        self._tasks.stop_all()
        if self.store is None:
            return
        self.store.close()
        self.store = None
        self.business = None
        self.closed.emit()

    def shut(self) -> None:
        """Close the store as the window closes; a store being built is left unopened."""
        self.close()
        if self.switching:
            self._set_switching(False)

    # --- a new company --------------------------------------------------------------

    def _ask_company(self, draft: CompanyDraft | None = None,
                     error: CompanyError | None = None, target: str | None = None) -> None:
        from ui.window.new_company_dialog import NewCompanyDialog

        NewCompanyDialog.ask(self._window,
                             lambda given: self._on_company_given(given, target),
                             draft=draft, error=error)

    def _on_company_given(self, draft: CompanyDraft | None, server: str | None = None) -> None:
        if draft is None or self.switching:
            return
        target: Target | None = server if server is not None else self._new_company_target()
        if target is None:
            return

        def prepare(_progress: Progress) -> None:
            start_company(target, draft)

        def failed(error: BaseException) -> bool:
            from models.company import CompanyError

            if isinstance(error, CompanyError):
                self._ask_company(draft, error, server)
                return True
            return False

        self._switch_to(target, prepare=prepare, label="Setting up your company…",
                        on_failure=failed)

    def _new_company_target(self) -> Path | None:
        """The user's own store path if free, else a new file the user names."""
        own = self.own_store_path
        if not own.exists():
            return own
        path = file_pickers.choose_new_store_path(self._window, own.parent)
        if path is None:
            return None
        if path.exists():
            from models.db import StoreError

            messages.show_store_error(self._window, StoreError(
                path, f"{path.name} already exists. Duly never replaces a store; "
                      f"choose a new file name."))
            return None
        return path

    # --- switching ------------------------------------------------------------------

    def _switch_to(self, target: Target, *,
                   prepare: Callable[[Progress], object] | None = None,
                   label: str | None = None,
                   on_failure: Callable[[BaseException], bool] | None = None,
                   on_done: Callable[[Any], None] | None = None,
                   password: str | None = None,
                   cancellable: bool = False) -> None:
        """Close the open store, optionally build (or reach) ``target`` off-thread, then
        open it (a server's with ``password``, or the one ``prepare`` reached it with)."""
        previous = self.store.target if self.store is not None else None
        self.close()
        if prepare is None:
            self._open_or_fall_back(target, previous, password)
            return
        self._set_switching(True)

        def succeeded(result: object) -> None:
            self._set_switching(False)
            reached = result.password if isinstance(result, _Reached) else password
            self._open_or_fall_back(target, previous, reached)
            if on_done is not None:
                on_done(result)

        def failed(error: BaseException) -> bool:
            self._set_switching(False)
            self._return_to(previous)
            return on_failure(error) if on_failure is not None else False

        def cancelled() -> None:
            self._set_switching(False)
            self._return_to(previous)

        # A store built before it is opened: opening it reads everything anew.
        self._tasks.run(prepare, writes=True, changes=frozenset(), label=label,
                        on_success=succeeded, on_failure=failed,
                        store_path=target, cancellable=cancellable,
                        on_cancel=cancelled)

    def _open_or_fall_back(self, path: Target, previous: Target | None,
                           password: str | None = None) -> None:
        if self._open(path, tell=True, password=password):
            return
        if previous is not None and previous != _target(path):
            self._return_to(previous)
        else:
            self.nothing_open.emit()

    def _return_to(self, previous: Target | None) -> None:
        if previous is None or not self._open(previous, tell=False):
            self.nothing_open.emit()

    def _open(self, path: Target, *, tell: bool, password: str | None = None) -> bool:
        """Open the store at ``path``; False if it cannot be used."""
        from models.company import business_details
        from models.db import known_errors, open_store

        store: Store | None = None
        try:
            store = open_store(path, check_later=True, password=password)
            with known_errors(store.target):
                business = business_details()
        except Exception as error:
            if store is not None:
                store.close()
            if tell:
                self._tell_error(error)
            return False
        self.store, self.business = store, business
        if store.migrated_from is not None:
            self._tell(lambda: messages.show_message(
                self._window, QMessageBox.Icon.Information, "Duly",
                f"Duly has updated {store.path.name} to work with this version.",
                informative=f"A copy of the store as it was is kept at {store.backup_path}."))
        reading_only = store.reading_only
        if reading_only is not None:
            self._tell(lambda: messages.show_message(
                self._window, QMessageBox.Icon.Warning, "Duly", reading_only))
        self.opened.emit(store)
        return True

    def _is_open(self, path: Target) -> bool:
        return self.store is not None and self.store.target == _target(path)

    def _set_switching(self, switching: bool) -> None:
        self.switching = switching
        if switching:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QApplication.restoreOverrideCursor()
        self.switching_changed.emit(switching)

    def _tell_error(self, error: Exception) -> None:
        """Say why a store cannot be used, or report our own bug with its details."""
        from models.db import StoreError

        if isinstance(error, StoreError):
            self._tell(lambda: messages.show_store_error(self._window, error))
        else:
            details = "".join(traceback.format_exception(error))
            self._tell(lambda: messages.show_unexpected_error(self._window, details))

