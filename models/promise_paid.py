"""The kept day a promise's invoices were last paid on (store v32).

Today thanks a customer whose broken promise has since been kept: every invoice
promised paid, the last payment within the last month. Derived, that is each broken
promise's allocations sought (7,000 broken promises owing nothing on the big book, for
655 kept in the month). Kept on the promise (``last_paid_on``: the latest day of the
allocations, not voided, to its invoices; none when there is none), a small partial
index holds the broken promises owing nothing by that day, and Today reads the month's.

Kept by triggers, as the promise's still-owed amount is (``models.promise_owed``): an
allocation made, voided, moved or deleted sets again the promises of its invoice; an
invoice added to or taken from a promise sets that promise again. On a server an
allocation made moves the day forward only (``GREATEST``, which a writer waiting for
the promise's row works out again on the row as the other left it); the others lock
the rows they read first, so each sees what a writer at the same moment committed.
``duly check`` compares each promise's day with its derivation
(:func:`promise_paid_problems`).
"""

from __future__ import annotations

from models.schema import database, install_triggers, on_server

# The latest day an allocation, not voided, was made to the promise's invoices (``promise``).
_DERIVED = ('(SELECT MAX(a."allocated_on") FROM "promise_invoice" pi JOIN "allocation" a ON '
            'a."invoice_id" = pi."invoice_id" WHERE pi."promise_id" = {promise} AND NOT '
            'a."voided")')
_ITS_OWN = '"promise"."id"'


def _of_invoice(invoice: str) -> str:
    """The statement setting again the promises ``invoice`` is on."""
    return (f'UPDATE "promise" SET "last_paid_on" = {_DERIVED.format(promise=_ITS_OWN)} '
            f'WHERE "id" IN (SELECT pi."promise_id" FROM "promise_invoice" pi WHERE '
            f'pi."invoice_id" = {invoice}); ')


def _of_link(row: str) -> str:
    """The statement setting again the promise of a link ``row``."""
    return (f'UPDATE "promise" SET "last_paid_on" = {_DERIVED.format(promise=_ITS_OWN)} '
            f'WHERE "id" = {row}."promise_id"; ')


PAID_TRIGGERS: tuple[str, ...] = (
    'CREATE TRIGGER "promise_paid_allocation_insert" AFTER INSERT ON "allocation" '
    'WHEN new."invoice_id" IS NOT NULL BEGIN ' + _of_invoice('new."invoice_id"') + 'END',
    'CREATE TRIGGER "promise_paid_allocation_delete" AFTER DELETE ON "allocation" '
    'WHEN old."invoice_id" IS NOT NULL BEGIN ' + _of_invoice('old."invoice_id"') + 'END',
    'CREATE TRIGGER "promise_paid_allocation_update" AFTER UPDATE OF "invoice_id", "voided", '
    '"allocated_on" ON "allocation" BEGIN ' + _of_invoice('old."invoice_id"')
    + _of_invoice('new."invoice_id"') + 'END',
    'CREATE TRIGGER "promise_paid_link_insert" AFTER INSERT ON "promise_invoice" BEGIN '
    + _of_link("new") + 'END',
    'CREATE TRIGGER "promise_paid_link_delete" AFTER DELETE ON "promise_invoice" BEGIN '
    + _of_link("old") + 'END',
    'CREATE TRIGGER "promise_paid_link_update" AFTER UPDATE OF "promise_id", "invoice_id" '
    'ON "promise_invoice" BEGIN ' + _of_link("old") + _of_link("new") + 'END',
)


def _server_of_invoice(row: str) -> str:
    return (f'PERFORM 1 FROM "promise" p WHERE p."id" IN (SELECT pi."promise_id" FROM '
            f'"promise_invoice" pi WHERE pi."invoice_id" = {row}."invoice_id") FOR UPDATE; '
            + _of_invoice(f'{row}."invoice_id"'))


def _server_of_link(row: str) -> str:
    # The invoice's row is locked before its allocations are read: one posted at once by
    # another writer (who updates the invoice's open amount) is then seen.
    return (f'PERFORM 1 FROM "invoice" i WHERE i."id" = {row}."invoice_id" FOR SHARE; '
            + _of_link(row))


SERVER_PAID_TRIGGERS: tuple[str, ...] = (
    'CREATE FUNCTION "promise_paid_allocation"() RETURNS trigger LANGUAGE plpgsql AS $$ '
    "BEGIN IF TG_OP = 'INSERT' THEN IF NOT NEW.\"voided\" THEN "
    'UPDATE "promise" SET "last_paid_on" = GREATEST(COALESCE("last_paid_on", '
    'NEW."allocated_on"), NEW."allocated_on") WHERE "id" IN (SELECT pi."promise_id" FROM '
    '"promise_invoice" pi WHERE pi."invoice_id" = NEW."invoice_id"); END IF; RETURN NULL; '
    'END IF; ' + _server_of_invoice("OLD")
    + "IF TG_OP = 'UPDATE' THEN " + _server_of_invoice("NEW") + 'END IF; RETURN NULL; END $$',
    'CREATE TRIGGER "promise_paid_allocation" AFTER INSERT OR DELETE OR UPDATE OF '
    '"invoice_id", "voided", "allocated_on" ON "allocation" FOR EACH ROW '
    'EXECUTE FUNCTION "promise_paid_allocation"()',
    'CREATE FUNCTION "promise_paid_link"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    "IF TG_OP <> 'INSERT' THEN " + _server_of_link("OLD") + 'END IF; '
    "IF TG_OP <> 'DELETE' THEN " + _server_of_link("NEW") + 'END IF; '
    'RETURN NULL; END $$',
    'CREATE TRIGGER "promise_paid_link" AFTER INSERT OR DELETE OR UPDATE OF "promise_id", '
    '"invoice_id" ON "promise_invoice" FOR EACH ROW EXECUTE FUNCTION "promise_paid_link"()',
)

_DERIVE = 'UPDATE "promise" SET "last_paid_on" = ' + _DERIVED.format(promise=_ITS_OWN)
_DIFFERENT = (
    'SELECT p."id", c."name", p."promised_for", p."last_paid_on", d."paid" FROM (SELECT '
    'p."id", ' + _DERIVED.format(promise='p."id"') + ' AS "paid" FROM "promise" p) d JOIN '
    '"promise" p ON p."id" = d."id" JOIN "customer" c ON c."id" = p."customer_id" '
    'WHERE p."last_paid_on" {differs} d."paid" ORDER BY p."id"')


def create_promise_paid() -> None:
    """Install the triggers that keep the days and work them out for the promises
    already kept (a new store, or one moved in bare; inside its write)."""
    keep_promise_paid()
    database.execute_sql(_DERIVE)


def keep_promise_paid() -> None:
    """Install the triggers that keep the days from now on, the days being already those
    of the rows kept (a store moved in with them; inside a write)."""
    install_triggers(PAID_TRIGGERS, SERVER_PAID_TRIGGERS)


def promise_paid_problems() -> list[str]:
    """Promises whose kept last day paid differs from their invoices' allocations, as
    check's lines."""
    return [f"{name}'s promise #{promise_id} to pay by {str(promised_for)[:10]} shows "
            f"{_day(kept)} as the day its invoices were last paid but their allocations "
            f"say {_day(paid)}"
            for promise_id, name, promised_for, kept, paid in
            database.execute_sql(_DIFFERENT.format(
                differs="IS DISTINCT FROM" if on_server() else "IS NOT")).fetchall()]


def _day(value: object) -> str:
    return "none" if value is None else str(value)[:10]
