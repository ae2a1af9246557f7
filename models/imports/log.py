"""The import log: every file imported, when, from which program, and what it did."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from models.imports.sources import PRESETS
from models.imports.undo import AUDIT_FROM, AUDIT_TO
from models.kinds import ImportSource
from models.schema import ImportBatch

_TITLES = {preset.key: preset.title for preset in PRESETS}


@dataclass(frozen=True)
class LoggedImport:
    """One import as the log shows it."""

    id: int
    imported_at: dt.datetime
    source: str  # the program, in words
    layout: str  # the export layout or the user's mapping, in words
    file_name: str
    file_hash: str
    counts: dict[str, int]
    undone_at: dt.datetime | None

    def summary(self) -> str:
        """What it did in a few words: "2 customers and 40 invoices new, 3 changed"."""
        c = self.counts
        new = c.get("customers_new", 0), c.get("invoices_new", 0)
        changed = c.get("customers_changed", 0) + c.get("invoices_changed", 0)
        words = [f"{new[0]:,} customer{'' if new[0] == 1 else 's'} and {new[1]:,} "
                 f"invoice{'' if new[1] == 1 else 's'} new"]
        if changed:
            words.append(f"{changed:,} changed")
        if c.get("skipped"):
            words.append(f"{c['skipped']:,} skipped")
        return ", ".join(words)


_SOURCE_WORDS = {ImportSource.XERO: "Xero", ImportSource.QBO: "QuickBooks Online",
                 ImportSource.IIF: "QuickBooks Desktop", ImportSource.FRESHBOOKS: "FreshBooks",
                 ImportSource.WAVE: "Wave", ImportSource.ZOHO: "Zoho Books",
                 ImportSource.SAGE: "Sage", ImportSource.GNUCASH: "GnuCash",
                 ImportSource.CSV: "A list of your own"}


def import_log() -> list[LoggedImport]:
    """Every import, the latest first."""
    rows = ImportBatch.select().order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
    found = []
    for row in rows:
        try:
            counts = {k: int(v) for k, v in json.loads(row.counts).items()
                      if k not in (AUDIT_FROM, AUDIT_TO)}
        except (ValueError, TypeError, AttributeError):
            counts = {}
        layout = _TITLES.get(row.layout) or (
            f"your mapping “{row.layout.removeprefix('mapping:')}”"
            if row.layout.startswith("mapping:") else row.layout)
        found.append(LoggedImport(row.id, row.imported_at,
                                  _SOURCE_WORDS.get(row.source, str(row.source)), layout,
                                  row.file_name, row.file_hash, counts, row.undone_at))
    return found
