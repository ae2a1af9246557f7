"""Help inside the program: the user guide (F1), the keyboard shortcuts, reporting a
problem.

Not an area: the window builds the Help menu from :class:`~ui.help.help_menu.HelpMenu`,
and the guide's pages are HTML files in ``resources/help/``.
"""
