"""Writes Duly's app icon for Windows (``icons.py ico FILE``) or macOS (``icons.py icns
FILE``) from resources/icons/duly.svg, drawn by Qt and packed by Pillow."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(kind: str, target: Path) -> None:
    """Render the SVG at 1024 pixels and save it as ``kind`` (ico or icns) at ``target``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication([])
    image = QImage(1024, 1024, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ROOT / "resources" / "icons" / "duly.svg")).render(painter)
    painter.end()
    with tempfile.TemporaryDirectory() as folder:
        png = Path(folder) / "duly.png"
        image.save(str(png))
        picture = Image.open(png)
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "ico":
            picture.save(target, sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
        else:
            picture.save(target)
    del app


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
