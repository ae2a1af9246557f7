"""The kept month totals: what was invoiced and allocated, by currency, month and due date.

The business figures (month-end A/R, credit sales, current A/R and aging for many
months) are sums of what was invoiced and what was allocated to invoices, by currency,
month of the event and the invoice's due date. Summed from a million invoices that is
a GROUP BY that sorts every row (seconds); kept, it is a few thousand rows.

The table is kept by triggers, as the notes' search index is: every way an invoice or
an allocation is written (the ledger, allocations, voids, write-offs, imports and their
undoing, the demo's bulk inserts, plans, migrations) keeps it in the same transaction,
with no caller to remember. A row counts what :func:`derived_month_totals` derives:

- an invoice whose status is receivable (open, paid, disputed, with an agency) adds its
  amount to ``invoiced_minor`` in the month of its issue;
- an allocation to such an invoice, not voided, adds its amount to ``allocated_minor``
  in the month of its day, or of the invoice's issue if dated before (an invoice owes
  nothing before it exists);

both under the invoice's currency and due date. An invoice voided or written off takes
its amount and its allocations out; one brought back puts them in again. ``duly check``
compares the kept rows with the derivation (:func:`month_total_problems`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import peewee as pw

from models.schema import KeptMonthTotal, database, install_triggers, on_server

# The statuses whose invoices count (models.accounts.RECEIVABLE_STATUSES; a test holds
# the two together), as the triggers name them.
_RECEIVABLE = "('open', 'paid', 'disputed', 'with_agency')"
_INTO = ('INSERT INTO "kept_month_total" ("currency", "month", "due_date", '
         '"invoiced_minor", "allocated_minor") ')
_ADD = (' ON CONFLICT ("currency", "month", "due_date") DO UPDATE SET "invoiced_minor" = '
        '"invoiced_minor" + excluded."invoiced_minor", "allocated_minor" = '
        '"allocated_minor" + excluded."allocated_minor"; ')


class _Dialect(NamedTuple):
    """How the triggers' SQL says a day's month and the later of two days, and how the
    upsert names the kept total's columns, on SQLite or on a server."""

    month: Callable[[str], str]
    later: str
    add: str


_SQLITE = _Dialect(lambda day: f"substr({day}, 1, 7)", "max", _ADD)


def _invoice_amount(row: str, sign: str, sql: _Dialect = _SQLITE) -> str:
    day = f'{row}."issue_date"'
    return (f'{_INTO}SELECT {row}."currency", {sql.month(day)}, '
            f'{row}."due_date", {sign}{row}."amount_minor", 0 '
            f'WHERE {row}."status" IN {_RECEIVABLE}{sql.add}')


def _invoice_allocations(row: str, sign: str, sql: _Dialect = _SQLITE) -> str:
    day = f'{sql.later}(a."allocated_on", {row}."issue_date")'
    return (f'{_INTO}SELECT {row}."currency", {sql.month(day)}, {row}."due_date", 0, '
            f'{sign}SUM(a."amount_minor") FROM "allocation" a WHERE a."invoice_id" = '
            f'{row}."id" AND NOT a."voided" AND {row}."status" IN {_RECEIVABLE} '
            f'GROUP BY 2{sql.add}')


def _allocation(row: str, sign: str, sql: _Dialect = _SQLITE) -> str:
    day = f'{sql.later}({row}."allocated_on", i."issue_date")'
    return (f'{_INTO}SELECT i."currency", {sql.month(day)}, i."due_date", 0, '
            f'{sign}{row}."amount_minor" FROM "invoice" i WHERE i."id" = {row}."invoice_id" '
            f'AND NOT {row}."voided" AND i."status" IN {_RECEIVABLE}{sql.add}')


# The triggers that keep the totals. An invoice's row changes only when what it counts
# changes (status in or out of the receivable ones, amount, currency, dates): marking
# it paid, or keeping its open amount, costs nothing here.
MONTH_TOTAL_TRIGGERS: tuple[str, ...] = (
    'CREATE TRIGGER "kept_month_total_invoice_insert" AFTER INSERT ON "invoice" BEGIN '
    + _invoice_amount("new", "") + 'END',
    'CREATE TRIGGER "kept_month_total_invoice_delete" AFTER DELETE ON "invoice" BEGIN '
    + _invoice_amount("old", "-") + _invoice_allocations("old", "-") + 'END',
    'CREATE TRIGGER "kept_month_total_invoice_update" AFTER UPDATE OF "status", '
    '"amount_minor", "currency", "issue_date", "due_date" ON "invoice" WHEN '
    f'(old."status" IN {_RECEIVABLE}) IS NOT (new."status" IN {_RECEIVABLE}) OR '
    f'(new."status" IN {_RECEIVABLE} AND (old."amount_minor" IS NOT new."amount_minor" OR '
    'old."currency" IS NOT new."currency" OR old."issue_date" IS NOT new."issue_date" OR '
    'old."due_date" IS NOT new."due_date")) BEGIN '
    + _invoice_amount("old", "-") + _invoice_allocations("old", "-")
    + _invoice_amount("new", "") + _invoice_allocations("new", "") + 'END',
    'CREATE TRIGGER "kept_month_total_allocation_insert" AFTER INSERT ON "allocation" '
    'WHEN new."invoice_id" IS NOT NULL AND NOT new."voided" BEGIN '
    + _allocation("new", "") + 'END',
    'CREATE TRIGGER "kept_month_total_allocation_delete" AFTER DELETE ON "allocation" '
    'WHEN old."invoice_id" IS NOT NULL AND NOT old."voided" BEGIN '
    + _allocation("old", "-") + 'END',
    'CREATE TRIGGER "kept_month_total_allocation_update" AFTER UPDATE OF "voided", '
    '"amount_minor", "allocated_on", "invoice_id" ON "allocation" WHEN '
    'old."voided" IS NOT new."voided" OR old."amount_minor" IS NOT new."amount_minor" OR '
    'old."allocated_on" IS NOT new."allocated_on" OR old."invoice_id" IS NOT '
    'new."invoice_id" BEGIN ' + _allocation("old", "-") + _allocation("new", "") + 'END',
)

# On a server the same triggers are PL/pgSQL functions: a date's month is to_char's, the
# later of two days GREATEST's, and "IS NOT" is "IS DISTINCT FROM". Days are dates there.
_PG_ADD = _ADD.replace('= "invoiced_minor" +', '= "kept_month_total"."invoiced_minor" +') \
    .replace('= "allocated_minor" +', '= "kept_month_total"."allocated_minor" +')
_SERVER = _Dialect(lambda day: f"to_char({day}, 'YYYY-MM')", "GREATEST", _PG_ADD)


def _pg_function(name: str, body: str) -> str:
    return (f'CREATE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
            f'{body} RETURN NULL; END $$')


SERVER_MONTH_TOTAL_TRIGGERS: tuple[str, ...] = (
    _pg_function("kept_month_total_invoice_insert", _invoice_amount("NEW", "", _SERVER)),
    _pg_function("kept_month_total_invoice_delete", _invoice_amount("OLD", "-", _SERVER)
                 + _invoice_allocations("OLD", "-", _SERVER)),
    _pg_function("kept_month_total_invoice_update", _invoice_amount("OLD", "-", _SERVER)
                 + _invoice_allocations("OLD", "-", _SERVER) + _invoice_amount("NEW", "", _SERVER)
                 + _invoice_allocations("NEW", "", _SERVER)),
    _pg_function("kept_month_total_allocation_insert", _allocation("NEW", "", _SERVER)),
    _pg_function("kept_month_total_allocation_delete", _allocation("OLD", "-", _SERVER)),
    _pg_function("kept_month_total_allocation_update", _allocation("OLD", "-", _SERVER)
                 + _allocation("NEW", "", _SERVER)),
    'CREATE TRIGGER "kept_month_total_invoice_insert" AFTER INSERT ON "invoice" '
    'FOR EACH ROW EXECUTE FUNCTION "kept_month_total_invoice_insert"()',
    'CREATE TRIGGER "kept_month_total_invoice_delete" AFTER DELETE ON "invoice" '
    'FOR EACH ROW EXECUTE FUNCTION "kept_month_total_invoice_delete"()',
    'CREATE TRIGGER "kept_month_total_invoice_update" AFTER UPDATE OF "status", '
    '"amount_minor", "currency", "issue_date", "due_date" ON "invoice" FOR EACH ROW WHEN '
    f'((OLD."status" IN {_RECEIVABLE}) IS DISTINCT FROM (NEW."status" IN {_RECEIVABLE}) OR '
    f'(NEW."status" IN {_RECEIVABLE} AND (OLD."amount_minor" IS DISTINCT FROM '
    'NEW."amount_minor" OR OLD."currency" IS DISTINCT FROM NEW."currency" OR '
    'OLD."issue_date" IS DISTINCT FROM NEW."issue_date" OR OLD."due_date" IS DISTINCT FROM '
    'NEW."due_date"))) EXECUTE FUNCTION "kept_month_total_invoice_update"()',
    'CREATE TRIGGER "kept_month_total_allocation_insert" AFTER INSERT ON "allocation" '
    'FOR EACH ROW WHEN (NEW."invoice_id" IS NOT NULL AND NOT NEW."voided") '
    'EXECUTE FUNCTION "kept_month_total_allocation_insert"()',
    'CREATE TRIGGER "kept_month_total_allocation_delete" AFTER DELETE ON "allocation" '
    'FOR EACH ROW WHEN (OLD."invoice_id" IS NOT NULL AND NOT OLD."voided") '
    'EXECUTE FUNCTION "kept_month_total_allocation_delete"()',
    'CREATE TRIGGER "kept_month_total_allocation_update" AFTER UPDATE OF "voided", '
    '"amount_minor", "allocated_on", "invoice_id" ON "allocation" FOR EACH ROW WHEN '
    '(OLD."voided" IS DISTINCT FROM NEW."voided" OR OLD."amount_minor" IS DISTINCT FROM '
    'NEW."amount_minor" OR OLD."allocated_on" IS DISTINCT FROM NEW."allocated_on" OR '
    'OLD."invoice_id" IS DISTINCT FROM NEW."invoice_id") '
    'EXECUTE FUNCTION "kept_month_total_allocation_update"()',
)

# The totals derived from the invoices and allocations themselves.
DERIVED_MONTH_TOTALS = (
    'SELECT "currency", "month", "due_date", SUM("invoiced"), SUM("allocated") FROM ('
    'SELECT "currency", substr("issue_date", 1, 7) AS "month", "due_date", '
    '"amount_minor" AS "invoiced", 0 AS "allocated" FROM "invoice" '
    f'WHERE "status" IN {_RECEIVABLE} UNION ALL '
    'SELECT i."currency", substr(max(a."allocated_on", i."issue_date"), 1, 7), '
    'i."due_date", 0, a."amount_minor" FROM "allocation" a JOIN "invoice" i '
    f'ON i."id" = a."invoice_id" WHERE NOT a."voided" AND i."status" IN {_RECEIVABLE}'
    ') GROUP BY 1, 2, 3')
SERVER_DERIVED_MONTH_TOTALS = (
    DERIVED_MONTH_TOTALS.replace(') GROUP BY 1, 2, 3', ') AS "event" GROUP BY 1, 2, 3')
    .replace('substr("issue_date", 1, 7)', 'to_char("issue_date", \'YYYY-MM\')')
    .replace('substr(max(a."allocated_on", i."issue_date"), 1, 7)',
             'to_char(GREATEST(a."allocated_on", i."issue_date"), \'YYYY-MM\')'))


def _derived() -> str:
    return SERVER_DERIVED_MONTH_TOTALS if on_server() else DERIVED_MONTH_TOTALS

# (currency, "YYYY-MM", due date) -> (invoiced, allocated)
Totals = dict[tuple[str, str, dt.date], tuple[int, int]]


def create_month_totals() -> None:
    """Install the triggers that keep the totals and fill them from the rows already
    kept (a new store; inside its first write)."""
    keep_month_totals()
    rebuild_month_totals()


def keep_month_totals() -> None:
    """Install the triggers that keep the totals from now on, the totals being already
    those of the rows kept (a store moved in with its totals; inside a write)."""
    install_triggers(MONTH_TOTAL_TRIGGERS, SERVER_MONTH_TOTAL_TRIGGERS)


def rebuild_month_totals() -> None:
    """Work the totals out again from the invoices and allocations (inside a write)."""
    assert database.transaction_depth() > 0, "only inside a write"
    database.execute_sql('DELETE FROM "kept_month_total"')
    database.execute_sql(f'{_INTO}{_derived()}')


def derived_month_totals() -> Totals:
    """The totals as the invoices and allocations give them: every row is read."""
    return _totals(database.execute_sql(_derived()).fetchall())


def kept_month_totals() -> Totals:
    """The totals as kept (rows that came back to nothing left out)."""
    query = (KeptMonthTotal
             .select(KeptMonthTotal.currency, KeptMonthTotal.month, KeptMonthTotal.due_date,
                     KeptMonthTotal.invoiced_minor, KeptMonthTotal.allocated_minor)
             .where((KeptMonthTotal.invoiced_minor != 0)
                    | (KeptMonthTotal.allocated_minor != 0)))
    return _totals(database.execute(query).fetchall())


def month_total_problems() -> list[str]:
    """Where the kept totals differ from what the invoices and allocations give."""
    kept, derived = kept_month_totals(), derived_month_totals()
    found = []
    for key in sorted(set(kept) | set(derived)):
        if kept.get(key, (0, 0)) != derived.get(key, (0, 0)):
            currency, month, due = key
            has = kept.get(key, (0, 0))
            should = derived.get(key, (0, 0))
            found.append(f"{currency} {month}, due {due.isoformat()}: the kept totals show "
                         f"{has[0]} invoiced and {has[1]} allocated (minor units) but the "
                         f"invoices and allocations give {should[0]} and {should[1]}")
    return found


def month_totals_by_due(last_month: str, long_ago: dt.date) -> pw.Select:
    """The kept totals up to ``last_month`` ("YYYY-MM") by currency, month and due date;
    due dates before ``long_ago`` as one (NULL): (currency, month, due, invoiced,
    allocated)."""
    due = pw.Case(None, [(KeptMonthTotal.due_date < long_ago, pw.SQL("NULL"))],
                  KeptMonthTotal.due_date)
    return (KeptMonthTotal
            .select(KeptMonthTotal.currency, KeptMonthTotal.month, due,
                    pw.fn.SUM(KeptMonthTotal.invoiced_minor),
                    pw.fn.SUM(KeptMonthTotal.allocated_minor))
            .where(KeptMonthTotal.month <= last_month)
            # By position: the due date's CASE binds its day as a parameter, and a server
            # does not take two bindings of it for one expression.
            .group_by(pw.SQL("1"), pw.SQL("2"), pw.SQL("3")))


def _totals(rows: list[tuple[str, str, object, int, int]]) -> Totals:
    return {(currency, month, _date(due)): (int(invoiced), int(allocated))
            for currency, month, due, invoiced, allocated in rows
            if invoiced or allocated}


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
