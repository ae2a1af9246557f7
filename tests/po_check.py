"""Check a translation catalogue against the template: every message translated, and
each translation keeps the merge fields and conditions of its English (run as
``python tests/po_check.py resources/locale/de/LC_MESSAGES/duly.po``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
# Fields a translation may add: the contact's name alone, for a salutation that needs it.
_OPTIONAL = {"{{ named_contact }}", "{% if named_contact %}", "{% else %}", "{% endif %}"}
# Fields of a salutation or closing a language writes otherwise (with named_contact, or
# with one form for everyone): they may be left out there.
_SALUTATION = {"{{ contact_name }}", '{% if contact_name == "Sir or Madam" %}', "{% else %}",
               "{% endif %}"}


def tags(text: str) -> list[str]:
    """The merge fields and tags of a message, spaces normalised."""
    return [re.sub(r"\s+", " ", t) for t in _TAG.findall(text)]


def problems(path: Path) -> list[str]:
    """What is wrong with a catalogue, one line each."""
    with path.open("rb") as source:
        catalogue = read_po(source)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if not text:
                found.append(f"untranslated: {english[:60]!r}")
                continue
            if message.fuzzy:
                found.append(f"fuzzy: {english[:60]!r}")
            want, got = tags(english), tags(text)
            missing = [t for t in want if t not in got
                       and not ("contact_name" in english and t in _SALUTATION)]
            extra = [t for t in got if t not in want and t not in _OPTIONAL]
            if missing or extra:
                found.append(f"tags differ in {english[:50]!r}: missing {missing} extra {extra}")
            opens = sum(t.startswith(("{% if", "{% for")) for t in got)
            closes = sum(t in ("{% endif %}", "{% endfor %}") for t in got)
            if opens != closes:
                found.append(f"unbalanced tags in {english[:50]!r}")
            if english.startswith("  - ") and not text.startswith("  - "):
                found.append("the invoice line must start with '  - '")
    return found


if __name__ == "__main__":
    errors = problems(Path(sys.argv[1]))
    print("\n".join(errors) or "ok")
    sys.exit(1 if errors else 0)
