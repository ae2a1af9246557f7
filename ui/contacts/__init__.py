"""Contacts with customers: logging a call, e-mail or letter, and correcting a note."""
