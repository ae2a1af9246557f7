"""``duly overdue`` asked again, with nothing changed, is answered from what it kept
beside the store, without opening it; anything it came from changing, or a Duly holding
the store, and the store is read (or refused) as ever (models.kept_answers)."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models import db, store_state
from models.accounts import overdue_accounts
from models.checked_whole import forget_whole
from models.kept_answers import keep_answer, kept_answer
from models.ledger import record_payment
from models.schema import Customer, Setting
from models.store_state import state_of
from reports.accounts_export import overdue_table

ROOT = Path(__file__).resolve().parents[2]

# Duly as its entry point runs it, the store made seconds ago taken as settled (the file
# times' tick rule has its own test, in test_checked_whole).
_DULY = ("import models.store_state as state\n"
         "state.SETTLED_NS = 0\n"
         "import main\n"
         "main.run()\n")


def _duly(store: Path, *words: str, importtime: bool = False) -> subprocess.CompletedProcess[str]:
    timed = ["-X", "importtime"] if importtime else []
    return subprocess.run([sys.executable, *timed, "-c", _DULY, "--db", str(store), *words],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def _imported(done: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:")}


def test_the_overdue_list_asked_again_is_answered_without_opening_the_store(
        demo_file: Path) -> None:
    store = db.open_store(demo_file)
    try:  # a name an old store may hold, which must not clear the screen either time
        owing = overdue_accounts(dt.date.today())[0].customer_id
        Customer.update(name="Evil \x1b[2J Ltd").where(Customer.id == owing).execute()
    finally:
        store.close()
    first = _duly(demo_file, "overdue", importtime=True)
    again = _duly(demo_file, "overdue", importtime=True)
    assert first.returncode == again.returncode == 0
    assert first.stdout.startswith("Overdue accounts as of") and again.stdout == first.stdout
    assert "Evil \\x1b[2J Ltd" in again.stdout and "\x1b" not in again.stdout
    assert "peewee" in _imported(first)
    assert not {"peewee", "models.db", "sqlite3"} & _imported(again)
    as_csv = _duly(demo_file, "overdue", "--format", "csv")  # its own question
    assert as_csv.returncode == 0 and as_csv.stdout.startswith('"Code","Customer"')
    assert _duly(demo_file, "overdue").stdout == first.stdout  # both kept


def test_a_payment_recorded_since_shows_in_the_next_answer(demo_file: Path) -> None:
    before = _duly(demo_file, "overdue").stdout
    assert _duly(demo_file, "overdue").stdout == before  # answered from what was kept
    today = dt.date.today()
    store = db.open_store(demo_file)
    try:
        owing = overdue_accounts(today)[0]
        record_payment(owing.customer_id, received_on=today, amount_minor=owing.overdue_minor)
        expected = overdue_table(overdue_accounts(today), today)
    finally:
        store.close()
    after = _duly(demo_file, "overdue")
    assert after.returncode == 0
    assert after.stdout == expected != before


def test_a_store_held_by_a_duly_is_refused_as_ever_though_an_answer_is_kept(
        demo_file: Path) -> None:
    assert _duly(demo_file, "overdue").returncode == 0
    store = db.open_store(demo_file)  # held here, as a window holds it
    try:
        held = _duly(demo_file, "overdue")
    finally:
        store.close()
    assert (held.returncode, held.stdout) == (2, "")
    assert "already open in another Duly" in held.stderr


def test_a_kept_answer_for_a_reader_that_is_gone_ends_quietly(demo_file: Path) -> None:
    assert _duly(demo_file, "overdue").returncode == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # no reader: as `duly overdue | true` once true has ended
    try:
        done = subprocess.run([sys.executable, "-c", _DULY, "--db", str(demo_file), "overdue"],
                              cwd=ROOT, stdout=write_end, stderr=subprocess.PIPE, text=True,
                              timeout=120)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_state, "SETTLED_NS", 0)


@pytest.fixture
def closed_store(store_path: Path) -> Path:
    db.open_store(store_path, create=True).close()
    return store_path


_ASKED = ("2026-12-02", "--db", "s.sqlite", "overdue")


def test_an_answer_is_given_only_on_the_day_and_to_the_command_line_it_was_asked(
        closed_store: Path, settled: None) -> None:
    keep_answer(closed_store, _ASKED, state_of(closed_store), "the list\n")
    assert kept_answer(closed_store, _ASKED) == "the list\n"
    assert kept_answer(closed_store, ("2026-12-03", *_ASKED[1:])) is None  # the next day
    assert kept_answer(closed_store, (*_ASKED, "--all")) is None


def test_a_store_written_in_the_tick_of_its_reading_keeps_no_answer(closed_store: Path) -> None:
    keep_answer(closed_store, _ASKED, state_of(closed_store), "the list\n")
    assert kept_answer(closed_store, _ASKED) is None  # made a moment ago: not settled


def test_an_answer_read_before_a_write_is_not_kept(closed_store: Path, settled: None) -> None:
    read = state_of(closed_store)
    store = db.open_store(closed_store)
    try:
        Setting.insert_many([{"key": f"a test {n}", "value": '"' + "x" * 200 + '"'}
                             for n in range(2_000)]).execute()
    finally:
        store.close()
    keep_answer(closed_store, _ASKED, read, "the list before the payment\n")
    assert kept_answer(closed_store, _ASKED) is None


def test_damage_found_forgets_the_answers(closed_store: Path, settled: None) -> None:
    keep_answer(closed_store, _ASKED, state_of(closed_store), "the list\n")
    forget_whole(closed_store)
    assert kept_answer(closed_store, _ASKED) is None


def test_an_answer_kept_by_a_program_since_changed_is_not_given(
        closed_store: Path, settled: None, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "duly_probe_part.py"
    module.write_text("PART = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "duly_probe_part", raising=False)
    importlib.import_module("duly_probe_part")  # a part of the program that keeps
    keep_answer(closed_store, _ASKED, state_of(closed_store), "the list\n")
    assert kept_answer(closed_store, _ASKED) == "the list\n"
    module.write_text("PART = 2  # a new version\n", encoding="utf-8")
    assert kept_answer(closed_store, _ASKED) is None
    monkeypatch.delitem(sys.modules, "duly_probe_part")


@pytest.mark.parametrize("written", [b"\x00\xff not json", b'{"state": 1}', b"[]",
                                     b'{"state": [], "program": 7, "answers": {}}'])
def test_a_damaged_answers_file_is_asked_afresh_and_then_kept_whole(
        closed_store: Path, settled: None, written: bytes) -> None:
    beside = closed_store.with_name(f".duly-{closed_store.stat().st_ino}.answers")
    beside.write_bytes(written)
    assert kept_answer(closed_store, _ASKED) is None
    keep_answer(closed_store, _ASKED, state_of(closed_store), "the list\n")
    assert kept_answer(closed_store, _ASKED) == "the list\n"


def test_the_answers_of_a_store_deleted_by_hand_go_when_its_folder_is_next_used(
        closed_store: Path, settled: None, tmp_path: Path) -> None:
    gone = tmp_path / "old.sqlite"
    db.open_store(gone, create=True).close()
    keep_answer(gone, _ASKED, state_of(gone), "Late Ltd owes 100.00\n")
    beside = gone.with_name(f".duly-{gone.stat().st_ino}.answers")
    assert beside.exists()
    for companion in tmp_path.glob("old.sqlite*"):
        companion.unlink()  # the store deleted in a file manager, its hidden files left
    keep_answer(closed_store, _ASKED, state_of(closed_store), "the list\n")
    assert not beside.exists()
    assert kept_answer(closed_store, _ASKED) == "the list\n"
    orphan = beside.with_name(".duly-1.answers")  # no file in the folder has inode 1
    orphan.write_text("{}", encoding="utf-8")
    db.open_store(closed_store).close()
    assert not orphan.exists()
    assert kept_answer(closed_store, _ASKED) == "the list\n"


def test_an_answer_that_does_not_fit_on_the_disk_is_not_kept_and_leaves_nothing(
        small_disk: Path, settled: None) -> None:
    store = small_disk / "store.sqlite"
    db.open_store(store, create=True).close()
    keep_answer(store, _ASKED, state_of(store), "x" * 8_000_000)  # the disk holds 4 MB
    assert kept_answer(store, _ASKED) is None
    assert not [p for p in small_disk.iterdir() if p.name.endswith((".answers", ".partial"))]
    keep_answer(store, _ASKED, state_of(store), "the list\n")  # room for this one
    assert kept_answer(store, _ASKED) == "the list\n"
