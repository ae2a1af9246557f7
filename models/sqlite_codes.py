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


# Text that is not UTF-8 in a store (Duly writes none) is damage that SQLite's own checks
# do not see, and Python reports it without any SQLite code, so it is told by wording,
# the only cases where Duly does so:
# - Python decodes SQLite's error message as strict UTF-8: a message quoting the bytes
#   of a damaged schema (sqlite3.c: "malformed database schema (%s) - %s") raises a
#   UnicodeDecodeError in place of the DatabaseError, holding that message's bytes;
# - a row's text is refused by Python's sqlite3 itself (Modules/_sqlite/cursor.c), with
#   an OperationalError of its own, which has no SQLite code.
_DAMAGED_SCHEMA = b"malformed database schema ("
_TEXT_NOT_UTF8 = "Could not decode to UTF-8 column "


def sqlite_codes(exc: BaseException) -> Iterator[int]:
    """The extended SQLite result code of each SQLite error in ``exc``'s chain, nearest
    first (``code & 0xFF`` is the primary code, e.g. ``sqlite3.SQLITE_FULL``); text in
    the store that is not UTF-8 counts as ``SQLITE_CORRUPT``."""
    for error in causes(exc):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(error, sqlite3.Error) and code is not None:
            yield code
        elif _text_not_utf8(error):
            yield sqlite3.SQLITE_CORRUPT


def _text_not_utf8(error: BaseException) -> bool:
    if isinstance(error, UnicodeDecodeError):
        return isinstance(error.object, bytes) and error.object.startswith(_DAMAGED_SCHEMA)
    return isinstance(error, sqlite3.OperationalError) \
        and str(error).startswith(_TEXT_NOT_UTF8)


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code nearest ``exc`` in its chain, or None if no SQLite
    error is in it."""
    return next((code & 0xFF for code in sqlite_codes(exc)), None)
