"""Ordered schema migrations. ``MIGRATIONS[n]`` takes a store from n-1 to n.

Each migration's SQL is frozen as it was written (it never reads today's index
definitions), so an old store always goes through the same steps.

A new store is created at ``LATEST_VERSION`` directly from ``models.schema``;
each migration brings an older store to exactly that shape. ``models.db``
backs the store up before the first one runs and wraps each in a transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw

from models.contacts import refresh_contact_summary
from models.schema import Allocation, Charge, CreditNote, Invoice, Payment


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
    db.execute_sql('CREATE INDEX "invoice_open" ON "invoice" ("customer_id", "due_date", '
                   '"open_minor") WHERE ("open_minor" > 0)')


def _v3_keep_unallocated_credit(db: pw.Database) -> None:
    """Keep unallocated credit and each customer's contact summary; index open items."""
    for table in ("payment", "credit_note"):
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "unallocated_minor" INTEGER NOT '
                       f'NULL DEFAULT 0 CHECK (unallocated_minor >= 0)')
    for model, link in ((Payment, Allocation.payment), (CreditNote, Allocation.credit_note)):
        used = (Allocation.select(pw.fn.COALESCE(pw.fn.SUM(Allocation.amount_minor), 0))
                .where((link == model.id) & ~Allocation.voided))
        left = pw.Case(None, [(model.voided, 0)], model.amount_minor - used)
        model.update(unallocated_minor=left).execute()
    for column, kind in (("last_contact_at", "DATETIME"),
                         ("last_contact_kind", "VARCHAR(8) NOT NULL DEFAULT ''"),
                         ("next_action_on", "DATE")):
        db.execute_sql(f'ALTER TABLE "customer" ADD COLUMN "{column}" {kind}')
    refresh_contact_summary()
    db.execute_sql('DROP INDEX "invoice_open"')
    for statement in (
        'CREATE INDEX "invoice_open" ON "invoice" ("customer_id", "currency", "due_date", '
        '"open_minor", "status", "number") WHERE ("open_minor" > 0)',
        'CREATE INDEX "payment_credit" ON "payment" ("customer_id", "currency", '
        '"unallocated_minor") WHERE ("unallocated_minor" > 0)',
        'CREATE INDEX "credit_note_credit" ON "credit_note" ("customer_id", "currency", '
        '"unallocated_minor") WHERE ("unallocated_minor" > 0)',
        'CREATE INDEX "promise_open" ON "promise" ("customer_id") WHERE ("status" = \'open\')',
        'CREATE INDEX "interaction_follow_up" ON "interaction" ("customer_id", '
        '"follow_up_on") WHERE (("follow_up_on" IS NOT NULL) AND NOT "follow_up_done")',
    ):
        db.execute_sql(statement)


def _v4_worklist_and_note_search(db: pw.Database) -> None:
    """Remember decisions on the Today worklist, search notes, find a row's audit."""
    from models.db import create_note_search

    for statement in (
        'CREATE TABLE "worklist_decision" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" '
        'INTEGER NOT NULL, "kind" VARCHAR(16) NOT NULL, "ref_id" INTEGER NOT NULL, "state" '
        'VARCHAR(10) NOT NULL, "snoozed_until" DATE, "reason" TEXT NOT NULL, "decided_on" '
        'DATE NOT NULL, "decided_at" DATETIME NOT NULL, FOREIGN KEY ("customer_id") '
        'REFERENCES "customer" ("id"))',
        'CREATE INDEX "worklist_decision_customer_id" ON "worklist_decision" ("customer_id")',
        'CREATE UNIQUE INDEX "worklist_decision_kind_ref_id" ON "worklist_decision" '
        '("kind", "ref_id")',
        'CREATE INDEX "audit_entry_row" ON "audit_entry" ("table", "row_id")',
    ):
        db.execute_sql(statement)
    create_note_search()


def _v5_skipped_stages(db: pw.Database) -> None:
    """A follow-up stage can be skipped with a reason, and so never comes back; the
    reference rates Duly ships with are added (the user's own rows are kept)."""
    from models.reference_rates import seed_reference_rates

    db.execute_sql('ALTER TABLE "stage_execution" ADD COLUMN "skip_reason" TEXT NOT NULL '
                   "DEFAULT ''")
    seed_reference_rates()


def _v6_outbox(db: pw.Database) -> None:
    """An outbox for e-mail: each message kept whole with its state, so a failure is
    retriable and a message the server took is never sent again."""
    for statement in (
        'CREATE TABLE "outbox_message" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" '
        'INTEGER NOT NULL, "kind" VARCHAR(10) NOT NULL, "stage_id" INTEGER, "interaction_id" '
        'INTEGER, "recipients" TEXT NOT NULL, "subject" TEXT NOT NULL, "body" TEXT NOT NULL, '
        '"attachment_name" TEXT NOT NULL, "attachment" BLOB, "message_id" TEXT NOT NULL, '
        '"status" VARCHAR(10) NOT NULL, "attempts" INTEGER NOT NULL, "error" TEXT NOT NULL, '
        '"server_response" TEXT NOT NULL, "queued_at" DATETIME NOT NULL, "sent_at" DATETIME, '
        'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT, '
        'FOREIGN KEY ("stage_id") REFERENCES "follow_up_stage" ("id") ON DELETE RESTRICT, '
        'FOREIGN KEY ("interaction_id") REFERENCES "interaction" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "outbox_message_customer_id" ON "outbox_message" ("customer_id")',
        'CREATE INDEX "outbox_message_stage_id" ON "outbox_message" ("stage_id")',
        'CREATE INDEX "outbox_message_interaction_id" ON "outbox_message" ("interaction_id")',
        'CREATE UNIQUE INDEX "outbox_message_message_id" ON "outbox_message" ("message_id")',
        'CREATE INDEX "outbox_message_pending" ON "outbox_message" ("status") '
        'WHERE ("status" != \'sent\')',
    ):
        db.execute_sql(statement)


MIGRATIONS: dict[int, Callable[[pw.Database], None]] = {
    2: _v2_keep_open_amounts,
    3: _v3_keep_unallocated_credit,
    4: _v4_worklist_and_note_search,
    5: _v5_skipped_stages,
    6: _v6_outbox,
}

LATEST_VERSION = max(MIGRATIONS, default=1)
