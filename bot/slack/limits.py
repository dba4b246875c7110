"""Slack's Block Kit limits, checked before anything is sent (and by the stand-in).

https://docs.slack.dev/reference/block-kit/blocks: a message holds at most 50
blocks, a modal 100; section text 3000 characters; header 150; a button's text
75; ids 255; a modal title 24.
"""

from __future__ import annotations

MESSAGE_BLOCKS = 50
MODAL_BLOCKS = 100
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ID_LENGTH = 255
ALT_TEXT = 2000
MODAL_TITLE = 24


def _text(obj: dict | None) -> str:
    return (obj or {}).get("text", "")


def block_problems(blocks: list[dict], *, modal: bool = False) -> list[str]:
    """Every way `blocks` breaks Slack's limits (empty when it is fine)."""
    problems = []
    most = MODAL_BLOCKS if modal else MESSAGE_BLOCKS
    if len(blocks) > most:
        problems.append(f"{len(blocks)} blocks; at most {most}")
    for index, block in enumerate(blocks):
        where = f"block {index} ({block.get('type')})"
        if len(block.get("block_id", "")) > ID_LENGTH:
            problems.append(f"{where}: block_id over {ID_LENGTH} characters")
        kind = block.get("type")
        if kind == "section":
            if len(_text(block.get("text"))) > SECTION_TEXT:
                problems.append(f"{where}: text of {len(_text(block['text']))} characters; at most {SECTION_TEXT}")
            fields = block.get("fields", [])
            if len(fields) > SECTION_FIELDS:
                problems.append(f"{where}: {len(fields)} fields; at most {SECTION_FIELDS}")
            problems += [f"{where}: a field over {FIELD_TEXT} characters" for f in fields if len(_text(f)) > FIELD_TEXT]
            if "text" not in block and not fields:
                problems.append(f"{where}: needs text or fields")
        elif kind == "header":
            if len(_text(block.get("text"))) > HEADER_TEXT:
                problems.append(f"{where}: text over {HEADER_TEXT} characters")
        elif kind == "context":
            if not 0 < len(block.get("elements", [])) <= CONTEXT_ELEMENTS:
                problems.append(f"{where}: needs 1 to {CONTEXT_ELEMENTS} elements")
        elif kind == "image":
            if len(block.get("alt_text", "")) > ALT_TEXT or not block.get("alt_text"):
                problems.append(f"{where}: alt_text must be 1 to {ALT_TEXT} characters")
            if ("image_url" in block) == ("slack_file" in block):
                problems.append(f"{where}: needs exactly one of image_url and slack_file")
        elif kind == "actions":
            for element in block.get("elements", []):
                if len(_text(element.get("text"))) > BUTTON_TEXT:
                    problems.append(f"{where}: button text over {BUTTON_TEXT} characters")
                if len(element.get("action_id", "")) > ID_LENGTH:
                    problems.append(f"{where}: action_id over {ID_LENGTH} characters")
                if len(element.get("value", "")) > BUTTON_VALUE:
                    problems.append(f"{where}: button value over {BUTTON_VALUE} characters")
    return problems


def view_problems(view: dict) -> list[str]:
    problems = block_problems(view.get("blocks", []), modal=True)
    for part in ("title", "submit", "close"):
        if len(_text(view.get(part))) > MODAL_TITLE:
            problems.append(f"modal {part} over {MODAL_TITLE} characters")
    return problems
