"""SQLite's result codes, read from an exception and from everything it was raised from
or while handling: Duly tells SQLite's failures apart by these, never by their wording."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it was raised from (``__cause__``) or while handling
    (``__context__``), nearest first."""
    waiting, seen = [exc], set()
    while waiting:
        error = waiting.pop(0)
        if id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        waiting += [e for e in (error.__cause__, error.__context__) if e is not None]


def sqlite_codes(exc: BaseException) -> Iterator[int]:
    """The extended SQLite result code of each SQLite error in ``exc``'s chain, nearest
    first (``code & 0xFF`` is the primary code, e.g. ``sqlite3.SQLITE_FULL``)."""
    for error in causes(exc):
        if isinstance(error, sqlite3.Error) and error.sqlite_errorcode is not None:
            yield error.sqlite_errorcode


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code nearest ``exc`` in its chain, or None if no SQLite
    error is in it."""
    return next((code & 0xFF for code in sqlite_codes(exc)), None)
