"""What people ask the bot for, shared by the terminal and (soon) the `/qa` Slack command."""
