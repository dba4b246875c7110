"""The Web API client, counting what Slack answered to each call by method: ok, ratelimited or error.

A 429 that the client waits out and retries counts as ratelimited, and the retry that then succeeds as ok:
each response Slack gave is counted once.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.slack_response import SlackResponse

from bot.monitoring.metrics import Metrics

RATE_LIMITED = 429


class CountedWebClient(WebClient):
    def __init__(self, *, metrics: Metrics, **options):
        super().__init__(**options)
        self.metrics = metrics

    def api_call(self, api_method: str, **options) -> SlackResponse:
        try:
            response = super().api_call(api_method, **options)
        except SlackApiError as error:
            ratelimited = error.response.status_code == RATE_LIMITED
            self.metrics.api_call(method=api_method, result="ratelimited" if ratelimited else "error")
            raise
        except Exception:  # the network, a malformed request: counted, then raised as it was
            self.metrics.api_call(method=api_method, result="error")
            raise
        self.metrics.api_call(method=api_method, result="ok")
        return response


class CountedRateLimitRetries(RateLimitErrorRetryHandler):
    """Waits out 429s (Retry-After) like slack_sdk's handler, counting each one it retries."""

    def __init__(self, *, metrics: Metrics, max_retry_count: int):
        super().__init__(max_retry_count=max_retry_count)
        self._metrics = metrics

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        retried = super()._can_retry(state=state, request=request, response=response, error=error)
        if retried:
            self._metrics.api_call(method=request.url.split("?")[0].rsplit("/", 1)[-1], result="ratelimited")
        return retried
