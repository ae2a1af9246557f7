"""Settings: business details, payment terms, credit and follow-up policies, outgoing
mail."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.common.area import Area, AreaContext


def _build(context: AreaContext) -> QWidget:
    from ui.settings.settings_page import SettingsPage

    return SettingsPage(context.tasks, context.today)


AREA = Area(key="settings", title="Settings", icon="settings", shortcut="Ctrl+8",
            build=_build)
