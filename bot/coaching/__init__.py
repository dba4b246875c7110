"""Coaching: records of who was coached on what, their follow-ups with a significance test, and the weekly
digest of agents worth coaching."""
