"""The agency directory as text for a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from models.agencies import AgencyRow
from models.terminal_text import safe_for_terminal
from reports.text_table import text_table


def agencies_table(rows: Sequence[AgencyRow]) -> str:
    """A plain-text table of the agencies: rating, contact, commission, strengths, and
    how many cases each was given; the fees and notes underneath each."""
    out = ["Collection agencies", ""]
    if not rows:
        return "\n".join([*out, "No agencies in the directory yet."]) + "\n"
    header = ["Agency", "Rating", "Contact", "Commission", "Strengths", "Cases"]
    lines = [[safe_for_terminal(r.name),
              "★" * r.rating + "☆" * (5 - r.rating) if r.rating else "unrated",
              safe_for_terminal(" ".join(p for p in (r.contact_name, r.phone, r.email) if p)),
              r.commission_words, safe_for_terminal(" ".join(r.strengths.split())),
              str(r.referrals)] for r in rows]
    out += text_table(header, lines, {5})
    for row in rows:
        extra = [f"  Fees: {' '.join(row.fees.split())}" if row.fees else "",
                 f"  Notes: {' '.join(row.notes.split())}" if row.notes else ""]
        if any(extra):
            out += ["", safe_for_terminal(row.name), *(e for e in extra if e)]
    return "\n".join(out) + "\n"
