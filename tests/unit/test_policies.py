"""Settings for getting paid: terms, late charges, follow-up stages, rates and defaults."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from models import db
from models.errors import LedgerError
from models.followup import (
    DEFAULT_POLICY_SETTING,
    default_policy_id,
    execute_action,
    follow_up_plan,
    stages_by_policy,
)
from models.ledger import CustomerDraft, pick_lists, update_customer
from models.policies import (
    DEFAULT_CREDIT_POLICY_SETTING,
    CreditPolicyRow,
    PaymentTermsRow,
    credit_policies,
    default_policies,
    delete_reference_rate,
    delete_stage,
    follow_up_policies,
    offset_words,
    parse_percent,
    payment_terms_list,
    policy_settings,
    regime_words,
    save_credit_policy,
    save_follow_up_policy,
    save_payment_terms,
    save_stage,
    set_default_policies,
    terms_words,
    update_reference_rate,
)
from models.reference_rates import add_reference_rate, rate_in_force, reference_rates
from models.schema import AuditEntry, FollowUpStage, LetterTemplate, Setting
from tests.unit.ledger_helpers import TODAY, customer, invoice


def audited(action: str) -> list[AuditEntry]:
    return list(AuditEntry.select().where(AuditEntry.action == action))


def terms(name: str) -> PaymentTermsRow:
    return next(row for row in payment_terms_list() if row.name == name)


def credit(name: str) -> CreditPolicyRow:
    return next(row for row in credit_policies() if row.name == name)


def policy_id(name: str) -> int:
    return next(p.id for p in follow_up_policies() if p.name == name)


def stages(name: str) -> list[tuple[int, str, int]]:
    policy = next(p for p in follow_up_policies() if p.name == name)
    return [(s.position, s.name, s.offset_days) for s in policy.stages]


def stage_id(policy: str, name: str) -> int:
    return int(FollowUpStage.get((FollowUpStage.policy == policy_id(policy))
                                 & (FollowUpStage.name == name)).id)


def template_id(channel: str, tone: str = "firm") -> int:
    return int(LetterTemplate.get((LetterTemplate.channel == channel)
                                  & (LetterTemplate.tone == tone)).id)


def stage_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dict(
        name="Reminder", offset_days=10, channel="email", template_id=None, tone="polite",
        fee_minor=0, apply_interest=False, apply_compensation=False, min_days_since_contact=0)
    fields.update(changes)
    return fields


# --- words ------------------------------------------------------------------------

@pytest.mark.parametrize(("offset", "words"), [
    (-3, "3 days before the due date"), (-1, "1 day before the due date"),
    (0, "on the due date"), (1, "1 day after the due date"), (14, "14 days after the due date")])
def test_a_stage_offset_reads_in_words(offset: int, words: str) -> None:
    assert offset_words(offset) == words


def test_terms_and_charges_read_in_words() -> None:
    assert terms_words(30, None, None) == "Net 30"
    assert terms_words(0, None, None) == "Due on receipt"
    assert terms_words(30, Decimal("2.00"), 10) == "2% off within 10 days, else net 30"
    assert regime_words("contractual_monthly", Decimal("1.5"), 7) == \
        "1.5% a month after 7 days' grace"
    assert regime_words("contractual_annual", Decimal("8"), 0) == "8% a year"
    assert regime_words("uk_statutory", None, 0) == "UK statutory late-payment interest"


@pytest.mark.parametrize(("typed", "value"), [
    ("2", Decimal("2")), (" 1.5 % ", Decimal("1.5")), ("2,5", Decimal("2.5")), ("", None)])
def test_a_percentage_is_read_as_typed(typed: str, value: Decimal | None) -> None:
    assert parse_percent(typed, "rate_percent") == value


@pytest.mark.parametrize("typed", ["two", "1.2.3", "NaN", "inf"])
def test_a_percentage_that_is_not_a_number_is_refused_at_its_field(typed: str) -> None:
    with pytest.raises(LedgerError) as refused:
        parse_percent(typed, "discount_percent")
    assert refused.value.field == "discount_percent"
    assert "is not a percentage" in refused.value.message


# --- payment terms ------------------------------------------------------------------

def test_new_terms_with_an_early_payment_discount_are_kept_and_audited(
        empty_store: db.Store) -> None:
    new_id = save_payment_terms(None, name="  3%  7, net 45 ", net_days=45,
                                discount_percent=Decimal("3"), discount_days=7)

    row = terms("3% 7, net 45")
    assert (row.id, row.net_days, row.discount_percent, row.discount_days, row.customers) == \
        (new_id, 45, Decimal("3"), 7, 0)
    assert [e.row_id for e in audited("add payment terms")] == [new_id]
    assert new_id in [choice.id for choice in pick_lists().payment_terms]


def test_changed_terms_keep_their_id_and_the_change_is_audited(empty_store: db.Store) -> None:
    net_14 = terms("Net 14").id
    save_payment_terms(net_14, name="Net 21", net_days=21, discount_percent=None,
                       discount_days=None)

    assert terms("Net 21").id == net_14
    (entry,) = audited("edit payment terms")
    assert json.loads(entry.before)["net_days"] == 14
    assert json.loads(entry.after)["net_days"] == 21


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"name": "  "}, "name", "Name the terms"),
    ({"name": "net 30"}, "name", "already exists"),
    ({"net_days": -1}, "net_days", "from 0 to 365"),
    ({"net_days": 366}, "net_days", "from 0 to 365"),
    ({"discount_percent": Decimal("2")}, "discount_days", "within how many days"),
    ({"discount_days": 10}, "discount_percent", "leave the discount days empty"),
    ({"discount_percent": Decimal("0"), "discount_days": 10}, "discount_percent",
     "more than 0%"),
    ({"discount_percent": Decimal("100"), "discount_days": 10}, "discount_percent",
     "less than 100%"),
    ({"discount_percent": Decimal("2"), "discount_days": 30}, "discount_days",
     "fewer than 30 days"),
    ({"discount_percent": Decimal("2"), "discount_days": -1}, "discount_days",
     "from 0 to 365"),
])
def test_terms_that_will_not_do_are_refused_at_their_field(
        empty_store: db.Store, changes: dict[str, Any], field: str, words: str) -> None:
    fields: dict[str, Any] = dict(name="Net 60", net_days=30, discount_percent=None,
                                     discount_days=None)
    fields.update(changes)
    with pytest.raises(LedgerError) as refused:
        save_payment_terms(None, **fields)
    assert refused.value.field == field
    assert words in refused.value.message
    assert not audited("add payment terms")


# --- late-payment charges -----------------------------------------------------------

def test_a_contractual_policy_keeps_its_rate_and_grace(empty_store: db.Store) -> None:
    new_id = save_credit_policy(None, name="2% a month", regime="contractual_monthly",
                                rate_percent=Decimal("2"), grace_days=5,
                                fixed_compensation=True)

    row = credit("2% a month")
    assert (row.id, row.regime, row.rate_percent, row.grace_days) == \
        (new_id, "contractual_monthly", Decimal("2"), 5)
    # Fixed compensation is the statutory regimes' (a contractual stage charges a fee).
    assert row.fixed_compensation is False
    assert [e.row_id for e in audited("add credit policy")] == [new_id]


@pytest.mark.parametrize("regime", ["uk_statutory", "eu_statutory"])
def test_a_statutory_policy_ignores_a_rate_and_grace_the_law_sets(
        empty_store: db.Store, regime: str) -> None:
    save_credit_policy(None, name="Statutory", regime=regime, rate_percent=Decimal("12"),
                       grace_days=30, fixed_compensation=True)

    row = credit("Statutory")
    assert (row.rate_percent, row.grace_days, row.fixed_compensation) == (None, 0, True)


def test_a_policy_that_charges_nothing_keeps_nothing_else(empty_store: db.Store) -> None:
    policy = credit("Contractual 8% a year").id
    save_credit_policy(policy, name="Contractual 8% a year", regime="none",
                       rate_percent=Decimal("8"), grace_days=3, fixed_compensation=True)

    row = credit("Contractual 8% a year")
    assert (row.regime, row.rate_percent, row.grace_days, row.fixed_compensation) == \
        ("none", None, 0, False)
    assert len(audited("edit credit policy")) == 1


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"name": ""}, "name", "Name the policy"),
    ({"name": "No Charges"}, "name", "already exists"),
    ({"regime": "whenever"}, "regime", "Choose how late payment is charged"),
    ({"rate_percent": None}, "rate_percent", "in percent a year"),
    ({"regime": "contractual_monthly", "rate_percent": None}, "rate_percent",
     "in percent a month"),
    ({"rate_percent": Decimal("0")}, "rate_percent", "more than 0%"),
    ({"rate_percent": Decimal("-1")}, "rate_percent", "more than 0%"),
    ({"rate_percent": Decimal("100")}, "rate_percent", "less than 100%"),
    ({"grace_days": -1}, "grace_days", "from 0 to 365"),
    ({"grace_days": 400}, "grace_days", "from 0 to 365"),
])
def test_a_policy_that_will_not_do_is_refused_at_its_field(
        empty_store: db.Store, changes: dict[str, Any], field: str, words: str) -> None:
    fields: dict[str, Any] = dict(name="New", regime="contractual_annual",
                                     rate_percent=Decimal("8"), grace_days=0,
                                     fixed_compensation=False)
    fields.update(changes)
    with pytest.raises(LedgerError) as refused:
        save_credit_policy(None, **fields)
    assert refused.value.field == field
    assert words in refused.value.message


# --- follow-up policies and stages ----------------------------------------------------

def test_a_new_policy_starts_without_stages_and_gains_them_in_day_order(
        empty_store: db.Store) -> None:
    new_id = save_follow_up_policy(None, name="Patient", description=" Slow and kind ",
                                   min_balance_minor=50_00)
    save_stage(None, new_id, **stage_fields(name="Late", offset_days=20))
    save_stage(None, new_id, **stage_fields(name="Courtesy", offset_days=-5))
    save_stage(None, new_id, **stage_fields(name="Overdue", offset_days=5))

    policy = next(p for p in follow_up_policies() if p.id == new_id)
    assert (policy.description, policy.min_balance_minor) == ("Slow and kind", 50_00)
    assert stages("Patient") == [(1, "Courtesy", -5), (2, "Overdue", 5), (3, "Late", 20)]
    assert len(audited("add follow-up stage")) == 3
    # The engine reads them in the same order.
    assert [s.name for s in stages_by_policy()[new_id]] == ["Courtesy", "Overdue", "Late"]


def test_moving_a_stage_to_another_day_numbers_the_stages_again(empty_store: db.Store) -> None:
    standard = policy_id("Standard")
    second = stage_id("Standard", "Second reminder")

    save_stage(second, standard, **stage_fields(name="Second reminder", offset_days=50))

    assert stages("Standard") == [
        (1, "Courtesy reminder", -3), (2, "Payment overdue", 1), (3, "Phone call", 30),
        (4, "Final notice", 45), (5, "Second reminder", 50), (6, "Agency review", 60)]
    (entry,) = audited("edit follow-up stage")
    assert (json.loads(entry.before)["offset_days"], json.loads(entry.after)["offset_days"]) \
        == (14, 50)


def test_a_stage_moved_to_the_front_takes_position_one(empty_store: db.Store) -> None:
    standard = policy_id("Standard")
    agency = stage_id("Standard", "Agency review")

    save_stage(agency, standard, **stage_fields(name="Agency review", offset_days=-10))

    assert [name for _, name, _ in stages("Standard")][:2] == \
        ["Agency review", "Courtesy reminder"]
    assert [p for p, _, _ in stages("Standard")] == [1, 2, 3, 4, 5, 6]


def test_two_stages_of_one_policy_cannot_fall_on_the_same_day(empty_store: db.Store) -> None:
    standard = policy_id("Standard")
    with pytest.raises(LedgerError) as refused:
        save_stage(None, standard, **stage_fields(offset_days=14))
    assert refused.value.field == "offset_days"
    assert refused.value.message == ("“Second reminder” already falls 14 days after the due "
                                     "date; two stages of a policy cannot fall on the same "
                                     "day.")
    # Another policy may use the day, and a stage may keep its own day when edited.
    save_stage(None, policy_id("Gentle"), **stage_fields(offset_days=14))
    second = stage_id("Standard", "Second reminder")
    save_stage(second, standard, **stage_fields(name="Second reminder", offset_days=14,
                                                tone="firm"))
    assert len(stages("Standard")) == 6


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"name": " "}, "name", "Name the stage"),
    ({"offset_days": -366}, "offset_days", "365 days before to 730 days after"),
    ({"offset_days": 731}, "offset_days", "365 days before to 730 days after"),
    ({"channel": "fax"}, "channel", "e-mail, a letter or a phone call"),
    ({"tone": "rude"}, "tone", "Choose the tone"),
    ({"fee_minor": -1}, "fee_minor", "below zero"),
    ({"offset_days": 0, "fee_minor": 10_00}, "fee_minor", "nothing is late yet"),
    ({"offset_days": -3, "apply_interest": True}, "apply_interest", "nothing is late yet"),
    ({"offset_days": 0, "apply_compensation": True}, "apply_compensation",
     "nothing is late yet"),
    ({"min_days_since_contact": -1}, "min_days_since_contact", "from 0 to 365"),
    ({"channel": "phone", "template_id": 1}, "template_id", "choose no template"),
])
def test_a_stage_that_will_not_do_is_refused_at_its_field(
        empty_store: db.Store, changes: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(LedgerError) as refused:
        save_stage(None, policy_id("Firm"), **stage_fields(**changes))
    assert refused.value.field == field
    assert words in refused.value.message
    assert len(stages("Firm")) == 6


def test_a_stage_sends_a_template_of_its_own_channel(empty_store: db.Store) -> None:
    firm = policy_id("Firm")
    with pytest.raises(LedgerError) as refused:
        save_stage(None, firm, **stage_fields(channel="email",
                                              template_id=template_id("letter")))
    assert refused.value.field == "template_id"
    assert "is a letter template" in refused.value.message
    with pytest.raises(LedgerError) as gone:
        save_stage(None, firm, **stage_fields(template_id=10_000))
    assert gone.value.message == "That template no longer exists."

    new_id = save_stage(None, firm, **stage_fields(
        channel="letter", template_id=template_id("letter"), fee_minor=25_00,
        apply_interest=True))
    stage = next(s for s in next(p for p in follow_up_policies() if p.id == firm).stages
                 if s.id == new_id)
    assert (stage.template_name, stage.fee_minor, stage.apply_interest) == \
        ("Firm letter", 25_00, True)


def test_a_stage_cannot_be_added_to_a_policy_that_is_gone(empty_store: db.Store) -> None:
    with pytest.raises(LedgerError) as refused:
        save_stage(None, 10_000, **stage_fields())
    assert refused.value.field == "policy_id"


def test_a_stage_never_carried_out_can_be_removed_and_the_rest_close_up(
        empty_store: db.Store) -> None:
    phone = stage_id("Standard", "Phone call")
    delete_stage(phone)

    assert stages("Standard") == [
        (1, "Courtesy reminder", -3), (2, "Payment overdue", 1), (3, "Second reminder", 14),
        (4, "Final notice", 45), (5, "Agency review", 60)]
    (entry,) = audited("delete follow-up stage")
    assert json.loads(entry.before)["name"] == "Phone call"


def test_a_stage_carried_out_for_an_invoice_cannot_be_removed(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 300_00, due_days_ago=2)
    (action,) = follow_up_plan(TODAY).due
    execute_action(who, "GBP", TODAY, stage_id=action.stage.id)

    with pytest.raises(LedgerError) as refused:
        delete_stage(action.stage.id)
    assert refused.value.field == "stage"
    assert refused.value.message == ("“Payment overdue” has already been carried out for 1 "
                                     "invoice, so it stays: their history names it. Change "
                                     "its day or channel instead.")
    assert len(stages("Standard")) == 6
    executed = next(s for s in next(p for p in follow_up_policies()
                                    if p.name == "Standard").stages if s.id == action.stage.id)
    assert executed.executions == 1


def test_a_renamed_policy_keeps_its_stages(empty_store: db.Store) -> None:
    gentle = policy_id("Gentle")
    save_follow_up_policy(gentle, name="Good payers", description="", min_balance_minor=0)
    assert len(stages("Good payers")) == 4
    with pytest.raises(LedgerError) as refused:
        save_follow_up_policy(None, name="good payers", description="", min_balance_minor=0)
    assert (refused.value.field, refused.value.message) == (
        "name", "A follow-up policy called “good payers” already exists; choose another name.")
    with pytest.raises(LedgerError) as negative:
        save_follow_up_policy(gentle, name="Good payers", description="",
                              min_balance_minor=-1)
    assert negative.value.field == "min_balance_minor"


# --- defaults -------------------------------------------------------------------------

def test_the_business_defaults_are_kept_in_settings(empty_store: db.Store) -> None:
    standard, gentle = policy_id("Standard"), policy_id("Gentle")
    assert default_policies() == (standard, None)  # "Standard" until the business chooses

    uk = credit("UK statutory late payment").id
    set_default_policies(gentle, uk)

    assert default_policies() == (gentle, uk)
    assert default_policy_id() == gentle  # the follow-up engine follows it
    assert json.loads(Setting.get_by_id(DEFAULT_CREDIT_POLICY_SETTING).value) == uk
    assert json.loads(Setting.get_by_id(DEFAULT_POLICY_SETTING).value) == gentle
    (entry,) = audited("set default policies")
    assert json.loads(entry.after) == {"followup_policy_id": gentle, "credit_policy_id": uk}

    set_default_policies(None, None)
    assert default_policies() == (standard, None)


def test_a_default_that_is_gone_is_refused(empty_store: db.Store) -> None:
    with pytest.raises(LedgerError) as refused:
        set_default_policies(policy_id("Gentle"), 10_000)
    assert refused.value.field == "credit_policy_id"
    assert default_policies()[0] == policy_id("Standard")


# --- reference rates ---------------------------------------------------------------------

def test_a_reference_rate_can_be_corrected_and_removed(empty_store: db.Store) -> None:
    day = dt.date(2026, 2, 5)
    add_reference_rate("BOE_BASE", day, Decimal("3.5"), "MPC decision of 5 Feb 2026")
    update_reference_rate("boe_base", day, rate_percent=Decimal("3.25"),
                          source="MPC decision announced 5 Feb 2026")

    assert rate_in_force("BOE_BASE", day).rate_percent == Decimal("3.25")
    (entry,) = audited("edit reference rate")
    assert json.loads(entry.before)["rate_percent"] == "3.5"

    delete_reference_rate("BOE_BASE", day)
    assert day not in [r.effective_from for r in reference_rates("BOE_BASE")]
    assert len(audited("delete reference rate")) == 1
    with pytest.raises(LedgerError) as gone:
        delete_reference_rate("BOE_BASE", day)
    assert gone.value.field == "effective_from"


@pytest.mark.parametrize(("changes", "field"), [
    ({"rate_percent": Decimal("100")}, "rate_percent"),
    ({"source": " "}, "source"),
])
def test_a_correction_that_will_not_do_is_refused(
        empty_store: db.Store, changes: dict[str, Any], field: str) -> None:
    fields: dict[str, Any] = dict(rate_percent=Decimal("4"), source="Bank")
    fields.update(changes)
    with pytest.raises(LedgerError) as refused:
        update_reference_rate("BOE_BASE", dt.date(2025, 12, 18), **fields)
    assert refused.value.field == field


# --- everything at once ---------------------------------------------------------------

def test_the_settings_area_reads_everything_at_once(empty_store: db.Store) -> None:
    who = customer()
    net_30 = terms("Net 30").id
    update_customer(who, CustomerDraft(code="", name="Zoë Ødegård AS", currency="GBP",
                                       payment_terms_id=net_30))
    settings = policy_settings()

    assert settings.currency == "GBP"
    assert [t.name for t in settings.payment_terms] == ["Net 14", "2% 10, net 30", "Net 30"]
    assert next(t for t in settings.payment_terms if t.id == net_30).customers == 1
    assert [p.name for p in settings.follow_up_policies] == ["Firm", "Gentle", "Payment plans",
                                                             "Standard"]
    assert [p.name for p in settings.follow_up_policies if p.for_customers] == [
        "Firm", "Gentle", "Standard"]
    assert settings.default_followup_policy_id == policy_id("Standard")
    assert settings.default_credit_policy_id is None
    assert len(settings.templates) == 18  # reminders, welcomes, thank-yous, instalments
    boe = [r for r in settings.reference_rates if r.series == "BOE_BASE"]
    assert boe[0].effective_from > boe[-1].effective_from  # newest first
