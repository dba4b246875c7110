"""The Slack side: the Bolt app, ids, access rules, limits, error answers."""
