"""Importing from the accounting program's export: the wizard (File → Import…).

Shared, not an area: the window opens it, and the areas' empty states offer it through
the window's Import action.
"""
