"""Full-text search of the contact log's notes (SQLite FTS5), kept by triggers.

On a PostgreSQL server the index is a GIN index over the notes' ``tsvector``
(:data:`SERVER_NOTE_SEARCH_SQL`), which the server keeps itself: no triggers.

An external-content index over the contact log, kept by triggers, so every
way a contact is written (the ledger, the demo's bulk inserts, migrations)
keeps it current. A new store gets :data:`NOTE_SEARCH_SQL`; a migration that
changes it carries its own frozen copy.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import peewee as pw

from models.schema import database, on_server
from models.sqlite_codes import sqlite_code

# The triggers that keep the index as contacts are written.
NOTE_SEARCH_TRIGGERS: tuple[str, ...] = (
    'CREATE TRIGGER "interaction_fts_insert" AFTER INSERT ON "interaction" BEGIN '
    'INSERT INTO "interaction_fts" (rowid, summary, outcome, with_whom) '
    'VALUES (new.id, new.summary, new.outcome, new.with_whom); END',
    'CREATE TRIGGER "interaction_fts_delete" AFTER DELETE ON "interaction" BEGIN '
    'INSERT INTO "interaction_fts" ("interaction_fts", rowid, summary, outcome, with_whom) '
    "VALUES ('delete', old.id, old.summary, old.outcome, old.with_whom); END",
    'CREATE TRIGGER "interaction_fts_update" AFTER UPDATE OF summary, outcome, with_whom '
    'ON "interaction" BEGIN '
    'INSERT INTO "interaction_fts" ("interaction_fts", rowid, summary, outcome, with_whom) '
    "VALUES ('delete', old.id, old.summary, old.outcome, old.with_whom); "
    'INSERT INTO "interaction_fts" (rowid, summary, outcome, with_whom) '
    'VALUES (new.id, new.summary, new.outcome, new.with_whom); END',
)
NOTE_SEARCH_SQL: tuple[str, ...] = (
    'CREATE VIRTUAL TABLE "interaction_fts" USING fts5(summary, outcome, with_whom, '
    'content="interaction", content_rowid="id", tokenize="unicode61 remove_diacritics 2")',
    *NOTE_SEARCH_TRIGGERS,
)

# The triggers that keep the index of the contacts written before a batch, while the
# batch's own are indexed at its end ({before}: the last contact's id when it began).
_BATCH_TRIGGERS: tuple[str, ...] = (
    'CREATE TRIGGER "interaction_fts_delete" AFTER DELETE ON "interaction" '
    'WHEN old.id <= {before} BEGIN '
    'INSERT INTO "interaction_fts" ("interaction_fts", rowid, summary, outcome, with_whom) '
    "VALUES ('delete', old.id, old.summary, old.outcome, old.with_whom); END",
    'CREATE TRIGGER "interaction_fts_update" AFTER UPDATE OF summary, outcome, with_whom '
    'ON "interaction" WHEN old.id <= {before} BEGIN '
    'INSERT INTO "interaction_fts" ("interaction_fts", rowid, summary, outcome, with_whom) '
    "VALUES ('delete', old.id, old.summary, old.outcome, old.with_whom); "
    'INSERT INTO "interaction_fts" (rowid, summary, outcome, with_whom) '
    'VALUES (new.id, new.summary, new.outcome, new.with_whom); END',
)
_TRIGGERS = ("interaction_fts_insert", "interaction_fts_delete", "interaction_fts_update")

# On a server: the words of a contact's summary, outcome and person, as the GIN index
# holds them: lower case and without accents (the unaccent dictionary, then "simple": no
# language's stemming), as FTS5's unicode61 with remove_diacritics.
SERVER_WORDS_CONFIGURATION = "duly_words"
_SERVER_WORDS = (f"to_tsvector('{SERVER_WORDS_CONFIGURATION}', "
                 "coalesce(\"summary\", '') || ' ' || "
                 "coalesce(\"outcome\", '') || ' ' || coalesce(\"with_whom\", ''))")
SERVER_NOTE_SEARCH_SQL: tuple[str, ...] = (
    f'CREATE INDEX "interaction_search" ON "interaction" USING GIN ({_SERVER_WORDS})',
)


def create_server_words(db: pw.Database) -> None:
    """On a server, the text search configuration the notes' index reads words with
    (:data:`SERVER_WORDS_CONFIGURATION`), unless the database has it. Accents are taken
    off by PostgreSQL's ``unaccent`` dictionary (a contrib extension any owner of the
    database may add); on a server without it, words keep their accents rather than the
    store refusing to open."""
    if db.execute_sql("SELECT 1 FROM pg_ts_config WHERE cfgname = %s",
                      (SERVER_WORDS_CONFIGURATION,)).fetchone() is not None:
        return
    try:
        with db.atomic():  # a savepoint: a refusal leaves the write it is in whole
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        unaccent = True
    except pw.DatabaseError:
        unaccent = False
    db.execute_sql(f'CREATE TEXT SEARCH CONFIGURATION "{SERVER_WORDS_CONFIGURATION}" '
                   f"(COPY = pg_catalog.simple)")
    if unaccent:
        db.execute_sql(f'ALTER TEXT SEARCH CONFIGURATION "{SERVER_WORDS_CONFIGURATION}" '
                       f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple")


@contextmanager
def notes_indexed_at_the_end() -> Iterator[None]:
    """Inside a write: the contacts recorded in the block are put in the search index
    once, at its end, in one statement, instead of one by one. A batch of letters
    records a contact for each in a savepoint of its own, and FTS5 writes out what it
    holds at every savepoint: indexing a thousand one at a time cost a tenth of the
    batch. Contacts written before the block are still indexed as they change. If the
    block fails, the write it is in is rolled back, triggers and all."""
    assert database.transaction_depth() > 0, "only inside a write"
    if on_server():  # the server keeps its index as rows are written
        yield
        return
    (before,) = database.execute_sql('SELECT COALESCE(MAX(id), 0) FROM "interaction"'
                                     ).fetchone()
    _drop_triggers()
    for statement in _BATCH_TRIGGERS:
        database.execute_sql(statement.format(before=int(before)))
    yield
    _drop_triggers()
    for statement in NOTE_SEARCH_TRIGGERS:
        database.execute_sql(statement)
    database.execute_sql(
        'INSERT INTO "interaction_fts" (rowid, summary, outcome, with_whom) '
        'SELECT id, summary, outcome, with_whom FROM "interaction" WHERE id > ?', (before,))


def _drop_triggers() -> None:
    for name in _TRIGGERS:
        database.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')


# Marks around the matched words in a search snippet; no note contains them.
MATCH_START, MATCH_END = "\x02", "\x03"


def create_note_search() -> None:
    """Create the notes' full-text index and fill it from the contacts already kept."""
    if on_server():
        create_server_words(database)
        for statement in SERVER_NOTE_SEARCH_SQL:
            database.execute_sql(statement)
        return
    for statement in NOTE_SEARCH_SQL:
        database.execute_sql(statement)
    database.execute_sql('INSERT INTO "interaction_fts" ("interaction_fts") VALUES (\'rebuild\')')


def note_search_problems() -> list[str]:
    """What FTS5's own check finds wrong between the notes and their index. The check is
    written as an INSERT, so a store opened for reading only (its disk full) cannot run
    it: nothing is found, and ``check`` says the index was not checked. A server's
    index is the server's own to keep: nothing to check."""
    if on_server():
        return []
    try:
        database.execute_sql('INSERT INTO "interaction_fts" ("interaction_fts", rank) '
                             "VALUES ('integrity-check', 1)")
    except pw.DatabaseError as exc:
        code = sqlite_code(exc)
        if code == sqlite3.SQLITE_READONLY:
            return []
        if code not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_ERROR):
            raise  # the disk or another program, not the index: told as a store error
        return [f"the notes' search index does not match the notes ({exc})"]
    return []


# FTS5's snippet() grows with the square of a note's matches: above this length (the
# longest note Duly now keeps; older stores and imports may hold longer) the snippet is
# cut around the first match here instead, in one pass.
SNIPPET_BY_INDEX_UP_TO = 20_000
_AROUND = 60  # characters shown either side of the match in a long note


def matching_notes(text: str, limit: int) -> list[tuple[int, str]]:
    """Contacts whose summary, outcome or person match every word of ``text``
    (as word beginnings, ignoring case and accents), latest recorded first: (contact id,
    snippet with the matches between :data:`MATCH_START` and :data:`MATCH_END`).
    """
    words = re.findall(r"\w+", text)
    if not words:
        return []
    if on_server():
        return _server_matching_notes(words, limit)
    query = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
    # The snippets in the same walk of the index: asked for afterwards by "rowid IN
    # (…)", FTS5 walked every match again (a second on a common word in 1M notes).
    found = database.execute_sql(
        'SELECT f.rowid, CASE WHEN length(i.summary) <= ? '
        'THEN snippet("interaction_fts", -1, ?, ?, ?, 16) END FROM "interaction_fts" f '
        'JOIN "interaction" i ON i.id = f.rowid '
        'WHERE "interaction_fts" MATCH ? ORDER BY f.rowid DESC LIMIT ?',
        (SNIPPET_BY_INDEX_UP_TO, MATCH_START, MATCH_END, "\u2026", query, limit)).fetchall()
    return [(row_id, snippet if snippet is not None else _long_snippet(row_id, words))
            for row_id, snippet in found]


def _server_matching_notes(words: list[str], limit: int) -> list[tuple[int, str]]:
    """:func:`matching_notes` on a server: the GIN index finds the contacts; the
    snippet is cut around the first match as for a long note."""
    query = " & ".join(f"'{word.lower()}':*" for word in words)  # \w+: no quote inside
    found = database.execute_sql(
        f'SELECT "id" FROM "interaction" WHERE {_SERVER_WORDS} @@ '
        f"to_tsquery('{SERVER_WORDS_CONFIGURATION}', %s) ORDER BY \"id\" DESC LIMIT %s",
        (query, limit)).fetchall()
    return [(row_id, _long_snippet(row_id, words)) for (row_id,) in found]


def _long_snippet(row_id: int, words: list[str]) -> str:
    """The words around the first match in a long note, marked as the index marks them
    (the note's start when the match is only in its outcome or person)."""
    (summary,) = database.execute_sql(
        f'SELECT summary FROM "interaction" WHERE id = {database.param}', (row_id,)).fetchone()
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*",
                         re.IGNORECASE)
    match = pattern.search(summary)
    if match is None:
        return summary[:2 * _AROUND] + "\u2026"
    start, end = match.span()
    before = summary[max(0, start - _AROUND):start]
    return (("\u2026" if start > _AROUND else "") + before + MATCH_START
            + summary[start:end] + MATCH_END + summary[end:end + _AROUND] + "\u2026")
