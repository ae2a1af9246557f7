"""A customer's timeline, and searching every note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest

from models import db
from models.check import check_store
from models.contacts import (
    ContactEntry,
    PromiseTerms,
    edit_contact,
    log_contact,
    review_promises,
    search_notes,
)
from models.errors import LedgerError
from models.ledger import add_credit_note, dispute_invoice, put_on_hold, record_payment
from models.migrations import MIGRATIONS, _v26_accent_blind_server_search
from models.note_search import (
    MATCH_END,
    MATCH_START,
    NOTE_SEARCH_TRIGGERS,
    notes_indexed_at_the_end,
)
from models.schema import Promise, database, on_server
from models.timeline import TIMELINE_FILTERS, customer_timeline
from tests.helpers import make_v1_store, undo_accent_blind_server_search
from tests.unit.ledger_helpers import TODAY, customer, invoice

NOON = dt.datetime.combine(TODAY, dt.time(12))
DAY = dt.timedelta(days=1)


def test_the_timeline_tells_the_accounts_story_newest_first(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    other = invoice(who, 90_00, due_days_ago=15)
    log_contact(who, ContactEntry(
        kind="call", occurred_at=NOON - 9 * DAY, with_whom="Zoë", summary="Will pay half",
        outcome="promised to pay", invoice_ids=(bill,)),
        promise=PromiseTerms(250_00, TODAY - 5 * DAY), now=NOON - 9 * DAY)
    record_payment(who, received_on=TODAY - 6 * DAY, amount_minor=250_00, today=TODAY)
    review_promises(TODAY)
    dispute_invoice(other, "Wrong quantity")
    add_credit_note(who, number="CN-1", issue_date=TODAY - DAY, amount_minor=10_00,
                    reason="Goodwill", today=TODAY)
    put_on_hold(who, "Waiting for the new owner")
    entries = customer_timeline(who)
    kinds = [e.kind for e in entries]
    # Audited events are stamped with the real clock, so they sort first here.
    assert set(kinds[:2]) == {"dispute", "hold"}
    assert kinds[2:] == ["credit note", "payment", "promise", "promise", "call"]
    call = next(e for e in entries if e.kind == "call")
    assert call.title == "Call to Zoë"
    assert "Will pay half" in call.detail and "promised to pay" in call.detail
    assert call.contact_id is not None
    kept = [e for e in entries if e.kind == "promise" and e.title.startswith("Promise of")]
    assert [e.status for e in kept] == ["kept"]
    dispute = next(e for e in entries if e.kind == "dispute")
    assert dispute.detail == "Wrong quantity"


def test_the_timeline_can_be_narrowed_to_one_kind(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=5)
    log_contact(who, ContactEntry(kind="email", occurred_at=NOON, summary="Reminder"),
                now=NOON)
    log_contact(who, ContactEntry(kind="note", occurred_at=NOON, summary="Owner on leave"),
                now=NOON)
    record_payment(who, received_on=TODAY, amount_minor=40_00, today=TODAY)
    filters = dict(TIMELINE_FILTERS)
    assert [e.kind for e in customer_timeline(who, filters["Letters and e-mails"])] == ["email"]
    money = filters["Payments, credit notes and charges"]
    assert [e.kind for e in customer_timeline(who, money)] == ["payment"]
    assert len(customer_timeline(who, filters["Everything"])) == 3


def test_an_edited_note_shows_its_new_text(empty_store: db.Store) -> None:
    who = customer()
    contact = log_contact(who, ContactEntry(kind="call", occurred_at=NOON, summary="Friday"),
                          now=NOON)
    edit_contact(contact, summary="Monday", outcome="", follow_up_on=None)
    [entry] = customer_timeline(who)
    assert entry.detail == "Monday"


def test_a_missing_customer_has_no_timeline(empty_store: db.Store) -> None:
    with pytest.raises(LedgerError):
        customer_timeline(12345)


def test_the_demo_timelines_show_plans_agencies_and_broken_promises(
        demo_store: db.Store) -> None:
    everything = [e for c in range(1, 61) for e in customer_timeline(c)]
    kinds = {e.kind for e in everything}
    assert {"call", "email", "payment", "promise", "plan", "agency", "dispute", "hold"} <= kinds
    assert any(e.status == "broken" for e in everything)


# --- searching notes -------------------------------------------------------------

def test_notes_are_found_by_word_beginnings_ignoring_case_and_accents(
        empty_store: db.Store) -> None:
    who = customer("Łódź Trading")
    note = log_contact(who, ContactEntry(
        kind="call", occurred_at=NOON, with_whom="Zoë Ødegård",
        summary="Zoë says the pallet was damaged; credit note requested"), now=NOON)
    log_contact(who, ContactEntry(kind="email", occurred_at=NOON, summary="Statement sent"),
                now=NOON)
    for query in ("pallet", "PALL", "zoe damag", "ødegard", "credit requested"):
        assert [h.contact_id for h in search_notes(query)] == [note], query
    [hit] = search_notes("pallet")
    assert (hit.customer_id, hit.customer_name, hit.kind) == (who, "Łódź Trading", "call")
    assert f"{MATCH_START}pallet{MATCH_END}" in hit.snippet
    assert search_notes("pallet statement") == []


@pytest.mark.parametrize("query", ['"', "AND", "NOT OR", "*", "pallet)", "(", "-x", "''"])
def test_search_syntax_in_the_users_text_is_taken_literally(
        empty_store: db.Store, query: str) -> None:
    log_contact(customer(), ContactEntry(kind="note", occurred_at=NOON, summary="pallet AND"),
                now=NOON)
    search_notes(query)  # never an FTS syntax error


def test_an_edited_note_is_found_by_its_new_words_only(empty_store: db.Store) -> None:
    who = customer()
    contact = log_contact(who, ContactEntry(kind="call", occurred_at=NOON, summary="Friday"),
                          now=NOON)
    edit_contact(contact, summary="Monday", outcome="", follow_up_on=None)
    assert search_notes("friday") == []
    assert [h.contact_id for h in search_notes("monday")] == [contact]
    assert check_store() == []


@pytest.mark.file_only  # FTS5's own tables (a server keeps its index itself)
def test_a_damaged_search_index_is_reported_by_check(empty_store: db.Store) -> None:
    log_contact(customer(), ContactEntry(kind="note", occurred_at=NOON, summary="Owner away"),
                now=NOON)
    database.execute_sql("DELETE FROM interaction_fts_docsize")
    assert [p.area for p in check_store()] == ["notes"]


def triggers() -> list[str]:
    """The triggers keeping a file's note search (a server's needs none)."""
    if on_server():
        return sorted(NOTE_SEARCH_TRIGGERS)
    return sorted(sql for (sql,) in database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'interaction' "
        "AND name LIKE 'interaction_fts%'"))


def note(who: int, summary: str) -> int:
    return log_contact(who, ContactEntry(kind="note", occurred_at=NOON, summary=summary),
                       now=NOON)


def test_notes_of_a_batch_indexed_at_its_end_are_found_like_any_other(
        empty_store: db.Store) -> None:
    who = customer()
    older, gone = note(who, "Friday delivery"), note(who, "Pallet damaged")
    with db.writing(), notes_indexed_at_the_end():
        batch = [note(who, f"Reminder {n} sent by post") for n in range(3)]
        edited = note(who, "Wednesday call")
        edit_contact(edited, summary="Thursday call", outcome="", follow_up_on=None)
        edit_contact(older, summary="Monday delivery", outcome="", follow_up_on=None)
        database.execute_sql(f"DELETE FROM interaction WHERE id = {database.param}", (gone,))
    assert sorted(h.contact_id for h in search_notes("reminder post")) == batch
    assert [h.contact_id for h in search_notes("thursday")] == [edited]
    assert [h.contact_id for h in search_notes("monday")] == [older]
    for word in ("wednesday", "friday", "pallet"):
        assert search_notes(word) == [], word
    assert triggers() == sorted(NOTE_SEARCH_TRIGGERS)
    assert check_store() == []


def test_a_batch_that_fails_leaves_the_index_and_its_triggers_as_they_were(
        empty_store: db.Store) -> None:
    who = customer()
    note(who, "Friday delivery")
    with pytest.raises(LedgerError), db.writing(), notes_indexed_at_the_end():
        note(who, "Reminder sent")
        raise LedgerError("letters", "the printer is out of paper")
    assert triggers() == sorted(NOTE_SEARCH_TRIGGERS)
    after = note(who, "Reminder posted")
    assert [h.contact_id for h in search_notes("reminder")] == [after]
    assert check_store() == []


def test_a_server_store_from_before_accent_blind_search_finds_zoe_after_the_upgrade(
        empty_store: db.Store, store_target: Path | str, store_engine: str) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v26_accent_blind_server_search)
    note(customer(), "Zoë Ødegård called about the pallet")
    empty_store.close()
    if store_engine == "postgresql":
        with psycopg.connect(str(store_target), autocommit=True) as server:
            undo_accent_blind_server_search(server)  # type: ignore[arg-type]
            server.execute(f"UPDATE duly_store SET schema_version = {version - 1}")
    store = db.open_store(store_target)
    try:
        assert len(search_notes("zoe ødegard")) == 1
        assert check_store() == []
    finally:
        store.close()


def test_notes_kept_before_search_existed_are_found_after_the_upgrade(tmp_path: Path) -> None:
    store = db.open_store(make_v1_store(tmp_path / "old.sqlite"))
    try:
        hits = search_notes("remittance") + search_notes("reminder")
        assert hits
        assert check_store() == []
    finally:
        store.close()


def test_a_promise_made_in_a_contact_is_refused_with_the_contact(empty_store: db.Store) -> None:
    who = customer()
    with pytest.raises(LedgerError) as refused:
        log_contact(who, ContactEntry(kind="call", occurred_at=NOON, summary="Will pay"),
                    promise=PromiseTerms(50_00, TODAY + DAY), now=NOON)
    assert refused.value.field == "invoices"
    assert customer_timeline(who) == []
    assert Promise.select().count() == 0


def test_charges_and_skipped_reminders_are_on_the_timeline(empty_store: db.Store) -> None:
    from models.charges import record_charges
    from models.followup import follow_up_plan, skip_action
    from models.schema import CreditPolicy, Customer

    who = customer()
    Customer.update(credit_policy=CreditPolicy.get(
        CreditPolicy.name == "Contractual 8% a year")).where(Customer.id == who).execute()
    bill = invoice(who, 1_000_00, due_days_ago=50)
    record_charges(bill, TODAY, interest=True, compensation=False, fee_minor=0, now=NOON)
    [action] = follow_up_plan(TODAY).due
    skip_action(who, "GBP", TODAY, stage_id=action.stage.id, reason="Paying via their bank")
    entries = {e.kind: e for e in customer_timeline(who)}
    charge = entries["charge"]
    assert charge.title.startswith("Late-payment interest on invoice T-")
    assert "8" in charge.detail and "50" in charge.detail  # the calculation, in words
    skipped = entries["reminder skipped"]
    assert skipped.title == f"“{action.stage.name}” not sent"
    assert skipped.detail.startswith("Paying via their bank")


def test_a_very_long_note_from_an_older_store_is_found_with_a_short_snippet(
        empty_store: db.Store) -> None:
    from models.schema import Interaction

    who = customer()
    long_text = "Agreed to pay by cheque. " * 80_000 + "Director away."  # 2 MB, 160,000 hits
    with db.writing():  # as an older Duly or an import kept it, before notes had a limit
        old = Interaction.insert(customer=who, kind="note", direction="outgoing",
                                 occurred_at=NOON - DAY, summary=long_text, outcome="",
                                 with_whom="", created_at=NOON - DAY).execute()
    recent = log_contact(who, ContactEntry(kind="call", occurred_at=NOON,
                                           summary="Cheque in the post"), now=NOON)

    hits = search_notes("cheque")
    assert [h.contact_id for h in hits] == [recent, old]  # newest first, as ever
    assert f"{MATCH_START}cheque{MATCH_END}" in hits[1].snippet
    assert len(hits[1].snippet) < 200
    [director] = search_notes("director")
    assert f"{MATCH_START}Director{MATCH_END} away." in director.snippet
