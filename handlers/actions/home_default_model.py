"""The App Home model picker → save the user's default model (Redis) and re-publish the home view."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.commands import run_subcommand
from bot.home import home, user_lang
from handlers.actions.run_command import action_value
from handlers.boundary import boundary
from handlers.context import caller_of, log_context, services_of
from handlers.home import publish_home


def handle_home_default_model(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = services_of(context)
    caller = caller_of(context)
    user = body["user"]["id"]
    ctx = log_context(context, kind="home_default_model")
    notice: list[str] = []
    with boundary(notice.append, lambda: user_lang(services, caller), ctx):
        run_subcommand(services, caller, f"model {action_value(action)} me")
    publish_home(client, user, home(services, caller), ctx, notice=notice[0] if notice else None)
