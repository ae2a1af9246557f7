"""A Duly killed while it copies its log into the store file, or while it backs the
store up, loses nothing it said was saved and never leaves a log it would refuse."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models import db
from models.check import check_store
from models.schema import Customer
from models.wal import Journal, judge_journal
from tests.unit.crash_writer import BULK_NOTES

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINT_KILLS = 20
BACKUP_KILLS = 10


def _spin(rng: random.Random, most: int) -> None:
    for _ in range(rng.randint(0, most)):
        pass


def _kill_in_a_checkpoint(path: Path, run: int, rng: random.Random) -> list[str]:
    """Start a bulk writer and SIGKILL it a random moment after one of its first
    checkpoints began; returns the batches it confirmed."""
    child = subprocess.Popen([sys.executable, "-m", "tests.unit.crash_writer", str(path),
                              str(run), "bulk"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    confirmed: list[str] = []
    target, seen = rng.randint(1, 4), 0
    try:
        while seen < target:
            line = child.stdout.readline()
            assert line, "the writer stopped on its own"
            if line == "checkpoint\n":
                seen += 1
            else:
                confirmed.append(line.strip())
        _spin(rng, 30_000)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    return confirmed


@pytest.mark.slow
def test_writers_killed_in_their_checkpoints_lose_nothing_and_leave_their_own_log(
        tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    rng = random.Random(20261203)
    confirmed: list[str] = []
    for run in range(CHECKPOINT_KILLS):
        confirmed += _kill_in_a_checkpoint(path, run, rng)
        # Never refused: its own log continues the file, or the file alone, caught half
        # copied, cannot be read without it (then SQLite applies it, as it must).
        assert judge_journal(path) not in (Journal.FOREIGN, Journal.DAMAGED)
    store = db.open_store(path)
    try:
        assert check_store() == []
        batches = {c.code: c.notes for c in Customer.select()}
        assert set(confirmed) <= set(batches)
        for code, notes in batches.items():  # confirmed or not: whole or absent
            assert notes == f"{code} " + "x" * BULK_NOTES, code
    finally:
        store.close()


def _bulk_store(path: Path, batches: int = 12) -> None:
    """A store of some megabytes, so that a backup takes a while."""
    child = subprocess.Popen([sys.executable, "-m", "tests.unit.crash_writer", str(path),
                              "0", "bulk"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    try:
        names = (line for line in child.stdout if line != "checkpoint\n")
        for _ in range(batches):
            assert next(names)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()


_BACK_UP = ("import sys; from pathlib import Path; from models import db; "
            "s = db.open_store(sys.argv[1]); print('backing up', flush=True); "
            "db.backup_store(Path(sys.argv[2])); print('done', flush=True); s.close()")


def _whole(copy: Path) -> int:
    """The customers of a copy that SQLite finds whole (fails the test otherwise)."""
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(connection.execute("SELECT count(*) FROM customer").fetchone()[0])
    finally:
        connection.close()


@pytest.mark.slow
def test_a_backup_killed_half_way_leaves_the_store_whole_and_no_half_copy(
        tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    rng = random.Random(3122026)
    _bulk_store(path)
    customers = _whole(path)
    for run in range(BACKUP_KILLS):
        target = tmp_path / f"backup-{run}.sqlite"
        child = subprocess.Popen([sys.executable, "-c", _BACK_UP, str(path), str(target)],
                                 cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        try:
            assert child.stdout.readline() == "backing up\n"
            _spin(rng, 200_000)
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
            child.stdout.close()
        if target.exists():  # a copy under the name asked for is a whole one
            assert _whole(target) == customers
    store = db.open_store(path)
    try:
        assert check_store() == []
        assert Customer.select().count() == customers
    finally:
        store.close()
