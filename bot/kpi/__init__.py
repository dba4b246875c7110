"""KPI maths: pure functions from counts to figures (no SQL, no Slack)."""
