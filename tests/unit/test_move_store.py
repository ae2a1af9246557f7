"""Moving a store to a PostgreSQL server and back to a file (``duly move-store``): every
row the same on both sides, ``check`` clean on both, nothing left by a refused or
broken move (a throwaway cluster, tests/postgres_server.py)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

import main
from models import db
from models.check import check_store
from models.contacts import search_notes
from models.migrations import LATEST_VERSION, MIGRATIONS, _v23_room_for_money_and_words
from models.move_store import move_store
from models.schema import (
    ALL_TABLES,
    SQLITE,
    Business,
    Customer,
    DisputeCase,
    DisputeNote,
    Interaction,
    database,
)
from tests.helpers import undo_room_for_money_and_words
from tests.unit.ledger_helpers import customer

LOGO = bytes(range(256)) * 40  # every byte value, as a picture holds them



@pytest.fixture
def demo_with_files(demo_file: Path) -> Path:
    """The demo company's store, with a logo and a file kept with a dispute's note."""
    store = db.open_store(demo_file)
    try:
        with db.writing():
            Business.update(logo=LOGO, logo_type="image/png").execute()
            DisputeNote.create(case=DisputeCase.select().first(),
                               written_at=dt.datetime(2026, 11, 20, 9, 30, 0, 250000),
                               text="Signed delivery note", file=LOGO[::-1],
                               file_name="delivery note.pdf", file_type="application/pdf",
                               file_size=len(LOGO))
    finally:
        store.close()
    return demo_file


def _everything(location: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the store at ``location``, by id, as Duly reads it."""
    store = db.open_store(location)
    try:
        return {model._meta.table_name: list(model.select().order_by(
            model._meta.primary_key).tuples()) for model in ALL_TABLES}
    finally:
        store.close()


def _tables(url: str) -> list[str]:
    with psycopg.connect(url, autocommit=True) as connection:
        return [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]


def _checked(location: Path | str) -> list[Any]:
    return db.run_in_store(location, check_store)


def test_a_store_moves_to_a_server_and_back_with_every_row_the_same(
        demo_with_files: Path, new_database: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = _everything(demo_with_files)
    assert before["dispute_note"] and before["interaction"] and before["kept_month_total"]

    assert main.main(["--db", str(demo_with_files), "move-store", "--to", new_database]) == 0
    said = capsys.readouterr().out
    rows = sum(len(table) for table in before.values())
    assert f"Moved {rows:,} rows in {len(ALL_TABLES)} tables; counts agree; check clean " \
           f"on both." in said
    assert database.obj is SQLITE  # both closed: the next store opened is a file again
    on_server = _everything(new_database)
    # The person moving the store keeps their user there, under their server login.
    assert [row[2] for row in on_server.pop("store_user")] == ["postgres"]
    changed = on_server["audit_entry"].pop()  # and the change of login is audited
    assert changed[3:5] == ("change user login", "store_user")
    assert on_server == {table: rows for table, rows in before.items() if table != "store_user"}
    assert _checked(new_database) == []

    back = tmp_path / "back" / "moved back.sqlite"
    moved = move_store(new_database, back)
    assert (moved.total_rows, len(moved.rows)) == (rows + 1, len(ALL_TABLES))
    home = _everything(back)
    assert [entry[3] for entry in home["audit_entry"][-2:]] == ["change user login"] * 2
    assert {**home, "audit_entry": home["audit_entry"][:-2]} == before
    assert _checked(back) == []
    assert _everything(demo_with_files) == before  # the source is left as it was


def test_a_store_on_a_server_goes_on_after_the_ids_it_was_moved_with(
        demo_file: Path, new_database: str) -> None:
    move_store(demo_file, new_database)
    store = db.open_store(new_database)
    try:
        highest = Customer.select(Customer.id).order_by(Customer.id.desc()).scalar()
        assert customer("New Ltd") == highest + 1
        note = Interaction.select().where(Interaction.summary != "").order_by(
            Interaction.id.desc()).get()
        word = max((w for w in note.summary.split() if w.isalpha()), key=len)
        assert note.id in [hit.contact_id for hit in search_notes(word, limit=1000)]
        assert check_store() == []
    finally:
        store.close()


def test_a_database_already_holding_tables_is_refused_and_left_untouched(
        demo_file: Path, new_database: str) -> None:
    with psycopg.connect(new_database, autocommit=True) as connection:
        connection.execute("CREATE TABLE ledger (id integer)")
        connection.execute("INSERT INTO ledger VALUES (7)")

    with pytest.raises(db.StoreError, match="not empty"):
        move_store(demo_file, new_database)

    assert _tables(new_database) == ["ledger"]
    with psycopg.connect(new_database, autocommit=True) as connection:
        assert connection.execute("SELECT id FROM ledger").fetchall() == [(7,)]


def test_an_existing_file_is_refused_and_left_untouched(
        demo_file: Path, new_database: str, tmp_path: Path) -> None:
    move_store(demo_file, new_database)
    there = tmp_path / "taken.sqlite"
    there.write_bytes(b"someone's notes")

    with pytest.raises(db.StoreExists, match="already exists"):
        move_store(new_database, there)

    assert there.read_bytes() == b"someone's notes"


def test_a_row_the_server_refuses_undoes_the_whole_move(
        demo_file: Path, new_database: str) -> None:
    # SQLite keeps a country code of any length; the server holds it to two letters, so
    # the move fails on the customers' table, after the tables before it were written.
    store = db.open_store(demo_file)
    try:
        with db.writing():
            Customer.update(country="GBR").where(Customer.id == 3).execute()
    finally:
        store.close()

    with pytest.raises(Exception, match="too long"):
        move_store(demo_file, new_database)

    assert _tables(new_database) == []
    assert database.obj is SQLITE


def test_a_move_to_a_file_cut_short_leaves_no_file(
        demo_file: Path, new_database: str, tmp_path: Path) -> None:
    move_store(demo_file, new_database)
    folder = tmp_path / "moved"
    folder.mkdir()

    def stop_half_way(done: int, total: int) -> None:
        if done > total // 2:
            raise KeyboardInterrupt("the user stopped it")

    with pytest.raises(KeyboardInterrupt):
        move_store(new_database, folder / "moved.sqlite", stop_half_way)

    assert list(folder.iterdir()) == []
    assert _checked(new_database) == []  # the source is as it was


def test_a_move_to_a_server_cut_short_leaves_the_database_empty(
        demo_file: Path, new_database: str) -> None:
    seen: list[int] = []

    def stop_half_way(done: int, total: int) -> None:
        seen.append(done)
        if done > total // 2:
            raise KeyboardInterrupt("the user stopped it")

    with pytest.raises(KeyboardInterrupt):
        move_store(demo_file, new_database, stop_half_way)

    assert len(seen) > 2 and _tables(new_database) == []


def test_a_store_moves_only_between_a_file_and_a_server(demo_file: Path,
                                                      tmp_path: Path) -> None:
    with pytest.raises(db.StoreError, match="from its file to a server"):
        move_store(demo_file, tmp_path / "copy.sqlite")
    assert not (tmp_path / "copy.sqlite").exists()


def test_a_store_check_finds_problems_in_does_not_move(demo_file: Path,
                                                       new_database: str) -> None:
    store = db.open_store(demo_file)
    try:
        with db.writing():
            database.execute_sql('UPDATE "invoice" SET "open_minor" = "open_minor" + 1 '
                                 'WHERE "id" = 1')
    finally:
        store.close()

    with pytest.raises(db.StoreError, match="problem"):
        move_store(demo_file, new_database)
    assert _tables(new_database) == []


def test_days_and_times_move_as_they_are(demo_file: Path, new_database: str) -> None:
    store = db.open_store(demo_file)
    try:
        with db.writing():
            Customer.update(created_at=dt.datetime(2026, 2, 28, 23, 59, 59, 123456)).where(
                Customer.id == 2).execute()
    finally:
        store.close()
    move_store(demo_file, new_database)
    store = db.open_store(new_database)
    try:
        assert Customer.get_by_id(2).created_at == dt.datetime(2026, 2, 28, 23, 59, 59, 123456)
    finally:
        store.close()


def test_an_older_store_file_is_updated_first_and_moves_at_the_latest_version(
        demo_file: Path, new_database: str) -> None:
    older = next(v for v, step in MIGRATIONS.items()
                 if step is _v23_room_for_money_and_words) - 1
    with sqlite3.connect(demo_file) as connection:
        undo_room_for_money_and_words(connection)
        connection.execute(f"PRAGMA user_version = {older}")
    connection.close()

    move_store(demo_file, new_database)

    assert list(demo_file.parent.glob(f"{demo_file.stem}.before-v{older + 1}.*.sqlite"))
    for location in (demo_file, new_database):
        store = db.open_store(location)
        try:
            assert (store.schema_version, store.migrated_from) == (LATEST_VERSION, None)
        finally:
            store.close()


def test_a_server_that_cannot_be_reached_is_told_before_anything_is_read(
        demo_file: Path, closed_port: int) -> None:
    before = demo_file.read_bytes()

    with pytest.raises(db.ServerUnreachable, match="cannot be reached"):
        move_store(demo_file, f"postgresql://duly@127.0.0.1:{closed_port}/duly")

    assert demo_file.read_bytes() == before
    assert database.obj is SQLITE
