"""Migrations stand alone: frozen steps that bring an old store to today's shape."""

from __future__ import annotations

import ast
import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from models import db
from models.company import create_business
from models.contacts import ContactEntry, log_contact
from models.outbox import queue_message
from models.schema import Customer, FollowUpStage, Interaction
from tests.helpers import schema_of, undo_v14, undo_v15, undo_v16
from tests.unit.ledger_helpers import customer

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 20, 10, 0)
HEADING = "Final notice (letter) for T-1: £500.00."


def test_migrations_import_nothing_from_the_domain() -> None:
    tree = ast.parse((ROOT / "models" / "migrations.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert not {m for m in imported if m.split(".")[0] in {"models", "reports", "ui"}}


def as_duly_6_wrote_it(path: Path) -> dict[str, int]:
    """A store as Duly with store version 6 left it: letters with their words only in
    the note, and a customer whose last contact is an e-mail that failed."""
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        stage = FollowUpStage.select().first()
        who = customer()
        ids = {}
        for name, summary in (
                ("with subject", f"{HEADING}\n\nYour account\n\nDear Ms Smith,\n\nPlease pay."),
                ("without subject", f"{HEADING}\n\nDear Ms Smith,\n\nPlease pay."),
                ("text only", f"{HEADING}\n\nPlease pay.")):
            ids[name] = Interaction.create(customer=who, kind="letter", occurred_at=NOW,
                                           summary=summary, stage=stage, created_at=NOW).id
        failed = log_contact(who, ContactEntry(kind="email", occurred_at=NOW
                                               + dt.timedelta(days=1), summary="Statement"),
                             now=NOW + dt.timedelta(days=1))
        queue_message(who, kind="statement", subject="Statement", text="Dear Zoë,",
                      to=[("Zoë", "zoe@example.com")], contact_id=failed, now=NOW)
        ids["customer"] = who
    finally:
        store.close()
    with sqlite3.connect(path) as connection:
        connection.execute('UPDATE "outbox_message" SET "status" = \'failed\'')
        connection.execute('UPDATE "customer" SET "last_contact_at" = ?', (
            (NOW + dt.timedelta(days=1)).isoformat(" "),))  # v6 counted the failed e-mail
        connection.execute('ALTER TABLE "interaction" DROP COLUMN "subject"')
        connection.execute('ALTER TABLE "interaction" DROP COLUMN "body"')
        _drop_v8(connection)
        connection.execute("PRAGMA user_version = 6")
    connection.close()
    return ids


def _drop_v8(connection: sqlite3.Connection) -> None:
    _drop_v9(connection)
    for table in ("external_record", "import_batch"):
        connection.execute(f'DROP TABLE "{table}"')


def _drop_v9(connection: sqlite3.Connection) -> None:
    _drop_v10(connection)
    connection.execute('ALTER TABLE "invoice" DROP COLUMN "chase_from"')


def _drop_v10(connection: sqlite3.Connection) -> None:
    _drop_v11(connection)
    connection.execute('ALTER TABLE "customer" DROP COLUMN "tax_number"')


def _drop_v11(connection: sqlite3.Connection) -> None:
    undo_v14(connection)
    for table, column in (("invoice", "number"), ("credit_note", "number"),
                          ("customer", "code")):
        connection.execute(f'DROP INDEX "{table}_{column}_key"')
        connection.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}_key"')


@pytest.mark.parametrize(("version", "undo"), [
    (15, undo_v16),  # v16: the kept month totals of the business figures
    (14, undo_v15),  # v15: plans kept and broken, offers, contacts that are not chasing
    (13, undo_v14),  # v14: bank accounts per currency, the signatory
    (10, _drop_v11),  # v11: look-alike keys (invoice/credit_note.number_key, code_key)
    (9, _drop_v10),  # v10: the customer's VAT number (customer.tax_number)
    (8, _drop_v9),  # v9: the follow-up clock (invoice.chase_from)
    (7, _drop_v8),  # v8: the import log and the rows' keys in their programs
])
def test_a_store_a_version_behind_gains_the_next_shape(tmp_path: Path, version: int,
                                                        undo: Callable[..., None]) -> None:
    path = tmp_path / f"v{version}.sqlite"
    db.open_store(path, create=True).close()
    with sqlite3.connect(path) as connection:
        undo(connection)
        connection.execute(f"PRAGMA user_version = {version}")
    connection.close()
    new = tmp_path / "new.sqlite"
    db.open_store(new, create=True).close()

    store = db.open_store(path)
    try:
        assert store.migrated_from == version
    finally:
        store.close()
    assert schema_of(path) == schema_of(new)


def test_the_customers_of_a_v9_store_have_no_vat_number_yet(tmp_path: Path) -> None:
    path = tmp_path / "v9.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer("Zoë Café")
    finally:
        store.close()
    with sqlite3.connect(path) as connection:
        _drop_v10(connection)
        connection.execute("PRAGMA user_version = 9")
    connection.close()

    store = db.open_store(path)
    try:
        assert store.migrated_from == 9
        kept = Customer.get_by_id(who)
        assert (kept.name, kept.tax_number) == ("Zoë Café", "")
    finally:
        store.close()


def test_a_v6_store_keeps_its_letters_words_apart_and_forgets_failed_e_mails(
        tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    ids = as_duly_6_wrote_it(path)
    new = tmp_path / "new.sqlite"
    db.open_store(new, create=True).close()

    store = db.open_store(path)
    try:
        assert store.migrated_from == 6

        def words(name: str) -> tuple[str, str]:
            row = Interaction.get_by_id(ids[name])
            return row.subject, row.body

        assert words("with subject") == ("Your account", "Dear Ms Smith,\n\nPlease pay.")
        assert words("without subject") == ("", "Dear Ms Smith,\n\nPlease pay.")
        assert words("text only") == ("", "Please pay.")
        assert Customer.get_by_id(ids["customer"]).last_contact_at == NOW
    finally:
        store.close()
    assert schema_of(path) == schema_of(new)


def test_a_v11_stores_reminders_say_total_overdue_of_what_is_overdue(tmp_path: Path) -> None:
    from models.migrations import _V12_NEW_TOTAL, _V12_OLD_TOTAL
    from models.schema import LetterTemplate

    path = tmp_path / "v11.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
    finally:
        store.close()
    reworded = "Dear {{ contact_name }},\n\nTotal overdue: {{ total_due }} (all of it).\n"
    with sqlite3.connect(path) as connection:  # as v11 shipped them, and one reworded
        connection.execute('UPDATE "letter_template" SET "body" = replace("body", ?, ?)',
                           (_V12_NEW_TOTAL, _V12_OLD_TOTAL))
        shipped = connection.execute('SELECT count(*) FROM "letter_template" WHERE '
                                     'instr("body", ?) > 0', (_V12_OLD_TOTAL,)).fetchone()[0]
        connection.execute('INSERT INTO "letter_template" ("name", "channel", "language", '
                           '"tone", "subject", "body") VALUES (?, ?, ?, ?, ?, ?)',
                           ("Own words", "letter", "en", "final", "S", reworded))
        undo_v14(connection)
        connection.execute("PRAGMA user_version = 11")
    connection.close()
    assert shipped == 4  # firm and final, e-mail and letter

    store = db.open_store(path)
    try:
        assert store.migrated_from == 11
        bodies = [t.body for t in LetterTemplate.select()]
        assert not any(_V12_OLD_TOTAL in body for body in bodies)
        assert sum(_V12_NEW_TOTAL in body for body in bodies) == shipped
        assert LetterTemplate.get(LetterTemplate.name == "Own words").body == reworded
    finally:
        store.close()


def test_a_v13_stores_bank_details_become_its_account_for_any_currency(tmp_path: Path) -> None:
    from models.bank_accounts import bank_accounts, payment_account, signatory
    from models.kinds import BankKind
    from models.migrations import _V14_NEW_SIGN_OFF, _V14_OLD_SIGN_OFF
    from models.schema import LetterTemplate

    path = tmp_path / "v13.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
    finally:
        store.close()
    typed = ("  Barclays, Bristol\nSort code 20-00-00 · Account 12345678\n"
             "IBAN GB29NWBK60161331926819 ")
    with sqlite3.connect(path) as connection:  # as v13 kept them
        undo_v14(connection)
        connection.execute('UPDATE "business" SET "bank_details" = ?', (typed,))
        shipped = connection.execute('SELECT count(*) FROM "letter_template" WHERE '
                                     'instr("body", ?) > 0', (_V14_OLD_SIGN_OFF,)).fetchone()[0]
        connection.execute("PRAGMA user_version = 13")
    connection.close()
    # every default e-mail (a welcome, a thank-you, two of plans' instalments), each language
    assert shipped == 9 * 11

    store = db.open_store(path)
    try:
        assert store.migrated_from == 13
        [account] = bank_accounts()
        assert (account.currency, account.kind, account.details) == ("", BankKind.TEXT,
                                                                      typed.strip())
        assert payment_account("EUR") == payment_account("GBP") == account
        assert signatory().lines() == ()
        e_mails = [t.body for t in LetterTemplate.select().where(
            LetterTemplate.channel == "email")]
        assert sum(_V14_NEW_SIGN_OFF in body for body in e_mails) == shipped
    finally:
        store.close()


def test_a_v13_store_without_bank_details_has_no_account(tmp_path: Path) -> None:
    from models.bank_accounts import bank_accounts

    path = tmp_path / "v13.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
    finally:
        store.close()
    with sqlite3.connect(path) as connection:
        undo_v14(connection)
        connection.execute('UPDATE "business" SET "bank_details" = \' \n \'')
        connection.execute("PRAGMA user_version = 13")
    connection.close()

    store = db.open_store(path)
    try:
        assert bank_accounts() == []
    finally:
        store.close()


def test_a_v14_stores_plans_number_their_instalments_in_date_order(tmp_path: Path) -> None:
    from models.schema import Instalment, Invoice, PaymentPlan, PaymentPlanItem

    path = tmp_path / "v14.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer("Plan Keepers Ltd")
        bill = Invoice.create(customer=who, number="P-1", issue_date=dt.date(2026, 9, 1),
                              due_date=dt.date(2026, 10, 1), amount_minor=300_00,
                              open_minor=300_00, currency="GBP", created_at=NOW)
        plan = PaymentPlan.create(customer=who, agreed_on=dt.date(2026, 10, 5), currency="GBP",
                                  created_at=NOW)
        PaymentPlanItem.create(plan=plan, invoice=bill)
        # Entered out of order, and two on one day: the first entered comes first.
        for day, amount in ((20, 100_00), (5, 50_00), (20, 50_00), (12, 100_00)):
            Instalment.create(plan=plan, due_date=dt.date(2026, 11, day), amount_minor=amount)
    finally:
        store.close()
    with sqlite3.connect(path) as connection:
        undo_v15(connection)
        connection.execute("PRAGMA user_version = 14")
    connection.close()

    store = db.open_store(path)
    try:
        assert store.migrated_from == 14
        rows = [(i.position, i.due_date.day, i.amount_minor, i.is_deposit)
                for i in Instalment.select().order_by(Instalment.position)]
        assert rows == [(1, 5, 50_00, False), (2, 12, 100_00, False), (3, 20, 100_00, False),
                        (4, 20, 50_00, False)]
        [kept] = PaymentPlan.select()
        assert (kept.status, kept.frequency, kept.freeze_charges, kept.stage_reached_id,
                kept.replaces_id) == ("active", "custom", False, None, None)
        assert {i.purpose for i in Interaction.select()} <= {"chase"}
    finally:
        store.close()
