"""Where a store is: the user's own file, or a database on a PostgreSQL server.

Kept apart from models.db (and peewee) so that the window can tell which store to open
before it imports the store itself, which it does only once it is on screen.
"""

from __future__ import annotations

from pathlib import Path

STORE_FILE_NAME = "duly.sqlite"
SCHEMES = ("postgresql", "postgres")


def default_store_path() -> Path:
    """The user's own store, in the platform's user data folder."""
    import platformdirs  # only the window's first start needs it

    return platformdirs.user_data_path("Duly", appauthor=False) / STORE_FILE_NAME


def is_server_address(target: object) -> bool:
    """Whether ``target`` (a path or text) names a store on a PostgreSQL server
    (``postgresql://user@host:port/dbname``) rather than a file."""
    return isinstance(target, str) and target.partition("://")[0].lower() in SCHEMES \
        and "://" in target
