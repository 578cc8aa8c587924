"""Messages the bot was not @mentioned in: a reply in a channel thread the bot answers in, and top-level direct
messages. (DM threads are the assistant panel's: `handlers/assistant/`.) Edits, deletions, joins and other
subtypes are ignored, and so are other bots unless the access policy says to answer them."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from handlers.context import services_of
from handlers.conversation import answer_in_thread, mentions

ANSWERED_SUBTYPES = (None, "file_share", "thread_broadcast", "bot_message")


def handle_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    services = services_of(context)
    if event.get("subtype") not in ANSWERED_SUBTYPES:
        return
    if (event.get("bot_id") or event.get("subtype") == "bot_message") and not services.access.answers_bot(
        event.get("bot_id")
    ):
        return
    text = event.get("text", "")
    channel, thread_ts = event["channel"], event.get("thread_ts")
    if event.get("channel_type") == "im":
        if thread_ts is None:
            answer_in_thread(context, client, channel=channel, thread_ts=None, text=text, kind="dm")
        return
    if thread_ts is None or mentions(text, context.bot_user_id):  # a mention is app_mention's to answer
        return
    if services.threads.joined(team=context.team_id or "-", channel=channel, thread_ts=thread_ts):
        answer_in_thread(context, client, channel=channel, thread_ts=thread_ts, text=text, kind="thread_reply")
