"""File › Connect to a Server…: where a store on a PostgreSQL server is and its password,
tried off the GUI thread before the window switches to it.

A server that cannot be reached or refuses keeps the dialog open, with why beside the
field at fault; an empty database offers to start a company (or the demo) there. The
password is kept (in the system keyring, or for this session only) only once the server
has taken it, and never in the settings: they remember the address alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from models.db import look_at_server
from models.errors import LedgerError, Refusal
from models.server_password import keep_password, password_for
from models.server_store import (
    DEFAULT_PORT,
    ServerAddress,
    ServerContents,
    address_of,
    parse_address,
)
from ui.common.ledger_dialog import LedgerDialog
from ui.common.style import mute
from ui.common.tasks import Progress, Task, TaskRunner

REMEMBER_TEXT = "&Remember the password in the system keyring"


class Then(StrEnum):
    """What the window does with the server reached."""

    OPEN = "open"  # open the store there
    NEW_COMPANY = "new_company"  # start the user's company in the empty database
    DEMO = "demo"  # put the demo company in the empty database


@dataclass(frozen=True)
class ServerChoice:
    """A server reached: its address, the password that reached it (None: the server's
    own ways), what to do there, and the keyring's words if it could not keep the
    password (it then serves this session only)."""

    url: str
    password: str | None
    then: Then
    keyring_words: str | None = None


@dataclass(frozen=True)
class Tried:
    """What a try at the server found: what its database holds, and the password."""

    contents: ServerContents
    password: str | None
    keyring_words: str | None


def try_server(address: ServerAddress, typed: str, remember: bool) -> Tried:
    """Connect to the address with the password typed (none typed: the one Duly keeps,
    else the server's own ways) and say what its database holds; keep a typed password
    once the server has taken it. A worker's job: the keyring and the network may be
    slow."""
    password = typed or password_for(address)
    contents = look_at_server(address, password)
    words = keep_password(address, typed, remember=remember) if typed else None
    return Tried(contents, password, words)


class ConnectDialog(LedgerDialog):
    """Host, port, database, user and password of a store on a PostgreSQL server."""

    @classmethod
    def ask(cls, parent: QWidget, tasks: TaskRunner,
            done: Callable[[ServerChoice | None], None], *,
            last_url: str | None = None, error: Refusal | None = None) -> ConnectDialog:
        """Open the dialog (filled in with ``last_url``'s parts, and ``error`` shown at its
        field: why that server refused before); ``done`` later receives the server
        reached, or None if cancelled."""
        dialog = cls(parent, tasks, last_url=last_url)
        dialog.open_for(done, lambda: dialog.choice)
        if error is not None:
            dialog._errors.show(error.field, error.message)
        return dialog

    def __init__(self, parent: QWidget | None, tasks: TaskRunner, *,
                 last_url: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to a Server")
        self.setMinimumWidth(500)
        self._tasks = tasks
        self._task: Task | None = None
        self.choice: ServerChoice | None = None
        self.offer_box: QMessageBox | None = None

        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("db.example.com")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.port_spin.setGroupSeparatorShown(False)
        self.database_edit = QLineEdit()
        self.database_edit.setPlaceholderText("duly")
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("Empty: the one kept, or ~/.pgpass")
        self.remember_box = QCheckBox(REMEMBER_TEXT)
        self.remember_box.setChecked(True)
        self.remember_box.setToolTip("Unticked, the password serves until Duly quits and "
                                     "is saved nowhere.")
        self.trying_label = QLabel()
        self.trying_label.setObjectName("connectTrying")
        mute(self.trying_label)
        self.trying_label.hide()
        self._fill_in(last_url)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        fields = (("&Server:", "host", self.host_edit), ("P&ort:", "port", self.port_spin),
                  ("&Database:", "database", self.database_edit),
                  ("&User:", "user", self.user_edit),
                  ("&Password:", "password", self.password_edit))
        for label, field, widget in fields:
            form.addRow(label, self._errors.wrap(field, widget, stretch=field == "port"))
            if isinstance(widget, QLineEdit):
                widget.textEdited.connect(lambda _text, name=field: self._errors.clear(name))
        form.addRow("", self.remember_box)
        form.addRow("", self.trying_label)
        self.connect_button: QPushButton = self._buttons("&Connect")
        self._lay_out("Connect to a Server",
                      "Open the store your office keeps on a PostgreSQL server. Whoever "
                      "looks after the server can tell you its name, the database and "
                      "your user name.", form)
        first = next((widget for _label, _field, widget in fields
                      if isinstance(widget, QLineEdit) and not widget.text()),
                     self.password_edit)
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def trying(self) -> bool:
        """Whether the dialog is waiting for the server."""
        return self._task is not None

    def accept(self) -> None:
        """Try the server off the GUI thread (the dialog stays open meanwhile)."""
        if self.trying or self.offer_box is not None:
            return
        self._errors.clear_all()
        try:
            address = address_of(self.host_edit.text(), self.port_spin.value(),
                                  self.database_edit.text(), self.user_edit.text())
        except LedgerError as error:
            self.show_error(error)
            return
        typed, remember = self.password_edit.text(), self.remember_box.isChecked()

        def work(_progress: Progress) -> Tried:
            return try_server(address, typed, remember)

        self._set_trying(f"Connecting to {address.name}…")
        self._task = self._tasks.run(
            work, store_path=address.url,
            on_success=lambda tried: self._on_tried(address, tried),
            on_failure=self._on_try_failed)

    def reject(self) -> None:
        """While trying: stop waiting for the server (the dialog stays); else close."""
        if self._task is not None:
            self._task.detach()
            self._task = None
            self._set_trying(None)
            self._errors.show("general", "Stopped trying to connect: nothing was changed.",
                              focus=False)
            return
        super().reject()

    def _take_input(self) -> None:  # accept() is asynchronous here
        raise NotImplementedError

    def _fill_in(self, url: str | None) -> None:
        if not url:
            return
        try:
            address = parse_address(url)
        except ValueError:
            return
        self.host_edit.setText(address.host)
        self.port_spin.setValue(address.port)
        self.database_edit.setText(address.dbname)
        self.user_edit.setText(address.user)

    def _set_trying(self, words: str | None) -> None:
        for widget in (self.host_edit, self.port_spin, self.database_edit, self.user_edit,
                       self.password_edit, self.remember_box, self.connect_button):
            widget.setEnabled(words is None)
        self.trying_label.setText(words or "")
        self.trying_label.setVisible(words is not None)

    def _on_tried(self, address: ServerAddress, tried: Tried) -> None:
        self._task = None
        self._set_trying(None)
        if tried.contents is ServerContents.STORE:
            self._finish(address, tried, Then.OPEN)
        else:
            self._offer_new_store(address, tried)

    def _on_try_failed(self, error: BaseException) -> bool:
        self._task = None
        self._set_trying(None)
        if not isinstance(error, Refusal):
            return False  # a bug of ours: the task's own message with its details
        self._errors.show(error.field, error.message)
        return True

    def _offer_new_store(self, address: ServerAddress, tried: Tried) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(),
                          f"The database {address.name} is empty.", parent=self)
        box.setObjectName("emptyDatabaseOffer")
        box.setInformativeText("Duly can start your company's store there, for everyone "
                               "in the office to work on, or put the demo company there "
                               "to try it out.")
        company = box.addButton("&Start My Company There…", QMessageBox.ButtonRole.AcceptRole)
        demo = box.addButton("Put the &Demo Company There", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(company)

        def answered(_code: int) -> None:
            self.offer_box = None
            clicked = box.clickedButton()
            if clicked is company:
                self._finish(address, tried, Then.NEW_COMPANY)
            elif clicked is demo:
                self._finish(address, tried, Then.DEMO)

        box.finished.connect(answered)
        self.offer_box = box
        box.open()

    def _finish(self, address: ServerAddress, tried: Tried, then: Then) -> None:
        self.choice = ServerChoice(address.url, tried.password, then, tried.keyring_words)
        super(LedgerDialog, self).accept()
