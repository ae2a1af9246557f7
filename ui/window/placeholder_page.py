"""A tidy page for an area that is not built yet, saying what it will do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.common.area import Area
from ui.common.resources import icon
from ui.common.style import centred_column, mute, scale_font

TEXT_WIDTH = 460


class PlaceholderPage(QWidget):
    """The area's icon, name and a sentence on what is coming."""

    def __init__(self, area: Area, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        self.setObjectName(f"page-{area.key}")

        picture = QLabel()
        picture.setPixmap(icon(area.icon).pixmap(56, 56))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)

        title = QLabel(area.title)
        title.setObjectName("placeholderTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scale_font(title, 1.7, bold=True)

        self.coming_label = QLabel(area.coming)
        self.coming_label.setObjectName("placeholderText")
        self.coming_label.setWordWrap(True)
        self.coming_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scale_font(self.coming_label, 1.1)
        mute(self.coming_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addStretch(2)
        column = centred_column(layout, TEXT_WIDTH)
        column.addWidget(picture)
        column.addSpacing(12)
        column.addWidget(title)
        column.addSpacing(8)
        column.addWidget(self.coming_label)
        layout.addStretch(3)
