"""A store on a server's failures of the user's environment, told by SQLSTATE.

What :func:`models.db.translate_error` does with SQLite's result codes for a file, this
does for a server: a failure of the network, the server, its disk or the user's rights
is a :class:`models.db.StoreError` in the user's words; anything else is a bug of Duly's
own (None). SQLSTATE classes: PostgreSQL's documentation, Appendix A, "PostgreSQL Error
Codes".
"""

from __future__ import annotations

from models.db import (
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreInUse,
    StoreMissing,
    StoreReadOnly,
)
from models.sql_states import sql_states


class ServerUnreachable(StoreError):
    """The server cannot be reached, or the connection to it was lost."""


class ServerRefused(StoreError):
    """The server does not let this user in."""


_UNREACHABLE = ("The server cannot be reached, or the connection to it was lost, so "
                "nothing was recorded. Check the network and that the server is running, "
                "then try again.")
_BUSY = ("Someone else was changing the same records at the same moment, so this was not "
         "recorded. Try again.")

# A whole class of SQLSTATE (its first two characters), then single codes, each with the
# kind of refusal and its words.
_CLASSES: dict[str, tuple[type[StoreError], str]] = {
    "08": (ServerUnreachable, _UNREACHABLE),
    "28": (ServerRefused, "The server refused this user: check the user name and its "
                          "password (in ~/.pgpass or PGPASSWORD)."),
    "53": (StoreFull, "The server has run out of room (disk or memory), so nothing was "
                      "recorded. Ask whoever looks after the server to free space."),
    "57": (ServerUnreachable, "The server is shutting down or not accepting connections, "
                              "so nothing was recorded. Try again once it is back."),
    "58": (StoreError, "The server could not read or write its disk, so nothing was "
                       "recorded. Ask whoever looks after the server to check it."),
    "XX": (StoreDamaged, "The server reports the store's data as damaged. Ask whoever "
                         "looks after the server to restore it from a backup."),
}
_CODES: dict[str, tuple[type[StoreError], str]] = {
    "3D000": (StoreMissing, "There is no such database on the server: check its name, or "
                            "ask whoever looks after the server to create it."),
    "42501": (StoreReadOnly, "This user may not change the store on the server, so nothing "
                             "was recorded. Ask whoever looks after the server for the "
                             "rights."),
    "25006": (StoreReadOnly, "The server takes only reads now (a standby copy), so nothing "
                             "was recorded. Connect to the main server."),
    "40001": (StoreInUse, _BUSY),  # serialization_failure
    "40P01": (StoreInUse, _BUSY),  # deadlock_detected
    "55P03": (StoreInUse, _BUSY),  # lock_not_available
}


def server_error(exc: BaseException, address: str | None) -> StoreError | None:
    """The user-facing :class:`StoreError` for a failure of the server, the network or
    the user's rights, or None for a bug; the whole chain of causes is searched."""
    for state in sql_states(exc):
        known = _CODES.get(state) or _CLASSES.get(state[:2])
        if known is not None:
            kind, message = known
            return kind(None, message)
    return None
