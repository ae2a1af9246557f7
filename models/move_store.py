"""Moving a store from its file to a PostgreSQL server, and from a server back to a file.

Every row of every table moves exactly as it is, ids and all (on a server the id
sequences are then moved past them), with its blobs, days, times and money. The source
is opened as any command opens it, so an older store is first updated to this
program's version (a file keeping its copy as it was, as ever): both sides are then at
the same schema version. ``check`` must find the source sound before anything moves.

The target must be empty: a new file, or a server database without tables. It is made
as a new store is (:func:`models.db.create_store`), so a move cut short leaves nothing:
on a server everything is one transaction, a file is built under a hidden name and put
in place whole. Its rows are written first and the figures a store keeps by triggers
after: the month totals move with the rows (``check`` then proves them against the
invoices and allocations) and their triggers are installed once the rows are in; the
notes' search index is built on the target from the notes. Before the target is kept,
its row count in every table is compared with the source's, read in the same
transaction as the rows, and ``check`` runs on it; either failing undoes the move.
docs/decisions.md, "Moving a store to a server and back", says why it is done so.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import peewee as pw

from models import db, users
from models.check import check_store
from models.kept_figures import keep_kept_figures
from models.schema import ALL_TABLES, SQLITE, database, on_server

Progress = Callable[[int, int], None]

# Rows read and written at a time: big enough that the per-batch cost disappears, small
# enough to hold in memory whatever a row carries (a dispute note's file, say).
_BATCH = 2000
# The order tables are written in: every table after those its rows point at.
_IN_ORDER: tuple[type[pw.Model], ...] = tuple(pw.sort_models(ALL_TABLES))
_Write = Callable[[list[tuple[Any, ...]]], None]


@dataclass(frozen=True)
class MovedStore:
    """A finished move: where from, where to, and the rows of each table (the same count
    on both sides, in the order moved)."""

    source: str
    target: str
    rows: tuple[tuple[str, int], ...]
    seconds: float

    @property
    def total_rows(self) -> int:
        """How many rows moved, in all tables."""
        return sum(count for _table, count in self.rows)

    def summary(self) -> str:
        """What the move did, in one sentence."""
        return (f"Moved {self.total_rows:,} rows in {len(self.rows)} tables; counts agree; "
                f"check clean on both.")


def move_store(source: Path | str, target: Path | str,
               progress: Progress | None = None) -> MovedStore:
    """Move the store at ``source`` (a file, or ``postgresql://…``) to ``target`` (a
    server's empty database, or a new file), leaving the source as it is. ``progress``
    is told (rows moved, rows in all) as the rows move; an exception it raises stops the
    move, leaving no target. Raises a :class:`models.db.StoreError` in words when the
    move cannot be made (the same kind on both sides, a target that is not empty, a
    source ``check`` finds problems in), and also when the target does not come out
    whole, which is then undone."""
    _refuse_same_kind(source, target)
    _refuse_used_target(target)
    started = time.monotonic()
    tell = progress or (lambda _done, _total: None)
    store = db.open_store(source)  # an older store is updated first, as any opening does
    kept_open: db.Store | None = store
    mover = users.current_login()
    try:
        with db.known_errors(source):
            _refuse_problems(check_store(), f"{_name(source)} before it moves",
                             "Nothing was moved. Run 'duly check' on it and put them "
                             "right first.")
        rows: _SourceRows
        if store.server is not None:
            engine = database.obj
            store.close()  # its reads go on through its own engine; nothing to lock
            kept_open = None
            with db.known_errors(source):
                rows = _ServerRows(engine)
        else:
            rows = _FileRows(SQLITE)  # the file stays locked by this Duly while it moves
        try:
            with db.known_errors(source):
                counts = rows.counts()
            moved: list[tuple[str, int]] = []

            def fill() -> None:
                moved.extend(_fill(rows, counts, tell))
                users.carry_over(mover)
                _refuse_problems(check_store(), f"{_name(target)} once moved",
                                 f"The move is undone: {_name(source)} is as it was, "
                                 f"and nothing is kept at {_name(target)}.")

            db.create_store(target, fill, bare=True).close()
        finally:
            rows.close()
    finally:
        if kept_open is not None:
            kept_open.close()
    return MovedStore(source=_name(source), target=_name(target), rows=tuple(moved),
                      seconds=time.monotonic() - started)


def _refuse_used_target(target: Path | str) -> None:
    """Refuse at once a target that is not empty (told again as it is made: it may
    change meanwhile), and a server that cannot be reached, before the source's check."""
    if not db.is_server_address(target):
        if Path(target).expanduser().exists():
            name = Path(target).name
            raise db.StoreExists(Path(target), f"{name} already exists. Duly moves a store "
                                               f"only into a new file; choose another file "
                                               f"name.")
        return
    from models.server_password import password_for
    from models.server_store import ServerContents, parse_address

    try:
        address = parse_address(str(target))
    except ValueError as exc:
        raise db.StoreMissing(None, str(exc)) from exc
    try:  # a server out of reach, or refusing, is told in words with the field at fault
        empty = db.look_at_server(address, password_for(address)) is ServerContents.EMPTY
    except db.NotADulyStore:
        empty = False
    if not empty:
        raise db.StoreExists(None, f"The database {address.name} is not empty. Duly moves a "
                                   f"store only into an empty database; choose or make one.")


def _refuse_same_kind(source: Path | str, target: Path | str) -> None:
    if db.is_server_address(source) == db.is_server_address(target):
        where = "server" if db.is_server_address(source) else "file"
        raise db.StoreError(None, f"A store moves from its file to a server, or from a "
                                  f"server to a file; both are a {where} here. To copy a "
                                  f"store file, back it up (File › Back Up Now…).")


def _refuse_problems(problems: Sequence[object], where: str, then: str) -> None:
    if problems:
        listed = "; ".join(str(problem) for problem in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise db.StoreError(None, f"'check' finds {len(problems)} problem(s) in {where}: "
                                  f"{listed}{more}. {then}")


def _name(location: Path | str) -> str:
    if db.is_server_address(location):
        from models.server_store import parse_address
        return parse_address(str(location)).name
    return str(Path(location).expanduser())


def _fill(rows: _SourceRows, counts: dict[str, int], tell: Progress) -> list[tuple[str, int]]:
    """Write every table's rows into the new (bare) store open as ``database``, then its
    kept figures; compare its counts with the source's. Returns (table, rows) in order."""
    total, done = sum(counts.values()), 0
    tell(0, total)
    server = on_server()
    if not server:
        # The file is a hidden one no one else sees until it is whole: no sync per
        # transaction while it fills; FULL again before its last checkpoint.
        database.execute_sql("PRAGMA synchronous = OFF")
    with database.atomic():
        if not server:
            database.execute_sql("PRAGMA defer_foreign_keys = ON")  # a plan replacing a later one
        for model in _IN_ORDER:
            columns = _columns(model)
            into = _copy_into if server else _insert_into
            with into(model, columns) as write:
                for batch in rows.batches(model, columns):
                    write(batch)
                    done += len(batch)
                    tell(done, total)
            if server and isinstance(model._meta.primary_key, pw.AutoField):
                db.ids_written(model)
        keep_kept_figures()
        if server:  # the planner's statistics of tables just filled: check's plans need them
            database.execute_sql("ANALYZE")
        differ = [f"{table}: {counts[table]:,} in the source, {found:,} moved"
                  for table, found in _counts(database.execute_sql).items()
                  if found != counts[table]]
        if differ:
            raise db.StoreError(None, f"The rows moved do not add up ({'; '.join(differ)}), "
                                      f"so the move is undone. Nothing was changed.")
    if not server:
        database.execute_sql("PRAGMA synchronous = FULL")
    return [(model._meta.table_name, counts[model._meta.table_name]) for model in _IN_ORDER]


def _columns(model: type[pw.Model]) -> list[str]:
    return [field.column_name for field in model._meta.sorted_fields]


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


@contextlib.contextmanager
def _copy_into(model: type[pw.Model], columns: Sequence[str]) -> Iterator[_Write]:
    """Rows into a table on a server through one COPY (the fastest way in): each value
    in its text form, which the server reads by its column's type (an SQLite file's
    days, times and 0/1 flags are already in forms it reads)."""
    statement = f'COPY "{model._meta.table_name}" ({_quoted(columns)}) FROM STDIN'
    with pw.__exception_wrapper__, database.cursor() as cursor, \
            cursor.copy(statement) as copy:

        def write(batch: list[tuple[Any, ...]]) -> None:
            for row in batch:
                copy.write_row(row)

        yield write


@contextlib.contextmanager
def _insert_into(model: type[pw.Model], columns: Sequence[str]) -> Iterator[_Write]:
    """Rows into a table of a file, one prepared INSERT (a server's days and times go in
    as the ISO text peewee reads, through models.db's adapters; its flags as 0 and 1)."""
    marks = ", ".join("?" for _ in columns)
    statement = f'INSERT INTO "{model._meta.table_name}" ({_quoted(columns)}) VALUES ({marks})'
    connection = database.connection()

    def write(batch: list[tuple[Any, ...]]) -> None:
        connection.executemany(statement, batch)

    yield write


def _counts(execute: Callable[[str], Any]) -> dict[str, int]:
    """Every table's row count, through ``execute``."""
    return {model._meta.table_name: int(execute(
        f'SELECT COUNT(*) FROM "{model._meta.table_name}"').fetchone()[0])
        for model in _IN_ORDER}


class _SourceRows(Protocol):
    """The source store's rows, all read in one transaction: one moment of the store."""

    def counts(self) -> dict[str, int]:
        """Every table's row count."""

    def batches(self, model: type[pw.Model], columns: Sequence[str]
                ) -> Iterator[list[tuple[Any, ...]]]:
        """The table's rows (their ``columns``) by id, a batch at a time."""

    def close(self) -> None:
        """End the read."""


class _FileRows:
    """A store file's rows, through the connection this Duly opened it with (the store's
    engine points at the target meanwhile)."""

    def __init__(self, engine: pw.SqliteDatabase) -> None:
        self._connection = engine.connection()
        self._connection.execute("BEGIN DEFERRED")

    def counts(self) -> dict[str, int]:
        """Every table's row count."""
        return _counts(self._connection.execute)

    def batches(self, model: type[pw.Model], columns: Sequence[str]
                ) -> Iterator[list[tuple[Any, ...]]]:
        """The table's rows by id, a batch at a time."""
        cursor = self._connection.execute(
            f'SELECT {_quoted(columns)} FROM "{model._meta.table_name}" '
            f'ORDER BY "{model._meta.primary_key.column_name}"')
        while batch := cursor.fetchmany(_BATCH):
            yield batch

    def close(self) -> None:
        """End the read."""
        if self._connection.in_transaction:
            self._connection.execute("ROLLBACK")


class _ServerRows:
    """A server store's rows, through a connection of its own (the store's engine points
    at the target file meanwhile), in one REPEATABLE READ transaction: others may go on
    writing on the server, and the move is the store at one moment."""

    def __init__(self, engine: pw.PostgresqlDatabase) -> None:
        self._engine = engine
        self._connection = engine.connection()
        with pw.__exception_wrapper__:
            self._connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def counts(self) -> dict[str, int]:
        """Every table's row count."""
        with pw.__exception_wrapper__:
            return _counts(self._connection.execute)

    def batches(self, model: type[pw.Model], columns: Sequence[str]
                ) -> Iterator[list[tuple[Any, ...]]]:
        """The table's rows by id, a batch at a time (a cursor on the server: the table
        is never all in memory)."""
        with pw.__exception_wrapper__, \
                self._connection.cursor(name="duly_move") as cursor:
            cursor.execute(f'SELECT {_quoted(columns)} FROM "{model._meta.table_name}" '
                           f'ORDER BY "{model._meta.primary_key.column_name}"')
            while batch := cursor.fetchmany(_BATCH):
                yield batch

    def close(self) -> None:
        """End the read and close the connection."""
        self._engine.close()
