"""A store on a PostgreSQL server: made, opened, refused and updated as a file is, its
failures told apart by SQLSTATE (a throwaway cluster, tests/postgres_server.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import peewee as pw
import psycopg
import pytest

from models import db
from models.check import check_store
from models.company import create_business
from models.contacts import ContactEntry, log_contact, search_notes
from models.migrations import FIRST_SERVER_VERSION, LATEST_VERSION
from models.schema import SQLITE, database
from tests.helpers import undo_bank_statements
from tests.unit.ledger_helpers import customer

NOON = dt.datetime(2026, 11, 24, 12, 0)



def _sql(url: str, statement: str) -> list[tuple[Any, ...]]:
    """Run ``statement`` on its own connection to ``url`` (as another program would)."""
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def _shape(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a store's schema is on the server: columns, indexes, constraints,
    triggers and functions, each sorted (a column added later comes last in its table,
    which is no difference)."""
    queries = {
        "columns": "SELECT table_name, column_name, data_type, is_nullable, column_default, "
                   "character_maximum_length FROM information_schema.columns WHERE "
                   "table_schema = 'public'",
        "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
        "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                       "FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
        "triggers": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM "
                    "pg_trigger WHERE NOT tgisinternal",
        "functions": "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = "
                     "'public'::regnamespace",
    }
    return {name: sorted(_sql(url, query), key=repr) for name, query in queries.items()}


def test_a_store_made_on_a_server_is_at_the_latest_version_and_opens_again(
        new_database: str) -> None:
    store = db.create_store(new_database, fill=lambda: create_business(
        "Harbour & Finch Ltd", address="1 Quay Street", country="GB", currency="GBP"))
    assert store.server is not None and store.server.dbname in store.server.name
    assert store.schema_version == LATEST_VERSION
    store.close()
    assert database.obj is SQLITE  # closed: the next store opened is a file's again

    store = db.open_store(new_database)
    try:
        assert (store.schema_version, store.migrated_from) == (LATEST_VERSION, None)
        assert _sql(new_database, 'SELECT schema_version FROM duly_store') == [(LATEST_VERSION,)]
        assert check_store() == []
    finally:
        store.close()


def test_an_empty_database_is_no_store_unless_one_is_asked_for(new_database: str) -> None:
    with pytest.raises(db.StoreMissing, match="it is empty"):
        db.open_store(new_database)
    assert _sql(new_database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                ) == [(0,)]

    store = db.open_store(new_database, create=True)
    store.close()
    assert _sql(new_database, 'SELECT schema_version FROM duly_store') == [(LATEST_VERSION,)]


def test_a_database_of_another_program_is_refused_and_left_untouched(new_database: str) -> None:
    _sql(new_database, "CREATE TABLE ledger (id INTEGER, memo TEXT)")
    _sql(new_database, "INSERT INTO ledger VALUES (1, 'theirs')")

    with pytest.raises(db.NotADulyStore, match="another program"):
        db.open_store(new_database, create=True)
    with pytest.raises(db.StoreExists, match="not empty"):
        db.create_store(new_database)
    assert _sql(new_database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ) == [("ledger",)]
    assert _sql(new_database, "SELECT * FROM ledger") == [(1, "theirs")]


def test_a_store_written_by_a_newer_duly_is_refused_untouched(new_database: str) -> None:
    db.create_store(new_database).close()
    _sql(new_database, f"UPDATE duly_store SET schema_version = {LATEST_VERSION + 1}")

    with pytest.raises(db.StoreTooNew, match="newer version of Duly"):
        db.open_store(new_database)
    assert _sql(new_database, 'SELECT schema_version FROM duly_store') == [(LATEST_VERSION + 1,)]
    assert database.obj is SQLITE


@pytest.mark.parametrize(("address", "told"), [
    ("postgresql://anna:secret@127.0.0.1/duly", "no password"),
    ("postgresql://anna@127.0.0.1", "names no database"),
])
def test_an_address_with_a_password_or_no_database_is_refused(address: str, told: str) -> None:
    with pytest.raises(db.StoreError, match=told):
        db.open_store(address)


def test_a_server_that_cannot_be_reached_is_told_in_words(closed_port: int) -> None:
    with pytest.raises(db.ServerUnreachable, match="cannot be reached"):
        db.open_store(f"postgresql://duly@127.0.0.1:{closed_port}/duly")
    assert database.obj is SQLITE


def test_the_command_line_takes_a_server_address_or_a_file() -> None:
    assert db.store_location("postgresql://anna@office/duly") == "postgresql://anna@office/duly"
    assert db.store_location("books/duly.sqlite") == Path("books/duly.sqlite")
    assert not db.is_server_address(Path("postgresql://anna@office/duly"))


@pytest.mark.parametrize(("state", "kind"), [
    ("40001", db.StoreInUse),   # two people changed the same rows at once: try again
    ("40P01", db.StoreInUse),   # a deadlock
    ("53100", db.StoreFull),    # the server's disk is full
    ("42501", db.StoreReadOnly),  # this user may not write
])
def test_the_servers_own_failures_are_the_users_environment_by_sqlstate(
        new_database: str, state: str, kind: type[db.StoreError]) -> None:
    store = db.create_store(new_database)
    try:
        with pytest.raises(kind) as told, db.known_errors():
            database.execute_sql(f"DO $$ BEGIN RAISE EXCEPTION 'any words' USING ERRCODE = "
                                 f"'{state}'; END $$")
        assert "any words" not in str(told.value)
    finally:
        store.close()


def test_a_failure_of_duly_itself_stays_a_bug_on_a_server(new_database: str) -> None:
    store = db.create_store(new_database)
    try:
        with pytest.raises(pw.ProgrammingError), db.known_errors():
            database.execute_sql("SELECT no_such_column FROM customer")
    finally:
        store.close()


def test_notes_are_found_by_their_words_on_a_server(new_database: str) -> None:
    store = db.create_store(new_database, fill=lambda: create_business(
        "Harbour & Finch Ltd", address="1 Quay Street", country="GB", currency="GBP"))
    try:
        who = customer()
        log_contact(who, ContactEntry(kind="call", occurred_at=NOON,
                                      summary="Owner promised to pay on Friday"))
        log_contact(who, ContactEntry(kind="note", occurred_at=NOON, summary="Owner on leave"))

        assert [hit.snippet for hit in search_notes("promis fri")] == [
            "Owner \x02promised\x03 to pay on Friday\u2026"]
        assert len(search_notes("owner")) == 2
        assert search_notes("invoice") == []
    finally:
        store.close()


def test_a_store_on_a_server_updates_from_its_first_version_to_a_new_stores_shape(
        postgres_cluster: Any, new_database: str) -> None:
    reference = postgres_cluster.url(postgres_cluster.new_database())
    try:
        db.create_store(reference).close()
        db.create_store(new_database).close()
        # Back to the oldest version a store on a server can have, as the file tests do.
        with psycopg.connect(new_database, autocommit=True) as connection:
            undo_bank_statements(connection)  # type: ignore[arg-type]  # and all later
            connection.execute(f"UPDATE duly_store SET schema_version = {FIRST_SERVER_VERSION}")
        assert _shape(new_database) != _shape(reference)

        store = db.open_store(new_database)
        store.close()

        assert (store.migrated_from, store.schema_version) == (FIRST_SERVER_VERSION,
                                                               LATEST_VERSION)
        assert _sql(new_database, 'SELECT schema_version FROM duly_store') == [(LATEST_VERSION,)]
        assert _shape(new_database) == _shape(reference)
    finally:
        postgres_cluster.drop_database(reference.rsplit("/", 1)[1])


def test_the_commands_take_a_server_address_and_give_what_a_file_gives(
        new_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from main import main

    seen = {}
    for store in (new_database, str(tmp_path / "demo.sqlite")):
        assert main(["--db", store, "demo", "--customers", "6", "--as-of", "2026-11-24"]) == 0
        assert main(["--db", store, "check"]) == 0
        assert "all checks passed" in capsys.readouterr().out
        assert main(["--db", store, "overdue", "--as-of", "2026-11-24"]) == 0
        seen[store] = capsys.readouterr().out
    assert "Total overdue" in seen[new_database]
    assert seen[new_database] == seen[str(tmp_path / "demo.sqlite")]

    assert main(["--db", new_database, "backup"]) == 2
    assert "server's own backups" in capsys.readouterr().err
