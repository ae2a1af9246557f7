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


# Python decodes SQLite's error message as strict UTF-8. A message quoting the bytes of a
# damaged schema (sqlite3.c: "malformed database schema (%s) - %s") so raises a
# UnicodeDecodeError in place of the DatabaseError, and SQLite's code is lost: the bytes
# left are that message, the one case where Duly goes by SQLite's wording.
_DAMAGED_SCHEMA = b"malformed database schema ("


def sqlite_codes(exc: BaseException) -> Iterator[int]:
    """The extended SQLite result code of each SQLite error in ``exc``'s chain, nearest
    first (``code & 0xFF`` is the primary code, e.g. ``sqlite3.SQLITE_FULL``)."""
    for error in causes(exc):
        if isinstance(error, sqlite3.Error) and error.sqlite_errorcode is not None:
            yield error.sqlite_errorcode
        elif isinstance(error, UnicodeDecodeError) and isinstance(error.object, bytes) \
                and error.object.startswith(_DAMAGED_SCHEMA):
            yield sqlite3.SQLITE_CORRUPT


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code nearest ``exc`` in its chain, or None if no SQLite
    error is in it."""
    return next((code & 0xFF for code in sqlite_codes(exc)), None)
