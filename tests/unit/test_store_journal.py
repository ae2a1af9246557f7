"""The write-ahead log beside a store: every confirmed write reaches the store file at
once, a log that is not the store's own (or is damaged) is refused untouched, and
``check`` says when confirmed writes are still only in the log."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models import db
from models.check import check_store
from models.schema import Customer
from models.wal import Journal, judge_journal, read_header
from tests.helpers import digest

ROOT = Path(__file__).resolve().parents[2]


def _killed_writer(path: Path, run: str, batches: int = 4, *, held: bool = False) -> list[str]:
    """Run the crash test's writer on ``path``, SIGKILL it after ``batches`` confirmed
    batches, and return their names: its log is left as a crash leaves it. ``held``:
    the writer waits after its last batch, so its log surely holds that batch (killed
    at random, it may have begun the log anew with nothing committed in it)."""
    command = [sys.executable, "-m", "tests.unit.crash_writer", str(path), run]
    if held:
        command += ["plain", "hold", str(batches)]
    writer = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    try:
        confirmed = [writer.stdout.readline().strip() for _ in range(batches)]
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()
        if writer.stdin is not None:
            writer.stdin.close()
    return confirmed


def _codes(path: Path) -> set[str]:
    store = db.open_store(path)
    try:
        assert check_store() == []
        return {c.code for c in Customer.select()}
    finally:
        store.close()


def _log(path: Path) -> Path:
    return Path(f"{path}-wal")


def test_the_store_file_alone_holds_every_confirmed_write_after_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    confirmed = _killed_writer(path, "1")
    assert _log(path).stat().st_size > 0  # the crash left its log behind
    copy = tmp_path / "copied" / "shop.sqlite"  # a backup script that takes the file alone
    copy.parent.mkdir()
    shutil.copy2(path, copy)

    assert set(confirmed) <= _codes(copy)


def test_a_log_deleted_after_a_crash_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    confirmed = _killed_writer(path, "2")
    _log(path).unlink()
    Path(f"{path}-shm").unlink(missing_ok=True)

    assert set(confirmed) <= _codes(path)


def test_our_own_log_after_a_crash_is_applied_and_emptied(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    confirmed = _killed_writer(path, "3")
    assert judge_journal(path) in (Journal.OURS, Journal.NOTHING_NEW)

    assert set(confirmed) <= _codes(path)
    assert not _log(path).exists() or _log(path).stat().st_size == 0


def _diverged_log(tmp_path: Path) -> tuple[Path, Path]:
    """A store, and the log of a copy of it that went its own way since (each copy
    written after the copy was made, the copy's writer killed with its log left)."""
    path = tmp_path / "shop.sqlite"
    _killed_writer(path, "4", batches=2)
    _codes(path)  # opened and closed whole: no log left
    other = tmp_path / "laptop" / "shop.sqlite"
    other.parent.mkdir()
    shutil.copy2(path, other)
    _killed_writer(path, "5", batches=2)  # this copy goes on...
    _codes(path)
    _killed_writer(other, "6", batches=2, held=True)  # ...and so does the other, which crashes
    assert _log(other).stat().st_size > 0
    return path, _log(other)


def test_a_log_from_another_copy_of_the_store_is_refused_and_left_untouched(
        tmp_path: Path) -> None:
    path, other_log = _diverged_log(tmp_path)
    shutil.copy2(other_log, _log(path))  # e.g. a synced folder that brought the other's log
    store_before, log_before = digest(path), digest(_log(path))

    with pytest.raises(db.ForeignJournal) as caught:
        db.open_store(path)

    message = caught.value.message
    assert "another copy of it" in message and "left both files untouched" in message
    assert f"move shop.sqlite-wal out of {tmp_path}" in message
    assert digest(path) == store_before and digest(_log(path)) == log_before
    _log(path).unlink()  # the way out the message gives: the store as it was saved
    Path(f"{path}-shm").unlink(missing_ok=True)
    assert any(code.startswith("K5-") for code in _codes(path))


def test_a_log_from_another_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    _killed_writer(path, "7", batches=2)
    _codes(path)
    stranger = tmp_path / "other" / "bakery.sqlite"
    stranger.parent.mkdir()
    _killed_writer(stranger, "8", batches=2, held=True)
    shutil.copy2(_log(stranger), _log(path))
    before = digest(path)

    with pytest.raises(db.ForeignJournal):
        db.open_store(path)
    assert digest(path) == before


def test_a_damaged_log_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    _killed_writer(path, "9", held=True)
    with _log(path).open("r+b") as handle:
        handle.write(b"not a log header, not at all!!!!")
    store_before, log_before = digest(path), digest(_log(path))

    with pytest.raises(db.ForeignJournal) as caught:
        db.open_store(path)

    assert "is damaged" in caught.value.message
    assert digest(path) == store_before and digest(_log(path)) == log_before


def test_a_log_header_is_read_as_sqlite_writes_it(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    _killed_writer(path, "10", batches=1, held=True)
    data = _log(path).read_bytes()
    header = read_header(data)
    assert header is not None and header.page_size == 4096
    assert read_header(data[:8] + bytes([data[8] ^ 1]) + data[9:]) is None  # its checksum


@pytest.mark.file_only  # the write-ahead log beside a file
def test_check_says_when_confirmed_writes_are_only_in_the_log(empty_store: db.Store) -> None:
    reader = sqlite3.connect(empty_store.path)  # another program, reading all along
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM customer").fetchone()
        with db.writing():
            Customer.create(code="C1", name="Held back", currency="EUR",
                            created_at=dt.datetime(2026, 12, 3, 9))
        problems = [str(p) for p in check_store()]
        assert len(problems) == 1
        assert problems[0].startswith("journal: ")
        assert "are only in the journal" in problems[0] and "another program" in problems[0]
    finally:
        reader.close()
    assert check_store() == []  # the reader gone, the check copies them in
