"""What Duly refuses to do, in the user's words, split by whose problem it is.

Each kind is handled in its own way by the window: bad input re-opens the form at the
field (:class:`LedgerError`); a mail problem points to the mail settings
(:class:`MailError`); a keyring problem says the password cannot be kept
(:class:`KeyringUnavailable`); a store problem says why the file cannot be used
(``models.db.StoreError``). Anything that is none of these is a bug. The kinds live here,
not beside the mail and keyring code, so the window knows them without loading those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


class Refusal(Exception):
    """Something Duly will not or cannot do, with the field it concerns and a plain
    message; a subclass says what kind of problem it is."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class LedgerError(Refusal, ValueError):
    """Bad input: what the user entered (or asked for) breaks a business rule; the
    message says how to put it right."""


class NotAllowed(Refusal):
    """What the user's role does not allow (models.users): the message says who may do
    it instead."""


class AlreadyCarriedOut(LedgerError):
    """A reminder someone else carried out first (two people approving it at once): it goes
    once, and ``message`` says who carried it out and when ("already sent by Anna at
    10:14"). The list it was approved from is out of date: read it again. ``field`` is
    "action", as for any account that moved on since its list was read."""

    def __init__(self, message: str, *, who: str, at: dt.datetime) -> None:
        super().__init__("action", message)
        self.who = who
        self.at = at


@dataclass(frozen=True)
class ChangeSince:
    """One save of a record made by someone else since it was read for editing: who saved
    it, when, and which of its fields (in words) it changed."""

    who: str
    at: dt.datetime
    fields: tuple[str, ...]


class EditConflict(LedgerError):
    """A record changed by someone else since it was read for editing: the save is refused
    rather than overwriting their change. ``changes`` says who changed what and when,
    ``message`` the same in words; ``field`` is "edit_version". Read the record again
    (what the user typed is theirs to keep until then)."""

    def __init__(self, message: str, changes: tuple[ChangeSince, ...]) -> None:
        super().__init__("edit_version", message)
        self.changes = changes


class WriteRefused(Refusal):
    """A file the user asked for could not be written (a full disk, a folder that cannot
    be written to); ``message`` says why and that nothing was written."""


class MailError(Refusal):
    """A mail problem: the mail server could not take a message. ``field`` says what failed:
    "unreachable", "tls", "login", "sender", "recipients", "message" or "server"; or
    "uncertain" when the connection broke while the message was handed over, so it
    may have been sent."""


class KeyringUnavailable(Refusal):
    """A keyring problem: no keyring can keep the password; the message says why in the
    user's words.

    ``reason`` is "none" (no keyring on this computer), "locked", "cancelled" (the user
    dismissed the unlock prompt) or "error" (the keyring service failed).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__("keyring", message)
        self.reason = reason


class FieldProblems(LedgerError):
    """Bad input in several fields at once: (field, message) pairs in form order, so a
    form can name every field that needs correcting, not one at a time."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems = list(problems)
        first = self.problems[0][0] if self.problems else ""
        super().__init__(first, " ".join(message for _field, message in self.problems))


class Problems:
    """Collects each field's objection while input is read or checked, to refuse them
    all at once."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def read(self, read: Callable[[], T]) -> T | None:
        """``read()``, or None with its objection kept when it raises LedgerError."""
        try:
            return read()
        except FieldProblems as many:
            for field, message in many.problems:
                self.refuse(field, message)
            return None
        except LedgerError as error:
            self.refuse(error.field, error.message)
            return None

    def refuse(self, field: str, message: str) -> None:
        """Keep ``message`` for ``field`` (the first objection per field counts)."""
        if all(known != field for known, _message in self.found):
            self.found.append((field, message))

    def check(self) -> None:
        """Raise FieldProblems naming every objection kept, if any."""
        if self.found:
            raise FieldProblems(self.found)
