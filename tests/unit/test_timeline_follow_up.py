"""A contact's follow-up on the customer's timeline: the day it is for in the detail, and
whether it is done said once, by the status (the claim's evidence joins the two)."""

from __future__ import annotations

import datetime as dt

from models import db
from models.claims import claim_evidence
from models.contacts import ContactEntry, complete_follow_up, log_contact
from models.timeline import customer_timeline
from tests.unit.ledger_helpers import TODAY, customer, invoice

DAY = dt.timedelta(days=1)
NOON = dt.datetime.combine(TODAY, dt.time(12))


def test_a_done_follow_up_is_said_to_be_done_once(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=40)
    contact = log_contact(who, ContactEntry(
        kind="call", occurred_at=NOON - 9 * DAY, with_whom="Zoë", summary="Will pay half",
        follow_up_on=TODAY - 2 * DAY, invoice_ids=(bill,)), now=NOON - 9 * DAY)
    [waiting] = customer_timeline(who, kinds=("call",))
    assert waiting.detail == "Will pay half\nFollow up on 22 Nov 2026"
    assert waiting.status == "follow-up"

    complete_follow_up(contact)
    [done] = customer_timeline(who, kinds=("call",))
    assert done.detail == waiting.detail
    assert done.status == "follow-up done"
    [evidence] = [e for e in claim_evidence(who, TODAY) if e.kind == "call"]
    assert evidence.what.count("done") == 1
    assert evidence.what.endswith("Follow up on 22 Nov 2026 (follow-up done)")
