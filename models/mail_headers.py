"""Headers that a mail program reads exactly as Duly meant them, whatever names they hold.

Python's header parser decodes an "encoded word" (``=?charset?b?…?=``) even inside
a quoted string, which RFC 2047 (section 5) forbids, and ``email.headerregistry``
parses again every header it is given, ``Address`` objects included: a contact
called ``=?utf-8?b?=aa[evil@attacker.example,[ =`` comes out of it as a different
name and a different address, or as an address made of noise. Lenient mail
programs read such headers the same way. So Duly writes the address headers
itself: a name of plain words as it is, any other name (accents, punctuation,
"=?") as one RFC 2047 encoded word that holds its UTF-8 whole, which every mail
program decodes to the name as written and nothing re-reads as structure. One
word, even past RFC 2047's 75 characters: between two encoded words a reader
following the RFC drops the space and Python's address parser keeps it, so a
name split in two would be misread by one or the other; a name is cut at
:data:`MAX_NAME_BYTES` so its line stays far inside SMTP's 998. A subject that
holds "=?" or anything but ASCII is written as encoded words too (there both
readers agree; the email package's own folding of such text moves spaces about);
a plain ASCII subject goes through the email package, which folds it well.

The headers are objects with a ``name`` and a ``fold`` method: ``EmailPolicy``
keeps and folds such a header object as it is, without parsing it again.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from email.policy import Policy

# A name Duly writes bare: words of RFC 5322 atext ("=" and "?" left out, so no
# encoded word can hide in it) with single spaces between them.
_WORD = r"[A-Za-z0-9!#$%&'*+/^_`{|}~-]+"
_PLAIN_NAME = re.compile(rf"{_WORD}( {_WORD})*")
# RFC 2047 section 2: an encoded word is at most 75 characters; "=?utf-8?b?" and
# "?=" take 12 of them, and 45 bytes make 60 characters of base64.
_WORD_BYTES = 45
# A display name's UTF-8 at most: 536 characters of base64, with the longest
# address still under 820 on its line (SMTP allows 998, RFC 5321 4.5.3.1.6).
MAX_NAME_BYTES = 400


@dataclass(frozen=True)
class WrittenHeader:
    """A header as Duly wrote it: its name and its lines (after "Name: "), to be
    joined by folding whitespace."""

    name: str
    lines: tuple[str, ...]

    def fold(self, *, policy: Policy) -> str:
        """The header as it goes on the wire (the email package calls this)."""
        return f"{self.name}: " + f"{policy.linesep} ".join(self.lines) + policy.linesep

    def __str__(self) -> str:
        return " ".join(self.lines)


def address_header(name: str, mailboxes: Sequence[tuple[str, str]]) -> WrittenHeader:
    """A From/To/Reply-To header of (display name, address) pairs: each address as it
    is (already checked to be one plain address), each name bare or encoded."""
    lines: list[str] = []
    for position, (display, address) in enumerate(mailboxes):
        mailbox = [*_phrase(display), f"<{address}>"] if display else [address]
        mailbox[-2:] = [" ".join(mailbox[-2:])]  # the address beside the name's end
        if position < len(mailboxes) - 1:
            mailbox[-1] += ","
        lines += mailbox
    return WrittenHeader(name, tuple(lines))


def needs_writing(text: str) -> bool:
    """Whether unstructured text (a subject) must be written by Duly: it holds what the
    email package would read back as an encoded word, or anything but ASCII."""
    return "=?" in text or not text.isascii()


def unstructured_header(name: str, text: str) -> WrittenHeader:
    """A header of free text (a subject) as encoded words, read back as written."""
    return WrittenHeader(name, tuple(encoded_words(text)) if text else ("",))


def display_name(name: str) -> str:
    """The display name as a header carries it: cut to :data:`MAX_NAME_BYTES` of UTF-8
    (with "…"), never inside a character."""
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    cut = name.encode("utf-8")[:MAX_NAME_BYTES - 3].decode("utf-8", "ignore")
    return cut + "…"


def _phrase(display: str) -> list[str]:
    """A display name as bare words, or as one encoded word when it is anything else."""
    display = display_name(display)
    if _PLAIN_NAME.fullmatch(display):
        return [display]
    return [_encoded(display.encode("utf-8"))]


def encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 encoded words (UTF-8, base64), each within 75 characters
    and never splitting a character; a reader joins adjacent ones without a space."""
    words: list[str] = []
    chunk = b""
    for character in text:
        data = character.encode("utf-8")
        if chunk and len(chunk) + len(data) > _WORD_BYTES:
            words.append(_encoded(chunk))
            chunk = b""
        chunk += data
    if chunk:
        words.append(_encoded(chunk))
    return words


def _encoded(data: bytes) -> str:
    return f"=?utf-8?b?{base64.b64encode(data).decode('ascii')}?="
