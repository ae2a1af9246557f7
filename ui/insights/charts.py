"""The Insights area's charts: figures by month (lines), amounts by month or week (bars,
stacked where they add up to a whole), painted directly.

Painted, not QtCharts: a few lines and rectangles need no chart library, and
QtCharts' bar sets were freed twice when the window closed (a crash on exit). Each
chart names its axes, shows the values under the pointer (or under the keyboard's
cursor: Left and Right walk the months, Home and End jump), and describes itself to a
screen reader; the same figures are in the table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ui.common.chart_colours import GRID
from ui.common.style import quiet_color

LINE, STACKED, BARS = "line", "stacked", "bars"
TICKS = 5  # about this many lines across the value axis
PAD = 8
LEGEND_SWATCH = 10


@dataclass(frozen=True)
class Series:
    """One figure drawn over the categories: its name, its colour and a value (or None:
    no value that month) per category; ``dashed`` for a line drawn as a companion."""

    name: str
    colour: str
    values: tuple[float | None, ...]
    dashed: bool = False


def nice_top(largest: float) -> float:
    """A round top for a value axis that holds ``largest``: 1, 2, 2.5 or 5 times a power
    of ten (at least 1)."""
    if largest <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(largest))
    for step in (1, 2, 2.5, 5, 10):
        if largest <= step * power:
            return step * power
    return 10 * power


class Chart(QWidget):
    """Values by category (months, weeks) as lines, side-by-side bars or stacked bars,
    with a value axis from zero, a legend, and the values of a category on hover or
    keyboard focus."""

    current_changed = Signal(int)
    """The category under the keyboard's cursor changed (-1: none)."""

    def __init__(self, name: str, kind: str, value_axis: str, category_axis: str,
                 value_text: Callable[[float], str], axis_text: Callable[[float], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.kind = kind
        self.value_axis = value_axis
        self.category_axis = category_axis
        self._value_text = value_text
        self._axis_text = axis_text
        self._categories: tuple[str, ...] = ()
        self._details: tuple[str, ...] = ()  # each category's longer name, for tooltips
        self._series: tuple[Series, ...] = ()
        self._fixed_top: float | None = None
        self._current = -1
        self._hovered = -1
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # --- what is drawn -----------------------------------------------------------------

    def set_data(self, categories: Sequence[str], series: Sequence[Series], *,
                 details: Sequence[str] = (), top: float | None = None) -> None:
        """Draw ``series`` over ``categories`` (short labels for the axis; ``details``
        name them in full in tooltips); ``top`` fixes the value axis's top (e.g. 100 %)."""
        self._categories = tuple(categories)
        self._details = tuple(details) or self._categories
        self._series = tuple(series)
        self._fixed_top = top
        self._current = min(self._current, len(self._categories) - 1)
        self._hovered = -1
        self.setAccessibleDescription(self.summary())
        self.update()

    def set_formats(self, value_text: Callable[[float], str],
                    axis_text: Callable[[float], str]) -> None:
        """How a value is written in a tooltip (in full) and on the axis (in short)."""
        self._value_text = value_text
        self._axis_text = axis_text

    def categories(self) -> tuple[str, ...]:
        """The categories drawn, left to right."""
        return self._categories

    def series(self) -> tuple[Series, ...]:
        """The series drawn."""
        return self._series

    def current(self) -> int:
        """The category under the keyboard's cursor (-1: none)."""
        return self._current

    def describe(self, category: int) -> str:
        """What a category's tooltip says: its name and each figure's value."""
        if not 0 <= category < len(self._categories):
            return ""
        lines = [self._details[category]]
        for series in self._series:
            value = series.values[category]
            lines.append(f"{series.name}: "
                         + ("no figure" if value is None else self._value_text(value)))
        if self.kind == STACKED:
            whole = sum(v for s in self._series if (v := s.values[category]) is not None)
            lines.append(f"Total: {self._value_text(whole)}")
        return "\n".join(lines)

    def summary(self) -> str:
        """The chart in words, for a screen reader: its axes, and its last category's
        values (the table beside it holds them all)."""
        if not self._categories:
            return f"{self.accessibleName()}: nothing to show yet."
        last = self.describe(len(self._categories) - 1).replace("\n", "; ")
        return (f"{self.value_axis} by {self.category_axis.lower()}, "
                f"{self._details[0]} to {self._details[-1]}. Latest: {last}. "
                f"Use Left and Right to hear each {self.category_axis.lower()}; the table "
                f"beside the chart lists every figure.")

    # --- geometry ------------------------------------------------------------------------

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(520, 260)

    def _top(self) -> float:
        if self._fixed_top is not None:
            return self._fixed_top
        if self.kind == STACKED:
            largest = max((sum(max(v or 0, 0) for v in column)
                           for column in zip(*(s.values for s in self._series), strict=True)),
                          default=0)
        else:
            largest = max((v for s in self._series for v in s.values if v is not None),
                          default=0)
        return nice_top(largest)

    def _plot(self) -> QRectF:
        """The area inside the axes."""
        metrics = QFontMetrics(self.font())
        top = self._top()
        widest = max(metrics.horizontalAdvance(self._axis_text(top * n / TICKS))
                     for n in range(TICKS + 1))
        left = PAD + metrics.height() + 4 + widest + 6  # axis title, tick labels
        legend = (metrics.height() + 4) * len(self._legend_rows(left)) + 4
        bottom = metrics.height() * 2 + 10  # category labels, axis title
        # Room on the right for half the last category's label, which is centred on it.
        right = PAD + (metrics.horizontalAdvance(self._categories[-1]) / 2
                       if self._categories else 4)
        return QRectF(left, PAD + legend, max(self.width() - left - right, 1),
                      max(self.height() - PAD - legend - bottom, 1))

    def _slot(self, plot: QRectF) -> float:
        return plot.width() / max(len(self._categories), 1)

    def _x(self, plot: QRectF, category: int) -> float:
        return plot.left() + self._slot(plot) * (category + 0.5)

    def _y(self, plot: QRectF, value: float) -> float:
        return plot.bottom() - plot.height() * max(min(value / self._top(), 1.0), 0.0)

    def category_at(self, point: QPointF) -> int:
        """The category whose column holds ``point`` (-1 outside the plot)."""
        plot = self._plot()
        if not self._categories or not plot.adjusted(0, -PAD, 0, 0).contains(point):
            return -1
        return min(int((point.x() - plot.left()) / self._slot(plot)),
                   len(self._categories) - 1)

    # --- painting --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        quiet = quiet_color(self)
        plot = self._plot()
        self._paint_axes(painter, plot, text, quiet)
        if not self._categories:
            painter.setPen(quiet)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No figures yet")
        marked = self._hovered if self._hovered >= 0 else self._current
        if marked >= 0:
            band = self._slot(plot)
            shade = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            shade.setAlpha(40)
            painter.fillRect(QRectF(plot.left() + band * marked, plot.top(), band,
                                    plot.height()), shade)
        if self.kind == LINE:
            self._paint_lines(painter, plot)
        else:
            self._paint_bars(painter, plot)
        self._paint_legend(painter, plot, text)
        if self._hovered < 0 and self._current >= 0:
            # The keyboard's cursor has no tooltip: its values are drawn beside it.
            self._paint_callout(painter, plot, self._current)
        if self.hasFocus():
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)
        painter.end()

    def _paint_axes(self, painter: QPainter, plot: QRectF, text: QColor,
                    quiet: QColor) -> None:
        metrics = QFontMetrics(self.font())
        top = self._top()
        for n in range(TICKS + 1):
            value = top * n / TICKS
            y = self._y(plot, value)
            painter.setPen(QPen(QColor(GRID), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(quiet)
            painter.drawText(QRectF(0, y - metrics.height() / 2, plot.left() - 6,
                                    metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             self._axis_text(value))
        painter.setPen(QPen(text, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        # The category labels: as many as fit, evenly spaced, the last always shown.
        if self._categories:
            widest = max(metrics.horizontalAdvance(c) for c in self._categories) + 8
            every = max(1, math.ceil(widest / self._slot(plot)))
            last = len(self._categories) - 1
            for n, label in enumerate(self._categories):
                if (last - n) % every:
                    continue
                x = self._x(plot, n)
                painter.setPen(quiet)
                painter.drawText(QRectF(x - widest / 2, plot.bottom() + 3, widest,
                                        metrics.height()), Qt.AlignmentFlag.AlignCenter, label)
        painter.setPen(text)
        painter.drawText(QRectF(plot.left(), plot.bottom() + metrics.height() + 6,
                                plot.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignCenter, self.category_axis)
        painter.save()
        painter.translate(PAD, plot.center().y())
        painter.rotate(-90)
        painter.drawText(QRectF(-plot.height() / 2, 0, plot.height(), metrics.height()),
                         Qt.AlignmentFlag.AlignCenter, self.value_axis)
        painter.restore()

    def _paint_lines(self, painter: QPainter, plot: QRectF) -> None:
        for series in self._series:
            pen = QPen(QColor(series.colour), 2.0 if not series.dashed else 1.6)
            if series.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            path = QPainterPath()
            drawing = False
            for n, value in enumerate(series.values):
                if value is None:
                    drawing = False
                    continue
                point = QPointF(self._x(plot, n), self._y(plot, value))
                if drawing:
                    path.lineTo(point)
                else:
                    path.moveTo(point)
                    drawing = True
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            painter.setBrush(QColor(series.colour))
            for n, value in enumerate(series.values):
                if value is not None:
                    painter.drawEllipse(QPointF(self._x(plot, n), self._y(plot, value)),
                                        2.5, 2.5)

    def _paint_bars(self, painter: QPainter, plot: QRectF) -> None:
        slot = self._slot(plot)
        width = min(slot * 0.7, 56)
        painter.setPen(Qt.PenStyle.NoPen)
        for n in range(len(self._categories)):
            left = self._x(plot, n) - width / 2
            if self.kind == STACKED:
                base = 0.0
                for series in self._series:
                    value = max(series.values[n] or 0, 0)
                    if value <= 0:
                        continue
                    top_y, base_y = self._y(plot, base + value), self._y(plot, base)
                    painter.setBrush(QColor(series.colour))
                    painter.drawRect(QRectF(left, top_y, width, base_y - top_y))
                    base += value
            else:
                each = width / max(len(self._series), 1)
                for m, series in enumerate(self._series):
                    value = series.values[n]
                    if value is None or value <= 0:
                        continue
                    top_y = self._y(plot, value)
                    painter.setBrush(QColor(series.colour))
                    painter.drawRect(QRectF(left + each * m, top_y, each,
                                            plot.bottom() - top_y))

    def _paint_callout(self, painter: QPainter, plot: QRectF, category: int) -> None:
        metrics = QFontMetrics(self.font())
        lines = self.describe(category).splitlines()
        width = max(metrics.horizontalAdvance(line) for line in lines) + 2 * PAD
        height = metrics.height() * len(lines) + PAD
        x = self._x(plot, category) + self._slot(plot) / 2 + 4
        if x + width > plot.right():
            x = self._x(plot, category) - self._slot(plot) / 2 - 4 - width
        box = QRectF(max(x, plot.left()), plot.top() + 2, width, height)
        painter.setPen(QPen(QColor(GRID), 1))
        painter.setBrush(self.palette().color(QPalette.ColorRole.ToolTipBase))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(self.palette().color(QPalette.ColorRole.ToolTipText))
        for n, line in enumerate(lines):
            painter.drawText(QRectF(box.left() + PAD, box.top() + PAD / 2 + n * metrics.height(),
                                    width - PAD, metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)

    def _legend_entry_width(self, series: Series) -> float:
        swatch = 2 * LEGEND_SWATCH if self.kind == LINE else LEGEND_SWATCH
        return swatch + 5 + QFontMetrics(self.font()).horizontalAdvance(series.name) + 16

    def _legend_rows(self, left: float) -> list[list[tuple[Series, float]]]:
        """The legend's entries with their x, in as many rows as the width needs."""
        rows: list[list[tuple[Series, float]]] = [[]]
        x = left
        for series in self._series:
            width = self._legend_entry_width(series)
            if rows[-1] and x + width - 16 > self.width() - PAD:
                rows.append([])
                x = left
            rows[-1].append((series, x))
            x += width
        return rows

    def _paint_legend(self, painter: QPainter, plot: QRectF, text: QColor) -> None:
        metrics = QFontMetrics(self.font())
        for row, entries in enumerate(self._legend_rows(plot.left())):
            y = PAD + row * (metrics.height() + 4)
            for series, x in entries:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(series.colour))
                if self.kind == LINE:
                    pen = QPen(QColor(series.colour), 2)
                    if series.dashed:
                        pen.setStyle(Qt.PenStyle.DashLine)
                    painter.setPen(pen)
                    mid = y + metrics.height() / 2
                    painter.drawLine(QPointF(x, mid), QPointF(x + 2 * LEGEND_SWATCH, mid))
                    x += 2 * LEGEND_SWATCH + 5
                else:
                    painter.drawRect(QRectF(x, y + (metrics.height() - LEGEND_SWATCH) / 2,
                                            LEGEND_SWATCH, LEGEND_SWATCH))
                    x += LEGEND_SWATCH + 5
                painter.setPen(text)
                painter.drawText(QRectF(x, y, metrics.horizontalAdvance(series.name) + 2,
                                        metrics.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 series.name)

    # --- the user pointing, or walking with the keys -----------------------------------------

    def event(self, event: object) -> bool:  # noqa: D401 - Qt's name
        if isinstance(event, QHelpEvent) and event.type() == QHelpEvent.Type.ToolTip:
            text = self.describe(self.category_at(QPointF(event.pos())))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        category = self.category_at(event.position())
        if category != self._hovered:
            self._hovered = category
            self.update()
            text = self.describe(category)
            if text:
                QToolTip.showText(event.globalPosition().toPoint(), text, self)
            else:
                QToolTip.hideText()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        self._hovered = -1
        self.update()
        super().leaveEvent(event)  # type: ignore[arg-type]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        count = len(self._categories)
        key = event.key()
        moves = {Qt.Key.Key_Left: self._current - 1, Qt.Key.Key_Right: self._current + 1,
                 Qt.Key.Key_Home: 0, Qt.Key.Key_End: count - 1}
        if key not in moves or not count:
            super().keyPressEvent(event)
            return
        target = moves[key]
        if self._current < 0 and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            target = count - 1  # the first key press starts at the latest month
        self.set_current(max(0, min(target, count - 1)))
        event.accept()

    def set_current(self, category: int) -> None:
        """Put the keyboard's cursor on ``category`` and show its values."""
        if category == self._current:
            return
        self._current = category
        self.update()
        text = self.describe(category)
        self.setAccessibleDescription(text.replace("\n", "; ") if text else self.summary())
        self.current_changed.emit(category)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        self.update()
        super().focusOutEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        self.update()
        super().focusInEvent(event)
