"""How a customer pays, in the account: the class with the reasons it rests on, what to
do next, and the figures behind them (``models.customer_class`` draws them; the words
are ``reports.profile_text``'s, the same the ``insights`` command prints)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from models.customer_class import Classification
from models.customer_profile import CustomerProfile
from models.dates import short_date
from reports.profile_text import (
    CHANNEL_HEADERS,
    LATENESS_HEADERS,
    STAGE_HEADERS,
    answered_words,
    channel_rows,
    lateness_rows,
    on_time_note,
    record_lines,
    stage_rows,
    trend_words,
)
from ui.common.style import ACCENT, mute, scale_font

READING = "Reading how they pay…"
SUGGESTION_STYLE = (f"QLabel {{ background: rgba(14, 124, 102, 0.10); border-left: 3px solid "
                    f"{ACCENT}; border-radius: 2px; padding: 6px 10px; }}")


class PaymentProfilePanel(QScrollArea):
    """The "How they pay" panel: class, reasons, suggestion, then the figures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paymentProfile")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.profile: CustomerProfile | None = None
        self.classification: Classification | None = None

        self.class_label = _words("", "profileClass")
        scale_font(self.class_label, 1.3, bold=True)
        self.as_of_label = _words("", "profileAsOf")
        mute(self.as_of_label)
        self.reasons_label = _words("", "profileReasons")
        self.suggestion_label = _words("", "profileSuggestion")
        self.suggestion_label.setStyleSheet(SUGGESTION_STYLE)
        self.trend_label = _words("", "profileTrend")
        self.record_label = _words("", "profileRecord")
        self.note_label = _words("", "profileNote")
        mute(self.note_label)
        self.answered_label = _words("", "profileAnswered")
        self._lateness = _Grid("profileLateness")
        self._stages = _Grid("profileStages")
        self._channels = _Grid("profileChannels")
        self._stages_title = _title("After each follow-up stage")
        self._channels_title = _title("After each kind of contact")

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.class_label)
        layout.addWidget(self.as_of_label)
        layout.addWidget(self.reasons_label)
        layout.addSpacing(4)
        layout.addWidget(self.suggestion_label)
        layout.addSpacing(8)
        layout.addWidget(_title("How late they paid"))
        layout.addWidget(self._lateness)
        layout.addWidget(self.note_label)
        layout.addWidget(self.trend_label)
        layout.addSpacing(8)
        layout.addWidget(_title("Their record"))
        layout.addWidget(self.record_label)
        layout.addSpacing(8)
        layout.addWidget(self._stages_title)
        layout.addWidget(self._stages)
        layout.addSpacing(8)
        layout.addWidget(self._channels_title)
        layout.addWidget(self._channels)
        layout.addWidget(self.answered_label)
        layout.addStretch(1)
        self._details = [w for w in (layout.itemAt(i).widget() for i in range(layout.count()))
                         if w is not None and w is not self.class_label]
        self.setWidget(body)
        self.show_reading()

    def show_reading(self) -> None:
        """Say the profile is being read (nothing else shows meanwhile)."""
        self.profile = None
        self.classification = None
        self.class_label.setText(READING)
        for widget in self._details:
            widget.hide()

    def set_profile(self, profile: CustomerProfile, classification: Classification,
                    suggestion: str) -> None:
        """Show ``profile``: its class and the reasons, the suggestion and the figures."""
        self.profile, self.classification = profile, classification
        self.class_label.setText(classification.kind.word)
        self.as_of_label.setText(f"From their history up to {short_date(profile.as_of)}.")
        self.reasons_label.setText("\n".join(f"• {r}" for r in classification.reasons))
        self.suggestion_label.setText(f"What to do: {suggestion}")
        self._lateness.set_table(LATENESS_HEADERS, lateness_rows(profile))
        self.note_label.setText(on_time_note(profile))
        self.trend_label.setText(trend_words(profile))
        self.record_label.setText("\n".join(record_lines(profile)))
        self._stages.set_table(STAGE_HEADERS, stage_rows(profile))
        self._channels.set_table(CHANNEL_HEADERS, channel_rows(profile))
        self.answered_label.setText(answered_words(profile))
        for widget in self._details:
            widget.show()
        for title, grid in ((self._stages_title, self._stages),
                            (self._channels_title, self._channels)):
            title.setVisible(grid.has_rows)
            grid.setVisible(grid.has_rows)
        self.answered_label.setVisible(bool(profile.channels))

    def texts(self) -> list[str]:
        """Every line the panel shows, in order (for a reader, and for tests)."""
        labels = [self.class_label, *self._details]
        lines: list[str] = []
        for widget in labels:
            if widget.isHidden():
                continue
            if isinstance(widget, _Grid):
                lines += ["  ".join(row) for row in widget.rows]
            elif isinstance(widget, QLabel):
                lines += widget.text().splitlines()
        return lines


class _Grid(QWidget):
    """A small table of labels: headers, then rows (numbers on the right)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.rows: list[list[str]] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(18)
        self._grid.setVerticalSpacing(2)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    @property
    def has_rows(self) -> bool:
        """Whether there is anything under the headers."""
        return len(self.rows) > 1

    def set_table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """Show ``headers`` over ``rows``; the first column is words, the rest figures."""
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows = [list(headers), *(list(row) for row in rows)]
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row):
                label = QLabel(text)
                label.setTextFormat(Qt.TextFormat.PlainText)
                align = Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignRight
                label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
                if r == 0:
                    mute(label)
                self._grid.addWidget(label, r, c)
        self._grid.setColumnStretch(len(headers), 1)


def _words(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names and reasons come from the user's data
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _title(text: str) -> QLabel:
    label = QLabel(text)
    scale_font(label, 1.0, bold=True)
    return label
