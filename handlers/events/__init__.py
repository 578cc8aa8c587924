"""Event listeners: @mentions, messages (channel threads and DMs), App Home."""

from __future__ import annotations

from slack_bolt import App

from handlers.events.app_home_opened import handle_app_home_opened
from handlers.events.app_mention import handle_app_mention
from handlers.events.message import handle_message
from handlers.lazy import ack_only


def register(app: App) -> None:
    app.event("app_mention")(ack=ack_only, lazy=[handle_app_mention])
    app.event("message")(ack=ack_only, lazy=[handle_message])
    app.event("app_home_opened")(ack=ack_only, lazy=[handle_app_home_opened])
