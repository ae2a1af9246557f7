"""Small helpers shared by the tests."""

from __future__ import annotations

import errno
import hashlib
import io
import itertools
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

DATA = Path(__file__).parent / "data"
Placed = list[tuple[float, float, str]]
"""Pieces of a page's text and where each was drawn: (x, y, text), points from bottom-left."""


def pdf_pages(pdf: bytes) -> list[tuple[str, Placed]]:
    """Each page's text, and where each piece of it was drawn."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        placed: Placed = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object,
                  placed: Placed = placed) -> None:
            if text.strip():
                placed.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
                               tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text.strip()))

        pages.append((page.extract_text(visitor_text=visit), placed))
    return pages


def digest(path: Path) -> str:
    """The file's SHA-256, to prove it was left byte-identical. Refuses a store this
    process has open: reading it would drop SQLite's locks on it (models.files)."""
    from models.files import refuse_store_file

    refuse_store_file(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def records(path: Path) -> str:
    """The SHA-256 of every row of the store but its bookkeeping notes (a scheduled
    command's last run, models/schedule.py, and the write tokens, models/wal.py): to
    prove a command changed no record."""
    from models.schedule import LAST_RUNS_SETTING
    from models.wal import WRITES_KEY

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = hashlib.sha256()
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                if table == "setting" and row[0] in (LAST_RUNS_SETTING, WRITES_KEY):
                    continue
                found.update(repr((table, row)).encode())
        return found.hexdigest()
    finally:
        connection.close()


def make_v1_store(path: Path) -> Path:
    """A store as schema version 1 wrote it, from the frozen SQL dump."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript((DATA / "store_v1.sql").read_text(encoding="utf-8"))
        connection.execute("PRAGMA journal_mode=wal")
    finally:
        connection.close()
    return path


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table, read with plain sqlite3 (no Duly code involved)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                for t in tables}
    finally:
        connection.close()


def undo_thanks_contacts_index(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before the thank-you contacts had their own index
    (plain SQL for both engines)."""
    undo_late_allocations(connection)  # the later versions first
    connection.execute('DROP INDEX "interaction_thanks"')


def undo_late_allocations(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before each allocation kept whether it was made
    later than its payment's or credit note's day (v29; plain SQL for both engines)."""
    undo_promise_owed(connection)  # the later versions first
    server = not isinstance(connection, sqlite3.Connection)
    for table in ("allocation", "payment", "credit_note"):
        name = "late_allocation" if server and table == "allocation" else f"late_allocation_{table}"
        if server:
            connection.execute(f'DROP TRIGGER "{name}" ON "{table}"')
            connection.execute(f'DROP FUNCTION "{name}"()')
    if not server:
        for name in ("insert", "update", "payment", "credit_note"):
            connection.execute(f'DROP TRIGGER "late_allocation_{name}"')
    for table in ("payment", "credit_note"):
        connection.execute(f'DROP INDEX "allocation_{table}_late"')
    connection.execute('ALTER TABLE "allocation" DROP COLUMN "late"')


def undo_promise_owed(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before each promise kept what its invoices still
    leave open (v30; plain SQL for both engines)."""
    undo_stages_done(connection)  # the later versions first
    _drop_triggers(connection, "promise_owed", ("link_insert", "link_delete", "link_update",
                                                "invoice"),
                   (("promise_invoice", "link"), ("invoice", "invoice")))
    connection.execute('DROP INDEX "promise_owed"')
    connection.execute('ALTER TABLE "promise" DROP COLUMN "owed_minor"')


def undo_follow_up_notes(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before each pending follow-up kept its note's
    opening (v35; plain SQL for both engines)."""
    if isinstance(connection, sqlite3.Connection):
        _drop_triggers(connection, "follow_up_note", ("insert", "update"), ())
    else:  # one trigger and its function, named alike
        connection.execute('DROP TRIGGER "follow_up_note" ON "interaction"')
        connection.execute('DROP FUNCTION "follow_up_note"()')
    connection.execute('DROP INDEX "interaction_follow_up_due"')
    connection.execute('ALTER TABLE "interaction" DROP COLUMN "follow_up_note"')


def undo_kept_accounts(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before each account kept its invoices still owed,
    last day paid and last chase (v34; plain SQL for both engines)."""
    undo_follow_up_notes(connection)  # the later versions first
    if not isinstance(connection, sqlite3.Connection):  # two triggers share a function
        connection.execute('DROP TRIGGER "kept_account_invoice_update" ON "invoice"')
    _drop_triggers(connection, "kept_account", (
        "invoice_insert", "invoice_delete", "invoice_update", "allocation_insert",
        "allocation_delete", "allocation_update", "execution_insert", "execution_delete",
        "execution_update"), (("invoice", "invoice"), ("allocation", "allocation"),
                              ("stage_execution", "execution")))
    connection.execute('DROP TABLE "kept_account"')


def undo_invoice_policy(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before each invoice kept its customer's follow-up
    policy (v33; plain SQL for both engines)."""
    undo_kept_accounts(connection)  # the later versions first
    if isinstance(connection, sqlite3.Connection):
        _drop_triggers(connection, "invoice_policy", ("insert", "update", "customer"), ())
    else:
        connection.execute('DROP TRIGGER "invoice_policy_moved" ON "invoice"')
        _drop_triggers(connection, "invoice_policy", (),
                       (("invoice", "invoice"), ("customer", "customer")))
    connection.execute('DROP INDEX "invoice_next_stage"')
    connection.execute(
        'CREATE INDEX "invoice_next_stage" ON "invoice" ("stage_done", COALESCE("chase_from", '
        '"due_date"), "customer_id", "status", "due_date", "open_minor", "currency", "number", '
        '"chase_from") WHERE ("open_minor" > 0)')
    connection.execute('ALTER TABLE "invoice" DROP COLUMN "followup_policy_id"')


def undo_promise_paid(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before each promise kept the day its invoices
    were last paid on (v32; plain SQL for both engines)."""
    undo_invoice_policy(connection)  # the later versions first
    _drop_triggers(connection, "promise_paid", ("allocation_insert", "allocation_delete",
                                                "allocation_update", "link_insert",
                                                "link_delete", "link_update"),
                   (("allocation", "allocation"), ("promise_invoice", "link")))
    connection.execute('DROP INDEX "promise_paid_off"')
    connection.execute('ALTER TABLE "promise" DROP COLUMN "last_paid_on"')


def undo_stages_done(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before each invoice kept the last follow-up stage
    done on it (v31; plain SQL for both engines)."""
    undo_promise_paid(connection)  # the later versions first
    _drop_triggers(connection, "stage_done", ("insert", "delete", "update", "position"),
                   (("stage_execution", "execution"), ("follow_up_stage", "position")))
    connection.execute('DROP INDEX "invoice_next_stage"')
    connection.execute('DROP INDEX "invoice_due"')
    connection.execute('DROP INDEX "invoice_open"')
    connection.execute(
        'CREATE INDEX "invoice_open" ON "invoice" ("customer_id", "currency", "due_date", '
        '"open_minor", "status", "number", "chase_from") WHERE ("open_minor" > 0)')
    connection.execute('ALTER TABLE "invoice" DROP COLUMN "stage_done"')


def _drop_triggers(connection: Any, prefix: str, on_a_file: tuple[str, ...],
                   on_a_server: tuple[tuple[str, str], ...]) -> None:
    """Drop the triggers ``prefix_NAME`` that keep a figure: on a file each named, on a
    server each (table, name) with its function."""
    if isinstance(connection, sqlite3.Connection):
        for name in on_a_file:
            connection.execute(f'DROP TRIGGER "{prefix}_{name}"')
        return
    for table, name in on_a_server:
        connection.execute(f'DROP TRIGGER "{prefix}_{name}" ON "{table}"')
        connection.execute(f'DROP FUNCTION "{prefix}_{name}"()')


def undo_late_start_in_open_invoices_index(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before the open invoices' index held each one's
    late start (plain SQL for both engines)."""
    undo_thanks_contacts_index(connection)  # the later versions first
    connection.execute('DROP INDEX "invoice_open"')
    connection.execute(
        'CREATE INDEX "invoice_open" ON "invoice" ("customer_id", "currency", "due_date", '
        '"open_minor", "status", "number") WHERE ("open_minor" > 0)')


def undo_accent_blind_server_search(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before a server's note search ignored accents (its
    index over the "simple" words; nothing on a file)."""
    undo_late_start_in_open_invoices_index(connection)  # the later versions first
    if isinstance(connection, sqlite3.Connection):
        return
    connection.execute('DROP INDEX "interaction_search"')
    connection.execute('DROP TEXT SEARCH CONFIGURATION "duly_words"')
    connection.execute(
        'CREATE INDEX "interaction_search" ON "interaction" USING GIN '
        "(to_tsvector('simple', coalesce(\"summary\", '') || ' ' || "
        "coalesce(\"outcome\", '') || ' ' || coalesce(\"with_whom\", '')))")


def undo_edit_versions(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before customers and templates kept an edit version
    (plain SQL: a file's or a server's connection)."""
    undo_accent_blind_server_search(connection)  # the later versions first
    for table in ("customer", "letter_template"):
        connection.execute(f'ALTER TABLE "{table}" DROP COLUMN "edit_version"')


def undo_store_users(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before it had users: no users' table, and no
    contact, payment or queued e-mail naming who made it (plain SQL for both engines)."""
    from models.migrations import _V24_MADE_BY

    undo_edit_versions(connection)  # the later versions first

    for made in _V24_MADE_BY:
        if isinstance(connection, sqlite3.Connection):  # SQLite drops no foreign key's column
            if connection.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                                  (made,)).fetchone():  # a test may have dropped it already
                without_columns(connection, made, {"by_user_id"})
        else:
            connection.execute(f'ALTER TABLE "{made}" DROP COLUMN "by_user_id"')
    connection.execute('DROP TABLE "store_user"')


def undo_room_for_money_and_words(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before money columns held a billion on a server
    (INTEGER there) and before an outbox message's kind and a payment's method had room
    for their longest words (on a file, only the declared lengths in the schema's text)."""
    from models.migrations import _V23_MONEY_COLUMNS, _V23_SERVER_TRIGGERS, _V23_WIDER_WORDS

    undo_store_users(connection)  # the later versions first
    if not isinstance(connection, sqlite3.Connection):  # a psycopg connection: a server
        for table, name in (("invoice", "kept_month_total_invoice_update"),
                            ("allocation", "kept_month_total_allocation_update")):
            connection.execute(f'DROP TRIGGER "{name}" ON "{table}"')
        for table, columns in _V23_MONEY_COLUMNS.items():
            changes = ", ".join(f'ALTER COLUMN "{column}" TYPE INTEGER' for column in columns)
            connection.execute(f'ALTER TABLE "{table}" {changes}')
        for table, column, old, _ in _V23_WIDER_WORDS:
            connection.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE '
                               f'VARCHAR({old})')
        for statement in _V23_SERVER_TRIGGERS:
            connection.execute(statement)
        return
    version = connection.execute("PRAGMA schema_version").fetchone()[0]
    connection.execute("PRAGMA writable_schema = ON")
    for table, column, old, new in _V23_WIDER_WORDS:
        connection.execute(f"UPDATE sqlite_master SET sql = replace(sql, '\"{column}\" "
                           f"VARCHAR({new})', '\"{column}\" VARCHAR({old})') WHERE "
                           f"type = 'table' AND name = '{table}'")
    connection.execute(f"PRAGMA schema_version = {version + 1}")
    connection.execute("PRAGMA writable_schema = OFF")


def undo_covering_allocation_indexes(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before allocations' indexes held their day and
    amount: each indexes its invoice, payment or credit note alone."""
    undo_room_for_money_and_words(connection)  # the later versions first
    for link in ("invoice_id", "payment_id", "credit_note_id"):
        connection.execute(f'DROP INDEX "allocation_{link}"')
        connection.execute(f'CREATE INDEX "allocation_{link}" ON "allocation" ("{link}")')


def undo_bank_statements(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before bank statements: no statements, credits
    or remembered payer accounts."""
    undo_covering_allocation_indexes(connection)  # the later versions first
    for table in ("payer_iban", "bank_credit", "bank_statement"):
        connection.execute(f'DROP TABLE "{table}"')


def undo_claims_and_court_fees(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before claims (v20): no court fees, no letters
    before action kept, customers without a legal form."""
    undo_bank_statements(connection)  # the later versions first
    for table in ("claim_letter", "court_fee"):
        connection.execute(f'DROP TABLE "{table}"')
    connection.execute('ALTER TABLE "customer" DROP COLUMN "legal_form"')


def undo_contact_template(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before contacts kept the template their letter or
    e-mail was written from."""
    undo_claims_and_court_fees(connection)  # the later versions first
    connection.execute('ALTER TABLE "interaction" DROP COLUMN "template_name"')


def undo_agency_referrals(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before the referrals' history (v18): no updates,
    no warning flag on contacts, referrals without minimum, override reason or end."""
    undo_contact_template(connection)  # the later versions first
    connection.execute('DROP TABLE "referral_update"')
    for table, column in (("agency_referral", "commission_min_minor"),
                          ("agency_referral", "override_reason"),
                          ("agency_referral", "ended_on"),
                          ("agency_referral", "referred_minor"),
                          ("interaction", "warned_of_referral")):
        connection.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')


def undo_dispute_cases_and_write_offs(connection: sqlite3.Connection) -> None:
    """Take a store back to the shape before dispute cases and write-offs (v17): no
    cases, their invoices, notes and files, no write-offs, agencies with their first
    columns only. The invoices keep the status and reason the cases gave them, as the
    version before kept them."""
    undo_agency_referrals(connection)  # the later versions first
    for table in ("write_off", "dispute_note", "disputed_invoice", "dispute_case"):
        connection.execute(f'DROP TABLE "{table}"')
    for column in ("contact_name", "commission_min_minor", "currency", "fees", "strengths",
                   "notes", "rating"):
        connection.execute(f'ALTER TABLE "agency" DROP COLUMN "{column}"')


def undo_v16(connection: sqlite3.Connection) -> None:
    """Take a store back to version 15's shape: no kept month totals, nor their triggers."""
    undo_dispute_cases_and_write_offs(connection)  # the later versions first
    for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                      "AND name LIKE 'kept_month_total_%'").fetchall():
        connection.execute(f'DROP TRIGGER "{name}"')
    connection.execute('DROP TABLE "kept_month_total"')


def undo_v15(connection: sqlite3.Connection) -> None:
    """Take a store back to version 14's shape: plans without their schedule's kind,
    freeze, stage and ending; no offers; every contact a chasing one."""
    undo_v16(connection)
    for table in ("offer_invoice", "offer"):
        connection.execute(f'DROP TABLE "{table}"')
    for table, column in (("credit_policy", "loyalty_waiver"), ("follow_up_policy", "use"),
                          ("customer", "check_in_days"), ("credit_note", "kind"),
                          ("payment_plan", "frequency"), ("payment_plan", "freeze_charges"),
                          ("payment_plan", "ended_on"), ("payment_plan", "end_reason"),
                          ("instalment", "position"), ("instalment", "is_deposit"),
                          ("interaction", "purpose")):
        connection.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    # SQLite drops no column of a foreign key: those tables are made again without them.
    without_columns(connection, "payment_plan", {"stage_reached_id", "replaces_id"})
    without_columns(connection, "interaction", {"plan_id", "instalment_id"})


def without_columns(connection: sqlite3.Connection, table: str, columns: set[str]) -> None:
    """Make ``table`` again without ``columns`` and their foreign keys, keeping its rows,
    indexes and triggers (foreign keys are not enforced on this connection)."""
    sql, = connection.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                              "name = ?", (table,)).fetchone()
    others = [sql for (sql,) in connection.execute(
        "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? "
        "AND sql IS NOT NULL", (table,))]
    head, body = sql.split("(", 1)
    parts, depth, current = [], 0, ""
    for char in body.rsplit(")", 1)[0]:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    kept = [part for part in parts if not any(
        part.startswith((f'"{column}" ', f'FOREIGN KEY ("{column}")')) for column in columns)]
    names = [part.split('"')[1] for part in kept if part.startswith('"')]
    listed = ", ".join(f'"{name}"' for name in names)
    connection.execute(f'CREATE TABLE "{table}_old_shape" ({", ".join(kept)})')
    connection.execute(f'INSERT INTO "{table}_old_shape" ({listed}) SELECT {listed} '
                       f'FROM "{table}"')
    connection.execute(f'DROP TABLE "{table}"')
    connection.execute(f'ALTER TABLE "{table}_old_shape" RENAME TO "{table}"')
    for statement in others:
        if not any(f'"{column}"' in statement for column in columns):
            connection.execute(statement)


def undo_v14(connection: sqlite3.Connection) -> None:
    """Take a store back to version 13's shape: its bank details one text, no signatory,
    the default e-mails signed by the business alone."""
    undo_v15(connection)
    from models.migrations import _V14_NEW_SIGN_OFF, _V14_OLD_SIGN_OFF

    connection.execute('DROP TABLE "bank_account"')
    for column in ("signatory_name", "signatory_position"):
        connection.execute(f'ALTER TABLE "business" DROP COLUMN "{column}"')
    connection.execute('ALTER TABLE "business" ADD COLUMN "bank_details" TEXT NOT NULL '
                       "DEFAULT ''")
    connection.execute('UPDATE "letter_template" SET "body" = replace("body", ?, ?)',
                       (_V14_NEW_SIGN_OFF, _V14_OLD_SIGN_OFF))


def scramble_an_index_page(path: Path) -> None:
    """Damage the store file without changing its size: the first page of an index of
    the invoices, which opening the store never reads."""
    with closing(sqlite3.connect(path)) as connection:
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'invoice'"
            " ORDER BY name LIMIT 1").fetchone()
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xa5" * page_size)


def schema_of(path: Path) -> dict[str, object]:
    """Tables with their columns (name, type, not-null, pk); indexes' and triggers' SQL."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        shape: dict[str, object] = {}
        for table in tables:
            shape[table] = sorted((r[1], r[2], r[3], r[5]) for r in
                                  connection.execute(f'PRAGMA table_info("{table}")'))
        shape["indexes"] = sorted(
            (name, " ".join(sql.replace("IF NOT EXISTS ", "").split()))
            for name, sql in connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"))
        shape["triggers"] = sorted(connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='trigger'"))
        return shape
    finally:
        connection.close()


def fill_disk(folder: Path) -> Path:
    """Write a file in ``folder`` until its disk has no byte left; returns that file
    (delete it to free the disk again)."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as stream:
        for size in (1 << 16, 1 << 12, 1):  # large writes first, then down to the last byte
            try:
                while True:
                    stream.write(b"\0" * size)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
    return filler


def take_back(store_target: Path | str, store_engine: str, version: int,
              undo: Callable[[Any], None]) -> None:
    """Take the closed store at ``store_target`` back to the shape it had before
    ``version`` (``undo`` its steps, in plain SQL on either engine), numbered as it was."""
    if store_engine == "sqlite":
        with sqlite3.connect(store_target) as connection:
            undo(connection)
            connection.execute(f"PRAGMA user_version = {version - 1}")
        connection.close()
        return
    import psycopg

    with psycopg.connect(str(store_target), autocommit=True) as server:
        undo(server)
        server.execute(f"UPDATE duly_store SET schema_version = {version - 1}")


def shaped_as_new(store_target: Path | str, store_engine: str, folder: Path) -> bool:
    """Whether the store file has the shape of a new store (always, on a server: only a
    file's shape is compared)."""
    if store_engine != "sqlite":
        return True
    from models import db

    new = folder / "new.sqlite"
    db.open_store(new, create=True).close()
    return schema_of(Path(store_target)) == schema_of(new)


def query_plan(call: Callable[[], object], table: str = "") -> list[str]:
    """The steps of SQLite's plan for the one SELECT ``call`` sends (naming ``table`` when
    given), as the planner plans it with its values written in."""
    from models.schema import database

    sent: list[str] = []
    connection = database.connection()
    connection.set_trace_callback(sent.append)
    try:
        call()
    finally:
        connection.set_trace_callback(None)
    [statement] = [s for s in sent if s.startswith("SELECT") and (not table or f'"{table}"' in s)]
    return [row[3] for row in database.execute_sql(f"EXPLAIN QUERY PLAN {statement}")]


def kept_figure_property(steps: st.SearchStrategy[Any], *, examples: int
                         ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A kept figure's property test over random ``steps``, ``examples`` of them (fewer on
    a server, where a database is made for each example, half a second). Each example
    makes its own store inside the test's one folder or server (so Hypothesis's check for
    a function-scoped fixture is set aside), no example is timed out, and the test is slow."""

    def made(test: Callable[..., None]) -> Callable[..., None]:
        return settings(max_examples=examples, deadline=None,
                        suppress_health_check=[HealthCheck.function_scoped_fixture])(
            given(steps)(pytest.mark.slow(test)))

    return made


_stores_made = itertools.count()


def new_store_in(folder: Path) -> Path:
    """A path in ``folder`` where no store has been made yet (one per example)."""
    return folder / f"s{next(_stores_made)}.sqlite"


# A nightly command beside the store's holder: shares the store, records a setting under
# ``sys.argv[2]``, says whether it shared, and closes (issue 17).
_NIGHTLY_WRITE = ("import sys; from models import db; from models.schema import Setting\n"
                  "s = db.open_store(sys.argv[1], alongside=True)\n"
                  "with db.writing(): Setting.put(sys.argv[2], '1')\n"
                  "print(s.shared); s.close()")


def nightly_job_writes(path: Path, key: str) -> subprocess.CompletedProcess[str]:
    """Run, in a process of its own, a nightly command recording the setting ``key`` in
    the store at ``path`` beside whoever holds it; its output says ``True`` if shared."""
    return subprocess.run([sys.executable, "-c", _NIGHTLY_WRITE, str(path), key],
                          cwd=Path(__file__).resolve().parents[1], capture_output=True,
                          text=True, timeout=120)


def kept_setting_keys(path: Path) -> set[str]:
    """The keys of the settings the closed store at ``path`` holds (opened and closed)."""
    from models import db
    from models.schema import Setting

    store = db.open_store(path)
    try:
        return {setting.key for setting in Setting.select()}
    finally:
        store.close()
