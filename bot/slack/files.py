"""Chart images for Block Kit: uploaded privately, then shown anywhere through `slack_file`."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool

from slack_sdk import WebClient

from bot.kpi.scorecard import Scorecard
from bot.render.chart_cache import ChartCache, chart_key
from bot.render.charts import trend_chart
from bot.slack.errors import SLACK_FAILURES

logger = logging.getLogger(__name__)


def upload_png(client: WebClient, png: bytes, *, name: str, title: str) -> str:
    """Upload a PNG without sharing it to a channel; returns the file id an image block can show."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "chart"
    return client.files_upload_v2(content=png, filename=f"{slug}.png", title=title)["file"]["id"]


def scorecard_chart(client: WebClient, card: Scorecard, *, charts: ChartCache, draw: Callable[..., bytes]
                    ) -> str | None:
    """The scorecard's trend chart as an uploaded file id (see uploaded_chart)."""
    return uploaded_chart(client, charts=charts, key=chart_key(card), png=lambda: draw(trend_chart, card),
                          name=f"{card.label}-accuracy-{card.period.first_day}-{card.period.last_day}",
                          title=f"{card.label} daily accuracy")


def uploaded_chart(client: WebClient, *, charts: ChartCache, key: str, png: Callable[[], bytes], name: str,
                   title: str) -> str | None:
    """A chart as an uploaded file id, drawn and uploaded once per `key` (what it shows); if drawing or
    uploading fails, None: the figures go out without it."""
    try:
        return charts.get(key, lambda: upload_png(client, png(), name=name, title=title))
    except (*SLACK_FAILURES, TimeoutError, BrokenProcessPool):
        logger.exception("the chart %s could not be drawn or uploaded; sending the figures without it", name)
        return None
