"""The password for the business's mail server, kept in the system keyring or for this
session only, by the rule of :mod:`models.keyring_passwords` (never in plain text, never in
the store, a settings file or a log).

A keyring call may wait while the system asks the user to unlock the keyring, so the
window should make these calls off its own thread.
"""

from __future__ import annotations

from models.errors import KeyringUnavailable
from models.keyring_passwords import SESSION_ONLY, KeptPasswords
from models.mail import MailSettings

__all__ = ["SERVICE", "SESSION_ONLY", "KeyringUnavailable", "forget_password", "password_for",
           "password_kept_for_session", "save_password", "use_password_for_session"]

SERVICE = "Duly SMTP"

_KEPT = KeptPasswords(SERVICE, "the mail server")


def save_password(settings: MailSettings, password: str) -> None:
    """Keep the password for the settings' login in the system keyring, replacing any
    kept before. Raises KeyringUnavailable when no keyring can keep it; a password kept
    for this session is dropped once the keyring has it, so the saved one is used."""
    _KEPT.save(_account(settings), password)


def use_password_for_session(settings: MailSettings, password: str) -> None:
    """Use the password for the settings' login until Duly quits, without saving it
    anywhere (it is never handed to the keyring)."""
    _KEPT.use_for_session(_account(settings), password)


def password_for(settings: MailSettings) -> str | None:
    """The password for the settings' login: the one used for this session first, then
    the one in the keyring; None when there is none, or no keyring can be read (then
    ``save_password`` says why when the user gives it)."""
    return _KEPT.password_for(_account(settings))


def forget_password(settings: MailSettings) -> None:
    """Forget the password for the settings' login, for this session and in the keyring.
    Raises KeyringUnavailable when a keyring that may hold it cannot be reached (locked,
    unlocking cancelled, or failing); with no keyring at all there is nothing to forget."""
    _KEPT.forget(_account(settings))


def password_kept_for_session(settings: MailSettings) -> bool:
    """Whether the settings' login has a password used for this session only."""
    return _KEPT.kept_for_session(_account(settings))


def _account(settings: MailSettings) -> str:
    """The keyring's user name for a login: one entry per user, server and port."""
    return f"{settings.username}@{settings.host}:{settings.port}"
