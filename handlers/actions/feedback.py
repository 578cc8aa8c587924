"""👍 / 👎 under an answer → count the vote (one per user per answer) and tell only the voter it was recorded."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import BoltContext, Respond

from bot.home import user_lang
from bot.interactions import record_vote
from bot.qa.answers.common import L
from bot.store.feedback import Outcome, Vote
from handlers.blocks.chat import parse_feedback_value
from handlers.blocks.mrkdwn import escape
from handlers.boundary import boundary
from handlers.context import caller_of, log_context, services_of
from handlers.ids import FEEDBACK_UP
from handlers.post import respond_to


def thanks(outcome: Outcome, vote: Vote, lang: str) -> str:
    """The ephemeral reply to a vote."""
    emoji = " 👍" if vote == "up" else " 👎"
    if outcome == "changed":
        return L(lang, "평가를 바꿨어요. 고마워요!", "Thanks — your vote was changed.") + emoji
    if outcome == "same":
        return L(lang, "이미 같은 평가를 남기셨어요. 고마워요!", "Thanks — you already voted that way.") + emoji
    return L(lang, "고마워요! 평가를 기록했어요.", "Thanks — recorded.") + emoji


def handle_feedback(body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    services = services_of(context)
    caller = caller_of(context)
    vote: Vote = "up" if action.get("action_id") == FEEDBACK_UP else "down"
    ref = parse_feedback_value(action.get("value"))
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "-")
    message_ts = str(container.get("message_ts") or (body.get("message") or {}).get("ts") or "")
    ctx = log_context(context, kind="feedback", vote=vote, model=ref.model, feature=ref.feature)
    lang = user_lang(services, caller)

    def reply(text: str) -> None:
        respond_to(respond, {"text": escape(text)}, ctx=ctx)

    with boundary(reply, lang, ctx):  # a workspace or channel the policy refuses: the refusal, nothing stored
        where = replace(caller, channel=channel)
        outcome = record_vote(services, where, message_ts=message_ts, model=ref.model, vote=vote)
        reply(thanks(outcome, vote, lang))
