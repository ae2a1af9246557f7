"""The relationship around the debt: welcomes that set out the terms, thank-yous once a
chased account is paid up, check-ins with good customers, none of them ever counted as
a reminder."""

from __future__ import annotations

import calendar
import datetime as dt
import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from models.bank_accounts import BankAccountDraft, save_bank_account
from models.contacts import ContactEntry, log_contact, record_promise, review_promises
from models.db import Store
from models.errors import LedgerError
from models.followup import execute_action, follow_up_plan
from models.kinds import (
    BankKind,
    Channel,
    ContactKind,
    ContactPurpose,
    InvoiceStatus,
    OutboxKind,
    PlanStatus,
    PromiseStatus,
)
from models.ledger import CustomerDraft, add_customer, record_payment
from models.letter_context import terms_summary
from models.relationship import (
    CHECK_IN,
    ON_TIME,
    PAID_UP,
    PLAN_COMPLETED,
    PROMISE_KEPT,
    anniversaries,
    check_ins_due,
    customers_not_welcomed,
    on_time_thanks_due,
    queue_automatic_thanks,
    record_relationship_letter,
    send_relationship_email,
    set_check_in_days,
    set_thank_you_automatically,
    thank_you_automatically,
    thank_you_draft,
    thanks_due,
    welcome_by_email,
    welcome_draft,
)
from models.schema import (
    Customer,
    Interaction,
    Invoice,
    OutboxMessage,
    PaymentPlan,
    PaymentTerms,
    Promise,
)
from models.today import dismiss, log_contact_for_item, mark_done, snooze, worklist
from reports.letter import letter_data, render_letter
from tests.helpers import pdf_pages
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines

NBSP = "\u00a0"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def chase(customer_id: int, day: dt.date, currency: str = "GBP") -> int:
    """Carry out the reminder due to the customer on ``day``; the chasing contact's id."""
    action = next(a for a in follow_up_plan(day).due if a.customer_id == customer_id)
    return execute_action(customer_id, currency, day, stage_id=action.stage.id,
                          text="Please pay.", now=at(day))


def pay(customer_id: int, amount_minor: int, day: dt.date) -> None:
    record_payment(customer_id, received_on=day, amount_minor=amount_minor, today=day)


def thanked(customer_id: int, day: dt.date) -> None:
    log_contact(customer_id, ContactEntry(kind=ContactKind.CALL, occurred_at=at(day, 11),
                                          summary="Said thank you.",
                                          purpose=ContactPurpose.THANKS), now=at(day, 12))


def german_customer() -> int:
    terms = PaymentTerms.get(PaymentTerms.name == "2% 10, net 30")
    return add_customer(CustomerDraft(code="", name="Müller Werkzeugbau GmbH", currency="EUR",
                                      contact_name="Anna Müller",
                                      billing_email="anna@mueller.example", country="DE",
                                      language="de", address="Hauptstraße 1\n10115 Berlin",
                                      payment_terms_id=terms.id))


# --- welcome ------------------------------------------------------------------------

def test_a_german_customer_is_welcomed_in_german_with_their_terms_and_euro_account(
        empty_store: Store) -> None:
    save_bank_account(None, BankAccountDraft("EUR", BankKind.IBAN, label="Commerzbank",
                                             holder="Harbour & Finch Ltd",
                                             iban="DE89370400440532013000", bic="COBADEFFXXX"))
    save_bank_account(None, BankAccountDraft("GBP", BankKind.UK, label="Barclays",
                                             sort_code="20-00-00", account_number="12345678"))
    who = german_customer()
    draft = welcome_draft(who, Channel.EMAIL, TODAY)
    assert draft.language == "de" and draft.language_note == ""
    assert draft.subject == "Willkommen bei Harbour & Finch Ltd: So funktionieren unsere Rechnungen"
    assert draft.text.startswith("Guten Tag Anna Müller,")
    assert "Unsere Rechnungen sind 30 Tage nach Rechnungsdatum zur Zahlung fällig." in draft.text
    assert f"Bei Zahlung bis 10 Tage nach Rechnungsdatum können Sie 2{NBSP}% Skonto abziehen." \
        in draft.text
    assert f"DE89{NBSP}3704{NBSP}0044{NBSP}0532{NBSP}0130{NBSP}00" in draft.text
    assert "20-00-00" not in draft.text  # the pound account is not theirs
    customer_code = Customer.get_by_id(who).code
    assert f"Kundennummer {customer_code}" in draft.text

    since = TODAY - dt.timedelta(days=30)
    assert who in [c.customer_id for c in customers_not_welcomed(since)]
    outbox_id = send_relationship_email(who, ContactPurpose.WELCOME, subject=draft.subject,
                                        text=draft.text)
    message = OutboxMessage.get_by_id(outbox_id)
    assert message.kind == OutboxKind.RELATIONSHIP and message.body == draft.text
    contact = Interaction.get_by_id(message.interaction_id)
    assert contact.purpose == ContactPurpose.WELCOME and contact.kind == ContactKind.EMAIL
    assert who not in [c.customer_id for c in customers_not_welcomed(since)]


def test_a_welcome_letter_without_invoices_prints_in_the_customer_language(
        empty_store: Store) -> None:
    who = german_customer()
    draft = welcome_draft(who, Channel.LETTER, TODAY)
    contact_id = record_relationship_letter(who, ContactPurpose.WELCOME,
                                            subject=draft.subject, text=draft.text)
    assert Interaction.get_by_id(contact_id).purpose == ContactPurpose.WELCOME
    out = io.BytesIO()
    pages = render_letter(letter_data(who, (), TODAY, subject=draft.subject, text=draft.text),
                          out)
    text = " ".join(" ".join(page.split()) for page, _ in pdf_pages(out.getvalue()))
    assert pages >= 1
    assert "Willkommen bei Harbour & Finch Ltd" in text
    assert "30 Tage nach Rechnungsdatum" in text


def test_terms_name_interest_and_fees_and_fit_on_one_line(empty_store: Store) -> None:
    who = customer()
    line = terms_summary(who)
    assert line == "Our terms: payment within 30 days of the invoice date."
    from models.schema import CreditPolicy
    policy = CreditPolicy.get(CreditPolicy.name == "UK statutory late payment")
    Customer.update(credit_policy=policy.id).where(Customer.id == who).execute()
    text = welcome_draft(who, Channel.EMAIL, TODAY).text
    assert "8 percentage points above the Bank of England base rate" in text
    assert "£40.00 to £100.00" in text
    assert terms_summary(who) == ("Our terms: payment within 30 days of the invoice date; "
                                  "statutory interest on late payment.")


def test_welcoming_new_customers_by_email_leaves_those_without_an_address_for_a_letter(
        empty_store: Store) -> None:
    reachable = customer("Ada Ltd")
    unreachable = add_customer(CustomerDraft(code="", name="Bea Ltd", currency="GBP"))
    batch = welcome_by_email([reachable, unreachable], TODAY)
    assert len(batch.queued) == 1 and batch.without_address == ("Bea Ltd",)
    left = [c.customer_id for c in customers_not_welcomed(TODAY - dt.timedelta(days=400))]
    assert left == [unreachable]


# --- thank you ----------------------------------------------------------------------

def test_a_chased_account_paid_up_is_offered_a_thank_you_once(empty_store: Store) -> None:
    chased = customer("Chased Ltd")
    never = customer("Prompt Ltd")
    bill = invoice(chased, 100_00, due_days_ago=20)
    invoice(never, 50_00, due_days_ago=20)
    contact = chase(chased, TODAY)
    assert thanks_due(TODAY) == []  # still owed
    paid_on = TODAY + dt.timedelta(days=2)
    pay(chased, 100_00, paid_on)
    pay(never, 50_00, paid_on)
    due = thanks_due(paid_on)
    assert [(t.kind, t.ref_id, t.customer_id) for t in due] == [(PAID_UP, contact, chased)]
    assert due[0].due_on == paid_on and due[0].has_email
    items = [i for i in worklist(paid_on) if i.kind == PAID_UP]
    assert [(i.customer_id, i.title) for i in items] == [(chased, "Say thank you: account "
                                                                  "paid up")]
    # Sent: not offered again.
    draft = thank_you_draft(chased, Channel.EMAIL, paid_on)
    assert "now fully paid up" in draft.text
    send_relationship_email(chased, ContactPurpose.THANKS, subject=draft.subject,
                            text=draft.text, now=at(paid_on))
    assert thanks_due(paid_on + dt.timedelta(days=1)) == []
    assert bill  # the invoice chased


def test_an_account_clear_again_months_after_its_chased_invoices_were_paid_is_not_thanked(
        empty_store: Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=20)
    chase(who, TODAY)
    pay(who, 100_00, TODAY + dt.timedelta(days=2))  # what was chased: thanked for a month
    later = TODAY + dt.timedelta(days=90)
    invoice(who, 70_00, due_days_ago=-80)  # never chased, paid 10 days after it fell due
    pay(who, 70_00, later)
    assert thanks_due(later) == []
    assert [i for i in worklist(later) if i.kind == PAID_UP] == []


def test_an_account_is_paid_up_only_once_every_invoice_chased_is_paid(
        empty_store: Store) -> None:
    who = customer()
    older, newer = invoice(who, 60_00, due_days_ago=40), invoice(who, 40_00, due_days_ago=20)
    contact = chase(who, TODAY)
    day = TODAY + dt.timedelta(days=2)
    pay(who, 60_00, day)  # the older invoice: the newer, chased too, is still open
    assert Invoice.get_by_id(older).status == InvoiceStatus.PAID
    assert thanks_due(day) == []
    later = day + dt.timedelta(days=3)
    pay(who, 40_00, later)
    assert Invoice.get_by_id(newer).status == InvoiceStatus.PAID
    assert [(t.kind, t.ref_id, t.due_on) for t in thanks_due(later)] == [
        (PAID_UP, contact, later)]


def test_a_dismissed_thank_you_stays_away_until_the_next_chase_is_paid(
        empty_store: Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=20)
    first = chase(who, TODAY)
    day = TODAY + dt.timedelta(days=1)
    pay(who, 100_00, day)
    dismiss(PAID_UP, first, "Thanked them at the trade fair.", on=day)
    assert thanks_due(day) == [] and thanks_due(day + dt.timedelta(days=5)) == []
    # A new invoice, chased and paid: a new occasion.
    later = TODAY + dt.timedelta(days=40)
    invoice(who, 70_00, due_days_ago=-20)  # due 20 days after TODAY: 20 days late by then
    second = chase(who, later)
    assert second != first
    pay(who, 70_00, later + dt.timedelta(days=3))
    assert [t.ref_id for t in thanks_due(later + dt.timedelta(days=3))] == [second]


def test_thanks_given_after_the_chase_hides_it_but_thanks_before_a_new_chase_does_not(
        empty_store: Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=20)
    chase(who, TODAY)
    day = TODAY + dt.timedelta(days=1)
    pay(who, 100_00, day)
    thanked(who, day)
    assert thanks_due(day) == []
    later = TODAY + dt.timedelta(days=40)
    invoice(who, 70_00, due_days_ago=-20)
    chase(who, later)
    pay(who, 70_00, later + dt.timedelta(days=1))
    assert [t.kind for t in thanks_due(later + dt.timedelta(days=1))] == [PAID_UP]


def test_a_thank_you_is_offered_only_for_a_month_after_the_clearing(empty_store: Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=20)
    chase(who, TODAY)
    pay(who, 100_00, TODAY)
    assert thanks_due(TODAY + dt.timedelta(days=30))
    assert thanks_due(TODAY + dt.timedelta(days=31)) == []


def test_a_broken_promise_later_kept_is_acknowledged(empty_store: Store) -> None:
    who = customer()
    bill = invoice(who, 100_00, due_days_ago=10)
    promise = record_promise(who, amount_minor=100_00, promised_for=TODAY,
                             invoice_ids=[bill], now=at(TODAY))
    broke = TODAY + dt.timedelta(days=10)
    review_promises(broke)
    assert Promise.get_by_id(promise).status == PromiseStatus.BROKEN
    assert thanks_due(broke) == []
    pay(who, 100_00, broke)
    due = thanks_due(broke)
    assert [(t.kind, t.ref_id) for t in due] == [(PROMISE_KEPT, promise)]
    assert "promised" in thank_you_draft(who, Channel.EMAIL, broke, kind=PROMISE_KEPT).text


def test_a_broken_promise_kept_in_parts_is_thanked_for_a_month_after_the_last(
        empty_store: Store) -> None:
    who = customer()
    first, second = invoice(who, 60_00, due_days_ago=10), invoice(who, 40_00, due_days_ago=10)
    promise = record_promise(who, amount_minor=100_00, promised_for=TODAY,
                             invoice_ids=[first, second], now=at(TODAY))
    broke = TODAY + dt.timedelta(days=10)
    review_promises(broke)
    pay(who, 60_00, broke)  # the first invoice only: not kept yet
    assert thanks_due(broke) == []
    last = broke + dt.timedelta(days=40)  # more than a month after the first payment
    pay(who, 40_00, last)
    assert [t.due_on for t in thanks_due(last)] == [last]
    assert [t.ref_id for t in thanks_due(last + dt.timedelta(days=30))] == [promise]
    assert thanks_due(last + dt.timedelta(days=31)) == []


def test_a_completed_payment_plan_is_thanked_before_the_account_paid_up(
        empty_store: Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=20)
    chase(who, TODAY)
    day = TODAY + dt.timedelta(days=5)
    pay(who, 100_00, day)
    plan = PaymentPlan.create(customer=who, agreed_on=TODAY, currency="GBP",
                              status=PlanStatus.COMPLETED, ended_on=day, created_at=at(TODAY))
    assert [(t.kind, t.ref_id) for t in thanks_due(day)] == [(PLAN_COMPLETED, plan.id)]
    # The thank-you for the plan dealt with, the same customer is not thanked twice.
    mark_done(PLAN_COMPLETED, plan.id, on=day)
    assert thanks_due(day) == []


def test_thank_yous_go_by_themselves_only_when_the_business_chose_it(
        empty_store: Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=20)
    chase(who, TODAY)
    pay(who, 100_00, TODAY)
    assert not thank_you_automatically()
    assert queue_automatic_thanks(TODAY).queued == ()
    set_thank_you_automatically(True)
    batch = queue_automatic_thanks(TODAY, now=at(TODAY, 20))
    assert len(batch.queued) == 1
    message = OutboxMessage.get_by_id(batch.queued[0])
    assert message.kind == OutboxKind.RELATIONSHIP
    assert Interaction.get_by_id(message.interaction_id).purpose == ContactPurpose.THANKS
    assert thanks_due(TODAY) == [] and queue_automatic_thanks(TODAY).queued == ()


def test_customers_who_always_pay_on_time_get_a_yearly_thank_you(empty_store: Store) -> None:
    good, late = customer("Good Ltd"), customer("Late Ltd")
    for who, days_late in ((good, (0, -2, 3)), (late, (0, 0, 10))):
        for month, lateness in zip((100, 200, 300), days_late, strict=True):
            invoice(who, 10_00, due_days_ago=month)
            pay(who, 10_00, TODAY - dt.timedelta(days=month - lateness))
    joined = at(TODAY.replace(year=TODAY.year - 2) - dt.timedelta(days=5))
    Customer.update(created_at=joined).execute()
    # Offered for a month from the anniversary of their becoming a customer.
    anniversary = TODAY - dt.timedelta(days=5)
    due = on_time_thanks_due(TODAY)
    assert [(t.kind, t.customer_id, t.due_on) for t in due] == [(ON_TIME, good, anniversary)]
    assert on_time_thanks_due(anniversary - dt.timedelta(days=1)) == []
    assert on_time_thanks_due(anniversary + dt.timedelta(days=30)) == []
    (item,) = [i for i in worklist(TODAY) if i.kind == ON_TIME]
    assert item.title == "Say thank you: always pays on time"
    log_contact_for_item(ON_TIME, item.ref_id, ContactEntry(
        kind=ContactKind.CALL, occurred_at=at(TODAY), summary="Thanked them."), on=TODAY,
        now=at(TODAY, 11))
    assert on_time_thanks_due(TODAY) == []
    assert on_time_thanks_due(TODAY + dt.timedelta(days=300)) == []


def test_a_customer_who_joined_on_the_29th_of_february_is_thanked_on_the_28th(
        empty_store: Store) -> None:
    leap, spring = customer("Leap Ltd"), customer("Spring Ltd")
    for who in (leap, spring):
        for days_later in (30, 60, 90):
            invoice(who, 10_00, due_days_ago=-days_later)
            pay(who, 10_00, TODAY + dt.timedelta(days=days_later))
    Customer.update(created_at=at(dt.date(2024, 2, 29))).where(Customer.id == leap).execute()
    Customer.update(created_at=at(dt.date(2024, 4, 15))).where(Customer.id == spring).execute()
    as_of = dt.date(2027, 3, 10)  # 2027 is no leap year
    due = on_time_thanks_due(as_of)
    assert [(t.customer_id, t.due_on) for t in due] == [(leap, dt.date(2027, 2, 28))]
    assert on_time_thanks_due(dt.date(2027, 3, 30)) == []  # a month after the 28th


def test_the_yearly_anniversary_of_the_29th_of_february() -> None:
    leap = (2, 29)
    assert anniversaries(dt.date(2025, 3, 1), 30)[leap] == dt.date(2025, 2, 28)
    assert leap not in anniversaries(dt.date(2025, 2, 27), 30)
    assert anniversaries(dt.date(2028, 3, 1), 30)[leap] == dt.date(2028, 2, 29)


def _anniversary_by_year(joined: dt.date, as_of: dt.date, days: int) -> dt.date | None:
    """The derivation: the latest anniversary of ``joined`` up to ``as_of`` (29 February
    on the 28th in other years), when it falls in the ``days`` up to ``as_of``."""
    for year in range(as_of.year, joined.year, -1):
        day = dt.date(year, 2, 28) if joined.timetuple()[1:3] == (2, 29) and not \
            calendar.isleap(year) else joined.replace(year=year)
        if day <= as_of:
            return day if (as_of - day).days < days else None
    return None


@settings(max_examples=300, deadline=None)
@given(joined=st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)),
       as_of=st.dates(dt.date(2016, 1, 1), dt.date(2031, 12, 31)),
       days=st.integers(1, 60))
@example(joined=dt.date(2024, 2, 29), as_of=dt.date(2025, 3, 10), days=30)
@example(joined=dt.date(2026, 11, 10), as_of=dt.date(2026, 11, 24), days=30)
def test_a_customers_anniversary_in_the_window_is_its_latest_by_the_calendar(
        joined: dt.date, as_of: dt.date, days: int) -> None:
    day = anniversaries(as_of, days).get((joined.month, joined.day))
    found = day if day is not None and joined < day else None
    assert found == _anniversary_by_year(joined, as_of, days)


# --- check-ins ----------------------------------------------------------------------

def test_a_check_in_falls_due_on_its_cadence_and_a_logged_contact_completes_it(
        empty_store: Store) -> None:
    who = customer()
    with pytest.raises(LedgerError):
        set_check_in_days(who, 6)
    with pytest.raises(LedgerError):
        set_check_in_days(who, 731)
    set_check_in_days(who, 90)
    start = Customer.get_by_id(who).created_at.date()
    assert check_ins_due(start + dt.timedelta(days=89)) == []
    day = start + dt.timedelta(days=90)
    items = [i for i in worklist(day) if i.kind == CHECK_IN]
    assert [i.title for i in items] == ["Check in with Zoë Ødegård AS"]
    contact = log_contact_for_item(CHECK_IN, items[0].ref_id, ContactEntry(
        kind=ContactKind.CALL, occurred_at=at(day), summary="How is business?"), on=day,
        now=at(day, 11))
    assert Interaction.get_by_id(contact).purpose == ContactPurpose.CHECK_IN
    assert [i for i in worklist(day) if i.kind == CHECK_IN] == []
    assert check_ins_due(day + dt.timedelta(days=89)) == []
    assert [c.last_check_in for c in check_ins_due(day + dt.timedelta(days=90))] == [day]
    set_check_in_days(who, None)
    assert check_ins_due(day + dt.timedelta(days=400)) == []


def test_a_dismissed_check_in_comes_back_a_cadence_later(empty_store: Store) -> None:
    who = customer()
    set_check_in_days(who, 30)
    day = Customer.get_by_id(who).created_at.date() + dt.timedelta(days=30)
    (item,) = [i for i in worklist(day) if i.kind == CHECK_IN]
    dismiss(CHECK_IN, item.ref_id, "Busy season for them.", on=day)
    assert [i for i in worklist(day + dt.timedelta(days=29)) if i.kind == CHECK_IN] == []
    assert [i for i in worklist(day + dt.timedelta(days=30)) if i.kind == CHECK_IN]
    snooze(CHECK_IN, item.ref_id, day + dt.timedelta(days=40), on=day + dt.timedelta(days=30))
    mark_done(CHECK_IN, item.ref_id, on=day + dt.timedelta(days=31))
    notes = Interaction.select().where((Interaction.customer == who)
                                       & (Interaction.purpose == ContactPurpose.CHECK_IN))
    assert notes.count() == 1  # done outside Duly: noted, and the next counts from it


# --- never a reminder ---------------------------------------------------------------

@pytest.mark.parametrize("purpose", [ContactPurpose.THANKS, ContactPurpose.CHECK_IN,
                                     ContactPurpose.WELCOME])
def test_a_relationship_contact_yesterday_does_not_hold_the_next_reminder_back(
        empty_store: Store, purpose: ContactPurpose) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=20)  # "Second reminder" is due: 7 days after a contact
    yesterday = TODAY - dt.timedelta(days=1)
    log_contact(who, ContactEntry(kind=ContactKind.CALL, occurred_at=at(yesterday),
                                  summary="Nice chat.", purpose=purpose), now=at(TODAY))
    plan = follow_up_plan(TODAY)
    assert [a.customer_id for a in plan.due] == [who]
    assert plan.due[0].stage.min_days_since_contact == 7


def test_a_chasing_contact_yesterday_still_holds_the_next_reminder_back(
        empty_store: Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=20)
    yesterday = TODAY - dt.timedelta(days=1)
    log_contact(who, ContactEntry(kind=ContactKind.CALL, occurred_at=at(yesterday),
                                  summary="Promised to look into it."), now=at(TODAY))
    log_contact(who, ContactEntry(kind=ContactKind.NOTE, occurred_at=at(TODAY, 9),
                                  summary="Sent a card.", purpose=ContactPurpose.THANKS),
                now=at(TODAY))
    plan = follow_up_plan(TODAY)
    assert plan.due == ()
    assert "last contacted 1 day ago" in plan.skipped[0].reasons[0]


def test_every_welcome_and_thank_you_renders_for_every_demo_customer(demo_store: Store) -> None:
    from models.default_templates import RELATIONSHIP_TEMPLATE_NAMES
    from models.schema import LetterTemplate

    names = list(RELATIONSHIP_TEMPLATE_NAMES.values())
    assert LetterTemplate.select().where(LetterTemplate.name.in_(names)).count() == 4 * 11
    for who in Customer.select():
        for channel in (Channel.EMAIL, Channel.LETTER):
            for draft in (welcome_draft(who.id, channel, TODAY),
                          thank_you_draft(who.id, channel, TODAY)):
                assert draft.language == who.language and draft.language_note == ""
                assert "{" not in draft.subject + draft.text
                assert "\n\n\n" not in draft.text
                assert who.code in draft.text


def test_the_customers_an_import_brought_in_are_offered_a_welcome(empty_store: Store) -> None:
    from models.kinds import ImportedKind, ImportSource
    from models.relationship import imported_not_welcomed
    from models.schema import ExternalRecord, ImportBatch

    before = customer("Old Ltd")
    Customer.update(created_at=at(TODAY - dt.timedelta(days=100))).where(
        Customer.id == before).execute()
    batch = ImportBatch.create(source=ImportSource.XERO, layout="xero", file_name="c.csv",
                               file_hash="0" * 64, imported_at=at(TODAY - dt.timedelta(days=1)))
    new = [customer("New One Ltd"), customer("New Two Ltd")]
    for key, row_id in enumerate([before, *new]):
        ExternalRecord.create(source=ImportSource.XERO, kind=ImportedKind.CUSTOMER,
                              key=str(key), row_id=row_id, batch=batch)
    assert [c.customer_id for c in imported_not_welcomed(batch.id)] == new
    welcome_by_email(new[:1], TODAY)
    assert [c.customer_id for c in imported_not_welcomed(batch.id)] == new[1:]


def test_relationship_work_keeps_the_store_consistent_and_today_counts_it(
        empty_store: Store) -> None:
    from models.check import check_store
    from models.today import worklist_summary

    who = customer()
    invoice(who, 100_00, due_days_ago=20)
    chase(who, TODAY)
    pay(who, 100_00, TODAY)
    set_check_in_days(who, 30)
    Customer.update(created_at=at(TODAY - dt.timedelta(days=30))).where(
        Customer.id == who).execute()
    items = worklist(TODAY)
    assert {i.kind for i in items} == {PAID_UP, CHECK_IN}
    assert worklist_summary(items) == "2 to do: 1 thank-you for paying up, 1 check-in due"
    draft = thank_you_draft(who, Channel.LETTER, TODAY)
    record_relationship_letter(who, ContactPurpose.THANKS, subject=draft.subject,
                               text=draft.text, now=at(TODAY, 15))
    assert thanks_due(TODAY) == []
    assert check_store() == []


def test_only_a_welcome_thanks_or_check_in_is_sent_from_here(empty_store: Store) -> None:
    who = customer()
    with pytest.raises(LedgerError):
        send_relationship_email(who, ContactPurpose.CHASE, subject="Pay", text="Now.")
    with pytest.raises(LedgerError):
        record_relationship_letter(who, ContactPurpose.WELCOME, subject="", text="  ")
    unreachable = add_customer(CustomerDraft(code="", name="Bea Ltd", currency="GBP"))
    with pytest.raises(LedgerError, match="print a letter"):
        send_relationship_email(unreachable, ContactPurpose.WELCOME, subject="Hi", text="Hi.")
