"""Help → Report a Problem: open the folder with Duly's log file and say what to send."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from ui.common.resources import icon

WHAT_TO_SEND = (
    "<p>To report a problem, send these to whoever looks after Duly for you:</p>"
    "<ol>"
    "<li>What you were doing, step by step, and which area you were in.</li>"
    "<li>What you expected, and what happened instead. A picture of the screen helps.</li>"
    "<li>The log file, <b>{name}</b>, from the folder that has just opened. Duly writes "
    "in it what went wrong, with the details its makers need. It is plain text: open it "
    "in any text editor first if you want to see what it holds.</li>"
    "</ol>"
    "<p>The log file is here:<br><code>{path}</code></p>")


def report_problem(parent: QWidget, log_file: Path) -> QMessageBox:
    """Open the folder of ``log_file`` in the file manager (made if missing) and show, in
    a box over ``parent``, what to send and where the file is."""
    folder = log_file.parent
    folder.mkdir(parents=True, exist_ok=True)
    opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
    box = QMessageBox(parent)
    box.setObjectName("reportProblem")
    box.setWindowTitle("Report a Problem")
    box.setIconPixmap(icon("duly").pixmap(48, 48))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText("<h3>Something not working as it should?</h3>")
    words = WHAT_TO_SEND.format(name=html.escape(log_file.name), path=html.escape(str(log_file)))
    if not opened:
        words = words.replace("from the folder that has just opened",
                              "from the folder named below")
    box.setInformativeText(words)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
