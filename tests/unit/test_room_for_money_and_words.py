"""Money columns hold amounts of a billion and more and every word has room in its
column on both engines; a store from before migrates to a new store's shape."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from models import db
from models.migrations import _V23_SERVER_TRIGGERS, MIGRATIONS, _v23_room_for_money_and_words
from models.month_totals import SERVER_MONTH_TOTAL_TRIGGERS
from tests.helpers import schema_of, undo_room_for_money_and_words


def test_a_store_before_room_for_money_and_words_migrates_to_a_new_stores_shape(
        tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items()
                   if step is _v23_room_for_money_and_words)
    path = tmp_path / "before.sqlite"
    db.open_store(path, create=True).close()
    with sqlite3.connect(path) as connection:
        undo_room_for_money_and_words(connection)
        connection.execute(f"PRAGMA user_version = {version - 1}")
    connection.close()
    new = tmp_path / "new.sqlite"
    db.open_store(new, create=True).close()
    assert schema_of(path) != schema_of(new)

    store = db.open_store(path)
    try:
        assert store.migrated_from == version - 1
    finally:
        store.close()
    assert schema_of(path) == schema_of(new)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()


def test_the_migration_makes_the_month_totals_triggers_again_as_a_new_store_has_them() -> None:
    assert set(_V23_SERVER_TRIGGERS) <= set(SERVER_MONTH_TOTAL_TRIGGERS)
