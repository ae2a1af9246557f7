"""Settings → Outgoing mail as a user meets it: the server and sender saved and read back,
the password kept out of every file Duly writes, and a test message that either arrives
or says in words what went wrong."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from models.mail import MailSettings, mail_settings
from models.mail_password import (
    KeyringUnavailable,
    forget_password,
    password_for,
    password_kept_for_session,
)
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.common import password_dialog
from ui.settings.mail_settings_form import MailSettingsForm
from ui.settings.settings_page import SettingsPage
from ui.window.main_window import MainWindow

LOAD_TIMEOUT_MS = 10_000
SEND_TIMEOUT_MS = 30_000
LEFT = Qt.MouseButton.LeftButton
# A password no other text in a store or settings file could contain by chance.
SECRET = "pw-Zq81-Kestrel-unique"


@pytest.fixture
def client_ssl(smtp_server) -> Iterator[None]:
    """Sending from the window trusts the test server's certificate authority."""
    password_dialog.ssl_context = smtp_server.client_ssl
    yield
    password_dialog.ssl_context = None


@pytest.fixture
def forget() -> Iterator[list[MailSettings]]:
    """Settings whose password is forgotten after the test (memory and keyring)."""
    kept: list[MailSettings] = []
    yield kept
    for settings in kept:
        with contextlib.suppress(KeyringUnavailable):  # a keyring out of reach holds none
            forget_password(settings)


@pytest.fixture
def form(demo_store, qtbot, window, runner) -> MailSettingsForm:
    """The Settings page on the demo company, its Outgoing mail section on show."""
    page = SettingsPage(runner, lambda: DEMO_TODAY, window)
    page.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(page.mail_form.loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    page.show_section("mail")
    assert page.section() == "mail"
    return page.mail_form


def fill(form: MailSettingsForm, settings: MailSettings, password: str = "") -> None:
    """Type ``settings`` (and ``password``) into the form as a user would."""
    form.host_edit.setText(settings.host)
    form.security_combo.setCurrentIndex(form.security_combo.findData(settings.security))
    form.port_spin.setValue(settings.port)
    form.username_edit.setText(settings.username)
    form.password_edit.setText(password)
    form.sender_name_edit.setText(settings.sender_name)
    form.sender_address_edit.setText(settings.sender_address)
    form.reply_to_edit.setText(settings.reply_to)
    form.bcc_check.setChecked(settings.bcc_self)


def keep_for_session_if_asked(qtbot, parent) -> bool:
    """Where no keyring can keep the password, say "Use for this session only"."""
    boxes = [b for b in visible_message_boxes(parent) if b.objectName() == "keyringUnavailable"]
    if not boxes:
        return False
    box = boxes[0]
    assert "keyring" in box.informativeText()
    button = next(b for b in box.buttons() if "Session Only" in b.text())
    qtbot.mouseClick(button, LEFT)
    return True


SETTINGS = MailSettings(host="smtp.harbourfinch.example", port=465, security="ssl",
                        username="accounts", sender_name="Harbour & Finch Accounts",
                        sender_address="accounts@harbourfinch.example",
                        reply_to="ledger@harbourfinch.example", bcc_self=True)


def test_outgoing_mail_settings_are_saved_and_read_back(form, qtbot, window, runner):
    fill(form, SETTINGS)
    with qtbot.waitSignal(form.saved, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(form.save_button, LEFT)

    assert form.result_text() == "Outgoing mail settings saved."
    assert mail_settings() == SETTINGS
    again = MailSettingsForm(runner, window)
    with qtbot.waitSignal(again.loaded, timeout=LOAD_TIMEOUT_MS):
        again.reload()
    assert again.form_settings() == SETTINGS
    assert again.security_combo.currentText() == "SSL/TLS"


def test_choosing_the_security_moves_a_usual_port_to_the_new_usual_one(form):
    form.security_combo.setCurrentIndex(form.security_combo.findData("starttls"))
    assert form.port_spin.value() == 587
    form.security_combo.setCurrentIndex(form.security_combo.findData("ssl"))
    assert form.port_spin.value() == 465
    form.port_spin.setValue(2525)
    form.security_combo.setCurrentIndex(form.security_combo.findData("none"))
    assert form.port_spin.value() == 2525  # a port the user chose stays


def test_a_setting_that_will_not_do_is_shown_at_its_field(form, qtbot):
    fill(form, SETTINGS)
    form.sender_address_edit.setText("accounts at harbourfinch")
    qtbot.mouseClick(form.save_button, LEFT)
    qtbot.waitUntil(lambda: form.error_text("sender_address") != "", timeout=LOAD_TIMEOUT_MS)

    assert "address the mail is from" in form.error_text("sender_address")
    assert mail_settings() is None  # nothing saved


def test_a_login_without_encryption_to_another_computer_is_refused_at_the_security(
        form, qtbot):
    relay = dataclasses.replace(SETTINGS, security="none", port=25)
    fill(form, relay, SECRET)
    qtbot.mouseClick(form.save_button, LEFT)
    qtbot.waitUntil(lambda: form.error_text("security") != "", timeout=LOAD_TIMEOUT_MS)
    assert "None (a local relay)" in form.error_text("security")
    assert "unencrypted" in form.error_text("security")
    assert mail_settings() is None  # nothing saved

    with qtbot.waitSignal(form.tested, timeout=SEND_TIMEOUT_MS) as tested:
        qtbot.mouseClick(form.test_button, LEFT)
    assert tested.args == [False]
    assert "unencrypted" in form.error_text("security")


def test_the_password_is_kept_out_of_the_store_and_the_settings_file(
        open_window, demo_file, settings, qtbot, forget):
    window: MainWindow = open_window(demo_file)
    form = window.page("settings").mail_form
    with qtbot.waitSignal(form.loaded, timeout=LOAD_TIMEOUT_MS):
        window.show_area("settings", "mail")
    assert form.isVisible()
    fill(form, SETTINGS, SECRET)
    forget.append(SETTINGS)
    with qtbot.waitSignal(form.saved, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(form.save_button, LEFT)
    session = keep_for_session_if_asked(qtbot, window)

    # Kept where it belongs: the keyring, or this session's memory when there is none.
    assert password_kept_for_session(SETTINGS) == session
    assert password_for(SETTINGS) == SECRET
    assert form.password_edit.text() == ""
    assert "type to change it" in form.password_edit.placeholderText()
    window.close()
    settings.sync()
    files = [demo_file, Path(settings.fileName())]
    files += [Path(f"{demo_file}{suffix}") for suffix in ("-wal", "-journal", "-shm")]
    written = [path for path in files if path.exists()]
    assert Path(settings.fileName()) in written
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), path
        assert SECRET.encode("utf-16-le") not in path.read_bytes(), path


def test_a_test_message_reaches_the_server(form, qtbot, smtp_server, client_ssl):
    fill(form, smtp_server.settings, smtp_server.password)
    with qtbot.waitSignal(form.tested, timeout=SEND_TIMEOUT_MS) as tested:
        qtbot.mouseClick(form.test_button, LEFT)

    assert tested.args == [True]
    sender = smtp_server.settings.sender_address
    assert form.result_text() == f"Test message sent to {sender}."
    assert len(smtp_server.received) == 1
    assert smtp_server.received[0].envelope_to == [sender]
    assert mail_settings() is None  # tried as typed; saving is the user's choice


def test_a_refused_login_is_said_in_words(form, qtbot, smtp_server, client_ssl):
    fill(form, smtp_server.settings, "not-the-password")
    with qtbot.waitSignal(form.tested, timeout=SEND_TIMEOUT_MS) as tested:
        qtbot.mouseClick(form.test_button, LEFT)

    assert tested.args == [False]
    assert form.result_text().startswith("The mail server refused the user name or password")
    assert not smtp_server.received
    assert not visible_message_boxes(form.window())  # said on the page, not as a bug


def test_a_server_that_is_not_there_is_said_in_words(form, qtbot, smtp_server, closed_port,
                                                     client_ssl):
    settings = MailSettings(**{**smtp_server.settings.__dict__, "port": closed_port})
    fill(form, settings, smtp_server.password)
    with qtbot.waitSignal(form.tested, timeout=SEND_TIMEOUT_MS) as tested:
        qtbot.mouseClick(form.test_button, LEFT)

    assert tested.args == [False]
    assert "mail server" in form.result_text()
    assert str(closed_port) in form.result_text()


def test_the_password_dialog_keeps_the_password_for_the_session(qtbot, window, forget):
    forget.append(SETTINGS)
    got: list[object] = []
    dialog = password_dialog.PasswordDialog.ask(window, got.append, settings=SETTINGS)
    continue_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(continue_button, LEFT)  # nothing typed
    assert dialog.error_text("password") == "Enter the password of the mail account."
    dialog.password_edit.setText(SECRET)
    dialog.session_radio.setChecked(True)
    with qtbot.waitSignal(dialog.finished, timeout=LOAD_TIMEOUT_MS):
        dialog.accept()
    assert got == [password_dialog.PasswordEntry(SECRET, keep=False)]
