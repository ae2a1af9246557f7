"""A business's records are private to the user: the store, its journal files, its
backups and the folder Duly makes for it, whatever the user's umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from models import db
from models.ledger import CustomerDraft, add_customer


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """The umask most desktops run with: new files readable by everyone."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_a_new_store_its_journal_and_its_new_folder_are_the_users_alone(
        tmp_path: Path) -> None:
    path = tmp_path / "Duly" / "duly.sqlite"
    store = db.create_store(path)
    try:
        assert _mode(path.parent) == 0o700
        assert _mode(path) == 0o600
        add_customer(CustomerDraft(code="C1", name="Acme", currency="EUR"))
        for journal in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert _mode(journal) == 0o600
    finally:
        store.close()


@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_a_backup_keeps_its_stores_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "duly.sqlite"
    db.create_store(path).close()
    path.chmod(mode)
    store = db.open_store(path)
    try:
        backup = db.backup_store(tmp_path / "duly.before-v99.sqlite")
    finally:
        store.close()
    assert _mode(backup) == mode


def test_a_folder_that_exists_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o750)
    folder.chmod(0o750)
    db.create_store(folder / "duly.sqlite").close()
    assert _mode(folder) == 0o750
    assert _mode(folder / "duly.sqlite") == 0o600
