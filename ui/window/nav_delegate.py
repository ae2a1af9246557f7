"""The navigation's items, with a count drawn as a small badge at the right (Today's work)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from ui.common.style import ACCENT

BADGE_ROLE = int(Qt.ItemDataRole.UserRole) + 20
"""The text of an item's badge (e.g. "13"); no badge when empty or unset."""

_PAD_X = 7
_MARGIN_RIGHT = 10


class NavDelegate(QStyledItemDelegate):
    """Paints each item as the style does, then its badge, if it has one."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """The item, then a rounded badge with its count at the right edge."""
        super().paint(painter, option, index)
        # Asked of the model directly: from Python, QModelIndex.data() drops a
        # reference to None when a role has no value (see accounts_page).
        text = index.model().data(index, BADGE_ROLE) if index.isValid() else None
        if not text:
            return
        font = option.font
        font.setPointSizeF(font.pointSizeF() * 0.85)
        font.setBold(True)
        metrics = QFontMetrics(font)
        height = metrics.height() + 2
        width = max(metrics.horizontalAdvance(str(text)) + 2 * _PAD_X, height)
        rect = option.rect
        badge = QRectF(rect.right() - _MARGIN_RIGHT - width,
                       rect.top() + (rect.height() - height) / 2, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(ACCENT))
        painter.drawRoundedRect(badge, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.setFont(font)
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), str(text))
        painter.restore()
