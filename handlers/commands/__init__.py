"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from handlers.commands.bedrock import handle_bedrock
from handlers.ids import COMMAND
from handlers.lazy import ack_only


def register(app: App) -> None:
    app.command(COMMAND)(ack=ack_only, lazy=[handle_bedrock])
