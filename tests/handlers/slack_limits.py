"""`assert_slack_limits(blocks)`: Slack's Block Kit limits, checked on any list of blocks (message or view).

Slack rejects a whole message when one limit is broken, so every block builder's tests run their output through
this. Limits: https://api.slack.com/reference/block-kit/blocks and .../block-elements.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
LIMITS = {"section": 3000, "header": 150, "context": 3000, "button": 75, "option": 75, "placeholder": 150}
BUTTON_VALUE = 2000
OPTION_VALUE = 150
MAX_OPTIONS = 100
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_ID = 255


def assert_slack_limits(blocks: Sequence[dict[str, Any]], *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> None:
    """Fail unless `blocks` is JSON-able and within Slack's limits (`max_blocks=100` for App Home/modal views)."""
    json.dumps(blocks, ensure_ascii=False)
    assert 0 < len(blocks) <= max_blocks, f"{len(blocks)} blocks (limit {max_blocks})"
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)), f"duplicate block_id: {block_ids}"
    for block in blocks:
        assert len(block.get("block_id", "")) <= MAX_ID
        _CHECKS.get(block["type"], _no_check)(block)


def _text(obj: dict[str, Any], limit: int, kind: str | None = None) -> None:
    assert obj["type"] in ("plain_text", "mrkdwn"), obj
    if kind:
        assert obj["type"] == kind, f"{obj} should be {kind}"
    text = obj["text"]
    assert isinstance(text, str) and text.strip(), f"empty text: {obj}"
    assert len(text) <= limit, f"text of {len(text)} characters (limit {limit}): {text[:80]!r}…"


def _section(block: dict[str, Any]) -> None:
    assert "text" in block or "fields" in block, block
    if "text" in block:
        _text(block["text"], LIMITS["section"])
    for field in block.get("fields", []):
        _text(field, 2000)
    assert len(block.get("fields", [])) <= 10
    if "accessory" in block:
        _element(block["accessory"])


def _header(block: dict[str, Any]) -> None:
    _text(block["text"], LIMITS["header"], "plain_text")


def _context(block: dict[str, Any]) -> None:
    elements = block["elements"]
    assert 0 < len(elements) <= MAX_CONTEXT_ELEMENTS, f"{len(elements)} context elements"
    for element in elements:
        _text(element, LIMITS["context"])


def _actions(block: dict[str, Any]) -> None:
    elements = block["elements"]
    assert 0 < len(elements) <= MAX_ACTIONS_ELEMENTS
    ids = [e["action_id"] for e in elements if "action_id" in e]
    assert len(ids) == len(set(ids)), f"duplicate action_id in one actions block: {ids}"
    for element in elements:
        _element(element)


def _element(element: dict[str, Any]) -> None:
    assert len(element.get("action_id", "")) <= MAX_ID
    if element["type"] == "button":
        _text(element["text"], LIMITS["button"], "plain_text")
        assert len(element.get("value", "")) <= BUTTON_VALUE
    elif element["type"] == "static_select":
        _select(element)


def _select(element: dict[str, Any]) -> None:
    if "placeholder" in element:
        _text(element["placeholder"], LIMITS["placeholder"], "plain_text")
    options = element["options"]
    assert 0 < len(options) <= MAX_OPTIONS, f"{len(options)} options"
    for option in options:
        _text(option["text"], LIMITS["option"], "plain_text")
        assert 0 < len(option["value"]) <= OPTION_VALUE, option
    if "initial_option" in element:
        assert element["initial_option"] in options, "initial_option must be one of the options"


def _no_check(block: dict[str, Any]) -> None:
    assert block["type"] in ("divider", "image", "input", "rich_text", "file", "video"), f"unknown block {block}"


_CHECKS = {"section": _section, "header": _header, "context": _context, "actions": _actions}
