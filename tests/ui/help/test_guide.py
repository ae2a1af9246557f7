"""The user guide as a user meets it: F1 opens the page about the area on show, every page
is reachable from the contents, and no link or picture is missing."""

from __future__ import annotations

import struct

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QTextDocument

from tests.ui.help.guide_pages import guide_pages, read, target_exists
from ui.help.help_window import HelpWindow
from ui.help.topics import AREA_PAGES, CONTENTS, HELP_DIR, page_for_area, page_url
from ui.window.areas import AREAS

MAX_PICTURE_WIDTH = 800


def test_every_area_has_a_page_and_every_page_exists():
    assert set(AREA_PAGES) == {area.key for area in AREAS}
    for key, page in AREA_PAGES.items():
        assert target_exists(page), f"F1 in {key} opens {page}, which is not in the guide"
    assert page_for_area(None) == CONTENTS


def test_every_page_is_reachable_from_the_contents():
    reached, waiting = set(), [CONTENTS]
    while waiting:
        name = waiting.pop()
        if name in reached:
            continue
        reached.add(name)
        waiting.extend(link.partition("#")[0] for link in read(name).links
                       if link.endswith(".html") or ".html#" in link)

    assert reached == set(guide_pages())


@pytest.mark.parametrize("name", guide_pages())
def test_every_link_and_picture_of_a_page_is_there(name):
    page = read(name)

    for link in page.links:
        assert "://" not in link and not link.startswith("mailto:"), \
            f"{name} links outside the guide: {link}"
        target = link if not link.startswith("#") else f"{name}{link}"
        assert target_exists(target), f"{name} links to {link}, which is not there"
    for picture in page.images:
        assert (HELP_DIR / picture).is_file(), f"{name} shows {picture}, which is not there"


def test_every_screenshot_is_shown_by_a_page_and_kept_small():
    shown = {picture for name in guide_pages() for picture in read(name).images}
    taken = {f"images/{path.name}" for path in (HELP_DIR / "images").glob("*.png")}

    assert shown == taken
    for picture in taken:
        data = (HELP_DIR / picture).read_bytes()
        width = struct.unpack(">I", data[16:20])[0]  # the PNG header's width
        assert width <= MAX_PICTURE_WIDTH, f"{picture} is {width} pixels wide"
        assert len(data) < 250_000, f"{picture} is {len(data) // 1024} KB"


def test_f1_in_each_area_opens_its_page(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10_000)
    assert window.help.guide_action.shortcut() == QKeySequence(
        QKeySequence.StandardKey.HelpContents)

    for area in AREAS:
        window.show_area(area.key)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F1)

        guide = window.findChild(HelpWindow)
        assert guide is not None
        qtbot.waitUntil(guide.isVisible)
        assert guide.current_page() == AREA_PAGES[area.key]
        assert guide.browser.toPlainText().strip(), f"{AREA_PAGES[area.key]} is empty"
        guide.close()


def test_f1_on_the_welcome_page_opens_the_contents(open_window, qtbot):
    window = open_window()

    window.help.guide_action.trigger()

    guide = window.findChild(HelpWindow)
    assert guide.isVisible() and guide.current_page() == CONTENTS
    assert guide.windowTitle() == "Duly user guide — Duly Help"


def test_the_guide_follows_its_links_back_and_forward(qtbot):
    guide = HelpWindow()
    qtbot.addWidget(guide)
    guide.show_page(CONTENTS)
    assert not guide.back_action.isEnabled()

    guide.browser.setSource(page_url("email-setup.html#gmail"))  # as a click on a link does
    assert guide.current_page() == "email-setup.html#gmail"
    assert "App passwords" in guide.browser.toPlainText()
    guide.back_action.trigger()
    assert guide.current_page() == CONTENTS
    guide.forward_action.trigger()
    assert guide.current_page() == "email-setup.html#gmail"
    guide.contents_action.trigger()
    assert guide.current_page() == CONTENTS


def test_the_guides_pictures_load_in_the_window(qtbot):
    guide = HelpWindow()
    qtbot.addWidget(guide)
    guide.show_page("today.html")

    picture = guide.browser.document().resource(
        QTextDocument.ResourceType.ImageResource, QUrl("images/today.png"))
    assert isinstance(picture, QImage | QPixmap) and not picture.isNull()
    assert picture.width() == 760  # shown as taken, unscaled


@pytest.mark.slow
def test_the_screenshot_script_takes_every_picture_the_guide_shows(tmp_path):
    from tests.help_screenshots import take_all

    images = tmp_path / "images"
    images.mkdir()
    made = take_all(tmp_path, images)

    assert {f"images/{path.name}" for path in made} == {
        picture for name in guide_pages() for picture in read(name).images}
    assert all(path.stat().st_size > 5_000 for path in made)  # a real picture each
