"""Each account's open invoices counted, its last day paid and last chase, kept (store v34).

Today thanks a customer whose account was paid up after a chase: nothing left open on
it, the last payment within the last month. Derived, that is every chase of the year
looked up on its invoice (34,000 on the big book, for none paid up: nearly every chased
invoice is still open), through 100 MB of invoice pages that push the rest of the
worklist's reads out of the store's cache. Kept per account (``kept_account``: the
customer and currency; ``open_count``, its invoices still owed something;
``last_paid_on``, the latest day of the allocations, not voided, to any of its
invoices; ``last_chased_on``, the latest day of a follow-up stage carried out on one of
them with a contact), a small partial index holds the accounts with nothing open by
those days, and Today reads those paid in the month and chased in the year.

Kept by triggers, as the promises' last days paid are (``models.promise_paid``): an
invoice added, deleted, or changed in what it owes or whose it is moves its account's
count (an invoice moved to another account sets both accounts' days again); an
allocation made, or a stage carried out with a contact, moves its account's day
forward; one voided, moved or deleted sets its account's day again. Every invoice's
account has its row from the invoice's first write. On a server a row made moves the
day forward only (``GREATEST``, which a writer waiting for the row works out again on
the row as the other left it); a day set again locks the accounts' rows first, so it
reads what a writer at the same moment committed. ``duly check`` compares each account
with its derivation (:func:`kept_account_problems`).
"""

from __future__ import annotations

from models.schema import database, install_triggers

_OWED = "('open', 'disputed', 'with_agency')"  # models.kinds.OWED_STATUSES (a test holds them)


def _still_owed(row: str) -> str:
    """Whether the invoice ``row`` is still owed something."""
    return f'{row}."open_minor" > 0 AND {row}."status" IN {_OWED}'


def _owes(row: str) -> str:
    """1 when the invoice ``row`` is still owed something, else 0."""
    return f'(CASE WHEN {_still_owed(row)} THEN 1 ELSE 0 END)'


# What counts: an allocation (``a``) not voided; a stage carried out (``e``) with a contact.
_PAYS = 'NOT a."voided"'
_CHASES = 'e."interaction_id" IS NOT NULL'
# The latest day of each, from one invoice's id (``invoice``).
_LAST_PAID = ('SELECT MAX(a."allocated_on") FROM "allocation" a WHERE a."invoice_id" = '
              '{invoice} AND ' + _PAYS)
_LAST_CHASED = ('SELECT MAX(e."executed_on") FROM "stage_execution" e WHERE e."invoice_id" = '
                '{invoice} AND ' + _CHASES)
_EACH = 'i."id"'
_ITS_INVOICES = ('FROM "invoice" i WHERE i."customer_id" = "kept_account"."customer_id" AND '
                 'i."currency" = "kept_account"."currency"')
_PAID = f'"last_paid_on" = (SELECT MAX(({_LAST_PAID.format(invoice=_EACH)})) {_ITS_INVOICES})'
_CHASED = (f'"last_chased_on" = (SELECT MAX(({_LAST_CHASED.format(invoice=_EACH)})) '
           f'{_ITS_INVOICES})')
_OF_INVOICE = ('("customer_id", "currency") = (SELECT i."customer_id", i."currency" FROM '
               '"invoice" i WHERE i."id" = {invoice})')


def _counted(row: str, sign: str) -> str:
    """The statement counting the invoice ``row`` in (``+``) or out of (``-``) its
    account; counted in, the account's row is made if it has none."""
    if sign == "-":
        return (f'UPDATE "kept_account" SET "open_count" = "open_count" - {_owes(row)} '
                f'WHERE "customer_id" = {row}."customer_id" AND "currency" = '
                f'{row}."currency"; ')
    return (f'INSERT INTO "kept_account" ("customer_id", "currency", "open_count") VALUES '
            f'({row}."customer_id", {row}."currency", {_owes(row)}) ON CONFLICT '
            f'("customer_id", "currency") DO UPDATE SET "open_count" = '
            f'"kept_account"."open_count" + excluded."open_count"; ')


def _again(days: str, where: str) -> str:
    """The statement setting ``days`` again for the accounts ``where`` names."""
    return f'UPDATE "kept_account" SET {days} WHERE {where}; '


def _later(column: str, day: str, where: str, greatest: str) -> str:
    """The statement moving ``column`` forward to ``day`` for the account ``where``
    names."""
    return (f'UPDATE "kept_account" SET "{column}" = {greatest}(COALESCE("{column}", {day}), '
            f'{day}) WHERE {where}; ')


def _account_of(row: str) -> str:
    return f'"customer_id" = {row}."customer_id" AND "currency" = {row}."currency"'


def _file_kept(name: str, table: str, columns: str, made: str, deleted: str,
               moved_forward: tuple[str, str], days: str) -> tuple[str, str, str]:
    """The triggers keeping the account's day ``days`` as rows of ``table`` are written
    on a file: a row made (when ``made`` holds) moves the day forward
    (``moved_forward``: the column and the row's day); one deleted (its ``deleted`` not
    null) or changed sets the day again for its invoice's account before and after."""
    column, day = moved_forward
    return (f'CREATE TRIGGER "kept_account_{name}_insert" AFTER INSERT ON "{table}" '
            f'WHEN {made} BEGIN '
            + _later(column, day, _OF_INVOICE.format(invoice='new."invoice_id"'), "max") + 'END',
            f'CREATE TRIGGER "kept_account_{name}_delete" AFTER DELETE ON "{table}" '
            f'WHEN {deleted} IS NOT NULL BEGIN '
            + _again(days, _OF_INVOICE.format(invoice='old."invoice_id"')) + 'END',
            f'CREATE TRIGGER "kept_account_{name}_update" AFTER UPDATE OF {columns} ON '
            f'"{table}" BEGIN ' + _again(days, _OF_INVOICE.format(invoice='old."invoice_id"'))
            + _again(days, _OF_INVOICE.format(invoice='new."invoice_id"')) + 'END')


_MOVED = ('(old."customer_id" IS NOT new."customer_id" OR old."currency" IS NOT '
          'new."currency")')
_CHANGED = f'({_owes("old")} IS NOT {_owes("new")} OR {_MOVED})'
_BOTH = f'{_PAID}, {_CHASED}'

ACCOUNT_TRIGGERS: tuple[str, ...] = (
    'CREATE TRIGGER "kept_account_invoice_insert" AFTER INSERT ON "invoice" BEGIN '
    + _counted("new", "+") + 'END',
    'CREATE TRIGGER "kept_account_invoice_delete" AFTER DELETE ON "invoice" BEGIN '
    + _counted("old", "-") + 'END',
    'CREATE TRIGGER "kept_account_invoice_update" AFTER UPDATE OF "customer_id", "currency", '
    f'"open_minor", "status" ON "invoice" WHEN {_CHANGED} BEGIN '
    + _counted("old", "-") + _counted("new", "+")
    + _again(_BOTH, f'{_MOVED} AND ({_account_of("old")} OR {_account_of("new")})') + 'END',
    *_file_kept("allocation", "allocation", '"invoice_id", "voided", "allocated_on"',
                'new."invoice_id" IS NOT NULL AND NOT new."voided"', 'old."invoice_id"',
                ("last_paid_on", 'new."allocated_on"'), _PAID),
    *_file_kept("execution", "stage_execution", '"invoice_id", "interaction_id", "executed_on"',
                'new."interaction_id" IS NOT NULL', 'old."interaction_id"',
                ("last_chased_on", 'new."executed_on"'), _CHASED),
)


def _server_again(days: str, where: str) -> str:
    # The rows are locked before the allocations or chases are read: one made at once by
    # another writer (whose trigger updates the row) is then read here once committed.
    return (f'PERFORM 1 FROM "kept_account" WHERE {where} ORDER BY "id" FOR UPDATE; '
            + _again(days, where))


def _server_kept(name: str, table: str, columns: str, made: str, days: str) -> tuple[str, str]:
    """The function and trigger keeping the account's day ``days`` as rows of ``table``
    are written: one made moves the day forward (``made``, when it counts), one deleted
    or changed sets the day again for its invoice's account before and after."""
    old = _OF_INVOICE.format(invoice='OLD."invoice_id"')
    new = _OF_INVOICE.format(invoice='NEW."invoice_id"')
    return (f'CREATE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
            f"IF TG_OP = 'INSERT' THEN {made}RETURN NULL; END IF; "
            + _server_again(days, old) + "IF TG_OP = 'UPDATE' THEN "
            + _server_again(days, new) + 'END IF; RETURN NULL; END $$',
            f'CREATE TRIGGER "{name}" AFTER INSERT OR DELETE OR UPDATE OF {columns} ON '
            f'"{table}" FOR EACH ROW EXECUTE FUNCTION "{name}"()')


_SERVER_MOVED = _MOVED.replace("old.", "OLD.").replace("new.", "NEW.").replace(
    " IS NOT ", " IS DISTINCT FROM ")
_SERVER_CHANGED = f'({_owes("OLD")} IS DISTINCT FROM {_owes("NEW")} OR {_SERVER_MOVED})'

SERVER_ACCOUNT_TRIGGERS: tuple[str, ...] = (
    'CREATE FUNCTION "kept_account_invoice"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    "IF TG_OP <> 'INSERT' THEN " + _counted("OLD", "-") + 'END IF; '
    "IF TG_OP <> 'DELETE' THEN " + _counted("NEW", "+") + 'END IF; '
    f"IF TG_OP = 'UPDATE' AND {_SERVER_MOVED} THEN "
    + _server_again(_BOTH, f'({_account_of("OLD")}) OR ({_account_of("NEW")})')
    + 'END IF; RETURN NULL; END $$',
    'CREATE TRIGGER "kept_account_invoice" AFTER INSERT OR DELETE ON "invoice" FOR EACH ROW '
    'EXECUTE FUNCTION "kept_account_invoice"()',
    'CREATE TRIGGER "kept_account_invoice_update" AFTER UPDATE OF "customer_id", "currency", '
    f'"open_minor", "status" ON "invoice" FOR EACH ROW WHEN {_SERVER_CHANGED} '
    'EXECUTE FUNCTION "kept_account_invoice"()',
    *_server_kept("kept_account_allocation", "allocation",
                  '"invoice_id", "voided", "allocated_on"',
                  'IF NEW."invoice_id" IS NOT NULL AND NOT NEW."voided" THEN '
                  + _later("last_paid_on", 'NEW."allocated_on"',
                           _OF_INVOICE.format(invoice='NEW."invoice_id"'), "GREATEST")
                  + 'END IF; ', _PAID),
    *_server_kept("kept_account_execution", "stage_execution",
                  '"invoice_id", "interaction_id", "executed_on"',
                  'IF NEW."interaction_id" IS NOT NULL THEN '
                  + _later("last_chased_on", 'NEW."executed_on"',
                           _OF_INVOICE.format(invoice='NEW."invoice_id"'), "GREATEST")
                  + 'END IF; ', _CHASED),
)

# Each account's figures as its invoices, allocations and chases give them: in one pass
# over the invoices to fill the rows (every account gets one), and for check in three
# reads that look only at what counts (the open invoices from their index, the
# allocations, the chases), 1.4 s -> 0.7 s on the big book.
_DERIVED = (
    f'SELECT i."customer_id", i."currency", SUM({_owes("i")}), '
    f'MAX(({_LAST_PAID.format(invoice=_EACH)})), MAX(({_LAST_CHASED.format(invoice=_EACH)})) '
    f'FROM "invoice" i GROUP BY i."customer_id", i."currency"')
_DERIVE = ('INSERT INTO "kept_account" ("customer_id", "currency", "open_count", '
           '"last_paid_on", "last_chased_on") ' + _DERIVED)
_OPEN_COUNTS = (f'SELECT i."customer_id", i."currency", COUNT(*) FROM "invoice" i WHERE '
                f'{_still_owed("i")} GROUP BY i."customer_id", i."currency"')
_PAID_DAYS = ('SELECT i."customer_id", i."currency", MAX(a."allocated_on") FROM "allocation" a '
              f'JOIN "invoice" i ON i."id" = a."invoice_id" WHERE {_PAYS} GROUP BY '
              'i."customer_id", i."currency"')
_CHASED_DAYS = ('SELECT i."customer_id", i."currency", MAX(e."executed_on") FROM '
                '"stage_execution" e JOIN "invoice" i ON i."id" = e."invoice_id" WHERE '
                f'{_CHASES} GROUP BY i."customer_id", i."currency"')
_KEPT = ('SELECT "customer_id", "currency", "open_count", "last_paid_on", "last_chased_on" '
         'FROM "kept_account" WHERE "open_count" <> 0 OR "last_paid_on" IS NOT NULL OR '
         '"last_chased_on" IS NOT NULL')
_NOTHING: tuple[int, str | None, str | None] = (0, None, None)


def create_kept_accounts() -> None:
    """Install the triggers that keep the accounts and work them out from the invoices
    already there (a new store, or one moved in bare; inside its write)."""
    keep_kept_accounts()
    rebuild_kept_accounts()


def rebuild_kept_accounts() -> None:
    """Work every account out again from the invoices (inside a write)."""
    database.execute_sql('DELETE FROM "kept_account"')
    database.execute_sql(_DERIVE)


def keep_kept_accounts() -> None:
    """Install the triggers that keep the accounts from now on, the rows being already
    those of the invoices kept (a store moved in with them; inside a write)."""
    install_triggers(ACCOUNT_TRIGGERS, SERVER_ACCOUNT_TRIGGERS)


def kept_account_problems() -> list[str]:
    """Accounts whose kept count of open invoices, last day paid or last chase differs
    from their invoices, allocations and chases, as check's lines."""
    derived: dict[tuple[int, str], tuple[int, str | None, str | None]] = {}
    for customer_id, currency, count in database.execute_sql(_OPEN_COUNTS):
        derived[customer_id, currency] = (int(count), None, None)
    for customer_id, currency, day in database.execute_sql(_PAID_DAYS):
        count, _, chased = derived.get((customer_id, currency), _NOTHING)
        derived[customer_id, currency] = (count, _day(day), chased)
    for customer_id, currency, day in database.execute_sql(_CHASED_DAYS):
        count, paid, _ = derived.get((customer_id, currency), _NOTHING)
        derived[customer_id, currency] = (count, paid, _day(day))
    kept = {(customer_id, currency): (int(count), _day(paid), _day(chased))
            for customer_id, currency, count, paid, chased in database.execute_sql(_KEPT)}
    differ = sorted(account for account in derived.keys() | kept.keys()
                    if derived.get(account, _NOTHING) != kept.get(account, _NOTHING))
    if not differ:
        return []
    names = dict(database.execute_sql('SELECT "id", "name" FROM "customer"').fetchall())
    return [f"{names.get(account[0], f'Customer #{account[0]}')}'s account in {account[1]} "
            f"shows {_said(kept.get(account, _NOTHING))} but its invoices say "
            f"{_said(derived.get(account, _NOTHING))}" for account in differ]


def _said(figures: tuple[int, str | None, str | None]) -> str:
    count, paid, chased = figures
    return (f"{count} invoice(s) still owed, last paid {paid or 'never'}, last chased "
            f"{chased or 'never'}")


def _day(value: object) -> str | None:
    return None if value is None else str(value)[:10]
