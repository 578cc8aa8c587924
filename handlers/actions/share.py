"""Share in channel → post the answer publicly (run again: catalog answers are deterministic) and replace the
ephemeral copy with a short confirmation."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond

from bot.qa.answers.common import L
from bot.qa.text import detect_lang
from handlers.context import log_context, services_of
from handlers.post import respond_to
from handlers.replies import run_and_respond


def handle_share(action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    text = str(action.get("value") or "")
    if run_and_respond(context, respond, text, public=True, kind="share"):
        lang = detect_lang(text, services_of(context).settings.catalog.default_language)
        done = L(lang, ":white_check_mark: 채널에 공유했습니다.", ":white_check_mark: Shared in the channel.")
        respond_to(respond, {"text": done}, replace=True, ctx=log_context(context, kind="share"))
