"""What every handler needs from Bolt's context: the shared `Services` and who is asking."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.caller import Caller
from bot.services import Services


def services_of(context: BoltContext) -> Services:
    """The `Services` the composition root's middleware put into the context."""
    services = context["services"]
    assert isinstance(services, Services), "the inject middleware must run before handlers"
    return services


def caller_of(context: BoltContext, *, thread_ts: str | None = None, channel: str | None = None) -> Caller:
    """Who is asking, and where: `channel`, else the request's channel (App Home and its picker have none)."""
    return Caller(
        team=context.team_id or context.enterprise_id or "-",
        user=context.user_id or "-",
        channel=channel or context.channel_id,
        thread_ts=thread_ts,
    )


def log_context(context: BoltContext, **more: Any) -> dict[str, Any]:
    """Ids for a log line (never text): team, channel, user and anything the handler adds."""
    return {"team": context.team_id, "channel": context.channel_id, "user": context.user_id, **more}


def client_of(context: BoltContext) -> WebClient:
    """The shared WebClient the inject middleware put into the context."""
    client = context.client
    assert client is not None
    return client
