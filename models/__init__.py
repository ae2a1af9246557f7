"""Duly's store and business rules. Imports no Qt and no reportlab."""

import sys

# The store is SQLite. peewee, which every model imports, loads any PostgreSQL or MySQL
# driver it finds installed (psycopg brings asyncio: tens of milliseconds at each start
# of the window and of every command); marked absent unless something loaded it first.
for _driver in ("psycopg2cffi", "psycopg2", "psycopg", "pymysql", "MySQLdb"):
    sys.modules.setdefault(_driver, None)  # type: ignore[arg-type]
