"""Settings → Outgoing mail: choosing a provider fills its server, port and security and
explains its app password; saved settings show their provider again."""

from __future__ import annotations

import pytest

from models.mail import MailSettings, save_mail_settings
from models.mail_presets import CUSTOM, MAIL_PRESETS, mail_preset
from tests.conftest import DEMO_TODAY
from ui.settings.mail_settings_form import MailSettingsForm
from ui.settings.settings_page import SettingsPage

LOAD_TIMEOUT_MS = 10_000


@pytest.fixture
def page(demo_store, qtbot, window, runner) -> SettingsPage:
    """The Settings page on the demo company, its Outgoing mail section on show."""
    page = SettingsPage(runner, lambda: DEMO_TODAY, window)
    page.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    page.show_section("mail")
    return page


def load(page: SettingsPage, qtbot) -> MailSettingsForm:
    """Read the settings into the form, as opening Settings does."""
    with qtbot.waitSignal(page.mail_form.loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    return page.mail_form


def choose(form: MailSettingsForm, key: str) -> None:
    """Pick the provider ``key`` in the Provider list, as a user does."""
    index = form.provider_combo.findData(key)
    form.provider_combo.setCurrentIndex(index)
    form.provider_combo.activated.emit(index)


def shown(form: MailSettingsForm) -> tuple[str, int, str]:
    """The server, port and security on show."""
    return (form.host_edit.text(), form.port_spin.value(),
            str(form.security_combo.currentData()))


@pytest.mark.parametrize("key, expected", [
    ("gmail", ("smtp.gmail.com", 587, "starttls")),
    ("microsoft365", ("smtp.office365.com", 587, "starttls")),
    ("outlook", ("smtp-mail.outlook.com", 587, "starttls")),
    ("icloud", ("smtp.mail.me.com", 587, "starttls")),
    ("yahoo", ("smtp.mail.yahoo.com", 465, "ssl")),
    ("fastmail", ("smtp.fastmail.com", 465, "ssl")),
])
def test_choosing_a_provider_fills_the_server_port_and_security(page, qtbot, key, expected):
    form = load(page, qtbot)
    form.sender_address_edit.setText("accounts@harbourandfinch.example")

    choose(form, key)

    assert shown(form) == expected
    assert form.username_edit.text() == "accounts@harbourandfinch.example"
    assert form.app_password_label.text() == mail_preset(key).app_password
    assert form.app_password_label.isVisible()
    assert form.form_settings().host == expected[0]  # what Save would keep


def test_every_provider_and_a_custom_server_are_in_the_list(page, qtbot):
    form = load(page, qtbot)

    offered = [form.provider_combo.itemText(n) for n in range(form.provider_combo.count())]

    assert offered == [preset.name for preset in MAIL_PRESETS]


def test_a_custom_server_keeps_what_was_typed_and_explains_app_passwords(page, qtbot):
    form = load(page, qtbot)
    choose(form, "yahoo")
    form.host_edit.setText("mail.harbourandfinch.example")
    form.port_spin.setValue(2525)

    choose(form, CUSTOM)

    assert shown(form) == ("mail.harbourandfinch.example", 2525, "ssl")
    assert "app password" in form.app_password_label.text()


def test_typing_a_providers_server_shows_that_provider(page, qtbot):
    form = load(page, qtbot)

    form.host_edit.clear()
    qtbot.keyClicks(form.host_edit, "smtp.fastmail.com")

    assert form.provider_combo.currentData() == "fastmail"
    qtbot.keyClicks(form.host_edit, ".example")
    assert form.provider_combo.currentData() == CUSTOM


def test_saved_settings_show_their_provider(page, qtbot):
    save_mail_settings(MailSettings("smtp.office365.com", 587, "starttls",
                                    "accounts@harbourandfinch.example", "Harbour & Finch",
                                    "accounts@harbourandfinch.example"))

    form = load(page, qtbot)

    assert form.provider_combo.currentData() == "microsoft365"
    assert "Authenticated SMTP" in form.app_password_label.text()
