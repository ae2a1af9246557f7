"""Every action due drafts its text: letters and e-mails from templates, calls as points."""

from __future__ import annotations

from models import db
from models.action_letters import draft_for
from models.followup import follow_up_plan
from tests.conftest import DEMO_TODAY


def test_every_action_due_in_the_demo_drafts_its_text(demo_store: db.Store) -> None:
    plan = follow_up_plan(DEMO_TODAY)
    assert plan.due
    for action in plan.due:
        draft = draft_for(action, DEMO_TODAY)
        assert draft.channel == action.stage.channel
        for invoice in action.invoices:
            assert invoice.number in draft.text
        if action.stage.channel == "phone":
            assert draft.subject == "" and draft.text.startswith(f"Call {action.customer_name}")
        else:
            assert draft.subject and draft.template_name
            assert "{{" not in draft.text and "{%" not in draft.text


def test_a_final_notice_names_the_next_step_and_its_date(demo_store: db.Store) -> None:
    from models.schema import Customer

    final = next(a for a in follow_up_plan(DEMO_TODAY).due if a.stage.name == "Final notice")
    Customer.update(language="en", country="GB").where(
        Customer.id == final.customer_id).execute()
    draft = draft_for(final, DEMO_TODAY)
    assert "refer the account to a collection agency" in draft.text
    assert "8 Dec 2026" in draft.text  # Agency review comes 15 days later


def test_the_customers_language_chooses_the_template_for_letters_and_e_mails_alike(
        demo_store: db.Store) -> None:
    from models.kinds import Channel
    from models.schema import Customer, LetterTemplate
    from models.template_store import letter_template_for

    final = next(a for a in follow_up_plan(DEMO_TODAY).due if a.stage.name == "Final notice"
                 and a.stage.channel == Channel.LETTER)
    Customer.update(language="fi").where(Customer.id == final.customer_id).execute()
    # No Finnish letter: the stage's own, and the review is told so.
    english = draft_for(final, DEMO_TODAY)
    assert english.language_note == ("The template has no Finnish version: this is written "
                                     "in English.")
    stage_template = LetterTemplate.get_by_id(final.stage.template_id)
    finnish = LetterTemplate.create(name=stage_template.name, channel=Channel.LETTER,
                                   language="fi", tone=final.stage.tone,
                                   subject="Maksukehotus — asiakas {{ customer_code }}",
                                   body="Hyvä asiakas,\n\n{{ total_due }}\n")
    letter = draft_for(final, DEMO_TODAY)
    assert letter.language_note == ""
    assert letter.subject.startswith("Maksukehotus")  # the Finnish version of the stage's
    # An e-mail stage printed as a letter takes the same Finnish letter.
    assert letter_template_for(final.stage.tone, final.customer_id) == finnish.id
    # Another customer, in English, keeps the stage's own template.
    english_action = next(a for a in follow_up_plan(DEMO_TODAY).due
                          if a.stage.template_id == final.stage.template_id
                          and a.customer_id != final.customer_id)
    assert not draft_for(english_action, DEMO_TODAY).subject.startswith("Maksukehotus")
