"""Settings → Outgoing mail: the business's own mail server, its sender, and a test message.

The settings are kept in the store; the password only in the system keyring (or, when
none can be used and the user agrees, in memory for this session). Reading, saving and
the test message run off the GUI thread; the server's objection comes back in words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.changes import Change, changes
from models.errors import LedgerError
from models.mail import (
    DEFAULT_PORTS,
    SECURITY,
    SECURITY_WORDS,
    MailError,
    MailSettings,
    mail_settings,
    save_mail_settings,
    send_test_message,
)
from models.mail_password import KeyringUnavailable, password_for, save_password
from models.mail_presets import MAIL_PRESETS, MailPreset, mail_preset, preset_for, with_preset
from ui.common import password_dialog
from ui.common.field_errors import FieldErrors
from ui.common.settings_form import hint, settings_form
from ui.common.style import ACCENT, ERROR, mute, scale_font
from ui.common.tasks import Progress, TaskRunner

PASSWORD_KEPT = "Kept in the system keyring: type to change it"
PASSWORD_SESSION = "Kept for this session only: type to change it"
PASSWORD_NEW = "Kept in the system keyring, never in Duly's files"
NO_LOGIN = "No login: the server takes mail without one"


class MailSettingsForm(QWidget):
    """The outgoing-mail settings, with Save and Send Test Message."""

    loaded = Signal()
    """The settings were read and are on show."""
    saved = Signal()
    """The settings (and any password typed) were saved."""
    tested = Signal(bool)
    """A test message was tried: whether it was sent."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        """Build the form; nothing is read until :meth:`reload`."""
        super().__init__(parent)
        self.setObjectName("mailSettings")
        self._tasks = tasks
        self._busy = 0
        self._edited = False  # the user has changed the form since it was read or saved
        self._errors = FieldErrors(self)  # type: ignore[arg-type]  # any widget will do
        self._build()
        self._update_actions()

    # --- public ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read the settings and whether a password is kept, in the background."""

        def work(_progress: Progress) -> tuple[MailSettings | None, bool]:
            settings = mail_settings()
            return settings, settings is not None and _has_password(settings)

        self._tasks.run(work, on_success=lambda found: self._on_load_task_succeeded(*found),
                        latest=(self, "load"))

    def clear(self) -> None:
        """Forget what is shown (the store closed); reads on their way are dropped."""
        self._tasks.forget((self, "load"))
        self._edited = False
        self._fill(None)
        self._password_kept = PASSWORD_NEW
        self._show_login()
        self.result_label.clear()

    def form_settings(self) -> MailSettings:
        """The settings as typed (not yet checked)."""
        return MailSettings(
            host=self.host_edit.text().strip(), port=self.port_spin.value(),
            security=str(self.security_combo.currentData()),
            username=self.username_edit.text().strip(),
            sender_name=self.sender_name_edit.text().strip(),
            sender_address=self.sender_address_edit.text().strip(),
            reply_to=self.reply_to_edit.text().strip(), bcc_self=self.bcc_check.isChecked())

    def choose_provider(self, key: str) -> None:
        """Fill the server, port and security from the provider called ``key`` (see
        ``models.mail_presets``), as choosing it in the Provider list does."""
        self.provider_combo.setCurrentIndex(self.provider_combo.findData(key))
        self._on_provider_combo_activated(self.provider_combo.currentIndex())

    def error_text(self, field: str) -> str:
        """The objection shown at ``field`` ("" if none)."""
        return self._errors.text(field)

    def result_text(self) -> str:
        """What the last save or test message said ("" if nothing yet)."""
        return self.result_label.text()

    # --- reading --------------------------------------------------------------------

    def _on_load_task_succeeded(self, settings: MailSettings | None,
                                has_password: bool) -> None:
        if not self._edited:  # what the user has typed meanwhile stays
            self._fill(settings)
        self._show_password_kept(has_password, settings)
        self.loaded.emit()

    def _fill(self, settings: MailSettings | None) -> None:
        settings = settings or MailSettings("", 587, "starttls", "", "", "")
        self.host_edit.setText(settings.host)
        self.security_combo.setCurrentIndex(max(self.security_combo.findData(
            settings.security), 0))
        self.port_spin.setValue(settings.port)
        self.username_edit.setText(settings.username)
        self.password_edit.clear()
        self.sender_name_edit.setText(settings.sender_name)
        self.sender_address_edit.setText(settings.sender_address)
        self.reply_to_edit.setText(settings.reply_to)
        self.bcc_check.setChecked(settings.bcc_self)
        self._show_provider(preset_for(settings))
        self._errors.clear_all()

    def _show_password_kept(self, kept: bool, settings: MailSettings | None) -> None:
        from models.mail_password import password_kept_for_session

        session = settings is not None and password_kept_for_session(settings)
        self._password_kept = PASSWORD_SESSION if session else PASSWORD_KEPT if kept \
            else PASSWORD_NEW
        self._show_login()

    def _show_login(self) -> None:
        """The password is asked for only with a user name to log in as."""
        login = bool(self.username_edit.text().strip())
        self.password_edit.setEnabled(login)
        self.password_edit.setPlaceholderText(self._password_kept if login else NO_LOGIN)

    # --- saving ---------------------------------------------------------------------

    @Slot()
    def _on_save_button_clicked(self) -> None:
        if self._busy:
            return
        settings, password = self.form_settings(), self.password_edit.text()

        def work(_progress: Progress) -> str:
            save_mail_settings(settings)
            if password:
                try:
                    save_password(settings, password)
                except KeyringUnavailable as error:
                    return error.message
            return ""

        def saved(keyring_words: str) -> None:
            self._end_busy()
            self._edited = False
            self.password_edit.clear()
            if keyring_words:
                self._say("Settings saved; the password is not kept yet.", ok=False)
                password_dialog.offer_session_only(self, settings, password, keyring_words,
                                                   lambda: self._on_password_kept(settings))
            else:
                self._say("Outgoing mail settings saved.", ok=True)
                self._show_password_kept(bool(password) or self._password_kept != PASSWORD_NEW,
                                         settings)
            self.saved.emit()

        self._start_busy()
        self._tasks.run(work, writes=True, on_success=saved, initiator=self,
                        changes=changes(Change.BUSINESS), on_failure=self._on_task_failed)

    def _on_password_kept(self, settings: MailSettings) -> None:
        self._say("Outgoing mail settings saved; the password is kept for this session.",
                  ok=True)
        self._show_password_kept(True, settings)

    # --- the test message -----------------------------------------------------------

    @Slot()
    def _on_test_button_clicked(self) -> None:
        if self._busy:
            return
        settings, typed = self.form_settings(), self.password_edit.text()
        context = password_dialog.ssl_context

        def work(_progress: Progress) -> str:
            password = typed or (password_for(settings) if settings.username else None)
            return send_test_message(settings, password, ssl_context=context)

        def sent(_reply: str) -> None:
            self._end_busy()
            self._say(f"Test message sent to {settings.sender_address}.", ok=True)
            self.tested.emit(True)

        def failed(error: BaseException) -> bool:
            handled = self._on_task_failed(error)
            if handled:
                self.tested.emit(False)
            return handled

        self._start_busy()
        self._say(f"Sending a test message to {settings.sender_address or 'the sender'}…",
                  ok=True)
        self._tasks.run(work, label="Sending a test message…", on_success=sent,
                        on_failure=failed)

    # --- shared ---------------------------------------------------------------------

    def _on_task_failed(self, error: BaseException) -> bool:
        """A server's or the store's objection: at its field, or in words under the
        buttons; anything else is left to the task helper."""
        self._end_busy()
        if isinstance(error, MailError | KeyringUnavailable):
            self._say(error.message, ok=False)
            return True
        if isinstance(error, LedgerError):
            self.result_label.clear()
            self._errors.show(error.field, error.message)
            return True
        self.result_label.clear()
        return False

    def _say(self, text: str, *, ok: bool) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(f"color: {ACCENT if ok else ERROR};")

    def _start_busy(self) -> None:
        self._busy += 1
        self._errors.clear_all()
        self._update_actions()

    def _end_busy(self) -> None:
        self._busy -= 1
        self._update_actions()

    def _update_actions(self) -> None:
        self.save_button.setEnabled(not self._busy)
        self.test_button.setEnabled(not self._busy)

    @Slot()
    def _on_form_edited(self) -> None:
        self._edited = True

    @Slot(int)
    def _on_provider_combo_activated(self, index: int) -> None:
        preset = mail_preset(str(self.provider_combo.itemData(index)))
        settings = with_preset(self.form_settings(), preset)
        self.host_edit.setText(settings.host)
        self.security_combo.setCurrentIndex(self.security_combo.findData(settings.security))
        self.port_spin.setValue(settings.port)  # after security, which may move the port
        self.username_edit.setText(settings.username)
        self._show_provider(preset)
        self._on_form_edited()

    @Slot(str)
    def _on_host_edit_text_edited(self, _text: str) -> None:
        self._show_provider(preset_for(self.form_settings()))

    def _show_provider(self, preset: MailPreset) -> None:
        self.provider_combo.setCurrentIndex(self.provider_combo.findData(preset.key))
        self.app_password_label.setText(preset.app_password)

    @Slot(int)
    def _on_security_combo_changed(self, _index: int) -> None:
        # A port that was the old security's usual one follows the new security.
        if self.port_spin.value() in DEFAULT_PORTS.values():
            self.port_spin.setValue(DEFAULT_PORTS[str(self.security_combo.currentData())])

    # --- building -------------------------------------------------------------------

    def _build(self) -> None:
        self.provider_combo = QComboBox()
        self.provider_combo.setObjectName("mailProvider")
        self.provider_combo.setToolTip("Fill the server, port and security for your mail "
                                       "provider")
        for preset in MAIL_PRESETS:
            self.provider_combo.addItem(preset.name, preset.key)
        self.provider_combo.activated.connect(self._on_provider_combo_activated)
        self.app_password_label = hint()
        self.app_password_label.setObjectName("mailAppPassword")
        self.host_edit = _edit("mailHost", "smtp.example.com")
        self.host_edit.textEdited.connect(self._on_host_edit_text_edited)
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("mailPort")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(587)
        self.port_spin.setMinimumWidth(90)
        self.security_combo = QComboBox()
        self.security_combo.setObjectName("mailSecurity")
        for key in SECURITY:
            self.security_combo.addItem(SECURITY_WORDS[key], key)
        self.security_combo.currentIndexChanged.connect(self._on_security_combo_changed)
        self.username_edit = _edit("mailUsername", "Leave empty if the server needs no login")
        self.password_edit = _edit("mailPassword", "")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._password_kept = PASSWORD_NEW
        self.username_edit.textChanged.connect(self._show_login)
        self.sender_name_edit = _edit("mailSenderName", "Harbour & Finch Accounts")
        self.sender_address_edit = _edit("mailSenderAddress", "accounts@example.com")
        self.reply_to_edit = _edit("mailReplyTo", "Optional")
        self.bcc_check = QCheckBox("Send me a &blind copy of every e-mail")
        self.bcc_check.setObjectName("mailBcc")

        wrap = self._errors.wrap
        form = settings_form()
        form.addRow("Pro&vider:", self.provider_combo)
        form.addRow("&Server:", wrap("host", self.host_edit))
        port_row = QWidget()
        row = QHBoxLayout(port_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.port_spin)
        security_label = QLabel("S&ecurity:")
        security_label.setBuddy(self.security_combo)
        row.addSpacing(12)
        row.addWidget(security_label)
        row.addWidget(self.security_combo)
        row.addStretch(1)
        form.addRow("P&ort:", wrap("port", port_row, focus=self.port_spin,
                                   aliases=("security",)))
        form.addRow("&User name:", wrap("username", self.username_edit))
        form.addRow("&Password:", wrap("password", self.password_edit))
        form.addRow("", self.app_password_label)
        form.addRow("Sender &name:", wrap("sender_name", self.sender_name_edit))
        form.addRow("Sender &address:", wrap("sender_address", self.sender_address_edit))
        form.addRow("&Reply-to:", wrap("reply_to", self.reply_to_edit))
        form.addRow("", self.bcc_check)

        for edit in (self.host_edit, self.username_edit, self.password_edit,
                     self.sender_name_edit, self.sender_address_edit, self.reply_to_edit):
            edit.textEdited.connect(self._on_form_edited)
        self.security_combo.activated.connect(self._on_form_edited)
        self.port_spin.editingFinished.connect(self._on_form_edited)
        self.bcc_check.clicked.connect(self._on_form_edited)

        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("mailSave")
        self.save_button.setToolTip("Save the outgoing-mail settings and the password")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.test_button = QPushButton("Send &Test Message")
        self.test_button.setObjectName("mailTest")
        self.test_button.setToolTip("Send a message to the sender's own address with the "
                                    "settings as typed, to check them")
        self.test_button.clicked.connect(self._on_test_button_clicked)
        for button in (self.save_button, self.test_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        self.result_label = QLabel()
        self.result_label.setObjectName("mailResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        heading = QLabel("Outgoing mail")
        scale_font(heading, 1.2, bold=True)
        words = QLabel("Reminders and statements are e-mailed from your own address, through "
                       "your own mail server. Choose your provider to fill in its "
                       "server, or type your own server's settings.")
        words.setWordWrap(True)
        mute(words)
        column = QWidget()
        column.setMaximumWidth(640)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(words)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self._errors.general)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        # In a short window the Settings page scrolls it, rather than squeeze the
        # app-password words away.
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(column, 1)
        row.addStretch(0)
        self._show_provider(preset_for(None))


def _has_password(settings: MailSettings) -> bool:
    if not settings.username:
        return False
    try:
        return password_for(settings) is not None
    except KeyringUnavailable:
        return False


def _edit(name: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit

