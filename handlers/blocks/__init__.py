"""Slack Block Kit builders: pure functions from plain values (an `Answer`, `Followups`, settings) to JSON-able
blocks. No Slack client and no I/O here; handlers post what these return."""

from __future__ import annotations

from handlers.blocks.answer import RUN_COMMAND_PATTERN, answer_blocks, answer_fallback_text, error_blocks
from handlers.blocks.home import home_view
from handlers.blocks.mrkdwn import split_text, to_mrkdwn

__all__ = [
    "RUN_COMMAND_PATTERN",
    "answer_blocks",
    "answer_fallback_text",
    "error_blocks",
    "home_view",
    "split_text",
    "to_mrkdwn",
]
