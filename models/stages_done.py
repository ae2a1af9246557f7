"""The kept position of the last follow-up stage done on each invoice (store v31).

The follow-up plan looks for the open invoices with a stage due beyond the last one
done (carried out, or passed over with a reason). Derived, that is every open
invoice's executions read on each plan: 92,000 open invoices on the big book, for
16,000 with a stage due. Kept on the invoice (``stage_done``: the highest position of
the stages done on it, 0 for none), a partial index of the open invoices by it and by
the day their clock starts hands the plan, for each position, only the invoices whose
next stage's day has come.

The position is kept, not the next stage's day: the day depends on the customer's
policy, the business's default policy and the policies' stages, which change; the
position depends only on the executions and on the positions of the stages done.
Kept by triggers, as the promises' still-owed amounts are: an execution added, taken
away or moved sets its invoice's position again from its executions; a stage
renumbered (``models.policies`` keeps positions in the order of the days) sets again
the invoices it was done on. ``duly check`` compares each invoice's position with its
derivation (:func:`stage_done_problems`).
"""

from __future__ import annotations

from models.schema import database, install_triggers

# The highest position of the stages done on an invoice, from its id (``invoice``).
_DERIVED = ('COALESCE((SELECT MAX(s."position") FROM "stage_execution" e JOIN '
            '"follow_up_stage" s ON s."id" = e."stage_id" WHERE e."invoice_id" = {invoice}), 0)')


def _set_again(invoice: str) -> str:
    """The statement setting an invoice's position from its executions."""
    return (f'UPDATE "invoice" SET "stage_done" = {_DERIVED.format(invoice=invoice)} '
            f'WHERE "id" = {invoice}; ')


_STAGE_DONE_ON = ('UPDATE "invoice" SET "stage_done" = ' + _DERIVED.format(invoice='"invoice"."id"')
                  + ' WHERE "id" IN (SELECT e."invoice_id" FROM "stage_execution" e '
                    'WHERE e."stage_id" = {stage}."id"); ')

STAGE_DONE_TRIGGERS: tuple[str, ...] = (
    'CREATE TRIGGER "stage_done_insert" AFTER INSERT ON "stage_execution" BEGIN '
    + _set_again('new."invoice_id"') + 'END',
    'CREATE TRIGGER "stage_done_delete" AFTER DELETE ON "stage_execution" BEGIN '
    + _set_again('old."invoice_id"') + 'END',
    'CREATE TRIGGER "stage_done_update" AFTER UPDATE OF "invoice_id", "stage_id" ON '
    '"stage_execution" BEGIN ' + _set_again('old."invoice_id"') + _set_again('new."invoice_id"')
    + 'END',
    'CREATE TRIGGER "stage_done_position" AFTER UPDATE OF "position" ON "follow_up_stage" '
    'WHEN old."position" IS NOT new."position" BEGIN '
    + _STAGE_DONE_ON.format(stage="new") + 'END',
)


def _server_set_again(row: str) -> str:
    # The stage's row first, then the invoice's, each locked before the executions are
    # read: a stage renumbered or an execution added at once by another writer, who
    # cannot see this one yet, is waited for, and the next statement sees it.
    return (f'PERFORM 1 FROM "follow_up_stage" s WHERE s."id" = {row}."stage_id" FOR SHARE; '
            f'PERFORM 1 FROM "invoice" i WHERE i."id" = {row}."invoice_id" FOR UPDATE; '
            + _set_again(f'{row}."invoice_id"'))


SERVER_STAGE_DONE_TRIGGERS: tuple[str, ...] = (
    'CREATE FUNCTION "stage_done_execution"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    "IF TG_OP <> 'INSERT' THEN " + _server_set_again("OLD") + 'END IF; '
    "IF TG_OP <> 'DELETE' THEN " + _server_set_again("NEW") + 'END IF; '
    'RETURN NULL; END $$',
    'CREATE TRIGGER "stage_done_execution" AFTER INSERT OR DELETE OR UPDATE OF "invoice_id", '
    '"stage_id" ON "stage_execution" FOR EACH ROW EXECUTE FUNCTION "stage_done_execution"()',
    'CREATE FUNCTION "stage_done_position"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    + _STAGE_DONE_ON.format(stage="NEW") + 'RETURN NULL; END $$',
    'CREATE TRIGGER "stage_done_position" AFTER UPDATE OF "position" ON "follow_up_stage" '
    'FOR EACH ROW WHEN (OLD."position" IS DISTINCT FROM NEW."position") '
    'EXECUTE FUNCTION "stage_done_position"()',
)

_DERIVE = ('UPDATE "invoice" SET "stage_done" = ' + _DERIVED.format(invoice='"invoice"."id"')
           + ' WHERE "id" IN (SELECT "invoice_id" FROM "stage_execution")')
# Every invoice against its executions grouped once (one pass over each table, where a
# look-up of each invoice's executions took a third longer on the big book).
_DIFFERENT = (
    'SELECT i."number", (SELECT c."name" FROM "customer" c WHERE c."id" = i."customer_id"), '
    'i."stage_done", COALESCE(d."done", 0) FROM "invoice" i LEFT JOIN (SELECT e."invoice_id", '
    'MAX(s."position") AS "done" FROM "stage_execution" e JOIN "follow_up_stage" s ON s."id" = '
    'e."stage_id" GROUP BY e."invoice_id") d ON d."invoice_id" = i."id" '
    'WHERE i."stage_done" <> COALESCE(d."done", 0) ORDER BY i."id"')


def create_stages_done() -> None:
    """Install the triggers that keep the positions and work them out for the invoices
    already kept (a new store, or one moved in bare; inside its write)."""
    keep_stages_done()
    database.execute_sql(_DERIVE)


def keep_stages_done() -> None:
    """Install the triggers that keep the positions from now on, the positions being
    already those of the rows kept (a store moved in with them; inside a write)."""
    install_triggers(STAGE_DONE_TRIGGERS, SERVER_STAGE_DONE_TRIGGERS)


def stage_done_problems() -> list[str]:
    """Invoices whose kept last stage done differs from their executions, as check's
    lines."""
    return [f"Invoice {number} of {name} shows follow-up stage {kept} as the last done "
            f"but its stages done reach stage {done}"
            for number, name, kept, done in database.execute_sql(_DIFFERENT).fetchall()]
