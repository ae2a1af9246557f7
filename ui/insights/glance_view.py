"""The "At a glance" tab of Insights: one currency's latest figures, then each figure by
month as a chart with its table beside it (days sales outstanding with the best
possible DSO, the collection effectiveness index, aging), the top debtors and how
their balances moved, and the cash expected in the next weeks.

It shows figures already read (a :class:`reports.insights_text.Insights`); the page
reads them off the GUI thread. Each chart saves as a PNG picture, each table exports
to CSV or XLSX.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.accounts import bucket_labels
from models.business_figures import FORMULAS, MonthFigures
from models.money import exponent, format_money
from reports.chart_style import compact_amount
from reports.insights_text import Insights
from reports.spreadsheet_xlsx import Sheet
from reports.table_files import TableFormat
from ui.common.chart_colours import BUCKET_COLOURS, FIGURE_COLOURS, SOURCE_COLOURS
from ui.common.list_table import list_table
from ui.common.rows_model import format_day
from ui.common.style import mute, scale_font
from ui.common.table_export import TableExport
from ui.common.tasks import TaskRunner
from ui.insights.chart_export import ChartExport
from ui.insights.charts import BARS, LINE, STACKED, Chart, Series
from ui.insights.figures_models import (
    AgingModel,
    CashModel,
    CeiModel,
    DebtorsModel,
    DsoModel,
    FiguresModel,
    days_text,
    month_label,
    month_name,
    percent_text,
)

WORKING, FIGURES, EMPTY = range(3)
WORKING_TEXT = "Working out the figures…"
TABLE_HEIGHT = 270
TILE_WIDTH = 175  # narrower than this, the tiles go in two rows


@dataclass
class Section:
    """One part of the tab: its chart (if any), its table and their model."""

    key: str  # "dso", "cei", "aging", "debtors", "cash"
    title: str
    chart: Chart | None
    model: FiguresModel
    table: QTableView
    frame: QFrame


class Tile(QFrame):
    """One headline figure: what it is, its value, and how it is worked out (a tooltip,
    and its accessible description)."""

    def __init__(self, name: str, caption: str, formula: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.caption = caption
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setToolTip(formula)
        self.setAccessibleDescription(formula)
        self.caption_label = QLabel(caption)
        mute(self.caption_label)
        self.value_label = QLabel("–")
        self.value_label.setObjectName(f"{name}Value")
        scale_font(self.value_label, 1.5, bold=True)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        mute(self.note_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.note_label)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(110)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # The tiles share the row: none asks for the width of its longest line.
        return QSize(110, super().minimumSizeHint().height())

    def set_value(self, value: str, note: str) -> None:
        """Show ``value`` with a quieter ``note`` under it (when, or compared with what)."""
        self.value_label.setText(value)
        self.note_label.setText(note)
        self.setAccessibleName(f"{self.caption}: {value}, {note}")

    def value(self) -> str:
        """The figure shown."""
        return self.value_label.text()


class GlanceView(QWidget):
    """One currency's figures over the months chosen, as charts and tables."""

    def __init__(self, tasks: TaskRunner, told: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("glanceView")
        self._tasks = tasks
        self.table_export = TableExport(self, tasks, told)
        self.chart_export = ChartExport(self, tasks, told)
        self.currency = ""
        self.as_of: dt.date | None = None
        self.sections: dict[str, Section] = {}
        self._build()

    # --- public ----------------------------------------------------------------------

    def show_working(self) -> None:
        """Say the figures are being worked out (nothing shown yet)."""
        self.stack.setCurrentIndex(WORKING)

    def clear(self) -> None:
        """Show nothing: the tables emptied, the charts blank, the working note up."""
        self.currency = ""
        self.as_of = None
        for section in self.sections.values():
            section.model.set_figures("", [])
            if section.chart is not None:
                section.chart.set_data([], [])
        self.stack.setCurrentIndex(WORKING)

    def is_working(self) -> bool:
        """Whether the tab says it is working out the figures."""
        return self.stack.currentIndex() == WORKING

    def show_figures(self, insights: Insights, currency: str) -> None:
        """Show ``currency``'s figures from ``insights`` (already cut to the months
        chosen); with no figures at all, say there is nothing yet."""
        figures = insights.figures
        self.as_of = figures.as_of
        if not figures.months or currency not in figures.currencies:
            self.clear()
            self.as_of = figures.as_of
            self.stack.setCurrentIndex(EMPTY)
            return
        self.currency = currency
        months = figures.of_currency(currency)
        self._show_tiles(insights, months, currency)
        self._show_months(months, currency)
        debtors = [d for d in insights.debtors if d.currency == currency]
        self.sections["debtors"].model.set_figures(currency, debtors)
        self._fit_rows(self.sections["debtors"].table, len(debtors))
        self.debtors_label.setText(
            f"The {len(debtors)} customers who owe most in {currency} on "
            f"{format_day(figures.as_of)}, with their balance at each of the last month "
            f"ends, and how much it moved since the first of them." if debtors
            else f"Nobody owes anything in {currency}.")
        self._show_cash(insights, currency)
        self.stack.setCurrentIndex(FIGURES)

    def sheets(self) -> list[Sheet]:
        """Every table shown, as spreadsheet tables (one currency's)."""
        return [section.model.sheet() for section in self.sections.values()]

    def charts(self) -> list[Chart]:
        """The charts, top to bottom."""
        return [s.chart for s in self.sections.values() if s.chart is not None]

    def export_table(self, key: str, file_format: TableFormat) -> None:
        """Ask where to export the table of section ``key``, then write it."""
        section = self.sections[key]
        self.table_export.ask([section.model.sheet()], self._file_name(section), file_format)

    def save_chart(self, key: str) -> None:
        """Ask where to save the chart of section ``key`` as a picture, then write it."""
        section = self.sections[key]
        if section.chart is not None:
            self.chart_export.ask(section.chart, self._file_name(section))

    # --- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.working_label = QLabel(WORKING_TEXT)
        self.working_label.setObjectName("insightsWorking")
        self.working_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        mute(self.working_label)
        scale_font(self.working_label, 1.2)
        self.empty_label = QLabel("No invoices yet: the figures begin with the first "
                                  "invoice you record or import.")
        self.empty_label.setObjectName("insightsEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        mute(self.empty_label)

        content = QWidget()
        content.setObjectName("glanceContent")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 4, 12, 12)
        column.setSpacing(18)
        column.addLayout(self._build_tiles())
        column.addWidget(self._build_section(
            "dso", "Days sales outstanding", "How many days of credit sales the money "
            "owed at each month end stands for (count-back, with the standard formula "
            "dashed), and the best possible: what it would be if nothing were overdue. "
            "The gap between them is the average days delinquent (ADD).",
            Chart("dsoChart", LINE, "Days", "Month end", lambda v: f"{v:.1f} days",
                  lambda v: f"{v:g}"), DsoModel(self), "dsoTable"))
        column.addWidget(self._build_section(
            "cei", "Collection effectiveness (CEI)", "Of what could be collected each "
            "month, how much was: 100% is everything that fell due.",
            Chart("ceiChart", BARS, "CEI (%)", "Month end", lambda v: f"{v:.1f}%",
                  lambda v: f"{v:g}%"), CeiModel(self), "ceiTable"))
        column.addWidget(self._build_section(
            "aging", "Aging at each month end", "What was owed at each month end, by how "
            "late it was.",
            Chart("agingByMonthChart", STACKED, "Owed", "Month end", str, str),
            AgingModel(self), "agingTable"))
        self.debtors_label = QLabel()
        column.addWidget(self._build_section(
            "debtors", "Top debtors", "", None, DebtorsModel(self), "debtorsTable"))
        self.cash_late_label = QLabel()
        self.cash_late_label.setObjectName("cashLate")
        self.cash_late_label.setWordWrap(True)
        column.addWidget(self._build_section(
            "cash", "Cash expected in the next 4 weeks", "From promises to pay, payment "
            "plans' instalments, and the other open invoices on their due date plus the "
            "customer's usual delay.",
            Chart("cashChart", STACKED, "Expected", "Week from", str, str), CashModel(self),
            "cashTable"))
        self.sections["cash"].frame.layout().addWidget(self.cash_late_label)
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("glanceScroll")
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll = scroll

        self.stack = QStackedWidget()
        self.stack.addWidget(self.working_label)
        self.stack.addWidget(scroll)
        self.stack.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def _build_tiles(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(10)
        self.tile_grid = grid
        self.tiles = {
            "receivables": Tile("receivablesTile", "Owed (A/R)",
                                "What was open at the month end on the invoices issued by "
                                "then."),
            "dso": Tile("dsoTile", "DSO", f"{FORMULAS['dso']}\nStandard: "
                                          f"{FORMULAS['dso_standard']}"),
            "best": Tile("bestTile", "Best possible DSO", FORMULAS["best_possible_dso"]),
            "add": Tile("addTile", "Average days delinquent",
                        FORMULAS["average_days_delinquent"]),
            "cei": Tile("ceiTile", "Collection effectiveness", FORMULAS["cei"]),
            "cash": Tile("cashTile", "Expected in 4 weeks", FORMULAS["usual_delay"]),
        }
        self._tile_columns = 0
        self._arrange_tiles(len(self.tiles))
        return grid

    def _arrange_tiles(self, columns: int) -> None:
        """The tiles in one row, or in rows of ``columns`` where the page is narrow."""
        if columns == self._tile_columns:
            return
        self._tile_columns = columns
        for tile in self.tiles.values():
            self.tile_grid.removeWidget(tile)
        for n, tile in enumerate(self.tiles.values()):
            self.tile_grid.addWidget(tile, n // columns, n % columns)
        for column in range(len(self.tiles)):
            self.tile_grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        count = len(self.tiles)
        self._arrange_tiles(count if self.width() >= count * TILE_WIDTH else count // 2)

    def _build_section(self, key: str, title: str, intro: str, chart: Chart | None,
                       model: FiguresModel, table_name: str) -> QFrame:
        frame = QFrame()
        frame.setObjectName(f"{key}Section")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        heading = QLabel(title)
        heading.setObjectName(f"{key}Heading")
        scale_font(heading, 1.15, bold=True)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        short = title.split(" (")[0].lower()
        if chart is not None:
            chart.setAccessibleName(f"{title} chart")
            chart.setToolTip("")
            top.addWidget(self._button(f"{key}SaveChart", "Save Chart…",
                                       f"Save the {short} chart as a PNG picture",
                                       lambda: self.save_chart(key)))
        top.addWidget(self._button(f"{key}ExportCsv", "Export CSV…",
                                   f"Export the {short} table as CSV",
                                   lambda: self.export_table(key, TableFormat.CSV)))
        top.addWidget(self._button(f"{key}ExportXlsx", "Export XLSX…",
                                   f"Export the {short} table as an Excel workbook",
                                   lambda: self.export_table(key, TableFormat.XLSX)))
        layout.addLayout(top)
        intro_label = self.debtors_label if key == "debtors" else QLabel(intro)
        intro_label.setWordWrap(True)
        mute(intro_label)
        layout.addWidget(intro_label)

        table = list_table(model, table_name, f"{title} table")
        table.setSizeAdjustPolicy(QTableView.SizeAdjustPolicy.AdjustIgnored)
        table.setFixedHeight(TABLE_HEIGHT)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        body = QHBoxLayout()
        body.setSpacing(12)
        if chart is not None:
            chart.setFixedHeight(TABLE_HEIGHT)
            body.addWidget(chart, 1)
            body.addWidget(table, 1)
        else:
            body.addWidget(table)
        layout.addLayout(body)
        self.sections[key] = Section(key, title, chart, model, table, frame)
        return frame

    @staticmethod
    def _button(name: str, text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.clicked.connect(slot)
        return button

    # --- showing ---------------------------------------------------------------------------

    def _show_tiles(self, insights: Insights, months: Sequence[MonthFigures],
                    currency: str) -> None:
        latest = months[-1]
        when = f"end of {month_name(latest.month_end)}"
        earlier = months[-2] if len(months) > 1 else None
        before = f"{earlier.month_end:%B}" if earlier else ""
        self.tiles["receivables"].set_value(format_money(latest.receivables_minor, currency),
                                            when)
        self.tiles["dso"].set_value(_days_words(latest.dso), _trend(
            latest.dso, earlier.dso if earlier else None, "days", before))
        self.tiles["best"].set_value(_days_words(latest.best_possible_dso), when)
        self.tiles["add"].set_value(_days_words(latest.average_days_delinquent), _trend(
            latest.average_days_delinquent,
            earlier.average_days_delinquent if earlier else None, "days", before))
        self.tiles["cei"].set_value(percent_text(latest.cei), _trend(
            latest.cei, earlier.cei if earlier else None, "points", before))
        weeks = [w for w in insights.cash.weeks if w.currency == currency]
        self.tiles["cash"].set_value(format_money(sum(w.total_minor for w in weeks), currency),
                                     f"from {format_day(insights.cash.as_of)}")
        self.tiles["cash"].caption_label.setText(f"Expected in {len(weeks)} weeks")

    def _show_months(self, months: Sequence[MonthFigures], currency: str) -> None:
        labels = [month_label(m.month_end) for m in months]
        details = [month_name(m.month_end) for m in months]
        for key in ("dso", "cei", "aging"):
            self.sections[key].model.set_figures(currency, months)
        dso = self.sections["dso"].chart
        assert dso is not None
        dso.set_data(labels, [
            Series("DSO", FIGURE_COLOURS[0], tuple(_number(m.dso) for m in months)),
            Series("DSO (standard)", FIGURE_COLOURS[1],
                   tuple(_number(m.dso_standard) for m in months), dashed=True),
            Series("Best possible DSO", FIGURE_COLOURS[2],
                   tuple(_number(m.best_possible_dso) for m in months)),
        ], details=details)
        cei = self.sections["cei"].chart
        assert cei is not None
        cei.set_data(labels, [Series("CEI", FIGURE_COLOURS[0],
                                     tuple(_number(m.cei) for m in months))],
                     details=details, top=100)
        aging = self.sections["aging"].chart
        assert aging is not None
        self._money_axis(aging, currency)
        aging.value_axis = f"Owed ({currency})"
        aging.set_data(labels, [
            Series(label, colour, tuple(float(m.aging[n]) for m in months))
            for n, (label, colour) in enumerate(zip(bucket_labels(), BUCKET_COLOURS,
                                                    strict=True))], details=details)

    def _show_cash(self, insights: Insights, currency: str) -> None:
        weeks = [w for w in insights.cash.weeks if w.currency == currency]
        self.sections["cash"].model.set_figures(currency, weeks)
        chart = self.sections["cash"].chart
        assert chart is not None
        self._money_axis(chart, currency)
        chart.value_axis = f"Expected ({currency})"
        chart.set_data(
            [f"{w.first_day.day} {w.first_day:%b}" for w in weeks],
            [Series("Promised", SOURCE_COLOURS[0],
                    tuple(float(w.promised_minor) for w in weeks)),
             Series("Instalments", SOURCE_COLOURS[1],
                    tuple(float(w.instalments_minor) for w in weeks)),
             Series("Usual delay", SOURCE_COLOURS[2],
                    tuple(float(w.usual_delay_minor) for w in weeks))],
            details=[f"{format_day(w.first_day)} – {format_day(w.last_day)}" for w in weeks])
        late = dict(insights.cash.late).get(currency, 0)
        self.cash_late_label.setText(
            f"Late beyond expecting, not counted above: {format_money(late, currency)} "
            "(invoices past their customer's usual delay, plan instalments missed)."
            if late else "")
        self.cash_late_label.setVisible(bool(late))

    @staticmethod
    def _fit_rows(table: QTableView, rows: int) -> None:
        """As tall as its rows (at least one), so a short list leaves no empty box."""
        table.setFixedHeight(table.verticalHeader().defaultSectionSize() * max(rows, 1)
                             + table.horizontalHeader().sizeHint().height()
                             + 2 * table.frameWidth() + 18)  # room for a scroll bar

    @staticmethod
    def _money_axis(chart: Chart, currency: str) -> None:
        """Amounts in minor units: the tooltips in full, the axis in short."""
        scale = 10 ** exponent(currency)
        chart.set_formats(lambda v: format_money(round(v), currency),
                          lambda v: compact_amount(v / scale))

    def _file_name(self, section: Section) -> str:
        day = self.as_of.isoformat() if self.as_of else ""
        return " ".join(part for part in (section.title.split(" (")[0], self.currency, day)
                        if part)


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _days_words(days: object) -> str:
    text = days_text(days)  # type: ignore[arg-type]
    return text if text == "–" else f"{text} days"


def _trend(now: object, before: object, unit: str, month: str) -> str:
    """The change from the month before, in words: "up 3.2 days on September"."""
    if now is None or before is None:
        return f"no figure for {month}" if month else ""
    change = now - before  # type: ignore[operator]
    if not change:
        return f"as in {month}"
    return f"{'up' if change > 0 else 'down'} {abs(change)} {unit} on {month}"
