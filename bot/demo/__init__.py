"""Synthetic but realistic demo data."""
