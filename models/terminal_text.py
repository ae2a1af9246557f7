"""Text printed on a terminal, made harmless: what a store holds cannot move the cursor
or reverse a line. Imported by a command's first steps (a kept answer printed): light.
"""

from __future__ import annotations

import re

# Bidirectional embeddings, overrides, isolates and marks: they reorder what is shown.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_TERMINAL_UNSAFE = re.compile(f"[{BIDI}\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_for_terminal(text: str) -> str:
    """``text`` to print on a terminal: controls and bidirectional overrides an old
    store may hold are shown escaped (``\\x1b``, ``\\u202e``) instead of acting."""
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
