"""Ordered schema migrations. ``MIGRATIONS[n]`` takes a store from n-1 to n.

Later migrations use ``playhouse.migrate`` where it fits.

A new store is created at ``LATEST_VERSION`` directly from ``models.schema``;
each migration brings an older store to exactly that shape. ``models.db``
backs the store up before the first one runs and wraps each in a transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw

from models.schema import Allocation, Charge, Invoice


def _v2_keep_open_amounts(db: pw.Database) -> None:
    """Keep each invoice's and charge's open amount, with an index on open invoices."""
    # Plain ALTER TABLE (SQL standard, also PostgreSQL's): peewee's migrator
    # would rebuild the table to add NOT NULL, which foreign keys forbid here.
    for table in ("invoice", "charge"):
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "open_minor" INTEGER NOT NULL '
                       f'DEFAULT 0 CHECK (open_minor >= 0)')
    for model, link in ((Invoice, Allocation.invoice), (Charge, Allocation.charge)):
        paid = (Allocation.select(pw.fn.COALESCE(pw.fn.SUM(Allocation.amount_minor), 0))
                .where((link == model.id) & ~Allocation.voided))
        model.update(open_minor=model.amount_minor - paid).execute()
    Invoice._schema.create_indexes(safe=True)  # adds "invoice_open"


MIGRATIONS: dict[int, Callable[[pw.Database], None]] = {
    2: _v2_keep_open_amounts,
}

LATEST_VERSION = max(MIGRATIONS, default=1)
