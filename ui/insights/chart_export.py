"""Saving a chart as a PNG picture: the user picks the file, the picture is drawn on the
GUI thread (it is a widget's) and written whole off it; a full disk or a folder that
cannot be written is told in words and leaves nothing half-written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from models.errors import WriteRefused
from models.files import whole_file, write_failure_words
from ui.common.tasks import Progress, TaskRunner

PNG_FILTER = "PNG picture (*.png)"


def png_bytes(widget: QWidget) -> bytes:
    """``widget`` as it is drawn now, as a PNG file's bytes."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise RuntimeError("the chart could not be drawn as a PNG")
    buffer.close()
    return bytes(data.data())


def write_png(target: Path, content: bytes) -> None:
    """Write the picture to ``target`` whole or not at all; raises
    :class:`~models.errors.WriteRefused` in the user's words when it cannot."""
    try:
        with whole_file(target) as partial:
            partial.write_bytes(content)
    except OSError as error:
        raise WriteRefused("file", f"{write_failure_words(error, target)} "
                                   f"Nothing was written to {target.name}.") from error


class ChartExport:
    """Asks where to save a chart, then writes its picture in the background."""

    _last_folder: Path | None = None  # where the last picture went, this session

    def __init__(self, parent: QWidget, tasks: TaskRunner,
                 told: Callable[[str], None] | None = None) -> None:
        self._parent = parent
        self._tasks = tasks
        self._told = told

    def ask(self, chart: QWidget, file_name: str) -> QFileDialog:
        """Offer ``file_name`` (without suffix) for ``chart``'s picture; returns the
        (non-modal) dialog."""
        dialog = QFileDialog(self._parent, "Save Chart", str(self._folder() / file_name),
                             PNG_FILTER)
        dialog.setObjectName("saveChartDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix("png")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda name: self.save(chart, Path(name)) if name else None)
        dialog.open()
        return dialog

    def save(self, chart: QWidget, target: Path) -> None:
        """Draw ``chart`` now and write it to ``target`` off the GUI thread."""
        content = png_bytes(chart)

        def work(_progress: Progress) -> None:
            write_png(target, content)

        def written(_nothing: object) -> None:
            ChartExport._last_folder = target.parent
            if self._told is not None:
                self._told(f"Saved the chart to {target}.")

        self._tasks.run(work, on_success=written, label=f"Saving {target.name}…")

    def _folder(self) -> Path:
        pictures = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.PicturesLocation) or Path.home())
        return next((f for f in (self._last_folder, pictures) if f and f.is_dir()),
                    Path.home())
