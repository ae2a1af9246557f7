"""Every figure a store keeps by triggers, listed once: built from the rows when a store
is made, or its triggers installed over rows moved in with their figures.

The notes' search index, the month totals, the allocations' late flags, the promises'
still-owed amounts and last days paid, the invoices' last stages done and policies, the
accounts' open invoices and last days paid and chased, and the pending follow-ups'
openings. A new kept figure is added here, and its problems to :mod:`models.check`.
"""

from __future__ import annotations

from models.follow_up_notes import create_follow_up_notes, keep_follow_up_notes
from models.invoice_policy import create_invoice_policies, keep_invoice_policies
from models.kept_accounts import create_kept_accounts, keep_kept_accounts
from models.late_allocations import create_late_allocations, keep_late_allocations
from models.month_totals import create_month_totals, keep_month_totals
from models.note_search import create_note_search
from models.promise_owed import create_promise_owed, keep_promise_owed
from models.promise_paid import create_promise_paid, keep_promise_paid
from models.stages_done import create_stages_done, keep_stages_done


def build_kept_figures() -> None:
    """Install every kept figure's triggers and work the figures out from the rows the
    store holds (inside its write: a new store, or one made ``bare``)."""
    create_note_search()
    create_month_totals()
    create_late_allocations()
    create_promise_owed()
    create_promise_paid()
    create_stages_done()
    create_invoice_policies()
    create_kept_accounts()
    create_follow_up_notes()


def keep_kept_figures() -> None:
    """Install every kept figure's triggers over rows moved in with their figures (inside
    the move's write); the notes' search index, which is not moved, is built anew."""
    create_note_search()
    keep_month_totals()
    keep_late_allocations()
    keep_promise_owed()
    keep_promise_paid()
    keep_stages_done()
    keep_invoice_policies()
    keep_kept_accounts()
    keep_follow_up_notes()
