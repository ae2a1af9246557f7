"""Passwords kept in the system keyring (the Secret Service on Linux, the Keychain on
macOS, the Credential Manager on Windows) or, when there is no usable keyring, in this
process's memory for this session only: the one rule for every password Duly keeps (the
mail server's, a store server's).

A password is never written to the store, a settings file or a log, and Duly never
falls back to a plain-text keyring (such as those of keyrings.alt): a password it
cannot keep safely it does not keep at all.

A keyring call may wait while the system asks the user to unlock the keyring, so the
window should make these calls off its own thread.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer
from keyring.errors import KeyringError, KeyringLocked, NoKeyringError, PasswordDeleteError

from models.errors import KeyringUnavailable, LedgerError

SESSION_ONLY = "You can use it for this session only; it is not saved anywhere."

log = logging.getLogger(__name__)
T = TypeVar("T")


def _optional_class(module: str, name: str) -> tuple[type[Any], ...]:
    """The class ``module.name`` as a 1-tuple, or () where the module is absent
    (secretstorage and jeepney are only installed on Linux)."""
    try:
        imported = __import__(module, fromlist=[name])
    except ImportError:
        return ()
    return (getattr(imported, name),)


_SECRET_STORAGE_ERROR = _optional_class("secretstorage.exceptions", "SecretStorageException")
_NOT_AVAILABLE = _optional_class("secretstorage.exceptions",
                                 "SecretServiceNotAvailableException")
_LOCKED = _optional_class("secretstorage.exceptions", "LockedException")
_DISMISSED = _optional_class("secretstorage.exceptions", "PromptDismissedException")
_DBUS_ERROR = _optional_class("jeepney", "DBusErrorResponse")
_DBUS_CONNECTION = _optional_class("jeepney.io.blocking", "DBusConnection")
# OSError: the D-Bus socket is missing or went away mid-call.
_KEYRING_ERRORS = (KeyringError, OSError) + _SECRET_STORAGE_ERROR + _DBUS_ERROR


class KeptPasswords:
    """The passwords of one service in the keyring (``service`` names the entries there),
    each under an account the caller names, with those used for this session only kept
    in memory beside them. ``what`` names the password in the user's words ("the mail
    server")."""

    def __init__(self, service: str, what: str) -> None:
        self.service = service
        self.what = what
        # The account -> the password the user chose not to save.
        self._session: dict[str, str] = {}

    def save(self, account: str, password: str) -> None:
        """Keep the account's password in the system keyring, replacing any kept before.
        Raises KeyringUnavailable when no keyring can keep it; a password kept for this
        session is dropped once the keyring has it, so the saved one is used."""
        self._refuse_empty(password)
        _with_keyring(lambda backend: backend.set_password(self.service, account, password))
        self._session.pop(account, None)

    def use_for_session(self, account: str, password: str) -> None:
        """Use the account's password until Duly quits, without saving it anywhere (it is
        never handed to the keyring)."""
        self._refuse_empty(password)
        self._session[account] = password

    def password_for(self, account: str) -> str | None:
        """The account's password: the one used for this session first, then the one in
        the keyring; None when there is none, or no keyring can be read (then ``save``
        says why when the user gives it)."""
        if account in self._session:
            return self._session[account]
        try:
            return _with_keyring(lambda backend: backend.get_password(self.service, account))
        except KeyringUnavailable as error:
            log.info("The password for %s could not be read from the keyring: %s",
                     self.what, error.message)
            return None

    def forget(self, account: str) -> None:
        """Forget the account's password, for this session and in the keyring. Raises
        KeyringUnavailable when a keyring that may hold it cannot be reached (locked,
        unlocking cancelled, or failing); with no keyring at all there is nothing to
        forget."""
        self._session.pop(account, None)
        try:
            _with_keyring(lambda backend: _delete(backend, self.service, account))
        except KeyringUnavailable as error:
            if error.reason != "none":
                raise

    def kept_for_session(self, account: str) -> bool:
        """Whether the account has a password used for this session only."""
        return account in self._session

    def _refuse_empty(self, password: str) -> None:
        if not password:
            raise LedgerError("password", f"Enter the password for {self.what}.")


def _delete(backend: KeyringBackend, service: str, account: str) -> None:
    """Delete the account's password from the keyring, if it holds one."""
    with contextlib.suppress(PasswordDeleteError):  # none kept: already forgotten
        backend.delete_password(service, account)


def _with_keyring(operation: Callable[[KeyringBackend], T]) -> T:
    """Run one keyring operation, turning every way it can fail into KeyringUnavailable."""
    backend = _backend()
    try:
        return operation(backend)
    except _KEYRING_ERRORS as error:
        _close_left_connections(error)
        raise _unavailable(error, backend) from error


def _backend() -> KeyringBackend:
    """The keyring that keeps the password, or KeyringUnavailable when none keeps it safely.

    keyring hands out its "fail" keyring, or a chainer with nothing to chain, when no real
    one works here; both quietly keep nothing (or fail later), so they count as none."""
    try:
        backend = keyring.get_keyring()
    except Exception as error:  # noqa: BLE001 - a named keyring says "cannot work" by raising
        # One named by PYTHON_KEYRING_BACKEND or keyringrc.cfg that cannot work here.
        raise _no_keyring() from error
    if isinstance(backend, chainer.ChainerBackend):
        safe = [chained for chained in backend.backends if _keeps_safely(chained)]
        if not safe:
            raise _no_keyring()
        return safe[0]
    if not _keeps_safely(backend):
        raise _no_keyring()
    return backend


def _close_left_connections(error: BaseException) -> None:
    """Close the D-Bus connections the failed call left open: keyring 25.7's Secret Service
    backend leaves its connection open when unlocking or creating the collection fails."""
    traceback = error.__traceback__
    while traceback is not None and _DBUS_CONNECTION:
        for value in list(traceback.tb_frame.f_locals.values()):
            if isinstance(value, _DBUS_CONNECTION):
                value.close()
        traceback = traceback.tb_next


def _keeps_safely(backend: KeyringBackend) -> bool:
    """Whether keyring recommends this backend (priority 1 or more): the system keyrings
    are; its fail and null keyrings and the plain-text files of keyrings.alt are not."""
    try:
        return float(backend.priority) >= 1
    except Exception:  # noqa: BLE001 - a backend says "cannot work here" by raising anything
        return False


def _unavailable(error: BaseException, backend: KeyringBackend | None) -> KeyringUnavailable:
    """The error the user sees for what went wrong in the keyring."""
    causes = _causes(error)
    if any(isinstance(cause, (NoKeyringError,) + _NOT_AVAILABLE) for cause in causes):
        return _no_keyring()
    if any(isinstance(cause, _DISMISSED) for cause in causes) or (
            isinstance(error, KeyringLocked) and _is_secret_service(backend)):
        # The Secret Service backend raises KeyringLocked only after its unlock prompt
        # was dismissed (or could not be shown).
        return KeyringUnavailable("cancelled", "Unlocking the keyring was cancelled, so Duly "
                                  f"cannot keep the password. {SESSION_ONLY}")
    if any(isinstance(cause, (KeyringLocked,) + _LOCKED) for cause in causes):
        return KeyringUnavailable("locked", "The keyring is locked, so Duly cannot keep the "
                                  "password. Unlock it (usually by logging in again) and try "
                                  f"again. {SESSION_ONLY}")
    return KeyringUnavailable("error", f"The keyring did not answer properly ({_detail(error)}), "
                              f"so Duly cannot keep the password. {SESSION_ONLY}")


def _no_keyring() -> KeyringUnavailable:
    """The error for a computer without a usable keyring."""
    why = " (no Secret Service is running)" if sys.platform.startswith("linux") else ""
    return KeyringUnavailable("none", f"No keyring is available on this computer{why}, so "
                              f"Duly cannot keep the password. {SESSION_ONLY}")


def _causes(error: BaseException) -> list[BaseException]:
    """The error and the errors it was raised from, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _is_secret_service(backend: KeyringBackend | None) -> bool:
    """Whether the backend talks to the Secret Service (Linux)."""
    return backend is not None and type(backend).__module__ == "keyring.backends.SecretService"


def _detail(error: BaseException) -> str:
    """The error's own words, or its kind when it has none."""
    return str(error).strip() or type(error).__name__
