"""The thank-you contacts have their own index (store v28): a store from before migrates
to a new store's shape, on a file and on a server, and Today's list does not change with
it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from models import db
from models.migrations import MIGRATIONS, _v28_thanks_contacts_index
from models.today import worklist
from tests.conftest import DEMO_TODAY
from tests.helpers import schema_of, undo_thanks_contacts_index


def _has_thanks_index(target: Path | str) -> bool:
    if isinstance(target, Path):
        with sqlite3.connect(target) as connection:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'interaction_thanks'").fetchone()
        connection.close()
        return found is not None
    with psycopg.connect(str(target), autocommit=True) as server:
        found = server.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = 'interaction_thanks'").fetchone()
    return found is not None


def test_a_store_from_before_migrates_and_lists_as_it_did(
        demo_store: db.Store, store_target: Path | str, store_engine: str,
        tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v28_thanks_contacts_index)
    items = repr(worklist(DEMO_TODAY))
    demo_store.close()
    if store_engine == "sqlite":
        with sqlite3.connect(store_target) as connection:
            undo_thanks_contacts_index(connection)
            connection.execute(f"PRAGMA user_version = {version - 1}")
        connection.close()
    else:
        with psycopg.connect(str(store_target), autocommit=True) as server:
            undo_thanks_contacts_index(server)  # type: ignore[arg-type]
            server.execute(f"UPDATE duly_store SET schema_version = {version - 1}")
    assert not _has_thanks_index(store_target)

    store = db.open_store(store_target)
    try:
        assert store.migrated_from == version - 1
        assert repr(worklist(DEMO_TODAY)) == items
    finally:
        store.close()
    assert _has_thanks_index(store_target)
    if store_engine == "sqlite":
        new = tmp_path / "new.sqlite"
        db.open_store(new, create=True).close()
        assert schema_of(Path(store_target)) == schema_of(new)
