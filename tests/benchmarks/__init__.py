"""Benchmarks: Duly beside its baseline in the same run. Not collected by pytest."""
