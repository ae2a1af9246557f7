"""The opening of each pending follow-up's note, kept on the contact (store v35).

Today lists every follow-up whose day has come (4,076 on the big book) with the first
line of its note. Read from the contacts' rows, that is a page of the file for each (the
notes' text lives in the rows), and those pages push the rest of the worklist's reads
out of the store's cache. A note can be 20,000 characters, more than an index entry
may hold on a server, so the note itself cannot be in an index. Its opening can: the
contact keeps its note's first ``OPENING + 1`` characters (the summary, else the
outcome) while its follow-up is pending (``follow_up_note``; empty otherwise), and a
partial index of the pending follow-ups by day holds it with all Today shows.

Kept by triggers on both engines: a contact made, or its note, outcome or follow-up
changed, sets it (on a server before the row is written; on a file just after).
``duly check`` compares each pending follow-up's opening with its note
(:func:`follow_up_note_problems`).
"""

from __future__ import annotations

from models.schema import database, install_triggers, on_server

OPENING = 200  # characters of a note's first line Today shows; one more says it goes on


def _opening(row: str) -> str:
    return f"substr(COALESCE(NULLIF({row}.\"summary\", ''), {row}.\"outcome\"), 1, {OPENING + 1})"


def _pending(row: str) -> str:
    return f'{row}."follow_up_on" IS NOT NULL AND NOT {row}."follow_up_done"'


def _kept(row: str) -> str:
    return f"CASE WHEN {_pending(row)} THEN {_opening(row)} ELSE '' END"


NOTE_TRIGGERS: tuple[str, ...] = (
    f'CREATE TRIGGER "follow_up_note_insert" AFTER INSERT ON "interaction" WHEN '
    f'{_pending("new")} BEGIN UPDATE "interaction" SET "follow_up_note" = {_opening("new")} '
    f'WHERE "id" = new."id"; END',
    f'CREATE TRIGGER "follow_up_note_update" AFTER UPDATE OF "summary", "outcome", '
    f'"follow_up_on", "follow_up_done" ON "interaction" WHEN new."follow_up_note" IS NOT '
    f'{_kept("new")} BEGIN UPDATE "interaction" SET "follow_up_note" = {_kept("new")} WHERE '
    f'"id" = new."id"; END',
)
SERVER_NOTE_TRIGGERS: tuple[str, ...] = (
    f'CREATE FUNCTION "follow_up_note"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    f'NEW."follow_up_note" := {_kept("NEW")}; RETURN NEW; END $$',
    'CREATE TRIGGER "follow_up_note" BEFORE INSERT OR UPDATE OF "summary", "outcome", '
    '"follow_up_on", "follow_up_done" ON "interaction" FOR EACH ROW EXECUTE FUNCTION '
    '"follow_up_note"()',
)
_ITS_OWN = '"interaction"'
_FILL = (f'UPDATE "interaction" SET "follow_up_note" = {_opening(_ITS_OWN)} '
         f'WHERE {_pending(_ITS_OWN)}')
_DIFFERENT = ('SELECT i."id", c."name", i."follow_up_on" FROM "interaction" i JOIN "customer" c '
              f'ON c."id" = i."customer_id" WHERE {_pending("i")} AND i."follow_up_note" '
              '{differs} ' + _opening("i") + ' ORDER BY i."id"')


def create_follow_up_notes() -> None:
    """Install the triggers that keep the openings and set them for the contacts already
    there (a new store, or one moved in bare; inside its write)."""
    keep_follow_up_notes()
    database.execute_sql(_FILL)


def keep_follow_up_notes() -> None:
    """Install the triggers that keep the openings from now on, the rows holding theirs
    already (a store moved in with them; inside a write)."""
    install_triggers(NOTE_TRIGGERS, SERVER_NOTE_TRIGGERS)


def first_line(opening: str) -> str:
    """The first line of a note as Today shows it, from its kept opening: cut at
    ``OPENING`` characters with an ellipsis when it goes on."""
    line = opening.splitlines()[0] if opening else ""
    return line[:OPENING] + "…" if len(line) > OPENING else line


def follow_up_note_problems() -> list[str]:
    """Pending follow-ups whose kept opening differs from their note, as check's lines."""
    return [f"{name}'s contact #{contact_id} (follow up on {str(day)[:10]}) keeps an opening "
            f"of its note that is not its note's"
            for contact_id, name, day in database.execute_sql(_DIFFERENT.format(
                differs="IS DISTINCT FROM" if on_server() else "IS NOT")).fetchall()]
