"""A file the user chooses to read or write that is the open store, or one kept beside it,
is refused before it is opened (models.files.refuse_store_file).

Opened outside SQLite and closed, it would drop SQLite's locks on the store (POSIX drops
all of a process's locks on a file at any close of it): the next Duly to close, finding
itself alone, would take the log away from under the open store. Each test below proves
the locks stayed by letting another process open the store and close it, which leaves
the log when, and only when, this process still holds its locks."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from models import db
from models.files import StoreFileChosen, whole_file, write_failure_words
from models.imports.detect import detect
from models.imports.plan import file_hash
from models.imports.table import FileRefused
from models.schema import Setting
from tests.helpers import digest, kept_setting_keys, nightly_job_writes

ROOT = Path(__file__).resolve().parents[2]

# Another process reads the store and closes: as the last connection it would copy the
# log into the file and delete it.
_READ_AND_CLOSE = ("import sqlite3, sys\n"
                   "c = sqlite3.connect(sys.argv[1])\n"
                   "print(c.execute('SELECT count(*) FROM sqlite_master').fetchone()[0])\n"
                   "c.close()")


def _another_process_reads_and_closes(path: Path) -> None:
    subprocess.run([sys.executable, "-c", _READ_AND_CLOSE, str(path)], cwd=ROOT,
                   check=True, capture_output=True, timeout=60)


@pytest.fixture
def open_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A store on a file, open, with a write in its log."""
    path = tmp_path / "shop.sqlite"
    db.open_store(path, create=True).close()
    store = db.open_store(path)
    with db.writing():
        Setting.put("written before", "1")
    assert Path(f"{path}-wal").exists()
    yield path
    store.close()


def _log_kept_and_write_seen(path: Path) -> None:
    _another_process_reads_and_closes(path)
    assert Path(f"{path}-wal").exists(), "this process's locks on the store were dropped"
    with db.writing():
        Setting.put("written after", "1")
    _another_process_reads_and_closes(path)
    seen = sqlite3.connect(path)
    try:
        keys = {key for (key,) in seen.execute("SELECT key FROM setting")}
    finally:
        seen.close()
    assert {"written before", "written after"} <= keys


def test_importing_the_open_store_is_refused_in_words_and_its_locks_stay(
        open_store: Path) -> None:
    with pytest.raises(FileRefused) as refused:
        detect(open_store)
    assert refused.value.message == ("Duly cannot read shop.sqlite: it is the store Duly has "
                                     "open; choose another file.")
    with pytest.raises(FileRefused):
        file_hash(open_store)
    _log_kept_and_write_seen(open_store)


@pytest.mark.parametrize("name", ["shop.sqlite", "shop.sqlite-wal", "shop.sqlite-shm",
                                  "lock"])
def test_writing_over_the_open_store_or_a_file_beside_it_is_refused(
        open_store: Path, name: str) -> None:
    target = open_store.with_name(
        f".duly-{open_store.stat().st_ino}.lock" if name == "lock" else name)
    before = target.stat()  # not read: reading it here would drop the locks too
    with pytest.raises(StoreFileChosen) as refused, whole_file(target) as partial:
        partial.write_bytes(b"%PDF-1.4 a statement")
    after = target.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino, before.st_size, before.st_mtime_ns)
    words = write_failure_words(refused.value, target)
    assert words.startswith(f"{target.name} could not be written in {open_store.parent}: ")
    assert words.endswith("; choose another file.")
    assert "the store Duly has open" in words
    assert [p.name for p in open_store.parent.glob("*.partial")] == []
    _log_kept_and_write_seen(open_store)


def test_opening_the_open_store_again_is_refused_before_its_file_is_read(
        open_store: Path) -> None:
    link = open_store.with_name("same-shop.sqlite")
    link.hardlink_to(open_store)  # another name, the same file
    with pytest.raises(db.StoreInUse) as refused:
        db.open_store(link, check_later=True)
    assert refused.value.message == ("Duly cannot open same-shop.sqlite: it is the store "
                                     "Duly has open; choose another file.")
    _log_kept_and_write_seen(open_store)


def test_the_open_store_chosen_as_the_backup_to_restore_is_refused(open_store: Path) -> None:
    # Read as a backup (its header, then an immutable connection, which takes no locks
    # and so drops this process's as it closes), before the restore is even confirmed.
    from models.backup import read_backup

    summary = read_backup(open_store)
    assert summary.problem == ("shop.sqlite cannot be read: it is the store Duly has open; "
                               "choose another file.")
    with pytest.raises(StoreFileChosen), db.reading_copy(open_store):
        pass
    _log_kept_and_write_seen(open_store)


def test_a_store_once_closed_is_a_file_like_any_other(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    db.open_store(path, create=True).close()
    with pytest.raises(FileRefused) as refused:
        detect(path)
    assert "the store Duly has open" not in refused.value.message
    with whole_file(tmp_path / "shop.sqlite-wal") as partial:
        partial.write_bytes(b"")


def test_the_import_command_refuses_its_own_store(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    db.open_store(path, create=True).close()
    done = subprocess.run([sys.executable, "main.py", "--db", str(path), "import", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Duly cannot read shop.sqlite: it is the store Duly has open; choose another " \
           "file." in done.stderr, done.stderr
    assert done.returncode == 2 and "Traceback" not in done.stderr
    db.open_store(path).close()  # whole, and no longer held by the command


def test_the_store_imported_by_mistake_loses_no_write_of_the_nightly_job(
        tmp_path: Path) -> None:
    # The window's process takes its own store for a file to import, then records and
    # the nightly job records beside it, in turn. Before stop 43 the mistaken import
    # dropped SQLite's locks and the job's first close took the log away: 40 of 120
    # writes were lost in 10 rounds. DULY_MISTAKE_ROUNDS: more rounds.
    rounds = int(os.environ.get("DULY_MISTAKE_ROUNDS", "1"))
    for round_ in range(rounds):
        path = tmp_path / f"shop-{round_}.sqlite"
        db.open_store(path, create=True).close()
        store = db.open_store(path)
        confirmed = []
        try:
            for n in range(6):
                with db.writing():
                    Setting.put(f"window {n}", "1")
                confirmed.append(f"window {n}")
                if n == 0:
                    with pytest.raises(FileRefused):
                        detect(path)
                assert nightly_job_writes(path, f"job {n}").stdout.strip() == "True"
                confirmed.append(f"job {n}")
        finally:
            store.close()
        lost = set(confirmed) - kept_setting_keys(path)
        assert not lost, sorted(lost)


def test_an_export_is_never_written_over_a_store_even_a_closed_one(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    db.open_store(path, create=True).close()
    before = digest(path)
    done = subprocess.run([sys.executable, "main.py", "--db", str(path), "overdue", "--format",
                           "xlsx", "--out", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (f"shop.sqlite could not be written in {tmp_path}: it is a "
                                   f"Duly store, which Duly never writes over; choose another "
                                   f"name.")
    assert digest(path) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_a_backup_may_replace_an_older_copy_of_a_store(tmp_path: Path) -> None:
    older = tmp_path / "older-backup.sqlite"
    db.open_store(older, create=True).close()
    with pytest.raises(StoreFileChosen), whole_file(older) as partial:
        partial.write_bytes(b"not a store")
    with whole_file(older, a_store=True) as partial:
        partial.write_bytes(b"a newer copy, as the backup API writes it")
    assert older.read_bytes() == b"a newer copy, as the backup API writes it"


def test_an_export_is_never_written_over_a_device_a_named_pipe_or_a_folder(
        tmp_path: Path) -> None:
    # Replaced, a device (``--out /dev/null`` as root) became an ordinary file; a named
    # pipe opened to read a store's header would have waited for a writer for ever.
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    folder = tmp_path / "folder"
    folder.mkdir()
    for target, said in (
            (pipe, f"pipe could not be written in {tmp_path}: it is a named pipe, not a "
                   f"file; choose a file name."),
            (folder, f"{folder} is a folder, not a file.")):
        with pytest.raises(OSError) as refused, whole_file(target) as partial:
            partial.write_bytes(b"%PDF-1.4")
        assert write_failure_words(refused.value, target) == said
    assert stat.S_ISFIFO(pipe.stat().st_mode) and folder.is_dir()
    assert not list(tmp_path.glob(".*.partial"))  # nothing left beside them
