"""Referring an account to a collection agency: the pre-referral check, the referral,
the agency's updates and recoveries with their commission, and the recall."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import db
from models.agencies import AgencyDraft, add_agency, case_commission
from models.check import check_store
from models.disputes import open_dispute
from models.errors import LedgerError
from models.followup import execute_action, follow_up_plan
from models.kinds import DisputeCategory, InvoiceStatus, PlanFrequency, ReferralStatus
from models.migrations import LATEST_VERSION, MIGRATIONS, _v18_agency_referrals
from models.plan_schedule import ScheduleTerms
from models.plans import PlanDraft, agree_plan
from models.referrals import (
    NOTICE_DAYS,
    recall,
    record_recovery,
    record_update,
    record_warning,
    refer,
    referral,
    referral_check,
    referral_history,
    referrals,
)
from models.schema import AgencyReferral, Invoice, ReferralInvoice
from models.timeline import customer_timeline
from models.today import worklist
from tests.helpers import undo_agency_referrals
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines

DAY = dt.timedelta(days=1)
READY = TODAY + (NOTICE_DAYS + 1) * DAY  # the final notice's deadline and the warning's time passed


def agency_id(percent: str = "15", minimum: int | None = 50_00) -> int:
    return add_agency(AgencyDraft(name=f"Northgate {percent} {minimum}",
                                  email="cases@northgate.example",
                                  commission_percent=Decimal(percent),
                                  commission_min_minor=minimum,
                                  currency="GBP" if minimum is not None else ""))


def send_final_notice(who: int, day: dt.date = TODAY) -> int:
    action = next(a for a in follow_up_plan(day).due if a.customer_id == who)
    assert action.stage.name == "Final notice"
    return execute_action(who, action.currency, day, stage_id=action.stage.id,
                          subject="Final notice", text="Unless paid within 7 days we will "
                          "pass the account to a debt collection agency.",
                          now=dt.datetime.combine(day, dt.time(9)))


def ready_account(amount: int = 800_00) -> tuple[int, int]:
    """A customer sent the final notice (which warned them) on TODAY, and its invoice."""
    who = customer()
    bill = invoice(who, amount, due_days_ago=50)
    contact = send_final_notice(who)
    record_warning(who, contact_id=contact)
    return who, bill


def step(check, name: str):  # type: ignore[no-untyped-def]
    return next(s for s in check.steps if s.name == name)


def chased(who: int, day: dt.date) -> bool:
    return any(a.customer_id == who for a in follow_up_plan(day).due)


# --- the pre-referral check -----------------------------------------------------------

def test_an_account_with_every_step_done_passes_the_check(empty_store: db.Store) -> None:
    who, bill = ready_account()
    check = referral_check(who, None, READY)
    assert check.passed, check.reasons
    assert check.invoice_ids == (bill,)
    assert check.amount_minor == 800_00


def test_the_check_refuses_an_account_never_sent_the_final_notice(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 800_00, due_days_ago=50, number="INV-7")
    record_warning(who, on=TODAY - 10 * DAY)
    check = referral_check(who, None, READY)
    assert not check.passed
    sent = step(check, "Final notice sent")
    assert not sent.done
    assert "“Final notice”" in sent.words and "INV-7" in sent.words
    assert "send it first" in sent.words
    assert step(check, "Warned of the referral").done


def test_the_check_refuses_before_the_final_notices_deadline(empty_store: db.Store) -> None:
    who, _ = ready_account()
    deadline = TODAY + NOTICE_DAYS * DAY
    check = referral_check(who, None, deadline)
    waiting = step(check, "Final notice's deadline passed")
    assert not waiting.done
    assert "1 December 2026" in waiting.words
    assert step(check, "Final notice sent").done
    assert referral_check(who, None, deadline + DAY).passed


def test_the_check_refuses_an_invoice_in_dispute(empty_store: db.Store) -> None:
    who, bill = ready_account()
    open_dispute(who, [(bill, 100_00)], category=DisputeCategory.PRICE,
                 customer_said="Wrong price", today=TODAY + DAY)
    check = referral_check(who, None, READY)
    dispute = step(check, "No open dispute")
    assert not dispute.done
    assert Invoice.get_by_id(bill).number in dispute.words and "settle the dispute" in dispute.words


def test_the_check_refuses_an_account_on_an_active_payment_plan(empty_store: db.Store) -> None:
    who, bill = ready_account()
    other = invoice(who, 90_00, due_days_ago=5)
    agree_plan(PlanDraft(customer_id=who, invoice_ids=(other,), agreed_on=TODAY,
                         terms=ScheduleTerms(frequency=PlanFrequency.CUSTOM,
                                             custom=((TODAY + 30 * DAY, 90_00),))))
    check = referral_check(who, [bill], READY)
    plan = step(check, "No active payment plan")
    assert not plan.done and "must end" in plan.words


def test_the_check_refuses_an_account_not_warned_of_the_referral(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 800_00, due_days_ago=50)
    send_final_notice(who)
    check = referral_check(who, None, READY)
    warned = step(check, "Warned of the referral")
    assert not warned.done and "record the warning" in warned.words
    assert [s.name for s in check.steps if not s.done] == ["Warned of the referral"]


def test_a_warning_too_recent_is_refused_until_its_time_has_passed(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 800_00, due_days_ago=50)
    send_final_notice(who)
    record_warning(who, on=READY - 2 * DAY)
    warned = step(referral_check(who, None, READY), "Warned of the referral")
    assert not warned.done and "give them until" in warned.words


def test_refer_refuses_with_every_reason_unless_overridden(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 800_00, due_days_ago=50)
    agency = agency_id()
    with pytest.raises(LedgerError) as refused:
        refer(who, agency, None, READY)
    assert "final notice" in refused.value.message and "warning" in refused.value.message
    assert Invoice.get_by_id(bill).status == InvoiceStatus.OPEN
    assert not AgencyReferral.select().exists()
    referral_id = refer(who, agency, None, READY, override_reason="Customer has vanished")
    assert referral(referral_id).override_reason == "Customer has vanished"


# --- the referral ---------------------------------------------------------------------

def test_a_referral_takes_the_invoices_out_of_the_chase(empty_store: db.Store) -> None:
    who, bill = ready_account()
    later = READY + 30 * DAY
    assert chased(who, later)  # "Agency review" would be due
    assert who in {item.customer_id for item in worklist(later)}
    referral_id = refer(who, agency_id(), None, READY)
    assert Invoice.get_by_id(bill).status == InvoiceStatus.WITH_AGENCY
    assert not chased(who, later)
    assert who not in {item.customer_id for item in worklist(later)}
    row = referral(referral_id)
    assert (row.commission_percent, row.commission_min_minor) == (Decimal(15), 50_00)
    assert (row.referred_minor, row.invoice_ids, row.status) == (800_00, (bill,), "referred")
    assert [str(p) for p in check_store()] == []


def test_an_invoice_already_with_an_agency_is_not_referred_again(empty_store: db.Store) -> None:
    who, bill = ready_account()
    refer(who, agency_id(), None, READY)
    with pytest.raises(LedgerError, match="already with a collection agency"):
        refer(who, agency_id("20"), [bill], READY)


def test_recall_gives_the_account_back_and_chasing_resumes(empty_store: db.Store) -> None:
    who, bill = ready_account()
    referral_id = refer(who, agency_id(), None, READY)
    later = READY + 30 * DAY
    assert not chased(who, later)
    recall(referral_id, READY + 10 * DAY, "They called us to pay directly")
    assert Invoice.get_by_id(bill).status == InvoiceStatus.OPEN
    assert chased(who, later)
    row = referral(referral_id)
    assert (row.status, row.ended_on, row.live) == ("withdrawn", READY + 10 * DAY, False)
    with pytest.raises(LedgerError, match="has ended"):
        recall(referral_id, READY + 11 * DAY)


def test_an_agency_returning_the_account_gives_it_back(empty_store: db.Store) -> None:
    who, bill = ready_account()
    referral_id = refer(who, agency_id(), None, READY)
    record_update(referral_id, ReferralStatus.ACKNOWLEDGED, READY + DAY, "Case 4711 opened")
    assert Invoice.get_by_id(bill).status == InvoiceStatus.WITH_AGENCY
    record_update(referral_id, ReferralStatus.RETURNED, READY + 20 * DAY, "No assets")
    assert Invoice.get_by_id(bill).status == InvoiceStatus.OPEN
    assert [(u.status, u.note) for u in referral_history(referral_id)] == [
        ("acknowledged", "Case 4711 opened"), ("returned", "No assets")]


# --- recoveries and commission ---------------------------------------------------------

def test_a_recovery_is_a_payment_with_the_agencys_commission_as_the_business_cost(
        empty_store: db.Store) -> None:
    who, bill = ready_account(800_00)
    referral_id = refer(who, agency_id("15", 50_00), None, READY)
    first = record_recovery(referral_id, READY + 5 * DAY, 200_00, today=READY + 5 * DAY)
    # 15% of 200.00 is 30.00, below the 50.00 minimum: the agency keeps 50.00.
    assert (first.gross_minor, first.commission_minor, first.net_minor) == (200_00, 50_00, 150_00)
    assert Invoice.get_by_id(bill).open_minor == 600_00
    assert Invoice.get_by_id(bill).status == InvoiceStatus.WITH_AGENCY
    second = record_recovery(referral_id, READY + 9 * DAY, 600_00, today=READY + 9 * DAY)
    # 15% of all 800.00 is 120.00, of which 50.00 was kept already.
    assert second.commission_minor == 70_00
    row = referral(referral_id)
    assert (row.recovered_minor, row.commission_minor, row.net_minor) == (800_00, 120_00, 680_00)
    assert (row.status, row.ended_on) == ("paid", READY + 9 * DAY)
    assert Invoice.get_by_id(bill).status == InvoiceStatus.PAID
    assert [str(p) for p in check_store()] == []


def test_a_recovery_above_what_is_open_is_refused(empty_store: db.Store) -> None:
    who, _ = ready_account(800_00)
    referral_id = refer(who, agency_id(), None, READY)
    with pytest.raises(LedgerError, match="Only 800.00 GBP is open"):
        record_recovery(referral_id, READY, 900_00, today=READY)


@settings(max_examples=200, deadline=None)
@given(percent=st.decimals(min_value=0, max_value=100, places=2),
       minimum=st.one_of(st.none(), st.integers(0, 100_000)),
       parts=st.lists(st.integers(1, 1_000_000), min_size=1, max_size=6))
def test_the_commission_of_a_case_recovered_in_parts_adds_up_to_the_whole(
        percent: Decimal, minimum: int | None, parts: list[int]) -> None:
    kept, total = 0, 0
    for part in parts:
        total += part
        now = case_commission(percent, minimum, total) - kept
        assert 0 <= now <= part  # never more than the money it came with
        kept += now
    assert kept == case_commission(percent, minimum, total)
    assert kept <= total
    assert kept >= min(minimum or 0, total)


# --- the store before referrals kept their history ---------------------------------------

def test_a_store_before_the_referrals_history_migrates(tmp_path: Path) -> None:
    path = tmp_path / "old.duly"
    store = db.open_store(path, create=True)
    try:
        from models.company import create_business
        create_business("Harbour & Finch Ltd", address="1 Quay Street", country="GB",
                        currency="GBP")
        who = customer()
        bill = invoice(who, 300_00, due_days_ago=90)
        agency = agency_id()
    finally:
        store.close()
    mine = next(v for v, f in MIGRATIONS.items() if f is _v18_agency_referrals)
    with sqlite3.connect(path) as connection:
        undo_agency_referrals(connection)
        connection.execute("INSERT INTO agency_referral (agency_id, customer_id, referred_on, "
                           "commission_percent, status, recovered_minor, currency, notes) "
                           "VALUES (?, ?, '2026-10-01', '15', 'collecting', 5000, 'GBP', '')",
                           (agency, who))
        connection.execute("INSERT INTO referral_invoice (referral_id, invoice_id) VALUES (1, ?)",
                           (bill,))
        connection.execute("UPDATE invoice SET status = 'with_agency' WHERE id = ?", (bill,))
        connection.execute(f"PRAGMA user_version = {mine - 1}")
    connection.close()
    store = db.open_store(path)
    try:
        assert store.migrated_from == mine - 1
        [row] = referrals()
        assert (row.status, row.referred_minor, row.recovered_minor, row.live) == (
            "collecting", 350_00, 50_00, True)
        assert ReferralInvoice.select().count() == 1
        recall(row.id, TODAY)
        assert Invoice.get_by_id(bill).status == InvoiceStatus.OPEN
    finally:
        store.close()
    assert mine <= LATEST_VERSION


def test_the_agencys_updates_and_recoveries_show_on_the_customers_timeline(
        empty_store: db.Store) -> None:
    who, _ = ready_account(800_00)
    referral_id = refer(who, agency_id("15", None), None, READY)
    record_update(referral_id, ReferralStatus.CONTACTING, READY + DAY, "Letter sent")
    record_recovery(referral_id, READY + 3 * DAY, 100_00, today=READY + 3 * DAY)
    titles = [e.title for e in customer_timeline(who, kinds=("agency",))]
    assert titles == ["Northgate 15 None recovered 100.00 GBP (commission 15.00 GBP)",
                      "Northgate 15 None: contacting", "Referred to Northgate 15 None"]


def test_check_finds_an_invoice_with_an_agency_that_no_referral_holds(
        empty_store: db.Store) -> None:
    who, bill = ready_account()
    referral_id = refer(who, agency_id(), None, READY)
    assert [str(p) for p in check_store()] == []
    AgencyReferral.update(status=ReferralStatus.CLOSED).where(
        AgencyReferral.id == referral_id).execute()  # as a bad edit of the file would
    number = Invoice.get_by_id(bill).number
    assert [p.message for p in check_store()] == [
        f"invoice {number} is with an agency but in no live referral"]
