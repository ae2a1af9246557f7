"""Template A against template B: each reminder keeps the template its letter or e-mail
was written from, and what-works compares the templates actually used at a stage
(issue 18)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from models import db
from models.company import create_business
from models.kinds import ReminderAspect
from models.migrations import MIGRATIONS, _v19_contact_template
from models.schema import FollowUpStage, Interaction, LetterTemplate
from models.template_store import save_template, template_text
from models.what_works import MIN_CASES, NOT_ENOUGH, what_works
from reports.due_letters import print_due_letters
from reports.email_reminders import queue_due_emails
from tests.helpers import undo_contact_template
from tests.unit.ledger_helpers import TODAY, customer, invoice
from tests.unit.test_what_works import DAY, DUE, DUE_DAYS_AGO, chased_by_stage, pay, row

STAGE = "Payment overdue"  # the Standard policy's, 1 day after the due date
A, B = "Friendly email", "Short email"


def _short_template() -> None:
    """A second e-mail template, B, beside the stage's own (A)."""
    friendly = template_text(FollowUpStage.get(FollowUpStage.name == STAGE).template_id)
    save_template(None, name=B, channel="email", tone="friendly", language="en",
                  subject="Overdue invoices", body=friendly.body)


def _history(with_a: int, with_b: int) -> None:
    """``with_a`` customers sent the stage from template A who paid 3 days later, and
    ``with_b`` sent it from B who never paid."""
    for n in range(with_a):
        who = customer(f"Paid {n}")
        bill = invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
        assert chased_by_stage(who, 1, A) == STAGE
        pay(who, bill, DUE + 4 * DAY)
    for n in range(with_b):
        who = customer(f"Unpaid {n}")
        invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
        chased_by_stage(who, 1, B)


def test_template_a_paid_in_3_days_beats_template_b_that_was_not_paid(
        empty_store: db.Store) -> None:
    _short_template()
    _history(MIN_CASES, MIN_CASES)
    answer = what_works(TODAY)
    [comparison] = answer.comparisons_for(None)
    assert (comparison.stage, comparison.template_a, comparison.template_b) == (STAGE, A, B)
    assert (comparison.cases_a, comparison.settled_a) == (MIN_CASES, MIN_CASES)
    assert (comparison.cases_b, comparison.settled_b) == (MIN_CASES, 0)
    assert comparison.verdict == "A works better" and comparison.significant
    assert row(answer, ReminderAspect.TEMPLATE, A).median_days == 3
    assert row(answer, ReminderAspect.TEMPLATE, B).median_days is None  # over 30
    assert answer.assumed_templates == 0


def test_below_30_cases_on_a_side_the_templates_are_not_enough_cases_yet(
        empty_store: db.Store) -> None:
    _short_template()
    _history(MIN_CASES, MIN_CASES - 1)
    [comparison] = what_works(TODAY).comparisons_for(None)
    assert (comparison.cases_b, comparison.verdict, comparison.z) == (
        MIN_CASES - 1, NOT_ENOUGH, None)


def test_the_template_is_the_one_used_then_not_the_one_the_stage_sends_now(
        empty_store: db.Store) -> None:
    _short_template()
    _history(2, 0)
    stage = FollowUpStage.get(FollowUpStage.name == STAGE)
    FollowUpStage.update(template=LetterTemplate.get(LetterTemplate.name == B)).where(
        FollowUpStage.id == stage.id).execute()
    answer = what_works(TODAY)
    assert {r.value: r.cases for r in answer.rows_for(None)
            if r.aspect == ReminderAspect.TEMPLATE} == {A: 2}


def test_old_reminders_without_a_template_count_under_the_stages_current_one(
        empty_store: db.Store) -> None:
    _short_template()
    _history(2, 1)
    old = Interaction.select(Interaction.id).where(Interaction.template_name == A).limit(1)
    Interaction.update(template_name=None).where(Interaction.id.in_(old)).execute()
    answer = what_works(TODAY)
    assert answer.assumed_templates == 1
    assert row(answer, ReminderAspect.TEMPLATE, A).cases == 2  # the stage sends A now
    assert "sent before Duly kept their template" in answer.method


def test_a_reminder_written_from_no_template_counts_under_none(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
    chased_by_stage(who, 1, "")  # the user's own words, or done outside Duly
    answer = what_works(TODAY)
    assert row(answer, ReminderAspect.STAGE, STAGE).cases == 1
    assert not [r for r in answer.rows if r.aspect == ReminderAspect.TEMPLATE]
    assert answer.assumed_templates == 0


# --- recorded when sent or printed ---------------------------------------------------

def test_an_email_queued_keeps_the_template_it_was_written_from(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=2)
    assert queue_due_emails(TODAY).queued == 1
    [contact] = Interaction.select().where(Interaction.customer == who)
    assert contact.template_name == A


def test_a_letter_printed_keeps_the_template_it_was_written_from(
        empty_store: db.Store, tmp_path: Path) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=46)  # the Standard policy's "Final notice" letter
    result = print_due_letters(TODAY, tmp_path / "letters.pdf",
                               now=dt.datetime.combine(TODAY, dt.time(17)))
    assert result.letters == 1
    [contact] = Interaction.select().where(Interaction.customer == who)
    stage = FollowUpStage.get_by_id(contact.stage_id)
    assert contact.template_name == LetterTemplate.get_by_id(stage.template_id).name


def test_a_template_renamed_later_keeps_its_reminders_under_the_name_they_went_with(
        empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
    chased_by_stage(who, 1)
    template = LetterTemplate.get((LetterTemplate.name == A) & (LetterTemplate.language == "en"))
    save_template(template.id, name="Gentle email", channel="email", tone="friendly",
                  language="en", subject=template.subject, body=template.body)
    [contact] = Interaction.select().where(Interaction.customer == who)
    assert contact.template_name == A


# --- a store from before -------------------------------------------------------------

def _my_version() -> int:
    return next(v for v, step in MIGRATIONS.items() if step is _v19_contact_template)


def test_a_store_before_contact_templates_keeps_its_contacts_with_none_known(
        tmp_path: Path) -> None:
    from tests.helpers import schema_of

    path = tmp_path / "before.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer()
        invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
        chased_by_stage(who, 1)
    finally:
        store.close()
    with sqlite3.connect(path) as connection:
        undo_contact_template(connection)
        connection.execute(f"PRAGMA user_version = {_my_version() - 1}")
    connection.close()
    new = tmp_path / "new.sqlite"
    db.open_store(new, create=True).close()
    store = db.open_store(path)
    try:
        assert store.migrated_from == _my_version() - 1
        [contact] = Interaction.select()
        assert contact.template_name is None  # not known: recorded before it was kept
        answer = what_works(TODAY)
        assert answer.assumed_templates == 1
        assert row(answer, ReminderAspect.TEMPLATE, A).cases == 1
    finally:
        store.close()
    assert schema_of(path) == schema_of(new)


@pytest.mark.parametrize("name", ["", A])
def test_a_contact_logged_now_says_which_template_or_none(empty_store: db.Store,
                                                          name: str) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
    chased_by_stage(who, 1, name)
    [contact] = Interaction.select().where(Interaction.customer == who)
    assert contact.template_name == name


def test_the_command_says_how_many_old_reminders_count_under_the_stages_template(
        empty_store: db.Store) -> None:
    from reports.what_works_text import what_works_json, what_works_table

    who = customer()
    invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
    chased_by_stage(who, 1)
    Interaction.update(template_name=None).execute()
    answer = what_works(TODAY)
    table = what_works_table(answer)
    assert "1 older letter or e-mail counts under the template its stage sends now" in table
    assert "Template A against B: not enough cases yet" in table
    assert '"assumed_templates": 1' in what_works_json(answer)
