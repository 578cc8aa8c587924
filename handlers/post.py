"""Posting answers to Slack: Block Kit plus a plain-text fallback, in a thread or ephemerally, with failures
logged (with ids) and never raised."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.qa.answer import Answer
from bot.qa.followups import followups
from bot.services import Services
from handlers.blocks.answer import FALLBACK_LIMIT, answer_blocks, answer_fallback_text, clip_escaped, error_blocks

log = logging.getLogger(__name__)


def render(services: Services, answer: Answer, *, share_command: str | None = None) -> dict[str, Any]:
    """`text` and `blocks` for an answer, with its follow-ups (buttons, compare-with) when it has any."""
    return {
        "text": answer_fallback_text(answer),
        "blocks": answer_blocks(answer, followups(services.engine, answer), share_command=share_command),
    }


def error_message(text: str, lang: str) -> dict[str, Any]:
    """A user-visible error (it may quote what the user typed): escaped `text`, a warning section."""
    return {"text": clip_escaped(text, FALLBACK_LIMIT), "blocks": error_blocks(text, lang)}


def post(
    client: WebClient, *, channel: str, thread_ts: str | None, message: dict[str, Any], ctx: dict[str, Any]
) -> str | None:
    """chat.postMessage in `channel` (in the thread when `thread_ts`); the new message's ts, or None on failure."""
    try:
        response = client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False, **message)
    except SlackApiError as exc:
        log.error("chat.postMessage failed", extra={**ctx, "error": exc.response.get("error")})
        return None
    ts = response.get("ts")
    return ts if isinstance(ts, str) else None


def respond_to(
    respond: Respond, message: dict[str, Any], *, public: bool = False, replace: bool = False, ctx: dict[str, Any]
) -> bool:
    """Answer through the response_url: ephemeral (only the user sees it) unless `public`; `replace` swaps the
    message the clicked button is on. True when Slack took it."""
    try:
        response = respond(response_type="in_channel" if public else "ephemeral", replace_original=replace, **message)
    except Exception as exc:
        log.error("response_url post failed", extra={**ctx, "error": repr(exc)})
        return False
    if response.status_code != 200:
        log.error("response_url post failed", extra={**ctx, "status": response.status_code})
        return False
    return True
