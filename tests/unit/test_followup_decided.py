"""The follow-up plan decides each account from the store's rows at once, and reads some
things only for the accounts that need them: the last chasing contact only for an
account whose last contact of any kind could hold its stage back, the billing contacts
only for a customer whose own billing e-mail is not usable. Whatever the contacts and
addresses, the answer is the rule's written plainly: a stage waits its days after the
last *chasing* contact; a customer can be e-mailed when a billing contact's address or
their own is usable; the actions come most overdue first, each one's invoices oldest
due first."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import db
from models.company import create_business
from models.contacts import CHASING, ContactEntry, log_contact
from models.followup import FollowUpPlan, customers_with_email, follow_up_plan
from models.kinds import ContactKind, ContactPurpose
from models.mail import valid_address
from models.schema import ContactPerson, Customer, Interaction
from tests.unit.ledger_helpers import TODAY, customer, invoice

_stores = itertools.count()
NAMES = ("Zoë Ødegård AS", "Anders & Co", "Bryggen Fisk")

# For each customer: the days before TODAY its invoices fall due, and its contacts (days
# before TODAY, what for).
accounts = st.lists(
    st.tuples(st.lists(st.integers(-5, 70), min_size=1, max_size=3),
              st.lists(st.tuples(st.integers(0, 40), st.sampled_from(list(ContactPurpose))),
                       max_size=3)),
    min_size=1, max_size=len(NAMES))
asked = st.integers(0, 20)

ADDRESSES = ("", "  ", "billing@example.com", " spaced@example.com ", "not an address",
             "two@example.com, three@example.com")
# A customer's own billing e-mail, and their people's (address, billing or not).
customers = st.lists(
    st.tuples(st.sampled_from(ADDRESSES),
              st.lists(st.tuples(st.sampled_from(ADDRESSES), st.booleans()), max_size=2)),
    min_size=1, max_size=4)


def _store(folder: Path, name: str) -> db.Store:
    store = db.open_store(folder / f"{name}{next(_stores)}.sqlite", create=True)
    create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
    return store


def _last_chasing(who: int) -> dt.date | None:
    """The day of the customer's last chasing contact, read plainly."""
    days = [c.occurred_at.date() for c in Interaction.select().where(
        (Interaction.customer == who) & Interaction.purpose.in_(list(CHASING)))]
    return max(days, default=None)


def _gap(who: int, stage_name: str, wait: int, as_of: dt.date) -> str:
    """The rule: a stage waits ``wait`` days after the last chasing contact."""
    last = _last_chasing(who)
    if not wait or last is None or (as_of - last).days >= wait:
        return ""
    since = (as_of - last).days
    when = "today" if since <= 0 else f"{since} day{'s' if since != 1 else ''} ago"
    return f"last contacted {when}; “{stage_name}” waits {wait} days after a contact"


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(accounts, asked)
@pytest.mark.slow
def test_a_stage_waits_after_the_last_chasing_contact_only(
        fast_folder: Path, books: list[tuple[list[int], list[tuple[int, ContactPurpose]]]],
        day: int) -> None:
    store = _store(fast_folder, "gap")
    try:
        people = []
        for name, (dues, contacts) in zip(NAMES, books, strict=False):
            who = customer(name)
            people.append(who)
            for due_days_ago in dues:
                invoice(who, 500_00, due_days_ago=due_days_ago)
            for days_ago, purpose in contacts:
                at = dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(10))
                log_contact(who, ContactEntry(kind=ContactKind.CALL, occurred_at=at,
                                              summary="Spoke to them", purpose=purpose),
                            now=dt.datetime.combine(TODAY, dt.time(12)))
        as_of = TODAY + dt.timedelta(days=day)
        plan = follow_up_plan(as_of)
        # Read for its actions alone (Today), the same actions, none held back told.
        assert follow_up_plan(as_of, held_back=False) == FollowUpPlan(plan.due, ())
        for action in plan.due:
            assert _gap(action.customer_id, action.stage.name,
                        action.stage.min_days_since_contact, as_of) == ""
            assert list(action.invoices) == sorted(
                action.invoices, key=lambda i: (i.due_date, i.number))
        for held in plan.skipped:
            [reason] = held.reasons  # nothing else holds these accounts back
            assert reason.startswith("last contacted ")
            wait = int(reason.split(" waits ")[1].split()[0])
            assert reason == _gap(held.customer_id, held.stage_name, wait, as_of)
        late = [max(i.days_overdue for i in action.invoices) for action in plan.due]
        assert late == sorted(late, reverse=True)
        assert {a.customer_id for a in plan.due} | {s.customer_id for s in plan.skipped} \
            <= set(people)
    finally:
        store.close()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(customers)
@pytest.mark.slow
def test_a_customer_can_be_emailed_when_a_billing_address_is_usable(
        fast_folder: Path, found: list[tuple[str, list[tuple[str, bool]]]]) -> None:
    store = _store(fast_folder, "email")
    try:
        ids = []
        for name, (own, people) in zip(NAMES + ("Dovre Bygg",), found, strict=False):
            who = customer(name)
            ids.append(who)
            ContactPerson.delete().where(ContactPerson.customer == who).execute()
            Customer.update(billing_email=own).where(Customer.id == who).execute()
            for address, billing in people:
                ContactPerson.create(customer=who, name="Someone", email=address,
                                     is_billing=billing)
        usable = {who for who in ids if valid_address(
            Customer.get_by_id(who).billing_email.strip()) or any(
            valid_address(person.email.strip()) for person in ContactPerson.select().where(
                (ContactPerson.customer == who) & ContactPerson.is_billing))}
        assert customers_with_email(ids) == usable
        assert customers_with_email(ids[:1]) == usable & set(ids[:1])
    finally:
        store.close()
