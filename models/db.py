"""The store: one SQLite file per business, opened safely or not at all.

This module owns the connection, its pragmas, the schema version, migrations
and their backups, and the split between errors of the user's environment
(:class:`StoreError`, shown to the user in plain words) and our own bugs.
A file that is not a Duly store, is newer than this program, is read-only or
is open in another running Duly is refused and never touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import filelock
import peewee as pw

from models.errors import Refusal
from models.note_search import create_note_search
from models.schema import ALL_TABLES, DecimalTextField, database

APPLICATION_ID = 0x44554C59  # "DULY" in the SQLite header, offset 68
SQLITE_MAGIC = b"SQLite format 3\x00"
STORE_FILE_NAME = "duly.sqlite"
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


@dataclass
class Store:
    """An open store: its path, schema version and the lock that keeps it ours."""

    path: Path
    schema_version: int
    migrated_from: int | None = None
    backup_path: Path | None = None
    _lock: filelock.BaseFileLock | None = field(default=None, repr=False)

    def close(self) -> None:
        """Close this thread's connection and let other programs open the file."""
        if not database.is_closed():
            database.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def default_store_path() -> Path:
    """The user's own store, in the platform's user data folder."""
    import platformdirs  # only the window's first start needs it

    return platformdirs.user_data_path("Duly", appauthor=False) / STORE_FILE_NAME


def default_demo_path() -> Path:
    """Where the demo company lives, beside (never inside) the user's own store."""
    return default_store_path().with_name("demo.sqlite")


def reading() -> pw._atomic:
    """A read transaction: one consistent view of the store, taking no write lock."""
    return database.atomic("DEFERRED")


def writing() -> pw._atomic:
    """A write transaction that takes the write lock at once (BEGIN IMMEDIATE)."""
    return database.atomic("IMMEDIATE")


def one_of(field: pw.Field, values: Iterable[object]) -> pw.Expression:
    """``field IN (values)`` for a list of any length, bound as one JSON parameter: no
    limit on bound values, and the SQL is not built again for every value."""
    return field.in_(pw.SQL("(SELECT value FROM json_each(?))", [json.dumps(list(values))]))


def json_object(values: Mapping[str, pw.Node]) -> pw.Node:
    """A JSON object built by the store from the given columns, keys sorted (as
    :func:`models.audit.as_json` writes them): for rows written in bulk, whose JSON is
    then made without a round trip through Python."""
    return pw.fn.json_object(*(part for key in sorted(values) for part in (key, values[key])))


def insert_rows(model: type[pw.Model], names: Sequence[str],
                rows: Iterable[tuple[Any, ...]], same: Mapping[str, Any] | None = None
                ) -> None:
    """Insert many rows of ``model`` with one prepared statement (inside a write): what
    peewee's ``insert_many`` does, without building the SQL again for every row. Each
    row gives the values of the fields ``names``, in that order; ``same`` gives values
    the same for every row (converted once), and the other fields take their defaults.
    Values go through their fields' own conversions."""
    meta = model._meta
    constant = {**{f.name: f.default() if callable(f.default) else f.default
                   for f in meta.sorted_fields
                   if f.name not in names and not f.primary_key}, **(same or {})}
    fields = [meta.fields[name] for name in (*names, *constant)]
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    marks = ", ".join("?" for _ in fields)
    sql = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks})'
    fixed = tuple(_as_stored(meta.fields[name].db_value(value))
                  for name, value in constant.items())
    # Only exact decimals need their field's conversion; ints, text, days and times go to
    # SQLite as they are (its adapters below write days and times in ISO form).
    convert = [(i, field.db_value) for i, field in enumerate(fields[:len(names)])
               if isinstance(field, DecimalTextField)]

    def values(row: tuple[Any, ...]) -> tuple[Any, ...]:
        cells = list(row)
        for i, db_value in convert:
            cells[i] = db_value(cells[i])
        return (*cells, *fixed)

    if convert:
        rows = map(values, rows)
    elif fixed:
        rows = (row + fixed for row in rows)
    database.connection().executemany(sql, rows)


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


def open_store(path: Path | str, *, create: bool = False) -> Store:
    """Open the store at ``path``, migrating it if it is older than this program.

    With ``create`` a missing file becomes a new, empty store. Raises a
    :class:`StoreError` subclass, leaving the file untouched, when the file
    cannot be used.
    """
    from models.migrations import LATEST_VERSION

    path = Path(path).expanduser().absolute()
    if not path.exists():
        if not create:
            raise StoreMissing(path, f"There is no Duly store at {path}.")
        return create_store(path)
    _refuse_unusable_file(path, LATEST_VERSION)
    lock = _lock_or_refuse(path)
    try:
        database.init(str(path), pragmas=PRAGMAS, timeout=5)
        with known_errors(path):
            version = database.user_version
            _refuse_newer(path, version, LATEST_VERSION)
            store = Store(path=path, schema_version=version, _lock=lock)
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


def create_store(path: Path | str, fill: Callable[[], object] | None = None) -> Store:
    """Create a new store at ``path``, filled by ``fill``, and return it open.

    The store is built and filled under a hidden temporary name and moved into
    place only when whole, so a Duly killed or failing half-way leaves nothing
    where the user would open it. An existing file is never replaced.
    """
    from models.migrations import LATEST_VERSION

    path = Path(path).expanduser().absolute()
    _refuse_existing(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreReadOnly(path, f"Duly cannot create the folder {path.parent}: "
                                  f"{exc.strerror}.") from exc
    lock = _lock_or_refuse(path)
    try:
        _refuse_existing(path)  # another Duly may have made it before our lock
        _build_new_store(path, LATEST_VERSION, fill)
        database.init(str(path), pragmas=PRAGMAS, timeout=5)
        return Store(path=path, schema_version=LATEST_VERSION, _lock=lock)
    except BaseException:
        if not database.is_closed():
            database.close()
        if not path.exists():  # leave no trace of a store that was never made
            Path(lock.lock_file).unlink(missing_ok=True)
        lock.release()
        raise


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise StoreExists(path, f"{path.name} already exists. Duly never replaces a store; "
                                f"choose another file name.")


def _build_new_store(path: Path, version: int, fill: Callable[[], object] | None) -> None:
    # Hidden and per process: two Dulys building at once never share a file.
    partial = path.with_name(f".{path.name}.{os.getpid()}.new")
    _remove_store_files(partial)  # ours, from a build that was cut short
    database.init(str(partial), pragmas=PRAGMAS, timeout=5)
    try:
        with known_errors(path):
            database.application_id = APPLICATION_ID
            with writing():
                database.create_tables(ALL_TABLES)
                create_note_search()
                database.user_version = version
            if fill is not None:
                fill()
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
        _move_into_place(partial, path)
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
    _sync_folder(path.parent)


def _remove_store_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _refuse_unusable_file(path: Path, latest: int) -> None:
    """Look at the file without opening it in SQLite; refuse what is not ours."""
    if not path.is_file():
        raise NotADulyStore(path, f"{path} is a folder, not a Duly store.")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StoreReadOnly(path, f"Duly cannot read {path.name}: {exc.strerror}.") from exc
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotADulyStore(path, f"{path.name} is not a Duly store. Choose a file "
                                  f"that Duly created (usually ending in .sqlite).")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise NotADulyStore(path, f"{path.name} is a database of another program, "
                                  f"not a Duly store. Duly has left it untouched.")
    _refuse_newer(path, int.from_bytes(header[60:64], "big"), latest)
    if not _writable(path) or not _writable(path.parent):
        raise StoreReadOnly(path, f"{path.name} is read-only, so Duly cannot record "
                                  f"anything in it. Copy it to a folder you can write "
                                  f"to, or make it writable, and open it again.")


def _writable(path: Path) -> bool:
    # Root may write anything; still honour a file the user marked read-only.
    mode = path.stat().st_mode
    return os.access(path, os.W_OK) and bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _refuse_newer(path: Path, version: int, latest: int) -> None:
    if version > latest:
        raise StoreTooNew(path, f"{path.name} was saved by a newer version of Duly "
                                f"(store version {version}; this program reads up "
                                f"to {latest}). Update Duly to open it.")


def _lock_or_refuse(path: Path) -> filelock.BaseFileLock:
    lock = filelock.FileLock(f"{path}.lock", thread_local=False)
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout as exc:
        raise StoreInUse(path, f"{path.name} is already open in another Duly window. "
                               f"Close it there first.") from exc
    except OSError as exc:
        raise StoreReadOnly(path, f"Duly cannot lock {path.name}: {exc.strerror}.") from exc
    return lock


def _migrate(store: Store, latest: int) -> None:
    from models.migrations import MIGRATIONS

    store.migrated_from = store.schema_version
    store.backup_path = backup_store(_backup_name(store.path, store.schema_version))
    for version in range(store.schema_version + 1, latest + 1):
        with writing():
            MIGRATIONS[version](database)
            database.user_version = version
        store.schema_version = version


def _backup_name(path: Path, version: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.before-v{version + 1}.{stamp}.sqlite")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}.before-v{version + 1}.{stamp}-{n}.sqlite")
    return candidate


def backup_store(target: Path) -> Path:
    """Copy the open store to ``target`` through SQLite's online backup API."""
    source = database.connection()
    destination = sqlite3.connect(str(target))
    try:
        source.backup(destination)
    finally:
        destination.close()
    return target


_KNOWN_SQLITE_ERRORS: tuple[tuple[str, type[StoreError], str], ...] = (
    ("database is locked", StoreInUse,
     "The store is busy: another program is writing to it. Try again in a moment."),
    ("readonly database", StoreReadOnly,
     "The store has become read-only, so nothing more can be recorded in it."),
    ("disk is full", StoreError,
     "The disk is full. Free some space; nothing was recorded."),
    ("disk i/o error", StoreError,
     "The disk could not be read or written. Check the drive; nothing was recorded."),
    ("malformed", StoreDamaged,
     "The store is damaged. Restore it from a backup."),
    ("file is not a database", StoreDamaged,
     "The store is damaged or is not a Duly store. Restore it from a backup."),
    ("unable to open database file", StoreReadOnly,
     "The store cannot be opened: the file or its folder is not accessible."),
)


def translate_error(exc: BaseException, path: Path | str | None = None) -> StoreError | None:
    """The user-facing :class:`StoreError` for a SQLite failure, or None for a bug."""
    if not isinstance(exc, (pw.OperationalError, pw.DatabaseError, sqlite3.Error)):
        return None
    text = str(exc).lower()
    for needle, kind, message in _KNOWN_SQLITE_ERRORS:
        if needle in text:
            return kind(path, message)
    return None


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


def run_in_store(path: Path | str, work: Callable[[], T], *, create: bool = False) -> T:
    """Open the store, run ``work``, and close it again (for headless commands)."""
    store = open_store(path, create=create)
    try:
        with known_errors(path):
            return work()
    finally:
        store.close()


def close_thread_connection() -> None:
    """Close the calling thread's connection (a worker thread, when its task ends)."""
    if database.database is not None and not database.is_closed():
        database.close()


def integrity_problems() -> list[str]:
    """What SQLite itself finds wrong: damaged pages, broken foreign keys."""
    problems = [row[0] for row in database.execute_sql("PRAGMA integrity_check").fetchall()
                if row[0] != "ok"]
    for table, rowid, parent, _ in database.execute_sql("PRAGMA foreign_key_check").fetchall():
        problems.append(f"{table} row {rowid} points at a missing {parent}")
    return problems
