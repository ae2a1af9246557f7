"""The business at a glance as a PDF for the business's own records: for each currency
on its own (amounts in two currencies are never added), days sales outstanding with the
best possible DSO month by month (a line chart), the average days delinquent and the
collection effectiveness index, aging at each month end (stacked bars), the top
debtors and how their balances moved, and the cash expected in the next weeks (bars);
each chart with its table, and how each figure is worked out. On the shared document
renderer ("Page X of Y" on each page); the charts are drawn by reportlab itself.

Snapshot, then render: :func:`insights_report_data` reads the store once;
:func:`render_insights_report` reads nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer

from models.accounts import bucket_labels
from models.business_figures import (
    DEFAULT_MONTHS,
    FORMULAS,
    CashExpected,
    Debtor,
    MonthFigures,
)
from models.company import business_details, page_size_for
from models.dates import long_date
from models.money import format_amount, format_money, from_minor
from reports.chart_style import (
    BUCKET_COLOURS,
    FIGURE_COLOURS,
    GRID,
    SOURCE_COLOURS,
    compact_amount,
)
from reports.document import DeskReport
from reports.fonts import BOLD, REGULAR, markup
from reports.insights_text import Insights, insights_snapshot
from reports.page import INK, MUTED
from reports.plain_table import PlainTable, TableLook, column_width

_LOOK = TableLook(heading_size=7, body_size=7.5, total_size=8, padding=2, body_padding=1.8)
_CHART_HEIGHT = 62 * mm
_AXIS_SIZE = 7


@dataclass(frozen=True)
class InsightsReportData:
    """What the report prints: the figures of the last ``months`` months as of a day."""

    as_of: dt.date
    printed_on: dt.date
    business_name: str
    page_size: str
    insights: Insights

    @property
    def months(self) -> int:
        """How many month ends the figures cover."""
        return len(self.insights.figures.month_ends)


def insights_report_data(as_of: dt.date, *, months: int = DEFAULT_MONTHS,
                         today: dt.date | None = None,
                         insights: Insights | None = None) -> InsightsReportData:
    """The report's snapshot: the figures of the last ``months`` whole months on or
    before ``as_of``, or the ``insights`` already read (the window's)."""
    today = today or dt.date.today()
    business = business_details()
    return InsightsReportData(
        as_of=as_of, printed_on=today, business_name=business.name if business else "",
        page_size=business.page_size if business else page_size_for(""),
        insights=insights if insights is not None
        else insights_snapshot(as_of, months, today=today))


def render_insights_report(data: InsightsReportData, out: BinaryIO | str | Path) -> int:
    """Write the report's PDF; returns its number of pages."""
    return _InsightsReport(data).render(out)


def report_file_name(data: InsightsReportData) -> str:
    """The name a saved report is offered under."""
    return f"Insights {data.as_of.isoformat()}.pdf"


class _InsightsReport(DeskReport):
    """The report for the business itself."""

    def __init__(self, data: InsightsReportData) -> None:
        super().__init__(data.page_size, data.business_name)
        self.data = data

    def title(self) -> str:
        return f"The business at a glance, as of {long_date(self.data.as_of)}"

    def story(self, width: float) -> list[Flowable]:
        data, style = self.data, self.style
        figures = data.insights.figures
        months = data.months
        period = (f"the last {months} month{'s' if months != 1 else ''} "
                  f"({figures.month_ends[0]:%B %Y} to {figures.month_ends[-1]:%B %Y})"
                  if months else "")
        story: list[Flowable] = [
            Paragraph(markup(self.title()), style["title"]),
            Paragraph(markup(f"{data.business_name} · {period} · printed "
                             f"{long_date(data.printed_on)}".strip(" ·")), style["small"]),
            Spacer(1, 3 * mm),
        ]
        if not figures.months:
            story.append(Paragraph("No invoices yet: nothing to show.", style["body"]))
        currencies = figures.currencies
        if len(currencies) > 1:
            story.append(Paragraph(markup(
                "Each currency has its own pages: amounts in different currencies are "
                f"never added together ({', '.join(currencies)})."), style["body"]))
        for number, currency in enumerate(currencies):
            if number:
                story.append(CondPageBreak(self.height))  # each currency on a new page
            story += self._currency(currency, width)
        story += self._formulas()
        return story

    # --- one currency ------------------------------------------------------------------

    def _currency(self, currency: str, width: float) -> list[Flowable]:
        style = self.style
        months = self.data.insights.figures.of_currency(currency)
        debtors = [d for d in self.data.insights.debtors if d.currency == currency]
        story: list[Flowable] = [Paragraph(markup(f"Amounts in {currency}"), style["title"])]
        latest = months[-1] if months else None
        if latest is not None:
            story.append(Paragraph(markup(
                f"{latest.month_end:%B %Y}: A/R {format_money(latest.receivables_minor, currency)}"
                f", DSO {_days(latest.dso)} days, best possible {_days(latest.best_possible_dso)}"
                f" days, ADD {_days(latest.average_days_delinquent)} days, CEI "
                f"{_percent(latest.cei)}."), style["body"]))
        story += self._section(f"Days sales outstanding ({currency})",
                               self._dso_chart(months, width), self._dso_table(months, width))
        story += self._section(f"Aging at each month end ({currency})",
                               self._aging_chart(months, currency, width),
                               self._aging_table(months, currency, width))
        if debtors:
            story += (self._section(
                f"Top {len(debtors)} debtors ({currency}): balance at the last month ends",
                None, self._debtors_table(debtors, currency, width)))
        story += self._cash(currency, width)
        return story

    def _section(self, heading: str, chart: Flowable | None, table: Flowable
                 ) -> list[Flowable]:
        """A heading with its chart kept together, then the table (which may run on)."""
        title = Paragraph(markup(heading), self.style["heading"])
        if chart is None:
            return [CondPageBreak(30 * mm), title, table]
        return [KeepTogether([title, chart, Spacer(1, 2 * mm)]), table]

    # --- days sales outstanding ------------------------------------------------------

    def _dso_chart(self, months: Sequence[MonthFigures], width: float) -> Drawing:
        series = [("DSO (count-back)", [_float(m.dso) for m in months], False),
                  ("DSO (standard)", [_float(m.dso_standard) for m in months], True),
                  ("Best possible DSO", [_float(m.best_possible_dso) for m in months], False)]
        drawing = Drawing(width, _CHART_HEIGHT)
        chart = HorizontalLineChart()
        self._place(chart, width)
        chart.data = [values for _, values, _ in series]
        chart.categoryAxis.categoryNames = [_month_label(m.month_end, len(months), n)
                                            for n, m in enumerate(months)]
        _style_axes(chart, lambda v: f"{v:g}")
        chart.joinedLines = 1
        for n, (_, _, dashed) in enumerate(series):
            line = chart.lines[n]
            line.strokeColor = HexColor(FIGURE_COLOURS[n])
            line.strokeWidth = 1.2 if dashed else 1.6
            if dashed:
                line.strokeDashArray = (3, 2)
        drawing.add(chart)
        drawing.add(_legend([(HexColor(FIGURE_COLOURS[n]), name)
                             for n, (name, _, _) in enumerate(series)], chart))
        drawing.add(_axis_titles(chart, "Days", "Month end"))
        return drawing

    def _dso_table(self, months: Sequence[MonthFigures], width: float) -> Flowable:
        heading = ["Month end", "A/R", "Credit sales", "Current", "DSO", "DSO std",
                   "Best DSO", "ADD", "CEI"]
        currency = months[0].currency if months else ""
        body = [[f"{m.month_end:%b %Y}", format_amount(m.receivables_minor, currency),
                 format_amount(m.credit_sales_minor, currency),
                 format_amount(m.current_minor, currency), _days(m.dso),
                 _days(m.dso_standard), _days(m.best_possible_dso),
                 _days(m.average_days_delinquent), _percent(m.cei)] for m in months]
        return _table(heading, body, width)

    # --- aging -------------------------------------------------------------------------

    def _aging_chart(self, months: Sequence[MonthFigures], currency: str,
                     width: float) -> Drawing:
        labels = bucket_labels()
        drawing = Drawing(width, _CHART_HEIGHT)
        chart = VerticalBarChart()
        self._place(chart, width)
        chart.categoryAxis.style = "stacked"
        chart.data = [[float(from_minor(max(m.aging[n], 0), currency)) for m in months]
                      for n in range(len(labels))]
        chart.categoryAxis.categoryNames = [_month_label(m.month_end, len(months), n)
                                            for n, m in enumerate(months)]
        _style_axes(chart, compact_amount)
        chart.barSpacing = 0
        chart.groupSpacing = 4
        chart.bars.strokeColor = None
        chart.bars.strokeWidth = 0
        for n, colour in enumerate(BUCKET_COLOURS):
            chart.bars[n].fillColor = HexColor(colour)
        drawing.add(chart)
        drawing.add(_legend([(HexColor(c), label) for c, label in zip(BUCKET_COLOURS, labels,
                                                                       strict=True)], chart))
        drawing.add(_axis_titles(chart, f"Owed ({currency})", "Month end"))
        return drawing

    def _aging_table(self, months: Sequence[MonthFigures], currency: str,
                     width: float) -> Flowable:
        heading = ["Month end", *bucket_labels(), "A/R"]
        body = [[f"{m.month_end:%b %Y}", *(format_amount(b, currency) for b in m.aging),
                 format_amount(m.receivables_minor, currency)] for m in months]
        return _table(heading, body, width)

    # --- debtors -------------------------------------------------------------------------

    def _debtors_table(self, debtors: Sequence[Debtor], currency: str,
                       width: float) -> Flowable:
        ends = [day for day, _ in debtors[0].history]
        heading = ["Customer", "Balance", "Overdue", *(f"{day:%b %Y}" for day in ends)]
        body = [[d.name, format_amount(d.balance_minor, currency),
                 format_amount(d.overdue_minor, currency),
                 *(format_amount(balance, currency) for _, balance in d.history)]
                for d in debtors]
        return _table(heading, body, width)

    # --- cash expected ---------------------------------------------------------------

    def _cash(self, currency: str, width: float) -> list[Flowable]:
        cash: CashExpected = self.data.insights.cash
        weeks = [w for w in cash.weeks if w.currency == currency]
        late = dict(cash.late).get(currency, 0)
        if not weeks and not late:
            return []
        story: list[Flowable] = []
        if weeks:
            drawing = Drawing(width, _CHART_HEIGHT * 0.8)
            chart = VerticalBarChart()
            self._place(chart, width, height=_CHART_HEIGHT * 0.8)
            chart.categoryAxis.style = "stacked"
            sources = (("Promised", "promised_minor"), ("Instalments", "instalments_minor"),
                       ("Usual delay", "usual_delay_minor"))
            chart.data = [[float(from_minor(getattr(w, field), currency)) for w in weeks]
                          for _, field in sources]
            chart.categoryAxis.categoryNames = [f"{w.first_day.day} {w.first_day:%b}"
                                                for w in weeks]
            _style_axes(chart, compact_amount)
            chart.bars.strokeColor = None
            chart.bars.strokeWidth = 0
            chart.groupSpacing = 40
            for n, colour in enumerate(SOURCE_COLOURS):
                chart.bars[n].fillColor = HexColor(colour)
            drawing.add(chart)
            drawing.add(_legend([(HexColor(c), name) for c, (name, _) in
                                 zip(SOURCE_COLOURS, sources, strict=True)], chart))
            drawing.add(_axis_titles(chart, f"Expected ({currency})", "Week from"))
            heading = ["Week", "Promised", "Instalments", "Usual delay", "Total"]
            body = [[f"{long_date(w.first_day)} – {long_date(w.last_day)}",
                     *(format_amount(m, currency) for m in (
                         w.promised_minor, w.instalments_minor, w.usual_delay_minor,
                         w.total_minor))] for w in weeks]
            story += (self._section(
                f"Cash expected in the next {len(weeks)} weeks ({currency})", drawing,
                _table(heading, body, width)))
        if late:
            story.append(Spacer(1, 2 * mm))
            story.append(Paragraph(markup(
                f"Late beyond expecting, not counted above: {format_money(late, currency)} "
                "(invoices past their customer's usual delay, plan instalments missed)."),
                self.style["body"]))
        return story

    # --- notes ---------------------------------------------------------------------------

    def _formulas(self) -> list[Flowable]:
        style = self.style
        notes = (("DSO (count-back)", "dso"), ("DSO (standard)", "dso_standard"),
                 ("Best possible DSO", "best_possible_dso"),
                 ("Best possible DSO (standard)", "best_possible_dso_standard"),
                 ("ADD, average days delinquent", "average_days_delinquent"),
                 ("CEI, collection effectiveness index", "cei"),
                 ("Usual delay", "usual_delay"))
        story: list[Flowable] = [Paragraph("How the figures are worked out", style["heading"])]
        story += [Paragraph(f'<font name="{BOLD}">{markup(name, BOLD)}</font>: '
                            f"{markup(FORMULAS[key])}", style["small"])
                  for name, key in notes]
        story.append(Paragraph(markup(
            "A/R is what was open at the month end on the invoices issued by then; current "
            "A/R is the part not yet due. Aging is by days past the due date at each month "
            "end."), style["small"]))
        return story

    # --- helpers -------------------------------------------------------------------------

    @staticmethod
    def _place(chart: HorizontalLineChart | VerticalBarChart, width: float,
               height: float = _CHART_HEIGHT) -> None:
        chart.x = 40
        chart.y = 30
        chart.width = width - chart.x - 6
        chart.height = height - chart.y - 22
        chart.valueAxis.valueMin = 0


def _style_axes(chart: HorizontalLineChart | VerticalBarChart,
                value_text: Callable[[float], str]) -> None:
    for axis in (chart.valueAxis, chart.categoryAxis):
        axis.labels.fontName = REGULAR
        axis.labels.fontSize = _AXIS_SIZE
        axis.labels.fillColor = MUTED
        axis.strokeColor = INK
        axis.strokeWidth = 0.5
    chart.valueAxis.labelTextFormat = value_text
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = HexColor(GRID)
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.valueAxis.forceZero = 1
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.tickDown = 2
    chart.categoryAxis.visibleTicks = 1


def _axis_titles(chart: HorizontalLineChart | VerticalBarChart, value_axis: str,
                 category_axis: str) -> Group:
    """The titles of both axes, the value axis's written upwards beside it."""
    upright = Group(String(0, 0, value_axis, fontName=REGULAR, fontSize=_AXIS_SIZE,
                           fillColor=INK, textAnchor="middle"))
    upright.translate(9, chart.y + chart.height / 2)
    upright.rotate(90)
    return Group(upright, String(chart.x + chart.width / 2, 3, category_axis,
                                 fontName=REGULAR, fontSize=_AXIS_SIZE, fillColor=INK,
                                 textAnchor="middle"))


def _legend(entries: Sequence[tuple[Color, str]], chart: HorizontalLineChart
            | VerticalBarChart) -> Legend:
    legend = Legend()
    legend.alignment = "right"
    legend.x = chart.x
    legend.y = chart.y + chart.height + 16
    legend.dx = 8
    legend.dy = 6
    legend.fontName = REGULAR
    legend.fontSize = _AXIS_SIZE
    legend.fillColor = INK
    legend.boxAnchor = "nw"
    legend.columnMaximum = 1
    legend.deltax = 0
    legend.dxTextSpace = 4
    legend.autoXPadding = 12
    legend.strokeWidth = 0
    legend.colorNamePairs = list(entries)
    return legend


def _table(heading: list[str], body: list[list[str]], width: float) -> PlainTable:
    widths = [column_width(title, [row[n] for row in body], _LOOK)
              for n, title in enumerate(heading)]
    spare = width - sum(widths)
    if spare > 0:
        widths[0] += spare
    else:  # too wide: the first column (a name) gives way and wraps
        widths[0] = max(widths[0] + spare, width / 6)
    return PlainTable(heading, body, [], widths, right_from=1, label_span=1, look=_LOOK)


def _month_label(month_end: dt.date, count: int, position: int) -> str:
    """An axis's month label: every month up to a year, then every other (the latest
    always shown), so the labels never run into each other."""
    step = 1 if count <= 12 else 2 if count <= 24 else 3
    if (count - 1 - position) % step:
        return ""
    return f"{month_end:%b %y}"


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _days(value: Decimal | None) -> str:
    return "–" if value is None else f"{value}"


def _percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{value}%"
