"""Duly's store and business rules. Imports no Qt and no reportlab."""
