"""The guide's pages in ``resources/help/``, and which one each area's F1 opens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl

from ui.common.resources import RESOURCES_DIR

HELP_DIR = RESOURCES_DIR / "help"
CONTENTS = "index.html"

# What F1 opens in each area (the keys of ui/window/areas.py); a test proves every
# area is here and every page exists.
AREA_PAGES: dict[str, str] = {
    "today": "today.html",
    "accounts": "accounts.html",
    "customers": "customers.html",
    "plans": "payment-plans.html",
    "insights": "insights.html",
    "collections": "collections.html",
    "templates": "policies-and-templates.html#templates",
    "settings": "settings.html",
}


def page_for_area(key: str | None) -> str:
    """The page F1 opens in the area called ``key`` (the contents when none is shown)."""
    return AREA_PAGES.get(key, CONTENTS) if key is not None else CONTENTS


def page_url(page: str) -> QUrl:
    """The file URL of ``page`` ("today.html", or with an anchor "settings.html#mail")."""
    name, _, anchor = page.partition("#")
    url = QUrl.fromLocalFile(str(HELP_DIR / name))
    if anchor:
        url.setFragment(anchor)
    return url


def page_name(url: QUrl) -> str:
    """The page ``url`` shows, as :func:`page_url` takes it ("" if not a guide page)."""
    path = Path(url.toLocalFile())
    if path.parent != HELP_DIR:
        return ""
    return f"{path.name}#{url.fragment()}" if url.fragment() else path.name
