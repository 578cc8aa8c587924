"""App Home opened → publish the user's home view (capabilities, examples, default-model picker, usage)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.home import home
from handlers.boundary import boundary
from handlers.context import caller_of, log_context, services_of
from handlers.home import publish_home


def handle_app_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("tab") != "home":
        return
    services = services_of(context)
    ctx = log_context(context, kind="app_home_opened")
    with boundary(lambda _text: None, "en", ctx):  # nowhere to reply: a failure is logged with an id
        publish_home(client, event["user"], home(services, caller_of(context)), ctx)
