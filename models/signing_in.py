"""Who is using the open store, as the layers beneath models.users ask it.

The store's connections (models.db), the rows' defaults (models.schema) and the audit
log (models.audit) need the person signed in, but models.users is built on them: it
installs itself here as it is imported (models.db imports it at its end, so it comes
with the store), so none of them imports it and no import goes round a circle.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class People:
    """What models.users does for the layers beneath it."""

    sign_in: Callable[[], None]
    before_writing: Callable[[], None]
    current_user_id: Callable[[], int | None]
    current_name: Callable[[], str]
    forget: Callable[[], None]


_people: People | None = None


def install(people: People) -> None:
    """Make ``people`` (models.users) the one that says who is using the store."""
    global _people
    _people = people


def sign_in() -> None:
    """Sign the person using the store in (see models.users.sign_in)."""
    if _people is not None:
        _people.sign_in()


def before_writing() -> None:
    """Sign the person in before a write's rows name them (models.users.before_writing)."""
    if _people is not None:
        _people.before_writing()


def current_user_id() -> int | None:
    """The id of the person using the store, for the rows they make; None when unknown."""
    return _people.current_user_id() if _people is not None else None


def current_name() -> str:
    """The name the audit log records changes under: the person signed in, else the
    computer's login."""
    if _people is not None:
        return _people.current_name()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        return "unknown"


def forget() -> None:
    """Forget who was signed in (a store was opened or closed)."""
    if _people is not None:
        _people.forget()
