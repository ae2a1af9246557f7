"""Each person is a user of the store, with a role: who did what is on every audit entry,
contact, payment and approved e-mail, and only a manager changes policies, writes off
and manages users (on a file and on a server)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from models import db
from models.contacts import ContactEntry, log_contact
from models.customer_class import ClassThresholds, class_thresholds, set_class_thresholds
from models.errors import LedgerError, NotAllowed
from models.kinds import ContactKind, OutboxKind, UserRole, WriteOffReason
from models.ledger import InvoiceDraft, record_payment
from models.ledger_bulk import NewInvoice, add_invoices
from models.migrations import MIGRATIONS, _v24_store_users
from models.outbox import queue_message
from models.policies import payment_terms_list, save_payment_terms
from models.schema import (
    SQLITE,
    AuditEntry,
    Interaction,
    OutboxMessage,
    Payment,
    StoreUser,
    database,
)
from models.users import (
    NotAUser,
    Permission,
    add_user,
    change_role,
    current_login,
    current_user,
    deactivate,
    refusal,
    require,
    users,
)
from models.write_offs import write_off
from tests.helpers import schema_of, undo_store_users
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines

NOON = dt.datetime(2026, 11, 24, 12, 0)


def _a_colleague_manages_and_i_only_record() -> int:
    """Anna (another login) is made a manager, and the person using the store is left to
    record and send; Anna's id."""
    anna = add_user("Anna Berg", "anna", UserRole.MANAGE)
    change_role(current_user().id, UserRole.RECORD_AND_SEND)
    return anna


def test_the_first_person_to_use_a_store_becomes_its_manager(empty_store: db.Store) -> None:
    me = current_user()
    assert (me.login, me.role, me.active) == (current_login(), UserRole.MANAGE, True)
    assert users() == [me]
    assert refusal(Permission.MANAGE_USERS) is None
    added = AuditEntry.get((AuditEntry.table == "store_user") & (AuditEntry.row_id == me.id))
    assert (added.action, added.who) == ("add user", me.name)


def test_contacts_payments_e_mails_and_audit_entries_name_who_made_them(
        empty_store: db.Store) -> None:
    me = current_user()
    add_user("Ben Okafor", "ben", UserRole.RECORD_AND_SEND)  # another user changes nothing
    client = customer()
    first = invoice(client, 120_00, due_days_ago=10)
    contact = log_contact(client, ContactEntry(ContactKind.CALL, NOON, summary="Will pay"))
    payment = record_payment(client, received_on=TODAY, amount_minor=50_00,
                             allocate_to=[(first, 50_00)], today=TODAY).payment_id
    message = queue_message(client, kind=OutboxKind.STATEMENT, subject="Your statement",
                            text="Dear Zoë, your statement.", to=[("Zoë", "zoe@example.com")])

    assert Interaction.get_by_id(contact).by_user_id == me.id
    assert Payment.get_by_id(payment).by_user_id == me.id
    assert OutboxMessage.get_by_id(message).by_user_id == me.id
    assert {entry.who for entry in AuditEntry.select()} == {me.name}


def test_payments_recorded_in_bulk_name_who_recorded_them(empty_store: db.Store) -> None:
    client = customer()
    add_invoices([NewInvoice(client, InvoiceDraft(
        number=f"B-{n}", issue_date=TODAY - dt.timedelta(days=40),
        due_date=TODAY - dt.timedelta(days=10), amount_minor=100_00), paid_minor=100_00,
        paid_on=TODAY) for n in range(50)], today=TODAY)
    assert {p.by_user_id for p in Payment.select()} == {current_user().id}
    assert {e.who for e in AuditEntry.select().where(AuditEntry.table == "payment")} == {
        current_user().name}


def test_someone_who_records_and_sends_is_refused_a_write_off_in_words(
        empty_store: db.Store) -> None:
    client = customer()
    owed = invoice(client, 80_00, due_days_ago=200)
    _a_colleague_manages_and_i_only_record()

    with pytest.raises(NotAllowed, match=r"may record and send but not write off invoices: "
                                         r"ask someone who manages users \(Anna Berg\)"):
        write_off(owed, reason=WriteOffReason.UNCOLLECTABLE, today=TODAY)
    assert refusal(Permission.WRITE_OFF) is not None
    assert refusal(Permission.RECORD_AND_SEND) is None
    # the daily work goes on
    record_payment(client, received_on=TODAY, amount_minor=10_00, today=TODAY)


def test_someone_who_records_and_sends_is_refused_a_policy_change_in_words(
        empty_store: db.Store) -> None:
    before = (payment_terms_list(), class_thresholds())
    _a_colleague_manages_and_i_only_record()

    with pytest.raises(NotAllowed, match="may record and send but not change policies"):
        save_payment_terms(None, name="Net 14", net_days=14, discount_percent=None,
                           discount_days=None)
    with pytest.raises(NotAllowed, match="change policies"):
        set_class_thresholds(ClassThresholds())
    with pytest.raises(NotAllowed, match="add users"):
        add_user("Cleo", "cleo", UserRole.MANAGE)
    assert (payment_terms_list(), class_thresholds()) == before
    assert "Anna Berg" in (refusal(Permission.CHANGE_POLICIES) or "")


def test_a_manager_changes_policies_and_writes_off(empty_store: db.Store) -> None:
    owed = invoice(customer(), 80_00, due_days_ago=200)
    save_payment_terms(None, name="Net 21", net_days=21, discount_percent=Decimal(2),
                       discount_days=7)
    write_off(owed, reason=WriteOffReason.UNCOLLECTABLE, today=TODAY)
    require(Permission.CHANGE_POLICIES)


def test_the_last_manager_can_neither_stop_managing_nor_be_deactivated(
        empty_store: db.Store) -> None:
    me = current_user()
    ben = add_user("Ben Okafor", "ben", "record_and_send")

    with pytest.raises(LedgerError, match="only manager of this store and cannot be "
                                          "deactivated: make someone else a manager first"):
        deactivate(me.id)
    with pytest.raises(LedgerError, match="only manager"):
        change_role(me.id, UserRole.RECORD_AND_SEND)
    change_role(ben, UserRole.MANAGE)
    deactivate(me.id)  # now Ben manages
    assert [(u.login, u.active) for u in users()] == [("ben", True), (me.login, False)]


def test_a_role_taken_away_is_heeded_at_once(empty_store: db.Store) -> None:
    _a_colleague_manages_and_i_only_record()
    with pytest.raises(NotAllowed):
        require(Permission.MANAGE_USERS)


def test_a_login_already_a_user_is_not_added_twice_and_a_role_must_be_known(
        empty_store: db.Store) -> None:
    add_user("Ben Okafor", "ben", UserRole.RECORD_AND_SEND)
    with pytest.raises(LedgerError, match="ben is already a user of this store"):
        add_user("Benjamin", "ben", UserRole.MANAGE)
    with pytest.raises(LedgerError, match="Choose a role"):
        add_user("Cleo", "cleo", "boss")
    with pytest.raises(LedgerError, match="without spaces"):
        add_user("Cleo", "cleo c", UserRole.MANAGE)


def test_a_deactivated_user_added_again_comes_back_with_their_history(
        empty_store: db.Store) -> None:
    ben = add_user("Ben Okafor", "ben", UserRole.RECORD_AND_SEND)
    deactivate(ben)
    assert add_user("Ben Okafor", "ben", UserRole.MANAGE) == ben
    assert [(u.name, u.role, u.active) for u in users() if u.id == ben] == [
        ("Ben Okafor", UserRole.MANAGE, True)]


# --- logins the store does not know ---------------------------------------------------

@pytest.mark.file_only
def test_on_a_file_the_second_login_manages_too_and_later_ones_record_and_send(
        empty_store: db.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = current_user()
    empty_store.close()
    for login, role in (("laptop-anna", UserRole.MANAGE), ("ben", UserRole.RECORD_AND_SEND)):
        monkeypatch.setenv("LOGNAME", login)  # what getpass reads first: another login
        store = db.open_store(empty_store.path)  # a store opened afresh signs in afresh
        try:
            log_contact(customer(), ContactEntry(ContactKind.NOTE, NOON, summary="Hello"))
            assert (current_user().login, current_user().role) == (login, role)
        finally:
            store.close()
    store = db.open_store(empty_store.path)
    try:
        assert {(u.login, u.role) for u in users()} == {
            (owner.login, UserRole.MANAGE), ("laptop-anna", UserRole.MANAGE),
            ("ben", UserRole.RECORD_AND_SEND)}
    finally:
        store.close()


@pytest.mark.file_only
def test_on_a_file_a_deactivated_login_is_refused_in_words(
        empty_store: db.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ben = add_user("Ben Okafor", "ben", UserRole.RECORD_AND_SEND)
    deactivate(ben)
    monkeypatch.setenv("LOGNAME", "ben")
    empty_store.close()
    store = db.open_store(empty_store.path)
    try:
        with pytest.raises(NotAUser, match=r"You \(login ben\) are no longer a user of this "
                                           r"store; ask someone who manages users"):
            customer()
        assert refusal(Permission.RECORD_AND_SEND) is not None
    finally:
        store.close()


@pytest.mark.file_only
def test_a_command_that_only_reads_adds_no_user(store_path: Path) -> None:
    from models.company import create_business

    db.create_store(store_path, fill=lambda: create_business(
        "Harbour & Finch Ltd", address="1 Quay Street", country="GB", currency="GBP")).close()
    with sqlite3.connect(store_path) as connection:
        connection.execute('DELETE FROM "audit_entry" WHERE "table" = \'store_user\'')
        connection.execute('DELETE FROM "store_user"')
    connection.close()
    store = db.open_store(store_path)
    try:
        assert refusal(Permission.CHANGE_POLICIES) is None  # the first person: a manager
        assert users() == []
    finally:
        store.close()


def test_on_a_server_a_login_not_added_is_refused_in_words(postgres_cluster: Any) -> None:
    name = postgres_cluster.new_database()
    url = postgres_cluster.url(name)
    bob = url.replace("postgresql://postgres@", "postgresql://bob@")
    try:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                          "'bob') THEN CREATE ROLE bob LOGIN SUPERUSER; END IF; END $$")
        store = db.create_store(url)
        try:
            assert current_user().role == UserRole.MANAGE
            with db.writing():
                StoreUser.update(name="Anna Berg").execute()
        finally:
            store.close()

        with pytest.raises(NotAUser, match=r"Anna Berg has not added you \(login bob\) as "
                                           r"a user of this store; ask someone who manages "
                                           r"users"):
            db.open_store(bob)
        assert database.obj is SQLITE  # refused: nothing of the server kept open

        store = db.open_store(url)
        try:
            add_user("Bob Marsh", "bob", UserRole.RECORD_AND_SEND)
        finally:
            store.close()
        store = db.open_store(bob)
        try:
            assert (current_user().name, current_user().role) == (
                "Bob Marsh", UserRole.RECORD_AND_SEND)
            with pytest.raises(NotAllowed, match="Anna Berg"):
                require(Permission.WRITE_OFF)
        finally:
            store.close()
    finally:
        if not database.is_closed():
            database.close()
        postgres_cluster.drop_database(name)


# --- a store from before users ----------------------------------------------------------

def test_a_store_from_before_users_migrates_and_its_next_rows_name_the_user(
        empty_store: db.Store, store_target: Path | str, store_engine: str) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v24_store_users)
    client = customer()
    before = log_contact(client, ContactEntry(ContactKind.CALL, NOON, summary="Old"))
    empty_store.close()
    if store_engine == "sqlite":
        path = Path(store_target)
        with sqlite3.connect(path) as connection:
            undo_store_users(connection)
            connection.execute(f"PRAGMA user_version = {version - 1}")
        connection.close()
        new = path.with_name("new.sqlite")
        db.open_store(new, create=True).close()
        assert schema_of(path) != schema_of(new)
    else:
        with psycopg.connect(str(store_target), autocommit=True) as server:
            undo_store_users(server)  # type: ignore[arg-type]
            server.execute(f"UPDATE duly_store SET schema_version = {version - 1}")

    store = db.open_store(store_target)
    try:
        assert store.migrated_from == version - 1
        assert Interaction.get_by_id(before).by_user_id is None  # not known
        after = log_contact(client, ContactEntry(ContactKind.CALL, NOON, summary="New"))
        me = current_user()
        assert (me.role, Interaction.get_by_id(after).by_user_id) == (UserRole.MANAGE, me.id)
        assert StoreUser.select().count() == 1
    finally:
        store.close()
    if store_engine == "sqlite":
        assert schema_of(Path(store_target)) == schema_of(new)


# --- the command line -------------------------------------------------------------------

def test_the_command_line_lists_adds_changes_and_deactivates_users(
        empty_store: db.Store, store_target: Path | str,
        capsys: pytest.CaptureFixture[str]) -> None:
    from main import main

    me = current_user()
    empty_store.close()
    where = ["--db", str(store_target), "users"]
    assert main(where) == 0
    assert f"{me.name} (you)" in capsys.readouterr().out
    assert main([*where, "--add", "Ben Okafor", "--login", "ben", "--role", "record"]) == 0
    assert re.search(r"Ben Okafor +ben +Record and send +yes", capsys.readouterr().out)
    assert main([*where, "--deactivate", me.login]) == 2
    assert "only manager of this store" in capsys.readouterr().err
    assert main([*where, "--login", "nobody", "--role", "manage"]) == 2
    assert "No user of this store has the login nobody" in capsys.readouterr().err
    assert main([*where, "--login", "ben", "--role", "manage"]) == 0
    assert main([*where, "--deactivate", me.login]) == 0
    listed = capsys.readouterr().out
    assert re.search(r"Ben Okafor +ben +Manage +yes", listed)
    assert re.search(rf"{re.escape(me.login)} +Manage +no", listed)
    # deactivated: refused (on a server at once; on a file at the first write)
    assert main([*where, "--add", "Cleo", "--login", "cleo"]) == 2
    assert f"You (login {me.login}) are no longer a user" in capsys.readouterr().err
