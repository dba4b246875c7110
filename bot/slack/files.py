"""Chart images for Block Kit: uploaded privately, then shown anywhere through `slack_file`."""

from __future__ import annotations

import re

from slack_sdk import WebClient


def upload_png(client: WebClient, png: bytes, *, name: str, title: str) -> str:
    """Upload a PNG without sharing it to a channel; returns the file id an image block can show."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "chart"
    return client.files_upload_v2(content=png, filename=f"{slug}.png", title=title)["file"]["id"]
