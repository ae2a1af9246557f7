"""The Referrals tab and the Refer dialog: the demo's referral with its money, filters,
a recovery with the agency's commission, a recall, the pre-referral check in the dialog
(a missing step recorded from it), the dossier offered after referring, the agencies'
directory, and Refer to Agency… on the customer's account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from models.agencies import case_commission
from models.kinds import InvoiceStatus
from models.money import format_money
from models.schema import Customer, Invoice, ReferralInvoice
from tests.conftest import DEMO_TODAY
from tests.unit.ledger_helpers import customer, invoice
from tests.unit.test_referrals import READY, agency_id, send_final_notice
from ui.collections.agencies_dialog import AgenciesDialog
from ui.collections.recovery_dialog import RecoveryDialog
from ui.collections.referrals_model import ENDED, LIVE
from ui.collections.referrals_tab import ReferralsTab
from ui.common.agency_dialog import AgencyDialog
from ui.common.area import AreaContext
from ui.common.pdf_preview import PdfPreviewDialog
from ui.common.reason_dialog import ReasonDialog
from ui.common.refer_dialog import ReferDialog
from ui.common.tasks import TaskRunner


def make_tab(qtbot, window: QWidget, tmp_path, today: Callable[[], dt.date]) -> ReferralsTab:
    tasks = TaskRunner(window)
    context = AreaContext(
        tasks=tasks, today=today,
        settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
        window=window, log_contact_action=QAction(window), import_action=QAction(window),
        contact_logger=lambda: None, open_customer=lambda _id: None,
        show_area=lambda _a, _s: None)
    tab = ReferralsTab(context, window)
    tab.is_current = True
    tab.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(tab.loaded):
        tab.reload()
    return tab


@pytest.fixture
def tab(qtbot, window, tmp_path, demo_store):
    tab = make_tab(qtbot, window, tmp_path, lambda: DEMO_TODAY)
    yield tab
    tab.tasks.stop_all()


@pytest.fixture
def ready(qtbot, window, tmp_path, empty_store):
    """A customer sent the final notice, not yet warned of the referral, an agency, and
    the tab on the day the final notice's time has run out."""
    who = customer("Quayside Bakery Ltd")
    invoice(who, 800_00, due_days_ago=50, number="INV-1")
    send_final_notice(who)
    agency_id()
    tab = make_tab(qtbot, window, tmp_path, lambda: READY)
    yield tab, who
    tab.tasks.stop_all()


def visible(qtbot, parent: QWidget, kind: type) -> object:
    def found() -> list:
        return [d for d in parent.window().findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=20000)
    return found()[-1]


def cell(tab: ReferralsTab, column: int, row: int = 0) -> str:
    return tab.model.data(tab.model.index(row, column))


def test_the_demos_referral_is_listed_with_its_agency_and_status(tab, qtmodeltester):
    assert tab.model.rowCount() == 1
    row = tab.current_referral()
    assert row is not None and row.live
    assert cell(tab, 1) == "Northgate Collections Ltd"
    assert cell(tab, 5) == "Collecting"
    assert cell(tab, 2) == ", ".join(row.invoice_numbers)
    assert "with Northgate Collections Ltd since" in tab.details_label.text()
    assert tab.count_label.text() == "1 referral"
    for action in (tab.update_action, tab.recovery_action, tab.recall_action,
                   tab.dossier_action, tab.agencies_action):
        assert action.isEnabled()
    qtmodeltester.check(tab.model)


def test_the_list_filters_by_status_and_agency(tab):
    tab.status_combo.setCurrentIndex(tab.status_combo.findData(ENDED))
    assert tab.model.rowCount() == 0
    assert tab.count_label.text() == "0 of 1 referral shown"
    assert not tab.update_action.isEnabled()
    tab.status_combo.setCurrentIndex(tab.status_combo.findData(LIVE))
    assert tab.model.rowCount() == 1
    tab.status_combo.setCurrentIndex(tab.status_combo.findData("collecting"))
    assert tab.model.rowCount() == 1
    assert tab.agency_combo.itemText(1) == "Northgate Collections Ltd"
    tab.agency_combo.setCurrentIndex(1)
    assert tab.model.rowCount() == 1


def test_a_recovery_shows_gross_commission_and_net(tab, qtbot):
    row = tab.current_referral()
    tab.recovery_action.trigger()
    dialog = visible(qtbot, tab, RecoveryDialog)
    dialog.amount_edit.setText("200.00")
    dialog.amount_edit.textEdited.emit("200.00")
    total = row.recovered_minor + 200_00
    commission = case_commission(row.commission_percent, row.commission_min_minor, total)
    money = lambda minor: format_money(minor, row.currency)  # noqa: E731
    assert dialog.split_text() == (f"Commission {money(commission)}, net "
                                   f"{money(200_00 - commission)}")
    with qtbot.waitSignal(tab.loaded, timeout=20000):
        dialog.accept()
    after = tab.current_referral()
    assert (after.recovered_minor, after.commission_minor) == (total, commission)
    assert [cell(tab, c) for c in (6, 7, 8)] == [money(total), money(commission),
                                                 money(total - commission)]
    assert "recovered by Northgate Collections Ltd: commission" in _notices(tab)


def _notices(tab: ReferralsTab) -> str:
    return tab.property("last_notice") or ""


def test_recalling_gives_the_invoices_back(tab, qtbot):
    row = tab.current_referral()
    tab.recall_action.trigger()
    dialog = visible(qtbot, tab, ReasonDialog)
    dialog.reason_edit.setText("They called to pay us directly")
    with qtbot.waitSignal(tab.loaded, timeout=20000):
        dialog.accept()
    assert cell(tab, 5) == "Recalled"
    assert not tab.recall_action.isEnabled()
    statuses = {Invoice.get_by_id(i).status for i in row.invoice_ids}
    assert InvoiceStatus.WITH_AGENCY not in statuses


def test_the_refer_dialog_shows_each_step_and_records_the_missing_warning(ready, qtbot):
    tab, who = ready
    tab.referral_actions.refer(who, "Quayside Bakery Ltd")
    dialog = visible(qtbot, tab, ReferDialog)
    texts = dialog.step_texts()
    assert "✓ Final notice sent: “Final notice” sent on 24 November 2026." in texts
    assert any(t.startswith("✗ Warned of the referral: No contact records") for t in texts)
    assert dialog.final_notice_button.isVisible()
    dialog.accept()  # refused: a step is missing and no reason is given
    assert "A step of the check is not done" in dialog.error_text("check")
    with qtbot.waitSignal(dialog.check_shown, timeout=20000):
        dialog.final_notice_button.click()
    assert all(t.startswith("✓") for t in dialog.step_texts()), dialog.step_texts()
    assert not dialog.warning_row.isVisible()
    with qtbot.waitSignal(tab.loaded, timeout=20000):
        dialog.accept()
    box = visible(qtbot, tab, QMessageBox)
    assert box.objectName() == "offerDossier"
    assert tab.model.rowCount() == 1 and cell(tab, 5) == "Referred"
    assert Invoice.get(Invoice.number == "INV-1").status == InvoiceStatus.WITH_AGENCY
    shown = next(b for b in box.buttons() if "Show Dossier" in b.text())
    shown.click()
    preview = visible(qtbot, tab, PdfPreviewDialog)
    assert "Dossier" in preview.windowTitle()
    preview.close()


def test_referring_before_the_check_passes_needs_a_reason_kept_with_it(ready, qtbot):
    tab, who = ready
    tab.referral_actions.refer(who, "Quayside Bakery Ltd")
    dialog = visible(qtbot, tab, ReferDialog)
    dialog.override_edit.setText("The customer has left the country")
    with qtbot.waitSignal(tab.loaded, timeout=20000):
        dialog.accept()
    assert tab.current_referral().override_reason == "The customer has left the country"
    assert ReferralInvoice.select().count() == 1


def test_the_agencies_directory_adds_an_agency(tab, qtbot, qtmodeltester):
    dialog = AgenciesDialog.show_directory(tab, tab.tasks)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=20000)
    qtmodeltester.check(dialog.model)
    dialog.add()
    form = visible(qtbot, tab, AgencyDialog)
    form.name_edit.setText("Fairway Recoveries")
    form.percent_edit.setText("18")
    form.minimum_edit.setText("30.00")
    form.currency_edit.setText("GBP")
    form.rating_combo.setCurrentIndex(4)
    with qtbot.waitSignal(dialog.loaded, timeout=20000):
        form.accept()
    names = [r.name for r in dialog.model.rows()]
    assert "Fairway Recoveries" in names
    added = next(r for r in dialog.model.rows() if r.name == "Fairway Recoveries")
    assert added.commission_words == "18% (at least 30.00 GBP)" and added.rating == 4
    dialog.close()


def test_an_agency_with_a_bad_address_is_asked_again(tab, qtbot):
    dialog = AgenciesDialog.show_directory(tab, tab.tasks)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=20000)
    dialog.add()
    form = visible(qtbot, tab, AgencyDialog)
    form.name_edit.setText("Odd Agency")
    form.email_edit.setText("not an address")
    form.accept()

    def asked_again() -> bool:
        again = [d for d in tab.window().findChildren(AgencyDialog)
                 if d.isVisible() and d is not form]
        return bool(again) and "does not look like an e-mail address" in again[-1].error_text(
            "email")

    qtbot.waitUntil(asked_again, timeout=20000)
    dialog.close()


def test_invoices_already_with_the_agency_are_not_offered_again(tab, qtbot):
    row = tab.current_referral()
    name = Customer.get_by_id(row.customer_id).name
    tab.referral_actions.refer(row.customer_id, name)

    def shown() -> list:
        return [w for w in tab.window().findChildren(QWidget)
                if isinstance(w, ReferDialog | QMessageBox) and w.isVisible()]

    qtbot.waitUntil(lambda: bool(shown()), timeout=20000)
    found = shown()[-1]
    if isinstance(found, ReferDialog):
        assert not set(found.ticked_invoice_ids()) & set(row.invoice_ids)
        found.reject()
    else:
        assert "no overdue invoice" in found.text()
