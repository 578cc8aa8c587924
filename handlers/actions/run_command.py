"""A follow-up button or a "compare with…" choice → run the command line it carries, answering where the
button is: ephemerally under an ephemeral answer, in the thread under a posted one."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from handlers.conversation import answer_in_thread
from handlers.replies import run_and_respond


def action_value(action: dict[str, Any]) -> str:
    """A button's value, or the value of the option chosen in a select."""
    selected = action.get("selected_option") or {}
    return str(action.get("value") or selected.get("value") or "")


def handle_run_command(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    text = action_value(action)
    container = body.get("container") or {}
    message = body.get("message") or {}
    if container.get("is_ephemeral") or not message:
        run_and_respond(context, respond, text, public=False, kind="action")
        return
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id"))
    thread_ts = message.get("thread_ts") or message.get("ts")
    answer_in_thread(context, client, channel=channel, thread_ts=thread_ts, text="/bedrock " + text, kind="action")
