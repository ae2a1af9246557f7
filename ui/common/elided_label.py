"""A one-line label that ends in "…" when there is not room for all of it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """Shows as much of its text as fits; the whole text is in the tooltip when cut."""

    def __init__(self, parent: QWidget | None = None, *, tip_when_cut: bool = False) -> None:
        """``tip_when_cut``: the label keeps its own tooltip, the whole text while it is cut."""
        super().__init__(parent)
        self._tip_when_cut = tip_when_cut
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        """Room for a few letters: the rest may be cut."""
        return QSize(self.fontMetrics().horizontalAdvance("Overdue…"),
                     super().minimumSizeHint().height())

    def is_elided(self) -> bool:
        """Whether the text is cut short at the current width."""
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the text, cut with "…" if it does not fit."""
        if self._tip_when_cut:
            tip = self.text() if self.is_elided() else ""
            if self.toolTip() != tip:
                self.setToolTip(tip)
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         text)
