"""A template's merge fields and tags stand out, so the words around them read as a letter."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from ui.common.style import ACCENT

TAG_COLOUR = "#6F42C1"

_FIELD = re.compile(r"{{.*?}}")
_TAG = re.compile(r"{%.*?%}|{#.*?#}")


def _format(colour: str, *, bold: bool = False) -> QTextCharFormat:
    char_format = QTextCharFormat()
    char_format.setForeground(QColor(colour))
    if bold:
        char_format.setFontWeight(QFont.Weight.DemiBold)
    return char_format


class TemplateHighlighter(QSyntaxHighlighter):
    """Colours ``{{ fields }}`` in the accent and ``{% tags %}`` in a quiet purple."""

    def __init__(self, document: QTextDocument) -> None:
        """Highlight ``document`` (it owns the highlighter)."""
        super().__init__(document)
        self._field = _format(ACCENT, bold=True)
        self._tag = _format(TAG_COLOUR)

    def highlightBlock(self, text: str) -> None:
        """Colour the fields and tags of one line (a tag never spans lines in Duly's texts)."""
        for pattern, char_format in ((_FIELD, self._field), (_TAG, self._tag)):
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), char_format)
