"""A payment plan's agreement: the schedule and the invoices as the store has them, the
terms of a missed instalment, signature lines, the customer's language and formats,
and e-mailing or printing it recorded on the timeline only when it went."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from models import db
from models.bank_accounts import BankAccountDraft, save_bank_account, save_signatory
from models.errors import LedgerError
from models.kinds import ChargeKind, ContactKind, ContactPurpose, OutboxKind, PlanFrequency
from models.ledger import CustomerDraft, add_customer, record_payment
from models.outbox import attachment_of, outbox
from models.plan_agreement import plan_record
from models.schema import (
    Charge,
    ContactPerson,
    Customer,
    Instalment,
    Interaction,
    Invoice,
    OutboxMessage,
    PaymentPlan,
    PaymentPlanItem,
)
from reports.fonts import UnprintableText
from reports.plan_agreement import (
    PlanAgreementData,
    plan_agreement_data,
    print_plan_agreement,
    queue_plan_agreement,
    render_plan_agreement,
)
from tests.helpers import pdf_pages
from tests.unit.ledger_helpers import TODAY, invoice

NOW = dt.datetime.combine(TODAY, dt.time(10))
# The fixed words of the English agreement: none may be left in one in another language.
ENGLISH_WORDS = ("Payment plan", "Instalment", "Schedule", "Terms", "Signature", "Deposit",
                 "Total", "How to pay", "Invoice", "Please", "instalment", "agreement",
                 "Date", "Account", "Due", "Page ", "For ")  # "Name" is German too


def text_of(data: PlanAgreementData) -> str:
    """The agreement's text as a reader sees it, each row of a table on one line of
    words (no-break spaces read as spaces)."""
    out = io.BytesIO()
    render_plan_agreement(data, out)
    return " ".join(plain(" ".join(page for page, _ in pdf_pages(out.getvalue()))).split())


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def make_plan(customer_id: int, currency: str, invoice_ids: list[int], *,
              deposit: int = 0, grace_days: int = 5, freeze: bool = False,
              charge_ids: tuple[int, ...] = ()) -> int:
    """A plan as models/demo.py makes one: its rows, the instalments adding up to what
    its invoices and charges had open, the deposit first, then monthly from January."""
    plan = PaymentPlan.create(customer=customer_id, agreed_on=TODAY, currency=currency,
                              grace_days=grace_days, freeze_charges=freeze,
                              frequency=PlanFrequency.MONTHLY, created_at=NOW)
    for invoice_id in invoice_ids:
        PaymentPlanItem.create(plan=plan, invoice=invoice_id)
    for charge_id in charge_ids:
        PaymentPlanItem.create(plan=plan, charge=charge_id)
    total = (sum(Invoice.get_by_id(i).open_minor for i in invoice_ids)
             + sum(Charge.get_by_id(c).open_minor for c in charge_ids))
    position = 1
    if deposit:
        Instalment.create(plan=plan, due_date=TODAY + dt.timedelta(days=7),
                          amount_minor=deposit, position=position, is_deposit=True)
        position += 1
    share, remainder = divmod(total - deposit, 4)
    for month in range(4):
        Instalment.create(plan=plan, due_date=dt.date(2027, 1 + month, 15),
                          amount_minor=share + (remainder if month == 3 else 0),
                          position=position + month)
    return int(plan.id)


def gbp_customer() -> int:
    return add_customer(CustomerDraft(
        code="", name="Bristol Joinery & Sons Ltd", currency="GBP", contact_name="Alan Hughes",
        billing_email="alan@example.com", address="4 Mill Lane\nBristol\nBS2 0AA", country="GB"))


def german_customer() -> int:
    return add_customer(CustomerDraft(
        code="", name="Müller Maschinenbau GmbH", currency="EUR", contact_name="Sabine Weiß",
        billing_email="weiss@example.de", address="Hauptstraße 12\n80331 München",
        country="DE", language="de"))


def eur_invoice(customer_id: int, amount: int, number: str, days: int) -> int:
    """An invoice in euros (the ledger's helper makes them in the customer's currency)."""
    return invoice(customer_id, amount, due_days_ago=days, number=number)


def gbp_plan(*, deposit: int = 500_00) -> int:
    who = gbp_customer()
    first = invoice(who, 1_234_56, due_days_ago=60, number="INV-1001")
    second = invoice(who, 880_00, due_days_ago=45, number="INV-1002")
    fee = Charge.create(invoice=first, kind=ChargeKind.FEE, charged_on=TODAY - dt.timedelta(
        days=20), amount_minor=40_00, open_minor=40_00, currency="GBP", created_at=NOW)
    return make_plan(who, "GBP", [first, second], deposit=deposit, freeze=True,
                     charge_ids=(fee.id,))


@pytest.fixture
def business(empty_store: db.Store) -> db.Store:
    """The test business with its bank accounts and signatory."""
    save_bank_account(None, BankAccountDraft(currency="GBP", kind="uk", holder="Harbour & "
                                             "Finch Ltd", sort_code="20-00-00",
                                             account_number="55779911"))
    save_bank_account(None, BankAccountDraft(currency="EUR", kind="iban", holder="Harbour & "
                                             "Finch Ltd", iban="DE89370400440532013000",
                                             bic="DEUTDEFF"))
    save_signatory("Margaret Finch", "Director")
    return empty_store


def test_the_schedule_prints_each_instalment_and_a_total_equal_to_what_it_covers(
        business: db.Store) -> None:
    plan_id = gbp_plan()
    data = plan_agreement_data(plan_id, today=TODAY)
    text = text_of(data)
    stored = list(Instalment.select().where(Instalment.plan == plan_id)
                  .order_by(Instalment.position))
    for number, row in enumerate(stored):  # the deposit first, then 1, 2, …
        label = "Deposit" if row.is_deposit else str(number)
        amount = f"{row.amount_minor // 100:,}.{row.amount_minor % 100:02d}"
        assert f"{label} {data.words.date(row.due_date)} {amount}" in text
    total = sum(row.amount_minor for row in stored)
    assert total == data.covered_minor == 1_234_56 + 880_00 + 40_00
    assert f"Total of the instalments £{total // 100:,}.{total % 100:02d}" in text
    assert f"Total covered £{total // 100:,}.{total % 100:02d}" in text
    assert "It covers £2,154.56 still unpaid" in text


def test_the_invoices_and_charges_covered_are_listed(business: db.Store) -> None:
    text = text_of(plan_agreement_data(gbp_plan(), today=TODAY))
    assert "Invoice INV-1001 26 Aug 2026 25 Sept 2026 1,234.56 1,234.56" in text
    assert "Invoice INV-1002 10 Sept 2026 10 Oct 2026 880.00 880.00" in text
    assert "Fee on INV-1001 4 Nov 2026 40.00 40.00" in text


def test_the_terms_say_what_a_missed_instalment_does_and_both_parties_sign(
        business: db.Store) -> None:
    text = text_of(plan_agreement_data(gbp_plan(), today=TODAY))
    assert "within 5 days after that date still counts as on time" in text
    assert "no further reminders" in text
    assert "Nor will we add any further interest or fees" in text  # the plan freezes them
    assert ("If an instalment has not been paid in full 5 days after its due date, the plan "
            "ends and the whole balance still unpaid is due at once.") in text
    assert "interest and fees run again, from that day" in text
    assert "For Harbour & Finch Ltd" in text and "For Bristol Joinery & Sons Ltd" in text
    assert text.count("Signature") >= 2 and text.count("Name") >= 2
    assert "Margaret Finch, Director" in text
    assert "Sort code: 20-00-00" in text  # the GBP account, how to pay
    assert "Please quote the plan reference PP-" in text


def test_a_plan_that_does_not_freeze_charges_promises_no_freeze(business: db.Store) -> None:
    who = gbp_customer()
    plan_id = make_plan(who, "GBP", [invoice(who, 600_00, due_days_ago=40)], grace_days=0)
    text = text_of(plan_agreement_data(plan_id, today=TODAY))
    assert "interest" not in text.lower()
    assert "If an instalment has not been paid in full by its due date" in text


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.integers(min_value=1, max_value=99_999_999), min_size=1,
                        max_size=12))
def test_the_printed_total_is_the_sum_of_the_instalments_to_the_cent(
        business: db.Store, amounts: list[int]) -> None:
    who = gbp_customer()
    first = invoice(who, sum(amounts), due_days_ago=30)
    plan = PaymentPlan.create(customer=who, agreed_on=TODAY, currency="GBP", created_at=NOW)
    PaymentPlanItem.create(plan=plan, invoice=first)
    for position, amount in enumerate(amounts, 1):
        Instalment.create(plan=plan, due_date=TODAY + dt.timedelta(days=30 * position),
                          amount_minor=amount, position=position)
    data = plan_agreement_data(plan.id, today=TODAY)
    text = text_of(data)
    total = data.words.money(sum(amounts), "GBP")
    assert f"Total of the instalments {total}" in text
    assert f"Total covered {total}" in text
    assert not data.warnings


def test_a_german_customer_reads_it_in_german_with_german_dates_and_amounts(
        business: db.Store) -> None:
    who = german_customer()
    invoices = [eur_invoice(who, 1_234_56, "RE-2026-0815", 50),
                eur_invoice(who, 3_999_99, "RE-2026-0901", 30)]
    plan_id = make_plan(who, "EUR", invoices, grace_days=7)
    data = plan_agreement_data(plan_id, today=TODAY)
    text = text_of(data)
    assert "Ratenzahlungsvereinbarung" in text
    assert "1.234,56" in text and "RE-2026-0815" in text and "RE-2026-0901" in text
    total = sum(i.amount_minor for i in plan_record(plan_id).instalments)
    assert total == 1_234_56 + 3_999_99
    assert "Summe der Raten 5.234,55 €" in text
    for row in plan_record(plan_id).instalments:
        amount = plain(data.words.amount(row.amount_minor, "EUR"))
        assert f"{row.due_date:%d.%m.%Y} {amount}" in text
    assert "15.01.2027" in text and "24.11.2026" in text
    assert "innerhalb von 7 Tagen" in text
    for word in ENGLISH_WORDS:
        assert word not in text, word


def test_what_it_covers_is_what_was_unpaid_before_the_day_it_was_agreed(
        business: db.Store) -> None:
    who = gbp_customer()
    first = invoice(who, 1_000_00, due_days_ago=60)
    record_payment(who, received_on=TODAY - dt.timedelta(days=3), amount_minor=250_00,
                   today=TODAY)
    plan_id = make_plan(who, "GBP", [first], deposit=100_00)
    # The deposit, paid on the day the plan is agreed, is the plan's first instalment.
    record_payment(who, received_on=TODAY, amount_minor=100_00, today=TODAY)
    record = plan_record(plan_id)
    assert [d.open_minor for d in record.covered] == [750_00]
    assert record.covered_minor == record.scheduled_minor == 750_00


def test_emailing_it_queues_the_pdf_and_records_a_contact_about_the_plan(
        business: db.Store) -> None:
    plan_id = gbp_plan()
    outbox_id = queue_plan_agreement(plan_id, today=TODAY, now=NOW)
    message = OutboxMessage.get_by_id(outbox_id)
    assert message.kind == OutboxKind.PLAN
    assert message.subject == f"Payment plan agreement PP-{plan_id:06d}"
    assert "Dear Alan Hughes," in message.body and "Margaret Finch" in message.body
    name, pdf = attachment_of(outbox_id)
    assert name == f"Payment plan agreement PP-{plan_id:06d}.pdf"
    assert "Total of the instalments" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    contact = Interaction.get_by_id(message.interaction_id)
    assert (contact.kind, contact.purpose, contact.plan_id) == (
        ContactKind.EMAIL, ContactPurpose.PLAN, plan_id)
    assert [row.id for row in outbox()] == [outbox_id]


def test_a_german_customer_is_emailed_in_german(business: db.Store) -> None:
    who = german_customer()
    plan_id = make_plan(who, "EUR", [eur_invoice(who, 999_00, "RE-1", 20)])
    message = OutboxMessage.get_by_id(queue_plan_agreement(plan_id, today=TODAY, now=NOW))
    assert message.attachment_name == f"Ratenzahlungsvereinbarung PP-{plan_id:06d}.pdf"
    assert "Ratenzahlungsvereinbarung" in message.subject
    assert "15.01.2027" in message.body


def test_a_customer_without_an_email_address_gets_nothing_queued_or_recorded(
        business: db.Store) -> None:
    plan_id = gbp_plan()
    Customer.update(billing_email="").execute()
    ContactPerson.update(email="").execute()
    with pytest.raises(LedgerError, match="no usable e-mail address"):
        queue_plan_agreement(plan_id, today=TODAY, now=NOW)
    assert OutboxMessage.select().count() == 0 and Interaction.select().count() == 0


def test_printing_it_writes_the_pdf_and_records_a_letter_about_the_plan(
        business: db.Store, tmp_path: Path) -> None:
    plan_id = gbp_plan()
    out = tmp_path / "agreement.pdf"
    pages = print_plan_agreement(plan_id, out, today=TODAY, now=NOW)
    assert pages == len(PdfReader(out).pages) >= 1
    contact = Interaction.get()
    assert (contact.kind, contact.purpose, contact.plan_id) == (
        ContactKind.LETTER, ContactPurpose.PLAN, plan_id)


def test_nothing_is_recorded_when_the_file_cannot_be_written(
        business: db.Store, tmp_path: Path) -> None:
    plan_id = gbp_plan()
    with pytest.raises(OSError):
        print_plan_agreement(plan_id, tmp_path / "no such folder" / "agreement.pdf",
                             today=TODAY, now=NOW)
    assert Interaction.select().count() == 0


def test_a_name_no_font_can_print_is_refused_and_nothing_is_recorded(
        business: db.Store, tmp_path: Path) -> None:
    plan_id = gbp_plan()
    Customer.update(name="Joinery \ue000 Ltd").execute()  # a private-use character
    with pytest.raises(UnprintableText, match="payment plan agreement"):
        print_plan_agreement(plan_id, tmp_path / "agreement.pdf", today=TODAY, now=NOW)
    with pytest.raises(UnprintableText):
        queue_plan_agreement(plan_id, today=TODAY, now=NOW)
    assert Interaction.select().count() == 0 and not (tmp_path / "agreement.pdf").exists()


def test_the_pdf_names_its_title_author_and_language(business: db.Store) -> None:
    who = german_customer()
    plan_id = make_plan(who, "EUR", [eur_invoice(who, 999_00, "RE-1", 20)])
    out = io.BytesIO()
    render_plan_agreement(plan_agreement_data(plan_id, today=TODAY), out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert reader.metadata is not None
    assert reader.metadata.title == "Ratenzahlungsvereinbarung für Müller Maschinenbau GmbH"
    assert reader.metadata.author == "Harbour & Finch Ltd"
    assert reader.trailer["/Root"].get("/Lang") == "de-DE"
