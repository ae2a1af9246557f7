"""The store opens safely or not at all, and keeps every row through upgrades."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import peewee as pw
import pytest

from models import db
from models.check import check_store
from models.migrations import LATEST_VERSION
from models.schema import Allocation, Business, Customer, Invoice, database
from tests.helpers import digest, make_v1_store, row_counts, schema_of, scramble_an_index_page

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_store_is_marked_as_duly_with_the_latest_schema(store_path: Path) -> None:
    store = db.open_store(store_path, create=True)
    try:
        assert database.application_id == db.APPLICATION_ID
        assert database.user_version == LATEST_VERSION == store.schema_version
        assert database.journal_mode == "wal"
        assert database.foreign_keys == 1
        assert database.synchronous == 2
    finally:
        store.close()


def test_opening_a_missing_store_without_create_makes_nothing(store_path: Path) -> None:
    with pytest.raises(db.StoreMissing):
        db.open_store(store_path)
    assert not store_path.exists()


def test_foreign_keys_are_enforced(empty_store: db.Store) -> None:
    with pytest.raises(pw.IntegrityError), db.writing():
        Invoice.create(number="INV-1", customer=999, issue_date=dt.date(2026, 1, 1),
                       due_date=dt.date(2026, 1, 31), amount_minor=100, open_minor=100,
                       currency="GBP", created_at=dt.datetime(2026, 1, 1))
    assert Invoice.select().count() == 0


def test_a_referenced_customer_cannot_be_deleted(demo_store: db.Store) -> None:
    customer = Customer.select().join(Invoice).first()
    with pytest.raises(pw.IntegrityError), db.writing():
        customer.delete_instance()
    assert Customer.get_by_id(customer.id).name == customer.name


def test_an_allocation_needs_exactly_one_source(demo_store: db.Store) -> None:
    invoice = Invoice.select().first()
    with pytest.raises(pw.IntegrityError), db.writing():
        Allocation.create(invoice=invoice, allocated_on=dt.date(2026, 1, 1), amount_minor=1,
                          created_at=dt.datetime(2026, 1, 1))


# --- files that are refused, and left byte-identical -------------------------

def _refused(path: Path, kind: type[db.StoreError]) -> str:
    before = digest(path)
    siblings = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(kind) as caught:
        db.open_store(path, create=True)
    assert digest(path) == before
    assert database.is_closed()
    after = sorted(p.name for p in path.parent.iterdir())
    assert [n for n in after if n not in siblings and not n.endswith(".lock")] == []
    return caught.value.message


def test_a_text_file_is_not_a_duly_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("Shopping list: milk, eggs\n" * 20)
    assert "not a Duly store" in _refused(path, db.NotADulyStore)


def test_an_empty_file_is_not_a_duly_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    assert "not a Duly store" in _refused(path, db.NotADulyStore)


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL)")
    connection.execute("INSERT INTO invoice VALUES (1, 9.99)")
    connection.commit()
    connection.close()
    assert "another program" in _refused(path, db.NotADulyStore)


def test_a_store_from_a_newer_duly_is_refused(store_path: Path) -> None:
    db.open_store(store_path, create=True).close()
    connection = sqlite3.connect(store_path)
    connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    connection.close()
    message = _refused(store_path, db.StoreTooNew)
    assert "newer version of Duly" in message


def test_a_read_only_store_is_refused(store_path: Path) -> None:
    db.open_store(store_path, create=True).close()
    store_path.chmod(0o444)
    try:
        assert "read-only" in _refused(store_path, db.StoreReadOnly)
    finally:
        store_path.chmod(0o644)


@contextlib.contextmanager
def _held_by_another_process(code: str, path: Path) -> Iterator[None]:
    """While another process that ran ``code`` (with ``path`` as its argument) holds on:
    it prints 'held' once it holds, and lets go when told to end."""
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import sys\n{code}\nprint('held', flush=True)\n"
         "sys.stdin.read()", str(path)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield
    finally:
        holder.communicate("", timeout=30)


def test_a_store_open_in_another_running_duly_is_refused(store_path: Path) -> None:
    db.open_store(store_path, create=True).close()
    with _held_by_another_process("from models import db; s = db.open_store(sys.argv[1])",
                                  store_path):
        assert "already open in another Duly" in _refused(store_path, db.StoreInUse)
    db.open_store(store_path).close()  # free again once the other Duly has closed


def test_a_store_locked_by_filelock_as_earlier_dulys_lock_it_is_refused_and_vice_versa(
        store_path: Path) -> None:
    # Duly flocks the lock file itself where it can; a Duly before stop 42 (and Duly on
    # Windows or a filesystem without flock) holds it through filelock instead.
    import filelock

    db.open_store(store_path, create=True).close()
    lock_file = store_path.with_name(f".duly-{store_path.stat().st_ino}.lock")
    with _held_by_another_process("import filelock; l = filelock.FileLock(sys.argv[1]); "
                                  "l.acquire(timeout=0)", lock_file):
        assert "already open in another Duly" in _refused(store_path, db.StoreInUse)
    store = db.open_store(store_path)
    try:
        with pytest.raises(filelock.Timeout):
            filelock.FileLock(lock_file).acquire(timeout=0)
    finally:
        store.close()
    filelock.FileLock(lock_file).acquire(timeout=0)  # let go of with the store


# --- migrations ---------------------------------------------------------------

def test_a_v1_store_is_migrated_keeping_every_row_and_a_backup(tmp_path: Path) -> None:
    path = make_v1_store(tmp_path / "old.sqlite")
    before_rows = row_counts(path)
    store = db.open_store(path)
    try:
        assert store.migrated_from == 1
        assert store.schema_version == LATEST_VERSION == database.user_version
        assert check_store() == []
        with_money_open = Invoice.select().where(Invoice.open_minor > 0).count()
        assert 0 < with_money_open < Invoice.select().count()
    finally:
        store.close()
    after_rows = row_counts(path)
    # Every row is kept; v5 adds the reference rates Duly ships with.
    assert after_rows["reference_rate"] >= before_rows["reference_rate"]
    # ... and the setting of the write tokens (models.wal) is the one row more.
    assert after_rows["setting"] == before_rows["setting"] + 1
    # ... and v13 the default templates in each language Duly writes, beside the English.
    assert after_rows["letter_template"] > before_rows["letter_template"]
    # ... and v15 the payment plans' follow-up policy with its two stages.
    assert (after_rows["follow_up_policy"], after_rows["follow_up_stage"]) == (
        before_rows["follow_up_policy"] + 1, before_rows["follow_up_stage"] + 2)
    # ... and v24 its users: whoever opened it signed in as its first manager, audited.
    assert after_rows["audit_entry"] == before_rows["audit_entry"] + 1
    grown = ("reference_rate", "setting", "letter_template", "follow_up_policy",
             "follow_up_stage", "audit_entry")
    kept = {table: after_rows[table] for table in before_rows if table not in grown}
    assert kept == {t: n for t, n in before_rows.items() if t not in grown}
    assert store.backup_path is not None and store.backup_path.exists()
    assert row_counts(store.backup_path) == before_rows
    with sqlite3.connect(store.backup_path) as backup:
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_migrated_store_has_the_shape_of_a_new_one(tmp_path: Path) -> None:
    old = make_v1_store(tmp_path / "old.sqlite")
    db.open_store(old).close()
    new = tmp_path / "new.sqlite"
    db.open_store(new, create=True).close()
    assert schema_of(old) == schema_of(new)


def test_a_failed_migration_leaves_the_store_at_its_old_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from models import migrations

    def broken(database: pw.Database) -> None:
        Business.update(name="half-done").execute()
        raise RuntimeError("a bug in a migration")

    path = make_v1_store(tmp_path / "old.sqlite")
    monkeypatch.setitem(migrations.MIGRATIONS, 2, broken)
    with pytest.raises(RuntimeError):
        db.open_store(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
        assert connection.execute("SELECT name FROM business").fetchone()[0] != "half-done"


# --- errors of the user's environment -------------------------------------------

def test_a_damage_check_stopped_tells_no_damage_and_one_run_tells_it(store_path: Path) -> None:
    db.open_store(store_path, create=True).close()
    scramble_an_index_page(store_path)
    store = db.open_store(store_path, check_later=True)  # as the window opens it
    try:
        stopped = db.DamageCheck(store_path)
        stopped.stop()  # before it began: the store is being closed
        assert stopped.run() is None
        assert db.damaged() is None

        assert db.DamageCheck(store_path).run() is not None
        assert db.damaged() is not None
    finally:
        store.close()


def _schema_scribbled(path: Path) -> None:
    """Bytes that are not UTF-8 written into the customer table's definition, as a
    failing disk would: SQLite then quotes them in its error, which Python cannot decode."""
    data = bytearray(path.read_bytes())
    at = data.index(b'CREATE TABLE "customer"')
    data[at + 7:at + 9] = b"\xff\xfe"
    path.write_bytes(bytes(data))


def test_a_store_with_its_schema_scribbled_over_is_told_damaged_in_words(
        store_path: Path) -> None:
    db.open_store(store_path, create=True).close()
    _schema_scribbled(store_path)
    with pytest.raises(db.StoreDamaged) as damaged:
        db.open_store(store_path)
    assert damaged.value.message.startswith(f"{store_path.name} is damaged: Duly will record "
                                            f"nothing more in it. Restore it from a backup")
    done = subprocess.run([sys.executable, "main.py", "--db", str(store_path), "check"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "codec" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"{store_path.name} is damaged: ")


def test_a_name_scribbled_over_with_bytes_that_are_not_text_is_told_damage(
        tmp_path: Path) -> None:
    # A record a failing disk changed within its own bytes passes SQLite's checks (and
    # so ``check``, which would have to read every text to see it); its text, no longer
    # UTF-8, is refused by Python's sqlite3 with no SQLite code at all, where it is read.
    path = tmp_path / "shop.sqlite"
    done = subprocess.run([sys.executable, "main.py", "--db", str(path), "demo",
                           "--customers", "5"], cwd=ROOT, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    scribble = sqlite3.connect(path)
    scribble.execute("UPDATE customer SET name = CAST(x'4163ff6d65' AS TEXT)")
    scribble.commit()
    scribble.close()
    for command in ("overdue", "today"):
        done = subprocess.run([sys.executable, "main.py", "--db", str(path), command],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr and "decode" not in done.stderr, done.stderr
        assert done.returncode == 2
        assert done.stderr.startswith("shop.sqlite is damaged: Duly will record nothing "
                                      "more in it. Restore it from a backup")


def test_a_backup_with_its_schema_scribbled_over_is_refused_in_words(tmp_path: Path) -> None:
    from models.backup import read_backup

    backup = tmp_path / "shop-backup.sqlite"
    db.open_store(backup, create=True).close()
    _schema_scribbled(backup)
    assert read_backup(backup).problem == ("shop-backup.sqlite is damaged: SQLite finds "
                                           "pages or links in it broken, so it cannot be "
                                           "used.")


def test_a_damaged_store_is_reported_not_recreated(store_path: Path) -> None:
    db.open_store(store_path, create=True).close()
    data = bytearray(store_path.read_bytes())
    data[4096:8192] = os.urandom(4096)  # scramble the second page
    store_path.write_bytes(bytes(data))
    before = digest(store_path)
    problems: list[str] = []
    try:
        store = db.open_store(store_path)
    except db.StoreDamaged:
        problems.append("refused")
    else:
        try:
            with db.known_errors(store_path):
                problems += [str(p) for p in check_store()]
        except db.StoreDamaged:
            problems.append("damaged")
        finally:
            store.close()
    assert problems
    assert digest(store_path) == before


def test_a_new_store_is_refused_where_a_link_to_nothing_stands(tmp_path: Path) -> None:
    link = tmp_path / "duly.sqlite"
    link.symlink_to(tmp_path / "gone" / "elsewhere.sqlite")
    with pytest.raises(db.StoreExists, match="already exists"):
        db.create_store(link)
    assert link.is_symlink() and not (tmp_path / "gone").exists()
