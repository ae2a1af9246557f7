"""A store on a PostgreSQL server: what ``models.db`` does for a file, on a server.

Only :mod:`models.db` calls this module; it holds the server's counterparts of the
file's SQLite-only parts (docs/decisions.md, "A store on a PostgreSQL server"):

- the address: ``postgresql://user@host:port/dbname`` (the password never in it: the
  system keyring, :mod:`models.server_password`, else the server's own ways,
  ``~/.pgpass`` or ``PGPASSWORD``);
- the schema version: one row of the table ``duly_store`` (a file keeps SQLite's
  ``user_version``), which also marks the database as a Duly store (a file's
  ``application_id``);
- the one-Duly-at-a-time file lock: none, the server orders the writes of many; a
  transaction-scoped advisory lock only while a store is built or updated, so that two
  Dulys opening an old store do not both update it;
- the backup before an update: none (PostgreSQL's DDL is transactional, so an update
  is one transaction, wholly done or not at all);
- SQLite's result codes: SQLSTATE (:mod:`models.sql_states`).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import peewee as pw

# The address's parts live with the store's other places, which the window reads before
# it imports the store; they are this module's words too.
from models.places import (  # noqa: F401
    DEFAULT_PORT,
    ServerAddress,
    address_of,
    parse_address,
)
from models.schema import ALL_TABLES, SQLITE, database
from models.server_errors import PASSWORD_REFUSED, ServerFailure

VERSION_TABLE = "duly_store"
# pg_advisory_xact_lock's key while a store is built or updated: "DULY" as on a file.
_BUILD_LOCK = 0x44554C59
# How long a connection may take to be made, and a look whether anything answers.
CONNECT_TIMEOUT_S = 10
# A database every PostgreSQL server has and lets its users into: what a refused
# connection is tried against, to tell a wrong password from a wrong database.
_ALWAYS_THERE = "template1"


class ServerContents(StrEnum):
    """What a server's database holds, as Duly sees it before opening it."""

    STORE = "store"  # a Duly store
    EMPTY = "empty"  # nothing yet: a new store can be made there


def connect(address: ServerAddress, password: str | None = None) -> None:
    """Point the store's connections at the server's database (psycopg 3), with
    ``password`` (None: the server's own ways, ``~/.pgpass`` or ``PGPASSWORD``)."""
    database.initialize(engine_for(address, password))


def engine_for(address: ServerAddress, password: str | None = None) -> pw.PostgresqlDatabase:
    """A peewee engine for the server's database (psycopg 3), not yet connected, with
    ``password`` (None: the server's own ways)."""
    _hand_peewee_the_driver()
    engine = pw.PostgresqlDatabase(None)
    options = _connection_options(address, password)
    del options["dbname"]
    engine.init(address.dbname, prefer_psycopg3=True, **options)
    return engine


def tables_in(address: ServerAddress, password: str | None) -> set[str]:
    """The tables in the address's database (schema ``public``), through a connection of
    its own (the store's connections untouched); raises psycopg's error when the
    connection cannot be made (see :func:`why_not_connected`)."""
    import psycopg

    with psycopg.connect(**_connection_options(address, password),
                         autocommit=True) as connection:
        return {row[0] for row in connection.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public'")}


@dataclass(frozen=True)
class ConnectionRefused:
    """Why a connection to a server could not be made: what failed, the field at fault
    ("host", "user", "password" or "database") and the words for the user."""

    failure: ServerFailure
    field: str
    message: str


def why_not_connected(address: ServerAddress, password: str | None,
                      error: BaseException) -> ConnectionRefused | None:
    """Why a connection to the address could not be made, in words and with the field at
    fault; None when ``error`` is no failure to connect.

    libpq gives a failed connection no SQLSTATE (psycopg's ``sqlstate`` is None), and its
    words are the server's, in the server's language; so Duly tells the causes apart by
    what it can see: whether anything answers at the address, whether libpq needed or
    used a password, and whether the same login gets into a database every server has.
    """
    failed = _failed_connection(error)
    if failed is None:
        return None
    unanswered = _unanswered(address) if failed.pgconn is not None else (
        f"The server at {address.host}:{address.port} did not answer within "
        f"{CONNECT_TIMEOUT_S} seconds: check that it is the PostgreSQL server and that it "
        f"is running, then try again.")
    user = address.login
    if unanswered is not None:
        return ConnectionRefused(ServerFailure.UNREACHABLE, "host", unanswered)
    if getattr(failed.pgconn, "needs_password", False):
        return ConnectionRefused(ServerFailure.REFUSED, "password",
                                 f"The server asks for the password of {user}: enter it in "
                                 f"File › Connect to a Server…, or put it in ~/.pgpass.")
    let_in, used_password = _gets_in_elsewhere(address, password)
    if let_in:
        return ConnectionRefused(ServerFailure.MISSING, "database",
                                 f"There is no database called {address.dbname} on "
                                 f"{address.host}:{address.port}, or {user} may not use it: "
                                 f"check its name, or ask whoever looks after the server to "
                                 f"create it or let {user} in.")
    if used_password:
        return ConnectionRefused(ServerFailure.REFUSED, "password",
                                 PASSWORD_REFUSED.format(user=user))
    return ConnectionRefused(ServerFailure.REFUSED, "user",
                             f"The server at {address.host}:{address.port} did not let "
                             f"{user} in: check the user name, or ask whoever looks after "
                             f"the server to let {user} connect from this computer. "
                             f"(The server said: {_own_words(failed)})")


def _connection_options(address: ServerAddress, password: str | None) -> dict[str, Any]:
    """psycopg's keyword arguments for a connection to the address."""
    options: dict[str, Any] = {"host": address.host, "port": address.port,
                               "dbname": address.dbname, "connect_timeout": CONNECT_TIMEOUT_S,
                               "application_name": "Duly",
                               # The server's JIT compiles a query whose estimated cost is
                               # high, which Duly's correlated subqueries often are: on the
                               # 1M-invoice store it took 0.6 s to compile a 0.1 s query
                               # (Today's paid-up accounts). Duly's reads are short.
                               "options": "-c jit=off"}
    if address.user:
        options["user"] = address.user
    if password:
        options["password"] = password
    return options


def _failed_connection(error: BaseException) -> Any:
    """The psycopg error of a connection that could not be made (one without a SQLSTATE
    that carries libpq's connection, or a timeout, which carries none), in ``error``'s
    chain; None if there is none."""
    try:
        import psycopg
    except ImportError:
        return None
    from models.sqlite_codes import causes

    for cause in causes(error):
        if isinstance(cause, psycopg.errors.ConnectionTimeout) or (
                isinstance(cause, psycopg.OperationalError) and cause.sqlstate is None
                and cause.pgconn is not None):
            return cause
    return None


def _unanswered(address: ServerAddress) -> str | None:
    """Why nothing answers at the address's host and port, or None when something does
    (a Unix socket's folder is not looked at)."""
    if address.host.startswith("/"):
        return None
    try:
        socket.create_connection((address.host, address.port), timeout=CONNECT_TIMEOUT_S
                                 ).close()
    except socket.gaierror:
        return (f"The server {address.host} cannot be reached: no computer on the network "
                f"has that name. Check it (ask whoever looks after the server).")
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        return (f"The server cannot be reached at {address.host}:{address.port} ({why}): "
                f"check its name and port, and that it is running.")
    return None


def _gets_in_elsewhere(address: ServerAddress, password: str | None) -> tuple[bool, bool]:
    """Whether the address's login gets into a database every server has, and whether
    libpq used a password trying."""
    import psycopg

    options = {**_connection_options(address, password), "dbname": _ALWAYS_THERE}
    try:
        psycopg.connect(**options).close()
    except psycopg.OperationalError as exc:
        return False, bool(getattr(exc.pgconn, "used_password", False))
    return True, bool(password)


def _own_words(error: BaseException) -> str:
    """The last line of libpq's words for a failed connection, without its prefix."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    last = lines[-1] if lines else type(error).__name__
    return last.rpartition(" failed: ")[2] or last


def _hand_peewee_the_driver() -> None:
    """Give peewee psycopg 3, which it was imported without (models/__init__.py): what
    its own import would have set, once, when the first server store connects."""
    if getattr(pw, "psycopg", None) is not None:
        return
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    vars(pw).update(psycopg=psycopg, TransactionStatus=TransactionStatus, Json_pg3=Json,
                    Jsonb_pg3=Jsonb)


def use_files() -> None:
    """Point the store's connections back at SQLite (a file store is opened next)."""
    if database.obj is not SQLITE:
        if not database.is_closed():
            database.close()
        database.initialize(SQLITE)


def table_names() -> set[str]:
    """The tables in the database's own schema (``public``)."""
    return set(database.get_tables())


def schema_version() -> int:
    """The store's schema version, from its version table."""
    row = database.execute_sql(f'SELECT "schema_version" FROM "{VERSION_TABLE}"').fetchone()
    return int(row[0])


def set_schema_version(version: int) -> None:
    """Record the store's schema version (inside a write)."""
    database.execute_sql(f'UPDATE "{VERSION_TABLE}" SET "schema_version" = %s', (version,))


def hold_build_lock() -> None:
    """Inside a transaction: wait for any other Duly building or updating a store in
    this database, and keep it waiting until this transaction ends."""
    database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_BUILD_LOCK,))


def build(version: int, fill: Callable[[], object] | None, *, bare: bool = False) -> None:
    """Create the store's tables in the (empty) database at ``version``, in one
    transaction with ``fill``: a build cut short leaves the database empty. With
    ``bare``, no kept figures: ``fill`` builds them (``models.db.create_store``)."""
    from models.kept_figures import build_kept_figures

    with database.atomic():
        hold_build_lock()
        database.execute_sql(f'CREATE TABLE "{VERSION_TABLE}" ("schema_version" INTEGER '
                             f'NOT NULL, "one" BOOLEAN PRIMARY KEY DEFAULT TRUE '
                             f'CHECK ("one"))')
        database.execute_sql(f'INSERT INTO "{VERSION_TABLE}" ("schema_version") '
                             f'VALUES (%s)', (version,))
        database.create_tables(ALL_TABLES)
        if not bare:
            build_kept_figures()
        if fill is not None:
            fill()


# The channel every write to a store on a server is announced on, at its commit (see
# models.db.writing): the payload is the write's token.
WRITES_CHANNEL = "duly_writes"
# A listener waits this long for the server when it (re)connects: the window tries
# again and again while the server is away, each time on a worker thread.
LISTEN_CONNECT_TIMEOUT_S = 5
# TCP keepalives on the listener: a network that drops the connection without a word
# (no reset reaches us) is noticed within about idle + interval x count seconds.
_KEEPALIVES: dict[str, Any] = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
               "keepalives_count": 3}


def announce_write(token: str) -> bool:
    """Inside the outermost write: have the server tell every listener, when (and only
    if) this transaction commits, that ``token`` wrote (NOTIFY is delivered at commit);
    a transaction that wrote nothing (it has no id) announces nothing. Whether it
    wrote."""
    return database.execute_sql("SELECT pg_notify(%s, %s) WHERE txid_current_if_assigned() "
                                "IS NOT NULL", (WRITES_CHANNEL, token)).fetchone() is not None


class Listener:
    """A connection of its own to the open store's server, listening for the writes
    announced on :data:`WRITES_CHANNEL` (by every Duly, this one included)."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    @classmethod
    def open(cls) -> Listener:
        """Connect to the open store's server, as the store's connections do, and
        listen; psycopg's error when the server cannot be reached."""
        import psycopg

        engine = database.obj
        options = {key: value for key, value in engine.connect_params.items()
                   if key != "connect_timeout"}
        connection = psycopg.connect(dbname=engine.database, autocommit=True,
                                     connect_timeout=LISTEN_CONNECT_TIMEOUT_S,
                                     **options, **_KEEPALIVES)
        try:
            connection.execute(f"LISTEN {WRITES_CHANNEL}")
        except BaseException:
            connection.close()
            raise
        return cls(connection)

    def heard(self) -> list[str]:
        """The tokens announced since the last call, read from what has already
        arrived (never waiting for the server); psycopg's ``OperationalError`` once the
        connection is lost."""
        import psycopg

        tokens = [notice.payload for notice in self._connection.notifies(timeout=0)]
        if self._connection.broken:  # lost while reading: said now, not next time
            raise psycopg.OperationalError("the connection to the server was lost")
        return tokens

    def close(self) -> None:
        """Stop listening and close the connection (a lost one too)."""
        self._connection.close()
