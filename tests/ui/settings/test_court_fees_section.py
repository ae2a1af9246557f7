"""Settings › Court fees: the table read, edited in place, refused when bands overlap,
saved, and put back to Duly's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from models.court_fees import court_fees
from ui.settings.court_fees_section import CourtFeesModel, CourtFeesSection


@pytest.fixture
def section(qtbot, window, runner, empty_store) -> CourtFeesSection:
    section = CourtFeesSection(runner, window)
    window.show()
    qtbot.waitExposed(window)
    section.reload()
    qtbot.waitUntil(lambda: section.model.rowCount() == 9, timeout=10000)
    return section


def test_the_shipped_fees_are_shown_and_a_sound_model(section, qtmodeltester):
    qtmodeltester.check(section.model)
    model = section.model
    assert isinstance(model, CourtFeesModel)
    assert [model.data(model.index(0, c)) for c in range(5)] == [
        "GB-EAW", "GBP", "0.01", "300.00", "35.00"]
    assert model.data(model.index(7, 5)) == "5"
    assert model.data(model.index(8, 3)) == "no limit"
    assert not section.save_button.isEnabled()


def test_an_overlap_is_refused_and_a_fix_is_saved(section, qtbot):
    model = section.model
    assert model.setData(model.index(1, 2), "250.00", Qt.ItemDataRole.EditRole)
    assert section.save_button.isEnabled()
    section.save_button.click()
    qtbot.waitUntil(lambda: "overlap" in section.error_label.text(), timeout=10000)
    assert court_fees()[1].amount_from_minor == 300_01  # nothing saved
    model.setData(model.index(1, 2), "300.01", Qt.ItemDataRole.EditRole)
    model.setData(model.index(1, 4), "55", Qt.ItemDataRole.EditRole)
    with qtbot.waitSignal(section.saved, timeout=10000) as saved:
        section.save_button.click()
    assert saved.args == ["Saved 9 court fee bands."]
    assert court_fees()[1].fee_minor == 55_00


def test_a_band_that_is_not_an_amount_is_named(section, qtbot):
    row = section.model.add_band()
    section.model.setData(section.model.index(row, 2), "lots", Qt.ItemDataRole.EditRole)
    section.save_button.click()
    assert section.error_label.text() == ("Band 10: Write the lowest claim as an amount, "
                                          "e.g. 1500.00.")


def test_removing_a_band_and_putting_dulys_back(section, qtbot):
    section.table.selectRow(8)
    section.remove_button.click()
    assert section.model.rowCount() == 8
    section.reset_button.click()
    assert section.model.rowCount() == 9 and section.save_button.isEnabled()
