"""Outgoing-mail presets: each provider's server, port and security fill the settings, and
saved settings are recognised as their provider again."""

from __future__ import annotations

import pytest

from models.mail import DEFAULT_PORTS, SECURITY, MailSettings, checked_settings
from models.mail_presets import (
    CUSTOM,
    MAIL_PRESETS,
    mail_preset,
    preset_for,
    with_preset,
)

TYPED = MailSettings(host="", port=587, security="starttls", username="",
                     sender_name="Harbour & Finch Accounts",
                     sender_address="accounts@harbourandfinch.example",
                     reply_to="", bcc_self=True)

# What each provider's own help pages give for sending from another program.
EXPECTED = {
    "gmail": ("smtp.gmail.com", 587, "starttls"),
    "microsoft365": ("smtp.office365.com", 587, "starttls"),
    "outlook": ("smtp-mail.outlook.com", 587, "starttls"),
    "icloud": ("smtp.mail.me.com", 587, "starttls"),
    "yahoo": ("smtp.mail.yahoo.com", 465, "ssl"),
    "fastmail": ("smtp.fastmail.com", 465, "ssl"),
}


def test_the_common_providers_and_a_custom_server_are_offered():
    assert [preset.key for preset in MAIL_PRESETS] == [*EXPECTED, CUSTOM]
    assert len({preset.name for preset in MAIL_PRESETS}) == len(MAIL_PRESETS)


@pytest.mark.parametrize("key", list(EXPECTED))
def test_a_provider_fills_its_server_port_and_security(key):
    filled = with_preset(TYPED, mail_preset(key))

    assert (filled.host, filled.port, filled.security) == EXPECTED[key]
    # The sender and everything else typed stay as they were.
    assert (filled.sender_name, filled.sender_address, filled.bcc_self) == (
        TYPED.sender_name, TYPED.sender_address, TYPED.bcc_self)
    checked_settings(filled)  # the settings a provider fills are ones Duly accepts


def test_a_provider_logs_in_as_the_sender_unless_a_user_name_is_typed():
    assert with_preset(TYPED, mail_preset("gmail")).username == TYPED.sender_address
    own = MailSettings(**{**TYPED.__dict__, "username": "billing@harbourandfinch.example"})
    assert with_preset(own, mail_preset("gmail")).username == "billing@harbourandfinch.example"


def test_a_custom_server_keeps_what_was_typed():
    typed = MailSettings(**{**TYPED.__dict__, "host": "mail.example.net", "port": 2525})

    assert with_preset(typed, mail_preset(CUSTOM)) == typed
    assert mail_preset(CUSTOM).port == DEFAULT_PORTS["starttls"]


@pytest.mark.parametrize("preset", MAIL_PRESETS, ids=lambda preset: preset.key)
def test_each_preset_explains_app_passwords_in_plain_words(preset):
    assert preset.security in SECURITY
    assert "app" in preset.app_password.lower() and "password" in preset.app_password.lower()
    assert "http" not in preset.app_password and "www." not in preset.app_password


@pytest.mark.parametrize("key", list(EXPECTED))
def test_saved_settings_are_recognised_as_their_provider(key):
    filled = with_preset(TYPED, mail_preset(key))
    shouting = MailSettings(**{**filled.__dict__, "host": f"  {filled.host.upper()} "})

    assert preset_for(filled).key == key
    assert preset_for(shouting).key == key


def test_an_unknown_server_or_none_is_a_custom_server():
    assert preset_for(None).key == CUSTOM
    assert preset_for(MailSettings(**{**TYPED.__dict__, "host": "mail.example.net"})).key \
        == CUSTOM


def test_an_unknown_preset_is_refused():
    with pytest.raises(KeyError):
        mail_preset("aol")
