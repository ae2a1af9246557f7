"""Customers: each customer's account, invoices, payments, timeline and documents."""
