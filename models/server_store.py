"""A store on a PostgreSQL server: what ``models.db`` does for a file, on a server.

Only :mod:`models.db` calls this module; it holds the server's counterparts of the
file's SQLite-only parts (docs/decisions.md, "A store on a PostgreSQL server"):

- the address: ``postgresql://user@host:port/dbname`` (the password never in it: the
  server's own ways, ``~/.pgpass`` or ``PGPASSWORD``, or later the system keyring);
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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import peewee as pw

from models.schema import ALL_TABLES, SQLITE, database

SCHEMES = ("postgresql", "postgres")
VERSION_TABLE = "duly_store"
# pg_advisory_xact_lock's key while a store is built or updated: "DULY" as on a file.
_BUILD_LOCK = 0x44554C59


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


def is_server_address(target: object) -> bool:
    """Whether ``target`` (a path or text) names a store on a PostgreSQL server."""
    return isinstance(target, str) and target.partition("://")[0].lower() in SCHEMES \
        and "://" in target


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
                         port=parts.port or 5432, dbname=dbname,
                         user=unquote(parts.username or ""))


def connect(address: ServerAddress) -> None:
    """Point the store's connections at the server's database (psycopg 3)."""
    _hand_peewee_the_driver()
    engine = pw.PostgresqlDatabase(None)
    options: dict[str, object] = {"host": address.host, "port": address.port,
                                  "prefer_psycopg3": True, "connect_timeout": 10,
                                  "application_name": "Duly",
                                  # The server's JIT compiles a query whose estimated cost is
                                  # high, which Duly's correlated subqueries often are: on the
                                  # 1M-invoice store it took 0.6 s to compile a 0.1 s query
                                  # (Today's paid-up accounts). Duly's reads are short.
                                  "options": "-c jit=off"}
    if address.user:
        options["user"] = address.user
    engine.init(address.dbname, **options)
    database.initialize(engine)


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


def build(version: int, fill: Callable[[], object] | None) -> None:
    """Create the store's tables in the (empty) database at ``version``, in one
    transaction with ``fill``: a build cut short leaves the database empty."""
    from models.month_totals import create_month_totals
    from models.note_search import create_note_search

    with database.atomic():
        hold_build_lock()
        database.execute_sql(f'CREATE TABLE "{VERSION_TABLE}" ("schema_version" INTEGER '
                             f'NOT NULL, "one" BOOLEAN PRIMARY KEY DEFAULT TRUE '
                             f'CHECK ("one"))')
        database.execute_sql(f'INSERT INTO "{VERSION_TABLE}" ("schema_version") '
                             f'VALUES (%s)', (version,))
        database.create_tables(ALL_TABLES)
        create_note_search()
        create_month_totals()
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
