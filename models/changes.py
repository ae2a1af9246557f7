"""What a write changed, in the business's words: the one stream the window follows.

Every write the window runs says which of these it changed (the idea of Anki's
``OpChanges``); the window passes them on, and each page, list or count decides
for itself whether what it shows depends on them. A new area declares what it
reads; no one keeps a table of who reloads after what.
"""

from __future__ import annotations

import enum


class Change(enum.StrEnum):
    """A kind of record a write can change."""

    CUSTOMERS = "customers"  # customers added or edited, holds
    INVOICES = "invoices"  # invoices added, edited, disputed or voided
    MONEY = "money"  # payments, credit notes and their allocations
    CONTACTS = "contacts"  # contacts logged or corrected, promises to pay
    FOLLOW_UP = "follow-up"  # stages carried out or skipped, the charges they add
    WORKLIST = "worklist"  # Today's items done, snoozed or dismissed
    OUTBOX = "outbox"  # e-mails queued, sent, failed or retried
    POLICIES = "policies"  # payment terms, credit and follow-up policies, stages, rates
    TEMPLATES = "templates"  # letter and e-mail templates
    BUSINESS = "business"  # the business's details and its mail settings
    IMPORTS = "imports"  # files imported (the import log)
    USERS = "users"  # the store's users and their roles


Changes = frozenset[Change]
"""What one write changed."""

EVERYTHING: Changes = frozenset(Change)
"""A store opened: nothing read before still holds."""


def changes(*kinds: Change) -> Changes:
    """The changes of a write that changed ``kinds``."""
    return frozenset(kinds)
