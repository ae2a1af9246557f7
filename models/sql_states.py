"""PostgreSQL's SQLSTATE codes, read from an exception and everything it was raised from
or while handling: on a server Duly tells failures apart by these, never by their
wording (as :mod:`models.sqlite_codes` does with SQLite's result codes)."""

from __future__ import annotations

from collections.abc import Iterator

from models.sqlite_codes import causes

# A connection the driver could not make or lost has no SQLSTATE of the server's: it is
# told by this stand-in, of the class "connection exception" (08).
LOST_CONNECTION = "08000"


def sql_states(exc: BaseException) -> Iterator[str]:
    """The SQLSTATE of each PostgreSQL error in ``exc``'s chain, nearest first; a failed
    or lost connection without one gives :data:`LOST_CONNECTION`."""
    try:
        import psycopg
    except ImportError:  # no driver, no server error
        return
    for error in causes(exc):
        if not isinstance(error, psycopg.Error):
            continue
        state = error.sqlstate
        if state is None and isinstance(error, psycopg.OperationalError):
            state = LOST_CONNECTION
        if state is not None:
            yield state
