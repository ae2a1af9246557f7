"""Another language's version of the template being edited, shown beside it.

A translator writes the French letter with the business's own English one in
view, and can switch to editing either; the pane only shows what it is given.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models.language import language_name
from models.template_store import TemplateText
from ui.common.style import mute
from ui.templates.template_highlighter import TemplateHighlighter

NO_OTHER_VERSION = ("This template has no version in another language yet. To write one, "
                    "duplicate it and set the copy's language: customers who read that "
                    "language then get it.")


class LanguageVersions(QWidget):
    """The other language versions of a template, one at a time, read-only."""

    edit_requested = Signal(int)
    """The user wants to edit the version shown (its template id)."""
    language_chosen = Signal(str)
    """The user chose which language to show beside the editor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the pane, showing that there is no other version."""
        super().__init__(parent)
        self._versions: list[TemplateText] = []
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("otherLanguage")
        self.language_combo.setAccessibleName("Language shown beside")
        self.language_combo.activated.connect(self._on_language_combo_activated)
        self.language_combo.currentIndexChanged.connect(self._show_chosen)
        self.edit_button = QPushButton("&Edit This Version")
        self.edit_button.setObjectName("editOtherLanguage")
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.subject = QLineEdit()
        self.subject.setObjectName("otherLanguageSubject")
        self.subject.setAccessibleName("Subject line in the language shown beside")
        self.subject.setReadOnly(True)
        self.body = QPlainTextEdit()
        self.body.setObjectName("otherLanguageBody")
        self.body.setAccessibleName("Text in the language shown beside")
        self.body.setReadOnly(True)
        self._highlighter = TemplateHighlighter(self.body.document())
        self.note = QLabel(NO_OTHER_VERSION)
        self.note.setObjectName("noOtherLanguage")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        mute(self.note)

        top = QHBoxLayout()
        top.setSpacing(8)
        shown = QLabel("&Beside it")
        shown.setBuddy(self.language_combo)
        top.addWidget(shown)
        top.addWidget(self.language_combo, 1)
        top.addWidget(self.edit_button)
        version = QWidget()
        layout = QVBoxLayout(version)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.subject)
        layout.addWidget(self.body, 1)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.note)
        self._stack.addWidget(version)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

    def set_versions(self, versions: Sequence[TemplateText], language: str) -> None:
        """Offer ``versions`` (the template's other languages) and show the one in
        ``language``, else the first; a note when there are none."""
        self._versions = list(versions)
        self.language_combo.blockSignals(True)
        self.language_combo.clear()
        for text in self._versions:
            self.language_combo.addItem(language_name(text.language), text.id)
        languages = [text.language for text in self._versions]
        self.language_combo.setCurrentIndex(languages.index(language)
                                            if language in languages else 0)
        self.language_combo.blockSignals(False)
        self._stack.setCurrentIndex(1 if self._versions else 0)
        self._show_chosen()

    def shown(self) -> TemplateText | None:
        """The version shown beside the editor, if any."""
        index = self.language_combo.currentIndex()
        return self._versions[index] if 0 <= index < len(self._versions) else None

    def _show_chosen(self) -> None:
        text = self.shown()
        self.subject.setText(text.subject if text else "")
        self.subject.setCursorPosition(0)  # its start, as the editor's subject shows it
        self.body.setPlainText(text.body if text else "")
        self.edit_button.setEnabled(text is not None)

    def _on_language_combo_activated(self, _index: int) -> None:
        text = self.shown()
        if text is not None:
            self.language_chosen.emit(text.language)

    def _on_edit_button_clicked(self) -> None:
        text = self.shown()
        if text is not None:
            self.edit_requested.emit(text.id)
