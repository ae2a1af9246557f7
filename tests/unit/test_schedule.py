"""The nightly job (issue 17): its systemd user units run the installed Duly on the store,
sending then backing up; a computer without systemd is told so in words; each scheduled
command's last run is kept for the window to show."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest

from models import db
from models.schedule import (
    ScheduleError,
    install_nightly_job,
    last_runs,
    nightly_units,
    record_run,
)


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
