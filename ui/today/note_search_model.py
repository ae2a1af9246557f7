"""Notes found by a search, as a table, with the matched words drawn in bold."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QPainter,
    QPalette,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from models.contacts import NoteHit
from models.kinds import ContactKind
from models.note_search import MATCH_END, MATCH_START
from ui.common.rows_model import Column, RowsModel

HTML_ROLE = int(Qt.ItemDataRole.UserRole) + 10
"""The snippet as escaped rich text, the matched words in bold (Note column only)."""



def plain_snippet(snippet: str) -> str:
    """The snippet without its match marks."""
    return snippet.replace(MATCH_START, "").replace(MATCH_END, "")


def snippet_html(snippet: str) -> str:
    """The snippet as rich text: the user's words escaped, the matches in bold."""
    import html  # with its entity tables, once a note is found rather than at start-up

    return (html.escape(snippet, quote=False)
            .replace(MATCH_START, "<b>").replace(MATCH_END, "</b>"))


def when_text(hit: NoteHit) -> str:
    """When the contact happened: 21 Nov 2026 10:30."""
    at = hit.occurred_at
    return f"{at.day} {at:%b %Y %H:%M}"


class NoteSearchModel(RowsModel):
    """Contacts whose note matched, newest first until the user sorts."""

    WHEN, CUSTOMER, KIND, NOTE = range(4)
    columns = (
        Column("When", when_text, lambda r: (r.occurred_at, r.contact_id)),
        Column("Customer", lambda r: r.customer_name,
               lambda r: (r.customer_name.casefold(), r.occurred_at)),
        Column("Kind", lambda r: ContactKind.word_for(r.kind),
               lambda r: (r.kind, r.occurred_at)),
        Column("Note", lambda r: plain_snippet(r.snippet),
               lambda r: plain_snippet(r.snippet).casefold()),
    )

    def row_key(self, row: NoteHit) -> object:
        """A hit is known by its contact."""
        return row.contact_id

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """As every table, plus the note as rich text (``HTML_ROLE``)."""
        if int(role) == HTML_ROLE:
            if not index.isValid() or index.column() != self.NOTE:
                return None
            return snippet_html(self._rows[index.row()].snippet)
        return super().data(index, role)

    def _tooltip(self, row: NoteHit) -> str | None:
        return f"{row.customer_name} ({row.customer_code})\n{plain_snippet(row.snippet)}"


class RichTextDelegate(QStyledItemDelegate):
    """Draws a cell's ``HTML_ROLE`` rich text on one line, as the style draws plain text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """The cell's background and focus as usual, then its rich text."""
        # Asked of the model directly: from Python, QModelIndex.data() drops a
        # reference to None when a role has no value (see accounts_page).
        markup = index.model().data(index, HTML_ROLE) if index.isValid() else None
        if not markup:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item, widget)
        document = _document(markup, item)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active if item.state & QStyle.StateFlag.State_Active \
            else QPalette.ColorGroup.Inactive
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, item.palette.color(group, role))
        painter.save()
        top = area.top() + max((area.height() - document.size().height()) / 2, 0)
        painter.translate(area.left() + 3, top)
        context.clip = QRectF(0, 0, area.width() - 6, area.height())
        painter.setClipRect(context.clip)
        document.documentLayout().draw(painter, context)
        painter.restore()


def _document(markup: str, option: QStyleOptionViewItem) -> QTextDocument:
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setDefaultFont(option.font)
    text_option = QTextOption()
    text_option.setWrapMode(QTextOption.WrapMode.NoWrap)
    document.setDefaultTextOption(text_option)
    document.setHtml(markup)
    return document
