"""Which follow-up actions may be carried out as a write-off (the policy's last stage,
about invoices), and reading back the write-offs one action made."""

from __future__ import annotations

from models import db
from models.followup import due_action, follow_up_plan
from models.kinds import WriteOffReason
from models.policy_stages import is_final_stage, stages_by_policy
from models.write_offs import can_write_off_action, write_off, write_off_action, write_offs
from tests.conftest import DEMO_TODAY
from tests.unit.ledger_helpers import TODAY, customer, invoice


def test_only_the_last_stage_of_a_policy_is_final(empty_store: db.Store) -> None:
    for stages in stages_by_policy().values():
        assert [is_final_stage(s) for s in stages] == [False] * (len(stages) - 1) + [True]


def test_the_last_stage_on_invoices_may_be_written_off_an_earlier_one_not(
        empty_store: db.Store) -> None:
    late, early = customer(), customer()
    invoice(late, 500_00, due_days_ago=70)
    invoice(early, 80_00, due_days_ago=10)
    last = due_action(late, "GBP", TODAY)
    earlier = due_action(early, "GBP", TODAY)
    assert last is not None and earlier is not None
    assert can_write_off_action(last)
    assert not can_write_off_action(earlier)


def test_a_payment_plans_reminder_is_never_written_off(demo_store: db.Store) -> None:
    instalments = [a for a in follow_up_plan(DEMO_TODAY).due if a.instalment is not None]
    assert instalments
    assert not any(can_write_off_action(a) for a in instalments)


def test_the_write_offs_of_one_action_are_read_back_by_their_ids(empty_store: db.Store) -> None:
    who, other = customer(), customer()
    bills = [invoice(who, 500_00, due_days_ago=70), invoice(who, 40_00, due_days_ago=65)]
    earlier = write_off(invoice(other, 12_00, due_days_ago=90), reason="too_small",
                        today=TODAY)
    action = due_action(who, "GBP", TODAY)
    assert action is not None
    made = write_off_action(who, "GBP", TODAY, stage_id=action.stage.id,
                            reason=WriteOffReason.INSOLVENT, notes="Wound up", today=TODAY)
    rows = write_offs(ids=made)
    assert [r.invoice_id for r in rows] == bills
    assert {(r.reason, r.notes, r.amount_minor) for r in rows} == {
        (WriteOffReason.INSOLVENT, "Wound up", 500_00), (WriteOffReason.INSOLVENT, "Wound up",
                                                         40_00)}
    assert [r.write_off_id for r in write_offs(ids=[earlier])] == [earlier]
    assert write_offs(ids=[]) == []
