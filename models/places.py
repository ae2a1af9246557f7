"""Where a store is: the user's own file, or a database on a PostgreSQL server.

Kept apart from models.db (and peewee) so that the window can tell which store to open
before it imports the store itself, which it does only once it is on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from models.errors import FieldProblems

STORE_FILE_NAME = "duly.sqlite"
SCHEMES = ("postgresql", "postgres")
DEFAULT_PORT = 5432


def default_store_path() -> Path:
    """The user's own store, in the platform's user data folder."""
    import platformdirs  # only the window's first start needs it

    return platformdirs.user_data_path("Duly", appauthor=False) / STORE_FILE_NAME


def is_server_address(target: object) -> bool:
    """Whether ``target`` (a path or text) names a store on a PostgreSQL server
    (``postgresql://user@host:port/dbname``) rather than a file."""
    return isinstance(target, str) and target.partition("://")[0].lower() in SCHEMES \
        and "://" in target


@dataclass(frozen=True)
class ServerAddress:
    """Where a store on a server is: the address as given, and its parts."""

    url: str
    host: str
    port: int
    dbname: str
    user: str

    @property
    def name(self) -> str:
        """How the user calls it: "dbname on host:port"."""
        return f"{self.dbname} on {self.host}:{self.port}"

    @property
    def login(self) -> str:
        """The user the server is asked to let in: the address's, else (as PostgreSQL's
        own programs do) this computer's user name."""
        import getpass

        return self.user or getpass.getuser()


def address_of(host: str, port: int, dbname: str, user: str) -> ServerAddress:
    """The address of ``dbname`` on ``host:port`` for ``user``, from what the user typed;
    FieldProblems naming each field left empty."""
    host, dbname, user = host.strip(), dbname.strip(), user.strip()
    problems = [(field, message) for field, value, message in (
        ("host", host, "Enter the server's name or address (ask whoever looks after it)."),
        ("database", dbname, "Enter the name of the database that holds the store."),
        ("user", user, "Enter your user name on the server."))
        if not value]
    if not 0 < port < 65536:
        problems.append(("port", "A port is a number from 1 to 65535 (PostgreSQL's own is "
                                 "5432)."))
    if problems:
        raise FieldProblems(problems)
    where = f"[{host}]" if ":" in host else host
    url = f"postgresql://{quote(user, safe='')}@{where}:{port}/{quote(dbname, safe='')}"
    return ServerAddress(url=url, host=host, port=port, dbname=dbname, user=user)


def parse_address(url: str) -> ServerAddress:
    """The parts of ``postgresql://user@host:port/dbname``; ValueError when it has no
    database name or holds a password."""
    parts = urlsplit(url)
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise ValueError(f"{url} names no database: add it after the server, as in "
                         f"postgresql://user@host:5432/duly.")
    if parts.password is not None:
        raise ValueError("Write no password in the address: the server's own password "
                         "file (~/.pgpass) or PGPASSWORD gives it.")
    return ServerAddress(url=url, host=parts.hostname or "localhost",
                         port=parts.port or DEFAULT_PORT, dbname=dbname,
                         user=unquote(parts.username or ""))
