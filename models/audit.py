"""The audit log: every change to posted records, who made it and when."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import peewee as pw

from models import signing_in
from models.db import insert_row
from models.schema import AuditEntry


def who_changes() -> str:
    """The name of the user the audit log records changes under: the person using the
    store (models.users.current_user)."""
    return _who()


def _who() -> str:
    return signing_in.current_name()


_ENCODER = json.JSONEncoder(default=str, sort_keys=True)


def as_json(values: dict[str, Any]) -> str:
    """An audit entry's before or after: JSON, keys sorted, days and decimals as text."""
    return _ENCODER.encode(values)


def record_each(action: str, rows: pw.Select, row_id: pw.Node, after: pw.Node) -> None:
    """One audit entry for each of ``rows`` (just written in bulk), under its
    ``row_id``, its after the JSON ``after`` made by the store (see
    :func:`models.db.json_object`); call inside the transaction that wrote them."""
    entry = (pw.Value(dt.datetime.now()), pw.Value(_who()), pw.Value(action),
             pw.Value(rows.model._meta.table_name), row_id, after)
    AuditEntry.insert_from(rows.select(*entry), [
        AuditEntry.at, AuditEntry.who, AuditEntry.action, AuditEntry.table,
        AuditEntry.row_id, AuditEntry.after]).execute()


def record_change(action: str, table: str, row_id: int | None,
                  before: dict[str, Any] | None = None,
                  after: dict[str, Any] | None = None, *, who: str | None = None) -> None:
    """Append one audit entry; call inside the transaction that made the change. ``who``
    is for models.users alone (a user added as they sign in); else the current user."""
    insert_row(AuditEntry, ("at", "who", "action", "table", "row_id", "before", "after"), (
        dt.datetime.now(), who or _who(), action, table, row_id,
        None if before is None else as_json(before), None if after is None else as_json(after)))


@dataclass(frozen=True)
class Entry:
    """One audit entry as read back: who made the change, when, and the row before and
    after (None where not recorded)."""

    id: int
    who: str
    at: dt.datetime
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def entries_for(table: str, row_ids: Iterable[int], actions: Iterable[str], *,
                after_id: int = 0) -> list[Entry]:
    """The audit entries of ``actions`` on the rows ``row_ids`` of ``table`` (those after
    the entry ``after_id`` when given), oldest first: who changed them and when."""
    ids, kinds = sorted(set(row_ids)), sorted(set(actions))
    if not ids or not kinds:
        return []
    query = (AuditEntry.select(AuditEntry.id, AuditEntry.who, AuditEntry.at, AuditEntry.action,
                               AuditEntry.before, AuditEntry.after)
             .where((AuditEntry.table == table) & AuditEntry.row_id.in_(ids)
                    & AuditEntry.action.in_(kinds) & (AuditEntry.id > after_id))
             .order_by(AuditEntry.id))
    return [Entry(int(entry.id), entry.who, entry.at, entry.action, _values(entry.before),
                  _values(entry.after)) for entry in query]


def _values(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    values = json.loads(text)
    return values if isinstance(values, dict) else None
