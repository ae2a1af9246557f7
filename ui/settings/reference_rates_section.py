"""Settings → Reference rates: the central banks' rates statutory interest is worked out
from, each in force from its day until the next, one series or all at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QWidget

from models.errors import LedgerError
from models.policies import (
    PolicySettings,
    ReferenceRateDraft,
    delete_reference_rate,
    percent_text,
    update_reference_rate,
)
from models.reference_rates import ReferenceRateValue, add_reference_rate, series_name
from ui.common.rows_model import format_day
from ui.settings.policy_models import ReferenceRateModel
from ui.settings.policy_writing import PolicyWriting
from ui.settings.settings_section import (
    SettingsSection,
    button,
    detail_label,
    lay_out_section,
    select_key,
    selected_row,
)

ALL_SERIES = "All series"


class ReferenceRatesSection(SettingsSection):
    """The reference rates, filtered by series, to add, correct and remove, with the
    source of the one selected."""

    def __init__(self, writing: PolicyWriting, today: Callable[[], dt.date],
                 parent: QWidget | None = None) -> None:
        super().__init__(writing, parent)
        self._today = today
        self.model = ReferenceRateModel(self)
        self.table = self._table(self.model, "ratesTable", "Reference rates",
                                 {0: 110, 1: 120, 2: 70})
        self.table.activated.connect(self._on_edit_button_clicked)
        self.series_filter = QComboBox()
        self.series_filter.setAccessibleName("Series shown")
        self.series_filter.setMinimumContentsLength(14)
        self.series_filter.currentIndexChanged.connect(self._on_series_filter_changed)
        self.add_button = button("&Add Rate…", self._on_add_button_clicked,
                                 "Add a rate from the day it takes effect")
        self.edit_button = button("&Correct…", self._on_edit_button_clicked,
                                  "Correct the rate or source selected (Enter)")
        self.remove_button = button("&Remove", self._on_remove_button_clicked,
                                    "Remove the rate selected, e.g. one added by mistake")
        self.citation_label = detail_label("rateCitation")
        self.citation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay_out_section(self, "Reference rates", "The central banks' rates statutory interest "
                        "is worked out from, each in force from its day until the next. Keep "
                        "them current: Duly does not guess a rate it does not have.",
                        [self.add_button, self.edit_button, self.remove_button,
                         self.series_filter], self.table, self.citation_label)
        self._update_actions()

    def current(self) -> ReferenceRateValue | None:
        """The reference rate selected."""
        return selected_row(self.table, self.model)

    def select_rate(self, series: str, effective_from: dt.date) -> None:
        """Select the reference rate of ``series`` from ``effective_from``."""
        select_key(self.table, self.model, (series, effective_from))

    # --- showing -------------------------------------------------------------------

    def _show(self, settings: PolicySettings, wanted: dict[str, object]) -> None:
        rate = self.current()
        kept = wanted.get("rates", self.model.row_key(rate) if rate is not None else None)
        self._fill_series_filter(settings)
        self.model.set_rows(settings.reference_rates)
        if self.model.position_of(kept) < 0 and "rates" in wanted:
            self._show_series("")  # the rate just saved is of a series not on show
        select_key(self.table, self.model, kept)

    def _forget(self) -> None:
        self.model.set_rows([])
        blocked = self.series_filter.blockSignals(True)
        self.series_filter.clear()
        self.series_filter.blockSignals(blocked)

    def _show_details(self) -> None:
        rate = self.current()
        self.citation_label.setText(
            f"{series_name(rate.series)}, {percent_text(rate.rate_percent)}% from "
            f"{format_day(rate.effective_from)}.\nSource: {rate.source}" if rate is not None
            else "")

    def _fill_series_filter(self, settings: PolicySettings) -> None:
        chosen = self.series_filter.currentData() or ""
        blocked = self.series_filter.blockSignals(True)
        self.series_filter.clear()
        self.series_filter.addItem(ALL_SERIES, "")
        for series in sorted({rate.series for rate in settings.reference_rates}):
            self.series_filter.addItem(series, series)
        self.series_filter.blockSignals(blocked)
        self._show_series(str(chosen))

    def _show_series(self, series: str) -> None:
        """Show the rates of ``series`` ("": every series) and say so in the filter."""
        blocked = self.series_filter.blockSignals(True)
        self.series_filter.setCurrentIndex(max(self.series_filter.findData(series), 0))
        self.series_filter.blockSignals(blocked)
        self.model.set_series(str(self.series_filter.currentData() or ""))

    def _update_actions(self) -> None:
        ready = self._ready()
        self.add_button.setEnabled(ready)
        rate = self.current()
        self.edit_button.setEnabled(ready and rate is not None)
        self.remove_button.setEnabled(ready and rate is not None)

    # --- writing -------------------------------------------------------------------

    def _ask(self, draft: ReferenceRateDraft | None, editing: bool,
             error: LedgerError | None = None) -> None:
        from ui.settings.reference_rate_dialog import ReferenceRateDialog

        assert self._settings is not None
        series = sorted({rate.series for rate in self._settings.reference_rates})
        ReferenceRateDialog.ask(self, lambda result: self._on_dialog_finished(
            editing, result), today=self._today(), series=series,
            current=str(self.series_filter.currentData() or ""), draft=draft,
            editing=editing, error=error)

    def _on_dialog_finished(self, editing: bool, draft: ReferenceRateDraft | None) -> None:
        if draft is None:
            return

        def work() -> None:
            if editing:
                update_reference_rate(draft.series, draft.effective_from,
                                      rate_percent=draft.rate_percent, source=draft.source)
            else:
                add_reference_rate(draft.series, draft.effective_from, draft.rate_percent,
                                   draft.source)

        self._write(work, f"Reference rate saved: {_rate_words(draft)}.", select="rates",
                    key=(draft.series, draft.effective_from),
                    refused=lambda error: self._ask(draft, editing, error))

    @Slot()
    def _on_add_button_clicked(self) -> None:
        if self._ready():
            self._ask(None, editing=False)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        rate = self.current()
        if rate is not None and not self._writing.busy:
            self._ask(ReferenceRateDraft(rate.series, rate.effective_from,
                                         rate.rate_percent, rate.source), editing=True)

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        rate = self.current()
        if rate is None or self._writing.busy:
            return
        what = _rate_words(rate)
        self._confirm(f"Remove the {what}?",
                      "Interest already charged keeps the rate it was worked out with; "
                      "new calculations use the rows left.", "Remove Rate",
                      lambda: self._write(lambda: delete_reference_rate(
                          rate.series, rate.effective_from), f"Reference rate removed: {what}."))

    @Slot(int)
    def _on_series_filter_changed(self, _index: int) -> None:
        self.model.set_series(str(self.series_filter.currentData() or ""))
        self._show_details()
        self._update_actions()


def _rate_words(rate: ReferenceRateDraft | ReferenceRateValue) -> str:
    """A rate in words: "Bank of England base rate 3.5% from 5 Feb 2026"."""
    return (f"{series_name(rate.series)} {percent_text(rate.rate_percent)}% from "
            f"{format_day(rate.effective_from)}")
