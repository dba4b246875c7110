"""Pure rules of an escalation: checking the form, routing, SLA deadlines, its one-line summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from bot.escalations.config import SEVERITIES, Escalations

if TYPE_CHECKING:
    from bot.store.records import Escalation

TITLE_MAX = 150
DESCRIPTION_MAX = 3000
ITEMS_MAX = 50
ITEM_MAX = 500


@dataclass(frozen=True)
class EscalationForm:
    """What the modal gave, as typed."""

    title: str
    category: str
    severity: str
    vendor: str | None
    queue: str | None
    items: str
    description: str
    assignee_id: str | None


def form_problems(form: EscalationForm, *, config: Escalations) -> dict[str, str]:
    """Field name -> what is wrong and how to fix it (empty when the form is fine)."""
    problems: dict[str, str] = {}
    if not form.title.strip():
        problems["title"] = "Give the escalation a title, e.g. 'Counterfeit sneakers approved in shop-listings'."
    elif len(form.title) > TITLE_MAX:
        problems["title"] = f"Keep the title to {TITLE_MAX} characters (it has {len(form.title)})."
    if form.category not in config.categories:
        problems["category"] = "Choose a category."
    if form.severity not in SEVERITIES:
        problems["severity"] = "Choose a severity."
    if len(form.description) > DESCRIPTION_MAX:
        problems["description"] = f"Keep the description to {DESCRIPTION_MAX} characters (it has {len(form.description)})."
    item_lines = [line.strip() for line in form.items.splitlines() if line.strip()]
    if len(item_lines) > ITEMS_MAX:
        problems["items"] = f"At most {ITEMS_MAX} items, one a line (there are {len(item_lines)})."
    else:
        for number, item in enumerate(item_lines, start=1):
            problem = _item_problem(item)
            if problem:
                problems["items"] = f"Line {number}: {problem}"
                break
    return problems


def _item_problem(item: str) -> str | None:
    if len(item) > ITEM_MAX:
        return f"longer than {ITEM_MAX} characters."
    if "://" in item or item.startswith("www."):
        url = urlparse(item if "://" in item else "https://" + item)
        if url.scheme not in ("http", "https") or not url.netloc or " " in item:
            return f"'{item[:60]}' is not a URL I can read; paste the full link, e.g. https://example.com/item/123."
        return None
    if " " in item:
        return f"'{item[:60]}' has spaces; put one item id or URL on each line."
    return None


def clean_items(items: str) -> str:
    return "\n".join(line.strip() for line in items.splitlines() if line.strip())


def escalation_summary(escalation: Escalation) -> str:
    """One line for notifications, screen readers and alert summaries."""
    return f"{escalation.readable_id} {escalation.severity} {escalation.category}: {escalation.title}"


def deadlines(severity: str, *, now: datetime, config: Escalations) -> tuple[datetime, datetime]:
    """(acknowledge by, resolve by) for a severity, from the config's SLA rules."""
    rule = getattr(config.sla, severity)
    return now + timedelta(minutes=rule.acknowledge_min), now + timedelta(minutes=rule.resolve_min)


def route(form: EscalationForm, *, config: Escalations) -> str | None:
    """The channel for this escalation: the first route matching its vendor, queue or category."""
    for rule in config.routes:
        by_vendor = bool(form.vendor) and form.vendor.casefold() in {v.casefold() for v in rule.vendors}
        by_queue = bool(form.queue) and form.queue.casefold() in {q.casefold() for q in rule.queues}
        if by_vendor or by_queue or form.category in rule.categories:
            return rule.channel
    return config.default_channel
