"""A Slack stand-in for tests, benchmarks and `qabot demo`: Slack itself is unreachable here.

- `FakeSlack`: a loopback HTTP server playing the Web API methods the bot calls
  (including the three steps of files_upload_v2) and the response_url endpoint,
  checking tokens and Block Kit limits as Slack does, and recording every call.
- `SlackSender`: sends slash commands, button clicks, view submissions and
  Events API callbacks to the running app, signed exactly as Slack signs them.
"""

from bot.standin.sender import SlackSender
from bot.standin.web_api import FakeSlack, RecordedCall

__all__ = ["FakeSlack", "RecordedCall", "SlackSender"]
