"""The kept amount still owed on a promise's invoices (store v30).

Today lists the broken promises still owed: on a big book most broken promises were
paid since and are left in the store (11,870 on the big demo store, 2,186 of them
still owed on 24 November 2026). Derived, "still owed" reads every broken promise's
invoices; kept on the promise (``owed_minor``: the sum of its invoices' open amounts),
a small partial index holds only the broken promises still owed, and Today reads them
alone with their amounts.

Kept by triggers, as the month totals and the late allocations are: an invoice's open
amount changing (an allocation, its reversal, a credit note, a void or write-off: every
writer of ``open_minor``) moves the promises it is promised on by the difference; an
invoice added to or taken from a promise adds or takes its open amount. Nothing else
counts: the sum is of ``open_minor`` alone, which a void invoice has at nought already.
``duly check`` compares each promise's amount with its derivation
(:func:`promise_owed_problems`).
"""

from __future__ import annotations

from models.money import format_money
from models.schema import database, install_triggers

# What a promise's invoices leave open, from its id (named ``promise``).
_DERIVED = ('COALESCE((SELECT SUM(i."open_minor") FROM "promise_invoice" pi JOIN "invoice" i '
            'ON i."id" = pi."invoice_id" WHERE pi."promise_id" = {promise}), 0)')
_INVOICE_OPEN = ('COALESCE((SELECT i."open_minor" FROM "invoice" i WHERE i."id" = '
                 '{link}."invoice_id"), 0)')


def _moved(row: str, sign: str) -> str:
    """The statement moving a link's promise by its invoice's open amount."""
    return (f'UPDATE "promise" SET "owed_minor" = "owed_minor" {sign} '
            f'{_INVOICE_OPEN.format(link=row)} WHERE "id" = {row}."promise_id"; ')


_INVOICE_CHANGED = ('UPDATE "promise" SET "owed_minor" = "owed_minor" + {row}."open_minor" - '
                    '{old}."open_minor" WHERE "id" IN (SELECT pi."promise_id" FROM '
                    '"promise_invoice" pi WHERE pi."invoice_id" = {row}."id"); ')

OWED_TRIGGERS: tuple[str, ...] = (
    'CREATE TRIGGER "promise_owed_link_insert" AFTER INSERT ON "promise_invoice" BEGIN '
    + _moved("new", "+") + 'END',
    'CREATE TRIGGER "promise_owed_link_delete" AFTER DELETE ON "promise_invoice" BEGIN '
    + _moved("old", "-") + 'END',
    'CREATE TRIGGER "promise_owed_link_update" AFTER UPDATE OF "promise_id", "invoice_id" '
    'ON "promise_invoice" BEGIN ' + _moved("old", "-") + _moved("new", "+") + 'END',
    'CREATE TRIGGER "promise_owed_invoice" AFTER UPDATE OF "open_minor" ON "invoice" '
    'WHEN old."open_minor" IS NOT new."open_minor" BEGIN '
    + _INVOICE_CHANGED.format(row="new", old="old") + 'END',
)


def _server_moved(row: str, sign: str) -> str:
    # The invoice's row is locked before its open amount is read: a payment posted at
    # once by another writer, who cannot see this link yet, is counted either there
    # (after this commits) or here (read once it has committed), never in neither.
    return (f'PERFORM 1 FROM "invoice" i WHERE i."id" = {row}."invoice_id" FOR SHARE; '
            + _moved(row, sign))


# On a server one function keeps a promise's links (TG_OP says which rows there are).
SERVER_OWED_TRIGGERS: tuple[str, ...] = (
    'CREATE FUNCTION "promise_owed_link"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    "IF TG_OP <> 'INSERT' THEN " + _server_moved("OLD", "-") + 'END IF; '
    "IF TG_OP <> 'DELETE' THEN " + _server_moved("NEW", "+") + 'END IF; '
    'RETURN NULL; END $$',
    'CREATE TRIGGER "promise_owed_link" AFTER INSERT OR DELETE OR UPDATE OF "promise_id", '
    '"invoice_id" ON "promise_invoice" FOR EACH ROW EXECUTE FUNCTION "promise_owed_link"()',
    'CREATE FUNCTION "promise_owed_invoice"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    + _INVOICE_CHANGED.format(row="NEW", old="OLD") + 'RETURN NULL; END $$',
    'CREATE TRIGGER "promise_owed_invoice" AFTER UPDATE OF "open_minor" ON "invoice" '
    'FOR EACH ROW WHEN (OLD."open_minor" IS DISTINCT FROM NEW."open_minor") '
    'EXECUTE FUNCTION "promise_owed_invoice"()',
)

_DERIVE = 'UPDATE "promise" SET "owed_minor" = ' + _DERIVED.format(promise='"promise"."id"')
_ITS_ID = 'p."id"'
_DIFFERENT = (
    'SELECT p."id", c."name", p."amount_minor", p."currency", p."promised_for", '
    f'p."owed_minor", d."owed" FROM (SELECT p."id", {_DERIVED.format(promise=_ITS_ID)} '
    'AS "owed" FROM "promise" p) d JOIN "promise" p ON p."id" = d."id" JOIN "customer" c '
    'ON c."id" = p."customer_id" WHERE p."owed_minor" <> d."owed" ORDER BY p."id"')


def create_promise_owed() -> None:
    """Install the triggers that keep the amounts and work them out for the promises
    already kept (a new store, or one moved in bare; inside its write)."""
    keep_promise_owed()
    database.execute_sql(_DERIVE)


def keep_promise_owed() -> None:
    """Install the triggers that keep the amounts from now on, the amounts being already
    those of the rows kept (a store moved in with them; inside a write)."""
    install_triggers(OWED_TRIGGERS, SERVER_OWED_TRIGGERS)


def promise_owed_problems() -> list[str]:
    """Promises whose kept still-owed amount differs from what their invoices leave open,
    as check's lines."""
    found = []
    for promise_id, name, amount, currency, promised_for, kept, owed in \
            database.execute_sql(_DIFFERENT).fetchall():
        # A server's sum is a NUMERIC: money prints from an integer's digits.
        found.append(f"{name}'s promise #{promise_id} to pay "
                     f"{format_money(int(amount), currency)} by {str(promised_for)[:10]} "
                     f"shows {format_money(int(kept), currency)} still owed but its "
                     f"invoices leave {format_money(int(owed), currency)} open")
    return found
