"""Reading the guide's pages as files: their links, anchors and pictures."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from ui.help.topics import HELP_DIR


class Page(HTMLParser):
    """One page's links, pictures and anchors (``<a name>`` or an ``id``)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []
        self.anchors: set[str] = set()
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "a" and "name" in values:
            self.anchors.add(values["name"])
        if "id" in values:
            self.anchors.add(values["id"])
        if tag == "img":
            self.images.append(values.get("src", ""))
        if tag == "link":
            self.links.append(values.get("href", ""))


def guide_pages() -> list[str]:
    """Every page of the guide, by file name."""
    return sorted(path.name for path in HELP_DIR.glob("*.html"))


def read(name: str) -> Page:
    """The page called ``name``."""
    return Page(HELP_DIR / name)


def target_exists(link: str) -> bool:
    """Whether ``link`` ("today.html", "settings.html#mail", "guide.css") is a file of the
    guide and, with an anchor, an anchor on that page."""
    name, _, anchor = link.partition("#")
    path = HELP_DIR / name
    if not path.is_file():
        return False
    return not anchor or anchor in read(name).anchors
