"""The first screen, before any store is open: three ways to begin."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.common.resources import icon
from ui.common.style import ACCENT, centred_column, mute, quiet_color, scale_font

COLUMN_WIDTH = 580

_STYLE = """
QPushButton#choice {
    text-align: left;
    border: 1px solid palette(mid);
    border-radius: 10px;
    background: palette(base);
    padding: 0px;
    margin: 1px;
}
QPushButton#choice:hover { border: 1px solid {accent}; }
QPushButton#choice:focus { border: 2px solid {accent}; margin: 0px; }
QPushButton#choice:pressed { background: palette(alternate-base); }
QPushButton#choice:disabled { background: palette(window); }
"""


class ChoiceButton(QPushButton):
    """A large button with an icon, a title and a line saying what it does."""

    def __init__(self, icon_name: str, title: str, description: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("choice")
        self.setAccessibleName(title)
        self.setAccessibleDescription(description)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

        picture = QLabel()
        picture.setPixmap(icon(icon_name).pixmap(32, 32))
        picture.setFixedSize(40, 40)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("choiceTitle")
        scale_font(self.title_label, 1.15, bold=True)
        self.description_label = QLabel(description)
        self.description_label.setWordWrap(True)
        # A style sheet rules inside the button, so the colour is set there too.
        self.description_label.setStyleSheet(f"color: {quiet_color(self).name()};")

        words = QVBoxLayout()
        words.setSpacing(2)
        words.addStretch(1)
        words.addWidget(self.title_label)
        words.addWidget(self.description_label)
        words.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 12, 16, 12)
        row.setSpacing(14)
        row.addWidget(picture, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(words, 1)
        for label in (picture, self.title_label, self.description_label):
            # Clicks on the words must reach the button.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def sizeHint(self) -> QSize:
        """The size the icon and words need (the button itself has no text)."""
        return self.layout().sizeHint()

    def hasHeightForWidth(self) -> bool:
        """Yes: the description wraps, so the height depends on the width."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The height that shows every line of the description at ``width``."""
        return self.layout().totalHeightForWidth(width)


class WelcomePage(QWidget):
    """Welcome: open the demo company, start the user's company, or open a file."""

    demo_chosen = Signal()
    new_company_chosen = Signal()
    open_store_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setStyleSheet(_STYLE.replace("{accent}", ACCENT))

        logo = QLabel()
        logo.setPixmap(icon("duly").pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)

        title = QLabel("Welcome to Duly")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scale_font(title, 2.0, bold=True)

        tagline = QLabel("Duly helps you get paid for overdue invoices — "
                         "and keep the customer.")
        tagline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tagline.setWordWrap(True)
        scale_font(tagline, 1.15)

        self.demo_button = ChoiceButton(
            "demo-company", "Open the demo company",
            "Try Duly on a sample business with real-looking customers and invoices. "
            "Your own data stays separate.")
        self.new_company_button = ChoiceButton(
            "new-company", "Start my company",
            "Enter your business name, address and currency to begin.")
        self.open_store_button = ChoiceButton(
            "open-store", "Open a store file…",
            "Open a Duly store (.sqlite) from another folder or a backup.")
        self.demo_button.clicked.connect(self.demo_chosen)
        self.new_company_button.clicked.connect(self.new_company_chosen)
        self.open_store_button.clicked.connect(self.open_store_chosen)

        self.folder_label = QLabel()
        self.folder_label.setObjectName("welcomeFolder")
        self.folder_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scale_font(self.folder_label, 0.9)
        mute(self.folder_label)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 24)
        outer.addStretch(2)
        column = centred_column(outer, COLUMN_WIDTH)
        column.addWidget(logo)
        column.addSpacing(16)
        column.addWidget(title)
        column.addSpacing(8)
        column.addWidget(tagline)
        column.addSpacing(28)
        for button in self.choice_buttons:
            column.addWidget(button)
            column.addSpacing(12)
        column.addSpacing(12)
        column.addWidget(self.folder_label)
        outer.addStretch(3)
        self.setTabOrder(self.demo_button, self.new_company_button)
        self.setTabOrder(self.new_company_button, self.open_store_button)

    @property
    def choice_buttons(self) -> tuple[ChoiceButton, ChoiceButton, ChoiceButton]:
        """The three ways to begin, top to bottom."""
        return (self.demo_button, self.new_company_button, self.open_store_button)

    def set_own_store(self, path: Path) -> None:
        """Say where the user's own company will be kept."""
        self.folder_label.setText(f"Your data stays on this computer, in {path.parent}")

    def set_choices_enabled(self, enabled: bool) -> None:
        """Allow or refuse the choices (refused while a store is being prepared)."""
        for button in self.choice_buttons:
            button.setEnabled(enabled)
