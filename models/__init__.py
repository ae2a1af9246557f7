"""Duly's store and business rules. Imports no Qt and no reportlab.

Importing the package costs nothing: the modules without the store (models.changes,
models.errors, models.dates, models.money...) are light, so the window paints before
peewee and the store's modules are imported (models.db imports them when it is first
needed, after the first paint).
"""

import sys
from importlib.machinery import ModuleSpec
from importlib.util import find_spec
from types import ModuleType
from typing import Any

# peewee, which every model imports, loads any PostgreSQL or MySQL driver it finds
# installed (psycopg brings asyncio: tens of milliseconds at each start of the window and
# of every command, though most stores are files). It is loaded with the drivers kept
# out of its sight, whichever module imports it first; a server store hands it psycopg
# when it connects (models.server_store.connect), and the drivers stay importable for
# everything else.
_DRIVERS = ("psycopg2cffi", "psycopg2", "psycopg", "pymysql", "MySQLdb")


class _WithoutDrivers:
    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        kept_out = [name for name in _DRIVERS if name not in sys.modules]
        for name in kept_out:
            sys.modules[name] = None  # type: ignore[assignment]
        try:
            self._loader.exec_module(module)
        finally:
            for name in kept_out:
                if sys.modules.get(name, "") is None:
                    del sys.modules[name]


class _PeeweeFinder:
    def find_spec(self, fullname: str, path: Any = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname != "peewee":
            return None
        sys.meta_path.remove(self)  # once: peewee is then in sys.modules
        spec = find_spec("peewee")
        if spec is not None and spec.loader is not None:
            # A loader's two methods, not importlib.abc's class: that costs 3 ms to import.
            spec.loader = _WithoutDrivers(spec.loader)  # type: ignore[assignment]
        return spec


if "peewee" not in sys.modules:
    sys.meta_path.insert(0, _PeeweeFinder())
