"""App Home opened → publish the user's home view (capabilities, examples, default-model picker, usage); where the
access policy refuses the workspace, a home that only says so."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.home import home, user_lang
from handlers.boundary import boundary
from handlers.context import caller_of, log_context, services_of
from handlers.home import publish_home, publish_notice


def handle_app_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("tab") != "home":
        return
    services = services_of(context)
    ctx = log_context(context, kind="app_home_opened")
    user, caller = event["user"], caller_of(context)
    with boundary(lambda text: publish_notice(client, user, text, ctx), lambda: user_lang(services, caller), ctx):
        publish_home(client, user, home(services, caller), ctx)
