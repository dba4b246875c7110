"""Audit sample planning: how many audits a scope and its agents need, and what they get."""
