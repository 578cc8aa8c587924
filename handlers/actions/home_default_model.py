"""The App Home model picker → save the user's default model (Redis) and re-publish the home view. A model the
policy refuses is not saved (the reason shows on top); a refused workspace gets only the refusal."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.commands import run_subcommand
from bot.home import home, user_lang
from handlers.actions.run_command import action_value
from handlers.boundary import boundary
from handlers.context import caller_of, log_context, services_of
from handlers.home import publish_home, publish_notice


def handle_home_default_model(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = services_of(context)
    caller = caller_of(context)
    user = body["user"]["id"]
    ctx = log_context(context, kind="home_default_model")

    def lang() -> str:
        return user_lang(services, caller)

    notice: list[str] = []
    with boundary(notice.append, lang, ctx):  # a refused model or place: nothing saved, the reason shown on top
        run_subcommand(services, caller, f"model {action_value(action)} me")
    with boundary(lambda text: publish_notice(client, user, text, ctx), lang, ctx):
        publish_home(client, user, home(services, caller), ctx, notice=notice[0] if notice else None)
