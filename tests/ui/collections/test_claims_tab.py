"""The Claims tab on the demo: customers ready for a letter before action or sent one,
the letter shown and recorded as sent once saved, the claim pack shown."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog, QWidget

from models.claims import last_claim_letter
from ui.collections.claims_tab import ClaimsModel, ClaimsTab
from ui.common.pdf_preview import PdfPreviewDialog


def claims_tab(window, qtbot) -> ClaimsTab:
    go = next(a for a in window.go_actions if a.text() == "&Collections")
    go.trigger()
    qtbot.waitUntil(lambda: window.current_area().key == "collections")
    page = window.page("collections")
    page.show_section("Claims")
    tab = page.current_tab()
    assert isinstance(tab, ClaimsTab)
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=20000)
    return tab


def visible(qtbot, parent: QWidget, kind: type) -> object:
    def found() -> list:
        return [d for d in parent.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=20000)
    return found()[0]


def test_the_customers_long_overdue_are_ready_for_a_letter(open_window, demo_file, qtbot,
                                                           qtmodeltester):
    window = open_window(demo_file)
    tab = claims_tab(window, qtbot)
    qtmodeltester.check(tab.model)
    assert isinstance(tab.model, ClaimsModel)
    assert [c.title for c in tab.model.columns] == [
        "Customer", "Kind", "Amount", "Letter sent", "Respond by", "Days left",
        "Claim with interest"]
    assert tab.model.data(tab.model.index(0, 3)) == "ready"
    assert not tab.letter_action.isEnabled()  # no row chosen yet
    tab.table.selectRow(0)
    assert tab.letter_action.isEnabled() and tab.pack_action.isEnabled()
    assert window.page("collections").open_customer_action.isEnabled()
    assert "ready for one" in tab.count_label.text()


def test_the_letter_is_recorded_as_sent_only_once_saved(open_window, demo_file, qtbot,
                                                        tmp_path: Path):
    window = open_window(demo_file)
    tab = claims_tab(window, qtbot)
    tab.table.selectRow(0)
    row = tab.current_row()
    tab.letter_action.trigger()
    preview = visible(qtbot, window, PdfPreviewDialog)
    try:
        text = "".join(p.extract_text() for p in PdfReader(preview.pdf.path).pages)
        assert row.customer_name in text
        assert last_claim_letter(row.customer_id) is None
        target = tmp_path / "letter.pdf"
        preview.save_action.trigger()
        qtbot.waitUntil(lambda: preview.findChild(QFileDialog, "savePdfDialog") is not None)
        save = preview.findChild(QFileDialog, "savePdfDialog")
        save.selectFile(str(target))
        save.accept()
        qtbot.waitUntil(lambda: target.exists(), timeout=20000)
        page = window.page("collections")
        qtbot.waitUntil(lambda: "recorded as sent" in page.notice_label.text(), timeout=20000)
    finally:
        preview.reject()
    sent = last_claim_letter(row.customer_id)
    assert sent is not None
    qtbot.waitUntil(lambda: tab.model.position_of(row.customer_id) >= 0
                    and tab.model.row_at(tab.model.position_of(row.customer_id)).sent_on
                    is not None, timeout=20000)


def test_the_claim_pack_is_shown(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    tab = claims_tab(window, qtbot)
    tab.table.selectRow(0)
    tab.pack_action.trigger()
    preview = visible(qtbot, window, PdfPreviewDialog)
    try:
        assert preview.windowTitle().startswith("Claim pack – ")
        text = "".join(p.extract_text() for p in PdfReader(preview.pdf.path).pages)
        assert "Statement of interest" in text and "Court fee" in text
    finally:
        preview.reject()
