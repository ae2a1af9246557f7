"""The nightly job: what a scheduler runs, and its last run as the job recorded it.

A scheduled command (``send --due``, ``letters --due``, ``import``, ``backup``) records
in the store when it last ran and how it ended, so the window can show it (Settings,
Schedule) even while it was open as the job ran.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from models.db import writing
from models.errors import Refusal
from models.files import whole_file, write_failure_words
from models.schema import Setting

LAST_RUNS_SETTING = "schedule.last_runs"
NIGHTLY_COMMANDS = (("send", "--due"), ("backup",))
"""The commands the nightly job runs, in order."""


@dataclass(frozen=True)
class LastRun:
    """A scheduled command's last run: when, and its outcome in words."""

    command: str
    at: dt.datetime
    succeeded: bool
    outcome: str


def last_runs() -> list[LastRun]:
    """Each command's last run, the latest first."""
    row = Setting.get_or_none(Setting.key == LAST_RUNS_SETTING)
    value = json.loads(row.value) if row is not None else {}
    runs = [LastRun(command, dt.datetime.fromisoformat(run["at"]), bool(run["ok"]),
                    str(run["outcome"])) for command, run in value.items()]
    return sorted(runs, key=lambda r: r.at, reverse=True)


def record_run(command: str, at: dt.datetime, *, succeeded: bool, outcome: str) -> None:
    """Record a command's run (a bookkeeping note, not a change of the business's
    records, so it is not audited). A command records through :func:`scheduled_run`."""
    with writing():
        row = Setting.get_or_none(Setting.key == LAST_RUNS_SETTING)
        value = json.loads(row.value) if row is not None else {}
        value[command] = {"at": at.isoformat(timespec="seconds"), "ok": succeeded,
                          "outcome": outcome[:500]}
        Setting.put(LAST_RUNS_SETTING, json.dumps(value, sort_keys=True))


@dataclass
class RunOutcome:
    """How a scheduled run is ending, as the command says it: it sets these before the
    block of :func:`scheduled_run` ends."""

    succeeded: bool = True
    outcome: str = "Done."


@contextlib.contextmanager
def scheduled_run(command: str, *, target: Path | None = None,
                  clock: Callable[[], dt.datetime] = dt.datetime.now) -> Iterator[RunOutcome]:
    """The one way a command a scheduler may run (``send --due``, ``letters --due``,
    ``import``, ``backup``, ``export-all``) records its last run: the block does the
    work in the open store and says how it ended on the :class:`RunOutcome` it is given;
    an error ending it is recorded as "Failed: …" in words (naming ``target``, the file
    it writes, when writing failed) and raised on."""
    started = clock()
    run = RunOutcome()
    try:
        yield run
    except Exception as error:
        # The store itself may be why the run failed: then its error is the one to tell.
        with contextlib.suppress(Exception):
            record_run(command, started, succeeded=False,
                       outcome=f"Failed: {_failure_words(error, target)}")
        raise
    record_run(command, started, succeeded=run.succeeded, outcome=run.outcome)


def _failure_words(error: Exception, target: Path | None) -> str:
    if isinstance(error, Refusal):
        return error.message
    if isinstance(error, OSError) and target is not None:
        return write_failure_words(error, target)
    return str(error) or type(error).__name__


# --- installing the nightly job (a systemd user timer on Linux) ---------------------

NIGHTLY_UNIT = "duly-nightly"
NIGHTLY_TIME = dt.time(2, 30)


class ScheduleError(Refusal):
    """The nightly job cannot be installed here, in the user's words."""

    def __init__(self, message: str) -> None:
        super().__init__("schedule", message)


def duly_command() -> list[str]:
    """How a scheduler starts this Duly: the installed ``duly``, else this Python
    running this program's ``main.py``."""
    installed = shutil.which("duly")
    if installed:
        return [installed]
    return [sys.executable, str(Path(__file__).resolve().parents[1] / "main.py")]


def _exec_line(words: Sequence[str]) -> str:
    # systemd.syntax(7): words quoted with double quotes, backslash escapes, "%" doubled.
    def quoted(word: str) -> str:
        escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
        return f'"{escaped}"'

    return " ".join(quoted(word) for word in words)


def nightly_units(command: Sequence[str], store: Path, at: dt.time = NIGHTLY_TIME
                  ) -> dict[str, str]:
    """The service and timer files of the nightly job on ``store``, by file name: it
    sends the reminders due, then backs the store up (even if sending failed)."""
    steps = "\n".join(f"ExecStart=-{_exec_line([*command, '--db', str(store), *step])}"
                      for step in NIGHTLY_COMMANDS)
    service = (f"[Unit]\nDescription=Duly's nightly job: send the reminders due and back "
               f"up the store\n\n[Service]\nType=oneshot\n{steps}\n")
    timer = (f"[Unit]\nDescription=Run Duly's nightly job every day\n\n[Timer]\n"
             f"OnCalendar=*-*-* {at:%H:%M}:00\nPersistent=true\n\n"
             f"[Install]\nWantedBy=timers.target\n")
    return {f"{NIGHTLY_UNIT}.service": service, f"{NIGHTLY_UNIT}.timer": timer}


def user_unit_folder() -> Path:
    """Where systemd looks for the user's own units."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def install_nightly_job(store: Path, at: dt.time = NIGHTLY_TIME, *,
                        folder: Path | None = None, systemctl: str | None = "systemctl",
                        ) -> str:
    """Install and start the nightly job on ``store`` as a systemd user timer; returns
    what was done, in words. Raises :class:`ScheduleError` when this computer cannot
    run it (not Linux, no systemctl, systemd refusing)."""
    program = shutil.which(systemctl) if systemctl else None
    if not sys.platform.startswith("linux") or program is None:
        raise ScheduleError("This computer has no systemd (systemctl was not found), so "
                            "Duly cannot set up the nightly job itself. Ask your "
                            "scheduler (cron, Task Scheduler) to run 'duly send --due' and "
                            "'duly backup' each night instead.")
    folder = folder or user_unit_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in nightly_units(duly_command(), store, at).items():
            with whole_file(folder / name, mode=0o644) as partial:
                partial.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScheduleError(f"Duly could not write the nightly job into {folder}: "
                            f"{exc.strerror}.") from exc
    for step in (["daemon-reload"], ["enable", "--now", f"{NIGHTLY_UNIT}.timer"]):
        said = _systemctl(program, step)
        if said is not None:
            raise ScheduleError(f"The nightly job was written to {folder}, but systemd "
                                f"did not take it ({said}). Log in "
                                f"to your desktop and try again, or run 'systemctl --user "
                                f"enable --now {NIGHTLY_UNIT}.timer' yourself.")
    return (f"The nightly job will run every day at {at:%H:%M} (or when the computer "
            f"next starts, if it was off): it sends the reminders due, then backs up "
            f"{store.name}.")


def remove_nightly_job(*, folder: Path | None = None, systemctl: str | None = "systemctl"
                       ) -> str:
    """Stop the nightly job and delete the unit files :func:`install_nightly_job` wrote
    (a run under way finishes); returns what was done, in words, also when there was no
    job to remove. Raises :class:`ScheduleError` when the files cannot be deleted, or
    systemd did not let the job go (the files are gone then all the same)."""
    folder = folder or user_unit_folder()
    timer = f"{NIGHTLY_UNIT}.timer"
    files = [folder / name for name in nightly_units([], Path())]
    files.append(folder / "timers.target.wants" / timer)  # "enable" linked it there
    if not any(path.is_file() or path.is_symlink() for path in files):
        return (f"There is no nightly job to remove: Duly has not set one up for you on "
                f"this computer (none in {folder}).")
    program = shutil.which(systemctl) if systemctl else None
    refused = _systemctl(program, ["disable", "--now", timer])
    try:
        for path in files:
            path.unlink(missing_ok=True)
    except OSError as exc:
        raise ScheduleError(f"Duly could not remove the nightly job from {folder}: "
                            f"{exc.strerror}.") from exc
    refused = refused or _systemctl(program, ["daemon-reload"])
    if refused:
        raise ScheduleError(f"The nightly job's files were removed from {folder}, but "
                            f"systemd did not answer ({refused}): it will not run after "
                            f"you next log in. To stop it now, run 'systemctl --user "
                            f"disable --now {timer}'.")
    return "The nightly job is removed: Duly will not run by itself any more."


def _systemctl(program: str | None, step: list[str]) -> str | None:
    """Run ``systemctl --user STEP``; None when done (or there is no systemd), else what
    it said."""
    if program is None:
        return None
    done = subprocess.run([program, "--user", *step], capture_output=True, text=True,
                          timeout=60, check=False)
    if done.returncode == 0:
        return None
    return (done.stderr or done.stdout).strip() or "no reason given"
