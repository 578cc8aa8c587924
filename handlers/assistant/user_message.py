"""A message in an assistant thread → a loading status while working, the answer in the thread, and the
thread's title from its first question."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext, SetStatus, SetTitle
from slack_sdk import WebClient

from bot.qa.answers.common import L
from bot.qa.text import detect_lang
from handlers.blocks.safe import defang
from handlers.context import log_context, services_of
from handlers.conversation import answer_in_thread

log = logging.getLogger(__name__)
TITLE_CHARS = 60


def loading(lang: str) -> dict[str, Any]:
    return {
        "status": L(lang, "답변을 준비하고 있어요…", "is looking it up…"),
        "loading_messages": [
            L(lang, "카탈로그를 찾아보는 중…", "Checking the catalog…"),
            L(lang, "가격을 계산하는 중…", "Working out prices…"),
        ],
    }


def handle_user_message(
    payload: dict[str, Any], context: BoltContext, client: WebClient, set_status: SetStatus, set_title: SetTitle
) -> None:
    services = services_of(context)
    text, channel, thread_ts = payload.get("text", ""), payload["channel"], payload["thread_ts"]
    lang = detect_lang(text, services.settings.catalog.default_language)
    ctx = log_context(context, kind="assistant_message", thread_ts=thread_ts)
    if services.access.allows(team_id=context.team_id, channel_id=channel, user_id=context.user_id):
        try:  # status and title are niceties: a failure is logged and the answer still goes out
            set_status(**loading(lang))
            if text.strip() and services.threads.claim_title(
                team=context.team_id or "-", channel=channel, thread_ts=thread_ts
            ):
                title = services.guard.check(text.strip(), "INPUT", lang).text  # never an unmasked value
                set_title(defang(title)[:TITLE_CHARS])  # a title may be parsed: no mention, no link
        except Exception as exc:
            log.warning("assistant status/title failed", extra={**ctx, "error": repr(exc)})
    # where the policy refuses, the answer is the refusal only: no status, no title (nor its Redis claim)
    answer_in_thread(context, client, channel=channel, thread_ts=thread_ts, text=text, kind="assistant_message")
