"""Bringing the books in from the accounting program the business already uses.

``table`` reads an export file as rows (encoding, delimiter and header row found);
``values`` reads its cells (dates in the file's order, amounts with its decimal mark);
``sources`` knows each program's export layouts (presets).
"""
