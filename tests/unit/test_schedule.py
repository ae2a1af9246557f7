"""The nightly job (issue 17): its systemd user units run the installed Duly on the store,
sending then backing up; a computer without systemd is told so in words; each scheduled
command's last run is kept for the window to show."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from models import db
from models.errors import LedgerError
from models.schedule import (
    ScheduleError,
    install_nightly_job,
    last_runs,
    nightly_units,
    record_run,
    remove_nightly_job,
    scheduled_run,
    user_unit_folder,
)
from tests.unit.imports.exports import XERO_INVOICE_HEADER, write_csv, xero_line
from tests.unit.ledger_helpers import customer, invoice

ROOT = Path(__file__).resolve().parents[2]
AT = dt.datetime(2026, 11, 24, 2, 30)


def test_the_units_send_then_back_up_each_night_on_the_store() -> None:
    store = Path("/home/ann/My Business/100% duly.sqlite")
    units = nightly_units(["/usr/bin/duly"], store, dt.time(1, 15))
    service, timer = units["duly-nightly.service"], units["duly-nightly.timer"]
    assert service.splitlines()[-2:] == [
        'ExecStart=-"/usr/bin/duly" "--db" "/home/ann/My Business/100%% duly.sqlite" '
        '"send" "--due"',
        'ExecStart=-"/usr/bin/duly" "--db" "/home/ann/My Business/100%% duly.sqlite" '
        '"backup"']
    assert "Type=oneshot" in service
    assert "OnCalendar=*-*-* 01:15:00" in timer and "Persistent=true" in timer
    assert "WantedBy=timers.target" in timer


def test_without_systemctl_the_user_is_told_in_words(tmp_path: Path) -> None:
    with pytest.raises(ScheduleError, match="has no systemd"):
        install_nightly_job(tmp_path / "duly.sqlite", folder=tmp_path / "units",
                            systemctl="no-such-systemctl")
    assert not (tmp_path / "units").exists()


@pytest.mark.skipif(shutil.which("systemctl") is None or not sys.platform.startswith("linux"),
                    reason="needs systemctl")
def test_the_units_are_written_and_handed_to_systemd(tmp_path: Path) -> None:
    folder = tmp_path / "systemd" / "user"
    try:
        said = install_nightly_job(tmp_path / "duly.sqlite", folder=folder)
    except ScheduleError as error:  # no user session bus here: said in words
        assert "systemd did not take it" in error.message
    else:
        assert "every day at 02:30" in said
    assert sorted(p.name for p in folder.iterdir()) == ["duly-nightly.service",
                                                        "duly-nightly.timer"]


def test_each_commands_last_run_is_kept(empty_store: db.Store) -> None:
    assert last_runs() == []
    record_run("backup", dt.datetime(2026, 11, 24, 2, 30), succeeded=True,
               outcome="Backed up to /backups/x.sqlite")
    record_run("send --due", dt.datetime(2026, 11, 24, 2, 29), succeeded=False,
               outcome="Sent 1 e-mail; 1 not sent")
    record_run("backup", dt.datetime(2026, 11, 25, 2, 30), succeeded=True, outcome="Again")
    runs = last_runs()
    assert [(r.command, r.at.day, r.succeeded, r.outcome) for r in runs] == [
        ("backup", 25, True, "Again"), ("send --due", 24, False, "Sent 1 e-mail; 1 not sent")]


# --- every scheduled command records its run through one function --------------------

def test_a_run_records_the_outcome_its_command_gives(empty_store: db.Store) -> None:
    with scheduled_run("letters --due", clock=lambda: AT) as run:
        run.succeeded, run.outcome = False, "Wrote 2 letters; 1 not printed."
    [recorded] = last_runs()
    assert (recorded.command, recorded.at, recorded.succeeded, recorded.outcome) == (
        "letters --due", AT, False, "Wrote 2 letters; 1 not printed.")


def test_a_run_ended_by_an_error_is_recorded_as_failed_in_words(
        empty_store: db.Store, tmp_path: Path) -> None:
    with pytest.raises(LedgerError), scheduled_run("import", clock=lambda: AT):
        raise LedgerError("file", "Invoices.csv is empty.")
    target = tmp_path / "no such folder" / "letters.pdf"
    with pytest.raises(FileNotFoundError), \
            scheduled_run("letters --due", target=target, clock=lambda: AT):
        target.write_bytes(b"%PDF")
    outcomes = {run.command: (run.succeeded, run.outcome) for run in last_runs()}
    assert outcomes == {
        "import": (False, "Failed: Invoices.csv is empty."),
        "letters --due": (False, f"Failed: The folder {target.parent} does not exist.")}


def _duly(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_letters_and_import_on_the_command_line_record_their_runs(
        empty_store: db.Store, tmp_path: Path) -> None:
    invoice(customer(), 1234, due_days_ago=3)
    path = str(empty_store.target)  # open here too: the commands share it, as at night
    printed = _duly("--db", path, "letters", "--due", "--out", str(tmp_path / "l.pdf"))
    assert printed.returncode == 0, printed.stderr
    export = write_csv(tmp_path / "Invoices.csv", XERO_INVOICE_HEADER, [
        xero_line("Acme Ltd", "INV-0002", "01/10/2026", "31/10/2026", "500.00", "0.00",
                  "500.00", "500.00")])
    imported = _duly("--db", path, "import", str(export))
    assert imported.returncode == 0, imported.stderr
    bad = write_csv(tmp_path / "bad.csv", XERO_INVOICE_HEADER, [
        xero_line("Zoë Café", "INV-0001", "31/02/2026", "24/10/2026", "1,200.00", "0.00",
                  "1,200.00", "1,200.00")])
    assert _duly("--db", path, "import", str(bad), "--dry-run").returncode == 1
    runs = {run.command: run for run in last_runs()}
    assert sorted(runs) == ["import", "letters --due"]  # a dry run is not a run
    assert runs["letters --due"].succeeded
    assert runs["letters --due"].outcome in ("No letters were due.",) or \
        runs["letters --due"].outcome.startswith("Wrote 1 letter to ")
    assert runs["import"].succeeded
    assert runs["import"].outcome == ("Imported Invoices.csv: 1 new and 0 changed "
                                      "customers, 1 new and 0 changed invoices.")
    refused = _duly("--db", path, "import", str(bad))
    assert refused.returncode == 1
    [latest] = [run for run in last_runs() if run.command == "import"]
    assert not latest.succeeded
    assert latest.outcome == "Not imported: 1 row(s) of bad.csv refused (see the " \
                             "command's output)."


# --- removing the nightly job ---------------------------------------------------------

def _job_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("duly-nightly*"))


@pytest.mark.skipif(shutil.which("systemctl") is None or not sys.platform.startswith("linux"),
                    reason="needs systemctl")
def test_the_nightly_job_installed_is_removed_with_every_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = user_unit_folder()
    assert folder == tmp_path / "config" / "systemd" / "user"
    try:
        install_nightly_job(tmp_path / "duly.sqlite")
    except ScheduleError as error:  # no user session bus here: written, not started
        assert "systemd did not take it" in error.message
    assert _job_files(folder) != []
    try:
        said = remove_nightly_job()
    except ScheduleError as error:  # no user session bus here: said in words
        assert "files were removed" in error.message
    else:
        assert said == "The nightly job is removed: Duly will not run by itself any more."
    assert _job_files(folder) == []
    again = remove_nightly_job()
    assert again.startswith("There is no nightly job to remove")


def test_without_systemd_the_files_a_job_left_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "units"
    (folder / "timers.target.wants").mkdir(parents=True)
    for name, text in nightly_units(["/usr/bin/duly"], tmp_path / "duly.sqlite").items():
        (folder / name).write_text(text)
    (folder / "timers.target.wants" / "duly-nightly.timer").symlink_to(
        folder / "duly-nightly.timer")
    (folder / "other.service").write_text("[Service]\n")  # the user's own: kept
    said = remove_nightly_job(folder=folder, systemctl="no-such-systemctl")
    assert said == "The nightly job is removed: Duly will not run by itself any more."
    assert _job_files(folder) == []
    assert (folder / "other.service").exists()


def test_removing_when_there_is_no_nightly_job_says_so(tmp_path: Path) -> None:
    said = remove_nightly_job(folder=tmp_path / "units", systemctl="no-such-systemctl")
    assert said == (f"There is no nightly job to remove: Duly has not set one up for you "
                    f"on this computer (none in {tmp_path / 'units'}).")

