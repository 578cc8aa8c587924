"""Publishing App Home (on open, and after the user changes their default model), or only a notice in its place
(the access policy's refusal, an apology with an id)."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.home import Home
from handlers.blocks.home import home_view, notice_view

log = logging.getLogger(__name__)


def publish_home(
    client: WebClient, user_id: str, data: Home, ctx: dict[str, Any], *, notice: str | None = None
) -> None:
    """Publish the home view; `notice` (e.g. why a change was not saved) is shown above everything else."""
    view = home_view(
        lang=data.lang,
        examples=data.examples,
        commands=data.commands,
        models=data.models,
        current_model=data.current_model,
        default_model=data.default_model,
        usage_lines=data.usage_lines,
        as_of=data.as_of,
    )
    if notice:
        view["blocks"].insert(0, {"type": "section", "text": {"type": "mrkdwn", "text": f":warning: {notice}"}})
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as exc:
        log.error("views.publish failed", extra={**ctx, "error": exc.response.get("error")})


def publish_notice(client: WebClient, user_id: str, text: str, ctx: dict[str, Any]) -> None:
    """Publish an App Home that only says `text`."""
    try:
        client.views_publish(user_id=user_id, view=notice_view(text))
    except SlackApiError as exc:
        log.error("views.publish failed", extra={**ctx, "error": exc.response.get("error")})
