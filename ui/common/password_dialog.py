"""The mail server's password: asked for when sending needs it and none is kept, then
saved in the system keyring or used for this session only.

:func:`ask_mail_access` is what every sending action goes through: it reads the
outgoing-mail settings and the password off the GUI thread (the keyring may be slow or
prompt), says so when mail is not set up, asks for a password that is missing, and
hands the settings and password on. The password lives only in the keyring or in
memory for this run; never in the store, a settings file or a log.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from models.errors import LedgerError
from models.mail import MailSettings, mail_settings
from models.mail_password import (
    KeyringUnavailable,
    password_for,
    save_password,
    use_password_for_session,
)
from ui.common import messages
from ui.common.ledger_dialog import LedgerDialog
from ui.common.tasks import Progress, TaskRunner

ssl_context: ssl.SSLContext | None = None
"""The TLS context sending uses; None is the system's default trust. Tests point it at
their own server's certificate authority."""

NOT_SET_UP = "Outgoing mail is not set up yet."
NOT_SET_UP_WORDS = ("Enter your mail server, sender address and password in Settings → "
                    "Outgoing mail, then try again.")


@dataclass(frozen=True)
class MailAccess:
    """What sending needs: the settings and the password (None when the server wants no
    login)."""

    settings: MailSettings
    password: str | None


@dataclass(frozen=True)
class PasswordEntry:
    """The password typed and whether to keep it in the keyring."""

    password: str
    keep: bool


class PasswordDialog(LedgerDialog):
    """Ask for the password of the mail account; keep it in the keyring or for this run."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[PasswordEntry | None], None], *,
            settings: MailSettings, why: str = "",
            error: LedgerError | None = None) -> PasswordDialog:
        """Open the dialog; ``done`` later receives the entry, or None if cancelled."""
        dialog = cls(parent, settings=settings, why=why)
        dialog.open_for(done, lambda: dialog.entry, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, settings: MailSettings,
                 why: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Mail Password")
        self.setMinimumWidth(460)
        self.entry: PasswordEntry | None = None
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("mailPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.textEdited.connect(lambda _text: self._errors.clear("password"))
        self.keep_radio = QRadioButton("&Save it in the system keyring")
        self.session_radio = QRadioButton("&Use it for this session only")
        self.keep_radio.setChecked(True)
        choices = QWidget()
        column = QVBoxLayout(choices)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.keep_radio)
        column.addWidget(self.session_radio)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("&Password:", self._errors.wrap("password", self.password_edit))
        form.addRow("", choices)
        self._buttons("&Continue")
        intro = why or (f"Duly needs the password of {settings.username} on "
                        f"{settings.host} to send.")
        self._lay_out("Mail Password", intro, form)
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take_input(self) -> None:
        password = self.password_edit.text()
        if not password:
            raise LedgerError("password", "Enter the password of the mail account.")
        self.entry = PasswordEntry(password, self.keep_radio.isChecked())


def ask_mail_access(parent: QWidget, tasks: TaskRunner, then: Callable[[MailAccess], None],
                    *, open_settings: Callable[[], None] | None = None) -> None:
    """Read the mail settings and password in the background; ask for what is missing;
    then ``then(access)``. Nothing happens if the user cancels."""

    def work(_progress: Progress) -> tuple[MailSettings | None, str | None, str]:
        settings = mail_settings()
        if settings is None or not settings.username:
            return settings, None, ""
        try:
            return settings, password_for(settings), ""
        except KeyringUnavailable as error:
            return settings, None, error.message

    def read(found: tuple[MailSettings | None, str | None, str]) -> None:
        settings, password, keyring_words = found
        if settings is None:
            show_not_set_up(parent, open_settings)
        elif not settings.username or password is not None:
            then(MailAccess(settings, password))
        else:
            ask_password(parent, tasks, settings, then, why=keyring_words)

    tasks.run(work, on_success=read)


def ask_password(parent: QWidget, tasks: TaskRunner, settings: MailSettings,
                 then: Callable[[MailAccess], None], *, why: str = "") -> None:
    """Ask for the password of ``settings``' account, keep it as the user says, then
    ``then(access)``."""

    def entered(entry: PasswordEntry | None) -> None:
        if entry is None:
            return
        if not entry.keep:
            use_password_for_session(settings, entry.password)
            then(MailAccess(settings, entry.password))
            return
        keep_password(parent, tasks, settings, entry.password,
                      lambda: then(MailAccess(settings, entry.password)))

    PasswordDialog.ask(parent, entered, settings=settings, why=why)


def keep_password(parent: QWidget, tasks: TaskRunner, settings: MailSettings, password: str,
                  then: Callable[[], None]) -> None:
    """Save ``password`` in the keyring in the background, then ``then()``. When no keyring
    can be used, say why and offer to use it for this session only."""

    def failed(error: BaseException) -> bool:
        if not isinstance(error, KeyringUnavailable):
            return False
        offer_session_only(parent, settings, password, error.message, then)
        return True

    tasks.run(lambda _progress: save_password(settings, password),
              label="Saving the password in the keyring…",
              on_success=lambda _result: then(), on_failure=failed)


def offer_session_only(parent: QWidget, settings: MailSettings, password: str, why: str,
                       then: Callable[[], None]) -> QMessageBox:
    """Say why the keyring cannot keep the password; "Use for this session only" keeps it
    in memory until Duly closes and carries on with ``then()``."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Duly",
                      "The password could not be saved in the system keyring.",
                      QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("keyringUnavailable")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(f"{why} Duly asks again the next time it starts.")
    session = box.addButton("&Use for This Session Only", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(session)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def clicked(button: QAbstractButton) -> None:
        if button is session:
            use_password_for_session(settings, password)
            then()

    box.buttonClicked.connect(clicked)
    box.open()
    return box


def show_not_set_up(parent: QWidget, open_settings: Callable[[], None] | None) -> QMessageBox:
    """Say that outgoing mail is not set up; offer to open Settings where it is."""
    if open_settings is None:
        return messages.show_message(parent, QMessageBox.Icon.Information, "Duly", NOT_SET_UP,
                                     informative=NOT_SET_UP_WORDS)
    box = QMessageBox(QMessageBox.Icon.Information, "Duly", NOT_SET_UP,
                      QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("mailNotSetUp")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(NOT_SET_UP_WORDS)
    go = box.addButton("Open &Settings", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(go)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: open_settings() if button is go else None)
    box.open()
    return box
