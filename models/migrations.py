"""Ordered schema migrations. ``MIGRATIONS[n]`` takes a store from n-1 to n.

Each migration is frozen as it was written: plain SQL, and the data it adds
copied in, never today's tables, rules or index definitions. So an old store
always goes through the same steps, and this module imports nothing from the
domain (a migration that called a live rule would change what an old step
does whenever the rule changes, and tie the store to the rules in a cycle).

A new store is created at ``LATEST_VERSION`` directly from ``models.schema``;
each migration brings an older store to exactly that shape. ``models.db``
backs the store up before the first one runs and wraps each in a transaction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import peewee as pw


def _v2_keep_open_amounts(db: pw.Database) -> None:
    """Keep each invoice's and charge's open amount, with an index on open invoices."""
    # Plain ALTER TABLE (SQL standard, also PostgreSQL's): peewee's migrator
    # would rebuild the table to add NOT NULL, which foreign keys forbid here.
    for table in ("invoice", "charge"):
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "open_minor" INTEGER NOT NULL '
                       f'DEFAULT 0 CHECK (open_minor >= 0)')
    for table in ("invoice", "charge"):
        db.execute_sql(f'UPDATE "{table}" SET "open_minor" = "amount_minor" - (SELECT '
                       f'COALESCE(SUM(a."amount_minor"), 0) FROM "allocation" a WHERE '
                       f'a."{table}_id" = "{table}"."id" AND NOT a."voided")')
    db.execute_sql('CREATE INDEX "invoice_open" ON "invoice" ("customer_id", "due_date", '
                   '"open_minor") WHERE ("open_minor" > 0)')


def _latest_contact(column: str, where: str = "") -> str:
    return (f'(SELECT i."{column}" FROM "interaction" i WHERE i."customer_id" = '
            f'"customer"."id"{where} ORDER BY i."occurred_at" DESC, i."id" DESC LIMIT 1)')


_NEXT_ACTION = ('(SELECT MIN(i."follow_up_on") FROM "interaction" i WHERE i."customer_id" = '
                '"customer"."id" AND i."follow_up_on" IS NOT NULL AND NOT i."follow_up_done")')
# Each customer's latest contact and next follow-up, as v3 kept them.
_V3_CONTACT_SUMMARY = (
    f'UPDATE "customer" SET "last_contact_at" = {_latest_contact("occurred_at")}, '
    f'"last_contact_kind" = COALESCE({_latest_contact("kind")}, \'\'), '
    f'"next_action_on" = {_NEXT_ACTION}')


def _v3_keep_unallocated_credit(db: pw.Database) -> None:
    """Keep unallocated credit and each customer's contact summary; index open items."""
    for table in ("payment", "credit_note"):
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "unallocated_minor" INTEGER NOT '
                       f'NULL DEFAULT 0 CHECK (unallocated_minor >= 0)')
    for table in ("payment", "credit_note"):
        db.execute_sql(f'UPDATE "{table}" SET "unallocated_minor" = CASE WHEN "voided" THEN 0 '
                       f'ELSE "amount_minor" - (SELECT COALESCE(SUM(a."amount_minor"), 0) '
                       f'FROM "allocation" a WHERE a."{table}_id" = "{table}"."id" '
                       f'AND NOT a."voided") END')
    for column, kind in (("last_contact_at", "DATETIME"),
                         ("last_contact_kind", "VARCHAR(8) NOT NULL DEFAULT ''"),
                         ("next_action_on", "DATE")):
        db.execute_sql(f'ALTER TABLE "customer" ADD COLUMN "{column}" {kind}')
    db.execute_sql(_V3_CONTACT_SUMMARY)
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


# The notes' full-text index and the triggers that keep it, as v4 made them.
_V4_NOTE_SEARCH = (
    'CREATE VIRTUAL TABLE "interaction_fts" USING fts5(summary, outcome, with_whom, '
    'content="interaction", content_rowid="id", tokenize="unicode61 remove_diacritics 2")',
    'CREATE TRIGGER "interaction_fts_insert" AFTER INSERT ON "interaction" BEGIN '
    'INSERT INTO "interaction_fts" (rowid, summary, outcome, with_whom) '
    'VALUES (new.id, new.summary, new.outcome, new.with_whom); END',
    'CREATE TRIGGER "interaction_fts_delete" AFTER DELETE ON "interaction" BEGIN '
    'INSERT INTO "interaction_fts" ("interaction_fts", rowid, summary, outcome, with_whom) '
    "VALUES ('delete', old.id, old.summary, old.outcome, old.with_whom); END",
    'CREATE TRIGGER "interaction_fts_update" AFTER UPDATE OF summary, outcome, with_whom '
    'ON "interaction" BEGIN '
    'INSERT INTO "interaction_fts" ("interaction_fts", rowid, summary, outcome, with_whom) '
    "VALUES ('delete', old.id, old.summary, old.outcome, old.with_whom); "
    'INSERT INTO "interaction_fts" (rowid, summary, outcome, with_whom) '
    'VALUES (new.id, new.summary, new.outcome, new.with_whom); END',
)


def _v4_worklist_and_note_search(db: pw.Database) -> None:
    """Remember decisions on the Today worklist, search notes, find a row's audit."""
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
        *_V4_NOTE_SEARCH,
        'INSERT INTO "interaction_fts" ("interaction_fts") VALUES (\'rebuild\')',
    ):
        db.execute_sql(statement)


# The reference rates Duly shipped with at v5: (series, in force from, rate %, source).
_V5_BOE = ("Bank of England, Bank Rate history "
           "(https://www.bankofengland.co.uk/boeapps/database/Bank-Rate.asp)")
_V5_ECB = ("ECB, Key ECB interest rates, main refinancing operations, fixed rate "
           "(https://www.ecb.europa.eu/stats/policy_and_exchange_rates/key_ecb_interest_rates/"
           "html/index.en.html)")
_V5_REFERENCE_RATES: tuple[tuple[str, str, str, str], ...] = (
    ('BOE_BASE', '2021-12-16', '0.25',
     _V5_BOE + '; MPC decision announced 16 Dec 2021'),
    ('BOE_BASE', '2022-02-03', '0.50',
     _V5_BOE + '; MPC decision announced 3 Feb 2022'),
    ('BOE_BASE', '2022-03-17', '0.75',
     _V5_BOE + '; MPC decision announced 17 Mar 2022'),
    ('BOE_BASE', '2022-05-05', '1.00',
     _V5_BOE + '; MPC decision announced 5 May 2022'),
    ('BOE_BASE', '2022-06-16', '1.25',
     _V5_BOE + '; MPC decision announced 16 Jun 2022'),
    ('BOE_BASE', '2022-08-04', '1.75',
     _V5_BOE + '; MPC decision announced 4 Aug 2022'),
    ('BOE_BASE', '2022-09-22', '2.25',
     _V5_BOE + '; MPC decision announced 22 Sep 2022'),
    ('BOE_BASE', '2022-11-03', '3.00',
     _V5_BOE + '; MPC decision announced 3 Nov 2022'),
    ('BOE_BASE', '2022-12-15', '3.50',
     _V5_BOE + '; MPC decision announced 15 Dec 2022'),
    ('BOE_BASE', '2023-02-02', '4.00',
     _V5_BOE + '; MPC decision announced 2 Feb 2023'),
    ('BOE_BASE', '2023-03-23', '4.25',
     _V5_BOE + '; MPC decision announced 23 Mar 2023'),
    ('BOE_BASE', '2023-05-11', '4.50',
     _V5_BOE + '; MPC decision announced 11 May 2023'),
    ('BOE_BASE', '2023-06-22', '5.00',
     _V5_BOE + '; MPC decision announced 22 Jun 2023'),
    ('BOE_BASE', '2023-08-03', '5.25',
     _V5_BOE + '; MPC decision announced 3 Aug 2023'),
    ('BOE_BASE', '2024-08-01', '5.00',
     _V5_BOE + '; MPC decision announced 1 Aug 2024'),
    ('BOE_BASE', '2024-11-07', '4.75',
     _V5_BOE + '; MPC decision announced 7 Nov 2024'),
    ('BOE_BASE', '2025-02-06', '4.50',
     _V5_BOE + '; MPC decision announced 6 Feb 2025'),
    ('BOE_BASE', '2025-05-08', '4.25',
     _V5_BOE + '; MPC decision announced 8 May 2025'),
    ('BOE_BASE', '2025-08-07', '4.00',
     _V5_BOE + '; MPC decision announced 7 Aug 2025'),
    ('BOE_BASE', '2025-12-18', '3.75',
     _V5_BOE + '; MPC decision announced 18 Dec 2025'),
    ('BOE_BASE', '2025-12-31', '3.75',
     _V5_BOE + '; in force on 31 Dec 2025, unchanged since the MPC decision of 18 Dec 2025'),
    ('ECB_MRO', '2019-09-18', '0.00',
     _V5_ECB + '; with effect from 18 Sep 2019'),
    ('ECB_MRO', '2022-07-27', '0.50',
     _V5_ECB + '; with effect from 27 Jul 2022'),
    ('ECB_MRO', '2022-09-14', '1.25',
     _V5_ECB + '; with effect from 14 Sep 2022'),
    ('ECB_MRO', '2022-11-02', '2.00',
     _V5_ECB + '; with effect from 2 Nov 2022'),
    ('ECB_MRO', '2022-12-21', '2.50',
     _V5_ECB + '; with effect from 21 Dec 2022'),
    ('ECB_MRO', '2023-02-08', '3.00',
     _V5_ECB + '; with effect from 8 Feb 2023'),
    ('ECB_MRO', '2023-03-22', '3.50',
     _V5_ECB + '; with effect from 22 Mar 2023'),
    ('ECB_MRO', '2023-05-10', '3.75',
     _V5_ECB + '; with effect from 10 May 2023'),
    ('ECB_MRO', '2023-06-21', '4.00',
     _V5_ECB + '; with effect from 21 Jun 2023'),
    ('ECB_MRO', '2023-08-02', '4.25',
     _V5_ECB + '; with effect from 2 Aug 2023'),
    ('ECB_MRO', '2023-09-20', '4.50',
     _V5_ECB + '; with effect from 20 Sep 2023'),
    ('ECB_MRO', '2024-06-12', '4.25',
     _V5_ECB + '; with effect from 12 Jun 2024'),
    ('ECB_MRO', '2024-09-18', '3.65',
     _V5_ECB + '; with effect from 18 Sep 2024'),
    ('ECB_MRO', '2024-10-23', '3.40',
     _V5_ECB + '; with effect from 23 Oct 2024'),
    ('ECB_MRO', '2024-12-18', '3.15',
     _V5_ECB + '; Governing Council decision of 12 Dec 2024, with effect from 18 Dec 2024'),
    ('ECB_MRO', '2025-02-05', '2.90',
     _V5_ECB + '; Governing Council decision of 30 Jan 2025, with effect from 5 Feb 2025'),
    ('ECB_MRO', '2025-03-12', '2.65',
     _V5_ECB + '; Governing Council decision of 6 Mar 2025, with effect from 12 Mar 2025'),
    ('ECB_MRO', '2025-04-23', '2.40',
     _V5_ECB + '; Governing Council decision of 17 Apr 2025, with effect from 23 Apr 2025'),
    ('ECB_MRO', '2025-06-11', '2.15',
     _V5_ECB + '; Governing Council decision of 5 Jun 2025, with effect from 11 Jun 2025'),
    ('ECB_MRO', '2026-01-01', '2.15',
     _V5_ECB + '; in force on 1 Jan 2026, left unchanged by the Governing Council on 18 Dec 2025'),
)


def _v5_skipped_stages(db: pw.Database) -> None:
    """A follow-up stage can be skipped with a reason, and so never comes back; the
    reference rates Duly ships with are added (the user's own rows are kept)."""
    db.execute_sql('ALTER TABLE "stage_execution" ADD COLUMN "skip_reason" TEXT NOT NULL '
                   "DEFAULT ''")
    for series, day, rate, source in _V5_REFERENCE_RATES:
        # A row the user already has for a series and day is kept: their correction wins.
        db.execute_sql('INSERT INTO "reference_rate" ("series", "effective_from", '
                       '"rate_percent", "source") SELECT ?, ?, ?, ? WHERE NOT EXISTS '
                       '(SELECT 1 FROM "reference_rate" WHERE "series" = ? AND '
                       '"effective_from" = ?)', (series, day, rate, source, series, day))


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


def _v7_letters_kept_whole(db: pw.Database) -> None:
    """A letter's or e-mail's subject and words are kept in their own columns, and an
    e-mail that has not gone is not the customer's last contact."""
    for column in ("subject", "body"):
        db.execute_sql(f'ALTER TABLE "interaction" ADD COLUMN "{column}" TEXT NOT NULL '
                       f"DEFAULT ''")
    # An e-mail's words are in the outbox, as sent.
    db.execute_sql('UPDATE "interaction" SET "subject" = m."subject", "body" = m."body" '
                   'FROM (SELECT "interaction_id", "subject", "body" FROM "outbox_message" '
                   'WHERE "id" IN (SELECT MAX("id") FROM "outbox_message" GROUP BY '
                   '"interaction_id")) m WHERE m."interaction_id" = "interaction"."id"')
    # A letter's only in its note, as "heading\n\nsubject\n\ntext" or, without a
    # subject, "heading\n\ntext": taken apart once here, as well as it can be.
    rows = db.execute_sql('SELECT "id", "summary" FROM "interaction" WHERE "stage_id" IS NOT '
                          'NULL AND "subject" = \'\' AND "body" = \'\'').fetchall()
    for interaction_id, summary in rows:
        subject, body = _v7_subject_and_body(summary)
        db.execute_sql('UPDATE "interaction" SET "subject" = ?, "body" = ? WHERE "id" = ?',
                       (subject, body, interaction_id))
    db.execute_sql(_V7_CONTACT_SUMMARY)


def _v7_subject_and_body(summary: str) -> tuple[str, str]:
    parts = summary.strip().split("\n\n", 2)
    if len(parts) < 2:
        return "", ""
    if len(parts) == 2:
        return "", parts[1].strip()
    subject, rest = parts[1].strip(), parts[2].strip()
    if subject.startswith("Dear ") or subject.endswith(","):  # a greeting, not a subject
        return "", f"{subject}\n\n{rest}"
    return subject, rest


# As v3's, but an e-mail still in the outbox or refused is not a contact.
_V7_GONE = (' AND NOT EXISTS (SELECT 1 FROM "outbox_message" m WHERE m."interaction_id" = '
            'i."id" AND m."status" IN (\'queued\', \'sending\', \'failed\'))')
_V7_CONTACT_SUMMARY = (
    f'UPDATE "customer" SET "last_contact_at" = {_latest_contact("occurred_at", _V7_GONE)}, '
    f'"last_contact_kind" = COALESCE({_latest_contact("kind", _V7_GONE)}, \'\')')


def _v8_imports(db: pw.Database) -> None:
    """Imports: each file imported, and each row that came from another program under
    that program's key."""
    for statement in (
        'CREATE TABLE "import_batch" ("id" INTEGER NOT NULL PRIMARY KEY, "source" VARCHAR(12) '
        'NOT NULL, "layout" VARCHAR(32) NOT NULL, "file_name" TEXT NOT NULL, "file_hash" '
        'VARCHAR(64) NOT NULL, "imported_at" DATETIME NOT NULL, "counts" TEXT NOT NULL, '
        '"undone_at" DATETIME)',
        'CREATE INDEX "import_batch_source_file_hash" ON "import_batch" ("source", '
        '"file_hash")',
        'CREATE TABLE "external_record" ("id" INTEGER NOT NULL PRIMARY KEY, "source" '
        'VARCHAR(12) NOT NULL, "kind" VARCHAR(12) NOT NULL, "key" TEXT NOT NULL, "row_id" '
        'INTEGER NOT NULL, "batch_id" INTEGER NOT NULL, "imported" TEXT NOT NULL, FOREIGN KEY '
        '("batch_id") REFERENCES "import_batch" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "external_record_batch_id" ON "external_record" ("batch_id")',
        'CREATE UNIQUE INDEX "external_record_source_kind_key" ON "external_record" '
        '("source", "kind", "key")',
        'CREATE INDEX "external_record_kind_row_id" ON "external_record" ("kind", "row_id")',
    ):
        db.execute_sql(statement)


def _v9_chase_from(db: pw.Database) -> None:
    """An invoice's follow-up clock may start after its due date (one brought in late)."""
    db.execute_sql('ALTER TABLE "invoice" ADD COLUMN "chase_from" DATE')


def _v10_tax_number(db: pw.Database) -> None:
    """A customer's VAT or tax registration number (none yet for those already here)."""
    db.execute_sql('ALTER TABLE "customer" ADD COLUMN "tax_number" TEXT NOT NULL '
                   "DEFAULT ''")


# Frozen copy of models.input_rules.match_key as it was at v11: the keys an old store
# gets must not change when the live rule does.
_V11_DROPPED = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                          "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x1f\x7f-\x9f]")
_V11_DASHES = {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58"
                                     "\ufe63\uff0d"}


def _v11_key(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _V11_DROPPED.sub(lambda m: " " if m.group() in "\t\n\r\x0b\x0c" else "", text)
    text = " ".join(text.split()).translate(_V11_DASHES)
    return unicodedata.normalize("NFC", text.casefold())


def _v11_look_alike_keys(db: pw.Database) -> None:
    """Invoice and credit-note numbers and customer codes get a key compared for
    uniqueness (case, Unicode dashes, invisible characters and normalisation forms
    ignored), under a unique index. Where an old store already holds look-alikes, the
    oldest keeps the key and the others keep none (NULL): nothing is lost or renamed,
    and no new look-alike of either can be added."""
    for table, column in (("invoice", "number"), ("credit_note", "number"),
                          ("customer", "code")):
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}_key" TEXT')
        seen: set[str] = set()
        keyed = []
        rows = db.execute_sql(f'SELECT "id", "{column}" FROM "{table}" ORDER BY "id"')
        for row_id, value in rows.fetchall():
            key = _v11_key(value or "")
            if key not in seen:
                seen.add(key)
                keyed.append((key, row_id))
        db.connection().executemany(
            f'UPDATE "{table}" SET "{column}_key" = ? WHERE "id" = ?', keyed)
        db.execute_sql(f'CREATE UNIQUE INDEX "{table}_{column}_key" ON "{table}" '
                       f'("{column}_key")')


# Frozen copies, as they were at v12: the default templates' wrong total line, and the
# lines that replace it (see models.default_templates._overdue_totals).
_V12_OLD_TOTAL = "\nTotal overdue: {{ total_due }}\n"
_V12_NEW_TOTAL = ("\nTotal overdue: {{ total_overdue }}\n"
                  "{% if total_overdue != total_due %}Total due, with invoices not yet "
                  "overdue: {{ total_due }}\n{% endif %}")


def _v12_total_overdue_is_overdue(db: pw.Database) -> None:
    """The firm and final reminders said "Total overdue" of everything open, an invoice
    due that very day included. Every template keeping that line word for word (as
    shipped, or edited elsewhere) now says what is overdue, and what is due in all
    only when that differs; a line the business reworded is left as it wrote it."""
    rows = db.execute_sql('SELECT "id", "body" FROM "letter_template"').fetchall()
    for row_id, body in rows:
        if _V12_OLD_TOTAL in body:
            db.execute_sql('UPDATE "letter_template" SET "body" = ? WHERE "id" = ?',
                           (body.replace(_V12_OLD_TOTAL, _V12_NEW_TOTAL), row_id))


def _v13_templates_in_every_language(db: pw.Database) -> None:
    """The default letters and e-mails in every language Duly writes. Nothing changes in
    the tables: the templates are made from the translations Duly ships, which is
    domain code, so ``models.db`` adds them once this version is reached
    (``models.default_templates.add_languages``)."""


# Frozen copies, as they were at v14: the default e-mails' sign-off, and the same with the
# signatory's name and position above the business's name.
_V14_OLD_SIGN_OFF = "\n{{ business_name }}\n{% if business_phone %}"
_V14_NEW_SIGN_OFF = ("\n{% if signatory %}{{ signatory }}\n{% endif %}{{ business_name }}\n"
                     "{% if business_phone %}")


def _v14_bank_accounts_and_signatory(db: pw.Database) -> None:
    """Bank accounts, one per currency (and one for any other), and a named signatory.
    The business's bank details, typed as one text, become its account for any
    currency, word for word; the default e-mails sign with the signatory's name."""
    kept = [text.strip() for (text,) in db.execute_sql(
        'SELECT "bank_details" FROM "business"').fetchall() if text and text.strip()]
    for statement in (
        'CREATE TABLE "bank_account" ("id" INTEGER NOT NULL PRIMARY KEY, "currency" '
        'VARCHAR(3) NOT NULL, "kind" VARCHAR(8) NOT NULL, "label" TEXT NOT NULL, "holder" '
        'TEXT NOT NULL, "iban" TEXT NOT NULL, "bic" TEXT NOT NULL, "sort_code" TEXT NOT '
        'NULL, "account_number" TEXT NOT NULL, "routing_number" TEXT NOT NULL, "details" '
        'TEXT NOT NULL)',
        'CREATE UNIQUE INDEX "bank_account_currency" ON "bank_account" ("currency")',
        'ALTER TABLE "business" DROP COLUMN "bank_details"',
        'ALTER TABLE "business" ADD COLUMN "signatory_name" TEXT NOT NULL DEFAULT \'\'',
        'ALTER TABLE "business" ADD COLUMN "signatory_position" TEXT NOT NULL DEFAULT \'\'',
    ):
        db.execute_sql(statement)
    param = db.param
    for text in kept[:1]:  # a store has one business
        db.execute_sql(f'INSERT INTO "bank_account" ("currency", "kind", "label", "holder", '
                       f'"iban", "bic", "sort_code", "account_number", "routing_number", '
                       f'"details") VALUES (\'\', \'text\', \'\', \'\', \'\', \'\', '
                       f'\'\', \'\', \'\', {param})', (text,))
    db.execute_sql(f'UPDATE "letter_template" SET "body" = REPLACE("body", {param}, {param}) '
                   f'WHERE "channel" = \'email\'', (_V14_OLD_SIGN_OFF, _V14_NEW_SIGN_OFF))


def _v15_plans_incentives_and_relationship(db: pw.Database) -> None:
    """Payment plans kept, broken and renegotiated; offers to pay early or settle; the
    contacts that are not chasing. A plan's instalments are numbered in schedule order
    (by date, as before). The "Payment plans" follow-up policy and the templates of
    its reminders are domain data: ``models.db`` adds them once this version is
    reached, as it does the templates of v13."""
    for statement in (
        'ALTER TABLE "credit_policy" ADD COLUMN "loyalty_waiver" VARCHAR(8) NOT NULL '
        "DEFAULT 'none'",
        'ALTER TABLE "follow_up_policy" ADD COLUMN "use" VARCHAR(8) NOT NULL '
        "DEFAULT 'invoices'",
        'ALTER TABLE "customer" ADD COLUMN "check_in_days" INTEGER',
        'ALTER TABLE "credit_note" ADD COLUMN "kind" VARCHAR(14) NOT NULL DEFAULT \'credit\'',
        'ALTER TABLE "payment_plan" ADD COLUMN "frequency" VARCHAR(12) NOT NULL '
        "DEFAULT 'custom'",
        'ALTER TABLE "payment_plan" ADD COLUMN "freeze_charges" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "payment_plan" ADD COLUMN "stage_reached_id" INTEGER REFERENCES '
        '"follow_up_stage" ("id") ON DELETE RESTRICT',
        'ALTER TABLE "payment_plan" ADD COLUMN "ended_on" DATE',
        'ALTER TABLE "payment_plan" ADD COLUMN "end_reason" TEXT NOT NULL DEFAULT \'\'',
        'ALTER TABLE "payment_plan" ADD COLUMN "replaces_id" INTEGER REFERENCES '
        '"payment_plan" ("id") ON DELETE RESTRICT',
        'CREATE INDEX "payment_plan_stage_reached_id" ON "payment_plan" ("stage_reached_id")',
        'CREATE INDEX "payment_plan_replaces_id" ON "payment_plan" ("replaces_id")',
        'ALTER TABLE "instalment" ADD COLUMN "position" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "instalment" ADD COLUMN "is_deposit" INTEGER NOT NULL DEFAULT 0',
        'UPDATE "instalment" SET "position" = 1 + (SELECT COUNT(*) FROM "instalment" AS '
        '"other" WHERE "other"."plan_id" = "instalment"."plan_id" AND ("other"."due_date" '
        '< "instalment"."due_date" OR ("other"."due_date" = "instalment"."due_date" AND '
        '"other"."id" < "instalment"."id")))',
        'ALTER TABLE "interaction" ADD COLUMN "purpose" VARCHAR(8) NOT NULL '
        "DEFAULT 'chase'",
        'ALTER TABLE "interaction" ADD COLUMN "plan_id" INTEGER REFERENCES "payment_plan" '
        '("id") ON DELETE RESTRICT',
        'ALTER TABLE "interaction" ADD COLUMN "instalment_id" INTEGER REFERENCES '
        '"instalment" ("id") ON DELETE RESTRICT',
        'CREATE INDEX "interaction_plan_id" ON "interaction" ("plan_id")',
        'CREATE INDEX "interaction_instalment_id" ON "interaction" ("instalment_id")',
        'CREATE TABLE "offer" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT '
        'NULL, "kind" VARCHAR(10) NOT NULL, "currency" VARCHAR(3) NOT NULL, "offered_on" DATE '
        'NOT NULL, "pay_by" DATE NOT NULL, "pay_minor" INTEGER NOT NULL CHECK (pay_minor > '
        '0), "waive_minor" INTEGER NOT NULL CHECK (waive_minor >= 0), "status" VARCHAR(10) '
        'NOT NULL, "resolved_on" DATE, "credit_note_id" INTEGER, "interaction_id" INTEGER, '
        '"notes" TEXT NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("customer_id") '
        'REFERENCES "customer" ("id") ON DELETE RESTRICT, FOREIGN KEY ("credit_note_id") '
        'REFERENCES "credit_note" ("id") ON DELETE RESTRICT, FOREIGN KEY ("interaction_id") '
        'REFERENCES "interaction" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "offer_customer_id" ON "offer" ("customer_id")',
        'CREATE INDEX "offer_credit_note_id" ON "offer" ("credit_note_id")',
        'CREATE INDEX "offer_interaction_id" ON "offer" ("interaction_id")',
        'CREATE TABLE "offer_invoice" ("id" INTEGER NOT NULL PRIMARY KEY, "offer_id" INTEGER '
        'NOT NULL, "invoice_id" INTEGER NOT NULL, FOREIGN KEY ("offer_id") REFERENCES "offer" '
        '("id") ON DELETE RESTRICT, FOREIGN KEY ("invoice_id") REFERENCES "invoice" ("id") '
        'ON DELETE RESTRICT)',
        'CREATE INDEX "offer_invoice_offer_id" ON "offer_invoice" ("offer_id")',
        'CREATE INDEX "offer_invoice_invoice_id" ON "offer_invoice" ("invoice_id")',
        'CREATE UNIQUE INDEX "offer_invoice_offer_id_invoice_id" ON "offer_invoice" '
        '("offer_id", "invoice_id")',
    ):
        db.execute_sql(statement)


# The totals the business figures sum and the triggers that keep them, as v16 made them.
_V16_MONTH_TOTALS = (
    'CREATE TABLE "kept_month_total" ("id" INTEGER NOT NULL PRIMARY KEY, "currency" VARCHAR(3) '
    'NOT NULL, "month" VARCHAR(7) NOT NULL, "due_date" DATE NOT NULL, "invoiced_minor" INTEGER '
    'NOT NULL, "allocated_minor" INTEGER NOT NULL)',
    'CREATE UNIQUE INDEX "kept_month_total_currency_month_due_date" ON "kept_month_total" '
    '("currency", "month", "due_date")',
    'CREATE TRIGGER "kept_month_total_invoice_insert" AFTER INSERT ON "invoice" BEGIN INSERT INTO '
    '"kept_month_total" ("currency", "month", "due_date", "invoiced_minor", "allocated_minor") '
    'SELECT new."currency", substr(new."issue_date", 1, 7), new."due_date", new."amount_minor", 0 '
    'WHERE new."status" IN (\'open\', \'paid\', \'disputed\', \'with_agency\') ON CONFLICT '
    '("currency", "month", "due_date") DO UPDATE SET "invoiced_minor" = "invoiced_minor" + '
    'excluded."invoiced_minor", "allocated_minor" = "allocated_minor" + '
    'excluded."allocated_minor"; END',
    'CREATE TRIGGER "kept_month_total_invoice_delete" AFTER DELETE ON "invoice" BEGIN INSERT INTO '
    '"kept_month_total" ("currency", "month", "due_date", "invoiced_minor", "allocated_minor") '
    'SELECT old."currency", substr(old."issue_date", 1, 7), old."due_date", -old."amount_minor", '
    '0 WHERE old."status" IN (\'open\', \'paid\', \'disputed\', \'with_agency\') ON CONFLICT '
    '("currency", "month", "due_date") DO UPDATE SET "invoiced_minor" = "invoiced_minor" + '
    'excluded."invoiced_minor", "allocated_minor" = "allocated_minor" + '
    'excluded."allocated_minor"; INSERT INTO "kept_month_total" ("currency", "month", "due_date", '
    '"invoiced_minor", "allocated_minor") SELECT old."currency", substr(max(a."allocated_on", '
    'old."issue_date"), 1, 7), old."due_date", 0, -SUM(a."amount_minor") FROM "allocation" a '
    'WHERE a."invoice_id" = old."id" AND NOT a."voided" AND old."status" IN (\'open\', \'paid\', '
    '\'disputed\', \'with_agency\') GROUP BY 2 ON CONFLICT ("currency", "month", "due_date") DO '
    'UPDATE SET "invoiced_minor" = "invoiced_minor" + excluded."invoiced_minor", '
    '"allocated_minor" = "allocated_minor" + excluded."allocated_minor"; END',
    'CREATE TRIGGER "kept_month_total_invoice_update" AFTER UPDATE OF "status", "amount_minor", '
    '"currency", "issue_date", "due_date" ON "invoice" WHEN (old."status" IN (\'open\', \'paid\', '
    '\'disputed\', \'with_agency\')) IS NOT (new."status" IN (\'open\', \'paid\', \'disputed\', '
    '\'with_agency\')) OR (new."status" IN (\'open\', \'paid\', \'disputed\', \'with_agency\') '
    'AND (old."amount_minor" IS NOT new."amount_minor" OR old."currency" IS NOT new."currency" OR '
    'old."issue_date" IS NOT new."issue_date" OR old."due_date" IS NOT new."due_date")) BEGIN '
    'INSERT INTO "kept_month_total" ("currency", "month", "due_date", "invoiced_minor", '
    '"allocated_minor") SELECT old."currency", substr(old."issue_date", 1, 7), old."due_date", '
    '-old."amount_minor", 0 WHERE old."status" IN (\'open\', \'paid\', \'disputed\', '
    '\'with_agency\') ON CONFLICT ("currency", "month", "due_date") DO UPDATE SET '
    '"invoiced_minor" = "invoiced_minor" + excluded."invoiced_minor", "allocated_minor" = '
    '"allocated_minor" + excluded."allocated_minor"; INSERT INTO "kept_month_total" ("currency", '
    '"month", "due_date", "invoiced_minor", "allocated_minor") SELECT old."currency", '
    'substr(max(a."allocated_on", old."issue_date"), 1, 7), old."due_date", 0, '
    '-SUM(a."amount_minor") FROM "allocation" a WHERE a."invoice_id" = old."id" AND NOT '
    'a."voided" AND old."status" IN (\'open\', \'paid\', \'disputed\', \'with_agency\') GROUP BY '
    '2 ON CONFLICT ("currency", "month", "due_date") DO UPDATE SET "invoiced_minor" = '
    '"invoiced_minor" + excluded."invoiced_minor", "allocated_minor" = "allocated_minor" + '
    'excluded."allocated_minor"; INSERT INTO "kept_month_total" ("currency", "month", "due_date", '
    '"invoiced_minor", "allocated_minor") SELECT new."currency", substr(new."issue_date", 1, 7), '
    'new."due_date", new."amount_minor", 0 WHERE new."status" IN (\'open\', \'paid\', '
    '\'disputed\', \'with_agency\') ON CONFLICT ("currency", "month", "due_date") DO UPDATE SET '
    '"invoiced_minor" = "invoiced_minor" + excluded."invoiced_minor", "allocated_minor" = '
    '"allocated_minor" + excluded."allocated_minor"; INSERT INTO "kept_month_total" ("currency", '
    '"month", "due_date", "invoiced_minor", "allocated_minor") SELECT new."currency", '
    'substr(max(a."allocated_on", new."issue_date"), 1, 7), new."due_date", 0, '
    'SUM(a."amount_minor") FROM "allocation" a WHERE a."invoice_id" = new."id" AND NOT a."voided" '
    'AND new."status" IN (\'open\', \'paid\', \'disputed\', \'with_agency\') GROUP BY 2 ON '
    'CONFLICT ("currency", "month", "due_date") DO UPDATE SET "invoiced_minor" = "invoiced_minor" '
    '+ excluded."invoiced_minor", "allocated_minor" = "allocated_minor" + '
    'excluded."allocated_minor"; END',
    'CREATE TRIGGER "kept_month_total_allocation_insert" AFTER INSERT ON "allocation" WHEN '
    'new."invoice_id" IS NOT NULL AND NOT new."voided" BEGIN INSERT INTO "kept_month_total" '
    '("currency", "month", "due_date", "invoiced_minor", "allocated_minor") SELECT i."currency", '
    'substr(max(new."allocated_on", i."issue_date"), 1, 7), i."due_date", 0, new."amount_minor" '
    'FROM "invoice" i WHERE i."id" = new."invoice_id" AND NOT new."voided" AND i."status" IN '
    '(\'open\', \'paid\', \'disputed\', \'with_agency\') ON CONFLICT ("currency", "month", '
    '"due_date") DO UPDATE SET "invoiced_minor" = "invoiced_minor" + excluded."invoiced_minor", '
    '"allocated_minor" = "allocated_minor" + excluded."allocated_minor"; END',
    'CREATE TRIGGER "kept_month_total_allocation_delete" AFTER DELETE ON "allocation" WHEN '
    'old."invoice_id" IS NOT NULL AND NOT old."voided" BEGIN INSERT INTO "kept_month_total" '
    '("currency", "month", "due_date", "invoiced_minor", "allocated_minor") SELECT i."currency", '
    'substr(max(old."allocated_on", i."issue_date"), 1, 7), i."due_date", 0, -old."amount_minor" '
    'FROM "invoice" i WHERE i."id" = old."invoice_id" AND NOT old."voided" AND i."status" IN '
    '(\'open\', \'paid\', \'disputed\', \'with_agency\') ON CONFLICT ("currency", "month", '
    '"due_date") DO UPDATE SET "invoiced_minor" = "invoiced_minor" + excluded."invoiced_minor", '
    '"allocated_minor" = "allocated_minor" + excluded."allocated_minor"; END',
    'CREATE TRIGGER "kept_month_total_allocation_update" AFTER UPDATE OF "voided", '
    '"amount_minor", "allocated_on", "invoice_id" ON "allocation" WHEN old."voided" IS NOT '
    'new."voided" OR old."amount_minor" IS NOT new."amount_minor" OR old."allocated_on" IS NOT '
    'new."allocated_on" OR old."invoice_id" IS NOT new."invoice_id" BEGIN INSERT INTO '
    '"kept_month_total" ("currency", "month", "due_date", "invoiced_minor", "allocated_minor") '
    'SELECT i."currency", substr(max(old."allocated_on", i."issue_date"), 1, 7), i."due_date", 0, '
    '-old."amount_minor" FROM "invoice" i WHERE i."id" = old."invoice_id" AND NOT old."voided" '
    'AND i."status" IN (\'open\', \'paid\', \'disputed\', \'with_agency\') ON CONFLICT '
    '("currency", "month", "due_date") DO UPDATE SET "invoiced_minor" = "invoiced_minor" + '
    'excluded."invoiced_minor", "allocated_minor" = "allocated_minor" + '
    'excluded."allocated_minor"; INSERT INTO "kept_month_total" ("currency", "month", "due_date", '
    '"invoiced_minor", "allocated_minor") SELECT i."currency", substr(max(new."allocated_on", '
    'i."issue_date"), 1, 7), i."due_date", 0, new."amount_minor" FROM "invoice" i WHERE i."id" = '
    'new."invoice_id" AND NOT new."voided" AND i."status" IN (\'open\', \'paid\', \'disputed\', '
    '\'with_agency\') ON CONFLICT ("currency", "month", "due_date") DO UPDATE SET '
    '"invoiced_minor" = "invoiced_minor" + excluded."invoiced_minor", "allocated_minor" = '
    '"allocated_minor" + excluded."allocated_minor"; END',
    'INSERT INTO "kept_month_total" ("currency", "month", "due_date", "invoiced_minor", '
    '"allocated_minor") SELECT "currency", "month", "due_date", SUM("invoiced"), SUM("allocated") '
    'FROM (SELECT "currency", substr("issue_date", 1, 7) AS "month", "due_date", "amount_minor" '
    'AS "invoiced", 0 AS "allocated" FROM "invoice" WHERE "status" IN (\'open\', \'paid\', '
    '\'disputed\', \'with_agency\') UNION ALL SELECT i."currency", substr(max(a."allocated_on", '
    'i."issue_date"), 1, 7), i."due_date", 0, a."amount_minor" FROM "allocation" a JOIN "invoice" '
    'i ON i."id" = a."invoice_id" WHERE NOT a."voided" AND i."status" IN (\'open\', \'paid\', '
    "'disputed', 'with_agency')) GROUP BY 1, 2, 3",
)


def _v16_kept_month_totals(db: pw.Database) -> None:
    """Keep what was invoiced and allocated by currency, month and due date, filled from
    the invoices and allocations already there, so the business figures read a few
    thousand rows instead of every invoice (docs/decisions.md, "Kept month totals")."""
    for statement in _V16_MONTH_TOTALS:
        db.execute_sql(statement)


_V17_TABLES = (
    'CREATE TABLE "dispute_case" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER '
    'NOT NULL, "currency" VARCHAR(3) NOT NULL, "category" VARCHAR(16) NOT NULL, '
    '"customer_said" TEXT NOT NULL, "raised_on" DATE NOT NULL, "status" VARCHAR(10) NOT NULL, '
    '"resolved_on" DATE, "resolution" TEXT NOT NULL, "credit_note_id" INTEGER, "created_at" '
    'DATETIME NOT NULL, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE '
    'RESTRICT, FOREIGN KEY ("credit_note_id") REFERENCES "credit_note" ("id") ON DELETE '
    'RESTRICT)',
    'CREATE INDEX "dispute_case_customer_id" ON "dispute_case" ("customer_id")',
    'CREATE INDEX "dispute_case_credit_note_id" ON "dispute_case" ("credit_note_id")',
    'CREATE TABLE "disputed_invoice" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER '
    'NOT NULL, "invoice_id" INTEGER NOT NULL, "disputed_minor" INTEGER NOT NULL CHECK '
    '(disputed_minor > 0), FOREIGN KEY ("case_id") REFERENCES "dispute_case" ("id") ON '
    'DELETE RESTRICT, FOREIGN KEY ("invoice_id") REFERENCES "invoice" ("id") ON DELETE '
    'RESTRICT)',
    'CREATE INDEX "disputed_invoice_case_id" ON "disputed_invoice" ("case_id")',
    'CREATE INDEX "disputed_invoice_invoice_id" ON "disputed_invoice" ("invoice_id")',
    'CREATE UNIQUE INDEX "disputed_invoice_case_id_invoice_id" ON "disputed_invoice" '
    '("case_id", "invoice_id")',
    'CREATE TABLE "dispute_note" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER NOT '
    'NULL, "written_at" DATETIME NOT NULL, "text" TEXT NOT NULL, "file_name" TEXT NOT NULL, '
    '"file_type" VARCHAR(128) NOT NULL, "file_size" INTEGER NOT NULL, "file" BLOB, FOREIGN '
    'KEY ("case_id") REFERENCES "dispute_case" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "dispute_note_case_id" ON "dispute_note" ("case_id")',
    'CREATE TABLE "write_off" ("id" INTEGER NOT NULL PRIMARY KEY, "credit_note_id" INTEGER '
    'NOT NULL, "invoice_id" INTEGER NOT NULL, "reason" VARCHAR(16) NOT NULL, "notes" TEXT '
    'NOT NULL, "vat_percent" TEXT, "vat_minor" INTEGER NOT NULL, "reversed_on" DATE, '
    '"reversal_reason" TEXT NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY '
    '("credit_note_id") REFERENCES "credit_note" ("id") ON DELETE RESTRICT, FOREIGN KEY '
    '("invoice_id") REFERENCES "invoice" ("id") ON DELETE RESTRICT)',
    'CREATE UNIQUE INDEX "write_off_credit_note_id" ON "write_off" ("credit_note_id")',
    'CREATE INDEX "write_off_invoice_id" ON "write_off" ("invoice_id")',
    'ALTER TABLE "agency" ADD COLUMN "contact_name" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "agency" ADD COLUMN "commission_min_minor" INTEGER',
    'ALTER TABLE "agency" ADD COLUMN "currency" VARCHAR(3) NOT NULL DEFAULT \'\'',
    'ALTER TABLE "agency" ADD COLUMN "fees" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "agency" ADD COLUMN "strengths" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "agency" ADD COLUMN "notes" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "agency" ADD COLUMN "rating" INTEGER CHECK (rating BETWEEN 1 AND 5)',
)


def _v17_dispute_cases_and_write_offs(db: pw.Database) -> None:
    """Disputes become cases (their invoices, each with the amount disputed, a category,
    notes and files, a resolution) and write-offs documents of their own; the agencies'
    directory keeps a contact, a minimum commission, fees, strengths, notes and a
    rating. Each invoice
    in dispute becomes an open case of its own for its whole open amount, of category
    "other", with its dispute reason as what the customer said, raised on the day the
    audit log last saw it disputed (else on the invoice's issue date)."""
    for statement in _V17_TABLES:
        db.execute_sql(statement)
    disputed = db.execute_sql(
        'SELECT "id", "customer_id", "currency", "dispute_reason", "issue_date", '
        '"open_minor", "amount_minor", "created_at" FROM "invoice" WHERE "status" = '
        "'disputed' ORDER BY \"id\"").fetchall()
    param = db.param
    for (invoice_id, customer_id, currency, reason, issued, open_minor, amount,
         created) in disputed:
        seen = db.execute_sql(
            f'SELECT "at" FROM "audit_entry" WHERE "action" = \'dispute invoice\' AND '
            f'"table" = \'invoice\' AND "row_id" = {param} ORDER BY "at" DESC, "id" DESC '
            f'LIMIT 1', (invoice_id,)).fetchone()
        at = str(seen[0]) if seen is not None else str(created)
        raised = at[:10] if seen is not None else str(issued)[:10]
        cursor = db.execute_sql(
            f'INSERT INTO "dispute_case" ("customer_id", "currency", "category", '
            f'"customer_said", "raised_on", "status", "resolution", "created_at") VALUES '
            f'({param}, {param}, \'other\', {param}, {param}, \'open\', \'\', {param})',
            (customer_id, currency, reason or "", raised, at))
        db.execute_sql(
            f'INSERT INTO "disputed_invoice" ("case_id", "invoice_id", "disputed_minor") '
            f'VALUES ({param}, {param}, {param})',
            (db.last_insert_id(cursor), invoice_id, open_minor if open_minor > 0 else amount))


_V18_STATEMENTS = (
    'ALTER TABLE "agency_referral" ADD COLUMN "commission_min_minor" INTEGER',
    'ALTER TABLE "agency_referral" ADD COLUMN "override_reason" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "agency_referral" ADD COLUMN "ended_on" DATE',
    'ALTER TABLE "agency_referral" ADD COLUMN "referred_minor" INTEGER NOT NULL DEFAULT 0',
    # The old store kept no amount referred: what is open on its invoices, and what the
    # agency recovered of them.
    'UPDATE "agency_referral" SET "referred_minor" = "recovered_minor" + (SELECT '
    'COALESCE(SUM(i."open_minor"), 0) FROM "referral_invoice" r JOIN "invoice" i ON '
    'i."id" = r."invoice_id" WHERE r."referral_id" = "agency_referral"."id")',
    'ALTER TABLE "interaction" ADD COLUMN "warned_of_referral" INTEGER NOT NULL DEFAULT 0',
    'CREATE TABLE "referral_update" ("id" INTEGER NOT NULL PRIMARY KEY, "referral_id" '
    'INTEGER NOT NULL, "reported_on" DATE NOT NULL, "status" VARCHAR(12) NOT NULL, "note" '
    'TEXT NOT NULL, "recovered_minor" INTEGER NOT NULL CHECK (recovered_minor >= 0), '
    '"commission_minor" INTEGER NOT NULL CHECK (commission_minor >= 0), "payment_id" '
    'INTEGER, "created_at" DATETIME NOT NULL, FOREIGN KEY ("referral_id") REFERENCES '
    '"agency_referral" ("id") ON DELETE RESTRICT, FOREIGN KEY ("payment_id") REFERENCES '
    '"payment" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "referral_update_referral_id" ON "referral_update" ("referral_id")',
    'CREATE INDEX "referral_update_payment_id" ON "referral_update" ("payment_id")',
)


def _v18_agency_referrals(db: pw.Database) -> None:
    """Referrals keep the amount referred, the agency's minimum commission, why one was
    made although the pre-referral check refused it, and the day it ended; each has a
    history of the agency's updates with the money recovered and the commission kept; a
    contact can be the one that warned the customer of the referral. A referral ended
    before (recovered, closed, withdrawn) keeps no end day: the old store did not say
    when; its amount referred is what is open on its invoices plus what it recovered."""
    for statement in _V18_STATEMENTS:
        db.execute_sql(statement)


def _v19_contact_template(db: pw.Database) -> None:
    """Each contact keeps the name of the template its letter or e-mail was written from.
    The contacts already recorded get none (NULL: not known): the template their stage
    sends now may not be the one it sent then, so what-works falls back to it only for
    them, and says so."""
    db.execute_sql('ALTER TABLE "interaction" ADD COLUMN "template_name" TEXT')


_V20_TABLES = (
    'ALTER TABLE "customer" ADD COLUMN "legal_form" VARCHAR(16) NOT NULL DEFAULT \'\'',
    'CREATE TABLE "court_fee" ("id" INTEGER NOT NULL PRIMARY KEY, "jurisdiction" VARCHAR(8) '
    'NOT NULL, "currency" VARCHAR(3) NOT NULL, "amount_from_minor" INTEGER NOT NULL, '
    '"amount_to_minor" INTEGER, "fee_minor" INTEGER, "percent" TEXT, "cap_minor" INTEGER, '
    '"source" TEXT NOT NULL)',
    'CREATE TABLE "claim_letter" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER '
    'NOT NULL, "interaction_id" INTEGER NOT NULL, "kind" VARCHAR(16) NOT NULL, "sent_on" DATE '
    'NOT NULL, "respond_by" DATE NOT NULL, "currency" VARCHAR(3) NOT NULL, "principal_minor" '
    'INTEGER NOT NULL, "claim_minor" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT, FOREIGN KEY '
    '("interaction_id") REFERENCES "interaction" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "claim_letter_customer_id" ON "claim_letter" ("customer_id")',
    'CREATE UNIQUE INDEX "claim_letter_interaction_id" ON "claim_letter" ("interaction_id")',
)


# The court fees as models.claims.SHIPPED_COURT_FEES shipped them with v20 (a test keeps
# the two equal; a migration imports nothing of the domain): (from, to, fee, percent).
_V20_COURT_FEES = (
    (1, 300_00, 35_00, None), (300_01, 500_00, 50_00, None), (500_01, 1_000_00, 70_00, None),
    (1_000_01, 1_500_00, 80_00, None), (1_500_01, 3_000_00, 115_00, None),
    (3_000_01, 5_000_00, 205_00, None), (5_000_01, 10_000_00, 455_00, None),
    (10_000_01, 200_000_00, None, "5"), (200_000_01, None, 10_000_00, None),
)
_V20_COURT_FEE_SOURCE = ("HMCTS EX50 / gov.uk money claim fees (as at 16 Sep 2021; check for "
                         "changes)")


def _v20_claims_and_court_fees(db: pw.Database) -> None:
    """Customers get a legal form (unknown until the user says), which chooses the letter
    before a claim; the court's fees to issue a money claim become a table the user
    can edit, seeded with England & Wales's; each letter before action sent is kept
    with its response deadline."""
    for statement in _V20_TABLES:
        db.execute_sql(statement)
    param = db.param
    for low, high, fee, percent in _V20_COURT_FEES:
        db.execute_sql(
            f'INSERT INTO "court_fee" ("jurisdiction", "currency", "amount_from_minor", '
            f'"amount_to_minor", "fee_minor", "percent", "cap_minor", "source") VALUES '
            f"('GB-EAW', 'GBP', {param}, {param}, {param}, {param}, NULL, {param})",
            (low, high, fee, percent, _V20_COURT_FEE_SOURCE))


_V21_TABLES = (
    'CREATE TABLE "bank_statement" ("id" INTEGER NOT NULL PRIMARY KEY, "file_name" TEXT NOT '
    'NULL, "file_hash" VARCHAR(64) NOT NULL, "format" VARCHAR(8) NOT NULL, "currency" '
    'VARCHAR(3) NOT NULL, "imported_at" DATETIME NOT NULL, "undone_at" DATETIME)',
    'CREATE TABLE "bank_credit" ("id" INTEGER NOT NULL PRIMARY KEY, "statement_id" INTEGER '
    'NOT NULL, "bank_id" TEXT NOT NULL, "booked_on" DATE NOT NULL, "amount_minor" INTEGER NOT '
    'NULL CHECK (amount_minor > 0), "currency" VARCHAR(3) NOT NULL, "payer_name" TEXT NOT '
    'NULL, "payer_iban" TEXT NOT NULL, "text" TEXT NOT NULL, "outcome" VARCHAR(8) NOT NULL, '
    '"customer_id" INTEGER, "payment_id" INTEGER, "undone" INTEGER NOT NULL, FOREIGN KEY '
    '("statement_id") REFERENCES "bank_statement" ("id") ON DELETE RESTRICT, FOREIGN KEY '
    '("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT, FOREIGN KEY '
    '("payment_id") REFERENCES "payment" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "bank_credit_statement_id" ON "bank_credit" ("statement_id")',
    'CREATE INDEX "bank_credit_customer_id" ON "bank_credit" ("customer_id")',
    'CREATE INDEX "bank_credit_payment_id" ON "bank_credit" ("payment_id")',
    'CREATE UNIQUE INDEX "bank_credit_live" ON "bank_credit" ("bank_id") WHERE NOT "undone"',
    'CREATE TABLE "payer_iban" ("id" INTEGER NOT NULL PRIMARY KEY, "iban" TEXT NOT NULL, '
    '"customer_id" INTEGER NOT NULL, "last_seen" DATE NOT NULL, FOREIGN KEY ("customer_id") '
    'REFERENCES "customer" ("id") ON DELETE RESTRICT)',
    'CREATE UNIQUE INDEX "payer_iban_iban" ON "payer_iban" ("iban")',
    'CREATE INDEX "payer_iban_customer_id" ON "payer_iban" ("customer_id")',
)


# The same on a PostgreSQL server: ids from a sequence, times as TIMESTAMP, flags BOOLEAN.
_V21_SERVER_TABLES = tuple(
    statement.replace('"id" INTEGER NOT NULL PRIMARY KEY', '"id" SERIAL NOT NULL PRIMARY KEY')
    .replace(" DATETIME", " TIMESTAMP").replace('"undone" INTEGER', '"undone" BOOLEAN')
    for statement in _V21_TABLES)


def _v21_bank_statements(db: pw.Database) -> None:
    """Bank statements confirmed, their credits under the bank's own ids (each live
    once), and the accounts customers paid from. Nothing existing changes."""
    for statement in _V21_SERVER_TABLES if _on_server(db) else _V21_TABLES:
        db.execute_sql(statement)


def _v22_covering_allocation_indexes(db: pw.Database) -> None:
    """The indexes of allocations by invoice, payment and credit note also hold whether
    each is voided, its day and its amount: what was paid on a document, and what was
    allocated after a past day, is summed from the index alone, never the table's rows
    (the overdue list for a past as-of date; issue 21). Each keeps its name."""
    for link in ("invoice_id", "payment_id", "credit_note_id"):
        db.execute_sql(f'DROP INDEX "allocation_{link}"')
        db.execute_sql(f'CREATE INDEX "allocation_{link}" ON "allocation" ("{link}", '
                       f'"voided", "allocated_on", "amount_minor")')


# Every money column (integer minor units): on a server INTEGER holds only 2**31 - 1,
# 21 million in a currency's units; amounts go up to models.input_rules.MAX_MINOR.
_V23_MONEY_COLUMNS = {
    "follow_up_policy": ("min_balance_minor",), "follow_up_stage": ("fee_minor",),
    "invoice": ("amount_minor", "open_minor"),
    "credit_note": ("amount_minor", "unallocated_minor"),
    "payment": ("amount_minor", "unallocated_minor"),
    "charge": ("amount_minor", "open_minor", "principal_minor"),
    "allocation": ("amount_minor",), "promise": ("amount_minor",),
    "instalment": ("amount_minor",), "agency": ("commission_min_minor",),
    "agency_referral": ("recovered_minor", "commission_min_minor", "referred_minor"),
    "offer": ("pay_minor", "waive_minor"),
    "kept_month_total": ("invoiced_minor", "allocated_minor"),
    "disputed_invoice": ("disputed_minor",), "write_off": ("vat_minor",),
    "referral_update": ("recovered_minor", "commission_minor"),
    "court_fee": ("amount_from_minor", "amount_to_minor", "fee_minor", "cap_minor"),
    "claim_letter": ("principal_minor", "claim_minor"), "bank_credit": ("amount_minor",),
}
# The words longer than their columns: an outbox message's kind "relationship" (12) and a
# payment's method "collection agency" (17). (table, column, old length, new length)
_V23_WIDER_WORDS = (("outbox_message", "kind", 10, 16), ("payment", "method", 16, 24))
# The kept month totals' triggers on a server that name an amount, as
# models.month_totals.SERVER_MONTH_TOTAL_TRIGGERS has them at v23 (a test keeps them equal).
_V23_RECEIVABLE = "('open', 'paid', 'disputed', 'with_agency')"
_V23_SERVER_TRIGGERS = (
    'CREATE TRIGGER "kept_month_total_invoice_update" AFTER UPDATE OF "status", '
    '"amount_minor", "currency", "issue_date", "due_date" ON "invoice" FOR EACH ROW WHEN '
    f'((OLD."status" IN {_V23_RECEIVABLE}) IS DISTINCT FROM (NEW."status" IN '
    f'{_V23_RECEIVABLE}) OR (NEW."status" IN {_V23_RECEIVABLE} AND (OLD."amount_minor" IS '
    'DISTINCT FROM NEW."amount_minor" OR OLD."currency" IS DISTINCT FROM NEW."currency" OR '
    'OLD."issue_date" IS DISTINCT FROM NEW."issue_date" OR OLD."due_date" IS DISTINCT FROM '
    'NEW."due_date"))) EXECUTE FUNCTION "kept_month_total_invoice_update"()',
    'CREATE TRIGGER "kept_month_total_allocation_update" AFTER UPDATE OF "voided", '
    '"amount_minor", "allocated_on", "invoice_id" ON "allocation" FOR EACH ROW WHEN '
    '(OLD."voided" IS DISTINCT FROM NEW."voided" OR OLD."amount_minor" IS DISTINCT FROM '
    'NEW."amount_minor" OR OLD."allocated_on" IS DISTINCT FROM NEW."allocated_on" OR '
    'OLD."invoice_id" IS DISTINCT FROM NEW."invoice_id") '
    'EXECUTE FUNCTION "kept_month_total_allocation_update"()',
)


def _v23_room_for_money_and_words(db: pw.Database) -> None:
    """Money columns hold amounts of a billion and more, and an outbox message's kind and
    a payment's method hold their longest words. On a server the columns change type
    (BIGINT, wider VARCHAR). A file's columns hold any integer and any length already:
    only the declared lengths change in the schema's text, as SQLite's documentation
    describes for a change that leaves every stored row as it is
    (sqlite.org/lang_altertable.html, "Making other kinds of table schema changes")."""
    if _on_server(db):
        # A trigger naming a column in its WHEN keeps the column's type from changing:
        # the two that name an amount are made again once the columns have their types.
        for table, name in (("invoice", "kept_month_total_invoice_update"),
                            ("allocation", "kept_month_total_allocation_update")):
            db.execute_sql(f'DROP TRIGGER "{name}" ON "{table}"')
        for table, columns in _V23_MONEY_COLUMNS.items():
            changes = ", ".join(f'ALTER COLUMN "{column}" TYPE BIGINT' for column in columns)
            db.execute_sql(f'ALTER TABLE "{table}" {changes}')
        for table, column, _, length in _V23_WIDER_WORDS:
            db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE '
                           f'VARCHAR({length})')
        for statement in _V23_SERVER_TRIGGERS:
            db.execute_sql(statement)
        return
    version = db.execute_sql("PRAGMA schema_version").fetchone()[0]
    db.execute_sql("PRAGMA writable_schema = ON")
    for table, column, old, length in _V23_WIDER_WORDS:
        db.execute_sql(f"UPDATE sqlite_master SET sql = replace(sql, '\"{column}\" "
                       f"VARCHAR({old})', '\"{column}\" VARCHAR({length})') WHERE "
                       f"type = 'table' AND name = '{table}'")
    db.execute_sql(f"PRAGMA schema_version = {version + 1}")
    db.execute_sql("PRAGMA writable_schema = OFF")


_V24_USERS_TABLE = (
    'CREATE TABLE "store_user" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, '
    '"login" TEXT NOT NULL, "role" VARCHAR(16) NOT NULL, "active" INTEGER NOT NULL, '
    '"created_at" DATETIME NOT NULL)')
# The tables whose rows name the user who made them: a contact, a payment, an e-mail
# approved to be sent.
_V24_MADE_BY = ("interaction", "payment", "outbox_message")


def _v24_store_users(db: pw.Database) -> None:
    """Each person is a user of the store, with a role (record and send, or manage too),
    and contacts, payments and queued e-mails name the user who made them. The rows made
    before name no one (NULL: not known). The store starts with no users: the first
    person to use it becomes its manager (models.users)."""
    table = _V24_USERS_TABLE
    if _on_server(db):
        table = table.replace('"id" INTEGER NOT NULL PRIMARY KEY', '"id" SERIAL NOT NULL '
                              'PRIMARY KEY').replace('"active" INTEGER', '"active" BOOLEAN'
                                                     ).replace(" DATETIME", " TIMESTAMP")
    db.execute_sql(table)
    db.execute_sql('CREATE UNIQUE INDEX "store_user_login" ON "store_user" ("login")')
    for made in _V24_MADE_BY:
        db.execute_sql(f'ALTER TABLE "{made}" ADD COLUMN "by_user_id" INTEGER REFERENCES '
                       f'"store_user" ("id") ON DELETE RESTRICT')


def _v25_edit_versions(db: pw.Database) -> None:
    """Customers and templates keep an edit version, one more at each save, so that two
    people editing one at once cannot overwrite each other's change unseen (issue 22).
    Every row starts at 0; the same SQL on both engines."""
    for table in ("customer", "letter_template"):
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "edit_version" INTEGER NOT NULL '
                       f'DEFAULT 0')


def _v26_accent_blind_server_search(db: pw.Database) -> None:
    """On a server, notes are found ignoring accents as on a file ("zoe" finds Zoë): the
    words are read through a text search configuration with PostgreSQL's unaccent
    dictionary (where the server has it), and the notes' index is made again with it. A
    file's FTS5 index already does so: nothing changes there."""
    if not _on_server(db):
        return
    try:
        with db.atomic():  # a server without the contrib extensions keeps accents
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        unaccent = True
    except pw.DatabaseError:
        unaccent = False
    # A store made at a later version and taken back to v25 (the tests') may have it.
    if db.execute_sql("SELECT 1 FROM pg_ts_config WHERE cfgname = 'duly_words'").fetchone() \
            is None:
        db.execute_sql('CREATE TEXT SEARCH CONFIGURATION "duly_words" '
                       "(COPY = pg_catalog.simple)")
        if unaccent:
            db.execute_sql('ALTER TEXT SEARCH CONFIGURATION "duly_words" ALTER MAPPING FOR '
                           "hword, hword_part, word WITH unaccent, simple")
    db.execute_sql('DROP INDEX IF EXISTS "interaction_search"')
    db.execute_sql(
        'CREATE INDEX "interaction_search" ON "interaction" USING GIN '
        "(to_tsvector('duly_words', coalesce(\"summary\", '') || ' ' || "
        "coalesce(\"outcome\", '') || ' ' || coalesce(\"with_whom\", '')))")


def _v27_late_start_in_open_invoices_index(db: pw.Database) -> None:
    """The open invoices' partial index also holds each one's late start (``chase_from``):
    the follow-up plan reads every open invoice's clock from the index alone, never the
    table's rows (issue 21: 30 ms of the plan's 200 on the big store). The same SQL on
    both engines."""
    db.execute_sql('DROP INDEX "invoice_open"')
    db.execute_sql('CREATE INDEX "invoice_open" ON "invoice" ("customer_id", "currency", '
                   '"due_date", "open_minor", "status", "number", "chase_from") '
                   'WHERE ("open_minor" > 0)')


def _v28_thanks_contacts_index(db: pw.Database) -> None:
    """A partial index of the thank-you contacts, by customer: Today's thank-yous look
    for each customer's latest in it instead of reading every contact of 551 customers
    (issue 21: 16 ms of the worklist on the big store). The same SQL on both engines."""
    db.execute_sql('CREATE INDEX "interaction_thanks" ON "interaction" '
                   '("purpose", "customer_id", "occurred_at") '
                   'WHERE ("purpose" = \'thanks\')')


def _v29_late_allocations(db: pw.Database) -> None:
    """Each allocation keeps whether it was made later than its payment's or credit
    note's day (``late``, set by triggers), and a partial index each holds those: a past day's
    unallocated credit adds back only them, instead of reading every allocation after
    the day (issue 21: 0.13 s of the past-day list's 0.48 s on the big store). The SQL
    as models.late_allocations has it at v29 (a test keeps them equal)."""
    server = _on_server(db)
    kind = "BOOLEAN" if server else "INTEGER"
    db.execute_sql(f'ALTER TABLE "allocation" ADD COLUMN "late" {kind} NOT NULL DEFAULT FALSE')
    source_day = ('COALESCE((SELECT p."received_on" FROM "payment" p WHERE p."id" = '
                  '{row}."payment_id"), (SELECT n."issue_date" FROM "credit_note" n '
                  'WHERE n."id" = {row}."credit_note_id"))')

    def late(row: str) -> str:
        return f'({row}."allocated_on" > {source_day.format(row=row)})'

    sources = (("payment", "received_on", "payment_id"),
               ("credit_note", "issue_date", "credit_note_id"))
    if server:
        statements = [
            'CREATE FUNCTION "late_allocation"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f'BEGIN NEW."late" := COALESCE({late("NEW")}, FALSE); RETURN NEW; END $$',
            'CREATE TRIGGER "late_allocation" BEFORE INSERT OR UPDATE OF "allocated_on", '
            '"payment_id", "credit_note_id" ON "allocation" FOR EACH ROW '
            'EXECUTE FUNCTION "late_allocation"()']
        for table, day, link in sources:
            statements += [
                f'CREATE FUNCTION "late_allocation_{table}"() RETURNS trigger LANGUAGE '
                f'plpgsql AS $$ BEGIN UPDATE "allocation" SET "late" = ("allocated_on" > '
                f'NEW."{day}") WHERE "{link}" = NEW."id"; RETURN NULL; END $$',
                f'CREATE TRIGGER "late_allocation_{table}" AFTER UPDATE OF "{day}" ON '
                f'"{table}" FOR EACH ROW WHEN (OLD."{day}" IS DISTINCT FROM NEW."{day}") '
                f'EXECUTE FUNCTION "late_allocation_{table}"()']
    else:
        statements = [
            'CREATE TRIGGER "late_allocation_insert" AFTER INSERT ON "allocation" BEGIN '
            f'UPDATE "allocation" SET "late" = {late("new")} WHERE "id" = new."id"; END',
            'CREATE TRIGGER "late_allocation_update" AFTER UPDATE OF "allocated_on", '
            '"payment_id", "credit_note_id" ON "allocation" BEGIN UPDATE "allocation" SET '
            f'"late" = {late("new")} WHERE "id" = new."id"; END']
        statements += [
            f'CREATE TRIGGER "late_allocation_{table}" AFTER UPDATE OF "{day}" ON "{table}" '
            f'BEGIN UPDATE "allocation" SET "late" = ("allocated_on" > new."{day}") '
            f'WHERE "{link}" = new."id"; END' for table, day, link in sources]
    for statement in statements:
        db.execute_sql(statement)
    db.execute_sql(f'UPDATE "allocation" SET "late" = COALESCE({late("allocation")}, FALSE)')
    for table, _, link in sources:
        db.execute_sql(f'CREATE INDEX "allocation_{table}_late" ON "allocation" ("{link}", '
                       f'"allocated_on", "amount_minor") WHERE ("late" AND NOT "voided")')


def _v30_promise_owed(db: pw.Database) -> None:
    """Each promise keeps what its invoices still leave open (``owed_minor``, kept by
    triggers), and a partial index holds the broken promises still owed: Today lists
    them without reading the invoices of every broken promise (issue 21: most of the
    promises' 42 ms of the worklist on the big store). The SQL as models.promise_owed
    has it at v30 (a test keeps them equal)."""
    server = _on_server(db)
    kind = "BIGINT" if server else "INTEGER"
    db.execute_sql(f'ALTER TABLE "promise" ADD COLUMN "owed_minor" {kind} NOT NULL DEFAULT 0 '
                   f'CHECK (owed_minor >= 0)')
    invoice_open = ('COALESCE((SELECT i."open_minor" FROM "invoice" i WHERE i."id" = '
                    '{row}."invoice_id"), 0)')

    def moved(row: str, sign: str) -> str:
        return (f'UPDATE "promise" SET "owed_minor" = "owed_minor" {sign} '
                f'{invoice_open.format(row=row)} WHERE "id" = {row}."promise_id"; ')

    def locked(row: str, sign: str) -> str:
        return (f'PERFORM 1 FROM "invoice" i WHERE i."id" = {row}."invoice_id" FOR SHARE; '
                + moved(row, sign))

    changed = ('UPDATE "promise" SET "owed_minor" = "owed_minor" + {row}."open_minor" - '
               '{old}."open_minor" WHERE "id" IN (SELECT pi."promise_id" FROM '
               '"promise_invoice" pi WHERE pi."invoice_id" = {row}."id"); ')
    if server:
        statements = [
            'CREATE FUNCTION "promise_owed_link"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            "BEGIN IF TG_OP <> 'INSERT' THEN " + locked("OLD", "-") + 'END IF; '
            "IF TG_OP <> 'DELETE' THEN " + locked("NEW", "+") + 'END IF; '
            'RETURN NULL; END $$',
            'CREATE TRIGGER "promise_owed_link" AFTER INSERT OR DELETE OR UPDATE OF '
            '"promise_id", "invoice_id" ON "promise_invoice" FOR EACH ROW '
            'EXECUTE FUNCTION "promise_owed_link"()',
            'CREATE FUNCTION "promise_owed_invoice"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            'BEGIN ' + changed.format(row="NEW", old="OLD") + 'RETURN NULL; END $$',
            'CREATE TRIGGER "promise_owed_invoice" AFTER UPDATE OF "open_minor" ON "invoice" '
            'FOR EACH ROW WHEN (OLD."open_minor" IS DISTINCT FROM NEW."open_minor") '
            'EXECUTE FUNCTION "promise_owed_invoice"()']
    else:
        statements = [
            'CREATE TRIGGER "promise_owed_link_insert" AFTER INSERT ON "promise_invoice" '
            'BEGIN ' + moved("new", "+") + 'END',
            'CREATE TRIGGER "promise_owed_link_delete" AFTER DELETE ON "promise_invoice" '
            'BEGIN ' + moved("old", "-") + 'END',
            'CREATE TRIGGER "promise_owed_link_update" AFTER UPDATE OF "promise_id", '
            '"invoice_id" ON "promise_invoice" BEGIN ' + moved("old", "-")
            + moved("new", "+") + 'END',
            'CREATE TRIGGER "promise_owed_invoice" AFTER UPDATE OF "open_minor" ON "invoice" '
            'WHEN old."open_minor" IS NOT new."open_minor" BEGIN '
            + changed.format(row="new", old="old") + 'END']
    for statement in statements:
        db.execute_sql(statement)
    db.execute_sql('UPDATE "promise" SET "owed_minor" = COALESCE((SELECT SUM(i."open_minor") '
                   'FROM "promise_invoice" pi JOIN "invoice" i ON i."id" = pi."invoice_id" '
                   'WHERE pi."promise_id" = "promise"."id"), 0)')
    db.execute_sql('CREATE INDEX "promise_owed" ON "promise" ("promised_for") '
                   'WHERE (("status" = \'broken\') AND ("owed_minor" > 0))')


def _v31_stages_done(db: pw.Database) -> None:
    """Each invoice keeps the position of the last follow-up stage done on it
    (``stage_done``, kept by triggers), and a partial index holds the open invoices by it
    and by the day their clock starts: the follow-up plan reads the invoices with a stage
    due, not every open invoice with its executions (issue 21: 0.03 s of the plan's
    0.07 s query on the big store). A second partial index holds the open invoices by
    their due day: Today's newly overdue accounts read the last week's (19 -> 10 ms). The
    open invoices' index also holds each one's issue day: a past day's list reads its
    open invoices from it alone (SQLite's planner had taken one of the new indexes and
    read the table's rows in their order: 0.33 -> 0.39 s; 0.31 s now). The SQL as
    models.stages_done has it at v31 (a test keeps them equal)."""
    server = _on_server(db)
    db.execute_sql('ALTER TABLE "invoice" ADD COLUMN "stage_done" INTEGER NOT NULL DEFAULT 0')
    derived = ('COALESCE((SELECT MAX(s."position") FROM "stage_execution" e JOIN '
               '"follow_up_stage" s ON s."id" = e."stage_id" WHERE e."invoice_id" = '
               '{invoice}), 0)')

    def set_again(invoice: str) -> str:
        return (f'UPDATE "invoice" SET "stage_done" = {derived.format(invoice=invoice)} '
                f'WHERE "id" = {invoice}; ')

    def locked(row: str) -> str:
        return (f'PERFORM 1 FROM "follow_up_stage" s WHERE s."id" = {row}."stage_id" FOR '
                f'SHARE; PERFORM 1 FROM "invoice" i WHERE i."id" = {row}."invoice_id" FOR '
                f'UPDATE; ' + set_again(f'{row}."invoice_id"'))

    done_on = ('UPDATE "invoice" SET "stage_done" = ' + derived.format(invoice='"invoice"."id"')
               + ' WHERE "id" IN (SELECT e."invoice_id" FROM "stage_execution" e '
                 'WHERE e."stage_id" = {stage}."id"); ')
    if server:
        statements = [
            'CREATE FUNCTION "stage_done_execution"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            "BEGIN IF TG_OP <> 'INSERT' THEN " + locked("OLD") + 'END IF; '
            "IF TG_OP <> 'DELETE' THEN " + locked("NEW") + 'END IF; RETURN NULL; END $$',
            'CREATE TRIGGER "stage_done_execution" AFTER INSERT OR DELETE OR UPDATE OF '
            '"invoice_id", "stage_id" ON "stage_execution" FOR EACH ROW '
            'EXECUTE FUNCTION "stage_done_execution"()',
            'CREATE FUNCTION "stage_done_position"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            'BEGIN ' + done_on.format(stage="NEW") + 'RETURN NULL; END $$',
            'CREATE TRIGGER "stage_done_position" AFTER UPDATE OF "position" ON '
            '"follow_up_stage" FOR EACH ROW WHEN (OLD."position" IS DISTINCT FROM '
            'NEW."position") EXECUTE FUNCTION "stage_done_position"()']
    else:
        statements = [
            'CREATE TRIGGER "stage_done_insert" AFTER INSERT ON "stage_execution" BEGIN '
            + set_again('new."invoice_id"') + 'END',
            'CREATE TRIGGER "stage_done_delete" AFTER DELETE ON "stage_execution" BEGIN '
            + set_again('old."invoice_id"') + 'END',
            'CREATE TRIGGER "stage_done_update" AFTER UPDATE OF "invoice_id", "stage_id" ON '
            '"stage_execution" BEGIN ' + set_again('old."invoice_id"')
            + set_again('new."invoice_id"') + 'END',
            'CREATE TRIGGER "stage_done_position" AFTER UPDATE OF "position" ON '
            '"follow_up_stage" WHEN old."position" IS NOT new."position" BEGIN '
            + done_on.format(stage="new") + 'END']
    for statement in statements:
        db.execute_sql(statement)
    db.execute_sql('UPDATE "invoice" SET "stage_done" = ' + derived.format(invoice='"invoice"."id"')
                   + ' WHERE "id" IN (SELECT "invoice_id" FROM "stage_execution")')
    db.execute_sql('CREATE INDEX "invoice_next_stage" ON "invoice" ("stage_done", '
                   'COALESCE("chase_from", "due_date"), "customer_id", "status", "due_date", '
                   '"open_minor", "currency", "number", "chase_from") WHERE ("open_minor" > 0)')
    db.execute_sql('CREATE INDEX "invoice_due" ON "invoice" ("due_date", "customer_id", '
                   '"currency", "status", "open_minor", "number") WHERE ("open_minor" > 0)')
    db.execute_sql('DROP INDEX "invoice_open"')
    db.execute_sql('CREATE INDEX "invoice_open" ON "invoice" ("customer_id", "currency", '
                   '"due_date", "open_minor", "status", "number", "chase_from", "issue_date") '
                   'WHERE ("open_minor" > 0)')


def _v32_promise_paid(db: pw.Database) -> None:
    """Each promise keeps the day its invoices were last paid on (``last_paid_on``, kept
    by triggers), and a partial index holds the broken promises owing nothing by it:
    Today's thanks for broken promises since kept read the last month's, not every
    broken promise's allocations (issue 21: 18 -> 4 ms of the worklist on the big
    store). The SQL as models.promise_paid has it at v32 (a test keeps them equal)."""
    server = _on_server(db)
    db.execute_sql('ALTER TABLE "promise" ADD COLUMN "last_paid_on" DATE')
    derived = ('(SELECT MAX(a."allocated_on") FROM "promise_invoice" pi JOIN "allocation" a '
               'ON a."invoice_id" = pi."invoice_id" WHERE pi."promise_id" = {promise} AND '
               'NOT a."voided")').format(promise='"promise"."id"')

    def of_invoice(invoice: str) -> str:
        return (f'UPDATE "promise" SET "last_paid_on" = {derived} WHERE "id" IN (SELECT '
                f'pi."promise_id" FROM "promise_invoice" pi WHERE pi."invoice_id" = '
                f'{invoice}); ')

    def of_link(row: str) -> str:
        return f'UPDATE "promise" SET "last_paid_on" = {derived} WHERE "id" = {row}."promise_id"; '

    if server:
        def locked_invoice(row: str) -> str:
            return (f'PERFORM 1 FROM "promise" p WHERE p."id" IN (SELECT pi."promise_id" FROM '
                    f'"promise_invoice" pi WHERE pi."invoice_id" = {row}."invoice_id") FOR '
                    f'UPDATE; ' + of_invoice(f'{row}."invoice_id"'))

        def locked_link(row: str) -> str:
            return (f'PERFORM 1 FROM "invoice" i WHERE i."id" = {row}."invoice_id" FOR SHARE; '
                    + of_link(row))

        statements = [
            'CREATE FUNCTION "promise_paid_allocation"() RETURNS trigger LANGUAGE plpgsql AS '
            "$$ BEGIN IF TG_OP = 'INSERT' THEN IF NOT NEW.\"voided\" THEN "
            'UPDATE "promise" SET "last_paid_on" = GREATEST(COALESCE("last_paid_on", '
            'NEW."allocated_on"), NEW."allocated_on") WHERE "id" IN (SELECT pi."promise_id" '
            'FROM "promise_invoice" pi WHERE pi."invoice_id" = NEW."invoice_id"); END IF; '
            'RETURN NULL; END IF; ' + locked_invoice("OLD") + "IF TG_OP = 'UPDATE' THEN "
            + locked_invoice("NEW") + 'END IF; RETURN NULL; END $$',
            'CREATE TRIGGER "promise_paid_allocation" AFTER INSERT OR DELETE OR UPDATE OF '
            '"invoice_id", "voided", "allocated_on" ON "allocation" FOR EACH ROW '
            'EXECUTE FUNCTION "promise_paid_allocation"()',
            'CREATE FUNCTION "promise_paid_link"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            "BEGIN IF TG_OP <> 'INSERT' THEN " + locked_link("OLD") + 'END IF; '
            "IF TG_OP <> 'DELETE' THEN " + locked_link("NEW") + 'END IF; RETURN NULL; END $$',
            'CREATE TRIGGER "promise_paid_link" AFTER INSERT OR DELETE OR UPDATE OF '
            '"promise_id", "invoice_id" ON "promise_invoice" FOR EACH ROW '
            'EXECUTE FUNCTION "promise_paid_link"()']
    else:
        statements = [
            'CREATE TRIGGER "promise_paid_allocation_insert" AFTER INSERT ON "allocation" '
            'WHEN new."invoice_id" IS NOT NULL BEGIN ' + of_invoice('new."invoice_id"') + 'END',
            'CREATE TRIGGER "promise_paid_allocation_delete" AFTER DELETE ON "allocation" '
            'WHEN old."invoice_id" IS NOT NULL BEGIN ' + of_invoice('old."invoice_id"') + 'END',
            'CREATE TRIGGER "promise_paid_allocation_update" AFTER UPDATE OF "invoice_id", '
            '"voided", "allocated_on" ON "allocation" BEGIN ' + of_invoice('old."invoice_id"')
            + of_invoice('new."invoice_id"') + 'END',
            'CREATE TRIGGER "promise_paid_link_insert" AFTER INSERT ON "promise_invoice" '
            'BEGIN ' + of_link("new") + 'END',
            'CREATE TRIGGER "promise_paid_link_delete" AFTER DELETE ON "promise_invoice" '
            'BEGIN ' + of_link("old") + 'END',
            'CREATE TRIGGER "promise_paid_link_update" AFTER UPDATE OF "promise_id", '
            '"invoice_id" ON "promise_invoice" BEGIN ' + of_link("old") + of_link("new")
            + 'END']
    for statement in statements:
        db.execute_sql(statement)
    db.execute_sql(f'UPDATE "promise" SET "last_paid_on" = {derived}')
    db.execute_sql('CREATE INDEX "promise_paid_off" ON "promise" ("last_paid_on") '
                   'WHERE (("status" = \'broken\') AND ("owed_minor" = 0))')


def _on_server(db: pw.Database) -> bool:
    """Whether the migration runs on a PostgreSQL server (``db`` may be the store's
    proxy or the engine itself)."""
    return isinstance(getattr(db, "obj", db), pw.PostgresqlDatabase)


def _v33_invoice_policy(db: pw.Database) -> None:
    """Each invoice keeps its customer's follow-up policy (``followup_policy_id``, kept
    by triggers), and the open invoices' index by last stage done holds it next: the
    follow-up plan reads, for each stage done and policy, exactly the invoices with a
    stage due, from the index alone, and the customers once for the accounts (issue 21:
    the query 41-48 ms -> 24 ms on the big store). The SQL as
    models.invoice_policy has it at v33 (a test keeps them equal)."""
    db.execute_sql('ALTER TABLE "invoice" ADD COLUMN "followup_policy_id" INTEGER')
    customers = 'SELECT c."followup_policy_id" FROM "customer" c WHERE c."id" = {customer}'
    # Set before the triggers are made: each row's would look its customer up again.
    db.execute_sql('UPDATE "invoice" SET "followup_policy_id" = ('
                   + customers.format(customer='"invoice"."customer_id"') + ') WHERE '
                   '"customer_id" IN (SELECT "id" FROM "customer" WHERE "followup_policy_id" '
                   'IS NOT NULL)')
    followed = ('UPDATE "invoice" SET "followup_policy_id" = {new}."followup_policy_id" '
                'WHERE "customer_id" = {new}."id"; ')
    if _on_server(db):
        statements = [
            'CREATE FUNCTION "invoice_policy_invoice"() RETURNS trigger LANGUAGE plpgsql AS '
            '$$ BEGIN SELECT c."followup_policy_id" INTO NEW."followup_policy_id" FROM '
            '"customer" c WHERE c."id" = NEW."customer_id" FOR SHARE; RETURN NEW; END $$',
            'CREATE TRIGGER "invoice_policy_invoice" BEFORE INSERT ON "invoice" FOR EACH ROW '
            'EXECUTE FUNCTION "invoice_policy_invoice"()',
            'CREATE TRIGGER "invoice_policy_moved" BEFORE UPDATE OF "customer_id", '
            '"followup_policy_id" ON "invoice" FOR EACH ROW WHEN (OLD."customer_id" IS DISTINCT '
            'FROM NEW."customer_id" OR OLD."followup_policy_id" IS DISTINCT FROM '
            'NEW."followup_policy_id") EXECUTE FUNCTION "invoice_policy_invoice"()',
            'CREATE FUNCTION "invoice_policy_customer"() RETURNS trigger LANGUAGE plpgsql AS '
            '$$ BEGIN ' + followed.format(new="NEW") + 'RETURN NULL; END $$',
            'CREATE TRIGGER "invoice_policy_customer" AFTER UPDATE OF "followup_policy_id" '
            'ON "customer" FOR EACH ROW WHEN (OLD."followup_policy_id" IS DISTINCT FROM '
            'NEW."followup_policy_id") EXECUTE FUNCTION "invoice_policy_customer"()']
    else:
        own = customers.format(customer='new."customer_id"')
        taken = f'UPDATE "invoice" SET "followup_policy_id" = ({own}) WHERE "id" = new."id"; '
        differs = f'WHEN new."followup_policy_id" IS NOT ({own}) '
        statements = [
            'CREATE TRIGGER "invoice_policy_insert" AFTER INSERT ON "invoice" ' + differs
            + 'BEGIN ' + taken + 'END',
            'CREATE TRIGGER "invoice_policy_update" AFTER UPDATE OF "customer_id", '
            '"followup_policy_id" ON "invoice" ' + differs + 'BEGIN ' + taken + 'END',
            'CREATE TRIGGER "invoice_policy_customer" AFTER UPDATE OF "followup_policy_id" '
            'ON "customer" WHEN old."followup_policy_id" IS NOT new."followup_policy_id" '
            'BEGIN ' + followed.format(new="new") + 'END']
    for statement in statements:
        db.execute_sql(statement)
    db.execute_sql('DROP INDEX "invoice_next_stage"')
    db.execute_sql('CREATE INDEX "invoice_next_stage" ON "invoice" ("stage_done", '
                   '"followup_policy_id", COALESCE("chase_from", "due_date"), "customer_id", '
                   '"status", "due_date", "open_minor", "currency", "number", "chase_from") '
                   'WHERE ("open_minor" > 0)')



def _v34_kept_accounts(db: pw.Database) -> None:
    """Each account (a customer's invoices in one currency) keeps how many of its
    invoices are still owed something, the latest day of the allocations to them and of
    their chases (``kept_account``, kept by triggers), and a partial index holds the
    accounts with nothing open by those days: Today's thanks for accounts paid up after
    a chase read the month's, not every chase's invoice (issue 21). The SQL as
    models.kept_accounts has it at v34 (a test keeps them equal)."""
    server = _on_server(db)
    table = ('CREATE TABLE "kept_account" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" '
             'INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "open_count" INTEGER NOT '
             'NULL, "last_paid_on" DATE, "last_chased_on" DATE)')
    db.execute_sql(table.replace('"id" INTEGER NOT NULL', '"id" SERIAL NOT NULL') if server
                   else table)
    db.execute_sql('CREATE UNIQUE INDEX "kept_account_customer_id_currency" ON '
                   '"kept_account" ("customer_id", "currency")')
    db.execute_sql('CREATE INDEX "kept_account_paid_up" ON "kept_account" ("last_paid_on", '
                   '"last_chased_on") WHERE ("open_count" = 0)')

    def owes(row: str) -> str:
        return (f'(CASE WHEN {row}."open_minor" > 0 AND {row}."status" IN (\'open\', '
                f'\'disputed\', \'with_agency\') THEN 1 ELSE 0 END)')

    last_paid = ('SELECT MAX(a."allocated_on") FROM "allocation" a WHERE a."invoice_id" = '
                 'i."id" AND NOT a."voided"')
    last_chased = ('SELECT MAX(e."executed_on") FROM "stage_execution" e WHERE '
                   'e."invoice_id" = i."id" AND e."interaction_id" IS NOT NULL')
    its_invoices = ('FROM "invoice" i WHERE i."customer_id" = "kept_account"."customer_id" '
                    'AND i."currency" = "kept_account"."currency"')
    paid = f'"last_paid_on" = (SELECT MAX(({last_paid})) {its_invoices})'
    chased = f'"last_chased_on" = (SELECT MAX(({last_chased})) {its_invoices})'
    of_invoice = ('("customer_id", "currency") = (SELECT i."customer_id", i."currency" FROM '
                  '"invoice" i WHERE i."id" = {invoice})')

    def counted(row: str, sign: str) -> str:
        if sign == "-":
            return (f'UPDATE "kept_account" SET "open_count" = "open_count" - {owes(row)} '
                    f'WHERE "customer_id" = {row}."customer_id" AND "currency" = '
                    f'{row}."currency"; ')
        return (f'INSERT INTO "kept_account" ("customer_id", "currency", "open_count") VALUES '
                f'({row}."customer_id", {row}."currency", {owes(row)}) ON CONFLICT '
                f'("customer_id", "currency") DO UPDATE SET "open_count" = '
                f'"kept_account"."open_count" + excluded."open_count"; ')

    def again(days: str, where: str) -> str:
        return f'UPDATE "kept_account" SET {days} WHERE {where}; '

    def later(column: str, day: str, where: str, greatest: str) -> str:
        return (f'UPDATE "kept_account" SET "{column}" = {greatest}(COALESCE("{column}", '
                f'{day}), {day}) WHERE {where}; ')

    def account_of(row: str) -> str:
        return f'"customer_id" = {row}."customer_id" AND "currency" = {row}."currency"'

    def file_kept(name: str, table: str, columns: str, made: str, deleted: str,
                  forward: tuple[str, str], days: str) -> list[str]:
        column, day = forward
        old = of_invoice.format(invoice='old."invoice_id"')
        return [f'CREATE TRIGGER "kept_account_{name}_insert" AFTER INSERT ON "{table}" '
                f'WHEN {made} BEGIN '
                + later(column, day, of_invoice.format(invoice='new."invoice_id"'), "max")
                + 'END',
                f'CREATE TRIGGER "kept_account_{name}_delete" AFTER DELETE ON "{table}" '
                f'WHEN {deleted} IS NOT NULL BEGIN ' + again(days, old) + 'END',
                f'CREATE TRIGGER "kept_account_{name}_update" AFTER UPDATE OF {columns} ON '
                f'"{table}" BEGIN ' + again(days, old)
                + again(days, of_invoice.format(invoice='new."invoice_id"')) + 'END']

    moved = '(old."customer_id" IS NOT new."customer_id" OR old."currency" IS NOT new."currency")'
    both = f'{paid}, {chased}'
    if server:
        def locked(days: str, where: str) -> str:
            return (f'PERFORM 1 FROM "kept_account" WHERE {where} ORDER BY "id" FOR UPDATE; '
                    + again(days, where))

        def kept(name: str, table: str, columns: str, made: str, days: str) -> list[str]:
            old = of_invoice.format(invoice='OLD."invoice_id"')
            new = of_invoice.format(invoice='NEW."invoice_id"')
            return [f'CREATE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
                    f"IF TG_OP = 'INSERT' THEN {made}RETURN NULL; END IF; "
                    + locked(days, old) + "IF TG_OP = 'UPDATE' THEN " + locked(days, new)
                    + 'END IF; RETURN NULL; END $$',
                    f'CREATE TRIGGER "{name}" AFTER INSERT OR DELETE OR UPDATE OF {columns} ON '
                    f'"{table}" FOR EACH ROW EXECUTE FUNCTION "{name}"()']

        server_moved = moved.replace("old.", "OLD.").replace("new.", "NEW.").replace(
            " IS NOT ", " IS DISTINCT FROM ")
        statements = [
            'CREATE FUNCTION "kept_account_invoice"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            "BEGIN IF TG_OP <> 'INSERT' THEN " + counted("OLD", "-") + 'END IF; '
            "IF TG_OP <> 'DELETE' THEN " + counted("NEW", "+") + 'END IF; '
            f"IF TG_OP = 'UPDATE' AND {server_moved} THEN "
            + locked(both, f'({account_of("OLD")}) OR ({account_of("NEW")})')
            + 'END IF; RETURN NULL; END $$',
            'CREATE TRIGGER "kept_account_invoice" AFTER INSERT OR DELETE ON "invoice" FOR '
            'EACH ROW EXECUTE FUNCTION "kept_account_invoice"()',
            'CREATE TRIGGER "kept_account_invoice_update" AFTER UPDATE OF "customer_id", '
            '"currency", "open_minor", "status" ON "invoice" FOR EACH ROW WHEN '
            f'({owes("OLD")} IS DISTINCT FROM {owes("NEW")} OR {server_moved}) '
            'EXECUTE FUNCTION "kept_account_invoice"()',
            *kept("kept_account_allocation", "allocation",
                  '"invoice_id", "voided", "allocated_on"',
                  'IF NEW."invoice_id" IS NOT NULL AND NOT NEW."voided" THEN '
                  + later("last_paid_on", 'NEW."allocated_on"',
                          of_invoice.format(invoice='NEW."invoice_id"'), "GREATEST")
                  + 'END IF; ', paid),
            *kept("kept_account_execution", "stage_execution",
                  '"invoice_id", "interaction_id", "executed_on"',
                  'IF NEW."interaction_id" IS NOT NULL THEN '
                  + later("last_chased_on", 'NEW."executed_on"',
                          of_invoice.format(invoice='NEW."invoice_id"'), "GREATEST")
                  + 'END IF; ', chased)]
    else:
        statements = [
            'CREATE TRIGGER "kept_account_invoice_insert" AFTER INSERT ON "invoice" BEGIN '
            + counted("new", "+") + 'END',
            'CREATE TRIGGER "kept_account_invoice_delete" AFTER DELETE ON "invoice" BEGIN '
            + counted("old", "-") + 'END',
            'CREATE TRIGGER "kept_account_invoice_update" AFTER UPDATE OF "customer_id", '
            f'"currency", "open_minor", "status" ON "invoice" WHEN ({owes("old")} IS NOT '
            f'{owes("new")} OR {moved}) BEGIN ' + counted("old", "-") + counted("new", "+")
            + again(both, f'{moved} AND ({account_of("old")} OR {account_of("new")})') + 'END',
            *file_kept("allocation", "allocation", '"invoice_id", "voided", "allocated_on"',
                       'new."invoice_id" IS NOT NULL AND NOT new."voided"', 'old."invoice_id"',
                       ("last_paid_on", 'new."allocated_on"'), paid),
            *file_kept("execution", "stage_execution",
                       '"invoice_id", "interaction_id", "executed_on"',
                       'new."interaction_id" IS NOT NULL', 'old."interaction_id"',
                       ("last_chased_on", 'new."executed_on"'), chased)]
    # Filled before the triggers are made, in one pass over the invoices.
    db.execute_sql(
        'INSERT INTO "kept_account" ("customer_id", "currency", "open_count", "last_paid_on", '
        f'"last_chased_on") SELECT i."customer_id", i."currency", SUM({owes("i")}), '
        f'MAX(({last_paid})), MAX(({last_chased})) FROM "invoice" i GROUP BY i."customer_id", '
        'i."currency"')
    for statement in statements:
        db.execute_sql(statement)


def _v35_follow_up_notes(db: pw.Database) -> None:
    """Each contact keeps the opening of its note while its follow-up is pending
    (``follow_up_note``, kept by triggers), and a partial index of the pending follow-ups
    by day holds all Today shows of them: Today reads them from the index, not the
    contacts' rows (issue 21). The SQL as models.follow_up_notes has it at v35 (a test
    keeps them equal)."""
    db.execute_sql('ALTER TABLE "interaction" ADD COLUMN "follow_up_note" TEXT NOT NULL '
                   "DEFAULT ''")

    def opening(row: str) -> str:
        return f"substr(COALESCE(NULLIF({row}.\"summary\", ''), {row}.\"outcome\"), 1, 201)"

    def pending(row: str) -> str:
        return f'{row}."follow_up_on" IS NOT NULL AND NOT {row}."follow_up_done"'

    def kept(row: str) -> str:
        return f"CASE WHEN {pending(row)} THEN {opening(row)} ELSE '' END"

    own = '"interaction"'
    db.execute_sql(f'UPDATE "interaction" SET "follow_up_note" = {opening(own)} WHERE '
                   f'{pending(own)}')
    if _on_server(db):
        statements = [
            f'CREATE FUNCTION "follow_up_note"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
            f'NEW."follow_up_note" := {kept("NEW")}; RETURN NEW; END $$',
            'CREATE TRIGGER "follow_up_note" BEFORE INSERT OR UPDATE OF "summary", "outcome", '
            '"follow_up_on", "follow_up_done" ON "interaction" FOR EACH ROW EXECUTE FUNCTION '
            '"follow_up_note"()']
    else:
        statements = [
            f'CREATE TRIGGER "follow_up_note_insert" AFTER INSERT ON "interaction" WHEN '
            f'{pending("new")} BEGIN UPDATE "interaction" SET "follow_up_note" = '
            f'{opening("new")} WHERE "id" = new."id"; END',
            f'CREATE TRIGGER "follow_up_note_update" AFTER UPDATE OF "summary", "outcome", '
            f'"follow_up_on", "follow_up_done" ON "interaction" WHEN new."follow_up_note" IS '
            f'NOT {kept("new")} BEGIN UPDATE "interaction" SET "follow_up_note" = '
            f'{kept("new")} WHERE "id" = new."id"; END']
    for statement in statements:
        db.execute_sql(statement)
    db.execute_sql('CREATE INDEX "interaction_follow_up_due" ON "interaction" ("follow_up_on", '
                   '"customer_id", "kind", "occurred_at", "follow_up_note", "follow_up_done") '
                   'WHERE (("follow_up_on" IS NOT NULL) AND NOT "follow_up_done")')

MIGRATIONS: dict[int, Callable[[pw.Database], None]] = {
    2: _v2_keep_open_amounts,
    3: _v3_keep_unallocated_credit,
    4: _v4_worklist_and_note_search,
    5: _v5_skipped_stages,
    6: _v6_outbox,
    7: _v7_letters_kept_whole,
    8: _v8_imports,
    9: _v9_chase_from,
    10: _v10_tax_number,
    11: _v11_look_alike_keys,
    12: _v12_total_overdue_is_overdue,
    13: _v13_templates_in_every_language,
    14: _v14_bank_accounts_and_signatory,
    15: _v15_plans_incentives_and_relationship,
    16: _v16_kept_month_totals,
    17: _v17_dispute_cases_and_write_offs,
    18: _v18_agency_referrals,
    19: _v19_contact_template,
    20: _v20_claims_and_court_fees,
    21: _v21_bank_statements,
    22: _v22_covering_allocation_indexes,
    23: _v23_room_for_money_and_words,
    24: _v24_store_users,
    25: _v25_edit_versions,
    26: _v26_accent_blind_server_search,
    27: _v27_late_start_in_open_invoices_index,
    28: _v28_thanks_contacts_index,
    29: _v29_late_allocations,
    30: _v30_promise_owed,
    31: _v31_stages_done,
    32: _v32_promise_paid,
    33: _v33_invoice_policy,
    34: _v34_kept_accounts,
    35: _v35_follow_up_notes,
}

LATEST_VERSION = max(MIGRATIONS, default=1)
# The oldest version a store on a PostgreSQL server can have: the migrations after it are
# written for both engines (each in its own dialect where they differ), those up to it
# for SQLite only. No server store is older: stores went onto servers only from v21 on,
# made at the latest version; v21 is written for both so that an update is proved on a
# server from the first day (tests/unit/test_server_store.py).
FIRST_SERVER_VERSION = 20
