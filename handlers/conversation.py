"""Answering a message in a conversation (mention thread, channel thread, DM, assistant panel): the shared path."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.chat.asks import ChatAsk, CompareAsk
from bot.commands import answer_message
from bot.qa.text import detect_lang
from handlers.boundary import boundary
from handlers.chat import compare_in_thread, stream_turn
from handlers.context import caller_of, log_context, services_of
from handlers.post import error_message, post, render


def _mention(user_id: str) -> re.Pattern[str]:
    return re.compile(rf"<@{re.escape(user_id)}(?:\|[^>]*)?>")


def without_mentions(text: str, bot_user_id: str | None) -> str:
    """The text with the bot's own @mention removed (other people's mentions stay as they are)."""
    return _mention(bot_user_id).sub(" ", text).strip() if bot_user_id else text.strip()


def mentions(text: str, user_id: str | None) -> bool:
    """Whether `text` @mentions `user_id` (`<@U123>` or `<@U123|name>`)."""
    return user_id is not None and _mention(user_id).search(text) is not None


def answer_in_thread(
    context: BoltContext, client: WebClient, *, channel: str, thread_ts: str | None, text: str, **ids: Any
) -> None:
    """Answer `text` in `channel` (in the thread `thread_ts`, top level when None).

    Every failure becomes a reply in the same place: the policy's refusal, a usage line, an apology with an id.
    """
    services = services_of(context)
    lang = detect_lang(text, services.settings.catalog.default_language)
    ctx = log_context(context, thread_ts=thread_ts, chars=len(text), **ids)
    caller = caller_of(context, thread_ts=thread_ts, channel=channel)

    def reply(message: str) -> None:
        post(client, channel=channel, thread_ts=thread_ts, message=error_message(message, lang), ctx=ctx)

    with boundary(reply, lang, ctx):
        routed = answer_message(services, caller, text)  # admits the caller first (the access policy)
        services.prefs.remember_lang(team=caller.team, user=caller.user, lang=lang)
        match routed:
            case ChatAsk() as ask:
                stream_turn(services, client, channel=channel, thread_ts=thread_ts, caller=caller, ask=ask, ctx=ctx)
            case CompareAsk() as ask:
                compare_in_thread(
                    services,
                    client,
                    channel=channel,
                    thread_ts=thread_ts,
                    caller=caller,
                    ask=ask,
                    command=text,
                    ctx=ctx,
                )
            case answer:
                post(client, channel=channel, thread_ts=thread_ts, message=render(services, answer), ctx=ctx)
