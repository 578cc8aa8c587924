"""Posting answers to Slack: Block Kit plus a plain-text fallback, in a thread or ephemerally, with failures
logged (with ids) and never raised.

A chat.postMessage that timed out (or whose connection dropped before the reply) may well have been posted:
`post_once` never repeats it blindly. Every post carries a unique marker in its message metadata; after an
uncertain failure the thread (conversations.replies) or the channel (conversations.history) is searched for that
marker for up to SLACK_POST_CONFIRM_S, and the message is posted again, with the same marker, only when it is not
there by then. The Web API client itself retries chat.postMessage only when the request provably never reached
Slack (`bot.slack_app.SafeConnectionRetry`).
"""

from __future__ import annotations

import http.client
import logging
import time
import uuid
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
        return post_once(client, channel=channel, thread_ts=thread_ts, ctx=ctx, unfurl_links=False, **message)
    except SlackApiError as exc:
        log.error("chat.postMessage failed", extra={**ctx, "error": exc.response.get("error")})
    except UNCERTAIN as exc:
        log.error("chat.postMessage failed", extra={**ctx, "error": repr(exc)})
    return None


# Failures after which Slack may have posted the message: the reply timed out or the connection dropped before it.
# (A URLError means the request never went out: connection refused, DNS, a connect timeout.)
UNCERTAIN = (TimeoutError, ConnectionError, http.client.HTTPException)
MARKER_EVENT = "bra_post"
CONFIRM_EVERY_S = 0.5
LOOK_PAGES = 10  # a thread is searched up to 2,000 replies deep


def post_once(
    client: WebClient,
    *,
    channel: str,
    thread_ts: str | None,
    ctx: dict[str, Any],
    marker: str | None = None,
    look_first: bool = False,
    **message: Any,
) -> str | None:
    """chat.postMessage that is never sent twice: the new message's ts (None if Slack gave none). Raises
    `SlackApiError` (Slack said no) or one of `UNCERTAIN` (it may or may not be there, and could not be confirmed).
    `marker`: the message's unique id (default: a new one); `look_first`: an earlier try with this marker was
    uncertain, so look for it before posting."""
    marker = marker or uuid.uuid4().hex
    metadata = {"event_type": MARKER_EVENT, "event_payload": {"post_id": marker}}
    if look_first and (found := _find(client, channel, thread_ts, marker, ctx, wait_s=0.0)):
        return found
    try:
        response = client.chat_postMessage(channel=channel, thread_ts=thread_ts, metadata=metadata, **message)
    except UNCERTAIN as exc:
        log.warning("chat.postMessage outcome unknown; looking for it", extra={**ctx, "error": repr(exc)})
        wait_s = float(getattr(client, "post_confirm_s", 10.0))
        if found := _find(client, channel, thread_ts, marker, ctx, wait_s=wait_s):
            log.info("chat.postMessage had gone through", extra={**ctx, "ts": found})
            return found
        log.warning("chat.postMessage not found; posting it again", extra=ctx)
        response = client.chat_postMessage(channel=channel, thread_ts=thread_ts, metadata=metadata, **message)
    ts = response.get("ts")
    return ts if isinstance(ts, str) else None


def find_posted(client: WebClient, *, channel: str, thread_ts: str | None, marker: str) -> str | None:
    """The ts of the message `post_once` posted with `marker`, if Slack has it (None also when it cannot tell)."""
    try:
        return _look(client, channel, thread_ts, marker)
    except (SlackApiError, *UNCERTAIN) as exc:
        log.warning("could not look for a posted message", extra={"channel": channel, "error": repr(exc)})
        return None


def _find(
    client: WebClient, channel: str, thread_ts: str | None, marker: str, ctx: dict[str, Any], *, wait_s: float
) -> str | None:
    """The ts of the bot's message carrying `marker`, looking again every CONFIRM_EVERY_S for `wait_s`. Raises
    `UNCERTAIN` errors (a TimeoutError) when the history cannot be read: then nobody can tell."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            found = _look(client, channel, thread_ts, marker)
        except (SlackApiError, *UNCERTAIN) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
            log.error("chat.postMessage unconfirmable: not posted again", extra={**ctx, "error": error})
            raise TimeoutError("chat.postMessage outcome unknown") from exc
        if found is not None or time.monotonic() >= deadline:
            return found
        time.sleep(min(CONFIRM_EVERY_S, max(0.0, deadline - time.monotonic())))


def _look(client: WebClient, channel: str, thread_ts: str | None, marker: str) -> str | None:
    """One search: the whole thread (conversations.replies, page by page), or the channel's newest messages."""
    cursor: str | None = None
    for _ in range(LOOK_PAGES):
        if thread_ts:
            page = client.conversations_replies(
                channel=channel, ts=thread_ts, include_all_metadata=True, limit=200, cursor=cursor
            )
        else:
            page = client.conversations_history(channel=channel, include_all_metadata=True, limit=200)
        for msg in page.get("messages") or []:
            payload = (msg.get("metadata") or {}).get("event_payload") or {}
            if payload.get("post_id") == marker and isinstance(msg.get("ts"), str):
                return str(msg["ts"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not thread_ts or not cursor:
            return None
    return None


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
