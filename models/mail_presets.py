"""Outgoing-mail settings of the common mail providers, to fill the form in one choice.

Each provider's server, port and security are what its own help pages give for sending
from another program (read December 2026):

- Gmail and Google Workspace: smtp.gmail.com, 587, STARTTLS (Google, "Read Gmail
  messages on other email clients using POP", support.google.com/mail/answer/7126229).
- Microsoft 365 (work or school): smtp.office365.com, 587, STARTTLS (Microsoft Learn,
  "How to set up a multifunction device or application to send email using Microsoft
  365", option 1: SMTP AUTH client submission).
- Outlook.com and Hotmail: smtp-mail.outlook.com, 587, STARTTLS (Microsoft support,
  "POP, IMAP, and SMTP settings for Outlook.com").
- iCloud Mail: smtp.mail.me.com, 587, STARTTLS (Apple support 102525, "iCloud Mail
  server settings for other email client apps").
- Yahoo Mail: smtp.mail.yahoo.com, 465, SSL/TLS (Yahoo help SLN4724, "IMAP server
  settings for Yahoo Mail").
- Fastmail: smtp.fastmail.com, 465, SSL/TLS, "enabled, but not STARTTLS" (Fastmail
  help, "Server names and ports", fastmail.com/help/technical/servernamesandports.html).

Every one of them refuses the account's ordinary password from another program once
two-step sign-in is on (Fastmail always): it wants an app password, a second password
made in the provider's own account settings for one program.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.mail import DEFAULT_PORTS, MailSettings


@dataclass(frozen=True)
class MailPreset:
    """A mail provider's outgoing server, and how to get a password Duly may use."""

    key: str
    name: str  # as the provider calls itself
    host: str  # "" for a custom server: the user types it
    port: int
    security: str  # one of models.mail.SECURITY
    app_password: str  # where to make an app password, in plain words (no links)


CUSTOM = "custom"

MAIL_PRESETS: tuple[MailPreset, ...] = (
    MailPreset(
        "gmail", "Gmail or Google Workspace", "smtp.gmail.com", 587, "starttls",
        "Gmail wants an app password, not your Google password. In your Google Account, "
        "open Security, turn on 2-Step Verification if it is off, then search the "
        "account settings for \u201cApp passwords\u201d, make one called Duly, and paste "
        "its 16 letters here (spaces do not matter). Your user name is your full Gmail "
        "address."),
    MailPreset(
        "microsoft365", "Microsoft 365 (work or school)", "smtp.office365.com", 587,
        "starttls",
        "Use your full work address as the user name. If your account signs in with a "
        "code or an app on your phone, make an app password: in your Microsoft account's "
        "Security info, choose Add sign-in method, then App password. If the server "
        "still says no, whoever manages your Microsoft 365 must allow \u201cAuthenticated "
        "SMTP\u201d for your mailbox."),
    MailPreset(
        "outlook", "Outlook.com or Hotmail", "smtp-mail.outlook.com", 587, "starttls",
        "Use your full Outlook.com address as the user name. With two-step verification "
        "on, make an app password: in your Microsoft account open Security, then "
        "Advanced security options, and under App passwords choose Create a new app "
        "password."),
    MailPreset(
        "icloud", "iCloud Mail", "smtp.mail.me.com", 587, "starttls",
        "iCloud wants an app-specific password. Sign in to your Apple Account, open "
        "Sign-In and Security, choose App-Specific Passwords, make one called Duly and "
        "paste it here. Your user name is your full iCloud address."),
    MailPreset(
        "yahoo", "Yahoo Mail", "smtp.mail.yahoo.com", 465, "ssl",
        "Yahoo wants an app password. In Yahoo's Account Info, open Account Security, "
        "choose Generate app password (or Manage app passwords), name it Duly and paste "
        "it here. Your user name is your full Yahoo address."),
    MailPreset(
        "fastmail", "Fastmail", "smtp.fastmail.com", 465, "ssl",
        "Fastmail always wants an app password. In Fastmail's Settings, open Privacy & "
        "Security, then Manage app passwords and access, and choose New app password "
        "with access to Mail. Your user name is your full Fastmail address."),
    MailPreset(
        CUSTOM, "Another provider or my own server", "", DEFAULT_PORTS["starttls"],
        "starttls",
        "Your mail provider's help pages name the outgoing (SMTP) server, its port and "
        "security. If your account signs in with a second step (a code or an app on "
        "your phone), make an app password in your account's security settings and use "
        "it here instead of your usual password."),
)


def mail_preset(key: str) -> MailPreset:
    """The preset called ``key``; KeyError if there is none."""
    for preset in MAIL_PRESETS:
        if preset.key == key:
            return preset
    raise KeyError(key)


def preset_for(settings: MailSettings | None) -> MailPreset:
    """The provider whose server ``settings`` use (the custom server if none matches)."""
    host = settings.host.strip().lower() if settings is not None else ""
    for preset in MAIL_PRESETS:
        if preset.host and preset.host == host:
            return preset
    return mail_preset(CUSTOM)


def with_preset(settings: MailSettings, preset: MailPreset) -> MailSettings:
    """``settings`` sent through ``preset``'s server, port and security (a custom server
    keeps what is there). The user name is the sender's address when none is given:
    every provider listed logs in with the full address."""
    if not preset.host:
        return settings
    username = settings.username or settings.sender_address
    return MailSettings(host=preset.host, port=preset.port, security=preset.security,
                        username=username, sender_name=settings.sender_name,
                        sender_address=settings.sender_address, reply_to=settings.reply_to,
                        bcc_self=settings.bcc_self)
