"""Escalations: urgent problems filed through a modal, routed, on an SLA clock."""
