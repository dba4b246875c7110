"""The SLA-breach monitor: rules that turn figures into breaches, kept as alerts."""
