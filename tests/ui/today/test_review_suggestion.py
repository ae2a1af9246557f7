"""The review of a reminder says how the customer pays and what to do about it (issue 18):
"Temporary difficulty: offer a payment plan rather than escalate"."""

from __future__ import annotations

from models.customer_class import assessed_profile
from models.followup import due_action
from models.kinds import CustomerClass
from tests.conftest import DEMO_TODAY
from tests.ui.today.test_action_review import make_page, page, reminders, review  # noqa: F401
from tests.unit.ledger_helpers import TODAY, customer, invoice
from tests.unit.test_customer_profile import history
from ui.today.action_review_dialog import ActionReview, ActionReviewDialog, how_they_pay


def test_a_customer_in_temporary_difficulty_is_offered_a_plan_not_escalation(
        qtbot, empty_store) -> None:
    who = customer("Quayside Bakery")
    history(who, [0] * 14 + [9], first_due_days_ago=600)
    history(who, [40, 45], first_due_days_ago=150)
    invoice(who, 100_00, due_days_ago=90)  # still unpaid: a reminder is due
    action = due_action(who, "GBP", TODAY)
    assert action is not None
    _profile, classification, advice = assessed_profile(who, TODAY)
    assert classification.kind is CustomerClass.TEMPORARY_DIFFICULTY

    dialog = ActionReviewDialog(review=ActionReview(action, None, "", classification, advice))
    qtbot.addWidget(dialog)

    assert dialog.class_label.text().startswith(
        "Temporary difficulty: offer a payment plan rather than escalate")
    assert dialog.class_label.toolTip().splitlines() == [
        "• Paid 14 of 15 invoices on time until May 2026.",
        "• The last 3 are all late: 40 to 90 days (1 still unpaid)."]


def test_the_review_opened_from_today_shows_the_class_and_the_suggestion(qtbot, page):  # noqa: F811
    item = reminders(page, "email")[0]
    dialog = review(qtbot, page, item)
    _profile, classification, advice = assessed_profile(item.customer_id, DEMO_TODAY)
    assert dialog.class_label.text() == f"{classification.kind.word}: " \
                                        f"{advice[:1].lower()}{advice[1:]}"
    assert dialog.class_label.isVisible()
    assert classification.reasons[0] in dialog.class_label.toolTip()
    dialog.reject()


def test_a_review_read_without_the_class_shows_no_line_for_it(qtbot, empty_store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=40)
    action = due_action(who, "GBP", TODAY)
    assert action is not None
    review_ = ActionReview(action, None, "")
    assert how_they_pay(review_) == ""
    dialog = ActionReviewDialog(review=review_)
    qtbot.addWidget(dialog)
    assert not dialog.class_label.isVisibleTo(dialog)
