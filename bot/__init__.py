"""QA Ops Bot: quality figures of content-moderation QA, in Slack."""

__version__ = "0.1.0"
