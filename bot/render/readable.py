"""Block Kit as plain text, the way a person reads the message in Slack (for the demo and logs)."""

from __future__ import annotations

import re

_DATE_TOKEN = re.compile(r"<!date\^\d+\^[^|]*\|([^>]*)>")
_LINK = re.compile(r"<([^|>]+)\|([^>]+)>")


def _plain(text: str) -> str:
    text = _DATE_TOKEN.sub(r"\1", text)
    text = _LINK.sub(r"\2", text)
    return text.replace("*", "")


def blocks_as_text(blocks: list[dict]) -> str:
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            lines += [title, "=" * len(title)]
        elif kind == "context":
            lines.append(" · ".join(_plain(element.get("text", "")) for element in block["elements"]))
        elif kind == "section":
            if "text" in block:
                lines.append(_plain(block["text"]["text"]))
            for field in block.get("fields", []):
                title, _, value = _plain(field["text"]).partition("\n")
                lines.append(f"{title}: {value.replace(chr(10), ' ')}")
        elif kind == "image":
            lines.append(f"[chart: {block['alt_text']}]")
        elif kind == "actions":
            lines.append("  ".join(f"[{element['text']['text']}]" for element in block["elements"]))
        elif kind == "divider":
            lines.append("-" * 40)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
