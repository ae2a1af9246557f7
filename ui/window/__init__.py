"""The window frame: the main window, the area registry, navigation, the welcome
page and starting a company. (PySide6's question of each module imported after it is
answered from the file's bytes by ``ui/__init__.py``, which every window module comes
after.)"""
