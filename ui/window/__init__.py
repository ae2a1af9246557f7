"""The window frame: the main window, the area registry, navigation, the welcome
page and starting a company."""
