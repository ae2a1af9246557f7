"""Several people editing one record at once: the second save is refused, never silently
written over the first.

A customer and a template keep an edit version, one more at each save (schema v25). An
editor reads the version with the record; its save moves the row on only from that
version (``UPDATE … WHERE edit_version = read``: on a server the row stays locked until
the save ends, so a second save waits and then finds the version moved on). A save
that finds another version is refused with :class:`~models.errors.EditConflict`,
naming who changed what since, from the audit entries of the saves in between (each
records its version). See docs/decisions.md, "Two people at once".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import peewee as pw

from models.audit import Entry, entries_for
from models.dates import short_date
from models.errors import ChangeSince, EditConflict, LedgerError

VERSION = "edit_version"  # the column, and its key in an audit entry's before and after


def next_version(model: type[pw.Model], row_id: int, read_version: int | None, *,
                 what: str, table: str, actions: tuple[str, ...],
                 labels: Mapping[str, str]) -> int:
    """Move the row ``row_id`` of ``model`` to its next edit version, at the start of the
    write that saves it (from then on a second save of it waits for this one), and return
    that version.

    ``read_version`` is the version the editor read (None: a save that read nothing
    first, such as an import, which moves it on whatever it is). A row at another
    version is refused with EditConflict naming who changed which fields since (from
    its audit entries ``actions`` on ``table``; ``labels`` names the fields in words,
    those not named are not told); a row gone with LedgerError. ``what`` is the record
    in words: "customer", "template".
    """
    field = getattr(model, VERSION)
    key = model._meta.primary_key
    moved = model.update({field: field + 1}).where(key == row_id)
    if read_version is not None:
        moved = moved.where(field == read_version)
    if moved.execute() == 0:
        now = model.select(field).where(key == row_id).scalar()
        if now is None:
            raise LedgerError(what, f"That {what} no longer exists.")
        assert read_version is not None
        raise _conflict(what, _changes_since(table, row_id, actions, read_version, labels))
    return int(model.select(field).where(key == row_id).scalar())


def _changes_since(table: str, row_id: int, actions: tuple[str, ...], read_version: int,
                   labels: Mapping[str, str]) -> tuple[ChangeSince, ...]:
    """Each save of the row after ``read_version``: who, when, and the fields it changed."""
    return tuple(ChangeSince(entry.who, entry.at, _fields_changed(entry, labels))
                 for entry in entries_for(table, [row_id], actions)
                 if entry.after is not None
                 and int(entry.after.get(VERSION, 0) or 0) > read_version)


def _fields_changed(entry: Entry, labels: Mapping[str, str]) -> tuple[str, ...]:
    before, after = entry.before or {}, entry.after or {}
    return tuple(words for name, words in labels.items()
                 if name in after and before.get(name) != after.get(name))


def _conflict(what: str, changes: tuple[ChangeSince, ...]) -> EditConflict:
    if changes:
        saves = "; and ".join(_one_change(change) for change in changes)
        said = f"Someone else saved this {what} after you opened it: {saves}."
    else:
        said = f"Someone else saved this {what} after you opened it."
    return EditConflict(f"{said} Your changes were not saved, and what you typed is still "
                        f"there. Reload to see the {what} as it is now, then make your "
                        f"changes again.", changes)


def _one_change(change: ChangeSince) -> str:
    when = (f"at {change.at:%H:%M}" if change.at.date() == dt.date.today()
            else f"on {short_date(change.at.date())} at {change.at:%H:%M}")
    if not change.fields:
        return f"{change.who} {when}"
    fields = change.fields
    listed = fields[0] if len(fields) == 1 else f"{', '.join(fields[:-1])} and {fields[-1]}"
    return f"{change.who} changed {listed} {when}"
