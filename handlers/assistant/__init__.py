"""The assistant side panel (`slack_bolt.Assistant`): greeting and suggested prompts, then answers with a loading
status and a thread title."""

from __future__ import annotations

from slack_bolt import App, Assistant

from handlers.assistant.thread_started import handle_thread_started
from handlers.assistant.user_message import handle_user_message
from handlers.lazy import ack_only


def register(app: App) -> None:
    assistant = Assistant()
    assistant.thread_started(lazy=[handle_thread_started])(ack_only)
    assistant.user_message(lazy=[handle_user_message])(ack_only)
    app.assistant(assistant)
