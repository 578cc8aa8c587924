"""`/bedrock <subcommand> …` → an ephemeral answer (only the user sees it), or a public one when the command ends
with `share`/`공유`. Ephemeral answers carry a "Share in channel" button."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond

from handlers.replies import run_and_respond

SHARE_WORDS = ("share", "공유")


def split_share(text: str) -> tuple[str, bool]:
    """(the command without a trailing share word, whether to post it in the channel)."""
    words = text.split()
    if words and words[-1].lower() in SHARE_WORDS:
        return " ".join(words[:-1]), True
    return text.strip(), False


def handle_bedrock(command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    text, public = split_share(command.get("text", ""))
    run_and_respond(context, respond, text, public=public, kind="command")
