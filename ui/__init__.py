"""Duly's window: PySide6 widgets, dialogs and background tasks over ``models/``."""

# Shown in About; a test keeps it equal to the version in setup.cfg.
VERSION = "0.1.0"
