"""Presentation: pure functions from figures to text (and later Block Kit and charts)."""
