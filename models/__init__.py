"""Duly's store and business rules. Imports no Qt and no reportlab.

Importing the package costs nothing: the modules without the store (models.changes,
models.errors, models.dates, models.money...) are light, so the window paints before
peewee and the store's modules are imported (models.db brings them when it is first
needed, once the window is on screen).
"""

import sys
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

# peewee, which every model imports, loads any PostgreSQL or MySQL driver it finds
# installed (psycopg brings asyncio: tens of milliseconds at each start of the window and
# of every command, though most stores are files). It is loaded with the drivers kept
# out of its sight, whichever module imports it first; a server store hands it psycopg
# when it connects (models.server_store.connect), and the drivers stay importable for
# everything else.
_DRIVERS = ("psycopg2cffi", "psycopg2", "psycopg", "pymysql", "MySQLdb")


def _without_drivers(load: Any) -> None:
    kept_out = [name for name in _DRIVERS if name not in sys.modules]
    for name in kept_out:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        load()
    finally:
        for name in kept_out:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]


def _with_people(load: Any) -> None:
    load()
    # Who is using the store (models.signing_in): the layers beneath models.users ask it
    # without importing it, so it is installed with the store.
    from models import users  # noqa: F401


class _Loading:
    """A loader's two methods (not importlib.abc's class: that costs 3 ms to import)
    around another's, with ``around`` run about its loading."""

    def __init__(self, loader: Any, around: Any) -> None:
        self._loader = loader
        self._around = around

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._around(lambda: self._loader.exec_module(module))


class _StoreFinder:
    """Finds peewee and models.db, each once, to load them as above."""

    _around = {"peewee": _without_drivers, "models.db": _with_people}

    def find_spec(self, fullname: str, path: Any = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        around = self._around.get(fullname)
        if around is None:
            return None
        self._around = {k: v for k, v in self._around.items() if k != fullname}
        if not self._around:
            sys.meta_path.remove(self)
        spec = _found_by_the_others(self, fullname, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loading(spec.loader, around)  # type: ignore[assignment]
        return spec


def _found_by_the_others(finder: _StoreFinder, fullname: str, path: Any,
                         target: ModuleType | None) -> ModuleSpec | None:
    for other in sys.meta_path:
        if other is not finder and hasattr(other, "find_spec"):
            spec = other.find_spec(fullname, path, target)
            if spec is not None:
                return spec
    return None


sys.meta_path.insert(0, _StoreFinder())
