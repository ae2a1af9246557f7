"""A payment plan's draft from what a user typed (the command line, a form): invoice
numbers, amounts as written, in the customer's currency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from models import input_rules as rules
from models.errors import LedgerError
from models.kinds import PlanFrequency
from models.ledger import parse_amount
from models.plan_schedule import ScheduleTerms
from models.plans import PlanDraft
from models.schema import Customer, Invoice


def draft_from_words(customer_id: int, *, agreed_on: dt.date, frequency: PlanFrequency,
                     first_on: dt.date | None, invoice_numbers: Sequence[str] = (),
                     count: int | None = None, amount: str = "", deposit: str = "",
                     freeze_charges: bool = False, notes: str = "") -> PlanDraft:
    """A draft from what the user typed: invoice numbers of the customer's (none: every
    overdue one), the amount of each instalment and the deposit as written ("250",
    "1,250.50"), in the customer's currency."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise LedgerError("customer", "That customer no longer exists.")
    invoice_ids = []
    for number in (n.strip() for n in invoice_numbers if n.strip()):
        found = Invoice.get_or_none((Invoice.number_key == rules.match_key(number))
                                    & (Invoice.customer == customer.id))
        if found is None:
            raise LedgerError("items", f"{customer.name} has no invoice numbered “{number}”.")
        invoice_ids.append(int(found.id))
    currency = customer.currency
    terms = ScheduleTerms(
        frequency=frequency, first_on=first_on, count=count,
        amount_minor=parse_amount(amount, currency, "amount") if amount.strip() else None,
        deposit_minor=parse_amount(deposit, currency, "deposit") if deposit.strip() else 0)
    return PlanDraft(customer.id, agreed_on, terms, invoice_ids=tuple(invoice_ids),
                     freeze_charges=freeze_charges, notes=notes)
