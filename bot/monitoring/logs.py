"""Log lines as text (the default) or, with QABOT_LOG_FORMAT=json, one JSON object a line.

A JSON line has time (UTC, ISO 8601), level, logger and message, and while a Slack request is being
handled its listener, kind, user, team and request id (the event id, or the trigger id of a command or
click). Those come from `request_fields`, set for the request by bot.slack.observed and carried into
the listener's thread. Nothing logged at INFO holds a token, a secret or what someone typed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType

from bot.errors import ConfigError

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_request_fields: ContextVar[Mapping[str, str]] = ContextVar("qabot_request_fields", default=MappingProxyType({}))


@contextmanager
def request_fields(fields: Mapping[str, str]) -> Iterator[None]:
    """Inside, every log line of this thread (and of listener threads started from it) carries `fields`."""
    token = _request_fields.set(fields)
    try:
        yield
    finally:
        _request_fields.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_request_fields.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(*, level: str, log_format: str) -> None:
    """The root logger's one handler, on stderr; ConfigError for a format other than text or json."""
    log_format = log_format.strip().lower() or "text"
    if log_format not in LOG_FORMATS:
        raise ConfigError([f"QABOT_LOG_FORMAT: '{log_format}' is not one of {', '.join(LOG_FORMATS)}."])
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # bot.jobs.scheduler logs each run's outcome
