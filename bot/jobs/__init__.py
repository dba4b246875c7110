"""Scheduled work (morning posts, SLA monitor): each job takes `now` so tests control the clock."""
