"""Two people editing the same customer or template: the second save is refused, saying
what changed and by whom, and never silently writes over the first."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from pathlib import Path

import pytest

from models import db
from models.audit import who_changes
from models.customer_account import customer_draft, customer_to_edit
from models.errors import EditConflict
from models.ledger import update_customer
from models.migrations import MIGRATIONS, _v25_edit_versions
from models.relationship import update_customer_checking_in
from models.schema import Customer, on_server
from models.template_store import save_template, template_list, template_text
from tests.helpers import schema_of, undo_edit_versions
from tests.unit.ledger_helpers import customer

pytestmark = pytest.mark.both_engines


def test_the_second_of_two_people_editing_a_customer_is_refused_with_what_changed(
        empty_store: db.Store) -> None:
    who = customer("Fenwick Catering Ltd")
    anna, ben = customer_to_edit(who), customer_to_edit(who)  # both open the editor
    assert anna.edit_version == ben.edit_version

    update_customer(who, dataclasses.replace(anna.draft, phone="0117 496 0000",
                                             notes="Pays on the 1st"),
                    read_version=anna.edit_version)
    with pytest.raises(EditConflict) as refused:
        update_customer(who, dataclasses.replace(ben.draft, name="Fenwick Catering"),
                        read_version=ben.edit_version)

    [change] = refused.value.changes
    assert change.who == who_changes()
    assert change.fields == ("the phone number", "the notes")
    assert f"{who_changes()} changed the phone number and the notes at " \
        f"{change.at:%H:%M}" in refused.value.message
    assert "Your changes were not saved" in refused.value.message
    assert refused.value.field == "edit_version"
    kept = customer_draft(who)  # Anna's change stands; nothing of Ben's was written
    assert (kept.name, kept.phone, kept.notes) == ("Fenwick Catering Ltd", "0117 496 0000",
                                                   "Pays on the 1st")


def test_after_reloading_the_second_person_saves_over_what_they_now_see(
        empty_store: db.Store) -> None:
    who = customer("Fenwick Catering Ltd")
    ben = customer_to_edit(who)
    update_customer(who, dataclasses.replace(ben.draft, phone="0117 496 0000"),
                    read_version=ben.edit_version)
    with pytest.raises(EditConflict):
        update_customer(who, dataclasses.replace(ben.draft, name="Fenwick & Co"),
                        read_version=ben.edit_version)
    again = customer_to_edit(who)
    assert again.edit_version == ben.edit_version + 1
    update_customer(who, dataclasses.replace(again.draft, name="Fenwick & Co"),
                    read_version=again.edit_version)
    assert (customer_draft(who).name, customer_draft(who).phone) == ("Fenwick & Co",
                                                                     "0117 496 0000")


def test_a_refused_save_of_the_details_leaves_the_cadence_unsaved_too(
        empty_store: db.Store) -> None:
    who = customer()
    ben = customer_to_edit(who)
    update_customer(who, dataclasses.replace(ben.draft, phone="1"), read_version=0)
    with pytest.raises(EditConflict):
        update_customer_checking_in(who, ben.draft, 90, read_version=ben.edit_version)
    assert Customer.get_by_id(who).check_in_days is None


def test_two_saves_of_a_customer_at_the_same_moment_one_is_refused(
        empty_store: db.Store) -> None:
    who = customer("Fenwick Catering Ltd")
    start = threading.Barrier(2)
    outcomes: list[object] = [None, None]
    read = customer_to_edit(who)

    def person(n: int, name: str) -> None:
        try:
            if on_server():  # a real race: both are inside their save before either writes
                with db.writing():
                    start.wait()
                    update_customer(who, dataclasses.replace(read.draft, name=name),
                                    read_version=read.edit_version)
            else:  # a file lets one writer in at a time
                start.wait()
                update_customer(who, dataclasses.replace(read.draft, name=name),
                                read_version=read.edit_version)
            outcomes[n] = name
        except EditConflict as refused:
            outcomes[n] = refused
        finally:
            db.close_thread_connection()

    people = [threading.Thread(target=person, args=(n, name))
              for n, name in enumerate(("Anna's name", "Ben's name"))]
    for thread in people:
        thread.start()
    for thread in people:
        thread.join()

    saved = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, EditConflict)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    assert customer_draft(who).name == saved[0]
    assert refused[0].changes[0].fields == ("the name",)


def test_the_second_of_two_people_editing_a_template_is_refused_with_what_changed(
        empty_store: db.Store) -> None:
    row = template_list()[0]
    anna, ben = template_text(row.id), template_text(row.id)

    def save(text: object, **changed: str) -> int:
        parts = {"name": row.name, "channel": row.channel, "tone": row.tone,
                 "language": row.language, "subject": anna.subject, "body": anna.body}
        return save_template(row.id, **{**parts, **changed},  # type: ignore[arg-type]
                             read_version=text.edit_version)  # type: ignore[attr-defined]

    save(anna, subject="About your account")
    with pytest.raises(EditConflict) as refused:
        save(ben, body="Ben's words")

    [change] = refused.value.changes
    assert (change.who, change.fields) == (who_changes(), ("the subject",))
    assert "this template" in refused.value.message
    now = template_text(row.id)
    assert (now.subject, now.body) == ("About your account", anna.body)
    assert now.edit_version == anna.edit_version + 1


def test_each_save_after_the_read_is_named(empty_store: db.Store) -> None:
    who = customer()
    old = customer_to_edit(who)
    update_customer(who, dataclasses.replace(old.draft, phone="1"), read_version=0)
    update_customer(who, dataclasses.replace(old.draft, phone="1", address="2 Quay St"),
                    read_version=1)
    with pytest.raises(EditConflict) as refused:
        update_customer(who, old.draft, read_version=old.edit_version)
    assert [c.fields for c in refused.value.changes] == [("the phone number",),
                                                         ("the address",)]


def test_an_import_saves_over_any_version(empty_store: db.Store) -> None:
    who = customer()
    draft = customer_draft(who)
    update_customer(who, dataclasses.replace(draft, phone="1"))
    update_customer(who, dataclasses.replace(draft, phone="2"))
    assert customer_to_edit(who).edit_version == 2


@pytest.mark.file_only
def test_a_store_before_edit_versions_migrates_to_a_new_stores_shape(tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v25_edit_versions)
    path = tmp_path / "before.sqlite"
    db.open_store(path, create=True).close()
    with sqlite3.connect(path) as connection:
        undo_edit_versions(connection)
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
