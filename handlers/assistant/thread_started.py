"""A new assistant thread → a greeting and up to four suggested prompts, in the user's language."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import BoltContext, Say, SetSuggestedPrompts

from bot.home import examples, greeting, user_lang
from handlers.blocks.mrkdwn import escape
from handlers.boundary import boundary
from handlers.context import caller_of, log_context, services_of

MAX_PROMPTS = 4  # Slack shows at most four suggested prompts
TITLE_CHARS = 40  # a suggested prompt's title is a short label; the full question is its message


def suggested_prompts(lang: str) -> list[dict[str, str]]:
    def title(text: str) -> str:
        return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"

    return [{"title": title(e), "message": e} for e in examples(lang)[:MAX_PROMPTS]]


def handle_thread_started(
    payload: dict[str, Any], context: BoltContext, say: Say, set_suggested_prompts: SetSuggestedPrompts
) -> None:
    services = services_of(context)
    thread = payload.get("assistant_thread", {})
    caller = replace(
        caller_of(context, channel=thread.get("channel_id")), user=str(thread.get("user_id") or context.user_id or "-")
    )
    lang = user_lang(services, caller)
    ctx = log_context(context, kind="assistant_thread_started")
    with boundary(lambda text: say(escape(text)), lang, ctx):  # a refused workspace or DMs off: only the reason
        say(greeting(services, caller, lang))
        set_suggested_prompts(prompts=suggested_prompts(lang))
