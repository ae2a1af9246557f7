"""Column mappings the user made for a file no preset knows, kept by name for next time."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from models.audit import record_change
from models.db import writing
from models.errors import LedgerError
from models.imports.sources import Field, Holds, Preset, Source
from models.imports.table import normal_name
from models.schema import Setting

MAPPINGS_SETTING = "import_mappings"
_NAME_MAX = 40


def save_mapping(name: str, holds: Holds, columns: Mapping[Field, str]) -> Preset:
    """Keep the mapping of a file's ``columns`` to Duly's fields under ``name`` (replacing
    one of that name); returns it as a preset. Refuses a mapping without the columns
    an import needs."""
    name = " ".join(name.split())
    if not name:
        raise LedgerError("name", "Name the mapping, e.g. “Sales ledger export”.")
    if len(name) > _NAME_MAX:
        raise LedgerError("name", f"A mapping's name has at most {_NAME_MAX} characters.")
    preset = mapping_as_preset(name, holds, columns)
    missing = [f for f in preset.required() if not columns.get(f)]
    if missing:
        raise LedgerError(missing[0].value, "Choose the column that holds " + ", ".join(
            f.value.replace("_", " ") for f in missing) + ".")
    with writing():
        saved = _saved()
        before = saved.get(name)
        saved[name] = {"holds": holds.value, "columns": {f.value: c for f, c in columns.items()
                                                          if c}}
        Setting.put(MAPPINGS_SETTING, json.dumps(saved, sort_keys=True))
        record_change("save import mapping", "setting", None, before=before, after=saved[name])
    return preset


def mapping_names() -> list[str]:
    """The names of the mappings kept, in order."""
    return sorted(_saved(), key=str.casefold)


def mapping_preset(name: str) -> Preset:
    """The mapping kept as ``name``, as a preset; refuses a name not kept."""
    kept = _saved().get(name)
    if kept is None:
        known = ", ".join(mapping_names()) or "none yet"
        raise LedgerError("mapping", f"There is no mapping called “{name}” (kept: {known}).")
    try:
        return mapping_as_preset(name, Holds(kept["holds"]),
                       {Field(f): c for f, c in kept["columns"].items()})
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise LedgerError("mapping", f"The mapping “{name}” is damaged: make it again.") \
            from error


def mapping_as_preset(name: str, holds: Holds, columns: Mapping[Field, str]) -> Preset:
    """A mapping (kept or not) as the preset it reads a file with."""
    return Preset(f"mapping:{name}"[:32], Source.CSV, f"your mapping “{name}”", holds,
                  {f: (c,) for f, c in columns.items() if c},
                  signature=frozenset(normal_name(c) for c in columns.values() if c))


def _saved() -> dict[str, dict[str, Any]]:
    row = Setting.get_or_none(Setting.key == MAPPINGS_SETTING)
    if row is None:
        return {}
    try:
        value = json.loads(row.value)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
