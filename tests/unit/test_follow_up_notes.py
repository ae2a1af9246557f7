"""Each pending follow-up keeps the opening of its note (store v35) whatever is written,
and Today shows each one's first line from it as it did from the note itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from models import db
from models.check import check_store
from models.company import create_business
from models.contacts import ContactEntry, complete_follow_up, edit_contact, log_contact
from models.db import writing
from models.errors import LedgerError
from models.follow_up_notes import OPENING
from models.kinds import ContactKind
from models.migrations import MIGRATIONS, _v35_follow_up_notes
from models.schema import Interaction
from models.today import FOLLOW_UP, _follow_ups, worklist
from tests.helpers import (
    kept_figure_property,
    new_store_in,
    query_plan,
    shaped_as_new,
    take_back,
    undo_follow_up_notes,
)
from tests.unit.ledger_helpers import TODAY, customer

pytestmark = pytest.mark.both_engines

_AT = dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(10))


def _log(who: int, summary: str, outcome: str = "", follow_up: int | None = 0) -> int:
    """A call logged three days ago, its follow-up ``follow_up`` days from TODAY."""
    return log_contact(who, ContactEntry(
        ContactKind.CALL, _AT, summary=summary, outcome=outcome,
        follow_up_on=None if follow_up is None else TODAY + dt.timedelta(days=follow_up)),
        now=_AT)


def _derived() -> dict[int, str]:
    """Each contact's opening as its row gives it: the note (else the outcome), cut,
    while its follow-up is pending; nothing otherwise."""
    return {row.id: (row.summary or row.outcome)[:OPENING + 1]
            if row.follow_up_on is not None and not row.follow_up_done else ""
            for row in Interaction.select()}


def _kept() -> dict[int, str]:
    return {row.id: row.follow_up_note for row in Interaction.select()}


def _shown(on: dt.date = TODAY) -> dict[int, str]:
    return {item.ref_id: item.detail for item in worklist(on) if item.kind == FOLLOW_UP}


def test_every_write_that_changes_a_pending_follow_up_keeps_its_opening(
        empty_store: db.Store) -> None:
    who = customer()
    call = _log(who, "Spoke to Ann in accounts\nShe will check with the director")
    plain = _log(who, "No follow-up here", follow_up=None)
    assert _kept() == _derived()
    assert Interaction.get_by_id(plain).follow_up_note == ""
    assert _shown() == {call: "Spoke to Ann in accounts"}
    edit_contact(call, summary="", outcome="no answer", follow_up_on=TODAY)
    assert _shown() == {call: "no answer"} and _kept() == _derived()
    edit_contact(plain, summary="Now one to follow", outcome="", follow_up_on=TODAY)
    assert _shown() == {call: "no answer", plain: "Now one to follow"}
    complete_follow_up(call)
    assert Interaction.get_by_id(call).follow_up_note == ""
    assert _shown() == {plain: "Now one to follow"}
    assert _kept() == _derived() and check_store() == []


def test_a_first_line_longer_than_the_list_shows_is_cut_with_an_ellipsis(
        empty_store: db.Store) -> None:
    who = customer()
    exact = _log(who, "e" * OPENING + "\nmore")
    longer = _log(who, "l" * (OPENING + 1))
    long_note = _log(who, "n" * 5_000 + "\nand a second line")
    assert _shown() == {exact: "e" * OPENING, longer: "l" * OPENING + "…",
                        long_note: "n" * OPENING + "…"}
    assert len(Interaction.get_by_id(long_note).follow_up_note) == OPENING + 1


def test_check_finds_a_follow_up_whose_opening_is_not_its_notes(
        empty_store: db.Store) -> None:
    who = customer()
    call = _log(who, "Promised to look into it")
    with writing():
        Interaction.update(follow_up_note="Something else").where(
            Interaction.id == call).execute()
    [problem] = check_store()
    assert (problem.area, problem.message) == (
        "notes", f"Zoë Ødegård AS's contact #{call} (follow up on {TODAY.isoformat()}) keeps "
                 f"an opening of its note that is not its note's")


def test_today_reads_the_follow_ups_from_their_index_alone(
        empty_store: db.Store, store_engine: str) -> None:
    if store_engine != "sqlite":
        pytest.skip("SQLite's planner")
    _log(customer(), "Call back")
    plan = query_plan(lambda: _follow_ups(TODAY), "interaction")
    assert any("COVERING INDEX interaction_follow_up_due" in step for step in plan), plan


def test_a_store_from_before_gains_its_openings_from_what_it_holds(
        demo_store: db.Store, store_target: Path | str, store_engine: str,
        tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v35_follow_up_notes)
    kept = _kept()
    assert kept == _derived() and any(kept.values())
    shown = [_shown(TODAY + dt.timedelta(days=back)) for back in (-30, 0, 20)]
    assert any(shown)
    demo_store.close()
    take_back(store_target, store_engine, version, undo_follow_up_notes)
    store = db.open_store(store_target)
    try:
        assert store.migrated_from == version - 1
        assert _kept() == kept
        assert [_shown(TODAY + dt.timedelta(days=back)) for back in (-30, 0, 20)] == shown
        assert check_store() == []
    finally:
        store.close()
    assert shaped_as_new(store_target, store_engine, tmp_path)


# Notes of lines of any characters, some longer than the list shows, with either ending.
notes = st.lists(st.one_of(st.text(st.characters(blacklist_categories=("Cs", "Cc")),
                                   max_size=120),
                           st.sampled_from(["\n", "\r\n", "x" * (OPENING - 3)])),
                 max_size=6).map("".join)
steps = st.lists(st.one_of(
    st.tuples(st.just("log"), notes, notes, st.sampled_from([None, -5, 0, 5])),
    st.tuples(st.just("edit"), notes, notes, st.sampled_from([None, -5, 0, 5])),
    st.tuples(st.just("done"), st.just(""), st.just(""), st.integers(0, 20)),
), max_size=15)


def _notes_hold(location: Path | str, done: list[tuple]) -> None:
    store = db.open_store(location, create=True)
    try:
        create_business("Notes Ltd", country="GB", currency="GBP")
        who = customer()
        contacts: list[int] = []
        for kind, summary, outcome, day in done:
            try:
                if kind == "log":
                    contacts.append(_log(who, summary, outcome, day))
                elif kind == "edit" and contacts:
                    edit_contact(contacts[len(summary) % len(contacts)], summary=summary,
                                 outcome=outcome, follow_up_on=None if day is None
                                 else TODAY + dt.timedelta(days=day))
                elif kind == "done" and contacts:
                    complete_follow_up(contacts[day % len(contacts)])
            except LedgerError:
                pass
        assert _kept() == _derived()
        assert check_store() == []
        rows = {row.id: row for row in Interaction.select()}
        for contact_id, detail in _shown(TODAY + dt.timedelta(days=10)).items():
            note = rows[contact_id].summary or rows[contact_id].outcome
            line = note.splitlines()[0] if note else ""
            assert detail == (line if len(line) <= OPENING else line[:OPENING] + "…")
    finally:
        store.close()


@kept_figure_property(steps, examples=40)
def test_a_pending_follow_ups_opening_is_always_its_notes(
        fast_folder: Path, steps: list[tuple]) -> None:
    _notes_hold(new_store_in(fast_folder), steps)


@kept_figure_property(steps, examples=10)
def test_on_a_server_a_pending_follow_ups_opening_is_its_notes(
        postgres_cluster: Any, steps: list[tuple]) -> None:
    with postgres_cluster.throwaway_url() as url:
        _notes_hold(url, steps)
