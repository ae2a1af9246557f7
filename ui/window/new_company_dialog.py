"""Start my company: the business details Duly prints on every letter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLocale, QRegularExpression, Qt
from PySide6.QtGui import QImage, QImageReader, QPixmap, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.company import COUNTRIES, MAX_LOGO_BYTES, CompanyError
from models.files import refuse_store_file
from models.money import COMMON_CURRENCIES
from ui.common import file_pickers
from ui.common.style import ERROR, mute, scale_font
from ui.window.store_setup import CompanyDraft, check_company

FALLBACK_COUNTRY = "GB"
_LOGO_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}
_PREVIEW_WIDTH, _PREVIEW_HEIGHT = 160, 64


def default_country() -> str:
    """The country of the user's locale if Duly offers it, else the United Kingdom."""
    code = QLocale.territoryToCode(QLocale.system().territory())
    return code if code in dict(COUNTRIES) else FALLBACK_COUNTRY


def currency_for(country: str) -> str | None:
    """The currency used in ``country`` (ISO codes), from Qt's locale data."""
    territory = QLocale.codeToTerritory(country)
    if territory == QLocale.Country.AnyTerritory:
        return None
    locale = QLocale(QLocale.Language.AnyLanguage, territory)
    code = locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
    return code or None


def read_logo(path: Path) -> tuple[bytes, str]:
    """The bytes and MIME type of a PNG or JPEG logo; CompanyError if unusable."""
    try:
        refuse_store_file(path)
        size = path.stat().st_size
        if size > MAX_LOGO_BYTES:
            raise CompanyError("logo", f"{path.name} is larger than 2 MB; choose a "
                                       f"smaller image.")
        data = path.read_bytes()
    except OSError as exc:
        raise CompanyError("logo", f"Duly cannot read {path.name}: {exc.strerror}.") from exc
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    kind = bytes(reader.format().data()).decode("ascii", "replace")
    if kind not in _LOGO_TYPES or reader.read().isNull():
        raise CompanyError("logo", f"{path.name} is not a PNG or JPEG image that Duly "
                                   f"can read. Choose another file.")
    return data, _LOGO_TYPES[kind]


class NewCompanyDialog(QDialog):
    """Business name, address, country, currency and an optional logo."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[CompanyDraft | None], None], *,
            draft: CompanyDraft | None = None,
            error: CompanyError | None = None) -> NewCompanyDialog:
        """Open the dialog; ``done`` later receives the details, or None if cancelled.

        ``draft`` and ``error`` re-open it as the user left it, with the
        store's objection shown at its field.
        """
        dialog = cls(parent, draft=draft)
        if error is not None:
            dialog.show_error(error)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: done(dialog.accepted_draft))
        dialog.open()
        return dialog

    def __init__(self, parent: QWidget | None = None, *,
                 draft: CompanyDraft | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start my company")
        self.setMinimumWidth(540)
        self.accepted_draft: CompanyDraft | None = None
        self._logo: tuple[bytes, str] | None = None
        self._currency_edited = False
        self._errors: dict[str, QLabel] = {}

        heading = QLabel("Start my company")
        scale_font(heading, 1.4, bold=True)
        intro = QLabel("Duly prints these details on every reminder and statement.")
        intro.setWordWrap(True)
        mute(intro)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Harbour & Finch Ltd")
        self.name_edit.setMaxLength(200)
        self.name_edit.textEdited.connect(lambda _text: self._clear_error("name"))

        self.address_edit = QPlainTextEdit()
        self.address_edit.setPlaceholderText("Street\nTown and postcode")
        self.address_edit.setTabChangesFocus(True)
        line = self.address_edit.fontMetrics().lineSpacing()
        self.address_edit.setFixedHeight(line * 4 + 14)

        self.country_combo = QComboBox()
        for code, name in COUNTRIES:
            self.country_combo.addItem(name, code)
        self.country_combo.currentIndexChanged.connect(self._on_country_combo_current_index_changed)

        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.currency_combo.addItems(COMMON_CURRENCIES)
        self.currency_combo.setValidator(
            QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,3}"), self))
        self.currency_combo.setMinimumContentsLength(6)
        self.currency_combo.lineEdit().textEdited.connect(
            self._on_currency_combo_text_edited)
        self.currency_combo.activated.connect(self._on_currency_combo_activated)

        self.logo_preview = QLabel("No logo")
        self.logo_preview.setFixedSize(_PREVIEW_WIDTH, _PREVIEW_HEIGHT)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setFrameShape(QFrame.Shape.StyledPanel)
        mute(self.logo_preview)
        self.choose_logo_button = QPushButton("Choose image…")
        self.choose_logo_button.clicked.connect(self._on_choose_logo_button_clicked)
        self.remove_logo_button = QPushButton("Remove")
        self.remove_logo_button.clicked.connect(self._on_remove_logo_button_clicked)
        logo_hint = QLabel("PNG or JPEG, up to 2 MB. Optional.")
        mute(logo_hint)
        logo_buttons = QVBoxLayout()
        logo_buttons.setSpacing(6)
        logo_buttons.addWidget(self.choose_logo_button)
        logo_buttons.addWidget(self.remove_logo_button)
        logo_buttons.addStretch(1)
        logo_row = QHBoxLayout()
        logo_row.setContentsMargins(0, 0, 0, 0)
        logo_row.addWidget(self.logo_preview)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        logo_field = QWidget()
        logo_column = QVBoxLayout(logo_field)
        logo_column.setContentsMargins(0, 0, 0, 0)
        logo_column.setSpacing(4)
        logo_column.addLayout(logo_row)
        logo_column.addWidget(logo_hint)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(10)
        form.addRow("Business &name:", self._with_error("name", self.name_edit))
        form.addRow("&Address:", self._with_error("address", self.address_edit))
        form.addRow("C&ountry:", self._with_error("country", self.country_combo))
        form.addRow("C&urrency:", self._with_error("currency", self.currency_combo,
                                                  stretch=True))
        form.addRow("&Logo:", self._with_error("logo", logo_field))
        self._general_error = self._error_label()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create my company")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(heading)
        layout.addSpacing(2)
        layout.addWidget(intro)
        layout.addSpacing(16)
        layout.addLayout(form)
        layout.addWidget(self._general_error)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)

        self._fill(draft)
        self._update_logo_preview()

    # --- what the dialog shows -------------------------------------------

    def draft(self) -> CompanyDraft:
        """The details as they are in the fields now."""
        logo, logo_type = self._logo if self._logo is not None else (None, "")
        return CompanyDraft(
            name=self.name_edit.text().strip(),
            address=self.address_edit.toPlainText().strip(),
            country=str(self.country_combo.currentData()),
            currency=self.currency_combo.currentText().strip().upper(),
            logo=logo, logo_type=logo_type)

    def show_error(self, error: CompanyError) -> None:
        """Show ``error`` under the field it is about and put the cursor there."""
        label = self._errors.get(error.field, self._general_error)
        label.setText(error.message)
        label.show()
        self._fit_height()
        focus = {"name": self.name_edit, "address": self.address_edit,
                 "country": self.country_combo, "currency": self.currency_combo,
                 "logo": self.choose_logo_button}.get(error.field)
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def error_text(self, field: str) -> str:
        """The error shown at ``field`` ("" if none is shown)."""
        label = self._errors.get(field, self._general_error)
        return label.text() if not label.isHidden() else ""

    def set_logo_file(self, path: Path) -> bool:
        """Use the image at ``path`` as the logo; False (and a message) if unusable."""
        self._clear_error("logo")
        try:
            self._logo = read_logo(path)
        except CompanyError as error:
            self.show_error(error)
            return False
        self._update_logo_preview()
        return True

    def accept(self) -> None:
        """Close with the details, unless one needs correcting first."""
        self._clear_errors()
        draft = self.draft()
        error = check_company(draft)
        if error is not None:
            self.show_error(error)
            return
        self.accepted_draft = draft
        super().accept()

    # --- slots -------------------------------------------------------------

    def _on_country_combo_current_index_changed(self, _index: int) -> None:
        self._clear_error("country")
        if self._currency_edited:
            return
        currency = currency_for(str(self.country_combo.currentData()))
        if currency:
            self.currency_combo.setCurrentText(currency)

    def _on_currency_combo_text_edited(self, _text: str) -> None:
        self._currency_edited = True
        self._clear_error("currency")

    def _on_currency_combo_activated(self, _index: int) -> None:
        self._currency_edited = True
        self._clear_error("currency")

    def _on_choose_logo_button_clicked(self) -> None:
        path = file_pickers.choose_logo(self, Path.home())
        if path is not None:
            self.set_logo_file(path)

    def _on_remove_logo_button_clicked(self) -> None:
        self._logo = None
        self._clear_error("logo")
        self._update_logo_preview()

    # --- helpers -----------------------------------------------------------

    def _fill(self, draft: CompanyDraft | None) -> None:
        country = draft.country if draft is not None else default_country()
        index = self.country_combo.findData(country)
        self.country_combo.setCurrentIndex(max(index, 0))
        self._on_country_combo_current_index_changed(self.country_combo.currentIndex())
        if draft is None:
            return
        self.name_edit.setText(draft.name)
        self.address_edit.setPlainText(draft.address)
        self.currency_combo.setCurrentText(draft.currency)
        self._currency_edited = draft.currency != currency_for(country)
        if draft.logo is not None:
            self._logo = (draft.logo, draft.logo_type)

    def _update_logo_preview(self) -> None:
        self.remove_logo_button.setEnabled(self._logo is not None)
        if self._logo is None:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("No logo")
            return
        image = QImage.fromData(self._logo[0])
        pixmap = QPixmap.fromImage(image).scaled(
            _PREVIEW_WIDTH - 8, _PREVIEW_HEIGHT - 8, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)
        self.logo_preview.setPixmap(pixmap)

    def _fit_height(self) -> None:
        # A dialog grows to its layout's size hint, which undercounts wrapped
        # lines; ask the layout for the height it needs at this width.
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalSizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def _with_error(self, field: str, widget: QWidget, *, stretch: bool = False) -> QWidget:
        container = QWidget()
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        if stretch:
            row = QHBoxLayout()
            row.addWidget(widget)
            row.addStretch(1)
            column.addLayout(row)
        else:
            column.addWidget(widget)
        label = self._error_label()
        self._errors[field] = label
        column.addWidget(label)
        return container

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {ERROR};")
        label.hide()
        return label

    def _clear_error(self, field: str) -> None:
        label = self._errors.get(field)
        if label is not None:
            label.clear()
            label.hide()

    def _clear_errors(self) -> None:
        for field in self._errors:
            self._clear_error(field)
        self._general_error.clear()
        self._general_error.hide()
