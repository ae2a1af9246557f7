"""The nightly job: what a scheduler runs, and its last run as the job recorded it.

A scheduled command (``send --due``, ``letters --due``, ``import``, ``backup``) records
in the store when it last ran and how it ended, so the window can show it (Settings,
Schedule) even while it was open as the job ran.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from models.db import writing
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
    records, so it is not audited)."""
    with writing():
        row = Setting.get_or_none(Setting.key == LAST_RUNS_SETTING)
        value = json.loads(row.value) if row is not None else {}
        value[command] = {"at": at.isoformat(timespec="seconds"), "ok": succeeded,
                          "outcome": outcome[:500]}
        Setting.replace(key=LAST_RUNS_SETTING, value=json.dumps(value, sort_keys=True)
                        ).execute()
