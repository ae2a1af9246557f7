"""Every table of the store as stored, for an export that never locks the data in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import peewee as pw

from models.db import database
from models.schema import ALL_TABLES


@dataclass(frozen=True)
class StoredTable:
    """One table of the store: its name, its columns in order, which of them hold files
    (bytes), and which is its key."""

    name: str
    columns: tuple[str, ...]
    files: frozenset[int]
    key: int


def stored_tables() -> list[StoredTable]:
    """The store's tables, in the order they are created."""
    tables = []
    for model in ALL_TABLES:
        fields = model._meta.sorted_fields
        tables.append(StoredTable(
            model._meta.table_name, tuple(f.column_name for f in fields),
            frozenset(i for i, f in enumerate(fields) if isinstance(f, pw.BlobField)),
            fields.index(model._meta.primary_key)))
    return tables


def stored_rows(table: StoredTable) -> Iterator[tuple[object, ...]]:
    """``table``'s rows by their key, each value as the store keeps it (no conversion:
    money in minor units, days as ISO text, files as bytes); call inside a read."""
    model = next(m for m in ALL_TABLES if m._meta.table_name == table.name)
    fields = model._meta.sorted_fields
    for row in database.execute(model.select(*fields).order_by(model._meta.primary_key)):
        yield tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
