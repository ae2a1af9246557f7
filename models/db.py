"""The store: one SQLite file per business (or a database on a PostgreSQL server, for an
office), opened safely or not at all.

This is the one seam choosing the engine: :func:`open_store` and :func:`create_store`
take a file's path or ``postgresql://user@host:port/dbname``; on a server the file's
SQLite-only parts have their counterparts in :mod:`models.server_store` and
:mod:`models.server_errors` (docs/decisions.md, "A store on a PostgreSQL server").

This module owns the connection, its pragmas, the schema version, migrations
and their backups, and the split between errors of the user's environment
(:class:`StoreError`, shown to the user in plain words) and our own bugs.
A file that is not a Duly store, is newer than this program, is read-only or
is open in another running Duly (by whatever name) is refused and never touched.
SQLite's failures are told apart by SQLite's own result codes, never by their wording.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import itertools
import json
import math
import os
import shutil
import sqlite3
import stat
import sys
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import quote, unquote

import peewee as pw

from models import signing_in
from models.checked_whole import forget_whole, found_whole, remember_whole
from models.errors import Refusal
from models.files import (
    APPLICATION_ID,
    HEADER_SIZE,
    PRIVATE_FILE,
    PRIVATE_FOLDER,
    SQLITE_MAGIC,
    StoreFileChosen,
    beside_store,
    create_private,
    hold_store_file,
    is_a_store,
    let_go_store_file,
    marked_text,
    not_a_file,
    read_header,
    refuse_store_file,
    store_version,
    sync_folder,
    whole_file,
)
from models.kept_answers import forget_orphaned_answers
from models.kept_figures import build_kept_figures
from models.places import STORE_FILE_NAME, default_store_path, is_server_address  # noqa: F401
from models.schema import ALL_TABLES, DecimalTextField, database, on_server
from models.sqlite_codes import sqlite_codes
from models.store_lock import NoFlock, fcntl_module, flocked, guests_file_of, lock_file_of
from models.store_state import state_of
from models.wal import WRITES_KEY, Journal, Writes, frames_in, judge_journal

if TYPE_CHECKING:
    from concurrent.futures import Future

    from models.server_errors import ServerFailure
    from models.server_store import ServerAddress, ServerContents

T = TypeVar("T")

PRAGMAS: dict[str, object] = {
    "foreign_keys": 1,
    "journal_mode": "wal",
    "synchronous": 2,  # FULL: a committed payment survives a power cut
    "busy_timeout": 5000,
    "cache_size": -32000,  # 32 MB
}


class StoreError(Refusal):
    """A store problem: the user's file or disk, in the user's words."""

    def __init__(self, path: Path | str | None, message: str) -> None:
        super().__init__("store", message)
        self.path = Path(path) if path is not None else None


class StoreMissing(StoreError):
    """There is no store at the path."""


class NotADulyStore(StoreError):
    """The file exists but is not a Duly store."""


class StoreTooNew(StoreError):
    """The store was written by a newer Duly."""


class StoreReadOnly(StoreError):
    """The store or its folder cannot be written."""


class StoreInUse(StoreError):
    """Another running Duly has the store open."""


class StoreDamaged(StoreError):
    """SQLite reports the file as corrupt or unreadable."""


class ForeignJournal(StoreError):
    """The write-ahead log beside the store is another copy's, or damaged."""


class StoreFull(StoreError):
    """The disk holding the store has no room for what Duly must write."""


# The room a store needs to take writes: its write-ahead log grows to SQLite's automatic
# checkpoint (1,000 pages of 4 KiB, each with a 24-byte frame header), the checkpoint
# then copies as many pages into the store file, and the log's shared index takes 32 KiB.
_ROOM_TO_WRITE = 2 * 1000 * (4096 + 24) + 32 * 1024
# How a store is opened when its disk has no room for the log's shared index: read-only,
# the index kept in memory (SQLite's "readonly_shm"), the log read as it is.
_READING_ONLY_QUERY = "mode=ro&readonly_shm=1"


@dataclass
class Store:
    """An open store: its path, schema version and the lock that keeps it ours."""

    path: Path
    schema_version: int
    migrated_from: int | None = None
    backup_path: Path | None = None
    reading_only: str | None = None
    """Why the store was opened for reading only (its disk is full), or None."""
    journal: Journal = Journal.NONE
    """What the write-ahead log found beside the store at open meant (models.wal)."""
    server: ServerAddress | None = None
    """Where the store is when it is on a PostgreSQL server (then ``path`` is only its
    database's name, for the places that show a store's name), or None for a file."""
    _lock: _StoreLock | None = field(default=None, repr=False)

    @property
    def target(self) -> Path | str:
        """What opens this store again: the file's path, or the server's address."""
        return self.server.url if self.server is not None else self.path

    @property
    def shared(self) -> bool:
        """Whether this headless Duly shares the store with the Duly (a window) that
        holds it on this computer (see :func:`open_store`'s ``alongside``)."""
        return self._lock is not None and self._lock.shared

    def close(self) -> None:
        """Close this thread's connection and let other programs open the file."""
        if not database.is_closed():
            database.close()
        _forget_bookkeeping()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        if self.server is not None:
            from models.server_store import use_files
            use_files()


def default_demo_path() -> Path:
    """Where the demo company lives, beside (never inside) the user's own store."""
    return default_store_path().with_name("demo.sqlite")


def reading() -> pw._atomic:
    """A read transaction: one consistent view of the store, taking no write lock (on a
    server, REPEATABLE READ: one snapshot for the whole transaction)."""
    if on_server():
        _drop_lost_connection()
        return database.atomic(isolation_level="REPEATABLE READ")
    return database.atomic("DEFERRED")


def _drop_lost_connection() -> None:
    """On a server, before a transaction begins: let go of this thread's connection if
    the server ended it or the network lost it (the failure was told to the user then,
    as :class:`ServerUnreachable`), so that this transaction opens a new one rather than
    failing again on the dead one."""
    if database.is_closed() or database.transaction_depth() > 0:
        return
    connection = database.connection()
    if connection.closed or connection.broken:  # psycopg's own flags: no round trip
        database.close()


def writing() -> _Writing:
    """A write transaction that takes the write lock at once (BEGIN IMMEDIATE); nested,
    a savepoint. ``with writing() as transaction`` gives peewee's transaction (or
    savepoint) object.

    A store found damaged refuses it at once. The outermost one, when it changed
    anything, records a new write token (see :mod:`models.wal`) and, once committed,
    has its pages copied from the write-ahead log into the store file at once (a
    passive checkpoint, which waits for no one): the store file alone then holds every
    confirmed write, whatever happens to the log.
    """
    if _damaged is not None:
        raise StoreDamaged(_open_store_path(), _damaged)
    return _Writing()


class _Writing:
    """peewee's IMMEDIATE transaction, with the write token and the checkpoint around it
    (a class, not a generator: no frames kept alive between enter and exit)."""

    def __init__(self) -> None:
        self._server = on_server()
        # A server orders concurrent writers itself (row locks; READ COMMITTED): no lock
        # is taken up front as SQLite's BEGIN IMMEDIATE does.
        self._atomic = database.atomic() if self._server else database.atomic("IMMEDIATE")
        self._changes: int | None = None

    def __enter__(self) -> Any:
        if database.transaction_depth() == 0:
            if self._server:
                _drop_lost_connection()
            _sign_in_before_writing()
            self._changes = 0 if self._server else database.connection().total_changes
        return self._atomic.__enter__()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: Any) -> bool | None:
        if self._server:
            wrote = False
            if kind is None and self._changes is not None:
                try:
                    wrote = _announce_server_write()
                except BaseException as failed:
                    self._atomic.__exit__(type(failed), failed, failed.__traceback__)
                    raise
            outcome = self._atomic.__exit__(kind, error, trace)
            if wrote:
                _count_own_server_write()
            return outcome
        token = None
        if kind is None and self._changes is not None \
                and database.connection().total_changes != self._changes:
            try:
                token = _record_write_token()
            except BaseException as failed:
                self._atomic.__exit__(type(failed), failed, failed.__traceback__)
                raise
        outcome = self._atomic.__exit__(kind, error, trace)
        if token is not None:
            _checkpoint_after_write(token)
        return outcome


# What the write-ahead log bookkeeping knows of the open store (see models.wal): the
# latest write token known copied whole into the store file, and why the store must
# take no writes (it was found damaged), or None.
_checkpointed: str | None = None
_damaged: str | None = None


def _record_write_token() -> str:
    """Record a new write token in the open transaction (see models.wal); returns it."""
    row = database.execute_sql("SELECT value FROM setting WHERE key = ?",
                               (WRITES_KEY,)).fetchone()
    writes = Writes.from_json(row[0] if row else None) or Writes(None, ())
    writes, token = writes.after_write(_checkpointed)
    _remember_own(token)
    database.execute_sql('INSERT INTO setting ("key", "value") VALUES (?, ?) '
                         'ON CONFLICT("key") DO UPDATE SET "value" = excluded."value"',
                         (WRITES_KEY, writes.as_json()))
    return token


# The write tokens this process recorded lately (see _record_write_token): a change the
# store shows under another token was made by another process.
_OWN_TOKENS_KEPT = 2000
_own_tokens: dict[str, None] = {}


_own_tokens_lock = threading.Lock()  # written by the window's worker threads


def _remember_own(token: str) -> None:
    with _own_tokens_lock:
        _own_tokens[token] = None
        while len(_own_tokens) > _OWN_TOKENS_KEPT:
            del _own_tokens[next(iter(_own_tokens))]


def _recorded_writes() -> Writes:
    row = database.execute_sql("SELECT value FROM setting WHERE key = ?",
                               (WRITES_KEY,)).fetchone()
    return Writes.from_json(row[0] if row else None) or Writes(None, ())


# On a server: how many writes this process committed (see latest_write).
_own_server_writes = 0


def _count_own_server_write() -> None:
    global _own_server_writes
    _own_server_writes += 1


def _announce_server_write() -> bool:
    """Have the server announce this write at its commit under a new token of ours, so
    that every other Duly's window hears of it and this one knows it for its own;
    whether the transaction wrote anything."""
    from models.server_store import announce_write

    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    _remember_own(token)  # before the commit: our own listener may hear it at once
    return announce_write(token)


class _Listening:
    """What this process hears of the writes to the open store on a server: one
    listening connection (see :class:`models.server_store.Listener`) for the whole
    process, opened by the first :class:`OtherWrites`, and how many writes of other
    Dulys it has heard. The window's thread asks :meth:`drain` every few seconds; a
    worker thread asks it through :func:`latest_write`, and reconnects it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()  # a lost connection is told while draining
        self.listener: Any = None
        self.others = 0  # others' writes heard, plus one for each time it listened anew
        self.lost: str | None = None  # why it listens no more (in words), or None
        self.unheard = itertools.count()  # keys for figures worked out while deaf

    def start(self) -> None:
        """Listen, if not listening yet; a server that cannot be reached is :attr:`lost`."""
        with self.lock:
            if self.listener is not None or self.lost is not None:
                return
        try:
            self.reconnect()
        except StoreError as lost:
            with self.lock:
                self.lost = lost.message

    def drain(self) -> None:
        """Read what has arrived, without waiting, and count other Dulys' writes in
        :attr:`others` (a connection found lost: :attr:`lost` says so)."""
        with self.lock:
            if self.listener is None:
                return
            try:
                tokens = self.listener.heard()
            except Exception as exc:
                if translate_error(exc) is None:
                    raise
                self.lose()  # told already by translate_error; said here for the reader
                return
            self.others += sum(1 for token in tokens if token not in _own_tokens)

    def reconnect(self) -> None:
        """Listen anew (on a worker thread after the connection was lost: it waits up to
        :data:`models.server_store.LISTEN_CONNECT_TIMEOUT_S` for the server, and the
        window's thread asking :meth:`drain` meanwhile is not kept waiting);
        :class:`ServerUnreachable` while the server is still away, or the server's
        refusal in words."""
        from models.server_store import Listener

        try:
            listener = Listener.open()
        except Exception as exc:  # psycopg's
            known = translate_error(exc)
            if known is None:
                raise
            if isinstance(known, ServerUnreachable):
                raise ServerUnreachable(None, _lost_words()) from exc
            raise known from exc
        with self.lock:
            self.stop()
            self.listener, self.lost = listener, None
            self.others += 1  # what was written while no one listened is not known

    def lose(self) -> None:
        """A connection to the server was found lost: what was listened to may have been
        lost with it (each of its connections goes with a restarted server), so listen
        no more until :meth:`reconnect`."""
        with self.lock:
            if self.listener is not None:
                self.stop()
                self.lost = _lost_words()
                self.others += 1

    def stop(self) -> None:
        """Stop listening (the store closes, or the connection was lost)."""
        listener, self.listener = self.listener, None
        if listener is not None:
            with contextlib.suppress(Exception):  # a lost connection closes as it can
                listener.close()

    def forget(self) -> None:
        """Another store opens, or none: nothing heard is kept."""
        with self.lock:
            self.stop()
            self.lost = None


_listening = _Listening()


def _lost_words() -> str:
    address = _server_name()
    return f"Lost the connection to {address}; trying again…"


def _server_name() -> str:
    engine = database.obj
    params = getattr(engine, "connect_params", {})
    return (f"{engine.database} on {params.get('host', 'localhost')}:"
            f"{params.get('port', 5432)}")


def latest_write() -> tuple[str, str | None]:
    """The open store and the token of the latest write committed to it through
    :func:`writing` (None before the first): what a figure worked out from the store
    may be kept under, until either changes. On a server, a mark that moves with this
    process's own writes and with every other Duly's heard of (see
    :class:`OtherWrites`); where nothing listens (a command, or the connection lost) a
    new mark each time: nothing is kept."""
    if on_server():
        _listening.drain()
        with _listening.lock:
            if _listening.listener is None:
                mark = f"unheard-{next(_listening.unheard)}"
            else:
                mark = f"{_own_server_writes}-{_listening.others}"
        return str(database.database or ""), f"server-{mark}"
    return str(database.database or ""), _recorded_writes().latest


class OtherWrites:
    """Notices writes another process (a scheduled Duly command, or on a server another
    person's Duly) made to the open store.

    Cheap enough to ask every few seconds on the thread that made it: SQLite's
    ``data_version`` tells whether anything was committed through another connection;
    only then are the store's write tokens read, to tell the window's own writes (made
    on its worker threads' connections) from another process's. On a server, the
    server announces each write's token at its commit (LISTEN/NOTIFY) on a connection
    of its own; asking reads what has arrived, never waiting for the server.
    """

    def __init__(self) -> None:
        self._version: int | None = None
        self._latest: str | None = None
        self._heard = 0  # on a server: the others' writes heard when last asked
        if on_server():
            _listening.start()
            self._heard = _listening.others
            return
        with contextlib.suppress(pw.DatabaseError):  # a store that cannot be read: told
            self._version = self._data_version()     # when it is read, not here
            self._latest = self._writes().latest

    @staticmethod
    def _data_version() -> int:
        return int(database.execute_sql("PRAGMA data_version").fetchone()[0])

    @staticmethod
    def _writes() -> Writes:
        return _recorded_writes()

    def happened(self) -> bool:
        """Whether another process wrote to the store since the last time asked."""
        if on_server():
            return self._heard_on_server()
        try:
            version = self._data_version()
            if version == self._version:
                return False
            writes = self._writes()
        except pw.DatabaseError:
            return False  # a store that cannot be read now: told when it is read
        self._version = version
        seen, self._latest = self._latest, writes.latest
        new = writes.since  # all of them when the last seen is the base, or forgotten
        if seen is not None and seen in writes.since:
            new = writes.since[writes.since.index(seen) + 1:]
        return any(token not in _own_tokens for token in new)

    def _heard_on_server(self) -> bool:
        """What the process's listener heard since asked last (by anyone: a worker
        working out a figure reads it too, see :func:`latest_write`); nothing while the
        connection is lost, and then, once found again, that others may have written."""
        _listening.drain()
        with _listening.lock:
            if _listening.lost is not None:
                return False
            heard, self._heard = self._heard, _listening.others
        return heard != self._heard

    @property
    def lost(self) -> str | None:
        """On a server whose connection was lost, what to tell the user ("Lost the
        connection to duly on db.example:5432; trying again…"); else None."""
        return _listening.lost if on_server() else None

    @staticmethod
    def reconnect() -> None:
        """After the connection to the server was lost: connect again (waiting a few
        seconds at most for the server: call it off the window's thread), so that
        :attr:`lost` is None again; :class:`ServerUnreachable` while the server is still
        away. Figures kept from before are worked out anew (:func:`latest_write`
        moves); each thread's store connection is to be opened anew
        (:func:`reopen_connection`), and everything read again."""
        reopen_connection()
        _listening.reconnect()  # its connection answering is the server answering


def reopen_connection() -> None:
    """Close the calling thread's connection to the store's server, so that its next
    query connects anew: after the server was away (outside a transaction; nothing to
    do on a file)."""
    if on_server() and not database.is_closed() and not database.in_transaction():
        with contextlib.suppress(Exception):  # a lost connection closes as it can
            database.close()


def _checkpoint_after_write(token: str) -> None:
    """Copy what the write just committed into the store file, without waiting for
    readers; a checkpoint that cannot finish now is left to the next write."""
    global _checkpointed
    if opened_for_reading_only():
        return
    try:
        busy, logged, copied = database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    except pw.DatabaseError:
        return  # the write is committed in the log; the store file catches up later
    if busy == 0 and logged == copied:
        _checkpointed = token


def lock_rows(model: type[pw.Model], where: pw.Expression) -> bool:
    """Inside a write: hold the rows of ``model`` matching ``where`` until it ends, so
    that another write asking for them waits for this one and then reads what it left.
    On a server, ``SELECT … ORDER BY id FOR NO KEY UPDATE`` (in id order: two writers
    asking for the same rows never each hold one the other waits for; rows that others
    only point at, such as a new payment's customer, stay free); on SQLite nothing,
    since BEGIN IMMEDIATE already lets one writer at a time in (docs/decisions.md,
    "Payments recorded by several people at once"). Returns whether rows were asked for
    (on a server)."""
    if not on_server():
        return False
    key = model._meta.primary_key
    list(model.select(key).where(where).order_by(key)
         .for_update("FOR NO KEY UPDATE").tuples())
    return True


def hold_claim(space: int, key: int) -> bool:
    """Claim ``key`` of ``space`` (a kind of row, numbered by the caller) for this
    connection, without waiting: False when another connection holds it. The claim
    lasts, across transactions, until :func:`let_go_claim` or until this connection
    ends: a Duly that dies, on whatever machine, lets go of its claims by itself (on a
    server, a session advisory lock). On SQLite always True: one Duly has the file."""
    if not on_server():
        return True
    return bool(database.execute_sql("SELECT pg_try_advisory_lock(%s, %s)",
                                     (space, key)).fetchone()[0])


def let_go_claim(space: int, key: int) -> None:
    """Let go of this connection's claim on ``key`` of ``space`` (see :func:`hold_claim`);
    a connection already lost has let go of it with everything else."""
    if not on_server() or database.is_closed():
        return
    with contextlib.suppress(pw.DatabaseError, pw.InterfaceError):
        database.execute_sql("SELECT pg_advisory_unlock(%s, %s)", (space, key))


def claim_abandoned(space: int, key: int) -> bool:
    """Inside a write: whether no live connection holds a claim on ``key`` of ``space``
    (see :func:`hold_claim`): whoever claimed it died or lost its connection. Then it is
    held for this write until it ends, so no one claims it meanwhile. On SQLite always
    True: a claim cannot outlive the one Duly that has the file."""
    if not on_server():
        return True
    return bool(database.execute_sql("SELECT pg_try_advisory_xact_lock(%s, %s)",
                                     (space, key)).fetchone()[0])


def may_fail() -> contextlib.AbstractContextManager[Any]:
    """Around a statement whose failure the caller handles and then goes on (inside a
    write): on a server a savepoint, since there a failed statement spoils the whole
    transaction until rolled back to one; on SQLite nothing, the failed statement alone
    is undone."""
    return database.atomic() if on_server() else contextlib.nullcontext()


def one_of(field: pw.Field, values: Iterable[object]) -> pw.Expression:
    """``field IN (values)`` for a list of any length, bound as one JSON parameter: no
    limit on bound values, and the SQL is not built again for every value (on a server,
    ``field = ANY(array)``)."""
    if on_server():
        bound = pw.Value([field.db_value(value) for value in values], converter=False,
                         unpack=False)
        return field == pw.NodeList((pw.SQL("ANY("), bound, pw.SQL(")")), glue="")
    return field.in_(pw.SQL("(SELECT value FROM json_each(?))", [json.dumps(list(values))]))


def among_sql(values: Iterable[object]) -> tuple[str, tuple[object, ...]]:
    """For hand-written SQL: `` IN (values)`` as :func:`one_of` binds it, and its one
    parameter (``"number" + among[0]``, parameters ``among[1]``)."""
    if on_server():
        return " = ANY(%s)", (list(values),)
    return " IN (SELECT value FROM json_each(?))", (json.dumps(list(values)),)


def execute_many(sql: str, rows: Iterable[Sequence[object]]) -> None:
    """Run hand-written ``sql`` (parameters marked by ``database.param``) once per row,
    as one prepared statement."""
    if on_server():
        with pw.__exception_wrapper__, database.cursor() as cursor:
            cursor.executemany(sql, rows)
        return
    database.connection().executemany(sql, rows)


def temporary_table(name: str, columns: str) -> str:
    """The statement making this connection's own table ``name`` (``columns`` as in
    CREATE TABLE; its first the primary key), kept by number alone on SQLite (WITHOUT
    ROWID: one b-tree)."""
    kept = "" if on_server() else " WITHOUT ROWID"
    return f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns}){kept}"


def month_of(day: pw.Node) -> pw.Node:
    """The calendar month of a stored date as text "YYYY-MM", for grouping by month in
    one pass (SQLite keeps dates as ISO text, a server as dates)."""
    if on_server():
        return pw.fn.to_char(day, "YYYY-MM")
    return pw.fn.SUBSTR(day, 1, 7)


def month_day_of(day: pw.Node) -> pw.Node:
    """The month and day of a stored date or moment as text "MM-DD" (its anniversary),
    for picking rows by the day of the year in the store."""
    if on_server():
        return pw.fn.to_char(day, "MM-DD")
    return pw.fn.SUBSTR(day, 6, 5)


def json_object(values: Mapping[str, pw.Node]) -> pw.Node:
    """A JSON object built by the store from the given columns, keys sorted (as
    :func:`models.audit.as_json` writes them): for rows written in bulk, whose JSON is
    then made without a round trip through Python."""
    if on_server():  # a key bound as a parameter has no type there: say it is text
        return pw.fn.json_build_object(*(
            part for key in sorted(values)
            for part in (pw.Cast(pw.Value(key), "text"), values[key])))
    return pw.fn.json_object(*(part for key in sorted(values) for part in (key, values[key])))


def json_array(values: Iterable[pw.Node]) -> pw.Node:
    """A JSON array built by the store from the given values (such as
    :func:`json_object`'s)."""
    return (pw.fn.json_build_array if on_server() else pw.fn.json_array)(*values)


def insert_rows(model: type[pw.Model], names: Sequence[str],
                rows: Iterable[tuple[Any, ...]], same: Mapping[str, Any] | None = None, *,
                on_conflict: Sequence[str] = (), update: Sequence[str] = ()) -> None:
    """Insert many rows of ``model`` with one prepared statement (inside a write): what
    peewee's ``insert_many`` does, without building the SQL again for every row. Each
    row gives the values of the fields ``names``, in that order; ``same`` gives values
    the same for every row (converted once), and the other fields take their defaults.
    Values go through their fields' own conversions. A row whose fields ``on_conflict``
    are those of a row already there updates that row's fields ``update`` instead."""
    sql, values = _insert_statement(model, names, same or {}, on_conflict, update)
    if on_server():
        with pw.__exception_wrapper__, database.cursor() as cursor:
            cursor.executemany(sql, map(values, rows))
        return
    database.connection().executemany(sql, map(values, rows))


def inserted_ids(model: type[pw.Model], names: Sequence[str],
                 rows: Sequence[tuple[Any, ...]], same: Mapping[str, Any] | None = None
                 ) -> list[int]:
    """Insert the rows as :func:`insert_rows` does (inside a write) and return their
    ids, in order."""
    key = model._meta.primary_key
    if on_server():  # others insert meanwhile, and a sequence skips: the ids as given
        if not rows:
            return []
        sql, values = _insert_statement(model, names, same or {}, (), ())
        ids = []
        with pw.__exception_wrapper__, database.cursor() as cursor:
            cursor.executemany(f'{sql} RETURNING "{key.column_name}"', map(values, rows),
                               returning=True)
            while True:
                ids.append(int(cursor.fetchone()[0]))
                if not cursor.nextset():
                    break
        return ids
    first = int(model.select(pw.fn.MAX(key)).scalar() or 0) + 1
    insert_rows(model, names, rows, same)
    # One writer, one transaction, no AUTOINCREMENT: the rows took the ids after the last.
    return list(range(first, first + len(rows)))


def inserted_rows(model: type[pw.Model], ids: list[int]) -> pw.ModelSelect:
    """The rows of ``model`` just inserted with ``ids`` (see :func:`inserted_ids`): on
    SQLite their range (one writer: consecutive), on a server the ids themselves."""
    key = model._meta.primary_key
    if not ids:
        return model.select().where(key.in_([]))
    if on_server():
        return model.select().where(one_of(key, ids))
    return model.select().where(key.between(ids[0], ids[-1]))


def ids_written(model: type[pw.Model]) -> None:
    """After rows of ``model`` were inserted with their ids given (inside a write): on a
    server, its id sequence moves past them; SQLite takes the next id from the table."""
    if not on_server():
        return
    table, key = model._meta.table_name, model._meta.primary_key.column_name
    database.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{key}'), "
                         f'(SELECT COALESCE(MAX("{key}"), 0) + 1 FROM "{table}"), false)')


def insert_row(model: type[pw.Model], names: Sequence[str], row: tuple[Any, ...]) -> int:
    """Insert one row of ``model`` as :func:`insert_rows` does, and return its id: for
    rows written by the thousand whose ids are needed at once, which peewee's ``create``
    would build the SQL of again each time (that costs more than SQLite's insert)."""
    sql, values = _insert_statement(model, names, {}, (), ())
    fields = model._meta.fields
    row = tuple(fields[name].db_value(value) for name, value in zip(names, row, strict=True))
    if on_server():
        return int(database.execute_sql(f'{sql} RETURNING "{model._meta.primary_key.column_name}"',
                                         values(row)).fetchone()[0])
    return int(database.execute_sql(sql, values(row)).lastrowid)


def _insert_statement(model: type[pw.Model], names: Sequence[str], same: Mapping[str, Any],
                      on_conflict: Sequence[str], update: Sequence[str]
                      ) -> tuple[str, Callable[[tuple[Any, ...]], tuple[Any, ...]]]:
    """The INSERT of ``model``'s rows of ``names`` and the function giving a row's bound
    values (see :func:`insert_rows`)."""
    meta = model._meta
    constant = {**{f.name: f.default() if callable(f.default) else f.default
                   for f in meta.sorted_fields
                   if f.name not in names and not f.primary_key}, **same}
    fields = [meta.fields[name] for name in (*names, *constant)]
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    marks = ", ".join(database.param for _ in fields)
    sql = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks})'
    if on_conflict:
        target = ", ".join(f'"{meta.fields[name].column_name}"' for name in on_conflict)
        changes = ", ".join(f'"{meta.fields[name].column_name}" = excluded."'
                            f'{meta.fields[name].column_name}"' for name in update)
        sql += f" ON CONFLICT ({target}) DO UPDATE SET {changes}"
    fixed = tuple(_as_stored(meta.fields[name].db_value(value))
                  for name, value in constant.items())
    # Only exact decimals need their field's conversion; ints, text, days and times go to
    # SQLite as they are (its adapters below write days and times in ISO form).
    # A server takes true and false for its booleans, never 0 and 1.
    kinds = (DecimalTextField, pw.BooleanField) if on_server() else DecimalTextField
    convert = [(i, field.db_value) for i, field in enumerate(fields[:len(names)])
               if isinstance(field, kinds)]

    def values(row: tuple[Any, ...]) -> tuple[Any, ...]:
        if not convert:
            return (*row, *fixed)
        cells = list(row)
        for i, db_value in convert:
            cells[i] = db_value(cells[i])
        return (*cells, *fixed)

    return sql, values


def _stored_time(value: dt.datetime) -> str:
    return value.isoformat(" ")


def _as_stored(value: object) -> object:
    if isinstance(value, dt.datetime):
        return _stored_time(value)
    return value.isoformat() if isinstance(value, dt.date) else value


# Days and times are kept as ISO text, the form peewee reads back: what sqlite3's own
# adapters did (deprecated from Python 3.12), said here once.
sqlite3.register_adapter(dt.date, dt.date.isoformat)
sqlite3.register_adapter(dt.datetime, _stored_time)


def open_store(path: Path | str, *, create: bool = False, check_later: bool = False,
               alongside: bool = False, password: str | None = None) -> Store:
    """Open the store at ``path``, migrating it if it is older than this program.

    With ``create`` a missing file becomes a new, empty store. Raises a
    :class:`StoreError` subclass, leaving the file untouched, when the file
    cannot be used: among them a write-ahead log beside it that is not its own,
    and (unless ``check_later``, for the window, which runs :func:`verify_store`
    on a worker) a store :func:`verify_store` finds damaged.

    With ``alongside`` (headless commands a scheduler runs) a store open in a Duly
    window on this same computer is shared with it rather than refused; the window's
    log is then its own to judge, and a store needing an update is refused.

    A store on a server is reached with ``password`` when given, else the one Duly keeps
    for its address (:mod:`models.server_password`), else the server's own ways.
    """
    from models.migrations import LATEST_VERSION

    if is_server_address(path):
        return _open_server_store(str(path), create=create, password=password)
    _use_files()
    path = Path(path).expanduser().absolute()
    if not path.exists():
        if not create:
            raise StoreMissing(path, f"There is no Duly store at {path}.")
        return create_store(path)
    _refuse_unusable_file(path, LATEST_VERSION)
    lock = _lock_or_refuse(path, alongside=alongside)
    forget_orphaned_answers(path.resolve().parent)
    try:
        if lock.shared and _header_version(path) < LATEST_VERSION:
            raise StoreInUse(path, f"{path.name} must be updated to work with this "
                                   f"version of Duly, and it is open in a Duly window. "
                                   f"Close the window, then run this again.")
        journal = Journal.NONE if lock.shared else _journal_or_refuse(path)
        reading_only = _connect(path)
        _forget_bookkeeping(journal)
        with known_errors(path):
            version = database.user_version
            _refuse_newer(path, version, LATEST_VERSION)
            store = Store(path=path, schema_version=version, reading_only=reading_only,
                          journal=journal, _lock=lock)
            if journal is not Journal.NONE and reading_only is None:
                _copy_log_into_file()
            if not check_later:
                damage = _verify_unless_found_whole(path)
                if damage is not None:
                    raise StoreDamaged(path, damage)
            if version < LATEST_VERSION:
                _migrate(store, LATEST_VERSION)
        return store
    except BaseException:
        if not database.is_closed():
            database.close()
        lock.release()
        raise


class StoreExists(StoreError):
    """A new store was asked for where a file already is."""


def create_store(path: Path | str, fill: Callable[[], object] | None = None, *,
                 bare: bool = False) -> Store:
    """Create a new store at ``path``, filled by ``fill``, and return it open.

    The store is built and filled under a hidden temporary name and moved into
    place only when whole, so a Duly killed or failing half-way leaves nothing
    where the user would open it. An existing file is never replaced.

    With ``bare`` the store is made with its tables only, without the figures it keeps
    by triggers (the notes' search index, the month totals): ``fill`` writes its rows
    first and then builds them once, with :func:`build_kept_figures` (a store moved in
    whole, see :mod:`models.move_store`).
    """
    from models.migrations import LATEST_VERSION

    if is_server_address(path):
        return _create_server_store(str(path), fill, bare=bare)
    _use_files()
    path = Path(path).expanduser().absolute()
    _forget_bookkeeping()
    _refuse_existing(path)
    try:
        path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreReadOnly(path, f"Duly cannot create the folder {path.parent}: "
                                  f"{exc.strerror}.") from exc
    lock = _build_new_store(path, LATEST_VERSION, fill, bare=bare)
    try:
        database.init(str(path), pragmas=PRAGMAS, timeout=5)
        return Store(path=path, schema_version=LATEST_VERSION, _lock=lock)
    except BaseException:
        if not database.is_closed():
            database.close()
        lock.release()
        raise


def store_location(text: str) -> Path | str:
    """What ``--db`` names: a server's address as it is, else a file's path."""
    return text if is_server_address(text) else Path(text)


def refuse_server(target: object, what: str) -> None:
    """Refuse, in words, ``what`` (e.g. "Backing up") that only a store file has, when
    ``target`` names a store on a server."""
    if is_server_address(target):
        raise StoreError(None, f"{what} is for a store file. A store on a server is kept "
                               f"safe by the server's own backups, looked after by "
                               f"whoever runs the server.")


def _use_files() -> None:
    if on_server():
        from models.server_store import use_files
        use_files()


def _server_address(url: str) -> ServerAddress:
    from models.server_store import parse_address

    try:
        return parse_address(url)
    except ValueError as exc:
        raise StoreMissing(None, str(exc)) from exc


def _open_server_store(url: str, *, create: bool, password: str | None = None) -> Store:
    """Open the store in the server's database at ``url``; see :func:`open_store`."""
    from models import server_store
    from models.migrations import LATEST_VERSION

    address = _server_address(url)
    _forget_bookkeeping()
    password = password if password is not None else _kept_password(address)
    server_store.connect(address, password)
    try:
        _open_connection(address, password)
        with known_errors(url):
            tables = server_store.table_names()
            if server_store.VERSION_TABLE not in tables:
                if tables:
                    raise _holds_other_tables(address)
                if not create:
                    raise StoreMissing(None, f"There is no Duly store in the database "
                                             f"{address.name}: it is empty.")
                database.close()
                return _create_server_store(url, None, password)
            version = server_store.schema_version()
            _refuse_newer(Path(address.dbname), version, LATEST_VERSION)
            store = Store(path=Path(address.dbname), schema_version=version, server=address)
            if version < LATEST_VERSION:
                _migrate(store, LATEST_VERSION)
            _sign_in_on_server()
        return store
    except BaseException:
        server_store.use_files()
        raise


def _create_server_store(url: str, fill: Callable[[], object] | None,
                         password: str | None = None, *, bare: bool = False) -> Store:
    """Create the store in the server's empty database at ``url``; see
    :func:`create_store`."""
    from models import server_store
    from models.migrations import LATEST_VERSION

    address = _server_address(url)
    _forget_bookkeeping()
    password = password if password is not None else _kept_password(address)
    server_store.connect(address, password)
    try:
        _open_connection(address, password)
        with known_errors(url):
            if server_store.table_names():
                raise StoreExists(None, f"The database {address.name} is not empty. Duly "
                                        f"never builds a store over what is there; choose "
                                        f"an empty database.")
            server_store.build(LATEST_VERSION, fill, bare=bare)
            if not bare:  # a store moved in whole brings its users with it
                _sign_in_on_server()
        return Store(path=Path(address.dbname), schema_version=LATEST_VERSION,
                     server=address)
    except BaseException:
        server_store.use_files()
        raise


def look_at_server(address: ServerAddress, password: str | None) -> ServerContents:
    """Connect to the address's database with ``password`` (None: the server's own ways)
    and say what it holds, without opening it as the store (the open store keeps
    working). Raises the StoreError saying why not when the connection cannot be made
    (its ``field`` the one at fault: "host", "user", "password" or "database"), and
    NotADulyStore for a database holding another program's tables."""
    from models import server_store

    with known_errors(address.url):
        try:
            tables = server_store.tables_in(address, password)
        except Exception as exc:
            known = _connection_error(address, password, exc)
            if known is None:
                raise
            raise known from exc
    if server_store.VERSION_TABLE in tables:
        return server_store.ServerContents.STORE
    if tables:
        raise _holds_other_tables(address)
    return server_store.ServerContents.EMPTY


def _kept_password(address: ServerAddress) -> str | None:
    """The password Duly keeps for the address (this session's, or the keyring's)."""
    from models.server_password import password_for

    return password_for(address)


def _open_connection(address: ServerAddress, password: str | None) -> None:
    """Make the store's first connection to the server, or raise the StoreError saying
    why it could not be made."""
    try:
        database.connect(reuse_if_open=True)
    except Exception as exc:
        known = _connection_error(address, password, exc)
        if known is None:
            raise
        raise known from exc


def _connection_error(address: ServerAddress, password: str | None,
                      exc: BaseException) -> StoreError | None:
    """The StoreError (its ``field`` the one at fault) for a connection to the server
    that could not be made; None when ``exc`` is no failure to connect."""
    from models.server_store import why_not_connected

    refused = why_not_connected(address, password, exc)
    if refused is None:
        return None
    error = _server_kind(refused.failure)(None, refused.message)
    error.field = refused.field
    return error


def _holds_other_tables(address: ServerAddress) -> NotADulyStore:
    """The refusal of a database that holds another program's tables."""
    error = NotADulyStore(None, f"The database {address.name} holds tables of another "
                                f"program, not a Duly store. Duly has left it untouched; "
                                f"choose another database.")
    error.field = "database"
    return error


def _refuse_existing(path: Path) -> None:
    if path.exists() or path.is_symlink():  # a link to nothing is a name taken too
        raise StoreExists(path, f"{path.name} already exists. Duly never replaces a store; "
                                f"choose another file name.")


def _build_new_store(path: Path, version: int, fill: Callable[[], object] | None, *,
                     bare: bool = False) -> _StoreLock:
    """Build the store under a hidden name, lock it and move it into place: the lock
    is the file's own, so it holds under the new name before any other Duly can see it."""
    # Hidden and per process: two Dulys building at once never share a file.
    partial = path.with_name(f".{path.name}.{os.getpid()}.new")
    _remove_store_files(partial)  # ours, from a build that was cut short
    try:
        create_private(partial, PRIVATE_FILE)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _disk_full(path) from exc
        raise StoreReadOnly(path, f"Duly cannot create {path.name} in {path.parent}: "
                                  f"{exc.strerror}.") from exc
    database.init(str(partial), pragmas=PRAGMAS, timeout=5)
    try:
        with known_errors(path):
            database.application_id = APPLICATION_ID
            with writing():
                database.create_tables(ALL_TABLES)
                if not bare:
                    build_kept_figures()
                database.user_version = version
            if fill is not None:
                fill()
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
        lock = _lock_or_refuse(partial)
        try:
            _move_into_place(partial, path)
        except BaseException:
            _forget_lock(lock)
            raise
        return lock
    finally:
        if not database.is_closed():
            database.close()
        _remove_store_files(partial)


def _move_into_place(partial: Path, path: Path) -> None:
    try:
        os.link(partial, path)  # fails rather than replace a file that appeared
    except FileExistsError:
        _refuse_existing(path)
    except OSError:
        _refuse_existing(path)
        os.replace(partial, path)  # a file system without hard links
    sync_folder(path.parent)


def _remove_store_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _refuse_unusable_file(path: Path, latest: int) -> None:
    """Look at the file without opening it in SQLite; refuse what is not ours."""
    _refuse_not_a_file(path)
    try:
        refuse_store_file(path)  # read outside SQLite, it would lose SQLite's locks
    except StoreFileChosen as exc:
        raise StoreInUse(path, f"Duly cannot open {path.name}: {exc.strerror}.") from exc
    try:
        header = read_header(path)
    except OSError as exc:
        raise StoreReadOnly(path, f"Duly cannot read {path.name}: {exc.strerror}.") from exc
    if len(header) < HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        raise NotADulyStore(path, f"{path.name} is not a Duly store. Choose a file "
                                  f"that Duly created (usually ending in .sqlite).")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise NotADulyStore(path, f"{path.name} is a database of another program, "
                                  f"not a Duly store. Duly has left it untouched.")
    version = store_version(header)
    _refuse_newer(path, version, latest)
    real = path.resolve()  # SQLite keeps its log beside the file a link points to
    if not _writable(real) or not _writable(real.parent):
        raise StoreReadOnly(path, f"{path.name} is read-only, so Duly cannot record "
                                  f"anything in it. Copy it to a folder you can write "
                                  f"to, or make it writable, and open it again.")
    if version < latest:
        _refuse_update_without_room(path)


def _refuse_not_a_file(path: Path) -> None:
    # Told from its mode, never by opening it: opening a named pipe waits for a writer.
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise StoreReadOnly(path, f"Duly cannot read {path.name}: {exc.strerror}.") from exc
    kind = not_a_file(mode)
    if kind is None:
        return
    raise NotADulyStore(path, f"{path} is not a file Duly can use: it is {kind}. Choose a "
                              f"Duly store (usually a file ending in .sqlite).")


def _refuse_update_without_room(path: Path) -> None:
    # An update first copies the whole store beside it, then writes through the log.
    needed = path.stat().st_size + _ROOM_TO_WRITE
    if _free_space(path) < needed:
        raise StoreFull(path, f"Duly must update {path.name} to work with this version, "
                              f"keeping a copy of it as it was, and the disk holding "
                              f"{_folder(path)} has no room for that. Free at least "
                              f"{_megabytes(needed)} there, then open it again. Nothing "
                              f"has been changed.")


def _writable(path: Path) -> bool:
    # Root may write anything; still honour a file the user marked read-only.
    mode = path.stat().st_mode
    return os.access(path, os.W_OK) and bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _header_version(path: Path) -> int:
    return store_version(read_header(path))


def _refuse_newer(path: Path, version: int, latest: int) -> None:
    if version > latest:
        raise StoreTooNew(path, f"{path.name} was saved by a newer version of Duly "
                                f"(store version {version}; this program reads up "
                                f"to {latest}). Update Duly to open it.")


def _lock_or_refuse(path: Path, *, alongside: bool = False) -> _StoreLock:
    """Take the one-Duly-at-a-time lock, keyed by the store file itself and not by the
    name it is opened by: an OS lock on a file named after the store's inode, in the
    folder the store really is in (links resolved). docs/decisions.md, "Store safety
    (issue 14)", says why not a lock on the store file itself, nor on its name.

    With ``alongside`` (a headless command such as the nightly job) a store another Duly
    holds on this same computer is shared instead of refused: see :class:`_Sharing` and
    docs/decisions.md, "The nightly job while the window is open (issue 17)"."""
    real = path.resolve()
    for _attempt in range(3):
        inode = _inode(path, real)
        try:
            lock = _exclusive_lock(lock_file_of(real, inode))
        except OSError as exc:
            raise StoreReadOnly(path, f"Duly cannot lock {path.name}: {exc.strerror}.") from exc
        if lock is None:
            sharing = _Sharing(real, inode)
            if alongside and sharing.join():
                return _StoreLock(sharing, None, hold_store_file(real))
            raise StoreInUse(path, sharing.refusal(path))
        if _inode(path, real) != inode:
            lock.release()  # the file was replaced while we locked: lock the one now there
            continue
        sharing = _Sharing(real, inode)
        try:
            sharing.hold(path)
        except BaseException:
            lock.release()
            raise
        return _StoreLock(sharing, lock, hold_store_file(real))
    raise StoreInUse(path, f"{path.name} is being replaced by another program. Try again "
                           f"in a moment.")


class _Sharing:
    """Who holds a store, for headless Dulys on the same computer to share it.

    The Duly holding the store's lock writes its computer's name and its process id in
    ``.duly-INODE.holder`` beside the lock. A headless command finding the lock taken
    shares the store when that holder is a live Duly process on this very computer (not
    this process): it then holds ``.duly-INODE.guests`` with a shared lock while it
    works. A Duly taking the store's lock while guests work refuses it unless the guests'
    computer (its holder's, when they joined) is its own: a Duly on another computer
    never writes beside them. SQLite itself (WAL, a busy timeout) orders the writes of
    processes on one computer; it cannot across a shared folder.
    """

    def __init__(self, real: Path, inode: int) -> None:
        self._holder = beside_store(real, inode, "holder")
        self._guests = guests_file_of(real, inode)
        self._handle: int | None = None

    def _read(self) -> tuple[str, int] | None:
        try:
            value = json.loads(self._holder.read_text(encoding="utf-8"))
            return str(value["host"]), int(value["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def join(self) -> bool:
        """Share the store with its live holder on this computer; False if it is not."""
        holder = self._read()
        if holder is None or holder[0] != _host() or holder[1] == os.getpid() \
                or not _alive(holder[1]) or not _can_share():
            return False
        self._handle = _lock_without_waiting(self._guests, shared=True)
        if self._handle is None:
            return False
        if self._read() != holder:  # the holder changed while we joined: do not share
            self.release()
            return False
        return True

    def hold(self, path: Path) -> None:
        """Record this process as the holder, once guests of another computer, if any,
        are gone (the store's lock is taken)."""
        if _can_share() and self._guests.exists():  # a guest makes it; none: no guests
            busy = _lock_without_waiting(self._guests, shared=False)
            if busy is None:  # guests are at work: they are the last holder's
                holder = self._read()
                if holder is None or holder[0] != _host():
                    raise StoreInUse(path, f"{path.name} is in use by a Duly on another "
                                           f"computer. Try again once it has finished.")
            else:
                os.close(busy)
        # Without it the lock alone still refuses other Dulys, as before.
        with contextlib.suppress(OSError), whole_file(self._holder, mode=PRIVATE_FILE,
                                                      beside_store=True) as partial:
            partial.write_text(json.dumps({"host": _host(), "pid": os.getpid()}),
                               encoding="utf-8")

    def refusal(self, path: Path) -> str:
        """Why the store cannot be opened now, in words."""
        holder = self._read()
        if holder is not None and holder[0] != _host():
            return (f"{path.name} is already open in another Duly, on the computer "
                    f"{holder[0]}. Close it there first.")
        return f"{path.name} is already open in another Duly window. Close it there first."

    def forget(self) -> None:
        """As the holder closes the store: it holds it no more."""
        if self._read() == (_host(), os.getpid()):
            self._holder.unlink(missing_ok=True)

    def release(self) -> None:
        """As a guest closes the store: let go of the guests' lock."""
        if self._handle is not None:
            os.close(self._handle)  # closing the descriptor drops its lock
            self._handle = None


class _HeldLock(Protocol):
    """A store's lock this process holds: filelock's, or
    :class:`models.store_lock.FlockedFile`."""

    @property
    def lock_file(self) -> str:
        """The lock file's path."""

    def release(self) -> None:
        """Let go of the lock."""


def _exclusive_lock(lock_file: Path) -> _HeldLock | None:
    """The store's lock, or None while another process holds it: never waits.

    Where the OS has ``flock``, Duly takes it itself: it is the very lock filelock takes
    there, so every Duly excludes every other as before, and a command is spared the
    15 ms that importing filelock costs (issue 21). On Windows, and on a filesystem without
    ``flock`` (filelock then falls back to the lock file's existence), filelock takes it."""
    if sys.platform != "win32" and fcntl_module() is not None:
        try:
            return flocked(lock_file)
        except NoFlock:
            pass
    import filelock

    lock = filelock.FileLock(lock_file, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        return None
    return lock


class _StoreLock:
    """What keeps an open store ours: the store's lock (its holder recorded), or, for a
    headless Duly sharing it with its holder on this computer, the guests' lock."""

    def __init__(self, sharing: _Sharing, lock: _HeldLock | None,
                 held: tuple[int, int] | None) -> None:
        self.sharing = sharing
        self.lock = lock
        self._held = held  # the store file, counted as open here (models.files)

    @property
    def shared(self) -> bool:
        """Whether the store is shared with the Duly that holds it."""
        return self.lock is None

    def release(self) -> None:
        """Let other Dulys open the store (as far as this one goes)."""
        let_go_store_file(self._held)
        self._held = None
        if self.lock is None:
            self.sharing.release()
            return
        self.sharing.forget()
        self.lock.release()


def _host() -> str:
    import socket

    return socket.gethostname()


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) there sends Ctrl+C, or ends the process
        return _windows_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive, yet never ours to share
    return True


def _windows_alive(pid: int) -> bool:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.DWORD]
    kernel32.OpenProcess.restype = wintypes.HANDLE  # pointer-wide, never an int
    kernel32.GetExitCodeProcess.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD)]
    kernel32.GetExitCodeProcess.restype = wintypes.BOOL
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    process = kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not process:
        # Another user's process: alive, yet never ours to share.
        return ctypes.get_last_error() == _ERROR_ACCESS_DENIED  # type: ignore[attr-defined]
    try:
        code = wintypes.DWORD()
        return bool(kernel32.GetExitCodeProcess(process, ctypes.byref(code))) \
            and code.value == _STILL_ACTIVE
    finally:
        kernel32.CloseHandle(process)


def _can_share() -> bool:
    return sys.platform == "win32" or (hasattr(os, "O_NOFOLLOW") and fcntl_module() is not None)


# Windows' names (winbase.h, winnt.h, winerror.h) for LockFileEx and OpenProcess.
_LOCKFILE_FAIL_IMMEDIATELY = 0x1
_LOCKFILE_EXCLUSIVE_LOCK = 0x2
_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
_STILL_ACTIVE = 259
_ERROR_ACCESS_DENIED = 5


def _lock_without_waiting(path: Path, *, shared: bool) -> int | None:
    """An open descriptor of ``path`` holding a shared or an exclusive lock on it, or None
    when another process holds it the other way (or exclusively): never waits. The
    lock lasts until the descriptor is closed. On POSIX it is a ``flock`` of the whole
    file; Windows has no ``flock`` (and ``msvcrt.locking`` no shared locks), so there it
    is ``LockFileEx`` on the file's first byte, which has both kinds."""
    if sys.platform == "win32":
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_BINARY, PRIVATE_FILE)
        taken = _windows_lock(handle, shared=shared, lock_file_ex=_lock_file_ex)
    else:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, PRIVATE_FILE)
        taken = _posix_lock(handle, shared=shared)
    if not taken:
        os.close(handle)
        return None
    return handle


def _posix_lock(handle: int, *, shared: bool) -> bool:
    fcntl = fcntl_module()
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _windows_lock(handle: int, *, shared: bool,
                  lock_file_ex: Callable[[int, int], bool]) -> bool:
    """Whether ``handle`` (a descriptor) now holds the lock: ``lock_file_ex(handle,
    flags)`` is the call to Windows (a parameter only so that this choice of flags can be
    tested where Windows does not run)."""
    flags = _LOCKFILE_FAIL_IMMEDIATELY | (0 if shared else _LOCKFILE_EXCLUSIVE_LOCK)
    return lock_file_ex(handle, flags)


def _lock_file_ex(handle: int, flags: int) -> bool:
    """``LockFileEx`` on the first byte of the file open as ``handle``; False when it is
    locked the other way (or on any failure: then nothing is shared, as before)."""
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class Overlapped(ctypes.Structure):
        _fields_ = [("internal", ctypes.c_void_p), ("internal_high", ctypes.c_void_p),
                    ("offset", wintypes.DWORD), ("offset_high", wintypes.DWORD),
                    ("event", wintypes.HANDLE)]

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.LockFileEx.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD,
                                    wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p]
    kernel32.LockFileEx.restype = wintypes.BOOL
    overlapped = Overlapped()  # offset 0: the first byte, whatever the file's length
    return bool(kernel32.LockFileEx(msvcrt.get_osfhandle(handle),  # type: ignore[attr-defined]
                                    flags, 0, 1, 0, ctypes.byref(overlapped)))


def _inode(path: Path, real: Path) -> int:
    try:
        return real.stat().st_ino
    except OSError as exc:
        raise StoreMissing(path, f"Duly cannot find {path.name} any more: "
                                 f"{exc.strerror}.") from exc


def _forget_lock(lock: _StoreLock) -> None:
    """Release the lock of a file that was never put in place, and remove its lock file:
    no other Duly can have seen that file."""
    if lock.lock is not None:
        Path(lock.lock.lock_file).unlink(missing_ok=True)
    lock.release()


class _ClosingConnection(sqlite3.Connection):
    """A connection that closes its cursors as it closes. Since Python 3.11 a cursor
    still held (by a traceback, say) keeps SQLite's connection alive after ``close()``,
    with its files and its view of the log's shared index: after a store opened for
    reading only, the next connection to the file would inherit that read-only index
    and could record nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cursors: weakref.WeakSet[sqlite3.Cursor] = weakref.WeakSet()

    def cursor(self, *args: Any, **kwargs: Any) -> Any:
        """A new cursor, closed with the connection (``execute`` makes one here too)."""
        made = super().cursor(*args, **kwargs)
        self._cursors.add(made)
        return made

    def close(self) -> None:
        """Close every cursor still open, then the connection itself."""
        for cursor in list(self._cursors):
            cursor.close()
        super().close()


def _connect(path: Path) -> str | None:
    """Point the store's connections at ``path`` and read it once. Returns None when it
    is open to record; on a disk too full for the write-ahead log's shared index it is
    opened for reading only, and the reason is returned."""
    database.init(str(path), pragmas=PRAGMAS, timeout=5, uri=False, factory=_ClosingConnection)
    try:
        _first_read(path)
    except StoreFull:
        database.close()
    else:
        return None
    real = path.resolve()  # SQLite names its log after the file a link points to
    try:
        # Reading without a shared index still needs its file; an empty one takes no room.
        handle = os.open(f"{real}-shm", os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                         real.stat().st_mode & 0o777)
    except FileExistsError:
        pass
    except OSError as exc:
        raise _disk_full(path) from exc
    else:
        os.close(handle)
    database.init(f"file:{quote(str(real))}?{_READING_ONLY_QUERY}", uri=True,
                  pragmas=PRAGMAS, timeout=5, factory=_ClosingConnection)
    _first_read(path)
    return (f"The disk holding {_folder(path)} is full, so Duly has opened {path.name} "
            f"for reading only: everything in it can be seen, but nothing recorded. Free "
            f"at least {_megabytes(_ROOM_TO_WRITE)} there, then open it again.")


def _first_read(path: Path) -> None:
    with known_errors(path):
        # The first read maps the write-ahead log's shared index (32 KiB on the disk).
        database.execute_sql("SELECT 1 FROM sqlite_schema LIMIT 1").fetchall()


def _journal_or_refuse(path: Path) -> Journal:
    """What the log beside the store means; refuses a log that is not the store's own."""
    journal = judge_journal(path)
    name, log = path.name, f"{path.name}-wal"
    aside = (f"Duly has left both files untouched. To open {name} as it was last saved "
             f"whole, move {log} out of {_folder(path)} and open it again.")
    if journal is Journal.FOREIGN:
        raise ForeignJournal(path, f"The journal beside {name} ({log}) was not written over "
                                   f"this file but over another copy of it, or another "
                                   f"store: applying it would damage {name}. {aside} If "
                                   f"the other copy is the one you work in, open that "
                                   f"copy instead.")
    if journal is Journal.DAMAGED:
        raise ForeignJournal(path, f"The journal beside {name} ({log}) is damaged, so the "
                                   f"changes it may hold cannot be read. {aside}")
    return journal


def _forget_bookkeeping(journal: Journal = Journal.NONE) -> None:
    global _checkpointed, _damaged, _journal
    _checkpointed = None
    _damaged = None
    _journal = journal
    signing_in.forget()  # who was signed in to the store before
    _listening.forget()


def _sign_in_on_server() -> None:
    """On a server, the person opening the store is signed in at once (its first as its
    manager), or refused in words when its managers have not added them (models.users)."""
    signing_in.sign_in()


def _sign_in_before_writing() -> None:
    """Sign the person using the store in before its first write (models.users), so
    every row a write makes names them."""
    signing_in.before_writing()


_journal = Journal.NONE


def journal_problems() -> list[str]:
    """Confirmed writes of the open store that are still only in its write-ahead log,
    in words: a copy of the store file alone would lack them."""
    if on_server():
        return []  # a server has no log beside a file
    path = _open_store_path()
    name = path.name if path is not None else "the store"
    if opened_for_reading_only():
        if _journal is not Journal.OURS:
            return []
        return [f"the journal beside {name} holds writes of an interrupted session that "
                f"are not yet in the store file (its disk is full, so they could not be "
                f"copied in); a copy of {name} alone would lack them. Free disk space and "
                f"open the store again"]
    busy, logged, copied = database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    if busy == 0 and logged == copied:
        return []
    return [f"{logged - copied} page(s) of recent writes are only in the journal beside "
            f"{name}, because another program is reading the store; a copy of {name} alone "
            f"would lack them. Close the other program and run the check again"]


def _copy_log_into_file() -> None:
    """Copy a log left by an interrupted session into the store file now, waiting for
    no one: with another program writing, what it holds stays in the log (nothing is
    lost; ``check`` tells) and reading goes on."""
    with contextlib.suppress(pw.OperationalError):  # busy: the next write copies it
        database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")


def verify_store(path: Path) -> str | None:
    """A quick look for damage in the open store (SQLite's ``quick_check`` and the
    file's length against its header): None when none is found, else what to tell the
    user, with how to restore a backup. A damaged store takes no more writes. A server
    keeps its own pages whole: nothing to look at there."""
    return DamageCheck(path).run()


def _verify_unless_found_whole(path: Path) -> str | None:
    """:func:`verify_store` for a command opening the store, unless the file is as the
    last clean check found it (:mod:`models.checked_whole`)."""
    if found_whole(path):
        return None
    before = state_of(path)
    damage = verify_store(path)
    if damage is None:
        remember_whole(path, before)
    return damage


class DamageCheck:
    """:func:`verify_store` run on one thread (a window's worker) that another (the
    window, as it closes the store) may stop at once: the check reads the whole file, a
    second or more on a big book."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stopped = False
        self._connection: sqlite3.Connection | None = None
        self._ended = threading.Event()

    def run(self) -> str | None:
        """The check, on this thread's connection: what :func:`verify_store` returns,
        and None when it was stopped (a check stopped part way is no report of damage,
        and the store it looked at is being closed: nothing is recorded of it)."""
        global _damaged
        if on_server():
            return None  # the server keeps its pages itself (see integrity_problems)
        try:
            with known_errors(self.path):
                connection = database.connection()
                with self._lock:
                    if self._stopped:
                        return None
                    self._connection = connection
                try:
                    row = database.execute_sql("PRAGMA quick_check(1)").fetchone()
                    found = row[0] != "ok" or _cut_short(self.path)
                except pw.OperationalError:
                    if self._stopped:
                        return None
                    raise
        finally:
            self._ended.set()
        if self._stopped:
            return None
        if found:
            forget_whole(self.path)
            _damaged = restore_advice(self.path)
        return _damaged

    def stop(self) -> None:
        """Stop the check (from another thread) and wait until its thread has let go of
        the store; one not yet begun will not begin."""
        with self._lock:
            self._stopped = True
            connection = self._connection
        if connection is None:
            return  # not reading yet: it sees the stop before it starts
        # An interrupt reaches only a statement already running: repeated until it ends.
        while not self._ended.wait(0.02):
            with contextlib.suppress(sqlite3.ProgrammingError):  # closed as it ended
                connection.interrupt()


def _cut_short(path: Path) -> bool:
    """Whether the open store's file is shorter than the pages it holds (a file cut
    short). While its log holds pages, the file may rightly lack them: not judged then.

    The sizes come through the open connection, never from the file opened again: in
    one process, closing any other descriptor of the file drops every POSIX lock SQLite
    holds on it (https://sqlite.org/howtocorrupt.html, 2.2), and a Duly sharing the
    store beside this one would then take its log away from under it as it closed."""
    if frames_in(path) > 0:
        return False
    page_size = database.execute_sql("PRAGMA page_size").fetchone()[0]
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    size = path.stat().st_size
    return size % page_size != 0 or size < pages * page_size


def damaged() -> str | None:
    """Why the open store takes no writes (it was found damaged), or None."""
    return _damaged


def latest_backup(path: Path) -> Path | None:
    """The newest copy Duly kept of the store: beside it (before an update) or in the
    Backups folder beside it (its daily backups, see models.backup), if any."""
    copies = [p for p in (*path.parent.glob(f"{path.stem}.before-v*.sqlite"),
                          *path.parent.glob(f"Backups/{path.stem}-backup-*.sqlite"))
              if p.is_file()]
    return max(copies, key=lambda p: p.stat().st_mtime, default=None)


def restore_advice(path: Path) -> str:
    """What to tell the user of a damaged store: that it is, and how to restore it."""
    backup = latest_backup(path)
    kept = backup.relative_to(path.parent) if backup is not None else None
    how = (f"the newest copy Duly kept is {kept}: choose it in File, Restore… (or run "
           f"'duly restore {kept}'), or close Duly, move {path.name} out of "
           f"{_folder(path)}, then copy {kept} there and rename the copy {path.name}"
           if backup is not None else
           f"choose your latest backup in File, Restore… (or run 'duly restore FILE'), or "
           f"close Duly, move {path.name} out of {_folder(path)}, then put your latest "
           f"backup of it there under the name {path.name}")
    return (f"{path.name} is damaged: Duly will record nothing more in it. Restore it "
            f"from a backup: {how}.")


def opened_for_reading_only() -> bool:
    """Whether the open store was opened for reading only, its disk being full."""
    return str(database.database or "").endswith(_READING_ONLY_QUERY)


# The store version from which the default templates come in every language (v13).
_TEMPLATES_IN_EVERY_LANGUAGE = 13
# The store version from which payment plans are chased by their instalments under their
# own policy, and welcomes and thank-yous have their templates (v15).
_PLANS_POLICY = 15
# The first store version after the default reminders gained the line on what is in
# dispute (the one after v21, whatever it brings): untouched defaults are brought up to
# date (models.default_templates.bring_up_to_date).
_DISPUTE_LINE = 22


def _migrate(store: Store, latest: int) -> None:
    if store.server is not None:
        _migrate_on_server(store, latest)
        return
    from models.migrations import MIGRATIONS

    store.migrated_from = store.schema_version
    store.backup_path = backup_store(_backup_name(store.path, store.schema_version))
    for version in range(store.schema_version + 1, latest + 1):
        with writing():
            MIGRATIONS[version](database)
            database.user_version = version
        store.schema_version = version
    if store.migrated_from < _TEMPLATES_IN_EVERY_LANGUAGE <= latest:
        from models.default_templates import add_languages
        with writing():
            add_languages()
    if store.migrated_from < _PLANS_POLICY <= latest:
        from models.default_templates import add_relationship_templates
        from models.plans_policy import seed_plans_policy
        with writing():
            add_relationship_templates()
            seed_plans_policy()
    if store.migrated_from < _DISPUTE_LINE <= latest:
        from models.default_templates import bring_up_to_date
        with writing():
            bring_up_to_date()


def _migrate_on_server(store: Store, latest: int) -> None:
    """Bring a store on a server to ``latest`` in one transaction (PostgreSQL's DDL is
    transactional: all of the update or none of it, so no copy is kept first), holding
    the build lock so that two Dulys opening it do not both update it."""
    from models import server_store
    from models.migrations import FIRST_SERVER_VERSION, MIGRATIONS

    with writing():
        server_store.hold_build_lock()
        version = server_store.schema_version()  # another Duly may have updated it
        store.migrated_from = version
        if version < FIRST_SERVER_VERSION:
            raise StoreError(None, f"The store is at version {version}, older than any "
                                   f"store Duly keeps on a server ({FIRST_SERVER_VERSION}), "
                                   f"so it cannot be updated.")
        for step in range(version + 1, latest + 1):
            MIGRATIONS[step](database)
        server_store.set_schema_version(latest)
    store.schema_version = latest


def _backup_name(path: Path, version: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.before-v{version + 1}.{stamp}.sqlite")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}.before-v{version + 1}.{stamp}-{n}.sqlite")
    return candidate


def backup_store(target: Path) -> Path:
    """Copy the open store to ``target`` through SQLite's online backup API: written
    aside and moved into place whole (see :func:`models.files.whole_file`), so that a
    copy cut short is never taken for a backup, and as private as the store."""
    source = database.connection()
    mode = stat.S_IMODE(os.stat(_open_store_path() or database.database).st_mode)
    with whole_file(target, mode=mode, a_store=True) as partial:
        destination = sqlite3.connect(str(partial))
        try:
            with reading():
                # One read transaction over every step: the copy is the store at one
                # moment, and in WAL mode the window's writes go on meanwhile.
                database.execute_sql("SELECT 1 FROM sqlite_schema LIMIT 1").fetchall()
                source.backup(destination, pages=_BACKUP_STEP_PAGES)
            destination.execute("PRAGMA journal_mode = DELETE")  # the copy is one file
        except BaseException:
            destination.close()
            _remove_store_files(partial)
            raise
        destination.close()
    return target


# Pages copied per step of a backup (4 MiB of 4 KiB pages).
_BACKUP_STEP_PAGES = 1024


@dataclass(frozen=True)
class CopyLook:
    """What a copy of a store (a backup) is, read without changing it."""

    schema_version: int
    problem: str | None
    """Why the copy cannot be used (not a Duly store, damaged), in words; None if sound."""


@contextlib.contextmanager
def reading_copy(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a closed copy of a store (a backup), which neither
    writes anything nor reads a log beside it. Refuses the store open here
    (:class:`StoreFileChosen`): an immutable connection takes no locks, so closing it
    would drop this process's."""
    refuse_store_file(path)
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True, timeout=5)
    connection.text_factory = marked_text  # a damaged copy's text, and SQLite's about it
    try:
        yield connection
    finally:
        connection.close()


def look_at_copy(path: Path) -> CopyLook:
    """Whether ``path`` is a whole copy of a Duly store: its header, then SQLite's
    integrity and foreign-key checks over every page."""
    path = Path(path)
    try:
        refuse_store_file(path)
        header = read_header(path)
    except OSError as exc:
        return CopyLook(0, f"{path.name} cannot be read: {exc.strerror}.")
    if not is_a_store(header):
        return CopyLook(0, f"{path.name} is not a copy of a Duly store.")
    version = store_version(header)
    try:
        with reading_copy(path) as copy:
            found = [row[0] for row in copy.execute("PRAGMA integrity_check(5)")]
            broken = copy.execute("PRAGMA foreign_key_check").fetchone()
    except (sqlite3.DatabaseError, UnicodeDecodeError):  # see models.sqlite_codes
        found, broken = ["unreadable"], None
    if found != ["ok"] or broken is not None:
        return CopyLook(version, f"{path.name} is damaged: SQLite finds pages or links "
                                 f"in it broken, so it cannot be used.")
    return CopyLook(version, None)


def replace_damaged_store(copy: Path, path: Path, keep: Path) -> None:
    """Put ``copy`` in place of the damaged store at ``path`` (open in no Duly), moving
    the damaged file and its journal files to ``keep`` (and ``keep``-wal, -shm) first.
    The store is replaced as a file, not written into: its pages may be unreadable."""
    path = Path(path).expanduser().absolute()
    real = path.resolve()
    lock = _lock_or_refuse(path)
    try:
        with whole_file(real, mode=stat.S_IMODE(real.stat().st_mode),
                        beside_store=True) as partial:
            shutil.copyfile(copy, partial)
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    shutil.copy2(f"{real}{suffix}", f"{keep}{suffix}")
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{real}{suffix}").unlink(missing_ok=True)
        sync_folder(keep.parent)
    finally:
        lock.release()


def copy_into_store(copy: Path, path: Path) -> None:
    """Make the closed store at ``path`` hold exactly what ``copy`` holds (SQLite's
    backup API into the store file itself, so the file and its lock stay the same).
    Refuses, as :func:`open_store` does, while any Duly has the store open."""
    from models.migrations import LATEST_VERSION

    path = Path(path).expanduser().absolute()
    _refuse_unusable_file(path, LATEST_VERSION)
    lock = _lock_or_refuse(path)
    try:
        if _journal_or_refuse(path) not in (Journal.NONE, Journal.NOTHING_NEW):
            raise StoreInUse(path, f"{path.name} has writes not yet copied into it. Open "
                                   f"it in Duly once, close it, and restore again.")
        with reading_copy(copy) as source, known_errors(path):
            target = sqlite3.connect(str(path), timeout=5)
            try:
                target.execute("PRAGMA journal_mode = DELETE")  # any page size may come
                source.backup(target, pages=_BACKUP_STEP_PAGES)
                target.execute("PRAGMA journal_mode = WAL")
                target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                target.close()  # the last connection: SQLite removes the emptied log
        sync_folder(path.parent)
    finally:
        lock.release()


_BUSY = "The store is busy: another program is writing to it. Try again in a moment."
_INACCESSIBLE = "The store cannot be opened: the file or its folder is not accessible."
# What each of SQLite's primary result codes (the low byte of an extended code) says
# about the user's file or disk; SQLITE_FULL is told by _disk_full. Any other code is a
# fault of Duly's own.
_STORE_ERRORS: dict[int, tuple[type[StoreError], str]] = {
    sqlite3.SQLITE_BUSY: (StoreInUse, _BUSY),
    sqlite3.SQLITE_LOCKED: (StoreInUse, _BUSY),
    sqlite3.SQLITE_READONLY: (
        StoreReadOnly, "The store has become read-only, so nothing more can be recorded in it."),
    sqlite3.SQLITE_IOERR: (
        StoreError, "The disk could not be read or written. Check the drive; nothing was "
                    "recorded."),
    sqlite3.SQLITE_CORRUPT: (StoreDamaged, "The store is damaged. Restore it from a backup."),
    sqlite3.SQLITE_NOTADB: (
        StoreDamaged, "The store is damaged or is not a Duly store. Restore it from a backup."),
    sqlite3.SQLITE_CANTOPEN: (StoreReadOnly, _INACCESSIBLE),
    sqlite3.SQLITE_PERM: (StoreReadOnly, _INACCESSIBLE),
}


def translate_error(exc: BaseException, path: Path | str | None = None) -> StoreError | None:
    """The user-facing :class:`StoreError` for a failure of the user's file or disk, or
    None for a bug.

    SQLite's own result code decides, never its wording, and the whole chain of causes
    is searched: when a commit fails for lack of space SQLite rolls back by itself, and
    the error of the rollback that follows hides the real one.
    """
    if isinstance(exc, Refusal):
        return None
    if is_server_address(path) or on_server():
        known = _server_error(exc)
        # A store on a server is named by its database's name where a file's path would
        # be (Store.path, the window's): only a file given beside it is SQLite's.
        if known is not None or path is None or is_server_address(path) \
                or not Path(path).is_file():
            return known
    where = Path(path) if path is not None else _open_store_path()
    for code in sqlite_codes(exc):
        known = _store_error(code, where)
        if known is not None:
            return known
    return None


class ServerUnreachable(StoreError):
    """The server cannot be reached, or the connection to it was lost."""


class ServerRefused(StoreError):
    """The server does not let this user in."""


def _server_error(exc: BaseException) -> StoreError | None:
    """The :class:`StoreError` for a server's failure told by SQLSTATE, or None for a
    bug (see :mod:`models.server_errors`)."""
    from models.server_errors import ServerFailure, server_failure

    found = server_failure(exc)
    if found is None:
        return None
    failure, message = found
    if failure is ServerFailure.UNREACHABLE:
        _drop_lost_connection()  # the next use connects anew
        _listening.lose()  # heard of no more: the window tries again, then reads anew
    return _server_kind(failure)(None, message)


def _server_kind(failure: ServerFailure) -> type[StoreError]:
    """The :class:`StoreError` kind of a server's failure."""
    from models.server_errors import ServerFailure

    kinds: dict[ServerFailure, type[StoreError]] = {
        ServerFailure.UNREACHABLE: ServerUnreachable, ServerFailure.REFUSED: ServerRefused,
        ServerFailure.FULL: StoreFull, ServerFailure.DISK: StoreError,
        ServerFailure.DAMAGED: StoreDamaged, ServerFailure.MISSING: StoreMissing,
        ServerFailure.READ_ONLY: StoreReadOnly, ServerFailure.BUSY: StoreInUse}
    return kinds[failure]


def _store_error(code: int, path: Path | None) -> StoreError | None:
    primary = code & 0xFF
    if primary == sqlite3.SQLITE_FULL or (primary == sqlite3.SQLITE_IOERR
                                          and _short_of_space(path)):
        return _disk_full(path)
    if primary == sqlite3.SQLITE_READONLY and opened_for_reading_only():
        return _disk_full(path, when_opened=True)
    if primary not in _STORE_ERRORS:
        return None
    kind, message = _STORE_ERRORS[primary]
    if kind is StoreDamaged and path is not None:
        global _damaged
        forget_whole(path)
        _damaged = restore_advice(path)  # found damaged on the way: no more writes
        message = _damaged
    return kind(path, message)


def _disk_full(path: Path | None, *, when_opened: bool = False) -> StoreFull:
    room = _megabytes(_ROOM_TO_WRITE)
    if when_opened:
        name = path.name if path is not None else "the store"
        return StoreFull(path, f"The disk holding {_folder(path)} was full when Duly opened "
                               f"{name}, so it is open for reading only and this was not "
                               f"recorded. Free at least {room} there, then open {name} "
                               f"again. Everything recorded before is safe.")
    return StoreFull(path, f"The disk holding {_folder(path)} is full, so Duly could not "
                           f"record this. Free at least {room} there, then try again. "
                           f"Nothing was recorded, and everything recorded before is safe.")


def _short_of_space(path: Path | None) -> bool:
    return path is not None and _free_space(path) < _ROOM_TO_WRITE


def _free_space(path: Path) -> int:
    try:
        return shutil.disk_usage(path.resolve().parent).free
    except OSError:
        return _ROOM_TO_WRITE  # unknown: not taken for a full disk


def _folder(path: Path | None) -> str:
    return str(path.resolve().parent) if path is not None else "the store"


def _megabytes(size: int) -> str:
    return f"{math.ceil(size / 1_000_000):,} MB"


def open_store_file() -> Path | None:
    """The file of the open store, if one is open."""
    return _open_store_path()


def _open_store_path() -> Path | None:
    """The file the store's connections point at, if any."""
    if on_server():
        return None
    name = str(database.database or "")
    if not name or name == ":memory:":
        return None
    if name.startswith("file:"):  # opened for reading only (see _connect)
        return Path(unquote(name.removeprefix("file:").partition("?")[0]))
    return Path(name)


@contextlib.contextmanager
def known_errors(path: Path | str | None = None) -> Iterator[None]:
    """Re-raise SQLite failures of the user's environment as :class:`StoreError`."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        known = translate_error(exc, path)
        if known is None:
            raise
        raise known from exc


def run_in_store(path: Path | str, work: Callable[[], T], *, create: bool = False,
                 check_later: bool = False, alongside: bool = False) -> T:
    """Open the store, run ``work``, and close it again (for headless commands); see
    :func:`open_store` for ``check_later`` and ``alongside``."""
    store = open_store(path, create=create, check_later=check_later, alongside=alongside)
    try:
        with known_errors(path):
            return work()
    finally:
        store.close()


def close_thread_connection() -> None:
    """Close the calling thread's connection (a worker thread, when its task ends)."""
    if database.database is not None and not database.is_closed():
        database.close()


@contextlib.contextmanager
def beside(work: Callable[[], T]) -> Iterator[Future[T]]:
    """Run ``work``, a read, on a connection of its own on a thread of its own while the
    block reads on this one: SQLite, and a server's client waiting for its answer, let
    go of Python's interpreter lock, so the two reads share a computer's cores. The
    block's end waits for ``work`` (whose connection is then closed). The two reads are
    each one moment of the store, not always the same one: for a figure a later write
    changes, the caller reads again after it, as every list does. Inside a write (a
    store being moved is checked before its write ends) ``work`` runs here, first: only
    this connection sees what the write has made so far."""
    from concurrent.futures import Future, ThreadPoolExecutor  # only for reads this long

    if database.transaction_depth() > 0:
        done: Future[T] = Future()
        try:
            done.set_result(work())
        except Exception as exc:  # given to the caller by result(), as from a thread
            done.set_exception(exc)
        yield done
        return

    def on_its_own_connection() -> T:
        try:
            return work()
        finally:
            close_thread_connection()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside") as pool:
        yield pool.submit(on_its_own_connection)


def integrity_problems() -> list[str]:
    """What SQLite itself finds wrong: damaged pages, broken foreign keys (a server keeps
    its pages and enforces its foreign keys itself: nothing to look at)."""
    if on_server():
        return []
    problems = [row[0] for row in database.execute_sql("PRAGMA integrity_check").fetchall()
                if row[0] != "ok"]
    if not problems:  # the rows of damaged pages cannot be followed to their parents
        for table, rowid, parent, _ in database.execute_sql(
                "PRAGMA foreign_key_check").fetchall():
            problems.append(f"{table} row {rowid} points at a missing {parent}")
    path = _open_store_path()
    if path is not None and _cut_short(path):
        problems.append("the file is shorter than its own header says: it was cut short")
    if path is not None and problems:
        forget_whole(path)
    return problems
