"""The open invoices' index holds each one's late start (store v27): a store from before
migrates to a new store's shape, on a file and on a server, and the follow-up plan's
answer does not change with it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from models import db
from models.followup import follow_up_plan
from models.migrations import MIGRATIONS, _v27_late_start_in_open_invoices_index
from tests.conftest import DEMO_TODAY
from tests.helpers import schema_of, undo_late_start_in_open_invoices_index


def _open_invoices_index(target: Path | str) -> str:
    if isinstance(target, Path):
        with sqlite3.connect(target) as connection:
            (sql,) = connection.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'invoice_open'").fetchone()
        connection.close()
        return str(sql)
    with psycopg.connect(str(target), autocommit=True) as server:
        (sql,) = server.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'invoice_open'").fetchone()
    return str(sql)


def test_a_store_from_before_migrates_and_plans_as_it_did(
        demo_store: db.Store, store_target: Path | str, store_engine: str,
        tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items()
                   if step is _v27_late_start_in_open_invoices_index)
    plan = repr(follow_up_plan(DEMO_TODAY))
    demo_store.close()
    if store_engine == "sqlite":
        with sqlite3.connect(store_target) as connection:
            undo_late_start_in_open_invoices_index(connection)
            connection.execute(f"PRAGMA user_version = {version - 1}")
        connection.close()
    else:
        with psycopg.connect(str(store_target), autocommit=True) as server:
            undo_late_start_in_open_invoices_index(server)  # type: ignore[arg-type]
            server.execute(f"UPDATE duly_store SET schema_version = {version - 1}")
    assert "chase_from" not in _open_invoices_index(store_target)

    store = db.open_store(store_target)
    try:
        assert store.migrated_from == version - 1
        assert repr(follow_up_plan(DEMO_TODAY)) == plan
    finally:
        store.close()
    assert "chase_from" in _open_invoices_index(store_target)
    if store_engine == "sqlite":
        new = tmp_path / "new.sqlite"
        db.open_store(new, create=True).close()
        assert schema_of(Path(store_target)) == schema_of(new)
