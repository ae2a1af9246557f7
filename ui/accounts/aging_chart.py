"""A compact aging chart: for each currency, how its money splits over the aging buckets.

Each currency gets its own bar, split by share (100 % = that currency's open
amount), so no two currencies are ever added together or compared on one
money scale; the amounts are in the tooltips and the totals beside it.
Painted directly: a few rectangles need no chart library, and QtCharts'
bar sets were freed twice when a window closed (a crash on exit).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from models.accounts import CurrencyTotals
from models.money import format_money
from ui.common.chart_colours import BUCKET_COLOURS

CHART_HEIGHT = 140
BAR_PITCH = 30  # pixels per currency, so one currency does not get a slab
BAR_HEIGHT = 18
LABEL_WIDTH = 44


class AgingChart(QWidget):
    """One bar per currency, split into the aging buckets by share of the money."""

    def __init__(self, labels: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels = tuple(labels)
        self._totals: list[CurrencyTotals] = []
        self._colours = [QColor(c) for c in BUCKET_COLOURS]
        self.setObjectName("agingChart")
        self.setToolTip("How each currency's open invoices split by age; "
                        "point at a bar for the amount")
        self.setMouseTracking(True)
        self.setMinimumWidth(1)  # the page hides the chart when it has no room
        self.setFixedHeight(BAR_PITCH)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def currencies(self) -> list[str]:
        """The currencies drawn, top to bottom."""
        return [totals.currency for totals in self._totals]

    def shares(self, currency: str) -> list[float]:
        """Each bucket's share (0–100) of ``currency``'s money, as drawn."""
        for totals in self._totals:
            if totals.currency == currency:
                return _shares(totals)
        raise KeyError(currency)

    def set_totals(self, totals: Sequence[CurrencyTotals]) -> None:
        """Draw the buckets of ``totals`` (one bar per currency, first currency on top)."""
        totals = list(totals)
        if totals == self._totals:
            return
        self._totals = totals
        self.setFixedHeight(min(CHART_HEIGHT, BAR_PITCH * max(len(totals), 1) + 8))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(360, self.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        for row, totals in enumerate(self._totals):
            top = 4 + row * BAR_PITCH + (BAR_PITCH - BAR_HEIGHT) / 2
            painter.setPen(text)
            painter.drawText(QRectF(0, top, LABEL_WIDTH - 8, BAR_HEIGHT),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             totals.currency)
            painter.setPen(Qt.PenStyle.NoPen)
            for rect, bucket in self._segments(totals, top):
                painter.setBrush(self._colours[bucket])
                painter.drawRect(rect)
        painter.end()

    def event(self, event: object) -> bool:  # noqa: D401 - Qt's name
        if isinstance(event, QHelpEvent) and event.type() == QHelpEvent.Type.ToolTip:
            text = self._describe(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
                return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        text = self._describe(event.position())
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)

    def _segments(self, totals: CurrencyTotals, top: float) -> list[tuple[QRectF, int]]:
        """The coloured pieces of one currency's bar, left (current) to right (oldest)."""
        width = max(self.width() - LABEL_WIDTH - 4, 1)
        left = float(LABEL_WIDTH)
        pieces = []
        for bucket, share in enumerate(_shares(totals)):
            if share <= 0:
                continue
            span = width * share / 100
            pieces.append((QRectF(left, top, span, BAR_HEIGHT), bucket))
            left += span
        return pieces

    def _describe(self, point: QPointF) -> str:
        """The tooltip for the piece of bar under ``point``, or "" if none."""
        for row, totals in enumerate(self._totals):
            top = 4 + row * BAR_PITCH + (BAR_PITCH - BAR_HEIGHT) / 2
            for rect, bucket in self._segments(totals, top):
                if rect.contains(point):
                    whole = sum(totals.buckets)
                    share = 100 * totals.buckets[bucket] / whole if whole else 0
                    return (f"{totals.currency}, {self._labels[bucket]}: "
                            f"{format_money(totals.buckets[bucket], totals.currency)} "
                            f"({share:.0f}% of {format_money(whole, totals.currency)})")
        return ""


def _shares(totals: CurrencyTotals) -> list[float]:
    amounts = [max(amount, 0) for amount in totals.buckets]
    whole = sum(amounts)
    return [100 * amount / whole if whole else 0.0 for amount in amounts]
