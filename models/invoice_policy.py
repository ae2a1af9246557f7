"""The follow-up policy kept on each invoice (store v33): its customer's.

The follow-up plan looks, for each last stage done, for the open invoices whose next
stage's day has come, and that day is the invoice's customer's policy's. With the policy
on the customer alone, the plan's query read every invoice that any policy could have
brought to its next stage (22,000 of 92,000 open invoices on the big book, for 16,000
with a stage due) and looked up each one's customer: a third of the query's time. Kept
on the invoice too (``followup_policy_id``: the customer's own, None for the business's
default policy, as on the customer), the open invoices' index by last stage done, policy
and the day their clock starts hands the plan exactly the invoices with a stage due,
from the index alone; the customers' names and holds are read once for the accounts.

Kept by triggers, as the last stage done is (``models.stages_done``): an invoice added,
or moved to another customer, takes its customer's policy; a customer's policy changed
is set on every invoice of theirs. On a server the customer's row is read ``FOR SHARE``
when an invoice takes its policy, so that a policy being changed at that moment is
waited for and the new one taken. ``duly check`` compares each invoice's policy with
its customer's (:func:`invoice_policy_problems`).
"""

from __future__ import annotations

from models.schema import database, install_triggers, on_server

_CUSTOMERS = 'SELECT c."followup_policy_id" FROM "customer" c WHERE c."id" = {customer}'
_NEW_CUSTOMERS = _CUSTOMERS.format(customer='new."customer_id"')
_TAKEN = (f'UPDATE "invoice" SET "followup_policy_id" = ({_NEW_CUSTOMERS}) '
          f'WHERE "id" = new."id"; ')
# Only an invoice whose policy is not already its customer's is written (on a small
# business's books most customers follow the default policy: nothing to write).
_NOT_ITS_CUSTOMERS = f'WHEN new."followup_policy_id" IS NOT ({_NEW_CUSTOMERS}) '
_FOLLOWED = ('UPDATE "invoice" SET "followup_policy_id" = {new}."followup_policy_id" '
             'WHERE "customer_id" = {new}."id"; ')

INVOICE_POLICY_TRIGGERS: tuple[str, ...] = (
    'CREATE TRIGGER "invoice_policy_insert" AFTER INSERT ON "invoice" '
    + _NOT_ITS_CUSTOMERS + 'BEGIN ' + _TAKEN + 'END',
    'CREATE TRIGGER "invoice_policy_update" AFTER UPDATE OF "customer_id", '
    '"followup_policy_id" ON "invoice" ' + _NOT_ITS_CUSTOMERS + 'BEGIN ' + _TAKEN + 'END',
    'CREATE TRIGGER "invoice_policy_customer" AFTER UPDATE OF "followup_policy_id" ON '
    '"customer" WHEN old."followup_policy_id" IS NOT new."followup_policy_id" BEGIN '
    + _FOLLOWED.format(new="new") + 'END',
)

SERVER_INVOICE_POLICY_TRIGGERS: tuple[str, ...] = (
    'CREATE FUNCTION "invoice_policy_invoice"() RETURNS trigger LANGUAGE plpgsql AS $$ '
    'BEGIN SELECT c."followup_policy_id" INTO NEW."followup_policy_id" FROM "customer" c '
    'WHERE c."id" = NEW."customer_id" FOR SHARE; RETURN NEW; END $$',
    'CREATE TRIGGER "invoice_policy_invoice" BEFORE INSERT ON "invoice" FOR EACH ROW '
    'EXECUTE FUNCTION "invoice_policy_invoice"()',
    # Only when the invoice changes customer (or the policy is written): a plain save of
    # an invoice reads no customer's row, and so waits for no one.
    'CREATE TRIGGER "invoice_policy_moved" BEFORE UPDATE OF "customer_id", '
    '"followup_policy_id" ON "invoice" FOR EACH ROW WHEN (OLD."customer_id" IS DISTINCT FROM '
    'NEW."customer_id" OR OLD."followup_policy_id" IS DISTINCT FROM NEW."followup_policy_id") '
    'EXECUTE FUNCTION "invoice_policy_invoice"()',
    'CREATE FUNCTION "invoice_policy_customer"() RETURNS trigger LANGUAGE plpgsql AS $$ '
    'BEGIN ' + _FOLLOWED.format(new="NEW") + 'RETURN NULL; END $$',
    'CREATE TRIGGER "invoice_policy_customer" AFTER UPDATE OF "followup_policy_id" ON '
    '"customer" FOR EACH ROW WHEN (OLD."followup_policy_id" IS DISTINCT FROM '
    'NEW."followup_policy_id") EXECUTE FUNCTION "invoice_policy_customer"()',
)

_DERIVE = ('UPDATE "invoice" SET "followup_policy_id" = ('
           + _CUSTOMERS.format(customer='"invoice"."customer_id"') + ') WHERE "customer_id" IN '
           '(SELECT "id" FROM "customer" WHERE "followup_policy_id" IS NOT NULL)')
_NAME = 'SELECT p."name" FROM "follow_up_policy" p WHERE p."id" = {policy}'
_KEPT_NAME = _NAME.format(policy='i."followup_policy_id"')
_OWN_NAME = _NAME.format(policy='c."followup_policy_id"')
_DIFFERENT = (
    f'SELECT i."number", c."name", ({_KEPT_NAME}), ({_OWN_NAME}) FROM "invoice" i JOIN '
    f'"customer" c ON c."id" = i."customer_id" WHERE i."followup_policy_id" {{differs}} '
    f'c."followup_policy_id" ORDER BY i."id"')


def create_invoice_policies() -> None:
    """Install the triggers that keep the invoices' policies and set them for the
    invoices already kept (a new store, or one moved in bare; inside its write)."""
    database.execute_sql(_DERIVE)  # first: the triggers would look each customer up again
    keep_invoice_policies()


def keep_invoice_policies() -> None:
    """Install the triggers that keep the invoices' policies from now on, the policies
    being already those of the rows kept (a store moved in with them; inside a write)."""
    install_triggers(INVOICE_POLICY_TRIGGERS, SERVER_INVOICE_POLICY_TRIGGERS)


def invoice_policy_problems() -> list[str]:
    """Invoices whose kept follow-up policy is not their customer's, as check's lines."""
    sql = _DIFFERENT.format(differs="IS DISTINCT FROM" if on_server() else "IS NOT")
    return [f"Invoice {number} of {name} follows {_named(kept)} but its customer "
            f"follows {_named(own)}"
            for number, name, kept, own in database.execute_sql(sql).fetchall()]


def _named(policy: str | None) -> str:
    return "the default follow-up policy" if policy is None else f"the “{policy}” policy"
