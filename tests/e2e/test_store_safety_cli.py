"""The command line on a store in trouble: a demo cut short, a full disk, a named pipe."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models import db
from models.check import check_store
from models.company import create_business
from models.schema import Interaction
from tests.e2e.test_cli import duly
from tests.helpers import digest, fill_disk
from tests.unit.ledger_helpers import customer, invoice

ROOT = Path(__file__).resolve().parents[2]


def test_a_demo_killed_half_way_leaves_no_store_and_can_be_run_again(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    child = subprocess.Popen([sys.executable, "main.py", "--db", str(path), "demo",
                              "--customers", "2000", "--as-of", "2026-11-24"],
                             cwd=ROOT, stderr=subprocess.PIPE)
    assert child.stderr is not None
    said = b""
    try:
        while b"Creating customers: 250 of 2,000" not in said:  # a first part is written
            read = os.read(child.stderr.fileno(), 256)
            assert read, said.decode()
            said += read
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    assert not path.exists()
    again = duly("--db", str(path), "demo", "--customers", "5", "--as-of", "2026-11-24")
    assert again.returncode == 0, again.stderr
    assert "5 customers" in again.stdout
    checked = duly("--db", str(path), "check")
    assert checked.returncode == 0 and "all checks passed" in checked.stdout


# No room at all (the store opens for reading only), or room for the log's index but not
# for the write itself (SQLite's commit fails, and rolls back by itself).
@pytest.mark.parametrize("pages_left", [0, 9])
def test_a_full_disk_still_reads_and_refuses_a_write_in_plain_words(
        small_disk: Path, pages_left: int) -> None:
    path = small_disk / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        invoice(customer("Quayside Cafe"), 12_000, due_days_ago=40, number="INV-7")
    finally:
        store.close()
    filler = fill_disk(small_disk)
    os.truncate(filler, filler.stat().st_size - pages_left * 4096)

    overdue = duly("--db", str(path), "overdue", "--as-of", "2026-11-24")
    assert overdue.returncode == 0, overdue.stderr
    assert "Quayside Cafe" in overdue.stdout
    checked = duly("--db", str(path), "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "all checks passed" in checked.stdout

    logged = duly("--db", str(path), "log", "Quayside Cafe", "--kind", "call",
                  "--summary", "Promised to pay on Friday")
    assert logged.returncode == 2
    assert f"The disk holding {small_disk} " in logged.stderr
    assert re.search(r"Free at least \d+ MB there", logged.stderr)
    assert "Traceback" not in logged.stderr and "did not expect" not in logged.stderr
    assert ("open for reading only" in logged.stderr) == (pages_left == 0)

    filler.unlink()
    store = db.open_store(path)
    try:
        assert check_store() == []
        assert Interaction.select().count() == 0
    finally:
        store.close()
    logged = duly("--db", str(path), "log", "Quayside Cafe", "--kind", "call",
                  "--summary", "Promised to pay on Friday")
    assert logged.returncode == 0, logged.stderr


def test_a_named_pipe_given_as_the_store_is_named_for_what_it_is(tmp_path: Path) -> None:
    pipe = tmp_path / "duly.sqlite"
    os.mkfifo(pipe)
    result = duly("--db", str(pipe), "check")
    assert result.returncode == 2
    assert "not a file Duly can use: it is a named pipe" in result.stderr


# --- a damaged store is refused by every command, with how to restore it ------------------

def _damaged_demo(tmp_path: Path, damage: str) -> Path:
    store = tmp_path / "demo.sqlite"
    assert duly("--db", str(store), "demo", "--customers", "40").returncode == 0
    size = store.stat().st_size
    if damage == "zeroed":
        with store.open("r+b") as handle:  # 8 KB of pages in the middle gone
            handle.seek(size // 2 - (size // 2) % 4096)
            handle.write(bytes(8192))
    else:
        os.truncate(store, size - 1)  # cut short by one byte
    return store


@pytest.mark.parametrize("damage", ["zeroed", "cut short"])
def test_every_command_refuses_a_damaged_store_and_says_how_to_restore_it(
        tmp_path: Path, damage: str) -> None:
    store = _damaged_demo(tmp_path, damage)
    before = digest(store)

    for command in (["log", "C00001", "--summary", "Called, no answer"], ["overdue"],
                    ["today"], ["check"]):
        result = duly("--db", str(store), *command)
        said = result.stdout + result.stderr
        assert result.returncode != 0, (command, said)
        assert "Traceback" not in said
        assert "Restore it from a backup" in said and f"move demo.sqlite out of {tmp_path}" in said
        assert "Recorded" not in said
    assert digest(store) == before


def test_reading_goes_on_while_another_program_writes_and_check_says_busy(
        tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    assert duly("--db", str(path), "demo", "--customers", "5",
                "--as-of", "2026-11-24").returncode == 0
    other = sqlite3.connect(path, isolation_level=None)  # another program, mid-write
    try:
        other.execute("UPDATE customer SET notes = 'seen' WHERE id = 1")  # left in the log
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE customer SET notes = notes || '' WHERE id = 1")
        listed = duly("--db", str(path), "overdue", "--as-of", "2026-11-24")
        assert listed.returncode == 0, listed.stderr
        assert "Total overdue" in listed.stdout
        checked = duly("--db", str(path), "check")
        assert checked.returncode == 2
        assert "busy" in checked.stderr and "damaged" not in checked.stderr
    finally:
        other.execute("ROLLBACK")
        other.close()
