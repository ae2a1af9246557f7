"""Duly's store and business rules. Imports no Qt and no reportlab."""

import sys

# peewee, which every model imports, loads any PostgreSQL or MySQL driver it finds
# installed (psycopg brings asyncio: tens of milliseconds at each start of the window and
# of every command, though most stores are files). It is imported here with the drivers
# kept out of its sight; a server store hands it psycopg when it connects
# (models.server_store.connect), and the drivers stay importable for everything else.
_KEPT_OUT = [name for name in ("psycopg2cffi", "psycopg2", "psycopg", "pymysql", "MySQLdb")
             if name not in sys.modules]
for _driver in _KEPT_OUT:
    sys.modules[_driver] = None  # type: ignore[assignment]
try:
    import peewee  # noqa: F401
finally:
    for _driver in _KEPT_OUT:
        if sys.modules.get(_driver, "") is None:
            del sys.modules[_driver]

# Who is using the store (models.signing_in): the store beneath asks models.users without
# importing it, so it is installed with the package.
from models import users as _users  # noqa: E402, F401
