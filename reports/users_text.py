"""The store's users as text for a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from models.terminal_text import safe_for_terminal
from models.users import UserRow
from reports.text_table import text_table


def users_table(rows: Sequence[UserRow], signed_in: UserRow | None) -> str:
    """A plain-text table of the store's users: name, login, role and whether active,
    the person signed in marked."""
    out = ["Users of this store", ""]
    if not rows:
        return "\n".join([*out, "No users yet: the first person to record anything "
                                "becomes the store's manager."]) + "\n"
    header = ["Name", "Login", "Role", "Active"]
    lines = [[safe_for_terminal(row.name) + (" (you)" if signed_in is not None
                                             and row.id == signed_in.id else ""),
              safe_for_terminal(row.login), row.role_words, "yes" if row.active else "no"]
             for row in rows]
    return "\n".join([*out, *text_table(header, lines)]) + "\n"
