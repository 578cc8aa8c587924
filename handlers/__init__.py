"""Slack listeners only: each parses a payload, calls one use case in `bot/`, and renders the result as Block Kit.

`register(app)` wires every kind; the composition root (`bot/slack_app.py`) calls it once.
"""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Register every listener on `app` (events, the assistant panel, the slash command, block actions)."""
    from handlers import actions, assistant, commands, events

    assistant.register(app)  # before the message listener: assistant-thread messages are the panel's
    events.register(app)
    commands.register(app)
    actions.register(app)
