"""Showing model answers in Slack: a streamed chat turn in a thread, a `/bedrock try` thread, a comparison (with
its cost confirmation). The core decides what to run (`bot.commands`); this module only puts it in Slack."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.caller import Caller
from bot.chat.asks import ChatAsk, CompareAsk
from bot.qa.answers.common import L
from bot.sanitize import clean
from bot.services import Services
from bot.store.journal import Entry, StreamJournal, Track
from handlers.blocks.answer import FALLBACK_LIMIT, clip_escaped
from handlers.blocks.chat import (
    compare_blocks,
    compare_confirm_blocks,
    compare_confirm_fallback_text,
    compare_fallback_text,
)
from handlers.blocks.safe import defang
from handlers.boundary import boundary
from handlers.post import UNCERTAIN, post, post_once, respond_to
from handlers.stream import SlackStream

log = logging.getLogger(__name__)
TRY_PROMPT_CHARS = 2_800  # the prompt quoted in a try thread's first message (a section holds 3,000)


def stream_turn(
    services: Services,
    client: WebClient,
    *,
    channel: str,
    thread_ts: str | None,
    caller: Caller,
    ask: ChatAsk,
    ctx: dict[str, Any],
) -> None:
    """One chat turn streamed into `channel`/`thread_ts`. Every failure ends up in the same place, in the user's
    language: a refusal or "no model answered" replaces the placeholder; a bug gets an apology with an id."""
    chat = services.settings.chat
    stream = SlackStream(
        client,
        channel=channel,
        thread_ts=thread_ts,
        team_id=caller.team,
        user_id=caller.user,
        lang=ask.lang,
        mode=chat.stream_mode,
        interval_s=chat.stream_interval_s,
        ctx=ctx,
        track=track(services, channel=channel, thread_ts=thread_ts, caller=caller, ask=ask),
    )
    stream.thinking()
    with boundary(stream.fail, ask.lang, ctx):
        stream.finish(services.chat.turn(caller, ask, stream, stream.progress))


def track(services: Services, *, channel: str, thread_ts: str | None, caller: Caller, ask: ChatAsk) -> Track | None:
    """The answer's record in the stream journal (None without one: the console, offline)."""
    if services.journal is None:
        return None
    entry = Entry(
        id=StreamJournal.new_id(),
        team=caller.team,
        channel=channel,
        thread_ts=thread_ts or "",
        user=caller.user,
        lang=ask.lang,
        feature=ask.feature,
        question=ask.text,
    )
    return Track(services.journal, entry)


def start_try(
    services: Services, client: WebClient, respond: Respond, *, caller: Caller, ask: ChatAsk, ctx: dict[str, Any]
) -> None:
    """`/bedrock try <model> <prompt>`: a message in the channel opens a thread bound to the model, and the answer
    streams into it; replies in the thread continue the conversation."""
    channel = caller.channel or ""
    services.chat.limit(caller, ask.lang)  # before the thread opens: a refusal goes to the user alone
    ask = replace(ask, counted=True)
    model = services.engine.catalog.models[ask.named or ""].name if ask.named else "?"
    prompt = defang(ask.text)  # the user's words: plain_text is not parsed, and its tokens are broken anyway
    prompt = prompt if len(prompt) <= TRY_PROMPT_CHARS else prompt[:TRY_PROMPT_CHARS] + "…"
    head = L(ask.lang, f"🧪 <@{caller.user}>님이 *{model}* 에게:", f"🧪 <@{caller.user}> asked *{model}*:")
    message: dict[str, Any] = {
        "text": f"{head} {clip_escaped(clean(ask.text), FALLBACK_LIMIT)}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": head}},
            {"type": "section", "text": {"type": "plain_text", "text": prompt}},
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": L(
                            ask.lang,
                            "이 스레드에 답글을 달면 같은 모델과 대화가 이어집니다.",
                            "Reply in this thread to keep talking to the same model.",
                        ),
                    }
                ],
            },
        ],
    }
    try:
        root = post_once(client, channel=channel, thread_ts=None, ctx=ctx, unfurl_links=False, **message)
        if root is None:
            raise TimeoutError("chat.postMessage gave no ts")
    except (SlackApiError, *UNCERTAIN) as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
        log.warning("try: cannot post in the channel", extra={**ctx, "error": error})
        respond_to(
            respond,
            {
                "text": L(
                    ask.lang,
                    "이 채널에 글을 올릴 수 없습니다. 봇을 채널에 초대(`/invite @Bedrock Assistant`)하거나 "
                    "봇과의 DM에서 다시 시도해 주세요.",
                    "I cannot post in this channel. Invite me (`/invite @Bedrock Assistant`) or try again in a DM "
                    "with me.",
                )
            },
            ctx=ctx,
        )
        return
    services.threads.join(team=caller.team, channel=channel, thread_ts=root)
    stream_turn(
        services,
        client,
        channel=channel,
        thread_ts=root,
        caller=replace(caller, thread_ts=root),
        ask=ask,
        ctx={**ctx, "thread_ts": root},
    )


def compare_message(services: Services, caller: Caller, ask: CompareAsk, command: str) -> dict[str, Any]:
    """The comparison's message, or — when its estimated cost is above the threshold and it is not confirmed
    yet — the estimate with Confirm / Cancel buttons (the command waits in Redis under a short id)."""
    if not ask.confirmed:
        estimate = services.comparer.estimate(caller, ask)
        if estimate.needs_confirmation:
            pending_id = services.pending.put(ask.command or command, team=caller.team, user=caller.user)
            return {
                "text": compare_confirm_fallback_text(estimate),
                "blocks": compare_confirm_blocks(estimate, pending_id),
            }
    comparison = services.comparer.run(caller, ask)
    return {"text": compare_fallback_text(comparison), "blocks": compare_blocks(comparison)}


def compare_in_thread(
    services: Services,
    client: WebClient,
    *,
    channel: str,
    thread_ts: str | None,
    caller: Caller,
    ask: CompareAsk,
    command: str,
    ctx: dict[str, Any],
) -> None:
    post(client, channel=channel, thread_ts=thread_ts, message=compare_message(services, caller, ask, command), ctx=ctx)
