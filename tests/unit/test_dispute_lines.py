"""Part of an invoice in dispute (issue 19): the reminders and statements a customer reads
ask only for what is still chased, and say what is in dispute and that it is not asked
for, in every language Duly writes."""

from __future__ import annotations

import io

import pytest

from models import db
from models.action_letters import draft_for
from models.default_templates import TEMPLATE_NAMES, bring_up_to_date, default_template
from models.disputes import open_dispute
from models.followup import DueAction, follow_up_plan
from models.kinds import DisputeCategory
from models.language import LANGUAGES, catalogue, translated
from models.ledger import CustomerDraft, add_customer
from models.letter_context import customer_wording, letter_context
from models.schema import LetterTemplate
from models.templating import render_letter as fill_in
from reports.email_reminders import statement_email_draft
from reports.letter import letter_data, render_letter
from reports.statement import render_open_item_statement, statement_data
from tests.helpers import pdf_pages
from tests.unit.ledger_helpers import TODAY, invoice
from tests.unit.test_incentives import discount_customer, fresh_invoice

SHIPPED = tuple(code for code in LANGUAGES if translated(code))
# The default reminders' line as the templates write it (models.default_templates).
LINE = "{% if in_dispute %}\n\n{{ in_dispute }}\n{% endif %}\n"


def account(language: str = "en") -> int:
    """A customer writing in ``language``, with an address for letters."""
    return add_customer(CustomerDraft(
        code="", name="Fenwick Ltd", currency="GBP", address="4 Mill Lane\nBristol BS2 0AA",
        contact_name="Thomas Fenwick", billing_email="t@example.com", language=language))


def dispute(who: int, bill: int, amount: int | None) -> int:
    return open_dispute(who, [(bill, amount)], category=DisputeCategory.PRICE,
                        customer_said="The agreed discount was not given", today=TODAY)


def due_action(who: int) -> DueAction:
    return next(a for a in follow_up_plan(TODAY).due if a.customer_id == who)


def plain(text: str) -> str:
    """Text with every run of spaces (no-break ones too) and line ends as one space."""
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return plain(" ".join(page for page, _ in pdf_pages(pdf)))


# --- reminders -----------------------------------------------------------------------

def test_a_reminder_asks_for_the_chased_part_and_says_what_is_in_dispute(
        empty_store: db.Store) -> None:
    who = account()
    bill = invoice(who, 500_00, due_days_ago=50, number="INV-1001")
    invoice(who, 80_00, due_days_ago=48, number="INV-1003")
    dispute(who, bill, 120_00)
    draft = draft_for(due_action(who), TODAY)
    text = plain(draft.text)
    assert ("Of invoice INV-1001, £120.00 is in dispute and is not asked for here; we will "
            "write to you about it separately.") in text
    assert "£380.00 still open of £500.00" in text
    assert "Total overdue: £460.00" in text and "£580.00" not in text


def test_the_letter_on_paper_asks_for_the_chased_part_in_its_table_too(
        empty_store: db.Store) -> None:
    who = account()
    bill = invoice(who, 500_00, due_days_ago=50, number="INV-1001")
    invoice(who, 80_00, due_days_ago=48, number="INV-1003")
    dispute(who, bill, 120_00)
    action = due_action(who)
    draft = draft_for(action, TODAY)
    data = letter_data(who, [i.id for i in action.invoices], TODAY, subject=draft.subject,
                       text=draft.text, stage_name=action.stage.name, tone=action.stage.tone)
    assert data.total_minor == 460_00
    assert [i.open_minor for i in data.invoices] == [380_00, 80_00]
    out = io.BytesIO()
    render_letter(data, out)
    text = pdf_text(out.getvalue())
    assert "£460.00" in text and "580.00" not in text
    assert "INV-1001 5 Sept 2026 5 Oct 2026 500.00 380.00" in text
    assert "Of invoice INV-1001, £120.00 is in dispute and is not asked for here" in text


def test_several_parts_in_dispute_are_named_in_one_sentence(empty_store: db.Store) -> None:
    who = account()
    first = invoice(who, 500_00, due_days_ago=50, number="INV-1001")
    second = invoice(who, 240_00, due_days_ago=45, number="INV-1002")
    dispute(who, first, 120_00)
    dispute(who, second, 40_00)
    context = letter_context(who, [first, second], TODAY)
    assert context.in_dispute == (
        "The following amounts are in dispute and are not asked for here: £120.00 of invoice "
        "INV-1001 and £40.00 of invoice INV-1002. We will write to you about them separately.")
    assert context.total_due == "£580.00"
    assert [(i.number, i.open, i.in_dispute) for i in context.invoices] == [
        ("INV-1001", "£380.00", "£120.00"), ("INV-1002", "£200.00", "£40.00")]
    each = fill_in("", "{% for invoice in invoices %}{{ invoice.number }}"
                       "{% if invoice.in_dispute %} ({{ invoice.in_dispute }} in dispute)"
                       "{% endif %};{% endfor %}", context).body
    assert each == "INV-1001 (£120.00 in dispute);INV-1002 (£40.00 in dispute);\n"


def test_with_nothing_in_dispute_a_reminder_says_nothing_of_it(empty_store: db.Store) -> None:
    who = account()
    invoice(who, 500_00, due_days_ago=50, number="INV-1001")
    other = account()
    settled = invoice(other, 300_00, due_days_ago=50, number="INV-2001")
    dispute(other, settled, 50_00)  # another customer's case says nothing to this one
    context = letter_context(who, [due_action(who).invoices[0].id], TODAY)
    assert context.in_dispute == ""
    assert all(i.in_dispute == "" for i in context.invoices)
    for tone, channel in TEMPLATE_NAMES:
        body = fill_in(*default_template(tone, channel), context).body
        assert "in dispute" not in body and "not asked for" not in body


@pytest.mark.parametrize("language", SHIPPED)
def test_every_language_says_what_is_in_dispute_with_its_amount(
        empty_store: db.Store, language: str) -> None:
    who = account(language)
    first = invoice(who, 500_00, due_days_ago=50, number="INV-1001")
    second = invoice(who, 240_00, due_days_ago=45, number="INV-1002")
    dispute(who, first, 120_00)
    words = customer_wording(who)
    one = letter_context(who, [first], TODAY)
    assert words.money(120_00, "GBP") in one.in_dispute and "INV-1001" in one.in_dispute
    dispute(who, second, 40_00)
    both = letter_context(who, [first, second], TODAY).in_dispute
    for part in (words.money(120_00, "GBP"), words.money(40_00, "GBP"), "INV-1001",
                 "INV-1002"):
        assert part in both
    if language != "en":
        for sentence in (one.in_dispute, both):
            lowered = sentence.casefold()
            assert not any(english in lowered for english in (
                "dispute", "not asked", "write to you", "invoice", "following"))
    translate = catalogue(language).gettext
    for tone, channel in TEMPLATE_NAMES:  # every default reminder carries the sentence
        assert one.in_dispute in fill_in(*default_template(tone, channel, translate),
                                         one).body


# --- statements ----------------------------------------------------------------------

def test_a_statement_shows_each_part_in_dispute_and_leaves_it_out_of_the_total_due(
        empty_store: db.Store) -> None:
    who = account()
    part = invoice(who, 500_00, due_days_ago=50, number="INV-1001")
    whole = invoice(who, 80_00, due_days_ago=48, number="INV-1003")
    invoice(who, 240_00, due_days_ago=45, number="INV-1002")
    dispute(who, part, 120_00)
    dispute(who, whole, None)
    data = statement_data(who, TODAY, today=TODAY)
    assert (data.total_minor, data.disputed_minor, data.due_minor) == (820_00, 200_00, 620_00)
    assert data.overdue_minor == 620_00
    out = io.BytesIO()
    render_open_item_statement(data, out)
    text = pdf_text(out.getvalue())
    assert "of which £120.00 is in dispute and not in the total due" in text
    assert "Invoice (disputed) INV-1003" in text  # wholly in dispute: its row says so
    assert "Total of the open items 820.00" in text
    assert "Less the amounts in dispute -200.00" in text
    assert "Total due £620.00" in text and "£820.00" not in text
    assert "In dispute £200.00" in text  # beside the address
    _, email = statement_email_draft(who, TODAY)
    assert "It shows £620.00 due." in email


def test_a_statement_without_disputes_keeps_its_plain_total(empty_store: db.Store) -> None:
    who = account()
    invoice(who, 500_00, due_days_ago=50, number="INV-1001")
    data = statement_data(who, TODAY, today=TODAY)
    assert data.due_minor == data.total_minor == 500_00
    out = io.BytesIO()
    render_open_item_statement(data, out)
    text = pdf_text(out.getvalue())
    assert "Total due £500.00" in text
    assert "dispute" not in text and "Total of the open items" not in text


@pytest.mark.parametrize("language", SHIPPED)
def test_every_language_prints_the_part_in_dispute_on_a_statement(
        empty_store: db.Store, language: str) -> None:
    who = account(language)
    part = invoice(who, 500_00, due_days_ago=50, number="INV-1001")
    dispute(who, part, 120_00)
    data = statement_data(who, TODAY, today=TODAY)
    out = io.BytesIO()
    render_open_item_statement(data, out)
    text = pdf_text(out.getvalue())
    words = data.words
    say = words.gettext
    for printed in (say("of which {amount} is in dispute and not in the total due").format(
            amount=words.money(120_00, "GBP")), say("Total of the open items"),
            say("Less the amounts in dispute"), say("In dispute"),
            words.money(380_00, "GBP")):
        assert plain(printed) in text
    if language != "en":
        assert "dispute" not in text and "open items" not in text


def test_the_statement_offers_the_early_payment_discount_on_what_a_reminder_asks(
        empty_store: db.Store) -> None:
    who = discount_customer()
    bill = fresh_invoice(who, number="F-1")  # 1,200.00 with 2% off until 29 Nov
    dispute(who, bill, 200_00)
    reminder = letter_context(who, [bill], TODAY)
    statement = statement_data(who, TODAY, today=TODAY)
    assert reminder.early_payment_saving.startswith("Pay £976.00 by 29 Nov 2026")
    assert statement.early_payment_saving == reminder.early_payment_saving


# --- templates kept from an earlier Duly ---------------------------------------------

def test_default_reminders_never_edited_gain_the_line_and_edited_ones_are_kept(
        empty_store: db.Store) -> None:
    defaults = list(LetterTemplate.select().where(
        LetterTemplate.name.in_(list(TEMPLATE_NAMES.values()))))
    assert len(defaults) == len(TEMPLATE_NAMES) * len(SHIPPED)
    for row in defaults:  # as a Duly before the line wrote them
        assert LINE in row.body
        row.body = row.body.replace(LINE, "")
        row.save()
    edited = next(r for r in defaults if r.language == "de" and r.tone == "firm")
    edited.body += "\nMit Dank für Ihre Geduld.\n"
    edited.save()
    with db.writing():
        assert bring_up_to_date() == len(defaults) - 1
    for row in LetterTemplate.select().where(LetterTemplate.id.in_([r.id for r in defaults])):
        if row.id == edited.id:
            assert row.body == edited.body  # the business's own words stay
        else:
            assert LINE in row.body
    with db.writing():
        assert bring_up_to_date() == 0  # once only
