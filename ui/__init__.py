"""Duly's window: PySide6 widgets, dialogs and background tasks over ``models/``.

Imports inside functions, throughout ``ui/``, are deliberate: the window paints
before it imports what it does not show yet (an area's page, the follow-up
engine, reportlab, QtPdf), which keeps start-up within 2x a bare Qt window
(``tests/benchmarks/bench_startup.py``). They are imported when first needed.
"""

# Shown in About; a test keeps it equal to the version in setup.cfg.
VERSION = "0.1.0"
