"""Nothing lost, nothing misread: one Duly per store by any name, a full disk told as
such (and still readable), and files that are not stores named for what they are."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import peewee as pw
import pytest

from models import db
from models.check import check_store
from models.company import create_business
from models.ledger import record_payment
from models.schema import Customer, Payment, database
from models.wal import Journal
from tests.helpers import digest, fill_disk, make_v1_store
from tests.unit.ledger_helpers import TODAY, customer, invoice

ROOT = Path(__file__).resolve().parents[2]


# --- one Duly per store, by whatever name it is opened -------------------------------

def _link(store: Path, kind: str) -> Path:
    """Another name for ``store``: a symbolic link in another folder, or a hard link
    beside it."""
    if kind == "symbolic link":
        other = store.parent.parent / "elsewhere" / "shortcut.sqlite"
        other.parent.mkdir()
        other.symlink_to(store)
    else:
        other = store.with_name("same-file.sqlite")
        os.link(store, other)
    return other


@contextlib.contextmanager
def _held(path: Path) -> Iterator[None]:
    """``path`` open in a second, real Duly process for the time of the block."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from models import db; "
         "s = db.open_store(sys.argv[1]); print('open', flush=True); sys.stdin.read()",
         str(path)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline() == "open\n"
        yield
    finally:
        process.communicate("", timeout=30)


def _refused_in_use(path: Path) -> str:
    before = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(db.StoreInUse) as caught:
        db.open_store(path)
    assert database.is_closed()
    assert sorted(p.name for p in path.parent.iterdir()) == before  # no log of its own
    return caught.value.message


@pytest.mark.parametrize("kind", ["symbolic link", "hard link"])
def test_a_store_open_in_another_duly_is_refused_by_any_of_its_names(
        tmp_path: Path, kind: str) -> None:
    store = tmp_path / "shop" / "duly.sqlite"
    store.parent.mkdir()
    db.open_store(store, create=True).close()
    other = _link(store, kind)
    with _held(store):
        before = digest(store)
        assert "already open in another Duly" in _refused_in_use(other)
        cli = subprocess.run([sys.executable, "main.py", "--db", str(other), "log", "C-1",
                              "--summary", "Called"], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
        assert cli.returncode == 2 and "already open in another Duly" in cli.stderr
        assert digest(store) == before
    with _held(other):
        assert "already open in another Duly" in _refused_in_use(store)
    db.open_store(other).close()  # free again, by every name, once the other Duly closed
    db.open_store(store).close()


# --- files that are not stores, named for what they are --------------------------------

def test_a_named_pipe_is_not_called_a_folder(tmp_path: Path) -> None:
    pipe = tmp_path / "duly.sqlite"
    os.mkfifo(pipe)
    with pytest.raises(db.NotADulyStore) as caught:
        db.open_store(pipe, create=True)
    assert "not a file Duly can use: it is a named pipe" in caught.value.message
    assert "folder" not in caught.value.message


def test_a_device_is_not_called_a_folder() -> None:
    with pytest.raises(db.NotADulyStore) as caught:
        db.open_store("/dev/null")
    assert "not a file Duly can use: it is a device" in caught.value.message


def test_a_folder_is_still_called_a_folder(tmp_path: Path) -> None:
    with pytest.raises(db.NotADulyStore) as caught:
        db.open_store(tmp_path)
    assert "it is a folder" in caught.value.message


# --- a full disk ---------------------------------------------------------------------

def _company(path: Path) -> int:
    """A closed store at ``path`` with a customer owing one large invoice; its id."""
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        customer_id = customer()
        invoice(customer_id, 10_000_000, due_days_ago=40)
    finally:
        store.close()
    return customer_id


def _pay(path: Path, customer_id: int, amount_minor: int) -> None:
    with db.known_errors(path):
        record_payment(customer_id, received_on=TODAY, amount_minor=amount_minor, today=TODAY)


def _payments(path: Path) -> list[int]:
    store = db.open_store(path)
    try:
        assert check_store() == []
        return sorted(p.amount_minor for p in Payment.select())
    finally:
        store.close()


def _says_disk_full(message: str, folder: Path) -> None:
    assert f"The disk holding {folder} " in message
    assert re.search(r"Free at least \d+ MB there", message), message


def test_a_full_disk_is_told_as_such_and_loses_nothing_confirmed(small_disk: Path) -> None:
    path = small_disk / "shop.sqlite"
    customer_id = _company(path)
    store = db.open_store(path)
    try:
        confirmed = [101, 102, 103]
        for amount in confirmed:
            _pay(path, customer_id, amount)
        filler = fill_disk(small_disk)
        # The log's room, reused after each checkpoint, takes a few more; then the disk
        # is full for good.
        with pytest.raises(db.StoreFull) as caught:
            for amount in range(1000, 3000):
                _pay(path, customer_id, amount)
                confirmed.append(amount)
        _says_disk_full(caught.value.message, small_disk)
        assert "Nothing was recorded" in caught.value.message
        filler.unlink()
        _pay(path, customer_id, 104)  # room again: the same window carries on
        confirmed.append(104)
        filler = fill_disk(small_disk)
    finally:
        store.close()  # its checkpoint finds no room: the log keeps the payments
    filler.unlink()

    assert sorted(_payments(path)) == sorted(confirmed)


def test_a_store_on_a_full_disk_opens_for_reading(small_disk: Path) -> None:
    path = small_disk / "shop.sqlite"
    customer_id = _company(path)
    filler = fill_disk(small_disk)

    store = db.open_store(path)
    try:
        assert store.reading_only is not None
        _says_disk_full(store.reading_only, small_disk)
        assert Customer.get_by_id(customer_id).name == "Zoë Ødegård AS"
        assert check_store() == []
        with pytest.raises(db.StoreFull) as caught:
            _pay(path, customer_id, 999)
        _says_disk_full(caught.value.message, small_disk)
        assert "open for reading only" in caught.value.message
    finally:
        store.close()
    filler.unlink()

    store = db.open_store(path)
    try:
        assert store.reading_only is None
        _pay(path, customer_id, 104)
    finally:
        store.close()
    assert _payments(path) == [104]


def test_reading_a_full_disk_sees_what_is_still_in_the_log(small_disk: Path) -> None:
    path = small_disk / "crash.sqlite"
    writer = subprocess.Popen([sys.executable, "-m", "tests.unit.crash_writer", str(path),
                               "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    try:
        confirmed = [writer.stdout.readline().strip() for _ in range(3)]
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()
    assert Path(f"{path}-wal").stat().st_size > 0  # the batches are in the log
    # As a copy that left out the log's index (SQLite rebuilds it) would bring it back.
    Path(f"{path}-shm").unlink()
    fill_disk(small_disk)

    store = db.open_store(path)
    try:
        assert store.reading_only is not None
        assert set(confirmed) <= {c.code for c in Customer.select()}
        problems = check_store()
        if store.journal is Journal.OURS:  # killed between a write and its copy into the file
            assert [p.area for p in problems] == ["journal"]
            assert "not yet in the store file (its disk is full" in problems[0].message
        else:  # every write was copied into the file before the kill
            assert problems == []
    finally:
        store.close()


def test_an_update_that_has_no_room_is_refused_before_it_starts(small_disk: Path) -> None:
    path = make_v1_store(small_disk / "old.sqlite")
    before = digest(path)
    fill_disk(small_disk)

    with pytest.raises(db.StoreFull) as caught:
        db.open_store(path)

    assert "must update old.sqlite" in caught.value.message
    assert f"the disk holding {small_disk} has no room" in caught.value.message
    assert re.search(r"Free at least \d+ MB there", caught.value.message)
    assert digest(path) == before
    assert database.is_closed()


# --- errors told by SQLite's code, never by their wording ------------------------------

@pytest.mark.file_only  # SQLite's messages (a server's errors are told by SQLSTATE)
def test_a_bug_whose_message_mentions_a_full_disk_is_still_a_bug(empty_store: db.Store) -> None:
    with pytest.raises(pw.OperationalError), db.known_errors(empty_store.path):
        database.execute_sql('SELECT * FROM "database or disk is full"')


@pytest.mark.file_only  # another program holding the file
def test_a_store_busy_with_another_writer_is_told_as_busy(empty_store: db.Store) -> None:
    other = sqlite3.connect(empty_store.path)
    try:
        other.execute("BEGIN IMMEDIATE")
        database.execute_sql("PRAGMA busy_timeout = 0")
        with pytest.raises(db.StoreInUse) as caught, db.known_errors(empty_store.path), \
                db.writing():
            database.execute_sql("UPDATE business SET name = name")
        assert "another program is writing" in caught.value.message
    finally:
        other.close()
