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
    database.initialize(engine_for(address))


def engine_for(address: ServerAddress) -> pw.PostgresqlDatabase:
    """A peewee engine for the server's database (psycopg 3), not yet connected."""
    _hand_peewee_the_driver()
    engine = pw.PostgresqlDatabase(None)
    options: dict[str, object] = {"host": address.host, "port": address.port,
                                  "prefer_psycopg3": True, "connect_timeout": 10,
                                  "application_name": "Duly"}
    if address.user:
        options["user"] = address.user
    engine.init(address.dbname, **options)
    return engine


def tables_at(address: ServerAddress) -> set[str]:
    """The tables in the server's database, asked on a connection of its own (the
    store's connections are left where they point)."""
    engine = engine_for(address)
    try:
        return set(engine.get_tables())
    finally:
        engine.close()


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
        if not bare:  # as models.db.build_kept_figures, which this module does not import
            create_note_search()
            create_month_totals()
        if fill is not None:
            fill()
