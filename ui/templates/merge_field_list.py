"""The merge fields a template may use, each ready to be put into the text at the cursor.

A small static list, so item widgets: the fields in ``MERGE_FIELDS`` order, the
invoice list as a ready loop block, then the fields of an invoice inside the
loop. Each shows its meaning as a tooltip and under the list.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.templating import INVOICE_FIELDS, MERGE_FIELDS
from ui.common.style import mute, tinted_selection

LOOP_ITEM = "Invoice loop (block)"
SNIPPET_ROLE = int(Qt.ItemDataRole.UserRole)
DESCRIPTION_ROLE = int(Qt.ItemDataRole.UserRole) + 1

INVOICE_LOOP = (
    "{% for invoice in invoices %}\n"
    "  - Invoice {{ invoice.number }} of {{ invoice.issue_date }}, due {{ invoice.due_date }}: "
    "{{ invoice.open }} ({{ invoice.lateness }})\n"
    "{% endfor %}\n"
)
"""The invoice loop as inserted: one line per invoice, ready to reword."""


def field_snippet(name: str) -> str:
    """What inserting the merge field ``name`` writes: ``{{ name }}``."""
    return f"{{{{ {name} }}}}"


class MergeFieldList(QWidget):
    """The merge fields, the invoice loop and the invoice's fields, with an Insert button."""

    snippet_chosen = Signal(str)
    """The user asked to insert this text (a field, or the invoice loop's block)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the list; the first field is current."""
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("mergeFields")
        self.list.setAccessibleName("Merge fields")
        self.list.setPalette(tinted_selection(self.list.palette()))
        self.list.setUniformItemSizes(True)
        self._fill()

        heading = QLabel("&Merge fields")
        heading.setBuddy(self.list)
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        self.insert_button = QPushButton("&Insert")
        self.insert_button.setObjectName("insertField")
        self.insert_button.setToolTip("Put the chosen field into the text at the cursor "
                                      "(or double-click it)")
        self.insert_button.clicked.connect(self._on_insert_button_clicked)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.insert_button)

        self.description_label = QLabel()
        self.description_label.setObjectName("mergeFieldDescription")
        self.description_label.setWordWrap(True)
        self.description_label.setTextFormat(Qt.TextFormat.PlainText)
        self.description_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)
        self.description_label.setAlignment(Qt.AlignmentFlag.AlignTop
                                            | Qt.AlignmentFlag.AlignLeft)
        mute(self.description_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.description_label)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.list.setCurrentRow(0)

    def snippet(self) -> str:
        """The text the current item inserts ("" on a heading)."""
        item = self.list.currentItem()
        return str(item.data(SNIPPET_ROLE) or "") if item is not None else ""

    def choose(self, name: str) -> None:
        """Make the item called ``name`` (as shown) current."""
        for row in range(self.list.count()):
            if self.list.item(row).text() == name:
                self.list.setCurrentRow(row)
                return
        raise KeyError(name)

    def _fill(self) -> None:
        for name, description in MERGE_FIELDS.items():
            if name == "invoices":  # the list can only be used as a loop
                self._entry(LOOP_ITEM, INVOICE_LOOP,
                            "A line for each invoice the letter is about: "
                            "{% for invoice in invoices %} … {% endfor %}. Inside it, the "
                            "invoice's own fields (at the end of this list) can be used.")
            else:
                self._entry(name, field_snippet(name), description)
        self._heading("Inside the invoice loop")
        for name, description in INVOICE_FIELDS.items():
            self._entry(f"invoice.{name}", field_snippet(f"invoice.{name}"),
                        f"{description} (only inside the invoice loop)")

    def _heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        font = QFont(self.list.font())
        font.setBold(True)
        item.setFont(font)
        self.list.addItem(item)

    def _entry(self, text: str, snippet: str, description: str) -> None:
        item = QListWidgetItem(text)
        item.setData(SNIPPET_ROLE, snippet)
        item.setData(DESCRIPTION_ROLE, description)
        item.setToolTip(f"{description}\n\nDouble-click to insert "
                        + (snippet.strip().splitlines()[0] + " …" if "\n" in snippet.strip()
                           else snippet))
        self.list.addItem(item)

    @Slot(QListWidgetItem)
    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        snippet = item.data(SNIPPET_ROLE)
        if snippet:
            self.snippet_chosen.emit(str(snippet))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_list_current_item_changed(self, current: QListWidgetItem | None,
                                      _previous: QListWidgetItem | None) -> None:
        description = current.data(DESCRIPTION_ROLE) if current is not None else None
        self.description_label.setText(str(description or ""))
        self.insert_button.setEnabled(bool(description))

    @Slot()
    def _on_insert_button_clicked(self) -> None:
        snippet = self.snippet()
        if snippet:
            self.snippet_chosen.emit(snippet)
