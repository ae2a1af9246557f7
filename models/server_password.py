"""The password for a store on a PostgreSQL server, kept in the system keyring under the
server's address (``user@host:port/dbname``) or for this session only, by the rule of
:mod:`models.keyring_passwords`: never in the address, a settings file, the store or a
log, and never in a plain-text keyring.

When none is kept, the server's own ways give it (``~/.pgpass``, ``PGPASSWORD``), as for
any PostgreSQL program. A keyring call may wait while the system asks the user to unlock
the keyring, so the window should make these calls off its own thread.
"""

from __future__ import annotations

import contextlib

from models.errors import KeyringUnavailable
from models.keyring_passwords import SESSION_ONLY, KeptPasswords
from models.server_store import ServerAddress

__all__ = ["SERVICE", "SESSION_ONLY", "KeyringUnavailable", "account", "forget_password",
           "keep_password",
           "password_for", "password_kept_for_session", "save_password",
           "use_password_for_session"]

SERVICE = "Duly PostgreSQL"

_KEPT = KeptPasswords(SERVICE, "the server")


def account(address: ServerAddress) -> str:
    """The keyring's name for the address's login: ``user@host:port/dbname`` (the user
    the server sees: the computer's own user name when the address names none)."""
    return f"{address.login}@{address.host}:{address.port}/{address.dbname}"


def save_password(address: ServerAddress, password: str) -> None:
    """Keep the password for the address's login in the system keyring, replacing any
    kept before; raises KeyringUnavailable when no keyring can keep it."""
    _KEPT.save(account(address), password)


def use_password_for_session(address: ServerAddress, password: str) -> None:
    """Use the password for the address's login until Duly quits, saving it nowhere."""
    _KEPT.use_for_session(account(address), password)


def password_for(address: ServerAddress) -> str | None:
    """The password for the address's login: this session's, else the keyring's; None
    when Duly keeps none (the server's own ways then apply)."""
    return _KEPT.password_for(account(address))


def forget_password(address: ServerAddress) -> None:
    """Forget the password for the address's login, for this session and in the keyring;
    raises KeyringUnavailable when a keyring that may hold it cannot be reached."""
    _KEPT.forget(account(address))


def password_kept_for_session(address: ServerAddress) -> bool:
    """Whether the address's login has a password used for this session only."""
    return _KEPT.kept_for_session(account(address))


def keep_password(address: ServerAddress, password: str, *, remember: bool) -> str | None:
    """Keep the password that has just let the address's login in: in the keyring when
    the user asks to ``remember`` it, else for this session only (and the keyring's
    copy, if any, forgotten). A password is kept only once the server has taken it.

    The keyring's words when it could not keep it (the password then serves this
    session), else None."""
    if not remember:
        # A keyring that cannot be reached now keeps its copy: the one typed is used first.
        with contextlib.suppress(KeyringUnavailable):
            forget_password(address)
        use_password_for_session(address, password)
        return None
    try:
        save_password(address, password)
    except KeyringUnavailable as error:
        use_password_for_session(address, password)
        return error.message
    return None
