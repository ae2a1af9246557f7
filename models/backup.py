"""Backups of the store: taken by themselves each day, kept by a rotation, restored whole.

A backup is a copy of the store through SQLite's backup API (one moment of the store,
taken while the window goes on writing), checked whole once written, named with the
day and time it was taken, in a folder of the user's choice (by default a "Backups"
folder beside the store). A rotation keeps the newest backup of each of the last 7 days,
4 weeks and 12 months that have one (restic's ``--keep-daily/weekly/monthly``); the
others are removed. A restore first keeps a copy of the store as it is, then makes the
store hold exactly what the backup holds; a backup from a newer Duly, or a damaged
one, is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from models.audit import record_change
from models.db import (
    ForeignJournal,
    Store,
    StoreDamaged,
    backup_store,
    copy_into_store,
    database,
    look_at_copy,
    open_store,
    reading_copy,
    replace_damaged_store,
    writing,
)
from models.errors import LedgerError, Refusal
from models.files import PRIVATE_FOLDER
from models.schema import Customer, Invoice, Setting, on_server

BACKUP_SETTING = "backup.settings"
BACKUP_FOLDER_NAME = "Backups"
DAILY_BACKUP_AGE = dt.timedelta(days=1)
MAX_KEPT = 1000
_STAMP = "%Y-%m-%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+)-backup-(?P<stamp>\d{4}-\d\d-\d\d-\d{6})\.sqlite$")


class BackupError(Refusal):
    """A backup or restore that cannot be done, in the user's words."""

    def __init__(self, message: str) -> None:
        super().__init__("backup", message)


# --- the rotation -------------------------------------------------------------------


@dataclass(frozen=True)
class Rotation:
    """How many backups to keep: the newest of each of the last so many days, weeks
    (ISO weeks, Monday to Sunday) and calendar months that have one."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def backups_to_keep(taken: Iterable[dt.datetime], rotation: Rotation) -> set[dt.datetime]:
    """The times, among ``taken``, of the backups the rotation keeps: for each period
    kind, the newest backup of each of its latest periods that have one; the newest
    backup of all is always kept."""
    newest_first = sorted(set(taken), reverse=True)
    kept: set[dt.datetime] = set(newest_first[:1])
    periods = ((rotation.daily, lambda t: t.date()),
               (rotation.weekly, lambda t: t.isocalendar()[:2]),
               (rotation.monthly, lambda t: (t.year, t.month)))
    for count, period_of in periods:
        seen: set[object] = set()
        for time in newest_first:
            if len(seen) >= count:
                break
            period = period_of(time)
            if period not in seen:
                seen.add(period)
                kept.add(time)
    return kept


# --- the settings -------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSettings:
    """Where backups go (None: the Backups folder beside the store) and what is kept."""

    folder: Path | None
    rotation: Rotation


def backup_settings() -> BackupSettings:
    """The business's backup settings (the defaults until changed)."""
    row = Setting.get_or_none(Setting.key == BACKUP_SETTING)
    value = json.loads(row.value) if row is not None else {}
    folder = value.get("folder") or None
    return BackupSettings(Path(folder) if folder else None,
                          Rotation(**{k: int(v) for k, v in value.get("keep", {}).items()
                                      if k in ("daily", "weekly", "monthly")}))


def set_backup_settings(settings: BackupSettings) -> None:
    """Change where backups go and how many are kept."""
    for name in ("daily", "weekly", "monthly"):
        count = getattr(settings.rotation, name)
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_KEPT:
            raise LedgerError(f"keep_{name}", f"Give the {name} backups to keep as a whole "
                                              f"number from 0 to {MAX_KEPT}.")
    if settings.folder is not None and not settings.folder.is_absolute():
        raise LedgerError("folder", "Choose the backup folder by its full path.")
    value = {"folder": str(settings.folder) if settings.folder else "",
             "keep": {"daily": settings.rotation.daily, "weekly": settings.rotation.weekly,
                      "monthly": settings.rotation.monthly}}
    with writing():
        before = backup_settings()
        Setting.put(BACKUP_SETTING, json.dumps(value))
        record_change("set backup settings", "setting", None,
                      before={"folder": str(before.folder or ""),
                              "keep": before.rotation.__dict__}, after=value)


def backup_folder(store_path: Path, settings: BackupSettings | None = None) -> Path:
    """The folder the open store's backups go to."""
    settings = settings or backup_settings()
    return settings.folder or Path(store_path).parent / BACKUP_FOLDER_NAME


# --- taking backups -----------------------------------------------------------------


@dataclass(frozen=True)
class BackupFile:
    """A backup of a store found in a folder."""

    path: Path
    taken_at: dt.datetime


@dataclass(frozen=True)
class BackupTaken:
    """A backup just taken: where it is, and the older ones the rotation removed."""

    path: Path
    removed: tuple[Path, ...]


def backup_name(store_path: Path, taken_at: dt.datetime) -> str:
    """The file name of a backup of ``store_path`` taken at ``taken_at``."""
    return f"{Path(store_path).stem}-backup-{taken_at.strftime(_STAMP)}.sqlite"


def backups_in(folder: Path, store_path: Path) -> list[BackupFile]:
    """The backups of ``store_path`` in ``folder``, newest first (only files named as
    Duly names its backups; nothing else there is looked at)."""
    found = []
    try:
        names = list(Path(folder).iterdir())
    except OSError:
        return []
    for path in names:
        match = _NAME.match(path.name)
        if match is None or match["stem"] != Path(store_path).stem or not path.is_file():
            continue
        found.append(BackupFile(path, dt.datetime.strptime(match["stamp"], _STAMP)))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def backup_due(store_path: Path, now: dt.datetime) -> bool:
    """Whether the open store's daily backup is due: none is younger than a day (never
    for a store on a server: the server's own backups keep it)."""
    if on_server():
        return False
    newest = backups_in(backup_folder(store_path), store_path)
    return not newest or now - newest[0].taken_at >= DAILY_BACKUP_AGE


def take_backup(store_path: Path, now: dt.datetime, folder: Path | None = None) -> BackupTaken:
    """Back the open store up into ``folder`` (default: the settings'), check the copy
    whole, then remove the backups the rotation no longer keeps there."""
    settings = backup_settings()
    folder = Path(folder) if folder is not None else backup_folder(store_path, settings)
    try:
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Duly cannot make the backup folder {folder}: "
                          f"{exc.strerror}. Choose another folder.") from exc
    target = folder / backup_name(store_path, now)
    try:
        backup_store(target)
    except OSError as exc:
        raise BackupError(f"Duly could not write the backup in {folder}: {exc.strerror}. "
                          f"Check the folder or the drive, or choose another.") from exc
    look = look_at_copy(target)
    if look.problem is not None or look.schema_version != database.user_version:
        target.unlink(missing_ok=True)
        raise BackupError(f"The backup written in {folder} did not read back whole, so "
                          f"it was removed. Check the drive, then back up again.")
    return BackupTaken(target, tuple(_rotate(folder, store_path, settings.rotation)))


def _rotate(folder: Path, store_path: Path, rotation: Rotation) -> list[Path]:
    backups = backups_in(folder, store_path)
    kept = backups_to_keep((b.taken_at for b in backups), rotation)
    removed = []
    for backup in backups:
        if backup.taken_at not in kept:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


# --- looking at a backup and restoring it -------------------------------------------


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds, to show before restoring it; ``problem`` says why it cannot
    be restored (from a newer Duly, damaged, not a backup), or is None."""

    path: Path
    taken_at: dt.datetime
    schema_version: int
    customers: int
    invoices: int
    open_minor: tuple[tuple[str, int], ...]
    """The invoices' open amounts per currency, in minor units."""
    problem: str | None


def read_backup(path: Path) -> BackupSummary:
    """What the backup at ``path`` holds, read without changing it."""
    from models.migrations import LATEST_VERSION

    path = Path(path)
    match = _NAME.match(path.name)
    try:
        taken_at = dt.datetime.strptime(match["stamp"], _STAMP) if match else \
            dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        taken_at = dt.datetime.min
    look = look_at_copy(path)
    problem = look.problem
    if problem is None and look.schema_version > LATEST_VERSION:
        problem = (f"{path.name} was made by a newer version of Duly (store version "
                   f"{look.schema_version}; this program reads up to {LATEST_VERSION}). "
                   f"Update Duly to restore it.")
    if problem is not None:
        return BackupSummary(path, taken_at, look.schema_version, 0, 0, (), problem)
    with reading_copy(path) as copy:
        customers = _one(copy, Customer.select(pw.fn.COUNT(Customer.id)))
        invoices = _one(copy, Invoice.select(pw.fn.COUNT(Invoice.id)))
        sql, values = (Invoice.select(Invoice.currency, pw.fn.SUM(Invoice.open_minor))
                       .group_by(Invoice.currency).order_by(Invoice.currency).sql())
        balances = tuple((str(c), int(s or 0)) for c, s in copy.execute(sql, values))
    return BackupSummary(path, taken_at, look.schema_version, customers, invoices,
                         balances, None)


def _one(copy: object, query: pw.Select) -> int:
    sql, values = query.sql()
    return int(copy.execute(sql, values).fetchone()[0])  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Restored:
    """A restore done: what the store now holds, and where its earlier state is kept."""

    summary: BackupSummary
    kept_copy: Path


def restore_backup(backup: Path, store_path: Path, now: dt.datetime) -> Restored:
    """Make the store at ``store_path`` (open in no Duly) hold what ``backup`` holds,
    first keeping a copy of the store as it is in its backup folder."""
    summary = read_backup(backup)
    if summary.problem is not None:
        raise BackupError(summary.problem)
    path = Path(store_path).expanduser().absolute()
    try:
        store = open_store(path)  # refused while a Duly has it open
    except (StoreDamaged, ForeignJournal):
        # What a restore is most for: the store is kept as it is, then replaced whole.
        folder = path.parent / BACKUP_FOLDER_NAME
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        kept = folder / f"{path.stem}-damaged-{now.strftime(_STAMP)}.sqlite"
        replace_damaged_store(backup, path, kept)
    else:
        kept = _keep_before_restore(store, now)
        copy_into_store(backup, path)
    # A backup from an older Duly is brought up to date as the store opens again.
    open_store(path).close()
    return Restored(summary, kept)


def _keep_before_restore(store: Store, now: dt.datetime) -> Path:
    """A backup of the open store as it is, before a restore replaces it; closes it."""
    try:
        folder = backup_folder(store.path)
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        return backup_store(folder / f"{store.path.stem}-before-restore-"
                                     f"{now.strftime(_STAMP)}.sqlite")
    except OSError as exc:
        raise BackupError(f"Duly could not keep a copy of {store.path.name} before "
                          f"restoring, so nothing was changed: {exc.strerror}.") from exc
    finally:
        store.close()
