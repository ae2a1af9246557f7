"""The lock a headless Duly shares the store under (issue 17): shared while the nightly
job's commands work beside the window, exclusive for a Duly taking the store over, and
never waiting. These run on every platform the Windows workflow builds for too; there
the POSIX tests below exercise the real ``LockFileEx``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from models import db
from tests.helpers import kept_setting_keys, nightly_job_writes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def guests(tmp_path: Path) -> Path:
    """Where a store's guests' lock would be."""
    return tmp_path / ".duly-1.guests"


def _take(path: Path, *, shared: bool, held: list[int]) -> bool:
    handle = db._lock_without_waiting(path, shared=shared)
    if handle is None:
        return False
    held.append(handle)
    return True


def test_guests_share_the_lock_and_a_new_holder_waits_for_none_of_them(guests: Path) -> None:
    held: list[int] = []
    try:
        assert _take(guests, shared=True, held=held)
        assert _take(guests, shared=True, held=held)  # two nightly commands at once
        assert not _take(guests, shared=False, held=held)  # refused at once, not awaited
        os.close(held.pop())
        assert not _take(guests, shared=False, held=held)  # one guest still works
        os.close(held.pop())
        assert _take(guests, shared=False, held=held)  # the last guest has gone
        assert not _take(guests, shared=True, held=held)  # no guest joins meanwhile
    finally:
        for handle in held:
            os.close(handle)


# A second process holding a shared lock until told to let it go (it says so once it has).
_GUEST = """
import os, sys
from pathlib import Path
from models import db
handle = db._lock_without_waiting(Path(sys.argv[1]), shared=True)
print("held" if handle is not None else "refused", flush=True)
sys.stdin.readline()
os.close(handle)
print("released", flush=True)
sys.stdin.read()
"""


def test_a_lock_held_by_another_process_refuses_the_other_kind(guests: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", _GUEST, str(guests)],
                               cwd=Path(__file__).resolve().parents[2], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdin is not None and process.stdout is not None
    held: list[int] = []
    try:
        assert process.stdout.readline() == "held\n"
        assert not _take(guests, shared=False, held=held)
        assert _take(guests, shared=True, held=held)
        os.close(held.pop())
        process.stdin.write("let go\n")
        process.stdin.flush()
        assert process.stdout.readline() == "released\n"
        assert _take(guests, shared=False, held=held)  # its lock went with its descriptor
    finally:
        process.communicate("", timeout=30)
        for handle in held:
            os.close(handle)


def test_a_process_that_has_ended_no_longer_holds_the_store() -> None:
    assert db._alive(os.getpid())
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    assert not db._alive(int(ended.stdout))


def test_commands_beside_a_checked_store_leave_its_log_and_lose_no_write(
        tmp_path: Path) -> None:
    # The holder (a window) checks its store for damage as it opens it; nightly commands
    # then write beside it, each closing in turn, while the holder writes too. Had the
    # check opened the file a second time, the holder's SQLite locks would be gone (POSIX
    # drops a process's locks on any close of the file), and the first command to close,
    # finding itself alone, would take the log away from under the holder: the holder
    # would no longer see the commands' writes, and closing would write its own log over
    # them (18 of 40 writes lost in 20 rounds before stop 42). DULY_BESIDE_ROUNDS: more.
    from models.schema import Setting

    rounds = int(os.environ.get("DULY_BESIDE_ROUNDS", "3"))
    path = tmp_path / "shop.sqlite"
    db.open_store(path, create=True).close()
    store = db.open_store(path)  # not new: its damage check runs
    try:
        assert db.verify_store(path) is None  # as the window's own check, once open
        for n in range(rounds):
            with db.writing():
                Setting.put(f"holder {n}", "1")
            ran = nightly_job_writes(path, f"command {n}")
            assert ran.stdout.strip() == "True", ran.stderr  # shared, written, closed
            assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
            assert Setting.get_or_none(Setting.key == f"command {n}") is not None
    finally:
        store.close()
    assert {f"{who} {n}" for n in range(rounds) for who in ("holder", "command")} \
        <= kept_setting_keys(path)


# --- the Windows branch's choice, where Windows does not run ---------------------------
# ``_windows_lock`` asks LockFileEx through a parameter: the thin seam by which these
# tests give it a model of Windows' rules (winbase.h: a shared lock unless
# LOCKFILE_EXCLUSIVE_LOCK; wait unless LOCKFILE_FAIL_IMMEDIATELY). Only the call to
# Windows itself is stood in for; on Windows the tests above run the real one.

class _WindowsByteLocks:
    """Windows' locks on one byte of one file, by handle, as LockFileEx keeps them."""

    def __init__(self) -> None:
        self.locks: dict[int, bool] = {}  # handle: exclusive

    def lock_file_ex(self, handle: int, flags: int) -> bool:
        assert flags & db._LOCKFILE_FAIL_IMMEDIATELY, "a lock Duly takes never waits"
        exclusive = bool(flags & db._LOCKFILE_EXCLUSIVE_LOCK)
        others = [kind for other, kind in self.locks.items() if other != handle]
        if any(others) or (exclusive and others):
            return False  # ERROR_LOCK_VIOLATION
        self.locks[handle] = exclusive
        return True


def test_on_windows_guests_take_shared_locks_and_a_new_holder_an_exclusive_one() -> None:
    windows = _WindowsByteLocks()

    def take(handle: int, *, shared: bool) -> bool:
        return db._windows_lock(handle, shared=shared, lock_file_ex=windows.lock_file_ex)

    assert take(1, shared=True) and take(2, shared=True)
    assert windows.locks == {1: False, 2: False}
    assert not take(3, shared=False)
    del windows.locks[1], windows.locks[2]  # both handles closed
    assert take(3, shared=False)
    assert windows.locks[3] is True
    assert not take(4, shared=True)
