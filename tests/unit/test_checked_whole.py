"""A store the damage check found whole is not checked again until the file changes, and
never taken as whole once damage is found (models.checked_whole)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from models import checked_whole, db, store_state
from models.check import check_store
from models.checked_whole import found_whole
from models.schema import Setting
from tests.helpers import scramble_an_index_page


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files made seconds ago taken as settled (the tick rule has its own test)."""
    monkeypatch.setattr(store_state, "SETTLED_NS", 0)


def _found_whole_once(path: Path) -> None:
    db.open_store(path, create=True).close()
    db.open_store(path).close()  # a command's opening: checked, found whole
    assert found_whole(path)


def test_a_store_just_written_is_not_remembered_as_whole(store_path: Path) -> None:
    db.open_store(store_path, create=True).close()
    db.open_store(store_path).close()  # checked and whole, but written a moment ago
    assert not found_whole(store_path)
    assert not list(store_path.parent.glob(".duly-*.checked"))


def test_a_store_found_whole_is_checked_again_once_written(store_path: Path,
                                                           settled: None) -> None:
    _found_whole_once(store_path)
    store = db.open_store(store_path)  # as the last check found it: not read again
    try:
        Setting.insert_many([{"key": f"a test {n}", "value": '"' + "x" * 200 + '"'}
                             for n in range(2_000)]).execute()
    finally:
        store.close()
    assert not found_whole(store_path)  # the file grew: its verdict is no more


def test_a_file_cut_short_after_its_check_is_refused(store_path: Path, settled: None) -> None:
    _found_whole_once(store_path)
    with store_path.open("r+b") as handle:
        handle.truncate(store_path.stat().st_size - 4096)
    with pytest.raises(db.StoreDamaged):
        db.open_store(store_path)


def _damaged_unseen(path: Path) -> None:
    """A page damaged as the disk itself might (bit rot): the file's size and times as
    when it was last found whole, so its verdict still matches."""
    _found_whole_once(path)
    scramble_an_index_page(path)
    checked_whole.remember_whole(path, checked_whole.state_of(path))
    assert found_whole(path)


def test_damage_found_by_the_windows_check_is_never_taken_as_whole(
        store_path: Path, settled: None) -> None:
    _damaged_unseen(store_path)
    store = db.open_store(store_path, check_later=True)  # as the window opens it
    try:
        assert db.DamageCheck(store_path).run() is not None
    finally:
        store.close()
    assert not found_whole(store_path)
    with pytest.raises(db.StoreDamaged):
        db.open_store(store_path)  # the next command checks again, and refuses


def test_damage_found_by_check_is_never_taken_as_whole(store_path: Path,
                                                       settled: None) -> None:
    _damaged_unseen(store_path)
    store = db.open_store(store_path)  # a command trusting the stale verdict
    try:
        with db.known_errors(store_path):
            assert check_store()
    except db.StoreDamaged:
        pass  # found on the way, which forgets the verdict as well
    finally:
        store.close()
    assert not found_whole(store_path)
    with pytest.raises(db.StoreDamaged):
        db.open_store(store_path)


def test_a_store_whose_log_holds_pages_is_not_taken_as_whole(store_path: Path,
                                                             settled: None) -> None:
    _found_whole_once(store_path)
    with closing(sqlite3.connect(store_path)) as writer:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("INSERT INTO setting (key, value) VALUES ('a test', '1')")
        writer.commit()
        assert not found_whole(store_path)  # the file alone is not the store now
