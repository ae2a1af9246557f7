"""Templates: the defaults fill in for every customer; a template that reaches for
anything but its merge fields is refused, with the line and a plain message."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import db
from models.customer_account import customer_invoices
from models.default_templates import TEMPLATE_NAMES, default_template
from models.errors import LedgerError
from models.letter_context import InvoiceLine, LetterContext, letter_context
from models.schema import AuditEntry, Customer, FollowUpStage, LetterTemplate
from models.template_store import (
    CHANNELS,
    TONES,
    preview,
    save_template,
    template_list,
    template_text,
)
from models.templating import MERGE_FIELDS, TemplateError, check_template, render_letter
from tests.conftest import DEMO_TODAY
from tests.unit import ledger_helpers as ledger


def sample_context(**changes: object) -> LetterContext:
    """A letter's fields as plain values, without a store."""
    fields: dict[str, object] = dict(
        letter_date="24 Nov 2026", business_name="Harbour & Finch Ltd",
        business_address="12 Wapping Wharf\nBristol BS1 4RH",
        business_email="accounts@harbourfinch.example", business_phone="+44 117 496 0123",
        business_registration="Company no. 09876543", payment_details="Sort code 20-00-00",
        signatory="Jane Finch\nCredit Controller",
        customer_name="Fenwick Ltd", customer_code="C00002", customer_address="1 Mill Lane",
        contact_name="Thomas Fenwick", named_contact="Thomas Fenwick",
        invoices=(InvoiceLine("INV-1", "1 Oct 2026", "31 Oct 2026", "£100.00",
                              "£100.00", 24, "24 days overdue"),
                  InvoiceLine("INV-2", "5 Oct 2026", "4 Nov 2026", "£50.00",
                              "£20.00", 20, "20 days overdue")),
        invoice_count=2, overdue_count=2, oldest_days_overdue=24, currency="GBP",
        total_due="£120.00", total_overdue="£120.00", early_payment_saving="",
        interest_and_charges="", charges_total="", total_with_charges="£120.00",
        stage_name="Final notice", next_step="", next_step_date="")
    fields.update(changes)
    return LetterContext(**fields)  # type: ignore[arg-type]


def refusal(body: str, subject: str = "Your account") -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        check_template(subject, body)
    return caught.value


# --- the default templates ------------------------------------------------------

def test_every_default_renders_for_every_demo_customer(demo_store: db.Store) -> None:
    reminders = LetterTemplate.name.in_(list(TEMPLATE_NAMES.values()))
    templates = list(LetterTemplate.select().where((LetterTemplate.language == "en") & reminders))
    assert {(t.tone, t.channel) for t in templates} == {(t, c) for t in TONES for c in CHANNELS}
    rendered = 0
    for customer in Customer.select():
        open_ids = [r.id for r in customer_invoices(customer.id, DEMO_TODAY) if r.open_minor]
        context = letter_context(customer.id, open_ids, DEMO_TODAY, stage_name="Final notice",
                                 next_step="refer the account to a collection agency",
                                 next_step_on=DEMO_TODAY.replace(day=30), language="en")
        for template in templates:
            letter = render_letter(template.subject, template.body, context)
            assert letter.body.startswith(f"Dear {context.contact_name},\n\n")
            assert context.business_name in letter.body
            assert context.customer_code in letter.subject
            assert "\n" not in letter.subject
            assert "{" not in letter.body + letter.subject
            assert "\n\n\n" not in letter.body
            assert all(i.number in letter.body for i in context.invoices)
            rendered += 1
    assert rendered == 60 * 10


def test_a_default_lists_each_invoice_with_its_dates_amount_and_lateness() -> None:
    subject, body = default_template("friendly", "email")
    letter = render_letter(subject, body, sample_context())
    assert letter.subject == "A friendly reminder: your account C00002 with Harbour & Finch Ltd"
    assert ("  - Invoice INV-1 of 1 Oct 2026, due 31 Oct 2026: £100.00 "
            "(24 days overdue)\n"
            "  - Invoice INV-2 of 5 Oct 2026, due 4 Nov 2026: £20.00 still open "
            "of £50.00 (20 days overdue)\n\nTotal: £120.00\n") in letter.body
    assert "Our bank details for payment:\nSort code 20-00-00\n" in letter.body
    assert letter.body.endswith("Kind regards,\nJane Finch\nCredit Controller\n"
                                "Harbour & Finch Ltd\n+44 117 496 0123\n")
    unsigned = render_letter(subject, body, sample_context(signatory=""))
    assert unsigned.body.endswith("Kind regards,\nHarbour & Finch Ltd\n+44 117 496 0123\n")


def test_a_courtesy_reminder_before_the_due_date_does_not_speak_of_lateness() -> None:
    subject, body = default_template("friendly", "email")
    context = sample_context(overdue_count=0, oldest_days_overdue=0, invoices=(
        InvoiceLine("INV-3", "20 Nov 2026", "27 Nov 2026", "£80.00",
                    "£80.00", 0, "due in 3 days"),))
    letter = render_letter(subject, body, context)
    assert letter.subject.startswith("Coming up for payment:")
    assert "(due in 3 days)" in letter.body
    assert "overdue" not in letter.body and "slipped" not in letter.body


def test_the_firm_and_final_texts_name_the_next_step_and_its_date() -> None:
    context = sample_context(next_step="refer the account to a collection agency",
                             next_step_date="1 Dec 2026")
    firm = render_letter(*default_template("firm", "letter"), context)
    assert ("Please pay the full amount by 1 Dec 2026. If payment has not reached us by "
            "then, we will refer the account to a collection agency.\n\n") in firm.body
    final = render_letter(*default_template("final", "email"), context)
    assert ("Unless the full amount reaches us by 1 Dec 2026, we will refer the account "
            "to a collection agency without further notice.") in final.body
    plain = render_letter(*default_template("final", "letter"), sample_context())
    assert ("Unless the full amount reaches us within 7 days of the date of this letter, we "
            "will pass the account to a debt collection agency") in plain.body


def test_the_defaults_mention_savings_and_charges_only_when_there_are_some() -> None:
    subject, body = default_template("polite", "email")
    without = render_letter(subject, body, sample_context())
    assert "save" not in without.body and "charges" not in without.body
    with_both = render_letter(subject, body, sample_context(
        early_payment_saving="Pay £98.00 by 3 Dec 2026 to save £2.00.",
        interest_and_charges="Late-payment charges of £40.00 are also due.",
        total_with_charges="£160.00"))
    assert "\n\nPay £98.00 by 3 Dec 2026 to save £2.00.\n\n" in with_both.body
    assert ("Late-payment charges of £40.00 are also due. That brings the total now due to "
            "£160.00.") in with_both.body


def test_a_letter_to_no_named_contact_is_signed_yours_faithfully() -> None:
    letter = render_letter(*default_template("firm", "letter"),
                           sample_context(contact_name="Sir or Madam"))
    assert letter.body.startswith("Dear Sir or Madam,")
    assert letter.body.endswith("Yours faithfully,\n\nHarbour & Finch Ltd\n")
    named = render_letter(*default_template("firm", "letter"), sample_context())
    assert named.body.endswith("Yours sincerely,\n\nHarbour & Finch Ltd\n")


def test_the_text_of_stores_made_before_issue_5_still_renders() -> None:
    old = ("Dear {{ contact_name }},\n\nOur records show {{ invoice_count }} invoice(s) "
           "totalling {{ total_due }} now due on your account. Please pay.\n\n"
           "Kind regards,\n{{ business_name }}")
    letter = render_letter("Your account with {{ business_name }}", old, sample_context())
    assert letter.subject == "Your account with Harbour & Finch Ltd"
    assert "Our records show 2 invoice(s) totalling £120.00 now due" in letter.body


def test_every_merge_field_can_be_used() -> None:
    body = "\n".join(f"{{{{ {name} }}}}" for name in MERGE_FIELDS if name != "invoices")
    body += ("\n{% for invoice in invoices %}{{ invoice.number }} {{ invoice.issue_date }} "
             "{{ invoice.due_date }} {{ invoice.amount }} {{ invoice.open }} "
             "{{ invoice.days_overdue }} {{ invoice.lateness }}\n{% endfor %}")
    letter = render_letter("{{ customer_name|upper }}", body, sample_context())
    assert letter.subject == "FENWICK LTD"
    assert "INV-2 5 Oct 2026 4 Nov 2026 £50.00 £20.00 20 20 days overdue" in \
        letter.body


# --- what a template may not do -------------------------------------------------

def test_an_unknown_field_is_refused_with_its_line_and_a_suggestion() -> None:
    error = refusal("Dear {{ contact_name }},\n\n{{ custmer_name }} owes us.")
    assert error.field == "body"
    assert error.line == 3
    assert error.message == ("Line 3: “{{ custmer_name }}” is not a merge field. "
                             "Did you mean “customer_name”?")


def test_an_unknown_field_without_a_near_name_points_to_the_list() -> None:
    assert refusal("{{ weather }}").message == ("Line 1: “{{ weather }}” is not a merge "
                                                "field. The merge fields are listed beside "
                                                "the text.")


def test_a_mistake_in_the_subject_names_the_subject() -> None:
    with pytest.raises(TemplateError) as caught:
        check_template("Your account {{ custmer_code }}", "Dear {{ contact_name }}")
    assert caught.value.field == "subject"
    assert "Did you mean “customer_code”?" in caught.value.message


@pytest.mark.parametrize("body", [
    "{{ customer.__class__ }}",
    "{{ customer_name.__class__.__mro__ }}",
    "{{ customer_name.upper }}",
    "{{ x.y }}",
    "{{ ''.join }}",
    "{{ invoice_count.real }}",
])
def test_attribute_access_is_refused(body: str) -> None:
    error = refusal(body)
    assert "a dot may only follow the invoice inside the invoice loop" in error.message
    assert error.message.startswith("Line 1: ")


def test_an_invoice_field_that_does_not_exist_is_refused_with_a_suggestion() -> None:
    error = refusal("{% for invoice in invoices %}\n{{ invoice.numbr }}\n{% endfor %}")
    assert error.message == ("Line 2: “invoice.numbr” is not a field of an invoice. "
                             "Did you mean “invoice.number”?")
    assert "is not a field of an invoice" in refusal(
        "{% for invoice in invoices %}{{ invoice.__class__ }}{% endfor %}").message


@pytest.mark.parametrize("body", [
    "{{ invoices[0] }}",
    "{% for invoice in invoices %}{{ invoice['number'] }}{% endfor %}",
    "{{ customer_name[0:3] }}",
    "{{ customer_name['__class__'] }}",
])
def test_square_brackets_are_refused(body: str) -> None:
    assert "square brackets" in refusal(body).message


@pytest.mark.parametrize("body", [
    "{% include 'letter.txt' %}",
    "{% import 'macros.txt' as m %}",
    "{% from 'macros.txt' import greeting %}",
    "{% extends '/etc/passwd' %}",
])
def test_other_files_cannot_be_reached(body: str) -> None:
    assert refusal(body).message == ("Line 1: a template cannot include, import or extend "
                                     "another file.")


@pytest.mark.parametrize("body", [
    "{{ ''.join(['a', 'b']) }}",
    "{{ customer_name.upper() }}",
    "{{ lipsum() }}",
    "{{ cycler('a') }}",
])
def test_calling_a_function_or_a_method_is_refused(body: str) -> None:
    assert "cannot call functions or methods" in refusal(body).message


@pytest.mark.parametrize("body", [
    "{% for i in range(10**9) %}x{% endfor %}",
    "{% for i in range(1000000) %}{% for j in range(1000000) %}x{% endfor %}{% endfor %}",
    "{% for c in customer_name %}x{% endfor %}",
    "{% for invoice in invoices if invoice.days_overdue %}x{% endfor %}",
])
def test_a_loop_can_only_go_through_the_invoices(body: str) -> None:
    assert "{% for invoice in invoices %}" in refusal(body).message


def test_range_and_the_other_jinja_globals_are_not_available() -> None:
    for name in ("range", "dict", "lipsum", "namespace", "joiner", "self", "loop"):
        assert f"“{{{{ {name} }}}}” is not a merge field" in refusal(f"{{{{ {name} }}}}").message


def test_the_loop_variable_of_jinja_is_not_available_inside_the_loop() -> None:
    error = refusal("{% for invoice in invoices %}{{ loop.index }}{% endfor %}")
    assert "a dot may only follow the invoice" in error.message


def test_loops_cannot_be_nested_and_the_list_is_used_only_in_a_loop() -> None:
    assert "a loop cannot be put inside another loop" in refusal(
        "{% for a in invoices %}{% for b in invoices %}x{% endfor %}{% endfor %}").message
    assert "the invoice list can only be used in a loop" in refusal("{{ invoices }}").message
    assert "not “{{ invoice }}”" in refusal(
        "{% for invoice in invoices %}{{ invoice }}{% endfor %}").message
    assert "already a merge field" in refusal(
        "{% for total_due in invoices %}{{ total_due.number }}{% endfor %}").message


@pytest.mark.parametrize(("body", "words"), [
    ("{{ 'ha' * 1000000000 }}", "a template cannot calculate"),
    ("{{ invoice_count + 1 }}", "a template cannot calculate"),
    ("{{ 9 ** 9 ** 9 }}", "a template cannot calculate"),
    ("{% set x = 'a' %}", "cannot set its own fields"),
    ("{% macro m() %}x{% endmacro %}", "cannot define macros"),
    ("{% if customer_name is defined %}x{% endif %}", "“is” tests are not available"),
    ("{{ customer_name|center(1000000000) }}", "“|center” is not available"),
    ("{{ customer_name|upper(1) }}", "“|upper” takes nothing in brackets"),
    ("{{ customer_name|attr('__class__') }}", "“|attr” is not available"),
    ("{{ [customer_name] }}", "lists and tables cannot be written"),
    ("{% filter upper %}x{% endfilter %}", "this cannot be used in a template"),
])
def test_everything_else_of_jinja_is_refused(body: str, words: str) -> None:
    assert words in refusal(body).message


def test_a_syntax_error_names_the_line_it_is_on_in_plain_words() -> None:
    error = refusal("Dear {{ contact_name }},\n\nYou owe {{ total_due \nThanks")
    assert (error.line, error.message) == (3, "Line 3: “{{” is not closed with “}}”.")
    error = refusal("Dear {{ contact_name }},\nYou owe {{ total_due + }}.")
    assert error.line == 2
    assert error.message.startswith("Line 2: Duly cannot read “{{ total_due + }}”: a merge "
                                    "field is its name alone")
    assert refusal("You owe {{ }}.").message == (
        "Line 1: “{{ }}” holds no merge field; pick one from the list.")


def test_unbalanced_blocks_are_refused_in_plain_words_at_the_line_that_opened_them() -> None:
    error = refusal("Hello\n{% if overdue_count %}\nLate.\n\nRegards")
    assert (error.line, error.message) == (2, "Line 2: this “{% if %}” is not closed: add "
                                              "“{% endif %}” where its text ends.")
    assert refusal("Hello\n{% endif %}").message == (
        "Line 2: “{% endif %}” closes nothing: there is no “{% if %}” open here.")
    assert refusal("{% if overdue_count %}\n{% endfor %}").message == (
        "Line 2: “{% endfor %}” cannot close the “{% if %}” of line 1; that needs "
        "“{% endif %}”.")
    assert refusal("{% if overdue_count %}a\n{% else %}b\n{% else %}c{% endif %}").message == (
        "Line 3: the “{% if %}” of line 1 already has its “{% else %}”.")
    assert refusal("{% frobnicate %}").message.startswith(
        "Line 1: “{% frobnicate %}” is not something a template can do")


def test_a_text_too_long_to_be_a_letter_is_refused() -> None:
    assert "longer than 20,000 characters" in refusal("x" * 20_001).message
    with pytest.raises(TemplateError, match="subject line is longer"):
        check_template("x" * 501, "Hello")


@pytest.mark.parametrize("depth", [60, 150, 400])
def test_blocks_nested_too_deeply_are_refused_not_crashed_on(depth: int) -> None:
    body = "{% if overdue_count %}" * depth + "x" + "{% endif %}" * depth
    assert "too deeply" in refusal(body).message
    with pytest.raises(TemplateError, match="too deeply"):
        render_letter("Hi", body, sample_context())
    assert "too deeply" in refusal("{{ " + "not " * depth + "total_due }}").message


def test_rendering_checks_the_template_first() -> None:
    with pytest.raises(TemplateError, match="cannot call functions or methods"):
        render_letter("Hi", "{{ customer_name.__class__.__base__.__subclasses__() }}",
                      sample_context())
    with pytest.raises(TemplateError, match="a dot may only follow"):
        render_letter("{{ business_name.__class__ }}", "Hi", sample_context())


def test_a_comparison_that_cannot_be_made_is_a_template_error_with_its_line() -> None:
    body = "Dear all,\n{% for invoice in invoices %}\n{% if invoice.open > 3 %}big{% endif %}\n" \
           "{% endfor %}"
    with pytest.raises(TemplateError) as caught:
        render_letter("Hi", body, sample_context())
    assert caught.value.field == "body"
    assert caught.value.line == 3
    assert caught.value.message.startswith("Line 3: the text could not be filled in")


def test_a_tag_at_the_end_of_a_line_of_text_keeps_the_line_apart() -> None:
    body = ("First.{% if overdue_count %} Late.{% endif %}\n\nSecond.\n"
            "{% if charges_total %}\nCharges.\n{% endif %}\nThird.")
    assert render_letter("Hi", body, sample_context()).body == (
        "First. Late.\n\nSecond.\nThird.\n")


# --- a valid template cannot write without end (issue 14) -----------------------------

def invoice_lines(count: int) -> tuple[InvoiceLine, ...]:
    return tuple(InvoiceLine(f"INV-{n}", "1 Oct 2026", "31 Oct 2026", "£100.00",
                             "£100.00", 24, "24 days overdue") for n in range(count))


def test_a_letter_that_would_run_to_megabytes_is_stopped_naming_its_template() -> None:
    # Each turn of the loop writes the 2,000-character bank details 900 times: 18 MB.
    body = "{% for invoice in invoices %}" + "{{ payment_details }}" * 900 + "{% endfor %}"
    context = sample_context(payment_details="x" * 2_000, invoices=invoice_lines(10))
    tracemalloc.start()
    try:
        with pytest.raises(TemplateError) as caught:
            render_letter("Your account", body, context, template_name="Final notice")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.field == "body"
    assert caught.value.message == (
        "The template “Final notice” would write more than 1,000,000 characters in its "
        "text for Fenwick Ltd, far more than any letter: it repeats long fields or the "
        "invoice loop too often. Shorten it.")
    assert peak < 16 * 1024 * 1024  # streamed: never the whole 18 MB, nor its copies
    subject = "{% for invoice in invoices %}{{ payment_details }}{% endfor %}"
    with pytest.raises(TemplateError, match="in its subject line") as in_subject:
        render_letter(subject, "Hi", sample_context(payment_details="x" * 2_000,
                                                    invoices=invoice_lines(501)))
    assert in_subject.value.field == "subject"


def test_loops_that_write_nothing_stop_and_a_letter_of_thousands_of_invoices_does_not() -> None:
    body = ("Dear {{ contact_name }},\n{% for invoice in invoices %}\n"
            "{{ invoice.number }} due {{ invoice.due_date }}: {{ invoice.open }} "
            "({{ invoice.lateness }})\n{% endfor %}\nTotal {{ total_due }}")
    letter = render_letter("{{ invoice_count }} invoices", body,
                           sample_context(invoices=invoice_lines(5_000), invoice_count=5_000))
    assert letter.subject == "5000 invoices"
    assert letter.body.count(" due 31 Oct 2026: £100.00 (24 days overdue)") == 5_000

    idle = "{% for invoice in invoices %}{% endfor %}" * 400  # 400 loops over 300 invoices
    with pytest.raises(TemplateError) as caught:
        render_letter("Hi", idle, sample_context(invoices=invoice_lines(300)),
                      template_name="Statement e-mail")
    assert caught.value.field == "body"
    assert caught.value.message == (
        "The template “Statement e-mail” goes through the invoice list more than 100,000 "
        "times for Fenwick Ltd; use the invoice loop fewer times.")


def test_preview_names_the_saved_template_that_writes_too_much(empty_store: db.Store) -> None:
    who = ledger.customer("Long Letters Ltd")
    for _ in range(40):
        ledger.invoice(who, 100_00, due_days_ago=20)
    # The business's address (29 characters) 990 times for each of 40 invoices: 1.1 MB.
    body = "{% for invoice in invoices %}" + "{{business_address}}" * 990 + "{% endfor %}"
    saved = save_template(None, name="Huge letter", channel="letter", tone="firm",
                          language="en", subject="Your account", body=body)
    with pytest.raises(TemplateError, match="“Huge letter” would write more than 1,000,000 "
                                            "characters in its text for Long Letters Ltd"):
        preview(saved, who, ledger.TODAY)
    with pytest.raises(TemplateError, match="^This template would write more than"):
        preview(("Your account", body), who, ledger.TODAY)


_FRAGMENTS = st.sampled_from([
    "{{ customer_name }}", "{{ total_due }}", "{{ invoice.number }}", "{{ x.y }}", "{{",
    "}}", "{%", "%}", "{% if overdue_count %}", "{% else %}", "{% endif %}",
    "{% for invoice in invoices %}", "{% endfor %}", "{{ invoice.open > 3 }}", "[0]", "(",
    ")", "|upper", "|center(9)", " ", "\n", "text", "{# note #}", "{% raw %}", "{% endraw %}",
    "'", '"', "~", "{{ 1/0 }}", "{% include 'x' %}", "-%}", "{%-", "+%}",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=12).map("".join), st.sampled_from(["Hi", "{{ x"]))
def test_rendering_never_raises_anything_but_a_template_error(body: str, subject: str) -> None:
    try:
        letter = render_letter(subject, body, sample_context())
    except TemplateError as error:
        assert error.message and error.field in ("subject", "body")
    else:
        assert isinstance(letter.body, str)


# --- the Templates area's store ---------------------------------------------------

def test_the_defaults_are_listed_with_the_stages_that_send_them(empty_store: db.Store) -> None:
    rows = {(r.name, r.channel): r for r in template_list() if r.language == "en"}
    # 10 reminders, a welcome, a thank-you, an instalment's reminder and a missed
    # instalment's, by e-mail and letter
    assert len(rows) == 18
    assert rows[("Friendly email", "email")].used_by == (
        "Gentle: Friendly reminder", "Gentle: Second reminder", "Standard: Courtesy reminder",
        "Standard: Payment overdue")
    assert rows[("Final letter", "letter")].used_by == ("Firm: Final notice",)
    assert rows[("Personal email", "email")].used_by == ()
    phone = FollowUpStage.select().where(FollowUpStage.channel == "phone")
    assert phone.count() == 5 and all(s.template_id is None for s in phone)


def test_a_new_template_is_saved_read_back_and_audited(empty_store: db.Store) -> None:
    template_id = save_template(None, name="Thank you", channel="email", tone="friendly",
                                language="EN", subject="Thank you, {{ contact_name }}",
                                body="We received your payment.\n{{ business_name }}")
    text = template_text(template_id)
    assert (text.name, text.channel, text.tone, text.language) == (
        "Thank you", "email", "friendly", "en")
    assert text.subject == "Thank you, {{ contact_name }}"
    entry = AuditEntry.get((AuditEntry.table == "letter_template")
                           & (AuditEntry.row_id == template_id))
    assert entry.action == "add template"
    assert json.loads(entry.after)["body"] == "We received your payment.\n{{ business_name }}"


def test_editing_a_template_keeps_what_it_was_in_the_audit_log(empty_store: db.Store) -> None:
    row = template_list()[0]
    before = template_text(row.id)
    save_template(row.id, name=row.name, channel=row.channel, tone=row.tone,
                  language=row.language, subject="New subject", body="New text")
    assert template_text(row.id).body == "New text"
    entry = AuditEntry.get(AuditEntry.action == "edit template")
    assert json.loads(entry.before)["body"] == before.body
    assert json.loads(entry.after)["subject"] == "New subject"


def test_a_template_with_an_unknown_field_is_refused_when_saving(empty_store: db.Store) -> None:
    count = LetterTemplate.select().count()
    with pytest.raises(TemplateError) as caught:
        save_template(None, name="Typo", channel="letter", tone="firm", language="en",
                      subject="Account {{ customer_code }}",
                      body="Dear {{ contact_name }},\nPay {{ totl_due }} now.")
    assert caught.value.field == "body"
    assert caught.value.message == ("Line 2: “{{ totl_due }}” is not a merge field. "
                                    "Did you mean “total_due”?")
    assert LetterTemplate.select().count() == count
    assert not AuditEntry.select().where(AuditEntry.table == "letter_template").exists()


def test_a_second_template_of_the_same_name_channel_and_language_is_refused(
        empty_store: db.Store) -> None:
    with pytest.raises(LedgerError) as caught:
        save_template(None, name="Firm letter", channel="letter", tone="firm", language="en",
                      subject="", body="Pay.")
    assert caught.value.field == "name"
    assert caught.value.message == ("There is already a letter template called “Firm letter” "
                                    "in this language; choose another name.")
    assert save_template(None, name="Firm letter", channel="letter", tone="firm",
                         language="fi", subject="", body="Maksakaa.")
    other = next(r for r in template_list() if r.name == "Polite email" and r.language == "en")
    with pytest.raises(LedgerError, match="already an e-mail template called “Friendly email”"):
        save_template(other.id, name="Friendly email", channel="email", tone="polite",
                      language="en", subject="", body="Pay.")


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "  "}, "name"),
    ({"channel": "fax"}, "channel"),
    ({"tone": "angry"}, "tone"),
    ({"language": "english!"}, "language"),
    ({"body": "\n"}, "body"),
])
def test_a_template_needs_a_name_a_channel_a_tone_a_language_and_a_text(
        empty_store: db.Store, changes: dict[str, str], field: str) -> None:
    values = {"name": "New", "channel": "email", "tone": "polite", "language": "en",
              "subject": "", "body": "Text"} | changes
    with pytest.raises(LedgerError) as caught:
        save_template(None, **values)
    assert caught.value.field == field


def test_preview_fills_in_a_template_for_a_demo_customer(demo_store: db.Store) -> None:
    template = next(r for r in template_list() if r.name == "Firm letter" and r.language == "en")
    customer = Customer.get(Customer.name == "Łukaszewski S.A.")
    letter = preview(template.id, customer.id, DEMO_TODAY)
    assert letter.subject == ("Payment required: overdue account C00047 with "
                              "Harbour & Finch Ltd")
    assert letter.body.startswith("Dear Paweł Łukaszewski,\n\nDespite our earlier reminders")
    assert "INV-0000870" in letter.body and "69 days overdue" in letter.body
    edited = preview(("Hello {{ customer_name }}", "{{ invoice_count }} overdue"),
                     customer.id, DEMO_TODAY)
    assert edited == type(letter)("Hello Łukaszewski S.A.", "6 overdue\n")


def test_preview_of_text_being_edited_reports_its_mistake(demo_store: db.Store) -> None:
    with pytest.raises(TemplateError, match="Did you mean “total_due”"):
        preview(("Hi", "{{ total_du }}"), 1, DEMO_TODAY)
    with pytest.raises(LedgerError, match="That template no longer exists"):
        preview(9999, 1, DEMO_TODAY)
