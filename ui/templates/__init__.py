"""Templates: the reminder letters and e-mails, edited with a live preview."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.common.area import Area, AreaContext


def _build(context: AreaContext) -> QWidget:
    from ui.templates.templates_page import TemplatesPage

    return TemplatesPage(context.tasks, context.today, settings=context.settings)


AREA = Area(key="templates", title="Templates", icon="templates", shortcut="Ctrl+7",
            build=_build, menu="&Templates")
