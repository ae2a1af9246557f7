"""Backups by themselves (issue 17): a backup is one moment of the store even while
another Duly writes, checked once written, kept by a rotation, restored whole (never
one from a newer Duly or a damaged one); everything exports to a ZIP of CSV files; and
the nightly job's commands share the store with a Duly window on the same computer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import db
from models.backup import (
    BackupError,
    BackupSettings,
    Rotation,
    backup_due,
    backups_in,
    backups_to_keep,
    read_backup,
    restore_backup,
    set_backup_settings,
    take_backup,
)
from models.check import check_store
from models.migrations import LATEST_VERSION
from models.schema import ALL_TABLES, Business, Customer, Invoice
from reports.export_all import export_all
from tests.unit.ledger_helpers import customer, invoice

# A backup is of the store's file: a server's store is kept by the server's own backups
# (tests/unit/test_server_store.py says so in words).
pytestmark = pytest.mark.file_only

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 24, 2, 30)

# A second Duly that shares the store as the nightly job does, writing one customer and
# one invoice per transaction until told to stop; it says "open" once it has the store.
_WRITER = """
import sys, datetime as dt
from models import db
from tests.unit.ledger_helpers import customer, invoice
store = db.open_store(sys.argv[1], alongside=True)
print("open", flush=True)
n = 0
while sys.stdin.readline().strip() == "more":
    for _ in range(20):
        n += 1
        with db.writing():
            invoice(customer(f"Writer {n}"), 1000 + n, due_days_ago=10)
    print(n, flush=True)
store.close()
"""


def _counts(path: Path) -> tuple[int, int]:
    summary = read_backup(path)
    assert summary.problem is None, summary.problem
    return summary.customers, summary.invoices


# --- a backup is one moment of the store --------------------------------------------

def test_a_backup_taken_while_another_duly_writes_is_one_whole_moment(
        empty_store: db.Store, tmp_path: Path) -> None:
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(empty_store.path)],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    assert writer.stdin is not None and writer.stdout is not None
    try:
        assert writer.stdout.readline() == "open\n"
        taken = []
        for _ in range(5):
            writer.stdin.write("more\n")
            writer.stdin.flush()
            taken.append(take_backup(empty_store.path, NOW + dt.timedelta(days=len(taken)),
                                     tmp_path / "backups"))
            written = int(writer.stdout.readline())
        writer.stdin.write("stop\n")
        writer.stdin.flush()
    finally:
        writer.communicate(timeout=60)
    assert writer.returncode == 0
    for backup in taken:
        customers, invoices = _counts(backup.path)
        assert customers == invoices <= written  # each transaction whole, or not at all
    empty_store.close()
    # The copy is a sound store by every check Duly has.
    copy = db.open_store(taken[-1].path)
    try:
        assert check_store() == []
    finally:
        copy.close()


def test_a_backup_is_named_for_its_moment_and_put_in_the_folder_set(
        empty_store: db.Store, tmp_path: Path) -> None:
    chosen = tmp_path / "usb stick"
    set_backup_settings(BackupSettings(chosen, Rotation()))
    taken = take_backup(empty_store.path, NOW)
    assert taken.path == chosen / "store-backup-2026-11-24-023000.sqlite"
    assert backups_in(chosen, empty_store.path)[0].taken_at == NOW
    assert not backup_due(empty_store.path, NOW + dt.timedelta(hours=23))
    assert backup_due(empty_store.path, NOW + dt.timedelta(days=1))


def test_the_rotation_removes_only_what_it_no_longer_keeps(
        empty_store: db.Store, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    set_backup_settings(BackupSettings(folder, Rotation(daily=2, weekly=0, monthly=0)))
    stranger = folder / "holiday-photos.sqlite"
    for day in range(4):
        taken = take_backup(empty_store.path, NOW + dt.timedelta(days=day))
        stranger.write_text("not Duly's")
    assert [b.taken_at for b in backups_in(folder, empty_store.path)] == \
        [NOW + dt.timedelta(days=3), NOW + dt.timedelta(days=2)]
    assert taken.removed == (folder / "store-backup-2026-11-25-023000.sqlite",)
    assert stranger.exists()


def test_backup_settings_refuse_nonsense(empty_store: db.Store) -> None:
    with pytest.raises(db.Refusal, match="whole number from 0 to 1000"):
        set_backup_settings(BackupSettings(None, Rotation(daily=-1)))
    with pytest.raises(db.Refusal, match="full path"):
        set_backup_settings(BackupSettings(Path("relative"), Rotation()))


# --- the rotation, at its boundaries ------------------------------------------------

_times = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 31))


@settings(max_examples=300, deadline=None)
@given(st.lists(_times, max_size=60), st.integers(0, 9), st.integers(0, 6),
       st.integers(0, 14))
def test_the_rotation_keeps_the_newest_of_each_latest_period(
        taken: list[dt.datetime], daily: int, weekly: int, monthly: int) -> None:
    kept = backups_to_keep(taken, Rotation(daily, weekly, monthly))
    assert kept <= set(taken)
    if taken:
        assert max(taken) in kept
    for count, period in ((daily, lambda t: t.date()),
                          (weekly, lambda t: t.isocalendar()[:2]),
                          (monthly, lambda t: (t.year, t.month))):
        latest = sorted({period(t) for t in taken}, reverse=True)[:count]
        for each in latest:  # the newest of each of the latest periods is kept
            assert max(t for t in taken if period(t) == each) in kept
    # Nothing else: each kept one is the newest of one of those periods, or of all.
    periods = [(sorted({p(t) for t in taken}, reverse=True)[:n], p) for n, p in
               ((daily, lambda t: t.date()), (weekly, lambda t: t.isocalendar()[:2]),
                (monthly, lambda t: (t.year, t.month)))]
    for time in kept - {max(taken, default=None)}:
        assert any(p(time) in latest and time == max(t for t in taken if p(t) == p(time))
                   for latest, p in periods)
    assert len(kept) <= max(1, daily + weekly + monthly) + 1


def test_the_rotation_at_a_week_month_and_year_boundary() -> None:
    # Sunday 31 December 2023 23:59 and Monday 1 January 2024 00:00: another day, ISO
    # week, month and year, a minute apart.
    sunday, monday = dt.datetime(2023, 12, 31, 23, 59), dt.datetime(2024, 1, 1, 0, 0)
    earlier_sunday = dt.datetime(2023, 12, 31, 8, 0)
    taken = [earlier_sunday, sunday, monday]
    assert backups_to_keep(taken, Rotation(1, 0, 0)) == {monday}
    assert backups_to_keep(taken, Rotation(2, 0, 0)) == {monday, sunday}
    assert backups_to_keep(taken, Rotation(0, 2, 0)) == {monday, sunday}
    assert backups_to_keep(taken, Rotation(0, 0, 2)) == {monday, sunday}
    # ISO week 52 of 2024 ends on Sunday 29 December; 30 December 2024 is week 1 of 2025.
    week_end, new_week = dt.datetime(2024, 12, 29, 12), dt.datetime(2024, 12, 30, 12)
    assert backups_to_keep([week_end, new_week], Rotation(0, 1, 0)) == {new_week}
    assert backups_to_keep([week_end, new_week], Rotation(0, 0, 1)) == {new_week}
    assert backups_to_keep([], Rotation()) == set()


# --- restoring ----------------------------------------------------------------------

def test_a_restore_brings_back_exactly_the_backups_counts(
        empty_store: db.Store, tmp_path: Path) -> None:
    for n in range(3):
        invoice(customer(f"Before {n}"), 5000, due_days_ago=20)
    backup = take_backup(empty_store.path, NOW, tmp_path / "b").path
    for n in range(4):
        invoice(customer(f"After {n}"), 700, due_days_ago=5)
    path = empty_store.path
    empty_store.close()
    restored = restore_backup(backup, path, NOW + dt.timedelta(hours=1))
    assert (restored.summary.customers, restored.summary.invoices) == (3, 3)
    assert restored.summary.open_minor == (("GBP", 15000),)
    store = db.open_store(path)
    try:
        assert (Customer.select().count(), Invoice.select().count()) == (3, 3)
        assert check_store() == []
    finally:
        store.close()
    kept = db.open_store(restored.kept_copy)  # the store as it was before, kept
    try:
        assert Customer.select().count() == 7
    finally:
        kept.close()


def test_a_backup_from_a_newer_duly_is_refused_and_the_store_left_alone(
        empty_store: db.Store, tmp_path: Path) -> None:
    backup = take_backup(empty_store.path, NOW, tmp_path / "b").path
    with sqlite3.connect(backup) as newer:
        newer.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    newer.close()
    path = empty_store.path
    empty_store.close()
    before = path.read_bytes()
    summary = read_backup(backup)
    assert summary.problem is not None and "newer version of Duly" in summary.problem
    with pytest.raises(BackupError, match="Update Duly to restore it"):
        restore_backup(backup, path, NOW)
    assert path.read_bytes() == before


def test_a_damaged_backup_is_refused(empty_store: db.Store, tmp_path: Path) -> None:
    for n in range(30):
        invoice(customer(f"Customer {n}"), 5000, due_days_ago=20)
    backup = take_backup(empty_store.path, NOW, tmp_path / "b").path
    data = bytearray(backup.read_bytes())
    data[4096 * 3: 4096 * 3 + 600] = b"\xff" * 600  # a page scribbled over
    backup.write_bytes(bytes(data))
    path = empty_store.path
    empty_store.close()
    with pytest.raises(BackupError, match="is damaged"):
        restore_backup(backup, path, NOW)
    not_a_backup = tmp_path / "notes.sqlite"
    not_a_backup.write_text("shopping list")
    assert "not a copy of a Duly store" in str(read_backup(not_a_backup).problem)


def test_a_damaged_store_is_restored_whole_and_kept_as_it_was(
        empty_store: db.Store, tmp_path: Path) -> None:
    for n in range(40):
        invoice(customer(f"Customer {n}"), 5000, due_days_ago=20)
    backup = take_backup(empty_store.path, NOW, tmp_path / "b").path
    path = empty_store.path
    empty_store.close()
    with path.open("r+b") as handle:  # pages in the middle zeroed
        handle.seek(4096 * 4)
        handle.write(bytes(8192))
    with pytest.raises(db.StoreDamaged) as refused:
        db.open_store(path)
    assert "File, Restore" in refused.value.message  # the advice names the way back
    restored = restore_backup(backup, path, NOW)
    assert "damaged" in restored.kept_copy.name and restored.kept_copy.exists()
    store = db.open_store(path)
    try:
        assert Customer.select().count() == 40
        assert check_store() == []
    finally:
        store.close()


# --- the headless commands, and the window's store shared ----------------------------

def _duly(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_the_nightly_backup_shares_the_store_with_a_duly_on_this_computer(
        empty_store: db.Store, tmp_path: Path) -> None:
    invoice(customer(), 1234, due_days_ago=3)
    path = str(empty_store.path)
    backed = _duly("--db", path, "backup", "--to", str(tmp_path / "nightly"))
    assert backed.returncode == 0, backed.stderr
    assert "(checked)" in backed.stdout
    [backup] = backups_in(tmp_path / "nightly", empty_store.path)
    assert _counts(backup.path) == (1, 1)
    # A command the nightly job does not run is still refused, as is a restore.
    logged = _duly("--db", path, "log", "C-1", "--summary", "Called")
    assert logged.returncode == 2 and "already open in another Duly" in logged.stderr
    restored = _duly("--db", path, "restore", str(backup.path))
    assert restored.returncode == 2 and "already open in another Duly" in restored.stderr


def test_a_store_held_by_a_duly_on_another_computer_is_refused(
        empty_store: db.Store, tmp_path: Path) -> None:
    [holder] = empty_store.path.parent.glob(".duly-*.holder")
    holder.write_text(json.dumps({"host": "office-pc", "pid": 4242}))
    backed = _duly("--db", str(empty_store.path), "backup", "--to", str(tmp_path / "b"))
    assert backed.returncode == 2
    assert "open in another Duly, on the computer office-pc" in backed.stderr
    assert not (tmp_path / "b").exists()


def test_the_window_notices_only_another_processes_writes(empty_store: db.Store) -> None:
    watch = db.OtherWrites()
    # Numbered apart from the writer's (its numbers count from T-000001 in its process).
    invoice(customer("Ours"), 100, due_days_ago=1, number="OURS-1")
    assert not watch.happened()
    writer = subprocess.run([sys.executable, "-c", _WRITER, str(empty_store.path)], cwd=ROOT,
                            input="more\nstop\n", capture_output=True, text=True, timeout=120)
    assert writer.returncode == 0, writer.stderr
    assert watch.happened()
    assert not watch.happened()  # told once


# --- exporting everything -----------------------------------------------------------

def test_the_export_reads_back_to_the_same_rows(demo_store: db.Store, tmp_path: Path) -> None:
    with db.writing():  # the business's logo: a file the store keeps
        Business.update(logo=b"\x89PNG logo bytes", logo_type="png").execute()
    target = tmp_path / "everything.zip"
    summary = export_all(target)
    with zipfile.ZipFile(target) as archive:
        assert "_minor are amounts of money in minor units" in \
            archive.read("README.txt").decode()
        for model in ALL_TABLES:
            table = model._meta.table_name
            fields = model._meta.sorted_fields
            text = archive.read(f"{table}.csv").decode("utf-8")
            header, *rows = list(csv.reader(io.StringIO(text)))
            assert header == [f.column_name for f in fields]
            stored = db.database.execute(model.select(*fields).order_by(
                model._meta.primary_key)).fetchall()
            assert len(rows) == len(stored) == summary.rows[table]
            for read, row in zip(rows, stored, strict=True):
                expected = []
                for cell, value in zip(read, row, strict=True):
                    if isinstance(value, bytes):
                        assert archive.read(cell) == value
                        continue
                    expected.append(("" if value is None else str(value), cell))
                assert all(a == b for a, b in expected)
    assert summary.rows["invoice"] == Invoice.select().count() > 0
