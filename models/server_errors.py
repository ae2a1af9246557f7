"""A store on a server's failures of the user's environment, told by SQLSTATE.

What :func:`models.db.translate_error` does with SQLite's result codes for a file, this
does for a server: a failure of the network, the server, its disk or the user's rights
is named here, with the words the user reads; ``models.db`` makes it the matching
:class:`models.db.StoreError`. Anything else is a bug of Duly's own (None). SQLSTATE
classes: PostgreSQL's documentation, Appendix A, "PostgreSQL Error Codes".
"""

from __future__ import annotations

from enum import StrEnum

from models.sql_states import sql_states


class ServerFailure(StrEnum):
    """What went wrong on the server's side, as ``models.db`` tells the user."""

    UNREACHABLE = "unreachable"  # the network, or the server is down
    REFUSED = "refused"  # this user is not let in
    FULL = "full"  # the server's disk or memory
    DISK = "disk"  # the server could not read or write its disk
    DAMAGED = "damaged"
    MISSING = "missing"  # no such database
    READ_ONLY = "read_only"  # no right to write, or a standby
    BUSY = "busy"  # others changed the same rows at the same moment: try again


_UNREACHABLE = ("The server cannot be reached, or the connection to it was lost, so "
                "nothing was recorded. Check the network and that the server is running, "
                "then try again.")
# A wrong password (SQLSTATE 28P01), with the user's name.
PASSWORD_REFUSED = ("The server refused the password of {user}: enter the right one in "
                    "File › Connect to a Server… (Duly keeps it in the system keyring), or "
                    "in ~/.pgpass.")
_BUSY = ("Someone else was changing the same records at the same moment, so this was not "
         "recorded. Try again.")

# A whole class of SQLSTATE (its first two characters), then single codes, each with what
# it is and its words.
_CLASSES: dict[str, tuple[ServerFailure, str]] = {
    "08": (ServerFailure.UNREACHABLE, _UNREACHABLE),
    "28": (ServerFailure.REFUSED, "The server refused this user: check the user name and "
                                  "its password (File › Connect to a Server… keeps it in "
                                  "the system keyring; or ~/.pgpass, PGPASSWORD)."),
    "53": (ServerFailure.FULL, "The server has run out of room (disk or memory), so nothing "
                               "was recorded. Ask whoever looks after the server to free "
                               "space."),
    "57": (ServerFailure.UNREACHABLE, "The server is shutting down or not accepting "
                                      "connections, so nothing was recorded. Try again once "
                                      "it is back."),
    "58": (ServerFailure.DISK, "The server could not read or write its disk, so nothing was "
                               "recorded. Ask whoever looks after the server to check it."),
    "XX": (ServerFailure.DAMAGED, "The server reports the store's data as damaged. Ask "
                                  "whoever looks after the server to restore it from a "
                                  "backup."),
}
_CODES: dict[str, tuple[ServerFailure, str]] = {
    "28P01": (ServerFailure.REFUSED, PASSWORD_REFUSED.format(user="this user")),
    "3D000": (ServerFailure.MISSING, "There is no such database on the server: check its "
                                     "name, or ask whoever looks after the server to "
                                     "create it."),
    "42501": (ServerFailure.READ_ONLY, "This user may not change the store on the server, so "
                                       "nothing was recorded. Ask whoever looks after the "
                                       "server for the rights."),
    "25006": (ServerFailure.READ_ONLY, "The server takes only reads now (a standby copy), so "
                                       "nothing was recorded. Connect to the main server."),
    "40001": (ServerFailure.BUSY, _BUSY),  # serialization_failure
    "40P01": (ServerFailure.BUSY, _BUSY),  # deadlock_detected
    "55P03": (ServerFailure.BUSY, _BUSY),  # lock_not_available
}


def server_failure(exc: BaseException) -> tuple[ServerFailure, str] | None:
    """What failed on the server's side and the words for it, or None for a bug; the
    whole chain of causes is searched."""
    for state in sql_states(exc):
        known = _CODES.get(state) or _CLASSES.get(state[:2])
        if known is not None:
            return known
    return None
