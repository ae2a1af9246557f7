"""The kept flag "allocated later than its payment's or credit note's day" (store v29).

The overdue list for a past day counts as unallocated credit what was received by that
day and allocated after it. An allocation made after the day whose payment or credit
note is dated by the day was made later than its source's day: only those flagged
``late`` can count, and a small partial index holds them (on the big demo store none:
every payment is allocated the day it is received), instead of every allocation after
the day being read to keep the few (an index each, by payment and by credit note).

Kept by triggers, as the month totals are: every way an allocation is written (posting,
rule credits, imports, the demo's bulk inserts, a move between engines) sets it in the
same statement, with no caller to remember; a payment's or credit note's day changed
sets it again on its allocations. ``duly check`` compares it with its derivation
(:func:`late_allocation_problems`).
"""

from __future__ import annotations

from models.schema import database, install_triggers

# The flag as derived from the allocation's row (named ``row``) and its source's day.
_SOURCE_DAY = ('COALESCE((SELECT p."received_on" FROM "payment" p WHERE p."id" = '
               '{row}."payment_id"), (SELECT n."issue_date" FROM "credit_note" n '
               'WHERE n."id" = {row}."credit_note_id"))')


def _late(row: str) -> str:
    return f'({row}."allocated_on" > {_SOURCE_DAY.format(row=row)})'


_SOURCE_DAYS = (("payment", "received_on", "payment_id"),
                ("credit_note", "issue_date", "credit_note_id"))

LATE_TRIGGERS: tuple[str, ...] = (
    'CREATE TRIGGER "late_allocation_insert" AFTER INSERT ON "allocation" BEGIN '
    f'UPDATE "allocation" SET "late" = {_late("new")} WHERE "id" = new."id"; END',
    'CREATE TRIGGER "late_allocation_update" AFTER UPDATE OF "allocated_on", "payment_id", '
    f'"credit_note_id" ON "allocation" BEGIN UPDATE "allocation" SET "late" = {_late("new")} '
    'WHERE "id" = new."id"; END',
    *(f'CREATE TRIGGER "late_allocation_{table}" AFTER UPDATE OF "{day}" ON "{table}" '
      f'BEGIN UPDATE "allocation" SET "late" = ("allocated_on" > new."{day}") '
      f'WHERE "{link}" = new."id"; END' for table, day, link in _SOURCE_DAYS),
)

# On a server the allocation's own flag is set before it is written; a source's day
# changed sets it again on its allocations after.
SERVER_LATE_TRIGGERS: tuple[str, ...] = (
    'CREATE FUNCTION "late_allocation"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    f'NEW."late" := COALESCE({_late("NEW")}, FALSE); RETURN NEW; END $$',
    'CREATE TRIGGER "late_allocation" BEFORE INSERT OR UPDATE OF "allocated_on", '
    '"payment_id", "credit_note_id" ON "allocation" FOR EACH ROW '
    'EXECUTE FUNCTION "late_allocation"()',
    *(statement for table, day, link in _SOURCE_DAYS for statement in (
        f'CREATE FUNCTION "late_allocation_{table}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
        f'BEGIN UPDATE "allocation" SET "late" = ("allocated_on" > NEW."{day}") '
        f'WHERE "{link}" = NEW."id"; RETURN NULL; END $$',
        f'CREATE TRIGGER "late_allocation_{table}" AFTER UPDATE OF "{day}" ON "{table}" '
        f'FOR EACH ROW WHEN (OLD."{day}" IS DISTINCT FROM NEW."{day}") '
        f'EXECUTE FUNCTION "late_allocation_{table}"()')),
)

_DERIVE = f'UPDATE "allocation" SET "late" = COALESCE({_late("allocation")}, FALSE)'
_DIFFERENT = ('SELECT COUNT(*) FROM "allocation" a WHERE "late" IS DISTINCT FROM '
              f'COALESCE({_late("a")}, FALSE)')


def create_late_allocations() -> None:
    """Install the triggers that keep the flag and set it on the allocations already
    kept (a new store, or one migrated to v29; inside its write)."""
    keep_late_allocations()
    database.execute_sql(_DERIVE)


def keep_late_allocations() -> None:
    """Install the triggers that keep the flag from now on, the flags being already those
    of the rows kept (a store moved in with them; inside a write)."""
    install_triggers(LATE_TRIGGERS, SERVER_LATE_TRIGGERS)


def late_allocation_problems() -> list[str]:
    """Allocations whose kept flag differs from their derivation, as check's lines."""
    wrong = database.execute_sql(_DIFFERENT).fetchone()[0]
    return [f"allocation: {wrong:,} flagged late wrongly (kept against derived)"] if wrong else []
