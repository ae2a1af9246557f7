"""Accounts: who owes what and how late, with aging buckets per customer."""
