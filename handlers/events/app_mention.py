"""@mention in a channel → the answer in the mention's thread; the thread is remembered so that follow-ups there
need no new mention (see `handlers/events/message.py`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from handlers.context import services_of
from handlers.conversation import answer_in_thread, without_mentions


def handle_app_mention(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    services = services_of(context)
    channel = event["channel"]
    thread_ts = event.get("thread_ts") or event["ts"]
    text = without_mentions(event.get("text", ""), context.bot_user_id)
    # Join before answering, so a quick follow-up finds the thread; never where the policy refuses (each
    # follow-up there would get the refusal again).
    if services.access.allows(team_id=context.team_id, channel_id=channel, user_id=context.user_id):
        services.threads.join(team=context.team_id or "-", channel=channel, thread_ts=thread_ts)
    answer_in_thread(context, client, channel=channel, thread_ts=thread_ts, text=text, kind="app_mention")
